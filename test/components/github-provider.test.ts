/**
 * Every GitHub resource and lookup of a stack acts for the configured owner (`cicd-constitution:githubOwner`)
 * through one explicit provider, so a `pulumi up` run by hand with only `GITHUB_TOKEN` does not fall back to the
 * token's personal account (terraform-provider-github: no owner means the authenticated user).
 */
import * as assert from "node:assert/strict";
import { ConfigError } from "../../src/config/model";
import { teamsUsed } from "../../src/githubOwner";
import { repositoryStacks, runStackFile } from "../helpers";

describe("the GitHub provider of a stack", function () {
  it("each stack declares one GitHub provider for its owner, and every GitHub resource uses it", async function () {
    for (const s of await repositoryStacks()) {
      const providers = s.plan.resources.filter((r) => r.type === "pulumi:providers:github");
      assert.equal(providers.length, 1, `${s.plan.stack}: ${providers.length} GitHub providers`);
      assert.equal(providers[0].inputs.owner, s.model.githubOwner);
      const resources = s.plan.resources.filter((r) => r.type.startsWith("github:"));
      assert.ok(resources.length > 10, `${s.plan.stack}: ${resources.length} GitHub resources`);
      const stray = resources.filter((r) => r.options?.provider !== providers[0].urn).map((r) => r.name);
      assert.deepEqual(stray, [], `${s.plan.stack}: GitHub resources on another provider`);
    }
  });
});

/** Runs the stack's program offline; `userAccounts` are owners GitHub answers as users, not organisations. */
async function run(
  stack: "staging" | "production",
  change: (raw: any) => void = () => {},
  userAccounts: string[] = [],
  stackOutputs?: Record<string, Record<string, unknown>>,
) {
  const invoked: string[] = [];
  const calls: Array<{ token: string; provider?: string }> = [];
  const githubNames = new Map<string, string>();
  const { error, records, outputs, model } = await runStackFile(stack, {
    change,
    stackOutputs,
    githubNames,
    wrapMocks: (base) => ({
      newResource: (args) => base.newResource(args),
      call: (args) => {
        calls.push({ token: args.token, provider: args.provider });
        if (args.token === "github:index/getOrganization:getOrganization") {
          invoked.push(String(args.inputs.name));
          if (userAccounts.includes(String(args.inputs.name)))
            throw new Error(`GET https://api.github.com/orgs/${args.inputs.name}: 404 Not Found []`);
        }
        return base.call(args);
      },
    }),
  });
  const registered = records.filter((r) => !r.type.startsWith("pulumi:"));
  const providers = records.filter((r) => r.type === "pulumi:providers:github");
  return { invoked, error, registered, providers, outputs, calls, githubNames, model };
}

