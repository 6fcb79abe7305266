/**
 * `predeployStack` as a whole (src/deploy/predeploy.ts), fast: it refuses to run without a GitHub token or with
 * anything but a 40-hex commit; a gate whose service cannot be reached fails under its own ID (never passes, never
 * stops the others); the required checks are the stack's own; the migration gates run at the given time and
 * PREDEPLOY-SCHEMA reads the app's `/version` at the URL given; every gate judges at the given time; the
 * repository defaults to `GITHUB_REPOSITORY`, else the stack's own; staging is the environment whose verify counts.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { predeployStack } from "../../src/deploy/predeploy";
import {
  ALL_VERIFIED,
  DIGEST,
  NOW,
  productionDir,
  setProductionSecrets,
  SHA,
  verified,
} from "./predeployFixtures";
import { awsJsonServer, githubServer, Served } from "./servers";

/** Nothing listens there: a connection is refused at once. */
const CLOSED = "http://127.0.0.1:9";

describe("predeployStack, unit", function () {
  this.timeout(20_000);
  const savedEnv = { ...process.env };
  const dirs: string[] = [];
  const servers: Served[] = [];
  let dir: string;
  before(() => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
      AWS_SECRET_ACCESS_KEY: "local-test-secret",
      AWS_MAX_ATTEMPTS: "1",
    });
    for (const k of ["GITHUB_TOKEN", "GITHUB_SHA", "GITHUB_REPOSITORY", "GITHUB_API_URL"])
      delete process.env[k];
    // The stack requires only `unit`, this repository is `infra` (its secrets set), and the ERP's migration needs a window open at
    // NOW and starts from revision r1.
    dir = productionDir([], false);
    dirs.push(dir);
    const file = path.join(dir, "Pulumi.production.yaml");
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    doc.setIn(["config", "cicd-constitution:infrastructure", "requiredChecks"], ["unit"]);
    doc.setIn(["config", "cicd-constitution:infrastructure", "repository", "name"], "infra");
    doc.setIn(
      ["config", "cicd-constitution:predeploy", "maintenanceWindows"],
      [{ start: "2026-12-01T11:00:00Z", end: "2026-12-01T13:00:00Z" }],
    );
    doc.setIn(
      ["config", "cicd-constitution:apps", 0, "migrations", "contract"],
      "requires_maintenance_window",
    );
    doc.setIn(["config", "cicd-constitution:apps", 0, "migrations", "expectsSchemaRevision"], "r1");
    // An override in force at NOW (and expired by the time these tests run): the gates read NOW, not the clock.
    doc.setIn(
      ["config", "cicd-constitution:predeploy", "overrides"],
      [
        {
          ruleId: "PREDEPLOY-DRIFT",
          resource: "erp-berhan",
          reason: "drift issue under review, INC-7",
          owner: "mathieu",
          expires: "2026-12-02",
        },
      ],
    );
    fs.writeFileSync(file, doc.toString());
    setProductionSecrets(file);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  after(() => {
    process.env = savedEnv;
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  const base = { stack: "production", now: NOW, githubApiUrl: CLOSED, repository: "acme/infra" };

  it("refuses to run without a GitHub token", async () => {
    await assert.rejects(
      predeployStack({ ...base, dir, sha: SHA }),
      (e: Error) =>
        e.message === "cicd predeploy: needs GITHUB_TOKEN (deployments, checks and statuses: read)",
    );
  });

  it("refuses anything but a 40-hex commit, naming what it found", async () => {
    const refused = (found: string) => (e: Error) =>
      e.message === `cicd predeploy: --sha must be a 40-hex commit, found ${found}`;
    for (const sha of ["abc1234", SHA.toUpperCase(), `x${SHA}`, `${SHA}0`])
      await assert.rejects(predeployStack({ ...base, dir, sha, githubToken: "t" }), refused(sha));
    await assert.rejects(predeployStack({ ...base, dir, githubToken: "t" }), refused("none"));
    process.env.GITHUB_SHA = "abc";
    await assert.rejects(predeployStack({ ...base, dir, githubToken: "t" }), refused("abc"));
    delete process.env.GITHUB_SHA;
  });

  it("fails each gate whose service cannot be reached under its own ID, and goes on with the others", async () => {
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = CLOSED;
    process.env.GITHUB_TOKEN = "ghs_localtesttoken";
    process.env.GITHUB_SHA = SHA;
    const report = await predeployStack({ ...base, dir, appUrls: { "erp-berhan": CLOSED } });
    delete process.env.GITHUB_TOKEN;
    delete process.env.GITHUB_SHA;
    assert.equal(report.command, "predeploy");
    assert.equal(report.stack, "production");
    assert.deepEqual(
      report.checks.map((c) => [c.id, c.app, c.status]),
      [
        ["PREDEPLOY-STAGING-VERIFIED", "erp-berhan", "fail"],
        ["PREDEPLOY-STAGING-VERIFIED", "menu-optimizer", "fail"],
        ["PREDEPLOY-CHECKS-GREEN", "*", "fail"],
        ["PREDEPLOY-SECRETS", "*", "pass"],
        ["PREDEPLOY-MIGRATION", "erp-berhan", "pass"],
        ["PREDEPLOY-SCHEMA", "erp-berhan", "fail"],
        ["PREDEPLOY-ERROR-BUDGET", "*", "fail"],
        ["PREDEPLOY-STAGING-SOAK", "*", "fail"],
      ],
    );
    assert.match(
      report.checks[5].message,
      /^GET http:\/\/127\.0\.0\.1:9\/version: .*: the schema production runs is unknown$/,
    );
    assert.ok(report.checks.every((c) => c.message.length > 0));
    assert.equal(report.checks[3].message, "every required secret is set as a Pulumi secret");
  });

  it("names every secret the stack requires and lacks", async () => {
    const bare = productionDir([], false);
    dirs.push(bare);
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = CLOSED;
    const report = await predeployStack({ ...base, dir: bare, sha: SHA, githubToken: "t" });
    const secrets = report.checks.find((c) => c.id === "PREDEPLOY-SECRETS")!;
    assert.equal(secrets.status, "fail");
    assert.match(
      secrets.message,
      /^not set: secrets\.erp-berhan\.DATABASE_URL, secrets\.erp-berhan\.REDIS_URL, .+ \(pulumi config set --secret --path \.\.\.\)$/,
    );
  });

  it("requires the stack's checks, and reads the repository from GITHUB_REPOSITORY, else the stack", async () => {
    const green = [{ name: "unit", status: "completed", conclusion: "success" }];
    // The ERP's digest was verified ten minutes before NOW: still soaking at NOW.
    const deployments = [verified("erp-berhan", "success", "2026-12-01T11:50:00Z"), ...ALL_VERIFIED.slice(1)];
    const github = await githubServer({ deployments, checkRuns: { [SHA]: green } });
    const ok = () => ({ MetricAlarms: [], AlarmHistoryItems: [] });
    const cloudwatch = await awsJsonServer("1.0", { DescribeAlarms: ok, DescribeAlarmHistory: ok });
    servers.push(github, cloudwatch);
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = cloudwatch.url;
    const run = async () => {
      const report = await predeployStack({
        stack: "production",
        dir,
        now: NOW,
        sha: SHA,
        githubToken: "ghs_localtesttoken",
        githubApiUrl: github.url,
      });
      const message = (id: string) => report.checks.find((c) => c.id === id)?.message;
      assert.match(
        String(message("PREDEPLOY-STAGING-VERIFIED")),
        /^sha256:[0-9a-f]{64} verified in staging \(/,
      );
      assert.equal(
        message("PREDEPLOY-STAGING-SOAK"),
        `${DIGEST["erp-berhan"]} verified in staging 10 min ago; the soak is 15 min: retry after 2026-12-01T12:05:00.000Z`,
      );
      return [message("PREDEPLOY-CHECKS-GREEN"), message("PREDEPLOY-DRIFT")];
    };
    process.env.GITHUB_REPOSITORY = "acme/other";
    assert.deepEqual(await run(), [
      "acme/other@cccccccccccc: unit successful (latest check runs of app 15368)",
      "no open drift issue on acme/other",
    ]);
    delete process.env.GITHUB_REPOSITORY;
    assert.deepEqual(await run(), [
      "surlefeu/infra@cccccccccccc: unit successful (latest check runs of app 15368)",
      "no open drift issue on surlefeu/infra",
    ]);
  });
});
