/**
 * `verifyStack` as a whole (src/deploy/verify.ts), fast, with every service unreachable: it refuses an app whose
 * commit is unknown (naming the outputs key) and deploy markers without a GitHub token, before any call; otherwise
 * each check fails under its own ID and app (an unreachable service never passes, never stops the other checks),
 * in order, the app reached at the URL given; without markers, no golden-path metrics and no marker are recorded.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../src/config/model";
import { verifyStack } from "../../src/deploy/verify";
import { ROOT } from "../helpers";
import { cleanTempDirs, tempDir } from "../temp";

/** Nothing listens there: a connection is refused at once. */
const CLOSED = "http://127.0.0.1:1";
const APPS = ["erp-berhan", "menu-optimizer"];
const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** The first app's flag environment, in the outputs. */
const flags = {
  applicationId: "app1",
  environmentId: "env1",
  configurationProfileId: "prof1",
  emergencyStrategyId: "AppConfig.AllAtOnce",
  monitorAlarmNames: [],
};

/** A staging project whose outputs give each app a digest and its commit, and the first app its flag ids. */
function project(): { dir: string; outputs: string } {
  const dir = tempDir("verify-units");
  for (const f of ["Pulumi.yaml", "Pulumi.staging.yaml"])
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  const outputs = path.join(dir, "outputs.json");
  const apps = APPS.map((a, i) => [a, String(i + 1)] as const);
  fs.writeFileSync(
    outputs,
    JSON.stringify({
      apps: Object.fromEntries(
        apps.map(([a, c]) => [
          a,
          { imageRef: `ghcr.io/surlefeu/${a}@${digest(c)}`, ...(a === APPS[0] ? { flags } : {}) },
        ]),
      ),
      environmentProfile: {
        environment: "staging",
        apps: Object.fromEntries(
          apps.map(([a, c]) => [a, { digest: digest(c), build: { gitSha: c.repeat(40) } }]),
        ),
      },
    }),
  );
  return { dir, outputs };
}

describe("verifyStack, unit", function () {
  this.timeout(20_000);
  const savedEnv = { ...process.env };
  before(() => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
      AWS_SECRET_ACCESS_KEY: "local-test-secret",
      AWS_MAX_ATTEMPTS: "1",
      AWS_ENDPOINT_URL: CLOSED,
    });
    delete process.env.GITHUB_TOKEN;
    delete process.env.AWS_REGION;
  });
  after(() => {
    process.env = savedEnv;
    cleanTempDirs();
  });

  const base = (p: { dir: string; outputs: string }) => ({
    stack: "staging",
    ...p,
    appUrls: Object.fromEntries(APPS.map((a) => [a, CLOSED])),
    registryUrl: CLOSED,
    githubApiUrl: CLOSED,
    timeoutSeconds: 2,
  });

  it("refuses apps whose commit is unknown (production pins no provenance, no outputs), naming the outputs key", async () => {
    const dir = tempDir("verify-units");
    for (const f of ["Pulumi.yaml", "Pulumi.production.yaml"])
      fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    await assert.rejects(verifyStack({ stack: "production", dir, marker: false }), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.stackName, "production");
      assert.deepEqual(
        e.problems,
        APPS.map((a) => ({
          key: `--outputs (environmentProfile.apps.${a}.build.gitSha)`,
          expected: "the commit of the digest the stack runs: pulumi stack output --json",
          found: "none",
        })),
      );
      return true;
    });
  });

  it("refuses deploy markers without a GitHub token", async () => {
    await assert.rejects(
      verifyStack(base(project())),
      (e: Error) =>
        e.message ===
        "cicd verify: deploy markers need GITHUB_TOKEN (deployments: write on the app repositories), or --no-marker",
    );
  });

  it("fails each check of each app under its own ID when nothing answers, markers included", async () => {
    process.env.GITHUB_TOKEN = "ghs_localtesttoken";
    const report = await verifyStack(base(project()));
    delete process.env.GITHUB_TOKEN;
    assert.equal(report.command, "verify");
    assert.equal(report.stack, "staging");
    const ids = (app: string) => report.checks.filter((c) => c.app === app).map((c) => [c.id, c.status]);
    for (const app of APPS) {
      const ran = ids(app);
      assert.deepEqual(ran.slice(0, 4), [
        ["VERIFY-SERVICE", "fail"],
        ["VERIFY-ALIAS", "fail"],
        ["VERIFY-VERSION", "fail"],
        ["VERIFY-HEALTH", "fail"],
      ]);
      assert.deepEqual(ran.slice(-3), [
        ["VERIFY-GOLDEN-PATH", "fail"],
        ["VERIFY-FLAGS", app === APPS[0] ? "fail" : "skip"],
        ["VERIFY-MARKER", "fail"],
      ]);
      assert.ok(ran.every(([, s]) => s !== "pass"));
    }
    assert.deepEqual(
      report.checks.map((c) => c.app),
      [...report.checks.map((c) => c.app)].sort(),
      "one app after the other",
    );
    // Each client in the stack's region, at the endpoint given: the connection is what fails.
    const message = (app: string, id: string) =>
      report.checks.find((c) => c.app === app && c.id === id)?.message;
    const [erp, menu] = APPS;
    assert.equal(message(erp, "VERIFY-SERVICE"), `ECS: connect ECONNREFUSED ${CLOSED.slice(7)}`);
    assert.equal(
      message(erp, "VERIFY-GOLDEN-PATH"),
      `CloudWatch PutMetricData: connect ECONNREFUSED ${CLOSED.slice(7)}`,
    );
    assert.equal(message(erp, "VERIFY-FLAGS"), `AppConfig: connect ECONNREFUSED ${CLOSED.slice(7)}`);
    assert.match(
      String(message(menu, "VERIFY-FLAGS")),
      /^no flag ids: --outputs \(apps\.menu-optimizer\.flags\)/,
    );
    assert.match(String(message(erp, "VERIFY-VERSION")), /^GET http:\/\/127\.0\.0\.1:1\/version: /);
    assert.equal(message(erp, "VERIFY-MARKER"), "deploy marker: bad port");
  });

  it("records no golden-path metrics and no marker without markers", async () => {
    const report = await verifyStack({ ...base(project()), marker: false });
    const ids = report.checks.map((c) => c.id);
    assert.ok(!ids.includes("VERIFY-GOLDEN-PATH") && !ids.includes("VERIFY-MARKER"), ids.join(", "));
    assert.ok(ids.includes("VERIFY-FLAGS"));
  });
});
