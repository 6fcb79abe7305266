/**
 * The protection view of main (policy-pack/lib/github.ts), one named scenario per test (docs/PROOFS.md section 4:
 * these pin the behaviour Stryker's mutants found unasserted).
 */
import { strict as assert } from "node:assert";
import { GITHUB_ACTIONS_INTEGRATION_ID } from "../../../policy-pack/lib/facts";
import {
  actionsPermissionProblems,
  governedRepositories,
  mainProtection,
  names,
  refersTo,
  refPatternMatches,
  repositories,
  rulesetTargets,
  standaloneRepositories,
} from "../../../policy-pack/lib/github";
import { Res } from "../../../policy-pack/lib/rule";
import { r, T } from "../rule-harness";

type View = ReturnType<typeof mainProtection>;
/** The protection view with its resource lists by name and its checks as a list. */
const summary = (v: View) => ({
  ...v,
  sources: names(v.sources),
  inactive: names(v.inactive),
  requiredChecks: [...v.requiredChecks],
});
type Summary = ReturnType<typeof summary>;
/** The view of a protection that sets everything the rules ask, but code owners and last-push approval. */
const FULL: Partial<Summary> = {
  inactive: "",
  requiredChecks: ["style", "unit"],
  strict: true,
  pullRequest: true,
  dismissStale: true,
  noForcePush: true,
  noDeletion: true,
  codeOwnerReview: false,
  lastPushApproval: false,
};

