/**
 * The pull request comment of pr.yml's smoke job, composed from the files the job wrote (`reports/`): the verdict
 * first (one line per stack: its changes, its failures, a link to the run), then each failure with links to its
 * rule's documentation and to the stack file line at the commit, then the infra diff, then each stack's whole
 * audit (passes included) collapsed. Trimmed under GitHub's comment limit, the verdict always kept.
 */
import type * as Sarif from "sarif";
import { markdownCode, markdownInline, markdownText } from "../markdown";
import { CATALOGUE_PATH } from "../report/common";
import type { ReportSummary } from "../report/types";

/** GitHub refuses a comment or issue body over 65,536 characters. */
export const GITHUB_BODY_LIMIT = 65_536;

/** What one stack's audit says, read from its SARIF (`reports/audit.<stack>.sarif`). */
export interface StackAudit {
  stack: string;
  summary: ReportSummary;
  /** Failing results, not waived: mandatory first, then by rule ID. */
  failures: Array<{
    ruleId: string;
    title: string;
    level: "mandatory" | "advisory";
    /** The resource's name, or `stack <name>` for a stack-wide result. */
    subject: string;
    message: string;
    /** Repository-relative file and 1-based line, when the report located the result. */
    location?: { uri: string; line: number };
  }>;
  /** The stack's Markdown audit (`reports/audit.<stack>.md`), when written. */
  markdown?: string;
}

/** Inputs of {@link composeComment}. */
export interface CommentInput {
  audits: StackAudit[];
  /** Resources changed per stack (added, removed, updated, replaced; output changes too), when the diff ran. */
  changes?: Map<string, number>;
  /** The infra diff's Markdown (`reports/diff.md`). */
  diffMarkdown?: string;
  /** The run's URL, e.g. `https://github.com/OWNER/REPO/actions/runs/ID`. */
  runUrl: string;
  /** The repository's URL, e.g. `https://github.com/OWNER/REPO`. */
  repoUrl: string;
  /** The commit the links point at (40 hex). */
  sha: string;
  /** Largest comment, in UTF-8 bytes (so in characters too). Default 60,000: under {@link GITHUB_BODY_LIMIT}. */
  maxChars?: number;
}

/**
 * The audit of one stack as {@link StackAudit}, from its SARIF log (one run, as `cicd report --format sarif` writes
 * for one stack): the summary of `runs[0].properties.summary`, the results with no suppression as failures.
 *
 * @throws Error when the log has no run or the run no summary.
 */
export function auditFromSarif(log: Sarif.Log, markdown?: string): StackAudit {
  const run = log.runs?.[0];
  const props = run?.properties as { stack?: string; summary?: ReportSummary } | undefined;
  if (!run || !props?.summary || !props.stack)
    throw new Error("a SARIF log of cicd report: one run with its summary");
  const rules = run.tool.driver.rules ?? [];
  const failures = (run.results ?? [])
    .filter((x) => !x.suppressions?.length)
    .map((x) => {
      const rule = rules.find((m) => m.id === x.ruleId);
      const phys = x.locations?.[0]?.physicalLocation;
      const level = (x.properties as { enforcementLevel?: string } | undefined)?.enforcementLevel;
      const logical = x.locations?.[0]?.logicalLocations?.[0];
      const text = x.message.text ?? "";
      const subject = logical?.kind === "resource" ? (logical.name ?? "") : `stack ${props.stack}`;
      return {
        ruleId: x.ruleId ?? "",
        title: rule?.shortDescription?.text ?? "",
        level: level === "mandatory" ? ("mandatory" as const) : ("advisory" as const),
        subject,
        message: text.startsWith(`${subject}: `) ? text.slice(subject.length + 2) : text,
        ...(phys?.artifactLocation?.uri && phys.region?.startLine
          ? { location: { uri: phys.artifactLocation.uri, line: phys.region.startLine } }
          : {}),
      };
    })
    .sort(
      (a, b) =>
        Number(b.level === "mandatory") - Number(a.level === "mandatory") || a.ruleId.localeCompare(b.ruleId),
    );
  return { stack: props.stack, summary: props.summary, failures, markdown };
}

/** The verdict of one stack as one line: its failures, its changes, a link to the run. */
function verdictLine(a: StackAudit, changes: number | undefined, runUrl: string): string {
  const s = a.summary;
  const verdict =
    s.mandatoryFailures > 0
      ? `❌ ${s.mandatoryFailures} mandatory failure(s)${s.advisoryFailures ? `, ${s.advisoryFailures} advisory` : ""}`
      : s.advisoryFailures > 0
        ? `⚠️ 0 mandatory failures, ${s.advisoryFailures} advisory`
        : "✅ 0 mandatory failures";
  const changed = changes === undefined ? "changes unknown (no diff)" : `${changes} change(s)`;
  return `- **${markdownText(a.stack)}**: ${verdict}; ${changed}; [run](${runUrl})`;
}

