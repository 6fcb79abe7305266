/**
 * Verdicts, aggregation and runRule (policy-pack/lib/rule.ts), one named scenario per test (docs/PROOFS.md section
 * 4: these pin the behaviour Stryker's mutants found unasserted).
 */
import { strict as assert } from "node:assert";
import { ruleById } from "../../../policy-pack/catalogue";
import { UnknownInputError } from "../../../policy-pack/lib/props";
import {
  aggregate,
  configSchemaOf,
  defineRule,
  Res,
  RuleContext,
  RuleSpec,
  runRule,
  settingsOf,
  Verdicts,
  waiversOf,
} from "../../../policy-pack/lib/rule";
import { RULE_IDS } from "../../../policy-pack/rules";
import { WAIVER as GOOD, r, T } from "../rule-harness";

/** The catalogue's IDs, as the runners hand them to the waiver checks. */
const KNOWN_IDS = RULE_IDS;

/** The last minute of the harness's NOW day (2026-11-21): a waiver expiring that day is still valid. */
const LAST_MINUTE = new Date("2026-11-21T23:59:00Z");

/** A named scenario whose value is compared (deep, strict) with the expected one. */
type ValueCase = { name: string; got: () => unknown; expected: unknown };
function valueCases(cases: ValueCase[]): void {
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.expected));
}

const ruleMeta: RuleSpec = {
  id: "CC-T-01",
  slug: "t",
  section: "BR",
  title: "t",
  description: "d",
  source: "s",
  remediation: "r",
  enforcementLevel: "advisory",
  kind: "resource",
  appliesTo: [T.repository],
  configKeys: [],
};

