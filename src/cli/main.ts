#!/usr/bin/env node
/**
 * The `cicd` command line: `npm run --silent cicd -- <command>`.
 * Exit codes: 0 success; 1 a mandatory policy failed; 2 invalid config or unreadable input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { assertFreshBuild } from "../../policy-pack/lib/build";
import { REPORT_FORMATS } from "../report/types";
import { parseDay } from "../../policy-pack/lib/waivers";
import { FLAG_MAX_WAIT_SECONDS } from "../../policy-pack/lib/facts";
import { isStackName } from "../files";
import type { DiffFormat } from "../diff/render";
import type { SummaryFormat } from "./preview";

/**
 * The formats of `preview --format` and `diff --format`: every {@link SummaryFormat} and {@link DiffFormat}, in the
 * order listed (tsc fails when one is missing or unknown), without loading ./preview (the Pulumi SDK) or the diff.
 */
const SUMMARY_CHOICES = Object.keys({ table: true, json: true } satisfies Record<SummaryFormat, true>);
const DIFF_CHOICES = Object.keys({ table: true, markdown: true, json: true } satisfies Record<
  DiffFormat,
  true
>);

/** A `--stack` value: a stack name ({@link isStackName}), or `all` where a command takes every stack. */
function stackName(value: string): string {
  if (value !== "all" && !isStackName(value))
    throw new InvalidArgumentError(
      `expected a stack name (letters, digits, -, _ and .), found ${JSON.stringify(value)}`,
    );
  return value;
}

/** A `--today` value: a real calendar date (the one date parser of waivers, overrides and flags' removal dates). */
function calendarDay(value: string): string {
  if (parseDay(value) === undefined)
    throw new InvalidArgumentError(
      `expected a real calendar date YYYY-MM-DD, found ${JSON.stringify(value)}`,
    );
  return value;
}

/**
 * A command's module, loaded when its command runs. `require` (what tsc emits for this CommonJS project) rather
 * than `import()`, which under tsx (development, tests) would take Node's ESM path, where tsx/cjs does not resolve
 * TypeScript files.
 */
function load<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as T;
}

/** Where each action puts its command's exit code. */
interface CommandResult {
  code: number;
}

/** `preview` (offline preview, plans and audit) and `policy-config` (a stack's pack config). */
function previewCommands(program: Command, result: CommandResult): void {
  program
    .command("preview")
    .description("Preview stacks offline under Pulumi's mock runtime and write out/plan.<stack>.json")
    .addOption(
      new Option("--stack <name>", "stack to preview: a stack name or all")
        .default("all")
        .argParser(stackName),
    )
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .option("--out-dir <dir>", "where plan files go", "out")
    .option("--today <date>", "date used for date checks, YYYY-MM-DD (default: today)", calendarDay)
    .addOption(new Option("--format <format>", "summary format").choices(SUMMARY_CHOICES).default("table"))
    .option(
      "--previous-outputs <stack=file...>",
      "a stack's outputs from its last deployment (pulumi stack output --json --show-secrets); default: none",
    )
    .option("--report-dir <dir>", "also write each stack's audit report there, audit.<stack>.<ext>")
    .addOption(
      new Option(
        "--report-formats <list>",
        "with --report-dir: the formats, comma-separated (default: markdown)",
      ).argParser(reportFormatList),
    )
    .action(async (opts) => {
      if (opts.reportFormats && !opts.reportDir) {
        console.error("--report-formats names the files --report-dir writes: give --report-dir");
        result.code = 2;
        return;
      }
      result.code = await load<typeof import("./preview")>("./preview").runPreview(opts);
    });

  program
    .command("policy-config")
    .description("Print a stack's policy pack config (JSON) for pulumi preview --policy-pack-config")
    .requiredOption("--stack <name>", "stack name", stackName)
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .action(async (opts) => {
      result.code = await load<typeof import("./policy")>("./policy").runPolicyConfig(opts);
    });
}

