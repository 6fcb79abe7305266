/**
 * Progressive delivery (CC-RUN-13) and the drift audit's identity, in the repository's own plans: what ECS's
 * canary deployments need exists and is wired, staging stays rolling, and the drift role can only read.
 */
import { strict as assert } from "node:assert";
import {
  DeploymentStrategy,
  ServiceRuntime,
  ServiceRuntimeArgs,
  steadyStateMinutes,
} from "../../components/ServiceRuntime";
import { one, parsed, register, repositoryStacks } from "../helpers";

const SERVICE = "aws:ecs/service:Service";

/** A ServiceRuntime's arguments for app `shop`, with `deployment` and the rest of `extra` as given. */
function shopArgs(
  environment: "staging" | "production",
  extra: Partial<ServiceRuntimeArgs>,
): ServiceRuntimeArgs {
  return {
    app: "shop",
    environment,
    imageRef: `ghcr.io/o/shop@sha256:${"a".repeat(64)}`,
    build: { sha: "a".repeat(40), date: "2026-11-01T00:00:00Z", actor: "me" },
    region: "eu-west-1",
    port: 8000,
    cpu: 512,
    memoryMiB: 1024,
    desiredCount: 2,
    vpcId: "vpc-0a1b2c3d",
    publicSubnetIds: ["subnet-0a1b2c3d", "subnet-0a1b2c3e"],
    privateSubnetIds: ["subnet-0a1b2c3f", "subnet-0a1b2c40"],
    certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/x",
    tags: { app: "shop", environment, owner: "me", "managed-by": "x" },
    ...extra,
  };
}

/** Deployment settings of the given strategy, the shares and bake times at the config model's defaults. */
const deploymentOf = (strategy: DeploymentStrategy["strategy"], alarms = true): DeploymentStrategy =>
  ({
    strategy,
    canaryPercent: 10,
    canaryBakeMinutes: 5,
    stepPercent: 20,
    stepBakeMinutes: 5,
    bakeMinutes: 5,
    alarms,
  }) as DeploymentStrategy;

async function planOf(stack: string) {
  const p = (await repositoryStacks()).find((x) => x.plan.stack === stack)!;
  return p.resources;
}

