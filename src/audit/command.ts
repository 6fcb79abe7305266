/**
 * `cicd audit --from-export FILE [--stack NAME] [--format table|json|markdown|sarif|junit] [--out FILE]`: runs
 * the policy pack over existing state (a `pulumi stack export`, a `pulumi preview --json`, or a plan file) and
 * renders the same report as the offline preview's audit. Exit 0 when no mandatory rule fails, 1 when one
 * does, 2 on unreadable input or config. Never prints a secret value.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { auditReport, findStackFile, packConfigOfStackFile } from "./policy";
import { ConfigError } from "../config/model";
import { redactDeep, redactSecrets } from "../offline/recorder";
import { renderReport } from "../report/render";
import type { ReportFormat } from "../report/types";
import { AuditInputError, readState } from "./readState";
import { isStackName, writeOutputFile } from "../files";
import { type ColorMode, layoutFor } from "../terminal";

/** Options of {@link runAudit}. */
export interface AuditOptions {
  /** The state file. */
  fromExport: string;
  /** Stack name; default: from the file's URNs. Its `Pulumi.<stack>.yaml` (in `dir`), if any, gives the policy config. */
  stack?: string;
  /** Report format. Default: table. */
  format: ReportFormat;
  /** Write the report to this file instead of stdout. */
  out?: string;
  /** Directory of the stack files. Default: the current directory. */
  dir?: string;
  /** "Today" for expiry dates. Default: now. */
  now?: Date;
  /** `--color`: table colours (src/terminal.ts `useColor`; a file gets none unless `always`). Default `auto`. */
  color?: ColorMode;
  /**
   * Audit the file with `stack`'s settings although its URNs name another stack. Default: false, refused (another
   * stack's waivers and settings would judge it).
   */
  allowOtherStack?: boolean;
}

/** The JSON report this command prints with `--format json`. */
export type { AuditReportJson } from "../report/types";

/**
 * Runs the audit; prints the report (stdout, or `out`) and returns the exit code. Errors on input are printed to
 * stderr (exit 2).
 */
export async function runAudit(opts: AuditOptions): Promise<number> {
  let text: string;
  let mandatoryFailures: number;
  try {
    const state = readState(opts.fromExport);
    const stack = opts.stack ?? state.stack;
    if (!stack)
      throw new AuditInputError(`${opts.fromExport}: no resource names its stack; pass --stack NAME`);
    if (!isStackName(stack))
      throw new AuditInputError(
        `${opts.fromExport}: its URNs name the stack ${JSON.stringify(stack)}, not a stack name`,
      );
    if (opts.stack && state.stack && state.stack !== opts.stack && !opts.allowOtherStack)
      throw new AuditInputError(
        `${opts.fromExport} holds stack ${JSON.stringify(state.stack)} (its URNs), not --stack ${opts.stack}: ${opts.stack}'s settings and waivers would judge another stack; pass --allow-other-stack to do so anyway`,
      );
    const dir = opts.dir ?? process.cwd();
    const stackFile = findStackFile(dir, stack);
    // Said on stderr, so stdout stays one document in every format.
    console.error(
      stackFile
        ? `audit: stack ${stack}, policy settings from ${path.join(dir, stackFile.uri)}`
        : `audit: stack ${stack}, no Pulumi.${stack}.yaml in ${path.resolve(dir)}: the pack's default settings`,
    );
    const report = auditReport(state.resources, {
      stack,
      mode: state.kind === "plan" ? "offline" : "online",
      config: packConfigOfStackFile(dir, stack),
      now: opts.now,
      secretsMarked: state.secretsMarked,
      stackFile,
    });
    mandatoryFailures = report.summary.mandatoryFailures;
    // On a terminal, the table fits its width; to a file or a pipe, lines as long as their values.
    const layout = layoutFor(opts.color, !!opts.out);
    text = redactSecrets(
      renderReport(redactDeep(report, state.secretValues), opts.format, layout),
      state.secretValues,
    );
  } catch (err) {
    if (err instanceof AuditInputError || err instanceof ConfigError) {
      console.error(`audit: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (opts.out) {
    fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    writeOutputFile(opts.out, `${text}\n`);
  } else process.stdout.write(`${text}\n`);
  return mandatoryFailures > 0 ? 1 : 0;
}