/** `audit` (the pack over existing state) and `report` (the audit of the offline preview, in any report format). */
function auditCommands(program: Command, result: CommandResult): void {
  program
    .command("audit")
    .description(
      "Run the policy pack over existing state: pulumi stack export, pulumi preview --json, or a plan file",
    )
    .requiredOption("--from-export <file>", "state file to audit")
    .option(
      "--stack <name>",
      "stack name (default: from the file's URNs); its Pulumi.<stack>.yaml gives the policy config",
      stackName,
    )
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .option(
      "--allow-other-stack",
      "audit a file whose URNs name another stack than --stack, with --stack's settings",
    )
    .addOption(reportOutOption())
    .addOption(reportFormatOption())
    .action(async (opts) => {
      result.code = await load<typeof import("../audit/command")>("../audit/command").runAudit(opts);
    });

  program
    .command("report")
    .description(
      "Preview stacks offline, run the policy pack and render the audit (table, json, markdown, sarif, junit)",
    )
    .addOption(new Option("--stack <name>", "a stack name or all").default("all").argParser(stackName))
    .addOption(reportFormatOption())
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .addOption(reportOutOption())
    .option("--out-dir <dir>", "write one file per stack, audit.<stack>.<ext>")
    .addOption(
      new Option(
        "--also-formats <list>",
        "with --out-dir: more formats, comma-separated, rendered from the same preview of each stack",
      ).argParser(reportFormatList),
    )
    .option("--today <date>", "date used for expiry checks, YYYY-MM-DD (default: today)", calendarDay)
    .action(async (opts) => {
      result.code = await load<typeof import("../report/command")>("../report/command").runReport(opts);
    });
}

/** The release path: `bump` (an app's build into staging), `verify` and `predeploy` (after and before
 * `pulumi up`), `rollback` (production back to an earlier digest). */
function deployCommands(program: Command, result: CommandResult): void {
  bumpCommand(program, result);
  deployCheckCommands(program, result);
  rollbackCommand(program, result);
  incidentCommand(program, result);
  migrateCommand(program, result);
  promoteCommand(program, result);
}

/** `promote`: production's pin from what staging ran and verified (LANES "Release PR"). */
function promoteCommand(program: Command, result: CommandResult): void {
  program
    .command("promote")
    .description(
      "Pin in Pulumi.production.yaml a digest staging ran and verified (default: its newest), the running one first in image.history; print the release PR's title (stderr) and body",
    )
    .requiredOption("--app <name>", "app name")
    .requiredOption(
      "--staging-outputs <file>",
      "staging's outputs: pulumi stack output --json --stack staging",
    )
    .option("--digest <digest>", "a digest of staging's releases, sha256:<64 hex> (default: the newest)")
    .option("--version <tag>", "release tag the digest ships as, mvp-X.Y.Z, for the title and body")
    .option("--stack <name>", "stack whose file is edited", stackName, "production")
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .action(async (opts) => {
      result.code = await load<typeof import("./promote")>("./promote").runPromote({
        ...opts,
        stagingOutputs: opts.stagingOutputs,
      });
    });
}

/** `bump`: an app's build (its repository's commit) into Pulumi.staging.yaml. */
function bumpCommand(program: Command, result: CommandResult): void {
  program
    .command("bump")
    .description(
      "Set an app's build (its repository's commit) in Pulumi.staging.yaml: how an app's merge reaches staging",
    )
    .requiredOption("--app <name>", "app name")
    .requiredOption("--commit <sha>", "the app repository's full 40-hex commit")
    .requiredOption("--date <iso>", "when it was merged, ISO 8601 UTC")
    .requiredOption("--actor <login>", "who merged it (a login or bot login)")
    .option("--version <tag>", "the app's release of that commit (mvp-X.Y.Z): the image's version label")
    .option("--dir <dir>", "project directory holding Pulumi.staging.yaml", ".")
    .action(async (opts) => {
      result.code = load<typeof import("./bump")>("./bump").runBump(opts);
    });
}

/**
 * The checks around `pulumi up`: `verify` after it (what runs against what the stack pins) and `predeploy` before
 * production's (the pinned digests verified in staging, the commit's checks, the secrets, the error budget).
 */
