import type { ContainerDefinition, HealthCheck } from "@aws-sdk/client-ecs";
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import {
  APPCONFIG_VARIABLES,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_PATHS,
  digestOfRef,
  RESERVED_VARIABLES,
} from "../policy-pack/lib/facts";
import { physicalNames, StandardTags } from "./naming";
import { executionPolicy, trafficShiftPolicy } from "./runtimePolicies";
import { assumeRoleBy, policyJson, withDefaults } from "./util";
import {
  DEFAULT_CONTAINER_HEALTH,
  DEFAULT_HEALTH_CHECK_GRACE_SECONDS,
  DEFAULT_SCRATCH_PATHS,
  DEFAULT_STICKINESS,
} from "./defaults";

/** Container health check timing, seconds (ECS `HealthCheck`: interval 5-300, timeout 2-60, retries 1-10, startPeriod 0-300). */
export interface ContainerHealthTiming {
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  startPeriodSeconds: number;
}

/**
 * How ECS replaces the tasks of a deployment (ECS developer guide, "Deployment strategies"; API
 * `DeploymentConfiguration`). `rolling` replaces tasks in place; `canary` shifts `canaryPercent` of the traffic
 * to the new revision, waits `canaryBakeMinutes`, then shifts the rest; `linear` shifts `stepPercent` every
 * `stepBakeMinutes`. Both keep the old revision for `bakeMinutes` after the last shift, during which a deployment
 * alarm still rolls back. Canary and linear need a second target group, a listener rule ECS re-weights, and a
 * role ECS assumes to do it (ECS developer guide, "Application Load Balancer resources for blue/green, linear,
 * and canary deployments"); the component creates all three.
 * Ranges (ECS API `CanaryConfiguration`, `LinearConfiguration`): canaryPercent 0.1-100, stepPercent 3-100,
 * every bake time 0-1440 minutes.
 */
export type DeploymentStrategy =
  | { strategy: "rolling"; alarms?: boolean }
  | {
      strategy: "canary";
      /** Percent of the traffic the new revision gets first. */
      canaryPercent: number;
      /** Minutes the canary serves before the rest of the traffic shifts. */
      canaryBakeMinutes: number;
      /** Minutes the old revision is kept after the last shift (ECS `bakeTimeInMinutes`). */
      bakeMinutes: number;
      /** Whether the deployment alarms fail and roll back a deployment. Default: true. */
      alarms?: boolean;
    }
  | {
      strategy: "linear";
      /** Percent of the traffic shifted at each step. */
      stepPercent: number;
      /** Minutes between steps. */
      stepBakeMinutes: number;
      /** Minutes the old revision is kept after the last shift (ECS `bakeTimeInMinutes`). */
      bakeMinutes: number;
      /** Whether the deployment alarms fail and roll back a deployment. Default: true. */
      alarms?: boolean;
    };

/**
 * Minutes `pulumi up` waits for a deployment of this strategy to reach a steady state: the provider's default
 * (20 minutes) for rolling; for canary and linear, the shifts and bake times plus those 20 minutes for the tasks
 * to start and register (a linear deployment of 20% every 5 minutes is counted as five waits, one more than it takes: the margin errs long).
 */
export function steadyStateMinutes(d: DeploymentStrategy): number {
  const margin = 20;
  switch (d.strategy) {
    case "rolling":
      return margin;
    case "canary":
      return d.canaryBakeMinutes + d.bakeMinutes + margin;
    case "linear":
      return Math.ceil(100 / d.stepPercent) * d.stepBakeMinutes + d.bakeMinutes + margin;
  }
}

/** Whether ECS shifts traffic between two target groups for this strategy (canary, linear). */
export function shiftsTraffic(d: Pick<DeploymentStrategy, "strategy">): boolean {
  return d.strategy !== "rolling";
}

/** The AppConfig feature-flags profile the app reads (AppConfigData `StartConfigurationSession`). */
export interface FeatureFlagsTarget {
  applicationId: string;
  environmentId: string;
  profileId: string;
  /** `arn:aws:appconfig:REGION:ACCOUNT:application/APP/environment/ENV/configuration/PROFILE`. */
  configurationArn: string;
}

/**
 * Arguments of {@link ServiceRuntime}.
 * Source: F6 "Health / Readiness / Liveness Endpoints", "Environment Profiles"; OPS "Automated Health Checks",
 * "Rollback Procedures", "Configuration Management"; CONST "Build Once, Promote Many" (12-factor config).
 */
