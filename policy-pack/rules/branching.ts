/**
 * BR: branching and pull requests. Source: CONST "Branching & Flow", "Required PR Checks"; OPS "CI/CD Pipeline".
 * Catalogue: shared/policy-catalogue.md "BR". Protection is read from rulesets and classic branch protection.
 */
import {
  CODEOWNERS_PATHS,
  GITHUB_ACTIONS_INTEGRATION_ID,
  PR_TEMPLATE_PATH,
  PR_TEMPLATE_SECTIONS,
  RELEASE_TAG_GLOB,
} from "../lib/facts";
import {
  actionsPermissionProblems,
  DEFAULT_BRANCH,
  governedRepositories,
  perRepository,
  STANDALONE_NOTE,
  mainProtection,
  names,
  ofRepository,
  Repo,
  repoLabel,
  repositories,
  rulesetTargets,
  workflowTokenProblems,
} from "../lib/github";
import { arr, get, str } from "../lib/props";
import { defineRule, Res, Rule, stringList } from "../lib/rule";
import { T } from "../lib/tokens";

const PROTECTION_TYPES = [T.repository, T.ruleset, T.branchProtection];
const SRC = 'CONST "Branching & Flow"';
export const BR_01 = defineRule({
  id: "CC-BR-01",
  slug: "default-branch-protected",
  section: "BR",
  title:
    "every managed repository's default branch (`main`) is protected by an active ruleset or branch protection",
  description: `Each managed repository has an active ruleset or a classic branch protection that targets its default branch.${STANDALONE_NOTE}`,
  source: `${SRC}; OPS "CI/CD Pipeline"`,
  remediation:
    "Add a RepositoryRuleset with target 'branch', enforcement 'active' and conditions.refName.includes ['~DEFAULT_BRANCH'] (or a BranchProtection with pattern 'main'); an 'evaluate' or 'disabled' ruleset does not protect.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: PROTECTION_TYPES,
  configKeys: ["repository"],
  checkStack(resources, _ctx, out) {
    for (const repo of governedRepositories(resources)) {
      out.guard(repo.res, () => {
        const p = mainProtection(repo, resources);
        const label = repoLabel(repo);
        if (p.sources.length > 0)
          out.pass(repo.res, `${DEFAULT_BRANCH} of ${label} is protected by ${names(p.sources)}`);
        else if (p.inactive.length > 0)
          out.fail(
            p.inactive[0],
            `${DEFAULT_BRANCH} of ${label} is targeted only by rulesets that are not active (${names(p.inactive)})`,
          );
        // A repository only configured here may be protected by the program that declares it.
        else if (repo.standalone)
          out.na(repo.res, `${DEFAULT_BRANCH} of ${label}: nothing in this stack targets it`);
        else out.fail(repo.res, `${DEFAULT_BRANCH} of ${label} has no ruleset or branch protection`);
      });
    }
  },
});

export const BR_02 = defineRule({
  id: "CC-BR-02",
  slug: "required-status-checks",
  section: "BR",
  title:
    "required status checks include the gates `style`, `unit`, `smoke` (configurable list) and require the branch to be up to date (strict)",
  description: `The protection of the default branch requires every configured status check and strict (up-to-date) checks.${STANDALONE_NOTE}`,
  source: 'CONST "Required PR Checks"; OPS "CI/CD Pipeline"',
  remediation:
    "In the main ruleset set rules.requiredStatusChecks.requiredChecks to include each gate (context 'style', 'unit', 'smoke') and strictRequiredStatusChecksPolicy: true (classic: requiredStatusChecks [{ strict: true, contexts: [...] }]).",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: PROTECTION_TYPES,
  configKeys: ["requiredChecks"],
  configurable: {
    requiredChecks: stringList("Status check contexts that must be required on the default branch.", [
      "style",
      "unit",
      "smoke",
    ]),
  },
  checkStack(resources, ctx, out) {
    const wanted = arr(ctx.cfg.requiredChecks).map(String);
    perRepository(resources, out, (holder, p, repoName) => {
      const missing = wanted.filter((c) => !p.requiredChecks.has(c));
      const problems = [
        ...(missing.length ? [`missing required checks ${missing.join(", ")}`] : []),
        ...(p.strict ? [] : ["checks are not strict (the branch need not be up to date)"]),
      ];
      if (problems.length) out.fail(holder, `${DEFAULT_BRANCH} of ${repoName}: ${problems.join("; ")}`);
      else
        out.pass(
          holder,
          `${DEFAULT_BRANCH} of ${repoName} requires ${[...p.requiredChecks].sort().join(", ")} (strict)`,
        );
    });
  },
});

