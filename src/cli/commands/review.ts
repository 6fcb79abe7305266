/** The `cicd` commands that review a change: diff, comment. */
import { Command, Option } from "commander";
import { type CommandResult, colorOption, loader, DIFF_CHOICES } from "../options";

const load = loader(require);

/** `diff`: two plan files, or a git ref's stacks against the working tree. */
export function diffCommand(program: Command, result: CommandResult): void {
  program
    .command("diff")
    .description("Diff two plan files, or the stacks of a git ref against the working tree (--base-ref)")
    .argument("[base]", "base plan file (out/plan.<stack>.json)")
    .argument(
      "[head]",
      "head plan file, or with --base-ref a directory of plan files (default: preview the working tree)",
    )
    .option(
      "--base-ref <ref>",
      "preview this git ref's stacks in a temporary worktree and use them as the base",
    )
    .addOption(new Option("--format <format>", "output format").choices(DIFF_CHOICES).default("table"))
    .addOption(colorOption())
    .option("--out <file>", "write the diff to a file instead of stdout")
    .option("--json-out <file>", "also write the diff as JSON to this file (for cicd comment)")
    .option("--expect-no-changes", "exit 1 when any stack changes, as pulumi preview --expect-no-changes")
    .action(async (base: string | undefined, head: string | undefined, opts) => {
      const [b, h] = opts.baseRef && base && !head ? [undefined, base] : [base, head];
      result.code = await load<typeof import("../../diff/command")>("../../diff/command").runDiff({
        ...opts,
        base: b,
        head: h,
      });
    });
}

/** `comment`: pr.yml's pull request comment from its reports, or any Markdown body trimmed under GitHub's limit. */
export function commentCommand(program: Command, result: CommandResult): void {
  program
    .command("comment")
    .description(
      "Compose the PR comment from a reports directory (verdict per stack, failures linked, diff, audits collapsed), trimmed under GitHub's limit",
    )
    .option("--reports <dir>", "audit.<stack>.sarif and .md, diff.md, diff.json", "reports")
    .option(
      "--run-url <url>",
      "the run's URL (default: from GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID)",
    )
    .option("--repo-url <url>", "the repository's URL (default: from GITHUB_SERVER_URL, GITHUB_REPOSITORY)")
    .option("--sha <sha>", "the commit the links point at (default: GITHUB_SHA)")
    .option("--max-chars <n>", "largest comment, UTF-8 bytes (default 60000, at most 65536)", (v) =>
      Number(v),
    )
    .option("--out <file>", "the comment (default <reports>/comment.md; with --trim, stdout)")
    .option("--full-out <file>", "the untrimmed comment (default <reports>/full-comment.md)")
    .option("--trim <file>", "trim this Markdown file instead (an issue body)")
    .option("--note <text>", "with --trim: the line a trimmed body ends with")
    .action((opts) => {
      result.code = load<typeof import("../../comment/command")>("../../comment/command").runComment(opts);
    });
}
