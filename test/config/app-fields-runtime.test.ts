/**
 * Every field of an app's runtime, deployment strategy, flags, smoke requests, migrations and observability
 * (`src/config/appSchema.ts`) at its edges (defaults: ./app-defaults.test.ts). The limits are AWS's (ECS
 * `HealthCheck` and deployment configurations, ELB stickiness, CloudWatch Logs retention) or the constitution's,
 * as the schema's docstrings say.
 */
import { anchored, DIGEST, type FieldCase, fieldCases } from "./appFields";

/** Integer field with inclusive limits `min`..`max`. */
function range(field: string, min: number, max: number): FieldCase {
  return {
    field,
    accepts: [min, max],
    refuses: [
      [min - 1, `a value >= ${min}`],
      [max + 1, `a value <= ${max}`],
    ],
  };
}

const RUNTIME: FieldCase[] = [
  {
    ...anchored("runtime.health.readinessPath", "/readyz", "an HTTP path such as /readyz (not / alone)", [
      ["/", "an HTTP path such as /readyz (not / alone)"],
    ]),
    accepts: ["/readyz", "/_stcore/health"],
  },
  anchored("runtime.health.healthPath", "/healthz", "an HTTP path such as /healthz (not / alone)"),
  {
    field: "runtime.health.versionPath",
    accepts: ["/", "/v1/version~x"],
    refuses: [
      ["version", "an HTTP path starting with /"],
      ["v/version", "an HTTP path starting with /"],
      ["/version?x", "an HTTP path starting with /"],
    ],
  },
  {
    field: "runtime.health.command",
    accepts: [
      ["CMD", "curl", "-f", "http://127.0.0.1:8000/healthz"],
      ["CMD-SHELL", "curl -f http://127.0.0.1:8000/healthz"],
    ],
    refuses: [
      [["SHELL", "x"], 'one of "CMD", "CMD-SHELL"', "runtime.health.command[0]"],
      [["CMD", 5], "a command", "runtime.health.command[1]"],
    ],
  },
  range("runtime.health.container.intervalSeconds", 5, 300),
  range("runtime.health.container.retries", 1, 10),
  range("runtime.health.container.startPeriodSeconds", 0, 300),
  {
    field: "runtime.health.container",
    accepts: [
      { timeoutSeconds: 2, intervalSeconds: 5 },
      { timeoutSeconds: 60, intervalSeconds: 61 },
    ],
    refuses: [
      [{ timeoutSeconds: 1 }, "a value >= 2", "runtime.health.container.timeoutSeconds"],
      [
        { timeoutSeconds: 61, intervalSeconds: 300 },
        "a value <= 60",
        "runtime.health.container.timeoutSeconds",
      ],
      [
        { timeoutSeconds: 15, intervalSeconds: 15 },
        "timeoutSeconds below intervalSeconds (a check must end before the next starts)",
        "runtime.health.container.timeoutSeconds",
      ],
    ],
  },
  {
    field: "runtime.deployment.strategy",
    accepts: ["rolling", "canary", "linear"],
    refuses: [["blue-green", 'one of "rolling", "canary", "linear"']],
  },
  {
    field: "runtime.deployment.canaryPercent",
    accepts: [0.1, 100, 12.5],
    refuses: [
      [0, "a value >= 0.1"],
      [100.1, "a value <= 100"],
      [12.55, "a multiple of 0.1"],
    ],
  },
  {
    field: "runtime.deployment.stepPercent",
    accepts: [3, 100, 33.3],
    refuses: [
      [2.9, "a value >= 3"],
      [100.1, "a value <= 100"],
      [33.33, "a multiple of 0.1"],
    ],
  },
  range("runtime.deployment.canaryBakeMinutes", 0, 1440),
  range("runtime.deployment.stepBakeMinutes", 0, 1440),
  range("runtime.deployment.bakeMinutes", 0, 1440),
  { field: "runtime.deployment.alarms", accepts: [true], refuses: [["off", "true or false"]] },
  {
    field: "runtime.memoryMiB",
    accepts: [1024],
    refuses: [
      ["1GB", "memory in MiB (an integer)"],
      [0, ["a value > 0", "a Fargate memory size for 512 CPU units: 1024, 2048, 3072, 4096 MiB"]],
      [8192, "a Fargate memory size for 512 CPU units: 1024, 2048, 3072, 4096 MiB", "runtime.memoryMiB"],
    ],
  },
  {
    field: "runtime.cpu",
    accepts: [512],
    refuses: [
      ["x", "Fargate CPU units: 256, 512, 1024, 2048, 4096, 8192, 16384"],
      [768, "Fargate CPU units: 256, 512, 1024, 2048, 4096, 8192, 16384"],
    ],
  },
  {
    ...range("runtime.desiredCount", 0, 1000),
    refuses: [
      [1001, "a value <= 1000"],
      ["2", "an integer task count"],
    ],
  },
  range("runtime.healthCheckGracePeriodSeconds", 0, 2_147_483_647),
  {
    field: "runtime.scratchPaths",
    accepts: [["/tmp", "/var/cache/app.d"]],
    refuses: [
      [[], "at least 1 item"],
      [["/"], "an absolute directory path other than /", "runtime.scratchPaths[0]"],
      [["tmp"], "an absolute directory path other than /", "runtime.scratchPaths[0]"],
      [["/tmp/"], "an absolute directory path other than /", "runtime.scratchPaths[0]"],
      [["/tmp//x"], "an absolute directory path other than /", "runtime.scratchPaths[0]"],
      [["/tmp/!"], "an absolute directory path other than /", "runtime.scratchPaths[0]"],
      [["/!/tmp"], "an absolute directory path other than /", "runtime.scratchPaths[0]"],
    ],
  },
  {
    field: "runtime.secrets",
    accepts: [["DATABASE_URL", "A"]],
    refuses: [
      [["database_url"], "an UPPER_SNAKE_CASE secret name", "runtime.secrets[0]"],
      [["1DB"], "an UPPER_SNAKE_CASE secret name", "runtime.secrets[0]"],
    ],
  },
  range("runtime.stickiness.durationSeconds", 1, 604_800),
  { field: "runtime.stickiness.enabled", accepts: [true], refuses: [["on", "true or false"]] },
  {
    field: "runtime.environmentVariables",
    accepts: [{ A: "", LOG_LEVEL_2: "x" }],
    refuses: [
      [{ log_level: "x" }, "an UPPER_SNAKE_CASE variable name", "runtime.environmentVariables.log_level"],
      [{ LOG_LEVEL: 5 }, "a string value", "runtime.environmentVariables.LOG_LEVEL"],
    ],
  },
  {
    ...anchored(
      "runtime.domain",
      "erp.staging.surlefeu.app",
      "a lowercase DNS name such as app.example.com",
      [
        [`${"a".repeat(64)}.app`, "a lowercase DNS name such as app.example.com"],
        [`${"a.".repeat(126)}ab`, "a lowercase DNS name such as app.example.com"],
        ["-erp.app", "a lowercase DNS name such as app.example.com"],
        ["localhost", "a lowercase DNS name such as app.example.com"],
      ],
    ),
    accepts: [`${"a".repeat(63)}.app`, `${"a.".repeat(125)}abc`, "x.io"],
  },
  {
    field: "runtime.logRetentionDays",
    accepts: [1, 3653],
    refuses: [
      [
        2,
        "one of the CloudWatch retention periods 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      ],
    ],
  },
];

const FLAG = "flags.0";
const FLAG_KEY = "flags[0]";
const REST: FieldCase[] = [
  {
    ...anchored(`${FLAG}.name`, "telegram_bot_v2", "a lowercase flag key (letters, digits, _)", [
      ["x", "a lowercase flag key (letters, digits, _)"],
      [`x${"a".repeat(64)}`, "a lowercase flag key (letters, digits, _)"],
    ]),
    accepts: ["ab", `x${"a".repeat(63)}`],
  },
  { field: `${FLAG}.description`, accepts: ["x"], refuses: [[1, "a string"]] },
  {
    field: `${FLAG}.owner`,
    accepts: ["ab"],
    refuses: [
      [" ab", "an owner (login or team)"],
      ["ab ", "an owner (login or team)"],
    ],
  },
  { field: `${FLAG}.default`, accepts: [true], refuses: [["no", "true or false"]] },
  {
    field: `${FLAG}.removalDate`,
    accepts: ["2026-11-21", "2028-02-29"],
    refuses: [
      ["2027-02-29", "a real calendar date YYYY-MM-DD"],
      ["x2027-01-01", "a date YYYY-MM-DD"],
      ["2027-01-01x", "a date YYYY-MM-DD"],
    ],
  },
  {
    field: `${FLAG}.value`,
    accepts: [{ enabled: true, cohort: "ab" }, { enabled: false }],
    refuses: [
      [{ enabled: "yes" }, "true or false", `${FLAG_KEY}.value.enabled`],
      [{ enabled: true, cohort: "a" }, "a cohort name (lowercase, digits, -)", `${FLAG_KEY}.value.cohort`],
      [{ enabled: true, cohort: "-ab" }, "a cohort name (lowercase, digits, -)", `${FLAG_KEY}.value.cohort`],
      [{ enabled: true, cohort: "ab!" }, "a cohort name (lowercase, digits, -)", `${FLAG_KEY}.value.cohort`],
      [
        { enabled: true, cohort: "a".repeat(64) },
        "a cohort name (lowercase, digits, -)",
        `${FLAG_KEY}.value.cohort`,
      ],
    ],
  },
  {
    field: "smoke",
    accepts: [
      [
        { path: "/", method: "HEAD", expectStatus: 100, expectBodyContains: "x" },
        { path: "/a?b=1", expectStatus: 599 },
      ],
    ],
    refuses: [
      [[], "at least 1 item"],
      [[{ path: "a" }], "an HTTP path such as /readyz (not / alone)", "smoke[0].path"],
      [[{ path: "a/b" }], "an HTTP path such as /readyz (not / alone)", "smoke[0].path"],
      [[{ path: "/a b" }], "an HTTP path such as /readyz (not / alone)", "smoke[0].path"],
      [[{ path: "/", method: "PUT" }], 'one of "GET", "HEAD", "POST"', "smoke[0].method"],
      [[{ path: "/", expectStatus: 99 }], "a value >= 100", "smoke[0].expectStatus"],
      [[{ path: "/", expectStatus: 600 }], "a value <= 599", "smoke[0].expectStatus"],
      [[{ path: "/", expectBodyContains: "" }], "at least 1 character", "smoke[0].expectBodyContains"],
    ],
  },
  {
    field: "migrations",
    accepts: [
      { command: ["x".repeat(1024)], timeoutSeconds: 30, schemaRevision: "a".repeat(64) },
      { command: Array(64).fill("x"), timeoutSeconds: 3600, expectsSchemaRevision: "a1_b.c-d" },
      { command: ["x"], contract: "destructive", noDowngradeReason: "r".repeat(500) },
      { command: ["x"], skipForDigest: DIGEST },
    ],
    refuses: [
      [{ command: [] }, "at least 1 item", "migrations.command"],
      [{ command: Array(65).fill("x") }, "at most 64 items", "migrations.command"],
      [{ command: [""] }, "at least 1 character", "migrations.command[0]"],
      [{ command: ["x".repeat(1025)] }, "at most 1024 characters", "migrations.command[0]"],
      [{ command: ["x"], timeoutSeconds: 29 }, "a value >= 30", "migrations.timeoutSeconds"],
      [{ command: ["x"], timeoutSeconds: 3601 }, "a value <= 3600", "migrations.timeoutSeconds"],
      [
        { command: ["x"], contract: "risky" },
        'one of "safe_online", "requires_maintenance_window", "destructive"',
        "migrations.contract",
      ],
      [
        { command: ["x"], noDowngradeReason: "too short" },
        "at least 10 characters",
        "migrations.noDowngradeReason",
      ],
      [
        { command: ["x"], noDowngradeReason: "r".repeat(501) },
        "at most 500 characters",
        "migrations.noDowngradeReason",
      ],
      [
        { command: ["x"], contract: "destructive" },
        "a destructive migration cannot be downgraded: say why it has no down path (10+ characters)",
        "migrations.noDowngradeReason",
      ],
      [
        { command: ["x"], schemaRevision: "a".repeat(65) },
        "one revision id (letters, digits, _ . -), one head only",
        "migrations.schemaRevision",
      ],
      [
        { command: ["x"], schemaRevision: "a b" },
        "one revision id (letters, digits, _ . -), one head only",
        "migrations.schemaRevision",
      ],
      [
        { command: ["x"], schemaRevision: "!ab" },
        "one revision id (letters, digits, _ . -), one head only",
        "migrations.schemaRevision",
      ],
      [
        { command: ["x"], schemaRevision: "ab!" },
        "one revision id (letters, digits, _ . -), one head only",
        "migrations.schemaRevision",
      ],
      [
        { command: ["x"], expectsSchemaRevision: "!ab" },
        "one revision id (letters, digits, _ . -)",
        "migrations.expectsSchemaRevision",
      ],
      [
        { command: ["x"], expectsSchemaRevision: "ab!" },
        "one revision id (letters, digits, _ . -)",
        "migrations.expectsSchemaRevision",
      ],
      [
        { command: ["x"], expectsSchemaRevision: "a".repeat(65) },
        "one revision id (letters, digits, _ . -)",
        "migrations.expectsSchemaRevision",
      ],
      [
        { command: ["x"], skipForDigest: "sha256:1" },
        "an image digest sha256:<64 hex>",
        "migrations.skipForDigest",
      ],
    ],
  },
  {
    field: "observability",
    accepts: [
      {
        errorBudgetPercent: 100,
        errorBudgetPeriodDays: 1,
        latencyP95Seconds: 60,
        goldenPathSuccessPercent: 100,
      },
      {
        errorBudgetPercent: 0.01,
        errorBudgetPeriodDays: 90,
        latencyP95Seconds: 0.01,
        goldenPathSuccessPercent: 0.01,
      },
    ],
    refuses: [
      [{ errorBudgetPercent: 0 }, "a value > 0", "observability.errorBudgetPercent"],
      [{ errorBudgetPercent: 100.5 }, "a value <= 100", "observability.errorBudgetPercent"],
      [{ errorBudgetPeriodDays: 0 }, "a value >= 1", "observability.errorBudgetPeriodDays"],
      [{ errorBudgetPeriodDays: 91 }, "a value <= 90", "observability.errorBudgetPeriodDays"],
      [{ latencyP95Seconds: 0 }, "a value > 0", "observability.latencyP95Seconds"],
      [{ latencyP95Seconds: 61 }, "a value <= 60", "observability.latencyP95Seconds"],
      [{ goldenPathSuccessPercent: 0 }, "a value > 0", "observability.goldenPathSuccessPercent"],
      [{ goldenPathSuccessPercent: 101 }, "a value <= 100", "observability.goldenPathSuccessPercent"],
      [{ runbookUrl: "http://x.io/r" }, "an https:// URL of the runbook", "observability.runbookUrl"],
      [{ runbookUrl: "see https://x.io/r" }, "an https:// URL of the runbook", "observability.runbookUrl"],
      [{ runbookUrl: "https://x.io/r now" }, "an https:// URL of the runbook", "observability.runbookUrl"],
    ],
  },
];

describe("app fields at their edges (appSchema): runtime and deployment", () => fieldCases(RUNTIME));
describe("app fields at their edges (appSchema): flags, smoke, migrations, observability", () =>
  fieldCases(REST));
