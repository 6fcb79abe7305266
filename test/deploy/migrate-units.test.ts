/**
 * `cicd migrate` (src/deploy/migrate.ts) on its edges, with the real SDK v3 clients against the local ECS and
 * CloudWatch Logs endpoint (./migrationAws.ts):
 * - bad input: an app without migrations (the key and `(unset)`), outputs without the run (run phase one first), a
 *   RunTask that starts no task (its failures, each `arn reason`); all exit 2 and start nothing more;
 * - the wait: DescribeTasks every `pollSeconds` (a real wait) until STOPPED or the timeout, then StopTask; a task ECS
 *   no longer lists is waited for until the timeout too;
 * - the verdict: the migration container's exit code (by name, else the first container's; none without one);
 * - the log: every page until the forward token repeats (at most 100), a line without a message as an empty line,
 *   a missing stream as a line saying the container never started; any other error of the read is thrown, never a
 *   verdict;
 * - what `runMigrate` prints: the skip, the success, the failure without an exit code.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../src/config/model";
import { migrate, MigrateError, MigrateOptions, runMigrate } from "../../src/deploy/migrate";
import { planRollback } from "../../src/deploy/rollback";
import { captured, cleanTempDirs, tempProject } from "../cli-harness";
import { ROOT } from "../root";
import {
  MIGRATION_RUN as RUN,
  MIGRATION_TASK as TASK,
  migrationAws,
  MigrationScript,
  outputsFile,
} from "./migrationAws";
import { AwsFault } from "./servers";

const STREAM = `migrate/erp-berhan/${TASK.split("/").pop()}`;

/**
 * Runs `body` with `migrate`'s options for erp-berhan's staging stack (`opts` overriding them) against the local
 * endpoint answering as `script`, and closes the endpoint after.
 */
async function withLocalAws<T>(
  script: MigrationScript,
  opts: Partial<MigrateOptions>,
  body: (options: MigrateOptions, local: Awaited<ReturnType<typeof migrationAws>>) => Promise<T>,
): Promise<T> {
  const local = await migrationAws(script);
  try {
    const options = {
      stack: "staging",
      app: "erp-berhan",
      outputs: outputsFile(),
      dir: ROOT,
      ecs: local.ecs,
      logs: local.logs,
      pollSeconds: 0.01,
      ...opts,
    };
    return await body(options, local);
  } finally {
    await local.close();
  }
}

/** What `migrate` returned or threw, and the calls it made. */
function attempt(script: MigrationScript, opts: Partial<MigrateOptions>) {
  return withLocalAws(script, opts, async (options, local) => {
    const outcome = await migrate(options).then(
      (result) => ({ result, err: undefined }),
      (err: unknown) => ({ result: undefined, err: err as Error }),
    );
    return { ...outcome, operations: local.operations(), calls: local.calls };
  });
}

/** `runMigrate`'s exit code and output against the local endpoint answering as `script`. */
function printed(script: MigrationScript, opts: Partial<MigrateOptions> = {}) {
  return withLocalAws(script, opts, (options) => captured(() => runMigrate(options)));
}

/** What `migrate` returned, and the calls it made; fails the test when it threw. */
async function migrateWith(script: MigrationScript, opts: Partial<MigrateOptions> = {}) {
  const { result, err, ...rest } = await attempt(script, opts);
  if (!result) throw err;
  return { result, ...rest };
}

/** What `migrate` threw, and the operations it called before; fails the test when it returned. */
async function refusal(script: MigrationScript, opts: Partial<MigrateOptions> = {}) {
  const { err, operations } = await attempt(script, opts);
  return { err: err ?? assert.fail("migrate resolved"), operations };
}

