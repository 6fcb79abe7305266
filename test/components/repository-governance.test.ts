import { strict as assert } from "node:assert";
import { DEFAULT_REQUIRED_CHECKS } from "../../components/defaults";
import { RepositoryGovernance } from "../../components/RepositoryGovernance";
import { ofType, one, register } from "../helpers";

describe("RepositoryGovernance", () => {
  it("registers a squash-only repository archived on destroy and protected", async () => {
    const rs = await register(
      () => new RepositoryGovernance("app", { repository: "app-repo", codeOwners: ["@mathieu"] }),
    );
    const repo = one(rs, "github:index/repository:Repository");
    assert.equal(repo.inputs.name, "app-repo");
    assert.equal(repo.inputs.allowSquashMerge, true);
    assert.equal(repo.inputs.allowMergeCommit, false);
    assert.equal(repo.inputs.allowRebaseMerge, false);
    assert.equal(repo.inputs.deleteBranchOnMerge, true);
    assert.equal(repo.inputs.vulnerabilityAlerts, true);
    assert.equal(repo.inputs.archiveOnDestroy, true);
    assert.equal(repo.inputs.visibility, "private");
    assert.deepEqual(repo.options, { protect: true });
    assert.match(repo.parent ?? "", /cicd-constitution:github:RepositoryGovernance::app$/);
  });

  it("protects main with an active ruleset: reviews, stale dismissal, strict checks, no force push, no bypass", async () => {
    const rs = await register(
      () =>
        new RepositoryGovernance("app", {
          repository: "app-repo",
          codeOwners: ["@mathieu"],
          requiredApprovals: 2,
          requiredChecks: ["style", "unit", "smoke", "e2e"],
        }),
    );
    const main = one(rs, "github:index/repositoryRuleset:RepositoryRuleset", "main-ruleset");
    const rules = main.inputs.rules as any;
    assert.equal(main.inputs.target, "branch");
    assert.equal(main.inputs.enforcement, "active");
    assert.deepEqual((main.inputs.conditions as any).refName.includes, ["~DEFAULT_BRANCH"]);
    assert.deepEqual(main.inputs.bypassActors, []);
    assert.equal(rules.pullRequest.requiredApprovingReviewCount, 2);
    assert.equal(rules.pullRequest.dismissStaleReviewsOnPush, true);
    assert.equal(rules.requiredStatusChecks.strictRequiredStatusChecksPolicy, true);
    assert.deepEqual(
      rules.requiredStatusChecks.requiredChecks.map((c: any) => c.context),
      ["style", "unit", "smoke", "e2e"],
    );
    assert.equal(rules.nonFastForward, true);
    assert.equal(rules.deletion, true);
  });

  it("without required checks given, main requires the constitution's three (style, unit tests, thin smoke)", async () => {
    const rs = await register(
      () => new RepositoryGovernance("app", { repository: "app-repo", codeOwners: ["@mathieu"] }),
    );
    const main = one(rs, "github:index/repositoryRuleset:RepositoryRuleset", "main-ruleset");
    const checks = (main.inputs.rules as any).requiredStatusChecks.requiredChecks.map((c: any) => c.context);
    assert.deepEqual(checks, ["style", "unit", "smoke"]);
    assert.deepEqual(checks, [...DEFAULT_REQUIRED_CHECKS]);
  });

  it("makes release tags mvp-* immutable", async () => {
    const rs = await register(
      () => new RepositoryGovernance("app", { repository: "app-repo", codeOwners: ["@mathieu"] }),
    );
    const tags = one(rs, "github:index/repositoryRuleset:RepositoryRuleset", "tag-ruleset");
    assert.equal(tags.inputs.target, "tag");
    assert.deepEqual((tags.inputs.conditions as any).refName.includes, ["refs/tags/mvp-*"]);
    assert.deepEqual(tags.inputs.rules, { deletion: true, update: true, nonFastForward: true });
  });

  it("trunk-based settings as GitHub applies them: squash commits from the pull request, linear history, no auto-merge", async () => {
    const rs = await register(
      () =>
        new RepositoryGovernance("app", { repository: "app-repo", codeOwners: ["@acme/team", "@mathieu"] }),
    );
    const repo = one(rs, "github:index/repository:Repository").inputs;
    // The squash commit is titled and described by the pull request (Conventional Commits in the PR title).
    assert.deepEqual(
      [
        repo.squashMergeCommitTitle,
        repo.squashMergeCommitMessage,
        repo.allowAutoMerge,
        repo.hasIssues,
        repo.autoInit,
      ],
      ["PR_TITLE", "PR_BODY", false, true, true],
    );
    const main = one(rs, "github:index/repositoryRuleset:RepositoryRuleset", "main-ruleset").inputs;
    const tags = one(rs, "github:index/repositoryRuleset:RepositoryRuleset", "tag-ruleset").inputs;
    assert.deepEqual([main.name, tags.name], ["main", "release-tags"]);
    assert.deepEqual((main.conditions as any).refName.excludes, []);
    assert.deepEqual((tags.conditions as any).refName.excludes, []);
    const rules = main.rules as any;
    assert.equal(rules.requiredLinearHistory, true);
    assert.equal(
      rules.pullRequest.requireLastPushApproval,
      true,
      "the last pusher cannot approve their own push",
    );
    assert.equal(rules.pullRequest.requiredReviewThreadResolution, true);
    // Actions: GitHub's, verified creators' and the listed ones, pinned by SHA.
    const actions = one(rs, "github:index/actionsRepositoryPermissions:ActionsRepositoryPermissions").inputs;
    assert.equal(actions.enabled, true);
    assert.deepEqual(
      [
        (actions.allowedActionsConfig as any).githubOwnedAllowed,
        (actions.allowedActionsConfig as any).verifiedAllowed,
      ],
      [true, true],
    );
    assert.equal(
      one(rs, "github:index/repositoryDependabotSecurityUpdates:RepositoryDependabotSecurityUpdates").inputs
        .enabled,
      true,
    );
    // The managed files: one commit each, by the program, on a created repository's first push.
    for (const f of ofType(rs, "github:index/repositoryFile:RepositoryFile")) {
      assert.equal(
        f.inputs.commitMessage,
        `chore(governance): ${f.inputs.file} managed by cicd-constitution`,
      );
      assert.deepEqual(
        [f.inputs.commitAuthor, f.inputs.commitEmail, f.inputs.overwriteOnCreate],
        ["cicd-constitution", "cicd-constitution@users.noreply.github.com", true],
      );
    }
    // The team code owner can write; the user code owner needs no grant.
    assert.deepEqual(
      ofType(rs, "github:index/teamRepository:TeamRepository").map((t) => [
        t.inputs.teamId,
        t.inputs.permission,
      ]),
      [["team", "push"]],
    );
  });

  it("required approvals: zero is allowed, a negative count refused", () => {
    assert.doesNotThrow(
      () =>
        new RepositoryGovernance("zero", { repository: "r", codeOwners: ["@mathieu"], requiredApprovals: 0 }),
    );
    assert.throws(
      () =>
        new RepositoryGovernance("neg", { repository: "r", codeOwners: ["@mathieu"], requiredApprovals: -1 }),
      /requiredApprovals must be >= 0, got -1/,
    );
  });

  it("imports an existing repository when asked, without initialising it again", async () => {
    const rs = await register(
      () =>
        new RepositoryGovernance("app", {
          repository: "legacy",
          codeOwners: ["@mathieu"],
          importExisting: true,
        }),
    );
    assert.equal(one(rs, "github:index/repository:Repository").options?.import, "legacy");
    assert.equal(
      one(rs, "github:index/repository:Repository").inputs.autoInit,
      false,
      "not initialised again",
    );
  });

  it("rejects an empty or duplicated check list, naming the field", () => {
    assert.throws(
      () =>
        new RepositoryGovernance("bad", { repository: "r", codeOwners: ["@mathieu"], requiredChecks: [] }),
      /requiredChecks/,
    );
    assert.throws(
      () =>
        new RepositoryGovernance("bad2", {
          repository: "r",
          codeOwners: ["@mathieu"],
          requiredChecks: ["unit", "unit"],
        }),
      /requiredChecks must be a non-empty list without duplicates/,
    );
    // Code-owner review with nobody in CODEOWNERS would block every merge.
    assert.throws(
      () => new RepositoryGovernance("bad3", { repository: "r", codeOwners: [] }),
      /codeOwners must name at least one @login or @ORG\/TEAM/,
    );
  });

  it("registers nothing when its arguments are rejected", async () => {
    const rs = await register(() => {
      assert.throws(
        () =>
          new RepositoryGovernance("bad", { repository: "r", codeOwners: ["@mathieu"], requiredChecks: [] }),
      );
    });
    assert.deepEqual(rs, []);
  });
});
