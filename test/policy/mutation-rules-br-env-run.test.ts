/**
 * BR, ENV and RUN rules on minimal hand-built resources: every branch of every check, with the exact verdict, the
 * resource judged and the evidence an auditor reads (shared/policy-catalogue.md; docs/PROOFS.md section 4).
 */
import { strict as assert } from "node:assert";
import { evaluate, PolicyResourceInput, resolvePackConfig } from "../../policy-pack/evaluate";

const NOW = new Date("2026-11-21T12:00:00Z");
const T = {
  repo: "github:index/repository:Repository",
  ruleset: "github:index/repositoryRuleset:RepositoryRuleset",
  bp: "github:index/branchProtection:BranchProtection",
  env: "github:index/repositoryEnvironment:RepositoryEnvironment",
  dp: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
  secret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
  variable: "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
  actionsSecret: "github:index/actionsSecret:ActionsSecret",
  ref: "pulumi:pulumi:StackReference",
  role: "aws:iam/role:Role",
  td: "aws:ecs/taskDefinition:TaskDefinition",
  service: "aws:ecs/service:Service",
  tg: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
};

const r = (type: string, name: string, props: Record<string, unknown>): PolicyResourceInput => ({
  urn: `urn:pulumi:production::cicd-constitution::${type}::${name}`,
  type,
  name,
  props,
});

type Opts = { settings?: Record<string, unknown>; secretsMarked?: boolean; stack?: string };
/** `[status, resource name or null, message]` of one rule's results. */
function judge(
  id: string,
  resources: PolicyResourceInput[],
  opts: Opts = {},
): Array<[string, string | null, string]> {
  const config = resolvePackConfig(opts.settings ? { settings: { [id]: opts.settings } } : undefined);
  return evaluate(resources, {
    stack: opts.stack ?? "production",
    config,
    now: NOW,
    secretsMarked: opts.secretsMarked ?? false,
  })
    .filter((x) => x.ruleId === id)
    .map((x) => [x.status, x.resource?.name ?? null, x.message]);
}

const REPO = r(T.repo, "erp-repo", { name: "erp-berhan" });
const mainRuleset = (over: Record<string, unknown> = {}, rules: Record<string, unknown> = {}) =>
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
const tagRuleset = (over: Record<string, unknown> = {}, rules: Record<string, unknown> = {}) =>
  r(T.ruleset, "erp-tags", {
    repository: "erp-berhan",
    target: "tag",
    enforcement: "active",
    conditions: { refName: { includes: ["refs/tags/mvp-*"], excludes: [] } },
    bypassActors: [],
    ...over,
    rules: { deletion: true, update: true, nonFastForward: true, ...rules },
  });

