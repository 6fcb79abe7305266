import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { standardTags } from "../../components/naming";
import { containerImageDefaults } from "../../components/ContainerImage";
import type { MigrationRun } from "../../components/MigrationTask";
import { MIGRATION_STREAM_PREFIX } from "../../components/runtimeTask";
import { ServiceRuntime, ServiceRuntimeArgs } from "../../components/ServiceRuntime";
import { ofType, one, outputValue, parsed, register, type Registered } from "../helpers";
import { allows, EC2_DESCRIPTION, type SecurityGroupRule } from "./securityGroups";
import { allowedExactly } from "../proofs/iam/evaluate";
import { createMocks } from "../../src/offline/mocks";

const DIGEST = `sha256:${"cd".repeat(32)}`;
function args(
  environment: "staging" | "production",
  over: Partial<ServiceRuntimeArgs> = {},
): ServiceRuntimeArgs {
  return {
    app: "shop",
    environment,
    region: "eu-west-1",
    imageRef: `ghcr.io/acme/shop@${DIGEST}`,
    build: { sha: "f".repeat(40), date: "2026-11-20T10:00:00Z", actor: "dev1" },
    port: 8080,
    cpu: 512,
    memoryMiB: 1024,
    desiredCount: 2,
    environmentVariables: { LOG_LEVEL: "info" },
    secrets: { DATABASE_URL: "postgres://user:pw@db/shop", JWT_SECRET: "jwt-secret-value" },
    vpcId: "vpc-0123456789abcdef0",
    publicSubnetIds: ["subnet-0000000000000001a", "subnet-0000000000000001b"],
    privateSubnetIds: ["subnet-0000000000000002a", "subnet-0000000000000002b"],
    certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
    tags: standardTags("shop", environment, "team-a"),
    ...over,
  };
}

