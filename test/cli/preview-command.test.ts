import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../helpers";

const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const CLI = path.join(ROOT, "src", "cli", "main.ts");

function cicd(args: string[], cwd = ROOT) {
  const r = spawnSync(TSX, [CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempProject(mutate?: (text: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cicd-cli-"));
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const s of ["staging", "production"]) {
    const text = fs.readFileSync(path.join(ROOT, `Pulumi.${s}.yaml`), "utf8");
    fs.writeFileSync(path.join(dir, `Pulumi.${s}.yaml`), s === "production" && mutate ? mutate(text) : text);
  }
  return dir;
}

describe("cicd preview (command line)", function () {
  this.timeout(120_000);

  it("previews both stacks, says it is offline, writes both plans, exits 0", () => {
    const dir = tempProject();
    const out = path.join(dir, "out");
    const r = cicd(["preview", "--stack", "all", "--dir", dir, "--out-dir", out]);
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

  it("invalid config: exit 2, a message naming stack, key, expected and found, and no plan written", () => {
    const dir = tempProject((t) => t.replace("desiredCount: 2", "desiredCount: two"));
    const out = path.join(dir, "out");
    const r = cicd(["preview", "--stack", "production", "--dir", dir, "--out-dir", out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Invalid config for stack "production" \(Pulumi\.production\.yaml\): 1 problem/);
    assert.match(
      r.stderr,
      /cicd-constitution:apps\[0\]\.runtime\.desiredCount: expected an integer task count, found "two"/,
    );
    assert.equal(fs.existsSync(out), false);
  });

  it("an unknown command or option exits 2 with usage help", () => {
    const r = cicd(["preview", "--stak", "staging"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--stak'/);
  });

  it("the repository's stacks pass the policy pack with zero mandatory violations", () => {
    const dir = tempProject();
    const r = cicd(["preview", "--stack", "all", "--dir", dir, "--out-dir", path.join(dir, "out")]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /policy pack +\d+ pass, 0 fail \(0 mandatory\)/);
    assert.match(r.stdout, /OK: no mandatory policy violation\./);
    // The owning stack shows this repository's governance and the pipeline's identity.
    assert.match(r.stdout, /identity +GitHub OIDC provider https:\/\/token\.actions\.githubusercontent\.com/);
    assert.match(
      r.stdout,
      /environments staging \(reviewers 0\); drift \(reviewers 0\); production \(reviewers 2, self-review prevented\)/,
    );
    assert.match(r.stdout, /accounts +shared: staging 123456789012; production 123456789012/);
  });

  it("production without reviewers fails the preview (exit 1) naming CC-ENV-02", () => {
    const dir = tempProject((t) =>
      t.replace(/\n {6}reviewers:\n {8}users: \[mathieu\]\n {8}teams: \[release-managers\]/, ""),
    );
    const r = cicd(["preview", "--stack", "production", "--dir", dir, "--out-dir", path.join(dir, "out")]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAIL CC-ENV-02 \[mandatory\] erp-berhan-production-environment-env/);
    assert.match(r.stdout, /FAILED: 1 mandatory policy violation\(s\)\./);
  });

  it("--format json carries the same verdicts and the same exit code as the table (1 on a mandatory failure)", () => {
    const dir = tempProject((t) =>
      t.replace(/\n {6}reviewers:\n {8}users: \[mathieu\]\n {8}teams: \[release-managers\]/, ""),
    );
    const r = cicd([
      "preview",
      "--stack",
      "production",
      "--dir",
      dir,
      "--out-dir",
      path.join(dir, "out"),
      "--format",
      "json",
    ]);
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

  it("policy-config prints the pack config the offline preview uses, with the stack's settings", () => {
    const r = cicd(["policy-config", "--stack", "production"]);
    assert.equal(r.code, 0, r.stderr);
    const config = JSON.parse(r.stdout);
    const run07 = Object.entries(config).find(([name]) => name.startsWith("CC-RUN-07"))![1] as any;
    assert.deepEqual(run07.apps["menu-optimizer"], ["DATABASE_URL"]);
    assert.equal(run07.enforcementLevel, "mandatory");
  });
});
