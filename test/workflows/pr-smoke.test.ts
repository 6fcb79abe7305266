/**
 * The PR workflow's smoke job reads what its first step writes: the preview step's own arguments (parsed from
 * .github/workflows/pr.yml, not copied) run against a copy of the stack files, and every report file a later step
 * reads (the PR comment's Markdown, the SARIF uploads) must then exist.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { cicd, cleanTempDirs, tempProject } from "../cli-harness";
import { ROOT } from "../helpers";

type Step = { id?: string; run?: string; with?: Record<string, string> };

const smokeSteps = (): Step[] =>
  (
    parse(fs.readFileSync(path.join(ROOT, ".github/workflows/pr.yml"), "utf8")) as {
      jobs: { smoke: { steps: Step[] } };
    }
  ).jobs.smoke.steps;

/** The arguments `npm start -- ...` hands the CLI in the step with id `audit`, after npm start's own. */
function previewArguments(steps: Step[]): string[] {
  const line = (steps.find((s) => s.id === "audit")?.run ?? "")
    .split("\n")
    .find((l) => /^\s*npm start\b/.test(l));
  assert.ok(line, "the audit step runs npm start");
  const extra = line.replace(/^\s*npm start\s*(--\s*)?/, "").trim();
  return ["preview", "--stack", "all", ...(extra ? extra.split(/\s+/) : [])];
}

/**
 * Report files the later steps read: `cicd comment --reports DIR` reads each stack's `audit.<stack>.sarif` and
 * `.md` there (the stacks the uploads name), and each upload its `sarif_file`.
 */
function filesRead(steps: Step[]): string[] {
  const files: string[] = [];
  const sarifs = steps.flatMap((s) => (s.with?.sarif_file ? [s.with.sarif_file] : []));
  for (const s of steps) {
    const comment = /cicd -- comment --reports (\S+)/.exec(s.run ?? "");
    if (comment)
      for (const f of sarifs)
        files.push(
          f.replace(/^.*\//, `${comment[1]}/`),
          f.replace(/^.*\//, `${comment[1]}/`).replace(/\.sarif$/, ".md"),
        );
  }
  return [...new Set([...files, ...sarifs])];
}

describe("pr.yml smoke job: one preview writes what the comment and the SARIF uploads read", function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  it("every report file a later step reads exists after the preview step's own command", async () => {
    const steps = smokeSteps();
    const wanted = filesRead(steps);
    assert.deepEqual(wanted.sort(), [
      "reports/audit.production.md",
      "reports/audit.production.sarif",
      "reports/audit.staging.md",
      "reports/audit.staging.sarif",
    ]);
    const dir = tempProject();
    const args = previewArguments(steps).map((a) => (a === "reports" ? path.join(dir, "reports") : a));
    const r = await cicd([...args, "--dir", dir, "--out-dir", path.join(dir, "out")]);
    assert.equal(r.code, 0, r.stderr);
    for (const f of wanted) assert.ok(fs.existsSync(path.join(dir, f)), `${f} is missing`);
    JSON.parse(fs.readFileSync(path.join(dir, "reports/audit.production.sarif"), "utf8"));
  });
});
