/**
 * Markdown for GitHub (GFM): the one escaper of every Markdown the CLI writes (the audit report, the infra diff,
 * pull request comments). Side-effect free.
 */

/** Text made safe inside one row of a GFM table: a `|` would end the cell, a line break the row. */
function tableSafe(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r\n|\r|\n/g, " ");
}

/**
 * The Markdown escaper of the reports (every text of the Markdown format goes through it): `s` as plain text in a
 * GFM table cell or a list item. A `|` becomes `\|` (it would end the cell) and line breaks become spaces (they
 * would end the row); `&` and `<` become `&amp;` and `&lt;` (an entity or HTML such as `<details>` in evidence must
 * not render); a backtick becomes `` \` `` (it would open a code span, inside which the entities would show as
 * written) and a backslash `\\` (it would escape what follows). Other Markdown (`*`, `_`) is left as it is.
 */
export function markdownText(s: string): string {
  return tableSafe(
    s.replace(/\\/g, "\\\\").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/`/g, "\\`"),
  );
}

/**
 * `s` as a Markdown code span that is safe in a GFM table cell: delimited by one backtick more than the longest run
 * of backticks in `s` (CommonMark), padded with a space where `s` starts or ends with one; `|` escaped and line
 * breaks made spaces as {@link markdownText} does (a code span shows `&` and `<` as written, so they stay).
 */
export function markdownCode(s: string): string {
  const text = tableSafe(s);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}
