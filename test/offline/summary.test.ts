/**
 * The preview's summary (src/offline/summary.ts) agrees with the plan it summarises: each figure and name a
 * reviewer reads is read back from the summary's lines and compared with the plan's resources, for both of the
 * repository's stacks.
 */
import { strict as assert } from "node:assert";
import type { StackPreview } from "../../src/offline/preview";
import { appOf, summarizePlan } from "../../src/offline/summary";
import type { PlanResource } from "../../src/plan/types";
import { repositoryStacks } from "../helpers";

/** The lines of one app's block: from its header to the next app's or the stack's closing lines. */
function blockOf(lines: string[], app: string): string[] {
  const start = lines.findIndex((l) => l.startsWith(`  ${app} (`));
  assert.ok(start > 0, `no block for ${app}`);
  const end = lines.findIndex((l, i) => i > start && /^ {2}\S/.test(l));
  return lines.slice(start, end < 0 ? undefined : end);
}

/** The summary `cicd preview` prints: the flags document's content read unmasked, as the command does. */
function summaryOf(p: StackPreview): string[] {
  return summarizePlan(p.plan, new Map(p.resources.map((r) => [r.urn, r.props])));
}

/** The text after a line's label (`    alarms       ...`), for the one line with that label. */
function field(block: string[], label: string): string {
  const found = block.filter((l) => l.startsWith(`    ${label.padEnd(12)} `));
  assert.equal(found.length, 1, `one ${label} line`);
  return found[0].slice(17);
}

