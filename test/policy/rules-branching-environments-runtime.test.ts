/**
 * The BR (branching), ENV (environments) and RUN (runtime) rules on minimal hand-built resources, one named
 * scenario per test: the exact verdict, the resource judged and the evidence an auditor reads
 * (shared/policy-catalogue.md; docs/PROOFS.md section 4). They cover every branch of every check and every item
 * of every evidence list, so that Stryker mutants of the rules are killed (the real stacks' fixture changes are in
 * mutations.ts and rules.test.ts).
 */
import { PLAINTEXT_MARKER, SECRET_MARKER } from "../../policy-pack/evaluate";
import { SECRET_NAME_PATTERNS } from "../../policy-pack/lib/secretNames";
import { profileRef, r, RuleCase, ruleCases, T, taskDefinition } from "./rule-harness";

type Props = Record<string, unknown>;

const repository = (props: Props = {}) => r(T.repository, "erp-repo", { name: "erp-berhan", ...props });
const REPO = repository();
const mainRuleset = (over: Props = {}, rules: Props = {}) =>
  r(T.ruleset, "erp-main", {
    repository: "erp-berhan",
    target: "branch",
    enforcement: "active",
    conditions: { refName: { includes: ["~DEFAULT_BRANCH"], excludes: [] } },
    bypassActors: [],
    ...over,
    rules: {
      requiredStatusChecks: {
        requiredChecks: [{ context: "style" }, { context: "unit" }, { context: "smoke" }],
        strictRequiredStatusChecksPolicy: true,
      },
      pullRequest: { requiredApprovingReviewCount: 1, dismissStaleReviewsOnPush: true },
      nonFastForward: true,
      deletion: true,
      ...rules,
    },
  });
const tagRuleset = (over: Props = {}, rules: Props = {}) =>
  r(T.ruleset, "erp-tags", {
    repository: "erp-berhan",
    target: "tag",
    enforcement: "active",
    conditions: { refName: { includes: ["refs/tags/mvp-*"], excludes: [] } },
    bypassActors: [],
    ...over,
    rules: { deletion: true, update: true, nonFastForward: true, ...rules },
  });

describe("CC-BR-01: main of every repository is protected by an active ruleset", () =>
  ruleCases("CC-BR-01", [
    {
      name: "passes a repository whose main an active ruleset targets",
      resources: [REPO, mainRuleset()],
      expected: [["pass", "erp-repo", "main of erp-berhan is protected by erp-main"]],
    },
    {
      name: "fails on the ruleset when main is targeted only by an evaluate-mode ruleset",
      resources: [REPO, mainRuleset({ enforcement: "evaluate" })],
      expected: [
        [
          "fail",
          "erp-main",
          "main of erp-berhan is targeted only by rulesets that are not active (erp-main)",
        ],
      ],
    },
    {
      name: "fails on the repository when only a tag ruleset exists",
      resources: [REPO, tagRuleset()],
      expected: [["fail", "erp-repo", "main of erp-berhan has no ruleset or branch protection"]],
    },
    {
      name: "is not applicable to a stack without a repository",
      resources: [mainRuleset()],
      expected: [["not-applicable", null, "nothing in this stack for this rule to check"]],
    },
  ]));

const lax = mainRuleset({}, { requiredStatusChecks: { requiredChecks: [{ context: "unit" }] } });

describe("CC-BR-02: main requires the configured status checks, strictly", () =>
  ruleCases("CC-BR-02", [
    {
      name: "passes a ruleset requiring style, unit and smoke, strict",
      resources: [REPO, mainRuleset()],
      expected: [["pass", "erp-main", "main of erp-berhan requires smoke, style, unit (strict)"]],
    },
    {
      name: "fails a ruleset requiring only unit, not strict, with both problems",
      resources: [REPO, lax],
      expected: [
        [
          "fail",
          "erp-main",
          "main of erp-berhan: missing required checks style, smoke; checks are not strict (the branch need not be up to date)",
        ],
      ],
    },
    {
      name: "with requiredChecks adding lint, fails a ruleset that does not require lint",
      resources: [REPO, mainRuleset()],
      opts: { settings: { requiredChecks: ["style", "unit", "smoke", "lint"] } },
      expected: [["fail", "erp-main", "main of erp-berhan: missing required checks lint"]],
    },
    {
      name: "is not applicable to a repository without protection (CC-BR-01's failure)",
      resources: [REPO],
      expected: [["not-applicable", "erp-repo", "main of erp-berhan is not protected (see CC-BR-01)"]],
    },
  ]));

const approvals = (requiredApprovingReviewCount: number) =>
  mainRuleset({}, { pullRequest: { requiredApprovingReviewCount } });

describe("CC-BR-03: main takes pull requests with enough approvals, stale ones dismissed", () =>
  ruleCases("CC-BR-03", [
    {
      name: "passes one approval, stale approvals dismissed",
      resources: [REPO, mainRuleset()],
      expected: [
        [
          "pass",
          "erp-main",
          "main of erp-berhan: pull request with 1 approval(s), stale approvals dismissed",
        ],
      ],
    },
    {
      name: "with minApprovals 2, fails one approval",
      resources: [REPO, mainRuleset()],
      opts: { settings: { minApprovals: 2 } },
      expected: [
        ["fail", "erp-main", "main of erp-berhan: 1 approving review(s) required, at least 2 needed"],
      ],
    },
    {
      name: "with minApprovals 2, fails two approvals that stay after a push",
      resources: [REPO, approvals(2)],
      opts: { settings: { minApprovals: 2 } },
      expected: [["fail", "erp-main", "main of erp-berhan: stale approvals are not dismissed on push"]],
    },
    {
      name: "fails zero approvals that stay after a push, with both problems",
      resources: [REPO, approvals(0)],
      expected: [
        [
          "fail",
          "erp-main",
          "main of erp-berhan: 0 approving review(s) required, at least 1 needed; stale approvals are not dismissed on push",
        ],
      ],
    },
    {
      name: "fails a ruleset that requires no pull request",
      resources: [REPO, mainRuleset({}, { pullRequest: undefined })],
      expected: [["fail", "erp-main", "main of erp-berhan: no pull request is required"]],
    },
  ]));

describe("CC-BR-04: squash merge only (GitHub's defaults allow every merge method)", () =>
  ruleCases("CC-BR-04", [
    {
      name: "passes a repository with merge commits and rebase merges off",
      resources: [repository({ allowMergeCommit: false, allowRebaseMerge: false })],
      expected: [["pass", "erp-repo", "squash merge only"]],
    },
    {
      name: "fails a repository with defaults and squash off, naming all three",
      resources: [repository({ allowSquashMerge: false })],
      expected: [
        [
          "fail",
          "erp-repo",
          "merge commits are allowed (allowMergeCommit is not false); rebase merges are allowed (allowRebaseMerge is not false); squash merges are disabled",
        ],
      ],
    },
    {
      name: "fails a repository that leaves rebase merges at the default",
      resources: [repository({ allowMergeCommit: false })],
      expected: [["fail", "erp-repo", "rebase merges are allowed (allowRebaseMerge is not false)"]],
    },
  ]));

