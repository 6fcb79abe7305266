/**
 * The policy pack's shared library, unit by unit, one named scenario per test (docs/PROOFS.md section 4: these
 * pin the behaviour Stryker's mutants found unasserted): config resolution and its errors, waiver validation
 * edges, property readers, the protection view of `main`, aggregation, the CrossGuard adapter (`toPolicy`) and
 * the in-process runner's counts.
 */
import { strict as assert } from "node:assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ruleById, RULES } from "../../policy-pack/catalogue";
import {
  evaluate,
  resolvePackConfig,
  RuleResult,
  SECRET_MARKER,
  summarize,
  UNKNOWN_MARKER,
  UNKNOWN_SENTINEL,
} from "../../policy-pack/evaluate";
import { PolicyConfigError, resolvePackConfigWith } from "../../policy-pack/lib/config";
import { GITHUB_ACTIONS_INTEGRATION_ID } from "../../policy-pack/lib/facts";
import { mainProtection, names, refersTo, repositories, rulesetTargets } from "../../policy-pack/lib/github";
import {
  appOf,
  arr,
  environmentOf,
  get,
  globMatch,
  HiddenSecretError,
  isUnknownError,
  str,
  num,
  parseJsonProp,
  tagsOf,
  UnknownInputError,
  unknownCheckingProps,
} from "../../policy-pack/lib/props";
import {
  aggregate,
  configSchemaOf,
  defineRule,
  Res,
  RuleSpec,
  waiversOf,
  RuleContext,
  runRule,
  settingsOf,
  stackOfUrn,
  toPolicy,
  Verdicts,
} from "../../policy-pack/lib/rule";
import { dayOf, findWaiver, parseDay, validWaivers, waiverProblems } from "../../policy-pack/lib/waivers";
import { ALL_RULES, RULE_IDS } from "../../policy-pack/rules";

/** The catalogue's IDs, as the runners hand them to the waiver checks. */
const KNOWN_IDS = RULE_IDS;
import { APP_URN, r, T, urnOf, WAIVER as GOOD } from "./rule-harness";

/** A date within a waiver's 90 days of today, for code that judges against the real clock (the engine adapter). */
const IN_A_MONTH = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

/** The last minute of the harness's NOW day (2026-11-21): a waiver expiring that day is still valid. */
const LAST_MINUTE = new Date("2026-11-21T23:59:00Z");

/** A named scenario whose value is compared (deep, strict) with the expected one. */
type ValueCase = { name: string; got: () => unknown; expected: unknown };
function valueCases(cases: ValueCase[]): void {
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.expected));
}

function configError(section: unknown): string {
  try {
    resolvePackConfigWith(section, RULES);
  } catch (e) {
    assert.ok(e instanceof PolicyConfigError, String(e));
    assert.equal(e.name, "PolicyConfigError");
    return e.message;
  }
  assert.fail(`no error for ${JSON.stringify(section)}`);
}

