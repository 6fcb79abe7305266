import * as pulumi from "@pulumi/pulumi";
import { ContainerImage } from "./ContainerImage";
import { DeploymentEnvironment, repositoryEnvironment } from "./DeploymentEnvironment";
import { FeatureFlag, FeatureFlags, FlagOperations } from "./FeatureFlags";
import { appDeployPolicy } from "./deployPolicies";
import { physicalNames, standardTags } from "./naming";
import { Observability } from "./Observability";
import { governanceArgsOf, RepositoryGovernance, RepositoryGovernanceArgs } from "./RepositoryGovernance";
import type { MigrationRun } from "./MigrationTask";
import { RuntimeSettings, ServiceRuntime } from "./ServiceRuntime";
import { APPLICATION_TYPE } from "../policy-pack/lib/facts";

/** Where the image comes from: a staging build of the commit, or a promoted digest with its provenance. */
export type ImageSource =
  | {
      kind: "build";
      /** The app repository's commit, its merge time and who merged it, and its release version if any. */
      gitSha: string;
      date: string;
      actor: string;
      version?: string;
      /** Directory of the app repository that is the build context. */
      context: string;
      platforms: string[];
      /** Token that reads the app repository when it is not public (a Pulumi secret). */
      sourceToken?: pulumi.Input<string>;
      /**
       * Staging rolled back: the digest it runs instead of the build's, with that digest's provenance (what
       * `BUILD_*` and the release record say). The build stays registered, unchanged.
       */
      pinned?: { digest: string; gitSha: string; date: string; actor: string };
    }
  | {
      kind: "promote";
      digest: pulumi.Input<string>;
      gitSha: pulumi.Input<string>;
      date: pulumi.Input<string>;
      actor: pulumi.Input<string>;
    };

/**
 * Arguments of {@link Application}: everything one app needs in one environment, already validated by the
 * config model (src/config/model.ts), with secret values as Pulumi secrets.
 */
export interface ApplicationArgs {
  /** App name. */
  app: string;
  /** Owning team or person (`owner` tag). */
  owner: string;
  /** `staging` or `production`. */
  environment: "staging" | "production";
  /** GitHub owner. */
  githubOwner: string;
  /** Repository settings. */
  repository: {
    name: string;
    description: string;
    visibility: "private" | "public" | "internal";
    import: boolean;
  };
  /** Code owners, allowed actions and the required checks' app of the repository (CC-BR-10 to CC-BR-12). */
  repositoryHardening: Pick<
    RepositoryGovernanceArgs,
    "codeOwners" | "allowedActions" | "checksIntegrationId"
  >;
  /** Whether this stack owns the repository and its rulesets (exactly one stack does). */
  ownsRepository: boolean;
  /** Required status checks on `main`. */
  requiredChecks: string[];
  /** Approving reviews required on pull requests. */
  requiredApprovals: number;
  /** Production reviewers as numeric GitHub ids. */
  reviewerUserIds: pulumi.Input<number>[];
  reviewerTeamIds: pulumi.Input<number>[];
  /** GitHub Environment secrets (Pulumi secrets). */
  environmentSecrets: Record<string, pulumi.Input<string>>;
  /** GHCR repository, `ghcr.io/OWNER/NAME`. */
  imageRepository: string;
  /** Build or promote. */
  image: ImageSource;
  /** GHCR token (Pulumi secret). */
  registryToken: pulumi.Input<string>;
  /** GHCR pull token for the tasks (Pulumi secret, `read:packages`); absent when the image is public. */
  pullToken?: pulumi.Input<string>;
  /**
   * The app's runtime settings, passed to {@link ServiceRuntime} as they are (their documentation and defaults
   * are ServiceRuntime's), and the app's public DNS name.
   */
  runtime: RuntimeSettings & { domain: string };
  /** Network and TLS. */
  network: { vpcId: string; publicSubnetIds: string[]; privateSubnetIds: string[]; certificateArn: string };
  /** Feature flags with this environment's values. */
  flags: FeatureFlag[];
  /**
   * The app's schema migrations: a {@link MigrationTask} runs `command` on the service's image before the service
   * changes (`cicd migrate`). Default: none.
   */
  migrations?: {
    command: string[];
    contract: "safe_online" | "requires_maintenance_window" | "destructive";
    timeoutSeconds: number;
  };
  /** SLOs: percent, days, seconds, percent. */
  observability: {
    errorBudgetPercent: number;
    errorBudgetPeriodDays: number;
    latencyP95Seconds: number;
    goldenPathSuccessPercent: number;
    /** The alarms' runbook URL. Default: none. */
    runbookUrl?: string;
  };
  /** GitHub OIDC provider ARN of the AWS account. */
  oidcProviderArn: pulumi.Input<string>;
  /** AWS account id (the deploy role's resource ARNs). */
  accountId: pulumi.Input<string>;
  /** ARN of the environment's permissions boundary, on every role of the app. */
  permissionsBoundary: pulumi.Input<string>;
  /** AWS region. */
  region: string;
  /** Alarm e-mail. */
  alertEmail?: string;
}

