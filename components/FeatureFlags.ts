import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalNames, StandardTags } from "./naming";
import type { FeatureFlagsTarget } from "./ServiceRuntime";
import { assumeRoleBy, policyJson } from "./util";

/** One feature flag as the constitution requires it (CONST "Feature Flags & Rollout"). */
export interface FeatureFlag {
  /** Flag key. */
  name: string;
  /** What the flag hides. */
  description: string;
  /** Who removes it. */
  owner: string;
  /** Value when nothing else is said. */
  default: boolean;
  /** Planned removal date, `YYYY-MM-DD`. */
  removalDate: string;
  /** This environment's value; ON in production must name a cohort (CC-FLAG-03). Default: `{ enabled: default }`. */
  value?: { enabled: boolean; cohort?: string };
}

/** Arguments of {@link FeatureFlags}. Source: CONST "Feature Flags & Rollout"; OPS "Rollout Strategies". */
export interface FeatureFlagsArgs {
  /** App name (AppConfig application). */
  app: string;
  /** Environment name (AppConfig environment). */
  environment: string;
  /** The flags. An empty list still creates the profile, so flags can be added without new infrastructure. */
  flags: FeatureFlag[];
  /**
   * AppConfig deployment strategy id. Default: `AppConfig.AllAtOnce` in staging ("Quick": all at once, then
   * 10 minutes of alarm monitoring) and `AppConfig.Linear20PercentEvery6Minutes` in production ("AWS
   * recommended" for production; AppConfig user guide, "Predefined deployment strategies").
   */
  deploymentStrategyId?: string;
  /**
   * The app's 5xx alarm: a flag deployment rolls back when it fires (CC-FLAG-05). The environment monitors a
   * composite alarm of it rather than the alarm itself: AppConfig rolls back on `ALARM` *and* on
   * `INSUFFICIENT_DATA` (AppConfig user guide, "Monitoring deployments for automatic rollback"), a new metric alarm
   * sits in `INSUFFICIENT_DATA` until its first evaluation, and a composite alarm is `INSUFFICIENT_DATA` only at its
   * creation, then `ALARM` exactly when its rule holds (CloudWatch API reference, `PutCompositeAlarm`). The composite
   * has no notification actions, so `cicd flags off` may disable its actions (then AppConfig does not roll back)
   * without silencing the 5xx alarm's page. AppConfig reads it through a role it assumes
   * (`cloudwatch:DescribeAlarms`; "Configuring permissions for automatic rollback"). Default: none.
   */
  monitorAlarmArn?: pulumi.Input<string>;
  /** ARN of the environment's permissions boundary, attached to the alarm role. Default: none. */
  permissionsBoundary?: pulumi.Input<string>;
  /** Tags. */
  tags: StandardTags;
}

/**
 * The AWS AppConfig feature-flags document (`AWS.AppConfig.FeatureFlags` format): flag definitions with
 * `owner`, `removalDate` and `cohort` attributes, and this environment's values.
 * Source: AWS AppConfig user guide, "Type reference for AWS.AppConfig.FeatureFlags".
 */
export function featureFlagsDocument(flags: FeatureFlag[]): string {
  const attributes = {
    owner: { constraints: { type: "string", required: true } },
    removalDate: { constraints: { type: "string", required: true, pattern: "^\\d{4}-\\d{2}-\\d{2}$" } },
    default: { constraints: { type: "boolean", required: true } },
    cohort: { constraints: { type: "string", required: false } },
  };
  return JSON.stringify({
    version: "1",
    flags: Object.fromEntries(
      flags.map((f) => [f.name, { name: f.name, description: f.description, attributes }]),
    ),
    values: Object.fromEntries(
      flags.map((f) => {
        const v = f.value ?? { enabled: f.default };
        return [
          f.name,
          {
            enabled: v.enabled,
            owner: f.owner,
            removalDate: f.removalDate,
            default: f.default,
            ...(v.cohort ? { cohort: v.cohort } : {}),
          },
        ];
      }),
    ),
  });
}

/** What the `cicd flags` commands and `cicd verify` read of an app's flags (stack output `apps.<app>.flags`). */
export interface FlagOperations {
  applicationId: string;
  environmentId: string;
  configurationProfileId: string;
  /** The strategy `cicd flags off` deploys with ({@link EMERGENCY_FLAG_STRATEGY}). */
  emergencyStrategyId: string;
  /** The alarms the environment monitors, whose actions `cicd flags off` disables while it deploys. */
  monitorAlarmNames: string[];
}

/**
 * The strategy of `cicd flags off`: AWS's predefined `AppConfig.AllAtOnce` (every target at once, then 10 minutes
 * of bake; AppConfig user guide, "Predefined deployment strategies"). The command keeps the monitored alarm's
 * actions disabled until the deployment is COMPLETE, bake included, so the flag stays off while the 5xx alarm fires;
 * no other deployment of the environment can start meanwhile anyway (one in progress per environment).
 */
