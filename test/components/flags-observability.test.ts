import { strict as assert } from "node:assert";
import { FeatureFlags, featureFlagsDocument } from "../../components/FeatureFlags";
import type { FeatureFlagsTarget } from "../../components/ServiceRuntime";
import { standardTags } from "../../components/naming";
import { BURN_WINDOWS, burnRate, Observability, observabilityDefaults } from "../../components/Observability";
import { GOLDEN_PATH } from "../../policy-pack/lib/facts";
import { ofType, one, outputValue, parsed, register } from "../helpers";
import { albQueryProblems, evaluateAlarm, widgetQueries } from "./metricMath";

/** The id in `to` of the query reading the same metric as query `id` of `from`. */
function idIn(to: any[], from: any[], id: string): string {
  const name = from.find((q) => q.id === id).metric.metricName;
  return to.find((q) => q.metric?.metricName === name).id;
}

const flag = {
  name: "new_checkout",
  description: "New checkout",
  owner: "team-a",
  default: false,
  removalDate: "2027-01-31",
};

/**
 * What AppConfig checks of a flag's values against its attributes' constraints when a configuration version is
 * created (AppConfig user guide, "Type reference for AWS.AppConfig.FeatureFlags": `constraints.type`, `required`,
 * `pattern`), one problem per value.
 */
function attributeProblems(doc: any): string[] {
  const problems: string[] = [];
  const isType: Record<string, (v: unknown) => boolean> = {
    string: (v) => typeof v === "string",
    number: (v) => typeof v === "number",
    boolean: (v) => typeof v === "boolean",
  };
  for (const [name, definition] of Object.entries<any>(doc.flags))
    for (const [attr, { constraints: c }] of Object.entries<any>(definition.attributes ?? {})) {
      const value = doc.values?.[name]?.[attr];
      if (value === undefined) {
        if (c.required) problems.push(`${name}.${attr}: required`);
      } else if (!isType[c.type](value)) problems.push(`${name}.${attr}: not a ${c.type}`);
      else if (c.pattern && !new RegExp(c.pattern).test(String(value)))
        problems.push(`${name}.${attr}: does not match ${c.pattern}`);
    }
  return problems;
}