describe("CC-BR-05: head branches are deleted on merge", () =>
  ruleCases("CC-BR-05", [
    {
      name: "passes deleteBranchOnMerge true",
      resources: [repository({ deleteBranchOnMerge: true })],
      expected: [["pass", "erp-repo", "head branches are deleted on merge"]],
    },
    {
      name: 'fails deleteBranchOnMerge "true" (a string is not true)',
      resources: [repository({ deleteBranchOnMerge: "true" })],
      expected: [["fail", "erp-repo", "deleteBranchOnMerge is not true: merged head branches are kept"]],
    },
  ]));

describe("CC-BR-06: main blocks force pushes and deletion", () =>
  ruleCases("CC-BR-06", [
    {
      name: "passes a ruleset blocking both",
      resources: [REPO, mainRuleset()],
      expected: [["pass", "erp-main", "main of erp-berhan: force pushes and deletion blocked"]],
    },
    {
      name: "fails a ruleset blocking neither, naming both",
      resources: [REPO, mainRuleset({}, { nonFastForward: false, deletion: false })],
      expected: [
        ["fail", "erp-main", "main of erp-berhan: force pushes are not blocked; deletion is not blocked"],
      ],
    },
    {
      name: "fails a ruleset that does not block deletion",
      resources: [REPO, mainRuleset({}, { deletion: false })],
      expected: [["fail", "erp-main", "main of erp-berhan: deletion is not blocked"]],
    },
  ]));

const bypassedBy = (...bypassActors: unknown[]) => mainRuleset({ bypassActors });

describe("CC-BR-07: nobody bypasses main's protection", () =>
  ruleCases("CC-BR-07", [
    {
      name: "passes a ruleset without bypass actors",
      resources: [REPO, mainRuleset()],
      expected: [["pass", "erp-main", "main of erp-berhan: no bypass actors; admins included"]],
    },
    {
      name: "fails a ruleset organization admins bypass, naming the actor and the ruleset",
      resources: [REPO, bypassedBy({ actorType: "OrganizationAdmin", actorId: 1 })],
      expected: [
        ["fail", "erp-main", "main of erp-berhan can be bypassed by OrganizationAdmin 1 (erp-main)"],
      ],
    },
    {
      name: "lists every bypass actor",
      resources: [
        REPO,
        bypassedBy({ actorType: "Team", actorId: 1 }, { actorType: "Integration", actorId: 2 }),
      ],
      message: "main of erp-berhan can be bypassed by Team 1 (erp-main), Integration 2 (erp-main)",
    },
  ]));

const IMMUTABLE = "release tags of erp-berhan are immutable (erp-tags)";
const WEAK_TAGS =
  "tag rulesets of erp-berhan (erp-tags) do not block update and deletion of refs/tags/mvp-* for everyone, or are not active";
const NO_TAG_RULESET = "no tag ruleset of erp-berhan covers refs/tags/mvp-*";

describe("CC-BR-08: an active tag ruleset makes mvp-* tags immutable for everyone", () =>
  ruleCases("CC-BR-08", [
    {
      name: "passes an active tag ruleset blocking update and deletion without bypass",
      resources: [REPO, mainRuleset(), tagRuleset()],
      expected: [["pass", "erp-repo", IMMUTABLE]],
    },
    ...(
      [
        ["is in evaluate mode", tagRuleset({ enforcement: "evaluate" })],
        ["does not block deletion", tagRuleset({}, { deletion: false })],
        ["does not block update", tagRuleset({}, { update: false })],
        ["is bypassed by a team", tagRuleset({ bypassActors: [{ actorType: "Team", actorId: 2 }] })],
      ] as const
    ).map(([what, ruleset]): RuleCase => ({
      name: `fails on the tag ruleset when it ${what}`,
      resources: [REPO, ruleset],
      expected: [["fail", "erp-tags", WEAK_TAGS]],
    })),
    ...(
      [
        ["is another repository's", tagRuleset({ repository: "menu" })],
        ["targets branches", tagRuleset({ target: "branch" })],
        ["has no target", tagRuleset({ target: undefined })],
        ["covers refs/tags/v* only", tagRuleset({ conditions: { refName: { includes: ["refs/tags/v*"] } } })],
        [
          "covers the default branch only",
          tagRuleset({ conditions: { refName: { includes: ["~DEFAULT_BRANCH"] } } }),
        ],
      ] as const
    ).map(([what, ruleset]): RuleCase => ({
      name: `fails on the repository when its only tag ruleset ${what}`,
      resources: [REPO, ruleset],
      expected: [["fail", "erp-repo", NO_TAG_RULESET]],
    })),
    {
      name: "passes an active tag ruleset beside a disabled one",
      resources: [REPO, tagRuleset({ enforcement: "disabled" }), tagRuleset()],
      expected: [["pass", "erp-repo", IMMUTABLE]],
    },
  ]));

const env = (name: string, environment: string, props: Props = {}) =>
  r(T.environment, name, { repository: "erp-berhan", environment, ...props });
const PRODUCTION_ENV = env("e2", "production");
const VOUCHED = "repository erp-berhan has staging (via staging-profile), production (this stack)";
const LACKS_STAGING = "repository erp-berhan lacks the environment(s) staging";

describe("CC-ENV-01: each repository has its environments, here or vouched for by a stack reference", () =>
  ruleCases("CC-ENV-01", [
    {
      name: "passes a repository with staging and production in this stack",
      resources: [REPO, env("e1", "staging"), PRODUCTION_ENV],
      expected: [
        ["pass", "erp-repo", "repository erp-berhan has staging (this stack), production (this stack)"],
      ],
    },
    {
      name: "fails when the stack's staging environment is another repository's",
      resources: [REPO, PRODUCTION_ENV, env("e3", "staging", { repository: "menu" })],
      expected: [["fail", "erp-repo", LACKS_STAGING]],
    },
    {
      name: "passes staging vouched for by staging's profile naming the app",
      resources: [REPO, PRODUCTION_ENV, profileRef({ "erp-berhan": {} })],
      expected: [["pass", "erp-repo", VOUCHED]],
    },
    {
      name: "passes staging vouched for by staging's profile naming the repository as owner/name",
      resources: [REPO, PRODUCTION_ENV, profileRef({ erp: { repository: "acme/erp-berhan" } })],
      expected: [["pass", "erp-repo", VOUCHED]],
    },
    ...(
      [
        ["names another repository", profileRef({ erp: { repository: "acme/menu" } })],
        ["is production's", profileRef({ "erp-berhan": {} }, "production")],
        ["lists its apps as a string", profileRef("erp-berhan")],
        ["names no environment", profileRef({ "erp-berhan": {} }, "")],
        ["has no environmentProfile output", r(T.stackReference, "staging-profile", { outputs: {} })],
      ] as const
    ).map(([what, ref]): RuleCase => ({
      name: `fails staging when the stack reference's profile ${what}`,
      resources: [REPO, PRODUCTION_ENV, ref],
      expected: [["fail", "erp-repo", LACKS_STAGING]],
    })),
    {
      name: "with environments adding qa, fails a repository without them, naming each",
      resources: [REPO],
      opts: { settings: { environments: ["staging", "production", "qa"] } },
      expected: [
        ["fail", "erp-repo", "repository erp-berhan lacks the environment(s) staging, production, qa"],
      ],
    },
  ]));

