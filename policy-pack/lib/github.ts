/**
 * GitHub protection of a branch, read from either mechanism: repository rulesets
 * (`github.RepositoryRuleset`, GitHub docs "About rulesets") or classic branch protection
 * (`github.BranchProtection`). GitHub layers rulesets and protections, so the effective protection of `main`
 * is the union of every active one that targets it.
 */
import { minimatch } from "minimatch";
import { arr, get, num, str } from "./props";
import type { Res, Verdicts } from "./rule";
import { judgedAlone } from "./standalone";
import { T } from "./tokens";

/** The default branch the constitution protects (CONST "Branching & Flow"). */
export const DEFAULT_BRANCH = "main";

/** A repository of the stack, by its `name` input. */
export interface Repo {
  res: Res;
  name: string;
  /**
   * True for a repository the stack only configures (rulesets, protections, Actions settings, files naming it)
   * without declaring it: its settings are judged on their own, and `res` stands for the first of them.
   */
  standalone?: boolean;
}

/** Repositories managed by the stack. Reading an unknown name throws (the caller guards). */
export function repositories(resources: Res[]): Repo[] {
  return resources
    .filter((r) => r.type === T.repository)
    .map((r) => ({ res: r, name: str(r.props.name) ?? r.name }));
}

/** The types that configure a repository, with the field naming it. */
const CONFIGURING: Array<[string, string]> = [
  [T.ruleset, "repository"],
  [T.branchProtection, "repositoryId"],
  [T.workflowPermissions, "repository"],
  [T.actionsPermissions, "repository"],
  [T.repositoryFile, "repository"],
];

/**
 * Repositories the stack configures but does not declare (another program's stack, or a stack that governs
 * repositories it does not own): one per repository reference no repository of the stack designates, standing for
 * the first resource that names it (its verdicts name that resource). A reference unknown at preview names nothing.
 */
export function standaloneRepositories(resources: Res[]): Repo[] {
  const declared = repositories(resources);
  const found = new Map<string, Repo>();
  for (const r of resources) {
    const field = CONFIGURING.find(([type]) => type === r.type)?.[1];
    if (!field) continue;
    let ref: string | undefined;
    try {
      ref = str(r.props[field]);
    } catch {
      continue;
    }
    if (!ref || declared.some((d) => refersTo(ref, d))) continue;
    const name = ref.includes("/") ? ref.split("/").pop()! : ref;
    if (found.has(name)) continue;
    const res: Res = { urn: r.urn, type: r.type, name: r.name, props: { name }, parent: r.parent };
    found.set(name, { res, name, standalone: true });
  }
  return [...found.values()];
}

/** The repositories the stack declares, then those it only configures ({@link standaloneRepositories}). */
export function governedRepositories(resources: Res[]): Repo[] {
  return [...repositories(resources), ...standaloneRepositories(resources)];
}

/** A repository as evidence names it: its name, and for a standalone one the note that it is judged on its own. */
export function repoLabel(repo: Repo): string {
  return repo.standalone
    ? `${repo.name} (${judgedAlone(`no repository ${repo.name} in this stack`)})`
    : repo.name;
}

/** What a repository's workflow permissions get wrong (CC-BR-10): a writable default token, approvals by workflows. */
export function workflowTokenProblems(wp: Res): string[] {
  const token = str(wp.props.defaultWorkflowPermissions);
  return [
    ...(token !== "read" ? [`default workflow token ${token ?? "unset"}, expected read`] : []),
    ...(wp.props.canApprovePullRequestReviews !== false ? ["workflows can approve pull requests"] : []),
  ];
}

/** What a repository's Actions permissions get wrong (CC-BR-10): unpinned actions, any action allowed. */
export function actionsPermissionProblems(ap: Res): string[] {
  const allowed = str(ap.props.allowedActions) ?? "all";
  return [
    ...(ap.props.shaPinningRequired !== true ? ["actions need not be pinned by full commit SHA"] : []),
    ...(["selected", "local_only"].includes(allowed)
      ? []
      : [`allowed actions ${allowed}, expected selected`]),
  ];
}

/** Indexes built once per resource list: `(type, field)` -> repository reference -> resources. */
const repositoryIndexes = new WeakMap<Res[], Map<string, Map<string, Res[]>>>();

/**
 * The resources of `type` whose `field` (`repository`, or `repositoryId` for classic protection) designates
 * `repo`, as {@link refersTo} decides, in resource order. The index is built once per resource list, so a rule
 * over R repositories and N resources costs O(N + R), not O(N x R).
 */
export function ofRepository(resources: Res[], type: string, repo: Repo, field = "repository"): Res[] {
  let byTypeField = repositoryIndexes.get(resources);
  if (!byTypeField) repositoryIndexes.set(resources, (byTypeField = new Map()));
  const key = `${type}\u0000${field}`;
  let index = byTypeField.get(key);
  if (!index) {
    index = new Map();
    for (const r of resources) {
      const ref = r.type === type ? r.props[field] : undefined;
      if (typeof ref !== "string") continue;
      const short = ref.includes("/") ? ref.split("/").pop()! : ref;
      index.set(short, [...(index.get(short) ?? []), r]);
    }
    byTypeField.set(key, index);
  }
  const nodeId = str(repo.res.props.nodeId);
  const found = [
    ...(index.get(repo.name) ?? []),
    ...(nodeId && nodeId !== repo.name ? (index.get(nodeId) ?? []) : []),
  ];
  return found.filter((r) => refersTo(r.props[field], repo));
}

