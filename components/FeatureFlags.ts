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
   * CloudWatch alarm the AppConfig environment monitors: a flag deployment rolls back when it fires
   * (CC-FLAG-05). AppConfig reads it through a role it assumes (`cloudwatch:DescribeAlarms`; AppConfig user
   * guide, "Configuring permissions for automatic rollback"). Default: none.
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

/** Predefined AppConfig deployment strategies by environment (AppConfig user guide). */
export const DEFAULT_FLAG_STRATEGIES = {
  staging: "AppConfig.AllAtOnce",
  production: "AppConfig.Linear20PercentEvery6Minutes",
} as const;

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
    const alarmRole = args.monitorAlarmArn ? this.alarmRole(name, args) : undefined;
    const environment = new aws.appconfig.Environment(
      `${name}-env`,
      {
        applicationId: application.id,
        name: args.environment,
        monitors: alarmRole ? [{ alarmArn: args.monitorAlarmArn!, alarmRoleArn: alarmRole.role.arn }] : [],
        tags: args.tags,
      },
      // The first deployment may read the alarm as soon as the environment exists: the role's policy first.
      { ...child, dependsOn: alarmRole ? [alarmRole.policy] : [] },
    );
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
      child,
    );
    new aws.appconfig.Deployment(
      `${name}-deployment`,
      {
        applicationId: application.id,
        environmentId: environment.environmentId,
        configurationProfileId: profile.configurationProfileId,
        configurationVersion: version.versionNumber.apply(String),
        deploymentStrategyId: strategy,
        description: `${args.app} flags to ${args.environment}`,
        tags: args.tags,
      },
      child,
    );
    this.applicationId = application.id;
    this.applicationArn = application.arn;
    this.versionNumber = version.versionNumber;
    this.target = pulumi
      .all([application.id, application.arn, environment.environmentId, profile.configurationProfileId])
      .apply(([applicationId, appArn, environmentId, profileId]) => ({
        applicationId,
        environmentId,
        profileId,
        configurationArn: `${appArn}/environment/${environmentId}/configuration/${profileId}`,
      }));
    this.registerOutputs({
      applicationId: this.applicationId,
      versionNumber: this.versionNumber,
      target: this.target,
    });
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
