/**
 * Pulumi unit-test mocks that return realistic computed values (ARNs, ids, digests, DNS names) instead of
 * echoing inputs, so that everything downstream of a computed value is exercised. Deterministic: the same
 * program gives the same values, so plan files diff cleanly.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { digestOfRef } from "../../policy-pack/lib/facts";

/** The AWS account id the offline preview pretends to run in. */
export const MOCK_ACCOUNT_ID = "123456789012";

/** Hex digest of the joined parts. */
export function hashOf(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

/**
 * The digest the offline preview gives the image built from `tag` (`ghcr.io/OWNER/NAME:<sha>`): sha256 of the
 * tag. A real build's digest is only known after the build; production pins this value in the offline stacks.
 */
export function mockDigest(tag: string): string {
  return `sha256:${hashOf("image", tag)}`;
}

/** Options of {@link createMocks}. */
export interface MockOptions {
  /** AWS region of ARNs and DNS names. */
  region: string;
  /** Stack outputs returned by StackReferences, by referenced stack name. */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /**
   * The stack being previewed, `ORG/PROJECT/STACK`: a StackReference to it reads its last deployment's outputs,
   * {@link MockOptions.previousOutputs} (none given: a stack never deployed, which has no outputs).
   */
  self?: string;
  /** The previewed stack's last outputs (`pulumi stack output --json --show-secrets`), for a reference to itself. */
  previousOutputs?: Record<string, unknown>;
  /**
   * The network the stack file declares. Route-table lookups are answered from it: each private subnet is
   * explicitly associated with a table whose `0.0.0.0/0` goes to a declared NAT gateway; this is what the
   * offline preview assumes, and what a real `pulumi preview` reads from AWS.
   */
  network?: {
    vpcId: string;
    privateSubnetIds: string[];
    egress: { natGatewayIds: string[] };
    /** Subnets with no explicit route-table association (they use the VPC's main table). Default: none. */
    mainTableSubnets?: string[];
  };
  /**
   * GitHub owners that are user accounts, not organisations: `getOrganization` fails for them as GitHub's
   * `GET /orgs/OWNER` does (404). Default: none (the offline preview assumes the owner is an organisation).
   */
  userAccounts?: string[];
  /**
   * Filled with what the GitHub user and team lookups answered, id -> `@LOGIN` or `team SLUG`, so a plan can name
   * the reviewers its environments hold by id. Default: not recorded.
   */
  githubNames?: Map<string, string>;
}

/** The route table the offline preview assumes for a private subnet of the stack file. */
function assumedRouteTable(opts: MockOptions, inputs: State): State {
  const net = opts.network;
  const filters = (inputs.filters as Array<{ name: string; values: string[] }> | undefined) ?? [];
  const mainOf = filters.some((f) => f.name === "association.main" && f.values.includes("true"));
  if (net && mainOf && inputs.vpcId === net.vpcId) {
    // The VPC's main route table, used by subnets without an explicit association.
    return {
      id: `rtb-${hashOf("main-route-table", net.vpcId).slice(0, 17)}`,
      routeTableId: `rtb-${hashOf("main-route-table", net.vpcId).slice(0, 17)}`,
      vpcId: net.vpcId,
      routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: net.egress.natGatewayIds[0] }],
      associations: [{ main: true }],
      tags: {},
    };
  }
  const i = net ? net.privateSubnetIds.indexOf(String(inputs.subnetId)) : -1;
  if (!net || i < 0 || net.mainTableSubnets?.includes(String(inputs.subnetId))) {
    // As the provider does: the subnet filter matches explicit associations only.
    throw new Error("query returned no results. Please change your search criteria and try again");
  }
  const nat = net.egress.natGatewayIds[i % net.egress.natGatewayIds.length];
  return {
    id: `rtb-${hashOf("route-table", String(inputs.subnetId)).slice(0, 17)}`,
    routeTableId: `rtb-${hashOf("route-table", String(inputs.subnetId)).slice(0, 17)}`,
    vpcId: net.vpcId,
    subnetId: inputs.subnetId,
    routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat }],
    associations: [{ subnetId: inputs.subnetId, main: false }],
    tags: {},
  };
}

type State = Record<string, unknown>;

function awsArn(service: string, region: string, resource: string): string {
  return `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${resource}`;
}

