/**
 * Text for a terminal: whether to colour it (`--color`, FORCE_COLOR, NO_COLOR, a TTY), how wide it may be (the
 * terminal's columns on a TTY; no limit otherwise), tables sized to that width whose cells wrap instead of being
 * cut, and long lines wrapped under their own indentation. Widths are display columns (string-width, the measure
 * cli-table3 itself uses: ANSI codes count 0, wide characters 2).
 */
import Table from "cli-table3";
import stringWidth from "string-width";

/** Values of `--color`: `auto` (FORCE_COLOR, NO_COLOR, then whether stdout is a TTY), `always`, `never`. */
export const COLOR_MODES = ["auto", "always", "never"] as const;

/** A value of `--color` ({@link COLOR_MODES}). */
export type ColorMode = (typeof COLOR_MODES)[number];

/** How a text is laid out for where it goes. */
export interface Layout {
  /** ANSI colours on. */
  color: boolean;
  /** Display columns a line may take; undefined: no limit (not a terminal, a file), nothing wrapped. */
  width?: number;
}

/** What {@link layoutFor} reads of the stream written to (`process.stdout`). */
export interface OutputStream {
  isTTY?: boolean;
  columns?: number;
}

/**
 * Whether to colour: `always` and `never` decide; `auto` follows FORCE_COLOR when set (`0` or `false`: no, any
 * other value, empty included: yes), then NO_COLOR when set and not empty (no), then colours a TTY whose TERM is
 * not `dumb`.
 *
 * @param mode `--color` (default `auto`).
 * @param stream the stream written to (default process.stdout).
 * @param env the environment (default process.env).
 */
export function useColor(
  mode: ColorMode = "auto",
  stream: OutputStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (mode !== "auto") return mode === "always";
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !["0", "false"].includes(force.trim().toLowerCase());
  if (env.NO_COLOR) return false;
  return !!stream.isTTY && env.TERM !== "dumb";
}

/**
 * The layout of a command's text: to a file (`toFile`), no colour unless `--color always` and no width limit; to
 * `stream`, colour per {@link useColor} and, on a TTY, its columns (80 when it does not say), else no limit.
 *
 * @param mode `--color` (default `auto`).
 * @param toFile true when the text goes to a file (`--out`) rather than the stream.
 * @param stream the stream written to otherwise (default process.stdout).
 */
export function layoutFor(
  mode: ColorMode = "auto",
  toFile = false,
  stream: OutputStream = process.stdout,
): Layout {
  if (toFile) return { color: mode === "always" };
  return {
    color: useColor(mode, stream),
    width: stream.isTTY ? Math.max(20, stream.columns || 80) : undefined,
  };
}

/** SGR codes of the few styles the CLI uses. */
const SGR = {
  bold: [1, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  gray: [90, 39],
};

/** A style of {@link paint}. */
export type Style = keyof typeof SGR;

/** `text` in `style` when `color`, else as is; each line styled on its own, so a wrapped cell keeps its colour. */
export function paint(color: boolean, style: Style, text: string): string {
  if (!color || text === "") return text;
  const [on, off] = SGR[style];
  return text
    .split("\n")
    .map((line) => `\u001b[${on}m${line}\u001b[${off}m`)
    .join("\n");
}

/** Display columns of a line (ANSI codes 0, wide characters 2). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** The longest line of `text`, in display columns. */
function widest(text: string): number {
  return Math.max(0, ...text.split("\n").map(displayWidth));
}

/** Where a long word may break: after one of these (`erp-berhan-`, `ghcr.io/`, `sha256:`, `[0].`). */
const SOFT_BREAK = /[-/:.@,\]_=]/;

/**
 * `word` broken into pieces of at most `width` columns (a word longer than a line is broken, never cut): after the
 * last `-`, `/`, `:`, `.`, `@`, `,`, `]`, `_` or `=` that fits; where none does, inside the run with no break (a
 * digest's hex), cut into even pieces rather than a full line and a stray character or two.
 */
function breakWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = [...word];
  while (rest.length > 0) {
    let end = 0;
    let used = 0;
    while (end < rest.length && used + displayWidth(rest[end]) <= width) used += displayWidth(rest[end++]);
    if (end === rest.length) break;
    end = Math.max(end, 1);
    let cut = end;
    while (cut > 0 && !SOFT_BREAK.test(rest[cut - 1])) cut--;
    if (cut === 0) {
      // The run starts the line and is longer than it: as many lines as it needs, each as full as the others.
      let run = 0;
      while (run < rest.length && !SOFT_BREAK.test(rest[run])) run++;
      run = Math.min(run + 1, rest.length);
      const lines = Math.ceil(displayWidth(rest.slice(0, run).join("")) / width);
      cut = Math.min(end, Math.max(1, Math.ceil(run / lines)));
    }
    pieces.push(rest.slice(0, cut).join(""));
    rest = rest.slice(cut);
  }
  return rest.length > 0 ? [...pieces, rest.join("")] : pieces;
}

/**
 * The start of `word` (longer than a line) that ends the current line, `avail` columns being left on it: the
 * longest prefix ending after a break opportunity that fits `avail` and leaves the rest of the word fewer lines
 * than starting it on the next line would take; "" when none does (the word starts on the next line, whole).
 */
function headOnLine(word: string, avail: number, width: number): string {
  const chars = [...word];
  const alone = breakWord(word, width).length;
  let best = "";
  let bestLines = alone;
  let used = 0;
  for (let i = 0; i < chars.length; i++) {
    used += displayWidth(chars[i]);
    if (used > avail) break;
    if (!SOFT_BREAK.test(chars[i])) continue;
    const lines = breakWord(chars.slice(i + 1).join(""), width).length;
    if (lines < alone && lines <= bestLines) [best, bestLines] = [chars.slice(0, i + 1).join(""), lines];
  }
  return best;
}