describe("a stack that names teams has an organisation as its GitHub owner", function () {
  // Production reads staging's profile first: the outputs of an offline staging run.
  let staging: Record<string, Record<string, unknown>>;
  before(async function () {
    staging = { "surlefeu/cicd-constitution/staging": (await run("staging")).outputs };
  });
  it("reads the owner as an organisation before anything is registered", async function () {
    const { invoked, error } = await run("production", () => {}, [], staging);
    assert.equal(error, undefined);
    assert.deepEqual(invoked, ["surlefeu"]);
  });

  it("stops before any change when the owner is a user account, naming githubOwner and the keys with teams", async function () {
    const { error, registered } = await run("production", () => {}, ["surlefeu"], staging);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(
      error.message,
      /cicd-constitution:githubOwner: expected a GitHub organisation: the stack names teams \(apps\[0\]\.reviewers\.teams: release-managers; apps\[0\]\.repository\.codeOwners: @surlefeu\/erp-team, @surlefeu\/release-managers;.*found "surlefeu", which GitHub does not answer as an organisation \(.*GET https:\/\/api\.github\.com\/orgs\/surlefeu: 404 Not Found \[\]/,
    );
    assert.deepEqual(
      registered.map((r) => r.type),
      [],
      "nothing is registered",
    );
  });

  it("the bootstrap, which looks up the infrastructure reviewers, stops the same way", async function () {
    const { error, registered } = await run("production", (r) => (r.bootstrap = true), ["surlefeu"]);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /cicd-constitution:githubOwner: expected a GitHub organisation/);
    assert.deepEqual(registered, []);
  });

  it("production's environments require the stack file's reviewers, each looked up through the owner's provider", async function () {
    const { error, registered, providers, calls, githubNames, model } = await run(
      "production",
      () => {},
      [],
      staging,
    );
    assert.equal(error, undefined);
    const [provider] = providers;
    const lookups = calls.filter((c) => /^github:index\/get(User|Team):/.test(c.token));
    assert.ok(lookups.length >= 2, `${lookups.length} reviewer lookups`);
    // A provider reference is `URN::ID`.
    for (const c of lookups)
      assert.ok(c.provider?.startsWith(`${provider.urn}::`), `${c.token}: ${c.provider}`);
    // Who must approve, by repository: the infrastructure's and each app's reviewers, as GitHub names them.
    const reviewersOf = new Map([
      ...(model.infrastructure
        ? [[model.infrastructure.repository.name, model.infrastructure.reviewers] as const]
        : []),
      ...model.apps.map((a) => [a.repository.name, a.reviewers] as const),
    ]);
    const production = registered.filter(
      (r) =>
        r.type === "github:index/repositoryEnvironment:RepositoryEnvironment" &&
        r.inputs.environment === "production",
    );
    assert.equal(production.length, reviewersOf.size);
    for (const env of production) {
      const expected = reviewersOf.get(String(env.inputs.repository))!;
      const [required] = env.inputs.reviewers as Array<{ users: unknown[]; teams: unknown[] }>;
      for (const id of [...required.users, ...required.teams])
        assert.ok(Number.isInteger(id) && (id as number) > 0, String(id));
      assert.deepEqual(
        {
          users: required.users.map((id) => githubNames.get(String(id))),
          teams: required.teams.map((id) => githubNames.get(String(id))),
        },
        { users: expected.users.map((u) => `@${u}`), teams: expected.teams.map((t) => `team ${t}`) },
        String(env.inputs.repository),
      );
    }
  });

  it("names every key that uses teams, and only their teams", async function () {
    const { model } = await run("production", () => {}, [], staging);
    assert.deepEqual(teamsUsed(model), [
      { key: "apps[0].reviewers.teams", teams: ["release-managers"] },
      { key: "apps[0].repository.codeOwners", teams: ["@surlefeu/erp-team", "@surlefeu/release-managers"] },
      { key: "apps[1].reviewers.teams", teams: ["release-managers"] },
      { key: "apps[1].repository.codeOwners", teams: ["@surlefeu/release-managers"] },
      { key: "infrastructure.reviewers.teams", teams: ["release-managers"] },
      { key: "infrastructure.repository.codeOwners", teams: ["@surlefeu/release-managers"] },
    ]);
    // Users alone, as code owners and reviewers, need no organisation.
    const users = await run(
      "production",
      (r) => {
        for (const g of [...r.apps, r.infrastructure]) {
          g.repository.codeOwners = ["@mathieu"];
          g.reviewers = { users: ["mathieu", "selam"], teams: [] };
        }
      },
      ["surlefeu"],
      staging,
    );
    assert.deepEqual(teamsUsed(users.model), []);
    // So the owner is not asked for as an organisation, and a user account owns the repositories.
    assert.deepEqual(users.invoked, []);
    assert.equal(users.error, undefined, String(users.error));
  });

  it("does not ask when no team is named (a user account may own the repositories)", async function () {
    const { invoked, error, calls } = await run("staging");
    assert.equal(error, undefined);
    assert.deepEqual(invoked, [], "staging names no teams");
    // Reviewers guard production only: staging's token, which reads no organisation membership, looks none up,
    // even where the stack file names a reviewer.
    const named = await run("staging", (r) => (r.apps[0].reviewers = { users: ["mathieu"], teams: [] }));
    assert.equal(named.error, undefined, String(named.error));
    assert.deepEqual(
      [...calls, ...named.calls].filter((c) => /^github:index\/get(User|Team):/.test(c.token)),
      [],
    );
  });
});
