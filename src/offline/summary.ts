/**
 * A readable summary of a plan for a terminal: resources per app and component, and the settings a reviewer
 * checks first (rulesets, environments, image references, health paths). Read from the recorded resources,
 * not from the config, so it shows what the program really registers.
 */
import { Plan, PlanResource } from "../plan/types";

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
    if (cur.type === "cicd-constitution:app:Application") return cur.name;
    cur = cur.parent ? byUrn.get(cur.parent) : undefined;
  }
  return null;
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
  const apps = plan.resources
    .filter((r) => r.type === "cicd-constitution:app:Application")
    .map((r) => r.name);
  for (const app of apps) {
    const mine = custom.filter((r) => appOf(r, byUrn) === app);
    const of = (type: string) => mine.filter((r) => r.type === type);
    lines.push(`  ${app} (${mine.length} resources)`);
    const byComponent = new Map<string, number>();
    for (const r of mine) {
      const comp = r.parent ? byUrn.get(r.parent) : undefined;
      const key = comp ? short(comp.type) : "-";
      byComponent.set(key, (byComponent.get(key) ?? 0) + 1);
    }
    lines.push(`    components   ${[...byComponent].map(([k, n]) => `${k} ${n}`).join(", ")}`);
    const repo = of("github:index/repository:Repository")[0];
    lines.push(
      repo
        ? `    repository   ${repo.inputs.name}: squash only=${repo.inputs.allowSquashMerge && !repo.inputs.allowMergeCommit && !repo.inputs.allowRebaseMerge}, delete branch on merge=${repo.inputs.deleteBranchOnMerge}, archive on destroy=${repo.inputs.archiveOnDestroy}`
        : `    repository   not owned by this stack (governance.ownsRepositories: false)`,
    );
    for (const rs of of("github:index/repositoryRuleset:RepositoryRuleset")) {
      const rules = (rs.inputs.rules ?? {}) as Record<string, any>;
      const includes = (rs.inputs.conditions as any)?.refName?.includes ?? [];
      const parts: string[] = [];
      if (rules.pullRequest) {
        parts.push(
          `PR with ${rules.pullRequest.requiredApprovingReviewCount} approval(s)${rules.pullRequest.dismissStaleReviewsOnPush ? ", stale dismissed" : ""}`,
        );
      }
      if (rules.requiredStatusChecks) {
        parts.push(
          `checks ${(rules.requiredStatusChecks.requiredChecks ?? []).map((c: any) => c.context).join(",")}${rules.requiredStatusChecks.strictRequiredStatusChecksPolicy ? " (strict)" : ""}`,
        );
      }
      if (rules.nonFastForward) parts.push("no force push");
      if (rules.deletion) parts.push("no deletion");
      if (rules.update) parts.push("no update");
      parts.push(`bypass actors ${((rs.inputs.bypassActors as unknown[]) ?? []).length}`);
      lines.push(
        `    ruleset      ${rs.inputs.name} on ${includes.join(",")} [${rs.inputs.enforcement}]: ${parts.join(", ")}`,
      );
    }
    for (const env of of("github:index/repositoryEnvironment:RepositoryEnvironment")) {
      const reviewers = ((env.inputs.reviewers as any[]) ?? []).flatMap((r) => [
        ...(r.users ?? []),
        ...(r.teams ?? []),
      ]);
      const policies = of(
        "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
      ).map((p) =>
        p.inputs.branchPattern ? `branch ${p.inputs.branchPattern}` : `tag ${p.inputs.tagPattern}`,
      );
      const secrets = of("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret").map(
        (s) => s.inputs.secretName,
      );
      lines.push(
        `    environment  ${env.inputs.environment}: deploys from ${policies.join(" or ")}; reviewers ${reviewers.length}` +
          `${env.inputs.preventSelfReview ? " (self-review prevented)" : ""}; secrets ${secrets.join(", ") || "none"}`,
      );
    }
    for (const img of of("docker-build:index:Image")) {
      lines.push(
        `    image build  ${(img.inputs.tags as string[]).join(", ")} for ${(img.inputs.platforms as string[]).join(", ")}`,
      );
    }
    for (const idx of of("docker-build:index:Index")) {
      lines.push(`    image alias  ${idx.inputs.tag} -> ${(idx.inputs.sources as string[]).join(", ")}`);
    }
    const task = of("aws:ecs/taskDefinition:TaskDefinition")[0];
    const service = of("aws:ecs/service:Service")[0];
    const tg = of("aws:lb/targetGroup:TargetGroup")[0];
    if (task && service) {
      const containers = json(task.inputs.containerDefinitions) as any[];
      const c = Array.isArray(containers) ? containers[0] : undefined;
      lines.push(`    runtime      runs ${c?.image ?? "[unknown]"}`);
      lines.push(
        `                 Fargate ${task.inputs.cpu} CPU units / ${task.inputs.memory} MiB x ${service.inputs.desiredCount}, ` +
          `ALB health ${(tg?.inputs.healthCheck as any)?.path}, container health ${/localhost:\d+(\/\S*)/.exec((c?.healthCheck?.command ?? []).slice(-1)[0] ?? "")?.[1] ?? "?"}, ` +
          `circuit breaker rollback=${(service.inputs.deploymentCircuitBreaker as any)?.rollback}`,
      );
    }
    const flags = of("aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion")[0];
    if (flags) {
      const content = (unmasked?.get(flags.urn) ?? flags.inputs).content;
      const values = ((json(content) as any)?.values ?? {}) as Record<string, any>;
      const text = Object.entries(values).map(
        ([k, v]) =>
          `${k}=${v.enabled ? "ON" : "OFF"}${v.cohort ? ` (cohort ${v.cohort})` : ""}, remove by ${v.removalDate}`,
      );
      lines.push(`    flags        ${text.join("; ") || "none"}`);
    }
    const alarms = of("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs.name);
    lines.push(
      `    alarms       ${alarms.join(", ")}; dashboard ${of("aws:cloudwatch/dashboard:Dashboard").length}`,
    );
  }
  const ref = plan.resources.find((r) => r.type === "pulumi:pulumi:StackReference");
  if (ref)
    lines.push(`  parity       reads ${ref.inputs.name} (environmentProfile) through a StackReference`);
  return lines;
}
