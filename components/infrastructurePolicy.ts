/**
 * The IAM policy of this repository's deploy role of an environment (CC-ENV-07; constitution: CONST
 * "Environments", PLAY 3-4): the role runs `pulumi up` of that stack. It may create, change and delete exactly the
 * resources that stack names (`components/naming.ts`), identified by name patterns of the environment
 * (`*-staging`, `*-stg-*`, `*\/staging/*`) or, where AWS names resources by generated ids (security groups,
 * AppConfig), by the `environment` tag: written only inside the create call or on resources already so labelled,
 * never for another environment, never removed. Every role a stack creates carries its environment's permissions
 * boundary ({@link permissionsBoundaryArn}), and the deploy role may create or write roles only with it. Only the
 * owning stack's role (production, behind the approval) maintains this repository's deploy roles and the
 * boundaries; staging's is denied them explicitly, so staging cannot widen its own rights. Statement ids say `Own`
 * for this environment's. The policy stays under IAM's inline quota (10,240 characters for a role).
 *
 * Sources: AWS Service Authorization Reference (ECS, Elastic Load Balancing v2, EC2, IAM, Secrets Manager,
 * CloudWatch Logs, CloudWatch, SNS, AppConfig); IAM user guide, "Controlling access using tags".
 */
import type * as aws from "./aws";
import { shortEnv } from "./naming";
import { GOLDEN_PATH } from "../policy-pack/lib/facts";
import { permissionsBoundaryArn } from "./runtimePolicies";
import {
  environmentLabelStatements,
  identityArns,
  identityStatements,
  ROLE_MAINTENANCE_ACTIONS,
} from "./policyGuards";
import { policyJson } from "./util";

type Statement = aws.iam.PolicyStatement;

/** What this repository's deploy role of an environment may act on. */
export interface InfrastructureDeployScope {
  region: string;
  accountId: string;
  environment: "staging" | "production";
  /** This repository's name: its deploy roles are denied to both roles. */
  infrastructureRepository: string;
  /** The owning stack also manages repositories' deploy identities: the OIDC provider and this repo's roles. */
  ownsIdentity: boolean;
}

/**
 * The names and conditions the statements of {@link infrastructureDeployPolicy} are written with, for one scope:
 * the environment and its short form (`stg`, `prod`), ARN builders, the `environment` tag conditions on a request
 * and on a resource, and the environment's permissions boundary ARN.
 */
export interface InfrastructureNames {
  env: InfrastructureDeployScope["environment"];
  short: string;
  accountId: string;
  infrastructureRepository: string;
  /** `arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE`. */
  arn: (service: string, resource: string) => string;
  /** `arn:aws:iam::ACCOUNT:RESOURCE` (IAM ARNs have no region). */
  iamArn: (resource: string) => string;
  /** Condition: the request tags the new resource `environment=ENV`. */
  ownEnvTag: Record<string, string>;
  /** Condition: the resource is tagged `environment=ENV`. */
  taggedOwnEnv: Record<string, string>;
  boundaryArn: string;
}

/** The {@link InfrastructureNames} of a scope. */
function infrastructureNames(s: InfrastructureDeployScope): InfrastructureNames {
  return {
    env: s.environment,
    short: shortEnv(s.environment),
    accountId: s.accountId,
    infrastructureRepository: s.infrastructureRepository,
    arn: (service, resource) => `arn:aws:${service}:${s.region}:${s.accountId}:${resource}`,
    iamArn: (resource) => `arn:aws:iam::${s.accountId}:${resource}`,
    ownEnvTag: { "aws:RequestTag/environment": s.environment },
    taggedOwnEnv: { "aws:ResourceTag/environment": s.environment },
    boundaryArn: permissionsBoundaryArn(s.accountId, s.environment),
  };
}

/** Reading what the stack refreshes and diffs: describe, list and get actions, on `"*"`. */
function readStatements(): Statement[] {
  return [
    {
      // ReadEverything
      Effect: "Allow",
      Action: [
        "ecs:Describe*",
        "ecs:List*",
        "elasticloadbalancing:Describe*",
        "ec2:Describe*",
        "iam:Get*",
        "iam:List*",
        "logs:Describe*",
        "logs:List*",
        "cloudwatch:Describe*",
        "cloudwatch:Get*",
        "cloudwatch:List*",
        "sns:Get*",
        "sns:List*",
        "secretsmanager:Describe*",
        "secretsmanager:GetResourcePolicy",
        "appconfig:Get*",
        "appconfig:List*",
        "sts:GetCallerIdentity",
      ],
      Resource: "*",
    },
  ];
}