describe("ServiceRuntime", () => {
  it("runs the image by digest with APP_ENV, BUILD_* variables, secrets by ARN and a /healthz container check", async () => {
    const rs = await register(() => new ServiceRuntime("shop-staging", args("staging")));
    const task = one(rs, "aws:ecs/taskDefinition:TaskDefinition");
    const [c] = parsed<any[]>(task.inputs.containerDefinitions);
    assert.equal(c.image, `ghcr.io/acme/shop@${DIGEST}`);
    const env = Object.fromEntries(c.environment.map((e: any) => [e.name, e.value]));
    assert.equal(env.APP_ENV, "staging");
    assert.equal(env.BUILD_SHA, "f".repeat(40));
    assert.equal(env.BUILD_DATE, "2026-11-20T10:00:00Z");
    assert.equal(env.BUILD_ACTOR, "dev1");
    assert.equal(env.LOG_LEVEL, "info");
    assert.equal(env.DATABASE_URL, undefined);
    // No pull credential given: the image is pulled without one (a public package).
    assert.equal(c.repositoryCredentials, undefined);
    assert.deepEqual(
      c.secrets.map((s: any) => s.name),
      ["DATABASE_URL", "JWT_SECRET"],
    );
    for (const s of c.secrets)
      assert.match(s.valueFrom, /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop\/staging\//);
    // No curl in slim Python images: the default probe is python3's urllib, on 127.0.0.1.
    assert.deepEqual(c.healthCheck.command, [
      "CMD",
      "python3",
      "-c",
      "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)",
    ]);
    assert.deepEqual(
      {
        interval: c.healthCheck.interval,
        timeout: c.healthCheck.timeout,
        startPeriod: c.healthCheck.startPeriod,
      },
      { interval: 15, timeout: 5, startPeriod: 60 },
    );
    // A writable /tmp on the read-only root (gunicorn's worker temp files).
    assert.deepEqual(task.inputs.volumes, [{ name: "scratch-tmp" }]);
    assert.deepEqual(c.mountPoints, [
      { sourceVolume: "scratch-tmp", containerPath: "/tmp", readOnly: false },
    ]);
    assert.equal(c.readonlyRootFilesystem, true);
    assert.equal(c.logConfiguration.options["awslogs-group"], "/ecs/shop-staging");
    assert.equal(task.inputs.cpu, "512");
    assert.equal(task.inputs.memory, "1024");
    assert.notEqual(task.inputs.executionRoleArn, task.inputs.taskRoleArn);
  });

  it("puts secret values only in Secrets Manager, as Pulumi secrets", async () => {
    const rs = await register(() => new ServiceRuntime("shop-staging", args("staging")));
    const versions = ofType(rs, "aws:secretsmanager/secretVersion:SecretVersion");
    assert.equal(versions.length, 2);
    for (const v of versions) assert.equal(v.inputs.secretString, "[secret]");
    const plan = JSON.stringify(rs.map((r) => r.inputs));
    assert.doesNotMatch(plan, /jwt-secret-value|user:pw/);
  });

  it("without health paths, the target group checks /readyz and the container health check calls /healthz", async () => {
    const rs = await register(() => new ServiceRuntime("shop-staging", args("staging")));
    const tg = one(rs, "aws:lb/targetGroup:TargetGroup");
    assert.equal((tg.inputs.healthCheck as any).path, "/readyz");
    const td = one(rs, "aws:ecs/taskDefinition:TaskDefinition");
    const [container] = JSON.parse(td.inputs.containerDefinitions as string);
    assert.match(container.healthCheck.command.join(" "), /http:\/\/127\.0\.0\.1:\d+\/healthz/);
  });

  it("ALB: HTTPS with a TLS 1.3 policy, HTTP redirects, invalid headers dropped, target group checks the readiness path it is given", async () => {
    const rs = await register(
      () => new ServiceRuntime("shop-staging", args("staging", { readinessPath: "/ready" })),
    );
    const alb = one(rs, "aws:lb/loadBalancer:LoadBalancer");
    assert.equal(alb.inputs.dropInvalidHeaderFields, true);
    assert.equal(alb.inputs.internal, false);
    assert.equal(alb.inputs.enableDeletionProtection, false);
    const https = one(rs, "aws:lb/listener:Listener", "-https");
    assert.equal(https.inputs.protocol, "HTTPS");
    assert.equal(https.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
    const http = one(rs, "aws:lb/listener:Listener", "-http-redirect");
    assert.deepEqual((http.inputs.defaultActions as any[])[0].redirect, {
      protocol: "HTTPS",
      port: "443",
      statusCode: "HTTP_301",
    });
    const tg = one(rs, "aws:lb/targetGroup:TargetGroup");
    assert.equal((tg.inputs.healthCheck as any).path, "/ready");
    assert.equal(tg.inputs.targetType, "ip");
    // HTTPS reaches the target group the service registers its tasks in, on the container's port.
    const [forward] = https.inputs.defaultActions as any[];
    const service = one(rs, "aws:ecs/service:Service");
    const [registered] = service.inputs.loadBalancers as any[];
    assert.equal(forward.type, "forward");
    assert.equal(forward.targetGroupArn, registered.targetGroupArn);
    assert.equal(registered.containerPort, 8080);
    assert.equal(tg.inputs.port, 8080);
    // The ALB ends TLS; inside the VPC it speaks HTTP to the tasks and counts a task ready on a 200 from the
    // readiness path only (a redirect or a 204 from a misrouted path is not ready).
    assert.equal(tg.inputs.protocol, "HTTP");
    assert.deepEqual(
      [(tg.inputs.healthCheck as any).protocol, (tg.inputs.healthCheck as any).matcher],
      ["HTTP", "200"],
    );
    // Stickiness, when on, is the ALB's own cookie (the only kind a target group without an app cookie takes).
    assert.equal((tg.inputs.stickiness as any).type, "lb_cookie");
  });

  it("service: circuit breaker with rollback, min healthy 100%, no public IP, Container Insights", async () => {
    const rs = await register(() => new ServiceRuntime("shop-staging", args("staging")));
    const svc = one(rs, "aws:ecs/service:Service");
    assert.deepEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
    assert.equal(svc.inputs.deploymentMinimumHealthyPercent, 100);
    assert.equal(svc.inputs.desiredCount, 2);
    assert.equal((svc.inputs.networkConfiguration as any).assignPublicIp, false);
    const cluster = one(rs, "aws:ecs/cluster:Cluster");
    assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
    const logs = one(rs, "aws:cloudwatch/logGroup:LogGroup");
    assert.equal(logs.inputs.retentionInDays, 30);
    // Fargate (no hosts to patch or log into) on the current platform, ECS's own deployments, which the circuit
    // breaker and the deployment alarms need (ECS API reference, DeploymentController).
    assert.deepEqual(
      [svc.inputs.launchType, svc.inputs.platformVersion, svc.inputs.deploymentController],
      ["FARGATE", "LATEST", { type: "ECS" }],
    );
    // No shell into a running task (ECS Exec): the way into an environment is a deploy through its workflow.
    assert.equal(svc.inputs.enableExecuteCommand, false);
    // `pulumi up` returns only once the deployment is steady, so a deployment the circuit breaker rolls back fails
    // the job that ran it; the tasks carry the service's tags (app, environment) for cost and audit.
    assert.equal(svc.inputs.waitForSteadyState, true);
    assert.equal(svc.inputs.propagateTags, "SERVICE");
  });

  it("production: deletion protection, protected roles and secrets, retained logs and secrets", async () => {
    const rs = await register(() => new ServiceRuntime("shop-production", args("production")), {
      stack: "production",
    });
    const alb = one(rs, "aws:lb/loadBalancer:LoadBalancer");
    assert.equal(alb.inputs.enableDeletionProtection, true);
    assert.deepEqual(alb.options, { protect: true });
    for (const role of ofType(rs, "aws:iam/role:Role"))
      assert.deepEqual(role.options, { protect: true }, role.urn);
    for (const s of ofType(rs, "aws:secretsmanager/secret:Secret")) {
      assert.deepEqual(s.options, { protect: true, retainOnDelete: true }, s.urn);
      assert.equal(s.inputs.recoveryWindowInDays, 30, s.urn);
    }
    assert.deepEqual(one(rs, "aws:cloudwatch/logGroup:LogGroup").options, { retainOnDelete: true });
  });

  it("staging deletes its secrets without a recovery window, so a recreated stack can reuse their names", async () => {
    const rs = await register(() => new ServiceRuntime("shop-staging", args("staging")));
    const secrets = ofType(rs, "aws:secretsmanager/secret:Secret");
    assert.ok(secrets.length > 0);
    for (const s of secrets) assert.equal(s.inputs.recoveryWindowInDays, 0, s.urn);
  });

  it("tags every taggable resource with app, environment, owner, managed-by", async () => {
    const rs = await register(() => new ServiceRuntime("shop-staging", args("staging")));
    const taggable = rs.filter((r) => "tags" in r.inputs);
    assert.ok(taggable.length >= 10, `only ${taggable.length} tagged resources`);
    for (const r of taggable)
      assert.deepEqual(r.inputs.tags, standardTags("shop", "staging", "team-a"), r.urn);
  });

  it("a migration runs on the service's platform, cluster, network and log group; cicd migrate reads where", async () => {
    let runtime: ServiceRuntime | undefined;
    const rs = await register(() => {
      runtime = new ServiceRuntime(
        "shop-staging",
        args("staging", { migrationCommand: ["alembic", "upgrade", "head"], migrationTimeoutSeconds: 600 }),
      );
    });
    const [serviceTask, migration] = ["shop-staging-task", "shop-staging-migration-task"].map((name) =>
      ofType(rs, "aws:ecs/taskDefinition:TaskDefinition").find((t) => t.name === name),
    );
    assert.ok(serviceTask && migration);
    // ECS runs a task on its runtimePlatform only when the image has that variant (linux/amd64 for LINUX/X86_64).
    assert.deepEqual(migration.inputs.runtimePlatform, serviceTask.inputs.runtimePlatform);
    // cicd migrate runs it as the service runs: Fargate, awsvpc; its own family, ending with the environment as
    // the deploy role's ecs:RunTask scope `task-definition/*-<environment>:*` needs; kept on replacement.
    for (const key of ["networkMode", "requiresCompatibilities", "cpu", "memory", "skipDestroy"])
      assert.deepEqual(migration.inputs[key], serviceTask.inputs[key], key);
    assert.deepEqual(
      [serviceTask.inputs.networkMode, serviceTask.inputs.requiresCompatibilities],
      ["awsvpc", ["FARGATE"]],
    );
    assert.equal(migration.inputs.skipDestroy, true);
    assert.equal(migration.inputs.family, "shop-migrate-staging");
    assert.notEqual(migration.inputs.family, serviceTask.inputs.family);
    assert.deepEqual(
      [(migration.inputs.tags as any).purpose, (migration.inputs.tags as any)["migration-contract"]],
      ["migration", "safe_online"],
    );
    const platform = migration.inputs.runtimePlatform as Record<string, string>;
    const variant = `${platform.operatingSystemFamily.toLowerCase()}/${{ X86_64: "amd64", ARM64: "arm64" }[platform.cpuArchitecture]}`;
    assert.ok(containerImageDefaults.platforms.includes(variant), variant);
    const [container] = parsed<any[]>(migration.inputs.containerDefinitions);
    assert.deepEqual(container.command, ["alembic", "upgrade", "head"]);
    const run = await outputValue<MigrationRun>(runtime!.migration!.runInputs);
    const cluster = one(rs, "aws:ecs/cluster:Cluster");
    const service = one(rs, "aws:ecs/service:Service");
    assert.deepEqual(run, {
      cluster: cluster.inputs.name,
      family: migration.inputs.family,
      subnets: args("staging").privateSubnetIds,
      securityGroups: (service.inputs.networkConfiguration as any).securityGroups,
      container: container.name,
      logGroup: one(rs, "aws:cloudwatch/logGroup:LogGroup").inputs.name,
      streamPrefix: container.logConfiguration.options["awslogs-stream-prefix"],
      timeoutSeconds: 600,
    });
    assert.equal(run.streamPrefix, MIGRATION_STREAM_PREFIX);
    // Its log streams are its own (Fargate needs a prefix): the service's are under the app's name.
    const [served] = parsed<any[]>(serviceTask.inputs.containerDefinitions);
    assert.equal(served.logConfiguration.options["awslogs-stream-prefix"], "shop");
    assert.notEqual(MIGRATION_STREAM_PREFIX, "");
    assert.notEqual(MIGRATION_STREAM_PREFIX, "shop");
    // The service takes the app's port over TCP and is health-checked; a migration runs its command, no port, no
    // health check. Each task's one container is essential (ECS: a task needs one), its variables in name order so
    // that the same inputs make the same revision.
    assert.deepEqual(served.portMappings, [{ containerPort: 8080, protocol: "tcp" }]);
    assert.ok(served.healthCheck, "the service's health check");
    assert.deepEqual([container.portMappings, container.healthCheck], [undefined, undefined]);
    for (const c of [served, container]) {
      assert.equal(c.essential, true);
      const names = c.environment.map((e: { name: string }) => e.name);
      assert.deepEqual(names, [...names].sort(), "variables in name order");
      assert.ok(names.length > 3, "variables listed");
    }
  });

  it("rejects an image given by tag instead of digest", () => {
    assert.throws(
      () => new ServiceRuntime("t", args("staging", { imageRef: "ghcr.io/acme/shop:latest" })),
      /pinned by digest/,
    );
  });

  it("rejects reserved variables, secrets named like reserved variables, and variables that are also secrets", () => {
    assert.throws(
      () => new ServiceRuntime("x", args("staging", { environmentVariables: { APP_ENV: "prod" } })),
      /APP_ENV are set by the runtime itself/,
    );
    // A reserved name among the secrets is named as a secret, not reported as a variable.
    assert.throws(
      () =>
        new ServiceRuntime(
          "z",
          args("staging", {
            environmentVariables: { PORT: "80" },
            secrets: { BUILD_SHA: "x", JWT_SECRET: "y" },
          }),
        ),
      (e: Error) =>
        /environmentVariables PORT are set by the runtime itself/.test(e.message) &&
        /secrets BUILD_SHA take names of variables the runtime sets itself/.test(e.message) &&
        !/JWT_SECRET/.test(e.message),
    );
    assert.throws(
      () => new ServiceRuntime("y", args("staging", { environmentVariables: { JWT_SECRET: "plain" } })),
      /JWT_SECRET are also secrets/,
    );
  });

  it("names every offending variable and secret, and every problem, in one error", () => {
    assert.throws(
      () =>
        new ServiceRuntime(
          "w",
          args("staging", {
            environmentVariables: { APP_ENV: "x", PORT: "80", A: "1", B: "2" },
            secrets: { BUILD_SHA: "s", BUILD_DATE: "d", A: "a", B: "b" },
          }),
        ),
      (e: Error) => {
        assert.equal(
          e.message,
          "ServiceRuntime w: environmentVariables APP_ENV, PORT are set by the runtime itself; " +
            "secrets BUILD_SHA, BUILD_DATE take names of variables the runtime sets itself; " +
            "environmentVariables A, B are also secrets",
        );
        return true;
      },
    );
  });

  it("a canary or linear deployment needs deployment alarms on: they are what roll it back", () => {
    const canary = {
      strategy: "canary" as const,
      canaryPercent: 10,
      canaryBakeMinutes: 5,
      bakeMinutes: 5,
    };
    const linear = { strategy: "linear" as const, stepPercent: 10, stepBakeMinutes: 1, bakeMinutes: 5 };
    for (const deployment of [canary, linear]) {
      assert.throws(
        () => new ServiceRuntime("c", args("production", { deployment })),
        new RegExp(`^Error: ServiceRuntime c: deployment ${deployment.strategy} needs deploymentAlarmNames`),
      );
      assert.throws(
        () =>
          new ServiceRuntime(
            "c",
            args("production", { deployment: { ...deployment, alarms: false }, deploymentAlarmNames: ["a"] }),
          ),
        /needs deploymentAlarmNames and alarms on/,
      );
      assert.doesNotThrow(
        () =>
          new ServiceRuntime(
            `ok-${deployment.strategy}`,
            args("production", { deployment, deploymentAlarmNames: ["a"] }),
          ),
      );
    }
    // A rolling deployment has the circuit breaker: alarms are optional.
    assert.doesNotThrow(
      () => new ServiceRuntime("r", args("staging", { deployment: { strategy: "rolling" } })),
    );
  });

  it("a container's health-check grace period is at most 300 seconds (ECS HealthCheck startPeriod)", () => {
    const timing = { intervalSeconds: 30, timeoutSeconds: 5, retries: 3 };
    assert.throws(
      () =>
        new ServiceRuntime("h", args("staging", { containerHealth: { ...timing, startPeriodSeconds: 301 } })),
      /^Error: ServiceRuntime h: containerHealth.startPeriodSeconds 301 > 300 \(ECS limit\)$/,
    );
    assert.doesNotThrow(
      () =>
        new ServiceRuntime(
          "h300",
          args("staging", { containerHealth: { ...timing, startPeriodSeconds: 300 } }),
        ),
    );
  });

  it("the execution role may read exactly the secrets its task references (IAM simulator), and none when there are none", async () => {
    const rs = await register(
      () =>
        new ServiceRuntime(
          "shop-staging",
          args("staging", { registryCredentials: { username: "u", password: "pull-token-value" } }),
        ),
    );
    const task = one(rs, "aws:ecs/taskDefinition:TaskDefinition");
    const [c] = parsed<any[]>(task.inputs.containerDefinitions);
    const referenced: string[] = [
      ...c.secrets.map((s: any) => s.valueFrom),
      c.repositoryCredentials.credentialsParameter,
    ];
    assert.equal(referenced.length, 3);
    const role = one(rs, "aws:iam/role:Role", "-execution-role");
    const executionRole = {
      stack: "staging",
      urn: role.urn,
      name: String(role.inputs.name),
      arn: `arn:aws:iam::123456789012:role/${role.inputs.name}`,
      environment: "staging",
      app: "shop",
      identityPolicies: ofType(rs, "aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs.role === role.inputs.name)
        .map((p) => ({ name: p.name, policy: parsed(p.inputs.policy) })),
    };
    const read = (arn: string) =>
      allowedExactly(executionRole, "secretsmanager:GetSecretValue", { arn, tags: {} });
    for (const arn of referenced) assert.equal((await read(arn)).allowed, true, arn);
    // Another environment's secret of the same name, and another app's.
    for (const arn of [
      referenced[0].replace("/staging/", "/production/"),
      referenced[0].replace(":secret:shop/", ":secret:cart/"),
    ])
      assert.equal((await read(arn)).allowed, false, arn);
    // Both roles are assumed by ECS for the tasks, and by nothing else (ECS developer guide, "Amazon ECS task
    // execution IAM role": the ecs-tasks.amazonaws.com service principal).
    for (const r of ofType(rs, "aws:iam/role:Role"))
      assert.deepEqual(
        parsed<any>(r.inputs.assumeRolePolicy).Statement,
        [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
        r.name,
      );
    // Each secret says what it holds, for whom: its variable (or the pull credential), app and environment.
    assert.deepEqual(
      ofType(rs, "aws:secretsmanager/secret:Secret")
        .map((s) => s.inputs.description)
        .sort(),
      [
        "DATABASE_URL of shop (staging)",
        "Image pull credential of shop (staging): ECS repositoryCredentials",
        "JWT_SECRET of shop (staging)",
      ],
    );

    // No secret and no pull credential: no read policy at all (IAM refuses a statement without a resource).
    const bare = await register(() => new ServiceRuntime("bare-staging", args("staging", { secrets: {} })));
    assert.deepEqual(
      ofType(bare, "aws:iam/rolePolicy:RolePolicy").filter((p) =>
        JSON.stringify(p.inputs.policy).includes("secretsmanager:"),
      ),
      [],
    );
  });

  it("network: the internet reaches the ALB on 443 and 80 only, the tasks only from the ALB on the app's port (security-group evaluator)", async () => {
    const rs = await register(() => new ServiceRuntime("shop-staging", args("staging")));
    const groups = ofType(rs, "aws:ec2/securityGroup:SecurityGroup");
    // Each group's id, as the offline preview's mocks give it (the plan records inputs, not ids).
    const mocks = createMocks({ region: "eu-west-1" });
    const idOf = (g: Registered) => {
      const created = mocks.newResource({ type: g.type, name: g.name, inputs: g.inputs, custom: true });
      return String((created as pulumi.runtime.MockResourceResult).id);
    };
    const attached = (ids: unknown) => groups.filter((g) => (ids as string[]).includes(idOf(g)));
    const rulesOf = (gs: Registered[], way: "ingress" | "egress") =>
      gs.flatMap((g) => g.inputs[way] as SecurityGroupRule[]);
    const alb = attached(one(rs, "aws:lb/loadBalancer:LoadBalancer").inputs.securityGroups);
    const tasks = attached(
      (one(rs, "aws:ecs/service:Service").inputs.networkConfiguration as any).securityGroups,
    );
    assert.equal(alb.length, 1);
    assert.equal(tasks.length, 1);
    const albIds = alb.map(idOf);
    const internet = [{ address: "203.0.113.7" }, { address: "2001:db8::7" }];
    const task = { address: "10.0.2.15", groups: tasks.map(idOf) };
    const fromAlb = { address: "10.0.1.20", groups: albIds };
    for (const peer of internet) {
      assert.ok(allows(rulesOf(alb, "ingress"), "tcp", 443, peer), `HTTPS from ${peer.address}`);
      assert.ok(allows(rulesOf(alb, "ingress"), "tcp", 80, peer), `HTTP from ${peer.address}`);
      for (const port of [22, 8080, 5432])
        assert.ok(!allows(rulesOf(alb, "ingress"), "tcp", port, peer), `${port}`);
      assert.ok(!allows(rulesOf(tasks, "ingress"), "tcp", 8080, peer), `tasks from ${peer.address}`);
    }
    // The ALB forwards to the tasks' port and nowhere else; the tasks take that port from the ALB only.
    assert.ok(allows(rulesOf(alb, "egress"), "tcp", 8080, task), "ALB to the tasks' port");
    assert.ok(!allows(rulesOf(alb, "egress"), "tcp", 5432, task), "ALB to another port");
    assert.ok(allows(rulesOf(tasks, "ingress"), "tcp", 8080, fromAlb), "tasks from the ALB");
    assert.ok(!allows(rulesOf(tasks, "ingress"), "tcp", 22, fromAlb), "tasks' port 22 from the ALB");
    assert.ok(!allows(rulesOf(tasks, "ingress"), "udp", 8080, fromAlb), "UDP from the ALB");
    // The tasks reach out: ghcr.io over HTTPS (through NAT), a database in the VPC, DNS.
    assert.ok(allows(rulesOf(tasks, "egress"), "tcp", 443, { address: "140.82.112.33" }), "HTTPS out");
    assert.ok(allows(rulesOf(tasks, "egress"), "tcp", 5432, { address: "10.0.3.4" }), "a database");
    assert.ok(allows(rulesOf(tasks, "egress"), "udp", 53, { address: "10.0.0.2" }), "DNS");
    // What EC2 accepts as descriptions, and what they say.
    for (const g of groups) {
      assert.match(String(g.inputs.description), EC2_DESCRIPTION, g.name);
      assert.match(String(g.inputs.description), /^shop staging /, g.name);
      for (const r of [...rulesOf([g], "ingress"), ...rulesOf([g], "egress")])
        assert.match(String(r.description), EC2_DESCRIPTION, `${g.name}: ${r.description}`);
    }
  });
});
