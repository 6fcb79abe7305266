import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalNames, StandardTags } from "./naming";
import { withDefaults } from "./util";
import { GOLDEN_PATH } from "../policy-pack/lib/facts";

/**
 * Arguments of {@link Observability}.
 * Source: CONST "Observability" (error rate, latency, golden-path success); F6 "Error Budget & Deploy Freeze";
 * OPS "SLIs/SLOs", "Alerting".
 */
export interface ObservabilityArgs {
  /** App name. */
  app: string;
  /** Environment name. */
  environment: string;
  /** `app/NAME/ID` suffix of the ALB (CloudWatch dimension `LoadBalancer`). */
  loadBalancerArnSuffix: pulumi.Input<string>;
  /**
   * Canary and linear deployments: the `targetgroup/NAME/ID` suffixes of both target groups. Each gets its own
   * 5xx-rate alarm, a deployment alarm too: with 10% of the traffic on the canary, the load balancer's rate would
   * stay under the threshold until more than half of the canary's requests fail. Default: none (rolling).
   */
  targetGroupArnSuffixes?: pulumi.Input<string>[];
  /** Error budget: percent of requests allowed to fail with 5xx per budget period. Default: 0.5. */
  errorBudgetPercent?: number;
  /** The error budget's period, days (F6 "Error Budget & Deploy Freeze": weekly). Default: 7. */
  errorBudgetPeriodDays?: number;
  /** p95 latency target, seconds. Default: 1. */
  latencyP95Seconds?: number;
  /** Golden-path success target, percent. Default: 99. */
  goldenPathSuccessPercent?: number;
  /** The on-call runbook, an `https://` URL every alarm's description ends with (CC-OBS-07). Default: none. */
  runbookUrl?: string;
  /** Threshold of the 5xx-rate alarm, percent of a minute's requests; it alarms when 3 of 5 minutes exceed it. Default: 5. */
  errorRateAlarmPercent?: number;
  /** E-mail subscribed to the alarm topic. Default: none (subscribe on-call tooling separately). */
  alertEmail?: string;
  /** AWS region of the dashboard widgets. */
  region: string;
  /** Tags. */
  tags: StandardTags;
}

/** Defaults, written once. */
export const observabilityDefaults = {
  errorBudgetPercent: 0.5,
  errorBudgetPeriodDays: 7,
  latencyP95Seconds: 1,
  goldenPathSuccessPercent: 99,
  errorRateAlarmPercent: 5,
};

/** A burn-rate alert window: how much of the budget it may consume over how long before it fires. */
export interface BurnWindow {
  /** `fast` (pages quickly on a sharp burn) or `slow` (catches a steady one). */
  name: "fast" | "slow";
  /** Window, seconds (the alarm's period; one evaluation period). */
  windowSeconds: number;
  /** Share of the whole budget spent within the window that fires the alarm, percent. */
  budgetConsumedPercent: number;
}

/**
 * The two windows of the multiwindow burn-rate alert (Google SRE workbook, "Alerting on SLOs": 2% of the budget
 * in 1 hour, 5% in 6 hours).
 */
export const BURN_WINDOWS: readonly BurnWindow[] = [
  { name: "fast", windowSeconds: 3600, budgetConsumedPercent: 2 },
  { name: "slow", windowSeconds: 6 * 3600, budgetConsumedPercent: 5 },
];

/** Which of {@link physicalNames} names a window's alarm. */
const BURN_ALARM_NAME = { fast: "burnFastAlarm", slow: "burnSlowAlarm" } as const;

/**
 * The burn rate at which a window consumes its share of the budget: `consumed x period / window`, the period being
 * the app's `errorBudgetPeriodDays` (default 7: the budget is weekly, F6). With the weekly budget (168 h) the fast
 * window's rate is 3.36 (0.02 x 168 h / 1 h) and the slow window's 1.4 (0.05 x 168 h / 6 h); the SRE workbook's
 * 14.4 and 6 are the same windows over a 30-day budget (720 h), which this program does not use unless a stack
 * sets `errorBudgetPeriodDays: 30`. The alarm fires when the window's 5xx rate exceeds `budgetPercent x burnRate`.
 */
