/**
 * The standalone cases of test/policy/standalone.test.ts: for each rule section, one bad resource of every type
 * the section's rules judge, alone in a stack of another program (no neighbours, none of this program's tags or
 * URN structure), and a good one of the same type; and the (section, type) pairs a section reads only as evidence
 * about another resource, with the reason.
 */
import { PolicyResourceInput } from "../../policy-pack/evaluate";
import { PR_TEMPLATE_PATH, PR_TEMPLATE_SECTIONS } from "../../policy-pack/lib/facts";
import type { Section } from "../../policy-pack/lib/types";
import { T } from "./rule-harness";

/** The foreign program: its project and its stack (named after the environment it is, as auditors find it). */
export const FOREIGN_PROJECT = "payments-platform";
export const FOREIGN_STACK = "production";

/** A resource of the foreign program's `stack`, with no parent. */
export const alone = (
  type: string,
  name: string,
  props: Record<string, unknown> = {},
  stack = FOREIGN_STACK,
): PolicyResourceInput => ({
  urn: `urn:pulumi:${stack}::${FOREIGN_PROJECT}::${type}::${name}`,
  type,
  name,
  props,
  parent: null,
});

/** One standalone case: the rule that fails the bad resource, and what it says of the good one. */
export interface StandaloneCase {
  section: Section;
  type: string;
  rule: string;
  bad: Record<string, unknown>;
  /**
   * True when the rule looks for the resource's neighbours (its verdict must say it was judged on its own); false
   * for a rule that always judges the resource by its own inputs.
   */
  alone: boolean;
  /** A good resource of the type: the rule's verdict on it alone, or why no resource of the type passes alone. */
  good: { props: Record<string, unknown>; status: "pass" | "not-applicable" } | { none: string };
}

const REPO = "payments-api";
const SHA = "f".repeat(40);
const DIGEST_REF = `ghcr.io/payco/payments@sha256:${"e".repeat(64)}`;
const HOST = "token.actions.githubusercontent.com";
const SNS = "arn:aws:sns:eu-west-1:210987654321:payments-pager";

/** A task definition's containers, as the JSON string ECS takes. */
const containers = (...cs: Array<Record<string, unknown>>) => ({ containerDefinitions: JSON.stringify(cs) });
const web = (over: Record<string, unknown> = {}) => ({
  name: "web",
  image: DIGEST_REF,
  portMappings: [{ containerPort: 8080 }],
  ...over,
});
const buildVars = [
  { name: "BUILD_SHA", value: SHA },
  { name: "BUILD_DATE", value: "2026-11-20T10:00:00Z" },
  { name: "BUILD_ACTOR", value: "payco-ci" },
];
const trust = (sub: string) =>
  JSON.stringify({
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRoleWithWebIdentity",
        Principal: { Federated: `arn:aws:iam::210987654321:oidc-provider/${HOST}` },
        Condition: { StringEquals: { [`${HOST}:aud`]: "sts.amazonaws.com", [`${HOST}:sub`]: sub } },
      },
    ],
  });
const policy = (action: string, resource: string) =>
  JSON.stringify({ Statement: [{ Sid: "Deploy", Effect: "Allow", Action: action, Resource: resource }] });
const mainRuleset = (over: Record<string, unknown>) => ({
  repository: REPO,
  target: "branch",
  enforcement: "active",
  conditions: { refName: { includes: ["~DEFAULT_BRANCH"], excludes: [] } },
  rules: { nonFastForward: true, deletion: true },
  ...over,
});
const template = (sections: readonly string[]) => ({
  repository: REPO,
  file: PR_TEMPLATE_PATH,
  content: sections.map((s) => `## ${s}\n`).join("\n"),
});
const widgets = (...titles: string[]) =>
  JSON.stringify({ widgets: titles.map((title) => ({ type: "metric", properties: { title } })) });
const flagsDoc = (value: Record<string, unknown>) =>
  JSON.stringify({ version: "1", flags: { checkout: { name: "checkout" } }, values: { checkout: value } });
