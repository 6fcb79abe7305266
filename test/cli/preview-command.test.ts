/**
 * The `preview` and `policy-config` commands as a user runs them: arguments, output, exit codes. In this process
 * (test/cli-harness.ts `cicd`, the function the executable calls); the executable itself is tested once, last.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { cicd, cicdProcess, cleanTempDirs, tempProject, withoutProductionReviewers } from "../cli-harness";
import { ROOT } from "../helpers";

/** `cicd preview --stack production` of a copy of the stack files without production's reviewers. */
function previewWithoutReviewers(...more: string[]) {
  const dir = tempProject(withoutProductionReviewers);
  return cicd([
    "preview",
    "--stack",
    "production",
    "--dir",
    dir,
    "--out-dir",
    path.join(dir, "out"),
    ...more,
  ]);
}

describe("cicd preview (command line)", function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  it("previews both stacks, says it is offline, writes both plans, exits 0", async () => {
    const dir = tempProject();
    const out = path.join(dir, "out");
    const r = await cicd(["preview", "--stack", "all", "--dir", dir, "--out-dir", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /OFFLINE PREVIEW/);
    assert.match(r.stdout, /no Pulumi CLI, provider plugin or cloud API was called/);
    assert.match(r.stdout, /== cicd-constitution \/ staging/);
    assert.match(r.stdout, /== cicd-constitution \/ production/);
    assert.match(
      r.stdout,
      /ruleset +main on ~DEFAULT_BRANCH \[active\]: PR with 1 approval\(s\), stale dismissed, checks style,unit,smoke \(strict\)/,
    );
    assert.match(
      r.stdout,
      /environment +production: deploys from branch main or tag mvp-\*; reviewers 2 \(self-review prevented\)/,
    );
    assert.match(r.stdout, /ALB health \/readyz, container health \/healthz/);
    assert.match(r.stdout, /secrets\.erp-berhan\.JWT_SECRET/);
    for (const s of ["staging", "production"]) {
      const plan = JSON.parse(fs.readFileSync(path.join(out, `plan.${s}.json`), "utf8"));
      assert.equal(plan.stack, s);
      assert.ok(plan.resources.length > 50);
    }
  });

  it("invalid config: exit 2, a message naming stack, key, expected and found, and no plan written", async () => {
    const dir = tempProject((t) => t.replace("desiredCount: 2", "desiredCount: two"));
    const out = path.join(dir, "out");
    const r = await cicd(["preview", "--stack", "production", "--dir", dir, "--out-dir", out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Invalid config for stack "production" \(Pulumi\.production\.yaml\): 1 problem/);
    assert.match(
      r.stderr,
      /cicd-constitution:apps\[0\]\.runtime\.desiredCount: expected an integer task count, found "two"/,
    );
    assert.equal(fs.existsSync(out), false);
  });

  it("--version prints the package's name and version and exits 0", async () => {
    const r = await cicd(["--version"]);
    assert.equal(r.code, 0);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    assert.match(r.stdout, new RegExp(`^cicd-constitution ${pkg.version.replace(/\./g, "\\.")}`));
  });

  it("after a command, --version <tag> is the command's option, never the CLI's version with exit 0", async () => {
    // main.yml runs `cicd verify ... --version mvp-X.Y.Z`: read as the CLI's --version it would exit 0 unverified.
    const verify = await cicd([
      "verify",
      "--stack",
      "staging",
      "--dir",
      tempProject(),
      "--version",
      "mvp-1.2.3",
    ]);
    assert.notEqual(verify.code, 0);
    assert.doesNotMatch(verify.stdout, /^cicd-constitution \d/);
    const dir = tempProject();
    const bump = await cicd([
      "bump",
      "--app",
      "erp-berhan",
      "--commit",
      "5".repeat(40),
      "--date",
      "2026-11-21T08:00:00Z",
      "--actor",
      "selam",
      "--version",
      "mvp-1.5.0",
      "--dir",
      dir,
    ]);
    assert.equal(bump.code, 0, bump.stderr);
    assert.match(fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8"), /version: mvp-1\.5\.0/);
  });

  it("an unknown command or option exits 2 with usage help", async () => {
    const r = await cicd(["preview", "--stak", "staging"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--stak'/);
  });

  it("the repository's stacks pass the policy pack with zero mandatory violations", async () => {
    const dir = tempProject();
    const r = await cicd(["preview", "--stack", "all", "--dir", dir, "--out-dir", path.join(dir, "out")]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /policy pack +\d+ pass, 0 fail \(0 mandatory\)/);
    assert.match(r.stdout, /OK: no mandatory policy violation\./);
    // The owning stack shows this repository's governance and the pipeline's identity.
    assert.match(r.stdout, /identity +GitHub OIDC provider https:\/\/token\.actions\.githubusercontent\.com/);
    assert.match(
      r.stdout,
      /environments bump \(reviewers 0\); staging \(reviewers 0\); drift \(reviewers 0\); preview \(reviewers 2, self-review prevented\); production \(reviewers 2, self-review prevented\)/,
    );
    assert.match(r.stdout, /accounts +shared: staging 123456789012; production 123456789012/);
  });

  it("production without reviewers fails the preview (exit 1) naming CC-ENV-02", async () => {
    const r = await previewWithoutReviewers();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    // The line names the stack file line to change, as the PR comment does.
    assert.match(
      r.stdout,
      /FAIL CC-ENV-02 \[mandatory\] erp-berhan-production-environment-env \(Pulumi\.production\.yaml:\d+\): /,
    );
    assert.match(r.stdout, /FAILED: 1 mandatory policy violation\(s\)\./);
  });

  it("--format json carries the same verdicts and the same exit code as the table (1 on a mandatory failure)", async () => {
    const r = await previewWithoutReviewers("--format", "json");
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, false);
    assert.equal(out.mandatoryFailures, 1);
    const failures = out.stacks[0].audit.results.filter((x: { status: string }) => x.status === "fail");
    assert.deepEqual(
      failures.map((x: { ruleId: string; resource: { name: string } }) => `${x.ruleId} ${x.resource.name}`),
      ["CC-ENV-02 erp-berhan-production-environment-env"],
    );
  });

  it("--report-dir writes each stack's reports from the same preview, byte for byte what report --out-dir writes", async () => {
    const dir = tempProject();
    const formats = "sarif,markdown,junit,json";
    const fromPreview = path.join(dir, "from-preview");
    const fromReport = path.join(dir, "from-report");
    const p = await cicd([
      "preview",
      "--dir",
      dir,
      "--out-dir",
      path.join(dir, "out"),
      "--report-dir",
      fromPreview,
      "--report-formats",
      formats,
      "--today",
      "2026-11-21",
    ]);
    assert.equal(p.code, 0, p.stderr);
    const r = await cicd([
      "report",
      "--dir",
      dir,
      "--format",
      "sarif",
      "--also-formats",
      "markdown,junit,json",
      "--out-dir",
      fromReport,
      "--today",
      "2026-11-21",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const files = fs.readdirSync(fromPreview).sort();
    assert.equal(files.length, 8, files.join(", "));
    assert.deepEqual(files, fs.readdirSync(fromReport).sort());
    for (const f of files)
      assert.equal(
        fs.readFileSync(path.join(fromPreview, f), "utf8"),
        fs.readFileSync(path.join(fromReport, f), "utf8"),
        f,
      );
    const only = await cicd([
      "preview",
      "--dir",
      dir,
      "--out-dir",
      path.join(dir, "out"),
      "--report-formats",
      "json",
    ]);
    assert.equal(only.code, 2);
    assert.match(only.stderr, /give --report-dir/);
  });

  it("policy-config prints the pack config the offline preview uses, with the stack's settings", async () => {
    const r = await cicd(["policy-config", "--stack", "production"]);
    assert.equal(r.code, 0, r.stderr);
    const config = JSON.parse(r.stdout);
    const run07 = Object.entries(config).find(([name]) => name.startsWith("CC-RUN-07"))![1] as any;
    assert.deepEqual(run07.apps["menu-optimizer"], ["DATABASE_URL"]);
    assert.equal(run07.enforcementLevel, "mandatory");
  });

  it("the compiled executable (what npm start and npm run cicd run) gives the same output and exit code", async () => {
    const dir = tempProject();
    const args = [
      "preview",
      "--stack",
      "all",
      "--dir",
      dir,
      "--out-dir",
      path.join(dir, "out"),
      "--format",
      "json",
    ];
    const child = cicdProcess(args);
    const inProcess = await cicd(args);
    assert.equal(child.code, 0, child.stderr);
    assert.equal(child.code, inProcess.code);
    assert.deepEqual(JSON.parse(child.stdout), JSON.parse(inProcess.stdout));
    const usage = cicdProcess(["preview", "--stak", "staging"]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /unknown option '--stak'/);
  });
});
