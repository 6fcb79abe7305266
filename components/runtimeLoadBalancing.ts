/**
 * How traffic reaches a `ServiceRuntime`'s tasks: the security groups, the internet-facing load balancer with its
 * target group and listeners, and, for canary and linear deployments, what ECS needs to shift traffic between two
 * target groups.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import { trafficShiftPolicy } from "./runtimePolicies";
import { rolePolicy, serviceRole } from "./runtimeAccess";
import type { RuntimeScope } from "./ServiceRuntime";

/** The security groups of the load balancer and of the tasks. */
export interface SecurityGroups {
  albSg: aws.ec2.SecurityGroup;
  serviceSg: aws.ec2.SecurityGroup;
}

/** What {@link loadBalancing} hands on. */
export interface LoadBalancing {
  loadBalancer: aws.lb.LoadBalancer;
  targetGroup: aws.lb.TargetGroup;
  https: aws.lb.Listener;
  /** The HTTPS listener: the service registers its tasks in a target group the load balancer forwards to. */
  startAfter: pulumi.Resource[];
}

/** What {@link trafficShifting} hands on: what the service's load balancer configuration names. */
export interface TrafficShifting {
  /** The target group of the new revision during a deployment (ECS alternates the two). */
  alternate: aws.lb.TargetGroup;
  rule: aws.lb.ListenerRule;
  role: aws.iam.Role;
  /** The rule and the role's policy: ECS re-weights the rule with that role from the first deployment on. */
  startAfter: pulumi.Resource[];
}

/** Security groups: the ALB takes HTTP(S) from the internet; tasks take only the ALB's traffic. */
export function securityGroups(scope: RuntimeScope): SecurityGroups {
  const { name, settings: a } = scope;
  const anywhere = { cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] };
  const albSg = new aws.ec2.SecurityGroup(
    `${name}-alb-sg`,
    {
      vpcId: a.vpcId,
      description: `${a.app} ${a.environment} load balancer: HTTPS and HTTP (redirect) from the internet`,
      ingress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, ...anywhere, description: "HTTPS" },
        {
          protocol: "tcp",
          fromPort: 80,
          toPort: 80,
          ...anywhere,
          description: "HTTP, redirected to HTTPS",
        },
      ],
      egress: [
        {
          protocol: "tcp",
          fromPort: a.port,
          toPort: a.port,
          cidrBlocks: ["0.0.0.0/0"],
          description: "to tasks",
        },
      ],
      tags: a.tags,
    },
    { parent: scope.parent },
  );
  const serviceSg = new aws.ec2.SecurityGroup(
    `${name}-service-sg`,
    {
      vpcId: a.vpcId,
      description: `${a.app} ${a.environment} tasks: only from the load balancer`,
      ingress: [
        {
          protocol: "tcp",
          fromPort: a.port,
          toPort: a.port,
          securityGroups: [albSg.id],
          description: "from the ALB",
        },
      ],
      egress: [
        {
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          cidrBlocks: ["0.0.0.0/0"],
          description: "image pulls (ghcr.io through NAT), Secrets Manager, logs, AppConfig, databases",
        },
      ],
      tags: a.tags,
    },
    { parent: scope.parent },
  );
  return { albSg, serviceSg };
}

/** The load balancer, its target group (readiness check, stickiness) and listeners (HTTP redirects to HTTPS). */
export function loadBalancing(scope: RuntimeScope, albSg: aws.ec2.SecurityGroup): LoadBalancing {
  const { name, names, settings: a } = scope;
  const loadBalancer = new aws.lb.LoadBalancer(
    `${name}-alb`,
    {
      name: names.loadBalancer.name,
      loadBalancerType: "application",
      internal: false,
      securityGroups: [albSg.id],
      subnets: a.publicSubnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: a.deletionProtection,
      tags: a.tags,
    },
    { parent: scope.parent, protect: a.deletionProtection },
  );
  const targetGroup = targetGroupOf(scope, `${name}-tg`, names.targetGroup.name);
  const https = new aws.lb.Listener(
    `${name}-https`,
    {
      loadBalancerArn: loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: a.sslPolicy,
      certificateArn: a.certificateArn,
      defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      tags: a.tags,
    },
    { parent: scope.parent },
  );
  new aws.lb.Listener(
    `${name}-http-redirect`,
    {
      loadBalancerArn: loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultActions: [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ],
      tags: a.tags,
    },
    { parent: scope.parent },
  );
  return { loadBalancer, targetGroup, https, startAfter: [https] };
}

