/**
 * `cicd diff --json-out FILE`: beside its rendering, the diff's JSON (`{ schemaVersion: 1, diffs }`, as `--format
 * json` prints it) goes to FILE, which is what `cicd comment` counts each stack's changes from (pr.yml writes
 * reports/diff.md and reports/diff.json in one run).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { cicd, cleanTempDirs, tempDir } from "../cli-harness";
import { diffCounts, diffPlans, type PlanDiff } from "../../src/diff/diff";
import { renderDiffs } from "../../src/diff/render";
import { renderReport } from "../../src/report/render";
import type { Plan } from "../../src/plan/types";
import { realReports } from "../report/real-results";

/** A production plan of one task definition whose container has LOG_LEVEL `level` and `extra` variables. */
function plan(level: string, extra: string[] = []): Plan {
  const environment = [{ name: "LOG_LEVEL", value: level }, ...extra.map((name) => ({ name, value: "1" }))];
  return {
    schemaVersion: 1,
    project: "cicd-constitution",
    stack: "production",
    mode: "offline",
    resources: [
      {
        urn: "urn:pulumi:production::cicd-constitution::aws:ecs/taskDefinition:TaskDefinition::web-task",
        type: "aws:ecs/taskDefinition:TaskDefinition",
        name: "web-task",
        parent: null,
        inputs: { containerDefinitions: JSON.stringify([{ name: "web", environment }]) },
      },
    ],
    outputs: { digest: level },
    requiredSecrets: [],
    assumptions: [],
  } as Plan;
}

describe("cicd diff --json-out", function () {
  after(cleanTempDirs);

  it("writes the diff's JSON beside the Markdown, the one cicd comment counts changes from", async function () {
    const dir = tempDir("json-out");
    const base = path.join(dir, "plan.base.json");
    const head = path.join(dir, "plan.head.json");
    fs.writeFileSync(base, JSON.stringify(plan("info")));
    fs.writeFileSync(head, JSON.stringify(plan("debug", ["FEATURE_X"])));
    const reports = path.join(dir, "reports");
    const diffJson = path.join(reports, "diff.json");
    const r = await cicd([
      "diff",
      base,
      head,
      "--format",
      "markdown",
      "--out",
      path.join(reports, "diff.md"),
      "--json-out",
      diffJson,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "", "both renderings go to files");

    const written = JSON.parse(fs.readFileSync(diffJson, "utf8")) as {
      schemaVersion: number;
      diffs: PlanDiff[];
    };
    const expected = diffPlans(plan("info"), plan("debug", ["FEATURE_X"]));
    assert.equal(
      fs.readFileSync(diffJson, "utf8"),
      renderDiffs([expected], "json") + "\n",
      "as --format json",
    );
    assert.equal(written.schemaVersion, 1);
    assert.deepEqual(
      written.diffs[0].changed[0].properties.map((p) => p.path),
      [
        "containerDefinitions[web].environment[LOG_LEVEL].value",
        "containerDefinitions[web].environment[FEATURE_X]",
      ],
    );
    const c = diffCounts(written.diffs[0]);
    const changes = c.added + c.removed + c.updated + c.replaced + written.diffs[0].outputs.length;
    assert.equal(changes, 2, "one task definition replaced, one output changed");

    // cicd comment reads the same reports directory: its verdict line counts the changes diff.json holds.
    const { production } = await realReports();
    fs.writeFileSync(path.join(reports, "audit.production.sarif"), renderReport(production, "sarif"));
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const repo = "https://github.com/acme/infra";
    const posted = await cicd([
      "comment",
      "--reports",
      reports,
      "--repo-url",
      repo,
      "--run-url",
      `${repo}/run`,
      "--sha",
      sha,
    ]);
    assert.equal(posted.code, 0, posted.stderr);
    const comment = fs.readFileSync(path.join(reports, "comment.md"), "utf8");
    assert.match(comment, new RegExp(`- \\*\\*production\\*\\*: .*; ${changes} change\\(s\\); \\[run\\]`));
    assert.ok(comment.includes("environment[LOG_LEVEL].value"), "the diff's Markdown in the comment");
  });

  it("exits 2 without writing it when a plan is unreadable", async function () {
    const dir = tempDir("json-out");
    const out = path.join(dir, "diff.json");
    const r = await cicd([
      "diff",
      path.join(dir, "none.json"),
      path.join(dir, "none.json"),
      "--json-out",
      out,
    ]);
    assert.equal(r.code, 2);
    assert.ok(!fs.existsSync(out));
  });
});