export interface ServiceRuntimeArgs {
  /** App name (container name, log group, resource names). */
  app: string;
  /** `staging` or `production`: `APP_ENV` of the container. */
  environment: "staging" | "production";
  /** Image by digest, `ghcr.io/OWNER/NAME@sha256:<64 hex>` (CC-ART-06). */
  imageRef: pulumi.Input<string>;
  /**
   * Credentials of a private registry (GHCR packages are private by default): stored as a Secrets Manager
   * secret `{"username","password"}` that only the execution role may read, and named by the container's
   * `repositoryCredentials` (ECS developer guide, "Private registry authentication for tasks"; CC-RUN-11).
   * Default: none (a public image, pulled anonymously).
   */
  registryCredentials?: { username: string; password: pulumi.Input<string> };
  /** `BUILD_SHA`, `BUILD_DATE`, `BUILD_ACTOR` of that image (F6 "Build metadata", exposed by `/version`). */
  build: { sha: pulumi.Input<string>; date: pulumi.Input<string>; actor: pulumi.Input<string> };
  /** AWS region (log driver). */
  region: string;
  /** Container port. */
  port: number;
  /** Task CPU units (1024 = 1 vCPU). */
  cpu: number;
  /** Task memory, MiB. */
  memoryMiB: number;
  /** Running tasks. Production needs >= 2 (CC-RUN-04). */
  desiredCount: number;
  /** Target-group health check path (readiness). Default: `/readyz`. */
  readinessPath?: string;
  /** Container health check path. Default: `/healthz`. */
  healthPath?: string;
  /**
   * Container health check command (`["CMD", ...]` or `["CMD-SHELL", "..."]`), calling
   * `http://127.0.0.1:<port><healthPath>`. Default: {@link defaultHealthCommand} (python3 + urllib, no curl).
   */
  healthCommand?: string[];
  /** Container health check timing, seconds. Default: interval 15, timeout 5, retries 3, start period 60. */
  containerHealth?: ContainerHealthTiming;
  /** Writable directories on the read-only root, one ephemeral task volume each (CC-RUN-12). Default: `["/tmp"]`. */
  scratchPaths?: string[];
  /** Target-group stickiness (`lb_cookie`). Default: off, 86400 s. */
  stickiness?: { enabled: boolean; durationSeconds: number };
  /**
   * The app's feature flags: the container gets `APPCONFIG_APPLICATION_ID`, `APPCONFIG_ENVIRONMENT_ID`,
   * `APPCONFIG_PROFILE_ID`, and the task role may `appconfig:StartConfigurationSession` and
   * `appconfig:GetLatestConfiguration` on that one configuration (CC-FLAG-04). Default: none.
   */
  featureFlags?: pulumi.Input<FeatureFlagsTarget>;
  /** Plain environment variables (never secrets). Default: none. */
  environmentVariables?: Record<string, string>;
  /** Secrets, name -> value (Pulumi secrets); stored in Secrets Manager, injected by reference. Default: none. */
  secrets?: Record<string, pulumi.Input<string>>;
  /** VPC of the service. */
  vpcId: string;
  /** Subnets of the internet-facing load balancer. */
  publicSubnetIds: string[];
  /** Subnets of the tasks; tasks get no public IP, so these need a NAT route to reach ghcr.io. */
  privateSubnetIds: string[];
  /** ACM certificate ARN of the HTTPS listener. */
  certificateArn: string;
  /** Log retention, days. Default: 30. */
  logRetentionDays?: number;
  /** Seconds the service ignores load-balancer health checks after a task starts. Default: 60. */
  healthCheckGracePeriodSeconds?: number;
  /**
   * Destroy safety: ALB deletion protection, Pulumi `protect` on the load balancer, the IAM roles and the
   * secrets, and `retainOnDelete` on the secrets and the log group (losing them loses data).
   * Default: true in production, false otherwise.
   */
  deletionProtection?: boolean;
  /** Deployment min healthy percent. Default: 100 (never fewer healthy tasks than desired during a deploy). */
  minimumHealthyPercent?: number;
  /** Deployment max percent. Default: 200. */
  maximumPercent?: number;
  /** How ECS replaces tasks (CC-RUN-13). Default: `rolling`. */
  deployment?: DeploymentStrategy;
  /**
   * CloudWatch alarms that fail a deployment and roll it back (ECS service `alarms`, "deployment alarms"): the
   * app's 5xx and latency alarms. An Output of the alarms' names, so the service waits for the alarms.
   * Default: none (then only the circuit breaker rolls back).
   */
  deploymentAlarmNames?: pulumi.Input<string[]>;
  /** TLS policy of the HTTPS listener. Default: `ELBSecurityPolicy-TLS13-1-2-2021-06`. */
  sslPolicy?: string;
  /**
   * ARN of the environment's permissions boundary, attached to the execution and task roles (the deploy role
   * may create roles only with it: `components/deployPolicies.ts`). Default: none.
   */
  permissionsBoundary?: pulumi.Input<string>;
  /** Tags of every resource. */
  tags: StandardTags;
}

