/**
 * `cicd diff --base-ref` against a stand-in project: a temporary git repository whose `src/cli/main.ts` plays the
 * preview (it checks the arguments it is given, writes the plans `preview.json` asks for, prints to stderr and
 * exits as told), so each preview is one short process. Proves how a preview's exit and plans are judged, that
 * the base is the ref's tree in a temporary worktree (this checkout's node_modules linked in) removed afterwards,
 * whatever happens, with the signal handlers gone and a signal received meanwhile raised again, and which head
 * each form of the command diffs against.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { computeDiffs, previewInto, previewRef, runDiff } from "../../src/diff/command";
import { cleanTempDirs, tempDir } from "../temp";
import { inputError } from "./diff-fixtures";

/** What the stand-in preview does: plans of `stacks` with the inputs `v` (per stack), extra files, stderr, exit. */
interface Preview {
  stacks: Record<string, number>;
  files?: string[];
  stderr?: string;
  code?: number;
}

/** The stand-in `src/cli/main.ts`: run by tsx as the project's own CLI would be. */
const MAIN = `
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
const spec = JSON.parse(fs.readFileSync("preview.json", "utf8"));
const args = process.argv.slice(2);
const out = args[4];
const expected = ["preview", "--stack", "all", "--out-dir", out, "--format", "json"];
if (JSON.stringify(args) !== JSON.stringify(expected)) {
  process.stderr.write("unexpected arguments " + JSON.stringify(args));
  process.exit(9);
}
if (process.env.SIGNAL_PID) process.kill(Number(process.env.SIGNAL_PID), process.env.SIGNAL_NAME);
const stacks = Object.entries(spec.stacks);
if (stacks.length || spec.files) fs.mkdirSync(out, { recursive: true });
for (const [stack, v] of stacks) {
  const r = { urn: "urn:r", type: "t:x", name: "r", parent: null, inputs: { v } };
  const outputs = {
    modules: fs.existsSync("node_modules/marker"),
    out: path.relative(os.tmpdir(), out),
    tree: process.cwd(),
  };
  const plan = { schemaVersion: 1, project: "p", stack, mode: "offline", resources: [r], outputs };
  fs.writeFileSync(out + "/plan." + stack + ".json", JSON.stringify({ ...plan, requiredSecrets: [], assumptions: [] }));
}
for (const f of spec.files ?? []) fs.writeFileSync(out + "/" + f, "{x");
if (spec.stderr) process.stderr.write(spec.stderr);
process.exit(spec.code ?? 0);
`;

/** `git ARGS` in `cwd`. */
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd, encoding: "utf8" });

/** A project directory previewing as `spec`. */
function project(spec: Preview): string {
  const dir = tempDir("diff-project");
  fs.mkdirSync(path.join(dir, "src", "cli"), { recursive: true });
  fs.writeFileSync(path.join(dir, "src", "cli", "main.ts"), MAIN);
  fs.writeFileSync(path.join(dir, "preview.json"), JSON.stringify(spec));
  return dir;
}

/** A git repository whose HEAD previews as `base`, its working tree as `head`, with an untracked node_modules. */
function repository(base: Preview, head: Preview): string {
  const dir = project(base);
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.writeFileSync(path.join(dir, "node_modules", "marker"), "");
  fs.writeFileSync(path.join(dir, ".gitignore"), "node_modules\n");
  git(dir, "init", "-q");
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "base");
  fs.writeFileSync(path.join(dir, "preview.json"), JSON.stringify(head));
  return dir;
}

/**
 * The worktrees of `repo` but its own, and the temporary directories a base-ref diff leaves, each with what it holds
 * (`cicd-diff-X: plans/plan.staging.json`), so a failure shows which process left it: the preview or git.
 */
function leftovers(repo: string): string[] {
  const trees = git(repo, "worktree", "list", "--porcelain")
    .split("\n")
    .filter((l) => l.startsWith("worktree ") && l !== `worktree ${fs.realpathSync(repo)}`);
  const dirs = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("cicd-diff-"));
  const held = (d: string) =>
    fs.readdirSync(path.join(os.tmpdir(), d), { recursive: true }).sort().join(", ");
  return [...trees, ...dirs.map((d) => `${d}: ${held(d)} (in ${os.tmpdir()})`)];
}