/**
 * Plain `text` wrapped to `width` display columns: at spaces, a word longer than a line broken where it must;
 * its own line breaks kept. Nothing is dropped: the lines joined with spaces give the words back.
 *
 * @param width columns per line, at least 1; undefined: `text` unchanged.
 */
export function wrapText(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  const w = Math.max(1, width);
  return text
    .split("\n")
    .map((line) => {
      const lines: string[] = [];
      let cur = "";
      for (const word of line.split(" ")) {
        const next = cur === "" ? word : `${cur} ${word}`;
        if (displayWidth(next) <= w) {
          cur = next;
          continue;
        }
        // A word longer than any line starts on this one when a piece of it ending at a break fits and saves a line.
        let tail = word;
        if (cur !== "" && displayWidth(word) > w) {
          const head = headOnLine(word, w - displayWidth(cur) - 1, w);
          if (head !== "") [cur, tail] = [`${cur} ${head}`, word.slice(head.length)];
        }
        if (cur !== "") lines.push(cur);
        const pieces = breakWord(tail, w);
        cur = pieces.pop() ?? "";
        lines.push(...pieces);
      }
      lines.push(cur);
      return lines.join("\n");
    })
    .join("\n");
}

/**
 * A summary line wrapped to `width` under its own indentation: continuation lines start where its value does
 * (after the first run of two spaces past its indentation, `  alarms       a, b, c`), else two columns deeper
 * than it.
 *
 * @param width undefined: the line unchanged (not a terminal).
 */
export function wrapIndented(line: string, width: number | undefined): string {
  if (width === undefined || displayWidth(line) <= width) return line;
  const lead = /^ */.exec(line)![0].length;
  const gap = / {2,}(?=\S)/.exec(line.slice(lead));
  // The first line keeps its label (`alarms` and the spaces after it); the next ones start under the value.
  let start = gap ? lead + gap.index + gap[0].length : lead;
  let indent = gap ? start : lead + 2;
  if (indent > width / 2) [start, indent] = [lead, Math.min(lead + 2, Math.floor(width / 2))];
  const body = wrapText(line.slice(start), width - indent).split("\n");
  return body.map((l, i) => (i === 0 ? line.slice(0, start) : " ".repeat(indent)) + l).join("\n");
}

/** A table cell: text, or text drawn in a style (the style applies to each of its wrapped lines). */
export type Cell = string | { text: string; style?: Style };

/** Options of {@link layoutTable}. */
export interface TableOptions {
  /** Columns never narrowed below their widest cell (identifiers a reader searches for, e.g. rule IDs). */
  keep?: number[];
}

/** The fewest columns a narrowed column keeps (all of a shorter one): an identifier stays readable. */
const MIN_COLUMN = 16;

/**
 * Display widths of the columns (cell text, without the padding and borders): each column's widest cell when they
 * fit in `width` or there is no width; otherwise the kept columns keep theirs, every other column gets up to
 * {@link MIN_COLUMN} (less when the width cannot hold that, never under 4), and what is left goes to the columns still narrower than their widest cell, in proportion to
 * what each lacks.
 */
function columnWidths(natural: number[], width: number | undefined, keep: number[]): number[] {
  const frame = natural.length * 3 + 1; // "│ " and " " around each cell, and the last border
  if (width === undefined || natural.reduce((a, b) => a + b, 0) + frame <= width) return natural;
  const kept = keep.reduce((a, i) => a + (natural[i] ?? 0), 0);
  const free = natural.length - keep.length;
  const least = Math.min(MIN_COLUMN, Math.max(4, Math.floor((width - frame - kept) / Math.max(1, free))));
  const widths = natural.map((n, i) => (keep.includes(i) ? n : Math.min(n, least)));
  const room = width - frame - widths.reduce((a, b) => a + b, 0);
  const lack = natural.map((n, i) => n - widths[i]);
  const lacking = lack.reduce((a, b) => a + b, 0);
  if (room <= 0 || lacking === 0) return widths;
  return widths.map((w, i) => w + Math.floor((room * lack[i]) / lacking));
}

/**
 * A cli-table3 table laid out for `layout`: with no width, each column as wide as its widest cell (full values,
 * lines as long as they need); with a width, no line longer than it (unless the kept columns alone are), the
 * widest columns narrowed and their cells wrapped ({@link wrapText}), never cut.
 *
 * @param head column titles.
 * @param rows cells, one array per row, as many as `head`.
 */
export function layoutTable(head: string[], rows: Cell[][], layout: Layout, opts: TableOptions = {}): string {
  const text = (c: Cell) => (typeof c === "string" ? c : c.text);
  const natural = head.map((h, i) => Math.max(widest(h), ...rows.map((r) => widest(text(r[i] ?? "")))));
  const widths = columnWidths(natural, layout.width, opts.keep ?? []);
  const cell = (c: Cell, i: number) => {
    const wrapped = wrapText(text(c), widths[i]);
    return typeof c === "string" || !c.style ? wrapped : paint(layout.color, c.style, wrapped);
  };
  const t = new Table({
    head: head.map((h, i) => wrapText(h, widths[i])),
    style: { head: [], border: [] },
    colWidths: widths.map((w) => w + 2),
    wordWrap: false,
  });
  for (const r of rows) t.push(head.map((_, i) => cell(r[i] ?? "", i)));
  return t.toString();
}
