/**
 * The migration run of erp-berhan's staging stack (`apps.erp-berhan.migration` in the stack's outputs) and a local
 * endpoint speaking the AWS JSON 1.1 protocol of ECS (RunTask, DescribeTasks, StopTask) and CloudWatch Logs
 * (GetLogEvents), with real SDK v3 clients pointed at it: what `cicd migrate` (src/deploy/migrate.ts) talks to.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { ECSClient } from "@aws-sdk/client-ecs";
import type { MigrationRun } from "../../components/MigrationTask";
import { tempDir } from "../temp";
import { awsJsonServer, AwsCall } from "./servers";

/** The task RunTask starts. */
export const MIGRATION_TASK =
  "arn:aws:ecs:eu-west-1:123456789012:task/erp-berhan-staging/0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/** erp-berhan's migration run inputs, as phase one's stack outputs give them. */
export const MIGRATION_RUN: MigrationRun = {
  cluster: "erp-berhan-staging",
  family: "erp-berhan-migrate-staging",
  subnets: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
  securityGroups: ["sg-0123456789abcdef0"],
  container: "erp-berhan",
  logGroup: "/ecs/erp-berhan-staging",
  streamPrefix: "migrate",
  timeoutSeconds: 900,
};

/** Writes `outputs` (what `pulumi stack output --json` prints) to a temporary file; its path. */
export function outputsFile(
  outputs: unknown = { apps: { "erp-berhan": { migration: MIGRATION_RUN } } },
): string {
  const file = path.join(tempDir("migrate"), "outputs.json");
  fs.writeFileSync(file, JSON.stringify(outputs));
  return file;
}

/** How the local ECS and CloudWatch Logs answer. */
export interface MigrationScript {
  /** The container's exit code once the task is STOPPED; undefined: the task runs until StopTask. */
  exitCode?: number;
  /** DescribeTasks reads answered RUNNING before STOPPED. Default 1. */
  runningReads?: number;
  /** RunTask's answer. Default: one PROVISIONING task, {@link MIGRATION_TASK}. */
  runTask?: () => unknown;
  /** DescribeTasks' answer, instead of the task's status as above. */
  describeTasks?: () => unknown;
  /** The task's containers. Default: erp-berhan, with `exitCode` once STOPPED. */
  containers?: unknown[];
  /** GetLogEvents' answer to a request. Default: two lines, then the same forward token (the stream's end). */
  logEvents?: (body: Record<string, unknown>) => unknown;
}

/** The default log stream: the migration's two lines, the last one saying how it ended. */
function defaultLogEvents(exitCode: number | undefined) {
  return (body: Record<string, unknown>) =>
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
        };
}

/** Starts the endpoint; the SDK clients signed with local credentials, and what the endpoint received. */
export async function migrationAws(script: MigrationScript = {}): Promise<{
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  calls: AwsCall[];
  /** The operations called, in order (`RunTask`, `DescribeTasks`, ...). */
  operations(): string[];
  close(): Promise<void>;
}> {
  const { exitCode, runningReads = 1 } = script;
  let reads = 0;
  let stopped = false;
  const server = await awsJsonServer("1.1", {
    RunTask:
      script.runTask ??
      (() => ({ tasks: [{ taskArn: MIGRATION_TASK, lastStatus: "PROVISIONING" }], failures: [] })),
    DescribeTasks: () => {
      if (script.describeTasks) return script.describeTasks();
      reads++;
      const done = stopped || (exitCode !== undefined && reads > runningReads);
      const reason = stopped ? "cicd migrate: timed out" : "Essential container in task exited";
      return {
        tasks: [
          {
            taskArn: MIGRATION_TASK,
            lastStatus: done ? "STOPPED" : "RUNNING",
            stoppedReason: done ? reason : undefined,
            containers: script.containers ?? [
              { name: "erp-berhan", exitCode: done && !stopped ? exitCode : undefined },
            ],
          },
        ],
        failures: [],
      };
    },
    StopTask: () => {
      stopped = true;
      return { task: { taskArn: MIGRATION_TASK, lastStatus: "STOPPING" } };
    },
    GetLogEvents: script.logEvents ?? defaultLogEvents(exitCode),
  });
  const config = {
    region: "eu-west-1",
    endpoint: server.url,
    credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-secret" },
  };
  return {
    ecs: new ECSClient(config),
    logs: new CloudWatchLogsClient(config),
    calls: server.calls,
    operations: () => server.calls.map((c) => c.target.split(".").pop() ?? ""),
    close: server.close,
  };
}
