/**
 * The owning stack's bootstrap and its OIDC provider (src/program.ts): what the bootstrap registers and exports,
 * the provider it creates (kept by a destroy) or the one it reads (a clear config error when AWS has none), the
 * workflows' variables, and the migration check added to an app's required checks.
 */
import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/config/model";
import { GITHUB_OIDC_URL } from "../../src/program";
import { MIGRATIONS_CHECK } from "../../policy-pack/lib/facts";
import { MANAGED_BY } from "../../components/naming";
import { repositoryStacks, runStackFile } from "../helpers";

/** Runs a stack's program from its stack file changed by `change`; `oidcMissing`: AWS has no OIDC provider. */
function run(
  stack: "staging" | "production",
  change: (raw: any) => void,
  opts: { oidcMissing?: boolean; stackOutputs?: Record<string, Record<string, unknown>> } = {},
) {
  return runStackFile(stack, {
    change,
    stackOutputs: opts.stackOutputs,
    wrapMocks: (base) => ({
      newResource: (args) => base.newResource(args),
      call: (args) => {
        if (opts.oidcMissing && args.token === "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider")
          throw new Error("reading IAM OIDC Provider: NoSuchEntity: OpenIDConnect provider not found");
        return base.call(args);
      },
    }),
  });
}

/** Records of one type (none is an empty list). */
const allOf = (records: Array<{ type: string }>, type: string) => records.filter((r) => r.type === type);

describe("the bootstrap and the OIDC provider", function () {
  this.timeout(120_000);

  it("the bootstrap registers the OIDC provider, kept by a destroy, this repository's governance and no runtime", async () => {
    const { error, records, outputs, model } = await run("production", (r) => (r.bootstrap = true));
    assert.equal(error, undefined, String(error));
    const [oidc, ...more] = allOf(records, "aws:iam/openIdConnectProvider:OpenIdConnectProvider") as any[];
    assert.deepEqual(more, []);
    assert.deepEqual(oidc.inputs, {
      url: GITHUB_OIDC_URL,
      clientIdLists: ["sts.amazonaws.com"],
      tags: { "managed-by": MANAGED_BY },
    });
    assert.equal(GITHUB_OIDC_URL, "https://token.actions.githubusercontent.com");
    assert.deepEqual(oidc.options, { protect: true, retainOnDelete: true });
    assert.deepEqual(allOf(records, "aws:ecs/service:Service"), []);
    assert.deepEqual(allOf(records, "docker-build:index:Index"), []);
    // The workflows read the region per environment and the Pulumi organization per repository.
    const variables = allOf(
      records,
      "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    ) as any[];
    const repository = model.infrastructure!.repository.name;
    for (const env of ["staging", "production"])
      assert.ok(
        variables.some(
          (v) =>
            v.inputs.repository === repository &&
            v.inputs.environment === env &&
            v.inputs.variableName === "AWS_REGION" &&
            v.inputs.value === model.awsRegion,
        ),
        `AWS_REGION of ${env}`,
      );
    const org = allOf(records, "github:index/actionsVariable:ActionsVariable") as any[];
    assert.deepEqual(
      org.map((v) => [v.inputs.repository, v.inputs.variableName, v.inputs.value]),
      [[repository, "PULUMI_ORG", model.promotion!.stagingStack.split("/")[0]]],
    );
    // Every GitHub resource acts for the owner through the stack's GitHub provider.
    const github = records.filter((r) => r.type.startsWith("github:")) as any[];
    assert.ok(github.length > 5);
    for (const r of github)
      assert.match(String(r.options?.provider), /::pulumi:providers:github::github$/, r.urn);
    assert.deepEqual(outputs.environmentProfile, { environment: "production", apps: {} });
    assert.deepEqual(outputs.apps, {});
  });

  it("reading an OIDC provider AWS does not have stops before anything is registered, naming oidcProvider", async () => {
    const { error, records } = await run("staging", () => {}, { oidcMissing: true });
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /^Invalid config for stack "staging" \(AWS account\): 1 problem/);
    assert.deepEqual(error.problems, [
      {
        key: "cicd-constitution:oidcProvider",
        expected:
          "an existing GitHub OIDC provider in this AWS account: run the owning stack's bootstrap first " +
          '(docs/PIPELINE.md, "First deploy"), or set oidcProvider: create',
        found:
          "none readable (Invoke of 'aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider' failed: " +
          "reading IAM OIDC Provider: NoSuchEntity: OpenIDConnect provider not found ())",
      },
    ]);
    assert.deepEqual(
      records.filter((r) => !r.type.startsWith("pulumi:")),
      [],
    );
  });

  it("an app with migrations requires the migration check on its pull requests, once", async () => {
    const [staging, production] = await repositoryStacks();
    const stackOutputs = { [production.model.promotion!.stagingStack]: staging.stackOutputs };
    const checksOf = async (change: (raw: any) => void) => {
      const { error, records, model } = await run("production", change, { stackOutputs });
      assert.equal(error, undefined, String(error));
      const main = (allOf(records, "github:index/repositoryRuleset:RepositoryRuleset") as any[]).find(
        (r) => r.inputs.repository === model.apps[0].repository.name && r.inputs.target === "branch",
      );
      return (main.inputs.rules.requiredStatusChecks.requiredChecks as Array<{ context: string }>).map(
        (c) => c.context,
      );
    };
    const withMigrations = await checksOf(() => {});
    assert.equal(withMigrations.filter((c) => c === MIGRATIONS_CHECK).length, 1);
    const listed = await checksOf(
      (r) => (r.apps[0].requiredChecks = ["style", "unit", "smoke", MIGRATIONS_CHECK]),
    );
    assert.deepEqual(listed, ["style", "unit", "smoke", MIGRATIONS_CHECK]);
    const none = await checksOf((r) => delete r.apps[0].migrations);
    assert.ok(!none.includes(MIGRATIONS_CHECK), none.join(", "));
  });
});