/** The standard tags (CC-OBS-04), as another program might set them. */
export const TAGS = { app: "payments", environment: "production", owner: "payco", "managed-by": "terraform" };

/** Every standalone case, by section. */
export const CASES: StandaloneCase[] = [
  // BR
  {
    section: "BR",
    type: T.repository,
    rule: "CC-BR-04",
    bad: { name: REPO, allowMergeCommit: true },
    alone: false,
    good: {
      props: { name: REPO, allowMergeCommit: false, allowRebaseMerge: false, allowSquashMerge: true },
      status: "pass",
    },
  },
  {
    section: "BR",
    type: T.ruleset,
    rule: "CC-BR-07",
    bad: mainRuleset({ bypassActors: [{ actorType: "OrganizationAdmin", actorId: 1 }] }),
    alone: true,
    good: { props: mainRuleset({ bypassActors: [] }), status: "pass" },
  },
  {
    section: "BR",
    type: T.branchProtection,
    rule: "CC-BR-06",
    bad: { repositoryId: REPO, pattern: "main", allowsForcePushes: true, enforceAdmins: true },
    alone: true,
    good: { props: { repositoryId: REPO, pattern: "main", enforceAdmins: true }, status: "pass" },
  },
  {
    section: "BR",
    type: T.workflowPermissions,
    rule: "CC-BR-10",
    bad: { repository: REPO, defaultWorkflowPermissions: "write", canApprovePullRequestReviews: true },
    alone: true,
    good: {
      props: { repository: REPO, defaultWorkflowPermissions: "read", canApprovePullRequestReviews: false },
      status: "pass",
    },
  },
  {
    section: "BR",
    type: T.actionsPermissions,
    rule: "CC-BR-10",
    bad: { repository: REPO, allowedActions: "all" },
    alone: true,
    good: {
      props: { repository: REPO, allowedActions: "selected", shaPinningRequired: true },
      status: "pass",
    },
  },
  {
    section: "BR",
    type: T.repositoryFile,
    rule: "CC-BR-11",
    bad: template(["Because"]),
    alone: true,
    good: { props: template(PR_TEMPLATE_SECTIONS), status: "pass" },
  },
  // ENV
  {
    section: "ENV",
    type: T.repository,
    rule: "CC-ENV-01",
    bad: { name: REPO },
    alone: false,
    good: { none: "a repository's environments are its neighbours: without them it fails, naming them" },
  },
  {
    section: "ENV",
    type: T.environment,
    rule: "CC-ENV-02",
    bad: { repository: REPO, environment: "production", preventSelfReview: false },
    alone: false,
    good: {
      props: {
        repository: REPO,
        environment: "production",
        reviewers: [{ users: [1, 2] }],
        preventSelfReview: true,
      },
      status: "pass",
    },
  },
  {
    section: "ENV",
    type: T.deploymentPolicy,
    rule: "CC-ENV-03",
    bad: { repository: REPO, environment: "production", branchPattern: "*" },
    alone: true,
    good: { props: { repository: REPO, environment: "production", branchPattern: "main" }, status: "pass" },
  },
  {
    section: "ENV",
    type: T.envSecret,
    rule: "CC-ENV-05",
    bad: { repository: REPO, environment: "production", secretName: "AWS_SECRET_ACCESS_KEY", value: "x" },
    alone: false,
    good: {
      props: { repository: REPO, environment: "production", secretName: "API_TOKEN", value: "x" },
      status: "pass",
    },
  },
  {
    section: "ENV",
    type: T.envVariable,
    rule: "CC-ENV-04",
    bad: { repository: REPO, environment: "production", variableName: "DB_PASSWORD", value: "hunter2" },
    alone: false,
    good: {
      props: { repository: REPO, environment: "production", variableName: "LOG_LEVEL", value: "info" },
      status: "pass",
    },
  },
  {
    section: "ENV",
    type: T.actionsSecret,
    rule: "CC-ENV-05",
    bad: { repository: REPO, secretName: "AWS_ACCESS_KEY_ID" },
    alone: false,
    good: { props: { repository: REPO, secretName: "NPM_TOKEN" }, status: "pass" },
  },
  {
    section: "ENV",
    type: T.role,
    rule: "CC-ENV-06",
    bad: { name: "payments-deployer", assumeRolePolicy: trust("repo:payco/*") },
    alone: false,
    good: {
      props: {
        name: "payments-deployer",
        assumeRolePolicy: trust(`repo:payco/${REPO}:environment:production`),
        tags: { environment: "production" },
      },
      status: "pass",
    },
  },
  {
    section: "ENV",
    type: T.rolePolicy,
    rule: "CC-ENV-07",
    bad: { role: "payments-deployer", policy: policy("ecs:*", "*") },
    alone: true,
    good: {
      props: {
        role: "payments-deployer",
        policy: policy("ecs:UpdateService", "arn:aws:ecs:eu-west-1:210987654321:service/prod/payments"),
      },
      status: "not-applicable",
    },
  },
  // ART
  {
    section: "ART",
    type: T.image,
    rule: "CC-ART-01",
    bad: { tags: ["ghcr.io/payco/payments:latest"] },
    alone: false,
    good: { props: { tags: [`ghcr.io/payco/payments:${SHA}`] }, status: "pass" },
  },
  {
    section: "ART",
    type: T.index,
    rule: "CC-ART-07",
    bad: { tag: "ghcr.io/payco/payments:prod", sources: ["ghcr.io/payco/payments:latest"] },
    alone: true,
    good: { props: { tag: "ghcr.io/payco/payments:prod", sources: [DIGEST_REF] }, status: "not-applicable" },
  },
  {
    section: "ART",
    type: T.taskDefinition,
    rule: "CC-ART-06",
    bad: containers(web({ image: "ghcr.io/payco/payments:latest" })),
    alone: false,
    good: { props: containers(web()), status: "pass" },
  },
  // RUN
  {
    section: "RUN",
    type: T.targetGroup,
    rule: "CC-RUN-01",
    bad: { healthCheck: { enabled: true, path: "/" } },
    alone: false,
    good: { props: { healthCheck: { enabled: true, path: "/readyz" } }, status: "pass" },
  },
  {
    section: "RUN",
    type: T.taskDefinition,
    rule: "CC-RUN-05",
    bad: containers(web({ environment: buildVars })),
    alone: true,
    good: {
      props: containers(web({ environment: [{ name: "APP_ENV", value: "production" }, ...buildVars] })),
      status: "pass",
    },
  },
  {
    section: "RUN",
    type: T.service,
    rule: "CC-RUN-04",
    bad: { name: "payments", desiredCount: 1 },
    alone: true,
    good: {
      props: { name: "payments", desiredCount: 3, deploymentMinimumHealthyPercent: 100 },
      status: "pass",
    },
  },
  {
    section: "RUN",
    type: T.logGroup,
    rule: "CC-RUN-08",
    bad: { name: "/ecs/payments", retentionInDays: 1 },
    alone: true,
    good: { props: { name: "/ecs/payments", retentionInDays: 90 }, status: "pass" },
  },
  {
    section: "RUN",
    type: T.listener,
    rule: "CC-RUN-09",
    bad: { protocol: "HTTP", defaultActions: [{ type: "forward" }] },
    alone: false,
    good: {
      props: { protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS" } }] },
      status: "pass",
    },
  },
  {
    section: "RUN",
    type: T.loadBalancer,
    rule: "CC-RUN-09",
    bad: { loadBalancerType: "application", dropInvalidHeaderFields: true },
    alone: true,
    good: {
      props: {
        loadBalancerType: "application",
        dropInvalidHeaderFields: true,
        enableDeletionProtection: true,
      },
      status: "pass",
    },
  },
  // OBS
  {
    section: "OBS",
    type: T.service,
    rule: "CC-OBS-01",
    bad: { name: "payments" },
    alone: true,
    good: {
      none: "a service's alarms are its neighbours: without them it fails, saying it was judged alone",
    },
  },
  {
    section: "OBS",
    type: T.metricAlarm,
    rule: "CC-OBS-05",
    bad: { metricName: "HTTPCode_Target_5XX_Count", alarmActions: [SNS] },
    alone: true,
    good: { props: { metricName: "HTTPCode_ELB_5XX_Count", alarmActions: [SNS] }, status: "pass" },
  },
  {
    section: "OBS",
    type: T.dashboard,
    rule: "CC-OBS-02",
    bad: { dashboardName: "payments", dashboardBody: widgets("Latency p95") },
    alone: true,
    good: {
      props: { dashboardName: "payments", dashboardBody: widgets("Error rate", "Latency", "Golden path") },
      status: "pass",
    },
  },
  {
    section: "OBS",
    type: T.compositeAlarm,
    rule: "CC-OBS-07",
    bad: { alarmName: "payments-down", alarmActions: [SNS], alarmDescription: "payments is down" },
    alone: false,
    good: {
      props: {
        alarmName: "payments-down",
        alarmActions: [SNS],
        alarmDescription: "Runbook: https://runbooks.example/payments",
      },
      status: "pass",
    },
  },
  // FLAG
  {
    section: "FLAG",
    type: T.hostedConfig,
    rule: "CC-FLAG-01",
    bad: { content: flagsDoc({ default: false }) },
    alone: false,
    good: {
      props: { content: flagsDoc({ owner: "payco", default: false, removalDate: "2027-06-30" }) },
      status: "pass",
    },
  },
  {
    section: "FLAG",
    type: T.taskDefinition,
    rule: "CC-FLAG-04",
    bad: containers(web({ environment: [{ name: "APPCONFIG_APPLICATION_ID", value: "abc" }] })),
    alone: true,
    good: { props: containers(web()), status: "not-applicable" },
  },
  {
    section: "FLAG",
    type: T.appconfigEnvironment,
    rule: "CC-FLAG-05",
    bad: {
      monitors: [
        { alarmArn: "arn:aws:cloudwatch:eu-west-1:210987654321:alarm:payments-5xx", alarmRoleArn: "arn:r" },
      ],
    },
    alone: true,
    good: {
      none: "the monitored alarm is the environment's neighbour: without it the monitor fails, saying so",
    },
  },
  // PAR
  {
    section: "PAR",
    type: T.taskDefinition,
    rule: "CC-PAR-01",
    bad: containers(web()),
    alone: true,
    good: { none: "staging's profile is the neighbour parity compares with: without it production fails" },
  },
];

/**
 * The (section, type) pairs a section's rules read only as evidence about another resource: alone, such a
 * resource gets no failure from the section (another section judges the type on its own, or OBS-04 its tags).
 */
export const EVIDENCE: Partial<Record<Section, Record<string, string>>> = {
  ENV: { [T.stackReference]: "staging's profile, read for a repository's environments (CC-ENV-01)" },
  RUN: {
    [T.rolePolicy]: "an execution role's grant, read for a task definition's pull credentials (CC-RUN-11)",
    [T.metricAlarm]: "a service's deployment alarms (CC-RUN-13)",
  },
  OBS: { [T.syntheticsCanary]: "a publisher of a dashboard's golden-path series (CC-OBS-02)" },
  FLAG: {
    [T.rolePolicy]: "a task role's grant, read for a task definition (CC-FLAG-04)",
    [T.appconfigApp]: "the application that makes a task definition's flags its app's (CC-FLAG-04)",
    [T.metricAlarm]: "the alarm an AppConfig environment monitors (CC-FLAG-05)",
    [T.compositeAlarm]: "the alarm an AppConfig environment monitors (CC-FLAG-05)",
  },
  PAR: {
    [T.stackReference]: "staging's profile, compared with production's task definitions",
    [T.targetGroup]: "a production app's readiness path (CC-PAR-03)",
    [T.hostedConfig]: "a production app's flag keys (CC-PAR-03)",
  },
};
