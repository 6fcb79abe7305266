/**
 * `cicd migrate` (src/deploy/migrate.ts) on in-memory ECS and CloudWatch Logs clients: an app without migrations is refused naming the key and `(unset)`; a `skipForDigest` that is
 * not the digest the app runs skips nothing; outputs without `apps`, without the app or without subnets are a
 * MigrateError saying to run phase one; DescribeTasks is read every `pollSeconds` until the task's timeout, then
 * the task is stopped.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { ECSClient } from "@aws-sdk/client-ecs";
import { ConfigError } from "../../src/config/model";
import { migrate, MigrateError } from "../../src/deploy/migrate";
import { cleanTempDirs, tempDir, tempProject } from "../cli-harness";
import { ROOT } from "../root";

const TASK = "arn:aws:ecs:eu-west-1:123456789012:task/erp-berhan-staging/0f1e2d3c4b5a6978";
const RUN = {
  cluster: "erp-berhan-staging",
  family: "erp-berhan-migrate-staging",
  subnets: ["subnet-0a1b2c3d"],
  securityGroups: ["sg-0123456789abcdef0"],
  container: "erp-berhan",
  logGroup: "/ecs/erp-berhan-staging",
  streamPrefix: "migrate",
  timeoutSeconds: 900,
};

function outputsFile(outputs: unknown): string {
  const file = path.join(tempDir("migrate-units"), "outputs.json");
  fs.writeFileSync(file, JSON.stringify(outputs));
  return file;
}

/** ECS whose task is RUNNING for `runningReads` DescribeTasks (forever when undefined), then STOPPED with exit 0. */
function fakeAws(runningReads?: number) {
  const sent: Array<[string, Record<string, unknown>]> = [];
  let reads = 0;
  const client = (answer: (name: string) => unknown) => ({
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, "");
      sent.push([name, command.input]);
      return answer(name);
    },
  });
  const ecs = client((name) => {
    if (name === "RunTask") return { tasks: [{ taskArn: TASK, lastStatus: "PROVISIONING" }] };
    if (name === "StopTask") return { task: { taskArn: TASK, lastStatus: "STOPPING" } };
    const stopped = runningReads !== undefined && ++reads > runningReads;
    return {
      tasks: [
        {
          taskArn: TASK,
          lastStatus: stopped ? "STOPPED" : "RUNNING",
          containers: [{ name: "erp-berhan", exitCode: stopped ? 0 : undefined }],
        },
      ],
    };
  });
  const logs = client(() => ({ events: [{ message: "migrated" }] }));
  return { ecs: ecs as unknown as ECSClient, logs: logs as unknown as CloudWatchLogsClient, sent };
}

describe("cicd migrate (units)", () => {
  after(cleanTempDirs);

  it("refuses an app without migrations, naming the key, what it needs and (unset)", async () => {
    const { ecs, logs, sent } = fakeAws(0);
    await assert.rejects(
      migrate({ stack: "staging", app: "menu-optimizer", outputs: outputsFile({}), dir: ROOT, ecs, logs }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(
          err.message,
          'Invalid config for stack "staging" (stack config): 1 problem\n' +
            "  - cicd-constitution:apps[1].migrations: expected the app's migration command (migrations.command) to run, found (unset)",
        );
        return true;
      },
    );
    assert.deepEqual(sent, []);
  });

  it("runs the migration when skipForDigest names another digest than the one the app runs", async () => {
    const other = "sha256:1ad51ab6b70f33fffa542f0fe2066148b33ed06d56d93fe675132f1b36ab4e83";
    const dir = tempProject((text) =>
      text.replace(
        "        contract: safe_online\n",
        `        contract: safe_online\n        skipForDigest: ${other}\n`,
      ),
    );
    assert.match(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8"), /skipForDigest/);
    const { ecs, logs, sent } = fakeAws(0);
    const r = await migrate({
      stack: "production",
      app: "erp-berhan",
      outputs: outputsFile({ apps: { "erp-berhan": { migration: RUN } } }),
      dir,
      ecs,
      logs,
    });
    assert.deepEqual([r.skipped, r.ok, r.exitCode, r.logLines], [undefined, true, 0, ["migrated"]]);
    assert.deepEqual(
      sent.map(([name]) => name),
      ["RunTask", "DescribeTasks", "GetLogEvents"],
    );
  });

  const missing: Array<[string, unknown]> = [
    ["no apps", {}],
    ["no entry for the app", { apps: {} }],
    [
      "a migration without subnets",
      { apps: { "erp-berhan": { migration: { ...RUN, subnets: undefined } } } },
    ],
    ["a migration with no subnet", { apps: { "erp-berhan": { migration: { ...RUN, subnets: [] } } } }],
  ];
  for (const [name, outputs] of missing)
    it(`outputs with ${name}: says to run phase one, and starts nothing`, async () => {
      const { ecs, logs, sent } = fakeAws(0);
      await assert.rejects(
        migrate({ stack: "staging", app: "erp-berhan", outputs: outputsFile(outputs), dir: ROOT, ecs, logs }),
        (err: unknown) => {
          assert.ok(err instanceof MigrateError, String(err));
          assert.equal(
            err.message,
            "staging: --outputs has no apps.erp-berhan.migration (cluster, family, subnets): run phase one (pulumi up --exclude the services) first, then pulumi stack output --json",
          );
          return true;
        },
      );
      assert.deepEqual(sent, []);
    });

  it("reads the task every pollSeconds until its timeout, then stops it", async () => {
    const { ecs, logs, sent } = fakeAws();
    const r = await migrate({
      stack: "staging",
      app: "erp-berhan",
      outputs: outputsFile({ apps: { "erp-berhan": { migration: { ...RUN, timeoutSeconds: 0.05 } } } }),
      dir: ROOT,
      ecs,
      logs,
      pollSeconds: 0.01,
    });
    // Read at once, then every 10 ms until past the 50 ms deadline: a handful of reads, never one.
    assert.ok(sent.filter(([name]) => name === "DescribeTasks").length >= 3);
    assert.deepEqual(
      sent.find(([name]) => name === "StopTask"),
      ["StopTask", { cluster: RUN.cluster, task: TASK, reason: "cicd migrate: timed out after 0.05 s" }],
    );
    assert.deepEqual([r.ok, r.exitCode, r.stoppedReason], [false, undefined, "timed out after 0.05 s"]);
  });
});