/**
 * ECS and the load balancers: full control of what the environment names (clusters, services, task definition
 * families, `-alb`, `-tg`/`-tg-alt`), creation included: CreateCluster and RegisterTaskDefinition authorize on
 * the cluster and task-definition ARNs they create (Service Authorization Reference, Amazon ECS).
 */
function computeStatements({ env, short, arn }: InfrastructureNames): Statement[] {
  return [
    {
      // OwnEcs
      Effect: "Allow",
      Action: [
        "ecs:CreateCluster",
        "ecs:UpdateCluster*",
        "ecs:PutClusterCapacityProviders",
        "ecs:DeleteCluster",
        "ecs:CreateService",
        "ecs:UpdateService",
        "ecs:DeleteService",
        "ecs:RegisterTaskDefinition",
        "ecs:*TagResource",
      ],
      Resource: [
        arn("ecs", `cluster/*-${env}`),
        arn("ecs", `service/*-${env}/*-${env}`),
        arn("ecs", `task-definition/*-${env}:*`),
      ],
      // A service runs only this environment's task definitions (ecs:task-definition, CreateService/UpdateService).
      Condition: { ArnLikeIfExists: { "ecs:task-definition": arn("ecs", `task-definition/*-${env}:*`) } },
    },
    {
      // OwnMigrationRuns: cicd migrate runs (and, at its timeout, stops) a task of this environment's families on
      // this environment's clusters only (RunTask authorizes on the task definition, StopTask on the task; both
      // carry ecs:cluster).
      Effect: "Allow",
      Action: ["ecs:RunTask", "ecs:StopTask"],
      Resource: [arn("ecs", `task-definition/*-${env}:*`), arn("ecs", `task/*-${env}/*`)],
      Condition: { ArnLike: { "ecs:cluster": arn("ecs", `cluster/*-${env}`) } },
    },
    {
      // OwnLoadBalancers
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:Create*",
        "elasticloadbalancing:Delete*",
        "elasticloadbalancing:Modify*",
        "elasticloadbalancing:Set*",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
      ],
      Resource: [
        arn("elasticloadbalancing", `loadbalancer/app/*-${short}-alb/*`),
        // The service's target group and the alternate one of canary and linear deployments (`-tg-alt`).
        arn("elasticloadbalancing", `targetgroup/*-${short}-tg*/*`),
        arn("elasticloadbalancing", `listener/app/*-${short}-alb/*`),
        arn("elasticloadbalancing", `listener-rule/app/*-${short}-alb/*`),
      ],
    },
  ];
}

/**
 * Deploy markers on the default event bus, and security groups: created in any VPC only tagged for the
 * environment, changed only when so tagged.
 */
function networkStatements({ arn, ownEnvTag, taggedOwnEnv }: InfrastructureNames): Statement[] {
  return [
    {
      // cicd verify's deploy marker (CONST "Observability"): an event on the account's default bus.
      // DeployMarkers
      Effect: "Allow",
      Action: ["events:PutEvents"],
      Resource: arn("events", "event-bus/default"),
    },
    {
      // cicd verify's golden-path metrics (CONST "Observability"): PutMetricData names no resource, so the
      // namespace is the scope (CloudWatch condition key `cloudwatch:namespace`).
      // GoldenPathMetrics
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": GOLDEN_PATH.namespace } },
    },
    {
      // The VPC side of CreateSecurityGroup carries no request tags (EC2 applies them to the new group).
      // CreateSecurityGroupsInVpcs
      Effect: "Allow",
      Action: ["ec2:CreateSecurityGroup"],
      Resource: arn("ec2", "vpc/*"),
    },
    {
      // CreateSecurityGroupsLabelled
      Effect: "Allow",
      Action: ["ec2:CreateSecurityGroup"],
      Resource: arn("ec2", "security-group/*"),
      Condition: { StringEquals: ownEnvTag },
    },
    {
      // Tags on a new group: only inside CreateSecurityGroup (ec2:CreateAction), only this environment's label.
      // TagSecurityGroupsOnCreate
      Effect: "Allow",
      Action: ["ec2:CreateTags"],
      Resource: arn("ec2", "security-group/*"),
      Condition: { StringEquals: { ...ownEnvTag, "ec2:CreateAction": "CreateSecurityGroup" } },
    },
    {
      // OwnSecurityGroups
      Effect: "Allow",
      Action: [
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
        "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
        "ec2:DeleteSecurityGroup",
        "ec2:CreateTags",
        "ec2:DeleteTags",
      ],
      Resource: arn("ec2", "security-group/*"),
      Condition: { StringEquals: taggedOwnEnv },
    },
  ];
}

