/**
 * Every rule declares the app config keys its findings are fixed at (`RuleMeta.configKeys`, policy-pack/lib/types.ts),
 * each key is a key of the config model's app schema (src/config/appSchema.ts), and the declared keys are the ones the
 * report located results at before they moved from a table in src/report/build.ts into the rules.
 */
import { strict as assert } from "node:assert";
import type { z } from "zod";
import { RULES } from "../../policy-pack/catalogue";
import { defineRule } from "../../policy-pack/lib/rule";
import { stackConfigSchema } from "../../src/config/model";

/**
 * The config keys of every rule, written out: what src/report/build.ts's `RULE_KEYS` held for the rules it named,
 * `[]` (the app's entry) for the rules it did not. A change of where a rule's findings point is made on purpose here.
 */
const PINNED_CONFIG_KEYS: Record<string, readonly string[]> = {
  "CC-BR-01": ["repository"],
  "CC-BR-02": ["requiredChecks"],
  "CC-BR-03": ["requiredApprovals"],
  "CC-BR-04": ["repository"],
  "CC-BR-05": ["repository"],
  "CC-BR-06": ["repository"],
  "CC-BR-07": ["repository"],
  "CC-BR-08": ["repository"],
  "CC-BR-09": [],
  "CC-BR-10": [],
  "CC-BR-11": [],
  "CC-BR-12": [],
  "CC-ENV-01": [],
  "CC-ENV-02": ["reviewers"],
  "CC-ENV-03": [],
  "CC-ENV-04": ["environmentSecrets"],
  "CC-ENV-05": ["environmentSecrets"],
  "CC-ENV-06": [],
  "CC-ENV-07": [],
  "CC-ART-01": ["image"],
  "CC-ART-02": ["image"],
  "CC-ART-03": ["image.repository", "image"],
  "CC-ART-04": ["image.platforms", "image"],
  "CC-ART-05": ["image"],
  "CC-ART-06": ["image.digest", "image"],
  "CC-ART-07": ["image.digest", "image"],
  "CC-ART-08": [],
  "CC-RUN-01": ["runtime.health", "runtime"],
  "CC-RUN-02": ["runtime.health", "runtime"],
  "CC-RUN-03": ["runtime"],
  "CC-RUN-04": ["runtime.desiredCount", "runtime"],
  "CC-RUN-05": ["runtime.environmentVariables", "runtime"],
  "CC-RUN-06": ["runtime.environmentVariables", "runtime"],
  "CC-RUN-07": ["runtime.secrets", "runtime"],
  "CC-RUN-08": ["runtime.logRetentionDays", "runtime"],
  "CC-RUN-09": ["runtime.domain", "runtime"],
  "CC-RUN-10": ["runtime"],
  "CC-RUN-11": [],
  "CC-RUN-12": [],
  "CC-RUN-13": [],
  "CC-RUN-14": ["migrations"],
  "CC-RUN-15": ["migrations.contract", "migrations"],
  "CC-OBS-01": ["observability"],
  "CC-OBS-02": ["observability"],
  "CC-OBS-03": ["observability"],
  "CC-OBS-04": [],
  "CC-OBS-05": [],
  "CC-OBS-06": [],
  "CC-OBS-07": ["observability"],
  "CC-FLAG-01": ["flags"],
  "CC-FLAG-02": ["flags"],
  "CC-FLAG-03": ["flags"],
  "CC-FLAG-04": [],
  "CC-FLAG-05": [],
  "CC-PAR-01": ["image.digest", "image"],
  "CC-PAR-02": ["runtime.environmentVariables", "runtime"],
  "CC-PAR-03": ["runtime"],
  "CC-WAIVE-01": [],
  "CC-WAIVE-02": [],
};

/** A zod schema's definition, as far as the walk below reads it (zod 4 `def`). */
type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
};
const defOf = (schema: z.ZodType): Def => (schema as unknown as { def: Def }).def;

/** The object schema under defaults, prefaults, optionals, nullables and pipes; undefined for other schemas. */
function objectOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; s && i < 10; i++) {
    const def = defOf(s);
    if (def.type === "object") return def.shape;
    s = def.innerType ?? def.in;
  }
  return undefined;
}

/** The app entry's schema: `stackConfigSchema.apps[]`. */
function appShape(): Record<string, z.ZodType> {
  const apps = objectOf(stackConfigSchema)!.apps;
  return objectOf(defOf(apps).element!)!;
}

/** Whether the dotted `key` names a key of the app schema, through nested objects. */
function inAppSchema(key: string): boolean {
  let shape: Record<string, z.ZodType> | undefined = appShape();
  const parts = key.split(".");
  for (const [i, part] of parts.entries()) {
    const next: z.ZodType | undefined = shape?.[part];
    if (!next) return false;
    if (i < parts.length - 1) shape = objectOf(next);
  }
  return true;
}

describe("rules' config keys (RuleMeta.configKeys)", () => {
  it("every rule declares its config keys, as the pinned table says", () => {
    assert.deepEqual(Object.fromEntries(RULES.map((r) => [r.id, r.configKeys])), PINNED_CONFIG_KEYS);
  });

  it("every declared key is a key of the config model's app schema", () => {
    const unknown = RULES.flatMap((r) =>
      r.configKeys.filter((k) => !inAppSchema(k)).map((k) => `${r.id}: ${k}`),
    );
    assert.deepEqual(unknown, []);
  });

  it("the schema check is live: it refuses a key the app schema lacks", () => {
    assert.equal(inAppSchema("runtime.health.readinessPath"), true);
    assert.equal(inAppSchema("image.digest"), true);
    assert.equal(inAppSchema("runtime.healthz"), false);
    assert.equal(inAppSchema("runtime.port.x"), false);
    assert.equal(inAppSchema("promotion"), false);
  });

  it("lists a key before the keys it is inside (most specific first), each once", () => {
    for (const r of RULES) {
      assert.equal(new Set(r.configKeys).size, r.configKeys.length, r.id);
      r.configKeys.forEach((k, i) =>
        r.configKeys
          .slice(0, i)
          .forEach((before) => assert.ok(!k.startsWith(`${before}.`), `${r.id}: ${k} after ${before}`)),
      );
    }
  });

  it("a rule without configKeys does not compile (the field is required)", () => {
    const spec = {
      id: "CC-T-01",
      slug: "t",
      section: "BR" as const,
      title: "t",
      description: "d.",
      source: "s",
      remediation: "r",
      enforcementLevel: "advisory" as const,
      kind: "stack" as const,
      appliesTo: [],
    };
    // @ts-expect-error configKeys is missing: tsc (npm test) fails if RuleSpec ever makes it optional.
    assert.deepEqual(defineRule(spec).meta.configKeys, undefined);
  });
});