describe("policy-pack lib: resolvePackConfig", () => {
  for (const [what, section] of [
    ["no section", undefined],
    ["a null section", null],
    ["an empty section", {}],
  ] as const)
    it(`${what} gives every policy its default level, no settings and no waivers`, () => {
      const cfg = resolvePackConfigWith(section, RULES);
      assert.deepEqual(
        Object.keys(cfg),
        RULES.map((x) => x.policyName),
      );
      assert.deepEqual(cfg["CC-BR-05-delete-branch-on-merge"], { enforcementLevel: "advisory" });
      assert.deepEqual(cfg["CC-BR-01-default-branch-protected"], { enforcementLevel: "mandatory" });
      assert.deepEqual(cfg["CC-WAIVE-01-waivers-valid"], { enforcementLevel: "mandatory" });
    });

  describe("levels, settings and waivers are applied by rule ID", () => {
    const other = { ...GOOD, ruleId: " CC-BR-05 " };
    const cfg = () =>
      resolvePackConfigWith(
        {
          enforcement: { "CC-BR-05": "mandatory", "CC-BR-01": "disabled" },
          settings: { "CC-BR-02": { requiredChecks: ["style", "unit", "smoke", "lint"] } },
          waivers: [GOOD, other, "not a waiver", { ruleId: 7 }],
        },
        RULES,
      );
    valueCases([
      {
        name: "CC-BR-05 gets its level and the waiver naming it with spaces around the ID",
        got: () => cfg()["CC-BR-05-delete-branch-on-merge"],
        expected: { enforcementLevel: "mandatory", waivers: [other] },
      },
      {
        name: "CC-BR-01 stays mandatory: a bare lower level of a mandatory rule does not apply (CC-WAIVE-02)",
        got: () => cfg()["CC-BR-01-default-branch-protected"],
        expected: { enforcementLevel: "mandatory" },
      },
      {
        name: "CC-BR-02 gets its settings beside its default level",
        got: () => cfg()["CC-BR-02-required-status-checks"],
        expected: { enforcementLevel: "mandatory", requiredChecks: ["style", "unit", "smoke", "lint"] },
      },
      {
        name: "CC-BR-07 gets the waiver naming it",
        got: () => cfg()["CC-BR-07-no-bypass"],
        expected: { enforcementLevel: "mandatory", waivers: [GOOD] },
      },
      {
        name: "CC-WAIVE-01 gets every waiver, invalid ones included",
        got: () => cfg()["CC-WAIVE-01-waivers-valid"],
        expected: { enforcementLevel: "mandatory", waivers: [GOOD, other, "not a waiver", { ruleId: 7 }] },
      },
      {
        name: "a rule no waiver names gets no waivers",
        got: () => cfg()["CC-BR-03-pull-request-reviews"].waivers,
        expected: undefined,
      },
    ]);
  });

  it("evaluate's resolvePackConfig is the same resolution over the shipped catalogue", () => {
    const section = { enforcement: { "CC-RUN-08": "mandatory" }, waivers: [GOOD] };
    assert.deepEqual(resolvePackConfig(section), resolvePackConfigWith(section, RULES));
    assert.equal(resolvePackConfig(section)["CC-RUN-08-log-retention"].enforcementLevel, "mandatory");
  });

  describe("a PolicyConfigError names the key it cannot apply", () => {
    const NOT_OBJECT = "cicd-constitution:policy must be an object";
    const cases: Array<{ name: string; section: unknown; message: string | RegExp }> = [
      {
        name: "a string section",
        section: "strict",
        message: NOT_OBJECT,
      },
      {
        name: "a list section",
        section: ["CC-BR-01"],
        message: NOT_OBJECT,
      },
      {
        name: "misspelt keys, listing the expected ones",
        section: { enforcment: {}, waiver: [] },
        message:
          "cicd-constitution:policy: unknown key(s) enforcment, waiver (expected enforcement, settings, waivers)",
      },
      {
        name: "enforcement that is a list",
        section: { enforcement: ["CC-BR-01"] },
        message: "cicd-constitution:policy.enforcement must be an object by rule ID",
      },
      {
        name: "settings that are a string, past a null enforcement",
        section: { enforcement: null, settings: "x" },
        message: "cicd-constitution:policy.settings must be an object by rule ID",
      },
      {
        name: "waivers that are not a list",
        section: { waivers: { 0: GOOD } },
        message: "cicd-constitution:policy.waivers must be a list",
      },
      {
        name: "an unknown rule ID in enforcement, listing the known ones",
        section: { enforcement: { "CC-BR-99": "advisory" } },
        message: `cicd-constitution:policy: unknown rule ID CC-BR-99 (known: ${RULES.map((x) => x.id).join(", ")})`,
      },
      {
        name: "an unknown rule ID in settings",
        section: { settings: { "CC-NOPE-1": {} } },
        message: /^cicd-constitution:policy: unknown rule ID CC-NOPE-1 /,
      },
      {
        name: "an unknown level",
        section: { enforcement: { "CC-BR-04": "strict" } },
        message:
          'cicd-constitution:policy.enforcement.CC-BR-04: "strict" is not one of advisory, mandatory, disabled',
      },
      {
        name: "a rule's settings that are a list",
        section: { settings: { "CC-BR-02": ["style"] } },
        message: "cicd-constitution:policy.settings.CC-BR-02 must be an object",
      },
      {
        name: "unknown settings of a rule, listing its one setting",
        section: { settings: { "CC-BR-02": { requiredChecks: [], minApprovals: 2, x: 1 } } },
        message:
          "cicd-constitution:policy.settings.CC-BR-02: unknown setting(s) minApprovals, x (allowed: requiredChecks)",
      },
      {
        name: "unknown settings of a rule, listing its several settings",
        section: { settings: { "CC-ENV-03": { tags: [] } } },
        message:
          "cicd-constitution:policy.settings.CC-ENV-03: unknown setting(s) tags (allowed: productionBranches, productionTags, stagingBranches, productionEnvironment, stagingEnvironment)",
      },
      {
        name: "settings of a rule that has none",
        section: { settings: { "CC-BR-01": { strict: true } } },
        message:
          "cicd-constitution:policy.settings.CC-BR-01: unknown setting(s) strict (the rule has no settings)",
      },
    ];
    for (const c of cases)
      it(c.name, () =>
        c.message instanceof RegExp
          ? assert.match(configError(c.section), c.message)
          : assert.equal(configError(c.section), c.message),
      );
  });
});

const ALL_PROBLEMS = [
  "names no rule (ruleId)",
  "names no resource (resource)",
  "has no reason of at least 10 characters (reason)",
  "names no owner (owner)",
  "has no expiry date (expires)",
];
const NO_REASON = "has no reason of at least 10 characters (reason)";

