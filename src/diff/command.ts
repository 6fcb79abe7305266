/**
 * `cicd diff BASE_PLAN HEAD_PLAN [--format table|markdown|json] [--out FILE]` and
 * `cicd diff --base-ref GIT_REF [HEAD] ...`: the infra diff between two plan files, or between the stacks of a
 * git commit and the working tree.
 *
 * Exit codes: 0 the diff was written (changes or not); 2 unreadable input, unknown ref or a failed preview.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { jsonErrorWithoutInput, maskSecrets } from "../audit/readState";
import * as os from "node:os";
import * as path from "node:path";
import type { Plan } from "../plan/types";
import { diffPlans, PlanDiff } from "./diff";
import { DiffFormat, renderDiffs } from "./render";
import { readInputFile, writeOutputFile } from "../files";
import { type ColorMode, layoutFor } from "../terminal";

/** Options of {@link runDiff}. */
export interface DiffCommandOptions {
  /** Base plan file (`out/plan.<stack>.json`). Ignored when `baseRef` is set. */
  base?: string;
  /**
   * Head: a plan file, or a directory of `plan.<stack>.json` files. With `baseRef` and no `head`, the working
   * tree's stacks are previewed into a temporary directory.
   */
  head?: string;
  /** A git ref (branch, tag, SHA): its stacks are previewed in a temporary worktree and used as the base. */
  baseRef?: string;
  format: DiffFormat;
  /** Write the rendering to this file instead of stdout. */
  out?: string;
  /** Also write the JSON format of the same diffs to this file (what `cicd comment` counts changes from). */
  jsonOut?: string;
  /** Project directory (the git checkout holding `Pulumi.<stack>.yaml`). Default: the current directory. */
  dir?: string;
  /** Exit 1 when any stack changes (a resource or an output), as `pulumi preview --expect-no-changes` does. */
  expectNoChanges?: boolean;
  /** `--color`: table colours on stdout (src/terminal.ts `useColor`); a file gets none unless `always`. Default `auto`. */
  color?: ColorMode;
}

/** An unreadable input or a failed preview; the CLI exits 2 with its message. */
export class DiffInputError extends Error {}

/**
 * Reads and checks a plan file.
 *
 * @throws DiffInputError when the file is missing, not JSON, or not a plan (no `schemaVersion: 1`, `stack`, `resources`).
 */
export function readPlan(file: string): Plan {
  let raw: string;
  try {
    raw = readInputFile(file);
  } catch {
    throw new DiffInputError(`cannot read plan file ${file}`);
  }
  let plan: unknown;
  try {
    plan = JSON.parse(raw);
  } catch (e) {
    throw new DiffInputError(`${file} is not JSON (${jsonErrorWithoutInput(e)})`);
  }
  const p = plan as Partial<Plan>;
  if (p?.schemaVersion !== 1 || typeof p.stack !== "string" || !Array.isArray(p.resources)) {
    throw new DiffInputError(`${file} is not a plan file (schemaVersion 1 with stack and resources)`);
  }
  // A plan written by hand or by another tool may hold Pulumi secret objects: never shown in clear.
  const seen = new Set<string>();
  return {
    ...(plan as Plan),
    resources: (plan as Plan).resources.map((r) => ({
      ...r,
      inputs: maskSecrets(r.inputs, seen) as Record<string, unknown>,
    })),
  };
}

/** Plan files of a directory, by stack name. */
export function readPlanDir(dir: string): Map<string, Plan> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new DiffInputError(`${dir} is not a directory`);
  const plans = new Map<string, Plan>();
  for (const f of fs.readdirSync(dir).sort()) {
    if (/^plan\..+\.json$/.test(f)) {
      const p = readPlan(path.join(dir, f));
      plans.set(p.stack, p);
    }
  }
  return plans;
}

/** An empty plan of a stack: the base of a stack that does not exist yet, or the head of a deleted one. */
function emptyPlan(project: string, stack: string): Plan {
  return {
    schemaVersion: 1,
    project,
    stack,
    mode: "offline",
    resources: [],
    outputs: {},
    requiredSecrets: [],
    assumptions: [],
  };
}

/** Runs `git` in `cwd`; returns stdout. @throws DiffInputError with git's message. */
function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new DiffInputError(`git ${args.join(" ")}: ${(err.stderr || err.message).trim()}`);
  }
}

/**
 * Previews every stack of a project directory into `outDir` with the project's own CLI
 * (`tsx src/cli/main.ts preview --stack all --out-dir OUT`), using this checkout's tsx. Exit 1 (a mandatory
 * policy failure) with the plans written counts as success: the diff is wanted all the more.
 *
 * @throws DiffInputError when the preview fails (its stderr in the message).
 */