export function burnRate(window: BurnWindow, periodDays: number): number {
  return ((window.budgetConsumedPercent / 100) * periodDays * 86_400) / window.windowSeconds;
}

/**
 * The 5xx rate in percent as CloudWatch metric math: the targets' 5xx plus the load balancer's own 5xx (502/503
 * when no target is healthy: `HTTPCode_ELB_5XX_Count`, which has only the `LoadBalancer` dimension), over all
 * requests. `RequestCount` counts only requests for which a target was chosen (ELB user guide, "CloudWatch
 * metrics for your Application Load Balancer"), so the load balancer's 5xx are added to the denominator too; a
 * window with no request at all is 0, not a division by zero.
 */
export function fiveXxRateQueries(
  dims: { LoadBalancer: pulumi.Input<string> },
  period: number,
): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
  const metric = (id: string, metricName: string, dimensions: Record<string, pulumi.Input<string>>) => ({
    id,
    returnData: false,
    metric: { namespace: "AWS/ApplicationELB", metricName, dimensions, period, stat: "Sum" },
  });
  return [
    metric("target5xx", "HTTPCode_Target_5XX_Count", dims),
    metric("elb5xx", "HTTPCode_ELB_5XX_Count", { LoadBalancer: dims.LoadBalancer }),
    metric("requests", "RequestCount", dims),
    {
      id: "rate",
      expression:
        "IF((FILL(requests, 0) + FILL(elb5xx, 0)) > 0, " +
        "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)",
      label: "5xx rate (%)",
      returnData: true,
    },
  ];
}

/**
 * Requests a minute below which a target group's 5xx rate reads 0. One: a canary gets only its share of the
 * traffic (10% by default), so any higher floor would blind the alarm on a quiet app (a floor of 10 needs 100
 * requests a minute overall). Noise is held off by the alarm's 3-of-5-minutes rule instead: a healthy canary
 * alarms only if three separate minutes of five each end with a failed request.
 */
export const TARGET_GROUP_MIN_REQUESTS = 1;

/** The target-group 5xx alarm's evaluation: minutes breaching (`datapointsToAlarm`) of minutes read. */
export const TARGET_GROUP_ALARM_WINDOW = { datapointsToAlarm: 3, evaluationPeriods: 5 } as const;

/**
 * One target group's own 5xx rate (a canary's requests only): its targets' 5xx, plus the connections the load
 * balancer could not open to them (`TargetConnectionErrorCount`: a crashed worker, answered 502 by the load
 * balancer, whose `HTTPCode_ELB_5XX_Count` has no target-group dimension), over its requests, 0 below
 * {@link TARGET_GROUP_MIN_REQUESTS} a minute (a minute without requests is no evidence either way). The load
 * balancer's own 5xx have no target group; the load-balancer-wide alarm counts them (CC-OBS-05).
 */
export function targetGroupFiveXxRateQueries(
  dims: { LoadBalancer: pulumi.Input<string>; TargetGroup: pulumi.Input<string> },
  period: number,
): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
  const metric = (id: string, metricName: string) => ({
    id,
    returnData: false,
    metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: dims, period, stat: "Sum" },
  });
  return [
    metric("target5xx", "HTTPCode_Target_5XX_Count"),
    metric("connErrors", "TargetConnectionErrorCount"),
    metric("requests", "RequestCount"),
    {
      id: "rate",
      expression:
        `IF(FILL(requests, 0) >= ${TARGET_GROUP_MIN_REQUESTS}, ` +
        "100 * (FILL(target5xx, 0) + FILL(connErrors, 0)) / FILL(requests, 0), 0)",
      label: "5xx rate of the target group (%)",
      returnData: true,
    },
  ];
}

