/**
 * This repository's GitHub Environments (components/InfrastructureRepository.ts), as GitHub gates a job on them:
 * only production requires reviewers (staging deploys unattended from `main`), both deploy roles' environments
 * admit `main` and no tag (main.yml deploys from `main` only, and any writer may push a tag on an unreviewed
 * commit), and `preview` waits for the same reviewers before it hands out its read-only tokens.
 */
import { strict as assert } from "node:assert";
import {
  InfrastructureRepository,
  type InfrastructureRepositoryArgs,
} from "../../components/InfrastructureRepository";
import { outputValue, parsed, type Registered, register } from "../helpers";

const ARGS: InfrastructureRepositoryArgs = {
  owner: "acme",
  repository: { name: "infra", description: "Infrastructure", visibility: "private", import: false },
  repositoryHardening: { codeOwners: ["@acme/platform"] },
  requiredChecks: ["style", "unit", "smoke"],
  requiredApprovals: 1,
  reviewerUserIds: [11],
  reviewerTeamIds: [22],
  environmentSecrets: { PULUMI_ACCESS_TOKEN: "t", PULUMI_READ_TOKEN: "r" },
  variables: { AWS_REGION: "eu-west-1" },
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
  accountId: "123456789012",
  region: "eu-west-1",
  ownerTag: "platform",
};

const ENVIRONMENT = "github:index/repositoryEnvironment:RepositoryEnvironment";
const SOURCE = "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy";

/** The GitHub Environment named `env` among the registrations. */
function environmentOf(rs: Registered[], env: string): Registered {
  const found = rs.filter((r) => r.type === ENVIRONMENT && r.inputs.environment === env);
  assert.equal(found.length, 1, `one environment ${env}`);
  return found[0];
}

/** The refs an environment admits: `branch PATTERN` or `tag PATTERN`, sorted. */
function sourcesOf(rs: Registered[], env: string): string[] {
  return rs
    .filter((r) => r.type === SOURCE && r.inputs.environment === env)
    .map((r) => (r.inputs.tagPattern ? `tag ${r.inputs.tagPattern}` : `branch ${r.inputs.branchPattern}`))
    .sort();
}

describe("InfrastructureRepository: its GitHub Environments", () => {
  let rs: Registered[];
  before(async () => {
    rs = await register(() => new InfrastructureRepository("infra", ARGS), { stack: "production" });
  });

  it("production requires the given users and teams, self-review prevented; staging and drift require nobody", () => {
    assert.deepEqual(environmentOf(rs, "production").inputs.reviewers, [{ users: [11], teams: [22] }]);
    assert.equal(environmentOf(rs, "production").inputs.preventSelfReview, true);
    for (const env of ["staging", "drift"]) {
      const reviewers = (environmentOf(rs, env).inputs.reviewers ?? []) as Array<Record<string, unknown[]>>;
      assert.deepEqual(
        reviewers.flatMap((r) => [...(r.users ?? []), ...(r.teams ?? [])]),
        [],
        `${env} deploys unattended`,
      );
    }
  });

  it("the deploy roles' environments admit main and no tag", () => {
    assert.deepEqual(sourcesOf(rs, "production"), ["branch main"]);
    assert.deepEqual(sourcesOf(rs, "staging"), ["branch main"]);
  });

  it("preview waits for the same reviewers", () => {
    assert.deepEqual(environmentOf(rs, "preview").inputs.reviewers, [{ users: [11], teams: [22] }]);
  });

  it("each environment's permissions boundary names its environment", () => {
    const boundaries = rs.filter((r) => r.type === "aws:iam/policy:Policy" && r.name.endsWith("-boundary"));
    assert.deepEqual(
      boundaries.map((b) => [b.name, /the (\w+) stack creates/.exec(String(b.inputs.description))?.[1]]),
      [
        ["infra-staging-boundary", "staging"],
        ["infra-production-boundary", "production"],
      ],
    );
  });

  it("bump admits main only, with no reviewers (an app's merge dispatches it unattended)", () => {
    const bump = environmentOf(rs, "bump");
    assert.deepEqual(bump.inputs.reviewers, []);
    assert.equal(bump.inputs.preventSelfReview, false);
    // GitHub takes one of the two: protected branches, or the custom deployment policies below.
    assert.deepEqual(bump.inputs.deploymentBranchPolicy, {
      protectedBranches: false,
      customBranchPolicies: true,
    });
    assert.deepEqual(sourcesOf(rs, "bump"), ["branch main"]);
  });

  it("every IAM policy's ARNs name this account and region (or none)", () => {
    const documents = rs.filter((r) =>
      ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"].includes(r.type),
    );
    assert.ok(documents.length >= 5, `${documents.length} policies`);
    for (const d of documents) {
      const arns = [...JSON.stringify(parsed(d.props.policy)).matchAll(/"(arn:[^"]+)"/g)].map((m) => m[1]);
      assert.ok(arns.length > 0, d.name);
      for (const arn of arns) {
        const [, , , region, account] = arn.split(":");
        assert.ok(["", "*", "eu-west-1"].includes(region), `${d.name}: ${arn}`);
        assert.ok(["", "*", "aws", "123456789012"].includes(account), `${d.name}: ${arn}`);
      }
    }
  });

  it("the permissions boundaries are protected from a destroy, like the roles they bound", () => {
    const boundaries = rs.filter((r) => r.type === "aws:iam/policy:Policy" && r.name.endsWith("-boundary"));
    assert.deepEqual(
      boundaries.map((b) => b.options?.protect),
      [true, true],
    );
  });

  it("outputs each environment's deploy role ARN, and writes the repository variables it is given", async () => {
    let repo: InfrastructureRepository | undefined;
    const withVariables = await register(
      () => {
        repo = new InfrastructureRepository("infra", {
          ...ARGS,
          repositoryVariables: { PULUMI_ORG: "acme" },
        });
      },
      { stack: "production" },
    );
    const variables = withVariables.filter((r) => r.type === "github:index/actionsVariable:ActionsVariable");
    assert.deepEqual(
      variables.map((v) => [v.inputs.repository, v.inputs.variableName, v.inputs.value]),
      [["infra", "PULUMI_ORG", "acme"]],
    );
    const roleArn = (env: string) =>
      `arn:aws:iam::123456789012:role/${withVariables.find((r) => r.type === "aws:iam/role:Role" && r.name === `infra-${env}-deploy-role`)!.inputs.name}`;
    for (const env of ["staging", "production"] as const)
      assert.equal(await outputValue(repo!.deployRoleArns[env]), roleArn(env));
  });

  it("no repository variable without repositoryVariables", () => {
    assert.deepEqual(
      rs.filter((r) => r.type === "github:index/actionsVariable:ActionsVariable").map((r) => r.name),
      [],
    );
  });
});
