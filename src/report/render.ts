/**
 * Renders an {@link AuditReport} as a terminal table, JSON (the audit's machine format), Markdown (a PR
 * comment), SARIF 2.1.0 (GitHub code scanning) or JUnit XML (CI test reports). Every format states the mode
 * (offline/online), the stack, the policy pack and its version, and the counts.
 */

import { AuditReport, AuditReportJson, AuditReportsJson, REPORT_FORMATS, ReportFormat } from "./types";
import { markdownCode, markdownText } from "../markdown";
import { CATALOGUE_PATH, defaultCatalogueUrl } from "./common";
import { renderTable } from "./table";
import { renderMarkdown } from "./markdownReport";
import { reportSarif, reportsSarif } from "./sarif";
import { reportJunit, reportsJunit } from "./junit";

export {
  CATALOGUE_PATH,
  defaultCatalogueUrl,
  markdownCode,
  markdownText,
  reportJunit,
  reportsJunit,
  reportSarif,
  reportsSarif,
};

/** Options of {@link renderReport}. */
export interface RenderOptions {
  /** Table: ANSI colours. Default: src/terminal.ts `useColor()` (FORCE_COLOR, NO_COLOR, stdout a TTY). */
  color?: boolean;
  /**
   * Table: display columns a line may take (the terminal's); tables fit it, their cells and long lines wrap,
   * nothing is cut. Default: no limit, each column as wide as its widest cell.
   */
  width?: number;
  /** Table: list passing and not-applicable results too (default: counted per section only). */
  verbose?: boolean;
  /**
   * SARIF: URL of the policy catalogue; each rule's `helpUri` is this URL with `#<lowercased rule ID>`.
   * Default {@link defaultCatalogueUrl}.
   */
  catalogueUrl?: string;
}

/**
 * The JSON format: `{ schemaVersion: 1, mode, stack, policyPack: {name, version}, summary,
 * results: [{ ruleId, status, enforcementLevel, resource: {urn, type, name} | null, message }] }`.
 */
export function reportJson(r: AuditReport): AuditReportJson {
  return {
    schemaVersion: 1,
    mode: r.mode,
    stack: r.stack,
    policyPack: { name: r.policyPack.name, version: r.policyPack.version },
    summary: r.summary,
    overrides: r.overrides,
    scorecard: r.scorecard,
    results: r.results.map((x) => ({
      ruleId: x.ruleId,
      status: x.status,
      enforcementLevel: x.enforcementLevel,
      resource: x.resource ? { urn: x.resource.urn, type: x.resource.type, name: x.resource.name } : null,
      message: x.message,
    })),
  };
}

/**
 * The JSON format of several stacks: `{ schemaVersion: 1, stacks: { <stack>: <the stack's JSON format> } }`, the
 * stacks in the order given.
 *
 * @throws Error when two reports are of the same stack (one key each).
 */
export function reportsJson(reports: AuditReport[]): AuditReportsJson {
  const stacks: Record<string, AuditReportJson> = {};
  for (const r of reports) {
    if (Object.hasOwn(stacks, r.stack)) throw new Error(`two reports of stack ${r.stack}`);
    stacks[r.stack] = reportJson(r);
  }
  return { schemaVersion: 1, stacks };
}

// ---------------------------------------------------------------- entry point

/**
 * Renders a report in one format.
 *
 * @param format `table` | `json` | `markdown` | `sarif` | `junit` ({@link REPORT_FORMATS}).
 * @returns the text (no trailing newline for table/markdown; JSON and SARIF pretty-printed).
 * @throws Error for a format outside {@link ReportFormat} (only reachable from untyped callers).
 */
export function renderReport(report: AuditReport, format: ReportFormat, opts: RenderOptions = {}): string {
  switch (format) {
    case "table":
      return renderTable(report, opts);
    case "json":
      return JSON.stringify(reportJson(report), null, 2);
    case "markdown":
      return renderMarkdown(report);
    case "sarif":
      return JSON.stringify(reportSarif(report, opts), null, 2);
    case "junit":
      return reportJunit(report);
    default: {
      // A format added to ReportFormat and not rendered here fails tsc: `format` is not `never` then.
      const unknown: never = format;
      throw new Error(`unknown report format ${String(unknown)}; expected ${REPORT_FORMATS.join(", ")}`);
    }
  }
}

/**
 * Renders the reports of several stacks (in the order given) as one text: for `table` and `markdown` each
 * report's text, a blank line between them; for `json`, `sarif` and `junit` one document ({@link reportsJson}: an
 * object keyed by stack; {@link reportsSarif}: one run per stack; {@link reportsJunit}: one `<testsuites>`). One
 * report renders as {@link renderReport} renders it.
 *
 * @throws Error when `reports` is empty, or (json) two reports are of the same stack.
 */
export function renderReports(
  reports: AuditReport[],
  format: ReportFormat,
  opts: RenderOptions = {},
): string {
  if (reports.length === 0) throw new Error("no report to render");
  if (reports.length === 1) return renderReport(reports[0], format, opts);
  switch (format) {
    case "table":
    case "markdown":
      return reports.map((r) => renderReport(r, format, opts)).join("\n\n");
    case "json":
      return JSON.stringify(reportsJson(reports), null, 2);
    case "sarif":
      return JSON.stringify(reportsSarif(reports, opts), null, 2);
    case "junit":
      return reportsJunit(reports);
    default: {
      const unknown: never = format;
      throw new Error(`unknown report format ${String(unknown)}; expected ${REPORT_FORMATS.join(", ")}`);
    }
  }
}