type Settings = ObservabilityArgs & typeof observabilityDefaults;

/**
 * Alarms and a dashboard for one service: a 5xx-rate alarm (targets' and load balancer's 5xx), a p95 latency
 * alarm, two error-budget burn alarms (fast and slow window) and, for canary and linear deployments, a 5xx-rate
 * alarm per target group, each notifying an SNS topic on ALARM and on OK; a dashboard with error rate, latency
 * and golden-path success. Built in named steps: topic, alarms, target-group alarms, dashboard.
 */
export class Observability extends pulumi.ComponentResource {
  /** The alarm topic. */
  readonly topicArn: pulumi.Output<string>;
  /** Names of the alarms. */
  readonly alarmNames: pulumi.Output<string>[];
  /** ARN of the 5xx-rate alarm (AppConfig rolls flag deployments back on it: CC-FLAG-05). */
  readonly errorRateAlarmArn: pulumi.Output<string>;
  /** Names of the 5xx-rate and latency alarms: the service's deployment alarms (CC-RUN-13). */
  readonly deploymentAlarmNames: pulumi.Output<string[]>;
  /** Dashboard name. */
  readonly dashboardName: pulumi.Output<string>;

  private readonly settings: Settings;

  constructor(name: string, args: ObservabilityArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("cicd-constitution:observability:Observability", name, {}, opts);
    this.settings = withDefaults(observabilityDefaults, args);
    const topic = this.topic(name);
    const alarms = this.alarms(name, topic.arn);
    const dashboard = this.dashboard(name);
    this.topicArn = topic.arn;
    this.alarmNames = alarms.map((a) => a.name);
    this.errorRateAlarmArn = alarms[0].arn;
    const perTargetGroup = this.targetGroupAlarms(name, topic.arn);
    this.alarmNames.push(...perTargetGroup.map((a) => a.name));
    this.deploymentAlarmNames = pulumi.all([
      alarms[0].name,
      alarms[1].name,
      ...perTargetGroup.map((a) => a.name),
    ]);
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({
      topicArn: this.topicArn,
      alarmNames: this.alarmNames,
      errorRateAlarmArn: this.errorRateAlarmArn,
      deploymentAlarmNames: this.deploymentAlarmNames,
      dashboardName: this.dashboardName,
    });
  }

  /** An alarm's description, ending with the runbook link when there is one (CC-OBS-07). */
  private described(text: string): string {
    const url = this.settings.runbookUrl;
    return url ? `${text}. Runbook: ${url}` : text;
  }

  private get names() {
    return physicalNames(this.settings.app, this.settings.environment);
  }

  /** Step 2b (canary, linear): a 5xx-rate alarm per target group, on that group's own requests. */
  private targetGroupAlarms(name: string, topicArn: pulumi.Output<string>): aws.cloudwatch.MetricAlarm[] {
    const a = this.settings;
    return (a.targetGroupArnSuffixes ?? []).map((suffix, i) => {
      const which = i === 0 ? "tg" : "tg-alt";
      return new aws.cloudwatch.MetricAlarm(
        `${name}-5xx-rate-${which}`,
        {
          name: `${this.names.errorRateAlarm.name}-${which}`,
          alarmDescription: this.described(
            `5xx rate of ${a.app} (${a.environment}) on target group ${which} above ${a.errorRateAlarmPercent}% in ` +
              `${TARGET_GROUP_ALARM_WINDOW.datapointsToAlarm} of ${TARGET_GROUP_ALARM_WINDOW.evaluationPeriods} ` +
              "minutes with requests: rolls back a canary whose own requests fail",
          ),
          comparisonOperator: "GreaterThanThreshold",
          threshold: a.errorRateAlarmPercent,
          ...TARGET_GROUP_ALARM_WINDOW,
          metricQueries: targetGroupFiveXxRateQueries(
            { LoadBalancer: a.loadBalancerArnSuffix, TargetGroup: suffix },
            60,
          ),
          alarmActions: [topicArn],
          okActions: [topicArn],
          treatMissingData: "notBreaching",
          tags: a.tags,
        },
        { parent: this },
      );
    });
  }

