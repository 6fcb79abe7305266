/**
 * Generators derived from the config's zod schema (src/config/schema.ts, appSchema.ts), one per field: the walk
 * reads each field's definition (zod 4's `_zod.def`, as src/config/knownKeys.ts does) and draws values the field
 * accepts on its own: every member of an enum, strings of its pattern up to the pattern's length bounds (GitHub
 * logins of 39 characters, repository names of 100, domains of 253), Unicode text where any string goes and
 * bounded strings at their maximum length, numbers across their range and at its bounds. A field the walk
 * cannot derive gets an entry in OVERRIDES; a field with neither has no generator (test/proofs/fuzz.test.ts
 * compares the generators' fields with the schema's).
 */
import fc from "fast-check";
import type { z } from "zod";
import { FARGATE_SIZES, LOG_RETENTION_DAYS } from "../../src/config/model";

/** A zod schema's definition, as far as the walk reads it. */
interface Def {
  type: string;
  [k: string]: unknown;
}
/** A zod schema as the walk sees it. */
interface Schema {
  _zod: { def: Def };
  safeParse(v: unknown): { success: boolean };
}
/** A check's definition: `greater_than`, `less_than`, `min_length`, `max_length`, `string_format`, ... */
interface CheckDef {
  check: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  pattern?: RegExp;
  format?: string;
}

/** One field of the schema: its shape path (`apps[].runtime.port`), its own schema, its values and edge values. */
export interface SchemaField {
  path: string;
  /** The field's innermost schema (optional, default and pipe wrappers looked through). */
  schema: Schema;
  /** Values the field accepts. */
  arb: fc.Arbitrary<unknown>;
  /** Values every run tries: each enum member, each bound, strings at their maximum length. */
  edges: unknown[];
}

const defOf = (s: unknown): Def => (s as Schema)._zod.def;
const checksOf = (def: Def): CheckDef[] =>
  ((def.checks as Array<{ _zod: { def: CheckDef } }> | undefined) ?? []).map((c) => c._zod.def);

/** Unicode text of at most `max` UTF-16 units (what zod's length checks count), whole code points kept. */
function unicode(min = 0, max = 60): fc.Arbitrary<string> {
  return fc.string({ unit: "binary", minLength: min, maxLength: max }).map((s) => {
    const points = [...s];
    while (points.join("").length > max) points.pop();
    return points.join("");
  });
}

/** A pattern fast-check can draw from: lookaheads dropped (the field's own check still applies). */
function drawable(re: RegExp): RegExp {
  return new RegExp(re.source.replace(/\(\?=[^()]*\)/g, ""), re.flags);
}

/** The pattern with every bounded repetition `{m,n}` at its upper bound `{n}`: its longest strings. */
function longest(re: RegExp): RegExp {
  return new RegExp(drawable(re).source.replace(/\{(\d+),(\d+)\}/g, "{$2}"), re.flags);
}

function stringField(def: Def): [fc.Arbitrary<unknown>, unknown[]] {
  const checks = checksOf(def);
  const regex = checks.find((c) => c.check === "string_format" && c.pattern)?.pattern;
  const format = (def.format as string | undefined) ?? checks.find((c) => c.format)?.format;
  // zod's email pattern is narrower than RFC 5322 (fast-check's emailAddress): a local part and dotted labels.
  if (format === "email") {
    const email =
      /^[A-Za-z0-9_+-]{1,30}@[A-Za-z0-9][A-Za-z0-9-]{0,20}(\.[A-Za-z0-9][A-Za-z0-9-]{0,20})*\.[A-Za-z]{2,10}$/;
    return [fc.stringMatching(email), []];
  }
  if (format === "datetime") {
    const date = fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true });
    return [date.map((d) => d.toISOString()), []];
  }
  if (regex) {
    const long = fc.stringMatching(longest(regex));
    return [fc.oneof(fc.stringMatching(drawable(regex)), long), fc.sample(long, { numRuns: 1, seed: 1 })];
  }
  const min = checks.find((c) => c.check === "min_length")?.minimum ?? 0;
  const max = checks.find((c) => c.check === "max_length")?.maximum;
  const edges = max === undefined ? [] : fc.sample(unicode(max, max), { numRuns: 1, seed: 1 });
  return [unicode(min, max ?? 60), edges];
}

function numberField(def: Def): [fc.Arbitrary<unknown>, unknown[]] {
  const checks = checksOf(def);
  const lo = checks.find((c) => c.check === "greater_than");
  const hi = checks.find((c) => c.check === "less_than");
  const step = checks.find((c) => c.check === "multiple_of")?.value;
  const int = def.format === "safeint";
  const unit = step ?? (int ? 1 : 0.01);
  // Bounds as multiples of the unit, exclusive bounds moved one unit in.
  const min = lo ? Math.ceil((lo.value ?? 0) / unit) + (lo.inclusive ? 0 : 1) : int ? -1_000_000 : -1e6;
  const max = hi ? Math.floor((hi.value ?? 0) / unit) - (hi.inclusive ? 0 : 1) : int ? 1_000_000 : 1e6;
  const scale = (n: number) => Math.round(n * unit * 1000) / 1000;
  return [fc.integer({ min, max }).map(scale), [scale(min), scale(max)]];
}

