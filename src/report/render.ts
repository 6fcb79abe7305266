/**
 * Renders an {@link AuditReport} as a terminal table, JSON (the audit's machine format), Markdown (a PR
 * comment), SARIF 2.1.0 (GitHub code scanning) or JUnit XML (CI test reports). Every format states the mode
 * (offline/online), the stack, the policy pack and its version, and the counts.
 */
import { createHash } from "node:crypto";
import Table from "cli-table3";
import { XMLBuilder } from "fast-xml-parser";
import type * as Sarif from "sarif";
import { scoreLine } from "../../policy-pack/lib/scorecard";
import {
  AuditReport,
  AuditReportJson,
  REPORT_FORMATS,
  ReportFormat,
  ResultLocation,
  RuleMeta,
  RuleResult,
  SECTION_ORDER,
  SECTION_TITLES,
} from "./types";
import { markdownCode, markdownText } from "../markdown";
import { terminalText, xmlSafe } from "../inert";

export { markdownCode, markdownText };

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

/** Where the catalogue lives in this repository. */
/** The catalogue as shipped: one table row per rule, each with an `id` anchor (`#cc-br-01`). */
export const CATALOGUE_PATH = "policy-pack/README.md";

/**
 * The catalogue URL on GitHub: from the Actions environment (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`,
 * `GITHUB_SHA`) when set, else the project's repository on `main`.
 */
export function defaultCatalogueUrl(env: NodeJS.ProcessEnv = process.env): string {
  const server = env.GITHUB_SERVER_URL || "https://github.com";
  const repo = env.GITHUB_REPOSITORY || "surlefeu/cicd-constitution";
  return `${server}/${repo}/blob/${env.GITHUB_SHA || "main"}/${CATALOGUE_PATH}`;
}

/** `offline` / `online` in words, for headers. */
function modeText(r: AuditReport): string {
  return r.mode === "offline"
    ? "OFFLINE (plan under Pulumi mocks: desired state only)"
    : "ONLINE (state or preview from the Pulumi engine)";
}

/** The counts line, e.g. `412 results: 400 pass, 3 fail (2 mandatory, 1 advisory), 1 waived, 8 not applicable`. */
export function countsLine(r: AuditReport): string {
  const s = r.summary;
  return (
    `${s.total} results: ${s.pass} pass, ${s.fail} fail (${s.mandatoryFailures} mandatory, ` +
    `${s.advisoryFailures} advisory), ${s.waived} waived, ${s.notApplicable} not applicable`
  );
}

/** One override in force as a line: `CC-X-01 mandatory -> advisory by OWNER until DATE: REASON`. */
export function overrideLine(o: AuditReport["overrides"][number]): string {
  const what = o.resource ? `${o.ruleId} lifted for ${o.resource}` : `${o.ruleId} ${o.from} -> ${o.to}`;
  return `${what} by ${o.owner} until ${o.expires}: ${o.reason}`;
}

function metaOf(r: AuditReport): Map<string, RuleMeta> {
  return new Map(r.rules.map((m) => [m.id, m]));
}

function sectionOf(meta: Map<string, RuleMeta>, ruleId: string): string {
  return meta.get(ruleId)?.section ?? /^CC-([A-Z]+)-/.exec(ruleId)?.[1] ?? "OTHER";
}

/** Sections present in the report, catalogue order first. */
function sections(r: AuditReport, meta: Map<string, RuleMeta>): string[] {
  const present = new Set(r.results.map((x) => sectionOf(meta, x.ruleId)));
  return [
    ...SECTION_ORDER.filter((s) => present.has(s)),
    ...[...present].filter((s) => !SECTION_ORDER.includes(s)),
  ];
}

function resourceText(x: RuleResult): string {
  return x.resource ? x.resource.name : "(stack)";
}

const ORDER: Record<RuleResult["status"], number> = { fail: 0, waived: 1, "not-applicable": 2, pass: 3 };

// ---------------------------------------------------------------- table

/** SGR codes of the few styles the table uses. */
const ANSI = { bold: 1, red: 31, green: 32, yellow: 33, cyan: 36, gray: 90 } as const;