/** True when `repoRef` (a ruleset's `repository` or a protection's `repositoryId`) designates `repo`. */
export function refersTo(repoRef: unknown, repo: Repo): boolean {
  if (typeof repoRef !== "string") return false;
  const nodeId = str(repo.res.props.nodeId);
  const short = repoRef.includes("/") ? repoRef.split("/").pop() : repoRef;
  return short === repo.name || (nodeId !== undefined && repoRef === nodeId);
}

/** Longest ref pattern judged: GitHub's ref names stay far below it; a longer pattern matches nothing. */
const MAX_REF_PATTERN = 1024;

/**
 * Whether a GitHub ref or branch pattern matches `ref`, with GitHub's semantics: Ruby's `File.fnmatch` with
 * `File::FNM_PATHNAME` (GitHub Docs, "About protected branches" and "Creating rulesets": fnmatch syntax), so `*`
 * and `?` never cross `/`, `**\/` spans directories, a `**` not followed by `/` is a `*`, and braces and extglobs are
 * literal. Matched by minimatch (maintained, the npm CLI's own glob matcher) with those options.
 */
export function refPatternMatches(pattern: string, ref: string): boolean {
  if (pattern.length > MAX_REF_PATTERN) return false;
  const ruby = pattern.replace(/\*\*(?!\/)/g, "*");
  return minimatch(ref, ruby, { nobrace: true, noext: true, nonegate: true, nocomment: true, dot: false });
}

/** True when a ruleset's ref conditions include `ref` (`refs/heads/main` or `refs/tags/...`) and do not exclude it. */
export function rulesetTargets(props: Record<string, unknown>, ref: string, isDefault: boolean): boolean {
  const includes = arr(get(props, "conditions.refName.includes")).map(String);
  const excludes = arr(get(props, "conditions.refName.excludes")).map(String);
  const hit = (p: string) =>
    p === "~ALL" || (isDefault && p === "~DEFAULT_BRANCH") || refPatternMatches(p, ref);
  return includes.some(hit) && !excludes.some(hit);
}

/** The effective protection of a repository's default branch. */
export interface BranchProtectionView {
  /** Active rulesets and classic protections that target the branch. */
  sources: Res[];
  /** Rulesets that target the branch but are not active (evaluate / disabled). */
  inactive: Res[];
  requiredChecks: Set<string>;
  strict: boolean;
  pullRequest: boolean;
  approvals: number;
  dismissStale: boolean;
  noForcePush: boolean;
  noDeletion: boolean;
  /** A code owner's review is required (ruleset `requireCodeOwnerReview`, classic `requireCodeOwnerReviews`). */
  codeOwnerReview: boolean;
  /** The most recent push must be approved by someone else (`requireLastPushApproval`). */
  lastPushApproval: boolean;
  /** Each required check's context with the app that must report it (undefined: any app). */
  checkApps: Map<string, number | undefined>;
  /** Who may bypass: ruleset bypass actors, or "admins" when classic protection does not enforce admins. */
  bypass: string[];
}

/** The effective protection of `repo`'s default branch, from every ruleset and classic protection in the stack. */
export function mainProtection(repo: Repo, resources: Res[]): BranchProtectionView {
  const view: BranchProtectionView = {
    sources: [],
    inactive: [],
    requiredChecks: new Set(),
    strict: false,
    pullRequest: false,
    approvals: 0,
    dismissStale: false,
    noForcePush: false,
    noDeletion: false,
    codeOwnerReview: false,
    lastPushApproval: false,
    checkApps: new Map(),
    bypass: [],
  };
  const ref = `refs/heads/${DEFAULT_BRANCH}`;
  const mine = [
    ...ofRepository(resources, T.ruleset, repo),
    ...ofRepository(resources, T.branchProtection, repo, "repositoryId"),
  ];
  for (const r of mine) {
    if (r.type === T.ruleset) addRuleset(view, r, repo, ref);
    else if (r.type === T.branchProtection) addClassicProtection(view, r, repo);
  }
  return view;
}

/**
 * Adds ruleset `r` to `view` when it is a branch ruleset of `repo` that targets `ref`. An active one becomes a
 * source and adds its required checks (with their apps), pull-request rules, push and deletion blocks and bypass
 * actors; an inactive one (evaluate or disabled) goes to `inactive` only.
 */
