import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_PATHS,
  digestOfRef,
  RESERVED_VARIABLES,
} from "../policy-pack/lib/facts";
import { physicalNames, StandardTags } from "./naming";
import { taskAccess, type TaskAccess } from "./runtimeAccess";
import { loadBalancing, securityGroups, trafficShifting } from "./runtimeLoadBalancing";
import { clusterOf, serviceOf, shiftsTraffic, steadyStateMinutes } from "./runtimeService";
import {
  containerDefinitions,
  defaultHealthCommand,
  logGroupOf,
  scratchVolumeName,
  taskDefinitionOf,
} from "./runtimeTask";
import { MigrationTask, migrationFamily } from "./MigrationTask";
import { withDefaults } from "./util";
import {
  DEFAULT_CONTAINER_HEALTH,
  DEFAULT_HEALTH_CHECK_GRACE_SECONDS,
  DEFAULT_SCRATCH_PATHS,
  DEFAULT_STICKINESS,
} from "./defaults";

// Functions of the building blocks that callers of the component use, exported with it.
export { defaultHealthCommand, scratchVolumeName, shiftsTraffic, steadyStateMinutes };

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
  /**
   * The app's migration command (exec form, e.g. `["alembic", "upgrade", "head"]`): when given, a
   * {@link MigrationTask} runs it on this service's image, variables, secrets and roles. Default: none.
   */
  migrationCommand?: string[];
  /** Seconds `cicd migrate` waits for the migration task to stop, with {@link migrationCommand}. Default 900. */
  migrationTimeoutSeconds?: number;
  /** The release's migration contract, with {@link migrationCommand}. Default `safe_online`. */
  migrationContract?: "safe_online" | "requires_maintenance_window" | "destructive";
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

/** The arguments with {@link serviceRuntimeDefaults} applied: what every building block reads. */
export type ServiceRuntimeSettings = ReturnType<
  typeof withDefaults<typeof serviceRuntimeDefaults & { deletionProtection: boolean }, ServiceRuntimeArgs>
>;

/**
 * What each building block of a {@link ServiceRuntime} registers with: the component as parent, its name (the
 * prefix of every logical name), its settings, and the AWS names of its resources.
 */
export interface RuntimeScope {
  parent: ServiceRuntime;
  name: string;
  settings: ServiceRuntimeSettings;
  names: ReturnType<typeof physicalNames>;
}

/**
 * An ECS Fargate service behind an internet-facing ALB: HTTPS listener (HTTP redirects), target-group health
 * check on the readiness path, container health check on the health path, deployment circuit breaker with
 * rollback and deployment alarms with rollback, a rolling, canary or linear deployment (the latter two with an
 * alternate target group, a production listener rule and ECS's load-balancer role), image by digest pulled with
 * registry credentials, `APP_ENV`/`BUILD_*`/`APPCONFIG_*` variables, secrets by Secrets Manager reference, a log
 * group with retention, no public IP, read-only root filesystem with writable scratch volumes, separate execution
 * and task roles, Container Insights.
 *
 * Built in steps, each a function of its own module that registers under this component and returns what the
 * next steps need: the log group and task definition (runtimeTask.ts); roles, secrets and their policies
 * (runtimeAccess.ts); security groups, load balancer and traffic shifting (runtimeLoadBalancing.ts); cluster and
 * service (runtimeService.ts). A step that registers something the service must start after (the listener, the
 * roles' policies, the secrets' values, the traffic-shifting rule and policy) returns it as `startAfter`; the
 * constructor hands them all to the service as its `dependsOn`.
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
  /** The app's migration task, when it has a migration command. */
  readonly migration?: MigrationTask;
  /** Load balancer DNS name. */
  readonly dnsName: pulumi.Output<string>;
  /** `app/NAME/ID` suffix of the ALB, for CloudWatch metrics. */
  readonly loadBalancerArnSuffix: pulumi.Output<string>;
  /** `targetgroup/NAME/ID` suffix of the target group, for CloudWatch metrics. */
  readonly targetGroupArnSuffix: pulumi.Output<string>;

  constructor(name: string, args: ServiceRuntimeArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const a = ServiceRuntime.validate(name, args);
    super("cicd-constitution:runtime:ServiceRuntime", name, {}, opts);
    const scope: RuntimeScope = {
      parent: this,
      name,
      settings: a,
      names: physicalNames(a.app, a.environment),
    };

    this.logGroup = logGroupOf(scope);
    const access = taskAccess(scope, this.logGroup);
    this.executionRole = access.executionRole;
    this.taskRole = access.taskRole;
    const { albSg, serviceSg } = securityGroups(scope);
    const balancing = loadBalancing(scope, albSg);
    this.loadBalancer = balancing.loadBalancer;
    this.targetGroup = balancing.targetGroup;
    const shifting = shiftsTraffic(a.deployment) ? trafficShifting(scope, balancing) : undefined;
    this.alternateTargetGroup = shifting?.alternate;
    this.taskDefinition = taskDefinitionOf(scope, this.logGroup, access);
    this.cluster = clusterOf(scope);
    if (a.migrationCommand)
      this.migration = migrationTaskOf(scope, {
        logGroup: this.logGroup,
        access,
        cluster: this.cluster,
        serviceSg,
      });
    this.service = serviceOf(scope, {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      serviceSg,
      targetGroup: this.targetGroup,
      shifting,
      startAfter: [...balancing.startAfter, ...access.startAfter, ...(shifting?.startAfter ?? [])],
    });

    this.dnsName = this.loadBalancer.dnsName;
    this.loadBalancerArnSuffix = this.loadBalancer.arnSuffix;
    this.targetGroupArnSuffix = this.targetGroup.arnSuffix;
    this.registerOutputs({
      serviceName: this.service.name,
      clusterArn: this.cluster.arn,
      dnsName: this.dnsName,
      taskDefinitionArn: this.taskDefinition.arn,
      migrationFamily: this.migration?.family,
    });
  }

  /** Applies the defaults and rejects conflicting arguments before anything is registered. */
  private static validate(name: string, args: ServiceRuntimeArgs): ServiceRuntimeSettings {
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
}

/** The app's migration task: the service's container with its migration command, under this runtime (MigrationTask.ts). */
function migrationTaskOf(
  scope: RuntimeScope,
  on: {
    logGroup: aws.cloudwatch.LogGroup;
    access: TaskAccess;
    cluster: aws.ecs.Cluster;
    serviceSg: aws.ec2.SecurityGroup;
  },
): MigrationTask {
  const a = scope.settings;
  const command = a.migrationCommand!;
  return new MigrationTask(
    `${scope.name}-migration`,
    {
      family: migrationFamily(a.app, a.environment),
      cpu: a.cpu,
      memoryMiB: a.memoryMiB,
      executionRoleArn: on.access.executionRole.arn,
      taskRoleArn: on.access.taskRole.arn,
      containerDefinitions: containerDefinitions(a, on.logGroup, on.access, { kind: "migration", command }),
      run: {
        cluster: on.cluster.name,
        subnets: a.privateSubnetIds,
        securityGroups: [on.serviceSg.id],
        container: a.app,
        logGroup: on.logGroup.name,
        timeoutSeconds: a.migrationTimeoutSeconds ?? 900,
      },
      volumeNames: a.scratchPaths.map(scratchVolumeName),
      contract: a.migrationContract ?? "safe_online",
      tags: a.tags,
    },
    { parent: scope.parent },
  );
}