export const BR_03 = defineRule({
  id: "CC-BR-03",
  slug: "pull-request-reviews",
  section: "BR",
  title:
    "changes reach `main` only through a pull request with at least 1 approving review (configurable), stale approvals dismissed on push",
  description: `The default branch requires a pull request with enough approving reviews and dismisses stale approvals on push.${STANDALONE_NOTE}`,
  source: `${SRC}`,
  remediation:
    "In the main ruleset set rules.pullRequest with requiredApprovingReviewCount >= the minimum and dismissStaleReviewsOnPush: true (classic: requiredPullRequestReviews [{ requiredApprovingReviewCount, dismissStaleReviews: true }]).",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: PROTECTION_TYPES,
  configKeys: ["requiredApprovals"],
  configurable: {
    minApprovals: {
      tightens: "higher",
      type: "integer",
      minimum: 0,
      description: "Minimum approving reviews.",
      default: 1,
    },
  },
  checkStack(resources, ctx, out) {
    const min = Number(ctx.cfg.minApprovals);
    perRepository(resources, out, (holder, p, repoName) => {
      const problems: string[] = [];
      if (!p.pullRequest) problems.push("no pull request is required");
      else if (p.approvals < min)
        problems.push(`${p.approvals} approving review(s) required, at least ${min} needed`);
      if (p.pullRequest && !p.dismissStale) problems.push("stale approvals are not dismissed on push");
      if (problems.length) out.fail(holder, `${DEFAULT_BRANCH} of ${repoName}: ${problems.join("; ")}`);
      else
        out.pass(
          holder,
          `${DEFAULT_BRANCH} of ${repoName}: pull request with ${p.approvals} approval(s), stale approvals dismissed`,
        );
    });
  },
});

export const BR_04 = defineRule({
  id: "CC-BR-04",
  slug: "squash-merge-only",
  section: "BR",
  title: "squash-merge only: merge commits and rebase merges disabled on the repository",
  description: "The repository allows squash merges and disables merge commits and rebase merges.",
  source: `${SRC}`,
  remediation:
    "Set allowSquashMerge: true, allowMergeCommit: false and allowRebaseMerge: false on the Repository (GitHub's defaults allow all three).",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.repository],
  configKeys: ["repository"],
  checkResource(r, _ctx, out) {
    // GitHub defaults: all three merge methods allowed when unset.
    const problems: string[] = [];
    if (r.props.allowMergeCommit !== false)
      problems.push("merge commits are allowed (allowMergeCommit is not false)");
    if (r.props.allowRebaseMerge !== false)
      problems.push("rebase merges are allowed (allowRebaseMerge is not false)");
    if (r.props.allowSquashMerge === false) problems.push("squash merges are disabled");
    if (problems.length) out.fail(r, problems.join("; "));
    else out.pass(r, "squash merge only");
  },
});

export const BR_05 = defineRule({
  id: "CC-BR-05",
  slug: "delete-branch-on-merge",
  section: "BR",
  title: "head branches are deleted after merge",
  description: "The repository deletes head branches automatically after a pull request is merged.",
  source: `${SRC}`,
  remediation: "Set deleteBranchOnMerge: true on the Repository.",
  enforcementLevel: "advisory",
  kind: "resource",
  appliesTo: [T.repository],
  configKeys: ["repository"],
  checkResource(r, _ctx, out) {
    if (r.props.deleteBranchOnMerge === true) out.pass(r, "head branches are deleted on merge");
    else out.fail(r, "deleteBranchOnMerge is not true: merged head branches are kept");
  },
});

export const BR_06 = defineRule({
  id: "CC-BR-06",
  slug: "no-force-push-or-deletion",
  section: "BR",
  title: "`main` cannot be force-pushed or deleted",
  description: `The protection of the default branch blocks force pushes (non-fast-forward) and deletion.${STANDALONE_NOTE}`,
  source: `${SRC}`,
  remediation:
    "Set rules.nonFastForward: true and rules.deletion: true in the main ruleset (classic: allowsForcePushes and allowsDeletions false).",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: PROTECTION_TYPES,
  configKeys: ["repository"],
  checkStack(resources, _ctx, out) {
    perRepository(resources, out, (holder, p, repoName) => {
      const problems = [
        ...(p.noForcePush ? [] : ["force pushes are not blocked"]),
        ...(p.noDeletion ? [] : ["deletion is not blocked"]),
      ];
      if (problems.length) out.fail(holder, `${DEFAULT_BRANCH} of ${repoName}: ${problems.join("; ")}`);
      else out.pass(holder, `${DEFAULT_BRANCH} of ${repoName}: force pushes and deletion blocked`);
    });
  },
});

