/**
 * A security-group evaluator for the tests: whether the rules of the groups attached to a network interface let a
 * packet in (ingress, from a peer) or out (egress, to a peer), as EC2 judges it (Amazon VPC user guide, "Security
 * group rules"): rules only allow; a packet passes when any rule of any attached group matches its protocol, its
 * port and its peer (an IPv4 or IPv6 CIDR, by `net.BlockList`, or a source group attached to the peer).
 */
import { BlockList, isIPv6 } from "node:net";

/** A rule as `aws.ec2.SecurityGroup` takes it inline (`ingress` / `egress`). */
export interface SecurityGroupRule {
  protocol: string;
  fromPort: number;
  toPort: number;
  cidrBlocks?: string[];
  ipv6CidrBlocks?: string[];
  securityGroups?: string[];
  description?: string;
}

/** The other end of a packet: an IP address, and the ids of the groups attached to it (if it is in the VPC). */
export interface Peer {
  address: string;
  groups?: string[];
}

function inCidrs(address: string, cidrs: string[] | undefined): boolean {
  const family = isIPv6(address) ? "ipv6" : "ipv4";
  const list = new BlockList();
  for (const cidr of cidrs ?? []) {
    const [net, prefix] = cidr.split("/");
    if (isIPv6(net) === (family === "ipv6")) list.addSubnet(net, Number(prefix), family);
  }
  return list.check(address, family);
}

/** Whether `rule` matches a packet of `protocol` ("tcp", "udp") to `port` with `peer` at the other end. */
function matches(rule: SecurityGroupRule, protocol: string, port: number, peer: Peer): boolean {
  const allProtocols = rule.protocol === "-1" || rule.protocol === "all";
  if (!allProtocols && rule.protocol !== protocol) return false;
  if (!allProtocols && (port < rule.fromPort || port > rule.toPort)) return false;
  return (
    inCidrs(peer.address, rule.cidrBlocks) ||
    inCidrs(peer.address, rule.ipv6CidrBlocks) ||
    (rule.securityGroups ?? []).some((g) => (peer.groups ?? []).includes(g))
  );
}

/** Whether any of `rules` (the attached groups' ingress, or their egress) lets the packet through. */
export function allows(rules: SecurityGroupRule[], protocol: string, port: number, peer: Peer): boolean {
  return rules.some((r) => matches(r, protocol, port, peer));
}

/**
 * EC2's rule for a group's and a rule's description (API `CreateSecurityGroup` GroupDescription, `IpRange`
 * Description): up to 255 characters of a-z, A-Z, 0-9, spaces and `._-:/()#,@[]+=&;{}!$*`.
 */
export const EC2_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;
