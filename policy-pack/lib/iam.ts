/**
 * IAM policy documents as rules read them: statements with actions and resources always as lists, and the
 * inline policies (`aws:iam/rolePolicy:RolePolicy`) of a role found by the role's name or ARN.
 */
import { GITHUB_OIDC_HOST } from "./facts";
import { arr, get, globMatch, parseJsonProp, str } from "./props";
import type { Res, Verdicts } from "./rule";
import { judgedAlone } from "./standalone";
import { T } from "./tokens";

/** One statement of a policy document, normalised. */
export interface Statement {
  sid?: string;
  effect: string;
  /** Its `Action` (see {@link statementsOf} for `NotAction`). */
  actions: string[];
  /** Its `Resource`; a statement with `NotResource` applies to nearly everything, so it reads as `["*"]`. */
  resources: string[];
  /** Its `NotAction`, when it has one (the statement applies to every action but these). */
  notActions?: string[];
  /** Its `NotResource`, when it has one (the statement applies to every resource but these). */
  notResources?: string[];
  condition: unknown;
}

const asList = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];

/** The statements of a JSON policy property (`policy`, `assumeRolePolicy`). */
export function statementsOf(r: Res, key = "policy"): Statement[] {
  return arr(get(parseJsonProp(r.props, key), "Statement")).map((s) => ({
    sid: get(s, "Sid") === undefined ? undefined : String(get(s, "Sid")),
    effect: String(get(s, "Effect") ?? ""),
    // NotAction: an Allow grants nearly everything (read as "*"); a Deny is not counted as denying anything.
    actions:
      get(s, "NotAction") === undefined
        ? asList(get(s, "Action"))
        : get(s, "Effect") === "Allow"
          ? ["*"]
          : [],
    resources: get(s, "NotResource") === undefined ? asList(get(s, "Resource")) : ["*"],
    ...(get(s, "NotAction") === undefined ? {} : { notActions: asList(get(s, "NotAction")) }),
    ...(get(s, "NotResource") === undefined ? {} : { notResources: asList(get(s, "NotResource")) }),
    condition: get(s, "Condition"),
  }));
}

/** The role name of a role ARN (`arn:aws:iam::123456789012:role/path/NAME` -> `NAME`), or the name itself. */
export function roleNameOf(arnOrName: string): string {
  return arnOrName.includes(":role/") ? arnOrName.slice(arnOrName.lastIndexOf("/") + 1) : arnOrName;
}

/** Inline policies by role name, built once per resource list. */
const inlineIndexes = new WeakMap<Res[], Map<string, Res[]>>();

/** The inline policies (`RolePolicy`) attached to the role named by `roleArn` (an ARN or a name). */
export function inlinePoliciesOf(resources: Res[], roleArn: string): Res[] {
  let index = inlineIndexes.get(resources);
  if (!index) {
    index = new Map();
    for (const r of resources) {
      if (r.type !== T.rolePolicy) continue;
      const role = str(r.props.role);
      if (role) index.set(roleNameOf(role), [...(index.get(roleNameOf(role)) ?? []), r]);
    }
    inlineIndexes.set(resources, index);
  }
  return index.get(roleNameOf(roleArn)) ?? [];
}

/**
 * Whether statement `s` names `action` on `resource`: its `Action` (or every action but its `NotAction`) and its
 * `Resource` (or every resource but its `NotResource`), with IAM's wildcards (`*`, `?`); actions compared without
 * case, resources with (IAM User Guide, "IAM JSON policy elements": Action, NotAction, Resource, NotResource).
 */
function names(s: Statement, action: string, resource: string): boolean {
  const actionIn = (list: string[]) => list.some((a) => globMatch(a, action, true));
  const resourceIn = (list: string[]) => list.some((r) => globMatch(r, resource));
  const byAction = s.notActions ? !actionIn(s.notActions) : actionIn(s.actions);
  const byResource = s.notResources ? !resourceIn(s.notResources) : resourceIn(s.resources);
  return byAction && byResource;
}

/**
 * Whether identity-policy statements surely allow `action` on `resource`, as IAM evaluates them (IAM User Guide,
 * "Policy evaluation logic"): an explicit Deny that may apply wins; else an Allow that applies whatever the request.
 * In doubt, not allowed: a Deny with a `Condition` counts (it may match the request), an Allow with one does not (it
 * may not).
 */
export function allows(statements: Statement[], action: string, resource: string): boolean {
  const naming = statements.filter((s) => names(s, action, resource));
  if (naming.some((s) => s.effect === "Deny")) return false;
  return naming.some((s) => s.effect === "Allow" && s.condition === undefined);
}

