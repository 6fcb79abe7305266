/**
 * `cicd comment` (src/comment): the PR comment's verdict per stack first, failures linked to the rule's
 * documentation and the stack file line at the commit, the diff, the whole audits collapsed; a 30-app change stays
 * under GitHub's 65,536 characters with the verdict kept and a pointer to the artifact; `--trim` cuts any body.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { cicd, cleanTempDirs, tempDir } from "../cli-harness";
import { renderReport } from "../../src/report/render";
import { renderDiffs } from "../../src/diff/render";
import type { PlanDiff } from "../../src/diff/diff";
import type { AuditReport } from "../../src/report/types";
import { realReports } from "../report/real-results";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const RUN = "https://github.com/acme/infra/actions/runs/42";
const REPO = "https://github.com/acme/infra";

/** A diff of `apps` apps changed in `stack`: each app's service, task definition and alarms updated. */
function bigDiff(stack: string, apps: number): PlanDiff {
  const changed = Array.from({ length: apps }, (_, i) =>
    ["service", "task", "alarm-5xx", "alarm-latency", "dashboard"].map((kind) => ({
      urn: `urn:pulumi:${stack}::cicd-constitution::x::app-${i}-${kind}`,
      type: "aws:ecs/taskDefinition:TaskDefinition",
      name: `app-${i}-${stack}-${kind}`,
      action: "update" as const,
      properties: Array.from({ length: 6 }, (_, p) => ({
        path: `containerDefinitions[0].environment[${p}].value`,
        kind: "changed" as const,
        before: `value-${p}-before-${"x".repeat(40)}`,
        after: `value-${p}-after-${"y".repeat(40)}`,
        replaces: false,
      })),
    })),
  ).flat();
  return {
    schemaVersion: 1,
    project: "cicd-constitution",
    baseStack: stack,
    headStack: stack,
    added: [],
    removed: [],
    changed,
    unchanged: 10,
    outputs: [],
  };
}

/** A reports directory as pr.yml's smoke job leaves it. */
function reportsDir(reports: AuditReport[], diffs: PlanDiff[] | null): string {
  const dir = tempDir("comment");
  for (const r of reports) {
    fs.writeFileSync(path.join(dir, `audit.${r.stack}.sarif`), renderReport(r, "sarif"));
    fs.writeFileSync(path.join(dir, `audit.${r.stack}.md`), renderReport(r, "markdown"));
  }
  if (diffs) {
    fs.writeFileSync(path.join(dir, "diff.md"), renderDiffs(diffs, "markdown"));
    fs.writeFileSync(path.join(dir, "diff.json"), renderDiffs(diffs, "json"));
  }
  return dir;
}

const args = (dir: string) => [
  "comment",
  "--reports",
  dir,
  "--run-url",
  RUN,
  "--repo-url",
  REPO,
  "--sha",
  SHA,
];

describe("cicd comment", function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  it("puts the verdict per stack first, then the failures linked at the commit, the diff, the audits collapsed", async () => {
    const { staging, broken } = await realReports();
    const dir = reportsDir([broken, staging], [bigDiff("staging", 1)]);
    const r = await cicd(args(dir));
    assert.equal(r.code, 0, r.stderr);
    const comment = fs.readFileSync(path.join(dir, "comment.md"), "utf8");
    const lines = comment.split("\n");
    assert.match(
      lines[2],
      new RegExp(
        `^- \\*\\*production\\*\\*: ❌ ${broken.summary.mandatoryFailures} mandatory failure\\(s\\), ${broken.summary.advisoryFailures} advisory; changes unknown \\(no diff\\); \\[run\\]\\(${RUN}\\)$`,
      ),
    );
    assert.match(
      lines[3],
      new RegExp(
        `^- \\*\\*staging\\*\\*: ❌ ${staging.summary.mandatoryFailures} mandatory failure\\(s\\); 5 change\\(s\\); \\[run\\]`,
      ),
    );
    const blob = `${REPO}/blob/${SHA}`;
    assert.ok(
      comment.includes(`[CC-ENV-02](${blob}/policy-pack/README.md#cc-env-02)`),
      "rule documentation linked",
    );
    assert.match(
      comment,
      new RegExp(`\\[Pulumi\\.production\\.yaml:\\d+\\]\\(${blob}/Pulumi\\.production\\.yaml#L\\d+\\)`),
    );
    const order = [
      "#### Failures",
      "### Infrastructure diff",
      "<details><summary>Whole audit of production",
    ].map((s) => comment.indexOf(s));
    assert.ok(
      order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1])),
      `order ${order}`,
    );
    assert.equal(comment, fs.readFileSync(path.join(dir, "full-comment.md"), "utf8"), "not trimmed");
  });

  it("a 30-app change: under 65,536 characters, the verdict per stack first, a pointer to the artifact", async () => {
    const { staging, broken } = await realReports();
    const dir = reportsDir([broken, staging], [bigDiff("staging", 30), bigDiff("production", 30)]);
    const r = await cicd([...args(dir), "--max-chars", "60000"]);
    assert.equal(r.code, 0, r.stderr);
    const comment = fs.readFileSync(path.join(dir, "comment.md"), "utf8");
    const full = fs.readFileSync(path.join(dir, "full-comment.md"), "utf8");
    assert.ok(full.length > 65_536, `the whole comment is ${full.length} characters`);
    assert.ok(Buffer.byteLength(comment) <= 60_000, `${comment.length}`);
    const lines = comment.split("\n");
    assert.match(
      lines[2],
      /^- \*\*production\*\*: ❌ \d+ mandatory failure\(s\).*; 150 change\(s\); \[run\]/,
    );
    assert.match(lines[3], /^- \*\*staging\*\*: ❌ \d+ mandatory failure\(s\); 150 change\(s\); \[run\]/);
    assert.ok(comment.includes("#### Failures"), "the failures come before the diff and are kept");
    assert.match(
      comment,
      /_Trimmed to fit GitHub's comment limit: the whole comment is `full-comment\.md` in the `reports` artifact of \[this run\]\(https:\/\/github\.com\/acme\/infra\/actions\/runs\/42\)\._\n$/,
    );
    assert.ok(full.startsWith(lines.slice(0, 4).join("\n")), "the same verdict as the whole comment");
  });

  it("--trim cuts a body on a line under --max-chars with the note; refuses a limit over GitHub's", async () => {
    const dir = tempDir("comment-trim");
    const body = path.join(dir, "drift.md");
    fs.writeFileSync(body, "## drift: staging\n" + "~ aws:ecs/service:Service app-1\n".repeat(5000));
    const r = await cicd(["comment", "--trim", body, "--max-chars", "1000", "--note", "_see the run_"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Buffer.byteLength(r.stdout) <= 1000);
    assert.match(r.stdout, /^## drift: staging\n(~ aws:ecs\/service:Service app-1\n)+\n_see the run_\n$/);
    // A body that fits is written as it is.
    const short = path.join(dir, "short.md");
    fs.writeFileSync(short, "## drift: staging\nno drift\n");
    const same = await cicd(["comment", "--trim", short, "--max-chars", "1000"]);
    assert.equal(same.stdout, "## drift: staging\nno drift\n");
    const over = await cicd(["comment", "--trim", body, "--max-chars", "70000"]);
    assert.equal(over.code, 2);
    assert.match(over.stderr, /at most|GitHub's 65536/);
    const none = await cicd(["comment", "--reports", dir]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no audit\.<stack>\.sarif/);
  });
});