/** The Pulumi type of {@link Application} (and of {@link ApplicationGovernance}, which shares its URNs). */

/** What governs an app's repository, from its arguments. */
export type GovernanceArgs = Pick<
  ApplicationArgs,
  "app" | "environment" | "repository" | "requiredChecks" | "requiredApprovals" | "repositoryHardening"
>;

/** The app's repository governance, child `APP-governance` of its Application component. */
function governanceOf(args: GovernanceArgs, parent: pulumi.Resource): RepositoryGovernance {
  const governance = new RepositoryGovernance(
    `${args.app}-governance`,
    governanceArgsOf(args.repository, args.requiredChecks, args.requiredApprovals, args.repositoryHardening),
    { parent },
  );
  // The owning stack (production) also creates the app's staging environment, bootstrap included: creating an
  // environment and its branch policy takes administration of the repository, which staging's token lacks.
  if (args.environment === "production")
    repositoryEnvironment(
      `${args.app}-staging-environment`,
      {
        repository: governance.repositoryName,
        environment: "staging",
        reviewerUserIds: [],
        reviewerTeamIds: [],
        waitTimerMinutes: 0,
        protect: true,
      },
      governance,
    );
  return governance;
}

/**
 * Bootstrap (docs/PIPELINE.md, "First deploy"): only an app's repository governance, under the URNs the full
 * {@link Application} gives it, so the next full `pulumi up` adds the rest without replacing anything.
 */
export class ApplicationGovernance extends pulumi.ComponentResource {
  constructor(name: string, args: GovernanceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(APPLICATION_TYPE, name, {}, opts);
    const governance = governanceOf(args, this);
    this.registerOutputs({ repositoryName: governance.repositoryName });
  }
}

/** One app in one environment: governance (if owned here), environment, image, runtime, flags, observability. */
export class Application extends pulumi.ComponentResource {
  /** Image by digest. */
  readonly imageRef: pulumi.Output<string>;
  /** Digest the runtime runs. */
  readonly digest: pulumi.Output<string>;
  /** Load balancer DNS name. */
  readonly url: pulumi.Output<string>;
  /** Deploy role ARN. */
  readonly deployRoleArn: pulumi.Output<string>;
  /** What `cicd flags` and `cicd verify` read of the app's flags. */
  readonly flags: pulumi.Output<FlagOperations>;
  /** What `cicd migrate` runs (cluster, family, network, logs), when the app has migrations. */
  readonly migration?: pulumi.Output<MigrationRun>;

  constructor(name: string, args: ApplicationArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(APPLICATION_TYPE, name, {}, opts);
    const tags = standardTags(args.app, args.environment, args.owner);
    const prefix = `${args.app}-${args.environment}`;
    const governance = args.ownsRepository ? governanceOf(args, this) : undefined;
    const image = this.image(prefix, args);
    // The flag environment monitors the 5xx alarm, which needs the runtime's load balancer, which needs the
    // flags' ids: resource by resource there is no cycle, so the alarm ARN is handed over once it exists.
    // Likewise the service's deployment alarms (CC-RUN-13): the service waits for them.
    const [alarmArn, resolveAlarmArn] = pulumi.deferredOutput<string>();
    const [deploymentAlarmNames, resolveDeploymentAlarmNames] = pulumi.deferredOutput<string[]>();
    const flags = new FeatureFlags(
      `${prefix}-flags`,
      {
        app: args.app,
        environment: args.environment,
        flags: args.flags,
        monitorAlarmArn: alarmArn,
        permissionsBoundary: args.permissionsBoundary,
        tags,
      },
      { parent: this },
    );
    const runtime = this.runtime(prefix, args, { image, flags, deploymentAlarmNames, tags });
    flags.deployAfter([runtime.service]);
    const observability = this.observability(prefix, args, runtime, tags);
    resolveAlarmArn(observability.errorRateAlarmArn);
    resolveDeploymentAlarmNames(observability.deploymentAlarmNames);
    const repository = governance ? governance.repositoryName : args.repository.name;
    const environment = this.deploymentEnvironment(prefix, args, { repository, runtime, flags, tags });

    this.imageRef = image.imageRef;
    this.digest = image.digest;
    this.url = pulumi.interpolate`https://${args.runtime.domain}`;
    this.deployRoleArn = environment.deployRoleArn;
    this.flags = flags.operations;
    this.migration = runtime.migration?.runInputs;
    this.registerOutputs({
      flags: this.flags,
      migration: this.migration,
      imageRef: this.imageRef,
      url: this.url,
      deployRoleArn: this.deployRoleArn,
      lb: runtime.dnsName,
    });
  }

