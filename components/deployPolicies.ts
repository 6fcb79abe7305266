/**
 * The IAM policies of the OIDC deploy roles, least privilege (CC-ENV-07; constitution: CONST "Environments",
 * PLAY 3-4). Each is an `aws.iam.PolicyDocument`, so a misspelt field fails `tsc`.
 *
 * - An app's deploy role (its repository's GitHub Environment) acts on that app in that environment only: its
 *   ECS service, its AppConfig application, and `iam:PassRole` for its own task and execution roles to ECS.
 *   Task definitions change only through `pulumi up` of this repository, so it cannot register one.
 * - This repository's deploy role of an environment runs `pulumi up` of that stack: it may create, change and
 *   delete exactly the resources that stack names (`components/naming.ts`), identified by name patterns of the
 *   environment (`*-staging`, `*-stg-*`, `*\/staging/*`) or, where AWS names resources by generated ids
 *   (security groups, AppConfig), by the `environment` tag on create and on the resource. Every role a stack
 *   creates carries its environment's permissions boundary ({@link permissionsBoundaryPolicy}), and the deploy
 *   role may create or write roles only with it, so no role it makes exceeds the boundary. Only the owning
 *   stack's role (production, behind the approval) maintains this repository's deploy roles and the boundaries;
 *   staging's is denied them explicitly, so staging cannot widen its own rights.
 *
 * Sources: AWS Service Authorization Reference (ECS, Elastic Load Balancing v2, EC2, IAM, Secrets Manager,
 * CloudWatch Logs, CloudWatch, SNS, AppConfig); IAM user guide, "Controlling access using tags".
 */
import type * as aws from "./aws";
import { ENVIRONMENT_TAG, GITHUB_OIDC_HOST } from "../policy-pack/lib/facts";
import { PROJECT_NAME, shortEnv } from "./naming";
import { FLAG_DEPLOYMENT_ACTIONS, permissionsBoundaryArn } from "./runtimePolicies";
import { policyJson } from "./util";

export {
  permissionsBoundaryArn,
  permissionsBoundaryName,
  permissionsBoundaryPolicy,
} from "./runtimePolicies";

type Statement = aws.iam.PolicyStatement;

/** Changes to a role that leave its permissions as they are (a boundary condition cannot apply to them). */
const ROLE_MAINTENANCE_ACTIONS = [
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
];

/**
 * The actions that read, add or remove tags in the services a stack uses (Service Authorization Reference, access
 * level Tagging), as patterns (the inline policy quota is 10,240 characters): a deploy role may never use them on
 * another environment's resources nor to label anything for another environment.
 */
export const TAGGING_ACTIONS = [
  "ec2:*Tags",
  "ecs:*TagResource",
  "elasticloadbalancing:*Tags",
  "appconfig:*TagResource",
  "secretsmanager:*TagResource",
  "logs:*Tag*",
  "cloudwatch:*TagResource",
  "sns:*TagResource",
  "iam:Tag*",
  "iam:Untag*",
];

