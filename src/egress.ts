/**
 * The route to the internet that tasks in private subnets need: ghcr.io for image pulls (outside AWS, so a NAT
 * gateway even where VPC interface endpoints serve Secrets Manager, CloudWatch Logs and AppConfig). The program
 * does not create it; it reads each private subnet's route table and stops, before registering anything, when
 * `0.0.0.0/0` does not go to a NAT gateway the stack file declares (`network.egress.natGatewayIds`).
 */
import * as aws from "../components/aws";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, ConfigError, ConfigProblem, StackModel } from "./config/model";

/** The default route every private subnet needs. */
export const DEFAULT_ROUTE = "0.0.0.0/0";

/**
 * The route table of a subnet: its explicit association, else the VPC's main route table (the EC2 filter
 * `association.subnet-id` matches explicit associations only, so the lookup by subnet fails for a subnet
 * that uses the main table; terraform-provider-aws `vpc_route_table_data_source.go`).
 */
async function routeTableOf(vpcId: string, subnetId: string): Promise<aws.ec2.GetRouteTableResult> {
  try {
    return await aws.ec2.getRouteTable({ subnetId });
  } catch (err) {
    // Only "no explicit association" falls back; any other failure (permissions, throttling) is reported.
    if (!NO_RESULTS.test(String(err))) throw err;
    return aws.ec2.getRouteTable({ vpcId, filters: [{ name: "association.main", values: ["true"] }] });
  }
}

/** The provider's message when a lookup matches nothing (terraform-provider-aws `vpc_route_table_data_source.go`). */
const NO_RESULTS = /query returned no results|no matching .*route table|empty result/i;

/** What one private subnet's default route is, as a sentence; undefined when it reaches a declared NAT gateway. */
export function egressProblem(
  table: Pick<aws.ec2.GetRouteTableResult, "routeTableId" | "routes">,
  natGatewayIds: readonly string[],
): string | undefined {
  const route = table.routes.find((r) => r.cidrBlock === DEFAULT_ROUTE);
  if (route && natGatewayIds.includes(route.natGatewayId)) return undefined;
  if (!route) return `route table ${table.routeTableId} has no ${DEFAULT_ROUTE} route`;
  const target =
    route.natGatewayId ||
    route.gatewayId ||
    route.transitGatewayId ||
    route.networkInterfaceId ||
    route.vpcPeeringConnectionId ||
    "(no target)";
  return `route table ${table.routeTableId} sends ${DEFAULT_ROUTE} to ${target}`;
}

/**
 * Checks that every private subnet routes `0.0.0.0/0` through one of `network.egress.natGatewayIds`.
 *
 * @throws ConfigError naming the stack, each subnet's key, what was expected and what its route table holds.
 */
export async function checkEgress(model: StackModel): Promise<void> {
  const { vpcId, privateSubnetIds, egress } = model.network;
  const problems: ConfigProblem[] = [];
  // A mistyped subnet or one of another VPC must not pass on the strength of this VPC's main route table.
  const subnets = await Promise.all(privateSubnetIds.map((id) => aws.ec2.getSubnet({ id })));
  subnets.forEach((subnet, i) => {
    if (subnet.vpcId !== vpcId) {
      problems.push({
        key: `${CONFIG_NAMESPACE}:network.privateSubnetIds[${i}]`,
        expected: `a subnet of network.vpcId (${vpcId})`,
        found: `${privateSubnetIds[i]} in ${subnet.vpcId}`,
      });
    }
  });
  if (problems.length) throw new ConfigError(pulumi.getStack(), problems, "subnets read from AWS");
  const tables = await Promise.all(privateSubnetIds.map((s) => routeTableOf(vpcId, s)));
  tables.forEach((table, i) => {
    const found = egressProblem(table, egress.natGatewayIds);
    if (found) {
      problems.push({
        key: `${CONFIG_NAMESPACE}:network.privateSubnetIds[${i}]`,
        expected:
          `a subnet whose ${DEFAULT_ROUTE} route goes to a NAT gateway of network.egress.natGatewayIds ` +
          `(${egress.natGatewayIds.join(", ")}): tasks pull images from ghcr.io`,
        found: `${privateSubnetIds[i]}: ${found}`,
      });
    }
  });
  if (problems.length) throw new ConfigError(pulumi.getStack(), problems, "route tables read from AWS");
}
