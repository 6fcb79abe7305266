import { strict as assert } from "node:assert";
import * as path from "node:path";
import { previewStack, StackPreview } from "../src/offline/preview";
import { previousOutputsOf } from "../src/offline/stacks";
import { appOf } from "../src/offline/summary";
import { PlanResource } from "../src/plan/types";
import { parsed, repositoryStacks, ROOT } from "./helpers";

const DIGEST_REF = /^ghcr\.io\/[a-z0-9-]+\/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$/;

/** Plan resources of one app, by type. */
function appResources(p: StackPreview, app: string): Map<string, PlanResource[]> {
  const byUrn = new Map(p.plan.resources.map((r) => [r.urn, r]));
  const out = new Map<string, PlanResource[]>();
  for (const r of p.plan.resources) {
    if (appOf(r, byUrn) !== app) continue;
    out.set(r.type, [...(out.get(r.type) ?? []), r]);
  }
  return out;
}

describe("the repository's stacks (offline preview)", () => {
  let staging: StackPreview;
  let production: StackPreview;
  before(async () => {
    [staging, production] = await repositoryStacks();
  });

  it("previews both stacks with the plan schema", () => {
    for (const p of [staging, production]) {
      assert.equal(p.plan.schemaVersion, 1);
      assert.equal(p.plan.project, "cicd-constitution");
      assert.equal(p.plan.mode, "offline");
      for (const r of p.plan.resources) {
        assert.deepEqual(
          Object.keys(r).filter((k) => k !== "options"),
          ["urn", "type", "name", "parent", "inputs"],
          r.urn,
        );
        assert.match(r.urn, new RegExp(`^urn:pulumi:${p.plan.stack}::cicd-constitution::`));
      }
    }
  });

  it("every resource is a child of its app's Application or of the InfrastructureRepository, which its URN names", () => {
    // Top level: the stack's reads and providers, the components, and the account's one GitHub OIDC provider.
    const TOP_LEVEL = [
      "pulumi:pulumi:StackReference",
      "pulumi:providers:github",
      "cicd-constitution:app:Application",
      "cicd-constitution:github:InfrastructureRepository",
      "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    ];
    for (const p of [staging, production]) {
      const byUrn = new Map(p.plan.resources.map((r) => [r.urn, r]));
      const root = p.plan.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
      const top = (r: PlanResource): PlanResource => {
        const parent = byUrn.get(r.parent ?? "");
        return parent && parent !== root ? top(parent) : r;
      };
      for (const r of p.plan.resources.filter((r) => r !== root)) {
        const ancestor = top(r);
        assert.ok(TOP_LEVEL.includes(ancestor.type), `${p.plan.stack}: ${r.urn} under ${ancestor.urn}`);
        const tagged = (r.inputs.tags as Record<string, unknown> | undefined)?.app;
        if (ancestor.type === "cicd-constitution:app:Application" && tagged !== undefined)
          assert.equal(tagged, ancestor.name, r.urn);
        if (r !== ancestor) assert.ok(r.urn.split("::")[2].startsWith(`${ancestor.type}$`), r.urn);
      }
    }
  });

  it("staging builds each image once, tagged with the 40-hex SHA", () => {
    const images = staging.plan.resources.filter((r) => r.type === "docker-build:index:Image");
    assert.equal(images.length, 2);
    for (const img of images) {
      const tags = img.inputs.tags as string[];
      assert.equal(tags.length, 1);
      assert.match(tags[0], /^ghcr\.io\/surlefeu\/[a-z-]+:[0-9a-f]{40}$/);
    }
  });

  it("production builds nothing and runs images by digest: the digests staging built", () => {
    assert.equal(production.plan.resources.filter((r) => r.type === "docker-build:index:Image").length, 0);
    const stagingProfile = staging.plan.outputs.environmentProfile as any;
    for (const task of production.plan.resources.filter(
      (r) => r.type === "aws:ecs/taskDefinition:TaskDefinition",
    )) {
      const [c] = parsed<any[]>(task.inputs.containerDefinitions);
      assert.match(c.image, DIGEST_REF);
      assert.equal(
        c.image.split("@")[1],
        stagingProfile.apps[c.name].digest,
        `${c.name} runs what staging built`,
      );
    }
  });

  const perApp = [
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    "aws:iam/role:Role",
    "aws:ecs/service:Service",
    "aws:ecs/taskDefinition:TaskDefinition",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:lb/targetGroup:TargetGroup",
    "aws:lb/listener:Listener",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/dashboard:Dashboard",
    "aws:appconfig/configurationProfile:ConfigurationProfile",
    "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion",
  ];
  for (const stack of ["staging", "production"]) {
    it(`${stack}: every app has its environment, OIDC role, ECS service, ALB, listeners, logs, alarms, dashboard, flags`, () => {
      const p = stack === "staging" ? staging : production;
      for (const app of ["erp-berhan", "menu-optimizer"]) {
        const res = appResources(p, app);
        for (const type of perApp)
          assert.ok((res.get(type) ?? []).length > 0, `${stack}/${app} lacks ${type}`);
        assert.equal(res.get("aws:lb/listener:Listener")!.length, 2);
        // 5xx rate, latency, two burn windows; production also a 5xx rate per target group (canary deployments).
        assert.equal(
          res.get("aws:cloudwatch/metricAlarm:MetricAlarm")!.length,
          stack === "production" ? 6 : 4,
        );
        const deployRole = res.get("aws:iam/role:Role")!.find((r) => r.name.endsWith("-deploy-role"));
        assert.ok(deployRole, `${stack}/${app} has no deploy role`);
      }
    });
  }

  it("the owning stack creates each app's staging and production environments; staging writes only staging's secrets", () => {
    const ENV = "github:index/repositoryEnvironment:RepositoryEnvironment";
    const POLICY = "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy";
    for (const app of ["erp-berhan", "menu-optimizer"]) {
      const envs = (appResources(production, app).get(ENV) ?? []).map((e) => e.inputs.environment).sort();
      assert.deepEqual(envs, ["production", "staging"]);
      const secrets = appResources(staging, app).get(
        "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
      )!;
      assert.deepEqual([...new Set(secrets.map((s) => s.inputs.environment))], ["staging"]);
    }
    // Nothing in staging needs repository administration: no environment, branch policy, repository or ruleset.
    const admin = staging.plan.resources.filter(
      (r) => [ENV, POLICY].includes(r.type) || r.type.includes("Ruleset"),
    );
    assert.deepEqual(
      admin.map((r) => r.urn),
      [],
    );
  });

  it("the owning stack (production) holds each app's repository, main ruleset and tag ruleset; staging none", () => {
    for (const app of ["erp-berhan", "menu-optimizer"]) {
      const res = appResources(production, app);
      assert.equal(res.get("github:index/repository:Repository")!.length, 1);
      const rulesets = res
        .get("github:index/repositoryRuleset:RepositoryRuleset")!
        .map((r) => r.inputs.target)
        .sort();
      assert.deepEqual(rulesets, ["branch", "tag"]);
    }
    assert.equal(
      staging.plan.resources.filter(
        (r) => r.type.startsWith("github:index/repository:") || r.type.includes("Ruleset"),
      ).length,
      0,
    );
  });

  it("no GitHub resource identity is declared by both stacks", () => {
    const identity = (r: PlanResource): string | null => {
      const i = r.inputs as Record<string, unknown>;
      switch (r.type) {
        case "github:index/repository:Repository":
          return `repo:${i.name}`;
        case "github:index/repositoryRuleset:RepositoryRuleset":
          return `ruleset:${i.repository}:${i.name}`;
        case "github:index/repositoryEnvironment:RepositoryEnvironment":
          return `env:${i.repository}:${i.environment}`;
        case "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy":
          return `policy:${i.repository}:${i.environment}:${i.branchPattern ?? ""}:${i.tagPattern ?? ""}`;
        case "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret":
          return `secret:${i.repository}:${i.environment}:${i.secretName}`;
        case "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable":
          return `variable:${i.repository}:${i.environment}:${i.variableName}`;
        case "github:index/actionsVariable:ActionsVariable":
          return `repo-variable:${i.repository}:${i.variableName}`;
        case "github:index/actionsSecret:ActionsSecret":
          return `repo-secret:${i.repository}:${i.secretName}`;
        // One per repository: its security updates, workflow token and actions settings.
        case "github:index/repositoryDependabotSecurityUpdates:RepositoryDependabotSecurityUpdates":
        case "github:index/workflowRepositoryPermissions:WorkflowRepositoryPermissions":
        case "github:index/actionsRepositoryPermissions:ActionsRepositoryPermissions":
          return `${r.type}:${i.repository}`;
        case "github:index/teamRepository:TeamRepository":
          return `team-access:${i.repository}:${i.teamId}`;
        case "github:index/repositoryFile:RepositoryFile":
          return `file:${i.repository}:${i.branch}:${i.file}`;
        default:
          assert.ok(!r.type.startsWith("github:"), `identity of ${r.type} unknown to this test`);
          return null;
      }
    };
    const ids = (p: StackPreview) =>
      new Set(p.plan.resources.map(identity).filter((x): x is string => x !== null));
    const s = ids(staging);
    const prod = ids(production);
    assert.ok(s.size > 10 && prod.size > 10);
    const both = [...s].filter((x) => prod.has(x));
    assert.deepEqual(both, []);
  });

  it("production reads staging's environment profile through a StackReference", () => {
    const ref = production.plan.resources.filter((r) => r.type === "pulumi:pulumi:StackReference");
    assert.equal(ref.length, 1);
    assert.equal(ref[0].inputs.name, "surlefeu/cicd-constitution/staging");
    assert.deepEqual(
      (ref[0].inputs.outputs as any).environmentProfile,
      staging.plan.outputs.environmentProfile,
    );
  });

  it("plan files hold no secret value: every secret is [secret]", () => {
    for (const p of [staging, production]) {
      const text = JSON.stringify(p.plan);
      assert.ok(p.secretValues.size > 0, "the program used secrets");
      for (const secret of p.secretValues)
        assert.ok(!text.includes(secret), `${p.plan.stack} plan leaks a secret`);
      assert.ok((text.match(/\[secret\]/g) ?? []).length >= 8);
    }
  });

  it("previewing in batches of apps (memory bound) gives exactly the plan of one run over all apps", async () => {
    const ref = { "surlefeu/cicd-constitution/staging": staging.stackOutputs };
    for (const [stack, full] of [
      ["staging", staging],
      ["production", production],
    ] as const) {
      const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
      const history = previousOutputsOf(ROOT, stack, undefined);
      const one = await previewStack(file, { stackOutputs: ref, batchSize: 1, ...history });
      const all = await previewStack(file, { stackOutputs: ref, batchSize: 1000, ...history });
      // Registration order interleaves apps in one run; the set of resources and every other field are equal.
      const byUrn = <T extends { urn: string }>(xs: T[]) =>
        [...xs].sort((a, b) => a.urn.localeCompare(b.urn));
      for (const p of [one, all]) {
        assert.deepEqual(
          { ...p.plan, resources: byUrn(p.plan.resources) },
          { ...full.plan, resources: byUrn(full.plan.resources) },
          stack,
        );
      }
      assert.deepEqual(byUrn(one.resources), byUrn(all.resources), stack);
      assert.ok(one.plan.resources.length > 90);
    }
  });
});

describe("engine parity of the offline plan's URNs", () => {
  it("nested URNs carry the whole chain of parent types, and top-level resources are children of the Stack", async () => {
    const { plan } = (await repositoryStacks()).find((p) => p.plan.stack === "production")!;
    const stack = plan.resources[0];
    assert.equal(
      stack.urn,
      "urn:pulumi:production::cicd-constitution::pulumi:pulumi:Stack::cicd-constitution-production",
    );
    assert.equal(stack.parent, null);
    const service = plan.resources.find((r) => r.name === "erp-berhan-production-service")!;
    assert.equal(
      service.urn,
      "urn:pulumi:production::cicd-constitution::cicd-constitution:app:Application$cicd-constitution:runtime:ServiceRuntime$aws:ecs/service:Service::erp-berhan-production-service",
    );
    const app = plan.resources.find(
      (r) => r.type === "cicd-constitution:app:Application" && r.name === "erp-berhan",
    )!;
    assert.equal(app.parent, stack.urn);
    assert.equal(
      app.urn,
      "urn:pulumi:production::cicd-constitution::cicd-constitution:app:Application::erp-berhan",
    );
    // Every URN's type part is its parent's type part plus its own type (the engine's rule).
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    for (const r of plan.resources.slice(1)) {
      const parent = byUrn.get(r.parent!)!;
      const chain = parent.type === "pulumi:pulumi:Stack" ? r.type : `${parent.urn.split("::")[2]}$${r.type}`;
      assert.equal(r.urn.split("::")[2], chain, r.urn);
    }
  });
});

describe("IAM quotas of the plans' policies", () => {
  it("each role's inline policies stay under 10,240 characters and each managed policy under 6,144 (IAM quotas, whitespace not counted)", async () => {
    for (const { plan } of await repositoryStacks()) {
      const size = (p: unknown) => (typeof p === "string" ? p : JSON.stringify(p)).replace(/\s/g, "").length;
      const byRole = new Map<string, number>();
      for (const r of plan.resources.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy")) {
        // The plan holds the role by name only when it is known; the parent component groups a role's policies.
        const role = String(r.inputs.role ?? r.parent);
        byRole.set(role, (byRole.get(role) ?? 0) + size(r.inputs.policy));
      }
      assert.ok(byRole.size > 0);
      for (const [role, total] of byRole)
        assert.ok(total <= 10_240, `${plan.stack} ${role}: ${total} characters`);
      for (const r of plan.resources.filter((x) => x.type === "aws:iam/policy:Policy"))
        assert.ok(
          size(r.inputs.policy) <= 6_144,
          `${plan.stack} ${r.name}: ${size(r.inputs.policy)} characters`,
        );
    }
  });
});
