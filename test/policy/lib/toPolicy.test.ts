/**
 * The CrossGuard adapter, toPolicy (policy-pack/lib/rule.ts), driven with fake engine args, one named scenario per
 * test (docs/PROOFS.md section 4: these pin the behaviour Stryker's mutants found unasserted).
 * Stack-scoped waivers under the engine match the stack read from the URNs.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { strict as assert } from "node:assert";
import { UNKNOWN_MARKER } from "../../../policy-pack/evaluate";
import { unknownCheckingProps } from "../../../policy-pack/lib/props";
import {
  configSchemaOf,
  Res,
  RuleContext,
  stackOfUrn,
  toPolicy,
  Verdicts,
} from "../../../policy-pack/lib/rule";
import { ALL_RULES, RULE_IDS } from "../../../policy-pack/rules";
import { APP_URN, WAIVER as GOOD, T, urnOf } from "../rule-harness";

/** The catalogue's IDs, as the runners hand them to the waiver checks. */
const KNOWN_IDS = RULE_IDS;

/** A date within a waiver's 90 days of today, for code that judges against the real clock (the engine adapter). */
const IN_A_MONTH = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

/** A named scenario whose value is compared (deep, strict) with the expected one. */
type ValueCase = { name: string; got: () => unknown; expected: unknown };
function valueCases(cases: ValueCase[]): void {
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.expected));
}

/** A fake of @pulumi/policy's args: `notApplicable` throws, as the library's does. */
class NotApplicable extends Error {}
type EngineOutcome = { reports: Array<[string, string | undefined]>; na: string | undefined };
function engineRun(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  args: Record<string, unknown>,
  config: object,
): EngineOutcome {
  const reports: Array<[string, string | undefined]> = [];
  let na: string | undefined;
  const full = {
    ...args,
    getConfig: () => config,
    notApplicable: (reason?: string) => {
      na = reason;
      throw new NotApplicable(reason);
    },
  };
  const report = (message: string, urn?: string) => void reports.push([message, urn]);
  try {
    if ("validateResource" in policy)
      (policy.validateResource as (a: unknown, r: unknown) => void)(full, report);
    else ((policy as StackValidationPolicy).validateStack as (a: unknown, r: unknown) => void)(full, report);
  } catch (e) {
    if (!(e instanceof NotApplicable)) throw e;
  }
  return { reports, na };
}

const rule = (id: string) => ALL_RULES.find((x) => x.meta.id === id)!;
const SILENT: EngineOutcome = { reports: [], na: undefined };
const NOTHING = "nothing in this stack for this rule to check";

/** One named scenario of a rule's CrossGuard policy: the engine's args, the config, what it reports. */
type EngineCase = {
  name: string;
  policy: ResourceValidationPolicy | StackValidationPolicy;
  args: Record<string, unknown>;
  config?: object;
  /** The reports and the not-applicable reason; only those given are compared. */
  expected: Partial<EngineOutcome>;
};
function engineCases(cases: EngineCase[]): void {
  for (const c of cases)
    it(c.name, () => {
      const got = engineRun(c.policy, c.args, c.config as object);
      const keys = Object.keys(c.expected) as Array<keyof EngineOutcome>;
      assert.deepEqual(Object.fromEntries(keys.map((k) => [k, got[k]])), c.expected);
    });
}

