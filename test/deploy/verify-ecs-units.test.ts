/**
 * VERIFY-SERVICE and VERIFY-DIGEST of `cicd verify` (src/deploy/verify.ts `checkEcs`) on hand-built ECS answers:
 * a missing or inactive service fails (naming ECS's reason) and skips the digest; a service passes only on one
 * deployment, none FAILED, every desired task running and its newest service deployment SUCCESSFUL; the digest
 * passes only when the app's container runs exactly `REPOSITORY@DIGEST`.
 */
import { strict as assert } from "node:assert";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { Check } from "../../src/deploy/checks";
import { checkEcs, type Pinned } from "../../src/deploy/verify";

const DIGEST = `sha256:${"a".repeat(64)}`;
const T = {
  app: "shop",
  cluster: "staging-cluster",
  service: "shop-svc",
  imageRepository: "ghcr.io/acme/shop",
  digest: DIGEST,
} as Pinned;
const TD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop:7";
const ARN = (n: string) => `arn:aws:ecs:eu-west-1:123456789012:service-deployment/shop-svc/${n}`;

interface Answers {
  DescribeServices?: Record<string, unknown>;
  ListServiceDeployments?: Record<string, unknown>;
  DescribeServiceDeployments?: Record<string, unknown>;
  DescribeTaskDefinition?: Record<string, unknown> | Error;
}

const service = (over: Record<string, unknown> = {}) => ({
  serviceName: "shop-svc",
  status: "ACTIVE",
  desiredCount: 2,
  runningCount: 2,
  taskDefinition: TD,
  deployments: [{ id: "ecs-svc/1", rolloutState: "COMPLETED" }],
  ...over,
});
const healthy: Answers = {
  DescribeServices: { services: [service()] },
  ListServiceDeployments: {
    serviceDeployments: [
      { serviceDeploymentArn: ARN("old"), createdAt: new Date(1_000) },
      { serviceDeploymentArn: ARN("new"), createdAt: new Date(3_000) },
      { serviceDeploymentArn: ARN("mid"), createdAt: new Date(2_000) },
    ],
  },
  DescribeServiceDeployments: { serviceDeployments: [{ status: "SUCCESSFUL" }] },
  DescribeTaskDefinition: {
    taskDefinition: {
      containerDefinitions: [
        { name: "sidecar", image: "ghcr.io/acme/proxy@sha256:1" },
        { name: "shop", image: `ghcr.io/acme/shop@${DIGEST}` },
      ],
    },
  },
};

/** The checks `checkEcs` pushes on `answers` (over {@link healthy}), and the commands it sent. */
async function ecs(over: Answers = {}) {
  const answers = { ...healthy, ...over };
  const sent: Array<[string, unknown]> = [];
  const client = {
    send: async (c: { constructor: { name: string }; input: unknown }) => {
      const name = c.constructor.name.replace(/Command$/, "") as keyof Answers;
      sent.push([name, c.input]);
      const a = answers[name];
      if (a instanceof Error) throw a;
      return a ?? {};
    },
  } as unknown as ECSClient;
  const checks: Array<Omit<Check, "app">> = [];
  await checkEcs(client, T, (c) => checks.push(c));
  return { checks: checks.map((c) => [c.id, c.status, c.message]), sent };
}

