/**
 * Renders a {@link PlanDiff} as a terminal table, a Markdown section for a PR comment, or JSON.
 */
import { markdownCode } from "../markdown";
import { diffCounts, PlanDiff, PropertyChange, ResourceRef } from "./diff";
import { type Cell, type Layout, layoutTable, paint, wrapIndented } from "../terminal";

/** Output formats of `cicd diff`. */
export type DiffFormat = "table" | "markdown" | "json";

/** Longest value printed in a Markdown cell (a PR comment); longer values are cut with an ellipsis. */
export const MAX_VALUE_CHARS = 120;

/** A value as one line of JSON, cut to {@link MAX_VALUE_CHARS}; `-` for an absent value. */
export function showValue(v: unknown): string {
  if (v === undefined) return "-";
  const s = JSON.stringify(v);
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS - 1)}…` : s;
}

/**
 * Before and after of a change as two short texts: when both are long strings sharing a prefix (an image
 * reference whose digest changed), the shared prefix is elided to its last 8 characters, so the difference
 * shows in a narrow column (`…n@sha256:e1db7e…` vs `…n@sha256:abab…`).
 */
export function showChange(p: PropertyChange, width = 40): [string, string] {
  const { before: a, after: b } = p;
  if (typeof a === "string" && typeof b === "string" && (a.length > width || b.length > width)) {
    let i = 0;
    // Past the end of `b`, `b[i]` is undefined and equals no character of `a`: the loop stops there too.
    while (i < a.length && a[i] === b[i]) i++;
    const keep = Math.max(0, i - 8);
    if (keep > 0) {
      const cut = (s: string) => showValue(`…${s.slice(keep)}`);
      return [cut(a), cut(b)];
    }
  }
  return [showValue(a), showValue(b)];
}

/** The one-line summary every format starts with, e.g. `staging: 1 to add, 0 to remove, 2 to update, ...`. */
export function summaryLine(d: PlanDiff): string {
  const c = diffCounts(d);
  const stack = d.baseStack === d.headStack ? d.baseStack : `${d.baseStack} -> ${d.headStack}`;
  return (
    `${stack}: ${c.added} to add, ${c.removed} to remove, ${c.updated} to update in place, ` +
    `${c.replaced} to replace, ${c.unchanged} unchanged` +
    (d.outputs.length > 0 ? `; ${d.outputs.length} output change(s)` : "")
  );
}

/** A value in full, as one line of JSON; `-` for an absent value (the table wraps it, never cuts it). */
function fullValue(v: unknown): string {
  return v === undefined ? "-" : JSON.stringify(v);
}

/**
 * The terminal table of each stack's diff, laid out for `layout`: fitted to its width with cells wrapped (values in
 * full), or with no width, columns as wide as their values.
 */
function renderTable(diffs: PlanDiff[], layout: Layout): string {
  const lines: string[] = [];
  for (const d of diffs) {
    lines.push(
      paint(layout.color, "bold", wrapIndented(`== ${d.project} / ${summaryLine(d)}`, layout.width)),
    );
    const rows: Cell[][] = [];
    const addRes = (sign: Cell, r: ResourceRef) => rows.push([sign, `${r.name}\n${r.type}`, "", "", ""]);
    for (const r of d.added) addRes({ text: "+", style: "green" }, r);
    for (const r of d.removed) addRes({ text: "-", style: "red" }, r);
    for (const c of d.changed) {
      const sign: Cell =
        c.action === "replace" ? { text: "+-", style: "red" } : { text: "~", style: "yellow" };
      c.properties.forEach((p, i) =>
        rows.push([
          i === 0 ? sign : "",
          i === 0 ? `${c.name}\n${c.type}` : "",
          p.replaces ? `${p.path}\n(forces replacement)` : p.path,
          fullValue(p.before),
          fullValue(p.after),
        ]),
      );
    }
    for (const o of d.outputs)
      rows.push([
        { text: "~", style: "yellow" },
        "(stack output)",
        o.path,
        fullValue(o.before),
        fullValue(o.after),
      ]);
    lines.push(
      rows.length > 0
        ? layoutTable(["", "resource", "property", "before", "after"], rows, layout, { keep: [0] })
        : "no changes",
    );
    lines.push("");
  }
  lines.push(
    wrapIndented(
      "Legend: + add, - remove, ~ update in place, +- replace. Secrets show as [secret].",
      layout.width,
    ),
  );
  return lines.join("\n");
}

function renderMarkdown(diffs: PlanDiff[]): string {
  const out: string[] = ["### Infrastructure diff", ""];
  for (const d of diffs) out.push(`- **${d.project} / ${summaryLine(d)}**`);
  out.push("");
  for (const d of diffs) {
    const c = diffCounts(d);
    if (c.added + c.removed + c.updated + c.replaced === 0 && d.outputs.length === 0) continue;
    out.push(`#### ${d.headStack}`, "");
    if (c.replaced > 0) {
      out.push(
        `> [!WARNING]\n> ${c.replaced} resource(s) will be **replaced**: ` +
          d.changed
            .filter((x) => x.action === "replace")
            .map((x) => markdownCode(x.name))
            .join(", "),
        "",
      );
    }
    out.push("| | resource | property | before | after |", "| --- | --- | --- | --- | --- |");
    for (const r of d.added) out.push(`| ➕ add | ${markdownCode(r.name)} (${markdownCode(r.type)}) | | | |`);
    for (const r of d.removed)
      out.push(`| ➖ remove | ${markdownCode(r.name)} (${markdownCode(r.type)}) | | | |`);
    for (const ch of d.changed) {
      const sign = ch.action === "replace" ? "♻️ replace" : "✏️ update";
      for (const p of ch.properties) {
        out.push(
          `| ${sign} | ${markdownCode(ch.name)} | ${markdownCode(p.path)}${p.replaces ? " **(forces replacement)**" : ""} | ` +
            `${showChange(p, 60)
              .map((v) => markdownCode(v))
              .join(" | ")} |`,
        );
      }
    }
    for (const o of d.outputs)
      out.push(
        `| ✏️ output | | ${markdownCode(o.path)} | ${showChange(o, 60)
          .map((v) => markdownCode(v))
          .join(" | ")} |`,
      );
    out.push("");
  }
  out.push("_Offline diff of plan files: inputs as the program registers them; secrets show as `[secret]`._");
  return out.join("\n");
}

/**
 * Renders diffs (one per stack).
 *
 * @param diffs one diff per stack, in the order to print.
 * @param format `table` (terminal), `markdown` (PR comment), `json` (`{ schemaVersion: 1, diffs: PlanDiff[] }`).
 * @param layout table: colours and the width to fit (src/terminal.ts); default no colour, no width limit.
 */
export function renderDiffs(
  diffs: PlanDiff[],
  format: DiffFormat,
  layout: Layout = { color: false },
): string {
  switch (format) {
    case "json":
      return JSON.stringify({ schemaVersion: 1, diffs }, null, 2);
    case "markdown":
      return renderMarkdown(diffs);
    case "table":
      return renderTable(diffs, layout);
  }
}
