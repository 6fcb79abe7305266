/**
 * `cicd flags wait` and `cicd flags off` (src/deploy/flags.ts) on their edges, called in process with the real SDK
 * v3 clients against the local AppConfig and CloudWatch (./flagsWorld.ts):
 * - wait: real waits of `pollSeconds` between two reads (15 s by default), the last one only what remains before
 *   the deadline; no log function needed; a stack without apps; the stack's AWS region, not the environment's;
 * - off: each step's progress line, word for word; a deployment ROLLING_BACK is waited for, not stopped again; a
 *   COMPLETE one is left alone; no COMPLETE deployment means no live document (nothing changed); an app without
 *   monitored alarms deploys without touching CloudWatch; the new version and the emergency deployment say why.
 */
import { strict as assert } from "node:assert";
import { flagsOff, FlagStack, loadFlagStack, waitForFlagDeployments } from "../../src/deploy/flags";
import { cleanTempDirs, tempProject } from "../cli-harness";
import { PREDEFINED, stepsOf } from "./appconfigServer";
import { deployment, EMERGENCY, erpDeploying, flagOutputsFile, startFlagServers, world } from "./flagsWorld";
import { Served } from "./servers";

describe("cicd flags (edges)", function () {
  this.timeout(30_000);
  let stack: FlagStack;
  const servers: Served[] = [];
  const savedEnv = { ...process.env };

  before(async () => {
    const dir = tempProject();
    const outputs = flagOutputsFile(dir);
    stack = await loadFlagStack(dir, "staging", outputs);
    // No AWS_REGION: the clients must take the stack's region (aws:region, eu-west-1).
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
      AWS_SECRET_ACCESS_KEY: "local-test-secret",
    });
  });
  after(() => {
    cleanTempDirs();
    process.env = savedEnv;
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const start = (w: Parameters<typeof startFlagServers>[0]) => startFlagServers(w, servers);

  describe("wait", () => {
    it("waits pollSeconds between two reads, signs for the stack's region, and needs no log function", async () => {
      const { appconfig } = await start(
        erpDeploying(stepsOf(PREDEFINED["AppConfig.Linear20PercentEvery6Minutes"])),
      );
      const started = Date.now();
      const r = await waitForFlagDeployments(stack, { pollSeconds: 0.1, maxWaitSeconds: 20 });
      const elapsed = Date.now() - started;
      assert.deepEqual(r, {
        code: 0,
        lines: ["staging: no flag deployment in progress (erp-berhan, menu-optimizer)"],
      });
      // DEPLOYING, BAKING, COMPLETE: three reads of deployment 2, so two waits of 100 ms (a timer never fires early).
      assert.equal(
        appconfig.calls.filter((c) => c.operation === "GetDeployment" && c.path.endsWith("/2")).length,
        3,
      );
      assert.ok(elapsed >= 195, `${elapsed} ms`);
      assert.ok(
        appconfig.calls.every((c) =>
          /\/eu-west-1\/appconfig\/aws4_request/.test(String(c.headers.authorization)),
        ),
      );
    });

    it("by default reads every 15 s: the only wait before a short deadline is what remains of it", async () => {
      const { appconfig } = await start(erpDeploying());
      const started = Date.now();
      const r = await waitForFlagDeployments(stack, { maxWaitSeconds: 0.3 });
      const elapsed = Date.now() - started;
      assert.equal(r.code, 1);
      // Read at once, one wait until the deadline (300 ms, not 15 s), read again, give up.
      assert.equal(
        appconfig.calls.filter((c) => c.operation === "GetDeployment" && c.path.endsWith("/2")).length,
        2,
      );
      assert.ok(elapsed >= 290 && elapsed < 10_000, `${elapsed} ms`);
    });

    it("a stack without apps has nothing in progress", async () => {
      await start(world());
      assert.deepEqual(await waitForFlagDeployments({ ...stack, targets: [] }), {
        code: 0,
        lines: ["staging: no flag deployment in progress (no apps)"],
      });
    });
  });

  describe("off", () => {
    it("says what it does at each step, word for word, and the new version and deployment say why", async () => {
      const w = erpDeploying();
      await start(w);
      const lines: string[] = [];
      const r = await flagsOff(stack, {
        app: "erp-berhan",
        flag: "telegram_bot_v2",
        pollSeconds: 0.02,
        log: (l) => lines.push(l),
      });
      assert.deepEqual(lines, [
        "stopped deployment 2 (DEPLOYING, 40%): AppConfig rolls it back",
        "deployment 2 ended ROLLED_BACK",
        "created version 3: version 1 with telegram_bot_v2 disabled",
        "disabled the actions of erp-berhan-staging-flags-rollback: AppConfig cannot roll back",
        "enabled the actions of erp-berhan-staging-flags-rollback again",
      ]);
      assert.deepEqual(r, {
        code: 0,
        lines: [
          `erp-berhan: telegram_bot_v2 is off: version 3 deployed by deployment 3 (COMPLETE) with strategy ${EMERGENCY}`,
          "Follow-up:",
          "  1. set telegram_bot_v2's value: { enabled: false } for erp-berhan in Pulumi.staging.yaml and merge it (else the next document change turns it back on)",
          "  2. open an incident (what fired, the flag turned off, this deployment's number)",
        ],
      });
      assert.equal(
        w.versions["app-erp-berhan/prof-erp-berhan"][2].description,
        "cicd flags off telegram_bot_v2 (from version 1)",
      );
      assert.equal(
        w.deployments["app-erp-berhan/env-erp-berhan"][2].Description,
        "cicd flags off telegram_bot_v2: incident, emergency strategy",
      );
    });

    it("waits for a deployment already ROLLING_BACK without stopping it again", async () => {
      const w = world([
        deployment(1, "1", "COMPLETE", { minutesAgo: 600 }),
        deployment(2, "1", "ROLLING_BACK", {
          minutesAgo: 5,
          // The first read (the latest deployment) finds it ROLLING_BACK, the next one ROLLED_BACK.
          next: [
            { State: "ROLLING_BACK", PercentageComplete: 0 },
            { State: "ROLLED_BACK", PercentageComplete: 0 },
          ],
        }),
      ]);
      const { appconfig } = await start(w);
      const lines: string[] = [];
      const r = await flagsOff(stack, {
        app: "erp-berhan",
        flag: "receipts_v3",
        pollSeconds: 0.02,
        log: (l) => lines.push(l),
      });
      assert.equal(r.code, 0);
      assert.equal(lines[0], "deployment 2 ended ROLLED_BACK");
      assert.ok(!appconfig.calls.some((c) => c.operation === "StopDeployment"));
    });

    it("leaves a COMPLETE latest deployment alone", async () => {
      const { appconfig } = await start(world());
      const lines: string[] = [];
      await flagsOff(stack, {
        app: "erp-berhan",
        flag: "receipts_v3",
        pollSeconds: 0.02,
        log: (l) => lines.push(l),
      });
      assert.ok(!appconfig.calls.some((c) => c.operation === "StopDeployment"));
      assert.match(lines[0], /^created version 2: version 1 with receipts_v3 disabled$/);
    });

    it("without a COMPLETE deployment there is no live document: an error, and nothing changed", async () => {
      const w = world([deployment(1, "1", "ROLLED_BACK")]);
      const { appconfig, log } = await start(w);
      await assert.rejects(flagsOff(stack, { app: "erp-berhan", flag: "receipts_v3", pollSeconds: 0.02 }), {
        message:
          "erp-berhan: no COMPLETE flag deployment in environment env-erp-berhan: no live document to change",
      });
      assert.ok(appconfig.calls.every((c) => c.method === "GET"));
      assert.ok(!log.some((l) => l.startsWith("CloudWatch")));
    });

    it("an app without monitored alarms deploys without touching CloudWatch", async () => {
      const w = world();
      const { log } = await start(w);
      const lines: string[] = [];
      const alone = { ...stack, targets: stack.targets.map((t) => ({ ...t, monitorAlarmNames: [] })) };
      const r = await flagsOff(alone, {
        app: "erp-berhan",
        flag: "receipts_v3",
        pollSeconds: 0.02,
        log: (l) => lines.push(l),
      });
      assert.equal(r.code, 0);
      assert.ok(
        lines.includes("disabled the actions of no alarm: AppConfig cannot roll back"),
        lines.join("\n"),
      );
      assert.ok(!lines.some((l) => l.startsWith("enabled")));
      assert.ok(!log.some((l) => l.startsWith("CloudWatch")));
    });

    it("gives up on a deployment still in progress at the deadline, waiting no longer than what remains", async () => {
      const w = world([
        deployment(1, "1", "COMPLETE", { minutesAgo: 600 }),
        deployment(2, "1", "ROLLING_BACK", { minutesAgo: 1 }),
      ]);
      await start(w);
      const started = Date.now();
      await assert.rejects(
        flagsOff(stack, { app: "erp-berhan", flag: "receipts_v3", pollSeconds: 10, maxWaitSeconds: 0.2 }),
        /deployment 2 still ROLLING_BACK at the deadline: deployment 2 ROLLING_BACK, 0% complete, retry after /,
      );
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 190 && elapsed < 5_000, `${elapsed} ms`);
    });
  });
});
