import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import * as github from "@pulumi/github";
import { driftAuditPolicy } from "./deployPolicies";
import { infrastructureDeployPolicy } from "./infrastructurePolicy";
import { READ_ONLY_ACCESS_POLICY_ARN } from "./policyGuards";
import { permissionsBoundaryName, permissionsBoundaryPolicy } from "./runtimePolicies";
import { DeploymentEnvironment } from "./DeploymentEnvironment";
import { STAGING_VALUES } from "./defaults";
import { standardTags } from "./naming";
import { governanceArgsOf, RepositoryGovernance, RepositoryGovernanceArgs } from "./RepositoryGovernance";
import { INFRASTRUCTURE_TYPE } from "../policy-pack/lib/facts";

/**
 * Arguments of {@link InfrastructureRepository}.
 * Source: CONST "Branching & Flow", "Required PR Checks", "Environments"; PLAY 3-4 (staging automatic,
 * production after manual approval); GitHub docs "Configuring OpenID Connect in Amazon Web Services".
 */
export interface InfrastructureRepositoryArgs {
  /** GitHub owner. */
  owner: string;
  /** This repository: name, description, visibility, and whether it is adopted (`import`; it exists, it holds this code). */
  repository: {
    name: string;
    description: string;
    visibility: "private" | "public" | "internal";
    import: boolean;
  };
  /** Code owners, allowed actions and the required checks' app of this repository (CC-BR-10 to CC-BR-12). */
  repositoryHardening: Pick<
    RepositoryGovernanceArgs,
    "codeOwners" | "allowedActions" | "checksIntegrationId"
  >;
  /** Required status checks on `main`: the jobs of `.github/workflows/pr.yml`. */
  requiredChecks: string[];
  /** Approving reviews on pull requests to `main`. */
  requiredApprovals: number;
  /** Reviewers of the `production` environment (numeric GitHub ids): the gate before production. */
  reviewerUserIds: pulumi.Input<number>[];
  reviewerTeamIds: pulumi.Input<number>[];
  /**
   * This repository's environment secrets, Pulumi secrets. The names in {@link READ_ONLY_SECRET_NAMES} go to the
   * `drift` and `preview` environments only; every other name (`PULUMI_ACCESS_TOKEN`, `GOVERNANCE_GITHUB_TOKEN`) to
   * `staging` and `production` only, staging taking its own values where {@link STAGING_VALUES} names one.
   */
  environmentSecrets: Record<string, pulumi.Input<string>>;
  /** Variables of both environments besides the deploy role (`AWS_REGION`). */
  variables: Record<string, pulumi.Input<string>>;
  /**
   * Repository-level Actions variables (`PULUMI_ORG`): a job-level `if:` can read only these, not an
   * environment's (GitHub docs, "Variables"). Default: none.
   */
  repositoryVariables?: Record<string, pulumi.Input<string>>;
  /**
   * Secrets of the `bump` environment (`BUMP_TOKEN`, the token bump-app.yml pushes and opens pull requests with):
   * environment secrets that only a job of `main` receives, never repository secrets any branch's workflow could
   * read. Default: none.
   */
  repositorySecrets?: Record<string, pulumi.Input<string>>;
  /** The account's GitHub OIDC provider. */
  oidcProviderArn: pulumi.Input<string>;
  /** AWS account and region the stacks deploy to (the deploy roles' resource ARNs). */
  accountId: pulumi.Input<string>;
  region: string;
  /** Owner tag of the deploy roles. */
  ownerTag: string;
}

/**
 * The read-only tokens of this repository's workflows, by secret name: the only secrets the `drift` and `preview`
 * environments receive, and never given to `staging` or `production`.
 * - `PULUMI_READ_TOKEN`: a Pulumi Cloud team token with Stack Read on both stacks. It previews and refreshes but
 *   cannot update; Stack Read includes `stack:decrypt` (Pulumi Cloud RBAC), so it reads both stacks' secrets.
 * - `GOVERNANCE_READ_TOKEN`: a GitHub token that only reads the governed repositories' settings (administration,
 *   environments, secrets and variables metadata, contents: read), what the github provider's refresh reads.
 */
export const READ_ONLY_SECRET_NAMES: readonly string[] = ["PULUMI_READ_TOKEN", "GOVERNANCE_READ_TOKEN"];

