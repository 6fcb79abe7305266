/**
 * Where and how a `ServiceRuntime`'s tasks run: the cluster, and the ECS service with the deployment
 * configuration of its strategy (rolling, canary, linear) and the time `pulumi up` waits for it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import type { TrafficShifting } from "./runtimeLoadBalancing";
import type { DeploymentStrategy, RuntimeScope } from "./ServiceRuntime";

/**
 * Minutes `pulumi up` waits for a deployment of this strategy to reach a steady state: the provider's default
 * (20 minutes) for rolling; for canary and linear, the shifts and bake times plus those 20 minutes for the tasks
 * to start and register (a linear deployment of 20% every 5 minutes is counted as five waits, one more than it takes: the margin errs long).
 */
export function steadyStateMinutes(d: DeploymentStrategy): number {
  const margin = 20;
  switch (d.strategy) {
    case "rolling":
      return margin;
    case "canary":
      return d.canaryBakeMinutes + d.bakeMinutes + margin;
    case "linear":
      return Math.ceil(100 / d.stepPercent) * d.stepBakeMinutes + d.bakeMinutes + margin;
  }
}

/** Whether ECS shifts traffic between two target groups for this strategy (canary, linear). */
export function shiftsTraffic(d: Pick<DeploymentStrategy, "strategy">): boolean {
  return d.strategy !== "rolling";
}

/** What the service runs, where, and what it starts after: the other steps' results. */
export interface ServiceInputs {
  cluster: aws.ecs.Cluster;
  taskDefinition: aws.ecs.TaskDefinition;
  serviceSg: aws.ec2.SecurityGroup;
  targetGroup: aws.lb.TargetGroup;
  /** Canary and linear: the alternate target group, listener rule and role ECS shifts traffic with. */
  shifting?: TrafficShifting;
  /** The listener, the roles' policies and the secrets' values: the first tasks' pulls and reads succeed. */
  startAfter: pulumi.Resource[];
}

/** The cluster, with Container Insights. */
export function clusterOf(scope: RuntimeScope): aws.ecs.Cluster {
  const { name, names, settings: a } = scope;
  return new aws.ecs.Cluster(
    `${name}-cluster`,
    {
      name: names.cluster.name,
      settings: [{ name: "containerInsights", value: "enabled" }],
      tags: a.tags,
    },
    { parent: scope.parent },
  );
}

/**
 * The service, started after what `inputs.startAfter` names. Rolls back on the circuit breaker and, with
 * deployment alarms, on the app's 5xx and latency alarms.
 */
export function serviceOf(scope: RuntimeScope, inputs: ServiceInputs): aws.ecs.Service {
  const { name, names, settings: a } = scope;
  const { shifting } = inputs;
  return new aws.ecs.Service(
    `${name}-service`,
    {
      name: names.service.name,
      cluster: inputs.cluster.arn,
      taskDefinition: inputs.taskDefinition.arn,
      desiredCount: a.desiredCount,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      deploymentController: { type: "ECS" },
      deploymentMinimumHealthyPercent: a.minimumHealthyPercent,
      deploymentMaximumPercent: a.maximumPercent,
      // The circuit breaker is for rolling updates only (ECS API reference, DeploymentCircuitBreaker); a shifting
      // strategy rolls back on its deployment alarms instead (CC-RUN-03, CC-RUN-13).
      ...(shifting ? {} : { deploymentCircuitBreaker: { enable: true, rollback: true } }),
      deploymentConfiguration: deploymentConfiguration(a.deployment),
      ...(a.deploymentAlarmNames && a.deployment.alarms !== false
        ? { alarms: { alarmNames: a.deploymentAlarmNames, enable: true, rollback: true } }
        : {}),
      healthCheckGracePeriodSeconds: a.healthCheckGracePeriodSeconds,
      networkConfiguration: {
        subnets: a.privateSubnetIds,
        securityGroups: [inputs.serviceSg.id],
        assignPublicIp: false,
      },
      loadBalancers: [loadBalancerOf(scope, inputs.targetGroup, shifting)],
      propagateTags: "SERVICE",
      enableExecuteCommand: false,
      waitForSteadyState: true,
      tags: a.tags,
    },
    serviceOptions(scope, inputs),
  );
}

/** The service's load balancer: the container's port in the target group, and ECS's shifting resources. */
function loadBalancerOf(
  scope: RuntimeScope,
  targetGroup: aws.lb.TargetGroup,
  shifting: TrafficShifting | undefined,
): aws.types.input.ecs.ServiceLoadBalancer {
  const a = scope.settings;
  return {
    targetGroupArn: targetGroup.arn,
    containerName: a.app,
    containerPort: a.port,
    ...(shifting
      ? {
          advancedConfiguration: {
            alternateTargetGroupArn: shifting.alternate.arn,
            productionListenerRule: shifting.rule.arn,
            roleArn: shifting.role.arn,
          },
        }
      : {}),
  };
}

/** The service's options: what it starts after, what ECS owns, and how long `pulumi up` waits for it. */
function serviceOptions(
  scope: RuntimeScope,
  { shifting, startAfter }: Pick<ServiceInputs, "shifting" | "startAfter">,
): pulumi.CustomResourceOptions {
  const minutes = steadyStateMinutes(scope.settings.deployment);
  return {
    parent: scope.parent,
    dependsOn: startAfter,
    // A shifting deployment leaves the alternate group live: ECS swaps the two ARNs in the service, and the
    // provider's Read writes them back into state (terraform-provider-aws service.go, flattenLoadBalancers), so
    // the program's order would swap them back on the next update or show drift. ECS owns which one is live.
    // The whole attribute is ignored: `load_balancer` is a set, whose elements the bridge cannot ignore field by
    // field (a swapped element is a removal and an addition: pulumi-terraform-bridge issue 1756). The service's
    // load-balancer wiring is therefore set when it is created; changing it (port, container, groups) takes a
    // rolling deploy first (docs/ARCHITECTURE.md, "Progressive delivery").
    ...(shifting ? { ignoreChanges: ["loadBalancers"] } : {}),
    customTimeouts: { create: `${minutes}m`, update: `${minutes}m` },
  };
}

/** The ECS `deploymentConfiguration` of the strategy (bake times are strings in the provider's schema). */
function deploymentConfiguration(d: DeploymentStrategy): aws.types.input.ecs.ServiceDeploymentConfiguration {
  switch (d.strategy) {
    case "rolling":
      return { strategy: "ROLLING" };
    case "canary":
      return {
        strategy: "CANARY",
        bakeTimeInMinutes: String(d.bakeMinutes),
        canaryConfiguration: {
          canaryPercent: d.canaryPercent,
          canaryBakeTimeInMinutes: String(d.canaryBakeMinutes),
        },
      };
    case "linear":
      return {
        strategy: "LINEAR",
        bakeTimeInMinutes: String(d.bakeMinutes),
        linearConfiguration: {
          stepPercent: d.stepPercent,
          stepBakeTimeInMinutes: String(d.stepBakeMinutes),
        },
      };
  }
}
