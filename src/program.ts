/**
 * The Pulumi program as a function of the validated model: model -> components -> resources, plus the stack
 * outputs (the environment profile that production's parity checks read). `index.ts` calls it under the
 * engine; the offline preview calls it under Pulumi's mock runtime.
 */
import * as aws from "../components/aws";
import * as pulumi from "@pulumi/pulumi";
import { Application, ApplicationGovernance, ImageSource, runningBuildOf } from "../components/Application";
import type { RuntimeSettings } from "../components/ServiceRuntime";
import type { FlagOperations } from "../components/FeatureFlags";
import type { MigrationRun } from "../components/MigrationTask";
import type { AppProfile, EnvironmentProfile, Release } from "../policy-pack/lib/profile";

export type { AppProfile, EnvironmentProfile, Release };
import { permissionsBoundaryArn } from "../components/runtimePolicies";
import { InfrastructureRepository } from "../components/InfrastructureRepository";
import { MANAGED_BY } from "../components/naming";
import {
  DIGEST_PATTERN,
  GITHUB_OIDC_HOST,
  MIGRATIONS_CHECK,
  RESERVED_VARIABLES,
} from "../policy-pack/lib/facts";
import {
  AppModel,
  CONFIG_NAMESPACE,
  ConfigError,
  deploymentOf,
  historyDigests,
  StackModel,
} from "./config/model";
import { SecretValues } from "./config/secrets";
import { checkEgress } from "./egress";
import { checkOrganizationOwner, githubProviderOf, reviewerIds } from "./githubOwner";

/** Name of the StackReference resource through which production reads staging (CC-PAR-*). */
export const STAGING_REFERENCE_NAME = "staging-profile";

/** Name of the StackReference through which staging reads its own last outputs (the releases it has run). */
export const PREVIOUS_PROFILE_REFERENCE_NAME = "previous-profile";

/** Releases an environment profile keeps per app, newest first (enough for any rollback in practice). */
export const RELEASES_KEPT = 20;

/** Stack outputs of the program. */
export interface StackOutputs {
  environmentProfile: pulumi.Output<EnvironmentProfile>;
  apps: Record<
    string,
    {
      imageRef: pulumi.Output<string>;
      url: pulumi.Output<string>;
      deployRoleArn: pulumi.Output<string>;
      /** Ids and names the `cicd flags` commands and `cicd verify` read (components/FeatureFlags.ts). */
      flags: pulumi.Output<FlagOperations>;
      /** What `cicd migrate` runs, for an app with migrations (components/MigrationTask.ts). */
      migration?: pulumi.Output<MigrationRun>;
    }
  >;
}

/** Thrown when production cannot know what to promote; raised before any app resource is registered. */
export class PromotionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromotionError";
  }
}

/** The model's runtime fields that go to the component under another name or shape; the rest go as they are. */
type MappedRuntimeFields = "health" | "secrets" | "deployment";

/**
 * The model's runtime fields that reach no component: none. Compiles only while every runtime field of the model is
 * either mapped in {@link runtimeOf} or a setting {@link RuntimeSettings} takes under the same name: a field added to
 * the model's runtime schema and to ServiceRuntimeArgs needs nothing here; one added to the model alone fails `tsc`
 * here, naming the field ("Property 'x' is missing in type '{}'").
 */
type RuntimeFieldsReachingNoComponent = Exclude<
  keyof AppModel["runtime"],
  MappedRuntimeFields | keyof RuntimeSettings | "domain"
>;
const EVERY_RUNTIME_FIELD_REACHES_THE_COMPONENT: Record<RuntimeFieldsReachingNoComponent, never> = {};
void EVERY_RUNTIME_FIELD_REACHES_THE_COMPONENT;

/**
 * An app's runtime settings for {@link Application} from its validated config: the fields the component takes
 * as they are, then the health paths out of `health`, the secrets as Pulumi secrets (by name,
 * through `secretOf`) and the deployment strategy with this environment's defaults.
 */