  /** Step 1: the SNS topic every alarm notifies, with the on-call e-mail if given. */
  private topic(name: string): aws.sns.Topic {
    const a = this.settings;
    const topic = new aws.sns.Topic(
      `${name}-alarms`,
      { name: physicalNames(a.app, a.environment).alarmTopic.name, tags: a.tags },
      { parent: this },
    );
    if (a.alertEmail) {
      new aws.sns.TopicSubscription(
        `${name}-alarms-email`,
        { topic: topic.arn, protocol: "email", endpoint: a.alertEmail },
        { parent: this },
      );
    }
    return topic;
  }

  /** Step 2: the 5xx-rate, latency and burn alarms; every alarm notifies on ALARM and on OK. */
  private alarms(name: string, topicArn: pulumi.Output<string>): aws.cloudwatch.MetricAlarm[] {
    const a = this.settings;
    // The load balancer serves this app alone; its own dimension covers both target groups of a canary or
    // linear deployment, between which ECS moves the traffic.
    const dims = { LoadBalancer: a.loadBalancerArnSuffix };
    const notify = { alarmActions: [topicArn], okActions: [topicArn], treatMissingData: "notBreaching" };
    const errorRate = new aws.cloudwatch.MetricAlarm(
      `${name}-5xx-rate`,
      {
        name: this.names.errorRateAlarm.name,
        alarmDescription: this.described(
          `5xx rate of ${a.app} (${a.environment}), targets' and load balancer's, above ` +
            `${a.errorRateAlarmPercent}% in 3 of 5 minutes`,
        ),
        comparisonOperator: "GreaterThanThreshold",
        threshold: a.errorRateAlarmPercent,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        metricQueries: fiveXxRateQueries(dims, 60),
        ...notify,
        tags: a.tags,
      },
      { parent: this },
    );
    const latency = new aws.cloudwatch.MetricAlarm(
      `${name}-latency-p95`,
      {
        name: this.names.latencyAlarm.name,
        alarmDescription: this.described(
          `p95 latency of ${a.app} (${a.environment}) above ${a.latencyP95Seconds}s`,
        ),
        namespace: "AWS/ApplicationELB",
        metricName: "TargetResponseTime",
        dimensions: dims,
        extendedStatistic: "p95",
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        threshold: a.latencyP95Seconds,
        comparisonOperator: "GreaterThanThreshold",
        ...notify,
        tags: a.tags,
      },
      { parent: this },
    );
    const burns = BURN_WINDOWS.map((w) => {
      const rate = burnRate(w, a.errorBudgetPeriodDays);
      return new aws.cloudwatch.MetricAlarm(
        `${name}-error-budget-burn-${w.name}`,
        {
          name: this.names[BURN_ALARM_NAME[w.name]].name,
          alarmDescription: this.described(
            `Error budget of ${a.app} (${a.environment}): ${a.errorBudgetPercent}% 5xx per ` +
              `${a.errorBudgetPeriodDays} days; ${w.name} burn: ${rate.toFixed(2)}x over ${w.windowSeconds / 3600} h ` +
              `spends ${w.budgetConsumedPercent}% of it. Exceeding the budget freezes deploys (F6).`,
          ),
          comparisonOperator: "GreaterThanThreshold",
          threshold: Number((a.errorBudgetPercent * rate).toFixed(4)),
          evaluationPeriods: 1,
          metricQueries: fiveXxRateQueries(dims, w.windowSeconds),
          ...notify,
          tags: {
            ...a.tags,
            "error-budget-percent": String(a.errorBudgetPercent),
            "error-budget-period-days": String(a.errorBudgetPeriodDays),
            "error-budget-window": w.name,
            "error-budget-consumed-percent": String(w.budgetConsumedPercent),
          },
        },
        { parent: this },
      );
    });
    return [errorRate, latency, ...burns];
  }