const prodEnv = (props: Props) => env("erp-prod", "production", props);

describe("CC-ENV-02: production has enough required reviewers and prevents self-review", () =>
  ruleCases("CC-ENV-02", [
    {
      name: "passes a user and a team as reviewers, self-review prevented",
      resources: [prodEnv({ reviewers: [{ users: [1], teams: [2] }], preventSelfReview: true })],
      expected: [["pass", "erp-prod", "2 reviewer(s), self-review prevented"]],
    },
    {
      name: "passes one team as reviewer, self-review prevented",
      resources: [prodEnv({ reviewers: [{ teams: [2] }], preventSelfReview: true })],
      expected: [["pass", "erp-prod", "1 reviewer(s), self-review prevented"]],
    },
    {
      name: "fails no reviewers and self-review allowed, with both problems",
      resources: [prodEnv({})],
      expected: [
        [
          "fail",
          "erp-prod",
          "0 reviewer(s), at least 1 required; self-review is not prevented (preventSelfReview is not true)",
        ],
      ],
    },
    {
      name: "passes two users, self-review prevented: one can approve the other's run",
      resources: [prodEnv({ reviewers: [{ users: [1, 3] }], preventSelfReview: true })],
      expected: [["pass", "erp-prod", "2 reviewer(s), self-review prevented"]],
    },
    {
      name: "fails a lone user reviewer with self-review prevented: their own runs cannot be approved",
      resources: [prodEnv({ reviewers: [{ users: [1] }], preventSelfReview: true })],
      expected: [
        [
          "fail",
          "erp-prod",
          "a lone user reviewer with self-review prevented: the runs that user starts cannot be approved",
        ],
      ],
    },
    {
      name: "with minReviewers 3, fails two reviewers counted across entries",
      resources: [prodEnv({ reviewers: [{ users: [1] }, { users: [3] }], preventSelfReview: true })],
      opts: { settings: { minReviewers: 3 } },
      expected: [["fail", "erp-prod", "2 reviewer(s), at least 3 required"]],
    },
    {
      name: "is not applicable to staging",
      resources: [env("erp-staging", "staging")],
      expected: [["not-applicable", "erp-staging", "environment staging is not production"]],
    },
  ]));

const CUSTOM = { deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true } };
const PROTECTED = { deploymentBranchPolicy: { protectedBranches: true } };
const deploymentPolicy = (name: string, environment: string, props: Props) =>
  r(T.deploymentPolicy, name, { repository: "erp-berhan", environment, ...props });
const customProd = env("erp-prod", "production", CUSTOM);
const customStaging = env("erp-stg", "staging", CUSTOM);

describe("CC-ENV-03: production and staging deploy only from their allowed branches and tags", () =>
  ruleCases("CC-ENV-03", [
    {
      name: "passes production from main and mvp-* tags and staging from main, ignoring another repository's policy",
      resources: [
        customProd,
        customStaging,
        deploymentPolicy("p1", "production", { branchPattern: "main" }),
        deploymentPolicy("p2", "production", { tagPattern: "mvp-*" }),
        deploymentPolicy("s1", "staging", { branchPattern: "main" }),
        deploymentPolicy("x1", "staging", { repository: "menu", branchPattern: "dev" }),
      ],
      expected: [
        ["pass", "erp-prod", "production deploys from branch main, tag mvp-*"],
        ["pass", "erp-stg", "staging deploys from branch main"],
      ],
    },
    {
      name: "fails staging deploying from a dev branch and a tag, naming both",
      resources: [
        customStaging,
        deploymentPolicy("s1", "staging", { branchPattern: "dev" }),
        deploymentPolicy("s2", "staging", { tagPattern: "mvp-*" }),
      ],
      expected: [["fail", "erp-stg", "staging may deploy from branch dev, tag mvp-*; allowed: branch main"]],
    },
    {
      name: "fails production deploying from v* tags",
      resources: [customProd, deploymentPolicy("p1", "production", { tagPattern: "v*" })],
      expected: [["fail", "erp-prod", "production may deploy from tag v*; allowed: branch main, tag mvp-*"]],
    },
    {
      name: "fails custom branch policies with no policy of this environment",
      resources: [customProd, deploymentPolicy("p1", "staging", { branchPattern: "main" })],
      expected: [
        [
          "fail",
          "erp-prod",
          "production: custom branch policies with no deployment policy, nothing may deploy",
        ],
      ],
    },
    {
      name: "fails production without a deploymentBranchPolicy",
      resources: [env("erp-prod", "production")],
      expected: [["fail", "erp-prod", "production: no deploymentBranchPolicy, so any branch can deploy"]],
    },
    {
      name: "passes production deploying from protected branches only",
      resources: [env("erp-prod", "production", PROTECTED)],
      expected: [["pass", "erp-prod", "production deploys from protected branches only"]],
    },
    {
      name: "fails protected branches where only main may deploy, for staging and for production",
      resources: [
        env("erp-stg", "staging", PROTECTED),
        env("erp-prod", "production", {
          deploymentBranchPolicy: { protectedBranches: true, customBranchPolicies: true },
        }),
      ],
      expected: [
        [
          "fail",
          "erp-stg",
          "staging: protectedBranches admits every protected branch; staging may deploy only from main",
        ],
        [
          "fail",
          "erp-prod",
          "production: protectedBranches admits every protected branch; production may deploy only from main",
        ],
      ],
    },
    {
      name: "fails a branch policy restricting nothing",
      resources: [env("erp-prod", "production", { deploymentBranchPolicy: { protectedBranches: false } })],
      expected: [
        ["fail", "erp-prod", "production: no branch restriction (customBranchPolicies is not true)"],
      ],
    },
    {
      name: "is not applicable to an environment without a deployment-source rule",
      resources: [env("erp-qa", "qa", CUSTOM)],
      expected: [["not-applicable", "erp-qa", "environment qa has no deployment-source rule"]],
    },
  ]));

const envSecret = (props: Props, secretName = "DB_PASSWORD") =>
  r(T.envSecret, "erp-db", { secretName, ...props });
const envVariable = (variableName: string, value: unknown) =>
  r(T.envVariable, "erp-var", { variableName, value });
const CREDENTIAL = "variable UPSTREAM holds a credential-looking value: use an ActionsEnvironmentSecret";
const patterns = { settings: { secretNamePatterns: [...SECRET_NAME_PATTERNS, "A.B"] } };

