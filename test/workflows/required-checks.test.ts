/**
 * The PR workflow's jobs are this repository's required status checks: the owning stack file declares them
 * (`cicd-constitution:infrastructure.requiredChecks`, default `[style, unit, smoke]`, CONST "Required PR Checks")
 * and the program writes them into this repository's main ruleset; a job renamed in .github/workflows/pr.yml would
 * leave a required check that never reports, and block every merge. (The apps' checks are their own repositories'
 * jobs.)
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT } from "../helpers";

/** Default of `requiredChecks` in the config model (src/config/appSchema.ts). */
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

/** This repository's required checks, as the owning stack file declares them; undefined in other stack files. */
export function infrastructureChecksOf(stackFileText: string): string[] | undefined {
  const doc = parse(stackFileText) as { config?: Record<string, unknown> };
  const infra = doc.config?.["cicd-constitution:infrastructure"] as { requiredChecks?: string[] } | undefined;
  return infra ? (infra.requiredChecks ?? DEFAULT_CHECKS) : undefined;
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
    for (const c of infrastructureChecksOf(fs.readFileSync(path.join(ROOT, f), "utf8")) ?? [])
      declared.add(c);
  }
  const jobs = jobContexts(fs.readFileSync(path.join(ROOT, ".github", "workflows", "pr.yml"), "utf8"));

  it("reads this repository's required checks from the owning stack file", function () {
    assert.ok(stackFiles.includes("Pulumi.staging.yaml") && stackFiles.includes("Pulumi.production.yaml"));
    // Written in the owning stack file itself, not filled by the default: the comparison below is against it.
    const owning = parse(fs.readFileSync(path.join(ROOT, "Pulumi.production.yaml"), "utf8")) as {
      config: Record<string, { requiredChecks?: string[] }>;
    };
    const written = owning.config["cicd-constitution:infrastructure"].requiredChecks;
    assert.ok(
      Array.isArray(written) && written.length > 0,
      "Pulumi.production.yaml writes infrastructure.requiredChecks",
    );
    assert.deepEqual([...declared].sort(), [...written].sort());
    assert.equal(
      infrastructureChecksOf(fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8")),
      undefined,
    );
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
