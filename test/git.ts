/**
 * git for the tests that work in a real repository (the release, the rollback drill, the end-to-end release): the
 * command, and a repository's identity set so commits and annotated tags need no global configuration or signing.
 */
import { execFileSync } from "node:child_process";

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
