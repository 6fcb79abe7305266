/**
 * CC-RUN-13 progressive delivery, one named case per `it`: the repository's production stack passes; each single
 * change of the service's deployment configuration fails exactly this rule on that service.
 */
import { strict as assert } from "node:assert";
import { failures, mutate, realStacks, run } from "./helpers";
import { T } from "./rule-harness";

const SERVICE = T.service;
const ERP = /^erp-berhan-production-service$/;

/**
 * Each change, what CC-RUN-13 says, and whether CC-RUN-03 fails too: a shifting service rolls back on its deployment
 * alarms, and a rolling one needs the circuit breaker the shifting service does not have.
 */
const cases: Array<[string, (p: Record<string, any>) => void, RegExp, "also CC-RUN-03"?]> = [
  [
    "rolling in production",
    (p) => (p.deploymentConfiguration = { strategy: "ROLLING" }),
    /strategy ROLLING/,
    "also CC-RUN-03",
  ],
  [
    "a canary bake shorter than 5 minutes",
    (p) => (p.deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes = "2"),
    /canaryBakeTimeInMinutes 2, expected at least 5/,
  ],
  [
    "no bake after the last shift",
    (p) => delete p.deploymentConfiguration.bakeTimeInMinutes,
    /bakeTimeInMinutes unset/,
  ],
  [
    "a canary share above 25%",
    (p) => (p.deploymentConfiguration.canaryConfiguration.canaryPercent = 50),
    /first shift 50% of the traffic, expected at most 25%/,
  ],
  [
    "deployment alarms without rollback",
    (p) => (p.alarms.rollback = false),
    /deployment alarms not enabled with rollback/,
    "also CC-RUN-03",
  ],
  [
    "no latency alarm among the deployment alarms",
    (p) => (p.alarms.alarmNames = p.alarms.alarmNames.filter((n: string) => !/latency/.test(n))),
    /no deployment alarm on the app's latency/,
  ],
  [
    "no deployment alarms at all",
    (p) => delete p.alarms,
    /deployment alarms not enabled.*no deployment alarm on the app's 5xx rate/,
    "also CC-RUN-03",
  ],
];

describe("CC-RUN-13 progressive delivery", () => {
  it("passes on the repository's production services, and is not applicable to staging's", async () => {
    const { production, staging } = await realStacks();
    const prod = run(production).filter((r) => r.ruleId === "CC-RUN-13");
    assert.equal(prod.filter((r) => r.status === "pass").length, 2);
    const stg = run(staging).filter((r) => r.ruleId === "CC-RUN-13");
    assert.ok(stg.length > 0 && stg.every((r) => r.status === "not-applicable"));
  });

  for (const [name, change, message, also] of cases)
    it(`fails on ${name}`, async () => {
      const { production } = await realStacks();
      const results = run(production, mutate(production.resources, SERVICE, ERP, change));
      assert.deepEqual(failures(results), [
        ...(also ? ["CC-RUN-03 erp-berhan-production-service"] : []),
        "CC-RUN-13 erp-berhan-production-service",
      ]);
      assert.match(results.find((r) => r.ruleId === "CC-RUN-13" && r.status === "fail")!.message, message);
    });

  it("CC-OBS-05 leaves a target group's own rate to the load-balancer-wide 5xx-rate alarm, and fails it without one", async () => {
    const { production } = await realStacks();
    const results = run(production).filter((r) => r.ruleId === "CC-OBS-05");
    assert.equal(results.filter((r) => r.status === "not-applicable").length, 4);
    // The app's load-balancer-wide 5xx-rate alarm gone (burn alarms do not stand in for it).
    const withoutWide = production.resources.filter(
      (r) => r.name !== "erp-berhan-production-observability-5xx-rate",
    );
    const failed = run(production, withoutWide).filter(
      (r) => r.ruleId === "CC-OBS-05" && r.status === "fail",
    );
    assert.deepEqual(
      failed.map((r) => r.resource?.name),
      [
        "erp-berhan-production-observability-5xx-rate-tg",
        "erp-berhan-production-observability-5xx-rate-tg-alt",
      ],
    );
    assert.match(failed[0].message, /but not HTTPCode_ELB_5XX_Count/);
  });

  it("a linear strategy with 20% steps baked 5 minutes passes", async () => {
    const { production } = await realStacks();
    const linear = mutate(production.resources, SERVICE, ERP, (p) => {
      p.deploymentConfiguration = {
        strategy: "LINEAR",
        bakeTimeInMinutes: "5",
        linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: "5" },
      };
    });
    assert.deepEqual(failures(run(production, linear)), []);
  });
});