export const BR_07 = defineRule({
  id: "CC-BR-07",
  slug: "no-bypass",
  section: "BR",
  title: "nobody bypasses the protection of `main` (admins included; bypass actors empty unless waived)",
  description: `No ruleset of the default branch has bypass actors and classic protection enforces admins.${STANDALONE_NOTE}`,
  source: `${SRC}; CONST "Required PR Checks"`,
  remediation:
    "Set bypassActors: [] on the main ruleset (classic: enforceAdmins: true, no bypassers); if a bypass is truly needed, declare a waiver with an owner and an expiry.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: PROTECTION_TYPES,
  configKeys: ["repository"],
  checkStack(resources, _ctx, out) {
    perRepository(resources, out, (holder, p, repoName) => {
      if (p.bypass.length)
        out.fail(holder, `${DEFAULT_BRANCH} of ${repoName} can be bypassed by ${p.bypass.join(", ")}`);
      else out.pass(holder, `${DEFAULT_BRANCH} of ${repoName}: no bypass actors; admins included`);
    });
  },
});

/** Pattern of release tags (PLAY "Version bump", tags `mvp-X.Y.Z`). */
export const RELEASE_TAG_REF = `refs/tags/${RELEASE_TAG_GLOB}`;

export const BR_08 = defineRule({
  id: "CC-BR-08",
  slug: "release-tags-immutable",
  section: "BR",
  title: "release tags `mvp-*` cannot be updated or deleted once pushed",
  description: `An active tag ruleset covering refs/tags/mvp-* blocks updates and deletion, with no bypass actors.${STANDALONE_NOTE}`,
  source: 'PLAY "2) Tag"; CONST "Build Once, Promote Many"',
  remediation:
    "Add a RepositoryRuleset with target 'tag', enforcement 'active', conditions.refName.includes ['refs/tags/mvp-*'], rules { deletion: true, update: true, nonFastForward: true } and bypassActors: [].",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.repository, T.ruleset],
  configKeys: ["repository"],
  checkStack(resources, _ctx, out) {
    for (const repo of governedRepositories(resources)) {
      out.guard(repo.res, () => {
        const label = repoLabel(repo);
        const sample = "refs/tags/mvp-1.0.0";
        const covering = ofRepository(resources, T.ruleset, repo).filter(
          (r) => str(r.props.target) === "tag" && rulesetTargets(r.props, sample, false),
        );
        const good = covering.find((r) => {
          const rules = (r.props.rules ?? {}) as Record<string, unknown>;
          return (
            str(r.props.enforcement) === "active" &&
            rules.deletion === true &&
            rules.update === true &&
            arr(r.props.bypassActors).length === 0
          );
        });
        if (good) out.pass(repo.res, `release tags of ${label} are immutable (${good.name})`);
        else if (covering.length)
          out.fail(
            covering[0],
            `tag rulesets of ${label} (${names(covering)}) do not block update and deletion of ${RELEASE_TAG_REF} for everyone, or are not active`,
          );
        // A repository only configured here may keep its tag ruleset in the program that declares it.
        else if (repo.standalone) out.na(repo.res, `no tag ruleset of ${label} in this stack`);
        else out.fail(repo.res, `no tag ruleset of ${label} covers ${RELEASE_TAG_REF}`);
      });
    }
  },
});

/** The resources of `type` that configure `repo` (by their `repository` input), indexed once per stack. */
function settingsOf(resources: Res[], type: string, repo: Repo): Res[] {
  return ofRepository(resources, type, repo);
}