describe("cicd migrate (edges)", () => {
  after(cleanTempDirs);

  describe("bad input", () => {
    it("refuses an app without migrations, naming the key, what it needs and (unset)", async () => {
      const { err, operations } = await refusal({ exitCode: 0 }, { app: "menu-optimizer" });
      assert.ok(err instanceof ConfigError);
      assert.equal(
        err.message,
        'Invalid config for stack "staging" (stack config): 1 problem\n' +
          "  - cicd-constitution:apps[1].migrations: expected the app's migration command (migrations.command) to run, found (unset)",
      );
      assert.deepEqual(operations, []);
    });

    const missing: Array<[string, unknown]> = [
      ["no apps", {}],
      ["no entry for the app", { apps: {} }],
      [
        "a migration without subnets",
        { apps: { "erp-berhan": { migration: { ...RUN, subnets: undefined } } } },
      ],
      ["a migration with no subnet", { apps: { "erp-berhan": { migration: { ...RUN, subnets: [] } } } }],
      ["a migration without a cluster", { apps: { "erp-berhan": { migration: { ...RUN, cluster: "" } } } }],
      ["a migration without a family", { apps: { "erp-berhan": { migration: { ...RUN, family: "" } } } }],
    ];
    for (const [name, outputs] of missing)
      it(`outputs with ${name}: says to run phase one, and starts nothing`, async () => {
        const { err, operations } = await refusal({ exitCode: 0 }, { outputs: outputsFile(outputs) });
        assert.ok(err instanceof MigrateError, String(err));
        assert.equal(
          err.message,
          "staging: --outputs has no apps.erp-berhan.migration (cluster, family, subnets): run phase one (pulumi up --exclude the services) first, then pulumi stack output --json",
        );
        assert.deepEqual(operations, []);
      });

    const noTask: Array<[string, unknown, string]> = [
      [
        "each failure as `arn reason`",
        {
          tasks: [],
          failures: [
            { arn: "arn:aws:ecs:eu-west-1:123456789012:container-instance/x", reason: "RESOURCE:MEMORY" },
            { reason: "AGENT" },
          ],
        },
        "arn:aws:ecs:eu-west-1:123456789012:container-instance/x RESOURCE:MEMORY; AGENT",
      ],
      ["no reason given, without failures", {}, "no reason given"],
      [
        "no reason given, for a failure without arn or reason",
        { tasks: [], failures: [{}] },
        "no reason given",
      ],
    ];
    for (const [name, answer, reasons] of noTask)
      it(`a RunTask that starts no task is a MigrateError with ${name}, and nothing is waited for`, async () => {
        const { err, operations } = await refusal({ exitCode: 0, runTask: () => answer });
        assert.ok(err instanceof MigrateError, String(err));
        assert.equal(
          err.message,
          `staging: RunTask of erp-berhan-migrate-staging started no task: ${reasons}`,
        );
        assert.deepEqual(operations, ["RunTask"]);
      });
  });

  describe("the wait", () => {
    it("reads the task every pollSeconds, waiting that long between two reads, until it is STOPPED", async () => {
      const started = Date.now();
      const { result, operations } = await migrateWith(
        { exitCode: 0, runningReads: 2 },
        { pollSeconds: 0.1 },
      );
      const elapsed = Date.now() - started;
      assert.deepEqual(operations, [
        "RunTask",
        "DescribeTasks",
        "DescribeTasks",
        "DescribeTasks",
        "GetLogEvents",
        "GetLogEvents",
      ]);
      // Two waits of 100 ms between the three reads (a timer never fires early).
      assert.ok(elapsed >= 195, `${elapsed} ms`);
      assert.deepEqual([result.ok, result.exitCode], [true, 0]);
    });

    it("reads the task until its timeout, then stops it with a reason and fails", async () => {
      const { result, operations, calls } = await migrateWith(
        {},
        { outputs: outputsFile({ apps: { "erp-berhan": { migration: { ...RUN, timeoutSeconds: 0.05 } } } }) },
      );
      // Read at once, then every 10 ms until past the 50 ms deadline: a handful of reads, never one.
      assert.ok(operations.filter((o) => o === "DescribeTasks").length >= 3);
      assert.deepEqual(calls.find((c) => c.target.endsWith(".StopTask"))?.body, {
        cluster: RUN.cluster,
        task: TASK,
        reason: "cicd migrate: timed out after 0.05 s",
      });
      assert.deepEqual(
        [result.ok, result.exitCode, result.stoppedReason],
        [false, undefined, "timed out after 0.05 s"],
      );
    });

    const unlisted: Array<[string, unknown]> = [
      ["no task and a failure", { tasks: [], failures: [{ arn: TASK, reason: "MISSING" }] }],
      ["neither tasks nor failures", {}],
    ];
    for (const [name, answer] of unlisted)
      it(`a task DescribeTasks does not list (${name}) is waited for until the timeout, then stopped`, async () => {
        const { result, operations } = await migrateWith(
          { describeTasks: () => answer },
          {
            outputs: outputsFile({ apps: { "erp-berhan": { migration: { ...RUN, timeoutSeconds: 0.05 } } } }),
          },
        );
        assert.ok(operations.includes("StopTask"));
        assert.deepEqual(
          [result.ok, result.exitCode, result.stoppedReason],
          [false, undefined, "timed out after 0.05 s"],
        );
      });
  });

  describe("the verdict: the migration container's exit code", () => {
    const cases: Array<[string, unknown[] | undefined, number | undefined, boolean]> = [
      [
        "the migration container's, not a sidecar's before it",
        [
          { name: "log-router", exitCode: 1 },
          { name: "erp-berhan", exitCode: 0 },
        ],
        0,
        true,
      ],
      [
        "the migration container's failure, though a sidecar exited 0",
        [
          { name: "log-router", exitCode: 0 },
          { name: "erp-berhan", exitCode: 3 },
        ],
        3,
        false,
      ],
      [
        "the first container's when none has the migration container's name",
        [
          { name: "main", exitCode: 4 },
          { name: "other", exitCode: 0 },
        ],
        4,
        false,
      ],
      ["none when the task has no containers", [], undefined, false],
    ];
    for (const [name, containers, exitCode, ok] of cases)
      it(name, async () => {
        const { result } = await migrateWith({ exitCode: 0, runningReads: 0, containers });
        assert.deepEqual([result.exitCode, result.ok], [exitCode, ok]);
      });

    it("none when DescribeTasks gives the task without containers", async () => {
      const { result } = await migrateWith({
        describeTasks: () => ({
          tasks: [{ taskArn: TASK, lastStatus: "STOPPED", stoppedReason: "CannotPullContainerError" }],
        }),
      });
      assert.deepEqual(
        [result.exitCode, result.ok, result.stoppedReason],
        [undefined, false, "CannotPullContainerError"],
      );
    });
  });

  describe("the log", () => {
    it("reads every page until the forward token repeats; a line without a message is an empty line", async () => {
      const pages: Record<string, unknown> = {
        "": { events: [{ message: "one" }, {}], nextForwardToken: "f/1" },
        "f/1": { events: [{ message: "two" }], nextForwardToken: "f/2" },
        "f/2": { nextForwardToken: "f/2" },
      };
      const { result, calls } = await migrateWith({
        exitCode: 0,
        logEvents: (body) => pages[String(body.nextToken ?? "")],
      });
      assert.deepEqual(result.logLines, ["one", "", "two"]);
      const reads = calls.filter((c) => c.target.endsWith(".GetLogEvents")).map((c) => c.body.nextToken);
      assert.deepEqual(reads, [undefined, "f/1", "f/2"]);
    });

    it("stops at a page without a forward token", async () => {
      const { result, operations } = await migrateWith({
        exitCode: 0,
        logEvents: () => ({ events: [{ message: "only" }] }),
      });
      assert.deepEqual(result.logLines, ["only"]);
      assert.equal(operations.filter((o) => o === "GetLogEvents").length, 1);
    });

    it("reads at most 100 pages of a stream whose token never repeats", async () => {
      let page = 0;
      const { result } = await migrateWith({
        exitCode: 0,
        logEvents: () => ({ events: [{ message: `line ${++page}` }], nextForwardToken: `f/${page}` }),
      });
      assert.equal(result.logLines.length, 100);
      assert.equal(result.logLines[99], "line 100");
    });

    it("a missing stream is a line saying the container never started, and the verdict stands", async () => {
      const { result } = await migrateWith({
        exitCode: 1,
        logEvents: () => {
          throw new AwsFault("ResourceNotFoundException", "The specified log stream does not exist.");
        },
      });
      assert.deepEqual(result.logLines, [`(no log stream ${STREAM}: the container never started)`]);
      assert.deepEqual([result.ok, result.exitCode], [false, 1]);
    });

    it("any other error of the read is thrown, and runMigrate lets it through rather than exit with a verdict", async () => {
      const script: MigrationScript = {
        exitCode: 0,
        logEvents: () => {
          throw new AwsFault("AccessDeniedException", "not authorized to perform: logs:GetLogEvents");
        },
      };
      const { err } = await refusal(script);
      assert.equal(err.name, "AccessDeniedException");
      await assert.rejects(printed(script), { name: "AccessDeniedException" });
    });
  });

  describe("what runMigrate prints", () => {
    it("the log lines on stdout, and the success on stderr", async () => {
      const r = await printed({ exitCode: 0 });
      assert.equal(r.code, 0);
      assert.equal(
        r.stdout,
        "INFO  [alembic.runtime.migration] Running upgrade 0041 -> 0042, add tenant_id\ndone\n",
      );
      assert.equal(r.stderr, `migrated erp-berhan (${TASK}): exit 0\n`);
    });

    it("a failure without an exit code or a stop reason says so, and exits 1", async () => {
      const r = await printed({
        describeTasks: () => ({ tasks: [{ taskArn: TASK, lastStatus: "STOPPED", containers: [] }] }),
        logEvents: () => ({ events: [] }),
      });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.equal(
        r.stderr,
        `MIGRATION FAILED for erp-berhan (${TASK}): exit none; the services were not changed\n`,
      );
    });

    it("the skip of a rollback's target, and exits 0 without a call", async () => {
      const dir = tempProject();
      const to = planRollback({ app: "erp-berhan", dir, stack: "production" }).to;
      await withLocalAws({ exitCode: 0 }, { stack: "production", dir }, async (opts, local) => {
        const r = await captured(() => runMigrate(opts));
        assert.deepEqual(await migrate(opts), {
          app: "erp-berhan",
          taskArn: "",
          ok: true,
          logLines: [],
          skipped: `erp-berhan runs ${to}, a rollback's target (migrations.skipForDigest): its older migration is not run`,
        });
        assert.equal(r.code, 0);
        assert.equal(
          r.stderr,
          `skipped: erp-berhan runs ${to}, a rollback's target (migrations.skipForDigest): its older migration is not run\n`,
        );
        assert.deepEqual(local.operations(), []);
      });
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
      const r = await printed({ exitCode: 0 }, { stack: "production", dir });
      assert.equal(r.code, 0);
      assert.match(r.stderr, /^migrated erp-berhan /);
    });
  });
});
