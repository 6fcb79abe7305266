import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RESERVED_VARIABLES } from "../src/contract";
import { awsName, StandardTags } from "./naming";
import { withDefaults } from "./util";

/**
 * Arguments of {@link ServiceRuntime}.
 * Source: F6 "Health / Readiness / Liveness Endpoints", "Environment Profiles"; OPS "Automated Health Checks",
 * "Rollback Procedures", "Configuration Management"; CONST "Build Once, Promote Many" (12-factor config).
 */
export interface ServiceRuntimeArgs {
  /** App name (container name, log group, resource names). */
  app: string;
  /** `staging` or `production`: `APP_ENV` of the container. */
  environment: "staging" | "production";
  /** Image by digest, `ghcr.io/OWNER/NAME@sha256:<64 hex>` (CC-ART-06). */
  imageRef: pulumi.Input<string>;
  /** `BUILD_SHA`, `BUILD_DATE`, `BUILD_ACTOR` of that image (F6 "Build metadata", exposed by `/version`). */
  build: { sha: pulumi.Input<string>; date: pulumi.Input<string>; actor: pulumi.Input<string> };
  /** AWS region (log driver). */
  region: string;
  /** Container port. */
  port: number;
  /** Task CPU units (1024 = 1 vCPU). */
  cpu: number;
  /** Task memory, MiB. */
  memoryMiB: number;
  /** Running tasks. Production needs >= 2 (CC-RUN-04). */
  desiredCount: number;
  /** Target-group health check path (readiness). Default: `/readyz`. */
  readinessPath?: string;
  /** Container health check path. Default: `/healthz`. */
  healthPath?: string;
  /** Plain environment variables (never secrets). Default: none. */
  environmentVariables?: Record<string, string>;
  /** Secrets, name -> value (Pulumi secrets); stored in Secrets Manager, injected by reference. Default: none. */
  secrets?: Record<string, pulumi.Input<string>>;
  /** VPC of the service. */
  vpcId: string;
  /** Subnets of the internet-facing load balancer. */
  publicSubnetIds: string[];
  /** Subnets of the tasks; tasks get no public IP. */
  privateSubnetIds: string[];
  /** ACM certificate ARN of the HTTPS listener. */
  certificateArn: string;
  /** Log retention, days. Default: 30. */
  logRetentionDays?: number;
  /** Seconds the load balancer's health check is ignored after a task starts. Default: 60. */
  healthCheckGracePeriodSeconds?: number;
  /**
   * Destroy safety: ALB deletion protection, Pulumi `protect` on the load balancer, the IAM roles and the
   * secrets, and `retainOnDelete` on the secrets and the log group (losing them loses data).
   * Default: true in production, false otherwise.
   */
  deletionProtection?: boolean;
  /** Deployment min healthy percent. Default: 100 (never fewer healthy tasks than desired during a deploy). */
  minimumHealthyPercent?: number;
  /** Deployment max percent. Default: 200. */
  maximumPercent?: number;
  /** TLS policy of the HTTPS listener. Default: `ELBSecurityPolicy-TLS13-1-2-2021-06`. */
  sslPolicy?: string;
  /** Tags of every resource. */
  tags: StandardTags;
}

/** Defaults, written once. */
export const serviceRuntimeDefaults = {
  readinessPath: "/readyz",
  healthPath: "/healthz",
  environmentVariables: {} as Record<string, string>,
  secrets: {} as Record<string, pulumi.Input<string>>,
  logRetentionDays: 30,
  healthCheckGracePeriodSeconds: 60,
  minimumHealthyPercent: 100,
  maximumPercent: 200,
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
};

/**
 * An ECS Fargate service behind an internet-facing ALB: HTTPS listener (HTTP redirects), target-group health
 * check on the readiness path, container health check on the health path, deployment circuit breaker with
 * rollback, image by digest, `APP_ENV`/`BUILD_*` variables, secrets by Secrets Manager reference, a log group
 * with retention, no public IP, read-only root filesystem, separate execution and task roles, Container Insights.
 *
 * @throws Error when a variable is reserved or also a secret, or an image given as a plain string is not pinned
 *   by digest (`...@sha256:<64 hex>`, CC-ART-06); an image given as an Output is checked by the policy pack.
 */
