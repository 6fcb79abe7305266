/**
 * The engine's entry point (`index.ts`) in process, under the offline mocks: given the stack file's config as the
 * engine hands it over (`PULUMI_CONFIG`-style strings, the secret keys marked), it registers the offline plan and
 * keeps every planted secret wrapped. The language-host proof runs the compiled entry point in a process of its own;
 * this one runs its source, so that a change to it shows here too.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../src/config/model";
import { organizationOf, recordProgram, StackPreview } from "../../src/offline/preview";
import { previousOutputsOf } from "../../src/offline/stacks";
import { engineSecretKeys, runEngineProgram, SECRET_KEYS_VARIABLE } from "../../src/entry";
import { ENGINE_SECRET_KEYS, engineConfig } from "../engineConfig";
import { repositoryStacks, ROOT } from "../helpers";

/** The engine's entry point, `index.ts`, loaded as the language host loads it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const indexEntry = () => (require("../../index") as () => Promise<Record<string, unknown>>)();

/**
 * Runs `entry` (by default `index.ts`) under the mocks with `config` and `secretKeys` as the engine's; what it
 * registered, or its error.
 */
async function runEntry(
  preview: StackPreview,
  config: Record<string, string>,
  secretKeys: string[],
  stackOutputs: Record<string, Record<string, unknown>>,
  entry: () => Promise<Record<string, unknown>> = indexEntry,
) {
  const stack = preview.plan.stack;
  let error: unknown;
  const recording = await recordProgram(
    {
      project: "cicd-constitution",
      stack,
      region: preview.model.awsRegion,
      organization: organizationOf(ROOT),
      network: preview.model.network,
      stackOutputs,
      previousOutputs: previousOutputsOf(ROOT, stack, undefined).previousOutputs,
    },
    async () => {
      // As the language host hands them over: the config to the SDK, the secret keys in the environment.
      pulumi.runtime.setAllConfig(config);
      const before = process.env[SECRET_KEYS_VARIABLE];
      process.env[SECRET_KEYS_VARIABLE] = JSON.stringify(secretKeys);
      try {
        return await entry();
      } catch (err) {
        error = err;
        return {};
      } finally {
        if (before === undefined) delete process.env[SECRET_KEYS_VARIABLE];
        else process.env[SECRET_KEYS_VARIABLE] = before;
      }
    },
  );
  return {
    error,
    records: recording.monitor.records,
    outputs: recording.outputs,
    secretValues: recording.monitor.secretValues,
  };
}

