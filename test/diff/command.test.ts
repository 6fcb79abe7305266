/**
 * `cicd diff` as a command: plan files in, a rendering out, exit codes for bad input.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runDiff } from "../../src/diff/command";
import { repositoryStacks } from "../helpers";
import { cicdProcess } from "../cli-harness";
import { cleanTempDirs, tempDir } from "../temp";

describe("cicd diff (command)", function () {
  let dir: string;
  let staging: string;
  let production: string;
  let errors: string[];
  const origError = console.error;

  after(cleanTempDirs);
  before(async function () {
    dir = tempDir("diff-cmd");
    const [s, p] = await repositoryStacks();
    staging = path.join(dir, "plan.staging.json");
    production = path.join(dir, "plan.production.json");
    fs.writeFileSync(staging, JSON.stringify(s.plan));
    fs.writeFileSync(production, JSON.stringify(p.plan));
  });
  beforeEach(function () {
    errors = [];
    console.error = (...a: unknown[]) => void errors.push(a.join(" "));
  });
  afterEach(function () {
    console.error = origError;
  });

  it("writes the JSON diff of two plan files to --out and exits 0", async function () {
    const out = path.join(dir, "d.json");
    assert.equal(await runDiff({ base: production, head: production, format: "json", out }), 0);
    const j = JSON.parse(fs.readFileSync(out, "utf8"));
    assert.equal(j.diffs.length, 1);
    assert.deepEqual(
      [j.diffs[0].added.length, j.diffs[0].removed.length, j.diffs[0].changed.length],
      [0, 0, 0],
    );
  });

  it("--expect-no-changes: exit 0 when nothing changes, 1 naming the stack when something does", async function () {
    const out = path.join(dir, "expect.txt");
    assert.equal(
      await runDiff({ base: production, head: production, format: "table", out, expectNoChanges: true }),
      0,
    );
    assert.deepEqual(errors, []);
    assert.equal(
      await runDiff({ base: staging, head: production, format: "table", out, expectNoChanges: true }),
      1,
    );
    assert.deepEqual(errors, ["changes where none were expected: production"]);
    assert.equal(
      await runDiff({ base: staging, head: production, format: "table", out }),
      0,
      "without the flag",
    );
  });

  it("exits 2 naming the file when a plan is missing or not a plan", async function () {
    assert.equal(await runDiff({ base: path.join(dir, "nope.json"), head: production, format: "table" }), 2);
    assert.match(errors.join("\n"), /nope\.json/);
    const notPlan = path.join(dir, "x.json");
    fs.writeFileSync(notPlan, "{}");
    assert.equal(await runDiff({ base: notPlan, head: production, format: "table" }), 2);
    assert.match(errors.join("\n"), /not a plan file/);
  });

  it("exits 2 for an unknown --base-ref, leaving no worktree behind", function () {
    // The executable with a temporary directory of its own: another test's diff running beside it (a parallel
    // mocha job) cannot be mistaken for a leftover. tsx's compile cache (`tsx-<uid>`) is not the command's doing.
    const tmp = tempDir("diff-tmp");
    const r = cicdProcess(["diff", "--base-ref", "no-such-ref-xyz"], { env: { TMPDIR: tmp } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /no-such-ref-xyz|rev-parse/);
    assert.deepEqual(
      fs.readdirSync(tmp).filter((e) => !/^tsx-\d+$/.test(e)),
      [],
    );
  });
});