/** The write tokens of `env` (`staging` or `production`): every secret not read-only, staging's own values. */
export function writeTokensOf(
  secrets: Record<string, pulumi.Input<string>>,
  env: "staging" | "production",
): Record<string, pulumi.Input<string>> {
  const own = new Set(Object.values(STAGING_VALUES));
  const write = secretsNamed(secrets, [...READ_ONLY_SECRET_NAMES, ...own], true);
  if (env === "production") return write;
  return Object.fromEntries(
    Object.entries(write).map(([name, value]) => [
      name,
      STAGING_VALUES[name] ? secrets[STAGING_VALUES[name]] : value,
    ]),
  );
}

/** The environment secrets of `names` only, or of every other name (`except`). */
function secretsNamed(
  secrets: Record<string, pulumi.Input<string>>,
  names: readonly string[],
  except = false,
): Record<string, pulumi.Input<string>> {
  return Object.fromEntries(Object.entries(secrets).filter(([n]) => names.includes(n) !== except));
}

/**
 * This repository, governed by the constitution like the apps: `main` and release-tag rulesets, and its
 * `staging` and `production` GitHub Environments with the OIDC deploy roles `main.yml` assumes, each with
 * exactly what a `pulumi up` of its stack needs ({@link infrastructureDeployPolicy}). Production's environment
 * requires reviewers and prevents self-review: it is the approval before every production deploy.
 * Three more environments hold the other workflows' keys: `drift` (read-only tokens, `main` only), `preview`
 * (read-only tokens, after a reviewer's approval) and `bump` (the bump token, `main` only).
 */
export class InfrastructureRepository extends pulumi.ComponentResource {
  /** Deploy role ARN per environment. */
  readonly deployRoleArns: Record<"staging" | "production", pulumi.Output<string>>;
  /** The drift audit's read-only role ARN. */
  readonly driftRoleArn: pulumi.Output<string>;

  constructor(name: string, args: InfrastructureRepositoryArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(INFRASTRUCTURE_TYPE, name, {}, opts);
    const governance = new RepositoryGovernance(
      `${name}-governance`,
      governanceArgsOf(
        args.repository,
        args.requiredChecks,
        args.requiredApprovals,
        args.repositoryHardening,
      ),
      { parent: this },
    );
    const environment = (env: "staging" | "production") =>
      new DeploymentEnvironment(
        `${name}-${env}`,
        {
          owner: args.owner,
          repository: governance.repositoryName,
          repositoryName: args.repository.name,
          environment: env,
          // Required in production only (DeploymentEnvironment): staging deploys unattended.
          reviewerUserIds: args.reviewerUserIds,
          reviewerTeamIds: args.reviewerTeamIds,
          // The tokens that write, each environment its own; the read-only ones are drift's and preview's.
          secrets: writeTokensOf(args.environmentSecrets, env),
          // main.yml deploys from main only: a tag on an unreviewed commit must not reach production's role.
          releaseTags: false,
          variables: args.variables,
          oidcProviderArn: args.oidcProviderArn,
          deployPolicy: pulumi.output(args.accountId).apply((accountId) =>
            infrastructureDeployPolicy({
              region: args.region,
              accountId,
              environment: env,
              infrastructureRepository: args.repository.name,
              ownsIdentity: env === "production",
            }),
          ),
          tags: standardTags(args.repository.name, env, args.ownerTag),
          // The pipeline's own identity and gates, in both environments: never removed by a `pulumi destroy`.
          protect: true,
        },
        { parent: this },
      );
    // The environments' permissions boundaries: every role a stack creates carries its environment's.
    for (const env of ["staging", "production"] as const) {
      new aws.iam.Policy(
        `${name}-${env}-boundary`,
        {
          name: permissionsBoundaryName(env),
          description: `The most any role the ${env} stack creates may do (its permissions boundary)`,
          policy: pulumi
            .output(args.accountId)
            .apply((accountId) =>
              permissionsBoundaryPolicy({ region: args.region, accountId, environment: env }),
            ),
          tags: standardTags(args.repository.name, env, args.ownerTag),
        },
        { parent: this, protect: true },
      );
    }
    for (const [variableName, value] of Object.entries(args.repositoryVariables ?? {})) {
      new github.ActionsVariable(
        `${name}-var-${variableName.toLowerCase()}`,
        { repository: governance.repositoryName, variableName, value },
        { parent: this },
      );
    }
    const staging = environment("staging");
    const production = environment("production");
    const drift = this.driftEnvironment(name, args, governance);
    this.workflowEnvironments(name, args, governance);
    this.deployRoleArns = { staging: staging.deployRoleArn, production: production.deployRoleArn };
    this.driftRoleArn = drift.deployRoleArn;
    this.registerOutputs({ deployRoleArns: this.deployRoleArns, driftRoleArn: this.driftRoleArn });
  }