/**
 * The settings of an app's runtime that come from its config (`cicd-constitution:apps[].runtime`): what
 * {@link Application} passes to ServiceRuntime as they are. A setting added to {@link ServiceRuntimeArgs} and
 * listed here reaches the component from the model without another file naming it (src/program.ts maps the
 * model's runtime onto these names and fails to compile when the model has a field this type lacks).
 */
export type RuntimeSettings = Pick<
  ServiceRuntimeArgs,
  | "port"
  | "cpu"
  | "memoryMiB"
  | "desiredCount"
  | "readinessPath"
  | "healthPath"
  | "healthCommand"
  | "containerHealth"
  | "scratchPaths"
  | "stickiness"
  | "environmentVariables"
  | "secrets"
  | "logRetentionDays"
  | "healthCheckGracePeriodSeconds"
  | "deployment"
>;

/** Defaults, written once. */
export const serviceRuntimeDefaults = {
  readinessPath: DEFAULT_PATHS.readiness,
  healthPath: DEFAULT_PATHS.liveness,
  containerHealth: { ...DEFAULT_CONTAINER_HEALTH } as ContainerHealthTiming,
  scratchPaths: [...DEFAULT_SCRATCH_PATHS],
  stickiness: { ...DEFAULT_STICKINESS } as { enabled: boolean; durationSeconds: number },
  environmentVariables: {} as Record<string, string>,
  secrets: {} as Record<string, pulumi.Input<string>>,
  logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
  healthCheckGracePeriodSeconds: DEFAULT_HEALTH_CHECK_GRACE_SECONDS,
  minimumHealthyPercent: 100,
  maximumPercent: 200,
  // The shares and bake times of canary and linear come with the strategy (the config model's defaults).
  deployment: { strategy: "rolling" } as DeploymentStrategy,
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
};

/**
 * The default container health command: Python's standard library, since the apps are Python images and slim
 * images ship neither curl nor wget. `urlopen` raises (exit 1) on a refused connection, a timeout or a non-2xx.
 */
export function defaultHealthCommand(port: number, path: string, timeoutSeconds: number): string[] {
  const url = `http://127.0.0.1:${port}${path}`;
  const limit = Math.max(1, timeoutSeconds - 1);
  return [
    "CMD",
    "python3",
    "-c",
    `import urllib.request; urllib.request.urlopen('${url}', timeout=${limit})`,
  ];
}

