/**
 * `cicd migrate` (src/deploy/migrate.ts) with the real SDK v3 clients against a local server speaking the AWS JSON
 * 1.1 protocol of ECS (RunTask, DescribeTasks, StopTask) and CloudWatch Logs (GetLogEvents): the task runs on the
 * outputs' cluster, family and network, its exit code is the verdict (0 -> exit 0; non-zero -> exit 1, "the services
 * were not changed"), its log lines are printed, a task that never stops is stopped at the timeout; bad input exits 2.
 */
import { strict as assert } from "node:assert";
import { migrate, runMigrate } from "../../src/deploy/migrate";
import { ROOT } from "../helpers";
import { tempProject } from "../cli-harness";
import { planRollback } from "../../src/deploy/rollback";
import { cleanTempDirs } from "../temp";
import { MIGRATION_RUN as RUN, MIGRATION_TASK as TASK, migrationAws, outputsFile } from "./migrationAws";

/** The local ECS and CloudWatch Logs: the task is RUNNING for `runningReads` reads, then STOPPED with `exitCode`. */
async function aws(exitCode: number | undefined, runningReads = 1) {
  const local = await migrationAws({ exitCode, runningReads });
  return { server: local, ecs: local.ecs, logs: local.logs };
}

/** Outputs with erp-berhan's migration `run` (none: the app's entry without one). */
const outputsWith = (run: object | null = RUN) =>
  outputsFile({ apps: { "erp-berhan": run ? { migration: run } : {} } });

describe("cicd migrate", function () {
  this.timeout(30_000);
  after(cleanTempDirs);

  it("runs the migration family on the service's cluster and network, and passes on exit 0", async () => {
    const { server, ecs, logs } = await aws(0, 2);
    try {
      const r = await migrate({
        stack: "staging",
        app: "erp-berhan",
        outputs: outputsWith(),
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
      assert.equal(get.body.startFromHead, true, "the stream is read from its first line");
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
        outputs: outputsWith(),
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
        outputs: outputsWith({ ...RUN, timeoutSeconds: 0.2 }),
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
          outputs: outputsWith(null),
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
          outputs: outputsWith(),
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
        outputs: outputsWith(),
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
