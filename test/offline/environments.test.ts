/**
 * Who creates each app's GitHub environments. GitHub creates an environment a workflow job names when none exists,
 * with no protection rule (GitHub docs, "Managing environments for deployment"): a production environment this
 * program does not create is one any job of the repository can deploy through unapproved. So production always
 * creates its own, with its reviewers, whether or not its stack owns the repositories; staging writes into the
 * environment the owning stack created.
 */
import { strict as assert } from "node:assert";
import { repositoryStacks, runStackFile } from "../helpers";

const ENVIRONMENT = "github:index/repositoryEnvironment:RepositoryEnvironment";

describe("GitHub environments: created by the stack of their environment or by the owning one", function () {
  this.timeout(120_000);
  let stagingOutputs: Record<string, Record<string, unknown>>;
  before(async () => {
    const staging = (await repositoryStacks()).find((p) => p.plan.stack === "staging")!;
    stagingOutputs = { "surlefeu/cicd-constitution/staging": staging.stackOutputs };
  });

  /** The stack's program with `ownsRepositories` as given (no infrastructure and no bootstrap without it). */
  const runOwning = (stack: "staging" | "production", owns: boolean) =>
    runStackFile(stack, {
      stackOutputs: stack === "production" ? stagingOutputs : undefined,
      change: (raw) => {
        raw.governance = { ...raw.governance, ownsRepositories: owns };
        if (!owns) {
          delete raw.infrastructure;
          delete raw.bootstrap;
        }
      },
    });

  for (const owns of [true, false])
    it(`production ${owns ? "owning" : "not owning"} the repositories creates each app's production environment, with its reviewers`, async () => {
      const { error, records, model } = await runOwning("production", owns);
      assert.equal(error, undefined, String(error));
      const environments = records.filter(
        (r) => r.type === ENVIRONMENT && r.inputs.environment === "production",
      );
      assert.deepEqual(
        environments.map((e) => e.inputs.repository).sort(),
        [
          ...model.apps.map((a) => a.repository.name),
          ...(owns && model.infrastructure ? [model.infrastructure.repository.name] : []),
        ].sort(),
      );
      for (const e of environments) {
        const [required] = e.inputs.reviewers as Array<{ users: unknown[]; teams: unknown[] }>;
        assert.ok(required.users.length + required.teams.length > 0, `${e.inputs.repository}: reviewers`);
      }
    });

  it("the owning stack creates each app's staging environment too, without reviewers: staging deploys on merge", async () => {
    const { error, records, model } = await runOwning("production", true);
    assert.equal(error, undefined, String(error));
    const staging = records.filter((r) => r.type === ENVIRONMENT && r.inputs.environment === "staging");
    // The infrastructure repository has its staging environment as well (its stacks' own deploys).
    assert.deepEqual(
      staging.map((e) => e.inputs.repository).sort(),
      [...model.apps.map((a) => a.repository.name), model.infrastructure!.repository.name].sort(),
    );
    for (const e of staging)
      assert.deepEqual(e.inputs.reviewers ?? [], [], `${e.inputs.repository}: no reviewers in staging`);
  });

  for (const stack of ["staging", "production"] as const)
    it(`${stack}: the environment's APP_URL variable is the URL the app serves at (its stack output url)`, async () => {
      const { error, records, outputs } = await runOwning(stack, stack === "production");
      assert.equal(error, undefined, String(error));
      const urls = records
        .filter(
          (r) =>
            r.type === "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable" &&
            r.inputs.variableName === "APP_URL" &&
            r.inputs.environment === stack,
        )
        .map((r) => [r.inputs.repository, r.inputs.value]);
      const apps = outputs.apps as Record<string, { url: string; repository?: string }>;
      assert.equal(urls.length, Object.keys(apps).length);
      assert.deepEqual(
        urls.map(([, url]) => url).sort(),
        Object.values(apps)
          .map((a) => a.url)
          .sort(),
      );
      for (const [, url] of urls) assert.match(String(url), /^https:\/\/[a-z0-9.-]+$/);
    });

  it("staging, which does not own the repositories, creates no environment: it writes into production's", async () => {
    const { error, records } = await runOwning("staging", false);
    assert.equal(error, undefined, String(error));
    assert.deepEqual(
      records.filter((r) => r.type === ENVIRONMENT),
      [],
    );
    assert.ok(
      records.some((r) => r.type === "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable"),
      "staging's variables written",
    );
  });
});