describe("CC-ENV-04: environment secrets carry a value kept secret; variables look harmless", () =>
  ruleCases("CC-ENV-04", [
    {
      name: "passes a secret carried by value",
      resources: [envSecret({ value: "s3cr3t" })],
      expected: [
        ["pass", "erp-db", "secret DB_PASSWORD is carried by value (the provider stores it encrypted)"],
      ],
    },
    {
      name: "with marked secrets, passes a secret whose value and encryptedValue are marked, naming both",
      resources: [envSecret({ value: SECRET_MARKER, encryptedValue: "abc" })],
      opts: { secretsMarked: true },
      expected: [["pass", "erp-db", "secret DB_PASSWORD is carried by value, encryptedValue as a secret"]],
    },
    {
      name: "fails a secret with an empty value and a null plaintextValue",
      resources: [envSecret({ value: "", plaintextValue: null })],
      expected: [["fail", "erp-db", "secret DB_PASSWORD carries no value"]],
    },
    {
      name: "fails a secret stored in plain text in the state",
      resources: [envSecret({ valueEncrypted: PLAINTEXT_MARKER })],
      expected: [
        ["fail", "erp-db", "secret DB_PASSWORD: valueEncrypted is stored in plain text in the state"],
      ],
    },
    {
      name: "with marked secrets, fails the one field that is not a Pulumi secret",
      resources: [envSecret({ plaintextValue: "x", encryptedValue: "y" })],
      opts: { secretsMarked: true },
      expected: [
        [
          "fail",
          "erp-db",
          "secret DB_PASSWORD: plaintextValue is not a Pulumi secret (plain text in the program)",
        ],
      ],
    },
    {
      name: "lists every field stored in plain text in the state",
      resources: [envSecret({ value: PLAINTEXT_MARKER, plaintextValue: PLAINTEXT_MARKER }, "DB")],
      message: "secret DB: value, plaintextValue is stored in plain text in the state",
    },
    {
      name: "with marked secrets, lists every field that is not a Pulumi secret",
      resources: [envSecret({ value: "a", plaintextValue: "b" }, "DB")],
      opts: { secretsMarked: true },
      message: "secret DB: value, plaintextValue is not a Pulumi secret (plain text in the program)",
    },
    {
      name: "with marked secrets, names a single plain field",
      resources: [envSecret({ value: "a" }, "DB")],
      opts: { secretsMarked: true },
      message: "secret DB: value is not a Pulumi secret (plain text in the program)",
    },
    {
      name: "passes a harmless variable",
      resources: [envVariable("AWS_REGION", "eu-west-1")],
      expected: [["pass", "erp-var", "variable AWS_REGION is not secret-looking"]],
    },
    {
      name: "says (no name) for a secret and a variable without names",
      resources: [r(T.envSecret, "erp-db", {}), r(T.envVariable, "erp-var", { value: "x" })],
      expected: [
        ["fail", "erp-db", "secret (no name) carries no value"],
        ["pass", "erp-var", "variable (no name) is not secret-looking"],
      ],
    },
    {
      name: "fails a variable with a secret-looking name holding a secret, naming both problems",
      resources: [envVariable("api_token", SECRET_MARKER)],
      expected: [
        [
          "fail",
          "erp-var",
          "variable api_token has a secret-looking name; variable api_token holds a secret value: use an ActionsEnvironmentSecret",
        ],
      ],
    },
    {
      name: "fails a variable holding a value stored in plain text",
      resources: [envVariable("WEBHOOK", PLAINTEXT_MARKER)],
      expected: [
        ["fail", "erp-var", "variable WEBHOOK holds a secret value: use an ActionsEnvironmentSecret"],
      ],
    },
    ...[
      ["a classic GitHub token", "ghp_abcdefghijklmnopqrstuvwxyz"],
      ["a fine-grained GitHub token", "github_pat_11ABC"],
      ["an AWS access key id", "AKIAABCDEFGHIJKLMNOP"],
      ["a private key", "-----BEGIN RSA PRIVATE KEY-----"],
      ["a Slack bot token", "xoxb-123"],
      ["a URL with a password", "postgres://app:pw@db.internal/app"],
    ].map(([what, value]): RuleCase => ({
      name: `fails a variable holding ${what}`,
      resources: [envVariable("UPSTREAM", value)],
      expected: [["fail", "erp-var", CREDENTIAL]],
    })),
    ...(
      [
        ["a URL with an @ but no password", "https://example.com/a@b"],
        ["a GitHub token prefix too short to be one", "ghp_short"],
        ["an AWS key id one character too long", "AKIAABCDEFGHIJKLMNOPQ"],
        ["a number", 42],
      ] as const
    ).map(([what, value]): RuleCase => ({
      name: `passes a variable holding ${what}`,
      resources: [envVariable("UPSTREAM", value)],
      status: "pass",
    })),
    {
      name: "with secretNamePatterns adding A.B, passes AXB (a pattern's dot is literal)",
      resources: [envVariable("AXB", "x")],
      opts: patterns,
      status: "pass",
    },
    {
      name: "with secretNamePatterns adding A.B, fails A.B",
      resources: [envVariable("A.B", "x")],
      opts: patterns,
      status: "fail",
    },
    {
      name: "passes MY_KEY_ID (KEY inside a word is not a key)",
      resources: [envVariable("MY_KEY_ID", "x")],
      status: "pass",
    },
    {
      name: "fails SIGNING_KEY",
      resources: [envVariable("SIGNING_KEY", "x")],
      status: "fail",
    },
  ]));

describe("CC-ENV-05: no long-lived AWS keys as secrets or variables", () =>
  ruleCases("CC-ENV-05", [
    {
      name: "fails an environment secret named AWS_ACCESS_KEY_ID",
      resources: [r(T.envSecret, "s", { secretName: "AWS_ACCESS_KEY_ID", value: "x" })],
      expected: [["fail", "s", "AWS_ACCESS_KEY_ID is a long-lived cloud key; use OIDC"]],
    },
    {
      name: "fails a repository secret named like an AWS access key",
      resources: [r(T.actionsSecret, "a", { secretName: "PROD_AWS_ACCESS_KEY" })],
      expected: [["fail", "a", "PROD_AWS_ACCESS_KEY is a long-lived cloud key; use OIDC"]],
    },
    {
      name: "fails a variable holding a temporary AWS access key id",
      resources: [r(T.envVariable, "v", { variableName: "KEY_ID", value: "ASIAABCDEFGHIJKLMNOP" })],
      expected: [["fail", "v", "KEY_ID holds an AWS access key id; use OIDC"]],
    },
    {
      name: "passes a secret holding an access key id (secrets are not read)",
      resources: [r(T.envSecret, "s", { secretName: "KEY_ID", value: "AKIAABCDEFGHIJKLMNOP" })],
      expected: [["pass", "s", "KEY_ID is not a cloud key"]],
    },
    {
      name: "passes a variable holding an access key id after another character",
      resources: [r(T.envVariable, "v", { variableName: "KEY_ID", value: "xAKIAABCDEFGHIJKLMNOP" })],
      expected: [["pass", "v", "KEY_ID is not a cloud key"]],
    },
    {
      name: "passes a nameless variable holding an access key id one character too long, saying it has no name",
      resources: [r(T.envVariable, "v", { value: "AKIAABCDEFGHIJKLMNOPQ" })],
      expected: [["pass", "v", "the variable without a name is not a cloud key"]],
    },
    {
      name: "fails a nameless variable holding an access key id, saying it has no name",
      resources: [r(T.envVariable, "v", { value: "AKIAABCDEFGHIJKLMNOP" })],
      expected: [["fail", "v", "the variable without a name holds an AWS access key id; use OIDC"]],
    },
    {
      name: "names a nameless environment secret and a nameless repository secret by what they are",
      resources: [r(T.envSecret, "s", { value: "x" }), r(T.actionsSecret, "a", { secretName: "" })],
      expected: [
        ["pass", "s", "the environment secret without a name is not a cloud key"],
        ["pass", "a", "the repository secret without a name is not a cloud key"],
      ],
    },
  ]));

