/**
 * What `cicd verify` and `cicd predeploy` find, one check per app and subject, and how every report format
 * renders it: a table (cli-table3), JSON, Markdown (a job summary), SARIF 2.1.0 (`@types/sarif`) and JUnit XML
 * (fast-xml-parser). Any failed check fails the command (exit 1).
 */
import { XMLBuilder } from "fast-xml-parser";
import type * as Sarif from "sarif";
import type { ReportFormat } from "../report/types";
import { terminalText, xmlSafe } from "../inert";
import { markdownText } from "../markdown";
import { type Cell, type Layout, layoutTable } from "../terminal";

/** A check's verdict: `skip` when it could not apply (no such alarm, an override in force). */
export type CheckStatus = "pass" | "fail" | "skip";

/** The checks of both commands, with what each proves; IDs are stable, like the pack's rule IDs. */
export const CHECKS = {
  "VERIFY-SERVICE":
    'the ECS service is steady on one deployment that did not fail or roll back (OPS "Rollback Procedures")',
  "VERIFY-DIGEST":
    'the running task definition runs the pinned image digest (CONST "Build Once, Promote Many")',
  "VERIFY-ALIAS":
    'the moving alias (:staging, :prod) names the pinned digest in the registry (F6 "Pipeline Guarantees")',
  "VERIFY-VERSION": 'the app\'s /version reports the BUILD_SHA the stack pins (F6 "Pipeline Guarantees")',
  "VERIFY-SCHEMA":
    "the app's /version reports the SCHEMA_REVISION its release's migration lands, one head only (F6 \"Migration Safety Net (Alembic)\")",
  "VERIFY-HEALTH":
    'the health and readiness endpoints answer 200 (F6 "Health / Readiness / Liveness Endpoints")',
  "VERIFY-SMOKE": 'each golden-path request answers as configured (PLAY "3) Staging deploy")',
  "VERIFY-GOLDEN-PATH":
    'the smoke\'s golden-path result is published as the metrics the dashboard reads (CONST "Observability")',
  "VERIFY-FLAGS":
    'the latest AppConfig flag deployment is COMPLETE, not rolled back (CONST "Feature Flags & Rollout")',
  "VERIFY-MARKER":
    'a deploy marker with version and SHA is recorded (CONST "Observability"; PLAY "3) Staging deploy")',
  "PREDEPLOY-STAGING-VERIFIED":
    'the digest to promote passed cicd verify in staging (PLAY "4) Production promotion")',
  "PREDEPLOY-CHECKS-GREEN": 'the commit\'s required checks are green (F6 "Pre-Deploy Checklist Script")',
  "PREDEPLOY-SECRETS": 'every secret the stack requires is set (F6 "Pre-Deploy Checklist Script")',
  "PREDEPLOY-STAGING-SOAK":
    'the digest ran verified in staging for the soak time, its alarms OK all along (PLAY "9) Staging gate")',
  "PREDEPLOY-DRIFT":
    'no open drift issue: drift stops the line (LANES "treat failures as stop-the-line events")',
  "PREDEPLOY-SCHEMA":
    'the schema production reports on /version is the one the release migrates from (or lands, on a re-run), one head only (F6 "a known database schema")',
  "PREDEPLOY-MIGRATION":
    'the release\'s migration contract is met: a maintenance window for requires_maintenance_window and destructive, and a backup newer than a day for destructive (F6 "Migration Safety Net (Alembic)")',
  "PREDEPLOY-CONTRACT-BURN-IN":
    'a destructive (contract) migration deploys only after the release before it ran verified in staging for burnInDays (CONST "Migrations (Expand → Migrate → Contract)")',
  "PREDEPLOY-ROLLBACK-TARGET":
    'a previous digest to roll back to, verified in staging (OPS "Rollback plan verified")',
  "PREDEPLOY-ERROR-BUDGET":
    'the error budget\'s burn alarms are not in ALARM (F6 "Error Budget & Deploy Freeze")',
} as const;

/** A check ID. */
export type CheckId = keyof typeof CHECKS;

/** One finding. Messages never hold a secret's value. */
export interface Check {
  id: CheckId;
  /** The app checked, or `*` for the stack as a whole. */
  app: string;
  status: CheckStatus;
  /** What was expected and what was found, in one sentence. */
  message: string;
}