/** A target group of the tasks: IP targets, readiness health check, stickiness as configured. */
function targetGroupOf(scope: RuntimeScope, logicalName: string, physicalName: string): aws.lb.TargetGroup {
  const a = scope.settings;
  return new aws.lb.TargetGroup(
    logicalName,
    {
      name: physicalName,
      port: a.port,
      protocol: "HTTP",
      targetType: "ip",
      vpcId: a.vpcId,
      deregistrationDelay: 30,
      healthCheck: {
        enabled: true,
        path: a.readinessPath,
        matcher: "200",
        protocol: "HTTP",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      stickiness: {
        type: "lb_cookie",
        enabled: a.stickiness.enabled,
        cookieDuration: a.stickiness.durationSeconds,
      },
      tags: a.tags,
    },
    { parent: scope.parent },
  );
}

/**
 * What ECS needs to shift traffic in a canary or linear deployment (ECS developer guide, "Application Load
 * Balancer resources for blue/green, linear, and canary deployments"): an alternate target group; a production
 * listener rule on the HTTPS listener forwarding all paths to both groups (100/0), whose weights ECS rewrites
 * during each deployment (so the program ignores changes to its actions); and a role `ecs.amazonaws.com` assumes
 * with the actions of AWS's `AmazonECSInfrastructureRolePolicyForLoadBalancers` on this app's own groups,
 * listener and rule only (the managed policy allows them on every load balancer of the account, another app's
 * too).
 */
export function trafficShifting(
  scope: RuntimeScope,
  { targetGroup, https }: Pick<LoadBalancing, "targetGroup" | "https">,
): TrafficShifting {
  const { name, names, settings: a } = scope;
  const alternate = targetGroupOf(scope, `${name}-tg-alt`, names.alternateTargetGroup.name);
  const rule = new aws.lb.ListenerRule(
    `${name}-production-rule`,
    {
      listenerArn: https.arn,
      priority: 1,
      conditions: [{ pathPattern: { values: ["/*"] } }],
      actions: [
        {
          type: "forward",
          forward: {
            targetGroups: [
              { arn: targetGroup.arn, weight: 100 },
              { arn: alternate.arn, weight: 0 },
            ],
            // A sticky app keeps a client on one group while the weights shift: target stickiness alone does
            // not hold across the groups of a weighted forward (ELB guide, "Listener rules", "Target group
            // stickiness").
            ...(a.stickiness.enabled
              ? { stickiness: { enabled: true, duration: a.stickiness.durationSeconds } }
              : {}),
          },
        },
      ],
      tags: a.tags,
    },
    // ECS moves the weights between the groups on every deployment: not drift to undo.
    { parent: scope.parent, ignoreChanges: ["actions"] },
  );
  const role = serviceRole(scope, `${name}-ecs-lb-role`, names.trafficShiftRole.name, "ecs.amazonaws.com");
  const policy = pulumi
    .all([targetGroup.arn, alternate.arn, https.arn, rule.arn])
    .apply(([group, alternateGroup, listener, listenerRule]) =>
      trafficShiftPolicy({ targetGroups: [group, alternateGroup], listener, listenerRule }),
    );
  const shiftPolicy = rolePolicy(scope, `${name}-ecs-lb-policy`, role, policy);
  return { alternate, rule, role, startAfter: [shiftPolicy, rule] };
}
