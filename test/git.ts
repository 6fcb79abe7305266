/**
 * git for the tests that work in a real repository (the release, the rollback drill, the end-to-end release): the
 * command, and a repository's identity set so commits and annotated tags need no global configuration or signing.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** Runs `git ARGS` in `dir` and returns its trimmed stdout; throws with git's stderr on a non-zero exit. */
export const git = (dir: string, ...args: string[]): string =>
  execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** Gives the repository at `dir` a committer and turns commit and tag signing off. */
export function setTestIdentity(dir: string): void {
  for (const [k, v] of [
    ["user.email", "dev@example.org"],
    ["user.name", "dev"],
    ["commit.gpgsign", "false"],
    ["tag.gpgsign", "false"],
  ])
    git(dir, "config", k, v);
}

/**
 * Makes `dir` a repository released once: a first commit holding VERSION `mvp-0.4.2` and `files` (path -> content),
 * tagged `mvp-0.4.2` (annotated), then one commit per `changes` entry, each writing its file.
 *
 * @returns `dir`.
 */
export function releasedRepository(
  dir: string,
  files: Record<string, string> = {},
  changes: Array<{ message: string; file: string; content: string }> = [],
): string {
  git(dir, "init", "-q", "-b", "main");
  setTestIdentity(dir);
  for (const [file, content] of Object.entries({ VERSION: "mvp-0.4.2\n", ...files }))
    fs.writeFileSync(path.join(dir, file), content);
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "chore(release): bump version to mvp-0.4.2");
  git(dir, "tag", "-a", "mvp-0.4.2", "-m", "mvp-0.4.2");
  for (const change of changes) {
    fs.writeFileSync(path.join(dir, change.file), change.content);
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", change.message);
  }
  return dir;
}
