/**
 * The environment rules CC-ENV-01 to CC-ENV-05 (policy-pack/rules/environments.ts) on minimal hand-built resources,
 * one named scenario per test: the exact verdict, the resource judged and the evidence an auditor reads
 * (docs/PROOFS.md section 4).
 */
import { PLAINTEXT_MARKER, SECRET_MARKER } from "../../../policy-pack/evaluate";
import { SECRET_NAME_PATTERNS } from "../../../policy-pack/lib/secretNames";
import { profileRef, r, RuleCase, ruleCases, T } from "../rule-harness";

type Props = Record<string, unknown>;

const repository = (props: Props = {}) => r(T.repository, "erp-repo", { name: "erp-berhan", ...props });
const REPO = repository();

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
      name: "passes production from main and mvp-* tags and staging from main, judging another repository's policy on its own",
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
        [
          "fail",
          "x1",
          "judged on its own: no environment staging of repository menu in this stack; staging may deploy from branch dev; allowed: branch main",
        ],
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
        [
          "pass",
          "p1",
          "judged on its own: no environment staging of repository erp-berhan in this stack; staging deploys from branch main",
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