export class ServiceRuntime extends pulumi.ComponentResource {
  readonly cluster: aws.ecs.Cluster;
  readonly service: aws.ecs.Service;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  readonly logGroup: aws.cloudwatch.LogGroup;
  /** Load balancer DNS name. */
  readonly dnsName: pulumi.Output<string>;
  /** `app/NAME/ID` suffix of the ALB, for CloudWatch metrics. */
  readonly loadBalancerArnSuffix: pulumi.Output<string>;
  /** `targetgroup/NAME/ID` suffix of the target group, for CloudWatch metrics. */
  readonly targetGroupArnSuffix: pulumi.Output<string>;

  constructor(name: string, args: ServiceRuntimeArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Arguments are checked before anything is registered.
    const a = withDefaults(
      { ...serviceRuntimeDefaults, deletionProtection: args.environment === "production" },
      args,
    );
    if (typeof args.imageRef === "string" && !/@sha256:[0-9a-f]{64}$/.test(args.imageRef)) {
      throw new Error(
        `ServiceRuntime ${name}: imageRef must be pinned by digest (...@sha256:<64 hex>), got ${args.imageRef}`,
      );
    }
    const reserved = Object.keys(a.environmentVariables).filter((k) => RESERVED_VARIABLES.includes(k));
    const both = Object.keys(a.environmentVariables).filter((k) => k in a.secrets);
    if (reserved.length > 0 || both.length > 0) {
      throw new Error(
        `ServiceRuntime ${name}: environmentVariables ${[...reserved, ...both].join(", ")} ` +
          `${reserved.length ? "are set by the runtime itself" : "are also secrets"}`,
      );
    }
    const tags = a.tags;
    super("cicd-constitution:runtime:ServiceRuntime", name, {}, opts);
    const child = { parent: this };

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/ecs/${a.app}-${a.environment}`, retentionInDays: a.logRetentionDays, tags },
      { ...child, retainOnDelete: a.deletionProtection },
    );

    const assumeEcsTasks = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    });
    const executionRole = new aws.iam.Role(
      `${name}-execution-role`,
      { name: awsName(a.app, a.environment, "exec", 64), assumeRolePolicy: assumeEcsTasks, tags },
      { ...child, protect: a.deletionProtection },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-execution-policy`,
      {
        role: executionRole.name,
        policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
      },
      child,
    );
    const taskRole = new aws.iam.Role(
      `${name}-task-role`,
      { name: awsName(a.app, a.environment, "task", 64), assumeRolePolicy: assumeEcsTasks, tags },
      { ...child, protect: a.deletionProtection },
    );

