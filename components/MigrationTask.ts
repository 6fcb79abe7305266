/**
 * An app's migration task (CONST "Migrations": expand -> migrate -> contract; F6 "Migration Safety Net"): an ECS
 * task definition of its own family that runs the app's migration command once, on the same image digest as the
 * service, with the same variables, secrets, roles, volumes and log group (its own stream prefix), no port and no
 * health check. Nothing runs it by itself: `cicd migrate` starts it (ECS RunTask) between the image and the service
 * in a deploy, on the service's cluster and network.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import { MIGRATION_STREAM_PREFIX, TASK_RUNTIME_PLATFORM } from "./runtimeTask";

/** Arguments of {@link MigrationTask}. */
export interface MigrationTaskArgs {
  /**
   * Task definition family, `<app>-migrate-<environment>` ({@link migrationFamily}): its own, so a migration
   * revision never becomes the service's.
   */
  family: string;
  /** Task CPU units and memory in MiB: the service's (a migration loads the same application code). */
  cpu: number;
  memoryMiB: number;
  /** The service's execution role (pulls the image, reads the secrets) and task role. */
  executionRoleArn: pulumi.Input<string>;
  taskRoleArn: pulumi.Input<string>;
  /**
   * The container definitions as ECS JSON: the service's container with the migration command
   * (runtimeTask.ts `containerDefinitions`, purpose `migration`).
   */
  containerDefinitions: pulumi.Input<string>;
  /** Where the task runs and logs: the service's cluster, private subnets, security group and log group. */
  run: {
    cluster: pulumi.Input<string>;
    subnets: pulumi.Input<string>[];
    securityGroups: pulumi.Input<string>[];
    container: string;
    logGroup: pulumi.Input<string>;
    timeoutSeconds: number;
  };
  /** Scratch volume names, as the service's task declares them (the container mounts them). */
  volumeNames: string[];
  /**
   * The release's migration contract (F6 "Migration Safety Net"), tagged `migration-contract` on the task
   * definition (CC-RUN-15): `safe_online`, `requires_maintenance_window` or `destructive`.
   */
  contract: "safe_online" | "requires_maintenance_window" | "destructive";
  tags: Record<string, string>;
}

/**
 * What `cicd migrate` needs to start the task (ECS RunTask) and read its logs, exported with the stack's outputs
 * (`apps.<app>.migration`).
 */
export interface MigrationRun {
  cluster: string;
  /** The family: RunTask starts its latest ACTIVE revision. */
  family: string;
  subnets: string[];
  securityGroups: string[];
  /** The container whose exit code is the migration's result. */
  container: string;
  logGroup: string;
  /** Streams are `<streamPrefix>/<container>/<task id>` (awslogs). */
  streamPrefix: string;
  /** Seconds to wait for the task to stop. */
  timeoutSeconds: number;
}

/** The family of an app's migration task in an environment (ends with the environment, as every ECS family). */
export function migrationFamily(app: string, environment: string): string {
  return `${app}-migrate-${environment}`;
}

/** The migration task definition of one app in one environment. */
export class MigrationTask extends pulumi.ComponentResource {
  readonly taskDefinition: aws.ecs.TaskDefinition;
  /** The family `cicd migrate` runs the latest ACTIVE revision of. */
  readonly family: string;
  /** The log stream prefix of its container: streams are `migrate/<container>/<task id>`. */
  readonly streamPrefix = MIGRATION_STREAM_PREFIX;
  /** What `cicd migrate` reads to run it. */
  readonly runInputs: pulumi.Output<MigrationRun>;

  constructor(name: string, args: MigrationTaskArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("cicd-constitution:runtime:MigrationTask", name, {}, opts);
    this.family = args.family;
    this.taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        family: args.family,
        cpu: String(args.cpu),
        memory: String(args.memoryMiB),
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        runtimePlatform: TASK_RUNTIME_PLATFORM,
        executionRoleArn: args.executionRoleArn,
        taskRoleArn: args.taskRoleArn,
        volumes: args.volumeNames.map((v) => ({ name: v })),
        containerDefinitions: args.containerDefinitions,
        tags: { ...args.tags, purpose: "migration", "migration-contract": args.contract },
        // As the service's: an earlier revision stays registered, so a rollback's migration can still run.
        skipDestroy: true,
      },
      { parent: this },
    );
    this.runInputs = pulumi
      .all([
        args.run.cluster,
        pulumi.all(args.run.subnets),
        pulumi.all(args.run.securityGroups),
        args.run.logGroup,
      ])
      .apply(([cluster, subnets, securityGroups, logGroup]) => ({
        cluster,
        family: args.family,
        subnets,
        securityGroups,
        container: args.run.container,
        logGroup,
        streamPrefix: MIGRATION_STREAM_PREFIX,
        timeoutSeconds: args.run.timeoutSeconds,
      }));
    this.registerOutputs({
      taskDefinitionArn: this.taskDefinition.arn,
      family: this.family,
      run: this.runInputs,
    });
  }
}