const OIDC = "token.actions.githubusercontent.com";
const OIDC_PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${OIDC}`;
const SUBJECT = "repo:acme/erp-berhan:environment:production";
/** A statement trusting GitHub's OIDC provider for `sub` and `aud`. */
const webIdentity = (
  sub: unknown = SUBJECT,
  aud: unknown = "sts.amazonaws.com",
  federated = OIDC_PROVIDER,
) => ({
  Effect: "Allow",
  Principal: { Federated: federated },
  Action: "sts:AssumeRoleWithWebIdentity",
  Condition: { StringEquals: { [`${OIDC}:aud`]: aud, [`${OIDC}:sub`]: sub } },
});
const trustRole = (statements: unknown[], tags: Props = { environment: "production" }) =>
  r(T.role, "erp-deploy-role", { tags, assumeRolePolicy: JSON.stringify({ Statement: statements }) });
const overridden = (statement: Props, environment = "production") =>
  trustRole([{ ...webIdentity(), ...statement }], { environment });
const wildcardSubject = (sub: string) =>
  `subject ${JSON.stringify(sub)} is not repo:OWNER/REPO:environment:ENV without wildcards`;
const SUBJECT_B = "repo:acme/b:environment:production";

describe("CC-ENV-06: OIDC trust is scoped to one repository environment", () =>
  ruleCases("CC-ENV-06", [
    {
      name: "passes a role trusting one repository environment, audience STS",
      resources: [trustRole([webIdentity()])],
      expected: [
        [
          "pass",
          "erp-deploy-role",
          "trusts only repo:acme/erp-berhan:environment:production (audience sts.amazonaws.com)",
        ],
      ],
    },
    {
      name: "fails a staging role trusting the production environment",
      resources: [overridden({}, "staging")],
      expected: [
        ["fail", "erp-deploy-role", "subject environment production is not the role's environment staging"],
      ],
    },
    {
      name: "fails the wrong action, a second audience and a StringLike subject, naming every problem",
      resources: [
        overridden({
          Action: ["sts:AssumeRole"],
          Condition: {
            StringEquals: { [`${OIDC}:aud`]: ["sts.amazonaws.com", "x"] },
            StringLike: { [`${OIDC}:sub`]: "repo:acme/*" },
          },
        }),
      ],
      expected: [
        [
          "fail",
          "erp-deploy-role",
          'the statement does not use sts:AssumeRoleWithWebIdentity; audience is ["sts.amazonaws.com","x"], not exactly sts.amazonaws.com; subject uses StringLike "repo:acme/*"; no subject condition: every repository can assume the role',
        ],
      ],
    },
    {
      name: "fails a wildcard subject, a non-string subject and three subjects, naming every problem",
      resources: [trustRole([webIdentity(["repo:acme/*:environment:production", SUBJECT, 7])])],
      expected: [
        [
          "fail",
          "erp-deploy-role",
          'subject "repo:acme/*:environment:production" is not repo:OWNER/REPO:environment:ENV without wildcards; subject 7 is not repo:OWNER/REPO:environment:ENV without wildcards; 3 subjects trusted, one expected',
        ],
      ],
    },
    {
      name: "fails a role GitHub's OIDC provider appears in only through a Deny statement, saying so",
      resources: [overridden({ Effect: "Deny", Action: "x" })],
      expected: [
        [
          "fail",
          "erp-deploy-role",
          `no statement naming GitHub's OIDC provider allows it (Effect "Deny"): the role trusts no repository environment`,
        ],
      ],
    },
    {
      name: "fails a trust policy whose OIDC statements have no Allow effect, quoting each effect",
      resources: [
        trustRole([
          { ...webIdentity(), Effect: "Deny" },
          { ...webIdentity(), Effect: undefined },
          { ...webIdentity(), Effect: "allow" },
        ]),
      ],
      expected: [
        [
          "fail",
          "erp-deploy-role",
          `no statement naming GitHub's OIDC provider allows it (Effect "Deny", null, "allow"): the role trusts no repository environment`,
        ],
      ],
    },
    {
      name: "judges only the Allow statements beside a Deny one",
      resources: [trustRole([webIdentity(), { ...webIdentity(SUBJECT_B), Effect: "Deny" }])],
      expected: [["pass", "erp-deploy-role", `trusts only ${SUBJECT} (audience sts.amazonaws.com)`]],
    },
    {
      name: "is not applicable to a role trusted by a service, not by GitHub's OIDC provider",
      resources: [overridden({ Principal: { Service: "ecs-tasks.amazonaws.com" } })],
      expected: [["not-applicable", "erp-deploy-role", "not trusted by GitHub's OIDC provider"]],
    },
    {
      name: "fails an untagged role: its subject's environment cannot be compared with its own",
      resources: [trustRole([webIdentity()], {})],
      expected: [
        [
          "fail",
          "erp-deploy-role",
          "the role has no environment tag, so its subject's environment cannot be compared with the role's own",
        ],
      ],
    },
    {
      name: "fails an untagged role after the problems of its statements",
      resources: [trustRole([webIdentity(SUBJECT, "x")], {})],
      message:
        "audience is [\"x\"], not exactly sts.amazonaws.com; the role has no environment tag, so its subject's environment cannot be compared with the role's own",
    },
    {
      name: "lists every trusted subject of several statements",
      resources: [trustRole([webIdentity(SUBJECT), webIdentity(SUBJECT_B)])],
      message: `trusts only ${SUBJECT}, ${SUBJECT_B} (audience sts.amazonaws.com)`,
    },
    {
      name: "is not applicable to a role trusted by a SAML provider",
      resources: [trustRole([webIdentity(SUBJECT, undefined, "arn:aws:iam::1:saml-provider/corp")])],
      status: "not-applicable",
    },
    {
      name: "is not applicable to federated principals that are not GitHub's OIDC provider or not strings",
      resources: [
        trustRole([
          webIdentity(SUBJECT, undefined, "x"),
          { ...webIdentity(), Principal: { Federated: [7] } },
        ]),
      ],
      status: "not-applicable",
    },
    {
      name: "fails an audience that is not STS, quoting it",
      resources: [trustRole([webIdentity(SUBJECT, "x")])],
      message: 'audience is ["x"], not exactly sts.amazonaws.com',
    },
    ...[`x${SUBJECT}`, `${SUBJECT}:extra`].map((sub): RuleCase => ({
      name: `fails the subject ${sub} (the pattern is anchored at both ends)`,
      resources: [trustRole([webIdentity(sub)])],
      message: wildcardSubject(sub),
    })),
  ]));

