/**
 * The in-process runner's options and summarize (policy-pack/evaluate.ts), one named scenario per test
 * (docs/PROOFS.md section 4: these pin the behaviour Stryker's mutants found unasserted).
 */
import { strict as assert } from "node:assert";
import { RULES } from "../../policy-pack/catalogue";
import { evaluate, RuleResult, summarize } from "../../policy-pack/evaluate";
import { WAIVER as GOOD, T } from "./rule-harness";

/** The last minute of the harness's NOW day (2026-11-21): a waiver expiring that day is still valid. */
const LAST_MINUTE = new Date("2026-11-21T23:59:00Z");

/** A named scenario whose value is compared (deep, strict) with the expected one. */
type ValueCase = { name: string; got: () => unknown; expected: unknown };
function valueCases(cases: ValueCase[]): void {
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.expected));
}

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
