/**
 * CC-ENV-07 on hand-built deploy roles: the defects an IAM evaluator finds (re-labelling through a request tag,
 * creating inside another environment's AppConfig application, tags on EC2 that the rule once did not read,
 * `NotAction`, another app's resources, this repository's deploy identities) fail; their scoped forms pass.
 * test/proofs/cc-env-07-differential.test.ts checks the same rule against the simulator on the program's roles.
 */
import { r, ruleCases, T } from "./rule-harness";

const ACCOUNT = "123456789012";
const arn = (service: string, resource: string) => `arn:aws:${service}:eu-west-1:${ACCOUNT}:${resource}`;

/** A staging deploy role (trusted by GitHub's OIDC for the staging environment) with one inline policy. */
function stagingRole(statements: unknown[], tags: Record<string, string> = {}) {
  const name = "cicd-constitution-staging-deploy";
  return [
    r(T.role, `${name}-role`, {
      name,
      tags: { environment: "staging", app: "cicd-constitution", ...tags },
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: {
              Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": "repo:acme/cicd-constitution:environment:staging",
              },
            },
          },
        ],
      }),
    }),
    r(T.rolePolicy, `${name}-policy`, {
      role: name,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
    }),
  ];
}

const REQUEST_STAGING = { "aws:RequestTag/environment": "staging" };
const TAGGED_STAGING = { "aws:ResourceTag/environment": "staging" };
const SG = arn("ec2", "security-group/*");
/** The label denials of the program's deploy roles (components/policyGuards.ts). */
const LABEL_DENIALS = [
  {
    Effect: "Deny",
    Action: "*",
    Resource: "*",
    Condition: { Null: { "aws:RequestTag/environment": "false" }, StringNotEquals: REQUEST_STAGING },
  },
  {
    Effect: "Deny",
    Action: ["ec2:DeleteTags", "appconfig:UntagResource", "ecs:UntagResource"],
    Resource: "*",
    Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["environment"] } },
  },
];