/** A container passing every RUN rule. */
const container = (over: Props = {}) => ({
  name: "web",
  image: "ghcr.io/acme/erp@sha256:" + "a".repeat(64),
  environment: [
    { name: "APP_ENV", value: "production" },
    { name: "BUILD_SHA", value: "a".repeat(40) },
    { name: "BUILD_DATE", value: "2026-11-20T10:00:00Z" },
    { name: "BUILD_ACTOR", value: "mathieu" },
  ],
  secrets: [
    { name: "DATABASE_URL", valueFrom: "arn:db" },
    { name: "REDIS_URL", valueFrom: "arn:redis" },
    { name: "JWT_SECRET", valueFrom: "arn:jwt" },
  ],
  healthCheck: { command: ["CMD-SHELL", "curl -fsS http://localhost:8000/healthz || exit 1"] },
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/erp" } },
  ...over,
});
/** The app's production task definition with separate execution and task roles. */
const td = (containers: unknown[], props: Props = {}) =>
  taskDefinition(containers, { executionRoleArn: "arn:exec", taskRoleArn: "arn:task", ...props });
const TD = td([container()]);
const probing = (command: string, over: Props = {}) =>
  container({ healthCheck: { command: ["CMD-SHELL", command] }, ...over });

const targetGroup = (healthCheck: unknown) => r(T.targetGroup, "erp-tg", { healthCheck });

describe("CC-RUN-01: the target group's health check probes the readiness path", () =>
  ruleCases("CC-RUN-01", [
    {
      name: "passes an enabled health check on /readyz",
      resources: [targetGroup({ enabled: true, path: "/readyz" })],
      expected: [["pass", "erp-tg", "health check probes /readyz"]],
    },
    {
      name: "fails a disabled health check",
      resources: [targetGroup({ enabled: false, path: "/readyz" })],
      expected: [["fail", "erp-tg", "health check disabled"]],
    },
    {
      name: "fails no health check (the default path is /)",
      resources: [targetGroup(undefined)],
      expected: [["fail", "erp-tg", "health check path is unset (default /), expected /readyz"]],
    },
    {
      name: "with path /ready, passes a health check on /ready",
      resources: [targetGroup({ path: "/ready" })],
      opts: { settings: { path: "/ready" } },
      expected: [["pass", "erp-tg", "health check probes /ready"]],
    },
  ]));

describe("CC-RUN-02: every container's health check probes the liveness path", () =>
  ruleCases("CC-RUN-02", [
    {
      name: "passes a container probing /healthz",
      resources: [TD],
      expected: [["pass", "erp-td", "containers probe /healthz"]],
    },
    {
      name: "fails a container probing /readyz and one without a health check, naming both",
      resources: [
        td([
          probing("curl -fsS http://localhost:8000/readyz"),
          container({ name: "side", healthCheck: undefined }),
          container({ name: "ok" }),
        ]),
      ],
      expected: [
        [
          "fail",
          "erp-td",
          'container web: health check "CMD-SHELL curl -fsS http://localhost:8000/readyz" probes /readyz, not /healthz; container side: health check missing',
        ],
      ],
    },
    {
      name: "passes wget over HTTPS on 127.0.0.1 with a query string",
      resources: [td([probing("wget -q https://127.0.0.1/healthz?x=1")])],
      status: "pass",
    },
    {
      name: "fails a command that names /healthz without requesting it",
      resources: [td([probing("cat /healthz")])],
      status: "fail",
    },
    {
      name: "fails a no-op that only names the URL: exit 0 # http://localhost:8000/healthz",
      resources: [td([probing("exit 0 # http://localhost:8000/healthz")])],
      expected: [["fail", "erp-td", /is not a probe/]],
    },
    {
      name: "fails a probe the shell backgrounds (& in a query string), which exits 0 whatever curl says",
      resources: [td([probing("curl -f http://127.0.0.1:8000/healthz?&true")])],
      status: "fail",
    },
    {
      name: "fails a probe chained with something that always succeeds",
      resources: [td([probing("curl -f http://localhost:8000/healthz; true")])],
      status: "fail",
    },
  ]));

const breaker = (deploymentCircuitBreaker: unknown) => r(T.service, "erp-svc", { deploymentCircuitBreaker });

describe("CC-RUN-03: services deploy behind a circuit breaker with rollback", () =>
  ruleCases("CC-RUN-03", [
    {
      name: "passes a circuit breaker with rollback",
      resources: [breaker({ enable: true, rollback: true })],
      expected: [["pass", "erp-svc", "circuit breaker with rollback"]],
    },
    {
      name: "fails a circuit breaker without rollback, quoting it",
      resources: [breaker({ enable: true, rollback: false })],
      expected: [
        [
          "fail",
          "erp-svc",
          'deploymentCircuitBreaker is {"enable":true,"rollback":false}, expected { enable: true, rollback: true }',
        ],
      ],
    },
    {
      name: "fails a disabled circuit breaker with rollback",
      resources: [breaker({ enable: false, rollback: true })],
      status: "fail",
    },
    {
      name: "fails a service without a circuit breaker, saying it has none",
      resources: [breaker(undefined)],
      expected: [
        ["fail", "erp-svc", "no deploymentCircuitBreaker, expected { enable: true, rollback: true }"],
      ],
    },
    {
      name: "fails a service whose circuit breaker is null, saying it has none",
      resources: [breaker(null)],
      expected: [
        ["fail", "erp-svc", "no deploymentCircuitBreaker, expected { enable: true, rollback: true }"],
      ],
    },
  ]));

const service = (props: Props, environment: string | null = "production", name = "erp-svc") =>
  r(T.service, name, { tags: environment ? { environment } : {}, ...props });