describe("progressive delivery in the plans", () => {
  it("production services deploy canary: 10% for 5 minutes, bake 5, alarms with rollback, no circuit breaker", async () => {
    const rs = await planOf("production");
    for (const app of ["erp-berhan", "menu-optimizer"]) {
      const svc = rs.find((r) => r.type === SERVICE && r.name === `${app}-production-service`)!;
      assert.deepEqual(svc.props.deploymentConfiguration, {
        strategy: "CANARY",
        bakeTimeInMinutes: "5",
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "5" },
      });
      assert.deepEqual(svc.props.alarms, {
        alarmNames: [
          `${app}-production-5xx-rate`,
          `${app}-production-latency-p95`,
          `${app}-production-5xx-rate-tg`,
          `${app}-production-5xx-rate-tg-alt`,
        ],
        enable: true,
        rollback: true,
      });
      // The circuit breaker is for rolling updates only (ECS API reference): the alarms roll a canary back.
      assert.equal(svc.props.deploymentCircuitBreaker, undefined);
      // ECS owns which target group is live; the set attribute is ignored whole (bridge issue 1756).
      const registered = (await repositoryStacks())
        .find((x) => x.plan.stack === "production")!
        .plan.resources.find((r) => r.urn === svc.urn)!;
      assert.deepEqual(registered.options?.ignoreChanges, ["loadBalancers"]);
      const lb = (svc.props.loadBalancers as Array<Record<string, any>>)[0];
      const alt = rs.find((r) => r.name === `${app}-production-tg-alt`)!;
      const rule = rs.find((r) => r.name === `${app}-production-production-rule`)!;
      const role = rs.find((r) => r.name === `${app}-production-ecs-lb-role`)!;
      assert.ok(lb.advancedConfiguration.alternateTargetGroupArn.includes(`:targetgroup/${alt.props.name}/`));
      assert.match(lb.advancedConfiguration.productionListenerRule, /:listener-rule\/app\//);
      assert.ok(rule.props.listenerArn && String(rule.props.priority) === "1");
      assert.ok(lb.advancedConfiguration.roleArn.endsWith(`:role/${role.props.name}`));
      assert.match(String(role.props.permissionsBoundary), /cicd-constitution-production-boundary$/);
      assert.equal(parsed(role.props.assumeRolePolicy).Statement[0].Principal.Service, "ecs.amazonaws.com");
      const forward = (rule.props.actions as Array<Record<string, any>>)[0].forward.targetGroups;
      assert.deepEqual(
        forward.map((g: { weight: number }) => g.weight),
        [100, 0],
      );
    }
  });

  it("a sticky app's weighted rule keeps each client on one target group while ECS shifts the weights", async () => {
    const rs = await planOf("production");
    const forwardOf = (app: string) =>
      (rs.find((r) => r.name === `${app}-production-production-rule`)!.props.actions as any[])[0].forward;
    // menu-optimizer (Streamlit) is sticky in Pulumi.production.yaml; erp-berhan is not.
    assert.deepEqual(forwardOf("menu-optimizer").stickiness, { enabled: true, duration: 86_400 });
    assert.equal(forwardOf("erp-berhan").stickiness, undefined);
  });

  it("each target group's 5xx alarm reads that group's own requests, so a failing 10% canary alarms", async () => {
    const rs = await planOf("production");
    const alt = rs.find((r) => r.name === "erp-berhan-production-observability-5xx-rate-tg-alt")!;
    const queries = alt.props.metricQueries as Array<{
      id: string;
      expression?: string;
      metric?: { metricName: string; dimensions: Record<string, string> };
    }>;
    const metrics = queries.filter((q) => q.metric);
    assert.deepEqual(
      metrics.map((q) => q.metric!.metricName),
      ["HTTPCode_Target_5XX_Count", "TargetConnectionErrorCount", "RequestCount"],
    );
    for (const q of metrics)
      assert.match(q.metric!.dimensions.TargetGroup, /^targetgroup\/erp-berhan-prod-tg-alt\//);
    // An idle group reads 0, never a division by zero.
    const floor = /^IF\(FILL\(requests, 0\) >= (\d+), /.exec(
      queries.find((q) => q.id === "rate")!.expression!,
    );
    assert.ok(floor, "the rate is guarded by a minimum request count");
    // A canary failing every request alarms on a quiet app: at 10% of 10 requests a minute it sees one a minute,
    // which must reach the floor; the 3-of-5 rule keeps a single failed request from rolling back.
    const canaryPercent = 10;
    const quietAppRequestsPerMinute = 10;
    assert.ok(Number(floor[1]) <= (quietAppRequestsPerMinute * canaryPercent) / 100, `floor ${floor[1]}`);
    assert.deepEqual([alt.props.datapointsToAlarm, alt.props.evaluationPeriods], [3, 5]);
  });

  it("pulumi up waits long enough for the strategy's shifts and bake times", () => {
    const d = {
      canaryPercent: 10,
      canaryBakeMinutes: 5,
      stepPercent: 20,
      stepBakeMinutes: 5,
      bakeMinutes: 5,
    };
    assert.equal(steadyStateMinutes({ ...d, strategy: "rolling" }), 20);
    assert.equal(steadyStateMinutes({ ...d, strategy: "canary" }), 30);
    assert.equal(steadyStateMinutes({ ...d, strategy: "linear" }), 50);
  });

  it("staging replaces tasks in place and has no alternate target group", async () => {
    const rs = await planOf("staging");
    const svc = rs.find((r) => r.type === SERVICE && r.name === "erp-berhan-staging-service")!;
    assert.deepEqual(svc.props.deploymentConfiguration, { strategy: "ROLLING" });
    assert.ok(!rs.some((r) => r.name.endsWith("-tg-alt")));
  });

  it("a canary without deployment alarms is refused before anything is registered", async () => {
    await assert.rejects(
      register(
        () =>
          new ServiceRuntime(
            "shop-production",
            shopArgs("production", { deployment: deploymentOf("canary") }),
          ),
      ),
      /deployment canary needs deploymentAlarmNames and alarms on/,
    );
  });
});

describe("deployment alarms can be turned off for an incident rollback", () => {
  it("rolling with alarms: false registers a service without deployment alarms (CC-RUN-13 then fails in production)", async () => {
    const rs = await register(
      () =>
        new ServiceRuntime(
          "shop-staging",
          shopArgs("staging", {
            deployment: deploymentOf("rolling", false),
            deploymentAlarmNames: ["shop-staging-5xx-rate", "shop-staging-latency-p95"],
          }),
        ),
    );
    const svc = rs.find((r) => r.type === SERVICE)!;
    assert.equal(svc.props.alarms, undefined);
    assert.deepEqual(svc.props.deploymentCircuitBreaker, { enable: true, rollback: true });
  });
});

describe("the drift audit's identity", () => {
  it("a drift environment deploying from main only, whose role reads and writes nothing", async () => {
    const rs = await planOf("production");
    const env = rs.find(
      (r) =>
        r.type === "github:index/repositoryEnvironment:RepositoryEnvironment" &&
        r.props.environment === "drift",
    )!;
    assert.deepEqual(env.props.reviewers, []);
    const policies = rs.filter(
      (r) =>
        r.type ===
          "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy" &&
        /-drift-/.test(r.name),
    );
    assert.deepEqual(
      policies.map((p) => p.props.branchPattern),
      ["main"],
    );
    const role = one(rs as never, "aws:iam/role:Role", "cicd-constitution-drift-deploy-role");
    assert.match(
      parsed(role.props.assumeRolePolicy).Statement[0].Condition.StringEquals[
        "token.actions.githubusercontent.com:sub"
      ],
      /:environment:drift$/,
    );
    const attached = rs.filter(
      (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && /drift/.test(r.name),
    );
    assert.deepEqual(
      attached.map((a) => a.props.policyArn),
      ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    );
    const inline = rs.find(
      (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && /drift-deploy-policy/.test(r.name),
    )!;
    const actions = parsed(inline.props.policy).Statement.flatMap((s: { Action: string[] }) => s.Action);
    assert.deepEqual(actions, ["secretsmanager:GetSecretValue"]);
  });
});
