import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import * as github from "@pulumi/github";
import {
  driftAuditPolicy,
  infrastructureDeployPolicy,
  READ_ONLY_ACCESS_POLICY_ARN,
  permissionsBoundaryName,
  permissionsBoundaryPolicy,
} from "./deployPolicies";
import { DeploymentEnvironment } from "./DeploymentEnvironment";
import { standardTags } from "./naming";
import { governanceArgsOf, RepositoryGovernance, RepositoryGovernanceArgs } from "./RepositoryGovernance";

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
  /** Secrets of both environments (`PULUMI_ACCESS_TOKEN`, `GOVERNANCE_GITHUB_TOKEN`), Pulumi secrets. */
  environmentSecrets: Record<string, pulumi.Input<string>>;
  /** Variables of both environments besides the deploy role (`AWS_REGION`). */
  variables: Record<string, pulumi.Input<string>>;
  /**
   * Repository-level Actions variables (`PULUMI_ORG`): a job-level `if:` can read only these, not an
   * environment's (GitHub docs, "Variables"). Default: none.
   */
  repositoryVariables?: Record<string, pulumi.Input<string>>;
  /** Repository-level Actions secrets (`BUMP_TOKEN`, the token bump-app.yml opens pull requests with). */
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
 * This repository, governed by the constitution like the apps: `main` and release-tag rulesets, and its
 * `staging` and `production` GitHub Environments with the OIDC deploy roles `main.yml` assumes, each with
 * exactly what a `pulumi up` of its stack needs ({@link infrastructureDeployPolicy}). Production's environment
 * requires reviewers and prevents self-review: it is the approval before every production deploy.
 */
export class InfrastructureRepository extends pulumi.ComponentResource {
  /** Deploy role ARN per environment. */
  readonly deployRoleArns: Record<"staging" | "production", pulumi.Output<string>>;
  /** The drift audit's read-only role ARN. */
  readonly driftRoleArn: pulumi.Output<string>;

  constructor(name: string, args: InfrastructureRepositoryArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("cicd-constitution:github:InfrastructureRepository", name, {}, opts);
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
          reviewerUserIds: env === "production" ? args.reviewerUserIds : [],
          reviewerTeamIds: env === "production" ? args.reviewerTeamIds : [],
          secrets: args.environmentSecrets,
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
    for (const [secretName, value] of Object.entries(args.repositorySecrets ?? {})) {
      new github.ActionsSecret(
        `${name}-secret-${secretName.toLowerCase()}`,
        { repository: governance.repositoryName, secretName, plaintextValue: pulumi.secret(value) },
        { parent: this },
      );
    }
    const staging = environment("staging");
    const production = environment("production");
    const drift = this.driftEnvironment(name, args, governance);
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
        secrets: args.environmentSecrets,
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
}