/** The failures of every stack as one table, each rule and location linked at the commit. */
function failureLines(input: CommentInput): string[] {
  const blob = `${input.repoUrl}/blob/${input.sha}`;
  const rows = input.audits.flatMap((a) =>
    a.failures.map((f) => {
      const rule = `[${f.ruleId}](${blob}/${CATALOGUE_PATH}#${f.ruleId.toLowerCase()})`;
      const where = f.location
        ? `[${markdownText(`${f.location.uri}:${f.location.line}`)}](${blob}/${encodeURI(f.location.uri)}#L${f.location.line})`
        : "";
      return `| ${markdownText(a.stack)} | ${f.level} | ${rule} ${markdownInline(f.title)} | ${markdownCode(f.subject)} | ${where} | ${markdownText(f.message)} |`;
    }),
  );
  if (rows.length === 0) return [];
  return [
    "",
    "#### Failures",
    "",
    "| stack | level | rule | resource | where | evidence |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ];
}

/** Each stack's whole audit (passes included), collapsed. */
function detailsLines(audits: StackAudit[]): string[][] {
  return audits
    .filter((a) => a.markdown)
    .map((a) => [
      "",
      `<details><summary>Whole audit of ${markdownText(a.stack)} (passes included)</summary>`,
      "",
      a.markdown!.trimEnd(),
      "",
      "</details>",
    ]);
}

/** The pointer a trimmed comment ends with. */
function trimNote(runUrl: string): string {
  return `\n\n_Trimmed to fit GitHub's comment limit: the whole comment is \`full-comment.md\` in the \`reports\` artifact of [this run](${runUrl})._`;
}

/** The UTF-8 length of `s` (at least its length in characters). */
function size(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** The longest prefix of `lines` (whole lines) whose text fits `budget` bytes; `[]` when none does. */
function fitLines(lines: string[], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const l of lines) {
    used += size(l) + 1;
    if (used > budget) break;
    out.push(l);
  }
  return out;
}

/**
 * The comment: the verdict lines (always kept), the failures, the diff, each stack's audit collapsed. When the whole
 * is over `maxChars`, the parts that fit are kept in that order (the failures and the diff cut on a line, a collapsed
 * audit whole or left out), ending with a pointer to the run's `reports` artifact.
 *
 * @returns `comment` (at most `maxChars` UTF-8 bytes unless the verdict alone is longer) and `full` (untrimmed).
 */
export function composeComment(input: CommentInput): { comment: string; full: string; trimmed: boolean } {
  const max = input.maxChars ?? 60_000;
  const head = [
    "### cicd-constitution: the verdict",
    "",
    ...input.audits.map((a) => verdictLine(a, input.changes?.get(a.stack), input.runUrl)),
  ];
  const parts: Array<{ lines: string[]; cuttable: boolean }> = [
    { lines: failureLines(input), cuttable: true },
    { lines: input.diffMarkdown ? ["", ...input.diffMarkdown.trimEnd().split("\n")] : [], cuttable: true },
    ...detailsLines(input.audits).map((lines) => ({ lines, cuttable: false })),
  ];
  const full = [...head, ...parts.flatMap((p) => p.lines)].join("\n") + "\n";
  if (size(full) <= max) return { comment: full, full, trimmed: false };
  const note = trimNote(input.runUrl);
  let budget = max - size(note) - 1 - size(head.join("\n"));
  const kept = [...head];
  for (const p of parts) {
    const fits = p.cuttable
      ? fitLines(p.lines, budget)
      : size(p.lines.join("\n")) + 1 <= budget
        ? p.lines
        : [];
    kept.push(...fits);
    budget -= fits.reduce((n, l) => n + size(l) + 1, 0);
    if (fits.length < p.lines.length) break;
  }
  return { comment: kept.join("\n") + note + "\n", full, trimmed: true };
}

/**
 * `text` cut to at most `max` UTF-8 bytes on a whole line, ending with `note`; `text` itself when it fits. For
 * bodies with no verdict to keep (drift.yml's issue).
 */
export function trimBody(text: string, max: number, note: string): string {
  if (size(text) <= max) return text;
  const tail = `\n\n${note}\n`;
  return fitLines(text.split("\n"), max - size(tail)).join("\n") + tail;
}
