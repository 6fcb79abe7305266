/**
 * IAM policy documents as rules read them: statements with actions and resources always as lists, and the
 * inline policies (`aws:iam/rolePolicy:RolePolicy`) of a role found by the role's name or ARN.
 */
import { GITHUB_OIDC_HOST } from "./facts";
import { arr, get, parseJsonProp, str } from "./props";
import type { Res } from "./rule";
import { T } from "./tokens";

/** One statement of a policy document, normalised. */
export interface Statement {
  sid?: string;
  effect: string;
  /** Its `Action` (see {@link statementsOf} for `NotAction`). */
  actions: string[];
  /** Its `Resource`; a statement with `NotResource` applies to nearly everything, so it reads as `["*"]`. */
  resources: string[];
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

/** Whether an Allow statement grants `action` (exact, `service:*` or `*`) on `resource` (exact or `*`). */
export function allows(statements: Statement[], action: string, resource: string): boolean {
  const service = action.split(":")[0];
  return statements.some(
    (s) =>
      s.effect === "Allow" &&
      s.actions.some((a) => a === action || a === "*" || a === `${service}:*`) &&
      s.resources.some((x) => x === resource || x === "*"),
  );
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
