/**
 * `cicd migrate` (src/deploy/migrate.ts) with the real SDK v3 clients against a local server speaking the AWS JSON
 * 1.1 protocol of ECS (RunTask, DescribeTasks, StopTask) and CloudWatch Logs (GetLogEvents): the task runs on the
 * outputs' cluster, family and network, its exit code is the verdict (0 -> exit 0; non-zero -> exit 1, "the services
 * were not changed"), its log lines are printed, a task that never stops is stopped at the timeout; bad input exits 2.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { ECSClient } from "@aws-sdk/client-ecs";
import { migrate, runMigrate } from "../../src/deploy/migrate";
import { ROOT } from "../helpers";
import { tempProject } from "../cli-harness";
import { planRollback } from "../../src/deploy/rollback";
import { cleanTempDirs, tempDir } from "../temp";
import { awsJsonServer } from "./servers";

const TASK = "arn:aws:ecs:eu-west-1:123456789012:task/erp-berhan-staging/0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const RUN = {
  cluster: "erp-berhan-staging",
  family: "erp-berhan-migrate-staging",
  subnets: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
  securityGroups: ["sg-0123456789abcdef0"],
  container: "erp-berhan",
  logGroup: "/ecs/erp-berhan-staging",
  streamPrefix: "migrate",
  timeoutSeconds: 900,
};

function outputsFile(run: Record<string, unknown> | null = RUN): string {
  const file = path.join(tempDir("migrate"), "outputs.json");
  fs.writeFileSync(file, JSON.stringify({ apps: { "erp-berhan": run ? { migration: run } : {} } }));
  return file;
}

/** ECS and CloudWatch Logs in one server: the task is RUNNING for `runningReads` reads, then STOPPED with `exitCode`. */
async function aws(exitCode: number | undefined, runningReads = 1) {
  let reads = 0;
  let stopped = false;
  const server = await awsJsonServer("1.1", {
    RunTask: () => ({ tasks: [{ taskArn: TASK, lastStatus: "PROVISIONING" }], failures: [] }),
    DescribeTasks: () => {
      reads++;
      const done = stopped || (exitCode !== undefined && reads > runningReads);
      return {
        tasks: [
          {
            taskArn: TASK,
            lastStatus: done ? "STOPPED" : "RUNNING",
            stoppedReason: done
              ? stopped
                ? "cicd migrate: timed out"
                : "Essential container in task exited"
              : undefined,
            containers: [{ name: "erp-berhan", exitCode: done && !stopped ? exitCode : undefined }],
          },
        ],
        failures: [],
      };
    },
    StopTask: () => {
      stopped = true;
      return { task: { taskArn: TASK, lastStatus: "STOPPING" } };
    },
    GetLogEvents: (body) =>
      body.nextToken
        ? { events: [], nextForwardToken: String(body.nextToken) }
        : {
            events: [
              {
                timestamp: 1,
                message: "INFO  [alembic.runtime.migration] Running upgrade 0041 -> 0042, add tenant_id",
              },
              { timestamp: 2, message: exitCode === 0 ? "done" : "ERROR column tenant_id already exists" },
            ],
            nextForwardToken: "f/1",
          },
  });
  const config = {
    region: "eu-west-1",
    endpoint: server.url,
    credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-secret" },
  };
  return { server, ecs: new ECSClient(config), logs: new CloudWatchLogsClient(config) };
}