  /** The app's image: built from its repository (staging) or promoted by digest (production). */
  private image(prefix: string, args: ApplicationArgs): ContainerImage {
    return new ContainerImage(
      `${prefix}-image`,
      {
        repository: args.imageRepository,
        sourceUrl: `https://github.com/${args.githubOwner}/${args.repository.name}`,
        environment: args.environment,
        build: args.image.kind === "build" ? args.image : undefined,
        promoteDigest: args.image.kind === "promote" ? args.image.digest : undefined,
        pinnedDigest: args.image.kind === "build" ? args.image.pinned?.digest : undefined,
        registryUser: args.githubOwner,
        registryToken: args.registryToken,
      },
      { parent: this },
    );
  }

  /** The ECS service behind its load balancer, running `image` with the app's runtime settings and flags. */
  private runtime(
    prefix: string,
    args: ApplicationArgs,
    with_: {
      image: ContainerImage;
      flags: FeatureFlags;
      deploymentAlarmNames: pulumi.Output<string[]>;
      tags: ReturnType<typeof standardTags>;
    },
  ): ServiceRuntime {
    const { domain: _domain, ...settings } = args.runtime;
    return new ServiceRuntime(
      prefix,
      {
        app: args.app,
        environment: args.environment,
        region: args.region,
        imageRef: with_.image.imageRef,
        registryCredentials: args.pullToken
          ? { username: args.githubOwner, password: args.pullToken }
          : undefined,
        build: runningBuildOf(args.image),
        ...settings,
        featureFlags: with_.flags.target,
        migrationCommand: args.migrations?.command,
        migrationContract: args.migrations?.contract,
        migrationTimeoutSeconds: args.migrations?.timeoutSeconds,
        permissionsBoundary: args.permissionsBoundary,
        ...args.network,
        deploymentAlarmNames: with_.deploymentAlarmNames,
        tags: with_.tags,
      },
      { parent: this },
    );
  }

  /** The app's alarms and dashboard: both target groups' 5xx when traffic shifts (CC-RUN-13), the SLOs. */
  private observability(
    prefix: string,
    args: ApplicationArgs,
    runtime: ServiceRuntime,
    tags: ReturnType<typeof standardTags>,
  ): Observability {
    return new Observability(
      `${prefix}-observability`,
      {
        app: args.app,
        environment: args.environment,
        loadBalancerArnSuffix: runtime.loadBalancerArnSuffix,
        targetGroupArnSuffixes: runtime.alternateTargetGroup
          ? [runtime.targetGroupArnSuffix, runtime.alternateTargetGroup.arnSuffix]
          : undefined,
        ...args.observability,
        alertEmail: args.alertEmail,
        region: args.region,
        tags,
      },
      { parent: this },
    );
  }

  /**
   * The app's GitHub Environment and its deploy role, which acts on this app in this environment only
   * (CC-ENV-07): the variables the deploy workflow reads and the role's policy on this service's resources.
   */
  private deploymentEnvironment(
    prefix: string,
    args: ApplicationArgs,
    with_: {
      repository: pulumi.Input<string>;
      runtime: ServiceRuntime;
      flags: FeatureFlags;
      tags: ReturnType<typeof standardTags>;
    },
  ): DeploymentEnvironment {
    const names = physicalNames(args.app, args.environment);
    const { runtime, flags } = with_;
    return new DeploymentEnvironment(
      `${prefix}-environment`,
      {
        owner: args.githubOwner,
        repository: with_.repository,
        repositoryName: args.repository.name,
        environment: args.environment,
        // Staging writes only its environment's secrets and variables, into the environment production created.
        createsEnvironment: args.ownsRepository || args.environment === "production",
        reviewerUserIds: args.reviewerUserIds,
        reviewerTeamIds: args.reviewerTeamIds,
        secrets: args.environmentSecrets,
        variables: {
          AWS_REGION: args.region,
          IMAGE_REPOSITORY: args.imageRepository,
          ECS_CLUSTER: names.cluster.name,
          ECS_SERVICE: names.service.name,
          APP_URL: `https://${args.runtime.domain}`,
        },
        oidcProviderArn: args.oidcProviderArn,
        permissionsBoundary: args.permissionsBoundary,
        deployPolicy: pulumi
          .all([args.accountId, runtime.taskRole.arn, runtime.executionRole.arn, flags.applicationArn])
          .apply(([accountId, taskRoleArn, executionRoleArn, appConfigApplicationArn]) =>
            appDeployPolicy({
              region: args.region,
              accountId,
              environment: args.environment,
              app: args.app,
              cluster: names.cluster.name,
              service: names.service.name,
              taskFamily: names.taskFamily.name,
              taskRoleArn,
              executionRoleArn,
              appConfigApplicationArn,
            }),
          ),
        tags: with_.tags,
      },
      { parent: this },
    );
  }
}

/**
 * The provenance of what runs (`BUILD_SHA`, `BUILD_DATE`, `BUILD_ACTOR`): a rolled-back staging's pinned digest's,
 * else the build's or the promoted digest's.
 */
export function runningBuildOf(image: ImageSource): {
  sha: pulumi.Input<string>;
  date: pulumi.Input<string>;
  actor: pulumi.Input<string>;
} {
  const p = image.kind === "build" && image.pinned ? image.pinned : image;
  return { sha: p.gitSha, date: p.date, actor: p.actor };
}
