/**
 * The PR workflow's jobs are the required status checks: the stack files declare them per app
 * (`cicd-constitution:apps[].requiredChecks`, default `[style, unit, smoke]`, CONST "Required PR Checks") and the
 * program writes them into the main ruleset; a job renamed in .github/workflows/pr.yml would leave a required
 * check that never reports, and block every merge.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT } from "../helpers";

/** Default of `requiredChecks` in the config model (src/config/model.ts). */
const DEFAULT_CHECKS = ["style", "unit", "smoke"];

/** Required check contexts declared by a stack file, per app. */
export function requiredChecksOf(stackFileText: string): Map<string, string[]> {
  const doc = parse(stackFileText) as { config?: Record<string, unknown> };
  const apps = (doc.config?.["cicd-constitution:apps"] ?? []) as Array<{
    name: string;
    requiredChecks?: string[];
  }>;
  return new Map(apps.map((a) => [a.name, a.requiredChecks ?? DEFAULT_CHECKS]));
}

/** Check contexts a workflow's jobs report: each job's `name:`, or its id when it has none. */
export function jobContexts(workflowText: string): string[] {
  const wf = parse(workflowText) as { jobs: Record<string, { name?: string }> };
  return Object.entries(wf.jobs).map(([id, job]) => job.name ?? id);
}

describe("required checks vs the PR workflow", function () {
  const stackFiles = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.ya?ml$/.test(f));
  const declared = new Set<string>();
  for (const f of stackFiles) {
    for (const checks of requiredChecksOf(fs.readFileSync(path.join(ROOT, f), "utf8")).values()) {
      for (const c of checks) declared.add(c);
    }
  }
  const jobs = jobContexts(fs.readFileSync(path.join(ROOT, ".github", "workflows", "pr.yml"), "utf8"));

  it("reads the required checks of both stack files", function () {
    assert.ok(stackFiles.includes("Pulumi.staging.yaml") && stackFiles.includes("Pulumi.production.yaml"));
    assert.ok(declared.size > 0);
  });

  it("the PR workflow's job names are exactly the required checks", function () {
    assert.deepEqual([...jobs].sort(), [...declared].sort());
  });

  it("detects drift: a renamed job or an extra required check", function () {
    const renamed = "jobs:\n  style: {name: Style}\n  unit: {}\n  smoke: {}\n";
    assert.notDeepEqual(jobContexts(renamed).sort(), [...declared].sort());
    const extra =
      "config:\n  cicd-constitution:apps:\n    - name: a\n      requiredChecks: [style, unit, smoke, e2e]\n";
    assert.deepEqual(requiredChecksOf(extra).get("a"), ["style", "unit", "smoke", "e2e"]);
    const dflt = "config:\n  cicd-constitution:apps:\n    - name: a\n";
    assert.deepEqual(requiredChecksOf(dflt).get("a"), DEFAULT_CHECKS);
  });
});
