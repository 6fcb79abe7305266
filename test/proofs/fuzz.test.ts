/**
 * Property-based proofs of the config model and the program (issue 5, part 1):
 *
 * - generated valid staging + production pairs preview without error (the real program under the offline
 *   mocks, `mode: "engine"` with every secret set) and pass the policy pack with no failure at all;
 * - every single mutation of a valid config (wrong type, missing key, bad pattern, unknown key, duplicate app
 *   name, removal date in the past, a secret value of the wrong shape) is rejected with a ConfigError naming the
 *   mutated key, before anything is registered, and never with another exception; a secret value planted in the
 *   config never appears in the error;
 * - every field of the config schema has a generator derived from the schema (./schemaArbitraries.ts) whose
 *   values the field accepts, and each field's values (every enum member, the longest names, Unicode text) set
 *   into valid configs give a parse or a ConfigError, never another exception, and never show a planted secret.
 *
 * The seed is random unless FUZZ_SEED sets it, in `npm test` as in `npm run fuzz`: each run explores other cases
 * (the run time does not depend on the seed), and the suite's title and every failure print the seed and path
 * that replay it (`FUZZ_SEED=<seed>`). `npm test` runs a CI-sized run (100 cases of each config property, 30 full
 * previews, 5 generated values of each schema field besides its edge values); `npm run fuzz` runs 1,000 (50).
 */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { knownKeysOf } from "../../src/config/knownKeys";
import { ConfigError, parseStackConfig, SECRET_CONFIG_KEYS, stackConfigSchema } from "../../src/config/model";
import { resolveSecrets } from "../../src/config/secrets";
import { ConfigSource } from "../../src/config/sources";
import { auditPreview } from "../../src/audit/policy";
import { previewSource } from "../../src/offline/preview";
import { arbStackPair, engineSource, rawOf, StackPair, TODAY } from "./arbitraries";
import { arbMutation, MUTATION_KINDS, Mutation, plantSecret } from "./configMutations";
import { schemaFields } from "./schemaArbitraries";

/** Cases per property (CI: 100; `npm run fuzz`: 1,000). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/**
 * Cases of the full-preview property, each two real previews (~0.25 s): `npm test` runs 30 (7 s of the suite's
 * 40 s budget, issue 13); `npm run fuzz` 1,000 (FUZZ_RUNS); `npm run mutation` lowers it to keep each mutant fast.
 */
const PREVIEW_RUNS = Number(process.env.FUZZ_PREVIEW_RUNS ?? (process.env.FUZZ_RUNS ? RUNS : 30));
/** FUZZ_SEED replays a run; otherwise a random seed, printed in the suite's title and in any failure. */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
/** Generated values of each schema field per run, besides its edge values (`npm run fuzz`: 50). */
const FIELD_RUNS = Math.max(3, Math.round(RUNS / 20));
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
    secretKeys: new Set(SECRET_CONFIG_KEYS),
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

/** The schema's fields with their generators (./schemaArbitraries.ts). */
const FIELDS = schemaFields(stackConfigSchema);

/**
 * The fields the schema has, by the object keys src/config/knownKeys.ts reads from it: every key whose value is
 * not an object or a list of objects; lists of values as their key (`apps[].requiredChecks`).
 */
function schemaLeafKeys(): string[] {
  const objects = knownKeysOf(stackConfigSchema);
  const keys = [...objects].flatMap(([at, known]) => [...known].map((k) => (at ? `${at}.${k}` : k)));
  return keys.filter((k) => !objects.has(k) && !objects.has(`${k}[]`)).sort();
}

/**
 * Sets `value` at a field's shape path in `raw` (changed in place): `[]` is an existing item (the `pick`-th,
 * modulo the count) or a new first one; missing objects and lists on the way are created.
 */
