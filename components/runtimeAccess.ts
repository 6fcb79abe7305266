/**
 * What a `ServiceRuntime`'s task is and may read: the execution role (image pulls, logs, secrets) and the
 * task role (the app's own AWS calls), the app's secrets and the private registry's pull credential in Secrets
 * Manager, and the inline policies that let each role read exactly its own.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import { executionPolicy } from "./runtimePolicies";
import type { RuntimeScope } from "./ServiceRuntime";
import { assumeRoleBy, policyJson } from "./util";

const TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com";

/** A secret of the container: the variable it sets and the ARN ECS reads its value from. */
export interface ContainerSecret {
  name: string;
  valueFrom: pulumi.Output<string>;
}

/** What {@link taskAccess} hands on: what the task definition names, and what the service starts after. */
export interface TaskAccess {
  executionRole: aws.iam.Role;
  taskRole: aws.iam.Role;
  secrets: ContainerSecret[];
  /** ARN of the private registry's pull credential; undefined for a public image. */
  registrySecretArn?: pulumi.Output<string>;
  /**
   * The roles' policies (pulls, logs, secrets, flags) and the secrets' values: a task started before them fails
   * its first pull or reads a secret without a value.
   */
  startAfter: pulumi.Resource[];
}

/** A Secrets Manager secret and the version holding its value. */
interface StoredSecret {
  arn: pulumi.Output<string>;
  version: aws.secretsmanager.SecretVersion;
}

/**
 * The execution role (pulls, logs, secrets) and the task role (the app's own AWS calls), the secrets, and the
 * policies letting the execution role read this task's secrets and the task role its feature flags.
 */
export function taskAccess(scope: RuntimeScope, logGroup: aws.cloudwatch.LogGroup): TaskAccess {
  const { name, names } = scope;
  const executionRole = serviceRole(
    scope,
    `${name}-execution-role`,
    names.executionRole.name,
    TASKS_PRINCIPAL,
  );
  // Image pulls and this app's own log streams (AWS's AmazonECSTaskExecutionRolePolicy allows every log group).
  const logsAndPulls = rolePolicy(
    scope,
    `${name}-execution-policy`,
    executionRole,
    logGroup.arn.apply(executionPolicy),
  );
  const taskRole = serviceRole(scope, `${name}-task-role`, names.taskRole.name, TASKS_PRINCIPAL);
  const secrets = appSecrets(scope);
  const registry = registryCredentials(scope);
  const stored = [...secrets, ...(registry ? [registry] : [])];
  return {
    executionRole,
    taskRole,
    secrets: secrets.map((s) => ({ name: s.name, valueFrom: s.arn })),
    registrySecretArn: registry?.arn,
    startAfter: [
      logsAndPulls,
      ...stored.map((s) => s.version),
      ...allowExecutionRoleToRead(
        scope,
        executionRole,
        stored.map((s) => s.arn),
      ),
      ...allowTaskRoleToReadFlags(scope, taskRole),
    ],
  };
}

/**
 * An IAM role an AWS service principal assumes, under the environment's permissions boundary, protected when the
 * component is (`deletionProtection`): the execution, task and traffic-shifting roles.
 */
export function serviceRole(
  scope: RuntimeScope,
  logicalName: string,
  roleName: string,
  principal: string,
): aws.iam.Role {
  const a = scope.settings;
  return new aws.iam.Role(
    logicalName,
    {
      name: roleName,
      assumeRolePolicy: assumeRoleBy(principal),
      permissionsBoundary: a.permissionsBoundary,
      tags: a.tags,
    },
    { parent: scope.parent, protect: a.deletionProtection },
  );
}

/** An inline policy of `role`. */
export function rolePolicy(
  scope: RuntimeScope,
  logicalName: string,
  role: aws.iam.Role,
  policy: pulumi.Input<string>,
): aws.iam.RolePolicy {
  return new aws.iam.RolePolicy(logicalName, { role: role.name, policy }, { parent: scope.parent });
}

/** A policy allowing `actions` on `resource` only. */
function allowOnly(actions: string[], resource: string | string[]): string {
  return policyJson({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: actions, Resource: resource }],
  });
}

/**
 * A Secrets Manager secret with its value; protected and retained in production. Production keeps a deleted
 * secret 30 days (the longest recovery window); staging deletes without recovery (`recoveryWindowInDays: 0`),
 * because a secret scheduled for deletion keeps its name and a destroy-and-recreate of the stack would fail on
 * `CreateSecret` (Secrets Manager `DeleteSecret`, "RecoveryWindowInDays" and "ForceDeleteWithoutRecovery").
 * The version is what the service starts after: a task reading a secret without AWSCURRENT fails to start.
 */
function secretOf(
  scope: RuntimeScope,
  logicalName: string,
  secretName: string,
  description: string,
  value: pulumi.Input<string>,
): StoredSecret {
  const a = scope.settings;
  const secret = new aws.secretsmanager.Secret(
    logicalName,
    {
      name: secretName,
      description,
      recoveryWindowInDays: a.environment === "production" ? 30 : 0,
      tags: a.tags,
    },
    { parent: scope.parent, protect: a.deletionProtection, retainOnDelete: a.deletionProtection },
  );
  const version = new aws.secretsmanager.SecretVersion(
    `${logicalName}-value`,
    { secretId: secret.id, secretString: pulumi.secret(value) },
    { parent: scope.parent },
  );
  return { arn: secret.arn, version };
}

/** The app's secrets in Secrets Manager, each with the variable name the container reads it as. */
function appSecrets(scope: RuntimeScope): Array<StoredSecret & { name: string }> {
  const { name, settings: a } = scope;
  return Object.entries(a.secrets).map(([secretName, value]) => ({
    name: secretName,
    ...secretOf(
      scope,
      `${name}-secret-${secretName.toLowerCase()}`,
      `${a.app}/${a.environment}/${secretName}`,
      `${secretName} of ${a.app} (${a.environment})`,
      value,
    ),
  }));
}

/** The private registry's pull credential, `{"username","password"}` as ECS expects it. */
function registryCredentials(scope: RuntimeScope): StoredSecret | undefined {
  const { name, names, settings: a } = scope;
  if (!a.registryCredentials) return undefined;
  const { username, password } = a.registryCredentials;
  return secretOf(
    scope,
    `${name}-registry-credentials`,
    names.registrySecret.name,
    `Image pull credential of ${a.app} (${a.environment}): ECS repositoryCredentials`,
    pulumi.output(password).apply((p) => JSON.stringify({ username, password: p })),
  );
}

/** The execution role may read exactly the secrets of this task (runtime secrets, pull credential). */
function allowExecutionRoleToRead(
  scope: RuntimeScope,
  executionRole: aws.iam.Role,
  arns: pulumi.Output<string>[],
): aws.iam.RolePolicy[] {
  if (arns.length === 0) return [];
  const policy = pulumi
    .all(arns)
    .apply((resources) => allowOnly(["secretsmanager:GetSecretValue"], resources));
  return [rolePolicy(scope, `${scope.name}-read-secrets`, executionRole, policy)];
}

/** The task role may read exactly its own feature-flag configuration (AppConfigData; CC-FLAG-04). */
function allowTaskRoleToReadFlags(scope: RuntimeScope, taskRole: aws.iam.Role): aws.iam.RolePolicy[] {
  const flags = scope.settings.featureFlags;
  if (!flags) return [];
  const policy = pulumi
    .output(flags)
    .apply((f) =>
      allowOnly(
        ["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"],
        f.configurationArn,
      ),
    );
  return [rolePolicy(scope, `${scope.name}-read-flags`, taskRole, policy)];
}