function addRuleset(view: BranchProtectionView, r: Res, repo: Repo, ref: string): void {
  if (!refersTo(r.props.repository, repo)) return;
  if ((str(r.props.target) ?? "branch") !== "branch") return;
  if (!rulesetTargets(r.props, ref, true)) return;
  if (str(r.props.enforcement) !== "active") {
    view.inactive.push(r);
    return;
  }
  view.sources.push(r);
  const rules = (r.props.rules ?? {}) as Record<string, unknown>;
  for (const c of arr(get(rules, "requiredStatusChecks.requiredChecks"))) {
    const ctx = str(get(c, "context"));
    if (ctx) {
      view.requiredChecks.add(ctx);
      view.checkApps.set(ctx, num(get(c, "integrationId")));
    }
  }
  if (get(rules, "requiredStatusChecks.strictRequiredStatusChecksPolicy") === true) view.strict = true;
  const pr = get(rules, "pullRequest");
  if (pr && typeof pr === "object") {
    view.pullRequest = true;
    view.approvals = Math.max(view.approvals, num(get(pr, "requiredApprovingReviewCount")) ?? 0);
    if (get(pr, "dismissStaleReviewsOnPush") === true) view.dismissStale = true;
    if (get(pr, "requireCodeOwnerReview") === true) view.codeOwnerReview = true;
    if (get(pr, "requireLastPushApproval") === true) view.lastPushApproval = true;
  }
  if (rules.nonFastForward === true) view.noForcePush = true;
  if (rules.deletion === true) view.noDeletion = true;
  for (const a of arr(r.props.bypassActors)) {
    view.bypass.push(
      `${str(get(a, "actorType")) ?? "actor"} ${String(get(a, "actorId") ?? "?")} (${r.name})`,
    );
  }
}

/**
 * Adds classic branch protection `r` to `view` as a source when it is `repo`'s and its pattern matches the default
 * branch: its required checks (with their apps), pull-request reviews, push and deletion blocks (the provider's
 * defaults when unset) and who may bypass it.
 */
function addClassicProtection(view: BranchProtectionView, r: Res, repo: Repo): void {
  if (!refersTo(r.props.repositoryId, repo)) return;
  const pattern = str(r.props.pattern);
  if (!pattern || !refPatternMatches(pattern, DEFAULT_BRANCH)) return;
  view.sources.push(r);
  const checks = arr(r.props.requiredStatusChecks)[0];
  if (checks && typeof checks === "object") {
    for (const c of arr(get(checks, "contexts")))
      if (typeof c === "string") {
        view.requiredChecks.add(c);
        view.checkApps.set(c, undefined);
      }
    // Classic `checks` entries are `context:app_id`, the app optional.
    for (const c of arr(get(checks, "checks")))
      if (typeof c === "string") {
        const [ctx, app] = c.split(":");
        view.requiredChecks.add(ctx);
        view.checkApps.set(ctx, app ? Number(app) : undefined);
      }
    if (get(checks, "strict") === true) view.strict = true;
  }
  const reviews = arr(r.props.requiredPullRequestReviews)[0];
  if (reviews && typeof reviews === "object") {
    view.pullRequest = true;
    // Provider default: 1 approving review when the block is present.
    view.approvals = Math.max(view.approvals, num(get(reviews, "requiredApprovingReviewCount")) ?? 1);
    if (get(reviews, "dismissStaleReviews") === true) view.dismissStale = true;
    if (get(reviews, "requireCodeOwnerReviews") === true) view.codeOwnerReview = true;
    if (get(reviews, "requireLastPushApproval") === true) view.lastPushApproval = true;
    for (const b of arr(get(reviews, "pullRequestBypassers"))) view.bypass.push(`${String(b)} (${r.name})`);
  }
  // Provider defaults: allowsForcePushes=false, allowsDeletions=false, enforceAdmins=false.
  if (r.props.allowsForcePushes !== true) view.noForcePush = true;
  if (r.props.allowsDeletions !== true) view.noDeletion = true;
  if (r.props.enforceAdmins !== true) view.bypass.push(`admins (${r.name}: enforceAdmins is not true)`);
  for (const b of arr(r.props.forcePushBypassers)) view.bypass.push(`${String(b)} (${r.name})`);
}

/** Names of resources, for evidence. */
export function names(list: Res[]): string {
  return list.map((r) => r.name).join(", ");
}

/** How the protection rules treat a ruleset or protection whose repository is not in the stack. */
export const STANDALONE_NOTE =
  " A ruleset or branch protection whose repository this stack does not declare is judged on its own, the repository named by its reference.";

/**
 * Runs `check` for every repository of the stack, and every repository the stack only configures (judged on its
 * own, its label saying so), with the effective protection of its default branch.
 */
export function perRepository(
  resources: Res[],
  out: Verdicts,
  check: (holder: Res, p: ReturnType<typeof mainProtection>, repoName: string) => void,
): void {
  for (const repo of governedRepositories(resources)) {
    out.guard(repo.res, () => {
      const p = mainProtection(repo, resources);
      // No protection at all is CC-BR-01's failure; the other rules have nothing to judge.
      if (p.sources.length === 0)
        return out.na(repo.res, `${DEFAULT_BRANCH} of ${repoLabel(repo)} is not protected (see CC-BR-01)`);
      // The verdict names the resource that holds the setting (the ruleset or branch protection), and the
      // message names the repository (shared/policy-catalogue.md).
      check(p.sources[0], p, repoLabel(repo));
    });
  }
}