  /** Step 3: the dashboard: error rate (with the budget line), p95 latency, golden-path success. */
  private dashboard(name: string): aws.cloudwatch.Dashboard {
    const a = this.settings;
    return new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: physicalNames(a.app, a.environment).dashboard.name,
        dashboardBody: pulumi.output(a.loadBalancerArnSuffix).apply((lb) =>
          JSON.stringify({
            widgets: [errorRateWidget(a, lb), latencyWidget(a, lb), goldenPathWidget(a)],
          }),
        ),
      },
      { parent: this },
    );
  }
}

/**
 * The dashboard's error-rate widget: the series the 5xx-rate alarm judges ({@link fiveXxRateQueries}: the 5xx share of
 * the load balancer's requests, the targets' 5xx and the load balancer's own), with the error budget as a line.
 */
function errorRateWidget(a: Settings, lb: string) {
  return widget(
    0,
    "Error rate (5xx %)",
    a.region,
    dashboardRows(fiveXxRateQueries({ LoadBalancer: lb }, 60)),
    {
      horizontal: [{ label: "error budget", value: a.errorBudgetPercent }],
    },
  );
}

/**
 * An alarm's metric queries as a metric widget's rows (CloudWatch dashboard body structure, `metrics`): each metric
 * `[namespace, name, dimension, value, ..., { id, stat }]`, hidden, and the returned expression drawn with its label.
 * The queries' values are plain (the dashboard body is built inside an `apply`).
 */
function dashboardRows(queries: aws.types.input.cloudwatch.MetricAlarmMetricQuery[]): unknown[][] {
  return queries.map((q) => {
    if (!q.metric) return [{ expression: q.expression, label: q.label, id: q.id }];
    const m = q.metric as { namespace: string; metricName: string; stat: string; dimensions: object };
    const dimensions = Object.entries(m.dimensions).flat();
    return [m.namespace, m.metricName, ...dimensions, { id: q.id, stat: m.stat, visible: false }];
  });
}

/** The dashboard's latency widget: the targets' p95 response time, with the latency target as a line. */
function latencyWidget(a: Settings, lb: string) {
  return widget(
    8,
    "Latency (p95, seconds)",
    a.region,
    [["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", lb, { stat: "p95" }]],
    { horizontal: [{ label: "target", value: a.latencyP95Seconds }] },
  );
}

/**
 * The dashboard's golden-path widget: the share of golden-path requests that answered as configured among those
 * sent, with the success target as a line.
 */
function goldenPathWidget(a: Settings) {
  // The series `cicd verify` publishes after each deploy's smoke (policy-pack/lib/facts.ts GOLDEN_PATH).
  const goldenPath = (metric: string, id: string) => [
    GOLDEN_PATH.namespace,
    metric,
    GOLDEN_PATH.dimensions[0],
    a.app,
    GOLDEN_PATH.dimensions[1],
    a.environment,
    { id, stat: "Sum", visible: false },
  ];
  return widget(
    16,
    "Golden-path success (%)",
    a.region,
    [
      [
        // No FILL: a period without a deploy (nothing published) is a gap, not a 100% success.
        { expression: "100 * s / t", label: "success %", id: "g" },
      ],
      goldenPath(GOLDEN_PATH.metrics.success, "s"),
      goldenPath(GOLDEN_PATH.metrics.attempts, "t"),
    ],
    { horizontal: [{ label: "target", value: a.goldenPathSuccessPercent }] },
  );
}

/** A time-series metric widget of the dashboard's one row, 8 columns wide, starting at column `x`. */
function widget(x: number, title: string, region: string, metrics: unknown[], annotations: unknown) {
  return {
    type: "metric",
    x,
    y: 0,
    width: 8,
    height: 6,
    properties: { title, region, view: "timeSeries", period: 300, metrics, annotations },
  };
}
