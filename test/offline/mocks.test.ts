/**
 * The offline preview's mocks (`src/offline/mocks.ts`) answer as the services and providers do: ARNs in each
 * service's format (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, the region empty for IAM and dashboards),
 * ids in the provider's import format, the route-table lookup as the AWS provider's `getRouteTable` (the main table
 * only for its `association.main` filter, a subnet's table only for an explicit association, else the provider's
 * no-result error), stack references to the stack's own outputs or the given ones, and GitHub lookups recorded.
 */
import * as assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { createMocks, hashOf, MockOptions, mockDigest, MOCK_ACCOUNT_ID } from "../../src/offline/mocks";

const REGION = "eu-west-1";
const NET = {
  vpcId: "vpc-0123456789abcdef0",
  privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  egress: { natGatewayIds: ["nat-1", "nat-2"] },
  mainTableSubnets: ["subnet-c"],
};
const NO_RESULT = /^query returned no results\. Please change your search criteria and try again$/;

type State = Record<string, unknown>;

/** `newResource` of the mocks for a custom resource of `type` named `name`. */
function created(type: string, name: string, inputs: State = {}, opts: Partial<MockOptions> = {}) {
  const mocks = createMocks({ region: REGION, ...opts });
  return mocks.newResource({ type, name, inputs, custom: true } as pulumi.runtime.MockResourceArgs) as {
    id: string;
    state: State;
  };
}

/** `call` of the mocks. */
function called(token: string, inputs: State, opts: Partial<MockOptions> = {}): State {
  const mocks = createMocks({ region: REGION, ...opts });
  return mocks.call({ token, inputs } as pulumi.runtime.MockCallArgs) as State;
}

/** An ARN's parts (the resource keeps its colons). */
function arn(value: unknown): { service: string; region: string; account: string; resource: string } {
  const parts = String(value).split(":");
  assert.deepEqual(parts.slice(0, 2), ["arn", "aws"], String(value));
  return { service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(":") };
}

const hex = (n: number) => `[0-9a-f]{${n}}`;

