/**
 * `cicd comment`: pr.yml's pull request comment from the reports of its smoke job ({@link composeComment}), or with
 * `--trim FILE` any Markdown body (drift.yml's issue) cut under GitHub's limit with a pointer to the full text.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as Sarif from "sarif";
import { readInputFile, writeOutputFile } from "../files";
import { diffCounts, PlanDiff } from "../diff/diff";
import { auditFromSarif, composeComment, GITHUB_BODY_LIMIT, StackAudit, trimBody } from "./compose";

/** Options of {@link runComment}. */
export interface CommentCommandOptions {
  /** The reports directory: `audit.<stack>.sarif` (required), `audit.<stack>.md`, `diff.md`, `diff.json`. Default `reports`. */
  reports?: string;
  /** The run's URL (default: from GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID). */
  runUrl?: string;
  /** The repository's URL (default: from GITHUB_SERVER_URL and GITHUB_REPOSITORY). */
  repoUrl?: string;
  /** The commit links point at (default: GITHUB_SHA). */
  sha?: string;
  /** Largest body, in UTF-8 bytes (default 60,000; at most GitHub's 65,536). */
  maxChars?: number;
  /** Where the comment goes (default `<reports>/comment.md`; with `--trim`, stdout). */
  out?: string;
  /** Where the untrimmed comment goes (default `<reports>/full-comment.md`). */
  fullOut?: string;
  /** Trim this Markdown file instead of composing the PR comment. */
  trim?: string;
  /** With `--trim`: the line a trimmed body ends with. */
  note?: string;
}

/** The changes per stack of `diff.json` (`cicd diff --json-out`): resources added, removed, updated, replaced, outputs. */
function changesOf(file: string): Map<string, number> | undefined {
  if (!fs.existsSync(file)) return undefined;
  const { diffs } = JSON.parse(readInputFile(file)) as { diffs: PlanDiff[] };
  return new Map(
    diffs.map((d) => {
      const c = diffCounts(d);
      return [d.headStack, c.added + c.removed + c.updated + c.replaced + d.outputs.length];
    }),
  );
}

/** Each stack's audit from `<dir>/audit.<stack>.sarif` (and its `.md`), stacks in name order. */
function auditsIn(dir: string): StackAudit[] {
  const files = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => /^audit\.[\w.-]+\.sarif$/.test(f))
    : [];
  return files.sort().map((f) => {
    const md = path.join(dir, f.replace(/\.sarif$/, ".md"));
    const log = JSON.parse(readInputFile(path.join(dir, f))) as Sarif.Log;
    return auditFromSarif(log, fs.existsSync(md) ? readInputFile(md) : undefined);
  });
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeOutputFile(file, text);
}

/**
 * Runs `cicd comment`.
 *
 * @returns 0 written; 2 when `--max-chars` is over GitHub's limit, no `audit.<stack>.sarif` is in the reports
 *   directory, or a report cannot be read (message on stderr).
 */
export function runComment(opts: CommentCommandOptions, env: NodeJS.ProcessEnv = process.env): number {
  const max = opts.maxChars ?? 60_000;
  if (!(max > 0 && max <= GITHUB_BODY_LIMIT)) {
    console.error(`--max-chars ${max}: from 1 to GitHub's ${GITHUB_BODY_LIMIT}`);
    return 2;
  }
  const server = env.GITHUB_SERVER_URL || "https://github.com";
  const repoUrl = opts.repoUrl ?? `${server}/${env.GITHUB_REPOSITORY ?? ""}`;
  const runUrl = opts.runUrl ?? `${repoUrl}/actions/runs/${env.GITHUB_RUN_ID ?? ""}`;
  try {
    if (opts.trim) {
      const note =
        opts.note ?? `_Trimmed to fit GitHub's limit: the whole text is in [this run](${runUrl})._`;
      const body = trimBody(readInputFile(opts.trim), max, note);
      if (opts.out) write(opts.out, body);
      else process.stdout.write(body);
      return 0;
    }
    const dir = opts.reports ?? "reports";
    const audits = auditsIn(dir);
    if (audits.length === 0) {
      console.error(`no audit.<stack>.sarif in ${path.resolve(dir)}`);
      return 2;
    }
    const diffMd = path.join(dir, "diff.md");
    const { comment, full } = composeComment({
      audits,
      changes: changesOf(path.join(dir, "diff.json")),
      diffMarkdown: fs.existsSync(diffMd) ? readInputFile(diffMd) : undefined,
      runUrl,
      repoUrl,
      sha: opts.sha ?? env.GITHUB_SHA ?? "HEAD",
      maxChars: max,
    });
    write(opts.fullOut ?? path.join(dir, "full-comment.md"), full);
    write(opts.out ?? path.join(dir, "comment.md"), comment);
    return 0;
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
}