/** The task volume name of a scratch path (`/tmp` -> `scratch-tmp`; letters, digits, `-`, `_` only). */
export function scratchVolumeName(path: string): string {
  return `scratch${path.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

const TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com";

type Settings = ReturnType<
  typeof withDefaults<typeof serviceRuntimeDefaults & { deletionProtection: boolean }, ServiceRuntimeArgs>
>;

/**
 * An ECS Fargate service behind an internet-facing ALB: HTTPS listener (HTTP redirects), target-group health
 * check on the readiness path, container health check on the health path, deployment circuit breaker with
 * rollback and deployment alarms with rollback, a rolling, canary or linear deployment (the latter two with an
 * alternate target group, a production listener rule and ECS's load-balancer role), image by digest pulled with
 * registry credentials, `APP_ENV`/`BUILD_*`/`APPCONFIG_*` variables, secrets by Secrets Manager reference, a log
 * group with retention, no public IP, read-only root filesystem with writable scratch volumes, separate execution
 * and task roles, Container Insights.
 *
 * Built in named steps: roles, secrets, network, load balancer, traffic shifting, task definition, service.
 *
 * @throws Error when a variable is reserved or also a secret, the container start period exceeds ECS's 300 s, a
 *   canary or linear deployment has no deployment alarms (or has them turned off), or an image given as a plain
 *   string is not pinned by digest (`...@sha256:<64 hex>`, CC-ART-06); an image given as an Output is checked by
 *   the policy pack.
 */
export class ServiceRuntime extends pulumi.ComponentResource {
  readonly cluster: aws.ecs.Cluster;
  readonly service: aws.ecs.Service;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  /** Canary and linear: the target group of the new revision during a deployment (ECS alternates them). */
  readonly alternateTargetGroup?: aws.lb.TargetGroup;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly executionRole: aws.iam.Role;
  readonly taskRole: aws.iam.Role;
  /** Load balancer DNS name. */
  readonly dnsName: pulumi.Output<string>;
  /** `app/NAME/ID` suffix of the ALB, for CloudWatch metrics. */
  readonly loadBalancerArnSuffix: pulumi.Output<string>;
  /** `targetgroup/NAME/ID` suffix of the target group, for CloudWatch metrics. */
  readonly targetGroupArnSuffix: pulumi.Output<string>;

  private readonly settings: Settings;
  private readonly names: ReturnType<typeof physicalNames>;
  /** What the service waits for: role policies (pulls, secrets, flags) and secret values. */
  private readonly startAfter: pulumi.Resource[] = [];

  constructor(name: string, args: ServiceRuntimeArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const a = ServiceRuntime.validate(name, args);
    super("cicd-constitution:runtime:ServiceRuntime", name, {}, opts);
    this.settings = a;
    this.names = physicalNames(a.app, a.environment);

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: this.names.logGroup.name, retentionInDays: a.logRetentionDays, tags: a.tags },
      { parent: this, retainOnDelete: a.deletionProtection },
    );
    [this.executionRole, this.taskRole] = this.roles(name);
    const secrets = this.secrets(name);
    const registrySecretArn = this.registryCredentials(name);
    this.allowExecutionRoleToRead(name, [
      ...secrets.map((s) => s.valueFrom),
      ...(registrySecretArn ? [registrySecretArn] : []),
    ]);
    this.allowTaskRoleToReadFlags(name);
    const { albSg, serviceSg } = this.network(name);
    const { loadBalancer, targetGroup, https } = this.loadBalancing(name, albSg);
    this.loadBalancer = loadBalancer;
    this.targetGroup = targetGroup;
    const shifting = this.trafficShifting(name, https);
    this.alternateTargetGroup = shifting?.alternate;
    this.taskDefinition = this.taskDefinitionOf(name, secrets, registrySecretArn);
    this.cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      {
        name: this.names.cluster.name,
        settings: [{ name: "containerInsights", value: "enabled" }],
        tags: a.tags,
      },
      { parent: this },
    );
    this.service = this.serviceOf(name, serviceSg, https, shifting);

    this.dnsName = this.loadBalancer.dnsName;
    this.loadBalancerArnSuffix = this.loadBalancer.arnSuffix;
    this.targetGroupArnSuffix = this.targetGroup.arnSuffix;
    this.registerOutputs({
      serviceName: this.service.name,
      clusterArn: this.cluster.arn,
      dnsName: this.dnsName,
      taskDefinitionArn: this.taskDefinition.arn,
    });
  }

  /** Applies the defaults and rejects conflicting arguments before anything is registered. */
  private static validate(name: string, args: ServiceRuntimeArgs): Settings {
    const a = withDefaults(
      { ...serviceRuntimeDefaults, deletionProtection: args.environment === "production" },
      args,
    );
    if (typeof args.imageRef === "string" && !digestOfRef(args.imageRef)) {
      throw new Error(
        `ServiceRuntime ${name}: imageRef must be pinned by digest (...@sha256:<64 hex>), got ${args.imageRef}`,
      );
    }
    const reserved = (names: object) => Object.keys(names).filter((k) => RESERVED_VARIABLES.includes(k));
    const [reservedVariables, reservedSecrets] = [reserved(a.environmentVariables), reserved(a.secrets)];
    const both = Object.keys(a.environmentVariables).filter((k) => k in a.secrets);
    const problems = [
      ...(reservedVariables.length
        ? [`environmentVariables ${reservedVariables.join(", ")} are set by the runtime itself`]
        : []),
      ...(reservedSecrets.length
        ? [`secrets ${reservedSecrets.join(", ")} take names of variables the runtime sets itself`]
        : []),
      ...(both.length ? [`environmentVariables ${both.join(", ")} are also secrets`] : []),
      ...(shiftsTraffic(a.deployment) && (!args.deploymentAlarmNames || a.deployment.alarms === false)
        ? [`deployment ${a.deployment.strategy} needs deploymentAlarmNames and alarms on (they roll it back)`]
        : []),
      ...(a.containerHealth.startPeriodSeconds > 300
        ? [`containerHealth.startPeriodSeconds ${a.containerHealth.startPeriodSeconds} > 300 (ECS limit)`]
        : []),
    ];
    if (problems.length) throw new Error(`ServiceRuntime ${name}: ${problems.join("; ")}`);
    return a;
  }

  /** Step 1: the execution role (pulls, logs, secrets) and the task role (the app's own AWS calls). */
  private roles(name: string): [aws.iam.Role, aws.iam.Role] {
    const a = this.settings;
    const opts = { parent: this, protect: a.deletionProtection };
    const executionRole = new aws.iam.Role(
      `${name}-execution-role`,
      {
        name: this.names.executionRole.name,
        assumeRolePolicy: assumeRoleBy(TASKS_PRINCIPAL),
        permissionsBoundary: a.permissionsBoundary,
        tags: a.tags,
      },
      opts,
    );
    // Image pulls and this app's own log streams (AWS's AmazonECSTaskExecutionRolePolicy allows every log group).
    this.startAfter.push(
      new aws.iam.RolePolicy(
        `${name}-execution-policy`,
        { role: executionRole.name, policy: this.logGroup.arn.apply(executionPolicy) },
        { parent: this },
      ),
    );
    const taskRole = new aws.iam.Role(
      `${name}-task-role`,
      {
        name: this.names.taskRole.name,
        assumeRolePolicy: assumeRoleBy(TASKS_PRINCIPAL),
        permissionsBoundary: a.permissionsBoundary,
        tags: a.tags,
      },
      opts,
    );
    return [executionRole, taskRole];
  }

  /**
   * A Secrets Manager secret with its value; protected and retained in production. Production keeps a deleted
   * secret 30 days (the longest recovery window); staging deletes without recovery (`recoveryWindowInDays: 0`),
   * because a secret scheduled for deletion keeps its name and a destroy-and-recreate of the stack would fail on
   * `CreateSecret` (Secrets Manager `DeleteSecret`, "RecoveryWindowInDays" and "ForceDeleteWithoutRecovery").
   */
  private secretOf(
    logicalName: string,
    secretName: string,
    description: string,
    value: pulumi.Input<string>,
  ) {
    const a = this.settings;
    const secret = new aws.secretsmanager.Secret(
      logicalName,
      {
        name: secretName,
        description,
        recoveryWindowInDays: a.environment === "production" ? 30 : 0,
        tags: a.tags,
      },
      { parent: this, protect: a.deletionProtection, retainOnDelete: a.deletionProtection },
    );
    // The service starts after every value exists: a task reading a secret without AWSCURRENT fails to start.
    this.startAfter.push(
      new aws.secretsmanager.SecretVersion(
        `${logicalName}-value`,
        { secretId: secret.id, secretString: pulumi.secret(value) },
        { parent: this },
      ),
    );
    return secret;
  }

  /** Step 2: the app's secrets in Secrets Manager, referenced by ARN from the container. */
  private secrets(name: string): Array<{ name: string; valueFrom: pulumi.Output<string> }> {
    const a = this.settings;
    return Object.entries(a.secrets).map(([secretName, value]) => ({
      name: secretName,
      valueFrom: this.secretOf(
        `${name}-secret-${secretName.toLowerCase()}`,
        `${a.app}/${a.environment}/${secretName}`,
        `${secretName} of ${a.app} (${a.environment})`,
        value,
      ).arn,
    }));
  }

  /** Step 2b: the private registry's pull credential, `{"username","password"}` as ECS expects it. */
  private registryCredentials(name: string): pulumi.Output<string> | undefined {
    const a = this.settings;
    if (!a.registryCredentials) return undefined;
    const { username, password } = a.registryCredentials;
    return this.secretOf(
      `${name}-registry-credentials`,
      this.names.registrySecret.name,
      `Image pull credential of ${a.app} (${a.environment}): ECS repositoryCredentials`,
      pulumi.output(password).apply((p) => JSON.stringify({ username, password: p })),
    ).arn;
  }

  /** The execution role may read exactly the secrets of this task (runtime secrets, pull credential). */
  private allowExecutionRoleToRead(name: string, arns: pulumi.Output<string>[]): void {
    if (arns.length === 0) return;
    const policy = pulumi.all(arns).apply((resources) =>
      policyJson({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: resources }],
      }),
    );
    this.startAfter.push(
      new aws.iam.RolePolicy(
        `${name}-read-secrets`,
        { role: this.executionRole.name, policy },
        { parent: this },
      ),
    );
  }

  /** The task role may read exactly its own feature-flag configuration (AppConfigData; CC-FLAG-04). */
  private allowTaskRoleToReadFlags(name: string): void {
    const flags = this.settings.featureFlags;
    if (!flags) return;
    const policy = pulumi.output(flags).apply((f) =>
      policyJson({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"],
            Resource: f.configurationArn,
          },
        ],
      }),
    );
    this.startAfter.push(
      new aws.iam.RolePolicy(`${name}-read-flags`, { role: this.taskRole.name, policy }, { parent: this }),
    );
  }

  /** Step 3: security groups: the ALB takes HTTP(S) from the internet; tasks take only the ALB's traffic. */
  private network(name: string) {
    const a = this.settings;
    const anywhere = { cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] };
    const albSg = new aws.ec2.SecurityGroup(
      `${name}-alb-sg`,
      {
        vpcId: a.vpcId,
        description: `${a.app} ${a.environment} load balancer: HTTPS and HTTP (redirect) from the internet`,
        ingress: [
          { protocol: "tcp", fromPort: 443, toPort: 443, ...anywhere, description: "HTTPS" },
          {
            protocol: "tcp",
            fromPort: 80,
            toPort: 80,
            ...anywhere,
            description: "HTTP, redirected to HTTPS",
          },
        ],
        egress: [
          {
            protocol: "tcp",
            fromPort: a.port,
            toPort: a.port,
            cidrBlocks: ["0.0.0.0/0"],
            description: "to tasks",
          },
        ],
        tags: a.tags,
      },
      { parent: this },
    );
    const serviceSg = new aws.ec2.SecurityGroup(
      `${name}-service-sg`,
      {
        vpcId: a.vpcId,
        description: `${a.app} ${a.environment} tasks: only from the load balancer`,
        ingress: [
          {
            protocol: "tcp",
            fromPort: a.port,
            toPort: a.port,
            securityGroups: [albSg.id],
            description: "from the ALB",
          },
        ],
        egress: [
          {
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            cidrBlocks: ["0.0.0.0/0"],
            description: "image pulls (ghcr.io through NAT), Secrets Manager, logs, AppConfig, databases",
          },
        ],
        tags: a.tags,
      },
      { parent: this },
    );
    return { albSg, serviceSg };
  }

  /** Step 4: the load balancer, its target group (readiness check, stickiness) and listeners. */
  private loadBalancing(name: string, albSg: aws.ec2.SecurityGroup) {
    const a = this.settings;
    const loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        name: this.names.loadBalancer.name,
        loadBalancerType: "application",
        internal: false,
        securityGroups: [albSg.id],
        subnets: a.publicSubnetIds,
        dropInvalidHeaderFields: true,
        enableDeletionProtection: a.deletionProtection,
        tags: a.tags,
      },
      { parent: this, protect: a.deletionProtection },
    );
    const targetGroup = this.targetGroupOf(`${name}-tg`, this.names.targetGroup.name);
    const https = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: a.sslPolicy,
        certificateArn: a.certificateArn,
        defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        tags: a.tags,
      },
      { parent: this },
    );
    new aws.lb.Listener(
      `${name}-http-redirect`,
      {
        loadBalancerArn: loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [
          { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
        ],
        tags: a.tags,
      },
      { parent: this },
    );
    return { loadBalancer, targetGroup, https };
  }

  /** A target group of the tasks: IP targets, readiness health check, stickiness as configured. */
  private targetGroupOf(logicalName: string, physicalName: string): aws.lb.TargetGroup {
    const a = this.settings;
    return new aws.lb.TargetGroup(
      logicalName,
      {
        name: physicalName,
        port: a.port,
        protocol: "HTTP",
        targetType: "ip",
        vpcId: a.vpcId,
        deregistrationDelay: 30,
        healthCheck: {
          enabled: true,
          path: a.readinessPath,
          matcher: "200",
          protocol: "HTTP",
          interval: 15,
          timeout: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 3,
        },
        stickiness: {
          type: "lb_cookie",
          enabled: a.stickiness.enabled,
          cookieDuration: a.stickiness.durationSeconds,
        },
        tags: a.tags,
      },
      { parent: this },
    );
  }

  /**
   * Step 4b (canary, linear): what ECS needs to shift traffic (ECS developer guide, "Application Load Balancer
   * resources for blue/green, linear, and canary deployments"): an alternate target group; a production listener
   * rule on the HTTPS listener forwarding all paths to both groups (100/0), whose weights ECS rewrites during
   * each deployment (so the program ignores changes to its actions); and a role `ecs.amazonaws.com` assumes with
   * the actions of AWS's `AmazonECSInfrastructureRolePolicyForLoadBalancers` on this app's own groups, listener
   * and rule only (the managed policy allows them on every load balancer of the account, another app's too).
   */
  private trafficShifting(name: string, https: aws.lb.Listener) {
    const a = this.settings;
    if (!shiftsTraffic(a.deployment)) return undefined;
    const alternate = this.targetGroupOf(`${name}-tg-alt`, this.names.alternateTargetGroup.name);
    const rule = new aws.lb.ListenerRule(
      `${name}-production-rule`,
      {
        listenerArn: https.arn,
        priority: 1,
        conditions: [{ pathPattern: { values: ["/*"] } }],
        actions: [
          {
            type: "forward",
            forward: {
              targetGroups: [
                { arn: this.targetGroup.arn, weight: 100 },
                { arn: alternate.arn, weight: 0 },
              ],
              // A sticky app keeps a client on one group while the weights shift: target stickiness alone does
              // not hold across the groups of a weighted forward (ELB guide, "Listener rules", "Target group
              // stickiness").
              ...(a.stickiness.enabled
                ? { stickiness: { enabled: true, duration: a.stickiness.durationSeconds } }
                : {}),
            },
          },
        ],
        tags: a.tags,
      },
      // ECS moves the weights between the groups on every deployment: not drift to undo.
      { parent: this, ignoreChanges: ["actions"] },
    );
    const role = new aws.iam.Role(
      `${name}-ecs-lb-role`,
      {
        name: this.names.trafficShiftRole.name,
        assumeRolePolicy: assumeRoleBy("ecs.amazonaws.com"),
        permissionsBoundary: a.permissionsBoundary,
        tags: a.tags,
      },
      { parent: this, protect: a.deletionProtection },
    );
    const policy = pulumi
      .all([this.targetGroup.arn, alternate.arn, https.arn, rule.arn])
      .apply(([targetGroup, alternateGroup, listener, listenerRule]) =>
        trafficShiftPolicy({ targetGroups: [targetGroup, alternateGroup], listener, listenerRule }),
      );
    this.startAfter.push(
      new aws.iam.RolePolicy(`${name}-ecs-lb-policy`, { role: role.name, policy }, { parent: this }),
      rule,
    );
    return { alternate, rule, role };
  }

  /** Step 5: the task definition: one container, typed as ECS's own `ContainerDefinition`. */
  private taskDefinitionOf(
    name: string,
    secrets: Array<{ name: string; valueFrom: pulumi.Output<string> }>,
    registrySecretArn: pulumi.Output<string> | undefined,
  ): aws.ecs.TaskDefinition {
    const a = this.settings;
    const containers = pulumi
      .all([
        a.imageRef,
        a.build,
        this.logGroup.name,
        pulumi.all(secrets.map((s) => s.valueFrom)),
        registrySecretArn ?? pulumi.output(""),
        pulumi.output(a.featureFlags),
      ])
      .apply(([image, build, logGroup, secretArns, registryArn, flags]) => {
        const container: ContainerDefinition = {
          name: a.app,
          image,
          essential: true,
          readonlyRootFilesystem: true,
          ...(registryArn ? { repositoryCredentials: { credentialsParameter: registryArn } } : {}),
          portMappings: [{ containerPort: a.port, protocol: "tcp" }],
          environment: this.environmentOf(build, flags),
          secrets: secrets.map((s, i) => ({ name: s.name, valueFrom: secretArns[i] })),
          mountPoints: a.scratchPaths.map((p) => ({
            sourceVolume: scratchVolumeName(p),
            containerPath: p,
            readOnly: false,
          })),
          healthCheck: this.healthCheck(),
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": logGroup,
              "awslogs-region": a.region,
              "awslogs-stream-prefix": a.app,
            },
          },
        };
        return JSON.stringify([container]);
      });
    return new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        family: this.names.taskFamily.name,
        cpu: String(a.cpu),
        memory: String(a.memoryMiB),
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: this.executionRole.arn,
        taskRoleArn: this.taskRole.arn,
        // Fargate: a volume without host or EFS configuration is a bind mount on the task's ephemeral storage.
        volumes: a.scratchPaths.map((p) => ({ name: scratchVolumeName(p) })),
        containerDefinitions: containers,
        tags: a.tags,
        // A replaced revision stays registered (ACTIVE): a rollback re-points the service to it, and no deploy
        // role needs ecs:DeregisterTaskDefinition, which AWS authorizes only on "*" (every family, every
        // environment; Service Authorization Reference, Amazon ECS).
        skipDestroy: true,
      },
      { parent: this },
    );
  }

  /** The container's variables: the app's own, `APP_ENV`, `PORT`, `BUILD_*` and `APPCONFIG_*`, sorted by name. */
  private environmentOf(
    build: { sha: string; date: string; actor: string },
    flags: FeatureFlagsTarget | undefined,
  ): Array<{ name: string; value: string }> {
    const a = this.settings;
    const vars: Record<string, string> = {
      ...a.environmentVariables,
      APP_ENV: a.environment,
      PORT: String(a.port),
      BUILD_SHA: build.sha,
      BUILD_DATE: build.date,
      BUILD_ACTOR: build.actor,
      ...(flags
        ? {
            [APPCONFIG_VARIABLES.application]: flags.applicationId,
            [APPCONFIG_VARIABLES.environment]: flags.environmentId,
            [APPCONFIG_VARIABLES.profile]: flags.profileId,
          }
        : {}),
    };
    return Object.entries(vars)
      .map(([n, value]) => ({ name: n, value }))
      .sort((x, y) => x.name.localeCompare(y.name));
  }

  /** The container health check: the configured or default command, with ECS's timing in seconds. */
  private healthCheck(): HealthCheck {
    const a = this.settings;
    const t = a.containerHealth;
    return {
      command: a.healthCommand ?? defaultHealthCommand(a.port, a.healthPath, t.timeoutSeconds),
      interval: t.intervalSeconds,
      timeout: t.timeoutSeconds,
      retries: t.retries,
      startPeriod: t.startPeriodSeconds,
    };
  }

  /**
   * Step 6: the service, started after the listener and the roles' policies exist (first pulls succeed). Rolls
   * back on the circuit breaker and, with deployment alarms, on the app's 5xx and latency alarms.
   */
  private serviceOf(
    name: string,
    serviceSg: aws.ec2.SecurityGroup,
    https: aws.lb.Listener,
    shifting: ReturnType<ServiceRuntime["trafficShifting"]>,
  ): aws.ecs.Service {
    const a = this.settings;
    return new aws.ecs.Service(
      `${name}-service`,
      {
        name: this.names.service.name,
        cluster: this.cluster.arn,
        taskDefinition: this.taskDefinition.arn,
        desiredCount: a.desiredCount,
        launchType: "FARGATE",
        platformVersion: "LATEST",
        deploymentController: { type: "ECS" },
        deploymentMinimumHealthyPercent: a.minimumHealthyPercent,
        deploymentMaximumPercent: a.maximumPercent,
        // The circuit breaker is for rolling updates only (ECS API reference, DeploymentCircuitBreaker); a shifting
        // strategy rolls back on its deployment alarms instead (CC-RUN-03, CC-RUN-13).
        ...(shifting ? {} : { deploymentCircuitBreaker: { enable: true, rollback: true } }),
        deploymentConfiguration: this.deploymentConfiguration(),
        ...(a.deploymentAlarmNames && a.deployment.alarms !== false
          ? { alarms: { alarmNames: a.deploymentAlarmNames, enable: true, rollback: true } }
          : {}),
        healthCheckGracePeriodSeconds: a.healthCheckGracePeriodSeconds,
        networkConfiguration: {
          subnets: a.privateSubnetIds,
          securityGroups: [serviceSg.id],
          assignPublicIp: false,
        },
        loadBalancers: [
          {
            targetGroupArn: this.targetGroup.arn,
            containerName: a.app,
            containerPort: a.port,
            ...(shifting
              ? {
                  advancedConfiguration: {
                    alternateTargetGroupArn: shifting.alternate.arn,
                    productionListenerRule: shifting.rule.arn,
                    roleArn: shifting.role.arn,
                  },
                }
              : {}),
          },
        ],
        propagateTags: "SERVICE",
        enableExecuteCommand: false,
        waitForSteadyState: true,
        tags: a.tags,
      },
      {
        parent: this,
        dependsOn: [https, ...this.startAfter],
        // A shifting deployment leaves the alternate group live: ECS swaps the two ARNs in the service, and the
        // provider's Read writes them back into state (terraform-provider-aws service.go, flattenLoadBalancers), so
        // the program's order would swap them back on the next update or show drift. ECS owns which one is live.
        ...(shifting
          ? {
              ignoreChanges: [
                "loadBalancers[0].targetGroupArn",
                "loadBalancers[0].advancedConfiguration.alternateTargetGroupArn",
              ],
            }
          : {}),
        customTimeouts: {
          create: `${steadyStateMinutes(a.deployment)}m`,
          update: `${steadyStateMinutes(a.deployment)}m`,
        },
      },
    );
  }

  /** The ECS `deploymentConfiguration` of the strategy (bake times are strings in the provider's schema). */
  private deploymentConfiguration(): aws.types.input.ecs.ServiceDeploymentConfiguration {
    const d = this.settings.deployment;
    switch (d.strategy) {
      case "rolling":
        return { strategy: "ROLLING" };
      case "canary":
        return {
          strategy: "CANARY",
          bakeTimeInMinutes: String(d.bakeMinutes),
          canaryConfiguration: {
            canaryPercent: d.canaryPercent,
            canaryBakeTimeInMinutes: String(d.canaryBakeMinutes),
          },
        };
      case "linear":
        return {
          strategy: "LINEAR",
          bakeTimeInMinutes: String(d.bakeMinutes),
          linearConfiguration: {
            stepPercent: d.stepPercent,
            stepBakeTimeInMinutes: String(d.stepBakeMinutes),
          },
        };
    }
  }
}