/**
 * The environment's roles: written only under its permissions boundary (which never comes off), the ECS and
 * ELB service-linked roles, and each role passed only to the service it is for. No managed policy is attached:
 * every role's permissions are inline, on its own app's resources.
 */
function roleStatements({ env, short, iamArn, boundaryArn }: InfrastructureNames): Statement[] {
  return [
    {
      // Every role this stack creates carries the environment's permissions boundary, so a role it makes
      // (or rewrites) can never do more than the boundary allows: no escalation through new roles.
      // OwnRolesWithinTheBoundary
      Effect: "Allow",
      Action: [
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:PutRolePermissionsBoundary",
      ],
      Resource: [iamArn(`role/*-${short}-*`), iamArn(`role/*-${env}-deploy`)],
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn } },
    },
    {
      // OwnRoles
      Effect: "Allow",
      Action: ROLE_MAINTENANCE_ACTIONS,
      Resource: [iamArn(`role/*-${short}-*`), iamArn(`role/*-${env}-deploy`)],
    },
    {
      // NeverLiftTheBoundary
      Effect: "Deny",
      Action: ["iam:DeleteRolePermissionsBoundary"],
      Resource: "*",
    },
    {
      // A new account has no ECS or ELB service-linked role yet; AWS creates it on the first service or LB.
      // ServiceLinkedRoles
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: iamArn("role/aws-service-role/*"),
      Condition: {
        StringEquals: { "iam:AWSServiceName": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"] },
      },
    },
    {
      // PassEcsLbRolesToEcs
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: iamArn(`role/*-${short}-ecs-lb`),
      Condition: { StringEquals: { "iam:PassedToService": "ecs.amazonaws.com" } },
    },
    {
      // PassTaskRolesToEcs
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: [iamArn(`role/*-${short}-exec`), iamArn(`role/*-${short}-task`)],
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
    {
      // PassFlagAlarmRolesToAppConfig
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: iamArn(`role/*-${short}-flags-alarms`),
      Condition: { StringEquals: { "iam:PassedToService": "appconfig.amazonaws.com" } },
    },
  ];
}

/**
 * The environment's secrets (paths `.../ENV/...`), log groups (`/ecs/APP-ENV`), alarms and dashboards, and alarm
 * topics.
 */
function operationsStatements({ env, arn, accountId }: InfrastructureNames): Statement[] {
  return [
    {
      // OwnSecrets
      Effect: "Allow",
      Action: [
        "secretsmanager:CreateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:RestoreSecret",
        "secretsmanager:UpdateSecret",
        "secretsmanager:PutSecretValue",
        "secretsmanager:GetSecretValue",
        // UpdateSecretVersionStage and ListSecretVersionIds: the provider's SecretVersion moves AWSCURRENT and
        // lists versions after a refresh (terraform-provider-aws secretsmanager/secret_version.go).
        "secretsmanager:*SecretVersion*",
        "secretsmanager:*TagResource",
      ],
      Resource: arn("secretsmanager", `secret:*/${env}/*`),
    },
    {
      // OwnLogs
      Effect: "Allow",
      Action: [
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        // TagResource, UntagResource, TagLogGroup, UntagLogGroup and their List reads.
        "logs:*Tag*",
        // cicd migrate reads its migration task's log stream.
        "logs:GetLogEvents",
      ],
      Resource: [arn("logs", `log-group:/ecs/*-${env}`), arn("logs", `log-group:/ecs/*-${env}:*`)],
    },
    {
      // OwnAlarmsAndDashboards
      Effect: "Allow",
      Action: [
        // PutMetricAlarm and PutCompositeAlarm (the alarm AppConfig monitors).
        "cloudwatch:Put*Alarm",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:*TagResource",
        "cloudwatch:PutDashboard",
        "cloudwatch:DeleteDashboards",
      ],
      Resource: [
        arn("cloudwatch", `alarm:*-${env}-*`),
        `arn:aws:cloudwatch::${accountId}:dashboard/*-${env}`,
      ],
    },
    {
      // OwnAlarmTopics
      Effect: "Allow",
      Action: [
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:*TagResource",
      ],
      Resource: [arn("sns", `*-${env}-alarms`), arn("sns", `*-${env}-alarms:*`)],
    },
  ];
}

