/**
 * Replays a workflow's `run:` steps outside GitHub: each step's script, parsed from the workflow file, runs with
 * bash -e as the runner runs it (RUNNER_TEMP, GITHUB_OUTPUT), with shims first on PATH for what only a runner has.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CLI_JS } from "../cli-harness";
import { ROOT } from "../helpers";

/** A step of a job: its id or name and its script. */
export type Step = { id?: string; name?: string; run?: string; env?: Record<string, string> };
/** A parsed workflow: its jobs' steps. */
export type Workflow = { jobs: Record<string, { steps: Step[] }> };

/** A workflow of .github/workflows, parsed. */
export const readWorkflow = (name: string): Workflow =>
  parse(fs.readFileSync(path.join(ROOT, ".github/workflows", name), "utf8")) as Workflow;

/** Shims on PATH: `npm run --silent cicd -- ARGS` runs the compiled CLI; `gh` appends its arguments to a log. */
export function shims(dir: string, more: Record<string, string> = {}): string {
  const bin = path.join(dir, "shims");
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, "npm"),
    `#!/bin/bash\n[ "$1 $2 $3 $4" = "run --silent cicd --" ] || exit 97\nshift 4\nexec "${process.execPath}" "${CLI_JS}" "$@"\n`,
    { mode: 0o755 },
  );
  fs.writeFileSync(
    path.join(bin, "gh"),
    `#!/bin/bash\n[ "$1 $2" = "auth setup-git" ] && exit 0\necho "$*" >> "${path.join(dir, "gh.log")}"\n`,
    { mode: 0o755 },
  );
  for (const [name, script] of Object.entries(more))
    fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${script}\n`, { mode: 0o755 });
  return bin;
}

/**
 * A runner of the workflow's steps in `root` (RUNNER_TEMP), with the shims of `bin` first on PATH: it runs the
 * `run:` script of step `stepName` (a name or an id) of `job` in `cwd` with bash -e, as the runner does, and
 * returns the step's outputs (GITHUB_OUTPUT).
 */
export const stepRunner =
  (workflow: Workflow, root: string, bin: string) =>
  (job: string, stepName: string, cwd: string, env: Record<string, string> = {}): Record<string, string> => {
    const step = workflow.jobs[job].steps.find((s) => s.id === stepName || s.name === stepName);
    assert.ok(step?.run, `${job} has a run step ${stepName}`);
    const output = path.join(root, `${job}.output`);
    fs.writeFileSync(output, "");
    execFileSync("bash", ["-e", "-c", step.run], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        ...env,
        PATH: `${bin}:${process.env.PATH}`,
        RUNNER_TEMP: root,
        GITHUB_OUTPUT: output,
      },
    });
    return Object.fromEntries(
      fs
        .readFileSync(output, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
  };
