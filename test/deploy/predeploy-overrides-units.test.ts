/**
 * The error-budget freeze of `cicd predeploy` and the audited overrides (src/deploy/predeploy.ts), on hand-built
 * stacks and alarm states: a burn alarm in ALARM freezes the app's deploys unless an override of that gate, for
 * that app (and, when bound, that digest), is in force; an incomplete or unbounded override is reported and lifts
 * nothing, an expired one is reported as lifting nothing; and a failed soak, drift or rollback-target gate is
 * lifted only by a valid override of that gate, never a staging-verified or error-budget failure.
 */
import { strict as assert } from "node:assert";
import type { Check } from "../../src/deploy/checks";
import { checkErrorBudget, lifted } from "../../src/deploy/predeploy";
import type { DeployedStack } from "../../src/deploy/targets";
import { fakeCloudWatch } from "./fakeClients";

const DIGEST = `sha256:${"a".repeat(64)}`;
const OTHER = `sha256:${"b".repeat(64)}`;
const NOW = new Date("2026-12-01T12:00:00Z");
const burn = (app: string) => [`${app}-burn-fast`, `${app}-burn-slow`];

/** A stack of two apps, `shop` pinning DIGEST and `menu` pinning OTHER, with the given overrides. */
function stack(overrides: Array<Record<string, unknown>>): DeployedStack {
  return {
    model: { predeploy: { overrides } },
    apps: [
      { app: "shop", digest: DIGEST, burnAlarms: burn("shop") },
      { app: "menu", digest: OTHER, burnAlarms: burn("menu") },
    ],
  } as unknown as DeployedStack;
}

const override = (over: Record<string, unknown> = {}) => ({
  ruleId: "PREDEPLOY-ERROR-BUDGET",
  resource: "shop",
  reason: "incident review INC-42 done, fix deployed",
  owner: "mathieu",
  expires: "2026-12-02",
  ...over,
});
const allowed =
  "deploy allowed by override of mathieu until 2026-12-02: incident review INC-42 done, fix deployed";

