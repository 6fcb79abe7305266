/**
 * The exit codes CI and scripts rely on, one table for the commands that have them (docs/COMMANDS.md): 0 success,
 * 1 a verdict that stops the pipeline (a mandatory rule failed, a check failed, a stack changed under
 * `--expect-no-changes`), 2 bad input (invalid config, a missing file, an unknown app or option), nothing written.
 * Each row runs the command to its code here; `verify` and `predeploy` reach 0 and 1 against local servers in
 * test/deploy/ and test/e2e/, and their 2 here. The preview family's 1 also runs as the compiled executable, the
 * code main.yml's and pr.yml's steps see. `rollback` and `promote` give no verdict: they rewrite a stack file (0) or
 * refuse to (2).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { cicd, cicdProcess, cleanTempDirs, tempProject, withoutProductionReviewers } from "../cli-harness";
import { TEST_TODAY } from "../helpers";

const TODAY = TEST_TODAY.toISOString().slice(0, 10);
const noReviewers = withoutProductionReviewers;
/** A task count that is not a number: the config is invalid. */
const invalid = (text: string) => text.replace(/desiredCount: \d+/, 'desiredCount: "two"');

/** A row: the command line (DIR is a fresh project copy), the expected code and what the output must say. */
interface Row {
  name: string;
  args: (dir: string) => string[];
  mutate?: (text: string) => string;
  code: 0 | 1 | 2;
  says?: RegExp;
  env?: Record<string, string>;
}

/** `preview --stack production` of the project in `d`, its plan under `d/out`, on the suite's fixed day. */
const previewProduction = (d: string) => [
  "preview",
  "--stack",
  "production",
  "--dir",
  d,
  "--out-dir",
  path.join(d, "out"),
  "--today",
  TODAY,
];

const plan = (dir: string, stack: string) => path.join(dir, "out", `plan.${stack}.json`);

/** Every file under `dir` with its content, by relative path. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => fs.statSync(path.join(dir, f)).isFile())
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]),
  );
}

const ROWS: Row[] = [
  {
    name: "preview, the stacks pass",
    args: (d) => [
      "preview",
      "--stack",
      "all",
      "--dir",
      d,
      "--out-dir",
      path.join(d, "out"),
      "--today",
      TODAY,
    ],
    code: 0,
  },
  {
    name: "preview, a mandatory rule fails",
    args: (d) => previewProduction(d),
    mutate: noReviewers,
    code: 1,
    says: /CC-ENV-02/,
  },
  {
    name: "preview, invalid config",
    args: (d) => ["preview", "--stack", "production", "--dir", d, "--today", TODAY],
    mutate: invalid,
    code: 2,
    says: /desiredCount/,
  },
  {
    name: "preview, an unknown stack",
    args: (d) => ["preview", "--stack", "prod", "--dir", d],
    code: 2,
    says: /stacks: production, staging/,
  },
  {
    name: "report, a mandatory rule fails",
    args: (d) => ["report", "--stack", "production", "--dir", d, "--format", "json", "--today", TODAY],
    mutate: noReviewers,
    code: 1,
    says: /CC-ENV-02/,
  },
  {
    name: "report, invalid config",
    args: (d) => ["report", "--stack", "production", "--dir", d, "--format", "json", "--today", TODAY],
    mutate: invalid,
    code: 2,
    says: /desiredCount/,
  },
  {
    name: "preview, a missing project directory, named in one line",
    args: (d) => ["preview", "--dir", path.join(d, "nonexistent")],
    code: 2,
    says: /^--dir \S+nonexistent: no such directory; expected the project directory holding Pulumi\.<stack>\.yaml\n$/,
  },
  {
    name: "promote, a missing outputs file, said as missing (not as invalid JSON)",
    args: (d) => [
      "promote",
      "--app",
      "erp-berhan",
      "--staging-outputs",
      path.join(d, "nope.json"),
      "--dir",
      d,
    ],
    code: 2,
    says: /nope\.json: cannot read the stack outputs \(ENOENT\)/,
  },
  {
    name: "audit, a missing file",
    args: () => ["audit", "--from-export", "/nonexistent/state.json"],
    code: 2,
    says: /\/nonexistent\/state\.json/,
  },
  {
    name: "diff, a missing plan",
    args: (d) => ["diff", "/nonexistent/plan.json", plan(d, "staging")],
    code: 2,
    says: /\/nonexistent\/plan\.json/,
  },
  {
    name: "diff --expect-no-changes, a missing plan (bad input, not a change)",
    args: (d) => ["diff", "/nonexistent/plan.json", plan(d, "staging"), "--expect-no-changes"],
    code: 2,
    says: /\/nonexistent\/plan\.json/,
  },
  {
    name: "verify, no outputs to say what runs",
    args: (d) => ["verify", "--stack", "staging", "--dir", d, "--no-marker"],
    code: 2,
    says: /--outputs/,
  },
  {
    name: "predeploy, no GitHub token",
    args: (d) => [
      "predeploy",
      "--stack",
      "production",
      "--dir",
      d,
      "--sha",
      "a".repeat(40),
      "--repository",
      "o/r",
    ],
    code: 2,
    env: { GITHUB_TOKEN: "" },
    says: /GITHUB_TOKEN/,
  },
  {
    name: "rollback, production's previous digest",
    args: (d) => ["rollback", "--app", "erp-berhan", "--dir", d],
    code: 0,
  },
  {
    name: "rollback, an unknown app",
    args: (d) => ["rollback", "--app", "nope", "--dir", d],
    code: 2,
    says: /nope/,
  },
  {
    name: "rollback, staging without the outputs that name its releases",
    args: (d) => ["rollback", "--stack", "staging", "--app", "erp-berhan", "--dir", d],
    code: 2,
    says: /--staging-outputs FILE is required/,
  },
];

describe("exit codes CI relies on", function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  for (const row of ROWS)
    it(`${row.name}: exit ${row.code}`, async () => {
      const dir = tempProject(row.mutate);
      const before = snapshot(dir);
      const r = await cicd(row.args(dir), { env: row.env });
      assert.equal(r.code, row.code, `${r.stderr}\n${r.stdout.slice(0, 2000)}`);
      if (row.says) assert.match(r.stderr + r.stdout, row.says);
      if (row.code === 2) assert.deepEqual(snapshot(dir), before, "nothing written");
    });

  it("diff --expect-no-changes: 0 on identical plans, 1 when a stack changes, naming it", async () => {
    const dir = tempProject();
    const out = path.join(dir, "out");
    assert.equal(
      (await cicd(["preview", "--stack", "all", "--dir", dir, "--out-dir", out, "--today", TODAY])).code,
      0,
    );
    const same = await cicd(["diff", plan(dir, "staging"), plan(dir, "staging"), "--expect-no-changes"]);
    assert.equal(same.code, 0, same.stderr);
    const changed = await cicd([
      "diff",
      plan(dir, "staging"),
      plan(dir, "production"),
      "--expect-no-changes",
    ]);
    assert.equal(changed.code, 1, changed.stderr);
    const plain = await cicd(["diff", plan(dir, "staging"), plan(dir, "production")]);
    assert.equal(plain.code, 0, "without --expect-no-changes a change is not a failure");
  });

  it("the compiled executable exits 1 on a mandatory failure and 2 on invalid config, as the workflows see it", () => {
    const failing = tempProject(noReviewers);
    assert.equal(cicdProcess(previewProduction(failing)).code, 1);
    assert.equal(cicdProcess(previewProduction(tempProject(invalid))).code, 2);
  });
});
