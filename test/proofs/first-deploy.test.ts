/**
 * The first deploy on an empty GitHub organisation and an empty AWS account (issue: "from an empty organisation
 * to production"). Under the offline mocks, wrapped in a world that remembers what each step created and fails
 * a resource that refers to a repository, environment, role or OIDC provider no earlier step created, as GitHub
 * and AWS would. The documented order (docs/PIPELINE.md, "First deploy"):
 *
 *   1. by hand, once: `pulumi up --stack production --config cicd-constitution:bootstrap=true`
 *   2. main.yml, job `deploy staging`: `pulumi up --stack staging` (as this repository's staging deploy role)
 *   3. main.yml, job `deploy production`: `pulumi up --stack production` (after the approval)
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { parseStackConfig, StackModel } from "../../src/config/model";
import { resolveSecrets } from "../../src/config/secrets";
import { readStackFile } from "../../src/config/sources";
import { recordProgram } from "../../src/offline/preview";
import { defineStack, STAGING_REFERENCE_NAME } from "../../src/program";
import { ROOT } from "../helpers";

const NOW = new Date("2026-11-21T12:00:00Z");
type State = Record<string, unknown>;

/** What exists in GitHub and AWS, across steps. This repository exists from the start: it holds this code. */
class World {
  readonly repos = new Set<string>(["cicd-constitution"]);
  readonly environments = new Set<string>();
  readonly variables = new Map<string, string>();
  readonly roles = new Set<string>();
  readonly oidcProviders = new Set<string>();
  readonly policies = new Set<string>();
  /** What the last step refused, in order. */
  readonly refusals: string[] = [];

  private refuse(what: string): never {
    this.refusals.push(what);
    throw new Error(what);
  }

  private needRepo(type: string, inputs: State): string {
    const repo = String(inputs.repository);
    if (!this.repos.has(repo))
      this.refuse(`${type}: repository ${repo} does not exist (GitHub: 404 Not Found)`);
    return repo;
  }

  private needRole(type: string, role: string): void {
    const name = role.includes(":role/") ? role.slice(role.lastIndexOf("/") + 1) : role;
    if (!this.roles.has(name)) this.refuse(`${type}: role ${name} does not exist (IAM: NoSuchEntity)`);
  }

