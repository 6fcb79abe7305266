/** The `cicd` commands of the offline preview and the policy audit: preview, policy-config, audit, report. */
import { Command, Option } from "commander";
import {
  type CommandResult,
  loader,
  stackName,
  calendarDay,
  reportFormatOption,
  reportFormatList,
  reportOutOption,
  SUMMARY_CHOICES,
  colorOption,
} from "../options";

const load = loader(require);

/** `preview` (offline preview, plans and audit) and `policy-config` (a stack's pack config). */
export function previewCommands(program: Command, result: CommandResult): void {
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
    .addOption(colorOption())
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
      result.code = await load<typeof import("../preview")>("../preview").runPreview(opts);
    });

  program
    .command("policy-config")
    .description("Print a stack's policy pack config (JSON) for pulumi preview --policy-pack-config")
    .requiredOption("--stack <name>", "stack name", stackName)
    .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
    .action(async (opts) => {
      result.code = await load<typeof import("../policy")>("../policy").runPolicyConfig(opts);
    });
}

/** `audit` (the pack over existing state) and `report` (the audit of the offline preview, in any report format). */
export function auditCommands(program: Command, result: CommandResult): void {
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
    .addOption(colorOption())
    .action(async (opts) => {
      result.code = await load<typeof import("../../audit/command")>("../../audit/command").runAudit(opts);
    });

  program
    .command("report")
    .description(
      "Preview stacks offline, run the policy pack and render the audit (table, json, markdown, sarif, junit)",
    )
    .addOption(new Option("--stack <name>", "a stack name or all").default("all").argParser(stackName))
    .addOption(reportFormatOption())
    .addOption(colorOption())
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
      result.code = await load<typeof import("../../report/command")>("../../report/command").runReport(opts);
    });
}