ruleCases("CC-ENV-07", [
  {
    name: "fails ec2:CreateTags allowed whenever the request says staging (re-labels production's groups)",
    resources: stagingRole([
      {
        Effect: "Allow",
        Action: ["ec2:CreateSecurityGroup", "ec2:CreateTags"],
        Resource: SG,
        Condition: { StringEquals: REQUEST_STAGING },
      },
    ]),
    expected: [
      [
        "fail",
        "cicd-constitution-staging-deploy-role",
        /ec2:CreateTags on .*security-group\/\* is not limited to staging's resources/,
      ],
    ],
  },
  {
    name: "passes ec2:CreateTags only inside CreateSecurityGroup, labelled staging, and on groups labelled staging",
    resources: stagingRole([
      {
        Effect: "Allow",
        Action: "ec2:CreateSecurityGroup",
        Resource: SG,
        Condition: { StringEquals: REQUEST_STAGING },
      },
      {
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: SG,
        Condition: { StringEquals: { ...REQUEST_STAGING, "ec2:CreateAction": "CreateSecurityGroup" } },
      },
      {
        Effect: "Allow",
        Action: ["ec2:CreateTags", "ec2:DeleteTags", "ec2:RevokeSecurityGroupIngress"],
        Resource: SG,
        Condition: { StringEquals: TAGGED_STAGING },
      },
      ...LABEL_DENIALS,
    ]),
    status: "pass",
  },
  {
    name: "fails tags on groups labelled staging when nothing keeps a request from re-labelling them production",
    resources: stagingRole([
      {
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: SG,
        Condition: { StringEquals: TAGGED_STAGING },
      },
    ]),
    expected: [
      [
        "fail",
        "cicd-constitution-staging-deploy-role",
        /ec2:CreateTags may label a resource for another environment/,
      ],
    ],
  },
  {
    name: "fails removing tags with no Deny on the environment tag key",
    resources: stagingRole([
      {
        Effect: "Allow",
        Action: "ec2:DeleteTags",
        Resource: SG,
        Condition: { StringEquals: TAGGED_STAGING },
      },
    ]),
    expected: [
      ["fail", "cicd-constitution-staging-deploy-role", /ec2:DeleteTags may remove the environment tag/],
    ],
  },
  {
    name: "fails appconfig:CreateEnvironment inside any application the request calls staging",
    resources: stagingRole([
      {
        Effect: "Allow",
        Action: ["appconfig:CreateEnvironment", "appconfig:CreateConfigurationProfile"],
        Resource: arn("appconfig", "application/*"),
        Condition: { StringEquals: REQUEST_STAGING },
      },
    ]),
    expected: [
      [
        "fail",
        "cicd-constitution-staging-deploy-role",
        /appconfig:CreateEnvironment on .*application\/\* is not limited to staging's resources/,
      ],
    ],
  },
  {
    name: "passes appconfig:CreateEnvironment inside applications labelled staging",
    resources: stagingRole([
      {
        Effect: "Allow",
        Action: "appconfig:CreateEnvironment",
        Resource: arn("appconfig", "application/*"),
        Condition: { StringEquals: { ...TAGGED_STAGING, ...REQUEST_STAGING } },
      },
    ]),
    status: "pass",
  },
  {
    name: "fails ecs:RegisterTaskDefinition on '*' (any family, production's too)",
    resources: stagingRole([
      {
        Effect: "Allow",
        Action: "ecs:RegisterTaskDefinition",
        Resource: "*",
        Condition: { StringEquals: REQUEST_STAGING },
      },
    ]),
    expected: [
      ["fail", "cicd-constitution-staging-deploy-role", /ecs:RegisterTaskDefinition on \* is not limited/],
    ],
  },
  {
    name: "passes ecs:RegisterTaskDefinition on the staging families",
    resources: stagingRole([
      {
        Effect: "Allow",
        Action: "ecs:RegisterTaskDefinition",
        Resource: arn("ecs", "task-definition/*-staging:*"),
      },
    ]),
    status: "pass",
  },
  {
    name: "fails an Allow with NotAction (nearly every action on '*')",
    resources: stagingRole([{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }]),
    expected: [["fail", "cicd-constitution-staging-deploy-role", /is not limited to staging's resources/]],
  },
  {
    name: "fails a grant on this repository's deploy roles that no Deny covers",
    resources: stagingRole([
      {
        Effect: "Allow",
        Action: "iam:PutRolePolicy",
        Resource: `arn:aws:iam::${ACCOUNT}:role/*-staging-deploy`,
        Condition: {
          StringEquals: {
            "iam:PermissionsBoundary": `arn:aws:iam::${ACCOUNT}:policy/cicd-constitution-staging-boundary`,
          },
        },
      },
    ]),
    expected: [
      [
        "fail",
        "cicd-constitution-staging-deploy-role",
        /may write the deploy identity .*role\/cicd-constitution-staging-deploy/,
      ],
    ],
  },
  {
    name: "fails role writes through a wildcard (iam:Put*) without the environment's permissions boundary",
    resources: stagingRole([
      { Effect: "Allow", Action: "iam:Put*", Resource: `arn:aws:iam::${ACCOUNT}:role/*-stg-*` },
    ]),
    expected: [
      [
        "fail",
        "cicd-constitution-staging-deploy-role",
        /writes roles without Condition iam:PermissionsBoundary/,
      ],
    ],
  },
  {
    name: "fails an app's role on every application of its environment (another app's flags too)",
    resources: stagingRole(
      [
        {
          Effect: "Allow",
          Action: "appconfig:StartDeployment",
          Resource: arn("appconfig", "application/*"),
          Condition: { StringEquals: TAGGED_STAGING },
        },
      ],
      { app: "erp-berhan" },
    ),
    expected: [["fail", "cicd-constitution-staging-deploy-role", /not limited to erp-berhan's resources/]],
  },
  {
    name: "passes an app's role on applications labelled for it",
    resources: stagingRole(
      [
        {
          Effect: "Allow",
          Action: "appconfig:StartDeployment",
          Resource: arn("appconfig", "application/*"),
          Condition: { StringEquals: { ...TAGGED_STAGING, "aws:ResourceTag/app": "erp-berhan" } },
        },
      ],
      { app: "erp-berhan" },
    ),
    status: "pass",
  },
]);
