/**
 * `cicd predeploy --stack production` with its real clients (AWS SDK v3 CloudWatch, Octokit) against local
 * servers speaking CloudWatch's JSON protocol and GitHub's REST API.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../src/config/model";
import { predeployStack } from "../../src/deploy/predeploy";
import { cicd } from "../cli-harness";
import { DRIFT_ISSUE_TITLE, DRIFT_LABEL } from "../../src/deploy/releaseGates";
import { ROOT } from "../helpers";
import { awsJsonServer, githubServer, Served } from "./servers";
import {
  ALL_VERIFIED,
  DIGEST,
  green,
  HEAD,
  NOW,
  PREVIOUS,
  productionDir,
  SHA,
  verified,
} from "./predeployFixtures";

describe("cicd predeploy", function () {
  this.timeout(60_000);
  const servers: Served[] = [];
  const dirs: string[] = [];
  const savedEnv = { ...process.env };
  before(() =>
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
      AWS_SECRET_ACCESS_KEY: "local-test-secret",
    }),
  );
  after(() => {
    process.env = savedEnv;
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  async function predeploy(
    opts: {
      deployments?: ReturnType<typeof verified>[];
      checkRuns?: Array<{ name: string; status: string; conclusion: string | null; started_at?: string }>;
      /** Check runs on the merged pull request's head instead of the commit itself. */
      viaPullRequest?: boolean;
      alarms?: Record<string, string>;
      overrides?: unknown[];
      secrets?: boolean;
      /** Staging alarms that went to ALARM, by name, at the given time. */
      alarmHistory?: Record<string, string>;
      issues?: Array<{ number: number; title: string; state: "open" | "closed"; labels?: string[] }>;
      /** Run `cicd predeploy` as main.yml does (the compiled CLI in this process) and give its exit code. */
      cli?: boolean;
    } = {},
  ) {
    const github = await githubServer({
      deployments: opts.deployments ?? ALL_VERIFIED,
      issues: { "surlefeu/cicd-constitution": opts.issues ?? [] },
      checkRuns: opts.viaPullRequest
        ? { [HEAD]: opts.checkRuns ?? green }
        : { [SHA]: opts.checkRuns ?? green },
      pulls: {
        [SHA]: [
          { number: 42, merged_at: "2026-12-01T09:00:00Z", base: { ref: "main" }, head: { sha: HEAD } },
        ],
      },
    });
    const described: string[][] = [];
    const cloudwatch = await awsJsonServer("1.0", {
      DescribeAlarmHistory: (b) => {
        const at = opts.alarmHistory?.[String(b.AlarmName)];
        return {
          AlarmHistoryItems: at
            ? [
                {
                  AlarmName: b.AlarmName,
                  Timestamp: Date.parse(at) / 1000,
                  HistoryItemType: "StateUpdate",
                  HistoryData: JSON.stringify({ newState: { stateValue: "ALARM" } }),
                },
              ]
            : [],
        };
      },
      DescribeAlarms: (b) => {
        described.push(b.AlarmNames as string[]);
        return {
          MetricAlarms: (b.AlarmNames as string[]).map((n) => ({
            AlarmName: n,
            StateValue: opts.alarms?.[n] ?? "OK",
          })),
        };
      },
    });
    servers.push(github, cloudwatch);
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = cloudwatch.url;
    const dir = productionDir(opts.overrides, opts.secrets ?? true);
    dirs.push(dir);
    if (opts.cli) {
      const run = await cicd(
        [
          "predeploy",
          "--stack",
          "production",
          "--dir",
          dir,
          "--sha",
          SHA,
          "--repository",
          "surlefeu/cicd-constitution",
          "--format",
          "json",
        ],
        { env: { GITHUB_TOKEN: "ghs_localtesttoken", GITHUB_API_URL: github.url } },
      );
      return {
        code: run.code,
        stdout: run.stdout,
        report: undefined as never,
        failed: [],
        described,
        cloudwatch,
      };
    }
    const report = await predeployStack({
      stack: "production",
      dir,
      sha: SHA,
      repository: "surlefeu/cicd-constitution",
      githubToken: "ghs_localtesttoken",
      githubApiUrl: github.url,
      now: NOW,
    });
    const failed = report.checks.filter((c) => c.status === "fail");
    return { report, failed, described, cloudwatch };
  }

  it("exits 0 when every gate passes and 1 when one fails, which is what stops main.yml before production", async () => {
    assert.equal((await predeploy({ cli: true })).code, 0);
    const frozen = await predeploy({
      cli: true,
      alarms: { "erp-berhan-production-error-budget-burn-slow": "ALARM" },
    });
    assert.equal(frozen.code, 1);
    assert.ok(
      (JSON.parse(frozen.stdout).checks as Array<{ id: string; status: string }>).some(
        (c) => c.id === "PREDEPLOY-ERROR-BUDGET" && c.status === "fail",
      ),
    );
  });

  it("passes: both digests verified in staging, checks green, secrets set, budgets intact", async () => {
    const { report, failed, described, cloudwatch } = await predeploy();
    assert.deepEqual(failed, []);
    assert.deepEqual(
      [...new Set(report.checks.map((c) => c.id))],
      [
        "PREDEPLOY-STAGING-VERIFIED",
        "PREDEPLOY-CHECKS-GREEN",
        "PREDEPLOY-SECRETS",
        "PREDEPLOY-MIGRATION",
        "PREDEPLOY-ERROR-BUDGET",
        "PREDEPLOY-STAGING-SOAK",
        "PREDEPLOY-ROLLBACK-TARGET",
        "PREDEPLOY-DRIFT",
      ],
    );
    assert.deepEqual(described[0], [
      "erp-berhan-production-error-budget-burn-fast",
      "erp-berhan-production-error-budget-burn-slow",
      "menu-optimizer-production-error-budget-burn-fast",
      "menu-optimizer-production-error-budget-burn-slow",
    ]);
    assert.ok(cloudwatch.calls.every((c) => c.signed));
    assert.deepEqual(
      [...new Set(cloudwatch.calls.map((c) => c.target.split(".")[1]))],
      ["DescribeAlarms", "DescribeAlarmHistory"],
    );
  });

  it("fails a digest whose staging verify failed or never ran", async () => {
    const { failed: all } = await predeploy({ deployments: [verified("erp-berhan", "failure")] });
    const failed = all.filter((c) => c.id === "PREDEPLOY-STAGING-VERIFIED");
    assert.deepEqual(
      failed.map((c) => [c.id, c.app]),
      [
        ["PREDEPLOY-STAGING-VERIFIED", "erp-berhan"],
        ["PREDEPLOY-STAGING-VERIFIED", "menu-optimizer"],
      ],
    );
    assert.match(
      failed[0].message,
      /'s latest verify in staging failed \(deployment \d+, status failure\): verify it again$/,
    );
    assert.match(
      failed[1].message,
      /no staging deployment of surlefeu\/menu-optimizer by surlefeu-staging-deployer among the last 0: run cicd verify there first/,
    );
  });

  it("counts the checks of the merged pull request behind a squash-merged commit of main", async () => {
    const { failed, report } = await predeploy({ viaPullRequest: true });
    assert.deepEqual(failed, []);
    const c = report.checks.find((x) => x.id === "PREDEPLOY-CHECKS-GREEN")!;
    assert.match(c.message, /pull request #42, head d{12}.*style, unit, smoke successful/);
  });

  it("fails when a required check of the commit is not green", async () => {
    const { failed } = await predeploy({
      checkRuns: [green[0], green[1], { name: "smoke", status: "completed", conclusion: "failure" }],
    });
    assert.deepEqual(
      failed.map((c) => c.id),
      ["PREDEPLOY-CHECKS-GREEN"],
    );
    assert.match(failed[0].message, /smoke not successful/);
  });

  it("judges each check by its latest run: a newer failed or unfinished run is not outweighed by an older success", async () => {
    const rerun = (name: string, status: string, conclusion: string | null) => [
      ...green,
      { name, status, conclusion },
    ];
    for (const checkRuns of [rerun("unit", "completed", "failure"), rerun("smoke", "in_progress", null)]) {
      const { failed } = await predeploy({ checkRuns });
      assert.deepEqual(
        failed.map((c) => c.id),
        ["PREDEPLOY-CHECKS-GREEN"],
        JSON.stringify(checkRuns.at(-1)),
      );
    }
    // By start time first: a success started after the failure is the latest run.
    const { failed } = await predeploy({
      checkRuns: [
        ...green.map((r) => ({ ...r, started_at: "2026-12-05T10:00:00Z" })),
        { name: "unit", status: "completed", conclusion: "failure", started_at: "2026-12-05T09:00:00Z" },
      ],
    });
    assert.deepEqual(failed, []);
  });

  it("fails when secrets are missing, naming the keys and never a value", async () => {
    const { failed } = await predeploy({ secrets: false });
    assert.deepEqual(
      failed.map((c) => c.id),
      ["PREDEPLOY-SECRETS"],
    );
    assert.match(failed[0].message, /secrets\.erp-berhan\.DATABASE_URL/);
  });

  const breached = { "erp-berhan-production-error-budget-burn-slow": "ALARM" };
  const override = (expires: string, reason = "incident review INC-42 done, fix deployed") => ({
    ruleId: "PREDEPLOY-ERROR-BUDGET",
    resource: "erp-berhan",
    reason,
    owner: "mathieu",
    expires,
  });

  it("freezes deploys when a burn alarm is in ALARM", async () => {
    const { failed } = await predeploy({ alarms: breached });
    assert.deepEqual(
      failed.map((c) => [c.id, c.app]),
      [["PREDEPLOY-ERROR-BUDGET", "erp-berhan"]],
    );
    assert.match(failed[0].message, /error-budget-burn-slow in ALARM: the error budget is spent/);
  });

  it("lets an override with reason, owner and expiry through, and says so", async () => {
    const { failed, report } = await predeploy({ alarms: breached, overrides: [override("2026-12-02")] });
    assert.deepEqual(failed, []);
    const c = report.checks.find((x) => x.id === "PREDEPLOY-ERROR-BUDGET" && x.app === "erp-berhan")!;
    assert.equal(c.status, "skip");
    assert.match(c.message, /override of mathieu until 2026-12-02: incident review INC-42/);
  });

  it("an override of another gate for the app (the soak) does not lift its error-budget freeze", async () => {
    const soak = { ...override("2026-12-02"), ruleId: "PREDEPLOY-STAGING-SOAK" };
    const { failed } = await predeploy({ alarms: breached, overrides: [soak] });
    assert.deepEqual(
      failed.map((c) => [c.id, c.app]),
      [["PREDEPLOY-ERROR-BUDGET", "erp-berhan"]],
    );
  });

  it("an override bound to a digest lifts the freeze only while the app pins that digest (a rollback's, not the next promotion)", async () => {
    const bound = (digest: string) => ({ ...override("2026-12-02"), digest });
    const pinned = await predeploy({ alarms: breached, overrides: [bound(DIGEST["erp-berhan"])] });
    assert.deepEqual(pinned.failed, []);
    const other = await predeploy({ alarms: breached, overrides: [bound(`sha256:${"9".repeat(64)}`)] });
    assert.deepEqual(
      other.failed.map((c) => [c.id, c.app]),
      [["PREDEPLOY-ERROR-BUDGET", "erp-berhan"]],
    );
    await assert.rejects(
      predeploy({ alarms: breached, overrides: [bound("latest")] }),
      /cicd-constitution:predeploy\.overrides\[0\]\.digest: expected the digest the override is bound to/,
    );
  });

  it("refuses an override without a reason: it is reported, and the budget still blocks", async () => {
    const { failed } = await predeploy({ alarms: breached, overrides: [override("2026-12-05", "ok")] });
    assert.deepEqual(failed.map((c) => c.app).sort(), ["*", "erp-berhan"]);
    assert.ok(
      failed.some((c) => /no reason of at least 10 characters/.test(c.message)),
      JSON.stringify(failed),
    );
  });

  it("an expired override lifts nothing: the budget blocks while breached, and nothing blocks once it recovers", async () => {
    const breachedRun = await predeploy({ alarms: breached, overrides: [override("2026-11-30")] });
    assert.deepEqual(
      breachedRun.failed.map((c) => c.app),
      ["erp-berhan"],
    );
    const recovered = await predeploy({ overrides: [override("2026-11-30")] });
    assert.deepEqual(recovered.failed, []);
    assert.ok(
      recovered.report.checks.some(
        (c) => c.status === "skip" && /expired on 2026-11-30: lifts nothing/.test(c.message),
      ),
    );
  });

  it("an override is bounded: the error-budget gate only, one app by name (no wildcard), at most 7 days: the stack file is refused, naming the key", async () => {
    for (const [o, key] of [
      [{ ...override("2026-12-05"), ruleId: "PREDEPLOY-STAGING-VERIFIED" }, "predeploy.overrides[0].ruleId"],
      [{ ...override("2026-12-05"), resource: "*" }, "predeploy.overrides[0].resource"],
      [override("9999-12-31"), "predeploy.overrides[0].expires"],
      [override("2026-12-09"), "predeploy.overrides[0].expires"],
    ] as const) {
      await assert.rejects(
        predeploy({ alarms: breached, overrides: [o] }),
        (e: unknown) =>
          e instanceof ConfigError && e.problems.some((p) => p.key === `cicd-constitution:${key}`),
        JSON.stringify(o),
      );
    }
    // The last day of the window is accepted.
    const { failed } = await predeploy({ alarms: breached, overrides: [override("2026-12-08")] });
    assert.deepEqual(failed, []);
  });

  const gate = (r: { failed: Array<{ id: string; app: string; message: string }> }, id: string) =>
    r.failed.filter((c) => c.id === id);

  it("holds a digest until it has soaked in staging, naming when to retry", async () => {
    const fresh = ALL_VERIFIED.map((d) =>
      d.payload.digest === DIGEST["erp-berhan"]
        ? verified("erp-berhan", "success", "2026-12-01T11:50:00Z")
        : d,
    );
    const run = await predeploy({ deployments: fresh });
    assert.deepEqual(
      run.failed.map((c) => [c.id, c.app]),
      [["PREDEPLOY-STAGING-SOAK", "erp-berhan"]],
    );
    assert.match(
      run.failed[0].message,
      /verified in staging 10 min ago; the soak is 15 min: retry after 2026-12-01T12:05:00\.000Z/,
    );
  });

  it("holds a digest whose staging alarms went to ALARM since its verify", async () => {
    const run = await predeploy({
      alarmHistory: { "menu-optimizer-staging-latency-p95": "2026-12-01T10:00:00Z" },
    });
    assert.deepEqual(
      run.failed.map((c) => [c.id, c.app]),
      [["PREDEPLOY-STAGING-SOAK", "menu-optimizer"]],
    );
    assert.match(
      run.failed[0].message,
      /menu-optimizer-staging-latency-p95 went to ALARM in staging since 2026-12-01T09:00:00\.000Z/,
    );
  });

  it("holds a digest whose staging alarm is in ALARM now", async () => {
    const run = await predeploy({ alarms: { "erp-berhan-staging-5xx-rate": "ALARM" } });
    assert.deepEqual(
      run.failed.map((c) => [c.id, c.app, c.message]),
      [
        [
          "PREDEPLOY-STAGING-SOAK",
          "erp-berhan",
          "erp-berhan-staging-5xx-rate in ALARM in staging now: not stable",
        ],
      ],
    );
  });

  it("stops the line on an open drift issue, not on a closed one", async () => {
    const title = DRIFT_ISSUE_TITLE;
    const open = await predeploy({ issues: [{ number: 7, title, state: "open", labels: [DRIFT_LABEL] }] });
    assert.deepEqual(
      gate(open, "PREDEPLOY-DRIFT").map((c) => c.message),
      [
        "drift issue #7 is open: what runs differs from the stacks; resolve it (or close it as explained) first",
      ],
    );
    const closed = await predeploy({
      issues: [{ number: 7, title, state: "closed", labels: [DRIFT_LABEL] }],
    });
    assert.deepEqual(closed.failed, []);
    // Anyone may open an issue under that title; without the label (triage access) it stops nothing.
    const unlabelled = await predeploy({ issues: [{ number: 8, title, state: "open" }] });
    assert.deepEqual(unlabelled.failed, []);
    // drift.yml opens the issue under the title and with the label the gate reads.
    const driftYml = fs.readFileSync(path.join(ROOT, ".github/workflows/drift.yml"), "utf8");
    assert.ok(driftYml.includes(`title="${title}"`));
    assert.match(driftYml, new RegExp(`gh issue create .*--label ${DRIFT_LABEL} `));
  });

  it("needs a rollback target verified in staging; an audited override lifts the gate for one app", async () => {
    const current = ["erp-berhan", "menu-optimizer"].map((a) => verified(a));
    const run = await predeploy({ deployments: current });
    assert.deepEqual(
      run.failed.map((c) => [c.id, c.app]),
      [
        ["PREDEPLOY-ROLLBACK-TARGET", "erp-berhan"],
        ["PREDEPLOY-ROLLBACK-TARGET", "menu-optimizer"],
      ],
    );
    assert.match(
      run.failed[0].message,
      new RegExp(`rollback target ${PREVIOUS["erp-berhan"]} is not verified in staging`),
    );
    const lifted = await predeploy({
      deployments: current,
      overrides: [{ ...override("2026-12-02"), ruleId: "PREDEPLOY-ROLLBACK-TARGET" }],
    });
    assert.deepEqual(
      lifted.failed.map((c) => [c.id, c.app]),
      [["PREDEPLOY-ROLLBACK-TARGET", "menu-optimizer"]],
    );
    const skipped = lifted.report.checks.find(
      (c) => c.id === "PREDEPLOY-ROLLBACK-TARGET" && c.app === "erp-berhan",
    )!;
    assert.equal(skipped.status, "skip");
    assert.match(skipped.message, /deploy allowed by override of mathieu until 2026-12-02/);
  });

  it("counts only the verifier's deployments and GitHub Actions' check runs, and names what it did not count", async () => {
    const forged = { ...verified("erp-berhan"), creator: "someone-with-write" };
    const verifiedOnly = (r: { failed: Array<{ id: string; app: string; message: string }> }) =>
      r.failed.filter((c) => c.id === "PREDEPLOY-STAGING-VERIFIED");
    const deployments = await predeploy({ deployments: [forged, verified("menu-optimizer")] });
    assert.deepEqual(
      verifiedOnly(deployments).map((c) => [c.id, c.app]),
      [["PREDEPLOY-STAGING-VERIFIED", "erp-berhan"]],
    );
    assert.match(verifiedOnly(deployments)[0].message, /not counted: deployments by someone-with-write/);
    // A verifier's deployment whose verify failed, then marked success by someone else, is not verified.
    const repainted = {
      ...verified("erp-berhan", "failure"),
      statuses: [
        { state: "failure", created_at: "2026-12-01T09:00:00Z" },
        { state: "success", created_at: "2026-12-01T09:05:00Z", creator: "someone-with-write" },
      ],
    };
    const statuses = await predeploy({ deployments: [repainted, verified("menu-optimizer")] });
    assert.deepEqual(
      verifiedOnly(statuses).map((c) => [c.id, c.app]),
      [["PREDEPLOY-STAGING-VERIFIED", "erp-berhan"]],
    );
    const passed = deployments.report.checks.find((c) => c.app === "menu-optimizer")!;
    assert.match(passed.message, /created by surlefeu-staging-deployer/);
    const otherApp = green.map((r) => ({ ...r, app: { id: 999, slug: "status-poster" } }));
    const checks = await predeploy({ checkRuns: otherApp });
    assert.deepEqual(
      checks.failed.map((c) => c.id),
      ["PREDEPLOY-CHECKS-GREEN"],
    );
    assert.match(
      checks.failed[0].message,
      /style, unit, smoke not successful \(latest check runs of app 15368\)/,
    );
  });
});