describe("FeatureFlags", () => {
  it("serves an AWS.AppConfig.FeatureFlags profile with owner, default, removal date and this stack's value", async () => {
    const rs = await register(() =>
      new FeatureFlags("shop-production-flags", {
        app: "shop",
        environment: "production",
        flags: [flag, { ...flag, name: "beta_menu", value: { enabled: true, cohort: "pilot" } }],
        tags: standardTags("shop", "production", "team-a"),
      }).deployAfter([]),
    );
    const profile = one(rs, "aws:appconfig/configurationProfile:ConfigurationProfile");
    assert.equal(profile.inputs.type, "AWS.AppConfig.FeatureFlags");
    const version = one(rs, "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion");
    assert.equal(version.inputs.content, "[secret]", "the AWS provider marks content secret");
    // A replaced document keeps its old version: the one AppConfig serves (mid-rollout, or after a rollback)
    // stays readable for `cicd flags off`.
    assert.deepEqual(version.options, { retainOnDelete: true });
    const doc = parsed(version.props.content);
    assert.deepEqual(Object.keys(doc.flags), ["new_checkout", "beta_menu"]);
    assert.deepEqual(doc.values.new_checkout, {
      enabled: false,
      owner: "team-a",
      removalDate: "2027-01-31",
      default: false,
    });
    assert.deepEqual(doc.values.beta_menu, {
      enabled: true,
      owner: "team-a",
      removalDate: "2027-01-31",
      default: false,
      cohort: "pilot",
    });
    const deployment = one(rs, "aws:appconfig/deployment:Deployment");
    assert.equal(deployment.inputs.deploymentStrategyId, "AppConfig.Linear20PercentEvery6Minutes");
    assert.deepEqual(one(rs, "aws:appconfig/environment:Environment").inputs.monitors, []);
  });

  it("monitors a composite alarm of the given alarm through a role AppConfig assumes, which may only describe alarms", async () => {
    const alarmArn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:shop-staging-5xx-rate";
    const rs = await register(() =>
      new FeatureFlags("shop-staging-flags", {
        app: "shop",
        environment: "staging",
        flags: [flag],
        monitorAlarmArn: alarmArn,
        tags: standardTags("shop", "staging", "team-a"),
      }).deployAfter([]),
    );
    const role = one(rs, "aws:iam/role:Role");
    const composite = one(rs, "aws:cloudwatch/compositeAlarm:CompositeAlarm");
    // ALARM exactly when the 5xx alarm is; never INSUFFICIENT_DATA after its creation; no notification of its own.
    assert.equal(composite.props.alarmRule, `ALARM("${alarmArn}")`);
    assert.equal(composite.props.alarmActions, undefined);
    assert.deepEqual(one(rs, "aws:appconfig/environment:Environment").props.monitors, [
      {
        alarmArn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:shop-staging-flags-rollback",
        alarmRoleArn: `arn:aws:iam::123456789012:role/${role.inputs.name}`,
      },
    ]);
    assert.equal(
      parsed(role.inputs.assumeRolePolicy).Statement[0].Principal.Service,
      "appconfig.amazonaws.com",
    );
    assert.equal(
      one(rs, "aws:appconfig/deployment:Deployment").inputs.deploymentStrategyId,
      "AppConfig.AllAtOnce",
    );
  });

  it("hosts a JSON document in a hosted profile, parents every child, and outputs the ids the app and `cicd flags` use", async () => {
    let flags: FeatureFlags | undefined;
    const rs = await register(() => {
      flags = new FeatureFlags("shop-staging-flags", {
        app: "shop",
        environment: "staging",
        flags: [flag, { ...flag, name: "beta_menu" }],
        monitorAlarmArn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:shop-staging-5xx-rate",
        tags: standardTags("shop", "staging", "team-a"),
      });
      flags.deployAfter([]);
    });
    // A HostedConfigurationVersion can only be created in a profile whose location is `hosted`, and an
    // AWS.AppConfig.FeatureFlags profile takes JSON only (AppConfig API reference, CreateHostedConfigurationVersion).
    const profile = one(rs, "aws:appconfig/configurationProfile:ConfigurationProfile");
    assert.equal(profile.inputs.locationUri, "hosted");
    assert.equal(profile.inputs.name, "feature-flags");
    const version = one(rs, "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion");
    assert.equal(version.inputs.contentType, "application/json");
    assert.equal(version.inputs.description, "2 flag(s)");
    // The monitored alarm rolls back only while its actions are enabled (AppConfig user guide, "Monitoring
    // deployments for automatic rollback").
    const composite = one(rs, "aws:cloudwatch/compositeAlarm:CompositeAlarm");
    assert.equal(composite.inputs.actionsEnabled, true);
    assert.match(String(composite.inputs.alarmDescription), /shop flag deployments/);
    assert.match(String(one(rs, "aws:iam/role:Role").inputs.description), /shop flag deployments/);
    assert.deepEqual(parsed(one(rs, "aws:iam/rolePolicy:RolePolicy").inputs.policy), {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["cloudwatch:DescribeAlarms"], Resource: "*" }],
    });
    const component = one(rs, "cicd-constitution:flags:FeatureFlags");
    const children = rs.filter((r) => r !== component && r.type !== "pulumi:pulumi:Stack");
    assert.deepEqual(
      children.filter((r) => r.parent !== component.urn).map((r) => r.name),
      [],
      "every resource is the component's child",
    );
    assert.ok(children.some((r) => r.type === "aws:appconfig/deployment:Deployment"));

    // What the app reads its flags with, and what `cicd flags` operates on (exported as `apps.<app>.flags`).
    // The ids are the ones the flag deployment targets; the ARN is the application's, as IAM names a configuration.
    const deployed = one(rs, "aws:appconfig/deployment:Deployment").inputs;
    const target = await outputValue<FeatureFlagsTarget>(flags!.target);
    assert.match(String(deployed.applicationId), /^\w{7}$/);
    assert.deepEqual(
      [target.applicationId, target.environmentId, target.profileId],
      [deployed.applicationId, deployed.environmentId, deployed.configurationProfileId],
    );
    assert.equal(
      target.configurationArn,
      `${await outputValue<string>(flags!.applicationArn)}/environment/${target.environmentId}/configuration/${target.profileId}`,
    );
    assert.match(target.configurationArn, /^arn:aws:appconfig:eu-west-1:123456789012:application\/\w{7}\//);
    assert.deepEqual(await outputValue(flags!.operations), {
      applicationId: deployed.applicationId,
      environmentId: deployed.environmentId,
      configurationProfileId: deployed.configurationProfileId,
      emergencyStrategyId: "AppConfig.AllAtOnce",
      monitorAlarmNames: [composite.inputs.alarmName],
    });
  });

  it("without a monitor, `cicd flags off` has no alarm to disable", async () => {
    let flags: FeatureFlags | undefined;
    await register(() => {
      flags = new FeatureFlags("shop-production-flags", {
        app: "shop",
        environment: "production",
        flags: [flag],
        tags: standardTags("shop", "production", "team-a"),
      });
    });
    const operations = await outputValue(flags!.operations);
    assert.deepEqual(operations.monitorAlarmNames, []);
  });

  it("AppConfig holds every flag to an owner, a removal date (YYYY-MM-DD) and a boolean default; a cohort is optional", () => {
    const doc = JSON.parse(
      featureFlagsDocument([flag, { ...flag, name: "beta_menu", value: { enabled: true, cohort: "staff" } }]),
    );
    assert.deepEqual(attributeProblems(doc), []);
    // The schema version AppConfig knows (`flagSchemaVersions`: "1"), and a definition per flag under its name.
    assert.equal(doc.version, "1");
    assert.deepEqual(
      Object.entries<any>(doc.flags).map(([key, d]) => [key, d.name]),
      [
        ["new_checkout", "new_checkout"],
        ["beta_menu", "beta_menu"],
      ],
    );
    // The constraints travel with the document, so AppConfig refuses a version that drops one (a hand edit, or a
    // program that forgets it) before any app reads it.
    const without = (attr: string) => {
      const d = structuredClone(doc);
      delete d.values.new_checkout[attr];
      return attributeProblems(d);
    };
    assert.deepEqual(without("owner"), ["new_checkout.owner: required"]);
    assert.deepEqual(without("removalDate"), ["new_checkout.removalDate: required"]);
    assert.deepEqual(without("default"), ["new_checkout.default: required"]);
    assert.deepEqual(without("cohort"), []);
    const wrong = structuredClone(doc);
    Object.assign(wrong.values.new_checkout, { owner: 7, removalDate: "31/01/2027", default: "false" });
    assert.deepEqual(attributeProblems(wrong), [
      "new_checkout.owner: not a string",
      "new_checkout.removalDate: does not match ^\\d{4}-\\d{2}-\\d{2}$",
      "new_checkout.default: not a boolean",
    ]);
  });

  it("document without a stack value uses the default", () => {
    const doc = JSON.parse(featureFlagsDocument([{ ...flag, default: true }]));
    assert.equal(doc.values.new_checkout.enabled, true);
  });

  it("rejects duplicate flag names", () => {
    assert.throws(
      () =>
        new FeatureFlags("dup", {
          app: "a",
          environment: "staging",
          flags: [flag, flag],
          tags: standardTags("a", "staging", "o"),
        }),
      /duplicate flag names/,
    );
  });
});

