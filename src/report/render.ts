/**
 * Renders an {@link AuditReport} as a terminal table, JSON (the audit's machine format), Markdown (a PR
 * comment), SARIF 2.1.0 (GitHub code scanning) or JUnit XML (CI test reports). Every format states the mode
 * (offline/online), the stack, the policy pack and its version, and the counts.
 */

import { AuditReport, AuditReportJson, REPORT_FORMATS, ReportFormat } from "./types";
import { markdownCode, markdownText } from "../markdown";
import { CATALOGUE_PATH, defaultCatalogueUrl } from "./common";
import { renderTable } from "./table";
import { renderMarkdown } from "./markdownReport";
import { reportSarif } from "./sarif";
import { reportJunit } from "./junit";

export { CATALOGUE_PATH, defaultCatalogueUrl, markdownCode, markdownText, reportJunit, reportSarif };

/** Options of {@link renderReport}. */
export interface RenderOptions {
  /** Table: ANSI colours. Default: only when stdout is a TTY and NO_COLOR is unset. */
  color?: boolean;
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
