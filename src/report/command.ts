/**
 * `cicd report [--stack NAME|all] [--format table|json|markdown|sarif|junit] [--out FILE | --out-dir DIR]`:
 * previews the stacks offline, runs the policy pack over them in process (each stack's
 * `cicd-constitution:policy` config applied) and renders the audit report.
 *
 * Exit codes: 0 no mandatory failure; 1 a mandatory rule failed; 2 invalid config or input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { auditPreview } from "../audit/policy";
import { previewStacks, stackNames } from "../offline/stacks";
import { ConfigError } from "../config/model";
import { redactDeep, redactSecrets } from "../offline/recorder";
import { PromotionError } from "../program";
import type { StackPreview } from "../offline/preview";
import { renderReport } from "./render";
import type { AuditReport, ReportFormat } from "./types";
import { writeInDirectory, writeOutputFile } from "../files";

/** Options of {@link runReport}. */
export interface ReportCommandOptions {
  /** A stack name or `all`. */
  stack: string;
  format: ReportFormat;
  /**
   * With {@link outDir}: more formats rendered from the same preview of each stack (one preview, every file),
   * as `pr.yml` writes SARIF, Markdown, JUnit and JSON. Default: none.
   */
  alsoFormats?: ReportFormat[];
  /** Project directory (stack files). Default `.`. */
  dir?: string;
  /** One file for all stacks (reports concatenated; one stack only for json/sarif/junit). */
  out?: string;
  /** A directory: one file per stack, `audit.<stack>.<ext>`. */
  outDir?: string;
  /** `YYYY-MM-DD` for expiry dates. Default: today. */
  today?: string;
  /** Table colours; default: on a TTY. */
  color?: boolean;
}

/** File extension of each format. */
export const EXTENSIONS: Record<ReportFormat, string> = {
  table: "txt",
  json: "json",
  markdown: "md",
  sarif: "sarif",
  junit: "xml",
};

/**
 * Whether reports of several stacks in `format` may share one file (`--out`): text meant for people (table,
 * Markdown) reads well one after the other; a JSON, SARIF or JUnit file must hold one document.
 *
 * @throws Error for a format outside {@link ReportFormat} (only reachable from untyped callers).
 */
export function concatenates(format: ReportFormat): boolean {
  switch (format) {
    case "table":
    case "markdown":
      return true;
    case "json":
    case "sarif":
    case "junit":
      return false;
    default: {
      const unknown: never = format;
      throw new Error(`unknown report format ${String(unknown)}`);
    }
  }
}

/**
 * The audit of one stack rendered in `format`, secret values of its preview redacted (in the report's data, then
 * in the text, so no encoding of a format lets one through).
 */
export function reportText(
  preview: StackPreview,
  report: AuditReport,
  format: ReportFormat,
  color?: boolean,
): string {
  const redacted = redactDeep(report, preview.secretValues);
  return redactSecrets(renderReport(redacted, format, { color }), preview.secretValues) + "\n";
}

/** Writes the audit of one stack to `outDir/audit.<stack>.<ext>` in each of `formats` (the directory made). */
export function writeStackReports(
  outDir: string,
  preview: StackPreview,
  report: AuditReport,
  formats: Iterable<ReportFormat>,
  color?: boolean,
): void {
  fs.mkdirSync(outDir, { recursive: true });
  for (const format of new Set(formats))
    writeInDirectory(
      outDir,
      `audit.${preview.plan.stack}.${EXTENSIONS[format]}`,
      reportText(preview, report, format, color),
    );
}

/**
 * Runs `cicd report`: previews the stacks, audits each (results located in its stack file) and writes the
 * reports (stdout, `--out`, or one file per stack in `--out-dir`), secret values redacted.
 *
 * @returns the exit code: 0, 1 when a mandatory rule failed, 2 on invalid config, no stack file, or several
 *   stacks into one `--out` file of a format that holds one document ({@link concatenates}).
 */
export async function runReport(opts: ReportCommandOptions): Promise<number> {
  const dir = opts.dir ?? ".";
  const stacks = opts.stack === "all" ? stackNames(dir) : [opts.stack];
  if (stacks.length === 0) {
    console.error(`No Pulumi.<stack>.yaml in ${path.resolve(dir)}`);
    return 2;
  }
  if (opts.alsoFormats?.length && !opts.outDir) {
    console.error("--also-formats writes one file per stack and format: give --out-dir");
    return 2;
  }
  // Two JSON, SARIF or JUnit documents back to back are no valid file, on stdout as in --out.
  if (!opts.outDir && stacks.length > 1 && !concatenates(opts.format)) {
    console.error(`--format ${opts.format} writes one document per stack: use --out-dir or --stack NAME`);
    return 2;
  }
  const now = opts.today ? new Date(`${opts.today}T00:00:00Z`) : new Date();
  let mandatory = 0;
  const texts: string[] = [];
  try {
    const previews = await previewStacks(dir, stacks, now);
    for (const p of previews) {
      const report = auditPreview(p, now, dir);
      mandatory += report.summary.mandatoryFailures;
      if (opts.outDir)
        writeStackReports(opts.outDir, p, report, [opts.format, ...(opts.alsoFormats ?? [])], opts.color);
      else texts.push(reportText(p, report, opts.format, opts.color));
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof PromotionError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  if (!opts.outDir) {
    const all = texts.join("\n");
    if (opts.out) {
      fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
      writeOutputFile(opts.out, all);
    } else process.stdout.write(all);
  }
  return mandatory > 0 ? 1 : 0;
}