export const BR_09 = defineRule({
  id: "CC-BR-09",
  slug: "secret-scanning",
  section: "BR",
  title: "secret scanning and push protection are on for every managed repository",
  description: "Each managed repository enables secret scanning and secret scanning push protection.",
  source: 'CONST "Environments"; OPS "Configuration Management"',
  remediation:
    "Set securityAndAnalysis { secretScanning: { status: 'enabled' }, secretScanningPushProtection: { status: 'enabled' } } on the Repository (private repositories need GitHub Secret Protection: Team or Enterprise).",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.repository],
  configKeys: [],
  checkStack(resources, _ctx, out) {
    for (const repo of repositories(resources)) {
      out.guard(repo.res, () => {
        const sa = repo.res.props.securityAndAnalysis;
        const off = [
          ["secret scanning", "secretScanning.status"],
          ["push protection", "secretScanningPushProtection.status"],
        ].filter(([, path]) => str(get(sa, path)) !== "enabled");
        if (off.length) out.fail(repo.res, `${repo.name}: ${off.map(([n]) => n).join(" and ")} not enabled`);
        else out.pass(repo.res, `${repo.name}: secret scanning and push protection enabled`);
      });
    }
  },
});

export const BR_10 = defineRule({
  id: "CC-BR-10",
  slug: "actions-hardening",
  section: "BR",
  title:
    "GitHub Actions of every managed repository: the default workflow token is read-only, workflows cannot approve pull requests, and actions must be pinned by full commit SHA",
  description:
    "Each managed repository's workflow token defaults to read, cannot approve pull requests, and its actions are selected and pinned by SHA. Workflow or Actions permissions whose repository this stack does not declare are judged on their own (a missing one is not counted: the declaring program may hold it).",
  source: 'OPS "CI/CD Pipeline", "Pipeline Policies"; LANES "Secrets & Registry Expectations"',
  remediation:
    "Add a WorkflowRepositoryPermissions { defaultWorkflowPermissions: 'read', canApprovePullRequestReviews: false } and an ActionsRepositoryPermissions { allowedActions: 'selected', shaPinningRequired: true } for the repository.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.repository, T.workflowPermissions, T.actionsPermissions],
  configKeys: [],
  checkStack(resources, _ctx, out) {
    for (const repo of governedRepositories(resources)) {
      out.guard(repo.res, () => {
        const wp = settingsOf(resources, T.workflowPermissions, repo)[0];
        const ap = settingsOf(resources, T.actionsPermissions, repo)[0];
        // A repository only configured here: what is missing may be in the declaring program's stack.
        if (repo.standalone && !wp && !ap) return;
        const label = repoLabel(repo);
        const tokenProblems = wp
          ? workflowTokenProblems(wp)
          : repo.standalone
            ? []
            : ["no workflow permissions (the token keeps GitHub's default)"];
        const actionProblems = ap
          ? actionsPermissionProblems(ap)
          : repo.standalone
            ? []
            : ["no actions permissions (any action, any ref)"];
        // Each failure names the resource that holds the setting (the repository when there is none).
        if (tokenProblems.length) out.fail(wp ?? repo.res, `${label}: ${tokenProblems.join("; ")}`);
        if (actionProblems.length) out.fail(ap ?? wp ?? repo.res, `${label}: ${actionProblems.join("; ")}`);
        if (!tokenProblems.length && !actionProblems.length)
          out.pass(
            (ap ?? wp)!,
            `${label}: ${[...(wp ? ["read-only token, no approvals by workflows"] : []), ...(ap ? ["selected actions pinned by SHA"] : [])].join(", ")}`,
          );
      });
    }
  },
});