export function previewInto(projectDir: string, outDir: string): void {
  const tsxCli = require.resolve("tsx/cli");
  try {
    execFileSync(
      process.execPath,
      [tsxCli, "src/cli/main.ts", "preview", "--stack", "all", "--out-dir", outDir, "--format", "json"],
      { cwd: projectDir, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (e) {
    const err = e as { status?: number | null; stderr?: string; message: string };
    // Exit 1 is a mandatory policy failure: the plans were written, and the diff is still wanted.
    const wrote = fs.existsSync(outDir) && fs.readdirSync(outDir).some((f) => /^plan\..+\.json$/.test(f));
    if (err.status === 1 && wrote) return;
    throw new DiffInputError(`preview of ${projectDir} failed: ${(err.stderr || err.message).trim()}`);
  }
}

/**
 * Previews the stacks of `ref` in a temporary `git worktree` (this checkout's node_modules linked in), and
 * removes the worktree afterwards, whatever happens.
 *
 * @returns the base plans by stack.
 * @throws DiffInputError for an unknown ref or a failed preview.
 */
export function previewRef(repoDir: string, ref: string): Map<string, Plan> {
  const sha = git(repoDir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).trim();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cicd-diff-"));
  const tree = path.join(tmp, "worktree");
  const outDir = path.join(tmp, "plans");
  // Ctrl-C or a kill while the worktree is made or the preview runs: remove the worktree first, then end as
  // the signal asks. The handlers are in place before `git worktree add` starts.
  const signals: NodeJS.Signals[] = [];
  const onSignal = (s: NodeJS.Signals) => void signals.push(s);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    git(repoDir, ["worktree", "add", "--detach", tree, sha]);
    const modules = path.join(path.resolve(repoDir), "node_modules");
    if (fs.existsSync(modules) && !fs.existsSync(path.join(tree, "node_modules"))) {
      fs.symlinkSync(modules, path.join(tree, "node_modules"), "dir");
    }
    previewInto(tree, outDir);
    return readPlanDir(outDir);
  } finally {
    try {
      git(repoDir, ["worktree", "remove", "--force", tree]);
    } catch {
      // Already gone: prune below cleans the bookkeeping.
    }
    git(repoDir, ["worktree", "prune"]);
    fs.rmSync(tmp, { recursive: true, force: true });
    // A signal that came while the synchronous work above ran reaches its handler only when the event loop next
    // polls for I/O. Called from an I/O callback, the first immediate runs before that poll, the second after it:
    // the handlers stay until then, so the signal is neither lost nor fatal before the worktree is gone.
    setImmediate(() =>
      setImmediate(() => {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        if (signals.length) process.kill(process.pid, signals[0]);
      }),
    );
  }
}

/**
 * Pairs base and head plans by stack (staging first, production last) and diffs each pair; a stack present on
 * one side only is diffed against an empty plan.
 */
export function diffStacks(base: Map<string, Plan>, head: Map<string, Plan>): PlanDiff[] {
  const rank = (s: string) => (s === "staging" ? 0 : s === "production" ? 2 : 1);
  const stacks = [...new Set([...base.keys(), ...head.keys()])].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
  const project = [...head.values(), ...base.values()][0]?.project ?? "";
  return stacks.map((s) =>
    diffPlans(base.get(s) ?? emptyPlan(project, s), head.get(s) ?? emptyPlan(project, s)),
  );
}

/** Computes the diffs {@link runDiff} renders. @throws DiffInputError */
export function computeDiffs(opts: DiffCommandOptions): PlanDiff[] {
  const dir = opts.dir ?? ".";
  if (opts.baseRef) {
    const base = previewRef(dir, opts.baseRef);
    let head: Map<string, Plan>;
    if (opts.head && fs.existsSync(opts.head) && fs.statSync(opts.head).isDirectory()) {
      head = readPlanDir(opts.head);
    } else if (opts.head) {
      const p = readPlan(opts.head);
      head = new Map([[p.stack, p]]);
      for (const s of [...base.keys()]) if (s !== p.stack) base.delete(s);
    } else {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cicd-diff-head-"));
      try {
        previewInto(dir, path.resolve(tmp));
        head = readPlanDir(tmp);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }
    return diffStacks(base, head);
  }
  if (!opts.base || !opts.head)
    throw new DiffInputError("diff needs BASE_PLAN and HEAD_PLAN, or --base-ref GIT_REF");
  return [diffPlans(readPlan(opts.base), readPlan(opts.head))];
}

/**
 * Runs `cicd diff`: renders the diffs to `opts.out` or stdout (and their JSON to `opts.jsonOut` when given).
 *
 * @returns the exit code: 0 written; 1 with `expectNoChanges` when something changes (said on stderr); 2 bad input
 *   (message on stderr).
 */
export async function runDiff(opts: DiffCommandOptions): Promise<number> {
  let diffs: PlanDiff[];
  try {
    diffs = computeDiffs(opts);
  } catch (e) {
    if (e instanceof DiffInputError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const text = renderDiffs(diffs, opts.format, layoutFor(opts.color, !!opts.out)) + "\n";
  if (opts.jsonOut) {
    fs.mkdirSync(path.dirname(path.resolve(opts.jsonOut)), { recursive: true });
    writeOutputFile(opts.jsonOut, renderDiffs(diffs, "json") + "\n");
  }
  if (opts.out) {
    fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    writeOutputFile(opts.out, text);
  } else {
    process.stdout.write(text);
  }
  const changing = diffs.filter(
    (d) => d.added.length || d.removed.length || d.changed.length || d.outputs.length,
  );
  if (opts.expectNoChanges && changing.length) {
    console.error(`changes where none were expected: ${changing.map((d) => d.headStack).join(", ")}`);
    return 1;
  }
  return 0;
}
