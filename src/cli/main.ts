#!/usr/bin/env node
/**
 * The `cicd` command line: `npm run --silent cicd -- <command>`.
 * Exit codes: 0 success; 1 a mandatory policy failed; 2 invalid config or unreadable input.
 */
import { Command, Option } from "commander";
import { runPolicyConfig } from "./policy";
import { runPreview } from "./preview";

const program = new Command()
  .name("cicd")
  .description("Offline preview, policy audit and reports of the cicd-constitution Pulumi stacks.")
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

program
  .command("preview")
  .description("Preview stacks offline under Pulumi's mock runtime and write out/plan.<stack>.json")
  .addOption(new Option("--stack <name>", "stack to preview: a stack name or all").default("all"))
  .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
  .option("--out-dir <dir>", "where plan files go", "out")
  .option("--today <date>", "date used for date checks, YYYY-MM-DD (default: today)")
  .addOption(new Option("--format <format>", "summary format").choices(["table", "json"]).default("table"))
  .action(async (opts) => {
    process.exitCode = await runPreview(opts);
  });

program
  .command("policy-config")
  .description("Print a stack's policy pack config (JSON) for pulumi preview --policy-pack-config")
  .requiredOption("--stack <name>", "stack name")
  .option("--dir <dir>", "project directory holding Pulumi.<stack>.yaml", ".")
  .action((opts) => {
    process.exitCode = runPolicyConfig(opts);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
