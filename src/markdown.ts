/**
 * Markdown for GitHub (GFM): the one escaper of every Markdown the CLI writes (the audit report, the infra diff,
 * pull request comments). Side-effect free.
 */

/** Text made safe inside one row of a GFM table: a `|` would end the cell, a line break the row. */
function tableSafe(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r\n|\r|\n/g, " ");
}

/**
 * The Markdown escaper of the reports (every text of the Markdown format goes through it): `s` as plain, inert text
 * in a GFM table cell or a list item. A `|` becomes `\|` (it would end the cell) and line breaks become spaces (they
 * would end the row); `&`, `<` and `>` become entities (an entity, HTML such as `<details>` or a quote must not
 * render); a backslash and the punctuation that opens Markdown (`` ` `` code, `*` `_` `~` emphasis, `[` `]` links
 * and images, `#` headings) are backslash-escaped. What GitHub links in the rendered text gets a zero-width space
 * that breaks the pattern: after `@` (a mention notifies the user), after `#` and in `GH-` (an issue reference adds
 * a timeline event to that issue), and in `www.` and `https:` (GFM extended autolinks).
 */
export function markdownText(s: string): string {
  return tableSafe(
    s
      .replace(/\\/g, "\\\\")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/[`*_~[\]#]/g, (c) => `\\${c}`)
      .replace(/[@#]|www(?=\.)|(?:https?|ftp|mailto|xmpp|GH)(?=[:-])/gi, (m) => `${m}&#8203;`),
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

/**
 * Text written with code spans (a rule's title, e.g. ``the default branch (`main`) is protected``) as Markdown: each
 * balanced pair of single backticks on one line becomes a code span ({@link markdownCode}), every other part goes
 * through {@link markdownText}, so the code renders as code while the rest, hostile or not, stays inert text. An
 * unpaired backtick is text (escaped).
 */
export function markdownInline(s: string): string {
  const out: string[] = [];
  let last = 0;
  for (const m of s.matchAll(/`([^`\r\n]+)`/g)) {
    out.push(markdownText(s.slice(last, m.index)), markdownCode(m[1]));
    last = m.index + m[0].length;
  }
  out.push(markdownText(s.slice(last)));
  return out.join("");
}