function renderTable(r: AuditReport, opts: RenderOptions): string {
  const color = opts.color ?? (!!process.stdout.isTTY && !process.env.NO_COLOR);
  const paint = (style: keyof typeof ANSI, s: string) => (color ? `\u001b[${ANSI[style]}m${s}\u001b[0m` : s);
  const statusText = (x: RuleResult): string => {
    if (x.status === "fail")
      return paint(x.enforcementLevel === "mandatory" ? "red" : "yellow", `FAIL ${x.enforcementLevel}`);
    if (x.status === "waived") return paint("cyan", "WAIVED");
    if (x.status === "pass") return paint("green", "pass");
    return paint("gray", "n/a");
  };
  const meta = metaOf(r);
  const out: string[] = [
    paint("bold", `Policy audit of stack ${r.stack}: ${modeText(r)}`),
    `Policy pack ${r.policyPack.name} ${r.policyPack.version}${r.stackFile ? `; stack file ${r.stackFile}` : ""}`,
    countsLine(r),
  ];
  if (r.overrides.length) {
    out.push("", paint("bold", `Overrides in force (CC-WAIVE-02): ${r.overrides.length}`));
    for (const o of r.overrides) out.push(`  ${terminalText(overrideLine(o))}`);
  }
  if (r.scorecard.length) {
    out.push("", paint("bold", "OpenSSF Scorecard Branch-Protection (declared settings)"));
    for (const sc of r.scorecard) out.push(`  ${scoreLine(sc)}`);
  }
  for (const s of sections(r, meta)) {
    const rows = r.results
      .filter((x) => sectionOf(meta, x.ruleId) === s)
      .sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.ruleId.localeCompare(b.ruleId));
    const shown = opts.verbose ? rows : rows.filter((x) => x.status === "fail" || x.status === "waived");
    const pass = rows.filter((x) => x.status === "pass").length;
    const na = rows.filter((x) => x.status === "not-applicable").length;
    out.push("", paint("bold", SECTION_TITLES[s] ?? s) + `  (${pass} pass, ${na} not applicable)`);
    if (shown.length === 0) {
      out.push("  no failures");
      continue;
    }
    const t = new Table({
      head: ["status", "rule", "resource", "evidence"],
      style: { head: [], border: [] },
      colWidths: [18, 12, 38, 70],
      wordWrap: true,
      wrapOnWordBoundary: true,
    });
    for (const x of shown)
      t.push([statusText(x), x.ruleId, terminalText(resourceText(x)), terminalText(x.message)]);
    out.push(t.toString());
  }
  const failing = [...new Set(r.results.filter((x) => x.status === "fail").map((x) => x.ruleId))];
  if (failing.length > 0) {
    out.push("", paint("bold", "Remediation"));
    for (const id of failing) out.push(`  ${id}: ${meta.get(id)?.remediation ?? "see the catalogue"}`);
  }
  return out.join("\n");
}

// ---------------------------------------------------------------- JSON

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

// ---------------------------------------------------------------- Markdown