describe("policy-pack lib: the CrossGuard adapter (toPolicy)", () => {
  it("carries the rule's metadata", () => {
    const p = toPolicy(rule("CC-BR-02"), KNOWN_IDS);
    assert.equal(p.name, "CC-BR-02-required-status-checks");
    assert.equal(p.description, `CC-BR-02: ${rule("CC-BR-02").meta.description}`);
    assert.equal(p.enforcementLevel, "mandatory");
    assert.equal(p.remediationSteps, rule("CC-BR-02").meta.remediation);
    assert.deepEqual(p.tags, ["CC-BR-02", "section:BR"]);
    assert.deepEqual(p.configSchema, configSchemaOf(rule("CC-BR-02").meta));
    assert.ok("validateStack" in p);
  });
  it("a resource rule is a resource policy", () =>
    assert.ok("validateResource" in toPolicy(rule("CC-BR-04"), KNOWN_IDS)));
  it("CC-BR-05 is a resource policy", () =>
    assert.ok("validateResource" in toPolicy(rule("CC-BR-05"), KNOWN_IDS)));

  describe("a resource policy reports a failure, stays silent on a pass, is not applicable to another type, waives with a note", () => {
    const squash = { allowMergeCommit: false, allowRebaseMerge: false, allowSquashMerge: true };
    const merges = { ...squash, allowMergeCommit: true };
    const waiver = { ...GOOD, ruleId: "CC-BR-04", resource: "erp-*", expires: IN_A_MONTH };
    const repoArgs = (props: Record<string, unknown>, type: string = T.repository) => ({
      urn: urnOf(T.repository, "erp-repo"),
      type,
      name: "erp-repo",
      props,
      opts: { parent: undefined },
    });
    const p = toPolicy(rule("CC-BR-04"), KNOWN_IDS);
    const MERGES = "merge commits are allowed (allowMergeCommit is not false)";
    engineCases([
      { name: "silent on a pass", policy: p, args: repoArgs(squash), config: {}, expected: SILENT },
      {
        name: "not applicable to another type, naming the type it applies to (as the server says for it)",
        policy: p,
        args: repoArgs(merges, T.ruleset),
        config: {},
        expected: { reports: [], na: `Policy only applies to resources of type '${T.repository}'` },
      },
      {
        name: "reports a failure",
        policy: p,
        args: repoArgs(merges),
        config: {},
        expected: { reports: [[MERGES, undefined]], na: undefined },
      },
      {
        name: "a waived failure is not applicable, with the waiver's note",
        policy: p,
        args: repoArgs(merges),
        config: { waivers: [waiver] },
        expected: { reports: [], na: `waived until ${IN_A_MONTH} by mathieu: release bot needs a bypass` },
      },
      {
        name: "an expired waiver waives nothing",
        policy: p,
        args: repoArgs(merges),
        config: { waivers: [{ ...waiver, expires: "2000-01-01" }] },
        expected: { reports: [[MERGES, undefined]] },
      },
    ]);
  });

  describe("a resource policy: an unknown value read by the rule is not applicable, never a violation", () => {
    const tg = (healthCheck: unknown) => ({
      urn: urnOf(T.targetGroup, "erp-tg"),
      type: T.targetGroup,
      name: "erp-tg",
      props: unknownCheckingProps({ healthCheck }),
      opts: { parent: "urn:parent" },
    });
    const p = toPolicy(rule("CC-RUN-01"), KNOWN_IDS);
    engineCases([
      {
        name: "an unknown path is not applicable, naming it",
        policy: p,
        args: tg({ enabled: true, path: UNKNOWN_MARKER }),
        config: {},
        expected: { reports: [], na: "the value at .healthCheck.path can't be known during preview" },
      },
      {
        name: "the config's path is the rule's setting",
        policy: p,
        args: tg({ enabled: true, path: "/" }),
        config: { path: "/" },
        expected: SILENT,
      },
      {
        name: "the default path is /readyz",
        policy: p,
        args: tg({ enabled: true, path: "/" }),
        config: {},
        expected: { reports: [["health check path is /, expected /readyz", undefined]] },
      },
    ]);
  });

  describe("a stack policy reports failures on their resource URN, skips waived ones, not-applicable when nothing applies", () => {
    const repo = {
      urn: "urn:r:erp",
      type: T.repository,
      name: "erp-repo",
      props: { name: "erp-berhan" },
      parent: { urn: "urn:parent" },
    };
    const menu = { urn: "urn:r:menu", type: T.repository, name: "menu-repo", props: { name: "menu" } };
    const ruleset = {
      urn: "urn:rs",
      type: T.ruleset,
      name: "erp-main",
      props: {
        repository: "erp-berhan",
        enforcement: "active",
        conditions: { refName: { includes: ["~DEFAULT_BRANCH"] } },
      },
    };
    const br01 = toPolicy(rule("CC-BR-01"), KNOWN_IDS);
    const waive01 = toPolicy(rule("CC-WAIVE-01"), KNOWN_IDS);
    engineCases([
      {
        name: "silent when every repository is protected",
        policy: br01,
        args: { resources: [repo, ruleset] },
        config: {},
        expected: SILENT,
      },
      {
        name: "reports the unprotected repository on its URN",
        policy: br01,
        args: { resources: [repo, menu, ruleset] },
        config: {},
        expected: {
          reports: [["main of menu has no ruleset or branch protection", "urn:r:menu"]],
          na: undefined,
        },
      },
      {
        name: "skips a waived failure",
        policy: br01,
        args: { resources: [repo, menu, ruleset] },
        config: { waivers: [{ ...GOOD, ruleId: "CC-BR-01", resource: "menu-*", expires: IN_A_MONTH }] },
        expected: SILENT,
      },
      {
        name: "not applicable to an empty stack",
        policy: br01,
        args: { resources: [] },
        config: {},
        expected: { reports: [], na: NOTHING },
      },
      {
        name: "CC-WAIVE-01 reports an invalid waiver, naming it",
        policy: waive01,
        args: { resources: [] },
        config: { waivers: [{ ...GOOD, owner: "" }, GOOD] },
        expected: {
          reports: [
            [
              "waiver #1 (CC-BR-07 on erp-berhan-governance-repo) names no owner (owner); it waives nothing",
              undefined,
            ],
          ],
          na: undefined,
        },
      },
      {
        name: "CC-WAIVE-01 is silent without waivers",
        policy: waive01,
        args: { resources: [] },
        config: {},
        expected: SILENT,
      },
    ]);
  });

  describe("the engine hands unwrapped secrets: a plain secret value is not judged plain text; no config is no config", () => {
    const secret = {
      urn: "urn:s",
      type: T.envSecret,
      name: "erp-secret",
      props: { secretName: "DB", value: "unwrapped-value" },
    };
    const env04 = toPolicy(rule("CC-ENV-04"), KNOWN_IDS);
    engineCases([
      { name: "an unwrapped secret value passes", policy: env04, args: secret, config: {}, expected: SILENT },
      {
        name: "an unwrapped secret value passes without config",
        policy: env04,
        args: secret,
        expected: SILENT,
      },
      {
        name: "a secret without value fails without config",
        policy: env04,
        args: { ...secret, props: { secretName: "DB" } },
        expected: { reports: [["secret DB carries no value", undefined]] },
      },
      {
        name: "a stack policy without config runs with the defaults",
        policy: toPolicy(rule("CC-BR-01"), KNOWN_IDS),
        args: { resources: [] },
        expected: { na: NOTHING },
      },
    ]);
  });

  describe("a stack policy reads a resource's parent as its parent's URN", () => {
    const child = (type: string, name: string, props: Record<string, unknown>) => ({
      urn: `urn:${name}`,
      type,
      name,
      props: unknownCheckingProps(props),
      parent: { urn: APP_URN },
    });
    const alarm = (name: string, metricName: string) =>
      child(T.metricAlarm, name, { metricName, alarmActions: ["arn:sns"] });
    engineCases([
      {
        name: "the app component names the app of its children",
        policy: toPolicy(rule("CC-OBS-01"), KNOWN_IDS),
        args: {
          resources: [
            { urn: APP_URN, type: T.appComponent, name: "erp-berhan", props: unknownCheckingProps({}) },
            child(T.service, "erp-svc", { name: "svc" }),
            alarm("erp-5xx", "HTTPCode_Target_5XX_Count"),
            alarm("erp-latency", "TargetResponseTime"),
          ],
        },
        config: {},
        expected: SILENT,
      },
    ]);
  });

  describe("a stack policy with unknown inputs is not applicable, with every reason", () => {
    const unknown = "the value at .containerDefinitions can't be known during preview";
    const td = (n: string, containerDefinitions: string) => ({
      urn: `urn:td:${n}`,
      type: T.taskDefinition,
      name: n,
      props: unknownCheckingProps({ containerDefinitions }),
    });
    const logs = JSON.stringify([
      { name: "web", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/x" } } },
    ]);
    const group = {
      urn: "urn:lg",
      type: T.logGroup,
      name: "lg",
      props: unknownCheckingProps({ name: "/ecs/x", retentionInDays: 30 }),
    };
    const run08 = toPolicy(rule("CC-RUN-08"), KNOWN_IDS);
    engineCases([
      {
        name: "an unknown repository name",
        policy: toPolicy(rule("CC-BR-01"), KNOWN_IDS),
        args: {
          resources: [
            {
              urn: "urn:r:a",
              type: T.repository,
              name: "a-repo",
              props: unknownCheckingProps({ name: UNKNOWN_MARKER }),
            },
          ],
        },
        config: {},
        expected: { na: "the value at .name can't be known during preview" },
      },
      {
        name: "two unknown task definitions, with both reasons",
        policy: run08,
        args: { resources: [td("a", UNKNOWN_MARKER), td("b", UNKNOWN_MARKER)] },
        config: {},
        expected: { reports: [], na: `${unknown}; ${unknown}` },
      },
      {
        name: "not when another task definition passes",
        policy: run08,
        args: { resources: [td("a", UNKNOWN_MARKER), td("b", logs), group] },
        config: {},
        expected: SILENT,
      },
    ]);
  });
});

describe("policy-pack lib: stack-scoped waivers under the engine match the stack read from the URNs", () => {
  const stackLevel = toPolicy(
    {
      meta: rule("CC-OBS-02").meta,
      checkStack: (_rs: Res[], _ctx: RuleContext, out: Verdicts) =>
        out.fail(null, "a failure of the whole stack"),
    },
    KNOWN_IDS,
  ) as StackValidationPolicy;
  const resources = [{ urn: urnOf(T.topic, "t"), type: T.topic, name: "t", props: {} }];
  const waiver = (resource: string) => ({ ...GOOD, ruleId: "CC-OBS-02", resource, expires: IN_A_MONTH });
  engineCases([
    {
      name: "a waiver naming the URNs' stack waives (the engine hands policies no stack name)",
      policy: stackLevel,
      args: { resources },
      config: { waivers: [waiver("production")] },
      expected: { reports: [] },
    },
    {
      name: "a waiver naming another stack does not",
      policy: stackLevel,
      args: { resources },
      config: { waivers: [waiver("staging")] },
      expected: { reports: [["a failure of the whole stack", undefined]] },
    },
  ]);
  valueCases([
    {
      name: "stackOfUrn reads the stack of a URN",
      got: () => stackOfUrn(resources[0].urn),
      expected: "production",
    },
    { name: "stackOfUrn of a non-URN is empty", got: () => stackOfUrn("not-a-urn"), expected: "" },
  ]);
});