function deployCheckCommands(program: Command, result: CommandResult): void {
  program
    .command("verify")
    .description(
      "After pulumi up: compare what runs (ECS service and task definition, registry alias, /version, health, smoke) with what the stack pins; record a deploy marker. Exit 1 on any mismatch",
    )
    .requiredOption("--stack <name>", "stack name", stackName)
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .option(
      "--outputs <file>",
      "the stack's outputs: pulumi stack output --json --stack <name> (staging needs it)",
    )
    .addOption(reportFormatOption())
    .addOption(reportOutOption())
    .option("--app-url <app=url...>", "reach an app at this URL instead of https://<domain>")
    .option("--registry-url <url>", "registry base URL (default: https:// and the image's host, ghcr.io)")
    .option("--version <tag>", "release tag of this deploy, mvp-X.Y.Z, for the deploy marker")
    .option("--no-marker", "record no deploy marker (GitHub Deployment, EventBridge event)")
    .addHelpText(
      "after",
      "\nEnvironment: AWS credentials and region chain (AWS_ENDPOINT_URL_* honoured), GITHUB_TOKEN (deployments: write\non the app repositories), GITHUB_API_URL, GHCR_USERNAME and GHCR_TOKEN (read:packages) for private packages.",
    )
    .action(async (opts) => {
      result.code = await load<typeof import("../deploy/command")>("../deploy/command").runVerify(opts);
    });

  program
    .command("predeploy")
    .description(
      "Before production's pulumi up: the pinned digests passed verify in staging, the commit's required checks are green, the secrets are set, the error budget is not breached. Exit 1 on any failure",
    )
    .requiredOption("--stack <name>", "stack name", stackName)
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .option("--sha <sha>", "this repository's commit being deployed (default: GITHUB_SHA)")
    .option("--repository <owner/name>", "this repository (default: GITHUB_REPOSITORY)")
    .option("--app-url <app=url...>", "reach an app's /version at this URL instead of https://<domain>")
    .addOption(reportFormatOption())
    .addOption(reportOutOption())
    .addHelpText(
      "after",
      "\nEnvironment: AWS credentials and region chain (cloudwatch:DescribeAlarms), GITHUB_TOKEN (deployments, checks,\nstatuses: read), GITHUB_API_URL. A breached budget needs cicd-constitution:predeploy.overrides\n[{ ruleId: PREDEPLOY-ERROR-BUDGET, resource: APP, reason, owner, expires }].",
    )
    .action(async (opts) => {
      result.code = await load<typeof import("../deploy/command")>("../deploy/command").runPredeploy(opts);
    });
}

/** `migrate`: the app's migration task, run once between the two phases of a deploy. */
function migrateCommand(program: Command, result: CommandResult): void {
  program
    .command("migrate")
    .description(
      "Run the app's migration task once (ECS RunTask on the new image), print its logs; exit 1 when it fails, before the services change",
    )
    .requiredOption("--stack <name>", "stack name", stackName)
    .requiredOption("--app <name>", "app name")
    .requiredOption("--outputs <file>", "pulumi stack output --json after phase one (apps.<app>.migration)")
    .option("--poll <seconds>", "seconds between two reads of the task", seconds(0.01), 5)
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .addHelpText(
      "after",
      "\nEnvironment: AWS credentials and region chain (ecs:RunTask, ecs:DescribeTasks, ecs:StopTask, logs:GetLogEvents).",
    )
    .action(async (opts) => {
      result.code = await load<typeof import("../deploy/migrate")>("../deploy/migrate").runMigrate({
        ...opts,
        pollSeconds: opts.poll,
      });
    });
}

/** `incident`: PLAY 6 step 5's incident issue on the app's repository. */
function incidentCommand(program: Command, result: CommandResult): void {
  program
    .command("incident")
    .description(
      "Open the incident issue (Impact, Timeline, Suspected Cause, Fix plan) on the app's repository, or comment on the open one",
    )
    .requiredOption("--stack <name>", "stack name", stackName)
    .requiredOption("--app <name>", "app name")
    .option("--marker <text>", "what happened, e.g. the rollback's marker ROLLBACK mvp-X.Y.Z -> mvp-X.Y.W")
    .option("--run-url <url>", "the workflow run or pull request that acted, for the Timeline")
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .addHelpText(
      "after",
      "\nEnvironment: GITHUB_TOKEN (issues: write on the app repository), GITHUB_API_URL.",
    )
    .action(async (opts) => {
      result.code = await load<typeof import("../deploy/incident")>("../deploy/incident").runIncident(opts);
    });
}