describe("cicd diff: previews of a project", function () {
  this.timeout(60_000);
  after(cleanTempDirs);

  it("a preview exiting 0, or 1 with plans written, succeeds, whatever it says on stderr", function () {
    for (const code of [0, 1]) {
      const dir = project({
        stacks: { staging: 1 },
        files: ["notes.txt"],
        code,
        stderr: "warning\n".repeat(100),
      });
      const out = path.join(tempDir("diff-out"), "plans");
      previewInto(dir, out);
      assert.deepEqual(fs.readdirSync(out).sort(), ["notes.txt", "plan.staging.json"]);
    }
  });

  it("fails naming the project and the preview's stderr: exit 1 without plans, or any other exit", function () {
    const cases: Array<[Preview, string]> = [
      [
        { stacks: {}, files: ["plan.json", "xplan.a.json", "plan.a.json.bak"], code: 1, stderr: " policy\n" },
        "policy",
      ],
      [{ stacks: {}, code: 1, stderr: "no plans" }, "no plans"],
      [{ stacks: { staging: 1 }, code: 2, stderr: "crash" }, "crash"],
    ];
    for (const [spec, stderr] of cases) {
      const dir = project(spec);
      const out = path.join(tempDir("diff-out"), "plans");
      assert.equal(
        inputError(() => previewInto(dir, out)),
        `preview of ${dir} failed: ${stderr}`,
      );
    }
  });

  it("with nothing on stderr, the message says which command failed", function () {
    const dir = project({ stacks: {}, code: 3 });
    const message = inputError(() => previewInto(dir, path.join(dir, "out")));
    assert.ok(message.startsWith(`preview of ${dir} failed: Command failed: ${process.execPath} `), message);
  });
});

/**
 * What the stand-in plans hold for stack `stack` with inputs `v`, previewed in the directory `tree` into `out`
 * (relative to the temporary directory).
 */
const planOf = (stack: string, v: number, tree: string, out: string, modules = true) => ({
  schemaVersion: 1,
  project: "p",
  stack,
  mode: "offline",
  resources: [{ urn: "urn:r", type: "t:x", name: "r", parent: null, inputs: { v } }],
  outputs: { modules, out, tree },
  requiredSecrets: [],
  assumptions: [],
});

/**
 * Hooks of a base-ref test: a TMPDIR of its own for the suite (what a failed clean-up leaves goes with it), the test
 * run elsewhere than a git repository (a path meant for the project directory, were it ignored, fails fast), and
 * after it, once the event loop turns, no signal handler it added left.
 */
