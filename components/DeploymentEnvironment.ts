import * as aws from "./aws";
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { GITHUB_OIDC_HOST, MAX_ENVIRONMENT_REVIEWERS, RELEASE_TAG_GLOB } from "../policy-pack/lib/facts";
import { StandardTags } from "./naming";
import { withDefaults } from "./util";

/** The GitHub OIDC issuer host (GitHub docs: "Configuring OpenID Connect in Amazon Web Services"). */

/**
 * The GitHub Environments of a repository's pipeline: `staging` and `production` deploy; `drift` (this repository
 * only) runs the scheduled drift audit, read-only, without the production approval a daily job cannot wait for.
 */
export type DeployEnvironmentName = "staging" | "production" | "drift";

/**
 * Arguments of {@link DeploymentEnvironment}.
 * Source: CONST "Environments"; PLAY 3-4 (staging auto, production manual approval); OPS "Configuration Management".
 */
export interface DeploymentEnvironmentArgs {
  /** GitHub owner of the repository. */
  owner: string;
  /** Repository name (a plain name or the governance component's output). */
  repository: pulumi.Input<string>;
  /** Repository name as a plain string, for the OIDC subject `repo:OWNER/REPO:environment:ENV`. */
  repositoryName: string;
  /** GitHub Environment name: `staging`, `production`, or `drift` (this repository's read-only drift audit). */
  environment: DeployEnvironmentName;
  /** Required reviewer user ids (numeric GitHub ids). Production only; at most {@link MAX_ENVIRONMENT_REVIEWERS} users + teams (GitHub limit). */
  reviewerUserIds?: pulumi.Input<number>[];
  /** Required reviewer team ids. Production only. */
  reviewerTeamIds?: pulumi.Input<number>[];
  /** Environment secrets, name -> value (must be Pulumi secrets). Default: none. */
  secrets?: Record<string, pulumi.Input<string>>;
  /** Environment variables, name -> value (never secrets). Default: none. */
  variables?: Record<string, pulumi.Input<string>>;
  /** ARN of the account's GitHub OIDC identity provider (`token.actions.githubusercontent.com`). */
  oidcProviderArn: pulumi.Input<string>;
  /**
   * IAM policy document (JSON) granted to the deploy role, scoped to this environment's resources
   * (components/deployPolicies.ts builds the program's; CC-ENV-07 judges it). Required: no default could know the
   * environment's resources, and an unscoped one would let this environment's role deploy another's.
   */
  deployPolicy: pulumi.Input<string>;
  /** AWS managed policies attached to the role as well (the drift role's `ReadOnlyAccess`). Default: none. */
  managedPolicyArns?: string[];
  /** ARN of a permissions boundary for the deploy role (the apps' roles carry their environment's). Default: none. */
  permissionsBoundary?: pulumi.Input<string>;
  /** Tags of the AWS resources. */
  tags: StandardTags;
  /** Minutes to wait before a production deployment may start. Default: 0. */
  waitTimerMinutes?: number;
  /**
   * Whether the environment also admits release tags (`mvp-*`), besides its branches ({@link DEPLOYMENT_SOURCES}).
   * Default: as {@link DEPLOYMENT_SOURCES} says (production: yes). A repository whose workflows never deploy from a
   * tag (this one's main.yml) says no: any writer can push a tag on an unreviewed commit.
   */
  releaseTags?: boolean;
  /**
   * Whether this stack creates the GitHub Environment itself (with its protection rules, which GitHub lets only
   * repository administrators write). False: the stack owning the repository created it
   * ({@link repositoryEnvironment}), and this one writes only the environment's secrets and variables, which a
   * token without administration can (fine-grained "Environments: write"). Default: true.
   */
  createsEnvironment?: boolean;
  /**
   * Protect the GitHub Environment and the deploy role from `pulumi destroy` (identity and approval rules).
   * Default: true in production, false otherwise.
   */
  protect?: boolean;
}

