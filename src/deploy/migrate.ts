/**
 * `cicd migrate --stack S --app APP --outputs FILE`: runs the app's migration task once (CONST "Migrations"; F6
 * "Migration Safety Net") and fails the deploy job when it fails, before the service changes. main.yml deploys in two
 * phases for that: `pulumi up --exclude <the ECS services> --exclude-dependents` registers the image, the new task
 * definitions and the migration task without touching a service; `cicd migrate` runs the migration on the new image;
 * then the whole `pulumi up` rolls the services. A failed migration stops the job between the two, so no service ever
 * runs the new release on an unmigrated schema.
 *
 * The task runs as ECS RunTask of the migration family's latest ACTIVE revision (what phase one registered), on the
 * service's cluster, private subnets and security group (`apps.<app>.migration` in the stack's outputs); then
 * DescribeTasks until it is STOPPED (every `pollSeconds`, at most its `timeoutSeconds`, after which it is stopped
 * with StopTask); the container's exit code is the verdict; its log lines (CloudWatch Logs GetLogEvents, stream
 * `migrate/<container>/<task id>`) are printed. The command is idempotent by contract, so running it twice is safe.
 *
 * AWS calls use the SDK v3 clients (credentials and endpoints from the standard chain, `AWS_ENDPOINT_URL_ECS` and
 * `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS` included).
 */
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand, Task } from "@aws-sdk/client-ecs";
import type { MigrationRun } from "../../components/MigrationTask";
import { readStackOutputs } from "../audit/readState";
import { ConfigError } from "../config/model";
import { stackApp } from "./targets";

/** Options of {@link migrate}. */
export interface MigrateOptions {
  stack: string;
  app: string;
  /** `pulumi stack output --json --stack S` after phase one: `apps.<app>.migration`. */
  outputs: string;
  /** Project directory (stack files). Default `.`. */
  dir?: string;
  /** Seconds between two DescribeTasks. Default 5. */
  pollSeconds?: number;
  ecs?: ECSClient;
  logs?: CloudWatchLogsClient;
}

/** How a migration run ended. */
export interface MigrationResult {
  app: string;
  taskArn: string;
  /** The container's exit code; undefined when it never ran (the task stopped before, or timed out). */
  exitCode?: number;
  /** Why ECS stopped the task (`Essential container in task exited`, a pull failure, the timeout). */
  stoppedReason?: string;
  ok: boolean;
  logLines: string[];
  /** Why no task ran: the app runs a rollback's target (`migrations.skipForDigest`). */
  skipped?: string;
}

/** A migration that could not start: the message names what is missing and where. */
export class MigrateError extends Error {}

/**
 * The app's migration run inputs from the stack's outputs, or why it runs none (a rollback's target).
 *
 * @throws ConfigError or MigrateError
 */
function runInputsOf(opts: MigrateOptions): MigrationRun | { skipped: string } {
  const { app, index } = stackApp(opts.dir ?? ".", opts.stack, opts.app);
  if (!app.migrations)
    throw new ConfigError(opts.stack, [
      {
        key: `cicd-constitution:apps[${index}].migrations`,
        expected: "the app's migration command (migrations.command) to run",
        found: "(unset)",
      },
    ]);
  const skip = app.migrations.skipForDigest;
  if (skip && app.image.digest === skip)
    return {
      skipped: `${opts.app} runs ${skip}, a rollback's target (migrations.skipForDigest): its older migration is not run`,
    };
  const run = (
    readStackOutputs(opts.outputs).apps as Record<string, { migration?: MigrationRun }> | undefined
  )?.[opts.app]?.migration;
  if (!run?.cluster || !run.family || !run.subnets?.length)
    throw new MigrateError(
      `${opts.stack}: --outputs has no apps.${opts.app}.migration (cluster, family, subnets): run phase one (pulumi up --exclude the services) first, then pulumi stack output --json`,
    );
  return run;
}

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

