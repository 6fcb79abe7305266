/**
 * The stack configuration model: one zod schema for everything a stack file may say, parsed once into a
 * typed, defaulted model that components take as plain arguments (they never read `pulumi.Config`).
 *
 * Data flow: raw config (stack file or Pulumi runtime) -> {@link parseStackConfig} -> {@link StackModel}
 * -> components -> resources. Parsing collects every problem at once and throws a {@link ConfigError}
 * before any resource is registered.
 */
import { z } from "zod";
import {
  DEFAULT_CONTAINER_HEALTH,
  DEFAULT_HEALTH_CHECK_GRACE_SECONDS,
  DEFAULT_SCRATCH_PATHS,
  DEFAULT_STICKINESS,
  STAGING_VALUES,
} from "../../components/defaults";
import { nameLimitProblems } from "../../components/naming";
import {
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_PATHS,
  PROBE_PATH_PATTERN,
  DEPLOY_VARIABLES,
  DIGEST_PATTERN,
  GITHUB_ACTIONS_INTEGRATION_ID,
  MAX_ENVIRONMENT_REVIEWERS,
  approvableDespiteSelfReview,
  PROJECT_NAME,
  RESERVED_VARIABLES,
  SECRET_MARKER,
} from "../../policy-pack/lib/facts";
import { probedPath } from "../../policy-pack/lib/probe";
import { dayOf, parseDay } from "../../policy-pack/lib/waivers";

/** The Pulumi config namespace of this project: keys are written `cicd-constitution:<key>`. */
export const CONFIG_NAMESPACE = PROJECT_NAME;

/** Top-level config keys whose values are always Pulumi secrets. */
export const SECRET_CONFIG_KEYS: readonly string[] = [
  "secrets",
  "ghcrToken",
  "ghcrPullToken",
  "gitSourceToken",
];

/** Marker used for secret values wherever they could be printed (written once, on the pack's side). */
export { SECRET_MARKER };

const GIT_SHA = /^[0-9a-f]{40}$/;
const APP_NAME = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
/** The login of a user, or of a GitHub App acting as itself (`NAME[bot]`). */
const ACTOR_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
/** Who triggered a build: a GitHub login or a GitHub App's bot login (`dependabot[bot]`, `github-actions[bot]`). */
const BUILD_ACTOR = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
const GHCR_REPOSITORY = /^ghcr\.io\/[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9._/-]*$/;
const PROBE_PATH = new RegExp(PROBE_PATH_PATTERN);
const HTTP_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;

/** CloudWatch Logs accepts only these retention periods (days). Source: AWS `PutRetentionPolicy` API. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Valid Fargate task sizes: CPU units -> allowed memory in MiB.
 * Source: AWS ECS developer guide, "Task CPU and memory" for the Fargate launch type.
 */
export const FARGATE_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: Array.from({ length: 13 }, (_, i) => 4096 + i * 1024),
  4096: Array.from({ length: 23 }, (_, i) => 8192 + i * 1024),
  8192: Array.from({ length: 12 }, (_, i) => 16384 + i * 4096),
  16384: Array.from({ length: 12 }, (_, i) => 32768 + i * 8192),
};

const FARGATE_CPU_EXPECTED = `Fargate CPU units: ${Object.keys(FARGATE_SIZES).join(", ")}`;

/** GitHub plans, cheapest first (GitHub docs, "GitHub's plans"). */
export const GITHUB_PLANS = ["free", "pro", "team", "enterprise"] as const;

export { PROJECT_NAME };

/** The default required status checks (CONST "Required PR Checks": style, unit tests, thin smoke). */
export const DEFAULT_REQUIRED_CHECKS = ["style", "unit", "smoke"];

const str = (expected: string) => z.string({ error: expected });
const pattern = (re: RegExp, expected: string) =>
  z.string({ error: expected }).regex(re, { error: expected });

/** A calendar date `YYYY-MM-DD` that exists. */
const calendarDate = pattern(ISO_DATE, "a date YYYY-MM-DD").refine((s) => parseDay(s) !== undefined, {
  error: "a real calendar date YYYY-MM-DD",
});

/** A build of an app: its repository's commit (40 hex), when it was merged (ISO 8601 UTC), by whom. */
const provenanceSchema = z.strictObject({
  gitSha: pattern(GIT_SHA, "a full 40-character lowercase git SHA"),
  date: z.iso.datetime({ error: "an ISO 8601 UTC time such as 2026-11-20T10:00:00Z" }),
  actor: pattern(BUILD_ACTOR, "a GitHub login or a bot login such as dependabot[bot]"),
});

/**
 * Actions this repository's workflows use that are neither GitHub's own nor (all of them) from verified creators;
 * the default `governance.allowedActions` (CC-BR-10).
 */
export const DEFAULT_ALLOWED_ACTIONS = [
  "aws-actions/configure-aws-credentials@*",
  "pulumi/actions@*",
  "docker/setup-qemu-action@*",
  "docker/setup-buildx-action@*",
  "marocchino/sticky-pull-request-comment@*",
];

/** Repository settings of a governed repository (the apps' and this one's). */
const repositorySchema = z.strictObject({
  /** Repository name under the GitHub owner. */
  name: pattern(/^[A-Za-z0-9_.-]{1,100}$/, "a GitHub repository name"),
  description: str("a string").default(""),
  /** Visibility; with `githubPlan` it decides which constitution controls GitHub offers (plan awareness). */
  visibility: z
    .enum(["private", "public", "internal"], { error: "private, public or internal" })
    .default("private"),
  /** Adopt an existing repository with Pulumi's `import` instead of creating it. Default false. */
  import: z.boolean().default(false),
  /**
   * Code owners of every file, `@login` or `@ORG/TEAM` (a team with write access): the managed `.github/CODEOWNERS`,
   * and `main` requires one's review (CC-BR-11). Required in the stack that owns repositories; a team code owner
   * gets `push` on the repository (GitHub counts only code owners who can write).
   */
  codeOwners: z
    .array(
      pattern(/^@[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\/[A-Za-z0-9._-]+)?$/, "a code owner @login or @ORG/TEAM"),
    )
    .min(1)
    .optional(),
});

/** Required status check contexts on `main`, at least one (CONST "Required PR Checks"). */
const requiredChecksSchema = z
  .array(pattern(/^[A-Za-z0-9 _.:/()-]{1,100}$/, "a status check context"))
  .min(1)
  .default(DEFAULT_REQUIRED_CHECKS);

/** Approving reviews required on pull requests to `main`, 0-10 (GitHub's limit). Default 1. */
const requiredApprovalsSchema = z.int().min(0).max(10).default(1);

/** Required reviewers of a production environment (GitHub logins and team slugs). */
const reviewersSchema = z
  .strictObject({
    users: z.array(pattern(GITHUB_LOGIN, "a GitHub login")).default([]),
    teams: z.array(pattern(/^[a-z0-9][a-z0-9_-]*$/, "a GitHub team slug")).default([]),
  })
  .prefault({});

