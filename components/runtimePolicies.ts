/**
 * The IAM policies of the roles a stack creates for its apps (CC-ENV-07; constitution: CONST "Environments"):
 * the environment's permissions boundary, the most any of them may do, and the policies of the execution role and
 * of the role ECS assumes to shift traffic, each on the app's own resources only. AWS's managed
 * `AmazonECSTaskExecutionRolePolicy` and `AmazonECSInfrastructureRolePolicyForLoadBalancers` grant their writes on
 * every log group and load balancer of the account; these grant the same actions on one app's resources.
 *
 * Sources: AWS Managed Policy reference (the two policies above); ECS developer guide, "Amazon ECS task execution
 * IAM role" and "Amazon ECS infrastructure IAM role for load balancers"; IAM user guide, "Permissions boundaries".
 */
import type * as aws from "./aws";
import { ENVIRONMENT_TAG } from "../policy-pack/lib/facts";
import { PROJECT_NAME, shortEnv } from "./naming";
import { policyJson } from "./util";

/** What running a flag deployment takes (an app's deploy role; the environment's boundary allows it). */
export const FLAG_DEPLOYMENT_ACTIONS = [
  "appconfig:CreateHostedConfigurationVersion",
  "appconfig:StartDeployment",
  "appconfig:StopDeployment",
  "appconfig:GetDeployment",
  "appconfig:ListDeployments",
];

/** What `cicd flags off` reads of a hosted version: hosted versions carry no tags, so they go by ARN. */
export const FLAG_VERSION_READS = ["appconfig:GetHostedConfigurationVersion"];

/**
 * What `cicd flags off` does to the composite alarm AppConfig monitors, while it deploys a flag off: with its actions
 * disabled, AppConfig does not roll back (AppConfig user guide, "Monitoring deployments for automatic rollback").
 */
export const FLAG_ALARM_ACTIONS = ["cloudwatch:DisableAlarmActions", "cloudwatch:EnableAlarmActions"];

/** Image pulls from ECR: AmazonECSTaskExecutionRolePolicy's ECR actions, all reads. */
const ECR_PULL_ACTIONS = [
  "ecr:GetAuthorizationToken",
  "ecr:BatchCheckLayerAvailability",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchGetImage",
];

/** What ECS reads of the load balancers it shifts traffic on (AmazonECSInfrastructureRolePolicyForLoadBalancers). */
const ELB_READ_ACTIONS = [
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:DescribeRules",
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeTargetHealth",
];

/** The awslogs driver's writes (AmazonECSTaskExecutionRolePolicy's logs actions). */
const LOG_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"];

/**
 * The execution role's policy: image pulls, and log streams of the app's own log group only.
 *
 * @param logGroupArn the app's log group ARN (`arn:aws:logs:REGION:ACCOUNT:log-group:/ecs/APP-ENV`).
 */
export function executionPolicy(logGroupArn: string): string {
  return policyJson({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ImagePulls", Effect: "Allow", Action: ECR_PULL_ACTIONS, Resource: "*" },
      { Sid: "OwnLogStreams", Effect: "Allow", Action: LOG_WRITE_ACTIONS, Resource: `${logGroupArn}:*` },
    ],
  });
}

/** The ARNs ECS shifts traffic between, for one app (canary and linear deployments). */
export interface TrafficShiftScope {
  /** The service's target group and its alternate. */
  targetGroups: string[];
  /** The HTTPS listener and the production listener rule whose weights ECS rewrites. */
  listener: string;
  listenerRule: string;
}

/**
 * The policy of the role ECS assumes to shift traffic: the actions of AWS's
 * `AmazonECSInfrastructureRolePolicyForLoadBalancers` (default version v6, 2026-02-12: four ELB reads, target
 * registration, `ModifyListener`, `ModifyRule`), writes on this app's groups, listener and rule only.
 */
export function trafficShiftPolicy(s: TrafficShiftScope): string {
  return policyJson({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadLoadBalancers",
        Effect: "Allow",
        Action: ELB_READ_ACTIONS,
        Resource: "*",
      },
      {
        Sid: "OwnTargetGroups",
        Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: s.targetGroups,
      },
      {
        Sid: "OwnListener",
        Effect: "Allow",
        Action: "elasticloadbalancing:ModifyListener",
        Resource: s.listener,
      },
      {
        Sid: "OwnRule",
        Effect: "Allow",
        Action: "elasticloadbalancing:ModifyRule",
        Resource: s.listenerRule,
      },
    ],
  });
}

/** The name of an environment's permissions boundary: every role a stack creates carries it. */
export function permissionsBoundaryName(environment: string): string {
  return `${PROJECT_NAME}-${environment}-boundary`;
}

/** The ARN of an environment's permissions boundary (the roles carry it; the deploy roles require it). */
export function permissionsBoundaryArn(accountId: string, environment: string): string {
  return `arn:aws:iam::${accountId}:policy/${permissionsBoundaryName(environment)}`;
}

/** The ARN of a resource of one service in the environment's region and account: `arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE`. */
type ArnOf = (service: string, resource: string) => string;

/**
 * What an environment's apps do while they run: their execution roles pull images, write this environment's log
 * streams and read its secrets; the reads of flags (task roles), alarms (AppConfig's alarm roles) and task
 * definitions (deploy roles) go on every resource.
 */
