/**
 * A readable summary of a plan for a terminal: resources per app and component, and the settings a reviewer
 * checks first (rulesets, environments, image references, health paths). Read from the recorded resources,
 * not from the config, so it shows what the program really registers.
 */
import { healthPaths } from "../../policy-pack/lib/containers";
import { appOf as packAppOf } from "../../policy-pack/lib/props";
import { T } from "../../policy-pack/lib/tokens";
import { Plan, PlanResource } from "../plan/types";
import { APPLICATION_TYPE, INFRASTRUCTURE_TYPE } from "../../policy-pack/lib/facts";

const COMPONENT_PREFIX = "cicd-constitution:";

function short(type: string): string {
  const m = /:([A-Za-z0-9]+)$/.exec(type);
  return m ? m[1] : type;
}

function json(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * The app a plan resource belongs to: the policy pack's {@link packAppOf} (an Application's own name, the `app` tag,
 * else the Application ancestor) over the plan's recorded inputs; null when it names none.
 */
export function appOf(resource: PlanResource, byUrn: Map<string, PlanResource>): string | null {
  const { type, name, parent, inputs } = resource;
  return packAppOf({ type, name, parent, props: inputs }, byUrn) ?? null;
}

/** Reads a nested value: `dig(x, "rules", "pullRequest")`; undefined when any step is missing. */
export function dig(value: unknown, ...path: Array<string | number>): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** The value as an array (empty when it is not one). */
function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** This repository's governance and the pipeline's identity (owning stack): what a reviewer checks first. */
function infrastructureLines(plan: Plan, byUrn: Map<string, PlanResource>): string[] {
  const infra = plan.resources.find((r) => r.type === INFRASTRUCTURE_TYPE);
  const oidc = plan.resources.find((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
  const lines: string[] = [];
  if (oidc) lines.push(`  identity     GitHub OIDC provider ${oidc.inputs.url} (created here, protected)`);
  if (!infra) return lines;
  const mine = plan.resources.filter((r) => {
    for (let p = r.parent; p; p = byUrn.get(p)?.parent ?? null) if (p === infra.urn) return true;
    return false;
  });
  const of = (type: string) => mine.filter((r) => r.type === type);
  const envs = of(T.environment).map(
    (e) =>
      `${e.inputs.environment} (reviewers ${reviewersOf(e).length}${e.inputs.preventSelfReview ? ", self-review prevented" : ""})`,
  );
  lines.push(
    `  ${infra.name} (this repository, ${mine.length} resources)`,
    `    rulesets     ${of(T.ruleset)
      .map((r) => r.inputs.name)
      .join(", ")}`,
    `    environments ${envs.join("; ")}`,
    `    deploy roles ${of(T.role)
      .map((r) => r.inputs.name)
      .join(", ")}; boundaries ${of("aws:iam/policy:Policy")
      .map((r) => r.inputs.name)
      .join(", ")}`,
  );
  return lines;
}

/** An app's resources of one type, in plan order. */
type OfType = (type: string) => PlanResource[];

/** The reviewers of a GitHub environment's inputs, users and teams together. */
function reviewersOf(env: PlanResource): unknown[] {
  return list(env.inputs.reviewers).flatMap((r) => [...list(dig(r, "users")), ...list(dig(r, "teams"))]);
}

/** The first line: resource counts, cloud/GitHub resources apart from components. */
function stackLine(plan: Plan, custom: PlanResource[]): string {
  return (
    `Stack ${plan.stack}: ${plan.resources.length} resources (${custom.length} cloud/GitHub resources, ` +
    `${plan.resources.length - custom.length} components)`
  );
}

/** `components   Observability 7, ...`: how many of an app's resources each component holds (`-`: none). */
function componentsLine(mine: PlanResource[], byUrn: Map<string, PlanResource>): string {
  const byComponent = new Map<string, number>();
  for (const r of mine) {
    const comp = r.parent ? byUrn.get(r.parent) : undefined;
    const key = comp ? short(comp.type) : "-";
    byComponent.set(key, (byComponent.get(key) ?? 0) + 1);
  }
  return `    components   ${[...byComponent].map(([k, n]) => `${k} ${n}`).join(", ")}`;
}

/** The app's repository (merge settings), or that another stack owns it. */
function repositoryLine(of: OfType): string {
  const repo = of(T.repository)[0]?.inputs;
  const squashOnly =
    repo?.allowSquashMerge === true && repo.allowMergeCommit === false && repo.allowRebaseMerge === false;
  return repo
    ? `    repository   ${repo.name}: squash only=${squashOnly}, delete branch on merge=${repo.deleteBranchOnMerge}, archive on destroy=${repo.archiveOnDestroy}`
    : `    repository   not owned by this stack (governance.ownsRepositories: false)`;
}

/** One line per ruleset: its refs, enforcement, pull-request and check rules, protections and bypass actors. */
function rulesetLines(of: OfType): string[] {
  return of(T.ruleset).map((rs) => {
    const rules = rs.inputs.rules;
    const parts: string[] = [];
    const pr = dig(rules, "pullRequest");
    if (pr) {
      const stale = dig(pr, "dismissStaleReviewsOnPush") ? ", stale dismissed" : "";
      parts.push(`PR with ${dig(pr, "requiredApprovingReviewCount")} approval(s)${stale}`);
    }
    const checks = dig(rules, "requiredStatusChecks");
    if (checks) {
      const contexts = list(dig(checks, "requiredChecks")).map((c) => dig(c, "context"));
      parts.push(
        `checks ${contexts.join(",")}${dig(checks, "strictRequiredStatusChecksPolicy") ? " (strict)" : ""}`,
      );
    }
    if (dig(rules, "nonFastForward")) parts.push("no force push");
    if (dig(rules, "deletion")) parts.push("no deletion");
    if (dig(rules, "update")) parts.push("no update");
    parts.push(`bypass actors ${list(rs.inputs.bypassActors).length}`);
    const includes = list(dig(rs.inputs.conditions, "refName", "includes"));
    return `    ruleset      ${rs.inputs.name} on ${includes.join(",")} [${rs.inputs.enforcement}]: ${parts.join(", ")}`;
  });
}

/** One line per GitHub environment: deployment sources, reviewers, self-review, secret names. */
function environmentLines(of: OfType): string[] {
  const inEnv = (type: string, name: unknown) => of(type).filter((r) => r.inputs.environment === name);
  const secretsOf = (name: unknown) =>
    inEnv(T.envSecret, name)
      .map((s) => s.inputs.secretName)
      .join(", ") || "none";
  const created = of(T.environment).map((env) => {
    const policies = inEnv(T.deploymentPolicy, env.inputs.environment).map((p) =>
      p.inputs.branchPattern ? `branch ${p.inputs.branchPattern}` : `tag ${p.inputs.tagPattern}`,
    );
    const selfReview = env.inputs.preventSelfReview ? " (self-review prevented)" : "";
    return (
      `    environment  ${env.inputs.environment}: deploys from ${policies.join(" or ")}; reviewers ${reviewersOf(env).length}` +
      `${selfReview}; secrets ${secretsOf(env.inputs.environment)}`
    );
  });
  // An environment the stack owning the repository created, whose secrets and variables this stack writes.
  const names = new Set(of(T.environment).map((e) => e.inputs.environment));
  const written = [...new Set(of(T.envSecret).map((s) => s.inputs.environment))].filter((e) => !names.has(e));
  return [
    ...created,
    ...written.map(
      (e) => `    environment  ${e}: created by the stack owning the repository; secrets ${secretsOf(e)}`,
    ),
  ];
}

/** The images the app builds (tags, platforms) and the aliases it points (tag -> sources). */
function imageLines(of: OfType): string[] {
  return [
    ...of(T.image).map(
      (img) =>
        `    image build  ${list(img.inputs.tags).join(", ")} for ${list(img.inputs.platforms).join(", ")}`,
    ),
    ...of(T.index).map(
      (idx) => `    image alias  ${idx.inputs.tag} -> ${list(idx.inputs.sources).join(", ")}`,
    ),
  ];
}

/**
 * The runtime: the image it runs, Fargate size and task count, health paths, circuit breaker, registry pull,
 * scratch paths, stickiness and how it deploys. None without a task definition and a service.
 */
function runtimeLines(of: OfType): string[] {
  const task = of(T.taskDefinition)[0];
  const service = of(T.service)[0];
  const tg = of(T.targetGroup)[0];
  if (!task || !service) return [];
  const c = list(json(task.inputs.containerDefinitions))[0];
  const check = list(dig(c, "healthCheck", "command"))
    .map(String)
    .join(" ");
  const containerPath = healthPaths(check)[0] ?? "?";
  const scratch = list(dig(c, "mountPoints")).map((m) => dig(m, "containerPath"));
  const pull = dig(c, "repositoryCredentials", "credentialsParameter") ? "registry credentials" : "anonymous";
  return [
    `    runtime      runs ${dig(c, "image") ?? "[unknown]"}`,
    `                 Fargate ${task.inputs.cpu} CPU units / ${task.inputs.memory} MiB x ${service.inputs.desiredCount}, ` +
      `ALB health ${dig(tg?.inputs, "healthCheck", "path") ?? "?"}, container health ${containerPath}, ` +
      // A shifting deployment (canary, linear) has no circuit breaker: its deployment alarms roll it back.
      (dig(service.inputs, "deploymentCircuitBreaker") === undefined
        ? "no circuit breaker (the deployment alarms roll back)"
        : `circuit breaker rollback=${dig(service.inputs, "deploymentCircuitBreaker", "rollback")}`),
    `                 pull ${pull}, read-only root with writable ${scratch.join(", ") || "nothing"}, ` +
      `stickiness ${dig(tg?.inputs, "stickiness", "enabled") ? "on" : "off"}`,
    `                 deploys ${deploymentSummary(service.inputs)}`,
  ];
}

/**
 * The app's feature flags (state, cohort, removal date), read from its hosted flags document: `unmasked` holds its
 * content when the provider marks it secret. None without a flags document.
 */
function flagLines(of: OfType, unmasked: Map<string, Record<string, unknown>> | undefined): string[] {
  const flags = of(T.hostedConfig)[0];
  if (!flags) return [];
  const content = (unmasked?.get(flags.urn) ?? flags.inputs).content;
  const values = (dig(json(content), "values") ?? {}) as Record<string, unknown>;
  const text = Object.entries(values).map(([k, v]) => {
    const cohort = dig(v, "cohort") ? ` (cohort ${dig(v, "cohort")})` : "";
    return `${k}=${dig(v, "enabled") ? "ON" : "OFF"}${cohort}, remove by ${dig(v, "removalDate")}`;
  });
  return [`    flags        ${text.join("; ") || "none"}`];
}

/** Every line of one app: its header, components, governance, environments, images, runtime, flags, alarms. */
function appLines(
  app: string,
  mine: PlanResource[],
  byUrn: Map<string, PlanResource>,
  unmasked: Map<string, Record<string, unknown>> | undefined,
): string[] {
  const of: OfType = (type) => mine.filter((r) => r.type === type);
  const alarms = of(T.metricAlarm).map((a) => a.inputs.name);
  return [
    `  ${app} (${mine.length} resources)`,
    componentsLine(mine, byUrn),
    repositoryLine(of),
    ...rulesetLines(of),
    ...environmentLines(of),
    ...imageLines(of),
    ...runtimeLines(of),
    ...flagLines(of, unmasked),
    `    alarms       ${alarms.join(", ")}; dashboard ${of(T.dashboard).length}`,
  ];
}

/** The StackReference production reads staging's profile through, and what the preview assumed (with checks). */
function parityAndAssumptionLines(plan: Plan): string[] {
  const lines: string[] = [];
  const ref = plan.resources.find((r) => r.type === T.stackReference);
  if (ref)
    lines.push(`  parity       reads ${ref.inputs.name} (environmentProfile) through a StackReference`);
  (plan.assumptions ?? []).forEach((a, i) => {
    lines.push(`  ${i === 0 ? "assumed     " : "            "} ${a.what}`);
    lines.push(`               check: ${a.check}`);
  });
  return lines;
}

/**
 * Renders the summary lines of one plan: the counts, then each app (in the order of its Application component)
 * with the resources {@link appOf} gives it, this repository's governance, the parity reference and the
 * assumptions.
 *
 * @param unmasked Unmasked properties by URN, for fields a provider marks secret although they are not
 *   (the AppConfig flags document); only flag names, states, owners and dates are printed from it.
 */
export function summarizePlan(plan: Plan, unmasked?: Map<string, Record<string, unknown>>): string[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const custom = plan.resources.filter((r) => !r.type.startsWith(COMPONENT_PREFIX));
  const byApp = new Map<string, PlanResource[]>();
  for (const r of custom) {
    const app = appOf(r, byUrn);
    if (app) byApp.set(app, [...(byApp.get(app) ?? []), r]);
  }
  const apps = plan.resources.filter((r) => r.type === APPLICATION_TYPE).map((r) => r.name);
  return [
    stackLine(plan, custom),
    ...apps.flatMap((app) => appLines(app, byApp.get(app) ?? [], byUrn, unmasked)),
    ...infrastructureLines(plan, byUrn),
    ...parityAndAssumptionLines(plan),
  ];
}

/** One line on how a service deploys: strategy, shares, bake times (minutes) and its deployment alarms. */
function deploymentSummary(service: Record<string, unknown>): string {
  const strategy = String(dig(service, "deploymentConfiguration", "strategy") ?? "ROLLING").toLowerCase();
  const bake = dig(service, "deploymentConfiguration", "bakeTimeInMinutes");
  const canary = dig(service, "deploymentConfiguration", "canaryConfiguration");
  const linear = dig(service, "deploymentConfiguration", "linearConfiguration");
  const steps =
    strategy === "canary"
      ? ` ${dig(canary, "canaryPercent")}% for ${dig(canary, "canaryBakeTimeInMinutes")} min, then all; bake ${bake} min`
      : strategy === "linear"
        ? ` ${dig(linear, "stepPercent")}% every ${dig(linear, "stepBakeTimeInMinutes")} min; bake ${bake} min`
        : " (all tasks replaced in place)";
  const alarms = list(dig(service, "alarms", "alarmNames"));
  const rollback = dig(service, "alarms", "rollback") === true ? "rollback on" : "no rollback";
  return `${strategy}${steps}; alarms ${alarms.join(", ") || "none"} (${rollback})`;
}