export const BR_11 = defineRule({
  id: "CC-BR-11",
  slug: "pull-request-template-and-code-owners",
  section: "BR",
  title:
    "every managed repository carries the constitution's pull request template (Because / Changed / Result / Done when / Out of scope / Flags / Migrations / Observability / Changelog) and a CODEOWNERS file, and `main` requires a code owner's review",
  description:
    "Each managed repository has the pull request template with every section, a CODEOWNERS file with an owner, and code-owner review on main. Files and protections whose repository this stack does not declare are judged on their own (what is absent is not counted: the declaring program may hold it).",
  source: 'CONST "Documentation & Roles", "Branching & Flow"',
  remediation: `Add RepositoryFiles ${PR_TEMPLATE_PATH} (one '## ' heading per section) and .github/CODEOWNERS ('* @owner'), and set rules.pullRequest.requireCodeOwnerReview: true in the main ruleset.`,
  enforcementLevel: "advisory",
  kind: "stack",
  appliesTo: [T.repository, T.repositoryFile, T.ruleset, T.branchProtection],
  configKeys: [],
  checkStack(resources, _ctx, out) {
    for (const repo of governedRepositories(resources)) {
      out.guard(repo.res, () => {
        const label = repoLabel(repo);
        const files = settingsOf(resources, T.repositoryFile, repo);
        const fileAt = (paths: readonly string[]) =>
          files.find((f) => paths.includes(str(f.props.file) ?? ""));
        const template = fileAt([PR_TEMPLATE_PATH]);
        const owners = fileAt(CODEOWNERS_PATHS);
        const headings = (str(template?.props.content) ?? "").split("\n").map((l) => l.trim());
        const missing = PR_TEMPLATE_SECTIONS.filter((sec) => !headings.includes(`## ${sec}`));
        const ownerLines = (str(owners?.props.content) ?? "")
          .split("\n")
          .filter((l) => /^\S+\s+@\S+/.test(l.trim()));
        const p = mainProtection(repo, resources);
        if (p.sources.length === 0 && !(repo.standalone && files.length))
          return out.na(repo.res, `${DEFAULT_BRANCH} of ${label} is not protected (see CC-BR-01)`);
        // A repository only configured here is judged on what this stack holds of it.
        const judged = (present: unknown) => !repo.standalone || !!present;
        const problems = [
          ...(!judged(template)
            ? []
            : !template
              ? [`no ${PR_TEMPLATE_PATH}`]
              : missing.length
                ? [`template lacks ${missing.join(", ")}`]
                : []),
          ...(!judged(owners)
            ? []
            : !owners
              ? ["no CODEOWNERS"]
              : ownerLines.length === 0
                ? ["CODEOWNERS names no owner"]
                : []),
          ...(!judged(p.sources.length) || p.codeOwnerReview
            ? []
            : [`${DEFAULT_BRANCH} does not require a code owner's review`]),
        ];
        const holder = p.sources[0] ?? (repo.standalone ? (template ?? owners ?? repo.res) : repo.res);
        if (problems.length) out.fail(holder, `${label}: ${problems.join("; ")}`);
        else
          out.pass(
            holder,
            `${label}: ${[
              ...(judged(template) ? ["template with every section"] : []),
              ...(judged(owners) ? ["CODEOWNERS"] : []),
              ...(judged(p.sources.length) ? ["code-owner review"] : []),
            ].join(", ")}`,
          );
      });
    }
  },
});

export const BR_12 = defineRule({
  id: "CC-BR-12",
  slug: "required-checks-pinned-to-app",
  section: "BR",
  title:
    "each required status check is pinned to the app that must report it (GitHub Actions' integration ID), so no other app can satisfy a gate by posting a status of the same name",
  description: `Every required status check of the default branch names the app (integration ID) that must report it.${STANDALONE_NOTE}`,
  source: 'CONST "Required PR Checks"',
  remediation: `Set integrationId: ${GITHUB_ACTIONS_INTEGRATION_ID} (GitHub Actions) on every requiredStatusChecks.requiredChecks entry of the main ruleset (classic: checks 'context:${GITHUB_ACTIONS_INTEGRATION_ID}').`,
  enforcementLevel: "advisory",
  kind: "stack",
  appliesTo: PROTECTION_TYPES,
  configKeys: [],
  configurable: {
    integrationId: {
      type: "integer",
      minimum: 1,
      description: "The app required checks must come from (GitHub Actions: 15368).",
      default: GITHUB_ACTIONS_INTEGRATION_ID,
    },
  },
  checkStack(resources, ctx, out) {
    const want = Number(ctx.cfg.integrationId);
    perRepository(resources, out, (holder, p, repoName) => {
      const loose = [...p.checkApps]
        .filter(([, app]) => app !== want)
        .map(([c, app]) => `${c} (${app ?? "any app"})`);
      if (p.checkApps.size === 0) out.na(holder, `${repoName}: no required checks (see CC-BR-02)`);
      else if (loose.length)
        out.fail(holder, `${DEFAULT_BRANCH} of ${repoName}: ${loose.join(", ")} not pinned to app ${want}`);
      else out.pass(holder, `${DEFAULT_BRANCH} of ${repoName}: every required check comes from app ${want}`);
    });
  },
});

/** The BR rules, in catalogue order. */
export const branchingRules: Rule[] = [
  BR_01,
  BR_02,
  BR_03,
  BR_04,
  BR_05,
  BR_06,
  BR_07,
  BR_08,
  BR_09,
  BR_10,
  BR_11,
  BR_12,
];
