/**
 * What `diff` and the readers of state never do: print a Pulumi secret object of a plan in clear, echo the input in
 * a JSON parse error, or leave a git worktree behind when interrupted.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseState } from "../../src/audit/readState";
import { readPlan } from "../../src/diff/command";
import { SECRET_SIG, SIG_KEY } from "../../src/audit/readState";
import { startCicdProcess } from "../cli-harness";
import { cleanTempDirs, tempDir } from "../temp";
import { ROOT } from "../helpers";

describe("diff and state readers: hygiene", function () {
  after(cleanTempDirs);
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "hygiene-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a plan's Pulumi secret objects are masked when read, never shown in clear", () => {
    const file = path.join(dir, "plan.staging.json");
    const secret = { [SIG_KEY]: SECRET_SIG, value: "hunter2-plan-secret" };
    fs.writeFileSync(
      file,
      JSON.stringify({
        schemaVersion: 1,
        project: "p",
        stack: "staging",
        mode: "offline",
        resources: [
          {
            urn: "urn:pulumi:staging::p::t::n",
            type: "t",
            name: "n",
            parent: null,
            inputs: { token: secret },
          },
        ],
        outputs: {},
        requiredSecrets: [],
        assumptions: [],
      }),
    );
    const plan = readPlan(file);
    assert.equal(plan.resources[0].inputs.token, "[secret]");
    assert.ok(!JSON.stringify(plan).includes("hunter2"));
  });

  it("a JSON parse error names the position, never the text around it", () => {
    const text = '{"token": hunter2-not-json-secret}';
    assert.throws(
      () => parseState(text, "state.json"),
      (e: unknown) =>
        /not JSON \(invalid JSON( at position \d+)?\)/.test((e as Error).message) &&
        !(e as Error).message.includes("hunter2"),
    );
    const file = path.join(dir, "plan.json");
    fs.writeFileSync(file, text);
    assert.throws(
      () => readPlan(file),
      (e: unknown) =>
        /is not JSON \(invalid JSON( at position \d+)?\)/.test((e as Error).message) &&
        !(e as Error).message.includes("hunter2"),
    );
  });

  it("Ctrl-C during `diff --base-ref` removes the temporary worktree", async () => {
    const worktrees = () => execFileSync("git", ["-C", ROOT, "worktree", "list"], { encoding: "utf8" });
    // The compiled executable, as `npm run cicd` runs it: the signal reaches the process that made the worktree.
    // Its temporary directories go to a TMPDIR of its own: the suite's is shared with the other worker, whose base-ref
    // tests (test/diff/command-preview.test.ts) count the `cicd-diff-*` directories they find there as leftovers.
    const tmp = tempDir("hygiene-diff");
    const child = startCicdProcess(["diff", "--base-ref", "HEAD"], { env: { TMPDIR: tmp } });
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code, signal) => resolve(code ?? (signal ? 130 : null))),
    );
    // Wait until the worktree exists, then interrupt.
    const deadline = Date.now() + 60_000;
    while (!/cicd-diff-/.test(worktrees()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    assert.match(worktrees(), /cicd-diff-/, "the worktree was created");
    // Ctrl-C: the terminal signals the whole foreground process group (the command and the preview it runs).
    process.kill(-child.pid!, "SIGINT");
    await exited;
    const left = worktrees();
    // Whatever the verdict, leave nothing behind for the next test.
    for (const line of left.split("\n").filter((l) => /cicd-diff-/.test(l))) {
      const tree = line.split(/\s+/)[0];
      execFileSync("git", ["-C", ROOT, "worktree", "remove", "--force", tree]);
      fs.rmSync(path.dirname(tree), { recursive: true, force: true });
    }
    assert.doesNotMatch(left, /cicd-diff-/);
    assert.deepEqual(
      fs.readdirSync(tmp).filter((f) => f.startsWith("cicd-diff-")),
      [],
      "the temporary directory removed with the worktree",
    );
  });
});
