/** The zod schema of one app entry (`apps[]`) and the governed-repository sections the stack level reuses. */
import { z } from "zod";
import {
  DEFAULT_CONTAINER_HEALTH,
  DEFAULT_HEALTH_CHECK_GRACE_SECONDS,
  DEFAULT_SCRATCH_PATHS,
  DEFAULT_STICKINESS,
  DEFAULT_REQUIRED_CHECKS,
  TASK_PLATFORM,
} from "../../components/defaults";
import {
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_PATHS,
  PROBE_PATH_PATTERN,
  DIGEST_PATTERN,
} from "../../policy-pack/lib/facts";
import { parseDay } from "../../policy-pack/lib/waivers";

const GIT_SHA = /^[0-9a-f]{40}$/;
const APP_NAME = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;
export const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
/** Who triggered a build: a GitHub login or a GitHub App's bot login (`dependabot[bot]`, `github-actions[bot]`). */
const BUILD_ACTOR = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
const GHCR_REPOSITORY = /^ghcr\.io\/[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9._/-]*$/;
const PROBE_PATH = new RegExp(PROBE_PATH_PATTERN);
const HTTP_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

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

export { DEFAULT_REQUIRED_CHECKS };

export const str = (expected: string) => z.string({ error: expected });
/** A string matching `re`; on a mismatch, one problem saying `expected` (no further check of the value runs). */
export const pattern = (re: RegExp, expected: string) =>
  z.string({ error: expected }).regex(re, { error: expected, abort: true });

/** A calendar date `YYYY-MM-DD` that exists. */
const calendarDate = pattern(ISO_DATE, "a date YYYY-MM-DD").refine((s) => parseDay(s) !== undefined, {
  error: "a real calendar date YYYY-MM-DD",
});

/** A build of an app: its repository's commit (40 hex), when it was merged (ISO 8601 UTC), by whom. */
/** The digests of an image's `history`, newest first, whichever form each entry has. */
export function historyDigests(image: { history: Array<string | { digest: string }> }): string[] {
  return image.history.map((h) => (typeof h === "string" ? h : h.digest));
}

const provenanceSchema = z.strictObject({
  gitSha: pattern(GIT_SHA, "a full 40-character lowercase git SHA"),
  date: z.iso.datetime({ error: "an ISO 8601 UTC time such as 2026-11-20T10:00:00Z" }),
  actor: pattern(BUILD_ACTOR, "a GitHub login or a bot login such as dependabot[bot]"),
});

/** Repository settings of a governed repository (the apps' and this one's). */
export const repositorySchema = z.strictObject({
  /** Repository name under the GitHub owner. */
  name: pattern(/^[A-Za-z0-9_.-]{1,100}$/, "a GitHub repository name"),
  description: str("a string").default(""),
  /** Visibility; with `githubPlan` it decides which constitution controls GitHub offers (plan awareness). */
  visibility: z.enum(["private", "public", "internal"]).default("private"),
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
export const requiredChecksSchema = z
  .array(pattern(/^[A-Za-z0-9 _.:/()-]{1,100}$/, "a status check context"))
  .min(1)
  .default(() => [...DEFAULT_REQUIRED_CHECKS]);

/** Approving reviews required on pull requests to `main`, 0-10 (GitHub's limit). Default 1. */
export const requiredApprovalsSchema = z.int().min(0).max(10).default(1);

/** Required reviewers of a production environment (GitHub logins and team slugs). */
export const reviewersSchema = z
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
    command: z.tuple([z.enum(["CMD", "CMD-SHELL"]), str("a command")], z.string()).optional(),
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
    strategy: z.enum(["rolling", "canary", "linear"]).optional(),
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
     * "Configuration Management"). Not `runtime.environment`: the stack file uses that word for its stage
     * (`MOVED_APP_KEYS` names this key when the other is found).
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
  method: z.enum(["GET", "HEAD", "POST"]).default("GET"),
  /** Status the app must answer. Default 200. */
  expectStatus: z.int().min(100).max(599).default(200),
  /** Text the response body must contain. Default: none. */
  expectBodyContains: z.string().min(1).optional(),
});

/** Migration kinds of a release (F6 "Migration Safety Net"). */
export const MIGRATION_KINDS = ["safe_online", "requires_maintenance_window", "destructive"] as const;

