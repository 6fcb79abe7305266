/**
 * The runtime platform rules CC-RUN-08 to CC-RUN-13 (policy-pack/rules/runtimePlatform.ts) on minimal hand-built
 * resources, one named scenario per test: the exact verdict, the resource judged and the evidence an auditor reads
 * (docs/PROOFS.md section 4).
 */
import { r, RuleCase, ruleCases, T } from "../rule-harness";
import { container, TD, td } from "./runtimeFixtures";

type Props = Record<string, unknown>;

const logGroup = (days: unknown, name = "/ecs/erp", resourceName = "erp-logs") =>
  r(T.logGroup, resourceName, { name, retentionInDays: days });
const KEEPS_30 = "log group /ecs/erp of container web keeps logs 30 days";

describe("CC-RUN-08: containers log to a managed log group that keeps logs long enough", () =>
  ruleCases("CC-RUN-08", [
    {
      name: "passes awslogs to a managed group keeping 30 days",
      resources: [TD, logGroup(30)],
      expected: [["pass", "erp-logs", KEEPS_30]],
    },
    {
      name: "fails a group keeping 14 days",
      resources: [TD, logGroup(14)],
      expected: [["fail", "erp-logs", "log group /ecs/erp keeps logs 14 days, at least 30 required"]],
    },
    {
      name: "fails a group without a retention period",
      resources: [TD, logGroup(undefined)],
      expected: [
        [
          "fail",
          "erp-logs",
          "log group /ecs/erp keeps logs forever (no retention period), at least 30 required",
        ],
      ],
    },
    {
      name: "with minRetentionDays 14, passes a group keeping 14 days",
      resources: [TD, logGroup(14)],
      opts: { settings: { minRetentionDays: 14 } },
      expected: [["pass", "erp-logs", "log group /ecs/erp of container web keeps logs 14 days"]],
    },
    {
      name: "is not applicable when the log group is not in this stack",
      resources: [TD],
      expected: [
        ["not-applicable", "erp-td", "judged on its own: log group /ecs/erp is not managed in this stack"],
      ],
    },
    {
      name: "fails containers logging elsewhere, with awslogs but no group, or not at all, naming each",
      resources: [
        td([
          container({ logConfiguration: { logDriver: "json-file" } }),
          container({ name: "b", logConfiguration: { logDriver: "awslogs" } }),
          container({ name: "c", logConfiguration: undefined }),
        ]),
      ],
      expected: [
        [
          "fail",
          "erp-td",
          "container web does not log to CloudWatch (logDriver json-file); container b does not log to CloudWatch (logDriver awslogs); container c does not log to CloudWatch (logDriver unset)",
        ],
      ],
    },
    {
      name: "judges on its own a log group no task definition logs to",
      resources: [logGroup(30)],
      expected: [
        [
          "pass",
          "erp-logs",
          "judged on its own: no task definition of this stack logs to it; it keeps logs 30 days",
        ],
      ],
    },
    {
      name: "is not applicable to a stack without task definitions or log groups",
      resources: [],
      expected: [["not-applicable", null, "nothing in this stack for this rule to check"]],
    },
    {
      name: "fails json-file even when an awslogs group is named",
      resources: [
        td([
          container({
            logConfiguration: { logDriver: "json-file", options: { "awslogs-group": "/ecs/erp" } },
          }),
        ]),
        logGroup(30),
      ],
      expected: [
        ["fail", "erp-td", "container web does not log to CloudWatch (logDriver json-file)"],
        [
          "pass",
          "erp-logs",
          "judged on its own: no task definition of this stack logs to it; it keeps logs 30 days",
        ],
      ],
    },
    {
      name: "judges the container's own group, and another group of the stack on its own",
      resources: [logGroup(1, "/ecs/other", "other-logs"), TD, logGroup(30)],
      expected: [
        ["pass", "erp-logs", KEEPS_30],
        [
          "fail",
          "other-logs",
          "judged on its own: no task definition of this stack logs to it; it keeps logs 1 days, at least 30 required",
        ],
      ],
    },
  ]));

const listener = (props: Props) => r(T.listener, "erp-listener", props);
const REDIRECT = { type: "redirect", redirect: { protocol: "HTTPS" } };
const SERVES = "HTTP listener serves traffic instead of redirecting every request to HTTPS";
const loadBalancer = (props: Props, environment = "production") =>
  r(T.loadBalancer, "erp-lb", { tags: { environment }, ...props });