/** Polls DescribeTasks until the task is STOPPED or `timeoutSeconds` pass (then stops it and reads it once more). */
async function waitStopped(
  ecs: ECSClient,
  run: MigrationRun,
  taskArn: string,
  pollSeconds: number,
): Promise<Task> {
  const deadline = Date.now() + run.timeoutSeconds * 1000;
  for (;;) {
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: run.cluster, tasks: [taskArn] }));
    const task = tasks?.[0];
    if (task?.lastStatus === "STOPPED") return task;
    if (Date.now() >= deadline) {
      await ecs.send(
        new StopTaskCommand({
          cluster: run.cluster,
          task: taskArn,
          reason: `cicd migrate: timed out after ${run.timeoutSeconds} s`,
        }),
      );
      return { ...task, lastStatus: "STOPPED", stoppedReason: `timed out after ${run.timeoutSeconds} s` };
    }
    await sleep(pollSeconds);
  }
}

/** Every line of the task's log stream, oldest first (GetLogEvents pages until the token repeats). */
async function logLinesOf(logs: CloudWatchLogsClient, run: MigrationRun, taskArn: string): Promise<string[]> {
  const stream = `${run.streamPrefix}/${run.container}/${taskArn.split("/").pop()}`;
  const lines: string[] = [];
  let token: string | undefined;
  try {
    for (let page = 0; page < 100; page++) {
      const out = await logs.send(
        new GetLogEventsCommand({
          logGroupName: run.logGroup,
          logStreamName: stream,
          startFromHead: true,
          nextToken: token,
        }),
      );
      lines.push(...(out.events ?? []).map((e) => e.message ?? ""));
      if (!out.nextForwardToken || out.nextForwardToken === token) break;
      token = out.nextForwardToken;
    }
  } catch (err) {
    // A task that never started writes no stream: say so rather than fail on the read.
    if ((err as { name?: string }).name !== "ResourceNotFoundException") throw err;
    lines.push(`(no log stream ${stream}: the container never started)`);
  }
  return lines;
}

/**
 * Runs the migration task once and waits for its verdict.
 *
 * @throws ConfigError (unknown app, no migrations) or MigrateError (no run inputs in the outputs, RunTask refused)
 */
export async function migrate(opts: MigrateOptions): Promise<MigrationResult> {
  const run = runInputsOf(opts);
  if ("skipped" in run) return { app: opts.app, taskArn: "", ok: true, logLines: [], skipped: run.skipped };
  const ecs = opts.ecs ?? new ECSClient({});
  const logs = opts.logs ?? new CloudWatchLogsClient({});
  const started = await ecs.send(
    new RunTaskCommand({
      cluster: run.cluster,
      taskDefinition: run.family,
      launchType: "FARGATE",
      count: 1,
      startedBy: "cicd-migrate",
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: run.subnets,
          securityGroups: run.securityGroups,
          assignPublicIp: "DISABLED",
        },
      },
    }),
  );
  const taskArn = started.tasks?.[0]?.taskArn;
  if (!taskArn)
    throw new MigrateError(
      `${opts.stack}: RunTask of ${run.family} started no task: ${(started.failures ?? []).map((f) => `${f.arn ?? ""} ${f.reason ?? ""}`.trim()).join("; ") || "no reason given"}`,
    );
  const task = await waitStopped(ecs, run, taskArn, opts.pollSeconds ?? 5);
  const container = task.containers?.find((c) => c.name === run.container) ?? task.containers?.[0];
  const exitCode = container?.exitCode;
  return {
    app: opts.app,
    taskArn,
    exitCode,
    stoppedReason: task.stoppedReason,
    ok: exitCode === 0,
    logLines: await logLinesOf(logs, run, taskArn),
  };
}

/** Runs `cicd migrate`: exit 0 when the migration exited 0, 1 when it failed, 2 when it could not start. */
export async function runMigrate(opts: MigrateOptions): Promise<number> {
  try {
    const r = await migrate(opts);
    for (const line of r.logLines) console.log(line);
    console.error(
      r.skipped
        ? `skipped: ${r.skipped}`
        : r.ok
          ? `migrated ${r.app} (${r.taskArn}): exit 0`
          : `MIGRATION FAILED for ${r.app} (${r.taskArn}): exit ${r.exitCode ?? "none"}${r.stoppedReason ? `, ${r.stoppedReason}` : ""}; the services were not changed`,
    );
    return r.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof MigrateError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
}