describe("CC-RUN-04: production runs enough tasks and keeps them all healthy while deploying", () =>
  ruleCases("CC-RUN-04", [
    {
      name: "passes two tasks, minimum healthy 100%",
      resources: [service({ desiredCount: 2, deploymentMinimumHealthyPercent: 100 })],
      expected: [["pass", "erp-svc", "2 tasks, minimum healthy 100%"]],
    },
    {
      name: "fails the defaults (one task)",
      resources: [service({})],
      expected: [["fail", "erp-svc", "desiredCount 1 < 2"]],
    },
    {
      name: 'fails minimum healthy 99% with desiredCount "3"',
      resources: [service({ desiredCount: "3", deploymentMinimumHealthyPercent: 99 })],
      expected: [["fail", "erp-svc", "deploymentMinimumHealthyPercent 99 < 100"]],
    },
    {
      name: "with minTasks 3, fails two tasks",
      resources: [service({ desiredCount: 2 })],
      opts: { settings: { minTasks: 3 } },
      expected: [["fail", "erp-svc", "desiredCount 2 < 3"]],
    },
    {
      name: "is not applicable to a staging service",
      resources: [service({ desiredCount: 1 }, "staging")],
      expected: [["not-applicable", "erp-svc", "environment staging is not production"]],
    },
    {
      name: "is not applicable to an untagged service",
      resources: [service({}, null)],
      expected: [["not-applicable", "erp-svc", "environment (untagged) is not production"]],
    },
    {
      name: "names both problems of one task at minimum healthy 50%",
      resources: [service({ desiredCount: 1, deploymentMinimumHealthyPercent: 50 }, "production", "svc")],
      message: "desiredCount 1 < 2; deploymentMinimumHealthyPercent 50 < 100",
    },
  ]));

describe("CC-RUN-05: APP_ENV is the environment tag and the build metadata is present", () =>
  ruleCases("CC-RUN-05", [
    {
      name: "passes APP_ENV=production with BUILD_SHA, BUILD_DATE and BUILD_ACTOR",
      resources: [TD],
      expected: [["pass", "erp-td", "APP_ENV=production and build metadata present"]],
    },
    {
      name: "fails a wrong APP_ENV, missing metadata and a missing APP_ENV, per container",
      resources: [
        td([
          container({
            environment: [
              { name: "APP_ENV", value: "staging" },
              { name: "BUILD_SHA", value: "" },
            ],
          }),
          container({
            name: "side",
            environment: [
              { name: "BUILD_SHA", value: "x" },
              { name: "BUILD_DATE", value: "y" },
              { name: "BUILD_ACTOR", value: "z" },
            ],
          }),
        ]),
      ],
      expected: [
        [
          "fail",
          "erp-td",
          'container web: APP_ENV is "staging", expected "production"; container web: missing BUILD_SHA, BUILD_DATE, BUILD_ACTOR; container side: APP_ENV is null, expected "production"',
        ],
      ],
    },
    {
      name: "is not applicable to a task definition without an environment tag",
      resources: [td([container()], { tags: {} })],
      expected: [
        ["not-applicable", "erp-td", "the task definition has no environment tag to compare APP_ENV with"],
      ],
    },
  ]));

const leaky = container({
  environment: [
    { name: "JWT_SECRET", value: "x" },
    { name: "PORT", value: "8000" },
    { name: "database_url", value: "y" },
  ],
});

describe("CC-RUN-06: no secret-looking plain-text variable in a container", () =>
  ruleCases("CC-RUN-06", [
    {
      name: "passes plain variables that look harmless",
      resources: [TD],
      expected: [["pass", "erp-td", "no secret-looking plain-text variable"]],
    },
    {
      name: "fails secret-looking names in any case, in every container, naming each",
      resources: [td([leaky, container({ name: "side", environment: [{ name: "API_KEY", value: "z" }] })])],
      expected: [
        [
          "fail",
          "erp-td",
          "plain-text secret-looking variable(s) web: JWT_SECRET, web: database_url, side: API_KEY",
        ],
      ],
    },
    {
      name: "with secretNamePatterns adding PORT, fails PORT too",
      resources: [td([leaky])],
      opts: { settings: { secretNamePatterns: [...SECRET_NAME_PATTERNS, "PORT"] } },
      expected: [["fail", "erp-td", /plain-text secret-looking variable\(s\) .*web: PORT/]],
    },
  ]));

const partial = container({
  secrets: [
    { name: "DATABASE_URL", valueFrom: "arn:db" },
    { name: "REDIS_URL", valueFrom: "" },
    { name: "JWT_SECRET", valueFrom: 5 },
  ],
});
const bare = container({ secrets: [] });

describe("CC-RUN-07: each app's required secrets come from the secret store", () =>
  ruleCases("CC-RUN-07", [
    {
      name: "passes the default secrets wired from the store",
      resources: [TD],
      expected: [
        ["pass", "erp-td", "erp-berhan: DATABASE_URL, REDIS_URL, JWT_SECRET wired from the secret store"],
      ],
    },
    {
      name: "fails secrets with an empty or non-string valueFrom, naming them",
      resources: [td([partial])],
      expected: [["fail", "erp-td", "erp-berhan: container web lacks REDIS_URL, JWT_SECRET"]],
    },
    {
      name: "with the app requiring DATABASE_URL only, passes",
      resources: [td([partial])],
      opts: { settings: { apps: { "erp-berhan": ["DATABASE_URL"] } } },
      expected: [["pass", "erp-td", "erp-berhan: DATABASE_URL wired from the secret store"]],
    },
    {
      name: "names an untagged task definition's app by its family",
      resources: [td([partial], { tags: {}, family: "erp-family" })],
      opts: { settings: { apps: { "erp-family": [] } } },
      expected: [["pass", "erp-td", "erp-family: no secret required wired from the secret store"]],
    },
    {
      name: "falls back to requiredSecrets for an app not listed, named by its resource",
      resources: [td([partial], { tags: {} })],
      opts: { settings: { apps: { other: [] } } },
      expected: [["fail", "erp-td", "erp-td: container web lacks REDIS_URL, JWT_SECRET"]],
    },
    {
      name: "names every container lacking a secret",
      resources: [td([bare, { ...bare, name: "side" }])],
      opts: { settings: { requiredSecrets: ["DATABASE_URL", "REDIS_URL", "JWT_SECRET", "A"] } },
      expected: [["fail", "erp-td", /erp-berhan: container web lacks .*A; container side lacks .*A$/]],
    },
  ]));

const logGroup = (days: unknown, name = "/ecs/erp", resourceName = "erp-logs") =>
  r(T.logGroup, resourceName, { name, retentionInDays: days });
const KEEPS_30 = "log group /ecs/erp of container web keeps logs 30 days";