function placeAt(raw: Record<string, unknown>, shape: string, value: unknown, pick: number): void {
  const segs = shape.match(/\[\]|[^.[\]]+/g)!;
  let cur = raw as Record<string | number, unknown>;
  segs.forEach((seg, i) => {
    const list = seg === "[]";
    const key = list
      ? (cur as unknown as unknown[]).length
        ? pick % (cur as unknown as unknown[]).length
        : 0
      : seg;
    if (i === segs.length - 1) {
      cur[key] = value;
      return;
    }
    const wantList = segs[i + 1] === "[]";
    const next = cur[key];
    const fits = wantList ? Array.isArray(next) : !!next && typeof next === "object" && !Array.isArray(next);
    if (!fits) cur[key] = wantList ? [] : {};
    cur = cur[key] as Record<string | number, unknown>;
  });
}

/** Asserts that an error shows no secret value: neither the planted one (nor its head) nor a generated S3CR3T-. */
function assertNoSecret(error: ConfigError, secret: string): void {
  const text = `${error.message}\n${JSON.stringify(error.problems)}`;
  assert.ok(!text.includes(secret.slice(0, 16)), `the planted secret is in the error: ${error.message}`);
  assert.ok(!/S3CR3T/.test(text), error.message);
}

describe(`proofs: property-based (fast-check, seed ${SEED}: replay with FUZZ_SEED=${SEED}, ${RUNS} cases per property)`, function () {
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
          arbMutation(rawOf(pair[stack]), kind).chain((m) =>
            // The mutation's own secret, else one planted in a secret value of the mutated config.
            m.secret
              ? fc.constant({ stack, m, ref: pair.stagingRef })
              : plantSecret(m.raw, m.key).map((p) => ({ stack, m: { ...m, ...p }, ref: pair.stagingRef })),
          ),
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
          // Every config here has secret slots besides the mutated key, so one is planted (plantSecret).
          if (m.secret) assertNoSecret(error, m.secret);
        }),
        params(),
      );
    });
  }

  it("every field of the config schema has a generator derived from the schema", () => {
    const generated = FIELDS.filter((f) => f.arb).map((f) => f.path.replace(/(\[\])+$/, ""));
    assert.deepEqual([...new Set(generated)].sort(), schemaLeafKeys());
    assert.equal(generated.length, FIELDS.length, "fields the walk reached without a generator");
  });

  it(`each schema field's edge values and ${FIELD_RUNS * 4} generated ones are values the field accepts`, () => {
    const refused = FIELDS.flatMap((f) =>
      [...f.edges, ...fc.sample(f.arb!, { numRuns: FIELD_RUNS * 4, seed: SEED })]
        .filter((v) => !f.schema.safeParse(v).success)
        .map((v) => `${f.path} = ${JSON.stringify(v)}`),
    );
    assert.deepEqual(refused, [], `seed ${SEED}`);
  });

  it(`each schema field's values set into valid configs parse or give a ConfigError, never showing a secret`, () => {
    const base = fc
      .tuple(arbStackPair(2), fc.constantFrom("staging" as const, "production" as const), fc.nat())
      .chain(([pair, stack, pick]) => plantSecret(rawOf(pair[stack])).map((p) => ({ stack, pick, ...p })));
    const example = fc.sample(base, { numRuns: 1, seed: SEED })[0];
    const reached = new Set<string>();
    for (const f of FIELDS) {
      fc.assert(
        fc.property(base, f.arb!, ({ stack, pick, raw, secret }, value) => {
          const r = structuredClone(raw);
          placeAt(r, f.path, value, pick);
          reached.add(f.path);
          try {
            parseStackConfig(stack, r, { secretKeys: new Set(SECRET_CONFIG_KEYS), today: TODAY });
          } catch (err) {
            assert.ok(err instanceof ConfigError, `${f.path} = ${JSON.stringify(value)}: ${String(err)}`);
            assert.ok(secret, "a secret was planted in the config");
            assertNoSecret(err, secret);
          }
        }),
        { ...params(FIELD_RUNS), examples: f.edges.map((v) => [example, v] as [typeof example, unknown]) },
      );
    }
    assert.deepEqual([...reached].sort(), FIELDS.map((f) => f.path).sort());
  });
});