/** One GFM table row of `cells` (escaped by the caller: {@link markdownText}, {@link markdownCode}). */
function markdownRow(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** A section of the comment: a blank line, the `#### title`, then a table of `head` and `rows` (escaped cells). */
function markdownTable(title: string, head: string[], rows: string[][]): string[] {
  return [
    "",
    `#### ${title}`,
    "",
    markdownRow(head),
    markdownRow(head.map(() => "---")),
    ...rows.map(markdownRow),
  ];
}

function location(r: AuditReport, x: RuleResult): ResultLocation | null {
  const i = r.results.indexOf(x);
  return r.locations?.[i] ?? null;
}

/** The comment's title (stack, mode, verdict), the counts, and the offline notice. */
function markdownHeader(r: AuditReport): string[] {
  const s = r.summary;
  const verdict =
    s.mandatoryFailures > 0
      ? `❌ ${s.mandatoryFailures} mandatory failure(s)`
      : s.advisoryFailures > 0
        ? `⚠️ ${s.advisoryFailures} advisory failure(s)`
        : "✅ no failures";
  const out: string[] = [
    `### Policy audit: \`${r.stack}\` (${r.mode}) ${verdict}`,
    "",
    `**${r.mode === "offline" ? "Offline" : "Online"}** audit of stack \`${r.stack}\` with policy pack ` +
      `\`${r.policyPack.name}\` ${r.policyPack.version}: ${countsLine(r)}.`,
  ];
  if (r.mode === "offline")
    out.push("", "_Offline: the program's desired state under Pulumi mocks; no cloud API was called._");
  return out;
}

/** The overrides in force (CC-WAIVE-02) as a table; nothing when there are none. */
function markdownOverrides(r: AuditReport): string[] {
  if (!r.overrides.length) return [];
  return markdownTable(
    "Overrides in force (CC-WAIVE-02, pre-deploy gates)",
    ["rule", "from", "to", "owner", "expires", "reason"],
    r.overrides.map((o) => [
      o.ruleId,
      o.from,
      o.resource ? `lifted for ${markdownText(o.resource)}` : o.to,
      markdownText(o.owner ?? ""),
      String(o.expires),
      markdownText(o.reason ?? ""),
    ]),
  );
}

/** The Scorecard Branch-Protection scores as a table; nothing when there are none. */
function markdownScorecard(r: AuditReport): string[] {
  if (!r.scorecard.length) return [];
  return markdownTable(
    "OpenSSF Scorecard Branch-Protection (declared settings)",
    ["repository", "score", "next tier needs"],
    r.scorecard.map((sc) => [
      markdownText(sc.repository),
      `${sc.score}/10`,
      (sc.nextScore === null
        ? "top tier"
        : markdownText(`${sc.nextScore}/10: ${sc.nextTierNeeds.join(", ")}`)) +
        (sc.approvalsNote ? ` (${markdownText(sc.approvalsNote)})` : ""),
    ]),
  );
}

/**
 * The failures, mandatory first then by rule, each with its stack file location, and the remediation of every
 * failing rule; nothing when nothing fails.
 */
function markdownFailures(r: AuditReport, meta: Map<string, RuleMeta>): string[] {
  const failures = r.results.filter((x) => x.status === "fail");
  if (failures.length === 0) return [];
  const sorted = failures.sort(
    (a, b) =>
      (a.enforcementLevel === "mandatory" ? -1 : 1) - (b.enforcementLevel === "mandatory" ? -1 : 1) ||
      a.ruleId.localeCompare(b.ruleId),
  );
  const out = markdownTable(
    "Failures",
    ["level", "rule", "resource", "evidence"],
    sorted.map((x) => {
      const loc = location(r, x);
      const where = loc ? ` (${markdownCode(`${loc.uri}:${loc.line}`)})` : "";
      return [
        x.enforcementLevel,
        x.ruleId,
        `${markdownCode(resourceText(x))}${where}`,
        markdownText(x.message),
      ];
    }),
  );
  out.push("", "**Remediation**", "");
  for (const id of [...new Set(failures.map((x) => x.ruleId))].sort()) {
    const m = meta.get(id);
    out.push(
      `- **${id}** ${markdownText(m?.title ?? "")}: ${markdownText(m?.remediation ?? "see the catalogue")}`,
    );
  }
  return out;
}

/** The waived results with owner, expiry and reason; nothing when none is waived. */
function markdownWaived(r: AuditReport): string[] {
  const waived = r.results.filter((x) => x.status === "waived");
  if (waived.length === 0) return [];
  return markdownTable(
    "Waived",
    ["rule", "resource", "owner", "expires", "reason"],
    waived.map((x) => [
      x.ruleId,
      markdownCode(resourceText(x)),
      markdownText(x.waiver?.owner ?? ""),
      markdownText(x.waiver?.expires ?? ""),
      markdownText(x.waiver?.reason ?? x.message),
    ]),
  );
}

/** Passing and not-applicable counts per rule, by catalogue section, collapsed in a `<details>` block. */
function markdownPassed(r: AuditReport, meta: Map<string, RuleMeta>): string[] {
  const perRule = new Map<string, { pass: number; na: number }>();
  for (const x of r.results) {
    if (x.status !== "pass" && x.status !== "not-applicable") continue;
    const e = perRule.get(x.ruleId) ?? { pass: 0, na: 0 };
    if (x.status === "pass") e.pass++;
    else e.na++;
    perRule.set(x.ruleId, e);
  }
  const out = [
    "",
    `<details><summary>Passed: ${r.summary.pass} result(s) over ${[...perRule.values()].filter((e) => e.pass > 0).length} rule(s); ${r.summary.notApplicable} not applicable</summary>`,
    "",
    markdownRow(["section", "rule", "title", "pass", "n/a"]),
    markdownRow(["---", "---", "---", "---", "---"]),
  ];
  for (const sec of sections(r, meta)) {
    for (const [id, e] of [...perRule].filter(([id]) => sectionOf(meta, id) === sec).sort()) {
      out.push(markdownRow([sec, id, markdownText(meta.get(id)?.title ?? ""), String(e.pass), String(e.na)]));
    }
  }
  out.push("", "</details>");
  return out;
}

/** The PR comment: header and counts, overrides, scorecard, failures with remediation, waivers, passes collapsed. */
function renderMarkdown(r: AuditReport): string {
  const meta = metaOf(r);
  return [
    ...markdownHeader(r),
    ...markdownOverrides(r),
    ...markdownScorecard(r),
    ...markdownFailures(r, meta),
    ...markdownWaived(r),
    ...markdownPassed(r, meta),
  ].join("\n");
}

// ---------------------------------------------------------------- SARIF

/** SARIF 2.1.0 schema URI written in `$schema`. */
export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

function sarifLevel(x: RuleResult): Sarif.Result.level {
  if (x.enforcementLevel === "mandatory") return "error";
  if (x.enforcementLevel === "advisory") return "warning";
  return "note";
}

/** The SARIF rule of one catalogue rule: ID, policy name, texts, remediation as help, `helpUri` at `base`. */
function sarifRule(m: RuleMeta, base: string): Sarif.ReportingDescriptor {
  return {
    id: m.id,
    name: m.policyName,
    shortDescription: { text: m.title },
    fullDescription: { text: m.description },
    help: {
      text: `${m.remediation}\nSource: ${m.source}.`,
      markdown: `**Remediation:** ${m.remediation}\n\n**Source:** ${m.source}. Catalogue: [${m.id}](${base}#${m.id.toLowerCase()}).`,
    },
    helpUri: `${base}#${m.id.toLowerCase()}`,
    defaultConfiguration: { level: m.enforcementLevel === "mandatory" ? "error" : "warning" },
    properties: {
      section: m.section,
      source: m.source,
      enforcementLevel: m.enforcementLevel,
      tags: ["cicd-constitution", m.section],
    },
  };
}

/**
 * The SARIF result of one failing or waived verdict, located at `loc` (the stack file and config key; the
 * first line of the stack file when unknown), with the resource URN as logical location, a fingerprint of stack,
 * rule and resource, and for a waived verdict an accepted external suppression with the waiver's reason.
 *
 * @param ruleIndex the rule's index in the run's rules, when the report lists it.
 */
function sarifResult(
  r: AuditReport,
  x: RuleResult,
  loc: ResultLocation | null | undefined,
  ruleIndex: number | undefined,
): Sarif.Result {
  const at = loc ?? { uri: r.stackFile ?? `Pulumi.${r.stack}.yaml`, line: 1, column: 1, key: "config" };
  const fingerprint = createHash("sha256")
    .update(`${r.stack}\n${x.ruleId}\n${x.resource?.urn ?? "(stack)"}`)
    .digest("hex");
  const result: Sarif.Result = {
    ruleId: x.ruleId,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: sarifLevel(x),
    kind: "fail",
    message: { text: `${x.resource ? x.resource.name : `stack ${r.stack}`}: ${x.message}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: at.uri, uriBaseId: "%SRCROOT%" },
          region: { startLine: at.line, startColumn: at.column },
        },
        logicalLocations: [
          x.resource
            ? { name: x.resource.name, fullyQualifiedName: x.resource.urn, kind: "resource" }
            : { name: r.stack, fullyQualifiedName: `stack:${r.stack}`, kind: "module" },
        ],
        message: { text: `config key ${at.key}` },
      },
    ],
    partialFingerprints: { "cicdConstitutionResult/v1": fingerprint },
    properties: {
      stack: r.stack,
      policyName: x.policyName,
      enforcementLevel: x.enforcementLevel,
      ...(x.resource ? { resourceType: x.resource.type } : {}),
    },
  };
  if (x.status === "waived") {
    result.suppressions = [
      {
        kind: "external",
        status: "accepted",
        justification: x.waiver
          ? `${x.waiver.reason} (owner ${x.waiver.owner}, expires ${x.waiver.expires})`
          : x.message,
      },
    ];
  }
  return result;
}

/**
 * The SARIF log: one run per report, tool `cicd-constitution` (the pack's name and version) with every rule
 * (ID, policy name, title, description, remediation as help, catalogue `helpUri`, section/source/level as
 * properties); one result per failing or waived verdict (waived ones carry an external suppression with the
 * waiver's reason), located at the stack file and config key, with the resource URN as logical location.
 * Passing and not-applicable verdicts are counted in `runs[0].properties.summary`, not listed (code scanning
 * would show them as alerts). `automationDetails.id` is `cicd-constitution/<stack>/`, so both stacks upload
 * as separate categories.
 */
export function reportSarif(r: AuditReport, opts: RenderOptions = {}): Sarif.Log {
  const base = opts.catalogueUrl ?? defaultCatalogueUrl();
  const rules = r.rules.map((m) => sarifRule(m, base));
  const index = new Map(rules.map((x, i) => [x.id, i]));
  const results = r.results.flatMap((x, i) =>
    x.status === "fail" || x.status === "waived"
      ? [sarifResult(r, x, r.locations?.[i], index.get(x.ruleId))]
      : [],
  );
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: r.policyPack.name,
            version: r.policyPack.version,
            semanticVersion: r.policyPack.version,
            informationUri: base,
            rules,
          },
        },
        automationDetails: { id: `${r.policyPack.name}/${r.stack}/` },
        originalUriBaseIds: {
          "%SRCROOT%": { description: { text: "The repository root (where Pulumi.<stack>.yaml lives)." } },
        },
        invocations: [{ executionSuccessful: true }],
        results,
        properties: {
          mode: r.mode,
          stack: r.stack,
          policyPack: r.policyPack,
          summary: r.summary,
          // Enforcement overrides in force (CC-WAIVE-02): rule, from, to, reason, owner, expiry.
          overrides: r.overrides,
          // OpenSSF Scorecard Branch-Protection score of each governed repository, with the next tier's needs.
          scorecard: r.scorecard,
        },
      },
    ],
  };
}

// ---------------------------------------------------------------- JUnit

/**
 * JUnit XML: one `<testsuite>` per catalogue section, one `<testcase>` per rule and resource
 * (`classname` = `<stack>.<rule ID>`, `name` = `<rule ID> <resource name>`); a failure is `<failure>` whose
 * `type` is the enforcement level (advisory failures included), waived and not-applicable verdicts are
 * `<skipped>` with the reason. Mode, stack, pack and counts are `<properties>` of every suite.
 */
export function reportJunit(r: AuditReport): string {
  const meta = metaOf(r);
  const props = {
    property: [
      { "@_name": "mode", "@_value": r.mode },
      { "@_name": "stack", "@_value": r.stack },
      { "@_name": "policyPack", "@_value": `${r.policyPack.name}@${r.policyPack.version}` },
      { "@_name": "summary", "@_value": countsLine(r) },
      ...r.overrides.map((o) => ({ "@_name": `override:${o.ruleId}`, "@_value": overrideLine(o) })),
      ...r.scorecard.map((sc) => ({ "@_name": `scorecard:${sc.repository}`, "@_value": scoreLine(sc) })),
    ],
  };
  const suites = sections(r, meta).map((sec) => {
    const rows = r.results.filter((x) => sectionOf(meta, x.ruleId) === sec);
    return {
      "@_name": `${r.stack}: ${SECTION_TITLES[sec] ?? sec}`,
      "@_tests": rows.length,
      "@_failures": rows.filter((x) => x.status === "fail").length,
      "@_errors": 0,
      "@_skipped": rows.filter((x) => x.status === "waived" || x.status === "not-applicable").length,
      properties: props,
      testcase: rows.map((x) => {
        const tc: Record<string, unknown> = {
          "@_classname": `${r.stack}.${x.ruleId}`,
          "@_name": `${x.ruleId} ${resourceText(x)}`,
        };
        if (x.status === "fail")
          tc.failure = {
            "@_type": x.enforcementLevel,
            "@_message": x.message,
            "#text": `${x.message}\nRemediation: ${meta.get(x.ruleId)?.remediation ?? "see the catalogue"}${x.resource ? `\nResource: ${x.resource.urn}` : ""}`,
          };
        else if (x.status === "waived") tc.skipped = { "@_message": `waived: ${x.message}` };
        else if (x.status === "not-applicable") tc.skipped = { "@_message": `not applicable: ${x.message}` };
        return tc;
      }),
    };
  });
  const s = r.summary;
  const doc = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    testsuites: {
      "@_name": `${r.policyPack.name} ${r.policyPack.version} policy audit of ${r.stack} (${r.mode})`,
      "@_tests": s.total,
      "@_failures": s.fail,
      "@_errors": 0,
      "@_skipped": s.waived + s.notApplicable,
      testsuite: suites,
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true });
  return builder.build(xmlSafe(doc)) as string;
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
