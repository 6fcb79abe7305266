import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StandardTags } from "./naming";
import { withDefaults } from "./util";

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
  /** `targetgroup/NAME/ID` suffix of the target group (dimension `TargetGroup`). */
  targetGroupArnSuffix: pulumi.Input<string>;
  /** Error budget: percent of requests allowed to fail with 5xx per week. Default: 0.5. */
  errorBudgetPercent?: number;
  /** p95 latency target, seconds. Default: 1. */
  latencyP95Seconds?: number;
  /** Golden-path success target, percent. Default: 99. */
  goldenPathSuccessPercent?: number;
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
  latencyP95Seconds: 1,
  goldenPathSuccessPercent: 99,
};

/**
 * Burn-rate factor of the fast error-budget alarm: 14.4x the budget over 1 hour spends 2% of a 30-day budget
 * (Google SRE workbook, "Alerting on SLOs", multiwindow multi-burn-rate alerts).
 */
export const FAST_BURN_RATE = 14.4;

/** Namespace of the golden-path metric the post-deploy smoke test publishes (`Success`, `Attempts`, dimension `App`). */
export const GOLDEN_PATH_NAMESPACE = "CicdConstitution/GoldenPath";

/**
 * Alarms and a dashboard for one service: a 5xx-rate alarm, a p95 latency alarm and an error-budget burn alarm,
 * each notifying an SNS topic; a dashboard with error rate, latency and golden-path success.
 */
export class Observability extends pulumi.ComponentResource {
  /** The alarm topic. */
  readonly topicArn: pulumi.Output<string>;
  /** Names of the alarms. */
  readonly alarmNames: pulumi.Output<string>[];
  /** Dashboard name. */
  readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("cicd-constitution:observability:Observability", name, {}, opts);
    const a = withDefaults(observabilityDefaults, args);
    const child = { parent: this };
    const topic = new aws.sns.Topic(
      `${name}-alarms`,
      { name: `${a.app}-${a.environment}-alarms`, tags: a.tags },
      child,
    );
    if (a.alertEmail) {
      new aws.sns.TopicSubscription(
        `${name}-alarms-email`,
        { topic: topic.arn, protocol: "email", endpoint: a.alertEmail },
        child,
      );
    }
    const dims = { LoadBalancer: a.loadBalancerArnSuffix, TargetGroup: a.targetGroupArnSuffix };
    const fiveXxRate = (period: number) => [
      {
        id: "errors",
        returnData: false,
        metric: {
          namespace: "AWS/ApplicationELB",
          metricName: "HTTPCode_Target_5XX_Count",
          dimensions: dims,
          period,
          stat: "Sum",
        },
      },
      {
        id: "requests",
        returnData: false,
        metric: {
          namespace: "AWS/ApplicationELB",
          metricName: "RequestCount",
          dimensions: dims,
          period,
          stat: "Sum",
        },
      },
      {
        id: "rate",
        expression: "100 * FILL(errors, 0) / MAX([requests, 1])",
        label: "5xx rate (%)",
        returnData: true,
      },
    ];

    const errorRate = new aws.cloudwatch.MetricAlarm(
      `${name}-5xx-rate`,
      {
        name: `${a.app}-${a.environment}-5xx-rate`,
        alarmDescription: `5xx rate of ${a.app} (${a.environment}) above 5% for 5 minutes`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 5,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        metricQueries: fiveXxRate(60),
        treatMissingData: "notBreaching",
        alarmActions: [topic.arn],
        okActions: [topic.arn],
        tags: a.tags,
      },
      child,
    );
    const latency = new aws.cloudwatch.MetricAlarm(
      `${name}-latency-p95`,
      {
        name: `${a.app}-${a.environment}-latency-p95`,
        alarmDescription: `p95 latency of ${a.app} (${a.environment}) above ${a.latencyP95Seconds}s`,
        namespace: "AWS/ApplicationELB",
        metricName: "TargetResponseTime",
        dimensions: dims,
        extendedStatistic: "p95",
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        threshold: a.latencyP95Seconds,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [topic.arn],
        okActions: [topic.arn],
        tags: a.tags,
      },
      child,
    );
    const budget = new aws.cloudwatch.MetricAlarm(
      `${name}-error-budget-burn`,
      {
        name: `${a.app}-${a.environment}-error-budget-burn`,
        alarmDescription:
          `Error budget of ${a.app} (${a.environment}): ${a.errorBudgetPercent}% 5xx per week; ` +
          `fires at ${FAST_BURN_RATE}x burn over 1 hour. Exceeding the budget freezes deploys (F6).`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: Number((a.errorBudgetPercent * FAST_BURN_RATE).toFixed(4)),
        evaluationPeriods: 1,
        metricQueries: fiveXxRate(3600),
        treatMissingData: "notBreaching",
        alarmActions: [topic.arn],
        tags: { ...a.tags, "error-budget-percent": String(a.errorBudgetPercent) },
      },
      child,
    );

    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: `${a.app}-${a.environment}`,
        dashboardBody: pulumi.all([a.loadBalancerArnSuffix, a.targetGroupArnSuffix]).apply(([lb, tg]) =>
          JSON.stringify({
            widgets: [
              widget(
                0,
                "Error rate (5xx %)",
                a.region,
                [
                  [{ expression: "100 * FILL(m1, 0) / MAX([m2, 1])", label: "5xx %", id: "e1" }],
                  [
                    "AWS/ApplicationELB",
                    "HTTPCode_Target_5XX_Count",
                    "LoadBalancer",
                    lb,
                    "TargetGroup",
                    tg,
                    { id: "m1", stat: "Sum", visible: false },
                  ],
                  [
                    "AWS/ApplicationELB",
                    "RequestCount",
                    "LoadBalancer",
                    lb,
                    "TargetGroup",
                    tg,
                    { id: "m2", stat: "Sum", visible: false },
                  ],
                ],
                { horizontal: [{ label: "error budget", value: a.errorBudgetPercent }] },
              ),
              widget(
                8,
                "Latency (p95, seconds)",
                a.region,
                [["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", lb, { stat: "p95" }]],
                { horizontal: [{ label: "target", value: a.latencyP95Seconds }] },
              ),
              widget(
                16,
                "Golden-path success (%)",
                a.region,
                [
                  [{ expression: "100 * FILL(s, 0) / MAX([t, 1])", label: "success %", id: "g" }],
                  [
                    GOLDEN_PATH_NAMESPACE,
                    "Success",
                    "App",
                    a.app,
                    "Environment",
                    a.environment,
                    { id: "s", stat: "Sum", visible: false },
                  ],
                  [
                    GOLDEN_PATH_NAMESPACE,
                    "Attempts",
                    "App",
                    a.app,
                    "Environment",
                    a.environment,
                    { id: "t", stat: "Sum", visible: false },
                  ],
                ],
                { horizontal: [{ label: "target", value: a.goldenPathSuccessPercent }] },
              ),
            ],
          }),
        ),
      },
      child,
    );
    this.topicArn = topic.arn;
    this.alarmNames = [errorRate.name, latency.name, budget.name];
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({
      topicArn: this.topicArn,
      alarmNames: this.alarmNames,
      dashboardName: this.dashboardName,
    });
  }
}

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
