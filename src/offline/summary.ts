/**
 * A readable summary of a plan for a terminal: resources per app and component, and the settings a reviewer
 * checks first (rulesets, environments, image references, health paths). Read from the recorded resources,
 * not from the config, so it shows what the program really registers.
 */
import { healthPaths } from "../../policy-pack/rules/runtime";
import { Plan, PlanResource } from "../plan/types";
import { APPLICATION_TYPE } from "../../policy-pack/lib/facts";

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

/** The app a resource belongs to: the name of its `cicd-constitution:app:Application` ancestor. */
export function appOf(resource: PlanResource, byUrn: Map<string, PlanResource>): string | null {
  let cur: PlanResource | undefined = resource;
  while (cur) {
    if (cur.type === APPLICATION_TYPE) return cur.name;
    cur = cur.parent ? byUrn.get(cur.parent) : undefined;
  }
  return null;
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
  const infra = plan.resources.find((r) => r.type === "cicd-constitution:github:InfrastructureRepository");
  const oidc = plan.resources.find((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
  const lines: string[] = [];
  if (oidc) lines.push(`  identity     GitHub OIDC provider ${oidc.inputs.url} (created here, protected)`);
  if (!infra) return lines;
  const mine = plan.resources.filter((r) => {
    for (let p = r.parent; p; p = byUrn.get(p)?.parent ?? null) if (p === infra.urn) return true;
    return false;
  });
  const of = (type: string) => mine.filter((r) => r.type === type);
  const envs = of("github:index/repositoryEnvironment:RepositoryEnvironment").map((e) => {
    const reviewers = list(e.inputs.reviewers).flatMap((r) => [
      ...list(dig(r, "users")),
      ...list(dig(r, "teams")),
    ]);
    return `${e.inputs.environment} (reviewers ${reviewers.length}${e.inputs.preventSelfReview ? ", self-review prevented" : ""})`;
  });
  lines.push(
    `  ${infra.name} (this repository, ${mine.length} resources)`,
    `    rulesets     ${of("github:index/repositoryRuleset:RepositoryRuleset")
      .map((r) => r.inputs.name)
      .join(", ")}`,
    `    environments ${envs.join("; ")}`,
    `    deploy roles ${of("aws:iam/role:Role")
      .map((r) => r.inputs.name)
      .join(", ")}; boundaries ${of("aws:iam/policy:Policy")
      .map((r) => r.inputs.name)
      .join(", ")}`,
  );
  return lines;
}

/**
 * Renders the summary lines of one plan.
 *
 * @param unmasked Unmasked properties by URN, for fields a provider marks secret although they are not
 *   (the AppConfig flags document); only flag names, states, owners and dates are printed from it.
 */
export function summarizePlan(plan: Plan, unmasked?: Map<string, Record<string, unknown>>): string[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const lines: string[] = [];
  const custom = plan.resources.filter((r) => !r.type.startsWith(COMPONENT_PREFIX));
  lines.push(
    `Stack ${plan.stack}: ${plan.resources.length} resources (${custom.length} cloud/GitHub resources, ` +
      `${plan.resources.length - custom.length} components)`,
  );
  const byApp = new Map<string, PlanResource[]>();
  for (const r of custom) {
    const app = appOf(r, byUrn);
    if (app) byApp.set(app, [...(byApp.get(app) ?? []), r]);
  }
  const apps = plan.resources.filter((r) => r.type === APPLICATION_TYPE).map((r) => r.name);
  for (const app of apps) {
    const mine = byApp.get(app) ?? [];
    const of = (type: string) => mine.filter((r) => r.type === type);
    lines.push(`  ${app} (${mine.length} resources)`);
    const byComponent = new Map<string, number>();
    for (const r of mine) {
      const comp = r.parent ? byUrn.get(r.parent) : undefined;
      const key = comp ? short(comp.type) : "-";
      byComponent.set(key, (byComponent.get(key) ?? 0) + 1);
    }
    lines.push(`    components   ${[...byComponent].map(([k, n]) => `${k} ${n}`).join(", ")}`);
    const repo = of("github:index/repository:Repository")[0]?.inputs;
    const squashOnly =
      repo?.allowSquashMerge === true && repo.allowMergeCommit === false && repo.allowRebaseMerge === false;
    lines.push(
      repo
        ? `    repository   ${repo.name}: squash only=${squashOnly}, delete branch on merge=${repo.deleteBranchOnMerge}, archive on destroy=${repo.archiveOnDestroy}`
        : `    repository   not owned by this stack (governance.ownsRepositories: false)`,
    );
    for (const rs of of("github:index/repositoryRuleset:RepositoryRuleset")) {
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
      lines.push(
        `    ruleset      ${rs.inputs.name} on ${includes.join(",")} [${rs.inputs.enforcement}]: ${parts.join(", ")}`,
      );
    }
    for (const env of of("github:index/repositoryEnvironment:RepositoryEnvironment")) {
      const reviewers = list(env.inputs.reviewers).flatMap((r) => [
        ...list(dig(r, "users")),
        ...list(dig(r, "teams")),
      ]);
      const policies = of(
        "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
      ).map((p) =>
        p.inputs.branchPattern ? `branch ${p.inputs.branchPattern}` : `tag ${p.inputs.tagPattern}`,
      );
      const secrets = of("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret").map(
        (s) => s.inputs.secretName,
      );
      const selfReview = env.inputs.preventSelfReview ? " (self-review prevented)" : "";
      lines.push(
        `    environment  ${env.inputs.environment}: deploys from ${policies.join(" or ")}; reviewers ${reviewers.length}` +
          `${selfReview}; secrets ${secrets.join(", ") || "none"}`,
      );
    }
    for (const img of of("docker-build:index:Image")) {
      lines.push(
        `    image build  ${list(img.inputs.tags).join(", ")} for ${list(img.inputs.platforms).join(", ")}`,
      );
    }
    for (const idx of of("docker-build:index:Index")) {
      lines.push(`    image alias  ${idx.inputs.tag} -> ${list(idx.inputs.sources).join(", ")}`);
    }
    const task = of("aws:ecs/taskDefinition:TaskDefinition")[0];
    const service = of("aws:ecs/service:Service")[0];
    const tg = of("aws:lb/targetGroup:TargetGroup")[0];
    if (task && service) {
      const c = list(json(task.inputs.containerDefinitions))[0];
      const check = list(dig(c, "healthCheck", "command"))
        .map(String)
        .join(" ");
      const containerPath = healthPaths(check)[0] ?? "?";
      const scratch = list(dig(c, "mountPoints")).map((m) => dig(m, "containerPath"));
      const pull = dig(c, "repositoryCredentials", "credentialsParameter")
        ? "registry credentials"
        : "anonymous";
      lines.push(`    runtime      runs ${dig(c, "image") ?? "[unknown]"}`);
      lines.push(
        `                 Fargate ${task.inputs.cpu} CPU units / ${task.inputs.memory} MiB x ${service.inputs.desiredCount}, ` +
          `ALB health ${dig(tg?.inputs, "healthCheck", "path")}, container health ${containerPath}, ` +
          `circuit breaker rollback=${dig(service.inputs, "deploymentCircuitBreaker", "rollback")}`,
      );
      lines.push(
        `                 pull ${pull}, read-only root with writable ${scratch.join(", ") || "nothing"}, ` +
          `stickiness ${dig(tg?.inputs, "stickiness", "enabled") ? "on" : "off"}`,
      );
      lines.push(`                 deploys ${deploymentSummary(service.inputs)}`);
    }
    const flags = of("aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion")[0];
    if (flags) {
      const content = (unmasked?.get(flags.urn) ?? flags.inputs).content;
      const values = (dig(json(content), "values") ?? {}) as Record<string, unknown>;
      const text = Object.entries(values).map(([k, v]) => {
        const cohort = dig(v, "cohort") ? ` (cohort ${dig(v, "cohort")})` : "";
        return `${k}=${dig(v, "enabled") ? "ON" : "OFF"}${cohort}, remove by ${dig(v, "removalDate")}`;
      });
      lines.push(`    flags        ${text.join("; ") || "none"}`);
    }
    const alarms = of("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs.name);
    lines.push(
      `    alarms       ${alarms.join(", ")}; dashboard ${of("aws:cloudwatch/dashboard:Dashboard").length}`,
    );
  }
  lines.push(...infrastructureLines(plan, byUrn));
  const ref = plan.resources.find((r) => r.type === "pulumi:pulumi:StackReference");
  if (ref)
    lines.push(`  parity       reads ${ref.inputs.name} (environmentProfile) through a StackReference`);
  (plan.assumptions ?? []).forEach((a, i) => {
    lines.push(`  ${i === 0 ? "assumed     " : "            "} ${a.what}`);
    lines.push(`               check: ${a.check}`);
  });
  return lines;
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
