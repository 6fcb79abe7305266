/**
 * The error budget is weekly: components/Observability.ts computes its burn alarms for a 7-day budget by default,
 * with the rates its docstring states (3.36 fast, 1.4 slow), and CC-OBS-06 expects that period by default.
 */
import { strict as assert } from "node:assert";
import { BURN_WINDOWS, burnRate, observabilityDefaults } from "../../components/Observability";
import { RULES } from "../../policy-pack/catalogue";

describe("error budget period and burn rates", function () {
  it("the default budget period is 7 days, the one CC-OBS-06 checks by default", function () {
    assert.equal(observabilityDefaults.errorBudgetPeriodDays, 7);
    const obs06 = RULES.find((r) => r.id === "CC-OBS-06")!;
    assert.equal(obs06.configurable?.budgetPeriodDays.default, observabilityDefaults.errorBudgetPeriodDays);
  });

  it("the weekly budget's burn rates are 3.36 (fast, 1 h) and 1.4 (slow, 6 h); a 30-day one's 14.4 and 6", function () {
    const [fast, slow] = BURN_WINDOWS;
    const rates = (days: number) =>
      [burnRate(fast, days), burnRate(slow, days)].map((r) => Number(r.toFixed(4)));
    assert.deepEqual(rates(observabilityDefaults.errorBudgetPeriodDays), [3.36, 1.4]);
    assert.deepEqual(rates(30), [14.4, 6]);
  });
});