/** Whether an IAM statement's federated principal is GitHub's OIDC provider (its ARN names the issuer host). */
export function trustsGitHubOidc(statement: unknown): boolean {
  return arr(get(statement, "Principal.Federated")).some(
    (p) => typeof p === "string" && p.includes(GITHUB_OIDC_HOST),
  );
}

/** The environment a deploy role is trusted for: `repo:OWNER/REPO:environment:ENV` of its OIDC trust, if any. */
export function oidcEnvironment(role: Res): string | undefined {
  const doc = parseJsonProp(role.props, "assumeRolePolicy");
  for (const s of arr(get(doc, "Statement"))) {
    if (!trustsGitHubOidc(s)) continue;
    // The key holds dots (the host): read the map, then the key.
    const eq = (get(s, "Condition.StringEquals") ?? {}) as Record<string, unknown>;
    const sub = arr(eq[`${GITHUB_OIDC_HOST}:sub`]);
    const m = sub.map((v) => /:environment:([^:*?]+)$/.exec(String(v))).find(Boolean);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * The problems of one Allow statement trusting GitHub's OIDC provider (CC-ENV-06): its action, its audience, its
 * subject (exactly one `repo:OWNER/REPO:environment:ENV`, no wildcard, ENV the role's `env`). Pushes the subjects it
 * trusts correctly to `subjects`. `env` undefined: the subject's environment is not compared (the caller fails the
 * missing tag).
 */
export function oidcStatementProblems(
  statement: unknown,
  env: string | undefined,
  subjects: string[],
): string[] {
  const problems: string[] = [];
  if (!arr(get(statement, "Action")).includes("sts:AssumeRoleWithWebIdentity"))
    problems.push("the statement does not use sts:AssumeRoleWithWebIdentity");
  // The keys hold dots (the host): read the maps, then the keys.
  const eq = (get(statement, "Condition.StringEquals") ?? {}) as Record<string, unknown>;
  const like = (get(statement, "Condition.StringLike") ?? {}) as Record<string, unknown>;
  const aud = arr(eq[`${GITHUB_OIDC_HOST}:aud`]);
  if (aud.length !== 1 || aud[0] !== "sts.amazonaws.com")
    problems.push(`audience is ${JSON.stringify(aud)}, not exactly sts.amazonaws.com`);
  if (like[`${GITHUB_OIDC_HOST}:sub`] !== undefined)
    problems.push(`subject uses StringLike ${JSON.stringify(like[`${GITHUB_OIDC_HOST}:sub`])}`);
  const sub = arr(eq[`${GITHUB_OIDC_HOST}:sub`]);
  if (sub.length === 0) problems.push("no subject condition: every repository can assume the role");
  for (const v of sub) {
    const m = typeof v === "string" ? /^repo:([^/:*?]+)\/([^/:*?]+):environment:([^:*?]+)$/.exec(v) : null;
    if (!m)
      problems.push(`subject ${JSON.stringify(v)} is not repo:OWNER/REPO:environment:ENV without wildcards`);
    else if (env && m[3] !== env)
      problems.push(`subject environment ${m[3]} is not the role's environment ${env}`);
    else subjects.push(String(v));
  }
  if (sub.length > 1) problems.push(`${sub.length} subjects trusted, one expected`);
  return problems;
}

/**
 * CC-ENV-07 on the inline policies whose role the stack does not declare: judged on their own. Without the role,
 * whether it is a deploy role, and of which environment, is unknown; a grant of every write of a service on every
 * resource with no condition is outside any environment whatever the role, so it fails.
 */
export function standaloneRolePolicies(resources: Res[], out: Verdicts): void {
  const roles = new Set<string>();
  for (const r of resources.filter((x) => x.type === T.role)) {
    try {
      roles.add(str(r.props.name) ?? r.name);
    } catch {
      // A role named only at deployment may be any policy's: none is judged without its role.
      return;
    }
  }
  for (const p of resources.filter((x) => x.type === T.rolePolicy)) {
    out.guard(p, () => {
      const role = roleNameOf(str(p.props.role) ?? "");
      if (roles.has(role)) return;
      const note = judgedAlone(
        `no role ${role || "(unnamed)"} in this stack says which environment it deploys`,
      );
      const broad = statementsOf(p).filter(
        (st) =>
          st.effect === "Allow" &&
          st.condition === undefined &&
          st.resources.includes("*") &&
          st.actions.some((a) => a === "*" || a.endsWith(":*")),
      );
      if (broad.length)
        out.fail(
          p,
          `${note}; ${broad.map((st) => `${st.sid ?? "a statement"} grants ${st.actions.join(", ")} on every resource`).join("; ")}, which no environment's deploy role may`,
        );
      else out.na(p, `${note}; no unconditioned grant of every write on every resource`);
    });
  }
}