function runtimeOf(
  app: AppModel,
  env: "staging" | "production",
  secretOf: (name: string) => pulumi.Output<string>,
): RuntimeSettings & { domain: string } {
  const { health, secrets, deployment, ...asTheyAre } = app.runtime;
  return {
    ...asTheyAre,
    readinessPath: health.readinessPath,
    healthPath: health.healthPath,
    healthCommand: health.command,
    containerHealth: health.container,
    secrets: Object.fromEntries(secrets.map((n) => [n, secretOf(n)])),
    deployment: deploymentOf(env, app.runtime),
  };
}

/** The container's variable names: the app's own and those the runtime sets ({@link RESERVED_VARIABLES}). */
function envNamesOf(app: AppModel): string[] {
  return [...Object.keys(app.runtime.environmentVariables), ...RESERVED_VARIABLES].sort();
}

/**
 * Reads staging's environment profile of one app from the StackReference output, with a clear error when the
 * reference is unreadable or lacks the app (before anything of that app is registered).
 */
function stagingAppProfile(profile: unknown, stackName: string, app: string): AppProfile {
  const apps = (profile as EnvironmentProfile | undefined)?.apps;
  if (!apps || typeof apps !== "object") {
    throw new PromotionError(
      `production: the staging stack ${stackName} exports no environmentProfile; deploy staging first or pin ` +
        `cicd-constitution:apps[].image.digest and .provenance`,
    );
  }
  const p = apps[app];
  if (!p || typeof p.digest !== "string" || !DIGEST_PATTERN.test(p.digest)) {
    throw new PromotionError(
      `production: the staging stack ${stackName} has no digest for app ${app}; staging must build and run it first`,
    );
  }
  return p;
}

/**
 * Where an app's image comes from: staging builds the commit (or, rolled back, runs the digest it pins);
 * production promotes the pinned digest, or what staging's environment profile says it runs.
 *
 * @throws PromotionError when production needs staging's profile and it lacks the app or its digest.
 */
function imageSourceOf(
  model: StackModel,
  app: AppModel,
  stagingProfile: unknown,
  sourceToken: pulumi.Input<string>,
): ImageSource {
  if (model.environment === "staging") {
    const b = app.image.build!;
    return {
      kind: "build",
      gitSha: b.gitSha,
      date: b.date,
      actor: b.actor,
      ...(b.version ? { version: b.version } : {}),
      context: app.image.context,
      platforms: app.image.platforms,
      sourceToken: app.repository.visibility === "public" ? undefined : sourceToken,
      // Rolled back (cicd rollback --stack staging): a digest staging ran before runs; the build stays as it is.
      ...(app.image.digest && app.image.provenance
        ? { pinned: { digest: app.image.digest, ...app.image.provenance } }
        : {}),
    };
  }
  if (app.image.digest && app.image.provenance) {
    return { kind: "promote", digest: app.image.digest, ...app.image.provenance };
  }
  const fromStaging = stagingAppProfile(stagingProfile, model.promotion!.stagingStack, app.name);
  const digest = app.image.digest ?? fromStaging.digest;
  const release = releasesOf(fromStaging).find((r) => r.digest === digest);
  if (!release && !app.image.provenance) {
    throw new PromotionError(
      `production: ${CONFIG_NAMESPACE}:apps[${model.apps.indexOf(app)}].image.digest of ${app.name} is ${digest}, ` +
        `which the staging stack ${model.promotion!.stagingStack} has not run (its releases: ` +
        `${releasesOf(fromStaging)
          .map((r) => r.digest.slice(0, 19))
          .join(", ")}); promote a digest staging ran, or pin image.provenance`,
    );
  }
  return { kind: "promote", digest, ...(app.image.provenance ?? release!) };
}

/** The releases of a profile; a profile exported before releases existed has its current digest only. */
function releasesOf(profile: AppProfile): Release[] {
  return Array.isArray(profile.releases) && profile.releases.length
    ? profile.releases
    : [{ digest: profile.digest, ...profile.build }];
}

/**
 * Staging's releases of each app as its last deployment exported them, read through a StackReference to this
 * very stack (the engine answers it from the stack's last checkpoint). A first deployment has none.
 */
