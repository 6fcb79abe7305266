/** The `cicd` commands of releases and their measure: release, dora. */
import { Command, Option } from "commander";
import { type CommandResult, calendarDay, colorOption, loader, stackName } from "../options";

const load = loader(require);

/** `release`: the next mvp-X.Y.Z from the Conventional Commits since the last one: VERSION, CHANGELOG, commit, tag. */
export function releaseCommand(program: Command, result: CommandResult): void {
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
      result.code =
        await load<typeof import("../../release/command")>("../../release/command").runRelease(opts);
    });
}

/** `dora`: the four DORA metrics of a stack's apps from the deployments `cicd verify` recorded. */
export function doraCommand(program: Command, result: CommandResult): void {
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
    .addOption(colorOption())
    .option("--chart <file>", "also write the changes per week as an SVG chart, which the Markdown links")
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .action(async (opts) => {
      result.code = await load<typeof import("../../dora/command")>("../../dora/command").runDora(opts);
    });
}