describe("mutation: BR rules", () => {
  it("CC-BR-01: protected, only inactive rulesets, nothing", () => {
    assert.deepEqual(judge("CC-BR-01", [REPO, mainRuleset()]), [
      ["pass", "erp-repo", "main of erp-berhan is protected by erp-main"],
    ]);
    assert.deepEqual(judge("CC-BR-01", [REPO, mainRuleset({ enforcement: "evaluate" })]), [
      ["fail", "erp-main", "main of erp-berhan is targeted only by rulesets that are not active (erp-main)"],
    ]);
    assert.deepEqual(judge("CC-BR-01", [REPO, tagRuleset()]), [
      ["fail", "erp-repo", "main of erp-berhan has no ruleset or branch protection"],
    ]);
    assert.deepEqual(judge("CC-BR-01", [mainRuleset()]), [
      ["not-applicable", null, "nothing in this stack for this rule to check"],
    ]);
  });

  it("CC-BR-02: checks and strictness, configurable list; nothing to judge without protection", () => {
    assert.deepEqual(judge("CC-BR-02", [REPO, mainRuleset()]), [
      ["pass", "erp-main", "main of erp-berhan requires smoke, style, unit (strict)"],
    ]);
    const lax = mainRuleset({}, { requiredStatusChecks: { requiredChecks: [{ context: "unit" }] } });
    assert.deepEqual(judge("CC-BR-02", [REPO, lax]), [
      [
        "fail",
        "erp-main",
        "main of erp-berhan: missing required checks style, smoke; checks are not strict (the branch need not be up to date)",
      ],
    ]);
    assert.deepEqual(judge("CC-BR-02", [REPO, lax], { settings: { requiredChecks: ["unit"] } }), [
      ["fail", "erp-main", "main of erp-berhan: checks are not strict (the branch need not be up to date)"],
    ]);
    assert.deepEqual(judge("CC-BR-02", [REPO, mainRuleset()], { settings: { requiredChecks: ["lint"] } }), [
      ["fail", "erp-main", "main of erp-berhan: missing required checks lint"],
    ]);
    assert.deepEqual(judge("CC-BR-02", [REPO]), [
      ["not-applicable", "erp-repo", "main of erp-berhan is not protected (see CC-BR-01)"],
    ]);
  });

  it("CC-BR-03: pull request, approvals against the minimum, stale approvals", () => {
    assert.deepEqual(judge("CC-BR-03", [REPO, mainRuleset()]), [
      ["pass", "erp-main", "main of erp-berhan: pull request with 1 approval(s), stale approvals dismissed"],
    ]);
    assert.deepEqual(judge("CC-BR-03", [REPO, mainRuleset()], { settings: { minApprovals: 2 } }), [
      ["fail", "erp-main", "main of erp-berhan: 1 approving review(s) required, at least 2 needed"],
    ]);
    const two = mainRuleset({}, { pullRequest: { requiredApprovingReviewCount: 2 } });
    assert.deepEqual(judge("CC-BR-03", [REPO, two], { settings: { minApprovals: 2 } }), [
      ["fail", "erp-main", "main of erp-berhan: stale approvals are not dismissed on push"],
    ]);
    const zero = mainRuleset({}, { pullRequest: { requiredApprovingReviewCount: 0 } });
    assert.deepEqual(judge("CC-BR-03", [REPO, zero]), [
      [
        "fail",
        "erp-main",
        "main of erp-berhan: 0 approving review(s) required, at least 1 needed; stale approvals are not dismissed on push",
      ],
    ]);
    assert.deepEqual(judge("CC-BR-03", [REPO, zero], { settings: { minApprovals: 0 } }), [
      ["fail", "erp-main", "main of erp-berhan: stale approvals are not dismissed on push"],
    ]);
    assert.deepEqual(judge("CC-BR-03", [REPO, mainRuleset({}, { pullRequest: undefined })]), [
      ["fail", "erp-main", "main of erp-berhan: no pull request is required"],
    ]);
  });

  it("CC-BR-04 and CC-BR-05: merge settings of the repository (GitHub defaults allow everything)", () => {
    const repo = (props: Record<string, unknown>) => r(T.repo, "erp-repo", { name: "erp-berhan", ...props });
    assert.deepEqual(judge("CC-BR-04", [repo({ allowMergeCommit: false, allowRebaseMerge: false })]), [
      ["pass", "erp-repo", "squash merge only"],
    ]);
    assert.deepEqual(judge("CC-BR-04", [repo({ allowSquashMerge: false })]), [
      [
        "fail",
        "erp-repo",
        "merge commits are allowed (allowMergeCommit is not false); rebase merges are allowed (allowRebaseMerge is not false); squash merges are disabled",
      ],
    ]);
    assert.deepEqual(judge("CC-BR-04", [repo({ allowMergeCommit: false })]), [
      ["fail", "erp-repo", "rebase merges are allowed (allowRebaseMerge is not false)"],
    ]);
    assert.deepEqual(judge("CC-BR-05", [repo({ deleteBranchOnMerge: true })]), [
      ["pass", "erp-repo", "head branches are deleted on merge"],
    ]);
    assert.deepEqual(judge("CC-BR-05", [repo({ deleteBranchOnMerge: "true" })]), [
      ["fail", "erp-repo", "deleteBranchOnMerge is not true: merged head branches are kept"],
    ]);
  });

  it("CC-BR-06 and CC-BR-07: force push, deletion, bypass", () => {
    assert.deepEqual(judge("CC-BR-06", [REPO, mainRuleset()]), [
      ["pass", "erp-main", "main of erp-berhan: force pushes and deletion blocked"],
    ]);
    assert.deepEqual(judge("CC-BR-06", [REPO, mainRuleset({}, { nonFastForward: false, deletion: false })]), [
      ["fail", "erp-main", "main of erp-berhan: force pushes are not blocked; deletion is not blocked"],
    ]);
    assert.deepEqual(judge("CC-BR-06", [REPO, mainRuleset({}, { deletion: false })]), [
      ["fail", "erp-main", "main of erp-berhan: deletion is not blocked"],
    ]);
    assert.deepEqual(judge("CC-BR-07", [REPO, mainRuleset()]), [
      ["pass", "erp-main", "main of erp-berhan: no bypass actors; admins included"],
    ]);
    const bypass = mainRuleset({ bypassActors: [{ actorType: "OrganizationAdmin", actorId: 1 }] });
    assert.deepEqual(judge("CC-BR-07", [REPO, bypass]), [
      ["fail", "erp-main", "main of erp-berhan can be bypassed by OrganizationAdmin 1 (erp-main)"],
    ]);
  });

  it("CC-BR-08: an active tag ruleset blocking update and deletion of mvp-* with no bypass", () => {
    assert.deepEqual(judge("CC-BR-08", [REPO, mainRuleset(), tagRuleset()]), [
      ["pass", "erp-repo", "release tags of erp-berhan are immutable (erp-tags)"],
    ]);
    const weak =
      "tag rulesets of erp-berhan (erp-tags) do not block update and deletion of refs/tags/mvp-* for everyone, or are not active";
    for (const bad of [
      tagRuleset({ enforcement: "evaluate" }),
      tagRuleset({}, { deletion: false }),
      tagRuleset({}, { update: false }),
      tagRuleset({ bypassActors: [{ actorType: "Team", actorId: 2 }] }),
    ])
      assert.deepEqual(judge("CC-BR-08", [REPO, bad]), [["fail", "erp-tags", weak]]);
    const none = "no tag ruleset of erp-berhan covers refs/tags/mvp-*";
    for (const other of [
      tagRuleset({ repository: "menu" }),
      tagRuleset({ target: "branch" }),
      tagRuleset({ target: undefined }),
      tagRuleset({ conditions: { refName: { includes: ["refs/tags/v*"] } } }),
      tagRuleset({ conditions: { refName: { includes: ["~DEFAULT_BRANCH"] } } }),
    ])
      assert.deepEqual(judge("CC-BR-08", [REPO, other]), [["fail", "erp-repo", none]]);
    assert.deepEqual(judge("CC-BR-08", [REPO, tagRuleset({ enforcement: "disabled" }), tagRuleset()]), [
      ["pass", "erp-repo", "release tags of erp-berhan are immutable (erp-tags)"],
    ]);
  });
});

const env = (name: string, environment: string, props: Record<string, unknown> = {}) =>
  r(T.env, name, { repository: "erp-berhan", environment, ...props });
const profile = (environment: string, apps: unknown) =>
  r(T.ref, "staging-profile", { outputs: { environmentProfile: { environment, apps } } });