/** What a computed-output function sees: the region, a hash of type and name, the physical name, the inputs. */
interface Computing {
  name: string;
  inputs: State;
  /** Region. */
  r: string;
  /** Hex hash of type and name: stable ids and suffixes. */
  h: string;
  /** Physical name: the `name` input, else the logical name. */
  n: string;
}

type ComputedOutputs = (c: Computing) => { id: string; extra: State };

/** Computed outputs of IAM, logs and secrets. */
const IAM_LOGS_SECRETS: Record<string, ComputedOutputs> = {
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ({ inputs }) => {
    const host = String(inputs.url ?? "").replace(/^https:\/\//, "");
    const arn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${host}`;
    return { id: arn, extra: { arn } };
  },
  "aws:iam/role:Role": ({ h, n }) => ({
    id: n,
    extra: {
      arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${n}`,
      name: n,
      uniqueId: `AROA${h.slice(0, 17).toUpperCase()}`,
    },
  }),
  "aws:cloudwatch/logGroup:LogGroup": ({ r, n }) => ({
    id: n,
    extra: { arn: awsArn("logs", r, `log-group:${n}`), name: n },
  }),
  "aws:secretsmanager/secret:Secret": ({ r, h, n }) => ({
    id: awsArn("secretsmanager", r, `secret:${n}-${h.slice(0, 6)}`),
    extra: { arn: awsArn("secretsmanager", r, `secret:${n}-${h.slice(0, 6)}`) },
  }),
  "aws:secretsmanager/secretVersion:SecretVersion": ({ h }) => ({
    id: `${h.slice(0, 8)}|${h.slice(8, 16)}`,
    extra: { versionId: h.slice(0, 32) },
  }),
};

/** Computed outputs of ECS, EC2 and the load balancer. */
const ECS_AND_LOAD_BALANCING: Record<string, ComputedOutputs> = {
  "aws:ecs/cluster:Cluster": ({ r, n }) => ({
    id: awsArn("ecs", r, `cluster/${n}`),
    extra: { arn: awsArn("ecs", r, `cluster/${n}`), name: n },
  }),
  "aws:ecs/taskDefinition:TaskDefinition": ({ r, inputs }) => ({
    id: String(inputs.family),
    extra: { arn: awsArn("ecs", r, `task-definition/${inputs.family}:1`), revision: 1 },
  }),
  "aws:ecs/service:Service": ({ r, n }) => ({
    id: awsArn("ecs", r, `service/${n}`),
    extra: { name: n },
  }),
  "aws:ec2/securityGroup:SecurityGroup": ({ r, h }) => ({
    id: `sg-${h.slice(0, 17)}`,
    extra: { arn: awsArn("ec2", r, `security-group/sg-${h.slice(0, 17)}`) },
  }),
  "aws:lb/loadBalancer:LoadBalancer": ({ r, h, n }) => {
    const suffix = `app/${n}/${h.slice(0, 16)}`;
    return {
      id: awsArn("elasticloadbalancing", r, `loadbalancer/${suffix}`),
      extra: {
        arn: awsArn("elasticloadbalancing", r, `loadbalancer/${suffix}`),
        arnSuffix: suffix,
        dnsName: `${n}-${parseInt(h.slice(0, 8), 16)}.${r}.elb.amazonaws.com`,
        zoneId: "Z32O12XQLNTSW2",
      },
    };
  },
  "aws:lb/targetGroup:TargetGroup": ({ r, h, n }) => {
    const suffix = `targetgroup/${n}/${h.slice(0, 16)}`;
    return {
      id: awsArn("elasticloadbalancing", r, suffix),
      extra: { arn: awsArn("elasticloadbalancing", r, suffix), arnSuffix: suffix },
    };
  },
  "aws:lb/listener:Listener": ({ h, inputs }) => {
    // listener/app/LB-NAME/LB-ID/LISTENER-ID: the load balancer's ARN with a listener id (ELBv2 ARN format).
    const arn = `${String(inputs.loadBalancerArn ?? "").replace(":loadbalancer/", ":listener/")}/${h.slice(0, 16)}`;
    return { id: arn, extra: { arn } };
  },
  "aws:lb/listenerRule:ListenerRule": ({ h, inputs }) => {
    const listener = String(inputs.listenerArn ?? "").replace(":listener/", ":listener-rule/");
    const arn = `${listener}/${h.slice(0, 16)}`;
    return { id: arn, extra: { arn } };
  },
};