/** The actions that remove tags: a deploy role may never remove the `environment` tag of a resource. */
export const UNTAGGING_ACTIONS = [
  "ec2:DeleteTags",
  "ecs:UntagResource",
  "elasticloadbalancing:RemoveTags",
  "appconfig:UntagResource",
  "secretsmanager:UntagResource",
  "logs:Untag*",
  "cloudwatch:UntagResource",
  "sns:UntagResource",
  "iam:Untag*",
];

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
interface InfrastructureNames {
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
      Sid: "ReadEverything",
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
      Sid: "OwnEcs",
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
      Sid: "OwnLoadBalancers",
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
      Sid: "DeployMarkers",
      Effect: "Allow",
      Action: ["events:PutEvents"],
      Resource: arn("events", "event-bus/default"),
    },
    {
      // The VPC side of CreateSecurityGroup carries no request tags (EC2 applies them to the new group).
      Sid: "CreateSecurityGroupsInVpcs",
      Effect: "Allow",
      Action: ["ec2:CreateSecurityGroup"],
      Resource: arn("ec2", "vpc/*"),
    },
    {
      Sid: "CreateSecurityGroupsLabelled",
      Effect: "Allow",
      Action: ["ec2:CreateSecurityGroup"],
      Resource: arn("ec2", "security-group/*"),
      Condition: { StringEquals: ownEnvTag },
    },
    {
      // Tags on a new group: only inside CreateSecurityGroup (ec2:CreateAction), only this environment's label.
      Sid: "TagSecurityGroupsOnCreate",
      Effect: "Allow",
      Action: ["ec2:CreateTags"],
      Resource: arn("ec2", "security-group/*"),
      Condition: { StringEquals: { ...ownEnvTag, "ec2:CreateAction": "CreateSecurityGroup" } },
    },
    {
      Sid: "OwnSecurityGroups",
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
      Sid: "OwnRolesWithinTheBoundary",
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
      Sid: "OwnRoles",
      Effect: "Allow",
      Action: ROLE_MAINTENANCE_ACTIONS,
      Resource: [iamArn(`role/*-${short}-*`), iamArn(`role/*-${env}-deploy`)],
    },
    {
      Sid: "NeverLiftTheBoundary",
      Effect: "Deny",
      Action: ["iam:DeleteRolePermissionsBoundary"],
      Resource: "*",
    },
    {
      // A new account has no ECS or ELB service-linked role yet; AWS creates it on the first service or LB.
      Sid: "ServiceLinkedRoles",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: iamArn("role/aws-service-role/*"),
      Condition: {
        StringEquals: { "iam:AWSServiceName": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"] },
      },
    },
    {
      Sid: "PassEcsLbRolesToEcs",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: iamArn(`role/*-${short}-ecs-lb`),
      Condition: { StringEquals: { "iam:PassedToService": "ecs.amazonaws.com" } },
    },
    {
      Sid: "PassTaskRolesToEcs",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: [iamArn(`role/*-${short}-exec`), iamArn(`role/*-${short}-task`)],
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
    {
      Sid: "PassFlagAlarmRolesToAppConfig",
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
      Sid: "OwnSecrets",
      Effect: "Allow",
      Action: [
        "secretsmanager:CreateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:RestoreSecret",
        "secretsmanager:UpdateSecret",
        "secretsmanager:PutSecretValue",
        "secretsmanager:GetSecretValue",
        "secretsmanager:TagResource",
        "secretsmanager:UntagResource",
      ],
      Resource: arn("secretsmanager", `secret:*/${env}/*`),
    },
    {
      Sid: "OwnLogs",
      Effect: "Allow",
      Action: [
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:TagResource",
        "logs:UntagResource",
        "logs:TagLogGroup",
        "logs:UntagLogGroup",
        "logs:ListTagsLogGroup",
      ],
      Resource: [arn("logs", `log-group:/ecs/*-${env}`), arn("logs", `log-group:/ecs/*-${env}:*`)],
    },
    {
      Sid: "OwnAlarmsAndDashboards",
      Effect: "Allow",
      Action: [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
        "cloudwatch:PutDashboard",
        "cloudwatch:DeleteDashboards",
      ],
      Resource: [
        arn("cloudwatch", `alarm:*-${env}-*`),
        `arn:aws:cloudwatch::${accountId}:dashboard/*-${env}`,
      ],
    },
    {
      Sid: "OwnAlarmTopics",
      Effect: "Allow",
      Action: [
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:TagResource",
        "sns:UntagResource",
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
      Sid: "CreateAppConfigApps",
      Effect: "Allow",
      Action: ["appconfig:CreateApplication"],
      Resource: "*",
      Condition: { StringEquals: ownEnvTag },
    },
    {
      // Creating inside an application authorizes on the application: this environment's, labelled for it.
      Sid: "CreateInsideOwnApplications",
      Effect: "Allow",
      Action: ["appconfig:CreateEnvironment", "appconfig:CreateConfigurationProfile"],
      Resource: arn("appconfig", "application/*"),
      Condition: { StringEquals: { ...taggedOwnEnv, ...ownEnvTag } },
    },
    {
      Sid: "OwnAppConfig",
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
      Sid: "AppConfigUntaggable",
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
 * The environment label, which tag-conditioned statements trust, is the environment's own to write: no tag may be
 * written on a resource labelled for another environment, no request may label anything for another environment,
 * and no `environment` tag is ever removed. `except` lists the ARNs outside this rule (the owning stack's deploy
 * identities, which it labels for every environment). IAM user guide, "Controlling access to and for IAM users and
 * roles using tags" and "Condition operators" (`Null`).
 */
function environmentLabelStatements({ env }: InfrastructureNames, except: string[]): Statement[] {
  const where = except.length ? { NotResource: except } : { Resource: "*" };
  const requestTag = `aws:RequestTag/${ENVIRONMENT_TAG}`;
  const resourceTag = `aws:ResourceTag/${ENVIRONMENT_TAG}`;
  return [
    {
      Sid: "NeverTagOtherEnvironments",
      Effect: "Deny",
      Action: TAGGING_ACTIONS,
      ...where,
      Condition: { Null: { [resourceTag]: "false" }, StringNotEquals: { [resourceTag]: env } },
    },
    {
      Sid: "NeverLabelOtherEnvironments",
      Effect: "Deny",
      Action: "*",
      ...where,
      Condition: { Null: { [requestTag]: "false" }, StringNotEquals: { [requestTag]: env } },
    },
    {
      Sid: "NeverRemoveTheEnvironmentLabel",
      Effect: "Deny",
      Action: UNTAGGING_ACTIONS,
      Resource: "*",
      Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": [ENVIRONMENT_TAG] } },
    },
  ];
}

/** The ARNs of the deploy identities the owning stack maintains, for every environment. */
function identityArns({ iamArn, infrastructureRepository }: InfrastructureNames): string[] {
  return [
    iamArn(`role/${infrastructureRepository}-*-deploy`),
    iamArn(`policy/${PROJECT_NAME}-*-boundary`),
    iamArn(`oidc-provider/${GITHUB_OIDC_HOST}`),
  ];
}

/**
 * The deploy identities: the owning stack (behind the production approval) maintains the GitHub OIDC provider,
 * this repository's deploy roles (the drift role only with AWS's ReadOnlyAccess) and the permissions boundaries;
 * any other stack is denied every IAM action on them, so it cannot widen its own rights.
 */
function identityStatements(
  ownsIdentity: boolean,
  { iamArn, infrastructureRepository }: InfrastructureNames,
): Statement[] {
  return ownsIdentity
    ? [
        {
          Sid: "GitHubOidcProvider",
          Effect: "Allow" as const,
          Action: [
            "iam:CreateOpenIDConnectProvider",
            "iam:DeleteOpenIDConnectProvider",
            "iam:TagOpenIDConnectProvider",
            "iam:UntagOpenIDConnectProvider",
            "iam:UpdateOpenIDConnectProviderThumbprint",
            "iam:AddClientIDToOpenIDConnectProvider",
            "iam:RemoveClientIDFromOpenIDConnectProvider",
          ],
          Resource: iamArn(`oidc-provider/${GITHUB_OIDC_HOST}`),
        },
        {
          // The owning stack's deploys pass the production approval: they may maintain this repository's roles.
          Sid: "DeployRolesOfThisRepository",
          Effect: "Allow" as const,
          Action: [
            ...ROLE_MAINTENANCE_ACTIONS,
            "iam:CreateRole",
            "iam:PutRolePolicy",
            "iam:DeleteRolePolicy",
          ],
          Resource: iamArn(`role/${infrastructureRepository}-*-deploy`),
        },
        {
          // The drift role reads through AWS's ReadOnlyAccess, and only that may be attached to it.
          Sid: "DriftRoleReadsOnly",
          Effect: "Allow" as const,
          Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
          Resource: iamArn(`role/${infrastructureRepository}-drift-deploy`),
          Condition: { ArnEquals: { "iam:PolicyARN": READ_ONLY_ACCESS_POLICY_ARN } },
        },
        {
          Sid: "PermissionsBoundaries",
          Effect: "Allow" as const,
          Action: [
            "iam:CreatePolicy",
            "iam:DeletePolicy",
            "iam:CreatePolicyVersion",
            "iam:DeletePolicyVersion",
            "iam:GetPolicy",
            "iam:GetPolicyVersion",
            "iam:ListPolicyVersions",
            "iam:TagPolicy",
            "iam:UntagPolicy",
          ],
          Resource: iamArn(`policy/${PROJECT_NAME}-*-boundary`),
        },
      ]
    : [
        {
          // Staging may never change a deploy role of this repository (its own included), nor widen its rights.
          Sid: "NeverTheDeployRolesOfThisRepository",
          Effect: "Deny" as const,
          Action: "iam:*",
          Resource: [iamArn(`role/${infrastructureRepository}-*`), iamArn(`policy/${PROJECT_NAME}-*`)],
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

/** AWS's managed read-only policy: the drift audit reads every resource a `pulumi preview --refresh` reads. */
export const READ_ONLY_ACCESS_POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/**
 * The drift role's inline policy, besides {@link READ_ONLY_ACCESS_POLICY_ARN}: the refresh of a secret's value
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
