/**
 * Each line of the preview's summary (`summarizePlan`, src/offline/summary.ts) for the shapes the repository's
 * stacks do not have: a repository that is not squash-only, rulesets with and without each rule, an environment
 * another stack created, canary, linear and rolling deployments, an unknown image, stickiness, flags with a
 * cohort or none, this repository's governance and the assumptions. Built from a small plan, so each value the
 * line shows is one the plan holds.
 */
import * as assert from "node:assert/strict";
import { T } from "../../policy-pack/lib/tokens";
import { APPLICATION_TYPE } from "../../policy-pack/lib/facts";
import { dig, summarizePlan } from "../../src/offline/summary";
import type { Plan, PlanResource } from "../../src/plan/types";

const urn = (type: string, name: string) => `urn:pulumi:s::p::${type}::${name}`;

/** A plan of `resources` (each `[type, name, inputs, parent name]`, parents named before their children). */
function planOf(
  resources: Array<[string, string, Record<string, unknown>, string?]>,
  assumptions: Plan["assumptions"] = [],
): Plan {
  const byName = new Map<string, string>();
  const records: PlanResource[] = resources.map(([type, name, inputs, parent]) => {
    const r = { urn: urn(type, name), type, name, parent: parent ? byName.get(parent)! : null, inputs };
    byName.set(name, r.urn);
    return r;
  });
  return {
    schemaVersion: 1,
    project: "p",
    stack: "s",
    mode: "offline",
    resources: records,
    outputs: {},
    assumptions,
  } as Plan;
}

/** The lines of app `app`'s block. */
function block(lines: string[], app: string): string[] {
  const start = lines.findIndex((l) => l.startsWith(`  ${app} (`));
  assert.ok(start >= 0, `no block for ${app}: ${lines.join("\n")}`);
  const end = lines.findIndex((l, i) => i > start && /^ {2}\S/.test(l));
  return lines.slice(start, end < 0 ? undefined : end);
}

const service = (deploymentConfiguration: unknown, extra: Record<string, unknown> = {}) => ({
  desiredCount: 3,
  deploymentConfiguration,
  ...extra,
});

const container = (extra: Record<string, unknown> = {}) =>
  JSON.stringify([
    {
      healthCheck: { command: ["CMD", "curl", "-f", "http://127.0.0.1:8000/healthz"] },
      mountPoints: [{ containerPath: "/tmp" }, { containerPath: "/cache" }],
      ...extra,
    },
  ]);