const healthSchema = z
  .strictObject({
    /** Load balancer target-group health check (readiness). F6 "Health / Readiness / Liveness". Default `/readyz`. */
    readinessPath: pattern(PROBE_PATH, "an HTTP path such as /readyz (not / alone)").default(
      DEFAULT_PATHS.readiness,
    ),
    /** Container health check: the liveness probe (process up, no dependencies). Default `/healthz`. */
    healthPath: pattern(PROBE_PATH, "an HTTP path such as /healthz (not / alone)").default(
      DEFAULT_PATHS.liveness,
    ),
    /** Build metadata endpoint (BUILD_SHA, BUILD_DATE, BUILD_ACTOR), read by `cicd verify`. Default `/version`. */
    versionPath: pattern(HTTP_PATH, "an HTTP path starting with /").default(DEFAULT_PATHS.version),
    /**
     * Container health check command, in ECS form: `["CMD", exe, ...args]` or `["CMD-SHELL", "shell line"]`.
     * It must call `http://127.0.0.1:<port><healthPath>` (CC-RUN-02 reads the URL from it). Default: a
     * `python3 -c` one-liner with `urllib` (the apps are Python images; slim images have no curl or wget).
     */
    command: z
      .tuple([z.enum(["CMD", "CMD-SHELL"], { error: "CMD or CMD-SHELL" }), str("a command")], z.string())
      .optional(),
    /**
     * Container health check timing, seconds (ECS `HealthCheck` ranges, ECS API reference): interval 5-300
     * (default 15), timeout 2-60 (default 5, below the interval), retries 1-10 (default 3), start period
     * 0-300 (default 60: failures during it do not count).
     */
    container: z
      .strictObject({
        intervalSeconds: z.int().min(5).max(300).default(DEFAULT_CONTAINER_HEALTH.intervalSeconds),
        timeoutSeconds: z.int().min(2).max(60).default(DEFAULT_CONTAINER_HEALTH.timeoutSeconds),
        retries: z.int().min(1).max(10).default(DEFAULT_CONTAINER_HEALTH.retries),
        startPeriodSeconds: z.int().min(0).max(300).default(DEFAULT_CONTAINER_HEALTH.startPeriodSeconds),
      })
      .prefault({})
      .refine((c) => c.timeoutSeconds < c.intervalSeconds, {
        error: "timeoutSeconds below intervalSeconds (a check must end before the next starts)",
        path: ["timeoutSeconds"],
      }),
  })
  .prefault({});

/** ECS deployment strategy settings (ECS API `CanaryConfiguration`, `LinearConfiguration`; CC-RUN-13). */
const deploymentSchema = z
  .strictObject({
    /**
     * How ECS replaces tasks: `rolling`, `canary` (a share of the traffic first, then the rest) or `linear` (equal
     * steps). Default: `canary` in production, `rolling` in staging (OPS "Rollout Strategies": progressive
     * delivery, a small percentage of traffic first; staging may replace all at once).
     */
    strategy: z.enum(["rolling", "canary", "linear"], { error: "rolling, canary or linear" }).optional(),
    /** Canary: percent of the traffic the new revision gets first (0.1-100, a multiple of 0.1). Default 10. */
    canaryPercent: z.number().min(0.1).max(100).multipleOf(0.1, { error: "a multiple of 0.1" }).default(10),
    /** Canary: minutes the canary serves alone before the rest shifts (0-1440). Default 5. */
    canaryBakeMinutes: z.int().min(0).max(1440).default(5),
    /** Linear: percent of the traffic shifted at each step (3-100, a multiple of 0.1). Default 20. */
    stepPercent: z.number().min(3).max(100).multipleOf(0.1, { error: "a multiple of 0.1" }).default(20),
    /** Linear: minutes between steps (0-1440). Default 5. */
    stepBakeMinutes: z.int().min(0).max(1440).default(5),
    /** Canary, linear: minutes the old revision stays after the last shift, for alarm rollback (0-1440). Default 5. */
    bakeMinutes: z.int().min(0).max(1440).default(5),
    /**
     * Whether the app's 5xx and latency alarms fail and roll back a deployment (ECS deployment alarms). Default
     * true. `false` only for a rollback during an incident, when the alarms are already in ALARM: with
     * `strategy: rolling` and an audited override of CC-RUN-13 (reason, owner, expiry; CC-WAIVE-02).
     */
    alarms: z.boolean({ error: "true or false" }).default(true),
  })
  .prefault({});

/** The strategy an app deploys with when its config names none (CC-RUN-13): canary in production. */
export function defaultStrategy(environment: string): "rolling" | "canary" {
  return environment === "production" ? "canary" : "rolling";
}

/** An app's deployment settings with the environment's default strategy filled in. */
export function deploymentOf(
  environment: string,
  runtime: { deployment: z.output<typeof deploymentSchema> },
) {
  return { ...runtime.deployment, strategy: runtime.deployment.strategy ?? defaultStrategy(environment) };
}

const runtimeSchema = z
  .strictObject({
    /** Container port the app listens on. */
    port: z.int({ error: "an integer port" }).min(1).max(65535),
    /** Fargate task CPU in CPU units (1024 = 1 vCPU). Default 512. */
    cpu: z
      .int({ error: FARGATE_CPU_EXPECTED })
      .refine((v) => v in FARGATE_SIZES, { error: FARGATE_CPU_EXPECTED })
      .default(512),
    /** Fargate task memory in MiB; must fit the CPU size. Default 1024. */
    memoryMiB: z.int({ error: "memory in MiB (an integer)" }).positive().default(1024),
    /** Number of running tasks. Default 1 (production needs at least 2: CC-RUN-04). */
    desiredCount: z.int({ error: "an integer task count" }).min(0).max(1000).default(1),
    /** Health endpoint paths. */
    health: healthSchema,
    /**
     * Seconds the ECS service ignores load-balancer health checks after a task starts (ECS
     * `healthCheckGracePeriodSeconds`, 0-2147483647). Default 60. The container's own start period is
     * `health.container.startPeriodSeconds` (at most 300).
     */
    healthCheckGracePeriodSeconds: z
      .int()
      .min(0)
      .max(2_147_483_647)
      .default(DEFAULT_HEALTH_CHECK_GRACE_SECONDS),
    /**
     * Writable scratch directories on a read-only root filesystem: each gets a task-level ephemeral volume
     * mounted read-write (CC-RUN-12). gunicorn's worker temp files and Streamlit need `/tmp`. Default `["/tmp"]`.
     */
    scratchPaths: z
      .array(pattern(/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, "an absolute directory path other than /"))
      .min(1)
      .default([...DEFAULT_SCRATCH_PATHS]),
    /**
     * Load-balancer session stickiness (`lb_cookie`). Streamlit keeps a session per browser tab on one
     * server, so it needs stickiness as soon as more than one task runs. Default: off; duration 86400 s
     * (ELB limits: 1-604800 s).
     */
    stickiness: z
      .strictObject({
        enabled: z.boolean({ error: "true or false" }).default(DEFAULT_STICKINESS.enabled),
        durationSeconds: z.int().min(1).max(604_800).default(DEFAULT_STICKINESS.durationSeconds),
      })
      .prefault({}),
    /**
     * The container's plain (non-secret) environment variables, name -> value: 12-factor config (OPS
     * "Configuration Management"). Formerly `runtime.environment`, a word the stack file uses for its stage.
     */
    environmentVariables: z
      .record(pattern(ENV_NAME, "an UPPER_SNAKE_CASE variable name"), str("a string value"))
      .default({}),
    /** Names of secrets the app requires; values live in `cicd-constitution:secrets.<app>.<NAME>`. */
    secrets: z.array(pattern(ENV_NAME, "an UPPER_SNAKE_CASE secret name")).default([]),
    /** Public domain name served by the load balancer (covered by the certificate). */
    domain: pattern(HOSTNAME, "a lowercase DNS name such as app.example.com"),
    /** How ECS replaces the tasks on a deploy (CC-RUN-13). */
    deployment: deploymentSchema,
    /** CloudWatch Logs retention in days (one of the values CloudWatch accepts). Default 30. */
    logRetentionDays: z
      .int()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        error: `one of the CloudWatch retention periods ${LOG_RETENTION_DAYS.join(", ")}`,
      })
      .default(DEFAULT_LOG_RETENTION_DAYS),
  })
  .superRefine((r, ctx) => {
    const allowed = FARGATE_SIZES[r.cpu];
    if (allowed && !allowed.includes(r.memoryMiB)) {
      ctx.addIssue({
        code: "custom",
        path: ["memoryMiB"],
        input: r.memoryMiB,
        message: `a Fargate memory size for ${r.cpu} CPU units: ${allowed.join(", ")} MiB`,
      });
    }
  });

