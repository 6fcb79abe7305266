/**
 * The AWS resources of the previewed stacks as an IAM evaluator sees them: concrete ARNs in the formats of the
 * AWS Service Authorization Reference, with the tags each resource really carries and the parents AWS authorizes
 * alongside it (an AppConfig environment inside its application, a listener inside its load balancer).
 *
 * The ARNs are the offline preview's own (src/offline/mocks.ts: generated ids are hashes of the type and logical
 * name, references between resources are the plan's inputs), so a policy that names a resource by its exact ARN is
 * judged against the ARN it names.
 */
import { hashOf } from "../../../src/offline/mocks";
import type { PlanResource } from "../../../src/plan/types";

/** One ARN AWS authorizes, with the tags of the resource it names. */
export interface ArnOf {
  arn: string;
  tags: Record<string, string>;
}

/** A resource of a plan, as a request's target. */
export interface Target {
  stack: string;
  urn: string;
  type: string;
  /** Its `environment` and `app` tags (untaggable: those of its tagged siblings). */
  environment: string;
  app: string;
  /** Its IAM service prefix (`ecs`, `elasticloadbalancing`, ...). */
  service: string;
  /** The resource itself. */
  self: ArnOf;
  /** Its parents, outermost first: each an ARN AWS may authorize in the same request. */
  parents: ArnOf[];
  /** The plan's resource. */
  resource: PlanResource;
}

