/**
 * Observability as CloudWatch and the on-call reader see it: each alarm's description states what the alarm
 * judges (its threshold in its unit, its window, the runbook), missing data is treated as CloudWatch allows, and
 * the dashboard body is one `PutDashboard` accepts, each widget drawing one series.
 */
import { strict as assert } from "node:assert";
import { standardTags } from "../../components/naming";
import { Observability } from "../../components/Observability";
import { ofType, one, parsed, register } from "../helpers";
import { albQueryProblems, dashboardProblems } from "./metricMath";

const RUNBOOK = "https://runbooks.example.com/shop";

/** An app's observability, canary-style (two target groups), with a runbook; its alarms and dashboard body. */
async function observed() {
  const rs = await register(
    () =>
      new Observability("shop-production-observability", {
        app: "shop",
        environment: "production",
        loadBalancerArnSuffix: "app/shop-prd-alb/0123456789abcdef",
        targetGroupArnSuffixes: ["targetgroup/shop-blue/1", "targetgroup/shop-green/2"],
        errorBudgetPercent: 0.25,
        errorBudgetPeriodDays: 28,
        errorRateAlarmPercent: 3,
        latencyP95Seconds: 1.2,
        runbookUrl: RUNBOOK,
        region: "eu-west-1",
        tags: standardTags("shop", "production", "team-a"),
      }),
  );
  return {
    alarms: ofType(rs, "aws:cloudwatch/metricAlarm:MetricAlarm") as Array<{ inputs: any }>,
    body: parsed(one(rs, "aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody),
  };
}

/** CloudWatch's `TreatMissingData` values (CloudWatch API reference, `PutMetricAlarm`). */
const TREAT_MISSING_DATA = ["breaching", "notBreaching", "ignore", "missing"];

describe("Observability as CloudWatch and the on-call reader see it", () => {
  it("each alarm's description states its threshold in its unit and the runbook, the rate alarms their window", async () => {
    const { alarms } = await observed();
    assert.equal(alarms.length, 6, "5xx rate, latency, two burns, two target groups");
    for (const a of alarms) {
      const d = String(a.inputs.alarmDescription);
      const at = `${a.inputs.name}: ${d}`;
      // CloudWatch's AlarmDescription is 0-1024 characters.
      assert.ok(d.length <= 1024, at);
      assert.ok(d.includes("shop (production)"), at);
      assert.ok(d.endsWith(`. Runbook: ${RUNBOOK}`), at);
      const queries = (a.inputs.metricQueries ?? []) as any[];
      if (queries.length) assert.deepEqual(albQueryProblems(queries), [], a.inputs.name);
      const period = a.inputs.period ?? queries.find((q) => q.metric).metric.period;
      if (/burn/.test(a.inputs.name)) {
        // A burn alarm: the budget, and the burn rate over the window its queries read (threshold = budget x rate).
        const rate = a.inputs.threshold / 0.25;
        assert.ok(d.includes("0.25% 5xx per 28 days"), at);
        assert.ok(d.includes(`${rate.toFixed(2)}x over ${period / 3600} h`), at);
        // The share of the budget the window spends, as its tag records it, and what exceeding the budget does.
        const spent = a.inputs.tags["error-budget-consumed-percent"];
        assert.ok(d.includes(`spends ${spent}% of it. Exceeding the budget freezes deploys`), at);
        assert.equal(a.inputs.evaluationPeriods, 1, at);
      } else {
        const unit = a.inputs.extendedStatistic ? "s" : "%";
        assert.ok(d.includes(`above ${a.inputs.threshold}${unit}`), at);
        assert.equal(period, 60, at);
        // The rate alarms state their window; the latency alarm's description does not (its window is the same).
        if (queries.length)
          assert.ok(
            d.includes(`${a.inputs.datapointsToAlarm} of ${a.inputs.evaluationPeriods} minutes`),
            `${at}: window in minutes`,
          );
        assert.deepEqual([a.inputs.datapointsToAlarm, a.inputs.evaluationPeriods], [3, 5], at);
      }
    }
  });

  it("missing data is a value CloudWatch takes, and never a breach: a quiet app is no incident", async () => {
    const { alarms } = await observed();
    for (const a of alarms) {
      assert.ok(TREAT_MISSING_DATA.includes(a.inputs.treatMissingData), a.inputs.name);
      assert.notEqual(a.inputs.treatMissingData, "breaching", a.inputs.name);
      assert.notEqual(
        a.inputs.treatMissingData,
        "missing",
        `${a.inputs.name}: a gap would hold the alarm state`,
      );
    }
  });

  it("the dashboard body is one PutDashboard accepts, each widget drawing one series", async () => {
    const { body } = await observed();
    assert.deepEqual(dashboardProblems(body), []);
    assert.equal(body.widgets.length, 3);
    // The checker finds what it looks for.
    const broken = structuredClone(body);
    broken.widgets[0].type = "";
    broken.widgets[1].x = 4;
    broken.widgets[2].properties.metrics[1][6].visible = true;
    broken.widgets[2].properties.metrics[0][0].id = "";
    assert.deepEqual(dashboardProblems(broken), [
      'widget 0 (Error rate (5xx %)): type ""',
      "widget 1 (Latency (p95, seconds)): overlaps at 4,0",
      ...[1, 2, 3, 4, 5].map((y) => `widget 1 (Latency (p95, seconds)): overlaps at 4,${y}`),
      ...[5, 6, 7].flatMap((x) =>
        [0, 1, 2, 3, 4, 5].map((y) => `widget 1 (Latency (p95, seconds)): overlaps at ${x},${y}`),
      ),
      'widget 2 (Golden-path success (%)): id ""',
      "widget 2 (Golden-path success (%)): draws 2 series",
    ]);
  });
});