/** `rollback`: production (or staging) re-pointed to an earlier digest in its stack file. */
function rollbackCommand(program: Command, result: CommandResult): void {
  program
    .command("rollback")
    .description(
      "Re-point production to the previous digest (image.history, or --to) in Pulumi.production.yaml, or staging to a digest it ran before (--staging-outputs), comments kept; print the pull request body",
    )
    .requiredOption("--app <name>", "app name")
    .option("--to <digest>", "digest to roll back to, sha256:<64 hex> (default: the first of image.history)")
    .option("--from-version <tag>", "release tag running now, mvp-X.Y.Z, for the ROLLBACK marker")
    .option("--to-version <tag>", "release tag rolled back to, mvp-X.Y.W, for the ROLLBACK marker")
    .option(
      "--owner <login>",
      "owner of the error-budget override the rollback adds (default: GITHUB_ACTOR, else the app's owner)",
    )
    .option(
      "--commit <sha>",
      "the target digest's commit, when staging's releases no longer hold it (with --date, --actor)",
    )
    .option("--date <iso>", "the target digest's build date, ISO 8601 UTC")
    .option("--actor <login>", "who built the target digest")
    .option("--disable-flags", "turn every flag of the app off in the same change (PLAY 6, step 4)")
    .option(
      "--corrective-migration <command>",
      "after a destructive migration: the command (space-separated) that restores the schema the target expects (PLAY 7)",
    )
    .option(
      "--staging-outputs <file>",
      "with --stack staging: pulumi stack output --json --stack staging (the releases staging ran)",
    )
    .option("--stack <name>", "stack whose file is edited", stackName, "production")
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .action(async (opts) => {
      const provenance =
        opts.commit || opts.date || opts.actor
          ? { gitSha: opts.commit, date: opts.date, actor: opts.actor }
          : undefined;
      const correctiveMigration = opts.correctiveMigration
        ? String(opts.correctiveMigration).split(/\s+/).filter(Boolean)
        : undefined;
      result.code = load<typeof import("./rollback")>("./rollback").runRollback({
        ...opts,
        provenance,
        correctiveMigration,
      });
    });
}

/** A `--max-wait` or `--poll` value: seconds, a number at least `min`. */
function seconds(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min)
      throw new InvalidArgumentError(`expected seconds, a number >= ${min}, found ${JSON.stringify(value)}`);
    return n;
  };
}

/** `flags wait` (before `pulumi up`) and `flags off` (the incident path): AppConfig feature flags. */
function flagsCommands(program: Command, result: CommandResult): void {
  const flags = program
    .command("flags")
    .description("AppConfig feature flags of a deployed stack: wait for deployments, turn a flag off")
    .addHelpText(
      "after",
      "\nEnvironment: AWS credentials and region chain (AWS_ENDPOINT_URL_APPCONFIG, AWS_ENDPOINT_URL_CLOUDWATCH honoured).",
    );
  const common = (c: Command) =>
    c
      .requiredOption("--stack <name>", "stack name", stackName)
      .requiredOption("--outputs <file>", "the stack's outputs: pulumi stack output --json --stack <name>")
      .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".");
  const run = () => load<typeof import("../deploy/flags")>("../deploy/flags");
  common(flags.command("wait"))
    .description(
      "Before pulumi up: wait until no app's AppConfig environment has a flag deployment in progress. Exit 1 at --max-wait, with when to retry",
    )
    .option("--max-wait <seconds>", "seconds to wait at most", seconds(0), FLAG_MAX_WAIT_SECONDS)
    .option("--poll <seconds>", "seconds between two reads", seconds(0.01), 15)
    .action(async (opts) => {
      result.code = await run().runFlagsWait(opts);
    });
  common(flags.command("off"))
    .description(
      "Incident: stop the app's flag deployment in progress, deploy its live document with FLAG disabled (all at once, alarm actions disabled meanwhile, then enabled again)",
    )
    .requiredOption("--app <name>", "app name")
    .requiredOption("--flag <name>", "flag to turn off")
    .option(
      "--max-wait <seconds>",
      "seconds the stop and the deployment may take",
      seconds(0),
      FLAG_MAX_WAIT_SECONDS,
    )
    .option("--poll <seconds>", "seconds between two reads of a deployment", seconds(0.01), 5)
    .action(async (opts) => {
      result.code = await run().runFlagsOff(opts);
    });
}