/** Computed outputs of alarms, dashboards and AppConfig. */
const ALARMS_AND_APPCONFIG: Record<string, ComputedOutputs> = {
  "aws:sns/topic:Topic": ({ r, n }) => ({
    id: awsArn("sns", r, n),
    extra: { arn: awsArn("sns", r, n), name: n },
  }),
  "aws:cloudwatch/metricAlarm:MetricAlarm": ({ r, n }) => ({
    id: n,
    extra: { arn: awsArn("cloudwatch", r, `alarm:${n}`), name: n },
  }),
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": ({ r, inputs }) => ({
    id: String(inputs.alarmName),
    extra: { arn: awsArn("cloudwatch", r, `alarm:${inputs.alarmName}`) },
  }),
  "aws:cloudwatch/dashboard:Dashboard": ({ inputs }) => ({
    id: String(inputs.dashboardName),
    extra: { dashboardArn: `arn:aws:cloudwatch::${MOCK_ACCOUNT_ID}:dashboard/${inputs.dashboardName}` },
  }),
  "aws:appconfig/application:Application": ({ r, h }) => ({
    id: h.slice(0, 7),
    extra: { arn: awsArn("appconfig", r, `application/${h.slice(0, 7)}`) },
  }),
  // The provider's id of an environment is ENVIRONMENT_ID:APPLICATION_ID (its import documentation).
  "aws:appconfig/environment:Environment": ({ h, inputs }) => ({
    id: `${h.slice(0, 7)}:${inputs.applicationId}`,
    extra: { environmentId: h.slice(0, 7) },
  }),
  "aws:appconfig/configurationProfile:ConfigurationProfile": ({ h, inputs }) => ({
    id: `${h.slice(0, 7)}:${inputs.applicationId}`,
    extra: { configurationProfileId: h.slice(0, 7) },
  }),
  "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion": ({ inputs }) => ({
    id: `${inputs.applicationId}/${inputs.configurationProfileId}/1`,
    extra: { versionNumber: 1 },
  }),
  "aws:appconfig/deployment:Deployment": ({ inputs }) => ({
    id: `${inputs.applicationId}/${inputs.environmentId}/1`,
    extra: { deploymentNumber: 1 },
  }),
};

/** Computed outputs of images and GitHub. */
const IMAGES_AND_GITHUB: Record<string, ComputedOutputs> = {
  "docker-build:index:Image": ({ inputs, name }) => {
    const tag = ((inputs.tags as string[] | undefined) ?? [name])[0];
    const digest = mockDigest(tag);
    return { id: tag, extra: { digest, ref: `${tag.replace(/:[^:/]+$/, "")}@${digest}` } };
  },
  "docker-build:index:Index": ({ h, inputs }) => {
    const source = ((inputs.sources as string[] | undefined) ?? [""])[0];
    const digest = digestOfRef(source) ?? `sha256:${h}`;
    return {
      id: String(inputs.tag),
      extra: { ref: `${String(inputs.tag).replace(/:[^:/]+$/, "")}@${digest}` },
    };
  },
  "github:index/repository:Repository": ({ h, n }) => ({
    id: n,
    extra: { fullName: `${n}`, nodeId: `R_${h.slice(0, 12)}`, repoId: parseInt(h.slice(0, 8), 16) },
  }),
  "github:index/repositoryRuleset:RepositoryRuleset": ({ h }) => ({
    id: String(parseInt(h.slice(0, 6), 16)),
    extra: { rulesetId: parseInt(h.slice(0, 6), 16), etag: h.slice(0, 16) },
  }),
  "github:index/repositoryEnvironment:RepositoryEnvironment": ({ inputs }) => ({
    id: `${inputs.repository}:${inputs.environment}`,
    extra: {},
  }),
};

const COMPUTED: Record<string, ComputedOutputs> = {
  ...IAM_LOGS_SECRETS,
  ...ECS_AND_LOAD_BALANCING,
  ...ALARMS_AND_APPCONFIG,
  ...IMAGES_AND_GITHUB,
};