export const EMERGENCY_FLAG_STRATEGY = "AppConfig.AllAtOnce";

/** Predefined AppConfig deployment strategies by environment (AppConfig user guide). */
export const DEFAULT_FLAG_STRATEGIES = {
  staging: "AppConfig.AllAtOnce",
  production: "AppConfig.Linear20PercentEvery6Minutes",
} as const;

/** The composite alarm an AppConfig environment monitors, the role AppConfig reads it with and that role's policy. */
interface FlagsMonitor {
  alarm: aws.cloudwatch.CompositeAlarm;
  role: aws.iam.Role;
  policy: aws.iam.RolePolicy;
}

/**
 * Feature flags of one app in one environment, served by AWS AppConfig, deployed with a strategy and rolled
 * back when the app's 5xx alarm fires.
 */
export class FeatureFlags extends pulumi.ComponentResource {
  /** AppConfig application id. */
  readonly applicationId: pulumi.Output<string>;
  /** AppConfig application ARN (the app's deploy role may run flag deployments of it). */
  readonly applicationArn: pulumi.Output<string>;
  /** The hosted document's version number. */
  readonly versionNumber: pulumi.Output<number>;
  /** What the app needs to read its flags: ids and the configuration ARN (CC-FLAG-04). */
  readonly target: pulumi.Output<FeatureFlagsTarget>;
  /** What `cicd flags wait|off` and `cicd verify` need (exported as `apps.<app>.flags`). */
  readonly operations: pulumi.Output<FlagOperations>;
  private readonly prefix: string;
  private readonly deployment: Omit<aws.appconfig.DeploymentArgs, "tags"> & { tags: StandardTags };

  constructor(name: string, args: FeatureFlagsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Arguments are checked before anything is registered.
    const names = args.flags.map((f) => f.name);
    if (new Set(names).size !== names.length) {
      throw new Error(`FeatureFlags ${name}: duplicate flag names in ${JSON.stringify(names)}`);
    }
    const strategy =
      args.deploymentStrategyId ??
      DEFAULT_FLAG_STRATEGIES[args.environment === "production" ? "production" : "staging"];
    super("cicd-constitution:flags:FeatureFlags", name, {}, opts);
    this.prefix = name;

    const { application, monitor, environment } = this.applicationAndEnvironment(name, args);
    const { profile, version } = this.hostedDocument(name, args, application);
    this.deployment = {
      applicationId: application.id,
      environmentId: environment.environmentId,
      configurationProfileId: profile.configurationProfileId,
      configurationVersion: version.versionNumber.apply(String),
      deploymentStrategyId: strategy,
      description: `${args.app} flags to ${args.environment}`,
      tags: args.tags,
    };
    this.applicationId = application.id;
    this.applicationArn = application.arn;
    this.versionNumber = version.versionNumber;
    this.target = flagsTarget(application, environment, profile);
    this.operations = flagOperations(application, environment, profile, monitor);
    this.registerOutputs({
      applicationId: this.applicationId,
      versionNumber: this.versionNumber,
      target: this.target,
      operations: this.operations,
    });
  }

  /**
   * The AppConfig application of the app and its environment, which monitors the composite alarm (when
   * `monitorAlarmArn` is given) so that a flag deployment rolls back when the app's 5xx alarm fires.
   */
  private applicationAndEnvironment(
    name: string,
    args: FeatureFlagsArgs,
  ): {
    application: aws.appconfig.Application;
    monitor?: FlagsMonitor;
    environment: aws.appconfig.Environment;
  } {
    const child = { parent: this };
    const application = new aws.appconfig.Application(
      `${name}-app`,
      {
        name: physicalNames(args.app, args.environment).appConfigApplication.name,
        description: `Feature flags of ${args.app}`,
        tags: args.tags,
      },
      child,
    );
    const monitor = args.monitorAlarmArn ? this.monitor(name, args, args.monitorAlarmArn) : undefined;
    const environment = new aws.appconfig.Environment(
      `${name}-env`,
      {
        applicationId: application.id,
        name: args.environment,
        monitors: monitor ? [{ alarmArn: monitor.alarm.arn, alarmRoleArn: monitor.role.arn }] : [],
        tags: args.tags,
      },
      // The first deployment may read the alarm as soon as the environment exists: the role's policy first.
      { ...child, dependsOn: monitor ? [monitor.policy] : [] },
    );
    return { application, monitor, environment };
  }

