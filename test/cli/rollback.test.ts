/**
 * `cicd rollback`: production goes back to the previous digest as a reviewed change of Pulumi.production.yaml
 * (comments kept), and the policy pack passes afterwards because staging's releases include that digest.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { auditPreview } from "../../src/audit/policy";
import { previewStacks } from "../../src/offline/stacks";
import { planRollback, rollbackPullRequestBody } from "../../src/deploy/rollback";
import { runRollback } from "../../src/cli/rollback";
import { mockDigest } from "../../src/offline/mocks";
import { quiet, ROOT, stagingRan } from "../helpers";

/** The production stack file's apps. */
type HistoryEntry = string | { digest: string; gitSha: string; date: string; actor: string };

function appsOf(text: string): Array<{
  name: string;
  image: { digest: string; history: HistoryEntry[]; provenance?: Record<string, string> };
}> {
  return parse(text).config["cicd-constitution:apps"];
}

/** The digest of a history entry, whichever form it has. */
const digestOf = (h: HistoryEntry) => (typeof h === "string" ? h : h.digest);

const comments = (text: string) => text.split("\n").filter((l) => l.trim().startsWith("#"));

describe("cicd rollback", () => {
  let dir: string;
  let original: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollback-"));
    for (const f of ["Pulumi.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml"])
      fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    original = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the repository's production stack carries a previous digest for every app", () => {
    for (const app of appsOf(original)) assert.ok(app.image.history.length >= 1, app.name);
  });

  it("re-points the app to the first of its history and drops both from the history, comments kept", () => {
    const before = appsOf(original).find((a) => a.name === "erp-berhan")!;
    const plan = quiet(() => planRollback({ app: "erp-berhan", dir }));
    const text = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
    const after = appsOf(text).find((a) => a.name === "erp-berhan")!;
    assert.equal(after.image.digest, digestOf(before.image.history[0]));
    assert.deepEqual(after.image.history, before.image.history.slice(1));
    // The history entry's provenance (staging's record of it) is pinned with the digest.
    const { digest: _digest, ...recorded } = before.image.history[0] as Exclude<HistoryEntry, string>;
    assert.deepEqual(after.image.provenance, recorded);
    assert.equal(plan.from, before.image.digest);
    assert.deepEqual(comments(text), comments(original));
    // The other app is untouched.
    assert.deepEqual(
      appsOf(text).find((a) => a.name === "menu-optimizer"),
      appsOf(original).find((a) => a.name === "menu-optimizer"),
    );
  });

  it("lifts the error budget, the soak and the rollback-target gate for that app and the digest rolled back to until the next day, with an owner and the marker as reason", () => {
    const plan = planRollback({
      app: "erp-berhan",
      dir,
      owner: "mathieu",
      fromVersion: "mvp-0.4.0",
      toVersion: "mvp-0.3.2",
      now: new Date("2026-12-01T15:00:00Z"),
    });
    const text = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
    const overrides = parse(text).config["cicd-constitution:predeploy"].overrides;
    assert.deepEqual(
      overrides,
      ["PREDEPLOY-ERROR-BUDGET", "PREDEPLOY-STAGING-SOAK", "PREDEPLOY-ROLLBACK-TARGET"].map((ruleId) => ({
        ruleId,
        resource: "erp-berhan",
        // Bound to the digest rolled back to: a promotion of another digest meets every gate.
        digest: plan.to,
        reason: "ROLLBACK mvp-0.4.0 -> mvp-0.3.2: restoring the last good release during the incident",
        owner: "mathieu",
        expires: "2026-12-02",
      })),
    );
    assert.match(
      rollbackPullRequestBody(plan),
      /the error-budget freeze, the soak and the rollback-target gate lifted for erp-berhan until 2026-12-02/,
    );
  });

  it("pins the target's provenance when given (a digest older than staging's releases)", () => {
    const provenance = { gitSha: "7".repeat(40), date: "2026-10-01T08:00:00Z", actor: "mathieu" };
    quiet(() => planRollback({ app: "erp-berhan", dir, provenance }));
    const app = parse(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8")).config[
      "cicd-constitution:apps"
    ][0];
    assert.deepEqual(app.image.provenance, provenance);
  });

  it("--disable-flags turns the app's flags off in the same change, and ticks that step", () => {
    const plan = quiet(() => planRollback({ app: "erp-berhan", dir, disableFlags: true }));
    const text = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
    const erp = parse(text).config["cicd-constitution:apps"].find(
      (a: { name: string }) => a.name === "erp-berhan",
    );
    assert.ok(erp.flags.length > 0);
    for (const f of erp.flags) assert.deepEqual(f.value, { enabled: false }, f.name);
    assert.deepEqual(
      plan.disabledFlags,
      erp.flags.map((f: { name: string }) => f.name),
    );
    assert.match(
      rollbackPullRequestBody(plan),
      /- \[x\] feature flags disabled in this change: telegram_bot_v2/,
    );
    // Without it, the step is left to do.
    assert.match(
      rollbackPullRequestBody({ ...plan, disabledFlags: undefined }),
      /- \[ \] related feature flags disabled/,
    );
  });

  it("prints PLAY 6's marker with the release tags, and the remaining playbook steps", () => {
    const plan = planRollback({ app: "erp-berhan", dir, fromVersion: "mvp-0.4.0", toVersion: "mvp-0.3.2" });
    const body = rollbackPullRequestBody(plan);
    assert.match(body, /^# ROLLBACK mvp-0\.4\.0 -> mvp-0\.3\.2 \(erp-berhan\)/);
    assert.match(body, /Disable related feature flags|feature flags disabled/i);
    assert.match(body, /incident issue/i);
    assert.ok(body.includes(plan.to));
  });

  it("the policy pack passes afterwards: staging's releases include the digest rolled back to", async () => {
    const before = appsOf(original).find((a) => a.name === "erp-berhan")!;
    quiet(() => planRollback({ app: "erp-berhan", dir }));
    const stagingBuild = parse(fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8")).config[
      "cicd-constitution:apps"
    ][0].image.build;
    const current = mockDigest(`ghcr.io/surlefeu/erp-berhan:${stagingBuild.gitSha}`);
    const ran = stagingRan({
      "erp-berhan": [
        { digest: current, ...stagingBuild },
        { ...(before.image.history[0] as Exclude<HistoryEntry, string>) },
      ],
    });
    const [, production] = await previewStacks(dir, ["staging", "production"], undefined, ran);
    const audit = auditPreview(production, undefined, dir);
    assert.equal(
      audit.summary.mandatoryFailures,
      0,
      JSON.stringify(audit.results.filter((r) => r.status === "fail")),
    );
    const par01 = audit.results.filter(
      (r) => r.ruleId === "CC-PAR-01" && /erp-berhan/.test(r.resource?.urn ?? ""),
    );
    assert.ok(par01.length > 0 && par01.every((r) => r.status === "pass"), JSON.stringify(par01));
    // The container says which commit it runs: the release's, not staging's current build.
    const task = production.resources.find((r) => r.name === "erp-berhan-production-task")!;
    const env = JSON.parse(String(task.props.containerDefinitions))[0].environment as Array<{
      name: string;
      value: string;
    }>;
    assert.equal(
      env.find((e) => e.name === "BUILD_SHA")?.value,
      (before.image.history[0] as Exclude<HistoryEntry, string>).gitSha,
    );
  });

  it("the documented rollback previews green offline: the history's provenance stands in for staging's record", async () => {
    for (const app of ["erp-berhan", "menu-optimizer"]) quiet(() => planRollback({ app, dir }));
    const previews = await previewStacks(dir, ["staging", "production"]);
    for (const p of previews) {
      const audit = auditPreview(p, undefined, dir);
      assert.equal(
        audit.summary.mandatoryFailures,
        0,
        JSON.stringify(audit.results.filter((r) => r.status === "fail")),
      );
    }
    // And the preview says what it assumed instead of reading staging's record.
    assert.ok(
      previews[0].plan.assumptions?.some((a) =>
        /staging ran the releases production's image\.history records/.test(a.what),
      ),
    );
  });

  it("without any record of that digest's provenance, production refuses to deploy it (naming the key)", async () => {
    // A history entry that is a bare digest: neither staging's record nor the stack file says where it came from.
    const file = path.join(dir, "Pulumi.production.yaml");
    const erp = appsOf(original).find((a) => a.name === "erp-berhan")!;
    const entry = erp.image.history[0] as Exclude<HistoryEntry, string>;
    fs.writeFileSync(
      file,
      original.replace(
        new RegExp(
          `- digest: ${entry.digest}\\n\\s+gitSha: ${entry.gitSha}\\n\\s+date: "${entry.date}"\\n\\s+actor: ${entry.actor}`,
        ),
        `- ${entry.digest}`,
      ),
    );
    assert.equal(
      digestOf(appsOf(fs.readFileSync(file, "utf8")).find((a) => a.name === "erp-berhan")!.image.history[0]),
      entry.digest,
    );
    assert.equal(
      typeof appsOf(fs.readFileSync(file, "utf8")).find((a) => a.name === "erp-berhan")!.image.history[0],
      "string",
    );
    quiet(() => planRollback({ app: "erp-berhan", dir }));
    await assert.rejects(
      previewStacks(dir, ["staging", "production"]),
      /apps\[0\]\.image\.digest of erp-berhan is sha256:1ad51ab6.*has not run/,
    );
  });

  for (const [name, opts, message] of [
    ["a digest that is not sha256:<64 hex>", { to: "sha256:abc" }, /--to: expected a digest/],
    ["the digest already running", { to: "current" }, /a digest other than the one running/],
    [
      "a version that is not a release tag",
      { fromVersion: "v1.2.3" },
      /expected a release tag mvp-X\.Y\.Z, found v1\.2\.3/,
    ],
    ["an unknown app", { app: "nope" }, /an app named nope/],
    [
      "a digest production never ran, with no provenance",
      { to: `sha256:${"f".repeat(64)}` },
      /--to: expected a digest of cicd-constitution:apps\[0\]\.image\.history \(1ad51ab6b70f\), or --commit, --date and --actor/,
    ],
  ] as const) {
    it(`refuses ${name}: exit 2 and the file unchanged`, () => {
      const current = appsOf(original)[0].image.digest;
      const to = "to" in opts && opts.to === "current" ? current : "to" in opts ? opts.to : undefined;
      const errors: string[] = [];
      const error = console.error;
      console.error = (m: string) => errors.push(m);
      try {
        assert.equal(runRollback({ app: "erp-berhan", dir, ...opts, to }), 2);
      } finally {
        console.error = error;
      }
      assert.match(errors.join("\n"), message);
      assert.match(errors.join("\n"), /stack "production"/);
      assert.equal(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8"), original);
    });
  }
});