describe("offline preview: each summary line, from a small plan", function () {
  it("the repository's merge settings, each ruleset's rules, refs and bypass actors", function () {
    const lines = summarizePlan(
      planOf([
        [APPLICATION_TYPE, "a1", {}],
        [
          T.repository,
          "repo",
          {
            name: "a1",
            allowSquashMerge: true,
            allowMergeCommit: true,
            allowRebaseMerge: false,
            deleteBranchOnMerge: true,
            archiveOnDestroy: false,
          },
          "a1",
        ],
        [
          T.ruleset,
          "main",
          {
            name: "main",
            enforcement: "active",
            conditions: { refName: { includes: ["~DEFAULT_BRANCH", "refs/heads/release"] } },
            bypassActors: [{ actorId: 1 }, { actorId: 2 }],
            rules: {
              pullRequest: { requiredApprovingReviewCount: 2, dismissStaleReviewsOnPush: true },
              requiredStatusChecks: {
                requiredChecks: [{ context: "style" }, { context: "unit" }],
                strictRequiredStatusChecksPolicy: true,
              },
              nonFastForward: true,
              deletion: true,
              update: true,
            },
          },
          "a1",
        ],
        [
          T.ruleset,
          "tags",
          {
            name: "tags",
            enforcement: "evaluate",
            conditions: { refName: { includes: ["refs/tags/mvp-*"] } },
            rules: {
              pullRequest: { requiredApprovingReviewCount: 0 },
              requiredStatusChecks: { requiredChecks: [] },
            },
          },
          "a1",
        ],
      ]),
    );
    const b = block(lines, "a1");
    assert.deepEqual(b.slice(0, 5), [
      "  a1 (3 resources)",
      "    components   Application 3",
      "    repository   a1: squash only=false, delete branch on merge=true, archive on destroy=false",
      "    ruleset      main on ~DEFAULT_BRANCH,refs/heads/release [active]: PR with 2 approval(s), stale dismissed, checks style,unit (strict), no force push, no deletion, no update, bypass actors 2",
      "    ruleset      tags on refs/tags/mvp-* [evaluate]: PR with 0 approval(s), checks , bypass actors 0",
    ]);
    const squash = summarizePlan(
      planOf([
        [APPLICATION_TYPE, "a2", {}],
        [
          T.repository,
          "repo",
          { name: "a2", allowSquashMerge: true, allowMergeCommit: false, allowRebaseMerge: false },
          "a2",
        ],
        [T.ruleset, "bare", { name: "bare", enforcement: "active" }, "a2"],
      ]),
    );
    assert.match(block(squash, "a2")[2], /: squash only=true, /);
    assert.equal(block(squash, "a2")[3], "    ruleset      bare on  [active]: bypass actors 0");
    const notOwned = summarizePlan(planOf([[APPLICATION_TYPE, "a3", {}]]));
    assert.deepEqual(block(notOwned, "a3"), [
      "  a3 (0 resources)",
      "    components   ",
      "    repository   not owned by this stack (governance.ownsRepositories: false)",
      "    alarms       ; dashboard 0",
    ]);
  });

  it("environments: deployment sources, reviewers, self-review and secrets; one another stack created", function () {
    const lines = summarizePlan(
      planOf([
        [APPLICATION_TYPE, "a1", {}],
        [
          T.environment,
          "prod",
          { environment: "production", preventSelfReview: true, reviewers: [{ users: [1, 2], teams: [3] }] },
          "a1",
        ],
        [T.environment, "stg", { environment: "staging", reviewers: [{ users: "x" }] }, "a1"],
        [T.deploymentPolicy, "p1", { environment: "production", branchPattern: "main" }, "a1"],
        [T.deploymentPolicy, "p2", { environment: "production", tagPattern: "mvp-*" }, "a1"],
        [T.envSecret, "s1", { environment: "production", secretName: "A" }, "a1"],
        [T.envSecret, "s2", { environment: "production", secretName: "B" }, "a1"],
        [T.envSecret, "s3", { environment: "preview", secretName: "C" }, "a1"],
        [T.envSecret, "s4", { environment: "preview", secretName: "D" }, "a1"],
      ]),
    );
    const envs = block(lines, "a1").filter((l) => l.startsWith("    environment  "));
    assert.deepEqual(envs, [
      "    environment  production: deploys from branch main or tag mvp-*; reviewers 3 (self-review prevented); secrets A, B",
      "    environment  staging: deploys from ; reviewers 0; secrets none",
      "    environment  preview: created by the stack owning the repository; secrets C, D",
    ]);
  });

  it("images, and the runtime of a canary, a linear and a rolling deployment", function () {
    const runtime = (
      app: string,
      svc: Record<string, unknown>,
      containerExtra: Record<string, unknown>,
      tg: Record<string, unknown>,
    ) =>
      [
        [APPLICATION_TYPE, app, {}],
        [
          T.taskDefinition,
          `${app}-td`,
          { cpu: "512", memory: "1024", containerDefinitions: container(containerExtra) },
          app,
        ],
        [T.service, `${app}-svc`, svc, app],
        [T.targetGroup, `${app}-tg`, tg, app],
      ] as Array<[string, string, Record<string, unknown>, string?]>;
    const lines = summarizePlan(
      planOf([
        ...runtime(
          "canary",
          service(
            {
              strategy: "CANARY",
              bakeTimeInMinutes: 10,
              canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 },
            },
            { alarms: { alarmNames: ["a-5xx", "a-latency"], rollback: true } },
          ),
          {
            image: "ghcr.io/o/canary@sha256:1",
            repositoryCredentials: { credentialsParameter: "arn:secret" },
          },
          { healthCheck: { path: "/readyz" }, stickiness: { enabled: true } },
        ),
        [
          T.image,
          "canary-img",
          {
            tags: ["ghcr.io/o/canary:abc", "ghcr.io/o/canary:staging"],
            platforms: ["linux/amd64", "linux/arm64"],
          },
          "canary",
        ],
        [
          T.index,
          "canary-alias",
          { tag: "ghcr.io/o/canary:staging", sources: ["ghcr.io/o/canary@sha256:1"] },
          "canary",
        ],
        ...runtime(
          "linear",
          service(
            {
              strategy: "LINEAR",
              bakeTimeInMinutes: 15,
              linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 3 },
            },
            { alarms: { alarmNames: ["l-5xx"], rollback: false } },
          ),
          { mountPoints: [] },
          {},
        ),
        ...runtime(
          "rolling",
          service(undefined, { deploymentCircuitBreaker: { enable: true, rollback: true } }),
          {},
          {},
        ),
      ]),
    );
    assert.deepEqual(block(lines, "canary").slice(3, 9), [
      "    image build  ghcr.io/o/canary:abc, ghcr.io/o/canary:staging for linux/amd64, linux/arm64",
      "    image alias  ghcr.io/o/canary:staging -> ghcr.io/o/canary@sha256:1",
      "    runtime      runs ghcr.io/o/canary@sha256:1",
      "                 Fargate 512 CPU units / 1024 MiB x 3, ALB health /readyz, container health /healthz, no circuit breaker (the deployment alarms roll back)",
      "                 pull registry credentials, read-only root with writable /tmp, /cache, stickiness on",
      "                 deploys canary 10% for 5 min, then all; bake 10 min; alarms a-5xx, a-latency (rollback on)",
    ]);
    assert.deepEqual(block(lines, "linear").slice(3, 7), [
      "    runtime      runs [unknown]",
      "                 Fargate 512 CPU units / 1024 MiB x 3, ALB health ?, container health /healthz, no circuit breaker (the deployment alarms roll back)",
      "                 pull anonymous, read-only root with writable nothing, stickiness off",
      "                 deploys linear 20% every 3 min; bake 15 min; alarms l-5xx (no rollback)",
    ]);
    assert.deepEqual(block(lines, "rolling").slice(4, 7), [
      "                 Fargate 512 CPU units / 1024 MiB x 3, ALB health ?, container health /healthz, circuit breaker rollback=true",
      "                 pull anonymous, read-only root with writable /tmp, /cache, stickiness off",
      "                 deploys rolling (all tasks replaced in place); alarms none (no rollback)",
    ]);
    const noService = summarizePlan(
      planOf(runtime("half", service({}), {}, {}).filter(([t]) => t !== T.service)),
    );
    assert.equal(block(noService, "half").filter((l) => l.includes("runtime")).length, 0);
  });

  it("flags from the unmasked document (cohort, state, removal date), none when empty; alarms and dashboards", function () {
    const content = JSON.stringify({
      values: {
        a: { enabled: true, cohort: "staff", removalDate: "2027-01-01" },
        b: { enabled: false, removalDate: "2027-02-01" },
      },
    });
    const plan = planOf([
      [APPLICATION_TYPE, "a1", {}],
      [T.hostedConfig, "flags", { content: "[secret]" }, "a1"],
      [T.metricAlarm, "m1", { name: "a1-5xx" }, "a1"],
      [T.metricAlarm, "m2", { name: "a1-latency" }, "a1"],
      [T.dashboard, "d", {}, "a1"],
      [APPLICATION_TYPE, "a2", {}],
      [T.hostedConfig, "flags2", { content: JSON.stringify({ values: {} }) }, "a2"],
    ]);
    const lines = summarizePlan(plan, new Map([[urn(T.hostedConfig, "flags"), { content }]]));
    assert.deepEqual(block(lines, "a1").slice(-2), [
      "    flags        a=ON (cohort staff), remove by 2027-01-01; b=OFF, remove by 2027-02-01",
      "    alarms       a1-5xx, a1-latency; dashboard 1",
    ]);
    assert.equal(block(lines, "a2").at(-2), "    flags        none");
    assert.equal(
      block(summarizePlan(plan), "a1").at(-2),
      "    flags        none",
      "a masked document shows no flag",
    );
  });

  it("this repository's governance, the parity reference and the numbered assumptions", function () {
    const infra = "cicd-constitution:github:InfrastructureRepository";
    const lines = summarizePlan(
      planOf(
        [
          [
            "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
            "oidc",
            { url: "https://token.actions.githubusercontent.com" },
          ],
          [infra, "cicd", {}],
          ["cicd-constitution:github:Group", "group", {}, "cicd"],
          [T.ruleset, "r1", { name: "main" }, "group"],
          [T.ruleset, "r2", { name: "tags" }, "cicd"],
          [
            T.environment,
            "e1",
            { environment: "production", preventSelfReview: true, reviewers: [{ users: [1], teams: [2] }] },
            "cicd",
          ],
          [T.environment, "e2", { environment: "staging" }, "cicd"],
          [T.role, "role1", { name: "deploy-staging" }, "cicd"],
          [T.role, "role2", { name: "deploy-production" }, "cicd"],
          ["aws:iam/policy:Policy", "b1", { name: "boundary" }, "cicd"],
          [T.stackReference, "ref", { name: "o/p/staging" }],
          [T.ruleset, "elsewhere", { name: "not-mine" }],
        ],
        [
          { what: "first", check: "c1" },
          { what: "second", check: "c2" },
        ],
      ),
    );
    assert.deepEqual(lines.slice(1), [
      "  identity     GitHub OIDC provider https://token.actions.githubusercontent.com (created here, protected)",
      "  cicd (this repository, 8 resources)",
      "    rulesets     main, tags",
      "    environments production (reviewers 2, self-review prevented); staging (reviewers 0)",
      "    deploy roles deploy-staging, deploy-production; boundaries boundary",
      "  parity       reads o/p/staging (environmentProfile) through a StackReference",
      "  assumed      first",
      "               check: c1",
      "               second",
      "               check: c2",
    ]);
    assert.equal(lines[0], "Stack s: 12 resources (10 cloud/GitHub resources, 2 components)");
    assert.deepEqual(summarizePlan(planOf([])), [
      "Stack s: 0 resources (0 cloud/GitHub resources, 0 components)",
    ]);
  });

  it("dig reads a nested value, and nothing through a missing step or a non-object", function () {
    assert.equal(dig({ a: { b: [5, { c: 1 }] } }, "a", "b", 1, "c"), 1);
    assert.equal(dig({ a: null }, "a", "b"), undefined);
    assert.equal(dig({ a: "text" }, "a", "length"), undefined);
    assert.equal(dig(undefined, "a"), undefined);
    assert.deepEqual(dig({ a: 1 }), { a: 1 });
  });
});