describe("offline mocks: computed outputs as the services give them", function () {
  it("hashes parts apart and gives an image a sha256 digest of its tag", function () {
    assert.notEqual(hashOf("a", "b"), hashOf("ab"));
    assert.equal(hashOf("a", "b"), hashOf("a", "b"));
    assert.match(hashOf("x"), new RegExp(`^${hex(64)}$`));
    assert.equal(mockDigest("ghcr.io/o/a:1"), `sha256:${hashOf("image", "ghcr.io/o/a:1")}`);
  });

  it("IAM, logs and secrets: ARNs of the account, names kept", function () {
    const role = created("aws:iam/role:Role", "r", { name: "deploy" });
    assert.equal(role.id, "deploy");
    assert.deepEqual(arn(role.state.arn), {
      service: "iam",
      region: "",
      account: MOCK_ACCOUNT_ID,
      resource: "role/deploy",
    });
    assert.match(String(role.state.uniqueId), /^AROA[0-9A-F]{17}$/);
    const oidc = created("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "o", {
      url: "https://token.actions.githubusercontent.com",
    });
    assert.equal(
      oidc.id,
      `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`,
    );
    assert.equal(oidc.state.arn, oidc.id);
    const logs = created("aws:cloudwatch/logGroup:LogGroup", "lg", { name: "/ecs/app" });
    assert.deepEqual([logs.id, logs.state.name], ["/ecs/app", "/ecs/app"]);
    assert.deepEqual(arn(logs.state.arn), {
      service: "logs",
      region: REGION,
      account: MOCK_ACCOUNT_ID,
      resource: "log-group:/ecs/app",
    });
    const secret = created("aws:secretsmanager/secret:Secret", "s", { name: "app/db" });
    assert.equal(secret.state.arn, secret.id);
    const s = arn(secret.id);
    assert.deepEqual([s.service, s.region, s.account], ["secretsmanager", REGION, MOCK_ACCOUNT_ID]);
    // Secrets Manager appends a hyphen and six characters to the name.
    assert.match(s.resource, new RegExp(`^secret:app/db-${hex(6)}$`));
    const version = created("aws:secretsmanager/secretVersion:SecretVersion", "v");
    assert.match(version.id, new RegExp(`^${hex(8)}\\|${hex(8)}$`));
    assert.match(String(version.state.versionId), new RegExp(`^${hex(32)}$`));
  });

  it("ECS and EC2: cluster, task definition revision 1, service, security group", function () {
    const cluster = created("aws:ecs/cluster:Cluster", "c", { name: "apps" });
    assert.equal(cluster.state.arn, cluster.id);
    assert.deepEqual(arn(cluster.id), {
      service: "ecs",
      region: REGION,
      account: MOCK_ACCOUNT_ID,
      resource: "cluster/apps",
    });
    assert.equal(cluster.state.name, "apps");
    const task = created("aws:ecs/taskDefinition:TaskDefinition", "t", { family: "app-stg" });
    assert.deepEqual([task.id, task.state.revision], ["app-stg", 1]);
    assert.equal(arn(task.state.arn).resource, "task-definition/app-stg:1");
    const service = created("aws:ecs/service:Service", "svc", { name: "app" });
    assert.deepEqual([arn(service.id).resource, service.state.name], ["service/app", "app"]);
    const sg = created("aws:ec2/securityGroup:SecurityGroup", "sg");
    assert.match(sg.id, new RegExp(`^sg-${hex(17)}$`));
    assert.deepEqual(arn(sg.state.arn), {
      service: "ec2",
      region: REGION,
      account: MOCK_ACCOUNT_ID,
      resource: `security-group/${sg.id}`,
    });
  });

  it("the load balancer, its target group, listener and rule: ELBv2 ARNs, suffixes and DNS name", function () {
    const lb = created("aws:lb/loadBalancer:LoadBalancer", "lb", { name: "app-stg" });
    assert.equal(lb.state.arn, lb.id);
    const l = arn(lb.id);
    assert.deepEqual([l.service, l.region, l.account], ["elasticloadbalancing", REGION, MOCK_ACCOUNT_ID]);
    assert.match(l.resource, new RegExp(`^loadbalancer/app/app-stg/${hex(16)}$`));
    assert.equal(lb.state.arnSuffix, l.resource.replace(/^loadbalancer\//, ""));
    assert.match(String(lb.state.dnsName), /^app-stg-\d+\.eu-west-1\.elb\.amazonaws\.com$/);
    assert.match(String(lb.state.zoneId), /^Z[0-9A-Z]+$/);
    const tg = created("aws:lb/targetGroup:TargetGroup", "tg", { name: "app-stg-tg" });
    const t = arn(tg.id);
    assert.equal(tg.state.arn, tg.id);
    assert.match(t.resource, new RegExp(`^targetgroup/app-stg-tg/${hex(16)}$`));
    assert.equal(tg.state.arnSuffix, t.resource);
    const listener = created("aws:lb/listener:Listener", "https", { loadBalancerArn: lb.id });
    assert.equal(listener.state.arn, listener.id);
    assert.match(arn(listener.id).resource, new RegExp(`^listener/app/app-stg/${hex(16)}/${hex(16)}$`));
    assert.ok(listener.id.startsWith(lb.id.replace(":loadbalancer/", ":listener/") + "/"));
    const rule = created("aws:lb/listenerRule:ListenerRule", "rule", { listenerArn: listener.id });
    assert.equal(rule.state.arn, rule.id);
    assert.ok(rule.id.startsWith(listener.id.replace(":listener/", ":listener-rule/") + "/"));
    assert.match(
      arn(rule.id).resource,
      new RegExp(`^listener-rule/app/app-stg/${hex(16)}/${hex(16)}/${hex(16)}$`),
    );
  });

  it("alarms, topics and dashboards: CloudWatch and SNS ARNs, the dashboard's without a region", function () {
    const topic = created("aws:sns/topic:Topic", "t", { name: "alerts" });
    assert.deepEqual([topic.state.arn, topic.state.name], [topic.id, "alerts"]);
    assert.deepEqual(arn(topic.id), {
      service: "sns",
      region: REGION,
      account: MOCK_ACCOUNT_ID,
      resource: "alerts",
    });
    const alarm = created("aws:cloudwatch/metricAlarm:MetricAlarm", "a", { name: "app-5xx" });
    assert.deepEqual([alarm.id, alarm.state.name], ["app-5xx", "app-5xx"]);
    assert.deepEqual(arn(alarm.state.arn), {
      service: "cloudwatch",
      region: REGION,
      account: MOCK_ACCOUNT_ID,
      resource: "alarm:app-5xx",
    });
    const composite = created("aws:cloudwatch/compositeAlarm:CompositeAlarm", "c", { alarmName: "app-burn" });
    assert.equal(composite.id, "app-burn");
    assert.equal(arn(composite.state.arn).resource, "alarm:app-burn");
    const board = created("aws:cloudwatch/dashboard:Dashboard", "d", { dashboardName: "app" });
    assert.equal(board.id, "app");
    assert.deepEqual(arn(board.state.dashboardArn), {
      service: "cloudwatch",
      region: "",
      account: MOCK_ACCOUNT_ID,
      resource: "dashboard/app",
    });
  });

  it("AppConfig: 7-character ids, and each resource's id in its provider's import format", function () {
    const app = created("aws:appconfig/application:Application", "a");
    assert.match(app.id, /^[0-9a-f]{7}$/);
    assert.equal(arn(app.state.arn).resource, `application/${app.id}`);
    const env = created("aws:appconfig/environment:Environment", "e", { applicationId: app.id });
    // ENVIRONMENT_ID:APPLICATION_ID
    assert.equal(env.id, `${env.state.environmentId}:${app.id}`);
    assert.match(String(env.state.environmentId), /^[0-9a-f]{7}$/);
    const profile = created("aws:appconfig/configurationProfile:ConfigurationProfile", "p", {
      applicationId: app.id,
    });
    assert.equal(profile.id, `${profile.state.configurationProfileId}:${app.id}`);
    assert.match(String(profile.state.configurationProfileId), /^[0-9a-f]{7}$/);
    const version = created("aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion", "v", {
      applicationId: app.id,
      configurationProfileId: "p1",
    });
    assert.deepEqual([version.id, version.state.versionNumber], [`${app.id}/p1/1`, 1]);
    const deployment = created("aws:appconfig/deployment:Deployment", "d", {
      applicationId: app.id,
      environmentId: "e1",
    });
    assert.deepEqual([deployment.id, deployment.state.deploymentNumber], [`${app.id}/e1/1`, 1]);
  });

  it("images: the first tag's digest and a repository@digest ref; an index takes its source's digest", function () {
    const tag = "ghcr.io/o/app:0123";
    const image = created("docker-build:index:Image", "img", { tags: [tag, "ghcr.io/o/app:staging"] });
    assert.equal(image.id, tag);
    assert.equal(image.state.digest, mockDigest(tag));
    assert.equal(image.state.ref, `ghcr.io/o/app@${mockDigest(tag)}`);
    const untagged = created("docker-build:index:Image", "img2");
    assert.equal(untagged.id, "img2");
    const source = `ghcr.io/o/app@${mockDigest(tag)}`;
    const index = created("docker-build:index:Index", "alias", {
      tag: "ghcr.io/o/app:prod",
      sources: [source],
    });
    assert.deepEqual([index.id, index.state.ref], ["ghcr.io/o/app:prod", source]);
    const loose = created("docker-build:index:Index", "alias2", {
      tag: "ghcr.io/o/app:prod",
      sources: ["x"],
    });
    assert.match(String(loose.state.ref), new RegExp(`^ghcr\\.io/o/app@sha256:${hex(64)}$`));
  });

  it("GitHub resources: the repository by name, numeric ruleset ids, an environment as REPO:ENV", function () {
    const repo = created("github:index/repository:Repository", "r", { name: "app" });
    assert.deepEqual([repo.id, repo.state.fullName], ["app", "app"]);
    assert.match(String(repo.state.nodeId), new RegExp(`^R_${hex(12)}$`));
    assert.ok(Number.isInteger(repo.state.repoId));
    const ruleset = created("github:index/repositoryRuleset:RepositoryRuleset", "main");
    assert.equal(ruleset.id, String(ruleset.state.rulesetId));
    assert.match(String(ruleset.state.etag), new RegExp(`^${hex(16)}$`));
    const env = created("github:index/repositoryEnvironment:RepositoryEnvironment", "e", {
      repository: "app",
      environment: "production",
    });
    assert.equal(env.id, "app:production");
  });

  it("keeps the inputs, gives any other type NAME-HASH, and a component no id", function () {
    const other = created("aws:ec2/vpc:Vpc", "net", { cidrBlock: "10.0.0.0/16" });
    assert.match(other.id, new RegExp(`^net-${hex(8)}$`));
    assert.equal(other.state.cidrBlock, "10.0.0.0/16");
    const same = created("aws:ec2/vpc:Vpc", "net", { cidrBlock: "10.0.0.0/16" });
    assert.equal(same.id, other.id, "deterministic");
    const component = createMocks({ region: REGION }).newResource({
      type: "cicd:app:Application",
      name: "x",
      inputs: { a: 1 },
      custom: false,
    } as pulumi.runtime.MockResourceArgs);
    assert.deepEqual(component, { id: undefined, state: {} });
  });
});

describe("offline mocks: stack references and lookups", function () {
  const ref = (name: string, opts: Partial<MockOptions>) =>
    createMocks({ region: REGION, ...opts }).newResource({
      type: "pulumi:pulumi:StackReference",
      name,
      inputs: { name },
      custom: true,
    } as pulumi.runtime.MockResourceArgs) as { id: string; state: State };

  it("a reference to the stack itself reads its own exported outputs only; another, the given outputs", function () {
    const previous = { environmentProfile: { e: 1 }, apps: { a: 1 }, token: "leak" };
    assert.deepEqual(ref("o/p/staging", { self: "o/p/staging", previousOutputs: previous }), {
      id: "o/p/staging",
      state: {
        name: "o/p/staging",
        outputs: { environmentProfile: { e: 1 }, apps: { a: 1 } },
        secretOutputNames: [],
      },
    });
    assert.deepEqual(ref("o/p/staging", { self: "o/p/staging" }).state.outputs, {});
    const given = { "o/p/staging": { x: 1 } };
    assert.deepEqual(ref("o/p/staging", { stackOutputs: given, self: "o/p/production" }).state.outputs, {
      x: 1,
    });
    assert.throws(
      () => ref("o/p/qa", { stackOutputs: given }),
      /^Error: StackReference o\/p\/qa: no such stack \(offline preview has outputs of o\/p\/staging\)$/,
    );
    assert.throws(() => ref("o/p/qa", {}), /has outputs of none\)$/);
  });

  it("the caller, the OIDC provider and subnets: the account's, the URL's host, the stack file's subnets only", function () {
    const me = called("aws:index/getCallerIdentity:getCallerIdentity", {});
    assert.equal(me.accountId, MOCK_ACCOUNT_ID);
    assert.equal(arn(me.arn).account, MOCK_ACCOUNT_ID);
    const oidc = called("aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider", {
      url: "https://token.actions.githubusercontent.com",
    });
    assert.deepEqual(
      [arn(oidc.arn).resource, oidc.url],
      ["oidc-provider/token.actions.githubusercontent.com", "token.actions.githubusercontent.com"],
    );
    assert.deepEqual(oidc.clientIdLists, ["sts.amazonaws.com"]);
    const subnet = called("aws:ec2/getSubnet:getSubnet", { id: "subnet-b" }, { network: NET });
    assert.deepEqual([subnet.id, subnet.vpcId], ["subnet-b", NET.vpcId]);
    for (const opts of [{ network: NET }, {}])
      assert.throws(
        () => called("aws:ec2/getSubnet:getSubnet", { id: "subnet-z" }, opts),
        /no matching EC2 Subnet found/,
      );
  });

  it("a subnet's route table: its explicit association, the NAT gateways in turn; none for a main-table subnet", function () {
    const table = (subnetId: string) =>
      called("aws:ec2/getRouteTable:getRouteTable", { subnetId }, { network: NET });
    const a = table("subnet-a");
    const b = table("subnet-b");
    assert.match(String(a.id), new RegExp(`^rtb-${hex(17)}$`));
    assert.notEqual(a.id, b.id);
    assert.deepEqual(
      [a.routeTableId, a.vpcId, a.subnetId, a.routes, a.associations],
      [
        a.id,
        NET.vpcId,
        "subnet-a",
        [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }],
        [{ subnetId: "subnet-a", main: false }],
      ],
    );
    assert.deepEqual(b.routes, [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-2" }]);
    // The provider's subnet filter matches explicit associations only: its no-result error, word for word.
    for (const [subnetId, opts] of [
      ["subnet-c", { network: NET }],
      ["subnet-z", { network: NET }],
      ["subnet-a", {}],
    ] as const)
      assert.throws(
        () => called("aws:ec2/getRouteTable:getRouteTable", { subnetId }, opts),
        (e: Error) => NO_RESULT.test(e.message),
      );
  });

  it("the VPC's main route table: for the association.main filter on the stack file's VPC, and nothing else", function () {
    const main = (inputs: State, opts: Partial<MockOptions> = { network: NET }) =>
      called("aws:ec2/getRouteTable:getRouteTable", inputs, opts);
    const filters = [{ name: "association.main", values: ["true"] }];
    const t = main({ vpcId: NET.vpcId, filters });
    assert.match(String(t.id), new RegExp(`^rtb-${hex(17)}$`));
    assert.deepEqual(
      [t.routeTableId, t.vpcId, t.routes, t.associations, "subnetId" in t],
      [t.id, NET.vpcId, [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }], [{ main: true }], false],
    );
    assert.notEqual(t.id, main({ subnetId: "subnet-a" }).id);
    for (const [inputs, opts] of [
      [{ vpcId: "vpc-other", filters }, { network: NET }],
      [{ vpcId: NET.vpcId, filters: [{ name: "association.main", values: ["false"] }] }, { network: NET }],
      [{ vpcId: NET.vpcId, filters: [{ name: "vpc-id", values: ["true"] }] }, { network: NET }],
      [{ vpcId: NET.vpcId }, { network: NET }],
      [{ vpcId: NET.vpcId, filters }, {}],
    ] as Array<[State, Partial<MockOptions>]>)
      assert.throws(
        () => main(inputs, opts),
        (e: Error) => NO_RESULT.test(e.message),
        JSON.stringify(inputs),
      );
  });

  it("GitHub users and teams get numeric ids, recorded by id; a user account is no organisation; nothing else is mocked", function () {
    const names = new Map<string, string>();
    const user = called("github:index/getUser:getUser", { username: "mathieu" }, { githubNames: names });
    const team = called("github:index/getTeam:getTeam", { slug: "release-managers" }, { githubNames: names });
    assert.match(String(user.id), /^\d+$/);
    assert.deepEqual([user.login, team.slug], ["mathieu", "release-managers"]);
    assert.deepEqual(
      names,
      new Map([
        [String(user.id), "@mathieu"],
        [String(team.id), "team release-managers"],
      ]),
    );
    const org = called("github:index/getOrganization:getOrganization", { name: "acme" });
    assert.deepEqual([org.login, org.name, org.orgname], ["acme", "acme", "acme"]);
    assert.match(String(org.id), /^\d+$/);
    assert.throws(
      () =>
        called("github:index/getOrganization:getOrganization", { name: "solo" }, { userAccounts: ["solo"] }),
      /GET https:\/\/api\.github\.com\/orgs\/solo: 404 Not Found/,
    );
    assert.throws(
      () => called("aws:ec2/getVpc:getVpc", {}),
      /^Error: offline preview: no mock for the provider function aws:ec2\/getVpc:getVpc$/,
    );
  });
});
