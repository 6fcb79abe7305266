/** The terminal table of an audit report (cli-table3), coloured when asked. */
import Table from "cli-table3";
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

/** SGR codes of the few styles the table uses. */
const ANSI = { bold: 1, red: 31, green: 32, yellow: 33, cyan: 36, gray: 90 } as const;

export function renderTable(r: AuditReport, opts: RenderOptions): string {
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