describe("predeploy error budget and overrides, unit", () => {
  describe("checkErrorBudget", () => {
    async function budget(overrides: Array<Record<string, unknown>>, states: Record<string, string> = {}) {
      const { cw, sent } = fakeCloudWatch((_, input) => ({
        MetricAlarms: (input.AlarmNames as string[])
          .filter((n) => states[n] !== "missing")
          .map((AlarmName) => ({ AlarmName, StateValue: states[AlarmName] ?? "OK" })),
      }));
      const checks: Check[] = [];
      await checkErrorBudget(cw, stack(overrides), NOW, (c) => checks.push(c));
      assert.ok(checks.every((c) => c.id === "PREDEPLOY-ERROR-BUDGET"));
      return { checks: checks.map((c) => [c.app, c.status, c.message]), sent };
    }

    it("reads every app's burn alarms at once and passes those not in ALARM, naming their states", async () => {
      const { checks, sent } = await budget([], { "menu-burn-slow": "INSUFFICIENT_DATA" });
      assert.deepEqual(sent, [
        { name: "DescribeAlarmsCommand", input: { AlarmNames: [...burn("shop"), ...burn("menu")] } },
      ]);
      assert.deepEqual(checks, [
        ["shop", "pass", "burn alarms shop-burn-fast OK, shop-burn-slow OK"],
        ["menu", "pass", "burn alarms menu-burn-fast OK, menu-burn-slow INSUFFICIENT_DATA"],
      ]);
    });

    it("fails an app whose burn alarm is missing (the budget cannot be read) or in ALARM (deploys are frozen)", async () => {
      const one = await budget([], { "shop-burn-slow": "missing" });
      assert.deepEqual(one.checks[0], [
        "shop",
        "fail",
        "no alarm shop-burn-slow: the error budget cannot be read",
      ]);
      const { checks } = await budget([], {
        "shop-burn-fast": "missing",
        "shop-burn-slow": "missing",
        "menu-burn-fast": "ALARM",
        "menu-burn-slow": "ALARM",
      });
      assert.deepEqual(checks, [
        ["shop", "fail", "no alarm shop-burn-fast, shop-burn-slow: the error budget cannot be read"],
        [
          "menu",
          "fail",
          "menu-burn-fast, menu-burn-slow in ALARM: the error budget is spent; deploys are frozen until an incident review (F6), or an override with reason, owner and expiry",
        ],
      ]);
    });

    it("an override of the gate in force lifts the freeze for its app only, and says whose it is", async () => {
      const states = { "shop-burn-fast": "ALARM", "shop-burn-slow": "ALARM", "menu-burn-slow": "ALARM" };
      const { checks } = await budget([override()], states);
      assert.deepEqual(checks, [
        ["shop", "skip", `shop-burn-fast, shop-burn-slow in ALARM; ${allowed}`],
        [
          "menu",
          "fail",
          "menu-burn-slow in ALARM: the error budget is spent; deploys are frozen until an incident review (F6), or an override with reason, owner and expiry",
        ],
      ]);
    });

    it("an override of another gate, or bound to a digest the app does not pin, does not lift the freeze", async () => {
      const states = { "shop-burn-slow": "ALARM" };
      for (const o of [override({ ruleId: "PREDEPLOY-STAGING-SOAK" }), override({ digest: OTHER })]) {
        const { checks } = await budget([o], states);
        assert.equal(checks[0][1], "fail", JSON.stringify(o));
      }
      const bound = await budget([override({ digest: ` ${DIGEST} ` })], states);
      assert.equal(bound.checks[0][1], "skip");
    });

    it("reports an incomplete or unbounded override and lets it lift nothing", async () => {
      const states = { "shop-burn-slow": "ALARM" };
      const { checks } = await budget(
        [override({ reason: "ok", owner: "" }), override({ resource: "*" })],
        states,
      );
      assert.deepEqual(checks.slice(0, 2), [
        [
          "*",
          "fail",
          "predeploy.overrides[0] has no reason of at least 10 characters (reason); names no owner (owner)",
        ],
        [
          "*",
          "fail",
          "predeploy.overrides[1] resource: one app of this stack (shop, menu), no wildcard: an override lifts the freeze for one app",
        ],
      ]);
      assert.deepEqual(checks[2].slice(0, 2), ["shop", "fail"]);
      const tooLong = await budget([override({ expires: "2026-12-20" })], states);
      assert.deepEqual(tooLong.checks[0], [
        "*",
        "fail",
        "predeploy.overrides[0] expires: a date at most 7 days after today (2026-12-08): an override of a gate is for an incident, not for ever",
      ]);
      assert.deepEqual(tooLong.checks[1].slice(0, 2), ["shop", "fail"]);
    });

    it("an expired override lifts nothing and is reported as such; with another problem, the problem is reported", async () => {
      const { checks } = await budget([override({ expires: "2026-11-30" })], { "shop-burn-slow": "ALARM" });
      assert.deepEqual(checks[0], [
        "*",
        "skip",
        "predeploy.overrides[0] expired on 2026-11-30: lifts nothing",
      ]);
      assert.deepEqual(checks[1].slice(0, 2), ["shop", "fail"]);
      const both = await budget([override({ expires: "2026-11-30", owner: " " })]);
      assert.deepEqual(both.checks[0], ["*", "fail", "predeploy.overrides[0] names no owner (owner)"]);
    });
  });

  describe("lifted", () => {
    const failed = (id: Check["id"], app = "shop", status: Check["status"] = "fail"): Check => ({
      id,
      app,
      status,
      message: "held",
    });
    const skip = (c: Check) => ({ ...c, status: "skip", message: `held; ${allowed}` });

    it("lifts a failed soak, rollback-target or drift gate of the app an override in force names", () => {
      for (const id of ["PREDEPLOY-STAGING-SOAK", "PREDEPLOY-ROLLBACK-TARGET", "PREDEPLOY-DRIFT"] as const) {
        const c = failed(id);
        assert.deepEqual(lifted(c, stack([override({ ruleId: id })]), NOW), skip(c));
      }
    });

    it("lifts a stack-wide gate by any app's override of it", () => {
      const drift = failed("PREDEPLOY-DRIFT", "*");
      const menu = override({ ruleId: "PREDEPLOY-DRIFT", resource: "menu" });
      assert.deepEqual(lifted(drift, stack([menu]), NOW), skip(drift));
    });

    it("a digest-bound override lifts a stack-wide gate only while its app pins that digest", () => {
      const drift = failed("PREDEPLOY-DRIFT", "*");
      const bound = (digest: string) => override({ ruleId: "PREDEPLOY-DRIFT", resource: "menu", digest });
      assert.deepEqual(lifted(drift, stack([bound(OTHER)]), NOW), skip(drift), "menu pins OTHER");
      assert.equal(lifted(drift, stack([bound(DIGEST)]), NOW), drift, "menu pins another digest since");
    });

    it("leaves a passed check, an error-budget or staging-verified failure, and another app's or gate's failure", () => {
      const soak = override({ ruleId: "PREDEPLOY-STAGING-SOAK" });
      const cases: Array<[Check, Record<string, unknown>]> = [
        [failed("PREDEPLOY-STAGING-SOAK", "shop", "pass"), soak],
        [failed("PREDEPLOY-STAGING-SOAK", "shop", "skip"), soak],
        [failed("PREDEPLOY-ERROR-BUDGET"), override()],
        [failed("PREDEPLOY-STAGING-VERIFIED"), override({ ruleId: "PREDEPLOY-STAGING-VERIFIED" })],
        [failed("PREDEPLOY-STAGING-SOAK", "menu"), soak],
        [failed("PREDEPLOY-ROLLBACK-TARGET"), soak],
      ];
      for (const [c, o] of cases) assert.equal(lifted(c, stack([o]), NOW), c, JSON.stringify([c, o]));
    });

    it("an expired, incomplete, unbounded or digest-bound override of another digest lifts nothing", () => {
      const c = failed("PREDEPLOY-STAGING-SOAK");
      const soak = (over: Record<string, unknown>) => override({ ruleId: "PREDEPLOY-STAGING-SOAK", ...over });
      for (const o of [
        soak({ expires: "2026-11-30" }),
        soak({ reason: "short" }),
        soak({ expires: "2026-12-20" }),
        soak({ digest: OTHER }),
      ])
        assert.equal(lifted(c, stack([o]), NOW), c, JSON.stringify(o));
      assert.deepEqual(lifted(c, stack([soak({ digest: DIGEST })]), NOW), skip(c));
      assert.deepEqual(lifted(c, stack([soak({ digest: OTHER }), soak({})]), NOW), skip(c));
      const menu = failed("PREDEPLOY-STAGING-SOAK", "menu");
      assert.deepEqual(lifted(menu, stack([soak({ resource: "menu", digest: OTHER })]), NOW), skip(menu));
    });
  });
});
