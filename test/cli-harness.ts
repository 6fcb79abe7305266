/**
 * The `cicd` command line for tests. `cicd()` runs a command in this process (`runCli`, the function the
 * executable calls) with stdout and stderr captured, which is what a test of a command's output and exit code
 * needs; `cicdProcess()` runs the compiled executable (`bin/src/cli/main.js`, what `npm run cicd` runs) as a
 * child, for the tests where the process is what is tested (signals, the entry point itself).
 *
 * `tempProject()` copies this repository's stack files into a temporary directory (test/temp.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli } from "../src/cli/main";
import { ROOT } from "./helpers";
import { tempDir } from "./temp";

export { cleanTempDirs, tempDir } from "./temp";

/** The compiled executable: `npm test` builds it first (`npm run build`). */
export const CLI_JS = path.join(ROOT, "bin", "src", "cli", "main.js");

/** What a command printed and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cicd ARGS` in this process: `process.stdout` and `process.stderr` writes (console included) are captured,
 * colours are off (`NO_COLOR`), and `cwd`, when given, is the working directory for the call.
 */
export function cicd(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return captured(() => runCli(args), opts);
}

/**
 * Runs `command` (a command's function that returns its exit code) in this process as {@link cicd} runs a command
 * line: output captured, colours off, `env` and `cwd` set for the call only.
 */
export async function captured(
  command: () => Promise<number>,
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const grab = (into: string[]) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof process.stdout.write;
  const env = { NO_COLOR: "1", ...opts.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const cwd = process.cwd();
  process.stdout.write = grab(out);
  process.stderr.write = grab(err);
  Object.assign(process.env, env);
  if (opts.cwd) process.chdir(opts.cwd);
  try {
    const code = await command();
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.chdir(cwd);
  }
}

/** Runs the compiled `cicd` executable as a child process and waits for it. */
export function cicdProcess(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI_JS, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts the compiled `cicd` executable without waiting (for signal tests), in a process group of its own
 * (`detached`), so `process.kill(-child.pid, "SIGINT")` reaches it and its children as Ctrl-C in a terminal does.
 */
export function startCicdProcess(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return spawn(process.execPath, [CLI_JS, ...args], {
    cwd: opts.cwd ?? ROOT,
    stdio: "ignore",
    detached: true,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
  });
}

/** Production's stack file without the erp-berhan app's reviewers (CC-ENV-02, a mandatory rule, fails). */
export const withoutProductionReviewers = (text: string): string =>
  text.replace(/\n {6}reviewers:\n {8}users: \[mathieu\]\n {8}teams: \[release-managers\]/, "");

/** A temporary project holding this repository's Pulumi.yaml and stack files, production's text changed by `mutate`. */
export function tempProject(mutate?: (text: string) => string): string {
  const dir = tempDir("cicd-cli");
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const s of ["staging", "production"]) {
    const text = fs.readFileSync(path.join(ROOT, `Pulumi.${s}.yaml`), "utf8");
    fs.writeFileSync(path.join(dir, `Pulumi.${s}.yaml`), s === "production" && mutate ? mutate(text) : text);
  }
  return dir;
}

/**
 * A copy of the repository's stack files ({@link tempProject}) and, beside them, `staging-outputs.json`: staging's
 * stack outputs with erp-berhan's recorded `releases` (newest first), as `pulumi stack output --json` prints them.
 */
export function projectWithStagingOutputs(
  releases: Array<{ digest: string; gitSha: string; date: string; actor: string }>,
): { dir: string; outputs: string } {
  const dir = tempProject();
  const outputs = path.join(dir, "staging-outputs.json");
  fs.writeFileSync(
    outputs,
    JSON.stringify({ environmentProfile: { environment: "staging", apps: { "erp-berhan": { releases } } } }),
  );
  return { dir, outputs };
}
