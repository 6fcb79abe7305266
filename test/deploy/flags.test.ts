/**
 * `cicd flags wait`, `cicd flags off` and verify's VERIFY-FLAGS with their real clients (AWS SDK v3 AppConfig and
 * CloudWatch) against local servers: AppConfig's REST-JSON routes (./appconfigServer.ts) and CloudWatch's JSON 1.0
 * protocol (./servers.ts `awsJsonServer`). The commands run in this process (test/cli-harness.ts).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { AppConfigClient } from "@aws-sdk/client-appconfig";
import { flagDeploymentCheck, verifyStack } from "../../src/deploy/verify";
import { cicd, cleanTempDirs, tempProject } from "../cli-harness";
import { AppConfigWorld, PREDEFINED, stepsOf, StoredDeployment } from "./appconfigServer";
import {
  APPS,
  deployment,
  EMERGENCY,
  ERP_V1,
  erpDeploying,
  flagOutputsFile,
  flagsOffArgs,
  ids,
  startFlagServers,
  world,
} from "./flagsWorld";
import { awsJsonServer, Served } from "./servers";

describe("cicd flags", function () {
  this.timeout(30_000);
  let dir: string;
  let outputs: string;
  const servers: Served[] = [];
  const savedEnv = { ...process.env };

  before(() => {
    dir = tempProject();
    outputs = flagOutputsFile(dir);
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
      AWS_SECRET_ACCESS_KEY: "local-test-secret",
      AWS_REGION: "eu-west-1",
    });
  });
  after(() => {
    cleanTempDirs();
    process.env = savedEnv;
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const start = (w: AppConfigWorld) => startFlagServers(w, servers);

  const wait = (...extra: string[]) =>
    cicd(["flags", "wait", "--stack", "staging", "--dir", dir, "--outputs", outputs, ...extra]);
  const off = (app: string, flag: string) =>
    cicd([...flagsOffArgs(dir, outputs, app, flag), "--poll", "0.02"]);

  describe("wait", () => {
    it("passes at once when no flag deployment is in progress", async () => {
      const { appconfig } = await start(world());
      const run = await wait();
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /staging: no flag deployment in progress \(erp-berhan, menu-optimizer\)/);
      assert.ok(appconfig.calls.every((c) => c.signed && c.method === "GET"));
    });

    it("waits through a deployment that deploys, bakes and completes", async () => {
      const w = erpDeploying(stepsOf(PREDEFINED["AppConfig.Linear20PercentEvery6Minutes"]));
      const { appconfig } = await start(w);
      const run = await wait("--poll", "0.05", "--max-wait", "20");
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /waiting: erp-berhan: deployment 2 DEPLOYING, 50% complete, retry after/);
      assert.match(run.stdout, /waiting: erp-berhan: deployment 2 BAKING, 100% complete/);
      const reads = appconfig.calls.filter((c) => c.operation === "GetDeployment" && c.path.endsWith("/2"));
      // Each read moves the deployment one step: DEPLOYING 50%, BAKING, COMPLETE.
      assert.equal(reads.length, 3);
      assert.equal(w.deployments["app-erp-berhan/env-erp-berhan"][1].State, "COMPLETE");
    });

    it("times out with exit 1, naming the deployment, its state and percentage, and when to retry", async () => {
      const w = erpDeploying();
      await start(w);
      const run = await wait("--poll", "0.05", "--max-wait", "0.2");
      assert.equal(run.code, 1);
      const d = w.deployments["app-erp-berhan/env-erp-berhan"][1];
      // Linear20PercentEvery6Minutes: 30 minutes of deployment, then 30 of bake, from StartedAt.
      const end = new Date((d.StartedAt + 60 * 60) * 1000).toISOString();
      assert.ok(
        run.stderr.includes(`erp-berhan: deployment 2 DEPLOYING, 40% complete, retry after ${end}`),
        run.stderr,
      );
      assert.match(
        run.stderr,
        /still in progress after 0\.2 s; pulumi up would meet AppConfig's ConflictException/,
      );
      assert.doesNotMatch(run.stderr, /menu-optimizer/);
    });

    it("refuses outputs without an app's flag ids with exit 2, naming the stack, key, expected and found", async () => {
      const { appconfig } = await start(world());
      const partial = path.join(dir, "partial.json");
      fs.writeFileSync(
        partial,
        JSON.stringify({ apps: { "erp-berhan": { flags: { ...ids("erp-berhan"), environmentId: 7 } } } }),
      );
      const run = await cicd(["flags", "wait", "--stack", "staging", "--dir", dir, "--outputs", partial]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /Invalid config for stack "staging"/);
      assert.match(run.stderr, /--outputs \(apps\.erp-berhan\.flags\.environmentId\): expected .*, found 7/);
      assert.match(run.stderr, /--outputs \(apps\.menu-optimizer\.flags\): expected \{ applicationId, /);
      const none = await cicd(["flags", "wait", "--stack", "staging", "--dir", dir]);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /--outputs/);
      assert.equal(appconfig.calls.length, 0);
    });
  });

  describe("off", () => {
    it("stops the deployment in progress and deploys the live document with the flag off, alarm actions off meanwhile", async () => {
      const w = erpDeploying();
      const { appconfig, log } = await start(w);
      const run = await off("erp-berhan", "telegram_bot_v2");
      assert.equal(run.code, 0, run.stderr);
      const [, stopped, emergency] = w.deployments["app-erp-berhan/env-erp-berhan"];
      assert.equal(stopped.State, "ROLLED_BACK");
      const stop = appconfig.calls.find((c) => c.operation === "StopDeployment")!;
      assert.equal(stop.headers["allow-revert"], "true");
      // Version 3 is version 1 (the live one, not the stopped 2) with only telegram_bot_v2 disabled.
      const versions = w.versions["app-erp-berhan/prof-erp-berhan"];
      assert.equal(versions.length, 3);
      const expected = JSON.parse(ERP_V1);
      expected.values.telegram_bot_v2.enabled = false;
      assert.deepEqual(JSON.parse(versions[2].content), expected);
      assert.equal(JSON.parse(versions[2].content).values.receipts_v3.enabled, true);
      assert.equal(versions[2].contentType, "application/json");
      assert.deepEqual(
        [emergency.ConfigurationVersion, emergency.DeploymentStrategyId, emergency.State],
        ["3", EMERGENCY, "COMPLETE"],
      );
      assert.deepEqual(
        log.filter((l) => !/(List|Get)/.test(l)),
        [
          "AppConfig StopDeployment",
          "AppConfig CreateHostedConfigurationVersion",
          "CloudWatch DisableAlarmActions erp-berhan-staging-flags-rollback",
          "AppConfig StartDeployment",
          "CloudWatch EnableAlarmActions erp-berhan-staging-flags-rollback",
        ],
      );
      // The emergency deployment was read until COMPLETE before the actions came back.
      const last = log.lastIndexOf("AppConfig GetDeployment");
      assert.ok(last < log.length - 1 && log[log.length - 1].startsWith("CloudWatch EnableAlarmActions"));
      assert.match(run.stdout, /telegram_bot_v2 is off: version 3 deployed by deployment 3 \(COMPLETE\)/);
      assert.match(run.stdout, /value: \{ enabled: false \} for erp-berhan in Pulumi\.staging\.yaml/);
      assert.match(run.stdout, /open an incident/);
    });

    const failures: Array<[string, (w: AppConfigWorld) => void, RegExp]> = [
      [
        "StartDeployment is refused",
        (w) => {
          w.failNextStart = {
            status: 409,
            type: "ConflictException",
            message: "Deployment 9 is already in progress",
          };
        },
        /ConflictException|Deployment 9 is already in progress/,
      ],
      [
        "the emergency deployment is rolled back",
        (w) => {
          w.startSteps = [
            { State: "ROLLING_BACK", PercentageComplete: 100 },
            { State: "ROLLED_BACK", PercentageComplete: 100 },
          ];
        },
        /emergency deployment 2 of version 2 ended ROLLED_BACK/,
      ],
    ];
    for (const [name, fail, message] of failures)
      it(`re-enables the alarm actions and exits 1 when ${name}`, async () => {
        const w = world();
        fail(w);
        const { log } = await start(w);
        const run = await off("erp-berhan", "receipts_v3");
        assert.equal(run.code, 1, run.stdout);
        assert.deepEqual(
          log.filter((l) => l.startsWith("CloudWatch")),
          [
            "CloudWatch DisableAlarmActions erp-berhan-staging-flags-rollback",
            "CloudWatch EnableAlarmActions erp-berhan-staging-flags-rollback",
          ],
        );
        assert.match(run.stderr, message);
        assert.match(run.stderr, /stack staging/);
        assert.match(run.stdout, /enabled the actions of erp-berhan-staging-flags-rollback again/);
      });

    it("refuses an unknown flag with exit 2, listing the known ones, and changes nothing", async () => {
      const w = erpDeploying();
      const { appconfig, log } = await start(w);
      const run = await off("erp-berhan", "telegram_bot_v9");
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        /--flag: expected a flag of erp-berhan's deployed document \(version 1\): telegram_bot_v2, receipts_v3, found "telegram_bot_v9"/,
      );
      assert.ok(appconfig.calls.every((c) => c.method === "GET"));
      assert.ok(!log.some((l) => l.startsWith("CloudWatch")));
      assert.equal(w.deployments["app-erp-berhan/env-erp-berhan"][1].State, "DEPLOYING");
      assert.equal(w.versions["app-erp-berhan/prof-erp-berhan"].length, 2);
    });

    it("refuses an unknown app with exit 2 before any call", async () => {
      const { appconfig } = await start(world());
      const run = await off("erp-berham", "telegram_bot_v2");
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        /--app: expected an app of the stack: erp-berhan, menu-optimizer, found erp-berham/,
      );
      assert.equal(appconfig.calls.length, 0);
    });
  });

  describe("VERIFY-FLAGS", () => {
    const cases: Array<[string, StoredDeployment[], "pass" | "fail" | "skip", RegExp]> = [
      [
        "passes when the latest deployment is COMPLETE",
        [deployment(1, "1", "COMPLETE")],
        "pass",
        /deployment 1 of version 1 COMPLETE/,
      ],
      [
        "fails when the latest deployment ROLLED_BACK",
        [deployment(1, "1", "COMPLETE"), deployment(2, "2", "ROLLED_BACK")],
        "fail",
        /deployment 2 of version 2 ROLLED_BACK, expected COMPLETE/,
      ],
      [
        "fails when the latest deployment was REVERTED",
        [deployment(1, "1", "COMPLETE"), deployment(2, "2", "REVERTED")],
        "fail",
        /deployment 2 of version 2 REVERTED/,
      ],
      [
        "skips while a deployment is in progress, with its percentage",
        [deployment(1, "1", "COMPLETE"), deployment(2, "2", "BAKING", { percent: 100, minutesAgo: 2 })],
        "skip",
        /deployment 2 of version 2 in progress: deployment 2 BAKING, 100% complete/,
      ],
      [
        "fails when the environment never had a deployment",
        [],
        "fail",
        /no flag deployment in environment env-erp-berhan/,
      ],
    ];
    for (const [name, list, status, message] of cases)
      it(name, async () => {
        await start(world(list));
        const client = new AppConfigClient({ region: "eu-west-1" });
        try {
          const check = await flagDeploymentCheck(client, ids("erp-berhan"));
          assert.equal(check.status, status, check.message);
          assert.match(check.message, message);
        } finally {
          client.destroy();
        }
      });

    it("is one of cicd verify's checks per app, skipped for an app whose outputs have no flag ids", async () => {
      const w = world();
      w.deployments["app-erp-berhan/env-erp-berhan"].push(deployment(2, "1", "ROLLED_BACK"));
      const { appconfig } = await start(w);
      const ecs = await awsJsonServer("1.1", {});
      servers.push(ecs);
      process.env.AWS_ENDPOINT_URL_ECS = ecs.url;
      const file = path.join(dir, "verify-outputs.json");
      const digest = `sha256:${"a".repeat(64)}`;
      fs.writeFileSync(
        file,
        JSON.stringify({
          apps: {
            "erp-berhan": { imageRef: `ghcr.io/surlefeu/erp-berhan@${digest}`, flags: ids("erp-berhan") },
            "menu-optimizer": { imageRef: `ghcr.io/surlefeu/menu-optimizer@${digest}` },
          },
          environmentProfile: {
            apps: Object.fromEntries(APPS.map((a) => [a, { build: { gitSha: "3".repeat(40) } }])),
          },
        }),
      );
      const report = await verifyStack({
        stack: "staging",
        dir,
        outputs: file,
        marker: false,
        registryUrl: appconfig.url,
        appUrls: Object.fromEntries(APPS.map((a) => [a, appconfig.url])),
        timeoutSeconds: 5,
      });
      const flags = report.checks.filter((c) => c.id === "VERIFY-FLAGS");
      assert.deepEqual(
        flags.map((c) => [c.app, c.status]),
        [
          ["erp-berhan", "fail"],
          ["menu-optimizer", "skip"],
        ],
      );
      assert.match(flags[0].message, /deployment 2 of version 1 ROLLED_BACK/);
      assert.match(flags[1].message, /apps\.menu-optimizer\.flags/);
    });
  });
});