/** The account and region of the plans' ARNs (the mocks' account; both stacks share it, the hard case). */
export interface Where {
  region: string;
  accountId: string;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");
const tagsOf = (r: PlanResource) => (r.inputs.tags ?? {}) as Record<string, string>;
/** The mocks' hash of a resource: its generated ids and suffixes. */
const idOf = (r: PlanResource, n: number) => hashOf(r.type, r.name).slice(0, n);

interface Context {
  where: Where;
  /** ARN and tags of the plan's resource whose ARN or id `ref` is (an input referencing another resource). */
  ref: (type: string, match: (r: PlanResource, arn: string) => boolean) => ArnOf;
}
type Built = { service: string; self: string; parents?: ArnOf[] };
type Builder = (r: PlanResource, ctx: Context) => Built;

const regional = (w: Where, service: string, resource: string) =>
  `arn:aws:${service}:${w.region}:${w.accountId}:${resource}`;

const APPLICATION = "aws:appconfig/application:Application";
const APPCONFIG_ENVIRONMENT = "aws:appconfig/environment:Environment";
const PROFILE = "aws:appconfig/configurationProfile:ConfigurationProfile";
const appIdIs = (id: string) => (_r: PlanResource, arn: string) => arn.endsWith(`:application/${id}`);
const childIdIs = (id: string) => (_r: PlanResource, arn: string) => arn.endsWith(`/${id}`);

/** The parents of an AppConfig resource inside application `appId`, with an optional profile and environment. */
function appConfigParents(
  ctx: Context,
  ids: { app: string; profile?: string; environment?: string },
): ArnOf[] {
  const out = [ctx.ref(APPLICATION, appIdIs(ids.app))];
  if (ids.profile) out.push(ctx.ref(PROFILE, childIdIs(ids.profile)));
  if (ids.environment) out.push(ctx.ref(APPCONFIG_ENVIRONMENT, childIdIs(ids.environment)));
  return out;
}

/** ARN builders per Pulumi resource type (formats: Service Authorization Reference, "Resource types"). */
const BUILDERS: Record<string, Builder> = {
  "aws:ecs/cluster:Cluster": (r, { where }) => ({
    service: "ecs",
    self: regional(where, "ecs", `cluster/${str(r.inputs.name)}`),
  }),
  "aws:ecs/service:Service": (r, ctx) => {
    const cluster = ctx.ref("aws:ecs/cluster:Cluster", (_c, arn) => arn === str(r.inputs.cluster));
    return {
      service: "ecs",
      self: `${cluster.arn.replace(":cluster/", ":service/")}/${str(r.inputs.name)}`,
      parents: [cluster],
    };
  },
  "aws:ecs/taskDefinition:TaskDefinition": (r, { where }) => ({
    service: "ecs",
    self: regional(where, "ecs", `task-definition/${str(r.inputs.family)}:1`),
  }),
  "aws:lb/loadBalancer:LoadBalancer": (r, { where }) => ({
    service: "elasticloadbalancing",
    self: regional(where, "elasticloadbalancing", `loadbalancer/app/${str(r.inputs.name)}/${idOf(r, 16)}`),
  }),
  "aws:lb/targetGroup:TargetGroup": (r, { where }) => ({
    service: "elasticloadbalancing",
    self: regional(where, "elasticloadbalancing", `targetgroup/${str(r.inputs.name)}/${idOf(r, 16)}`),
  }),
  "aws:lb/listener:Listener": (r, ctx) => {
    const lb = ctx.ref(
      "aws:lb/loadBalancer:LoadBalancer",
      (_l, arn) => arn === str(r.inputs.loadBalancerArn),
    );
    return {
      service: "elasticloadbalancing",
      self: `${lb.arn.replace(":loadbalancer/", ":listener/")}/${idOf(r, 16)}`,
      parents: [lb],
    };
  },
  "aws:lb/listenerRule:ListenerRule": (r, ctx) => {
    const listener = ctx.ref("aws:lb/listener:Listener", (_l, arn) => arn === str(r.inputs.listenerArn));
    return {
      service: "elasticloadbalancing",
      self: `${listener.arn.replace(":listener/", ":listener-rule/")}/${idOf(r, 16)}`,
      parents: [listener],
    };
  },
  "aws:ec2/securityGroup:SecurityGroup": (r, { where }) => ({
    service: "ec2",
    self: regional(where, "ec2", `security-group/sg-${idOf(r, 17)}`),
  }),
  "aws:secretsmanager/secret:Secret": (r, { where }) => ({
    service: "secretsmanager",
    self: regional(where, "secretsmanager", `secret:${str(r.inputs.name)}-${idOf(r, 6)}`),
  }),
  "aws:cloudwatch/logGroup:LogGroup": (r, { where }) => ({
    service: "logs",
    self: regional(where, "logs", `log-group:${str(r.inputs.name)}`),
  }),
  "aws:cloudwatch/metricAlarm:MetricAlarm": (r, { where }) => ({
    service: "cloudwatch",
    self: regional(where, "cloudwatch", `alarm:${str(r.inputs.name)}`),
  }),
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": (r, { where }) => ({
    service: "cloudwatch",
    self: regional(where, "cloudwatch", `alarm:${str(r.inputs.alarmName)}`),
  }),
  "aws:cloudwatch/dashboard:Dashboard": (r, { where }) => ({
    service: "cloudwatch",
    self: `arn:aws:cloudwatch::${where.accountId}:dashboard/${str(r.inputs.dashboardName)}`,
  }),
  "aws:sns/topic:Topic": (r, { where }) => ({
    service: "sns",
    self: regional(where, "sns", str(r.inputs.name)),
  }),
  "aws:iam/role:Role": (r, { where }) => ({
    service: "iam",
    self: `arn:aws:iam::${where.accountId}:role/${str(r.inputs.name)}`,
  }),
  "aws:iam/policy:Policy": (r, { where }) => ({
    service: "iam",
    self: `arn:aws:iam::${where.accountId}:policy/${str(r.inputs.name)}`,
  }),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (r, { where }) => ({
    service: "iam",
    self: `arn:aws:iam::${where.accountId}:oidc-provider/${new URL(str(r.inputs.url)).host}`,
  }),
  [APPLICATION]: (r, { where }) => ({
    service: "appconfig",
    self: regional(where, "appconfig", `application/${idOf(r, 7)}`),
  }),
  [PROFILE]: (r, ctx) => {
    const parents = appConfigParents(ctx, { app: str(r.inputs.applicationId) });
    return { service: "appconfig", self: `${parents[0].arn}/configurationprofile/${idOf(r, 7)}`, parents };
  },
  [APPCONFIG_ENVIRONMENT]: (r, ctx) => {
    const parents = appConfigParents(ctx, { app: str(r.inputs.applicationId) });
    return { service: "appconfig", self: `${parents[0].arn}/environment/${idOf(r, 7)}`, parents };
  },
  "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion": (r, ctx) => {
    const ids = { app: str(r.inputs.applicationId), profile: str(r.inputs.configurationProfileId) };
    const parents = appConfigParents(ctx, ids);
    return { service: "appconfig", self: `${parents[1].arn}/hostedconfigurationversion/1`, parents };
  },
  "aws:appconfig/deployment:Deployment": (r, ctx) => {
    const parents = appConfigParents(ctx, {
      app: str(r.inputs.applicationId),
      profile: str(r.inputs.configurationProfileId),
      environment: str(r.inputs.environmentId),
    });
    return { service: "appconfig", self: `${parents[2].arn}/deployment/1`, parents };
  },
};