function elsewhere(): void {
  const cwd = process.cwd();
  const tmp = process.env.TMPDIR;
  const listeners = () => [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
  let handlers: number[];
  before(() => (process.env.TMPDIR = tempDir("diff-tmp")));
  beforeEach(function () {
    handlers = listeners();
    process.chdir(tempDir("diff-cwd"));
  });
  afterEach(async function () {
    process.chdir(cwd);
    // The command keeps its handlers until the event loop has polled once more (a signal received meanwhile).
    for (let turn = 0; turn < 2; turn++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(listeners(), handlers, "the signal handlers are gone");
  });
  after(function () {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
    cleanTempDirs();
  });
}

describe("cicd diff --base-ref: the base", function () {
  this.timeout(60_000);
  elsewhere();

  it("previews the ref in a worktree with node_modules linked in, then removes it", async function () {
    const repo = repository({ stacks: { staging: 1, production: 2 } }, { stacks: {} });
    const got: string[] = [];
    const spy = (s: string) => void got.push(s);
    process.on("SIGTERM", spy);
    let plans: ReturnType<typeof previewRef>;
    try {
      plans = previewRef(repo, "HEAD");
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off("SIGTERM", spy);
    }
    assert.deepEqual(got, [], "no signal came, none is raised");
    const tree = [...plans.values()][0].outputs.tree as string;
    assert.match(tree, new RegExp(`^${os.tmpdir()}/cicd-diff-[^/]+/worktree$`));
    // The stand-in writes its plans directory relative to its own TMPDIR, the one this suite set.
    const out = path.relative(process.env.TMPDIR!, path.join(path.dirname(tree), "plans"));
    assert.deepEqual(
      new Map([
        ["production", planOf("production", 2, tree, out)],
        ["staging", planOf("staging", 1, tree, out)],
      ]),
      plans,
    );
    assert.deepEqual(leftovers(repo), []);
  });

  it("an unknown ref or a failed preview: the message of git or of the preview, nothing left behind", function () {
    const repo = repository({ stacks: {}, code: 2, stderr: "crash" }, { stacks: {} });
    const ref = "no-such-ref";
    assert.equal(
      inputError(() => previewRef(repo, ref)),
      `git rev-parse --verify --quiet ${ref}^{commit}: Command failed: git rev-parse --verify --quiet ${ref}^{commit}`,
    );
    const notRepo = tempDir("diff-not-repo");
    // git's own words, trimmed (its wording past "not a git repository" depends on the file system).
    assert.match(
      inputError(() => previewRef(notRepo, "HEAD")),
      /^git rev-parse --verify --quiet HEAD\^\{commit\}: fatal: not a git repository[^]*\S$/,
    );
    assert.match(
      inputError(() => previewRef(repo, "HEAD")),
      /^preview of \/.*\/cicd-diff-[^/]+\/worktree failed: crash$/,
    );
    assert.deepEqual(leftovers(repo), []);
  });

  it("a node_modules in the ref's tree is its own: nothing is linked over it", function () {
    const repo = repository({ stacks: { staging: 1 } }, { stacks: { staging: 1 } });
    fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules/marker\n");
    fs.writeFileSync(path.join(repo, "node_modules", "own"), "");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "own node_modules");
    const [plan] = previewRef(repo, "HEAD").values();
    assert.equal(plan.outputs.modules, false, "the marker of the linked node_modules is not there");
  });
});

describe("cicd diff --base-ref: the head", function () {
  this.timeout(60_000);
  elsewhere();

  it("without a head, diffs the ref's stacks against the working tree's, previewed into a directory removed after", function () {
    const repo = repository(
      { stacks: { staging: 1, production: 1 } },
      { stacks: { staging: 2, production: 1, qa: 1 } },
    );
    const diffs = computeDiffs({ baseRef: "HEAD", dir: repo, format: "json" });
    assert.deepEqual(
      diffs.map((d) => [
        d.headStack,
        d.added.length,
        d.changed.map((c) => c.properties.map((p) => [p.path, p.before, p.after])),
      ]),
      [
        ["staging", 0, [[["v", 1, 2]]]],
        ["qa", 1, []],
        ["production", 0, []],
      ],
    );
    const [out, tree] = diffs[0].outputs;
    assert.deepEqual([out.path, tree.path, tree.after], ["outputs.out", "outputs.tree", repo]);
    assert.match(String(out.before), /(^|\/)cicd-diff-\w+\/plans$/);
    assert.match(String(out.after), /(^|\/)cicd-diff-head-\w+$/);
    assert.deepEqual(leftovers(repo), []);
  });

  it("with a head directory, diffs every stack of both; with a head file, only that file's stack", async function () {
    const repo = repository({ stacks: { staging: 1, production: 1 } }, { stacks: {} });
    const heads = tempDir("diff-heads");
    fs.writeFileSync(path.join(heads, "plan.staging.json"), JSON.stringify(planOf("staging", 3, "h", "o")));
    const errors: string[] = [];
    const error = console.error;
    console.error = (...a: unknown[]) => void errors.push(a.join(" "));
    const out = path.join(heads, "diff.json");
    try {
      assert.equal(
        await runDiff({
          baseRef: "HEAD",
          dir: repo,
          head: heads,
          format: "json",
          out,
          expectNoChanges: true,
        }),
        1,
      );
    } finally {
      console.error = error;
    }
    assert.deepEqual(errors, ["changes where none were expected: staging, production"]);
    const { diffs } = JSON.parse(fs.readFileSync(out, "utf8")) as {
      diffs: Array<{ headStack: string; removed: unknown[] }>;
    };
    assert.deepEqual(
      diffs.map((d) => [d.headStack, d.removed.length]),
      [
        ["staging", 0],
        ["production", 1],
      ],
    );
    const file = path.join(heads, "plan.staging.json");
    const one = computeDiffs({ baseRef: "HEAD", dir: repo, head: file, format: "json" });
    assert.deepEqual(
      one.map((d) => [d.headStack, d.changed[0].properties[0].after]),
      [["staging", 3]],
    );
  });
});

describe("cicd diff --base-ref: signals", function () {
  this.timeout(60_000);
  elsewhere();

  // Node reads a received signal when its event loop next polls for I/O: the command runs from a timer or an
  // immediate (mocha's own calls), or from an I/O callback (after a read, as a CLI does), where the poll is one turn
  // further away.
  const callers = {
    "an immediate": async (fn: () => void) => fn(),
    "an I/O callback": async (fn: () => void) => {
      await fs.promises.readFile(__filename);
      fn();
    },
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    for (const [caller, call] of Object.entries(callers))
      it(`a ${signal} received meanwhile is raised again once the worktree is gone (called from ${caller})`, async function () {
        const repo = repository({ stacks: { staging: 1 } }, { stacks: {} });
        const got: string[] = [];
        const mine = (s: string) => void got.push(s);
        process.on(signal, mine);
        process.env.SIGNAL_PID = String(process.pid);
        process.env.SIGNAL_NAME = signal;
        try {
          await call(() => previewRef(repo, "HEAD"));
          assert.deepEqual(leftovers(repo), []);
          assert.deepEqual(got, [], "nothing handled before the worktree is gone");
          const deadline = Date.now() + 5000;
          while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        } finally {
          delete process.env.SIGNAL_PID;
          delete process.env.SIGNAL_NAME;
          process.off(signal, mine);
        }
        assert.deepEqual(got, [signal, signal], "the signal, then its raise");
      });
});
