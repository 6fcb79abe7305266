/** The terminal text of an audit report: tables sized to the terminal (src/terminal.ts), coloured when asked. */
import { scoreLine } from "../../policy-pack/lib/scorecard";
import { AuditReport, RuleResult, SECTION_TITLES } from "./types";
import { terminalText } from "../inert";
import {
  countsLine,
  metaOf,
  modeText,
  ORDER,
  overrideLine,
  resourceText,
  sectionOf,
  sections,
} from "./common";
import type { RenderOptions } from "./render";
import { type Cell, type Layout, layoutTable, paint, useColor, wrapIndented } from "../terminal";

/**
 * The audit as terminal text: the header, overrides and Scorecard lines, per section a table of its failing and
 * waived results (every result with `verbose`), and the remediation of each failing rule. Laid out for
 * `opts.width` (tables fitted to it, cells and long lines wrapped, never cut; undefined: no limit) and coloured
 * when `opts.color` (default: {@link useColor}, from FORCE_COLOR, NO_COLOR and whether stdout is a TTY).
 */
export function renderTable(r: AuditReport, opts: RenderOptions): string {
  const layout: Layout = { color: opts.color ?? useColor(), width: opts.width };
  const bold = (s: string) => paint(layout.color, "bold", s);
  const line = (s: string) => wrapIndented(s, layout.width);
  const statusCell = (x: RuleResult): Cell => {
    if (x.status === "fail")
      return {
        text: `FAIL ${x.enforcementLevel}`,
        style: x.enforcementLevel === "mandatory" ? "red" : "yellow",
      };
    if (x.status === "waived") return { text: "WAIVED", style: "cyan" };
    if (x.status === "pass") return { text: "pass", style: "green" };
    return { text: "n/a", style: "gray" };
  };
  const meta = metaOf(r);
  const out: string[] = [
    bold(line(`Policy audit of stack ${r.stack}: ${modeText(r)}`)),
    line(
      `Policy pack ${r.policyPack.name} ${r.policyPack.version}${r.stackFile ? `; stack file ${r.stackFile}` : ""}`,
    ),
    line(countsLine(r)),
  ];
  if (r.overrides.length) {
    out.push("", bold(`Overrides in force (CC-WAIVE-02): ${r.overrides.length}`));
    for (const o of r.overrides) out.push(line(`  ${terminalText(overrideLine(o))}`));
  }
  if (r.scorecard.length) {
    out.push("", bold("OpenSSF Scorecard Branch-Protection (declared settings)"));
    for (const sc of r.scorecard) out.push(line(`  ${scoreLine(sc)}`));
  }
  for (const s of sections(r, meta)) {
    const rows = r.results
      .filter((x) => sectionOf(meta, x.ruleId) === s)
      .sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.ruleId.localeCompare(b.ruleId));
    const shown = opts.verbose ? rows : rows.filter((x) => x.status === "fail" || x.status === "waived");
    const pass = rows.filter((x) => x.status === "pass").length;
    const na = rows.filter((x) => x.status === "not-applicable").length;
    // Wrapped to the width like every other line (a narrow terminal); ANSI codes take no columns.
    out.push("", line(`${bold(SECTION_TITLES[s] ?? s)}  (${pass} pass, ${na} not applicable)`));
    if (shown.length === 0) {
      out.push("  no failures");
      continue;
    }
    const cells = shown.map((x) => [
      statusCell(x),
      x.ruleId,
      terminalText(resourceText(x)),
      terminalText(x.message),
    ]);
    // The status and the rule ID are never narrowed: a rule ID is what a reader searches the catalogue for.
    out.push(layoutTable(["status", "rule", "resource", "evidence"], cells, layout, { keep: [0, 1] }));
  }
  const failing = [...new Set(r.results.filter((x) => x.status === "fail").map((x) => x.ruleId))];
  if (failing.length > 0) {
    out.push("", bold("Remediation"));
    for (const id of failing) out.push(line(`  ${id}: ${meta.get(id)?.remediation ?? "see the catalogue"}`));
  }
  return out.join("\n");
}