describe("Observability", () => {
  it("alarms on 5xx rate, p95 latency and error-budget burn, each with an SNS action; dashboard has the three views", async () => {
    const rs = await register(
      () =>
        new Observability("shop-staging-observability", {
          app: "shop",
          environment: "staging",
          loadBalancerArnSuffix: "app/shop-stg-alb/0123456789abcdef",
          errorBudgetPercent: 0.5,
          latencyP95Seconds: 0.8,
          alertEmail: "oncall@example.com",
          region: "eu-west-1",
          tags: standardTags("shop", "staging", "team-a"),
        }),
    );
    const topicArn = "arn:aws:sns:eu-west-1:123456789012:shop-staging-alarms";
    const alarms = ofType(rs, "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.deepEqual(alarms.map((a) => a.inputs.name).sort(), [
      "shop-staging-5xx-rate",
      "shop-staging-error-budget-burn-fast",
      "shop-staging-error-budget-burn-slow",
      "shop-staging-latency-p95",
    ]);
    for (const a of alarms) {
      assert.deepEqual(a.inputs.alarmActions, [topicArn], a.urn);
      assert.deepEqual(a.inputs.okActions, [topicArn], a.urn);
      // Each alarms when its value rises above its threshold (a rate, a latency, a burn rate).
      assert.equal(a.inputs.comparisonOperator, "GreaterThanThreshold", a.urn);
    }
    assert.equal(one(rs, "aws:sns/topicSubscription:TopicSubscription").inputs.protocol, "email");
    const latency = alarms.find((a) => a.name.endsWith("latency-p95"))!;
    assert.equal(latency.inputs.extendedStatistic, "p95");
    assert.equal(latency.inputs.threshold, 0.8);
    // Weekly budget: 2% in 1 h is 3.36x, 5% in 6 h is 1.4x (the 30-day 14.4x would never fire on a week).
    const fast = alarms.find((a) => a.name.endsWith("burn-fast"))!;
    const slow = alarms.find((a) => a.name.endsWith("burn-slow"))!;
    assert.equal(fast.inputs.threshold, 1.68);
    assert.equal(slow.inputs.threshold, 0.7);
    assert.equal(burnRate(BURN_WINDOWS[0], 30), 14.4, "the workbook's 30-day fast burn rate");
    for (const a of [fast, slow]) {
      const period = (a.inputs.metricQueries as any[]).find((q: any) => q.metric).metric.period;
      assert.equal(period, a.name.endsWith("fast") ? 3600 : 21600);
    }
    // The 5xx rate reads this load balancer's metrics, counts its own 5xx, over all requests, and never divides by
    // zero: judged by evaluating the expression on datapoints.
    const rate = alarms.find((a) => a.name.endsWith("5xx-rate"))!;
    const queries = rate.inputs.metricQueries as any[];
    assert.deepEqual(albQueryProblems(queries), []);
    for (const q of queries.filter((q) => q.metric))
      assert.equal(q.metric.dimensions.LoadBalancer, "app/shop-stg-alb/0123456789abcdef", q.id);
    const at = (d: Record<string, number | undefined>) => evaluateAlarm(queries, d);
    const ids = Object.fromEntries(queries.filter((q) => q.metric).map((q) => [q.metric.metricName, q.id]));
    const point = (target5xx?: number, elb5xx?: number, requests?: number) => ({
      [ids.HTTPCode_Target_5XX_Count]: target5xx,
      [ids.HTTPCode_ELB_5XX_Count]: elb5xx,
      [ids.RequestCount]: requests,
    });
    assert.equal(at(point(3, 2, 98)), 5, "5 failures of 100 answers: 5%");
    assert.equal(at(point(undefined, 4, undefined)), 100, "the load balancer alone answering 5xx: 100%");
    assert.equal(at(point(undefined, undefined, 50)), 0, "requests without a 5xx datapoint: 0%");
    assert.equal(at(point()), 0, "a minute without datapoints: 0%, not a division by zero");
    assert.ok(
      !/\[/.test(queries.find((q) => q.returnData).expression),
      "no array (MAX([...])) in the expression",
    );
    const widgets = parsed(one(rs, "aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody).widgets;
    const titles = widgets.map((w: any) => w.properties.title);
    // The error-rate widget draws what the alarm judges: the same metrics, the same value on the same datapoints.
    const drawn = widgetQueries(widgets[0].properties.metrics);
    assert.deepEqual(albQueryProblems(drawn), []);
    const drawnAt = (d: ReturnType<typeof point>) =>
      evaluateAlarm(
        drawn,
        Object.fromEntries(Object.entries(d).map(([id, v]) => [idIn(drawn, queries, id), v])),
      );
    for (const d of [
      point(3, 2, 98),
      point(undefined, 4, undefined),
      point(undefined, undefined, 50),
      point(),
    ])
      assert.equal(drawnAt(d), at(d));
    assert.deepEqual(widgets[0].properties.annotations.horizontal, [{ label: "error budget", value: 0.5 }]);
    // The latency widget draws the latency alarm's metric and statistic, with its threshold as the line.
    assert.deepEqual(widgetQueries(widgets[1].properties.metrics), [
      {
        id: undefined,
        returnData: true,
        metric: {
          namespace: latency.inputs.namespace,
          metricName: latency.inputs.metricName,
          dimensions: latency.inputs.dimensions,
          stat: latency.inputs.extendedStatistic,
        },
      },
    ]);
    assert.deepEqual(widgets[1].properties.annotations.horizontal, [{ label: "target", value: 0.8 }]);
    // The golden-path widget reads the counts `cicd verify` publishes (PutMetricData, src/deploy/goldenPath.ts) as
    // sums, and draws their ratio in percent against the success target.
    const golden = widgetQueries(widgets[2].properties.metrics);
    const published = golden.filter((q) => q.metric).map((q) => q.metric!);
    assert.deepEqual(
      published.map((m) => [m.namespace, m.metricName, m.dimensions, m.stat]),
      [GOLDEN_PATH.metrics.success, GOLDEN_PATH.metrics.attempts].map((metricName) => [
        GOLDEN_PATH.namespace,
        metricName,
        { App: "shop", Environment: "staging" },
        "Sum",
      ]),
    );
    const byName = (name: string) => golden.find((q) => q.metric?.metricName === name)!.id;
    const success = (s: number, t: number) =>
      evaluateAlarm(golden, { [byName("Success")]: s, [byName("Attempts")]: t });
    assert.equal(success(9, 10), 90);
    assert.equal(success(4, 4), 100);
    assert.deepEqual(widgets[2].properties.annotations.horizontal, [
      { label: "target", value: observabilityDefaults.goldenPathSuccessPercent },
    ]);
    assert.deepEqual(titles, ["Error rate (5xx %)", "Latency (p95, seconds)", "Golden-path success (%)"]);
    assert.equal(
      one(rs, "aws:sns/topicSubscription:TopicSubscription").inputs.endpoint,
      "oncall@example.com",
    );
  });
  it("canary and linear deployments: a 5xx-rate alarm per target group, on that group's own requests, 3 of 5 minutes", async () => {
    let observability: Observability | undefined;
    const rs = await register(() => {
      observability = new Observability("shop-staging-observability", {
        app: "shop",
        environment: "staging",
        loadBalancerArnSuffix: "app/shop-stg-alb/0123456789abcdef",
        targetGroupArnSuffixes: ["targetgroup/shop-blue/1", "targetgroup/shop-green/2"],
        errorBudgetPercent: 0.5,
        latencyP95Seconds: 0.8,
        region: "eu-west-1",
        tags: standardTags("shop", "staging", "team-a"),
      });
    });
    const alarms = ofType(rs, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => /-tg/.test(a.name));
    assert.deepEqual(
      alarms.map((a) => a.inputs.name),
      ["shop-staging-5xx-rate-tg", "shop-staging-5xx-rate-tg-alt"],
    );
    for (const [i, alarm] of alarms.entries()) {
      const queries = alarm.inputs.metricQueries as any[];
      assert.deepEqual(albQueryProblems(queries), []);
      for (const q of queries.filter((q) => q.metric))
        assert.deepEqual(q.metric.dimensions, {
          LoadBalancer: "app/shop-stg-alb/0123456789abcdef",
          TargetGroup: ["targetgroup/shop-blue/1", "targetgroup/shop-green/2"][i],
        });
      const ids = Object.fromEntries(queries.filter((q) => q.metric).map((q) => [q.metric.metricName, q.id]));
      const at = (target5xx?: number, connErrors?: number, requests?: number) =>
        evaluateAlarm(queries, {
          [ids.HTTPCode_Target_5XX_Count]: target5xx,
          [ids.TargetConnectionErrorCount]: connErrors,
          [ids.RequestCount]: requests,
        });
      assert.equal(at(1, 1, 10), 20, "a 5xx and a refused connection of 10 requests: 20%");
      assert.equal(at(undefined, 1, 1), 100, "the one request of a minute refused: 100%");
      assert.equal(at(2, undefined, undefined), 0, "no request counted: no evidence, 0%");
      assert.equal(at(), 0);
      assert.equal(alarm.inputs.datapointsToAlarm, 3);
      assert.equal(alarm.inputs.evaluationPeriods, 5);
      assert.equal(alarm.inputs.treatMissingData, "notBreaching");
      assert.equal(alarm.inputs.comparisonOperator, "GreaterThanThreshold");
      assert.deepEqual(alarm.inputs.alarmActions, ["arn:aws:sns:eu-west-1:123456789012:shop-staging-alarms"]);
      assert.deepEqual(alarm.inputs.okActions, alarm.inputs.alarmActions);
      assert.match(String(alarm.inputs.alarmDescription), /in 3 of 5 minutes with requests/);
    }
    const names = await Promise.all(observability!.alarmNames.map((n) => outputValue<string>(n)));
    assert.deepEqual(
      names.sort(),
      ofType(rs, "aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((a) => String(a.inputs.name))
        .sort(),
    );
    const deploymentAlarms = await outputValue(observability!.deploymentAlarmNames);
    assert.deepEqual(deploymentAlarms, [
      "shop-staging-5xx-rate",
      "shop-staging-latency-p95",
      "shop-staging-5xx-rate-tg",
      "shop-staging-5xx-rate-tg-alt",
    ]);
  });
});