describe("policy-pack lib: waivers", () => {
  describe("parseDay accepts only real calendar dates, as UTC midnight", () => {
    valueCases([
      { name: "a leap day", got: () => parseDay("2024-02-29"), expected: Date.UTC(2024, 1, 29) },
      { name: "the last day of a year", got: () => parseDay("2026-12-31"), expected: Date.UTC(2026, 11, 31) },
      ...[
        ["a leap day of a common year", "2025-02-29"],
        ["February 30", "2026-02-30"],
        ["month 13", "2026-13-01"],
        ["month 0", "2026-00-10"],
        ["day 0", "2026-01-00"],
        ["a year below 100 (Date.UTC would read it as 19xx)", "0099-01-01"],
        ["a one-digit month", "2026-1-01"],
        ["a leading space", " 2026-01-01"],
        ["a timestamp", "2026-01-01T00:00:00Z"],
      ].map(([what, s]) => ({
        name: `refuses ${what}: ${JSON.stringify(s)}`,
        got: () => parseDay(s),
        expected: undefined,
      })),
      {
        name: "dayOf is the UTC midnight of a date's day",
        got: () => dayOf(new Date("2026-11-21T23:59:59Z")),
        expected: Date.UTC(2026, 10, 21),
      },
    ]);
  });

  describe("waiverProblems lists what a waiver lacks, in order", () => {
    const cases: Array<{ name: string; waiver: unknown; knownIds?: string[]; problems: string[] }> = [
      { name: "a complete waiver has no problem", waiver: GOOD, problems: [] },
      { name: "an empty waiver has every problem", waiver: {}, problems: ALL_PROBLEMS },
      ...(
        [
          ["null", null],
          ["undefined", undefined],
          ["a string", "CC-BR-07"],
          ["a number", 3],
          ["a list of waivers", [GOOD]],
        ] as const
      ).map(([what, notObject]) => ({
        name: `${what} is not an object`,
        waiver: notObject,
        problems: ["is not an object"],
      })),
      {
        name: "blank or non-string fields count as missing",
        waiver: { ruleId: "  ", resource: " ", reason: 1234567890, owner: "   ", expires: " " },
        problems: ALL_PROBLEMS,
      },
      {
        name: "an unknown rule ID is refused",
        waiver: { ...GOOD, ruleId: "CC-BR-99" },
        problems: ['names an unknown rule "CC-BR-99"'],
      },
      {
        name: "CC-WAIVE-01 itself cannot be waived",
        waiver: { ...GOOD, ruleId: "CC-WAIVE-01" },
        problems: ["waives CC-WAIVE-01, which cannot be waived"],
      },
      {
        name: "spaces around the rule ID are not a problem",
        waiver: { ...GOOD, ruleId: " CC-BR-07 " },
        problems: [],
      },
      {
        name: "the rule ID must be among the known IDs given",
        waiver: GOOD,
        knownIds: ["CC-BR-01"],
        problems: ['names an unknown rule "CC-BR-07"'],
      },
      {
        name: "a reason of 9 characters once trimmed is too short",
        waiver: { ...GOOD, reason: "  123456789  " },
        problems: [NO_REASON],
      },
      {
        name: "a reason of 10 characters is enough",
        waiver: { ...GOOD, reason: "1234567890" },
        problems: [],
      },
      {
        name: "a waiver expiring today is valid through the day (UTC)",
        waiver: { ...GOOD, expires: "2026-11-21" },
        problems: [],
      },
      {
        name: "a waiver that expired yesterday is expired",
        waiver: { ...GOOD, expires: "2026-11-20" },
        problems: ["expired on 2026-11-20"],
      },
      {
        name: "an impossible expiry date is named",
        waiver: { ...GOOD, expires: "2026-02-30" },
        problems: ['has an expiry that is not a YYYY-MM-DD date ("2026-02-30")'],
      },
      {
        name: "an expiry in another format is named",
        waiver: { ...GOOD, expires: "31/12/2026" },
        problems: ['has an expiry that is not a YYYY-MM-DD date ("31/12/2026")'],
      },
    ];
    for (const c of cases)
      it(c.name, () =>
        assert.deepEqual(waiverProblems(c.waiver, LAST_MINUTE, c.knownIds ?? KNOWN_IDS), c.problems),
      );
  });

  describe("validWaivers keeps the valid ones, trimmed", () => {
    const padded = {
      ruleId: " CC-BR-07 ",
      resource: " erp-* ",
      reason: "  release bot needs a bypass ",
      owner: " mathieu ",
      expires: " 2026-12-31 ",
    };
    valueCases([
      {
        name: "a waiver that is not in a list gives none",
        got: () => validWaivers(GOOD, LAST_MINUTE, KNOWN_IDS),
        expected: [],
      },
      {
        name: "no waivers give none",
        got: () => validWaivers(undefined, LAST_MINUTE, KNOWN_IDS),
        expected: [],
      },
      {
        name: "a padded valid waiver is kept trimmed, one without owner is dropped",
        got: () => validWaivers([padded, { ...GOOD, owner: "" }], LAST_MINUTE, KNOWN_IDS),
        expected: [{ ...GOOD, resource: "erp-*" }],
      },
    ]);
  });

  describe("findWaiver matches the rule, then the resource by name or URN glob, or the stack by * or its name", () => {
    const all = validWaivers(
      [
        { ...GOOD, resource: "erp-*-repo" },
        { ...GOOD, ruleId: "CC-BR-06", resource: "urn:pulumi:production::*::menu-repo" },
        { ...GOOD, ruleId: "CC-BR-08", resource: "*" },
        { ...GOOD, ruleId: "CC-BR-01", resource: "production" },
      ],
      LAST_MINUTE,
      KNOWN_IDS,
    );
    const [byName, byUrn, star, stack] = all;
    const erp = {
      name: "erp-berhan-repo",
      urn: `urn:pulumi:production::p::${T.repository}::erp-berhan-repo`,
    };
    const menu = { name: "menu-repo", urn: `urn:pulumi:production::p::${T.repository}::menu-repo` };
    const cases: Array<[string, string, typeof erp | null, string, (typeof all)[number] | undefined]> = [
      ["a name glob matches its resource", "CC-BR-07", erp, "production", byName],
      ["a name glob does not match another resource", "CC-BR-07", menu, "production", undefined],
      ["no waiver of the rule matches nothing", "CC-BR-05", erp, "production", undefined],
      ["a URN glob matches its resource", "CC-BR-06", menu, "production", byUrn],
      ["a URN glob does not match another resource", "CC-BR-06", erp, "production", undefined],
      ["* matches the whole stack of any name", "CC-BR-08", null, "staging", star],
      ["the stack's name matches the whole stack", "CC-BR-01", null, "production", stack],
      ["another stack's name does not match", "CC-BR-01", null, "staging", undefined],
      ["a resource glob does not match the whole stack", "CC-BR-07", null, "production", undefined],
    ];
    for (const [name, rule, resource, stackName, expected] of cases)
      it(name, () => assert.equal(findWaiver(all, rule, resource, stackName), expected));
  });
});