/**
 * AppConfig, which names resources by generated ids: an application is created only labelled for the environment;
 * anything inside one (an environment, a profile, a hosted version, a deployment) is created or changed only when
 * the application, and the resource itself where it carries tags, is labelled for the environment. Hosted versions
 * and the predefined deployment strategies carry no tags: they are allowed by ARN, and each request that names one
 * also names its application, which must be the environment's (Service Authorization Reference, AWS AppConfig:
 * the resource types each action authorizes).
 */
function appConfigStatements({ arn, ownEnvTag, taggedOwnEnv }: InfrastructureNames): Statement[] {
  return [
    {
      // CreateApplication has no resource type: it authorizes on "*", labelled for this environment.
      // CreateAppConfigApps
      Effect: "Allow",
      Action: ["appconfig:CreateApplication"],
      Resource: "*",
      Condition: { StringEquals: ownEnvTag },
    },
    {
      // Creating inside an application authorizes on the application: this environment's, labelled for it.
      // CreateInsideOwnApplications
      Effect: "Allow",
      Action: ["appconfig:CreateEnvironment", "appconfig:CreateConfigurationProfile"],
      Resource: arn("appconfig", "application/*"),
      Condition: { StringEquals: { ...taggedOwnEnv, ...ownEnvTag } },
    },
    {
      // OwnAppConfig
      Effect: "Allow",
      Action: [
        "appconfig:UpdateApplication",
        "appconfig:DeleteApplication",
        "appconfig:UpdateEnvironment",
        "appconfig:DeleteEnvironment",
        "appconfig:UpdateConfigurationProfile",
        "appconfig:DeleteConfigurationProfile",
        "appconfig:CreateHostedConfigurationVersion",
        "appconfig:DeleteHostedConfigurationVersion",
        "appconfig:StartDeployment",
        "appconfig:StopDeployment",
        "appconfig:TagResource",
        "appconfig:UntagResource",
      ],
      Resource: arn("appconfig", "application/*"),
      Condition: { StringEquals: taggedOwnEnv },
    },
    {
      // Untaggable: hosted versions, and the strategies a deployment names.
      // AppConfigUntaggable
      Effect: "Allow",
      Action: ["appconfig:DeleteHostedConfigurationVersion", "appconfig:StartDeployment"],
      Resource: [
        arn("appconfig", "application/*/configurationprofile/*/hostedconfigurationversion/*"),
        arn("appconfig", "deploymentstrategy/*"),
      ],
    },
  ];
}

/**
 * The policy a `pulumi up` of one stack needs, and no more: full control of resources named for the
 * environment, tag-conditioned creation where AWS generates the name, read-only access elsewhere. Statements in
 * this order: reads, ECS and load balancers, network, roles, operations (secrets, logs, alarms, topics), AppConfig,
 * identities.
 *
 * @returns the policy document as JSON (`policyJson`).
 */
export function infrastructureDeployPolicy(s: InfrastructureDeployScope): string {
  const names = infrastructureNames(s);
  const statements: Statement[] = [
    ...readStatements(),
    ...computeStatements(names),
    ...networkStatements(names),
    ...roleStatements(names),
    ...operationsStatements(names),
    ...appConfigStatements(names),
    ...identityStatements(s.ownsIdentity, names),
    ...environmentLabelStatements(names, s.ownsIdentity ? identityArns(names) : []),
  ];
  return policyJson({ Version: "2012-10-17", Statement: statements });
}