async function previousReleases(): Promise<Record<string, Release[]>> {
  const self = `${organization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  const ref = new pulumi.StackReference(PREVIOUS_PROFILE_REFERENCE_NAME, { name: self });
  const details = await ref.getOutputDetails("environmentProfile");
  // A profile exported as a secret is still the profile: never a silent reset of what staging ran.
  const profile = (details.value ?? details.secretValue) as EnvironmentProfile | undefined;
  return Object.fromEntries(
    Object.entries(profile?.apps ?? {}).map(([app, p]) => [app, p && p.digest ? releasesOf(p) : []]),
  );
}

/** The organization of stacks on a self-managed (DIY) backend, which has none of its own (Pulumi docs, "State"). */
export const DEFAULT_ORGANIZATION = "organization";

/** The stack's organization; an engine too old to send one runs against a DIY backend's. */
function organization(): string {
  try {
    return pulumi.getOrganization();
  } catch {
    return DEFAULT_ORGANIZATION;
  }
}

/** The releases after running `current`: it first, then the earlier ones without it, at most RELEASES_KEPT. */
export function nextReleases(current: Release, earlier: Release[]): Release[] {
  return [current, ...earlier.filter((r) => r.digest !== current.digest)].slice(0, RELEASES_KEPT);
}

/** A governed repository's code owners (the model requires them where repositories are owned), actions, checks' app. */
function hardeningOf(model: StackModel, repository: { codeOwners?: string[] }) {
  return {
    codeOwners: repository.codeOwners ?? [],
    allowedActions: model.governance.allowedActions,
    checksIntegrationId: model.governance.checksIntegrationId,
  };
}

/** The OIDC provider URL of GitHub Actions (GitHub docs, "Configuring OpenID Connect in Amazon Web Services"). */
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;

/**
 * The account's GitHub OIDC provider: created by the owning stack (`oidcProvider: create`, its default) or read
 * (`existing`, the default elsewhere); reading one that does not exist fails as AWS would.
 */
async function githubOidcProvider(model: StackModel): Promise<pulumi.Input<string>> {
  const mode = model.oidcProvider ?? (model.governance.ownsRepositories ? "create" : "existing");
  if (mode === "existing") {
    // Read before anything is registered: a missing provider stops the program with a clear error.
    try {
      return (await aws.iam.getOpenIdConnectProvider({ url: GITHUB_OIDC_URL })).arn;
    } catch (err) {
      throw new ConfigError(
        pulumi.getStack(),
        [
          {
            key: `${CONFIG_NAMESPACE}:oidcProvider`,
            expected:
              "an existing GitHub OIDC provider in this AWS account: run the owning stack's bootstrap first " +
              '(docs/PIPELINE.md, "First deploy"), or set oidcProvider: create',
            found: `none readable (${String((err as Error)?.message ?? err).slice(0, 160)})`,
          },
        ],
        "AWS account",
      );
    }
  }
  return new aws.iam.OpenIdConnectProvider(
    "github-oidc",
    {
      url: GITHUB_OIDC_URL,
      clientIdLists: ["sts.amazonaws.com"],
      tags: { "managed-by": MANAGED_BY },
    },
    // Every deploy role trusts it: never deleted by a `pulumi destroy`.
    { protect: true, retainOnDelete: true },
  ).arn;
}

/** This repository's governance, environments and deploy roles (the owning stack only). */
function governInfrastructure(
  model: StackModel,
  secretOf: (app: string, name: string) => pulumi.Output<string>,
  oidcProviderArn: pulumi.Input<string>,
  accountId: pulumi.Input<string>,
): InfrastructureRepository {
  const infra = model.infrastructure!;
  const pulumiOrg = model.promotion?.stagingStack.split("/")[0];
  return new InfrastructureRepository(
    infra.repository.name,
    {
      owner: model.githubOwner,
      repository: infra.repository,
      repositoryHardening: hardeningOf(model, infra.repository),
      requiredChecks: infra.requiredChecks,
      requiredApprovals: infra.requiredApprovals,
      ...reviewerIds(model, infra.reviewers),
      environmentSecrets: Object.fromEntries(
        infra.environmentSecrets.map((n) => [n, secretOf(infra.repository.name, n)]),
      ),
      variables: { AWS_REGION: model.awsRegion },
      repositoryVariables: pulumiOrg ? { PULUMI_ORG: pulumiOrg } : {},
      repositorySecrets: Object.fromEntries(
        infra.repositorySecrets.map((n) => [n, secretOf(infra.repository.name, n)]),
      ),
      oidcProviderArn,
      accountId,
      region: model.awsRegion,
      ownerTag: infra.owner,
    },
    { providers: [githubProviderOf(model)] },
  );
}

/**
 * Bootstrap (the one command an administrator runs before CI can deploy): the OIDC provider, this
 * repository's governance with both deploy roles, and every app's repository with its rulesets. No runtime.
 */
async function bootstrapStack(
  model: StackModel,
  secretOf: (app: string, name: string) => pulumi.Output<string>,
  accountId: pulumi.Input<string>,
): Promise<StackOutputs> {
  const oidcProviderArn = await githubOidcProvider(model);
  governInfrastructure(model, secretOf, oidcProviderArn, accountId);
  for (const app of model.apps)
    new ApplicationGovernance(
      app.name,
      {
        ...app,
        app: app.name,
        environment: model.environment,
        repositoryHardening: hardeningOf(model, app.repository),
      },
      { providers: [githubProviderOf(model)] },
    );
  return {
    environmentProfile: pulumi.output<EnvironmentProfile>({ environment: model.environment, apps: {} }),
    apps: {},
  };
}

/** What every app's {@link Application} shares: secrets by app and name, the OIDC provider, the account. */
interface StackWiring {
  secretOf: (app: string, name: string) => pulumi.Output<string>;
  oidcProviderArn: pulumi.Input<string>;
  accountId: pulumi.Output<string>;
}

/** The arguments of one app's {@link Application}, from the validated model and the app's image source. */
function applicationArgsOf(
  model: StackModel,
  app: AppModel,
  image: ImageSource,
  wiring: StackWiring,
): ConstructorParameters<typeof Application>[1] {
  const env = model.environment;
  const { secretOf } = wiring;
  return {
    app: app.name,
    owner: app.owner,
    environment: env,
    githubOwner: model.githubOwner,
    repository: app.repository,
    repositoryHardening: hardeningOf(model, app.repository),
    ownsRepository: model.governance.ownsRepositories,
    // An app with migrations also requires its migration smoke on every pull request (F6).
    requiredChecks:
      app.migrations && !app.requiredChecks.includes(MIGRATIONS_CHECK)
        ? [...app.requiredChecks, MIGRATIONS_CHECK]
        : app.requiredChecks,
    requiredApprovals: app.requiredApprovals,
    // Reviewers guard production only; staging looks none up (its token reads no organisation membership).
    ...(env === "production"
      ? reviewerIds(model, app.reviewers)
      : { reviewerUserIds: [], reviewerTeamIds: [] }),
    environmentSecrets: Object.fromEntries(app.environmentSecrets.map((n) => [n, secretOf(app.name, n)])),
    imageRepository: app.image.repository,
    image,
    registryToken: secretOf("", "ghcrToken"),
    pullToken: app.image.public ? undefined : secretOf("", "ghcrPullToken"),
    runtime: runtimeOf(app, env, (n) => secretOf(app.name, n)),
    network: { ...model.network, certificateArn: model.certificateArn },
    flags: app.flags,
    migrations: app.migrations,
    observability: app.observability,
    oidcProviderArn: wiring.oidcProviderArn,
    accountId: wiring.accountId,
    permissionsBoundary: wiring.accountId.apply((accountId) => permissionsBoundaryArn(accountId, env)),
    region: model.awsRegion,
    alertEmail: model.alerting.email,
  };
}

/**
 * One app's environment profile (exported as `environmentProfile.apps.<app>`): the release running now, with
 * staging's history of releases (`earlier`, newest first) or production's pinned history, and what parity compares.
 */
function profileOf(
  env: "staging" | "production",
  app: AppModel,
  current: Release,
  earlier: Release[],
): AppProfile {
  const releases = nextReleases(current, earlier);
  const { digest, ...build } = current;
  return {
    repository: app.repository.name,
    imageRepository: app.image.repository,
    digest,
    knownDigests:
      env === "staging"
        ? releases.map((r) => r.digest)
        : [digest, ...historyDigests(app.image).filter((d) => d !== digest)],
    releases,
    build,
    envNames: envNamesOf(app),
    secretNames: [...app.runtime.secrets].sort(),
    readinessPath: app.runtime.health.readinessPath,
    containerHealthPath: app.runtime.health.healthPath,
    port: app.runtime.port,
    flags: app.flags.map((f) => f.name).sort(),
  };
}

/**
 * Registers every resource of the stack.
 *
 * @param model The validated stack model.
 * @param secrets Secret values by app and name (`""` holds `ghcrToken`), wrapped here as Pulumi secrets.
 * @throws PromotionError when production has neither a pinned digest with provenance nor a readable staging profile.
 */
export async function defineStack(model: StackModel, secrets: SecretValues): Promise<StackOutputs> {
  const env = model.environment;
  const secretOf = (app: string, name: string) => pulumi.secret(secrets.get(app)?.get(name) ?? "");
  const identity = aws.getCallerIdentityOutput({});

  // Teams need an organisation: a user account as owner stops the program, the bootstrap too, before any change.
  if (model.bootstrap) {
    await checkOrganizationOwner(model);
    return bootstrapStack(model, secretOf, identity.accountId);
  }

  // The private subnets must reach ghcr.io and the AWS APIs: checked before anything is registered.
  await checkEgress(model);

  // Production reads what staging runs before registering anything else, so a missing digest or an
  // unreadable reference stops the program before any change.
  let stagingProfile: unknown;
  if (env === "production" && model.promotion) {
    const ref = new pulumi.StackReference(STAGING_REFERENCE_NAME, { name: model.promotion.stagingStack });
    try {
      stagingProfile = (await ref.getOutputDetails("environmentProfile")).value;
    } catch (err) {
      throw new PromotionError(
        `production: cannot read the staging stack ${model.promotion.stagingStack} ` +
          `(cicd-constitution:promotion.stagingStack): ${(err as Error).message}`,
      );
    }
  }

  // Staging remembers what it has run: its last deployment's releases, to which this one adds its digests.
  const earlier = env === "staging" ? await previousReleases() : {};

  const outputs: StackOutputs["apps"] = {};
  const profiles: Array<pulumi.Output<[string, AppProfile]>> = [];

  // Every app's image source is settled before the first app registers anything, so a missing staging
  // digest for any app stops the program before any change.
  const sourceToken = secretOf("", "gitSourceToken");
  const images = new Map(
    model.apps.map((app) => [app.name, imageSourceOf(model, app, stagingProfile, sourceToken)]),
  );

  await checkOrganizationOwner(model);
  const oidcProviderArn = await githubOidcProvider(model);
  if (model.infrastructure) governInfrastructure(model, secretOf, oidcProviderArn, identity.accountId);

  for (const app of model.apps) {
    const image = images.get(app.name)!;
    const component = new Application(
      app.name,
      applicationArgsOf(model, app, image, { secretOf, oidcProviderArn, accountId: identity.accountId }),
      { providers: [githubProviderOf(model)] },
    );
    outputs[app.name] = {
      imageRef: component.imageRef,
      url: component.url,
      deployRoleArn: component.deployRoleArn,
      flags: component.flags,
      ...(component.migration ? { migration: component.migration } : {}),
    };
    const runs = runningBuildOf(image);
    profiles.push(
      pulumi
        .all([component.digest, runs.sha, runs.date, runs.actor])
        .apply(([digest, gitSha, date, actor]): [string, AppProfile] => [
          app.name,
          profileOf(env, app, { digest, gitSha, date, actor }, earlier[app.name] ?? []),
        ]),
    );
  }

  return {
    environmentProfile: pulumi
      .all(profiles)
      .apply((entries) => ({ environment: env, apps: Object.fromEntries(entries) })),
    apps: outputs,
  };
}