describe("cicd migrate", function () {
  this.timeout(30_000);
  after(cleanTempDirs);

  it("runs the migration family on the service's cluster and network, and passes on exit 0", async () => {
    const { server, ecs, logs } = await aws(0, 2);
    try {
      const r = await migrate({
        stack: "staging",
        app: "erp-berhan",
        outputs: outputsFile(),
        dir: ROOT,
        ecs,
        logs,
        pollSeconds: 0.01,
      });
      assert.deepEqual([r.ok, r.exitCode, r.taskArn], [true, 0, TASK]);
      assert.equal(
        r.logLines[0],
        "INFO  [alembic.runtime.migration] Running upgrade 0041 -> 0042, add tenant_id",
      );
      const run = server.calls.find((c) => c.target.endsWith(".RunTask"))!;
      assert.match(run.target, /^AmazonEC2ContainerServiceV20141113\.RunTask$/);
      assert.ok(run.signed, "SigV4-signed, as AWS requires");
      // The SDK adds RunTask's idempotency token.
      const { clientToken, ...body } = run.body;
      assert.equal(typeof clientToken, "string");
      assert.deepEqual(body, {
        cluster: RUN.cluster,
        taskDefinition: RUN.family,
        launchType: "FARGATE",
        count: 1,
        startedBy: "cicd-migrate",
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: RUN.subnets,
            securityGroups: RUN.securityGroups,
            assignPublicIp: "DISABLED",
          },
        },
      });
      assert.equal(
        server.calls.filter((c) => c.target.endsWith(".DescribeTasks")).length,
        3,
        "polled until STOPPED",
      );
      const get = server.calls.find((c) => c.target.endsWith(".GetLogEvents"))!;
      assert.match(get.target, /^Logs_20140328\.GetLogEvents$/);
      assert.equal(get.body.logStreamName, `migrate/erp-berhan/${TASK.split("/").pop()}`);
      assert.equal(get.body.logGroupName, RUN.logGroup);
    } finally {
      await server.close();
    }
  });

  it("a failing migration exits 1 with its logs, saying the services were not changed", async () => {
    const { server, ecs, logs } = await aws(3);
    const out: string[] = [];
    const [log, error] = [console.log, console.error];
    console.log = console.error = (...a: unknown[]) => void out.push(a.join(" "));
    try {
      const code = await runMigrate({
        stack: "staging",
        app: "erp-berhan",
        outputs: outputsFile(),
        dir: ROOT,
        ecs,
        logs,
        pollSeconds: 0.01,
      });
      assert.equal(code, 1);
      assert.match(out.join("\n"), /ERROR column tenant_id already exists/);
      assert.match(
        out.join("\n"),
        /MIGRATION FAILED for erp-berhan .*: exit 3, Essential container in task exited; the services were not changed/,
      );
    } finally {
      [console.log, console.error] = [log, error];
      await server.close();
    }
  });

  it("a task that never stops is stopped at its timeout and fails", async () => {
    const { server, ecs, logs } = await aws(undefined);
    try {
      const r = await migrate({
        stack: "staging",
        app: "erp-berhan",
        outputs: outputsFile({ ...RUN, timeoutSeconds: 0.2 }),
        dir: ROOT,
        ecs,
        logs,
        pollSeconds: 0.02,
      });
      assert.equal(r.ok, false);
      assert.equal(r.exitCode, undefined);
      assert.match(r.stoppedReason ?? "", /timed out/);
      assert.equal(server.calls.filter((c) => c.target.endsWith(".StopTask")).length, 1);
    } finally {
      await server.close();
    }
  });

  it("exits 2 without a migration in the outputs or for an app without migrations, naming what is missing", async () => {
    const { server, ecs, logs } = await aws(0);
    const out: string[] = [];
    const [log, error] = [console.log, console.error];
    console.log = console.error = (...a: unknown[]) => void out.push(a.join(" "));
    try {
      assert.equal(
        await runMigrate({
          stack: "staging",
          app: "erp-berhan",
          outputs: outputsFile(null),
          dir: ROOT,
          ecs,
          logs,
        }),
        2,
      );
      assert.match(out.join("\n"), /has no apps\.erp-berhan\.migration .*run phase one/);
      assert.equal(
        await runMigrate({
          stack: "staging",
          app: "menu-optimizer",
          outputs: outputsFile(),
          dir: ROOT,
          ecs,
          logs,
        }),
        2,
      );
      assert.match(
        out.join("\n"),
        /cicd-constitution:apps\[1\]\.migrations: expected the app's migration command/,
      );
      assert.equal(server.calls.length, 0, "nothing was started");
    } finally {
      [console.log, console.error] = [log, error];
      await server.close();
    }
  });

  it("skips the migration while the app runs a rollback's target (migrations.skipForDigest): nothing is started", async () => {
    const dir = tempProject();
    const r0 = planRollback({ app: "erp-berhan", dir, stack: "production" });
    const { server, ecs, logs } = await aws(0);
    try {
      const r = await migrate({
        stack: "production",
        app: "erp-berhan",
        outputs: outputsFile(),
        dir,
        ecs,
        logs,
      });
      assert.equal(r.ok, true);
      assert.match(r.skipped ?? "", new RegExp(`erp-berhan runs ${r0.to}, a rollback's target`));
      assert.equal(server.calls.length, 0);
    } finally {
      await server.close();
    }
  });
});