describe("policy-pack lib: protection of main", () => {
  const repo = r(T.repository, "erp-repo", { name: "erp-berhan", nodeId: "R_kgDO1" });
  const [erp] = repositories([repo, r(T.bucket, "x")]);
  const [plain] = repositories([r(T.repository, "menu-repo", { name: "menu" })]);

  it("repositories are named by their name input, else the resource name", () =>
    assert.deepEqual(
      repositories([repo, r(T.repository, "menu-repo"), r(T.ruleset, "x")]).map((x) => x.name),
      ["erp-berhan", "menu-repo"],
    ));

  describe("refersTo: repository name, owner/name or node ID", () => {
    const cases: Array<[string, unknown, typeof erp, boolean]> = [
      ["the name", "erp-berhan", erp, true],
      ["owner/name", "acme/erp-berhan", erp, true],
      ["the node ID", "R_kgDO1", erp, true],
      ["not a prefix of the name", "erp", erp, false],
      ["not owner/prefix", "acme/erp", erp, false],
      ["not an undefined reference", undefined, erp, false],
      ["not a number reference", 42, erp, false],
      ["not another name of a repository without node ID", "x", plain, false],
      ["the name of a repository without node ID", "menu", plain, true],
    ];
    for (const [name, ref, target, expected] of cases)
      it(name, () => assert.equal(refersTo(ref, target), expected));
  });

  describe("rulesetTargets: includes (~ALL, ~DEFAULT_BRANCH for the default branch, globs) minus excludes", () => {
    const MAIN = "refs/heads/main";
    const cond = (includes: string[], excludes: string[] = []) => ({
      conditions: { refName: { includes, excludes } },
    });
    const cases: Array<[string, Record<string, unknown>, boolean, boolean]> = [
      ["~ALL targets any branch", cond(["~ALL"]), false, true],
      ["~DEFAULT_BRANCH targets the default branch", cond(["~DEFAULT_BRANCH"]), true, true],
      ["~DEFAULT_BRANCH targets no other branch", cond(["~DEFAULT_BRANCH"]), false, false],
      ["a glob targets what it matches", cond(["refs/heads/*"]), false, true],
      ["an exclude wins over a glob", cond(["refs/heads/*"], [MAIN]), false, false],
      ["another branch's exclude does not", cond(["refs/heads/*"], ["refs/heads/dev"]), false, true],
      ["any include of several targets", cond(["refs/tags/*", MAIN]), false, true],
      ["a tag glob targets no branch", cond(["refs/tags/*"]), false, false],
      ["no conditions target nothing", {}, true, false],
      ["another branch's name does not target the default branch", cond(["refs/heads/dev"]), true, false],
    ];
    for (const [name, props, isDefault, expected] of cases)
      it(name, () => assert.equal(rulesetTargets(props, MAIN, isDefault), expected));
  });

  const byRef = (includes: string[], rules: Record<string, unknown> = {}) =>
    r(T.ruleset, "rs", {
      repository: "erp-berhan",
      enforcement: "active",
      conditions: { refName: { includes } },
      rules,
    });
  const allBranches = { repository: "erp-berhan", conditions: { refName: { includes: ["~ALL"] } } };
  const partial = { ...allBranches, rules: { deletion: true, pullRequest: {} } };

  describe("mainProtection reads rulesets and classic protection into one view", () => {
    const cases: Array<{ name: string; resources: Res[]; expected: Partial<Summary> }> = [
      {
        name: "a ruleset gives checks, strictness, reviews, force-push and deletion blocks, and its bypass actors",
        resources: [
          repo,
          r(T.ruleset, "erp-main", {
            repository: "erp-berhan",
            target: "branch",
            enforcement: "active",
            conditions: { refName: { includes: ["~DEFAULT_BRANCH"], excludes: [] } },
            rules: {
              requiredStatusChecks: {
                requiredChecks: [{ context: "style" }, { context: "unit" }, { integrationId: 1 }],
                strictRequiredStatusChecksPolicy: true,
              },
              pullRequest: { requiredApprovingReviewCount: 2, dismissStaleReviewsOnPush: true },
              nonFastForward: true,
              deletion: true,
            },
            bypassActors: [{ actorType: "Team", actorId: 7 }, {}],
          }),
          r(T.ruleset, "menu-main", {
            ...allBranches,
            repository: "menu",
            enforcement: "active",
            rules: { deletion: true },
          }),
          r(T.ruleset, "erp-tags", {
            ...allBranches,
            target: "tag",
            enforcement: "active",
            rules: { deletion: true },
          }),
        ],
        expected: {
          ...FULL,
          sources: "erp-main",
          approvals: 2,
          checkApps: new Map([
            ["style", undefined],
            ["unit", undefined],
          ]),
          bypass: ["Team 7 (erp-main)", "actor ? (erp-main)"],
        },
      },
      {
        name: "a ruleset without target is a branch ruleset, with only what it sets",
        resources: [r(T.ruleset, "a", { ...partial, enforcement: "active" })],
        expected: {
          sources: "a",
          noDeletion: true,
          noForcePush: false,
          pullRequest: true,
          approvals: 0,
          strict: false,
          dismissStale: false,
        },
      },
      {
        name: "an evaluate-mode ruleset protects nothing and is listed as inactive",
        resources: [r(T.ruleset, "e", { ...partial, enforcement: "evaluate" })],
        expected: { sources: "", inactive: "e", noDeletion: false, pullRequest: false },
      },
      {
        name: "an active ruleset without rules protects from nothing, bypassed by nobody",
        resources: [r(T.ruleset, "n", { ...allBranches, enforcement: "active" })],
        expected: { sources: "n", noDeletion: false, pullRequest: false, bypass: [] },
      },
      {
        name: "a ruleset may name main explicitly",
        resources: [byRef(["refs/heads/main"])],
        expected: { sources: "rs" },
      },
      {
        name: "a ruleset of another branch does not protect main",
        resources: [byRef(["refs/heads/dev"])],
        expected: { sources: "" },
      },
      {
        name: "a pull-request rule that is not an object requires no pull request",
        resources: [byRef(["~ALL"], { pullRequest: "required" })],
        expected: { pullRequest: false },
      },
      {
        name: "a resource of another type is no protection",
        resources: [r(T.teamRepository, "team", { repositoryId: "erp-berhan", pattern: "main" })],
        expected: { sources: "" },
      },
      {
        name: "a ruleset and a classic protection both count; strict only if all say so",
        resources: [
          byRef(["~ALL"]),
          r(T.branchProtection, "bp", {
            repositoryId: "erp-berhan",
            pattern: "main",
            enforceAdmins: true,
            requiredStatusChecks: [{ contexts: ["style"] }],
          }),
        ],
        expected: { sources: "rs, bp", strict: false, requiredChecks: ["style"] },
      },
      {
        name: "classic protection: contexts and checks, provider defaults, admins and bypassers",
        resources: [
          r(T.branchProtection, "erp-bp", {
            repositoryId: "R_kgDO1",
            pattern: "ma*",
            requiredStatusChecks: [
              { strict: true, contexts: ["style", 3], checks: [`unit:${GITHUB_ACTIONS_INTEGRATION_ID}`, 4] },
            ],
            requiredPullRequestReviews: [{ dismissStaleReviews: true, pullRequestBypassers: ["/octocat"] }],
            forcePushBypassers: ["/release-bot"],
          }),
          r(T.branchProtection, "dev-bp", {
            repositoryId: "erp-berhan",
            pattern: "dev",
            allowsDeletions: true,
          }),
          r(T.branchProtection, "nopattern", { repositoryId: "erp-berhan" }),
        ],
        expected: {
          ...FULL,
          sources: "erp-bp",
          approvals: 1,
          // Classic `checks` are `context:app_id`: unit comes from the GitHub Actions app, style from any app.
          checkApps: new Map<string, number | undefined>([
            ["style", undefined],
            ["unit", GITHUB_ACTIONS_INTEGRATION_ID],
          ]),
          bypass: [
            "/octocat (erp-bp)",
            "admins (erp-bp: enforceAdmins is not true)",
            "/release-bot (erp-bp)",
          ],
        },
      },
      {
        name: "classic protection allowing force pushes and deletion, with malformed checks and reviews",
        resources: [
          r(T.branchProtection, "lax", {
            repositoryId: "erp-berhan",
            pattern: "main",
            enforceAdmins: true,
            allowsForcePushes: true,
            allowsDeletions: true,
            requiredStatusChecks: ["x"],
            requiredPullRequestReviews: [{ requiredApprovingReviewCount: 3 }, "x"],
          }),
        ],
        expected: {
          noForcePush: false,
          noDeletion: false,
          bypass: [],
          approvals: 3,
          strict: false,
          dismissStale: false,
          requiredChecks: [],
        },
      },
      {
        name: "classic reviews that are not an object require no pull request",
        resources: [
          r(T.branchProtection, "n", {
            repositoryId: "erp-berhan",
            pattern: "main",
            enforceAdmins: true,
            requiredPullRequestReviews: ["x"],
          }),
        ],
        expected: { pullRequest: false, approvals: 0 },
      },
    ];
    for (const c of cases)
      it(c.name, () => {
        const got = summary(mainProtection(erp, c.resources));
        const keys = Object.keys(c.expected) as Array<keyof Summary>;
        assert.deepEqual(Object.fromEntries(keys.map((k) => [k, got[k]])), c.expected);
      });
  });
});

