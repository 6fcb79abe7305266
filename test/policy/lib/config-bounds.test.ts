/**
 * The pack config's guards at their edges (policy-pack/lib/config.ts): an enforcement override of a mandatory rule
 * is applied only with a reason of 10+ characters, an owner of 2+, and an expiry from today to 90 days ahead
 * (the same rules as a waiver's); a setting of a mandatory rule may not loosen its default, in the direction the
 * setting declares.
 */
import * as assert from "node:assert/strict";
import { RULES } from "../../../policy-pack/catalogue";
import { loosening, resolvePackConfigWith, type EnforcementOverride } from "../../../policy-pack/lib/config";
import type { ConfigProperty } from "../../../policy-pack/lib/types";

const NOW = new Date("2026-12-06T15:00:00Z");
const AUDIT = RULES.find((r) => r.id === "CC-WAIVE-02")!.policyName;
const COMPLETE = { level: "advisory", reason: "1234567890", owner: "ab", expires: "2026-12-06" };

/** The problems of an override of CC-BR-01 with `over` replacing fields of a complete one, and its level. */
function override(over: Record<string, unknown>): { problems: string[]; level: string } {
  const cfg = resolvePackConfigWith({ enforcement: { "CC-BR-01": { ...COMPLETE, ...over } } }, RULES, NOW);
  const [o] = (cfg[AUDIT] as { overrides: EnforcementOverride[] }).overrides;
  assert.equal(o.applied, o.problems.length === 0);
  return { problems: o.problems, level: String(cfg["CC-BR-01-default-branch-protected"].enforcementLevel) };
}

describe("pack config guards at their edges", () => {
  describe("an enforcement override is applied only when complete and current", () => {
    for (const [name, over, problems] of [
      ["complete, expiring today", {}, []],
      ["a reason of 9 characters", { reason: "123456789" }, ["no reason (10+ characters)"]],
      [
        "a reason of 9 characters between spaces",
        { reason: "  123456789  " },
        ["no reason (10+ characters)"],
      ],
      ["a reason that is not text", { reason: 1234567890 }, ["no reason (10+ characters)"]],
      ["an owner of 1 character", { owner: " a " }, ["no owner"]],
      ["an owner that is not text", { owner: 42 }, ["no owner"]],
      ["no expiry", { expires: undefined }, ["no expiry date (YYYY-MM-DD)"]],
      ["an expiry that is not a date", { expires: "soon" }, ["no expiry date (YYYY-MM-DD)"]],
      ["an expiry that is not text", { expires: 20261206 }, ["no expiry date (YYYY-MM-DD)"]],
      ["expired yesterday", { expires: "2026-12-05" }, ["expired on 2026-12-05"]],
      ["expiring in 90 days", { expires: "2027-03-06" }, []],
      [
        "expiring in 91 days",
        { expires: "2027-03-07" },
        ["expires on 2027-03-07, more than 90 days after today"],
      ],
    ] as const)
      it(`${name}: ${problems.length ? problems.join("; ") : "applied"}`, () => {
        const got = override(over);
        assert.deepEqual(got.problems, problems);
        assert.equal(got.level, problems.length ? "mandatory" : "advisory");
      });
  });

  describe("a setting of a mandatory rule may not loosen its default", () => {
    const prop = (tightens: string, d: unknown) =>
      ({ type: "array", description: "x", default: d, tightens }) as unknown as ConfigProperty;
    for (const [tightens, d, given, expected] of [
      ["higher", 30, 29, "below the default 30"],
      ["higher", 30, 30, undefined],
      ["higher", 30, 31, undefined],
      ["higher", 30, "29", undefined],
      ["higher", "30", 29, undefined],
      ["lower", 10, 11, "above the default 10"],
      ["lower", 10, 10, undefined],
      ["lower", 10, 9, undefined],
      ["lower", 10, "11", undefined],
      ["lower", "10", 11, undefined],
      ["superset", ["a", "b"], ["a"], 'drops "b" of the default'],
      ["superset", ["a", "b"], ["b", "a", "c"], undefined],
      [
        "superset",
        { x: ["a"], y: ["b", "c"] },
        { x: [] },
        '.x drops "a", .y drops "b", .y drops "c" of the default',
      ],
      ["superset", { x: ["a"] }, ["a"], '.x drops "a" of the default'],
      ["subset", ["a"], ["a", "b", "c"], 'adds "b", "c" to the default ["a"]'],
      ["subset", ["a", "b"], ["b"], undefined],
      ["fixed", "production", "production", undefined],
      ["fixed", "production", "staging", 'points the rule away from "production"'],
      ["free", "/healthz", "/live", undefined],
    ] as const)
      it(`${tightens}: ${JSON.stringify(given)} against ${JSON.stringify(d)} ${expected ? `loosens (${expected})` : "does not loosen"}`, () =>
        assert.equal(loosening(prop(tightens, d), given), expected));
  });
});