describe("mutation: ENV rules", () => {
  it("CC-ENV-01: environments of this stack or vouched for by a stack reference", () => {
    assert.deepEqual(judge("CC-ENV-01", [REPO, env("e1", "staging"), env("e2", "production")]), [
      ["pass", "erp-repo", "repository erp-berhan has staging (this stack), production (this stack)"],
    ]);
    assert.deepEqual(
      judge("CC-ENV-01", [REPO, env("e2", "production"), env("e3", "staging", { repository: "menu" })]),
      [["fail", "erp-repo", "repository erp-berhan lacks the environment(s) staging"]],
    );
    assert.deepEqual(
      judge("CC-ENV-01", [REPO, env("e2", "production"), profile("staging", { "erp-berhan": {} })]),
      [
        [
          "pass",
          "erp-repo",
          "repository erp-berhan has staging (via staging-profile), production (this stack)",
        ],
      ],
    );
    assert.deepEqual(
      judge("CC-ENV-01", [
        REPO,
        env("e2", "production"),
        profile("staging", { erp: { repository: "acme/erp-berhan" } }),
      ]),
      [
        [
          "pass",
          "erp-repo",
          "repository erp-berhan has staging (via staging-profile), production (this stack)",
        ],
      ],
    );
    for (const bad of [
      profile("staging", { erp: { repository: "acme/menu" } }),
      profile("production", { "erp-berhan": {} }),
      profile("staging", "erp-berhan"),
      profile("", { "erp-berhan": {} }),
      r(T.ref, "staging-profile", { outputs: {} }),
    ])
      assert.deepEqual(judge("CC-ENV-01", [REPO, env("e2", "production"), bad]), [
        ["fail", "erp-repo", "repository erp-berhan lacks the environment(s) staging"],
      ]);
    assert.deepEqual(judge("CC-ENV-01", [REPO], { settings: { environments: ["qa", "production"] } }), [
      ["fail", "erp-repo", "repository erp-berhan lacks the environment(s) qa, production"],
    ]);
  });

  it("CC-ENV-02: production reviewers against the minimum, self-review", () => {
    const prod = (props: Record<string, unknown>) => env("erp-prod", "production", props);
    assert.deepEqual(
      judge("CC-ENV-02", [prod({ reviewers: [{ users: [1], teams: [2] }], preventSelfReview: true })]),
      [["pass", "erp-prod", "2 reviewer(s), self-review prevented"]],
    );
    assert.deepEqual(judge("CC-ENV-02", [prod({ reviewers: [{ teams: [2] }], preventSelfReview: true })]), [
      ["pass", "erp-prod", "1 reviewer(s), self-review prevented"],
    ]);
    assert.deepEqual(judge("CC-ENV-02", [prod({})]), [
      [
        "fail",
        "erp-prod",
        "0 reviewer(s), at least 1 required; self-review is not prevented (preventSelfReview is not true)",
      ],
    ]);
    assert.deepEqual(
      judge("CC-ENV-02", [prod({ reviewers: [{ users: [1] }, { users: [3] }], preventSelfReview: true })], {
        settings: { minReviewers: 3 },
      }),
      [["fail", "erp-prod", "2 reviewer(s), at least 3 required"]],
    );
    assert.deepEqual(judge("CC-ENV-02", [env("erp-staging", "staging")]), [
      ["not-applicable", "erp-staging", "environment staging is not production"],
    ]);
    assert.deepEqual(
      judge(
        "CC-ENV-02",
        [env("erp-live", "live", { preventSelfReview: true, reviewers: [{ users: [1] }] })],
        {
          settings: { productionEnvironment: "live" },
        },
      ),
      [["pass", "erp-live", "1 reviewer(s), self-review prevented"]],
    );
  });

  it("CC-ENV-03: deployment branch policies of production and staging", () => {
    const custom = { deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true } };
    const dp = (name: string, environment: string, props: Record<string, unknown>) =>
      r(T.dp, name, { repository: "erp-berhan", environment, ...props });
    const prod = env("erp-prod", "production", custom);
    const stg = env("erp-stg", "staging", custom);
    assert.deepEqual(
      judge("CC-ENV-03", [
        prod,
        stg,
        dp("p1", "production", { branchPattern: "main" }),
        dp("p2", "production", { tagPattern: "mvp-*" }),
        dp("s1", "staging", { branchPattern: "main" }),
        dp("x1", "staging", { repository: "menu", branchPattern: "dev" }),
      ]),
      [
        ["pass", "erp-prod", "production deploys from branch main, tag mvp-*"],
        ["pass", "erp-stg", "staging deploys from branch main"],
      ],
    );
    assert.deepEqual(
      judge("CC-ENV-03", [
        stg,
        dp("s1", "staging", { branchPattern: "dev" }),
        dp("s2", "staging", { tagPattern: "mvp-*" }),
      ]),
      [["fail", "erp-stg", "staging may deploy from branch dev, tag mvp-*; allowed: branch main"]],
    );
    assert.deepEqual(judge("CC-ENV-03", [prod, dp("p1", "production", { tagPattern: "v*" })]), [
      ["fail", "erp-prod", "production may deploy from tag v*; allowed: branch main, tag mvp-*"],
    ]);
    assert.deepEqual(judge("CC-ENV-03", [prod, dp("p1", "staging", { branchPattern: "main" })]), [
      [
        "fail",
        "erp-prod",
        "production: custom branch policies with no deployment policy, nothing may deploy",
      ],
    ]);
    assert.deepEqual(judge("CC-ENV-03", [env("erp-prod", "production")]), [
      ["fail", "erp-prod", "production: no deploymentBranchPolicy, so any branch can deploy"],
    ]);
    assert.deepEqual(
      judge("CC-ENV-03", [
        env("erp-prod", "production", { deploymentBranchPolicy: { protectedBranches: true } }),
      ]),
      [["pass", "erp-prod", "production deploys from protected branches only"]],
    );
    assert.deepEqual(
      judge("CC-ENV-03", [
        env("erp-stg", "staging", { deploymentBranchPolicy: { protectedBranches: true } }),
        env("erp-prod", "production", {
          deploymentBranchPolicy: { protectedBranches: true, customBranchPolicies: true },
        }),
      ]),
      [
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
    );
    assert.deepEqual(
      judge("CC-ENV-03", [
        env("erp-prod", "production", { deploymentBranchPolicy: { protectedBranches: false } }),
      ]),
      [["fail", "erp-prod", "production: no branch restriction (customBranchPolicies is not true)"]],
    );
    assert.deepEqual(judge("CC-ENV-03", [env("erp-qa", "qa", custom)]), [
      ["not-applicable", "erp-qa", "environment qa has no deployment-source rule"],
    ]);
    assert.deepEqual(
      judge(
        "CC-ENV-03",
        [env("erp-stg", "staging", custom), dp("s1", "staging", { branchPattern: "release" })],
        {
          settings: { stagingBranches: ["release"] },
        },
      ),
      [["pass", "erp-stg", "staging deploys from branch release"]],
    );
  });

  it("CC-ENV-04: environment secrets carry a value; variables look harmless", () => {
    const secret = (props: Record<string, unknown>) =>
      r(T.secret, "erp-db", { secretName: "DB_PASSWORD", ...props });
    assert.deepEqual(judge("CC-ENV-04", [secret({ value: "s3cr3t" })]), [
      ["pass", "erp-db", "secret DB_PASSWORD is carried by value (the provider stores it encrypted)"],
    ]);
    assert.deepEqual(
      judge("CC-ENV-04", [secret({ value: "[secret]", encryptedValue: "abc" })], { secretsMarked: true }),
      [["pass", "erp-db", "secret DB_PASSWORD is carried by value, encryptedValue as a secret"]],
    );
    assert.deepEqual(judge("CC-ENV-04", [secret({ value: "", plaintextValue: null })]), [
      ["fail", "erp-db", "secret DB_PASSWORD carries no value"],
    ]);
    assert.deepEqual(judge("CC-ENV-04", [secret({ valueEncrypted: "[plaintext]" })]), [
      ["fail", "erp-db", "secret DB_PASSWORD: valueEncrypted is stored in plain text in the state"],
    ]);
    assert.deepEqual(
      judge("CC-ENV-04", [secret({ plaintextValue: "x", encryptedValue: "y" })], { secretsMarked: true }),
      [
        [
          "fail",
          "erp-db",
          "secret DB_PASSWORD: plaintextValue is not a Pulumi secret (plain text in the program)",
        ],
      ],
    );
    const variable = (variableName: string, value: unknown) =>
      r(T.variable, "erp-var", { variableName, value });
    assert.deepEqual(judge("CC-ENV-04", [variable("AWS_REGION", "eu-west-1")]), [
      ["pass", "erp-var", "variable AWS_REGION is not secret-looking"],
    ]);
    assert.deepEqual(judge("CC-ENV-04", [variable("api_token", "[secret]")]), [
      [
        "fail",
        "erp-var",
        "variable api_token has a secret-looking name; variable api_token holds a secret value: use an ActionsEnvironmentSecret",
      ],
    ]);
    assert.deepEqual(judge("CC-ENV-04", [variable("WEBHOOK", "[plaintext]")]), [
      ["fail", "erp-var", "variable WEBHOOK holds a secret value: use an ActionsEnvironmentSecret"],
    ]);
    for (const value of [
      "ghp_abcdefghijklmnopqrstuvwxyz",
      "github_pat_11ABC",
      "AKIAABCDEFGHIJKLMNOP",
      "-----BEGIN RSA PRIVATE KEY-----",
      "xoxb-123",
      "postgres://app:pw@db.internal/app",
    ])
      assert.deepEqual(judge("CC-ENV-04", [variable("UPSTREAM", value)]), [
        [
          "fail",
          "erp-var",
          "variable UPSTREAM holds a credential-looking value: use an ActionsEnvironmentSecret",
        ],
      ]);
    for (const value of ["https://example.com/a@b", "ghp_short", "AKIAABCDEFGHIJKLMNOPQ", 42])
      assert.equal(judge("CC-ENV-04", [variable("UPSTREAM", value)])[0][0], "pass", String(value));
    assert.deepEqual(
      judge("CC-ENV-04", [variable("SENTRY_DSN", "x")], { settings: { secretNamePatterns: ["A.B"] } }),
      [["pass", "erp-var", "variable SENTRY_DSN is not secret-looking"]],
    );
    assert.equal(
      judge("CC-ENV-04", [variable("AXB", "x")], { settings: { secretNamePatterns: ["A.B"] } })[0][0],
      "pass",
    );
    assert.equal(
      judge("CC-ENV-04", [variable("A.B", "x")], { settings: { secretNamePatterns: ["A.B"] } })[0][0],
      "fail",
    );
    assert.equal(judge("CC-ENV-04", [variable("MY_KEY_ID", "x")])[0][0], "pass");
    assert.equal(judge("CC-ENV-04", [variable("SIGNING_KEY", "x")])[0][0], "fail");
  });

  it("CC-ENV-05: no long-lived AWS keys as secrets or variables", () => {
    assert.deepEqual(
      judge("CC-ENV-05", [r(T.secret, "s", { secretName: "AWS_ACCESS_KEY_ID", value: "x" })]),
      [["fail", "s", "AWS_ACCESS_KEY_ID is a long-lived cloud key; use OIDC"]],
    );
    assert.deepEqual(judge("CC-ENV-05", [r(T.actionsSecret, "a", { secretName: "PROD_AWS_ACCESS_KEY" })]), [
      ["fail", "a", "PROD_AWS_ACCESS_KEY is a long-lived cloud key; use OIDC"],
    ]);
    assert.deepEqual(
      judge("CC-ENV-05", [r(T.variable, "v", { variableName: "KEY_ID", value: "ASIAABCDEFGHIJKLMNOP" })]),
      [["fail", "v", "KEY_ID holds an AWS access key id; use OIDC"]],
    );
    assert.deepEqual(
      judge("CC-ENV-05", [r(T.secret, "s", { secretName: "KEY_ID", value: "AKIAABCDEFGHIJKLMNOP" })]),
      [["pass", "s", "KEY_ID is not a cloud key"]],
    );
    assert.deepEqual(
      judge("CC-ENV-05", [r(T.variable, "v", { variableName: "KEY_ID", value: "xAKIAABCDEFGHIJKLMNOP" })]),
      [["pass", "v", "KEY_ID is not a cloud key"]],
    );
    assert.deepEqual(judge("CC-ENV-05", [r(T.variable, "v", { value: "AKIAABCDEFGHIJKLMNOPQ" })]), [
      ["pass", "v", " is not a cloud key"],
    ]);
  });

  it("CC-ENV-06: OIDC trust scoped to one repository environment", () => {
    const OIDC = "token.actions.githubusercontent.com";
    const role = (statement: Record<string, unknown>, environment = "production") =>
      r(T.role, "erp-deploy-role", {
        tags: { environment },
        assumeRolePolicy: JSON.stringify({
          Statement: [
            {
              Effect: "Allow",
              Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${OIDC}` },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: {
                StringEquals: {
                  [`${OIDC}:aud`]: "sts.amazonaws.com",
                  [`${OIDC}:sub`]: "repo:acme/erp-berhan:environment:production",
                },
              },
              ...statement,
            },
          ],
        }),
      });
    assert.deepEqual(judge("CC-ENV-06", [role({})]), [
      [
        "pass",
        "erp-deploy-role",
        "trusts only repo:acme/erp-berhan:environment:production (audience sts.amazonaws.com)",
      ],
    ]);
    assert.deepEqual(judge("CC-ENV-06", [role({}, "staging")]), [
      ["fail", "erp-deploy-role", "subject environment production is not the role's environment staging"],
    ]);
    assert.deepEqual(
      judge("CC-ENV-06", [
        role({
          Action: ["sts:AssumeRole"],
          Condition: {
            StringEquals: { [`${OIDC}:aud`]: ["sts.amazonaws.com", "x"] },
            StringLike: { [`${OIDC}:sub`]: "repo:acme/*" },
          },
        }),
      ]),
      [
        [
          "fail",
          "erp-deploy-role",
          'the statement does not use sts:AssumeRoleWithWebIdentity; audience is ["sts.amazonaws.com","x"], not exactly sts.amazonaws.com; subject uses StringLike "repo:acme/*"; no subject condition: every repository can assume the role',
        ],
      ],
    );
    assert.deepEqual(
      judge("CC-ENV-06", [
        role({
          Condition: {
            StringEquals: {
              [`${OIDC}:aud`]: "sts.amazonaws.com",
              [`${OIDC}:sub`]: [
                "repo:acme/*:environment:production",
                "repo:acme/erp-berhan:environment:production",
                7,
              ],
            },
          },
        }),
      ]),
      [
        [
          "fail",
          "erp-deploy-role",
          'subject "repo:acme/*:environment:production" is not repo:OWNER/REPO:environment:ENV without wildcards; subject 7 is not repo:OWNER/REPO:environment:ENV without wildcards; 3 subjects trusted, one expected',
        ],
      ],
    );
    assert.deepEqual(judge("CC-ENV-06", [role({ Effect: "Deny", Action: "x" })]), [
      ["pass", "erp-deploy-role", "trusts only  (audience sts.amazonaws.com)"],
    ]);
    assert.deepEqual(judge("CC-ENV-06", [role({ Principal: { Service: "ecs-tasks.amazonaws.com" } })]), [
      ["not-applicable", "erp-deploy-role", "not trusted by GitHub's OIDC provider"],
    ]);
    const untagged = role({});
    untagged.props = { ...untagged.props, tags: {} };
    assert.equal(judge("CC-ENV-06", [untagged])[0][0], "pass");
  });
});

const container = (over: Record<string, unknown> = {}) => ({
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
const td = (containers: unknown[], props: Record<string, unknown> = {}) =>
  r(T.td, "erp-td", {
    tags: { environment: "production", app: "erp-berhan" },
    executionRoleArn: "arn:exec",
    taskRoleArn: "arn:task",
    containerDefinitions: JSON.stringify(containers),
    ...props,
  });

describe("mutation: RUN rules", () => {
  it("CC-RUN-01: target-group health check path", () => {
    const tg = (healthCheck: unknown) => r(T.tg, "erp-tg", { healthCheck });
    assert.deepEqual(judge("CC-RUN-01", [tg({ enabled: true, path: "/readyz" })]), [
      ["pass", "erp-tg", "health check probes /readyz"],
    ]);
    assert.deepEqual(judge("CC-RUN-01", [tg({ enabled: false, path: "/readyz" })]), [
      ["fail", "erp-tg", "health check disabled"],
    ]);
    assert.deepEqual(judge("CC-RUN-01", [tg(undefined)]), [
      ["fail", "erp-tg", "health check path is unset (default /), expected /readyz"],
    ]);
    assert.deepEqual(judge("CC-RUN-01", [tg({ path: "/ready" })], { settings: { path: "/ready" } }), [
      ["pass", "erp-tg", "health check probes /ready"],
    ]);
  });

  it("CC-RUN-02: container health check probes the liveness path", () => {
    assert.deepEqual(judge("CC-RUN-02", [td([container()])]), [
      ["pass", "erp-td", "containers probe /healthz"],
    ]);
    assert.deepEqual(
      judge("CC-RUN-02", [
        td([
          container({ healthCheck: { command: ["CMD-SHELL", "curl -fsS http://localhost:8000/readyz"] } }),
          container({ name: "side", healthCheck: undefined }),
          container({ name: "ok" }),
        ]),
      ]),
      [
        [
          "fail",
          "erp-td",
          'container web: health check "CMD-SHELL curl -fsS http://localhost:8000/readyz" does not probe /healthz; container side: health check missing',
        ],
      ],
    );
    assert.equal(
      judge("CC-RUN-02", [
        td([container({ healthCheck: { command: ["CMD-SHELL", "wget -q https://127.0.0.1/healthz?x=1"] } })]),
      ])[0][0],
      "pass",
    );
    assert.equal(
      judge("CC-RUN-02", [
        td([container({ healthCheck: { command: ["CMD-SHELL", "cat /healthz"] } })]),
      ])[0][0],
      "fail",
    );
  });

  it("CC-RUN-03: circuit breaker with rollback", () => {
    const svc = (cb: unknown) => r(T.service, "erp-svc", { deploymentCircuitBreaker: cb });
    assert.deepEqual(judge("CC-RUN-03", [svc({ enable: true, rollback: true })]), [
      ["pass", "erp-svc", "circuit breaker with rollback"],
    ]);
    assert.deepEqual(judge("CC-RUN-03", [svc({ enable: true, rollback: false })]), [
      [
        "fail",
        "erp-svc",
        'deploymentCircuitBreaker is {"enable":true,"rollback":false}, expected { enable: true, rollback: true }',
      ],
    ]);
    assert.deepEqual(judge("CC-RUN-03", [svc({ enable: false, rollback: true })])[0][0], "fail");
    assert.deepEqual(judge("CC-RUN-03", [svc(undefined)]), [
      ["fail", "erp-svc", "deploymentCircuitBreaker is null, expected { enable: true, rollback: true }"],
    ]);
  });

  it("CC-RUN-04: production task count and minimum healthy percent", () => {
    const svc = (props: Record<string, unknown>, environment: string | null = "production") =>
      r(T.service, "erp-svc", { tags: environment ? { environment } : {}, ...props });
    assert.deepEqual(judge("CC-RUN-04", [svc({ desiredCount: 2, deploymentMinimumHealthyPercent: 100 })]), [
      ["pass", "erp-svc", "2 tasks, minimum healthy 100%"],
    ]);
    assert.deepEqual(judge("CC-RUN-04", [svc({})]), [["fail", "erp-svc", "desiredCount 1 < 2"]]);
    assert.deepEqual(judge("CC-RUN-04", [svc({ desiredCount: "3", deploymentMinimumHealthyPercent: 99 })]), [
      ["fail", "erp-svc", "deploymentMinimumHealthyPercent 99 < 100"],
    ]);
    assert.deepEqual(judge("CC-RUN-04", [svc({ desiredCount: 2 })], { settings: { minTasks: 3 } }), [
      ["fail", "erp-svc", "desiredCount 2 < 3"],
    ]);
    assert.deepEqual(judge("CC-RUN-04", [svc({ desiredCount: 1 }, "staging")]), [
      ["not-applicable", "erp-svc", "environment staging is not production"],
    ]);
    assert.deepEqual(judge("CC-RUN-04", [svc({}, null)]), [
      ["not-applicable", "erp-svc", "environment (untagged) is not production"],
    ]);
  });

  it("CC-RUN-05: APP_ENV equals the environment tag; build metadata present", () => {
    assert.deepEqual(judge("CC-RUN-05", [td([container()])]), [
      ["pass", "erp-td", "APP_ENV=production and build metadata present"],
    ]);
    assert.deepEqual(
      judge("CC-RUN-05", [
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
      ]),
      [
        [
          "fail",
          "erp-td",
          'container web: APP_ENV is "staging", expected "production"; container web: missing BUILD_SHA, BUILD_DATE, BUILD_ACTOR; container side: APP_ENV is null, expected "production"',
        ],
      ],
    );
    assert.deepEqual(judge("CC-RUN-05", [td([container()], { tags: {} })]), [
      ["not-applicable", "erp-td", "the task definition has no environment tag to compare APP_ENV with"],
    ]);
  });

  it("CC-RUN-06: no secret-looking plain variable", () => {
    assert.deepEqual(judge("CC-RUN-06", [td([container()])]), [
      ["pass", "erp-td", "no secret-looking plain-text variable"],
    ]);
    const leaky = container({
      environment: [
        { name: "JWT_SECRET", value: "x" },
        { name: "PORT", value: "8000" },
        { name: "database_url", value: "y" },
      ],
    });
    assert.deepEqual(
      judge("CC-RUN-06", [
        td([leaky, container({ name: "side", environment: [{ name: "API_KEY", value: "z" }] })]),
      ]),
      [
        [
          "fail",
          "erp-td",
          "plain-text secret-looking variable(s) web: JWT_SECRET, web: database_url, side: API_KEY",
        ],
      ],
    );
    assert.equal(
      judge("CC-RUN-06", [td([leaky])], { settings: { secretNamePatterns: ["PORT"] } })[0][2],
      "plain-text secret-looking variable(s) web: PORT",
    );
  });

  it("CC-RUN-07: required secrets wired per app", () => {
    assert.deepEqual(judge("CC-RUN-07", [td([container()])]), [
      ["pass", "erp-td", "erp-berhan: DATABASE_URL, REDIS_URL, JWT_SECRET wired from the secret store"],
    ]);
    const partial = container({
      secrets: [
        { name: "DATABASE_URL", valueFrom: "arn:db" },
        { name: "REDIS_URL", valueFrom: "" },
        { name: "JWT_SECRET", valueFrom: 5 },
      ],
    });
    assert.deepEqual(judge("CC-RUN-07", [td([partial])]), [
      ["fail", "erp-td", "erp-berhan: container web lacks REDIS_URL, JWT_SECRET"],
    ]);
    assert.deepEqual(
      judge("CC-RUN-07", [td([partial])], { settings: { apps: { "erp-berhan": ["DATABASE_URL"] } } }),
      [["pass", "erp-td", "erp-berhan: DATABASE_URL wired from the secret store"]],
    );
    assert.deepEqual(
      judge("CC-RUN-07", [td([partial], { tags: {}, family: "erp-family" })], {
        settings: { apps: { "erp-family": [] } },
      }),
      [["pass", "erp-td", "erp-family: no secret required wired from the secret store"]],
    );
    assert.deepEqual(
      judge("CC-RUN-07", [td([partial], { tags: {} })], {
        settings: { requiredSecrets: ["REDIS_URL"], apps: { other: [] } },
      }),
      [["fail", "erp-td", "erp-td: container web lacks REDIS_URL"]],
    );
  });

  it("CC-RUN-08: awslogs to a managed log group with enough retention", () => {
    const lg = (days: unknown) => r(T.logGroup, "erp-logs", { name: "/ecs/erp", retentionInDays: days });
    assert.deepEqual(judge("CC-RUN-08", [td([container()]), lg(30)]), [
      ["pass", "erp-logs", "log group /ecs/erp of container web keeps logs 30 days"],
    ]);
    assert.deepEqual(judge("CC-RUN-08", [td([container()]), lg(14)]), [
      ["fail", "erp-logs", "log group /ecs/erp keeps logs 14 days, at least 30 required"],
    ]);
    assert.deepEqual(judge("CC-RUN-08", [td([container()]), lg(undefined)]), [
      [
        "fail",
        "erp-logs",
        "log group /ecs/erp keeps logs forever (no retention period), at least 30 required",
      ],
    ]);
    assert.deepEqual(
      judge("CC-RUN-08", [td([container()]), lg(14)], { settings: { minRetentionDays: 14 } }),
      [["pass", "erp-logs", "log group /ecs/erp of container web keeps logs 14 days"]],
    );
    assert.deepEqual(judge("CC-RUN-08", [td([container()])]), [
      ["not-applicable", "erp-td", "log group /ecs/erp is not managed in this stack"],
    ]);
    assert.deepEqual(
      judge("CC-RUN-08", [
        td([
          container({ logConfiguration: { logDriver: "json-file" } }),
          container({ name: "b", logConfiguration: { logDriver: "awslogs" } }),
          container({ name: "c", logConfiguration: undefined }),
        ]),
      ]),
      [
        [
          "fail",
          "erp-td",
          "container web does not log to CloudWatch (logDriver json-file); container b does not log to CloudWatch (logDriver awslogs); container c does not log to CloudWatch (logDriver unset)",
        ],
      ],
    );
    assert.deepEqual(judge("CC-RUN-08", [lg(30)]), [
      ["not-applicable", null, "nothing in this stack for this rule to check"],
    ]);
  });

  it("CC-RUN-09: HTTPS listeners, HTTP redirects, load balancer hardening", () => {
    const listener = (props: Record<string, unknown>) => r(T.listener, "erp-listener", props);
    assert.deepEqual(
      judge("CC-RUN-09", [listener({ protocol: "HTTPS", certificateArn: "arn:cert", sslPolicy: "TLS13" })]),
      [["pass", "erp-listener", "HTTPS listener with TLS13"]],
    );
    assert.deepEqual(judge("CC-RUN-09", [listener({ protocol: "HTTPS" })]), [
      ["fail", "erp-listener", "HTTPS listener: no certificateArn, no sslPolicy"],
    ]);
    assert.deepEqual(judge("CC-RUN-09", [listener({ protocol: "HTTPS", certificateArn: "arn:cert" })]), [
      ["fail", "erp-listener", "HTTPS listener: no sslPolicy"],
    ]);
    const redirect = { type: "redirect", redirect: { protocol: "HTTPS" } };
    assert.deepEqual(judge("CC-RUN-09", [listener({ protocol: "HTTP", defaultActions: [redirect] })]), [
      ["pass", "erp-listener", "HTTP listener redirects to HTTPS"],
    ]);
    const serves = "HTTP listener serves traffic instead of redirecting every request to HTTPS";
    for (const defaultActions of [
      [],
      [redirect, { type: "forward" }],
      [{ type: "redirect", redirect: { protocol: "HTTP" } }],
    ])
      assert.deepEqual(judge("CC-RUN-09", [listener({ protocol: "HTTP", defaultActions })]), [
        ["fail", "erp-listener", serves],
      ]);
    assert.deepEqual(judge("CC-RUN-09", [listener({ protocol: "TCP" })]), [
      ["not-applicable", "erp-listener", "listener protocol TCP is not HTTP(S)"],
    ]);
    assert.deepEqual(judge("CC-RUN-09", [listener({})]), [
      ["not-applicable", "erp-listener", "listener protocol unset is not HTTP(S)"],
    ]);
    const lb = (props: Record<string, unknown>, environment = "production") =>
      r(T.lb, "erp-lb", { tags: { environment }, ...props });
    assert.deepEqual(
      judge("CC-RUN-09", [lb({ dropInvalidHeaderFields: true, enableDeletionProtection: true })]),
      [["pass", "erp-lb", "drops invalid headers, deletion-protected"]],
    );
    assert.deepEqual(judge("CC-RUN-09", [lb({ dropInvalidHeaderFields: true }, "staging")]), [
      ["pass", "erp-lb", "drops invalid headers"],
    ]);
    assert.deepEqual(judge("CC-RUN-09", [lb({})]), [
      [
        "fail",
        "erp-lb",
        "invalid header fields are not dropped; production load balancer without deletion protection",
      ],
    ]);
    assert.deepEqual(judge("CC-RUN-09", [lb({ loadBalancerType: "network" })]), [
      ["not-applicable", "erp-lb", "not an application load balancer"],
    ]);
    assert.deepEqual(
      judge("CC-RUN-09", [
        lb({ loadBalancerType: "application", dropInvalidHeaderFields: true }, "staging"),
      ])[0][0],
      "pass",
    );
  });

  it("CC-RUN-10: no public IP, read-only root filesystem, separate roles", () => {
    assert.deepEqual(
      judge("CC-RUN-10", [r(T.service, "erp-svc", { networkConfiguration: { assignPublicIp: true } })]),
      [["fail", "erp-svc", "tasks get a public IP"]],
    );
    assert.deepEqual(
      judge("CC-RUN-10", [r(T.service, "erp-svc", { networkConfiguration: { assignPublicIp: false } })]),
      [["pass", "erp-svc", "no public IP"]],
    );
    assert.deepEqual(judge("CC-RUN-10", [td([container()])]), [
      ["pass", "erp-td", "read-only root filesystem, separate execution and task roles"],
    ]);
    assert.deepEqual(
      judge("CC-RUN-10", [
        td(
          [
            container({ readonlyRootFilesystem: false }),
            container({ name: "b", readonlyRootFilesystem: "true" }),
          ],
          { taskRoleArn: "arn:exec" },
        ),
      ]),
      [["fail", "erp-td", "writable root filesystem: web, b; execution and task roles are the same role"]],
    );
    assert.deepEqual(judge("CC-RUN-10", [td([container()], { executionRoleArn: undefined })]), [
      ["fail", "erp-td", "missing executionRoleArn"],
    ]);
    assert.deepEqual(judge("CC-RUN-10", [td([container()], { taskRoleArn: "" })]), [
      ["fail", "erp-td", "missing taskRoleArn"],
    ]);
  });
});

describe("mutation: BR/ENV/RUN evidence lists name every item", () => {
  it("lists join with their separators; type checks are exact", () => {
    const bypass = mainRuleset({
      bypassActors: [
        { actorType: "Team", actorId: 1 },
        { actorType: "Integration", actorId: 2 },
      ],
    });
    assert.deepEqual(
      judge("CC-BR-07", [REPO, bypass])[0][2],
      "main of erp-berhan can be bypassed by Team 1 (erp-main), Integration 2 (erp-main)",
    );
    const stg = env("erp-stg", "staging", { deploymentBranchPolicy: { protectedBranches: true } });
    assert.deepEqual(
      judge("CC-ENV-03", [stg], { settings: { stagingBranches: ["main", "release"] } })[0][2],
      "staging: protectedBranches admits every protected branch; staging may deploy only from main, release",
    );
    const secret = (props: Record<string, unknown>) => r(T.secret, "erp-db", { secretName: "DB", ...props });
    assert.deepEqual(
      judge("CC-ENV-04", [secret({ value: "[plaintext]", plaintextValue: "[plaintext]" })])[0][2],
      "secret DB: value, plaintextValue is stored in plain text in the state",
    );
    assert.deepEqual(
      judge("CC-ENV-04", [secret({ value: "a", plaintextValue: "b" })], { secretsMarked: true })[0][2],
      "secret DB: value, plaintextValue is not a Pulumi secret (plain text in the program)",
    );
    assert.deepEqual(
      judge("CC-ENV-04", [secret({ value: "a" })], { secretsMarked: true })[0][2],
      "secret DB: value is not a Pulumi secret (plain text in the program)",
    );
    const OIDC = "token.actions.githubusercontent.com";
    const stmt = (
      sub: string,
      federated = `arn:aws:iam::1:oidc-provider/${OIDC}`,
      aud: unknown = "sts.amazonaws.com",
    ) => ({
      Effect: "Allow",
      Principal: { Federated: federated },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { [`${OIDC}:aud`]: aud, [`${OIDC}:sub`]: sub } },
    });
    const role = (...Statement: unknown[]) =>
      r(T.role, "role", {
        tags: { environment: "production" },
        assumeRolePolicy: JSON.stringify({ Statement }),
      });
    const a = "repo:acme/a:environment:production";
    const b = "repo:acme/b:environment:production";
    assert.deepEqual(
      judge("CC-ENV-06", [role(stmt(a), stmt(b))])[0][2],
      `trusts only ${a}, ${b} (audience sts.amazonaws.com)`,
    );
    assert.deepEqual(
      judge("CC-ENV-06", [role(stmt(a, "arn:aws:iam::1:saml-provider/corp"))])[0][0],
      "not-applicable",
    );
    assert.deepEqual(
      judge("CC-ENV-06", [role(stmt(a, `x`), { ...stmt(a), Principal: { Federated: [7] } })])[0][0],
      "not-applicable",
    );
    assert.deepEqual(
      judge("CC-ENV-06", [role(stmt(a, undefined, "x"))])[0][2],
      'audience is ["x"], not exactly sts.amazonaws.com',
    );
    for (const sub of [`x${a}`, `${a}:extra`])
      assert.deepEqual(
        judge("CC-ENV-06", [role(stmt(sub))])[0][2],
        `subject ${JSON.stringify(sub)} is not repo:OWNER/REPO:environment:ENV without wildcards`,
      );
  });

  it("RUN: several problems, several containers, exact log and redirect checks", () => {
    const svc = r(T.service, "svc", {
      tags: { environment: "production" },
      desiredCount: 1,
      deploymentMinimumHealthyPercent: 50,
    });
    assert.deepEqual(
      judge("CC-RUN-04", [svc])[0][2],
      "desiredCount 1 < 2; deploymentMinimumHealthyPercent 50 < 100",
    );
    const bare = container({ secrets: [] });
    assert.deepEqual(
      judge("CC-RUN-07", [td([bare, { ...bare, name: "side" }])], {
        settings: { requiredSecrets: ["A"] },
      })[0][2],
      "erp-berhan: container web lacks A; container side lacks A",
    );
    const jsonFile = container({
      logConfiguration: { logDriver: "json-file", options: { "awslogs-group": "/ecs/erp" } },
    });
    const lg = (name: string, days: number, n: string) => r(T.logGroup, n, { name, retentionInDays: days });
    assert.deepEqual(judge("CC-RUN-08", [td([jsonFile]), lg("/ecs/erp", 30, "erp-logs")]), [
      ["fail", "erp-td", "container web does not log to CloudWatch (logDriver json-file)"],
    ]);
    assert.deepEqual(
      judge("CC-RUN-08", [
        lg("/ecs/other", 1, "other-logs"),
        td([container()]),
        lg("/ecs/erp", 30, "erp-logs"),
      ]),
      [["pass", "erp-logs", "log group /ecs/erp of container web keeps logs 30 days"]],
    );
    const fwd = r(T.listener, "l", {
      protocol: "HTTP",
      defaultActions: [{ type: "forward", redirect: { protocol: "HTTPS" } }],
    });
    assert.deepEqual(judge("CC-RUN-09", [fwd])[0][0], "fail");
  });
});