const flagSchema = z.strictObject({
  /** Flag key as the app reads it from AppConfig. */
  name: pattern(/^[a-z][a-z0-9_]{1,63}$/, "a lowercase flag key (letters, digits, _)"),
  /** What the flag hides. */
  description: str("a string").default(""),
  /** Who removes it (CONST "Feature Flags & Rollout": every flag has an owner). */
  owner: pattern(/^\S{2,}$/, "an owner (login or team)"),
  /** The value when nothing else is said. */
  default: z.boolean({ error: "true or false" }),
  /** Planned removal date, YYYY-MM-DD, not in the past. */
  removalDate: calendarDate,
  /** This stack's value; defaults to `default`. A production value ON must name a cohort (CC-FLAG-03). */
  value: z
    .strictObject({
      enabled: z.boolean({ error: "true or false" }),
      cohort: pattern(/^[a-z0-9][a-z0-9-]{1,62}$/, "a cohort name (lowercase, digits, -)").optional(),
    })
    .optional(),
});

/**
 * One golden-path request of `cicd verify`'s post-deploy smoke (CONST "Observability"; PLAY "3) Staging deploy":
 * post-deploy smoke gates promotion): an HTTPS request to the app's domain and the status it must answer.
 */
const smokeRequestSchema = z.strictObject({
  /** Path and query, such as `/` or `/api/menu?limit=1`. */
  path: pattern(/^\/[^\s]*$/, "an HTTP path such as /readyz (not / alone)"),
  /** HTTP method. Default GET. */
  method: z.enum(["GET", "HEAD", "POST"], { error: "GET, HEAD or POST" }).default("GET"),
  /** Status the app must answer. Default 200. */
  expectStatus: z.int().min(100).max(599).default(200),
  /** Text the response body must contain. Default: none. */
  expectBodyContains: z.string().min(1).optional(),
});

