/**
 * A small hand-built audit report for the renderers' unit tests: three catalogue rules in three sections (guard,
 * supply, operate) and one rule of a section the catalogue does not have, six results covering every status and
 * level, a stack file location for two of them, an override of each kind and two Scorecard rows. Small enough that
 * a test states the whole output it expects.
 */
import type { AuditReport, ResultLocation, RuleMeta, RuleResult } from "../../src/report/types";

/** One rule's metadata, with the fields the renderers read. */
export function ruleMeta(
  id: string,
  section: string,
  title: string,
  level: "mandatory" | "advisory",
): RuleMeta {
  return {
    id,
    policyName: `${id}-policy`,
    section,
    title,
    description: `What ${id} checks.`,
    source: `CONSTITUTION ${section}`,
    remediation: `Fix ${id}.`,
    enforcementLevel: level,
    kind: "resource",
    appliesTo: [],
    configKeys: [],
  } as RuleMeta;
}

export const TINY_RULES: RuleMeta[] = [
  ruleMeta("CC-OBS-01", "OBS", "Alarms `on`", "mandatory"),
  ruleMeta("CC-ENV-02", "ENV", "Reviewers required", "mandatory"),
  ruleMeta("CC-RUN-08", "RUN", "Logs kept", "advisory"),
];

function res(name: string, type = "aws:cloudwatch/logGroup:LogGroup") {
  return { urn: `urn:pulumi:qa::p::${type}::${name}`, type, name };
}

/** One result; `level` defaults to mandatory. */
export function result(
  ruleId: string,
  status: RuleResult["status"],
  resource: string | null,
  message: string,
  level: RuleResult["enforcementLevel"] = "mandatory",
): RuleResult {
  return {
    ruleId,
    policyName: `${ruleId}-policy`,
    status,
    enforcementLevel: level,
    resource: resource === null ? null : res(resource),
    message,
  };
}

export const TINY_RESULTS: RuleResult[] = [
  result("CC-RUN-08", "fail", "logs-1", "kept 1 day", "advisory"),
  result("CC-ENV-02", "fail", "env-1", "no reviewers"),
  {
    ...result("CC-ENV-02", "waived", "env-2", "no reviewers"),
    waiver: { reason: "on-call rotation", owner: "team-a", expires: "2030-01-31" },
  },
  result("CC-OBS-01", "pass", null, "alarms on"),
  result("CC-OBS-01", "not-applicable", "logs-2", "no service"),
  result("CC-ZZZ-01", "pass", "logs-1", "fine", "advisory"),
];

export const TINY_LOCATIONS: Array<ResultLocation | null> = [
  { uri: "Pulumi.qa.yaml", line: 12, column: 7, key: "cicd-constitution:apps[a].logs" },
  null,
  { uri: "Pulumi.qa.yaml", line: 30, column: 5, key: "cicd-constitution:policy" },
  null,
  null,
  null,
];

/** The report: stack `qa`, offline, pack `pack` 1.0.0. */
export function tinyReport(over: Partial<AuditReport> = {}): AuditReport {
  return {
    schemaVersion: 1,
    mode: "offline",
    stack: "qa",
    stackFile: "Pulumi.qa.yaml",
    policyPack: { name: "pack", version: "1.0.0" },
    summary: {
      total: 6,
      pass: 2,
      fail: 2,
      waived: 1,
      notApplicable: 1,
      mandatoryFailures: 1,
      advisoryFailures: 1,
    },
    results: TINY_RESULTS,
    overrides: [
      {
        ruleId: "CC-OBS-01",
        from: "mandatory",
        to: "advisory",
        reason: "alarms <migrating>",
        owner: "ops",
        expires: "2030-02-01",
      },
      {
        ruleId: "CC-ENV-02",
        from: "mandatory",
        to: "disabled",
        reason: "hotfix",
        owner: "lead",
        expires: "2030-03-01",
        resource: "app-x",
      },
    ],
    scorecard: [
      { repository: "o/top", score: 10, nextTierNeeds: [], nextScore: null },
      {
        repository: "o/low",
        score: 3,
        nextTierNeeds: ["reviews", "codeowners"],
        nextScore: 6,
        approvalsNote: "one approval",
      },
    ],
    rules: TINY_RULES,
    locations: TINY_LOCATIONS,
    ...over,
  };
}
