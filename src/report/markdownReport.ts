/** The Markdown of an audit report: a pull-request comment or a job summary (GFM). */
import { AuditReport, ResultLocation, RuleMeta, RuleResult } from "./types";
import { markdownCode, markdownInline, markdownText } from "../markdown";
import { countsLine, metaOf, resourceText, sectionOf, sections } from "./common";

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
      // The rule's title beside its ID widens the column, so the ID is not broken at a hyphen in a narrow cell.
      return [
        x.enforcementLevel,
        `${x.ruleId} ${markdownInline(meta.get(x.ruleId)?.title ?? "")}`.trimEnd(),
        `${markdownCode(resourceText(x))}${where}`,
        markdownText(x.message),
      ];
    }),
  );
  out.push("", "**Remediation**", "");
  for (const id of [...new Set(failures.map((x) => x.ruleId))].sort()) {
    const m = meta.get(id);
    // A rule the report has no metadata for (or no title): no title, and no space before the colon.
    const title = m?.title ? ` ${markdownInline(m.title)}` : "";
    out.push(`- **${id}**${title}: ${markdownInline(m?.remediation ?? "see the catalogue")}`);
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
      out.push(
        markdownRow([sec, id, markdownInline(meta.get(id)?.title ?? ""), String(e.pass), String(e.na)]),
      );
    }
  }
  out.push("", "</details>");
  return out;
}

/**
 * A stack's audit in Markdown (the PR comment's collapsed section): header and counts, overrides, failures with
 * remediation, waivers, then the scorecard (information, one row per repository: long with many apps, so after
 * what a reader must act on), passes collapsed.
 */
export function renderMarkdown(r: AuditReport): string {
  const meta = metaOf(r);
  return [
    ...markdownHeader(r),
    ...markdownOverrides(r),
    ...markdownFailures(r, meta),
    ...markdownWaived(r),
    ...markdownScorecard(r),
    ...markdownPassed(r, meta),
  ].join("\n");
}
