/**
 * Every GitHub resource and lookup of a stack acts for the configured owner (`cicd-constitution:githubOwner`)
 * through one explicit provider, so a `pulumi up` run by hand with only `GITHUB_TOKEN` does not fall back to the
 * token's personal account (terraform-provider-github: no owner means the authenticated user).
 */
import * as assert from "node:assert/strict";
import { repositoryStacks } from "../helpers";

describe("the GitHub provider of a stack", function () {
  it("each stack declares one GitHub provider for its owner, and every GitHub resource uses it", async function () {
    for (const s of await repositoryStacks()) {
      const providers = s.plan.resources.filter((r) => r.type === "pulumi:providers:github");
      assert.equal(providers.length, 1, `${s.plan.stack}: ${providers.length} GitHub providers`);
      assert.equal(providers[0].inputs.owner, s.model.githubOwner);
      const resources = s.plan.resources.filter((r) => r.type.startsWith("github:"));
      assert.ok(resources.length > 10, `${s.plan.stack}: ${resources.length} GitHub resources`);
      const stray = resources.filter((r) => r.options?.provider !== providers[0].urn).map((r) => r.name);
      assert.deepEqual(stray, [], `${s.plan.stack}: GitHub resources on another provider`);
    }
  });
});
