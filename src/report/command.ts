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
import { renderReport, renderReports } from "./render";
import type { AuditReport, ReportFormat } from "./types";
import { writeInDirectory, writeOutputFile } from "../files";
import { type ColorMode, type Layout, layoutFor } from "../terminal";

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
  /** One file for all stacks: the same one document stdout would carry ({@link reportsText}). */
  out?: string;
  /** A directory: one file per stack, `audit.<stack>.<ext>`. */
  outDir?: string;
  /** `YYYY-MM-DD` for expiry dates. Default: today. */
  today?: string;
  /** `--color`: table colours on stdout (src/terminal.ts `useColor`); files get none unless `always`. Default `auto`. */
  color?: ColorMode;
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
 * The audit of one stack rendered in `format`, secret values of its preview redacted (in the report's data, then
 * in the text, so no encoding of a format lets one through).
 */
export function reportText(
  preview: StackPreview,
  report: AuditReport,
  format: ReportFormat,
  layout: Layout = { color: false },
): string {
  const redacted = redactDeep(report, preview.secretValues);
  return redactSecrets(renderReport(redacted, format, layout), preview.secretValues) + "\n";
}

/**
 * The audits of several stacks as one text in `format` (src/report/render.ts `renderReports`: one document for
 * json, sarif and junit; the texts one after the other for table and markdown), ending in a newline. Each
 * report's data is redacted of every preview's secret values (a stack's evidence may quote another's: redacting
 * only the text would miss it once encoded, e.g. JSON-escaped), then the text.
 */
export function reportsText(
  audits: Array<{ preview: StackPreview; report: AuditReport }>,
  format: ReportFormat,
  layout: Layout = { color: false },
): string {
  const secrets = audits.flatMap((a) => [...a.preview.secretValues]);
  const reports = audits.map((a) => redactDeep(a.report, secrets));
  return redactSecrets(renderReports(reports, format, layout), secrets) + "\n";
}

/** Writes the audit of one stack to `outDir/audit.<stack>.<ext>` in each of `formats` (the directory made). */
export function writeStackReports(
  outDir: string,
  preview: StackPreview,
  report: AuditReport,
  formats: Iterable<ReportFormat>,
  color?: ColorMode,
): void {
  fs.mkdirSync(outDir, { recursive: true });
  for (const format of new Set(formats))
    writeInDirectory(
      outDir,
      `audit.${preview.plan.stack}.${EXTENSIONS[format]}`,
      reportText(preview, report, format, layoutFor(color, true)),
    );
}

/**
 * Runs `cicd report`: previews the stacks, audits each (results located in its stack file) and writes the
 * reports, secret values redacted: to stdout or `--out` one text for every stack ({@link reportsText}: one JSON
 * object keyed by stack, one SARIF log with a run per stack, one JUnit `<testsuites>`; table and Markdown one
 * after the other), or one file per stack in `--out-dir`.
 *
 * @returns the exit code: 0, 1 when a mandatory rule failed, 2 on invalid config, no stack file, or
 *   `--also-formats` without `--out-dir`.
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
  const now = opts.today ? new Date(`${opts.today}T00:00:00Z`) : new Date();
  const audits: Array<{ preview: StackPreview; report: AuditReport }> = [];
  try {
    for (const preview of await previewStacks(dir, stacks, now)) {
      const report = auditPreview(preview, now, dir);
      audits.push({ preview, report });
      if (opts.outDir)
        writeStackReports(
          opts.outDir,
          preview,
          report,
          [opts.format, ...(opts.alsoFormats ?? [])],
          opts.color,
        );
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof PromotionError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  if (!opts.outDir) {
    const text = reportsText(audits, opts.format, layoutFor(opts.color, !!opts.out));
    if (opts.out) {
      fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
      writeOutputFile(opts.out, text);
    } else process.stdout.write(text);
  }
  return audits.some((a) => a.report.summary.mandatoryFailures > 0) ? 1 : 0;
}