class UnknownValueError extends Error {}
const namedError = (name: string, noConstructor = false) => {
  const e = new Error("x");
  e.name = name;
  if (noConstructor) Object.defineProperty(e, "constructor", { value: undefined });
  return e;
};
const unknownProps = () =>
  unknownCheckingProps({ a: { b: UNKNOWN_MARKER, c: [1] }, d: UNKNOWN_SENTINEL }) as {
    a: { b: unknown; c: number[] };
    d: unknown;
  };

describe("policy-pack lib: property readers", () => {
  describe("unknownCheckingProps throws on an unknown value, with its path", () => {
    it("throws UnknownInputError on the plan marker, naming the path", () =>
      assert.throws(() => unknownProps().a.b, {
        name: "UnknownInputError",
        message: "the value at .a.b can't be known during preview",
      }));
    it("throws on Pulumi's wire sentinel", () =>
      assert.throws(() => unknownProps().d, { message: "the value at .d can't be known during preview" }));
    it("hands known arrays through", () => assert.deepEqual(Array.from(unknownProps().a.c), [1]));
  });

  describe("isUnknownError recognises the engine's UnknownValueError by name, and the pack's own errors", () => {
    const cases: Array<[string, unknown, boolean]> = [
      ["a class named UnknownValueError", new UnknownValueError("x"), true],
      ["an Error named UnknownValueError", namedError("UnknownValueError"), true],
      ["UnknownInputError", new UnknownInputError("a"), true],
      ["HiddenSecretError", new HiddenSecretError("a"), true],
      ["not an Error whose message, not name, is UnknownValueError", new Error("UnknownValueError"), false],
      [
        "not a plain object named UnknownValueError (only Errors count)",
        { name: "UnknownValueError" },
        false,
      ],
      ["an Error named UnknownValueError without a constructor", namedError("UnknownValueError", true), true],
    ];
    for (const [name, e, expected] of cases) it(name, () => assert.equal(isUnknownError(e), expected));
  });

  describe("the pack's errors name themselves and the path", () =>
    valueCases([
      {
        name: "HiddenSecretError's name",
        got: () => new HiddenSecretError("content").name,
        expected: "HiddenSecretError",
      },
      {
        name: "UnknownInputError's name",
        got: () => new UnknownInputError("content").name,
        expected: "UnknownInputError",
      },
      {
        name: "HiddenSecretError's message",
        got: () => new HiddenSecretError("content").message,
        expected: "the value at .content is a secret, hidden from this input",
      },
    ]));

  describe("get walks objects only and throws on an unknown step", () => {
    valueCases([
      { name: "reads a nested value", got: () => get({ a: { b: 2 } }, "a.b"), expected: 2 },
      { name: "stops at null", got: () => get({ a: null }, "a.b"), expected: undefined },
      { name: "does not walk into a string", got: () => get({ a: "abc" }, "a.length"), expected: undefined },
      { name: "reads nothing from undefined", got: () => get(undefined, "a"), expected: undefined },
    ]);
    it("throws on an unknown step, naming the whole path", () =>
      assert.throws(() => get({ a: { b: UNKNOWN_MARKER } }, "a.b.c"), {
        message: "the value at .a.b.c can't be known during preview",
      }));
  });

  describe("str, num, arr and tagsOf accept only what they say", () => {
    const list = [1, 2];
    valueCases([
      { name: "str keeps a string", got: () => str("a"), expected: "a" },
      { name: "str refuses a number", got: () => str(5), expected: undefined },
      { name: "str refuses null", got: () => str(null), expected: undefined },
      { name: "num keeps a number", got: () => num(512), expected: 512 },
      { name: "num reads a padded numeric string", got: () => num(" 1024 "), expected: 1024 },
      ...(
        [
          ["NaN", Number.NaN],
          ["Infinity", Infinity],
          ["an empty string", ""],
          ["a blank string", "   "],
          ["a number with a unit", "12px"],
          ["true", true],
          ["null", null],
          ["undefined", undefined],
          ["an object", {}],
        ] as const
      ).map(([what, bad]) => ({ name: `num refuses ${what}`, got: () => num(bad), expected: undefined })),
      { name: "arr of null is empty", got: () => arr(null), expected: [] },
      { name: "arr of undefined is empty", got: () => arr(undefined), expected: [] },
      { name: "arr wraps 0", got: () => arr(0), expected: [0] },
      { name: "arr wraps a single object", got: () => arr({ a: 1 }), expected: [{ a: 1 }] },
      { name: "arr copies a list's items", got: () => arr(list), expected: list },
      { name: "tagsOf reads a tags map", got: () => tagsOf({ tags: { app: "x" } }), expected: { app: "x" } },
      ...(
        [
          ["a string", "app=x"],
          ["a list", ["app"]],
          ["null", null],
          ["undefined", undefined],
        ] as const
      ).map(([what, tags]) => ({
        name: `tagsOf of tags that are ${what} is empty`,
        got: () => tagsOf({ tags }),
        expected: {},
      })),
    ]);
    it("arr returns a copy of a list, not the list", () => assert.notEqual(arr(list), list));
  });

  describe("parseJsonProp parses strings, passes objects, refuses unknowns, secrets and bad JSON", () => {
    valueCases([
      {
        name: "parses a JSON string",
        got: () => parseJsonProp({ doc: '{"a":1}' }, "doc"),
        expected: { a: 1 },
      },
      {
        name: "passes an object as parsed",
        got: () => parseJsonProp({ doc: { a: 1 } }, "doc"),
        expected: { a: 1 },
      },
      {
        name: "parses a string that only starts with the unknown marker",
        got: () => parseJsonProp({ doc: '{"a":"[unknown] soon"}' }, "doc"),
        expected: { a: "[unknown] soon" },
      },
    ]);
    const refusals: Array<[string, string, new (path: string) => Error]> = [
      ["refuses the unknown marker", UNKNOWN_MARKER, UnknownInputError],
      ["refuses a document holding the wire sentinel", `{"a":"${UNKNOWN_SENTINEL}"}`, UnknownInputError],
      ["refuses a document holding the unknown marker as a value", '{"a":"[unknown]"}', UnknownInputError],
      ["refuses a hidden secret", SECRET_MARKER, HiddenSecretError],
    ];
    for (const [name, doc, error] of refusals)
      it(name, () => assert.throws(() => parseJsonProp({ doc }, "doc"), error));
    it("names the path of bad JSON, with an error that is not an unknown", () =>
      assert.throws(
        () => parseJsonProp({ doc: "{nope" }, "doc"),
        (e: Error) => {
          assert.equal(isUnknownError(e), false);
          assert.match(e.message, /^\.doc is not valid JSON: /);
          return true;
        },
      ));
  });

  describe("environmentOf reads the GitHub field or the AWS tag, never the other", () =>
    valueCases([
      {
        name: "a GitHub environment's field",
        got: () =>
          environmentOf({
            type: T.environment,
            props: { environment: "production", tags: { environment: "staging" } },
          }),
        expected: "production",
      },
      {
        name: "not a GitHub resource's tag",
        got: () => environmentOf({ type: "github:x", props: { tags: { environment: "staging" } } }),
        expected: undefined,
      },
      {
        name: "an AWS resource's tag",
        got: () =>
          environmentOf({
            type: T.service,
            props: { environment: "production", tags: { environment: "staging" } },
          }),
        expected: "staging",
      },
      {
        name: "not an AWS resource's field",
        got: () => environmentOf({ type: T.service, props: { environment: "production" } }),
        expected: undefined,
      },
    ]));

  describe("appOf: an Application's name, the app tag, else the Application ancestor (by map or URN), within 20 levels", () => {
    type Node = { type: string; name: string; parent?: string | null };
    const app = { type: T.appComponent, name: "erp-berhan", parent: null };
    const byUrn = new Map<string, Node>([
      [APP_URN, app],
      ["urn:mid", { type: T.cluster, name: "c", parent: APP_URN }],
    ]);
    // A chain of 20 plain ancestors hides an Application at depth 21.
    const chain = new Map<string, Node>([[APP_URN, app]]);
    for (let i = 0; i < 20; i++)
      chain.set(`urn:p${i}`, { type: "aws:x", name: `p${i}`, parent: i === 19 ? APP_URN : `urn:p${i + 1}` });
    const none = new Map<string, Node>();
    const cases: Array<
      [
        string,
        { props: Record<string, unknown>; parent?: string; type?: string; name?: string },
        Map<string, Node>,
        string | undefined,
      ]
    > = [
      [
        "an Application component's own name",
        { type: app.type, name: app.name, props: {} },
        none,
        "erp-berhan",
      ],
      [
        "nothing for another type of that name",
        { type: "aws:x", name: app.name, props: {} },
        none,
        undefined,
      ],
      [
        "the app tag wins over the ancestor",
        { props: { tags: { app: "menu-optimizer" } }, parent: "urn:mid" },
        byUrn,
        "menu-optimizer",
      ],
      ["an Application grandparent found in the map", { props: {}, parent: "urn:mid" }, byUrn, "erp-berhan"],
      ["an Application parent named by its URN alone", { props: {}, parent: APP_URN }, none, "erp-berhan"],
      [
        "not a URN that only contains an Application's",
        { props: {}, parent: `${APP_URN}:extra` },
        none,
        undefined,
      ],
      [
        "not another type's URN",
        { props: {}, parent: "urn:pulumi:production::p::aws:x::y" },
        none,
        undefined,
      ],
      ["nothing without tag or parent", { props: {} }, byUrn, undefined],
      [
        "nothing up a chain without Application",
        { props: {}, parent: "urn:top" },
        new Map([["urn:top", { type: "aws:x", name: "top", parent: null }]]),
        undefined,
      ],
      ["an Application 20 levels up", { props: {}, parent: "urn:p1" }, chain, "erp-berhan"],
      ["not an Application 21 levels up", { props: {}, parent: "urn:p0" }, chain, undefined],
      [
        "nothing, and an end, in a cycle",
        { props: {}, parent: "urn:a" },
        new Map([
          ["urn:a", { type: "aws:x", name: "a", parent: "urn:b" }],
          ["urn:b", { type: "aws:x", name: "b", parent: "urn:a" }],
        ]),
        undefined,
      ],
    ];
    for (const [name, res, map, expected] of cases) it(name, () => assert.equal(appOf(res, map), expected));
  });

  describe("globMatch: * and ? only, other characters literal, whole string", () => {
    const cases: Array<[string, string, boolean]> = [
      ["erp-*", "erp-berhan", true],
      ["a?c", "abc", true],
      ["a?c", "ac", false],
      ["a.b", "axb", false],
      ["a.b", "ab", false],
      ["a.b", "a.b", true],
      ["abc", "xyz", false],
      ["abc", "abcd", false],
      ["(x)+", "(x)+", true],
    ];
    for (const [pattern, value, expected] of cases)
      it(`${pattern} ${expected ? "matches" : "does not match"} ${value}`, () =>
        assert.equal(globMatch(pattern, value), expected));
  });
});