describe("offline preview: the summary agrees with the plan", () => {
  let stacks: StackPreview[];
  before(async () => {
    stacks = await repositoryStacks();
  });

  it("the stack's counts, each app's resources by component, its alarms and dashboard", () => {
    for (const stack of stacks) {
      const { plan } = stack;
      const lines = summaryOf(stack);
      const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
      const custom = plan.resources.filter((r) => !r.type.startsWith("cicd-constitution:"));
      assert.equal(
        lines[0],
        `Stack ${plan.stack}: ${plan.resources.length} resources (${custom.length} cloud/GitHub resources, ${plan.resources.length - custom.length} components)`,
      );
      const apps = plan.resources
        .filter((r) => r.type === "cicd-constitution:app:Application")
        .map((r) => r.name);
      assert.deepEqual(apps, ["erp-berhan", "menu-optimizer"]);
      for (const app of apps) {
        const mine = custom.filter((r) => appOf(r, byUrn) === app);
        const block = blockOf(lines, app);
        assert.equal(block[0], `  ${app} (${mine.length} resources)`);
        const counted = Object.fromEntries(
          field(block, "components")
            .split(", ")
            .map((p) => p.split(" "))
            .map(([k, n]) => [k, Number(n)]),
        );
        const expected: Record<string, number> = {};
        for (const r of mine) {
          const component = byUrn
            .get(r.parent ?? "")!
            .type.split(":")
            .pop()!;
          expected[component] = (expected[component] ?? 0) + 1;
        }
        assert.deepEqual(counted, expected);
        const of = (type: string) => mine.filter((r) => r.type === type);
        const document = JSON.parse(
          String(
            stack.resources.find(
              (r) =>
                r.urn === of("aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion")[0].urn,
            )!.props.content,
          ),
        );
        type Value = { enabled: boolean; removalDate: string; cohort?: string };
        const flags = Object.entries(document.values as Record<string, Value>).map(
          ([k, v]) =>
            `${k}=${v.enabled ? "ON" : "OFF"}${v.cohort ? ` (cohort ${v.cohort})` : ""}, remove by ${v.removalDate}`,
        );
        assert.ok(flags.length > 0 || stack.plan.stack === "production", "staging serves flags");
        assert.equal(field(block, "flags"), flags.join("; ") || "none");
        assert.equal(
          field(block, "alarms"),
          `${of("aws:cloudwatch/metricAlarm:MetricAlarm")
            .map((a) => a.inputs.name)
            .join(", ")}; dashboard ${of("aws:cloudwatch/dashboard:Dashboard").length}`,
        );
      }
    }
  });

  it("each app's environments, rulesets and runtime as their resources declare them", () => {
    const production = stacks.find((s) => s.plan.stack === "production")!;
    const lines = summaryOf(production);
    const byUrn = new Map(production.plan.resources.map((r) => [r.urn, r]));
    for (const app of ["erp-berhan", "menu-optimizer"]) {
      const block = blockOf(lines, app);
      const of = (type: string) =>
        production.plan.resources.filter((r) => r.type === type && appOf(r, byUrn) === app);
      const environments = block.filter((l) => l.startsWith("    environment  "));
      for (const env of of("github:index/repositoryEnvironment:RepositoryEnvironment")) {
        const name = String(env.inputs.environment);
        const line = environments.find((l) => l.startsWith(`    environment  ${name}: `));
        assert.ok(line, name);
        const reviewers = (env.inputs.reviewers as Array<Record<string, unknown[]>>).flatMap((r) => [
          ...(r.users ?? []),
          ...(r.teams ?? []),
        ]);
        const sources = of(
          "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
        )
          .filter((p) => p.inputs.environment === name)
          .map((p) =>
            p.inputs.branchPattern ? `branch ${p.inputs.branchPattern}` : `tag ${p.inputs.tagPattern}`,
          );
        assert.ok(line.includes(`deploys from ${sources.join(" or ")}; reviewers ${reviewers.length}`), line);
        assert.equal(line.includes("(self-review prevented)"), env.inputs.preventSelfReview === true, line);
      }
      const rulesets = block.filter((l) => l.startsWith("    ruleset      "));
      const declared = of("github:index/repositoryRuleset:RepositoryRuleset");
      assert.equal(rulesets.length, declared.length);
      for (const [i, rs] of declared.entries()) {
        const rules = rs.inputs.rules as Record<string, any>;
        const includes = (rs.inputs.conditions as any).refName.includes.join(",");
        assert.ok(
          rulesets[i].startsWith(
            `    ruleset      ${rs.inputs.name} on ${includes} [${rs.inputs.enforcement}]: `,
          ),
        );
        if (rules.pullRequest)
          assert.ok(
            rulesets[i].includes(`PR with ${rules.pullRequest.requiredApprovingReviewCount} approval(s)`),
          );
        if (rules.requiredStatusChecks)
          assert.ok(
            rulesets[i].includes(
              `checks ${rules.requiredStatusChecks.requiredChecks.map((c: PlanResource["inputs"]) => c.context).join(",")}`,
            ),
          );
        assert.ok(rulesets[i].endsWith(`bypass actors ${(rs.inputs.bypassActors as unknown[]).length}`));
      }
      const task = of("aws:ecs/taskDefinition:TaskDefinition").find((t) => t.name.endsWith("-task"))!;
      const service = of("aws:ecs/service:Service")[0];
      const runtime = block.slice(block.findIndex((l) => l.startsWith("    runtime      ")));
      assert.ok(
        runtime[1].includes(
          `Fargate ${task.inputs.cpu} CPU units / ${task.inputs.memory} MiB x ${service.inputs.desiredCount}`,
        ),
        runtime[1],
      );
      const config = service.inputs.deploymentConfiguration as Record<string, any>;
      assert.match(
        runtime[3],
        new RegExp(
          `^ +deploys ${config.strategy.toLowerCase()} ${config.canaryConfiguration.canaryPercent}% for ` +
            `${config.canaryConfiguration.canaryBakeTimeInMinutes} min, then all; bake ${config.bakeTimeInMinutes} min; ` +
            `alarms ${(service.inputs.alarms as any).alarmNames.join(", ")} \\(rollback on\\)$`,
        ),
      );
    }
  });

  it("this repository's environments and roles, and the parity reference", () => {
    const production = stacks.find((s) => s.plan.stack === "production")!;
    const lines = summaryOf(production);
    const infra = production.plan.resources.find(
      (r) => r.type === "cicd-constitution:github:InfrastructureRepository",
    )!;
    const under = (r: PlanResource): boolean => {
      const parent = production.plan.resources.find((p) => p.urn === r.parent);
      return !!parent && (parent === infra || under(parent));
    };
    const mine = production.plan.resources.filter(under);
    assert.ok(lines.includes(`  ${infra.name} (this repository, ${mine.length} resources)`));
    const environments = mine
      .filter((r) => r.type === "github:index/repositoryEnvironment:RepositoryEnvironment")
      .map((e) => {
        const reviewers = (e.inputs.reviewers as Array<Record<string, unknown[]>>).flatMap((r) => [
          ...(r.users ?? []),
          ...(r.teams ?? []),
        ]);
        return `${e.inputs.environment} (reviewers ${reviewers.length}${e.inputs.preventSelfReview ? ", self-review prevented" : ""})`;
      });
    assert.ok(lines.includes(`    environments ${environments.join("; ")}`));
    const names = (type: string) =>
      mine
        .filter((r) => r.type === type)
        .map((r) => r.inputs.name)
        .join(", ");
    assert.ok(
      lines.includes(
        `    deploy roles ${names("aws:iam/role:Role")}; boundaries ${names("aws:iam/policy:Policy")}`,
      ),
    );
    assert.ok(
      lines.includes(`    rulesets     ${names("github:index/repositoryRuleset:RepositoryRuleset")}`),
    );
    const reference = production.plan.resources.find((r) => r.type === "pulumi:pulumi:StackReference")!;
    assert.ok(
      lines.includes(
        `  parity       reads ${reference.inputs.name} (environmentProfile) through a StackReference`,
      ),
    );
    assert.equal(
      lines.filter((l) => l.startsWith("               check: ")).length,
      production.plan.assumptions!.length,
    );
  });
});