describe("CC-RUN-09: HTTPS listeners, HTTP redirected to HTTPS, hardened load balancers", () =>
  ruleCases("CC-RUN-09", [
    {
      name: "passes an HTTPS listener with a certificate and a TLS policy",
      resources: [listener({ protocol: "HTTPS", certificateArn: "arn:cert", sslPolicy: "TLS13" })],
      expected: [["pass", "erp-listener", "HTTPS listener with TLS13"]],
    },
    {
      name: "fails an HTTPS listener without certificate and TLS policy, naming both",
      resources: [listener({ protocol: "HTTPS" })],
      expected: [["fail", "erp-listener", "HTTPS listener: no certificateArn, no sslPolicy"]],
    },
    {
      name: "fails an HTTPS listener without a TLS policy",
      resources: [listener({ protocol: "HTTPS", certificateArn: "arn:cert" })],
      expected: [["fail", "erp-listener", "HTTPS listener: no sslPolicy"]],
    },
    {
      name: "passes an HTTP listener redirecting to HTTPS",
      resources: [listener({ protocol: "HTTP", defaultActions: [REDIRECT] })],
      expected: [["pass", "erp-listener", "HTTP listener redirects to HTTPS"]],
    },
    ...(
      [
        ["no default action", []],
        ["a forward beside the redirect", [REDIRECT, { type: "forward" }]],
        ["a redirect to HTTP", [{ type: "redirect", redirect: { protocol: "HTTP" } }]],
        [
          "a forward carrying an HTTPS redirect block",
          [{ type: "forward", redirect: { protocol: "HTTPS" } }],
        ],
      ] as const
    ).map(([what, defaultActions]): RuleCase => ({
      name: `fails an HTTP listener with ${what}`,
      resources: [listener({ protocol: "HTTP", defaultActions })],
      expected: [["fail", "erp-listener", SERVES]],
    })),
    {
      name: "is not applicable to a TCP listener",
      resources: [listener({ protocol: "TCP" })],
      expected: [["not-applicable", "erp-listener", "listener protocol TCP is not HTTP(S)"]],
    },
    {
      name: "is not applicable to a listener without a protocol",
      resources: [listener({})],
      expected: [["not-applicable", "erp-listener", "listener protocol unset is not HTTP(S)"]],
    },
    {
      name: "passes a production load balancer dropping invalid headers, deletion-protected",
      resources: [loadBalancer({ dropInvalidHeaderFields: true, enableDeletionProtection: true })],
      expected: [["pass", "erp-lb", "drops invalid headers, deletion-protected"]],
    },
    {
      name: "passes a staging load balancer without deletion protection",
      resources: [loadBalancer({ dropInvalidHeaderFields: true }, "staging")],
      expected: [["pass", "erp-lb", "drops invalid headers"]],
    },
    {
      name: "fails a production load balancer with the defaults, naming both problems",
      resources: [loadBalancer({})],
      expected: [
        [
          "fail",
          "erp-lb",
          "invalid header fields are not dropped; production load balancer without deletion protection",
        ],
      ],
    },
    {
      name: "is not applicable to a network load balancer",
      resources: [loadBalancer({ loadBalancerType: "network" })],
      expected: [["not-applicable", "erp-lb", "not an application load balancer"]],
    },
    {
      name: "passes an explicit application load balancer",
      resources: [
        loadBalancer({ loadBalancerType: "application", dropInvalidHeaderFields: true }, "staging"),
      ],
      status: "pass",
    },
  ]));

describe("CC-RUN-10: no public IP, read-only root filesystem, separate execution and task roles", () =>
  ruleCases("CC-RUN-10", [
    {
      name: "fails a service whose tasks get a public IP",
      resources: [r(T.service, "erp-svc", { networkConfiguration: { assignPublicIp: true } })],
      expected: [["fail", "erp-svc", "tasks get a public IP"]],
    },
    {
      name: "passes a service without public IP",
      resources: [r(T.service, "erp-svc", { networkConfiguration: { assignPublicIp: false } })],
      expected: [["pass", "erp-svc", "no public IP"]],
    },
    {
      name: "passes a task definition with a read-only root filesystem and two roles",
      resources: [TD],
      expected: [["pass", "erp-td", "read-only root filesystem, separate execution and task roles"]],
    },
    {
      name: 'fails writable roots (false, "true") and one role for both, naming every problem',
      resources: [
        td(
          [
            container({ readonlyRootFilesystem: false }),
            container({ name: "b", readonlyRootFilesystem: "true" }),
          ],
          { taskRoleArn: "arn:exec" },
        ),
      ],
      expected: [
        ["fail", "erp-td", "writable root filesystem: web, b; execution and task roles are the same role"],
      ],
    },
    {
      name: "fails a task definition without an execution role",
      resources: [td([container()], { executionRoleArn: undefined })],
      expected: [["fail", "erp-td", "missing executionRoleArn"]],
    },
    {
      name: "fails a task definition with an empty task role",
      resources: [td([container()], { taskRoleArn: "" })],
      expected: [["fail", "erp-td", "missing taskRoleArn"]],
    },
  ]));

const PULL = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ghcr-pull-AbCdEf";
const pulling = td([container({ repositoryCredentials: { credentialsParameter: PULL } })]);
const execPolicy = (...statements: Props[]) =>
  r(T.rolePolicy, "exec-policy", {
    role: "arn:exec",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
  });
const READ = { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: PULL };
const MAY_NOT_READ = `container web: execution role arn:exec may not read ${PULL}`;

describe("CC-RUN-11: private images pull with a credential the execution role may read (as IAM evaluates it)", () =>
  ruleCases("CC-RUN-11", [
    {
      name: "passes a read granted through wildcards (secretsmanager:Get*, a name prefix)",
      resources: [
        pulling,
        execPolicy({
          Effect: "Allow",
          Action: "secretsmanager:Get*",
          Resource: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ghcr-*",
        }),
      ],
      expected: [["pass", "erp-td", `container web pulls with ${PULL}`]],
    },
    {
      name: "fails a read an explicit Deny takes away",
      resources: [
        pulling,
        execPolicy(READ, { Effect: "Deny", NotAction: "secretsmanager:DescribeSecret", Resource: "*" }),
      ],
      expected: [["fail", "erp-td", MAY_NOT_READ]],
    },
    {
      name: "fails a read granted only under a condition",
      resources: [
        pulling,
        execPolicy({ ...READ, Condition: { StringEquals: { "aws:PrincipalTag/team": "erp" } } }),
      ],
      expected: [["fail", "erp-td", MAY_NOT_READ]],
    },
    {
      name: "fails a grant of another secret",
      resources: [pulling, execPolicy({ ...READ, Resource: PULL.replace("ghcr", "GHCR") })],
      expected: [["fail", "erp-td", MAY_NOT_READ]],
    },
  ]));
