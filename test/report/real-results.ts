/**
 * Real audit results for the report tests: the repository's stacks previewed offline and evaluated by the
 * policy pack's in-process runner, once per test run. One run adds a waiver (through the pack config, as a
 * stack would) so that waived verdicts are real too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { evaluate, POLICY_PACK_NAME, POLICY_PACK_VERSION, RULES } from "../../policy-pack/evaluate";
import type { PackConfig, PolicyResourceInput, RuleResult } from "../../policy-pack/evaluate";
import { buildReport } from "../../src/report/build";
import type { AuditReport } from "../../src/report/types";
import { repositoryStacks, ROOT } from "../helpers";
import { onceShared } from "../onceShared";

/** "Today" for the runs, so expiry checks do not depend on the clock. */
export const NOW = new Date("2026-11-21T00:00:00Z");

/** Reports of both stacks as they are, and of production with two known defects, with and without a waiver. */
export interface RealReports {
  staging: AuditReport;
  production: AuditReport;
  /**
   * Production with one environment allowing self-review (CC-ENV-02, mandatory) and one log group kept
   * 1 day (CC-RUN-08, advisory): failures whatever the state of the program.
   */
  broken: AuditReport;
  /** `broken` with a valid waiver for the CC-ENV-02 failure (given through the pack config, as a stack would). */
  brokenWaived: AuditReport;
  /** Names of the resources `broken` changed. */
  brokenEnvironment: string;
  /** The resource CC-RUN-08 fails on in `broken` (the task definition that logs to the group). */
  brokenLogGroup: string;
}

function report(stack: string, results: RuleResult[], resources: PolicyResourceInput[]): AuditReport {
  const uri = `Pulumi.${stack}.yaml`;
  return buildReport({
    mode: "offline",
    stack,
    policyPack: { name: POLICY_PACK_NAME, version: POLICY_PACK_VERSION },
    results,
    rules: RULES,
    stackFile: { uri, text: fs.readFileSync(path.join(ROOT, uri), "utf8") },
    resources,
  });
}

/**
 * The pack's verdicts on the repository's stacks and on `broken` (see {@link RealReports}), computed once; apart
 * from the reports built on them, so that a change to the report code (a mutant of `npm run mutation`) builds
 * the reports again without evaluating again.
 */
const realEvaluations = onceShared(async () => {
  const [staging, production] = await repositoryStacks();
  const broken = structuredClone(production.resources);
  const env = broken.find(
    (r) =>
      r.type === "github:index/repositoryEnvironment:RepositoryEnvironment" &&
      r.props.environment === "production" &&
      r.name.startsWith("erp-berhan-"),
  )!;
  env.props.preventSelfReview = false;
  const logs = broken.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")!;
  logs.props.retentionInDays = 1;
  const env02 = RULES.find((m) => m.id === "CC-ENV-02")!;
  const config: PackConfig = {
    [env02.policyName]: {
      waivers: [
        {
          ruleId: "CC-ENV-02",
          resource: env.name,
          reason: "self-review allowed during the <on-call> rotation & handover",
          owner: "mathieu",
          expires: "2027-01-31",
        },
      ],
    },
  };
  return {
    staging,
    production,
    broken,
    brokenEnvironment: env.name,
    results: {
      staging: evaluate(staging.resources, { stack: "staging", now: NOW }),
      production: evaluate(production.resources, { stack: "production", now: NOW }),
      broken: evaluate(broken, { stack: "production", now: NOW }),
      brokenWaived: evaluate(broken, { stack: "production", now: NOW, config }),
    },
  };
});

/** Evaluates the repository's stacks once; see {@link RealReports}. */
export const realReports: () => Promise<RealReports> = onceShared(async () => {
  const { staging, production, broken, brokenEnvironment, results } = await realEvaluations();
  return {
    staging: report("staging", results.staging, staging.resources),
    production: report("production", results.production, production.resources),
    broken: report("production", results.broken, broken),
    brokenWaived: report("production", results.brokenWaived, broken),
    brokenEnvironment,
    brokenLogGroup:
      results.broken.find((x) => x.ruleId === "CC-RUN-08" && x.status === "fail")?.resource?.name ?? "",
  };
});