type View = ReturnType<typeof mainProtection>;
/** The protection view with its resource lists by name and its checks as a list. */
const summary = (v: View) => ({
  ...v,
  sources: names(v.sources),
  inactive: names(v.inactive),
  requiredChecks: [...v.requiredChecks],
});
type Summary = ReturnType<typeof summary>;
/** The view of a protection that sets everything the rules ask, but code owners and last-push approval. */
const FULL: Partial<Summary> = {
  inactive: "",
  requiredChecks: ["style", "unit"],
  strict: true,
  pullRequest: true,
  dismissStale: true,
  noForcePush: true,
  noDeletion: true,
  codeOwnerReview: false,
  lastPushApproval: false,
};

describe("policy-pack lib: protection of main", () => {
  const repo = r(T.repository, "erp-repo", { name: "erp-berhan", nodeId: "R_kgDO1" });
  const [erp] = repositories([repo, r(T.bucket, "x")]);
  const [plain] = repositories([r(T.repository, "menu-repo", { name: "menu" })]);

  it("repositories are named by their name input, else the resource name", () =>
    assert.deepEqual(
      repositories([repo, r(T.repository, "menu-repo"), r(T.ruleset, "x")]).map((x) => x.name),
      ["erp-berhan", "menu-repo"],
    ));

  describe("refersTo: repository name, owner/name or node ID", () => {
    const cases: Array<[string, unknown, typeof erp, boolean]> = [
      ["the name", "erp-berhan", erp, true],
      ["owner/name", "acme/erp-berhan", erp, true],
      ["the node ID", "R_kgDO1", erp, true],
      ["not a prefix of the name", "erp", erp, false],
      ["not owner/prefix", "acme/erp", erp, false],
      ["not an undefined reference", undefined, erp, false],
      ["not a number reference", 42, erp, false],
      ["not another name of a repository without node ID", "x", plain, false],
      ["the name of a repository without node ID", "menu", plain, true],
    ];
    for (const [name, ref, target, expected] of cases)
      it(name, () => assert.equal(refersTo(ref, target), expected));
  });

  describe("rulesetTargets: includes (~ALL, ~DEFAULT_BRANCH for the default branch, globs) minus excludes", () => {
    const MAIN = "refs/heads/main";
    const cond = (includes: string[], excludes: string[] = []) => ({
      conditions: { refName: { includes, excludes } },
    });
    const cases: Array<[string, Record<string, unknown>, boolean, boolean]> = [
      ["~ALL targets any branch", cond(["~ALL"]), false, true],
      ["~DEFAULT_BRANCH targets the default branch", cond(["~DEFAULT_BRANCH"]), true, true],
      ["~DEFAULT_BRANCH targets no other branch", cond(["~DEFAULT_BRANCH"]), false, false],
      ["a glob targets what it matches", cond(["refs/heads/*"]), false, true],
      ["an exclude wins over a glob", cond(["refs/heads/*"], [MAIN]), false, false],
      ["another branch's exclude does not", cond(["refs/heads/*"], ["refs/heads/dev"]), false, true],
      ["any include of several targets", cond(["refs/tags/*", MAIN]), false, true],
      ["a tag glob targets no branch", cond(["refs/tags/*"]), false, false],
      ["no conditions target nothing", {}, true, false],
      ["another branch's name does not target the default branch", cond(["refs/heads/dev"]), true, false],
    ];
    for (const [name, props, isDefault, expected] of cases)
      it(name, () => assert.equal(rulesetTargets(props, MAIN, isDefault), expected));
  });

  const byRef = (includes: string[], rules: Record<string, unknown> = {}) =>
    r(T.ruleset, "rs", {
      repository: "erp-berhan",
      enforcement: "active",
      conditions: { refName: { includes } },
      rules,
    });
  const allBranches = { repository: "erp-berhan", conditions: { refName: { includes: ["~ALL"] } } };
  const partial = { ...allBranches, rules: { deletion: true, pullRequest: {} } };

  describe("mainProtection reads rulesets and classic protection into one view", () => {
    const cases: Array<{ name: string; resources: Res[]; expected: Partial<Summary> }> = [
      {
        name: "a ruleset gives checks, strictness, reviews, force-push and deletion blocks, and its bypass actors",
        resources: [
          repo,
          r(T.ruleset, "erp-main", {
            repository: "erp-berhan",
            target: "branch",
            enforcement: "active",
            conditions: { refName: { includes: ["~DEFAULT_BRANCH"], excludes: [] } },
            rules: {
              requiredStatusChecks: {
                requiredChecks: [{ context: "style" }, { context: "unit" }, { integrationId: 1 }],
                strictRequiredStatusChecksPolicy: true,
              },
              pullRequest: { requiredApprovingReviewCount: 2, dismissStaleReviewsOnPush: true },
              nonFastForward: true,
              deletion: true,
            },
            bypassActors: [{ actorType: "Team", actorId: 7 }, {}],
          }),
          r(T.ruleset, "menu-main", {
            ...allBranches,
            repository: "menu",
            enforcement: "active",
            rules: { deletion: true },
          }),
          r(T.ruleset, "erp-tags", {
            ...allBranches,
            target: "tag",
            enforcement: "active",
            rules: { deletion: true },
          }),
        ],
        expected: {
          ...FULL,
          sources: "erp-main",
          approvals: 2,
          checkApps: new Map([
            ["style", undefined],
            ["unit", undefined],
          ]),
          bypass: ["Team 7 (erp-main)", "actor ? (erp-main)"],
        },
      },
      {
        name: "a ruleset without target is a branch ruleset, with only what it sets",
        resources: [r(T.ruleset, "a", { ...partial, enforcement: "active" })],
        expected: {
          sources: "a",
          noDeletion: true,
          noForcePush: false,
          pullRequest: true,
          approvals: 0,
          strict: false,
          dismissStale: false,
        },
      },
      {
        name: "an evaluate-mode ruleset protects nothing and is listed as inactive",
        resources: [r(T.ruleset, "e", { ...partial, enforcement: "evaluate" })],
        expected: { sources: "", inactive: "e", noDeletion: false, pullRequest: false },
      },
      {
        name: "an active ruleset without rules protects from nothing, bypassed by nobody",
        resources: [r(T.ruleset, "n", { ...allBranches, enforcement: "active" })],
        expected: { sources: "n", noDeletion: false, pullRequest: false, bypass: [] },
      },
      {
        name: "a ruleset may name main explicitly",
        resources: [byRef(["refs/heads/main"])],
        expected: { sources: "rs" },
      },
      {
        name: "a ruleset of another branch does not protect main",
        resources: [byRef(["refs/heads/dev"])],
        expected: { sources: "" },
      },
      {
        name: "a pull-request rule that is not an object requires no pull request",
        resources: [byRef(["~ALL"], { pullRequest: "required" })],
        expected: { pullRequest: false },
      },
      {
        name: "a resource of another type is no protection",
        resources: [r(T.teamRepository, "team", { repositoryId: "erp-berhan", pattern: "main" })],
        expected: { sources: "" },
      },
      {
        name: "a ruleset and a classic protection both count; strict only if all say so",
        resources: [
          byRef(["~ALL"]),
          r(T.branchProtection, "bp", {
            repositoryId: "erp-berhan",
            pattern: "main",
            enforceAdmins: true,
            requiredStatusChecks: [{ contexts: ["style"] }],
          }),
        ],
        expected: { sources: "rs, bp", strict: false, requiredChecks: ["style"] },
      },
      {
        name: "classic protection: contexts and checks, provider defaults, admins and bypassers",
        resources: [
          r(T.branchProtection, "erp-bp", {
            repositoryId: "R_kgDO1",
            pattern: "ma*",
            requiredStatusChecks: [
              { strict: true, contexts: ["style", 3], checks: [`unit:${GITHUB_ACTIONS_INTEGRATION_ID}`, 4] },
            ],
            requiredPullRequestReviews: [{ dismissStaleReviews: true, pullRequestBypassers: ["/octocat"] }],
            forcePushBypassers: ["/release-bot"],
          }),
          r(T.branchProtection, "dev-bp", {
            repositoryId: "erp-berhan",
            pattern: "dev",
            allowsDeletions: true,
          }),
          r(T.branchProtection, "nopattern", { repositoryId: "erp-berhan" }),
        ],
        expected: {
          ...FULL,
          sources: "erp-bp",
          approvals: 1,
          // Classic `checks` are `context:app_id`: unit comes from the GitHub Actions app, style from any app.
          checkApps: new Map<string, number | undefined>([
            ["style", undefined],
            ["unit", GITHUB_ACTIONS_INTEGRATION_ID],
          ]),
          bypass: [
            "/octocat (erp-bp)",
            "admins (erp-bp: enforceAdmins is not true)",
            "/release-bot (erp-bp)",
          ],
        },
      },
      {
        name: "classic protection allowing force pushes and deletion, with malformed checks and reviews",
        resources: [
          r(T.branchProtection, "lax", {
            repositoryId: "erp-berhan",
            pattern: "main",
            enforceAdmins: true,
            allowsForcePushes: true,
            allowsDeletions: true,
            requiredStatusChecks: ["x"],
            requiredPullRequestReviews: [{ requiredApprovingReviewCount: 3 }, "x"],
          }),
        ],
        expected: {
          noForcePush: false,
          noDeletion: false,
          bypass: [],
          approvals: 3,
          strict: false,
          dismissStale: false,
          requiredChecks: [],
        },
      },
      {
        name: "classic reviews that are not an object require no pull request",
        resources: [
          r(T.branchProtection, "n", {
            repositoryId: "erp-berhan",
            pattern: "main",
            enforceAdmins: true,
            requiredPullRequestReviews: ["x"],
          }),
        ],
        expected: { pullRequest: false, approvals: 0 },
      },
    ];
    for (const c of cases)
      it(c.name, () => {
        const got = summary(mainProtection(erp, c.resources));
        const keys = Object.keys(c.expected) as Array<keyof Summary>;
        assert.deepEqual(Object.fromEntries(keys.map((k) => [k, got[k]])), c.expected);
      });
  });
});

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

