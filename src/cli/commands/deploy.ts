/** The `cicd` commands of the release path: bump, verify, predeploy, migrate, promote. */
import { Command } from "commander";
import {
  type CommandResult,
  loader,
  stackName,
  seconds,
  reportFormatOption,
  reportOutOption,
  colorOption,
} from "../options";
import { incidentCommand, rollbackCommand } from "./incident";

const load = loader(require);

/**
 * The release path, in the order `cicd --help` lists it: `bump` (an app's build into staging), `verify` and
 * `predeploy` (after and before `pulumi up`), `rollback` and `incident` (./incident), `migrate`, `promote`.
 */
export function deployCommands(program: Command, result: CommandResult): void {
  bumpCommand(program, result);
  deployCheckCommands(program, result);
  rollbackCommand(program, result);
  incidentCommand(program, result);
  migrateCommand(program, result);
  promoteCommand(program, result);
}

/** `bump`: an app's build (its repository's commit) into Pulumi.staging.yaml. */
export function bumpCommand(program: Command, result: CommandResult): void {
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
      result.code = load<typeof import("../bump")>("../bump").runBump(opts);
    });
}

/**
 * The checks around `pulumi up`: `verify` after it (what runs against what the stack pins) and `predeploy` before
 * production's (the pinned digests verified in staging, the commit's checks, the secrets, the error budget).
 */
export function deployCheckCommands(program: Command, result: CommandResult): void {
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
    .addOption(colorOption())
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
      result.code = await load<typeof import("../../deploy/command")>("../../deploy/command").runVerify(opts);
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
    .addOption(colorOption())
    .addOption(reportOutOption())
    .addHelpText(
      "after",
      "\nEnvironment: AWS credentials and region chain (cloudwatch:DescribeAlarms), GITHUB_TOKEN (deployments, checks,\nstatuses: read), GITHUB_API_URL. A breached budget needs cicd-constitution:predeploy.overrides\n[{ ruleId: PREDEPLOY-ERROR-BUDGET, resource: APP, reason, owner, expires }].",
    )
    .action(async (opts) => {
      result.code =
        await load<typeof import("../../deploy/command")>("../../deploy/command").runPredeploy(opts);
    });
}

/** `migrate`: the app's migration task, run once between the two phases of a deploy. */
export function migrateCommand(program: Command, result: CommandResult): void {
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
      result.code = await load<typeof import("../../deploy/migrate")>("../../deploy/migrate").runMigrate({
        ...opts,
        pollSeconds: opts.poll,
      });
    });
}

/** `promote`: production's pin from what staging ran and verified (LANES "Release PR"). */
export function promoteCommand(program: Command, result: CommandResult): void {
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
      result.code = await load<typeof import("../promote")>("../promote").runPromote({
        ...opts,
        stagingOutputs: opts.stagingOutputs,
      });
    });
}
