/**
 * Names and tags shared by every component: one place, so a resource's name and tags are derivable
 * from (app, environment) alone.
 */
import { PROJECT_NAME } from "../policy-pack/lib/facts";

/** This project's name: the Pulumi project, this repository's default name, the prefix of its IAM policies. */
export { PROJECT_NAME };

/** The `managed-by` tag value on every taggable resource (CC-OBS-04). */
export const MANAGED_BY = `pulumi:${PROJECT_NAME}`;

/** Standard tags: `app`, `environment`, `owner`, `managed-by` (CC-OBS-04; CONST "Observability"). */
export interface StandardTags {
  app: string;
  environment: string;
  owner: string;
  "managed-by": string;
  [key: string]: string;
}

/** Builds the standard tags of an app in an environment. */
export function standardTags(app: string, environment: string, owner: string): StandardTags {
  return { app, environment, owner, "managed-by": MANAGED_BY };
}

/**
 * Short environment names used where AWS limits name length: `stg` for staging, else the first four characters
 * (`prod`, `drif`, `prev`).
 */
export function shortEnv(environment: string): string {
  return environment === "staging" ? "stg" : environment.slice(0, 4);
}

/**
 * An AWS resource name of at most `max` characters (ALB and target group names: 32, per the ELBv2 API),
 * `<app>-<env>-<suffix>`; the app part is shortened when needed, never the suffix.
 */
export function awsName(app: string, environment: string, suffix: string, max = 32): string {
  const tail = `-${shortEnv(environment)}-${suffix}`;
  return `${app.slice(0, Math.max(1, max - tail.length))}${tail}`.replace(/-+$/, "");
}

/** The moving alias tag of an environment's image: `staging` or `prod` (F6 "Pipeline Guarantees"). */
export function aliasTag(environment: string): string {
  return environment === "production" ? "prod" : environment;
}

/**
 * Characters Pulumi's default autonaming appends to a logical name: `-` and 7 random hex characters
 * (Pulumi docs, "Resource names: autonaming").
 */
export const AUTONAME_SUFFIX_LENGTH = 8;

/** A physical name the program gives an AWS resource, with the service's length limit. */
export interface PhysicalName {
  /** What it names, e.g. `load balancer`. */
  what: string;
  /** The name, or for autonamed resources the logical name before Pulumi's suffix. */
  name: string;
  /** Most characters AWS accepts. */
  max: number;
  /** True when Pulumi appends {@link AUTONAME_SUFFIX_LENGTH} characters. */
  autonamed: boolean;
  /** Where the limit is documented. */
  source: string;
}

/**
 * Every AWS name the runtime, flags and observability of one app in one environment use: the components take
 * their names from here, and the config model checks them against the limits, so a name AWS would refuse is a
 * config error naming the app rather than a failed `pulumi up`.
 */
export function physicalNames(app: string, environment: string) {
  const base = `${app}-${environment}`;
  const n = (what: string, name: string, max: number, source: string, autonamed = false): PhysicalName => ({
    what,
    name,
    max,
    autonamed,
    source,
  });
  return {
    cluster: n("ECS cluster", base, 255, "ECS CreateCluster"),
    service: n("ECS service", base, 255, "ECS CreateService"),
    taskFamily: n("task definition family", base, 255, "ECS RegisterTaskDefinition"),
    loadBalancer: n("load balancer", awsName(app, environment, "alb"), 32, "ELBv2 CreateLoadBalancer"),
    targetGroup: n("target group", awsName(app, environment, "tg"), 32, "ELBv2 CreateTargetGroup"),
    alternateTargetGroup: n(
      "alternate target group",
      awsName(app, environment, "tg-alt"),
      32,
      "ELBv2 CreateTargetGroup",
    ),
    trafficShiftRole: n(
      "ECS load-balancer role",
      awsName(app, environment, "ecs-lb", 64),
      64,
      "IAM CreateRole",
    ),
    executionRole: n("execution role", awsName(app, environment, "exec", 64), 64, "IAM CreateRole"),
    taskRole: n("task role", awsName(app, environment, "task", 64), 64, "IAM CreateRole"),
    flagsAlarmRole: n(
      "AppConfig alarm role",
      awsName(app, environment, "flags-alarms", 64),
      64,
      "IAM CreateRole",
    ),
    logGroup: n("log group", `/ecs/${base}`, 512, "CloudWatch Logs CreateLogGroup"),
    albSecurityGroup: n("security group", `${base}-alb-sg`, 255, "EC2 CreateSecurityGroup", true),
    serviceSecurityGroup: n("security group", `${base}-service-sg`, 255, "EC2 CreateSecurityGroup", true),
    appConfigApplication: n("AppConfig application", base, 64, "AppConfig CreateApplication"),
    /** The composite alarm AppConfig monitors: never INSUFFICIENT_DATA after creation, no notification actions. */
    flagsAlarm: n("alarm", `${base}-flags-rollback`, 255, "CloudWatch PutCompositeAlarm"),
    alarmTopic: n("SNS topic", `${base}-alarms`, 256, "SNS CreateTopic"),
    dashboard: n("dashboard", base, 255, "CloudWatch PutDashboard"),
    errorRateAlarm: n("alarm", `${base}-5xx-rate`, 255, "CloudWatch PutMetricAlarm"),
    latencyAlarm: n("alarm", `${base}-latency-p95`, 255, "CloudWatch PutMetricAlarm"),
    /** The error budget's burn alarms, fast and slow: in ALARM, `cicd predeploy` freezes deploys (F6). */
    burnFastAlarm: n("alarm", `${base}-error-budget-burn-fast`, 255, "CloudWatch PutMetricAlarm"),
    burnSlowAlarm: n("alarm", `${base}-error-budget-burn-slow`, 255, "CloudWatch PutMetricAlarm"),
    registrySecret: n("secret", `${app}/${environment}/ghcr-pull`, 512, "Secrets Manager CreateSecret"),
  };
}

/** The names of {@link physicalNames} that AWS would refuse, each with its length and limit. */
export function nameLimitProblems(app: string, environment: string): string[] {
  return Object.values(physicalNames(app, environment))
    .map((p) => ({ ...p, length: p.name.length + (p.autonamed ? AUTONAME_SUFFIX_LENGTH : 0) }))
    .filter((p) => p.length > p.max)
    .map((p) => `${p.what} name ${p.name} has ${p.length} characters, at most ${p.max} (${p.source})`);
}