const appSchema = z.strictObject({
  /** App name: lowercase, 3-20 characters; used in every resource name. */
  name: pattern(APP_NAME, "a lowercase app name of 3-20 characters (letters, digits, -)"),
  /** Owning team or person, written to the `owner` tag of every resource. */
  owner: pattern(/^\S{2,}$/, "an owner (login or team)"),
  repository: repositorySchema,
  /** Required status checks on `main` (CONST "Required PR Checks"). Default `[style, unit, smoke]`. */
  requiredChecks: requiredChecksSchema,
  /** Approving reviews required on pull requests to `main`. Default 1. */
  requiredApprovals: requiredApprovalsSchema,
  /** Required reviewers of the production environment (GitHub logins and team slugs). */
  reviewers: reviewersSchema,
  /** GitHub Environment secrets for the deploy workflow; values in `cicd-constitution:secrets.<app>.<NAME>`. */
  environmentSecrets: z.array(pattern(ENV_NAME, "an UPPER_SNAKE_CASE secret name")).default([]),
  image: z.strictObject({
    /** GHCR repository, `ghcr.io/OWNER/NAME` (CC-ART-03). */
    repository: pattern(GHCR_REPOSITORY, "a GHCR repository ghcr.io/OWNER/NAME (lowercase)"),
    /**
     * Whether the GHCR package is public. GHCR packages are private by default, so tasks pull with the
     * stack's `ghcrPullToken` (CC-RUN-11); `true` pulls anonymously. Default false.
     */
    public: z.boolean({ error: "true or false" }).default(false),
    /**
     * Staging: the commit of the app's own repository to build, when it was merged and by whom (CC-ART-08). The
     * build context is that repository at that commit; the image is tagged with it and labelled with it. The
     * app's merge to `main` updates it (README, "How an app's merge reaches staging").
     */
    build: provenanceSchema.optional(),
    /**
     * Directory of the app repository that is the build context, with its `Dockerfile` at its root (the
     * docker-build provider reads a Dockerfile given by path from local disk, which a git context does not
     * have). Default `.`, the repository root.
     */
    context: pattern(
      /^(?:\.|[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*)$/,
      "a directory of the app repository, such as . or services/web",
    ).default("."),
    /** Target platforms. Default amd64 + arm64 (LANES 4). */
    platforms: z
      .array(z.enum(["linux/amd64", "linux/arm64"], { error: "linux/amd64 or linux/arm64" }))
      .min(1)
      .default(["linux/amd64", "linux/arm64"]),
    /** Production: the digest staging built, `sha256:<64 hex>`. Rollback: set it to a previous digest. */
    digest: pattern(DIGEST_PATTERN, "an image digest sha256:<64 hex>").optional(),
    /** Digests released before (newest first), kept for rollback and for parity (CC-PAR-01). */
    history: z.array(pattern(DIGEST_PATTERN, "an image digest sha256:<64 hex>")).default([]),
    /**
     * Production: provenance of `digest` (F6 "Build metadata"). Default: read from staging's environment
     * profile through `promotion.stagingStack`.
     */
    provenance: provenanceSchema.optional(),
  }),
  runtime: runtimeSchema,
  /** Post-deploy smoke: the golden-path requests `cicd verify` sends. Default: `GET /` answering 200. */
  smoke: z
    .array(smokeRequestSchema)
    .min(1)
    .default([{ path: "/", method: "GET", expectStatus: 200 }]),
  flags: z.array(flagSchema).default([]),
  observability: z
    .strictObject({
      /** Error budget: the share of requests allowed to fail with 5xx per budget period, in percent. Default 0.5 (F6). */
      errorBudgetPercent: z.number().gt(0).max(100).default(0.5),
      /** The error budget's period in days; burn rates are computed for it. Default 7 (F6: weekly). */
      errorBudgetPeriodDays: z.int().min(1).max(90).default(7),
      /** p95 latency target in seconds. Default 1. */
      latencyP95Seconds: z.number().gt(0).max(60).default(1),
      /** Golden-path success target in percent. Default 99. */
      goldenPathSuccessPercent: z.number().gt(0).max(100).default(99),
    })
    .prefault({}),
});

/** The whole stack config, keyed without the `cicd-constitution:` namespace. */
const stackShape = z.strictObject({
  /** The environment this stack deploys: `staging` or `production` (becomes `APP_ENV`). */
  environment: z.enum(["staging", "production"], { error: "staging or production" }),
  /** GitHub owner (organisation or user) of every repository. */
  githubOwner: pattern(GITHUB_LOGIN, "a GitHub owner login"),
  /** AWS region (`aws:region`). */
  awsRegion: pattern(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region such as eu-west-1"),
  governance: z
    .strictObject({
      /** Whether this stack owns repository-level resources (repository, rulesets). Exactly one stack does. */
      ownsRepositories: z.boolean({ error: "true or false" }),
      /**
       * Actions the governed repositories' workflows may use besides GitHub's own and verified creators'
       * (`OWNER/REPO@*` patterns; CC-BR-10). Default: the actions this repository's workflows use.
       */
      allowedActions: z
        .array(
          pattern(
            /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./*-]+@[A-Za-z0-9_.*-]+$/,
            "an action pattern OWNER/REPO@REF",
          ),
        )
        .default(DEFAULT_ALLOWED_ACTIONS),
      /** The app every required status check must come from (CC-BR-12). Default 15368, GitHub Actions. */
      checksIntegrationId: z.int().positive().default(GITHUB_ACTIONS_INTEGRATION_ID),
    })
    .prefault({ ownsRepositories: false }),
  network: z.strictObject({
    vpcId: pattern(/^vpc-[0-9a-f]{8,17}$/, "a VPC id vpc-<hex>"),
    /** Subnets of the internet-facing load balancer (at least two AZs). */
    publicSubnetIds: z.array(pattern(/^subnet-[0-9a-f]{8,17}$/, "a subnet id subnet-<hex>")).min(2),
    /** Subnets of the tasks (no public IP). */
    privateSubnetIds: z.array(pattern(/^subnet-[0-9a-f]{8,17}$/, "a subnet id subnet-<hex>")).min(2),
    /**
     * How tasks in the private subnets reach the internet: ghcr.io (image pulls), Secrets Manager,
     * CloudWatch Logs and AppConfig. Not created by this program: the VPC's owner provides it. ghcr.io is
     * outside AWS, so a NAT gateway is needed even where VPC interface endpoints serve the AWS APIs.
     * The program reads each private subnet's route table (`aws.ec2.getRouteTable`) and stops with a config
     * error unless `0.0.0.0/0` goes to one of these NAT gateways.
     */
    egress: z.strictObject({
      /** NAT gateways the private subnets route `0.0.0.0/0` through, `nat-<hex>`. */
      natGatewayIds: z.array(pattern(/^nat-[0-9a-f]{8,17}$/, "a NAT gateway id nat-<hex>")).min(1),
    }),
  }),
  /** ACM certificate for the HTTPS listeners. */
  certificateArn: pattern(CERTIFICATE_ARN, "an ACM certificate ARN"),
  alerting: z.strictObject({ email: z.email({ error: "an e-mail address" }).optional() }).prefault({}),
  /**
   * Retired: the stack-level build named this repository's commit, not the apps'. Each app builds from its
   * own repository at `apps[].image.build` (CC-ART-08); a stack file that still has it gets a config error.
   */
  build: z.unknown().optional(),
  /**
   * The GitHub plan of `githubOwner`: `free`, `pro`, `team` or `enterprise`. With each repository's
   * visibility it decides which constitution controls can exist; where one cannot, the config is refused
   * (never a silent skip). GitHub docs: rulesets and environments of private repositories need a paid plan;
   * required reviewers on environments of private or internal repositories need Enterprise.
   */
  githubPlan: z.enum(GITHUB_PLANS, { error: GITHUB_PLANS.join(", ") }),
  /**
   * This repository, governed like the apps by the stack that owns repositories: its `main` and tag
   * rulesets, its `staging` and `production` GitHub Environments and the OIDC deploy roles `main.yml`
   * assumes. Required in the owning stack, refused elsewhere.
   */
  infrastructure: z
    .strictObject({
      repository: repositorySchema.prefault({ name: PROJECT_NAME, import: true }),
      /** Required status checks on `main`: the jobs of `.github/workflows/pr.yml`. */
      requiredChecks: requiredChecksSchema,
      requiredApprovals: requiredApprovalsSchema,
      /** Reviewers of this repository's `production` environment: the gate before every production deploy. */
      reviewers: reviewersSchema,
      /** Owner tag of this repository's AWS resources (its deploy roles). Default `platform`. */
      owner: pattern(/^\S{2,}$/, "an owner (login or team)").default("platform"),
      /**
       * This repository's environment secrets (values in `secrets.cicd-constitution.<NAME>`). `PULUMI_READ_TOKEN`
       * and `GOVERNANCE_READ_TOKEN`, the read-only tokens, go to the `drift` and `preview` environments only
       * (components/InfrastructureRepository.ts, READ_ONLY_SECRET_NAMES); every other name, the tokens that write,
       * to `staging` and `production` only. Without the read-only ones drift.yml and preview-cloud.yml get none.
       */
      environmentSecrets: z
        .array(pattern(ENV_NAME, "an UPPER_SNAKE_CASE secret name"))
        .default([
          "PULUMI_ACCESS_TOKEN",
          "PULUMI_STAGING_TOKEN",
          "GOVERNANCE_GITHUB_TOKEN",
          "GOVERNANCE_STAGING_TOKEN",
        ]),
      /**
       * Secrets of this repository's `bump` environment, which only jobs of `main` may use (values in
       * `secrets.cicd-constitution.<NAME>`; never repository secrets, which a workflow of any branch could read).
       * `BUMP_TOKEN`: a GitHub App or fine-grained token (contents and pull requests: write on this repository, no
       * workflows permission) that bump-app.yml pushes and opens pull requests with; one opened with the
       * workflow's own token would run no workflow, so no required check.
       */
      repositorySecrets: z
        .array(pattern(ENV_NAME, "an UPPER_SNAKE_CASE secret name"))
        .default(["BUMP_TOKEN"]),
    })
    .optional(),
  /**
   * Bootstrap (the one command run by hand, with administrator credentials, before CI can deploy):
   * the owning stack registers only governance and identity (repositories, rulesets, this repository's
   * environments and deploy roles, the OIDC provider), no runtime. Default false.
   */
  bootstrap: z.boolean({ error: "true or false" }).default(false),
  /**
   * The account's GitHub OIDC identity provider: `create` (the owning stack creates it) or `existing` (read
   * it; a missing one fails the preview as AWS would). Default: `create` in the owning stack, `existing`
   * elsewhere.
   */
  oidcProvider: z.enum(["create", "existing"], { error: "create or existing" }).optional(),
  /** `aws:allowedAccountIds`: the AWS accounts this stack may deploy to (the AWS provider refuses others). */
  awsAllowedAccountIds: z.array(pattern(/^\d{12}$/, "a 12-digit AWS account id")).optional(),
  /** Production: where the promoted images come from. */
  promotion: z
    .strictObject({
      /** Fully qualified staging stack, `org/cicd-constitution/staging`, read through a StackReference. */
      // This project's staging stack, whatever the organisation: parity reads what staging ran from it.
      stagingStack: pattern(
        new RegExp(`^[A-Za-z0-9_.-]+/${PROJECT_NAME}/staging$`),
        `a reference to this project's staging stack, ORG/${PROJECT_NAME}/staging`,
      ),
    })
    .optional(),
  apps: z.array(appSchema).min(1, { error: "at least one app" }),
  /**
   * `cicd predeploy` (F6 "Pre-Deploy Checklist", "Error Budget & Deploy Freeze"): a breached error budget blocks
   * the deploy unless an override names the check (`ruleId: PREDEPLOY-ERROR-BUDGET`), the app (`resource`, a
   * glob), a reason (an incident review), an owner and an expiry date, as a waiver does (CC-WAIVE-01).
   */
  predeploy: z
    .strictObject({
      overrides: z.array(z.record(z.string(), z.unknown())).default([]),
      /**
       * The GitHub logins `cicd verify` runs as in staging (the identity of staging's GOVERNANCE_GITHUB_TOKEN): only
       * their deployments prove a digest verified there (PREDEPLOY-STAGING-VERIFIED). Default: none, and the check
       * fails saying so.
       */
      verifiers: z
        .array(
          pattern(ACTOR_LOGIN, "a GitHub login (an app's is NAME[bot])").refine(
            (l) => l !== "github-actions[bot]",
            {
              error: "a login other than github-actions[bot], whose token any workflow run holds",
            },
          ),
        )
        .default([]),
    })
    .prefault({}),
  /** Policy pack settings: enforcement overrides, rule settings and waivers (validated by the pack). */
  policy: z
    .strictObject({
      /**
       * Enforcement overrides by rule ID: a level, or, to lower a mandatory rule, an audited record
       * `{ level, reason, owner, expires }` (CC-WAIVE-02; a bare lower level does not apply).
       */
      enforcement: z
        .record(
          z.string(),
          z.union([
            z.enum(["advisory", "mandatory", "disabled"]),
            z.strictObject({
              level: z.enum(["advisory", "mandatory", "disabled"]),
              reason: z.string().optional(),
              owner: z.string().optional(),
              expires: z.string().optional(),
            }),
          ]),
        )
        .default({}),
      settings: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
      waivers: z.array(z.record(z.string(), z.unknown())).default([]),
    })
    .prefault({}),
  /** Secret values: `secrets.<app>.<NAME>`; must be Pulumi secrets. */
  secrets: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** Token that pushes to GHCR (packages: write); a Pulumi secret. */
  ghcrToken: z.string().optional(),
  /**
   * Token the tasks pull private GHCR images with (a classic PAT with `read:packages` only; GitHub docs,
   * "Working with the Container registry"); a Pulumi secret, stored in Secrets Manager per app and read by
   * the execution role (CC-RUN-11). Required unless every app's image is public.
   */
  ghcrPullToken: z.string().optional(),
  /**
   * Staging: a token that can read the apps' private repositories (contents: read), handed to BuildKit as
   * the `GIT_AUTH_TOKEN.github.com` build secret for their git contexts; a Pulumi secret. Required when an
   * app's repository is not public.
   */
  gitSourceToken: z.string().optional(),
});

/** The stack config as parsed, before the checks across keys. */
type StackShape = z.output<typeof stackShape>;

/** Each app name once. */
function uniqueAppNames(c: StackShape, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  c.apps.forEach((app, i) => {
    if (seen.has(app.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["apps", i, "name"],
        input: app.name,
        message: `a unique app name (apps[${seen.get(app.name)}] has the same name)`,
      });
    }
    seen.set(app.name, i);
  });
}

/** Staging builds each app from its own commit; production builds nothing; no stack-level build (CC-ART-05/08). */
function buildsWhereTheyBelong(c: StackShape, ctx: z.RefinementCtx): void {
  if (c.build !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["build"],
      input: "(set)",
      message:
        "no stack-level build: it named this repository's commit; each app builds from its own repository " +
        "at apps[].image.build { gitSha, date, actor } (CC-ART-08)",
    });
  }
  c.apps.forEach((app, i) => {
    if (c.environment === "staging" && !app.image.build) {
      ctx.addIssue({
        code: "custom",
        path: ["apps", i, "image", "build"],
        input: undefined,
        message:
          "the app repository's commit to build { gitSha, date, actor }: staging builds each app once, from its own source",
      });
    }
    if (c.environment === "production" && app.image.build) {
      ctx.addIssue({
        code: "custom",
        path: ["apps", i, "image", "build"],
        input: "(set)",
        message:
          "no build in production: it builds nothing and promotes the digest staging built (CC-ART-05)",
      });
    }
  });
}

/** Exactly the stack that owns repositories governs this one (infrastructure) and bootstraps. */
function governanceSections(c: StackShape, ctx: z.RefinementCtx): void {
  const owns = c.governance.ownsRepositories;
  if (owns && !c.infrastructure) {
    ctx.addIssue({
      code: "custom",
      path: ["infrastructure"],
      input: undefined,
      message:
        "this repository's governance { repository, requiredChecks, reviewers }: the stack that owns repositories governs this one too",
    });
  }
  if (!owns && c.infrastructure) {
    ctx.addIssue({
      code: "custom",
      path: ["infrastructure"],
      input: "(set)",
      message:
        "no infrastructure section: only the stack that owns repositories (governance.ownsRepositories) governs this one",
    });
  }
  if (!owns && c.bootstrap) {
    ctx.addIssue({
      code: "custom",
      path: ["bootstrap"],
      input: true,
      message: "false: only the stack that owns repositories bootstraps governance and identity",
    });
  }
}

/** CC-BR-11: whoever must review every change is said, never guessed from an owner tag. */
function codeOwnersNamed(c: StackShape, ctx: z.RefinementCtx): void {
  if (!c.governance.ownsRepositories) return;
  const repos: Array<[Array<string | number>, { codeOwners?: string[] }]> = [
    ...c.apps.map((a, i): [Array<string | number>, { codeOwners?: string[] }] => [
      ["apps", i, "repository"],
      a.repository,
    ]),
    ...(c.infrastructure
      ? [
          [["infrastructure", "repository"], c.infrastructure.repository] as [
            Array<string | number>,
            { codeOwners?: string[] },
          ],
        ]
      : []),
  ];
  for (const [at, repo] of repos)
    if (!repo.codeOwners)
      ctx.addIssue({
        code: "custom",
        path: [...at, "codeOwners"],
        input: undefined,
        message:
          "the repository's code owners (@login or @ORG/TEAM, at least one besides the usual author): main requires a code owner's review",
      });
}

/** This repository's name is no app's (their secrets would share `secrets.<name>`). */
function infrastructureNameFree(c: StackShape, ctx: z.RefinementCtx): void {
  if (c.infrastructure && c.apps.some((a) => a.name === c.infrastructure!.repository.name)) {
    ctx.addIssue({
      code: "custom",
      path: ["infrastructure", "repository", "name"],
      input: c.infrastructure.repository.name,
      message: "a name no app has (secrets.<name> would be shared)",
    });
  }
}

/**
 * One repository is governed by one app, and never by an app and this repository: two would both declare its
 * rulesets and environments, and one app's deploy role would trust the other's workflows (OIDC subject
 * `repo:OWNER/REPO:environment:ENV`). GitHub repository names are case-insensitive.
 */
function repositoriesGovernedOnce(c: StackShape, ctx: z.RefinementCtx): void {
  const owners = new Map<string, string>();
  if (c.infrastructure) owners.set(c.infrastructure.repository.name.toLowerCase(), "infrastructure");
  c.apps.forEach((app, i) => {
    const repo = app.repository.name.toLowerCase();
    const first = owners.get(repo);
    if (first)
      ctx.addIssue({
        code: "custom",
        path: ["apps", i, "repository", "name"],
        input: app.repository.name,
        message: `a repository no other app governs (${app.repository.name} is already ${first === "infrastructure" ? "this repository" : `${first}'s`})`,
      });
    else owners.set(repo, app.name);
  });
}

/** Production promotes: each app's digest and provenance are pinned, or read from staging (promotion). */
function promotionSource(c: StackShape, ctx: z.RefinementCtx): void {
  if (c.environment === "production") {
    c.apps.forEach((app, i) => {
      if (c.bootstrap) return; // bootstrap registers no runtime: nothing to promote yet
      if (!c.promotion && !(app.image.digest && app.image.provenance)) {
        ctx.addIssue({
          code: "custom",
          path: ["apps", i, "image", app.image.digest ? "provenance" : "digest"],
          input: undefined,
          message: app.image.digest
            ? "the digest's provenance (gitSha, date, actor), or promotion.stagingStack to read it from"
            : "the digest staging built (sha256:<64 hex>), or promotion.stagingStack to read it from",
        });
      }
    });
  }
}

/** The stack config: every key checked alone, then the checks across keys. */
export const stackConfigSchema = stackShape.superRefine((c, ctx) => {
  uniqueAppNames(c, ctx);
  buildsWhereTheyBelong(c, ctx);
  governanceSections(c, ctx);
  codeOwnersNamed(c, ctx);
  infrastructureNameFree(c, ctx);
  repositoriesGovernedOnce(c, ctx);
  promotionSource(c, ctx);
});

/** The raw, unparsed config: `cicd-constitution:` keys without namespace, values already JSON-decoded. */
export type RawStackConfig = Record<string, unknown>;
/** The validated, defaulted stack model. */
export type StackModel = z.output<typeof stackConfigSchema>;
/** One app of the stack model. */
export type AppModel = StackModel["apps"][number];
/** One feature flag of an app. */
export type FlagModel = AppModel["flags"][number];
/** `staging` or `production`. */
export type EnvironmentName = StackModel["environment"];

/** One problem found in a stack's config. */
export interface ConfigProblem {
  /** Full config key in `pulumi config --path` syntax, e.g. `cicd-constitution:apps[0].runtime.port`. */
  key: string;
  /** What a valid value looks like. */
  expected: string;
  /** What the config holds, rendered for a message; `[secret]` for secret keys, `(missing)` when absent. */
  found: string;
}

/** Thrown when a stack's config is invalid; lists every problem. Nothing is registered after it. */
export class ConfigError extends Error {
  /**
   * @param stackName The stack whose config is invalid. (Not `stack`: that is `Error.stack`, the trace the Pulumi
   *   SDK prints; shadowing it made the engine print an object instead of the message.)
   */
  constructor(
    readonly stackName: string,
    readonly problems: ConfigProblem[],
    readonly source = "stack config",
  ) {
    super(
      `Invalid config for stack "${stackName}" (${source}): ${problems.length} problem${problems.length === 1 ? "" : "s"}\n` +
        problems.map((p) => `  - ${p.key}: expected ${p.expected}, found ${p.found}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Options of {@link parseStackConfig}. */
export interface ParseOptions {
  /** Keys (without namespace) whose values are Pulumi secrets; their values are never printed. */
  secretKeys?: ReadonlySet<string>;
  /** Where the config came from, for messages (e.g. `Pulumi.staging.yaml`). */
  source?: string;
  /** "Today", for removal dates that must not be in the past. Default: the current date. */
  today?: Date;
}

/** Renders a config path the way `pulumi config set --path` takes it: `apps[0].runtime.port`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

function renderFound(value: unknown, secret: boolean): string {
  if (value === undefined) return "(missing)";
  if (secret) return SECRET_MARKER;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg as string];
  }
  return cur;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.message && !issue.message.startsWith("Invalid input")
        ? issue.message
        : `a value of type ${issue.expected}`;
    case "too_small":
      return issue.origin === "array"
        ? `at least ${issue.minimum} item${Number(issue.minimum) === 1 ? "" : "s"}`
        : `a value ${issue.inclusive ? ">=" : ">"} ${issue.minimum}`;
    case "too_big":
      return issue.origin === "array"
        ? `at most ${issue.maximum} items`
        : `a value ${issue.inclusive ? "<=" : "<"} ${issue.maximum}`;
    case "unrecognized_keys":
      return `no unknown key (known keys are documented in Pulumi.yaml)`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return issue.message;
  }
}

/**
 * Keys of an app entry that were renamed or removed, with what to write instead: an old stack file gets a config
 * error that names the new key rather than a bare "unknown key".
 */
export const MOVED_APP_KEYS: Readonly<Record<string, string>> = {
  "runtime.environment":
    "runtime.environmentVariables instead: the container's plain variables (renamed; `environment` is the stack's stage)",
  "runtime.health.livenessPath":
    "no livenessPath: it was never read; the container health check (the liveness probe) is runtime.health.healthPath",
};

/** What replaces an unknown key at `path` (`apps.0.runtime...`), if it is one of {@link MOVED_APP_KEYS}. */
function movedKeyOf(path: ReadonlyArray<PropertyKey>): string | undefined {
  if (path[0] !== "apps" || typeof path[1] !== "number") return undefined;
  return MOVED_APP_KEYS[path.slice(2).map(String).join(".")];
}

/**
 * Validates raw stack config and returns the typed model with defaults applied.
 *
 * @param stack Stack name, for messages.
 * @param raw Config values without the `cicd-constitution:` namespace (plus `awsRegion` from `aws:region`).
 * @param options Secret keys (never printed), the source for messages, and "today" for date checks.
 * @throws ConfigError listing every problem (key, expected, found), never a secret value.
 */
export function parseStackConfig(stack: string, raw: RawStackConfig, options: ParseOptions = {}): StackModel {
  const secretKeys = options.secretKeys ?? new Set<string>(SECRET_CONFIG_KEYS);
  const result = stackConfigSchema.safeParse(raw);
  const problems: ConfigProblem[] = [];
  const isSecretPath = (path: ReadonlyArray<PropertyKey>) => secretKeys.has(String(path[0]));
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys) {
          const path = [...issue.path, k];
          problems.push({
            key: `${CONFIG_NAMESPACE}:${formatPath(path)}`,
            expected: movedKeyOf(path) ?? expectedOf(issue),
            found: `an unknown key ${JSON.stringify(k)}`,
          });
        }
        continue;
      }
      problems.push({
        key: `${CONFIG_NAMESPACE}:${formatPath(issue.path)}`,
        expected: expectedOf(issue),
        found: renderFound(valueAt(raw, issue.path), isSecretPath(issue.path)),
      });
    }
  } else {
    problems.push(...semanticProblems(result.data, options.today ?? new Date()));
  }
  problems.push(...misplacedSecretProblems(secretKeys));
  if (problems.length > 0) throw new ConfigError(stack, problems, options.source);
  return result.data as StackModel;
}

/**
 * A Pulumi secret (`--secret`, `secure:`) under a key that is not one of {@link SECRET_CONFIG_KEYS}: the program
 * would register it where plain values go (a container variable, a tag, a description), in clear in the task
 * definition and the state, so it is refused rather than wired.
 */
function misplacedSecretProblems(secretKeys: ReadonlySet<string>): ConfigProblem[] {
  return [...secretKeys]
    .filter((k) => !SECRET_CONFIG_KEYS.includes(k))
    .map((k) => ({
      key: `${CONFIG_NAMESPACE}:${k}`,
      expected:
        "no secret value here: a secret goes under cicd-constitution:secrets (declared in the app's runtime.secrets, " +
        "set with pulumi config set --secret --path 'secrets.<app>.<NAME>'), which the container reads from Secrets Manager",
      found: "a secret value [secret]",
    }));
}

/**
 * Constitution controls the configured GitHub plan cannot provide for a repository's visibility (GitHub docs,
 * "Managing rulesets for a repository" and "Managing environments for deployment": rulesets and environments of
 * private repositories need GitHub Pro, Team or Enterprise; required reviewers on environments of private or
 * internal repositories need Enterprise; internal repositories exist only on Enterprise).
 */
function planProblems(model: StackModel): ConfigProblem[] {
  const plan = model.githubPlan;
  const repos = [
    ...model.apps.map((a, i) => ({
      at: `apps[${i}].repository`,
      repo: a.repository,
      reviewers: model.environment === "production",
    })),
    ...(model.infrastructure
      ? [{ at: "infrastructure.repository", repo: model.infrastructure.repository, reviewers: true }]
      : []),
  ];
  const problems: ConfigProblem[] = [];
  for (const { at, repo, reviewers } of repos) {
    const v = repo.visibility;
    const found = `${JSON.stringify(v)} with githubPlan ${JSON.stringify(plan)}`;
    const key = `${CONFIG_NAMESPACE}:${at}.visibility`;
    if (v === "public") continue;
    if (v === "internal" && plan !== "enterprise") {
      problems.push({
        key,
        expected: "private or public: internal repositories exist only on GitHub Enterprise",
        found,
      });
    } else if (plan === "free") {
      problems.push({
        key,
        expected:
          "public, or githubPlan team or enterprise: rulesets (CC-BR-01) and environments (CC-ENV-01) of private repositories need a paid plan, and their secret scanning (CC-BR-09) Team or Enterprise",
        found,
      });
    } else if (plan === "pro") {
      problems.push({
        key,
        expected:
          "public, or githubPlan team or enterprise: secret scanning and push protection (CC-BR-09) of private repositories need GitHub Secret Protection, sold for Team and Enterprise",
        found,
      });
    } else if (reviewers && plan !== "enterprise") {
      problems.push({
        key,
        expected:
          "public, or githubPlan enterprise: required reviewers on the production environment of a private repository (CC-ENV-02, the approval before production) need GitHub Enterprise",
        found,
      });
    }
  }
  return problems;
}

/** A problem for each repeated entry of a list that is a set, at its index. */
function duplicates(at: string, list: readonly string[], expected: string): ConfigProblem[] {
  return list.flatMap((v, j) =>
    list.indexOf(v) !== j ? [{ key: `${at}[${j}]`, expected, found: JSON.stringify(v) }] : [],
  );
}

/** Duplicates in the set-like lists of a governed repository (an app's or this one's). */
function governedListDuplicates(
  at: string,
  g: {
    requiredChecks: string[];
    reviewers: { users: string[]; teams: string[] };
    environmentSecrets: string[];
  },
): ConfigProblem[] {
  return [
    ...duplicates(`${at}.requiredChecks`, g.requiredChecks, "each check once"),
    ...duplicates(
      `${at}.reviewers.users`,
      g.reviewers.users.map((u) => u.toLowerCase()),
      "each reviewer once (logins are case-insensitive)",
    ),
    ...duplicates(`${at}.reviewers.teams`, g.reviewers.teams, "each team once"),
    ...duplicates(`${at}.environmentSecrets`, g.environmentSecrets, "each secret once"),
  ];
}

/**
 * A governed repository's production reviewers: at most GitHub's limit, and (in the stack that creates the
 * production environment, which prevents self-review: CC-ENV-02) two or more users or a team, since a lone user
 * reviewer could not approve the runs they start.
 */
function reviewerProblems(
  at: string,
  reviewers: { users: string[]; teams: string[] },
  environment: string,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { users, teams } = reviewers;
  // No reviewer at all is CC-ENV-02's finding (its minimum is the pack's setting); a lone one is never approvable.
  const count = users.length + teams.length;
  if (environment === "production" && count > 0 && !approvableDespiteSelfReview(users.length, teams.length))
    problems.push({
      key: `${at}.reviewers`,
      expected:
        "two or more users, or a team: production prevents self-review, so a lone reviewer cannot approve the runs they start",
      found: JSON.stringify(reviewers),
    });
  if (count > MAX_ENVIRONMENT_REVIEWERS)
    problems.push({
      key: `${at}.reviewers`,
      expected: `at most ${MAX_ENVIRONMENT_REVIEWERS} users and teams together (GitHub's limit)`,
      found: `${count}`,
    });
  return problems;
}

/**
 * This repository's staging environment deploys on every merge, unapproved: it never holds production's value of
 * a token, so each token {@link STAGING_VALUES} names needs its staging value beside it. (An app's environments
 * take their values from each stack's own config.)
 */
function stagingValueProblems(at: string, environmentSecrets: string[]): ConfigProblem[] {
  return Object.entries(STAGING_VALUES)
    .filter(([name, own]) => environmentSecrets.includes(name) && !environmentSecrets.includes(own))
    .map(([name, own]) => ({
      key: `${at}.environmentSecrets`,
      expected: `${own} beside ${name}: the staging environment's own ${name}, with access to the staging stack only (the staging job must not hold production's)`,
      found: JSON.stringify(environmentSecrets),
    }));
}

/** The pre-deploy gates an override (`predeploy.overrides`) may lift: the error-budget freeze (F6). */
export const GATE_OVERRIDABLE = ["PREDEPLOY-ERROR-BUDGET"];

/** The longest an override of a pre-deploy gate may last, days after today: long enough for an incident review. */
export const MAX_GATE_OVERRIDE_DAYS = 7;

/**
 * What bounds a pre-deploy override beyond a waiver's fields (reason, owner, expiry, checked where it is used):
 * it lifts a gate that may be lifted ({@link GATE_OVERRIDABLE}), names one app of the stack (no wildcard: one
 * incident, one app) and expires at most
 * {@link MAX_GATE_OVERRIDE_DAYS} days after `today` (an expired one is history and stays). Empty when bounded.
 */
export function gateOverrideProblems(
  o: Record<string, unknown>,
  today: Date,
  apps: readonly string[],
): Array<{ field: "ruleId" | "resource" | "expires"; expected: string }> {
  const problems: Array<{ field: "ruleId" | "resource" | "expires"; expected: string }> = [];
  if (!GATE_OVERRIDABLE.includes(String(o.ruleId ?? "").trim()))
    problems.push({
      field: "ruleId",
      expected: `a gate an incident may lift (${GATE_OVERRIDABLE.join(", ")}); the others (staging verified, the pin, the checks) hold whatever the override says`,
    });
  if (typeof o.resource === "string" && !apps.includes(o.resource.trim()))
    problems.push({
      field: "resource",
      expected: `one app of this stack (${apps.join(", ")}), no wildcard: an override lifts the freeze for one app`,
    });
  const day = typeof o.expires === "string" ? parseDay(o.expires.trim()) : undefined;
  const latest = dayOf(today) + MAX_GATE_OVERRIDE_DAYS * 86_400_000;
  if (day !== undefined && day > latest)
    problems.push({
      field: "expires",
      expected: `a date at most ${MAX_GATE_OVERRIDE_DAYS} days after today (${new Date(latest).toISOString().slice(0, 10)}): an override of a gate is for an incident, not for ever`,
    });
  return problems;
}

/** The pre-deploy overrides that are not bounded ({@link gateOverrideProblems}), by key. */
function overridesProblems(model: StackModel, today: Date): ConfigProblem[] {
  const apps = model.apps.map((a) => a.name);
  return model.predeploy.overrides.flatMap((o, i) =>
    gateOverrideProblems(o, today, apps).map((p) => ({
      key: `${CONFIG_NAMESPACE}:predeploy.overrides[${i}].${p.field}`,
      expected: p.expected,
      found: JSON.stringify(o[p.field]),
    })),
  );
}

/** Checks that need the whole parsed model: dates against today, secrets present for every declared name. */
function semanticProblems(model: StackModel, today: Date): ConfigProblem[] {
  const problems: ConfigProblem[] = [...planProblems(model)];
  if (model.infrastructure) {
    problems.push(...governedListDuplicates(`${CONFIG_NAMESPACE}:infrastructure`, model.infrastructure));
    problems.push(
      ...reviewerProblems(
        `${CONFIG_NAMESPACE}:infrastructure`,
        model.infrastructure.reviewers,
        model.environment,
      ),
    );
    problems.push(
      ...stagingValueProblems(`${CONFIG_NAMESPACE}:infrastructure`, model.infrastructure.environmentSecrets),
    );
  }
  problems.push(...overridesProblems(model, today));
  const todayIso = today.toISOString().slice(0, 10);
  model.apps.forEach((app, i) => {
    app.flags.forEach((flag, j) => {
      if (flag.removalDate < todayIso) {
        problems.push({
          key: `${CONFIG_NAMESPACE}:apps[${i}].flags[${j}].removalDate`,
          expected: `a planned removal date not before today (${todayIso}); remove the flag or re-plan it`,
          found: JSON.stringify(flag.removalDate),
        });
      }
    });
    const names = new Set<string>();
    for (const [j, name] of app.flags.map((f) => f.name).entries()) {
      if (names.has(name)) {
        problems.push({
          key: `${CONFIG_NAMESPACE}:apps[${i}].flags[${j}].name`,
          expected: "a flag name unique within the app",
          found: JSON.stringify(name),
        });
      }
      names.add(name);
    }
    const at = `${CONFIG_NAMESPACE}:apps[${i}]`;
    for (const problem of nameLimitProblems(app.name, model.environment)) {
      problems.push({ key: `${at}.name`, expected: "a shorter app name", found: problem });
    }
    const health = app.runtime.health;
    const healthUrl = `http://127.0.0.1:${app.runtime.port}${health.healthPath}`;
    const probes =
      health.command &&
      probedPath(health.command) === health.healthPath &&
      health.command.slice(1).join(" ").includes(healthUrl);
    if (health.command && !probes) {
      problems.push({
        key: `${at}.runtime.health.command`,
        expected: `a probe of ${healthUrl} and nothing else (curl -f URL, wget -q --spider URL, python3 urllib.request.urlopen(URL); runtime.port and runtime.health.healthPath)`,
        found: renderFound(health.command, false),
      });
    }
    for (const envName of Object.keys(app.runtime.environmentVariables)) {
      if (RESERVED_VARIABLES.includes(envName)) {
        problems.push({
          key: `${at}.runtime.environmentVariables.${envName}`,
          expected: `no variable the runtime sets itself (${RESERVED_VARIABLES.join(", ")})`,
          found: JSON.stringify(envName),
        });
      }
      if (app.runtime.secrets.includes(envName)) {
        problems.push({
          key: `${CONFIG_NAMESPACE}:apps[${i}].runtime.environmentVariables.${envName}`,
          expected: `${envName} only once: it is declared as a secret in runtime.secrets`,
          found: "a plain value too",
        });
      }
    }
    app.runtime.secrets.forEach((name, j) => {
      if (RESERVED_VARIABLES.includes(name)) {
        problems.push({
          key: `${at}.runtime.secrets[${j}]`,
          expected: `no secret named like a variable the runtime sets itself (${RESERVED_VARIABLES.join(", ")})`,
          found: JSON.stringify(name),
        });
      }
    });
    // Lists that are sets: a duplicate would count twice (two reviewers that are one person).
    problems.push(
      ...governedListDuplicates(at, app),
      ...duplicates(`${at}.runtime.secrets`, app.runtime.secrets, "each secret once"),
      ...duplicates(`${at}.runtime.scratchPaths`, app.runtime.scratchPaths, "each path once"),
      ...duplicates(`${at}.image.history`, app.image.history, "each digest once"),
    );
    problems.push(...reviewerProblems(at, app.reviewers, model.environment));
    app.environmentSecrets.forEach((name, j) => {
      if (DEPLOY_VARIABLES.includes(name)) {
        problems.push({
          key: `${at}.environmentSecrets[${j}]`,
          expected: `a name other than the deploy variables the program sets (${DEPLOY_VARIABLES.join(", ")})`,
          found: JSON.stringify(name),
        });
      }
    });
  });
  return problems;
}