  /** The feature-flags configuration profile of the application and the hosted version of the flags document. */
  private hostedDocument(
    name: string,
    args: FeatureFlagsArgs,
    application: aws.appconfig.Application,
  ): { profile: aws.appconfig.ConfigurationProfile; version: aws.appconfig.HostedConfigurationVersion } {
    const child = { parent: this };
    const profile = new aws.appconfig.ConfigurationProfile(
      `${name}-profile`,
      {
        applicationId: application.id,
        name: "feature-flags",
        locationUri: "hosted",
        type: "AWS.AppConfig.FeatureFlags",
        tags: args.tags,
      },
      child,
    );
    const version = new aws.appconfig.HostedConfigurationVersion(
      `${name}-flags`,
      {
        applicationId: application.id,
        configurationProfileId: profile.configurationProfileId,
        contentType: "application/json",
        content: featureFlagsDocument(args.flags),
        description: `${args.flags.length} flag(s)`,
      },
      // Every input forces a new version, and the provider's Delete removes the old one at the end of the update,
      // while the new version's deployment is still rolling out (an hour in production) or after AppConfig rolled
      // it back: the version the environment serves must stay readable for `cicd flags off`, so versions are kept.
      { ...child, retainOnDelete: true },
    );
    return { profile, version };
  }

  /**
   * Deploys the document after `after` (the app's ECS service): on a first `pulumi up` the monitored alarm has been
   * evaluated by then, and in an update that changes both, the code that reads a flag runs before the flag changes.
   * AppConfig allows one deployment in progress per environment (`StartDeployment` answers `ConflictException`, which
   * the provider retries for 30 minutes: facts.ts APPCONFIG_CONFLICT_RETRY_MINUTES): `cicd flags wait` runs before
   * `pulumi up`, and this is the update's last step, so a conflict can only hold an update with nothing left to do
   * (main.yml's job timeouts allow for it).
   */
  deployAfter(after: pulumi.Resource[]): aws.appconfig.Deployment {
    return new aws.appconfig.Deployment(`${this.prefix}-deployment`, this.deployment, {
      parent: this,
      dependsOn: after,
    });
  }

  /** The composite alarm the environment monitors (see `monitorAlarmArn`) and the role AppConfig reads it with. */
  private monitor(name: string, args: FeatureFlagsArgs, alarmArn: pulumi.Input<string>): FlagsMonitor {
    const alarm = new aws.cloudwatch.CompositeAlarm(
      `${name}-rollback-alarm`,
      {
        alarmName: physicalNames(args.app, args.environment).flagsAlarm.name,
        alarmDescription: `AppConfig rolls back ${args.app} flag deployments while the 5xx alarm is in ALARM`,
        alarmRule: pulumi.interpolate`ALARM("${alarmArn}")`,
        actionsEnabled: true,
        tags: args.tags,
      },
      { parent: this },
    );
    return { alarm, ...this.alarmRole(name, args) };
  }

  /** The role AppConfig assumes to read the monitored alarm's state. */
  private alarmRole(
    name: string,
    args: FeatureFlagsArgs,
  ): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
    const role = new aws.iam.Role(
      `${name}-alarm-role`,
      {
        name: physicalNames(args.app, args.environment).flagsAlarmRole.name,
        description: `AppConfig reads the alarms that roll back ${args.app} flag deployments`,
        assumeRolePolicy: assumeRoleBy("appconfig.amazonaws.com"),
        permissionsBoundary: args.permissionsBoundary,
        tags: args.tags,
      },
      // Destroy safety as for every role of production (docs/PROOFS.md).
      { parent: this, protect: args.environment === "production" },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-alarm-role-policy`,
      {
        role: role.name,
        // As the AppConfig user guide's policy for alarm-based rollback: DescribeAlarms on "*".
        policy: policyJson({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["cloudwatch:DescribeAlarms"], Resource: "*" }],
        }),
      },
      { parent: this },
    );
    return { role, policy };
  }
}

/** What the app needs to read its flags: the ids and the ARN of its one configuration (CC-FLAG-04). */
function flagsTarget(
  application: aws.appconfig.Application,
  environment: aws.appconfig.Environment,
  profile: aws.appconfig.ConfigurationProfile,
): pulumi.Output<FeatureFlagsTarget> {
  return pulumi
    .all([application.id, application.arn, environment.environmentId, profile.configurationProfileId])
    .apply(([applicationId, appArn, environmentId, profileId]) => ({
      applicationId,
      environmentId,
      profileId,
      configurationArn: `${appArn}/environment/${environmentId}/configuration/${profileId}`,
    }));
}

/** What `cicd flags wait|off` and `cicd verify` read of the flags: ids, emergency strategy, monitored alarms. */
function flagOperations(
  application: aws.appconfig.Application,
  environment: aws.appconfig.Environment,
  profile: aws.appconfig.ConfigurationProfile,
  monitor: FlagsMonitor | undefined,
): pulumi.Output<FlagOperations> {
  return pulumi
    .all([
      application.id,
      environment.environmentId,
      profile.configurationProfileId,
      monitor ? monitor.alarm.alarmName : "",
    ])
    .apply(([applicationId, environmentId, configurationProfileId, alarm]) => ({
      applicationId,
      environmentId,
      configurationProfileId,
      emergencyStrategyId: EMERGENCY_FLAG_STRATEGY,
      monitorAlarmNames: alarm ? [alarm] : [],
    }));
}