  /** Applies a registration to the world, or refuses it as the real service would. */
  private apply(args: pulumi.runtime.MockResourceArgs): void {
    const inputs = args.inputs as State;
    const t = args.type;
    if (t === "github:index/repository:Repository") {
      const name = String(inputs.name);
      if (args.id && !this.repos.has(name)) this.refuse(`import of repository ${name}: it does not exist`);
      this.repos.add(name);
    } else if (t === "github:index/repositoryRuleset:RepositoryRuleset") {
      this.needRepo(t, inputs);
    } else if (t === "github:index/repositoryEnvironment:RepositoryEnvironment") {
      this.environments.add(`${this.needRepo(t, inputs)}/${inputs.environment}`);
    } else if (
      t === "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy" ||
      t === "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret" ||
      t === "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable"
    ) {
      const env = `${this.needRepo(t, inputs)}/${inputs.environment}`;
      if (!this.environments.has(env)) this.refuse(`${t}: environment ${env} does not exist`);
      if (inputs.variableName) this.variables.set(`${env}/${inputs.variableName}`, String(inputs.value));
    } else if (t === "aws:iam/policy:Policy") {
      this.policies.add(String(inputs.name));
    } else if (t === "aws:iam/openIdConnectProvider:OpenIdConnectProvider") {
      this.oidcProviders.add(String(inputs.url).replace(/^https:\/\//, ""));
    } else if (t === "aws:iam/role:Role") {
      const trust = JSON.parse(String(inputs.assumeRolePolicy)) as {
        Statement: Array<{ Principal?: State }>;
      };
      for (const s of trust.Statement) {
        const federated = s.Principal?.Federated;
        if (typeof federated === "string") {
          const host = federated.slice(federated.indexOf("oidc-provider/") + "oidc-provider/".length);
          if (!this.oidcProviders.has(host))
            this.refuse(
              `role ${inputs.name}: trusts OIDC provider ${host}, which does not exist (IAM: MalformedPolicyDocument)`,
            );
        }
      }
      const boundary = inputs.permissionsBoundary ? String(inputs.permissionsBoundary) : undefined;
      if (boundary && !this.policies.has(boundary.slice(boundary.lastIndexOf("/") + 1)))
        this.refuse(
          `role ${inputs.name}: permissions boundary ${boundary} does not exist (IAM: NoSuchEntity)`,
        );
      this.roles.add(String(inputs.name));
    } else if (
      t === "aws:iam/rolePolicy:RolePolicy" ||
      t === "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
    ) {
      this.needRole(t, String(inputs.role));
    }
  }

  /** The offline mocks, with the world's checks in front. */
  wrap = (base: pulumi.runtime.Mocks): pulumi.runtime.Mocks => ({
    newResource: (args) => {
      if (args.custom) this.apply(args);
      return base.newResource(args);
    },
    call: (args) => {
      if (args.token === "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider") {
        const host = String(args.inputs.url).replace(/^https:\/\//, "");
        if (!this.oidcProviders.has(host))
          this.refuse(`OIDC provider ${host} does not exist (IAM: NoSuchEntity)`);
      }
      return base.call(args);
    },
  });
}

function modelOf(stack: string, change: (raw: Record<string, unknown>) => void = () => {}) {
  const source = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
  change(source.raw);
  const model = parseStackConfig(stack, source.raw, { secretKeys: source.secretKeys, today: NOW });
  return { model, values: resolveSecrets(model, source, "offline").values };
}

/** Runs one step of the order in the world; returns the stack outputs, or the error. */
async function step(
  world: World,
  { model, values }: { model: StackModel; values: ReturnType<typeof resolveSecrets>["values"] },
  stackOutputs?: Record<string, Record<string, unknown>>,
): Promise<{ outputs?: Record<string, unknown>; error?: unknown }> {
  let error: unknown;
  let outputs: Record<string, unknown> | undefined;
  world.refusals.length = 0;
  // A refused registration can leave outputs that never resolve: the refusal is the result, as the engine's.
  let settle: () => void = () => undefined;
  const refused = new Promise<undefined>((resolve) => {
    const timer = setInterval(() => {
      if (world.refusals.length) {
        clearInterval(timer);
        setTimeout(() => resolve(undefined), 200);
      }
    }, 50);
    settle = () => clearInterval(timer);
  });
  const recording = await Promise.race([
    refused,
    recordProgram(
      {
        project: "cicd-constitution",
        stack: model.environment,
        region: model.awsRegion,
        stackOutputs,
        network: model.network,
        wrapMocks: world.wrap,
      },
      async () => {
        try {
          const out = await defineStack(model, values);
          return { environmentProfile: out.environmentProfile };
        } catch (err) {
          error = err;
          return {};
        }
      },
    ).catch((err: unknown) => {
      error ??= err;
      return undefined;
    }),
  ]);
  settle();
  if (recording && !error) outputs = recording.outputs;
  if (!error && world.refusals.length) error = new Error(world.refusals.join("; "));
  return { outputs, error };
}

/** The environment a job of main.yml runs in, by job id. */
function workflowEnvironments(): Record<string, string> {
  const wf = parse(fs.readFileSync(path.join(ROOT, ".github/workflows/main.yml"), "utf8")) as {
    jobs: Record<string, { environment?: string | { name: string } }>;
  };
  return Object.fromEntries(
    Object.entries(wf.jobs)
      .filter(([, j]) => j.environment)
      .map(([id, j]) => [id, typeof j.environment === "string" ? j.environment : j.environment!.name]),
  );
}

describe("proofs: the first deploy on an empty organisation and account", function () {
  this.timeout(60_000);

  it("the documented order succeeds: bootstrap by hand, then main.yml's staging and production jobs", async () => {
    const world = new World();
    const boot = await step(
      world,
      modelOf("production", (r) => (r.bootstrap = true)),
    );
    assert.equal(boot.error, undefined, String(boot.error));
    // What main.yml assumes now exists: each job's environment of this repository, with a deploy role.
    for (const [job, env] of Object.entries(workflowEnvironments())) {
      assert.ok(world.environments.has(`cicd-constitution/${env}`), `${job}: environment ${env}`);
      const role = world.variables.get(`cicd-constitution/${env}/AWS_DEPLOY_ROLE_ARN`);
      assert.ok(
        role && world.roles.has(role.slice(role.lastIndexOf("/") + 1)),
        `${job}: deploy role ${role}`,
      );
    }
    for (const app of ["erp-berhan", "menu-optimizer"]) assert.ok(world.repos.has(app), app);

    const staging = await step(world, modelOf("staging"));
    assert.equal(staging.error, undefined, String(staging.error));
    const ref = modelOf("production").model.promotion!.stagingStack;
    const production = await step(world, modelOf("production"), { [ref]: staging.outputs! });
    assert.equal(production.error, undefined, String(production.error));
    assert.ok(
      world.environments.has("erp-berhan/production") && world.environments.has("erp-berhan/staging"),
    );
    assert.equal(STAGING_REFERENCE_NAME, "staging-profile");
  });

  it("staging before the bootstrap fails, as GitHub and AWS would: no repository, no OIDC provider", async () => {
    const world = new World();
    const staging = await step(world, modelOf("staging"));
    assert.ok(staging.error, "staging on an empty organisation must fail");
    assert.match(
      String(staging.error),
      /OIDC provider token\.actions\.githubusercontent\.com does not exist|repository erp-berhan does not exist/,
    );
  });

  it("staging before the bootstrap, with an OIDC provider made by hand, fails on the missing repositories", async () => {
    const world = new World();
    world.oidcProviders.add("token.actions.githubusercontent.com");
    for (const env of ["staging", "production"]) world.policies.add(`cicd-constitution-${env}-boundary`);
    const staging = await step(world, modelOf("staging"));
    assert.match(
      String(staging.error),
      /repository (erp-berhan|menu-optimizer) does not exist \(GitHub: 404 Not Found\)/,
    );
  });

  it("roles need their environment's permissions boundary: without the bootstrap's, staging's roles are refused", async () => {
    const world = new World();
    world.oidcProviders.add("token.actions.githubusercontent.com");
    for (const repo of ["erp-berhan", "menu-optimizer"]) world.repos.add(repo);
    const staging = await step(world, modelOf("staging"));
    assert.match(
      String(staging.error),
      /permissions boundary .*cicd-constitution-staging-boundary does not exist/,
    );
  });

  it("production's full deploy before staging ran fails: nothing to promote", async () => {
    const world = new World();
    await step(
      world,
      modelOf("production", (r) => (r.bootstrap = true)),
    );
    const ref = modelOf("production").model.promotion!.stagingStack;
    const production = await step(world, modelOf("production"), { [ref]: {} });
    assert.match(String(production.error), /exports no environmentProfile; deploy staging first/);
  });

  it("without the bootstrap's OIDC provider (oidcProvider: existing on an empty account), the bootstrap itself fails", async () => {
    const world = new World();
    const boot = await step(
      world,
      modelOf("production", (r) => {
        r.bootstrap = true;
        r.oidcProvider = "existing";
      }),
    );
    assert.match(String(boot.error), /OIDC provider token\.actions\.githubusercontent\.com does not exist/);
  });
});