describe("policy-pack lib: GitHub ref patterns match as GitHub does (fnmatch with FNM_PATHNAME)", () => {
  const cases: Array<[string, string, boolean]> = [
    // GitHub Docs, rulesets and protected branches: `*` stops at `/`.
    ["refs/heads/*", "refs/heads/main", true],
    ["refs/*", "refs/heads/main", false],
    ["refs/heads/*", "refs/heads/feature/x", false],
    ["refs/heads/**/*", "refs/heads/feature/x", true],
    ["refs/heads/**", "refs/heads/feature/x", false],
    ["refs/tags/mvp-*", "refs/tags/mvp-1.0.0", true],
    ["refs/tags/mvp-*", "refs/tags/v1.0.0", false],
    ["*", "main", true],
    ["ma?n", "main", true],
    ["[mn]ain", "main", true],
    ["*release*", "prerelease-1", true],
    ["*release*", "feature/release", false],
    ["{main,dev}", "main", false],
    ["refs/heads/main", "refs/heads/main", true],
  ];
  for (const [pattern, ref, expected] of cases)
    it(`${pattern} ${expected ? "matches" : "does not match"} ${ref}`, () =>
      assert.equal(refPatternMatches(pattern, ref), expected));

  it("a ruleset on refs/* does not protect main (CC-BR-01 must not count it)", () => {
    const props = { conditions: { refName: { includes: ["refs/*"], excludes: [] } } };
    assert.equal(rulesetTargets(props, "refs/heads/main", true), false);
    assert.equal(
      rulesetTargets(
        { conditions: { refName: { includes: ["~DEFAULT_BRANCH"], excludes: [] } } },
        "refs/heads/main",
        true,
      ),
      true,
    );
  });

  it("a pattern longer than any ref GitHub allows matches nothing, at once", () => {
    assert.equal(refPatternMatches(`${"*a".repeat(600)}`, "refs/heads/main"), false);
  });
});

describe("policy-pack lib: repositories a stack configures without declaring them", () => {
  const ruleset = (name: string, repository: unknown) => r(T.ruleset, name, { repository });

  it("one standalone repository per reference no declared repository designates, named after its last segment", () => {
    const declared = r(T.repository, "erp", { name: "erp" });
    const resources = [
      declared,
      ruleset("erp-main", "acme/erp"),
      ruleset("shop-main", "acme/shop"),
      ruleset("shop-tags", "shop"),
      r(T.branchProtection, "legacy", { repositoryId: "R_kgDOlegacy" }),
      r(T.workflowPermissions, "wp", { repository: "tools" }),
      r("github:index/issueLabel:IssueLabel", "label", { repository: "ignored" }),
      ruleset("unknown-at-preview", undefined),
    ];
    const found = standaloneRepositories(resources);
    assert.deepEqual(
      found.map((f) => [f.name, f.res.name, f.res.type, f.res.props, f.standalone]),
      [
        ["shop", "shop-main", T.ruleset, { name: "shop" }, true],
        ["R_kgDOlegacy", "legacy", T.branchProtection, { name: "R_kgDOlegacy" }, true],
        ["tools", "wp", T.workflowPermissions, { name: "tools" }, true],
      ],
    );
    assert.deepEqual(
      governedRepositories(resources).map((g) => [g.name, !!g.standalone]),
      [
        ["erp", false],
        ["shop", true],
        ["R_kgDOlegacy", true],
        ["tools", true],
      ],
    );
  });

  it("a repository's Actions permissions: pinned by SHA and selected (or local) actions only", () => {
    const ap = (props: Record<string, unknown>) => r(T.actionsPermissions, "ap", props);
    assert.deepEqual(
      actionsPermissionProblems(ap({ shaPinningRequired: true, allowedActions: "selected" })),
      [],
    );
    assert.deepEqual(
      actionsPermissionProblems(ap({ shaPinningRequired: true, allowedActions: "local_only" })),
      [],
    );
    assert.deepEqual(actionsPermissionProblems(ap({ shaPinningRequired: "true" })), [
      "actions need not be pinned by full commit SHA",
      "allowed actions all, expected selected",
    ]);
  });
});