/** Defaults, written once. */
export const deploymentEnvironmentDefaults = {
  reviewerUserIds: [] as pulumi.Input<number>[],
  reviewerTeamIds: [] as pulumi.Input<number>[],
  secrets: {} as Record<string, pulumi.Input<string>>,
  variables: {} as Record<string, pulumi.Input<string>>,
  waitTimerMinutes: 0,
};

/** Where each environment may deploy from: staging from `main` only; production from `main` or release tags. */
export const DEPLOYMENT_SOURCES: Record<DeployEnvironmentName, { branches: string[]; tags: string[] }> = {
  staging: { branches: ["main"], tags: [] },
  production: { branches: ["main"], tags: [RELEASE_TAG_GLOB] },
  drift: { branches: ["main"], tags: [] },
};

/**
 * The trust policy of a deploy role: only GitHub Actions jobs of `repo:OWNER/REPO:environment:ENV`, audience
 * `sts.amazonaws.com` (CC-ENV-06; GitHub docs "Configuring OpenID Connect in Amazon Web Services").
 */
export function deployTrustPolicy(
  providerArn: string,
  owner: string,
  repo: string,
  environment: string,
): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
            [`${GITHUB_OIDC_HOST}:sub`]: `repo:${owner}/${repo}:environment:${environment}`,
          },
        },
      },
    ],
  });
}

/**
 * One GitHub Environment of a repository with its protection rules, secrets and variables, and the AWS IAM
 * role its workflows assume through OIDC (no long-lived cloud keys: CC-ENV-05).
 *
 * @throws Error when a secret name is also a variable name, or production has more than {@link MAX_ENVIRONMENT_REVIEWERS} reviewers.
 */
export class DeploymentEnvironment extends pulumi.ComponentResource {
  /** The GitHub Environment, when this stack creates it (`createsEnvironment`). */
  readonly environment?: github.RepositoryEnvironment;
  /** The GitHub Environment's name, once it exists. */
  readonly environmentName: pulumi.Output<string>;
  /** The deploy role GitHub Actions assumes. */
  readonly deployRole: aws.iam.Role;
  /** ARN of the deploy role. */
  readonly deployRoleArn: pulumi.Output<string>;

  constructor(name: string, args: DeploymentEnvironmentArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Arguments are checked before anything is registered.
    const a = checkedArgs(name, args);
    super("cicd-constitution:github:DeploymentEnvironment", name, {}, opts);
    this.environment = a.createsEnvironment === false ? undefined : repositoryEnvironment(name, a, this);
    this.environmentName = this.environment ? this.environment.environment : pulumi.output(a.environment);
    this.deployRole = this.role(name, a);
    this.deployRoleArn = this.deployRole.arn;
    this.secretsAndVariables(name, a);
    this.registerOutputs({ environment: this.environmentName, deployRoleArn: this.deployRoleArn });
  }

  /** The deploy role, trusted only by this repository's environment through OIDC, with its policies. */
  private role(name: string, a: ResolvedArgs): aws.iam.Role {
    const role = new aws.iam.Role(
      `${name}-deploy-role`,
      {
        name: `${a.tags.app}-${a.environment}-deploy`,
        description: `GitHub Actions deploys of ${a.owner}/${a.repositoryName} (${a.environment}) through OIDC`,
        maxSessionDuration: 3600,
        permissionsBoundary: a.permissionsBoundary,
        assumeRolePolicy: pulumi
          .output(a.oidcProviderArn)
          .apply((arn) => deployTrustPolicy(arn, a.owner, a.repositoryName, a.environment)),
        tags: a.tags,
      },
      { parent: this, protect: a.protect },
    );
    for (const policyArn of a.managedPolicyArns ?? []) {
      new aws.iam.RolePolicyAttachment(
        `${name}-deploy-${policyArn.split("/").pop()!.toLowerCase()}`,
        { role: role.name, policyArn },
        { parent: this },
      );
    }
    new aws.iam.RolePolicy(
      `${name}-deploy-policy`,
      { role: role.name, policy: a.deployPolicy },
      { parent: this },
    );
    return role;
  }

