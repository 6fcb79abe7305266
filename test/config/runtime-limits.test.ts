/**
 * What AWS refuses at deploy time is refused by the model first (issue: "a runtime that starts and serves"):
 * container health-check ranges, health commands that do not call the health path, name lengths, and private
 * subnets without a route to the internet (read through the route-table invoke, answered offline from the
 * stack file).
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { nameLimitProblems, physicalNames } from "../../components/naming";
import { ConfigError, parseStackConfig, RawStackConfig, StackModel } from "../../src/config/model";
import { readStackFile } from "../../src/config/sources";
import { checkEgress, egressProblem } from "../../src/egress";
import { MockOptions } from "../../src/offline/mocks";
import { recordProgram } from "../../src/offline/preview";
import { ROOT } from "../helpers";

const TODAY = new Date("2026-11-21T00:00:00Z");
const rawOf = (stack: string): RawStackConfig =>
  structuredClone(readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`)).raw);

function problems(stack: string, change: (raw: any) => void): string {
  const raw = rawOf(stack);
  change(raw);
  try {
    parseStackConfig(stack, raw, { today: TODAY, source: `Pulumi.${stack}.yaml` });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.match(err.message, new RegExp(`^Invalid config for stack "${stack}"`));
    return err.message;
  }
  return assert.fail("config was accepted");
}

describe("runtime limits in the config model", () => {
  it("fails when the container start period exceeds ECS's 300 seconds", () => {
    const msg = problems(
      "staging",
      (r) => (r.apps[0].runtime.health = { container: { startPeriodSeconds: 301 } }),
    );
    assert.match(
      msg,
      /apps\[0\]\.runtime\.health\.container\.startPeriodSeconds: expected a value <= 300, found 301/,
    );
  });

  it("fails when the health-check timeout is not below its interval, or outside ECS's ranges", () => {
    const msg = problems(
      "staging",
      (r) => (r.apps[0].runtime.health = { container: { intervalSeconds: 10, timeoutSeconds: 10 } }),
    );
    assert.match(msg, /health\.container\.timeoutSeconds: expected timeoutSeconds below intervalSeconds/);
    assert.match(
      problems("staging", (r) => (r.apps[0].runtime.health = { container: { retries: 11 } })),
      /health\.container\.retries: expected a value <= 10, found 11/,
    );
  });

  it("fails when a canary or linear share is not a multiple of 0.1, as ECS requires", () => {
    const msg = problems(
      "production",
      (r) => (r.apps[0].runtime.deployment = { canaryPercent: 2.55, stepPercent: 3.33 }),
    );
    assert.match(msg, /runtime\.deployment\.canaryPercent: expected a multiple of 0\.1, found 2\.55/);
    assert.match(msg, /runtime\.deployment\.stepPercent: expected a multiple of 0\.1, found 3\.33/);
    const raw = rawOf("production") as any;
    raw.apps[0].runtime.deployment = { canaryPercent: 2.5, stepPercent: 33.3 };
    const model = parseStackConfig("production", raw, { today: TODAY, source: "Pulumi.production.yaml" });
    assert.equal(model.apps[0].runtime.deployment.canaryPercent, 2.5);
  });

  it("fails when a custom health command does not call the app's health URL", () => {
    const msg = problems(
      "production",
      (r) => (r.apps[0].runtime.health = { command: ["CMD-SHELL", "curl -f http://localhost:8000/status"] }),
    );
    assert.match(
      msg,
      /apps\[0\]\.runtime\.health\.command: expected a probe of http:\/\/127\.0\.0\.1:8000\/healthz and nothing else/,
    );
  });

  it("accepts a custom health command that calls the health URL", () => {
    const raw = rawOf("production");
    (raw.apps as any)[0].runtime.health = {
      command: ["CMD-SHELL", "wget -qO- http://127.0.0.1:8000/healthz"],
    };
    const model = parseStackConfig("production", raw, { today: TODAY });
    assert.equal(model.apps[0].runtime.health.command![0], "CMD-SHELL");
  });

  it("fails when no NAT gateway is declared for the private subnets", () => {
    const msg = problems("staging", (r) => (r.network.egress = { natGatewayIds: [] }));
    assert.match(msg, /network\.egress\.natGatewayIds: expected at least 1 item/);
  });

  it("names every AWS name that would be too long, with the limit and its source", () => {
    assert.deepEqual(nameLimitProblems("erp-berhan", "production"), []);
    const long = "a".repeat(60);
    const found = nameLimitProblems(long, "production");
    assert.ok(
      found.some((p) => /^AppConfig application name a{60}-production has 71 characters, at most 64/.test(p)),
      found.join("\n"),
    );
    // Explicit ELB names are shortened, never over 32.
    assert.ok(physicalNames(long, "production").loadBalancer.name.length <= 32);
  });
});

/**
 * Runs the egress check under the mocks, answering route tables and subnets from `network`; returns its error.
 * `subnetLookupError`: the message every route-table lookup by subnet fails with instead.
 */
