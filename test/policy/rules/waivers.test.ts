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

/** A `policy.enforcement` record lowering CC-RUN-04, complete. */
const RECORD = {
  level: "advisory",
  reason: "ALB migration in progress, see INC-42",
  owner: "platform-team",
  expires: "2026-12-31",
};
const LOWERED = "override of CC-RUN-04 from mandatory to advisory";

describe("CC-WAIVE-02: an override lowering a mandatory rule applies only complete and in date", () =>
  ruleCases("CC-WAIVE-02", [
    {
      name: "passes a stack without overrides",
      resources: [],
      expected: [["pass", null, "no override lowers a mandatory rule"]],
    },
    {
      name: "passes a complete override up to and including its expiry day, naming owner, expiry and reason",
      resources: [],
      opts: { enforcement: { "CC-RUN-04": RECORD }, now: new Date("2026-12-31T23:00:00Z") },
      expected: [
        ["pass", null, `${LOWERED} by platform-team until 2026-12-31: ALB migration in progress, see INC-42`],
      ],
    },
    {
      name: "fails an override resolved in date but judged past its expiry day: the rule stays mandatory",
      resources: [],
      opts: {
        enforcement: { "CC-RUN-04": RECORD },
        resolvedOn: new Date("2026-12-30T12:00:00Z"),
        now: new Date("2027-01-01T00:00:00Z"),
      },
      expected: [
        ["fail", null, `${LOWERED}: expired on 2026-12-31; it does not apply (CC-RUN-04 stays mandatory)`],
      ],
    },
    {
      name: "fails an incomplete override with its problems only, however late it is judged",
      resources: [],
      opts: {
        enforcement: { "CC-RUN-04": { ...RECORD, owner: undefined } },
        resolvedOn: new Date("2026-12-30T12:00:00Z"),
        now: new Date("2027-01-01T00:00:00Z"),
      },
      expected: [["fail", null, `${LOWERED}: no owner; it does not apply (CC-RUN-04 stays mandatory)`]],
    },
    {
      name: "fails a bare level, which names no reason, owner or expiry",
      resources: [],
      opts: { enforcement: { "CC-RUN-04": "advisory" } },
      expected: [
        [
          "fail",
          null,
          "override of CC-RUN-04 from mandatory to advisory: a bare level: no reason, owner or expiry; it does not apply (CC-RUN-04 stays mandatory)",
        ],
      ],
    },
  ]));
