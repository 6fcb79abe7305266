import { strict as assert } from "node:assert";
import { DeploymentEnvironment, deployTrustPolicy } from "../../components/DeploymentEnvironment";
import { standardTags } from "../../components/naming";
import { ofType, one, parsed, register } from "../helpers";
import { MAX_ENVIRONMENT_REVIEWERS } from "../../policy-pack/lib/facts";

const base = {
  owner: "acme",
  repository: "shop",
  repositoryName: "shop",
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
  tags: standardTags("shop", "production", "team-a"),
  /** A policy scoped to the environment, as components/deployPolicies.ts builds them. */
  deployPolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "ecs:UpdateService",
        Resource: "arn:aws:ecs:eu-west-1:123456789012:service/shop-production/shop-production-service",
      },
    ],
  }),
};

describe("DeploymentEnvironment", () => {
  it("production: reviewers, self-review prevented, deploys from main or mvp-* tags, protected", async () => {
    const rs = await register(
      () =>
        new DeploymentEnvironment("shop-production", {
          ...base,
          environment: "production",
          reviewerUserIds: [101],
          reviewerTeamIds: [202],
          secrets: { PULUMI_ACCESS_TOKEN: "pul-token-value" },
          variables: { AWS_REGION: "eu-west-1" },
        }),
      { stack: "production" },
    );
    const env = one(rs, "github:index/repositoryEnvironment:RepositoryEnvironment");
    assert.equal(env.inputs.environment, "production");
    assert.equal(env.inputs.preventSelfReview, true);
    assert.deepEqual(env.inputs.reviewers, [{ users: [101], teams: [202] }]);
    assert.deepEqual(env.inputs.deploymentBranchPolicy, {
      protectedBranches: false,
      customBranchPolicies: true,
    });
    assert.deepEqual(env.options, { protect: true });
    const policies = ofType(
      rs,
      "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    );
    assert.deepEqual(policies.map((p) => p.inputs.branchPattern ?? `tag:${p.inputs.tagPattern}`).sort(), [
      "main",
      "tag:mvp-*",
    ]);
  });

  it("staging: deploys from main only, no reviewers, not protected", async () => {
    const rs = await register(
      () => new DeploymentEnvironment("shop-staging", { ...base, environment: "staging" }),
    );
    const env = one(rs, "github:index/repositoryEnvironment:RepositoryEnvironment");
    assert.deepEqual(env.inputs.reviewers, []);
    assert.equal(env.inputs.preventSelfReview, false);
    assert.equal(env.options, undefined);
    const policies = ofType(
      rs,
      "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    );
    assert.deepEqual(
      policies.map((p) => p.inputs.branchPattern),
      ["main"],
    );
  });

  it("stores environment secrets as Pulumi secrets and variables in plain text", async () => {
    const rs = await register(
      () =>
        new DeploymentEnvironment("shop-staging", {
          ...base,
          environment: "staging",
          secrets: { SMOKE_TOKEN: "very-secret-smoke-token" },
          variables: { AWS_REGION: "eu-west-1" },
        }),
    );
    const secret = one(rs, "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret");
    assert.equal(secret.inputs.secretName, "SMOKE_TOKEN");
    assert.equal(secret.inputs.value, "[secret]");
    assert.equal(secret.props.value, "very-secret-smoke-token");
    const vars = ofType(rs, "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable");
    const byName = Object.fromEntries(vars.map((v) => [v.inputs.variableName, v.inputs.value]));
    assert.equal(byName.AWS_REGION, "eu-west-1");
    assert.match(String(byName.AWS_DEPLOY_ROLE_ARN), /^arn:aws:iam::123456789012:role\/shop-staging-deploy$/);
  });

  it("pins the deploy role's OIDC trust to repo:OWNER/REPO:environment:ENV and sts.amazonaws.com", async () => {
    const rs = await register(
      () => new DeploymentEnvironment("shop-production", { ...base, environment: "production" }),
      {
        stack: "production",
      },
    );
    const role = one(rs, "aws:iam/role:Role");
    const doc = parsed(role.inputs.assumeRolePolicy);
    const st = doc.Statement[0];
    assert.equal(st.Action, "sts:AssumeRoleWithWebIdentity");
    assert.equal(st.Principal.Federated, base.oidcProviderArn);
    assert.deepEqual(st.Condition.StringEquals, {
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": "repo:acme/shop:environment:production",
    });
    assert.deepEqual(role.inputs.tags, {
      app: "shop",
      environment: "production",
      owner: "team-a",
      "managed-by": "pulumi:cicd-constitution",
    });
  });

  it("grants the deploy role exactly the policy it is given, and no other inline policy", async () => {
    const rs = await register(
      () => new DeploymentEnvironment("shop-production", { ...base, environment: "production" }),
    );
    const policies = ofType(rs, "aws:iam/rolePolicy:RolePolicy");
    assert.deepEqual(
      policies.map((p) => p.inputs.policy),
      [base.deployPolicy],
    );
    const role = one(rs, "aws:iam/role:Role");
    assert.deepEqual(
      [role.inputs.name, role.inputs.description],
      ["shop-production-deploy", "GitHub Actions deploys of acme/shop (production) through OIDC"],
    );
  });

  it("trust policy never contains a wildcard subject", () => {
    const doc = JSON.parse(deployTrustPolicy("arn:x", "o", "r", "staging"));
    assert.doesNotMatch(JSON.stringify(doc.Statement[0].Condition), /\*/);
  });

  it("rejects a name given both as secret and variable, and more reviewers than GitHub allows", () => {
    assert.throws(
      () =>
        new DeploymentEnvironment("x", {
          ...base,
          environment: "staging",
          secrets: { A: "1", B: "1", C: "1" },
          variables: { A: "2", B: "2" },
        }),
      { message: "DeploymentEnvironment x: A, B given both as secret and as variable" },
    );
    assert.throws(
      () =>
        new DeploymentEnvironment("y", {
          ...base,
          environment: "production",
          reviewerUserIds: [1, 2, 3, 4],
          reviewerTeamIds: [5, 6, 7],
        }),
      new RegExp(`at most ${MAX_ENVIRONMENT_REVIEWERS} required reviewers \\(users and teams together\\)`),
    );
  });
});
