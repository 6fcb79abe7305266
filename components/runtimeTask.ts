/**
 * What a `ServiceRuntime`'s tasks run: the log group, and the task definition with its one container (image by
 * digest, variables, secrets by reference, health check, read-only root with scratch volumes, awslogs).
 */
import type { ContainerDefinition, HealthCheck } from "@aws-sdk/client-ecs";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import { TASK_PLATFORM } from "./defaults";
import { APPCONFIG_VARIABLES } from "../policy-pack/lib/facts";
import type { TaskAccess } from "./runtimeAccess";
import type { FeatureFlagsTarget, RuntimeScope, ServiceRuntimeSettings } from "./ServiceRuntime";

/**
 * The default container health command: Python's standard library, since the apps are Python images and slim
 * images ship neither curl nor wget. `urlopen` raises (exit 1) on a refused connection, a timeout or a non-2xx.
 */
export function defaultHealthCommand(port: number, path: string, timeoutSeconds: number): string[] {
  const url = `http://127.0.0.1:${port}${path}`;
  const limit = Math.max(1, timeoutSeconds - 1);
  return [
    "CMD",
    "python3",
    "-c",
    `import urllib.request; urllib.request.urlopen('${url}', timeout=${limit})`,
  ];
}

/** The task volume name of a scratch path (`/tmp` -> `scratch-tmp`; letters, digits, `-`, `_` only). */
export function scratchVolumeName(path: string): string {
  return `scratch${path.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

/** The app's log group, with retention; retained on delete when the component is protected. */
export function logGroupOf(scope: RuntimeScope): aws.cloudwatch.LogGroup {
  const { name, names, settings: a } = scope;
  return new aws.cloudwatch.LogGroup(
    `${name}-logs`,
    { name: names.logGroup.name, retentionInDays: a.logRetentionDays, tags: a.tags },
    { parent: scope.parent, retainOnDelete: a.deletionProtection },
  );
}

/**
 * The platform every task of an app runs on, service and migration alike (ECS `runtimePlatform`): Linux on x86-64,
 * which the image's `linux/amd64` variant serves (the config requires it in `image.platforms`).
 */
export const TASK_RUNTIME_PLATFORM = TASK_PLATFORM.runtime;

/** The task definition: one container, the roles and secrets of `access`, one scratch volume per path. */
export function taskDefinitionOf(
  scope: RuntimeScope,
  logGroup: aws.cloudwatch.LogGroup,
  access: TaskAccess,
): aws.ecs.TaskDefinition {
  const { name, names, settings: a } = scope;
  return new aws.ecs.TaskDefinition(
    `${name}-task`,
    {
      family: names.taskFamily.name,
      cpu: String(a.cpu),
      memory: String(a.memoryMiB),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: TASK_RUNTIME_PLATFORM,
      executionRoleArn: access.executionRole.arn,
      taskRoleArn: access.taskRole.arn,
      // Fargate: a volume without host or EFS configuration is a bind mount on the task's ephemeral storage.
      volumes: a.scratchPaths.map((p) => ({ name: scratchVolumeName(p) })),
      containerDefinitions: containerDefinitions(a, logGroup, access, SERVICE),
      tags: a.tags,
      // A replaced revision stays registered (ACTIVE): a rollback re-points the service to it, and no deploy
      // role needs ecs:DeregisterTaskDefinition, which AWS authorizes only on "*" (every family, every
      // environment; Service Authorization Reference, Amazon ECS).
      skipDestroy: true,
    },
    { parent: scope.parent },
  );
}

/**
 * What a container is for: serving (the service's task: its port and health check, logs under the app's name) or
 * migrating (the migration task: the same image, variables, secrets and volumes, running `command` once, with no
 * port and no health check, logs under `migrate`).
 */
export type ContainerPurpose = { kind: "service" } | { kind: "migration"; command: string[] };

const SERVICE: ContainerPurpose = { kind: "service" };

/** The log stream prefix of the migration task's container (`migrate/<container>/<task id>`). */
export const MIGRATION_STREAM_PREFIX = "migrate";

/** The task's one container as JSON, typed as ECS's own `ContainerDefinition`. */
export function containerDefinitions(
  a: ServiceRuntimeSettings,
  logGroup: aws.cloudwatch.LogGroup,
  { secrets, registrySecretArn }: Pick<TaskAccess, "secrets" | "registrySecretArn">,
  purpose: ContainerPurpose,
): pulumi.Output<string> {
  return pulumi
    .all([
      a.imageRef,
      a.build,
      logGroup.name,
      pulumi.all(secrets.map((s) => s.valueFrom)),
      registrySecretArn ?? pulumi.output(""),
      pulumi.output(a.featureFlags),
    ])
    .apply(([image, build, logGroupName, secretArns, registryArn, flags]) => {
      const container: ContainerDefinition = {
        name: a.app,
        image,
        essential: true,
        readonlyRootFilesystem: true,
        ...(registryArn ? { repositoryCredentials: { credentialsParameter: registryArn } } : {}),
        ...(purpose.kind === "service"
          ? { portMappings: [{ containerPort: a.port, protocol: "tcp" }] }
          : { command: purpose.command }),
        environment: environmentOf(a, build, flags),
        secrets: secrets.map((s, i) => ({ name: s.name, valueFrom: secretArns[i] })),
        mountPoints: a.scratchPaths.map((p) => ({
          sourceVolume: scratchVolumeName(p),
          containerPath: p,
          readOnly: false,
        })),
        ...(purpose.kind === "service" ? { healthCheck: healthCheckOf(a) } : {}),
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": logGroupName,
            "awslogs-region": a.region,
            "awslogs-stream-prefix": purpose.kind === "service" ? a.app : MIGRATION_STREAM_PREFIX,
          },
        },
      };
      return JSON.stringify([container]);
    });
}

/** The container's variables: the app's own, `APP_ENV`, `PORT`, `BUILD_*` and `APPCONFIG_*`, sorted by name. */
function environmentOf(
  a: ServiceRuntimeSettings,
  build: { sha: string; date: string; actor: string },
  flags: FeatureFlagsTarget | undefined,
): Array<{ name: string; value: string }> {
  const vars: Record<string, string> = {
    ...a.environmentVariables,
    APP_ENV: a.environment,
    PORT: String(a.port),
    BUILD_SHA: build.sha,
    BUILD_DATE: build.date,
    BUILD_ACTOR: build.actor,
    ...(flags
      ? {
          [APPCONFIG_VARIABLES.application]: flags.applicationId,
          [APPCONFIG_VARIABLES.environment]: flags.environmentId,
          [APPCONFIG_VARIABLES.profile]: flags.profileId,
        }
      : {}),
  };
  return Object.entries(vars)
    .map(([n, value]) => ({ name: n, value }))
    .sort((x, y) => x.name.localeCompare(y.name));
}

/** The container health check: the configured or default command, with ECS's timing in seconds. */
function healthCheckOf(a: ServiceRuntimeSettings): HealthCheck {
  const t = a.containerHealth;
  return {
    command: a.healthCommand ?? defaultHealthCommand(a.port, a.healthPath, t.timeoutSeconds),
    interval: t.intervalSeconds,
    timeout: t.timeoutSeconds,
    retries: t.retries,
    startPeriod: t.startPeriodSeconds,
  };
}
