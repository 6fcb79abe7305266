/**
 * rollback-drill.yml: the order of its steps (roll back, deploy, verify; then roll forward, deploy, verify, even
 * after a failure), no deploy marker, and its rollback and roll-forward scripts replayed on a copy of the stack files
 * in a git checkout, with `pulumi stack output` answering staging's recorded releases.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { git, setTestIdentity } from "../git";
import { parse } from "yaml";
import { cleanTempDirs, tempProject } from "../cli-harness";
import { mockDigest } from "../../src/offline/mocks";
import { ROOT } from "../helpers";
import { readWorkflow, shims, stepRunner } from "./replay";

const raw = parse(fs.readFileSync(path.join(ROOT, ".github/workflows/rollback-drill.yml"), "utf8")) as {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    {
      environment?: string;
      concurrency?: { group: string };
      steps: Array<{ name?: string; id?: string; if?: string; run?: string; uses?: string }>;
    }
  >;
};
describe("rollback-drill.yml", function () {
  this.timeout(60_000);
  after(cleanTempDirs);

  it("a person starts it; back, deploy, verify, then forward, deploy, verify even after a failure; no marker", () => {
    assert.deepEqual(Object.keys(raw.on), ["workflow_dispatch"], "no schedule holds staging's deploy tokens");
    const drill = raw.jobs.drill;
    assert.equal(drill.environment, "staging");
    assert.equal(drill.concurrency?.group, "rollback-drill");
    const kinds = drill.steps
      .map((s) =>
        /cicd -- rollback --stack staging/.test(s.run ?? "")
          ? "back"
          : /git checkout -- Pulumi\.staging\.yaml/.test(s.run ?? "")
            ? "forward"
            : /cicd -- verify --stack staging/.test(s.run ?? "")
              ? "verify"
              : s.uses?.startsWith("pulumi/actions@") && s.name?.startsWith("pulumi up")
                ? "up"
                : undefined,
      )
      .filter(Boolean);
    assert.deepEqual(kinds, ["back", "up", "verify", "forward", "up", "verify"]);
    const after = drill.steps.slice(drill.steps.findIndex((s) => s.id === "forward"));
    for (const s of after) assert.match(s.if ?? "", /always\(\)/, `${s.name} runs after a failure too`);
    for (const s of drill.steps.filter((x) => /cicd -- verify/.test(x.run ?? "")))
      assert.match(s.run!, /--no-marker/, "a drill is no deployment for DORA");
  });

  it("its rollback script pins staging's earlier release, and its roll-forward script restores main's file", () => {
    const dir = tempProject();
    git(dir, "init", "-q");
    setTestIdentity(dir);
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "stacks");
    const staging = fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8");
    const build = (
      parse(staging).config["cicd-constitution:apps"] as Array<{ image: { build: Record<string, string> } }>
    )[0].image.build;
    const earlier = {
      digest: `sha256:${"b".repeat(64)}`,
      gitSha: "b".repeat(40),
      date: "2026-11-19T10:00:00Z",
      actor: "dev2",
    };
    const outputs = path.join(dir, "recorded-outputs.json");
    fs.writeFileSync(
      outputs,
      JSON.stringify({
        environmentProfile: {
          environment: "staging",
          apps: {
            "erp-berhan": {
              releases: [
                { digest: mockDigest(`ghcr.io/surlefeu/erp-berhan:${build.gitSha}`), ...build },
                earlier,
              ],
            },
          },
        },
      }),
    );
    const bin = shims(dir, {
      pulumi: `[ "$1" = login ] && exit 0\n[ "$1 $2 $3" = "stack output --json" ] && exec cat "${outputs}"\nexit 98`,
    });
    const run = stepRunner(readWorkflow("rollback-drill.yml"), dir, bin);
    const back = run("drill", "back", dir, { APP: "", STACK: "acme/cicd-constitution/staging" });
    assert.equal(back.app, "erp-berhan", "the first app with an earlier release");
    const pinned = fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8");
    assert.match(pinned, new RegExp(`digest: ${earlier.digest}`));
    assert.match(fs.readFileSync(path.join(dir, "rollback.md"), "utf8"), /^# ROLLBACK staging /);
    run("drill", "forward", dir);
    assert.equal(fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8"), staging);
  });
});