describe("policy-pack: evaluate options and summarize", () => {
  const repo = {
    urn: "urn:r:erp",
    type: T.repository,
    name: "erp-repo",
    props: {
      name: "erp-berhan",
      allowMergeCommit: false,
      allowRebaseMerge: false,
      deleteBranchOnMerge: true,
    },
  };
  const only = (rs: RuleResult[], id: string) =>
    rs
      .filter((x) => x.ruleId === id)
      .map((x) => [x.status, x.enforcementLevel, x.resource?.name ?? null, x.message]);
  const w = { ...GOOD, ruleId: "CC-BR-04", resource: "*" };

  describe("an explicit config without a level keeps the default levels; a waiver never touches a pass", () => {
    const results = () =>
      evaluate([repo], {
        stack: "production",
        config: { "CC-BR-04-squash-merge-only": { waivers: [w] } },
        now: LAST_MINUTE,
      });
    valueCases([
      {
        name: "the waived rule passes at its default level",
        got: () => only(results(), "CC-BR-04"),
        expected: [["pass", "mandatory", "erp-repo", "squash merge only"]],
      },
      {
        name: "another rule passes at its default level",
        got: () => only(results(), "CC-BR-05"),
        expected: [["pass", "advisory", "erp-repo", "head branches are deleted on merge"]],
      },
    ]);
  });

  it("a waived failure keeps its message, notes the waiver and carries it", () => {
    const failing = evaluate([{ ...repo, props: { ...repo.props, allowRebaseMerge: true } }], {
      stack: "production",
      config: { "CC-BR-04-squash-merge-only": { enforcementLevel: "advisory", waivers: [w] } },
      now: LAST_MINUTE,
    });
    assert.deepEqual(
      failing.filter((x) => x.ruleId === "CC-BR-04"),
      [
        {
          ruleId: "CC-BR-04",
          policyName: "CC-BR-04-squash-merge-only",
          enforcementLevel: "advisory",
          status: "waived",
          resource: { urn: "urn:r:erp", type: T.repository, name: "erp-repo" },
          message:
            "rebase merges are allowed (allowRebaseMerge is not false) (waived until 2026-12-31 by mathieu: release bot needs a bypass)",
          waiver: { reason: "release bot needs a bypass", owner: "mathieu", expires: "2026-12-31" },
        },
      ],
    );
  });

  it("returns only results of catalogue rules", () => {
    const ids = new Set(RULES.map((x) => x.id));
    assert.ok(evaluate([repo], { stack: "production", now: LAST_MINUTE }).every((x) => ids.has(x.ruleId)));
  });
  it("returns as many results whether or not the input marks secrets", () =>
    assert.deepEqual(
      evaluate([repo], { stack: "production", now: LAST_MINUTE, secretsMarked: true }).length,
      evaluate([repo], { stack: "production", now: LAST_MINUTE }).length,
    ));

  describe("summarize counts statuses and failures by level", () => {
    const result = (
      status: RuleResult["status"],
      enforcementLevel: RuleResult["enforcementLevel"],
    ): RuleResult => ({
      ruleId: "CC-X",
      policyName: "CC-X-x",
      status,
      enforcementLevel,
      resource: null,
      message: "",
    });
    valueCases([
      {
        name: "each status once per result; failures by level, disabled ones in neither",
        got: () =>
          summarize([
            result("pass", "mandatory"),
            result("pass", "advisory"),
            result("waived", "mandatory"),
            result("not-applicable", "disabled"),
            result("not-applicable", "mandatory"),
            result("not-applicable", "advisory"),
            result("fail", "mandatory"),
            result("fail", "mandatory"),
            result("fail", "advisory"),
            result("fail", "advisory"),
            result("fail", "disabled"),
          ]),
        expected: {
          pass: 2,
          fail: 5,
          waived: 1,
          notApplicable: 3,
          mandatoryFailures: 2,
          advisoryFailures: 2,
        },
      },
      {
        name: "no results, every count zero",
        got: () => summarize([]),
        expected: {
          pass: 0,
          fail: 0,
          waived: 0,
          notApplicable: 0,
          mandatoryFailures: 0,
          advisoryFailures: 0,
        },
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
