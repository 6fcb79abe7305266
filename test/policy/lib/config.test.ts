/**
 * The pack's config resolution and its errors (policy-pack/lib/config.ts), one named scenario per test
 * (docs/PROOFS.md section 4: these pin the behaviour Stryker's mutants found unasserted).
 */
import { strict as assert } from "node:assert";
import { RULES } from "../../../policy-pack/catalogue";
import { resolvePackConfig } from "../../../policy-pack/evaluate";
import { PolicyConfigError, resolvePackConfigWith } from "../../../policy-pack/lib/config";
import { WAIVER as GOOD } from "../rule-harness";

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