/** The report of one command on one stack. */
export interface CheckReport {
  command: "verify" | "predeploy";
  stack: string;
  checks: Check[];
}

/** The exit code of a report: 1 when any check failed, else 0. */
export function exitCodeOf(r: CheckReport): number {
  return r.checks.some((c) => c.status === "fail") ? 1 : 0;
}

function counts(r: CheckReport): string {
  const n = (s: CheckStatus) => r.checks.filter((c) => c.status === s).length;
  return `${n("pass")} passed, ${n("fail")} failed, ${n("skip")} skipped`;
}

/** The checks as a terminal table fitted to `layout` (src/terminal.ts): status and check ID never narrowed. */
function renderTable(r: CheckReport, layout: Layout): string {
  const style = { pass: "green", fail: "red", skip: "gray" } as const;
  const rows: Cell[][] = r.checks.map((c) => [
    { text: c.status.toUpperCase(), style: style[c.status] },
    c.id,
    terminalText(c.app),
    terminalText(c.message),
  ]);
  const table = layoutTable(["status", "check", "app", "finding"], rows, layout, { keep: [0, 1] });
  return `cicd ${r.command} --stack ${r.stack}\n${table}\n${counts(r)}`;
}

function renderMarkdown(r: CheckReport): string {
  const icon: Record<CheckStatus, string> = { pass: "✅", fail: "❌", skip: "⏭️" };
  return [
    `## cicd ${r.command}: ${r.stack}`,
    "",
    counts(r),
    "",
    "| | check | app | finding |",
    "| --- | --- | --- | --- |",
    ...r.checks.map(
      (c) => `| ${icon[c.status]} | ${c.id} | ${markdownText(c.app)} | ${markdownText(c.message)} |`,
    ),
  ].join("\n");
}

function reportSarif(r: CheckReport): Sarif.Log {
  const ids = Object.keys(CHECKS) as CheckId[];
  return {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [
      {
        tool: {
          driver: {
            name: `cicd ${r.command}`,
            rules: ids.map((id) => ({ id, shortDescription: { text: CHECKS[id] } })),
          },
        },
        results: r.checks.map((c) => ({
          ruleId: c.id,
          ruleIndex: ids.indexOf(c.id),
          kind: c.status === "pass" ? "pass" : c.status === "fail" ? "fail" : "notApplicable",
          level: c.status === "fail" ? "error" : "none",
          message: { text: `${c.app}: ${c.message}` },
          properties: { stack: r.stack, app: c.app },
        })),
      },
    ],
  };
}

function reportJunit(r: CheckReport): string {
  const doc = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    testsuites: {
      "@_name": `cicd ${r.command} ${r.stack}`,
      testsuite: {
        "@_name": `${r.command}: ${r.stack}`,
        "@_tests": r.checks.length,
        "@_failures": r.checks.filter((c) => c.status === "fail").length,
        "@_errors": 0,
        "@_skipped": r.checks.filter((c) => c.status === "skip").length,
        testcase: r.checks.map((c) => ({
          "@_classname": `${r.stack}.${c.id}`,
          "@_name": `${c.id} ${c.app}`,
          ...(c.status === "fail"
            ? { failure: { "@_message": c.message, "#text": `${CHECKS[c.id]}\n${c.message}` } }
            : c.status === "skip"
              ? { skipped: { "@_message": c.message } }
              : {}),
        })),
      },
    },
  };
  return new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true }).build(
    xmlSafe(doc),
  ) as string;
}

/**
 * Renders a report in one of the report formats; `layout` (table only): colours and the width to fit, default no
 * colour and no width limit.
 *
 * @throws Error for a format that is not one of table, json, markdown, sarif, junit.
 */
export function renderChecks(
  r: CheckReport,
  format: ReportFormat,
  layout: Layout = { color: false },
): string {
  switch (format) {
    case "table":
      return renderTable(r, layout);
    case "json":
      return JSON.stringify({ schemaVersion: 1, ...r, summary: counts(r) }, null, 2);
    case "markdown":
      return renderMarkdown(r);
    case "sarif":
      return JSON.stringify(reportSarif(r), null, 2);
    case "junit":
      return reportJunit(r);
    default: {
      const never: never = format;
      throw new Error(
        `unknown report format ${String(never)}; expected table, json, markdown, sarif or junit`,
      );
    }
  }
}