/** `diff`: two plan files, or a git ref's stacks against the working tree. */
function diffCommand(program: Command, result: CommandResult): void {
  program
    .command("diff")
    .description("Diff two plan files, or the stacks of a git ref against the working tree (--base-ref)")
    .argument("[base]", "base plan file (out/plan.<stack>.json)")
    .argument(
      "[head]",
      "head plan file, or with --base-ref a directory of plan files (default: preview the working tree)",
    )
    .option(
      "--base-ref <ref>",
      "preview this git ref's stacks in a temporary worktree and use them as the base",
    )
    .addOption(new Option("--format <format>", "output format").choices(DIFF_CHOICES).default("table"))
    .option("--out <file>", "write the diff to a file instead of stdout")
    .option("--json-out <file>", "also write the diff as JSON to this file (for cicd comment)")
    .option("--expect-no-changes", "exit 1 when any stack changes, as pulumi preview --expect-no-changes")
    .action(async (base: string | undefined, head: string | undefined, opts) => {
      const [b, h] = opts.baseRef && base && !head ? [undefined, base] : [base, head];
      result.code = await load<typeof import("../diff/command")>("../diff/command").runDiff({
        ...opts,
        base: b,
        head: h,
      });
    });
}

/** `comment`: pr.yml's pull request comment from its reports, or any Markdown body trimmed under GitHub's limit. */
function commentCommand(program: Command, result: CommandResult): void {
  program
    .command("comment")
    .description(
      "Compose the PR comment from a reports directory (verdict per stack, failures linked, diff, audits collapsed), trimmed under GitHub's limit",
    )
    .option("--reports <dir>", "audit.<stack>.sarif and .md, diff.md, diff.json", "reports")
    .option(
      "--run-url <url>",
      "the run's URL (default: from GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID)",
    )
    .option("--repo-url <url>", "the repository's URL (default: from GITHUB_SERVER_URL, GITHUB_REPOSITORY)")
    .option("--sha <sha>", "the commit the links point at (default: GITHUB_SHA)")
    .option("--max-chars <n>", "largest comment, UTF-8 bytes (default 60000, at most 65536)", (v) =>
      Number(v),
    )
    .option("--out <file>", "the comment (default <reports>/comment.md; with --trim, stdout)")
    .option("--full-out <file>", "the untrimmed comment (default <reports>/full-comment.md)")
    .option("--trim <file>", "trim this Markdown file instead (an issue body)")
    .option("--note <text>", "with --trim: the line a trimmed body ends with")
    .action((opts) => {
      result.code = load<typeof import("../comment/command")>("../comment/command").runComment(opts);
    });
}

/** `--format`: a report format (REPORT_FORMATS), default `table`; every command that renders a report takes it. */
function reportFormatOption(): Option {
  return new Option("--format <format>", "report format").choices([...REPORT_FORMATS]).default("table");
}

/** A comma-separated list of report formats (REPORT_FORMATS). @throws InvalidArgumentError naming the unknown one. */
function reportFormatList(value: string): string[] {
  const formats = value.split(",").map((f) => f.trim());
  const unknown = formats.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (unknown.length)
    throw new InvalidArgumentError(
      `${unknown.join(", ")}: expected formats among ${REPORT_FORMATS.join(", ")}`,
    );
  return formats;
}

/** `--out FILE`: the report written to a file instead of stdout. */
function reportOutOption(): Option {
  return new Option("--out <file>", "write the report to a file instead of stdout");
}

/**
 * `cicd --version`: the package's version, and the project's release when a `VERSION` file (written by `cicd
 * release`) sits beside the package.json, found from this module's directory up (bin/ or the sources).
 */
function versionLine(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name !== "cicd-constitution") continue;
    const release = path.join(dir, "VERSION");
    const tag = fs.existsSync(release) ? ` (${fs.readFileSync(release, "utf8").trim()})` : "";
    return `${pkg.name} ${pkg.version ?? "?"}${tag}`;
  }
  return "cicd-constitution (version unknown)";
}

/**
 * The command tree. Each action loads its command's module when it runs (`load`), so a command pays only
 * for what it uses: `verify --help` never loads the Pulumi SDK, `preview` never loads the AWS SDK clients. Each
 * action puts its command's exit code in `result.code`.
 */
