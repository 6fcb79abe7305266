/**
 * The waiver rule (policy-pack/rules/waivers.ts, CC-WAIVE-01) on minimal hand-built resources, one named scenario
 * per test: the exact verdict, the resource judged and the evidence an auditor reads (docs/PROOFS.md section 4).
 */
import { ruleCases, WAIVER } from "../rule-harness";

const W = { ...WAIVER, resource: "erp-*" };

describe("CC-WAIVE-01: the evidence names each waiver by position, rule and resource, with its problems", () =>
  ruleCases("CC-WAIVE-01", [
    {
      name: "passes a stack without waivers",
      resources: [],
      expected: [["pass", null, "no waivers declared"]],
    },
    {
      name: "passes a complete waiver, naming it and its expiry",
      resources: [],
      opts: { waivers: [W] },
      expected: [["pass", null, "waiver #1 (CC-BR-07 on erp-*) is complete and valid until 2026-12-31"]],
    },
    {
      name: "fails incomplete, expired and non-object waivers, naming each by position",
      resources: [],
      opts: { waivers: [W, { ...W, resource: undefined, expires: "2026-11-20" }, "x", { owner: "a" }] },
      expected: [
        [
          "fail",
          null,
          "waiver #2 (CC-BR-07 on ?) names no resource (resource), expired on 2026-11-20; it waives nothing; waiver #3 is not an object; it waives nothing; waiver #4 names no rule (ruleId), names no resource (resource), has no reason of at least 10 characters (reason), has no expiry date (expires); it waives nothing",
        ],
      ],
    },
    {
      name: "fails a null waiver",
      resources: [],
      opts: { waivers: [null] },
      expected: [["fail", null, "waiver #1 is not an object; it waives nothing"]],
    },
  ]));