describe("CC-RUN-08: containers log to a managed log group that keeps logs long enough", () =>
  ruleCases("CC-RUN-08", [
    {
      name: "passes awslogs to a managed group keeping 30 days",
      resources: [TD, logGroup(30)],
      expected: [["pass", "erp-logs", KEEPS_30]],
    },
    {
      name: "fails a group keeping 14 days",
      resources: [TD, logGroup(14)],
      expected: [["fail", "erp-logs", "log group /ecs/erp keeps logs 14 days, at least 30 required"]],
    },
    {
      name: "fails a group without a retention period",
      resources: [TD, logGroup(undefined)],
      expected: [
        [
          "fail",
          "erp-logs",
          "log group /ecs/erp keeps logs forever (no retention period), at least 30 required",
        ],
      ],
    },
    {
      name: "with minRetentionDays 14, passes a group keeping 14 days",
      resources: [TD, logGroup(14)],
      opts: { settings: { minRetentionDays: 14 } },
      expected: [["pass", "erp-logs", "log group /ecs/erp of container web keeps logs 14 days"]],
    },
    {
      name: "is not applicable when the log group is not in this stack",
      resources: [TD],
      expected: [["not-applicable", "erp-td", "log group /ecs/erp is not managed in this stack"]],
    },
    {
      name: "fails containers logging elsewhere, with awslogs but no group, or not at all, naming each",
      resources: [
        td([
          container({ logConfiguration: { logDriver: "json-file" } }),
          container({ name: "b", logConfiguration: { logDriver: "awslogs" } }),
          container({ name: "c", logConfiguration: undefined }),
        ]),
      ],
      expected: [
        [
          "fail",
          "erp-td",
          "container web does not log to CloudWatch (logDriver json-file); container b does not log to CloudWatch (logDriver awslogs); container c does not log to CloudWatch (logDriver unset)",
        ],
      ],
    },
    {
      name: "is not applicable to a stack without task definitions",
      resources: [logGroup(30)],
      expected: [["not-applicable", null, "nothing in this stack for this rule to check"]],
    },
    {
      name: "fails json-file even when an awslogs group is named",
      resources: [
        td([
          container({
            logConfiguration: { logDriver: "json-file", options: { "awslogs-group": "/ecs/erp" } },
          }),
        ]),
        logGroup(30),
      ],
      expected: [["fail", "erp-td", "container web does not log to CloudWatch (logDriver json-file)"]],
    },
    {
      name: "judges the container's own group, not another group of the stack",
      resources: [logGroup(1, "/ecs/other", "other-logs"), TD, logGroup(30)],
      expected: [["pass", "erp-logs", KEEPS_30]],
    },
  ]));

const listener = (props: Props) => r(T.listener, "erp-listener", props);
const REDIRECT = { type: "redirect", redirect: { protocol: "HTTPS" } };
const SERVES = "HTTP listener serves traffic instead of redirecting every request to HTTPS";
const loadBalancer = (props: Props, environment = "production") =>
  r(T.loadBalancer, "erp-lb", { tags: { environment }, ...props });

describe("CC-RUN-09: HTTPS listeners, HTTP redirected to HTTPS, hardened load balancers", () =>
  ruleCases("CC-RUN-09", [
    {
      name: "passes an HTTPS listener with a certificate and a TLS policy",
      resources: [listener({ protocol: "HTTPS", certificateArn: "arn:cert", sslPolicy: "TLS13" })],
      expected: [["pass", "erp-listener", "HTTPS listener with TLS13"]],
    },
    {
      name: "fails an HTTPS listener without certificate and TLS policy, naming both",
      resources: [listener({ protocol: "HTTPS" })],
      expected: [["fail", "erp-listener", "HTTPS listener: no certificateArn, no sslPolicy"]],
    },
    {
      name: "fails an HTTPS listener without a TLS policy",
      resources: [listener({ protocol: "HTTPS", certificateArn: "arn:cert" })],
      expected: [["fail", "erp-listener", "HTTPS listener: no sslPolicy"]],
    },
    {
      name: "passes an HTTP listener redirecting to HTTPS",
      resources: [listener({ protocol: "HTTP", defaultActions: [REDIRECT] })],
      expected: [["pass", "erp-listener", "HTTP listener redirects to HTTPS"]],
    },
    ...(
      [
        ["no default action", []],
        ["a forward beside the redirect", [REDIRECT, { type: "forward" }]],
        ["a redirect to HTTP", [{ type: "redirect", redirect: { protocol: "HTTP" } }]],
        [
          "a forward carrying an HTTPS redirect block",
          [{ type: "forward", redirect: { protocol: "HTTPS" } }],
        ],
      ] as const
    ).map(([what, defaultActions]): RuleCase => ({
      name: `fails an HTTP listener with ${what}`,
      resources: [listener({ protocol: "HTTP", defaultActions })],
      expected: [["fail", "erp-listener", SERVES]],
    })),
    {
      name: "is not applicable to a TCP listener",
      resources: [listener({ protocol: "TCP" })],
      expected: [["not-applicable", "erp-listener", "listener protocol TCP is not HTTP(S)"]],
    },
    {
      name: "is not applicable to a listener without a protocol",
      resources: [listener({})],
      expected: [["not-applicable", "erp-listener", "listener protocol unset is not HTTP(S)"]],
    },
    {
      name: "passes a production load balancer dropping invalid headers, deletion-protected",
      resources: [loadBalancer({ dropInvalidHeaderFields: true, enableDeletionProtection: true })],
      expected: [["pass", "erp-lb", "drops invalid headers, deletion-protected"]],
    },
    {
      name: "passes a staging load balancer without deletion protection",
      resources: [loadBalancer({ dropInvalidHeaderFields: true }, "staging")],
      expected: [["pass", "erp-lb", "drops invalid headers"]],
    },
    {
      name: "fails a production load balancer with the defaults, naming both problems",
      resources: [loadBalancer({})],
      expected: [
        [
          "fail",
          "erp-lb",
          "invalid header fields are not dropped; production load balancer without deletion protection",
        ],
      ],
    },
    {
      name: "is not applicable to a network load balancer",
      resources: [loadBalancer({ loadBalancerType: "network" })],
      expected: [["not-applicable", "erp-lb", "not an application load balancer"]],
    },
    {
      name: "passes an explicit application load balancer",
      resources: [
        loadBalancer({ loadBalancerType: "application", dropInvalidHeaderFields: true }, "staging"),
      ],
      status: "pass",
    },
  ]));

describe("CC-RUN-10: no public IP, read-only root filesystem, separate execution and task roles", () =>
  ruleCases("CC-RUN-10", [
    {
      name: "fails a service whose tasks get a public IP",
      resources: [r(T.service, "erp-svc", { networkConfiguration: { assignPublicIp: true } })],
      expected: [["fail", "erp-svc", "tasks get a public IP"]],
    },
    {
      name: "passes a service without public IP",
      resources: [r(T.service, "erp-svc", { networkConfiguration: { assignPublicIp: false } })],
      expected: [["pass", "erp-svc", "no public IP"]],
    },
    {
      name: "passes a task definition with a read-only root filesystem and two roles",
      resources: [TD],
      expected: [["pass", "erp-td", "read-only root filesystem, separate execution and task roles"]],
    },
    {
      name: 'fails writable roots (false, "true") and one role for both, naming every problem',
      resources: [
        td(
          [
            container({ readonlyRootFilesystem: false }),
            container({ name: "b", readonlyRootFilesystem: "true" }),
          ],
          { taskRoleArn: "arn:exec" },
        ),
      ],
      expected: [
        ["fail", "erp-td", "writable root filesystem: web, b; execution and task roles are the same role"],
      ],
    },
    {
      name: "fails a task definition without an execution role",
      resources: [td([container()], { executionRoleArn: undefined })],
      expected: [["fail", "erp-td", "missing executionRoleArn"]],
    },
    {
      name: "fails a task definition with an empty task role",
      resources: [td([container()], { taskRoleArn: "" })],
      expected: [["fail", "erp-td", "missing taskRoleArn"]],
    },
  ]));