function commands(result: CommandResult): Command {
  const program = new Command()
    .name("cicd")
    .description("Offline preview, policy audit and reports of the cicd-constitution Pulumi stacks.")
    .version(versionLine(), "--version", "print the CLI's version (and this project's release, from VERSION)")
    // `cicd --version` only before a command: after one, `--version <tag>` is the command's own option (bump,
    // promote, verify), never the CLI's version with exit 0.
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride();
  previewCommands(program, result);
  auditCommands(program, result);
  deployCommands(program, result);
  flagsCommands(program, result);
  diffCommand(program, result);
  commentCommand(program, result);
  doraCommand(program, result);
  releaseCommand(program, result);
  return program;
}

/** `release`: the next mvp-X.Y.Z from the Conventional Commits since the last one: VERSION, CHANGELOG, commit, tag. */
function releaseCommand(program: Command, result: CommandResult): void {
  program
    .command("release")
    .description(
      "On main: the next mvp-X.Y.Z from the commits since the last tag (feat: Y, fix: Z), VERSION, a CHANGELOG section, the chore(release) commit and the annotated tag; nothing pushed",
    )
    .option("--dry-run", "print the next tag and its notes, change nothing")
    .option(
      "--prepare",
      "write VERSION and the CHANGELOG section only, no commit or tag (the release pull request)",
    )
    .option(
      "--merged",
      "print as JSON the tag and notes of HEAD if it is a merged release commit not yet tagged",
    )
    .option("--github-release", "also create the GitHub Release (GITHUB_TOKEN, GITHUB_REPOSITORY)")
    .option("--date <date>", "release date, YYYY-MM-DD (default: today, UTC)", calendarDay)
    .option("--dir <dir>", "the git checkout", ".")
    .action(async (opts) => {
      result.code = await load<typeof import("../release/command")>("../release/command").runRelease(opts);
    });
}

/** `dora`: the four DORA metrics of a stack's apps from the deployments `cicd verify` recorded. */
function doraCommand(program: Command, result: CommandResult): void {
  program
    .command("dora")
    .description(
      "Deployment frequency, lead time, change failure rate and time to restore of a stack's apps, with their DORA bands (GitHub Deployments; GITHUB_TOKEN)",
    )
    .option("--stack <name>", "stack whose environment's deployments are read", stackName, "production")
    .option(
      "--since <date>",
      "first day of the window, YYYY-MM-DD (default: 30 days before --until)",
      calendarDay,
    )
    .option("--until <date>", "day after the window, YYYY-MM-DD (default: now)", calendarDay)
    .addOption(
      new Option("--format <format>", "table, json or markdown")
        .choices(["table", "json", "markdown"])
        .default("table"),
    )
    .option("--chart <file>", "also write the changes per week as an SVG chart, which the Markdown links")
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .action(async (opts) => {
      result.code = await load<typeof import("../dora/command")>("../dora/command").runDora(opts);
    });
}

/**
 * Runs one `cicd` command line in this process, as the `cicd` executable would, and returns its exit code:
 * 0 success, 1 a mandatory policy failed (or a post-deploy check), 2 bad input, usage errors included. Help and
 * messages go to stdout and stderr. Tests call this instead of a subprocess where the process is not what they test.
 *
 * @param argv the arguments after the program name, e.g. `["preview", "--stack", "all"]`.
 */
export async function runCli(argv: string[]): Promise<number> {
  const result = { code: 0 };
  try {
    await commands(result).parseAsync(argv, { from: "user" });
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
}

if (require.main === module) {
  try {
    // Compiled (bin/src/cli/main.js, what `npm start` and `npm run cicd` run): refuse to run older than the sources.
    if (__filename.endsWith(".js")) {
      const root = path.resolve(__dirname, "../../..");
      assertFreshBuild(root, path.resolve(__dirname, "../.."));
      // Node's own V8 code cache where Node has it (22.1+, `module.enableCompileCache`); nothing else is patched.
      const nodeModule = load<{ enableCompileCache?: (dir: string) => unknown }>("node:module");
      if (process.env.CICD_COMPILE_CACHE !== "off")
        nodeModule.enableCompileCache?.(path.join(root, "node_modules/.cache/cicd-compile-cache"));
    }
    void runCli(process.argv.slice(2)).then((code) => {
      process.exitCode = code;
    });
  } catch (err) {
    console.error(`cicd: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  }
}
