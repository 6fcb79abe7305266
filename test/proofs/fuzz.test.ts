/**
 * Property-based proofs of the config model and the program (issue 5, part 1):
 *
 * - generated valid staging + production pairs preview without error (the real program under the offline
 *   mocks, `mode: "engine"` with every secret set) and pass the policy pack with no failure at all;
 * - every single mutation of a valid config (wrong type, missing key, bad pattern, unknown key, duplicate app
 *   name, removal date in the past) is rejected with a ConfigError naming the mutated key, before anything is
 *   registered, and never with another exception.
 *
 * `npm test` runs a fixed-seed, CI-sized run (100 cases of each config property, 30 full previews); `npm run fuzz`
 * runs 1,000 of each. FUZZ_SEED picks another seed; a failure prints the seed and path to replay it.
 */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError, parseStackConfig } from "../../src/config/model";
import { resolveSecrets } from "../../src/config/secrets";
import { ConfigSource } from "../../src/config/sources";
import { auditPreview } from "../../src/audit/policy";
import { previewSource } from "../../src/offline/preview";
import { arbStackPair, engineSource, rawOf, StackPair, TODAY } from "./arbitraries";
import { arbMutation, MUTATION_KINDS, Mutation } from "./configMutations";

/** Cases per property (CI: 100; `npm run fuzz`: 1,000). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/**
 * Cases of the full-preview property, each two real previews (~0.25 s): `npm test` runs 30 (7 s of the suite's
 * 40 s budget, issue 13); `npm run fuzz` 1,000 (FUZZ_RUNS); `npm run mutation` lowers it to keep each mutant fast.
 */
const PREVIEW_RUNS = Number(process.env.FUZZ_PREVIEW_RUNS ?? (process.env.FUZZ_RUNS ? RUNS : 30));
/** Fixed seed, so `npm test` is reproducible. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
/**
 * Apps per generated pair in the preview property: 1-2 by default (a 1-app pair previews in ~0.3 s of CPU), so
 * that 100 full previews fit in `npm test`; the config-only properties use up to 4 (mutations up to 3).
 */
const PREVIEW_MAX_APPS = Number(process.env.FUZZ_PREVIEW_MAX_APPS ?? 2);

const params = (numRuns = RUNS) => ({ numRuns, seed: SEED, endOnFailure: true });

/** A raw config as the parser sees it, with the secret keys marked as the engine marks them. */
function sourceOfRaw(stack: string, raw: Record<string, unknown>): ConfigSource {
  return {
    stack,
    origin: `generated ${stack}`,
    raw,
    secretKeys: new Set(["secrets", "ghcrToken"]),
    encryptedPaths: [],
    plaintextSecretPaths: [],
  };
}

async function previewPair(pair: StackPair) {
  const staging = await previewSource(engineSource("staging", pair.staging), {
    today: TODAY,
    mode: "engine",
  });
  const production = await previewSource(engineSource("production", pair.production), {
    today: TODAY,
    mode: "engine",
    stackOutputs: { [pair.stagingRef]: staging.stackOutputs },
  });
  return [staging, production];
}

describe(`proofs: property-based (fast-check, seed ${SEED}, ${RUNS} cases per property)`, function () {
  this.timeout(0);

  it(`${RUNS} generated valid pairs (1-4 apps) parse, with every secret resolved`, () => {
    fc.assert(
      fc.property(arbStackPair(4), (pair) => {
        for (const [stack, config] of [
          ["staging", pair.staging],
          ["production", pair.production],
        ] as const) {
          const source = engineSource(stack, config);
          const model = parseStackConfig(stack, source.raw, { secretKeys: source.secretKeys, today: TODAY });
          const { required } = resolveSecrets(model, source, "engine");
          assert.ok(required.every((s) => s.state === "set"));
          assert.equal(model.apps.length, (config["cicd-constitution:apps"] as unknown[]).length);
        }
      }),
      params(),
    );
  });

  it(`${PREVIEW_RUNS} generated valid pairs (1-${PREVIEW_MAX_APPS} apps) preview without error and pass the policy pack`, async () => {
    await fc.assert(
      fc.asyncProperty(arbStackPair(PREVIEW_MAX_APPS), async (pair) => {
        const previews = await previewPair(pair);
        for (const p of previews) {
          const apps = p.model.apps.length;
          // Every app registers its Application component and its runtime's task definition.
          assert.equal(
            p.resources.filter((r) => r.type === "cicd-constitution:app:Application").length,
            apps,
          );
          assert.equal(
            p.resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition").length,
            apps,
          );
          const audit = auditPreview(p, TODAY);
          const failures = audit.results.filter((r) => r.status === "fail" || r.status === "waived");
          assert.deepEqual(
            failures.map((f) => `${f.ruleId} ${f.resource?.name ?? "stack"}: ${f.message}`),
            [],
            `${p.plan.stack}: the policy pack fails a valid config`,
          );
          assert.ok(audit.summary.pass > 0);
        }
      }),
      params(PREVIEW_RUNS),
    );
  });

  for (const kind of MUTATION_KINDS) {
    it(`${kind}: ${RUNS} single mutations of valid configs give a ConfigError naming the key`, async () => {
      const arb = fc
        .tuple(arbStackPair(3), fc.constantFrom("staging" as const, "production" as const))
        .chain(([pair, stack]) =>
          arbMutation(rawOf(pair[stack]), kind).map((m) => ({ stack, m, ref: pair.stagingRef })),
        );
      await fc.assert(
        fc.asyncProperty(arb, async ({ stack, m, ref }: { stack: string; m: Mutation; ref: string }) => {
          let error: unknown;
          try {
            // The whole preview, not only the parser: a mutation the model let through would run the program.
            await previewSource(sourceOfRaw(stack, m.raw), {
              today: TODAY,
              mode: "engine",
              stackOutputs: { [ref]: {} },
            });
          } catch (err) {
            error = err;
          }
          assert.ok(
            error instanceof ConfigError,
            `${m.description}: expected a ConfigError, got ${String(error)}`,
          );
          const keys = error.problems.map((p) => p.key);
          assert.ok(
            keys.includes(m.key),
            `${m.description}: the error names ${keys.join(", ")}, not ${m.key}`,
          );
          assert.ok(error.message.includes(m.key));
          // Secret values never reach the message.
          assert.ok(!/S3CR3T/.test(error.message), error.message);
        }),
        params(),
      );
    });
  }
});