/** The Pulumi resource types {@link targetsOf} turns into ARNs; other `aws:` types make it throw. */
export const TARGET_TYPES = Object.keys(BUILDERS);

/**
 * Resource types of the plans that are not separate IAM resources: a secret's value is its secret, a
 * subscription its topic, an attachment or inline policy its role.
 */
const NOT_SEPARATE = new Set([
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:sns/topicSubscription:TopicSubscription",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/rolePolicy:RolePolicy",
]);

/**
 * The AWS resources of a plan as {@link Target}s; a log group also as one of its streams (what the awslogs
 * driver writes).
 *
 * @throws when the plan has an `aws:` resource type this module cannot give an ARN, so a new resource type is
 *   never left out of the proof unnoticed.
 */
export function targetsOf(stack: string, resources: PlanResource[], where: Where): Target[] {
  const own = resources.filter((r) => r.type.startsWith("aws:") && !NOT_SEPARATE.has(r.type));
  const arns = new Map<PlanResource, string>();
  const ctx: Context = {
    where,
    ref(type, match) {
      const found = own.find((x) => x.type === type && match(x, arnOf(x)));
      if (!found) throw new Error(`no ${type} in the ${stack} plan matches a reference`);
      return { arn: arnOf(found), tags: tagsOf(found) };
    },
  };
  const arnOf = (r: PlanResource): string => {
    if (!arns.has(r)) arns.set(r, build(r).self);
    return arns.get(r)!;
  };
  const build = (r: PlanResource): Built => {
    const b = BUILDERS[r.type];
    if (!b) throw new Error(`no ARN for ${r.type} (${r.urn}): add it to test/proofs/iam/targets.ts`);
    return b(r, ctx);
  };
  const out: Target[] = [];
  for (const r of own) {
    const built = build(r);
    // An untaggable resource (a hosted configuration version) belongs where its tagged siblings do.
    const sibling = resources.find((x) => x.parent === r.parent && tagsOf(x).environment);
    const label = { ...(sibling ? tagsOf(sibling) : {}), ...tagsOf(r) };
    const base = {
      stack,
      urn: r.urn,
      type: r.type,
      environment: label.environment ?? stack,
      app: label.app ?? "",
    };
    const self = { arn: built.self, tags: tagsOf(r) };
    out.push({ ...base, service: built.service, self, parents: built.parents ?? [], resource: r });
    if (r.type === "aws:cloudwatch/logGroup:LogGroup") {
      const stream = { arn: `${built.self}:log-stream:${base.app}/${base.app}/${idOf(r, 32)}`, tags: {} };
      out.push({
        ...base,
        type: `${r.type} (stream)`,
        service: "logs",
        self: stream,
        parents: [self],
        resource: r,
      });
    }
  }
  return out;
}