function runningAppStatements(arn: ArnOf, env: string): aws.iam.PolicyStatement[] {
  return [
    {
      // Image pulls from ECR (AmazonECSTaskExecutionRolePolicy's reads; GetAuthorizationToken takes only "*").
      Sid: "ImagePulls",
      Effect: "Allow",
      Action: ECR_PULL_ACTIONS,
      Resource: "*",
    },
    {
      // Log streams of this environment's log groups only (`/ecs/APP-ENV`), never another environment's.
      Sid: "LogsOfThisEnvironment",
      Effect: "Allow",
      Action: LOG_WRITE_ACTIONS,
      Resource: arn("logs", `log-group:/ecs/*-${env}:*`),
    },
    {
      Sid: "SecretsOfThisEnvironment",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: arn("secretsmanager", `secret:*/${env}/*`),
    },
    {
      Sid: "ReadFlagsAndAlarms",
      Effect: "Allow",
      Action: [
        "appconfig:StartConfigurationSession",
        "appconfig:GetLatestConfiguration",
        "cloudwatch:DescribeAlarms",
        "ecs:DescribeTaskDefinition",
      ],
      Resource: "*",
    },
  ];
}

/**
 * What an app's deploy role does in this environment: update its services, and run flag deployments of the
 * applications tagged with this environment with any deployment strategy, plus what `cicd flags off` needs.
 */
function appDeployStatements(arn: ArnOf, env: string): aws.iam.PolicyStatement[] {
  return [
    {
      Sid: "AppDeploysOfThisEnvironment",
      Effect: "Allow",
      Action: ["ecs:DescribeServices", "ecs:UpdateService"],
      Resource: arn("ecs", `service/*-${env}/*-${env}`),
    },
    {
      Sid: "FlagDeployments",
      Effect: "Allow",
      Action: FLAG_DEPLOYMENT_ACTIONS,
      Resource: arn("appconfig", "application/*"),
      Condition: { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: env } },
    },
    {
      Sid: "DeploymentStrategies",
      Effect: "Allow",
      Action: "appconfig:StartDeployment",
      Resource: arn("appconfig", "deploymentstrategy/*"),
    },
    ...flagOperationStatements(arn, env),
  ];
}

/** What `cicd flags off` does within the boundary: read hosted versions, mute the flags rollback alarm's actions. */
function flagOperationStatements(arn: ArnOf, env: string): aws.iam.PolicyStatement[] {
  return [
    {
      // Hosted versions carry no tags; the deploy role's own policy names its application.
      Sid: "FlagVersions",
      Effect: "Allow",
      Action: FLAG_VERSION_READS,
      Resource: [arn("appconfig", "application/*"), arn("appconfig", "application/*/configurationprofile/*")],
    },
    {
      Sid: "FlagRollbackAlarmsOfThisEnvironment",
      Effect: "Allow",
      Action: FLAG_ALARM_ACTIONS,
      Resource: arn("cloudwatch", `alarm:*-${env}-flags-rollback`),
    },
  ];
}

/**
 * What goes to ECS in this environment: this environment's roles passed to ECS tasks only, and ECS's traffic
 * shifting of canary and linear deployments on this environment's load balancers only.
 */
function ecsStatements(arn: ArnOf, accountId: string, env: string): aws.iam.PolicyStatement[] {
  return [
    {
      Sid: "PassRolesOfThisEnvironmentToEcs",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: `arn:aws:iam::${accountId}:role/*-${shortEnv(env)}-*`,
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
    {
      // AmazonECSInfrastructureRolePolicyForLoadBalancers: ECS's traffic shifting of canary and linear
      // deployments, on this environment's load balancers only.
      Sid: "EcsShiftsTrafficOfThisEnvironment",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyRule",
      ],
      Resource: [
        // The service's target group and its alternate (`-tg-alt`), as the deploy role names them.
        arn("elasticloadbalancing", `targetgroup/*-${shortEnv(env)}-tg*/*`),
        arn("elasticloadbalancing", `listener/app/*-${shortEnv(env)}-alb/*`),
        arn("elasticloadbalancing", `listener-rule/app/*-${shortEnv(env)}-alb/*`),
      ],
    },
    {
      Sid: "EcsReadsLoadBalancers",
      Effect: "Allow",
      Action: ELB_READ_ACTIONS,
      Resource: "*",
    },
  ];
}

/**
 * The permissions boundary of an environment's roles: the most any role a stack creates may ever do (its task,
 * execution, AppConfig alarm and app deploy roles), scoped to the environment. The deploy role may create and
 * change roles only with this boundary attached (`iam:PermissionsBoundary`), so a role it writes cannot exceed it.
 */
export function permissionsBoundaryPolicy(s: {
  region: string;
  accountId: string;
  environment: string;
}): string {
  const env = s.environment;
  const arn: ArnOf = (service, resource) => `arn:aws:${service}:${s.region}:${s.accountId}:${resource}`;
  return policyJson({
    Version: "2012-10-17",
    Statement: [
      ...runningAppStatements(arn, env),
      ...appDeployStatements(arn, env),
      ...ecsStatements(arn, s.accountId, env),
    ],
  });
}