/** The values of a schema, derived from its definition; undefined for a type the walk does not know. */
export function arbOfSchema(schema: unknown): [fc.Arbitrary<unknown>, unknown[]] | undefined {
  const def = defOf(schema);
  const inner = (def.innerType ?? def.in) as unknown;
  switch (def.type) {
    case "optional":
    case "default":
    case "prefault":
    case "pipe":
    case "readonly":
    case "nullable":
      return arbOfSchema(inner);
    case "enum": {
      const members = Object.values(def.entries as Record<string, unknown>);
      return [fc.constantFrom(...members), members];
    }
    case "literal":
      return [fc.constantFrom(...(def.values as unknown[])), def.values as unknown[]];
    case "boolean":
      return [fc.boolean(), [true, false]];
    case "string":
      return stringField(def);
    case "number":
      return numberField(def);
    case "unknown":
    case "any":
      return [fc.jsonValue({ maxDepth: 2 }), []];
    default:
      return compositeOf(def);
  }
}

function compositeOf(def: Def): [fc.Arbitrary<unknown>, unknown[]] | undefined {
  const parts = (list: unknown[]) => list.map((s) => arbOfSchema(s)?.[0]);
  const all = <T>(xs: Array<T | undefined>): xs is T[] => xs.every((x) => x !== undefined);
  if (def.type === "object") {
    const shape = def.shape as Record<string, unknown>;
    const arbs = parts(Object.values(shape));
    if (!all(arbs)) return undefined;
    const keys = Object.keys(shape);
    const required = keys.filter((k) => !["optional", "default", "prefault"].includes(defOf(shape[k]).type));
    const record = Object.fromEntries(keys.map((k, i) => [k, arbs[i]]));
    return [fc.record(record, { requiredKeys: required }), []];
  }
  if (def.type === "array") {
    const [element] = parts([def.element]);
    const checks = checksOf(def);
    const minLength = checks.find((c) => c.check === "min_length")?.minimum ?? 0;
    return element ? [fc.array(element, { minLength, maxLength: Math.max(minLength, 3) }), []] : undefined;
  }
  if (def.type === "record") {
    const [key, value] = parts([def.keyType, def.valueType]);
    return key && value ? [fc.dictionary(key as fc.Arbitrary<string>, value, { maxKeys: 3 }), []] : undefined;
  }
  if (def.type === "union") {
    const options = parts(def.options as unknown[]);
    return all(options) ? [fc.oneof(...options), []] : undefined;
  }
  if (def.type === "tuple") {
    const items = parts(def.items as unknown[]);
    return all(items) ? [fc.tuple(...items), []] : undefined;
  }
  return undefined;
}

/**
 * Fields whose own checks a derivation from the definition cannot meet (custom refinements): their values, from
 * the same constants the schema checks against.
 */
export const OVERRIDES: Readonly<Record<string, fc.Arbitrary<unknown>>> = {
  "apps[].runtime.cpu": fc.constantFrom(...Object.keys(FARGATE_SIZES).map(Number)),
  "apps[].runtime.logRetentionDays": fc.constantFrom(...LOG_RETENTION_DAYS),
  "apps[].flags[].removalDate": fc
    .date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  // The pattern's lookahead (at most 253 characters) is not drawable: labels of 1-63, the longest name as edge.
  "apps[].runtime.domain": fc
    .array(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/), { minLength: 1, maxLength: 3 })
    .chain((labels) => fc.stringMatching(/^[a-z]{2,63}$/).map((tld) => [...labels, tld].join(".")))
    .filter((d) => d.length <= 253),
  "predeploy.verifiers[]": fc
    .stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}(\[bot\])?$/)
    .filter((l) => l !== "github-actions[bot]"),
};

/** Wrappers the walk looks through to the schema they wrap. */
const WRAPPERS = ["optional", "default", "prefault", "pipe", "readonly", "nullable"];

/** Edge values of overridden fields: every allowed value of a set, the longest domain name. */
const OVERRIDE_EDGES: Readonly<Record<string, unknown[]>> = {
  "apps[].runtime.cpu": Object.keys(FARGATE_SIZES).map(Number),
  "apps[].runtime.logRetentionDays": [...LOG_RETENTION_DAYS],
  "apps[].runtime.domain": [`${"a".repeat(63)}.`.repeat(3) + "b".repeat(61)],
};

const unwrap = (s: unknown): unknown => {
  const def = defOf(s);
  const inner = def.innerType ?? def.in;
  return WRAPPERS.includes(def.type) && inner ? unwrap(inner) : s;
};

/**
 * Every field of `schema` (the leaves of its objects and arrays, by shape path as `knownKeysOf` names objects),
 * with its generator: OVERRIDES first, else derived; a field with neither is listed with `arb` undefined.
 */
export function schemaFields(
  schema: z.ZodType,
): Array<Omit<SchemaField, "arb"> & { arb: fc.Arbitrary<unknown> | undefined }> {
  const out: Array<Omit<SchemaField, "arb"> & { arb: fc.Arbitrary<unknown> | undefined }> = [];
  const walk = (s: unknown, at: string) => {
    const leaf = unwrap(s);
    const def = defOf(leaf);
    if (def.type === "object") {
      for (const [k, v] of Object.entries(def.shape as Record<string, unknown>))
        walk(v, at ? `${at}.${k}` : k);
    } else if (def.type === "array") walk(def.element, `${at}[]`);
    else {
      const derived = arbOfSchema(leaf);
      const arb = OVERRIDES[at] ?? derived?.[0];
      const edges = OVERRIDES[at] ? (OVERRIDE_EDGES[at] ?? []) : (derived?.[1] ?? []);
      out.push({ path: at, schema: leaf as Schema, arb, edges });
    }
  };
  walk(schema, "");
  return out;
}