async function egressError(model: StackModel, network?: MockOptions["network"], subnetLookupError?: string) {
  let error: unknown;
  let routeTableLookups = 0;
  const wrapMocks = (mocks: pulumi.runtime.Mocks): pulumi.runtime.Mocks => ({
    newResource: (args) => mocks.newResource(args),
    call: (args) => {
      if (args.token === "aws:ec2/getRouteTable:getRouteTable") routeTableLookups++;
      if (subnetLookupError && args.token === "aws:ec2/getRouteTable:getRouteTable" && args.inputs.subnetId)
        throw new Error(subnetLookupError);
      return mocks.call(args);
    },
  });
  const { monitor } = await recordProgram(
    { project: "cicd-constitution", stack: "staging", region: model.awsRegion, network, wrapMocks },
    async () => {
      try {
        await checkEgress(model);
      } catch (err) {
        error = err;
      }
      return {};
    },
  );
  return { error, registered: monitor.records.length, routeTableLookups };
}

describe("egress of the private subnets", () => {
  it("a default route to a declared NAT gateway passes; anything else is named", () => {
    const nat = {
      routeTableId: "rtb-1",
      routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-0a" }],
    } as any;
    assert.equal(egressProblem(nat, ["nat-0a"]), undefined);
    const igw = {
      routeTableId: "rtb-2",
      routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "", gatewayId: "igw-1" }],
    } as any;
    assert.equal(egressProblem(igw, ["nat-0a"]), "route table rtb-2 sends 0.0.0.0/0 to igw-1");
    assert.equal(
      egressProblem({ routeTableId: "rtb-3", routes: [] } as any, ["nat-0a"]),
      "route table rtb-3 has no 0.0.0.0/0 route",
    );
  });

  it("names the target of a default route that misses the declared NAT gateways, whatever its kind", () => {
    const table = (route: Record<string, string>) =>
      ({
        routeTableId: "rtb-9",
        routes: [{ cidrBlock: "10.0.0.0/16", natGatewayId: "nat-0a" }, route],
      }) as any;
    const blank = { natGatewayId: "", gatewayId: "", transitGatewayId: "", networkInterfaceId: "" };
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...blank, natGatewayId: "nat-0b" }, "nat-0b"],
      [{ ...blank, transitGatewayId: "tgw-1" }, "tgw-1"],
      [{ ...blank, networkInterfaceId: "eni-1" }, "eni-1"],
      [{ ...blank, vpcPeeringConnectionId: "pcx-1" }, "pcx-1"],
      [{ ...blank, vpcPeeringConnectionId: "" }, "(no target)"],
    ];
    for (const [route, target] of cases) {
      assert.equal(
        egressProblem(table({ cidrBlock: "0.0.0.0/0", ...route }), ["nat-0a"]),
        `route table rtb-9 sends 0.0.0.0/0 to ${target}`,
      );
    }
    // A declared NAT gateway behind another destination than 0.0.0.0/0 is no default route.
    assert.equal(
      egressProblem(table({ cidrBlock: "10.1.0.0/16", natGatewayId: "nat-0a" }), ["nat-0a"]),
      "route table rtb-9 has no 0.0.0.0/0 route",
    );
  });

  it("falls back to the main route table on each of the provider's no-result messages, and on nothing else", async () => {
    const model = parseStackConfig("staging", rawOf("staging"), { today: TODAY });
    // terraform-provider-aws: the SDKv2 "query returned no results", the framework's "no matching EC2 Route Table
    // found" and tfresource's "empty result"; each means "no explicit association", so the main table is read.
    for (const message of [
      "reading EC2 Route Table: query returned no results. Please change your search criteria and try again",
      "reading EC2 Route Table: no matching EC2 Route Table found",
      "reading EC2 Route Table: empty result",
    ]) {
      assert.equal((await egressError(model, model.network, message)).error, undefined, message);
    }
    // Any other failure is the reader's to see: the main table's answer must not hide it.
    const denied =
      "reading EC2 Route Tables: operation error EC2: DescribeRouteTables, api error UnauthorizedOperation";
    const { error, registered } = await egressError(model, model.network, denied);
    assert.match(String((error as Error)?.message), /UnauthorizedOperation/);
    assert.ok(!(error instanceof ConfigError), "reported as AWS answered it, not as a config problem");
    assert.equal(registered, 0);
  });

  it("the program stops with a config error naming each subnet whose route table misses the NAT gateway", async () => {
    const model = parseStackConfig("staging", rawOf("staging"), { today: TODAY });
    // The route tables (answered by the mocks) send 0.0.0.0/0 to another NAT gateway than the stack declares.
    const network = { ...model.network, egress: { natGatewayIds: ["nat-0ffffffffffffffff"] } };
    const { error, registered } = await egressError(model, network);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(
      error.message,
      /^Invalid config for stack "staging" \(route tables read from AWS\): 2 problems/,
    );
    assert.match(
      error.message,
      /network\.privateSubnetIds\[0\]: expected a subnet whose 0\.0\.0\.0\/0 route goes to a NAT gateway of network\.egress\.natGatewayIds \(nat-0a1b2c3d4e5f60718\).*found subnet-0f99e88d77c66b551: route table rtb-[0-9a-f]+ sends 0\.0\.0\.0\/0 to nat-0ffffffffffffffff/,
    );
    assert.equal(registered, 0, "nothing registered");
  });

  it("a subnet without an explicit association is judged by the VPC's main route table", async () => {
    const model = parseStackConfig("staging", rawOf("staging"), { today: TODAY });
    const run = async (network: MockOptions["network"]) => (await egressError(model, network)).error;
    // No explicit association (the subnet lookup fails as the provider's does): the main table routes to the NAT.
    const mainTableSubnets = model.network.privateSubnetIds;
    assert.equal(await run({ ...model.network, mainTableSubnets }), undefined);
    // Main table to another NAT gateway: both subnets are named.
    const error = await run({
      ...model.network,
      mainTableSubnets,
      egress: { natGatewayIds: ["nat-0eeeeeeeeeeeeeeee"] },
    });
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.problems.length, 2);
    assert.match(
      error.problems[1].found,
      /^subnet-0f99e88d77c66b552: route table rtb-[0-9a-f]+ sends 0\.0\.0\.0\/0 to nat-0eeeeeeeeeeeeeeee$/,
    );
  });

  it("a subnet of another VPC is named before any route table is read", async () => {
    const model = parseStackConfig("staging", rawOf("staging"), { today: TODAY });
    const { error, routeTableLookups } = await egressError(model, {
      ...model.network,
      vpcId: "vpc-0999999999999999a",
    });
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /^Invalid config for stack "staging" \(subnets read from AWS\): 2 problems/);
    assert.deepEqual(error.problems[0], {
      key: "cicd-constitution:network.privateSubnetIds[0]",
      expected: "a subnet of network.vpcId (vpc-0a1b2c3d4e5f60718)",
      found: "subnet-0f99e88d77c66b551 in vpc-0999999999999999a",
    });
    assert.equal(error.problems[1].key, "cicd-constitution:network.privateSubnetIds[1]");
    assert.equal(routeTableLookups, 0, "no route table read for a subnet of another VPC");
  });

  it("names every declared NAT gateway in what it expected", async () => {
    const model = parseStackConfig("staging", rawOf("staging"), { today: TODAY });
    const declared = {
      ...model,
      network: { ...model.network, egress: { natGatewayIds: ["nat-0a", "nat-0b"] } },
    };
    const network = { ...model.network, egress: { natGatewayIds: ["nat-0c"] } };
    const { error } = await egressError(declared, network);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(
      error.problems[0].expected,
      /natGatewayIds \(nat-0a, nat-0b\): tasks pull images from ghcr\.io$/,
    );
  });
});
