/**
 * The statements of a deploy role that guard what the other statements trust (CC-ENV-07): the `environment` label,
 * which tag-conditioned grants rely on, is the environment's own to write; this repository's deploy identities
 * (its deploy roles, the permissions boundaries, the OIDC provider) only the owning stack maintains.
 *
 * Sources: AWS Service Authorization Reference (access level Tagging; IAM); IAM user guide, "Controlling access to
 * AWS resources using tags" and "Condition operators".
 */
import type * as aws from "./aws";
import { ENVIRONMENT_TAG, GITHUB_OIDC_HOST } from "../policy-pack/lib/facts";
import { PROJECT_NAME } from "./naming";
import type { InfrastructureNames } from "./infrastructurePolicy";

type Statement = aws.iam.PolicyStatement;

/** AWS's managed read-only policy: the drift audit reads every resource a `pulumi preview --refresh` reads. */
export const READ_ONLY_ACCESS_POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/** Changes to a role that leave its permissions as they are (a boundary condition cannot apply to them). */
export const ROLE_MAINTENANCE_ACTIONS = [
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

/**
 * The environment label, which tag-conditioned statements trust, is the environment's own to write: no tag may be
 * written on a resource labelled for another environment, no request may label anything for another environment,
 * and no `environment` tag is ever removed. `except` lists the ARNs outside this rule (the owning stack's deploy
 * identities, which it labels for every environment). IAM user guide, "Controlling access to and for IAM users and
 * roles using tags" and "Condition operators" (`Null`).
 */
export function environmentLabelStatements({ env }: InfrastructureNames, except: string[]): Statement[] {
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
export function identityArns({ iamArn, infrastructureRepository }: InfrastructureNames): string[] {
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
export function identityStatements(
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
            // Their reads (GetPolicy, GetPolicyVersion, ListPolicyVersions) are ReadEverything's iam:Get*, iam:List*.
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