    const secretRefs: Array<{ name: string; valueFrom: pulumi.Output<string> }> = [];
    for (const [secretName, value] of Object.entries(a.secrets)) {
      const secret = new aws.secretsmanager.Secret(
        `${name}-secret-${secretName.toLowerCase()}`,
        {
          name: `${a.app}/${a.environment}/${secretName}`,
          description: `${secretName} of ${a.app} (${a.environment})`,
          recoveryWindowInDays: a.environment === "production" ? 30 : 7,
          tags,
        },
        { ...child, protect: a.deletionProtection, retainOnDelete: a.deletionProtection },
      );
      new aws.secretsmanager.SecretVersion(
        `${name}-secret-${secretName.toLowerCase()}-value`,
        { secretId: secret.id, secretString: pulumi.secret(value) },
        child,
      );
      secretRefs.push({ name: secretName, valueFrom: secret.arn });
    }
    if (secretRefs.length > 0) {
      new aws.iam.RolePolicy(
        `${name}-read-secrets`,
        {
          role: executionRole.name,
          policy: pulumi.all(secretRefs.map((s) => s.valueFrom)).apply((arns) =>
            JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: arns }],
            }),
          ),
        },
        child,
      );
    }

    this.cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      {
        name: `${a.app}-${a.environment}`,
        settings: [{ name: "containerInsights", value: "enabled" }],
        tags,
      },
      child,
    );

    const albSg = new aws.ec2.SecurityGroup(
      `${name}-alb-sg`,
      {
        vpcId: a.vpcId,
        description: `${a.app} ${a.environment} load balancer: HTTPS and HTTP (redirect) from the internet`,
        ingress: [
          {
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: ["0.0.0.0/0"],
            ipv6CidrBlocks: ["::/0"],
            description: "HTTPS",
          },
          {
            protocol: "tcp",
            fromPort: 80,
            toPort: 80,
            cidrBlocks: ["0.0.0.0/0"],
            ipv6CidrBlocks: ["::/0"],
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
        tags,
      },
      child,
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
            description: "image pulls, databases, APIs",
          },
        ],
        tags,
      },
      child,
    );

    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        name: awsName(a.app, a.environment, "alb"),
        loadBalancerType: "application",
        internal: false,
        securityGroups: [albSg.id],
        subnets: a.publicSubnetIds,
        dropInvalidHeaderFields: true,
        enableDeletionProtection: a.deletionProtection,
        tags,
      },
      { ...child, protect: a.deletionProtection },
    );

    this.targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        name: awsName(a.app, a.environment, "tg"),
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
        tags,
      },
      child,
    );

    const https = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: a.sslPolicy,
        certificateArn: a.certificateArn,
        defaultActions: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
        tags,
      },
      child,
    );
    new aws.lb.Listener(
      `${name}-http-redirect`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [
          { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
        ],
        tags,
      },
      child,
    );

    const environment = [
      ...Object.entries(a.environmentVariables).map(([n, value]) => ({ name: n, value })),
      { name: "APP_ENV", value: a.environment },
      { name: "PORT", value: String(a.port) },
    ];
    this.taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        family: `${a.app}-${a.environment}`,
        cpu: String(a.cpu),
        memory: String(a.memoryMiB),
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: pulumi
          .all([
            a.imageRef,
            a.build.sha,
            a.build.date,
            a.build.actor,
            this.logGroup.name,
            pulumi.all(secretRefs.map((s) => s.valueFrom)),
          ])
          .apply(([image, sha, date, actor, logGroup, secretArns]) =>
            JSON.stringify([
              {
                name: a.app,
                image,
                essential: true,
                readonlyRootFilesystem: true,
                portMappings: [{ containerPort: a.port, protocol: "tcp" }],
                environment: [
                  ...environment,
                  { name: "BUILD_SHA", value: sha },
                  { name: "BUILD_DATE", value: date },
                  { name: "BUILD_ACTOR", value: actor },
                ].sort((x, y) => x.name.localeCompare(y.name)),
                secrets: secretRefs.map((s, i) => ({ name: s.name, valueFrom: secretArns[i] })),
                healthCheck: {
                  command: ["CMD-SHELL", `curl -fsS http://localhost:${a.port}${a.healthPath} || exit 1`],
                  interval: 15,
                  timeout: 5,
                  retries: 3,
                  startPeriod: a.healthCheckGracePeriodSeconds,
                },
                logConfiguration: {
                  logDriver: "awslogs",
                  options: {
                    "awslogs-group": logGroup,
                    "awslogs-region": a.region,
                    "awslogs-stream-prefix": a.app,
                  },
                },
              },
            ]),
          ),
        tags,
      },
      child,
    );

    this.service = new aws.ecs.Service(
      `${name}-service`,
      {
        name: `${a.app}-${a.environment}`,
        cluster: this.cluster.arn,
        taskDefinition: this.taskDefinition.arn,
        desiredCount: a.desiredCount,
        launchType: "FARGATE",
        platformVersion: "LATEST",
        deploymentMinimumHealthyPercent: a.minimumHealthyPercent,
        deploymentMaximumPercent: a.maximumPercent,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        healthCheckGracePeriodSeconds: a.healthCheckGracePeriodSeconds,
        networkConfiguration: {
          subnets: a.privateSubnetIds,
          securityGroups: [serviceSg.id],
          assignPublicIp: false,
        },
        loadBalancers: [
          { targetGroupArn: this.targetGroup.arn, containerName: a.app, containerPort: a.port },
        ],
        propagateTags: "SERVICE",
        enableExecuteCommand: false,
        waitForSteadyState: true,
        tags,
      },
      { ...child, dependsOn: [https] },
    );

    this.dnsName = this.loadBalancer.dnsName;
    this.loadBalancerArnSuffix = this.loadBalancer.arnSuffix;
    this.targetGroupArnSuffix = this.targetGroup.arnSuffix;
    this.registerOutputs({
      serviceName: this.service.name,
      clusterArn: this.cluster.arn,
      dnsName: this.dnsName,
      taskDefinitionArn: this.taskDefinition.arn,
    });
  }
}