  /**
   * The `drift` environment of `.github/workflows/drift.yml`: deploys from `main` only, no reviewers (a scheduled
   * job cannot wait for production's approval), and a role that reads (AWS `ReadOnlyAccess` and the stacks'
   * secret values for the refresh) and writes nothing. Created by the bootstrap like the deploy roles.
   */
  private driftEnvironment(
    name: string,
    args: InfrastructureRepositoryArgs,
    governance: RepositoryGovernance,
  ): DeploymentEnvironment {
    return new DeploymentEnvironment(
      `${name}-drift`,
      {
        owner: args.owner,
        repository: governance.repositoryName,
        repositoryName: args.repository.name,
        environment: "drift",
        // Read-only tokens only: a schedule starts it, and nobody approves it.
        secrets: secretsNamed(args.environmentSecrets, READ_ONLY_SECRET_NAMES),
        variables: args.variables,
        oidcProviderArn: args.oidcProviderArn,
        deployPolicy: pulumi
          .output(args.accountId)
          .apply((accountId) => driftAuditPolicy({ region: args.region, accountId })),
        managedPolicyArns: [READ_ONLY_ACCESS_POLICY_ARN],
        tags: standardTags(args.repository.name, "drift", args.ownerTag),
        protect: true,
      },
      { parent: this },
    );
  }

  /**
   * The environments of the workflows that deploy nothing, each a gate in front of its secrets: `preview`
   * (preview-cloud.yml) and `bump` (bump-app.yml).
   */
  private workflowEnvironments(
    name: string,
    args: InfrastructureRepositoryArgs,
    governance: RepositoryGovernance,
  ): void {
    const reviewed = args.reviewerUserIds.length + args.reviewerTeamIds.length > 0;
    // A pull request's cloud preview runs the pull request's code with a token that decrypts both stacks: only
    // after a reviewer (never the one who pushed) approves the run; without reviewers, no secret at all. No
    // deployment branch policy: GitHub checks it against the pull request's head branch, which can be any.
    this.workflowEnvironment(name, governance, "preview", {
      reviewers: reviewed ? { users: args.reviewerUserIds, teams: args.reviewerTeamIds } : undefined,
      secrets: reviewed ? secretsNamed(args.environmentSecrets, READ_ONLY_SECRET_NAMES) : {},
      variables: args.variables,
    });
    // The push token of bump-app.yml: jobs of `main` only, no reviewers (an app's merge dispatches it unattended).
    this.workflowEnvironment(name, governance, "bump", {
      branches: ["main"],
      secrets: args.repositorySecrets ?? {},
    });
  }

  /**
   * A GitHub Environment with secrets and variables and no AWS role: required reviewers with self-review prevented
   * when `reviewers` is given, deployments only from `branches` when given, admins never bypassing; protected.
   */
  private workflowEnvironment(
    name: string,
    governance: RepositoryGovernance,
    environment: "preview" | "bump",
    a: {
      reviewers?: { users: pulumi.Input<number>[]; teams: pulumi.Input<number>[] };
      branches?: string[];
      secrets: Record<string, pulumi.Input<string>>;
      variables?: Record<string, pulumi.Input<string>>;
    },
  ): void {
    const repository = governance.repositoryName;
    const env = new github.RepositoryEnvironment(
      `${name}-${environment}-env`,
      {
        repository,
        environment,
        preventSelfReview: a.reviewers !== undefined,
        canAdminsBypass: false,
        reviewers: a.reviewers ? [a.reviewers] : [],
        deploymentBranchPolicy: a.branches
          ? { protectedBranches: false, customBranchPolicies: true }
          : undefined,
      },
      { parent: this, protect: true },
    );
    for (const branch of a.branches ?? []) {
      new github.RepositoryEnvironmentDeploymentPolicy(
        `${name}-${environment}-branch-${branch.replace(/[^A-Za-z0-9]+/g, "-")}`,
        { repository, environment: env.environment, branchPattern: branch },
        { parent: this },
      );
    }
    for (const [secretName, value] of Object.entries(a.secrets)) {
      new github.ActionsEnvironmentSecret(
        `${name}-${environment}-secret-${secretName.toLowerCase()}`,
        { repository, environment: env.environment, secretName, value: pulumi.secret(value) },
        { parent: this },
      );
    }
    for (const [variableName, value] of Object.entries(a.variables ?? {})) {
      new github.ActionsEnvironmentVariable(
        `${name}-${environment}-var-${variableName.toLowerCase()}`,
        { repository, environment: env.environment, variableName, value },
        { parent: this },
      );
    }
  }
}