describe("the engine's entry point in process", function () {
  this.timeout(120_000);
  let previews: StackPreview[];
  let outputsOf: (p: StackPreview) => Record<string, Record<string, unknown>>;
  before(async () => {
    previews = await repositoryStacks();
    const staging = previews.find((p) => p.plan.stack === "staging")!;
    outputsOf = (p) => {
      const ref = p.model.promotion?.stagingStack;
      return ref ? { [ref]: staging.stackOutputs } : {};
    };
  });

  for (const stack of ["staging", "production"]) {
    it(`${stack}: registers the offline plan's URNs and inputs, every planted secret wrapped`, async () => {
      const preview = previews.find((p) => p.plan.stack === stack)!;
      const { config, secretValues } = engineConfig(preview);
      const run = await runEntry(preview, config, ENGINE_SECRET_KEYS, outputsOf(preview));
      const { error, records, outputs } = run;
      assert.equal(error, undefined, String(error));
      // The stack outputs production's reference and the commands read: the preview's.
      assert.deepEqual(
        JSON.parse(JSON.stringify(outputs.environmentProfile)),
        preview.stackOutputs.environmentProfile,
      );
      assert.deepEqual(Object.keys(outputs.apps as object), Object.keys(preview.stackOutputs.apps as object));
      const plan = new Map(preview.plan.resources.map((r) => [r.urn, r]));
      assert.deepEqual(records.map((r) => r.urn).sort(), [...plan.keys()].sort());
      for (const r of records)
        if (r.type !== "pulumi:pulumi:Stack") assert.deepEqual(r.inputs, plan.get(r.urn)!.inputs, r.urn);
      const text = JSON.stringify(records);
      for (const v of secretValues) assert.ok(!text.includes(v), `a planted secret unwrapped in ${stack}`);
      // And the program used them, as secrets: each reached a resource wrapped (the pull token inside the
      // registry credential's JSON).
      const used = [...run.secretValues];
      for (const v of secretValues)
        assert.ok(
          used.some((u) => u.includes(v)),
          `${v} used as a secret in ${stack}`,
        );
    });
  }

  it("refuses a secret key the engine holds in plain text, registering nothing", async () => {
    const preview = previews.find((p) => p.plan.stack === "staging")!;
    const { config } = engineConfig(preview);
    const { error, records } = await runEntry(preview, config, [], outputsOf(preview));
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /^Invalid config for stack "staging" \(stack staging\)/);
    assert.match(error.message, /cicd-constitution:ghcrToken/);
    assert.deepEqual(
      records.filter((r) => !r.type.startsWith("pulumi:")),
      [],
    );
  });

  it("refuses a secret the engine holds under a key that is not a secret's, registering nothing", async () => {
    const preview = previews.find((p) => p.plan.stack === "staging")!;
    const { config } = engineConfig(preview);
    const secretKeys = [...ENGINE_SECRET_KEYS, "cicd-constitution:githubOwner"];
    const { error, records } = await runEntry(preview, config, secretKeys, outputsOf(preview));
    assert.ok(error instanceof ConfigError, String(error));
    assert.deepEqual(
      error.problems.map((p) => [p.key, p.found]),
      [["cicd-constitution:githubOwner", "a secret value [secret]"]],
    );
    assert.ok(!error.message.includes(preview.model.githubOwner), "the value is not printed");
    assert.deepEqual(
      records.filter((r) => !r.type.startsWith("pulumi:")),
      [],
    );
  });

  it("refuses a secret the stack needs and the engine does not hold, as pulumi up would, registering nothing", async () => {
    const preview = previews.find((p) => p.plan.stack === "staging")!;
    const { config } = engineConfig(preview);
    delete config["cicd-constitution:ghcrToken"];
    const { error, records } = await runEntry(preview, config, ENGINE_SECRET_KEYS, outputsOf(preview));
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /cicd-constitution:ghcrToken/);
    assert.deepEqual(
      records.filter((r) => !r.type.startsWith("pulumi:")),
      [],
    );
  });

  describe("the secret keys, as the engine hands them over (PULUMI_CONFIG_SECRET_KEYS)", () => {
    it("are exactly the keys it lists; none when it is unset or empty", () => {
      const listed = engineSecretKeys({ [SECRET_KEYS_VARIABLE]: JSON.stringify(["p:a", "p:b"]) });
      assert.deepEqual([...listed].sort(), ["p:a", "p:b"]);
      assert.deepEqual([...engineSecretKeys({})], []);
      assert.deepEqual([...engineSecretKeys({ [SECRET_KEYS_VARIABLE]: "" })], []);
    });

    it("anything but a JSON list of keys is an error naming the variable, never a guess", () => {
      for (const value of ["not json", '{"p:a": true}', '"p:a"', "[1]"])
        assert.throws(
          () => engineSecretKeys({ [SECRET_KEYS_VARIABLE]: value }),
          new RegExp(`^Error: PULUMI_CONFIG_SECRET_KEYS: expected a JSON list of config keys, found `),
          value,
        );
    });

    it("is what the program reads its secrets by: with the list, the plan; without, the secrets refused", async () => {
      const preview = previews.find((p) => p.plan.stack === "staging")!;
      const { config, secretValues } = engineConfig(preview);
      const env = { [SECRET_KEYS_VARIABLE]: JSON.stringify(ENGINE_SECRET_KEYS) };
      const run = (e: NodeJS.ProcessEnv) => () => runEngineProgram("staging", config, e);
      const listed = await runEntry(preview, config, [], outputsOf(preview), run(env));
      assert.equal(listed.error, undefined, String(listed.error));
      assert.deepEqual(
        listed.records.map((r) => r.urn).sort(),
        preview.plan.resources.map((r) => r.urn).sort(),
      );
      for (const v of secretValues)
        assert.ok(
          [...listed.secretValues].some((u) => u.includes(v)),
          `${v} as a secret`,
        );
      const unlisted = await runEntry(preview, config, [], outputsOf(preview), run({}));
      assert.ok(unlisted.error instanceof ConfigError, String(unlisted.error));
      assert.match(unlisted.error.message, /cicd-constitution:ghcrToken/);
      assert.deepEqual(
        unlisted.records.filter((r) => !r.type.startsWith("pulumi:")),
        [],
      );
    });
  });
});