const migrationsSchema = z
  .strictObject({
    /**
     * The migration command, as the container's `command` (exec form): for example
     * `[alembic, upgrade, head]`. It must be idempotent: `cicd migrate` may run it again.
     */
    command: z.array(z.string().min(1).max(1024)).min(1).max(64),
    /**
     * The migration contract of the release this stack deploys: `safe_online` (expand-only, runs under traffic),
     * `requires_maintenance_window` or `destructive` (drops or rewrites data: needs a backup marker).
     * Default `safe_online`.
     */
    contract: z.enum(MIGRATION_KINDS).default("safe_online"),
    /**
     * Why the release's migration has no down path, when it has none (F6 "Rollback Strategy": `downgrade: none`
     * with a reason). Default: none, the migration can be downgraded.
     */
    noDowngradeReason: z.string().min(10).max(500).optional(),
    /** Seconds `cicd migrate` waits for the task to stop. Default 900. */
    timeoutSeconds: z.int().min(30).max(3600).default(900),
    /**
     * The schema revision the release's migration lands (an Alembic revision id, one head only): the app reports it
     * as `SCHEMA_REVISION` on `/version`, and `cicd verify` checks it after the deploy (VERIFY-SCHEMA; F6 "Single
     * Alembic head"). Default: none, not checked.
     */
    schemaRevision: pattern(
      /^[A-Za-z0-9_.-]{1,64}$/,
      "one revision id (letters, digits, _ . -), one head only",
    ).optional(),
    /**
     * The schema revision the release's migration starts from (the head of the release before): production must
     * report it (or `schemaRevision`, on a re-run) before the deploy (PREDEPLOY-SCHEMA: every deploy against a known
     * schema). Default: none, not checked.
     */
    expectsSchemaRevision: pattern(
      /^[A-Za-z0-9_.-]{1,64}$/,
      "one revision id (letters, digits, _ . -)",
    ).optional(),
    /**
     * A rollback's target: while the app runs this digest, no migration runs (`cicd migrate` and PREDEPLOY-MIGRATION
     * skip it), since the older image's migration tool does not know the newer revisions the schema carries.
     * `cicd rollback` writes it; a later promotion or build leaves it stale. Default: none.
     */
    skipForDigest: pattern(DIGEST_PATTERN, "an image digest sha256:<64 hex>").optional(),
  })
  .refine((m) => m.contract !== "destructive" || m.noDowngradeReason !== undefined, {
    // F6: "migrations must provide downgrade or be explicitly marked no_downgrade with justification"; a destructive
    // one has no way back to the data it drops.
    path: ["noDowngradeReason"],
    error: "a destructive migration cannot be downgraded: say why it has no down path (10+ characters)",
  });

export const appSchema = z.strictObject({
  /** App name: lowercase, 3-20 characters; used in every resource name. */
  name: pattern(APP_NAME, "a lowercase app name of 3-20 characters (letters, digits, -)").refine(
    (n) => !n.endsWith("-migrate"),
    // APP-migrate-ENV is the migration task family of app APP (components/MigrationTask.ts).
    { error: "a name not ending in -migrate (APP-migrate-ENV names APP's migration task family)" },
  ),
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
     * app's merge to `main` updates it (docs/PIPELINE.md, "How an app's merge reaches staging").
     */
    build: provenanceSchema
      .extend({
        /**
         * The app's own release of that commit (`mvp-X.Y.Z`, or its tag), labelled on the image as
         * `org.opencontainers.image.version` (PLAY "Build & Pin": "label with version + SHA"). Default: none.
         */
        version: pattern(
          /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/,
          "a release version such as mvp-1.4.0",
        ).optional(),
      })
      .optional(),
    /**
     * Directory of the app repository that is the build context, with its `Dockerfile` at its root (the
     * docker-build provider reads a Dockerfile given by path from local disk, which a git context does not
     * have). Default `.`, the repository root.
     */
    context: pattern(
      /^(?:\.|[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*)$/,
      "a directory of the app repository, such as . or services/web",
    ).default("."),
    /**
     * Target platforms. Default amd64 + arm64 (LANES 4). Must include `linux/amd64`, the variant the tasks run
     * (components/defaults.ts TASK_PLATFORM): without it the tasks do not start.
     */
    platforms: z
      .array(z.enum(["linux/amd64", "linux/arm64"]))
      .min(1)
      // An empty list is min(1)'s problem alone.
      .refine((p) => p.length === 0 || p.includes(TASK_PLATFORM.image), {
        error: `platforms including ${TASK_PLATFORM.image}, the platform the tasks run on (ECS runtimePlatform ${TASK_PLATFORM.runtime.operatingSystemFamily}/${TASK_PLATFORM.runtime.cpuArchitecture}); without it the tasks do not start`,
      })
      .default(["linux/amd64", "linux/arm64"]),
    /** Production: the digest staging built, `sha256:<64 hex>`. Rollback: set it to a previous digest. */
    digest: pattern(DIGEST_PATTERN, "an image digest sha256:<64 hex>").optional(),
    /**
     * Digests released before (newest first), kept for rollback and for parity (CC-PAR-01): each a digest, or
     * `{ digest, gitSha, date, actor }` with the provenance staging recorded for it, which `cicd rollback` pins
     * with the digest (so a rollback to a release older than staging's record still previews and passes).
     */
    history: z
      .array(
        z.union(
          [
            pattern(DIGEST_PATTERN, "an image digest sha256:<64 hex>"),
            provenanceSchema.extend({ digest: pattern(DIGEST_PATTERN, "an image digest sha256:<64 hex>") }),
          ],
          { error: "a digest sha256:<64 hex>, or { digest, gitSha, date, actor }" },
        ),
      )
      .default([]),
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
  /**
   * The app's schema migrations (CONST "Migrations": expand -> migrate -> contract; F6 "Migration Safety Net"): the
   * command a one-off ECS task runs on the service's image before the service changes (`cicd migrate`), and the
   * release's migration contract. Default: none (an app without a database schema of its own).
   */
  migrations: migrationsSchema.optional(),
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
      /**
       * The on-call runbook of the app's alarms, an `https://` URL: every alarm's description ends with it (OPS
       * "Alerting": keep on-call runbooks up to date; CC-OBS-07). Default: none, and CC-OBS-07 fails.
       */
      runbookUrl: pattern(/^https:\/\/[^\s]+$/, "an https:// URL of the runbook").optional(),
    })
    .prefault({}),
});
