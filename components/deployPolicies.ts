/**
 * The IAM policies of the roles GitHub Actions assumes through OIDC besides this repository's deploy roles
 * (components/infrastructurePolicy.ts): an app's deploy role (its repository's GitHub Environment), which acts on
 * that app in that environment only: its ECS service (roll and scale), its AppConfig flag deployments, and
 * `iam:PassRole` of its own task and execution roles to ECS; and the drift role's reads (CC-ENV-07; constitution:
 * CONST "Environments", PLAY 3-4). Each is an `aws.iam.PolicyDocument`, so a misspelt field fails `tsc`.
 *
 * Sources: AWS Service Authorization Reference (ECS, AppConfig, IAM, Secrets Manager).
 */
import type * as aws from "./aws";
import { ENVIRONMENT_TAG } from "../policy-pack/lib/facts";
import { FLAG_ALARM_ACTIONS, FLAG_DEPLOYMENT_ACTIONS, FLAG_VERSION_READS } from "./runtimePolicies";
import { physicalNames } from "./naming";
import { policyJson } from "./util";

export {
  permissionsBoundaryArn,
  permissionsBoundaryName,
  permissionsBoundaryPolicy,
} from "./runtimePolicies";

type Statement = aws.iam.PolicyStatement;

/** What an app's deploy role may act on: ARNs of its own resources. */
export interface AppDeployScope {
  region: string;
  accountId: string;
  /** The environment and the app: its AppConfig resources carry them as their `environment` and `app` tags. */
  environment: string;
  app: string;
  /** ECS cluster, service and task-definition family names. */
  cluster: string;
  service: string;
  taskFamily: string;
  /** The app's task and execution role ARNs (the only roles it may pass, and only to ECS). */
  taskRoleArn: string;
  executionRoleArn: string;
  /** ARN of the app's AppConfig application in this environment. */
  appConfigApplicationArn: string;
}

/**
 * The deploy role policy of one app in one environment: roll its own service (force a new deployment, scale),
 * run flag deployments of its own AppConfig application, read task definitions, pass its own roles to ECS.
 */
export function appDeployPolicy(s: AppDeployScope): string {
  const statements: Statement[] = [
    {
      // Roll and scale only: no network change (ecs:subnet absent, so the service cannot move into another
      // environment's subnets and target groups) and no task definition but the app's own family here.
      Sid: "OwnService",
      Effect: "Allow",
      Action: ["ecs:DescribeServices", "ecs:UpdateService"],
      Resource: `arn:aws:ecs:${s.region}:${s.accountId}:service/${s.cluster}/${s.service}`,
      Condition: {
        Null: { "ecs:subnet": "true" },
        ArnLikeIfExists: {
          "ecs:task-definition": `arn:aws:ecs:${s.region}:${s.accountId}:task-definition/${s.taskFamily}:*`,
        },
      },
    },
    {
      // DescribeTaskDefinition has no resource-level permission; it only reads.
      Sid: "ReadTaskDefinitions",
      Effect: "Allow",
      Action: ["ecs:DescribeTaskDefinition"],
      Resource: "*",
    },
    {
      // The application's own environments, profiles and deployments, each labelled for this app and environment.
      Sid: "OwnFlagDeployments",
      Effect: "Allow",
      Action: FLAG_DEPLOYMENT_ACTIONS,
      Resource: [s.appConfigApplicationArn, `${s.appConfigApplicationArn}/*`],
      Condition: {
        StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: s.environment, "aws:ResourceTag/app": s.app },
      },
    },
    {
      // `cicd flags off` reads the deployed document. A read authorizes on the application, the profile and the
      // hosted version, which carries no tags: the app's own application by ARN, and everything inside it.
      Sid: "OwnFlagVersions",
      Effect: "Allow",
      Action: FLAG_VERSION_READS,
      Resource: [s.appConfigApplicationArn, `${s.appConfigApplicationArn}/configurationprofile/*`],
    },
    {
      // ... and disables the actions of the composite alarm AppConfig monitors while it deploys a flag off.
      Sid: "OwnFlagRollbackAlarm",
      Effect: "Allow",
      Action: FLAG_ALARM_ACTIONS,
      Resource: `arn:aws:cloudwatch:${s.region}:${s.accountId}:alarm:${physicalNames(s.app, s.environment).flagsAlarm.name}`,
    },
    {
      // A deployment names a strategy too: AppConfig's predefined ones belong to no environment.
      Sid: "DeploymentStrategies",
      Effect: "Allow",
      Action: "appconfig:StartDeployment",
      Resource: `arn:aws:appconfig:${s.region}:${s.accountId}:deploymentstrategy/*`,
    },
    {
      Sid: "PassOwnRolesToEcs",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: [s.taskRoleArn, s.executionRoleArn],
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
  ];
  return policyJson({ Version: "2012-10-17", Statement: statements });
}

/**
 * The drift role's inline policy, besides AWS's `ReadOnlyAccess` (components/infrastructurePolicy.ts): the refresh of a secret's value
 * (`aws.secretsmanager.SecretVersion`) reads it, which `ReadOnlyAccess` does not allow. Nothing it grants writes.
 */
export function driftAuditPolicy(s: { region: string; accountId: string }): string {
  return policyJson({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RefreshSecretValuesOfBothEnvironments",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: ["staging", "production"].map(
          (env) => `arn:aws:secretsmanager:${s.region}:${s.accountId}:secret:*/${env}/*`,
        ),
      },
    ],
  });
}