describe("policy-pack lib: verdicts, aggregation, runRule", () => {
  describe("Verdicts.guard", () => {
    const x = r(T.repository, "x");
    const cases: Array<[string, Res | null, (out: Verdicts) => void, [string, string | null, string]]> = [
      [
        "turns an unknown read into not-applicable",
        x,
        () => {
          throw new UnknownInputError("rules");
        },
        ["not-applicable", "x", "the value at .rules can't be known during preview"],
      ],
      [
        "turns any other error into a failure naming it",
        null,
        () => {
          throw new Error("boom");
        },
        ["fail", null, "cannot be checked: boom"],
      ],
      [
        "keeps the verdict of a check that does not throw",
        x,
        (out) => out.pass(x, "fine"),
        ["pass", "x", "fine"],
      ],
    ];
    for (const [name, res, check, expected] of cases)
      it(name, () => {
        const out = new Verdicts();
        out.guard(res, () => check(out));
        assert.deepEqual(
          out.list.map((v) => [v.status, v.res?.name ?? null, v.message]),
          [expected],
        );
      });
  });

  it("aggregate: any failure fails (distinct messages joined), else not-applicable, else pass; first-seen order", () => {
    const [a, b, c] = ["a", "b", "c"].map((n) => r(T.repository, n));
    const out = new Verdicts();
    out.pass(a, "a ok");
    out.na(b, "b unknown");
    out.fail(a, "a bad");
    out.pass(b, "b ok");
    out.fail(a, "a bad");
    out.fail(a, "a worse");
    out.pass(c, "c ok");
    out.pass(c, "c also ok");
    out.na(null, "stack unknown");
    assert.deepEqual(
      aggregate(out.list).map((g) => [g.res?.name ?? null, g.status, g.message]),
      [
        ["a", "fail", "a bad; a worse"],
        ["b", "not-applicable", "b unknown"],
        ["c", "pass", "c ok; c also ok"],
        [null, "not-applicable", "stack unknown"],
      ],
    );
  });

  describe("runRule", () => {
    const ctx: RuleContext = {
      cfg: {},
      now: LAST_MINUTE,
      secretsMarked: false,
      byUrn: new Map(),
      waivers: [],
      knownIds: KNOWN_IDS,
    };
    const rs = [r(T.repository, "r1"), r(T.ruleset, "x"), r(T.repository, "r2")];
    const seenBy = () => {
      const seen: string[] = [];
      const rule = defineRule({
        ...ruleMeta,
        checkResource: (x, _ctx, out) => {
          seen.push(x.name);
          out.pass(x, "ok");
        },
      });
      return { rule, seen };
    };
    it("defineRule names the policy <id>-<slug>", () =>
      assert.equal(seenBy().rule.meta.policyName, "CC-T-01-t"));
    it("a resource rule sees only its types and gives one result each", () => {
      const { rule, seen } = seenBy();
      assert.deepEqual(
        runRule(rule, rs, ctx).map((a) => [a.res?.name, a.status]),
        [
          ["r1", "pass"],
          ["r2", "pass"],
        ],
      );
      assert.deepEqual(seen, ["r1", "r2"]);
    });
    it("a resource rule without check gives nothing", () =>
      assert.deepEqual(runRule({ ...seenBy().rule, checkResource: undefined }, rs, ctx), []));
    it("a silent stack rule is not applicable", () =>
      assert.deepEqual(
        runRule(
          defineRule({ ...ruleMeta, slug: "s", kind: "stack", checkStack: () => undefined }),
          rs,
          ctx,
        ).map((a) => [a.res, a.status, a.message]),
        [[null, "not-applicable", "nothing in this stack for this rule to check"]],
      ));
    it("a stack rule without check is not applicable", () =>
      assert.deepEqual(
        runRule(defineRule({ ...ruleMeta, slug: "s", kind: "stack" }), rs, ctx).map((a) => a.status),
        ["not-applicable"],
      ));
  });

  describe("settingsOf and configSchemaOf", () => {
    const br02 = () => ruleById("CC-BR-02")!;
    valueCases([
      {
        name: "settingsOf without config gives the defaults",
        got: () => settingsOf(br02(), undefined),
        expected: { requiredChecks: ["style", "unit", "smoke"] },
      },
      {
        name: "settingsOf overlays the config, without level and waivers",
        got: () =>
          settingsOf(br02(), {
            enforcementLevel: "advisory",
            waivers: [],
            requiredChecks: ["lint"],
            extra: 1,
          }),
        expected: { requiredChecks: ["lint"], extra: 1 },
      },
      {
        name: "the schema of a rule with settings lists them and waivers",
        got: () => Object.keys(configSchemaOf(br02()).properties ?? {}),
        expected: ["requiredChecks", "waivers"],
      },
      {
        name: "the schema of a rule without settings lists waivers only",
        got: () => Object.keys(configSchemaOf(ruleById("CC-BR-01")!).properties ?? {}),
        expected: ["waivers"],
      },
    ]);
  });

  describe("configSchemaOf: the engine refuses a setting that loosens a mandatory rule", () => {
    const configurable = {
      floor: { type: "number", description: "d", default: 30, minimum: 1, tightens: "higher" },
      ceiling: { type: "number", description: "d", default: 25, maximum: 100, tightens: "lower" },
      env: { type: "string", description: "d", default: "production", tightens: "fixed" },
      names: { type: "array", description: "d", default: ["a", "b"], tightens: "superset" },
      markers: { type: "object", description: "d", default: { staging: ["-stg-"] }, tightens: "superset" },
      branches: { type: "array", description: "d", default: ["main"], tightens: "subset" },
      path: { type: "string", description: "d", default: "/healthz", tightens: "free" },
    } as const;
    const br02Meta = () => ruleById("CC-BR-02")!;
    const schemaOf = (enforcementLevel: string) =>
      configSchemaOf({ ...br02Meta(), enforcementLevel, configurable } as never).properties as Record<
        string,
        unknown
      >;

    it("mandatory: each setting bounded by its default, in the direction it tightens", () => {
      assert.deepEqual(schemaOf("mandatory"), {
        floor: { type: "number", description: "d", default: 30, minimum: 30 },
        ceiling: { type: "number", description: "d", default: 25, maximum: 25 },
        env: { type: "string", description: "d", default: "production", const: "production" },
        names: {
          type: "array",
          description: "d",
          default: ["a", "b"],
          allOf: [{ contains: { const: "a" } }, { contains: { const: "b" } }],
        },
        markers: {
          type: "object",
          description: "d",
          default: { staging: ["-stg-"] },
          required: ["staging"],
          properties: { staging: { allOf: [{ contains: { const: "-stg-" } }] } },
        },
        branches: {
          type: "array",
          description: "d",
          default: ["main"],
          items: { type: "string", enum: ["main"] },
        },
        path: { type: "string", description: "d", default: "/healthz" },
        waivers: schemaOf("advisory").waivers,
      });
    });

    it("advisory: the settings as declared, without the direction", () => {
      const advisory = schemaOf("advisory");
      assert.deepEqual(advisory.floor, { type: "number", description: "d", default: 30, minimum: 1 });
      assert.deepEqual(advisory.env, { type: "string", description: "d", default: "production" });
    });
  });

  describe("waiversOf: the valid waivers of a policy's config", () =>
    valueCases([
      {
        name: "no config, no waivers",
        got: () => waiversOf(undefined, LAST_MINUTE, KNOWN_IDS),
        expected: [],
      },
      {
        name: "keeps the waivers of known rules",
        got: () => waiversOf({ waivers: [GOOD, { ...GOOD, ruleId: "CC-X" }] }, LAST_MINUTE, KNOWN_IDS),
        expected: [GOOD],
      },
    ]));

  describe("ruleById finds a rule by ID or policy name, nothing else", () =>
    valueCases([
      { name: "by ID", got: () => ruleById("CC-RUN-08")?.policyName, expected: "CC-RUN-08-log-retention" },
      { name: "by policy name", got: () => ruleById("CC-RUN-08-log-retention")?.id, expected: "CC-RUN-08" },
      { name: "not by an ID without its leading zero", got: () => ruleById("CC-RUN-8"), expected: undefined },
      { name: "not by the slug alone", got: () => ruleById("log-retention"), expected: undefined },
    ]));
});