/** Computed outputs per resource type; inputs are kept as well, as the engine would. Other types: an id only. */
function computed(
  type: string,
  name: string,
  inputs: State,
  opts: MockOptions,
): { id: string; extra: State } {
  const h = hashOf(type, name);
  const c: Computing = {
    name,
    inputs,
    r: opts.region,
    h,
    n: (inputs.name as string | undefined) ?? name,
  };
  return COMPUTED[type]?.(c) ?? { id: `${name}-${h.slice(0, 8)}`, extra: {} };
}

/**
 * The outputs this program exports and reads back from its last deployment (`environmentProfile`, `apps`; neither
 * holds a secret), taken from a `--previous-outputs` file. Any other key is left out: printed with `--show-secrets`,
 * the file may hold another program's secret outputs in clear, and the plan would record them.
 */
function ownOutputs(previous: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ["environmentProfile", "apps"]) if (previous && key in previous) out[key] = previous[key];
  return out;
}

/**
 * Builds the mocks of the offline preview.
 *
 * @throws Error (from `newResource`) when a StackReference names a stack whose outputs were not given.
 */
export function createMocks(opts: MockOptions): pulumi.runtime.Mocks {
  return {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
      if (!args.custom && args.type !== "pulumi:pulumi:StackReference") return { id: undefined, state: {} };
      if (args.type === "pulumi:pulumi:StackReference") {
        const ref = String(args.inputs.name);
        const outputs = ref === opts.self ? ownOutputs(opts.previousOutputs) : opts.stackOutputs?.[ref];
        if (!outputs)
          throw new Error(
            `StackReference ${ref}: no such stack (offline preview has outputs of ${Object.keys(opts.stackOutputs ?? {}).join(", ") || "none"})`,
          );
        return { id: ref, state: { name: ref, outputs, secretOutputNames: [] } };
      }
      const { id, extra } = computed(args.type, args.name, args.inputs as State, opts);
      return { id, state: { ...args.inputs, ...extra } };
    },
    call(args: pulumi.runtime.MockCallArgs): State {
      switch (args.token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return {
            accountId: MOCK_ACCOUNT_ID,
            arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/offline-preview`,
            userId: "AIDAOFFLINEPREVIEW",
            id: MOCK_ACCOUNT_ID,
          };
        case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": {
          // The offline preview assumes the provider exists (the owning stack creates it at bootstrap).
          const host = String(args.inputs.url ?? "").replace(/^https:\/\//, "");
          return {
            arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${host}`,
            url: host,
            clientIdLists: ["sts.amazonaws.com"],
            thumbprintLists: [],
            tags: {},
          };
        }
        case "aws:ec2/getSubnet:getSubnet": {
          // Subnets of the stack file are in its VPC; any other id does not exist, as in AWS.
          const id = String(args.inputs.id);
          const net = opts.network;
          if (!net || !net.privateSubnetIds.includes(id))
            throw new Error(
              `no matching EC2 Subnet found (offline preview knows the stack file's subnets only)`,
            );
          return { id, vpcId: net.vpcId, availabilityZone: "", cidrBlock: "", tags: {} };
        }
        case "aws:ec2/getRouteTable:getRouteTable":
          return assumedRouteTable(opts, args.inputs as State);
        case "github:index/getUser:getUser": {
          const login = String(args.inputs.username);
          const id = String(parseInt(hashOf("user", login).slice(0, 7), 16));
          opts.githubNames?.set(id, `@${login}`);
          return { id, login, name: login };
        }
        case "github:index/getOrganization:getOrganization": {
          const name = String(args.inputs.name);
          if (opts.userAccounts?.includes(name))
            throw new Error(`GET https://api.github.com/orgs/${name}: 404 Not Found []`);
          return {
            id: String(parseInt(hashOf("org", name).slice(0, 7), 16)),
            login: name,
            name,
            orgname: name,
          };
        }
        case "github:index/getTeam:getTeam": {
          const slug = String(args.inputs.slug);
          const id = String(parseInt(hashOf("team", slug).slice(0, 7), 16));
          opts.githubNames?.set(id, `team ${slug}`);
          return { id, slug, name: slug };
        }
        default:
          throw new Error(`offline preview: no mock for the provider function ${args.token}`);
      }
    },
  };
}
