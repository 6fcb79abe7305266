/**
 * This repository's environments get their tokens by role (components/InfrastructureRepository.ts): staging and
 * production the write tokens, staging its own value of each token STAGING_VALUES names (a Pulumi token with
 * access to the staging stack only), never production's; the read-only tokens stay drift's and preview's.
 */
import * as assert from "node:assert/strict";
import { writeTokensOf } from "../../components/InfrastructureRepository";

const SECRETS = {
  PULUMI_ACCESS_TOKEN: "production-stack-token",
  PULUMI_STAGING_TOKEN: "staging-stack-token",
  GOVERNANCE_GITHUB_TOKEN: "github-admin-token",
  GOVERNANCE_STAGING_TOKEN: "github-environments-token",
  PULUMI_READ_TOKEN: "read-token",
  GOVERNANCE_READ_TOKEN: "github-read-token",
};

describe("InfrastructureRepository: each environment's write tokens", function () {
  it("production gets production's Pulumi token and the GitHub token, nothing read-only", function () {
    assert.deepEqual(writeTokensOf(SECRETS, "production"), {
      PULUMI_ACCESS_TOKEN: "production-stack-token",
      GOVERNANCE_GITHUB_TOKEN: "github-admin-token",
    });
  });

  it("staging's tokens are PULUMI_STAGING_TOKEN's and GOVERNANCE_STAGING_TOKEN's values, never production's", function () {
    assert.deepEqual(writeTokensOf(SECRETS, "staging"), {
      PULUMI_ACCESS_TOKEN: "staging-stack-token",
      GOVERNANCE_GITHUB_TOKEN: "github-environments-token",
    });
  });
});