  /** The environment's secrets (as Pulumi secrets) and variables, the deploy role's ARN among them. */
  private secretsAndVariables(name: string, a: ResolvedArgs): void {
    for (const [secretName, value] of Object.entries(a.secrets)) {
      new github.ActionsEnvironmentSecret(
        `${name}-secret-${secretName.toLowerCase()}`,
        {
          repository: a.repository,
          environment: this.environmentName,
          secretName,
          value: pulumi.secret(value),
        },
        { parent: this },
      );
    }
    const variables: Record<string, pulumi.Input<string>> = {
      AWS_DEPLOY_ROLE_ARN: this.deployRole.arn,
      ...a.variables,
    };
    for (const [variableName, value] of Object.entries(variables)) {
      new github.ActionsEnvironmentVariable(
        `${name}-var-${variableName.toLowerCase()}`,
        { repository: a.repository, environment: this.environmentName, variableName, value },
        { parent: this },
      );
    }
  }
}

/** What a GitHub Environment's protection takes: where it is, who approves, what it deploys from. */
export type EnvironmentProtection = Pick<
  DeploymentEnvironmentArgs,
  "repository" | "environment" | "releaseTags"
> & {
  reviewerUserIds: pulumi.Input<number>[];
  reviewerTeamIds: pulumi.Input<number>[];
  waitTimerMinutes: number;
  protect?: boolean;
};

/**
 * A repository's GitHub Environment: production with its reviewers and self-review prevented; both deploy only from the
 * branches and tags of {@link DEPLOYMENT_SOURCES} (custom deployment branch policies).
 */
export function repositoryEnvironment(
  name: string,
  a: EnvironmentProtection,
  parent: pulumi.Resource,
): github.RepositoryEnvironment {
  const isProduction = a.environment === "production";
  const hasReviewers = a.reviewerUserIds.length + a.reviewerTeamIds.length > 0;
  const environment = new github.RepositoryEnvironment(
    `${name}-env`,
    {
      repository: a.repository,
      environment: a.environment,
      preventSelfReview: isProduction,
      waitTimer: a.waitTimerMinutes,
      canAdminsBypass: false,
      reviewers: isProduction && hasReviewers ? [{ users: a.reviewerUserIds, teams: a.reviewerTeamIds }] : [],
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    },
    { parent, protect: a.protect },
  );
  const sources = DEPLOYMENT_SOURCES[a.environment];
  for (const branch of sources.branches) {
    new github.RepositoryEnvironmentDeploymentPolicy(
      `${name}-branch-${branch.replace(/[^A-Za-z0-9]+/g, "-")}`,
      { repository: a.repository, environment: environment.environment, branchPattern: branch },
      { parent },
    );
  }
  for (const tag of a.releaseTags === false ? [] : sources.tags) {
    new github.RepositoryEnvironmentDeploymentPolicy(
      `${name}-tag-${tag.replace(/[^A-Za-z0-9]+/g, "-").replace(/-+$/, "")}`,
      { repository: a.repository, environment: environment.environment, tagPattern: tag },
      { parent },
    );
  }
  return environment;
}

/** The arguments with their defaults. */
type ResolvedArgs = ReturnType<typeof resolvedArgs>;

function resolvedArgs(args: DeploymentEnvironmentArgs) {
  return withDefaults({ ...deploymentEnvironmentDefaults, protect: args.environment === "production" }, args);
}

/**
 * The arguments with their defaults, checked.
 *
 * @throws Error when a secret name is also a variable name, or there are more reviewers than GitHub allows.
 */
function checkedArgs(name: string, args: DeploymentEnvironmentArgs): ResolvedArgs {
  const a = resolvedArgs(args);
  const clash = Object.keys(a.secrets).filter((k) => k in a.variables);
  if (clash.length > 0) {
    throw new Error(
      `DeploymentEnvironment ${name}: ${clash.join(", ")} given both as secret and as variable`,
    );
  }
  if (a.reviewerUserIds.length + a.reviewerTeamIds.length > MAX_ENVIRONMENT_REVIEWERS) {
    throw new Error(
      `DeploymentEnvironment ${name}: GitHub allows at most ${MAX_ENVIRONMENT_REVIEWERS} required reviewers (users and teams together)`,
    );
  }
  return a;
}
