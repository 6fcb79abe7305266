/** The `cicd` commands of the incident path: rollback, incident, flags wait, flags off. */
import { Command } from "commander";
import { type CommandResult, loader, stackName, seconds } from "../options";
import { FLAG_MAX_WAIT_SECONDS } from "../../../policy-pack/lib/facts";

const load = loader(require);

/** `rollback`: production (or staging) re-pointed to an earlier digest in its stack file. */
export function rollbackCommand(program: Command, result: CommandResult): void {
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
      result.code = load<typeof import("../rollback")>("../rollback").runRollback({
        ...opts,
        provenance,
        correctiveMigration,
      });
    });
}

/** `incident`: PLAY 6 step 5's incident issue on the app's repository. */
export function incidentCommand(program: Command, result: CommandResult): void {
  program
    .command("incident")
    .description(
      "Open the incident issue (Impact, Timeline, Suspected Cause, Fix plan) on the app's repository, or comment on the open one",
    )
    .option("--stack <name>", "stack name (required unless --template)", stackName)
    .option("--app <name>", "app name (required unless --template)")
    .option("--marker <text>", "what happened, e.g. the rollback's marker ROLLBACK mvp-X.Y.Z -> mvp-X.Y.W")
    .option("--run-url <url>", "the workflow run or pull request that acted, for the Timeline")
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .option(
      "--template",
      "print the incident issue template (.github/ISSUE_TEMPLATE/incident.md) to commit to an app repository through a pull request",
    )
    .addHelpText(
      "after",
      "\nEnvironment: GITHUB_TOKEN (issues: write on the app repository), GITHUB_API_URL.",
    )
    .action(async (opts, cmd: Command) => {
      if (opts.template) {
        const t = load<typeof import("../../../components/templates")>("../../../components/templates");
        process.stdout.write(t.incidentTemplate());
        return;
      }
      for (const flag of ["stack", "app"] as const)
        if (!opts[flag])
          cmd.error(`error: required option '--${flag} <name>' not specified`, { exitCode: 2 });
      result.code =
        await load<typeof import("../../deploy/incident")>("../../deploy/incident").runIncident(opts);
    });
}

/** `flags wait` (before `pulumi up`) and `flags off` (the incident path): AppConfig feature flags. */
export function flagsCommands(program: Command, result: CommandResult): void {
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
  const run = () => load<typeof import("../../deploy/flags")>("../../deploy/flags");
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