describe("verify ECS, unit", () => {
  it("passes one successful deployment of every desired task running the pinned digest, asking ECS for exactly that", async () => {
    const { checks, sent } = await ecs();
    assert.deepEqual(checks, [
      ["VERIFY-SERVICE", "pass", "shop-svc: 2/2 tasks on one successful deployment"],
      ["VERIFY-DIGEST", "pass", `${TD} runs ghcr.io/acme/shop@${DIGEST}`],
    ]);
    assert.deepEqual(sent, [
      ["DescribeServices", { cluster: "staging-cluster", services: ["shop-svc"] }],
      ["ListServiceDeployments", { cluster: "staging-cluster", service: "shop-svc" }],
      ["DescribeServiceDeployments", { serviceDeploymentArns: [ARN("new")] }],
      ["DescribeTaskDefinition", { taskDefinition: TD }],
    ]);
  });

  it("fails a missing or inactive service with ECS's reason, skipping the digest", async () => {
    const skip = ["VERIFY-DIGEST", "skip", "no active service to read the task definition of"];
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ services: [], failures: [{ reason: "MISSING" }, { reason: "GONE" }] }, "MISSING, GONE"],
      [{ services: [service({ status: "DRAINING" })], failures: [] }, "DRAINING"],
      [{ services: [service({ serviceName: "other" })] }, "not found"],
      [{}, "not found"],
    ];
    for (const [answer, why] of cases) {
      const { checks, sent } = await ecs({ DescribeServices: answer });
      assert.deepEqual(
        checks,
        [["VERIFY-SERVICE", "fail", `service staging-cluster/shop-svc: ${why}`], skip],
        why,
      );
      assert.equal(sent.length, 1);
    }
  });

  it("fails a service mid-deployment, with a FAILED rollout or missing tasks, naming every problem (a count ECS omits is 0)", async () => {
    const { checks } = await ecs({
      DescribeServices: {
        services: [
          service({
            runningCount: 1,
            deployments: [
              { id: "ecs-svc/2", rolloutState: "FAILED", rolloutStateReason: "tasks failed to start" },
              { id: "ecs-svc/1", rolloutState: "COMPLETED" },
              { id: "ecs-svc/0", rolloutState: "FAILED" },
            ],
          }),
        ],
      },
    });
    assert.deepEqual(checks[0], [
      "VERIFY-SERVICE",
      "fail",
      "shop-svc: 3 deployments (a deployment is under way); deployment ecs-svc/2 FAILED: tasks failed to start; deployment ecs-svc/0 FAILED: no reason given; 1 of 2 tasks running",
    ]);
    const none = await ecs({ DescribeServices: { services: [service({ deployments: undefined })] } });
    assert.deepEqual(none.checks[0], [
      "VERIFY-SERVICE",
      "fail",
      "shop-svc: 0 deployments (a deployment is under way)",
    ]);
    const counts = await ecs({
      DescribeServices: { services: [service({ runningCount: undefined, desiredCount: 1 })] },
    });
    assert.deepEqual(counts.checks[0], ["VERIFY-SERVICE", "fail", "shop-svc: 0 of 1 tasks running"]);
    const zero = await ecs({
      DescribeServices: { services: [service({ runningCount: undefined, desiredCount: undefined })] },
    });
    assert.deepEqual(zero.checks[0], [
      "VERIFY-SERVICE",
      "pass",
      "shop-svc: 0/0 tasks on one successful deployment",
    ]);
  });

  it("fails when the newest service deployment is not SUCCESSFUL, with its reason when ECS gives one", async () => {
    const last = async (d: Record<string, unknown>) =>
      (await ecs({ DescribeServiceDeployments: { serviceDeployments: [d] } })).checks[0];
    assert.deepEqual(await last({ status: "ROLLBACK_SUCCESSFUL", statusReason: "alarm in ALARM" }), [
      "VERIFY-SERVICE",
      "fail",
      "shop-svc: last service deployment ROLLBACK_SUCCESSFUL: alarm in ALARM",
    ]);
    assert.deepEqual(await last({ status: "IN_PROGRESS" }), [
      "VERIFY-SERVICE",
      "fail",
      "shop-svc: last service deployment IN_PROGRESS",
    ]);
    const unlisted = await ecs({
      ListServiceDeployments: {},
      DescribeServiceDeployments: { serviceDeployments: [] },
    });
    assert.equal(unlisted.checks[0][1], "pass");
    assert.deepEqual(
      unlisted.sent.map((s) => s[0]),
      ["DescribeServices", "ListServiceDeployments", "DescribeTaskDefinition"],
    );
    const undescribed = await ecs({ DescribeServiceDeployments: {} });
    assert.equal(undescribed.checks[0][1], "pass");
    const undated = await ecs({
      ListServiceDeployments: {
        serviceDeployments: [
          { serviceDeploymentArn: ARN("undated") },
          { serviceDeploymentArn: ARN("dated"), createdAt: new Date(5) },
        ],
      },
    });
    assert.deepEqual(undated.sent[2], [
      "DescribeServiceDeployments",
      { serviceDeploymentArns: [ARN("dated")] },
    ]);
  });

  it("fails the digest when the app's container runs another image or none, or the task definition cannot be read", async () => {
    const image = async (answer: Answers["DescribeTaskDefinition"]) =>
      (await ecs({ DescribeTaskDefinition: answer })).checks[1];
    const other = `ghcr.io/acme/shop@sha256:${"0".repeat(64)}`;
    assert.deepEqual(
      await image({ taskDefinition: { containerDefinitions: [{ name: "shop", image: other }] } }),
      ["VERIFY-DIGEST", "fail", `${TD} runs ${other}, expected ghcr.io/acme/shop@${DIGEST}`],
    );
    const absent = [
      "VERIFY-DIGEST",
      "fail",
      `${TD} runs no container shop, expected ghcr.io/acme/shop@${DIGEST}`,
    ];
    assert.deepEqual(
      await image({ taskDefinition: { containerDefinitions: [{ name: "web", image: other }] } }),
      absent,
    );
    assert.deepEqual(await image({ taskDefinition: {} }), absent);
    assert.deepEqual(await image({}), absent);
    assert.deepEqual(await image(new Error("AccessDenied")), [
      "VERIFY-DIGEST",
      "fail",
      "ECS DescribeTaskDefinition: AccessDenied",
    ]);
  });
});
