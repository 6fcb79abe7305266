/**
 * Single mutations of a valid generated config (test/proofs/arbitraries.ts), each with the config key the error
 * must name: wrong type, missing key, bad pattern or range, unknown key, duplicate app name, past removal date, a
 * secret value of the wrong shape. {@link plantSecret} puts a secret value in a config, which no error may show.
 */
import { knownKeysOf, shapePathOf } from "../../src/config/knownKeys";
import fc from "fast-check";
import {
  CONFIG_NAMESPACE,
  FARGATE_SIZES,
  LOG_RETENTION_DAYS,
  stackConfigSchema,
} from "../../src/config/model";
import { PROVIDER_CONFIG_KEYS } from "../../src/config/errors";
import { dayFromToday } from "./arbitraries";

/** A path into the raw config: keys and array indexes. */
export type Path = Array<string | number>;

/** One mutation of a valid raw config and the config key (`cicd-constitution:...`) its error must name. */
export interface Mutation {
  kind: MutationKind;
  /** What was done, for the failure message. */
  description: string;
  /** The config key the ConfigError must name. */
  key: string;
  /** The mutated raw config. */
  raw: Record<string, unknown>;
  /** A secret value the mutation put in the config (the `secret-value` kind), which no error may show. */
  secret?: string;
}

/**
 * Renders a path as the stack file writes its key (`cicd-constitution:apps[0].runtime.port`): namespaced, or a
 * provider setting's own key (`awsRegion` is written `aws:region`).
 */
export function keyOf(path: Path): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${seg}` : seg;
  const provider = Object.entries(PROVIDER_CONFIG_KEYS).find(([, field]) => field === path[0]);
  return provider ? provider[0] + out.slice(provider[1].length) : `${CONFIG_NAMESPACE}:${out}`;
}

function getAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((cur, seg) => (cur as Record<string | number, unknown>)?.[seg], root);
}

function setAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]] = value;
}

function deleteAt(root: Record<string, unknown>, path: Path): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  delete parent[path[path.length - 1]];
}

/** Every scalar leaf of the config the schema types (policy settings and secret values excluded). */
function typedLeaves(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (path[0] === "policy" || path[0] === "secrets") return out;
  if (Array.isArray(value)) value.forEach((v, i) => typedLeaves(v, [...path, i], out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) typedLeaves(v, [...path, k], out);
  } else out.push(path);
  return out;
}

/** A value of another JSON type than `v`. */
function otherType(v: unknown): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [fc.constant(null), fc.constant({}), fc.constant([])];
  if (typeof v !== "string") options.push(fc.string({ maxLength: 12 }), fc.constant(String(v)));
  if (typeof v !== "number") options.push(fc.integer(), fc.double({ noNaN: true }));
  if (typeof v !== "boolean") options.push(fc.boolean());
  return fc.oneof(...options);
}

/** Object keys the schema knows, by the path of the object with indexes replaced by `[]`. */
export const KNOWN_KEYS: Map<string, Set<string>> = knownKeysOf(stackConfigSchema);

const shapeKey = (path: Path) => shapePathOf(path);

/** Paths of every strict object present in the config (where an unknown key is an error). */
function strictObjects(raw: Record<string, unknown>): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, path: Path) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === "object") {
      if (KNOWN_KEYS.has(shapeKey(path))) out.push(path);
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    }
  };
  walk(raw, []);
  return out;
}

/** Keys the schema requires, as path templates (`*` = every app / flag present). */
const REQUIRED: Path[] = [
  ["environment"],
  ["githubOwner"],
  ["awsRegion"],
  ["network"],
  ["network", "vpcId"],
  ["network", "publicSubnetIds"],
  ["network", "privateSubnetIds"],
  ["certificateArn"],
  ["apps"],
  ["githubPlan"],
  ["network", "egress"],
  ["network", "egress", "natGatewayIds"],
  ["apps", "*", "image", "build", "gitSha"],
  ["apps", "*", "image", "build", "date"],
  ["apps", "*", "image", "build", "actor"],
  ["promotion", "stagingStack"],
  ["apps", "*", "name"],
  ["apps", "*", "owner"],
  ["apps", "*", "repository"],
  ["apps", "*", "repository", "name"],
  ["apps", "*", "image"],
  ["apps", "*", "image", "repository"],
  ["apps", "*", "runtime"],
  ["apps", "*", "runtime", "port"],
  ["apps", "*", "runtime", "domain"],
  ["apps", "*", "flags", "*", "name"],
  ["apps", "*", "flags", "*", "owner"],
  ["apps", "*", "flags", "*", "default"],
  ["apps", "*", "flags", "*", "removalDate"],
  ["apps", "*", "flags", "*", "value", "enabled"],
];

function expand(raw: Record<string, unknown>, template: Path): Path[] {
  let paths: Path[] = [[]];
  for (const seg of template) {
    const next: Path[] = [];
    for (const p of paths) {
      const cur = getAt(raw, p);
      if (seg === "*") {
        if (Array.isArray(cur)) cur.forEach((_, i) => next.push([...p, i]));
      } else if (cur && typeof cur === "object" && seg in (cur as object)) next.push([...p, seg]);
    }
    paths = next;
  }
  return paths;
}

/** String fields with a pattern, as path templates. */
const PATTERNED: Path[] = [
  ["githubOwner"],
  ["awsRegion"],
  ["network", "vpcId"],
  ["network", "publicSubnetIds", "*"],
  ["network", "privateSubnetIds", "*"],
  ["certificateArn"],
  ["alerting", "email"],
  ["network", "egress", "natGatewayIds", "*"],
  ["apps", "*", "image", "build", "gitSha"],
  ["apps", "*", "image", "build", "date"],
  ["apps", "*", "image", "build", "actor"],
  ["promotion", "stagingStack"],
  ["apps", "*", "name"],
  ["apps", "*", "owner"],
  ["apps", "*", "repository", "name"],
  ["apps", "*", "reviewers", "users", "*"],
  ["apps", "*", "reviewers", "teams", "*"],
  ["apps", "*", "environmentSecrets", "*"],
  ["apps", "*", "image", "repository"],
  ["apps", "*", "runtime", "domain"],
  ["apps", "*", "runtime", "health", "versionPath"],
  ["apps", "*", "runtime", "secrets", "*"],
  ["apps", "*", "flags", "*", "name"],
  ["apps", "*", "flags", "*", "owner"],
  ["apps", "*", "flags", "*", "removalDate"],
  ["apps", "*", "flags", "*", "value", "cohort"],
];

/** Breaks a valid patterned string: every pattern above rejects an inner space, "" and a trailing newline. */
function broken(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: 0, max: valid.length }).map((i) => `${valid.slice(0, i)} ${valid.slice(i)}`),
    fc.constant(""),
    fc.constant(`${valid}\n`),
  );
}

/** Numeric fields with a range or a set of allowed values, and an out-of-range value generator. */
const BOUNDED: Array<{ path: Path; bad: fc.Arbitrary<number> }> = [
  {
    path: ["apps", "*", "runtime", "port"],
    bad: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 })),
  },
  {
    path: ["apps", "*", "runtime", "cpu"],
    bad: fc.integer({ min: -10, max: 20000 }).filter((c) => !(c in FARGATE_SIZES)),
  },
  {
    path: ["apps", "*", "runtime", "logRetentionDays"],
    bad: fc
      .integer({ min: -5, max: 5000 })
      .filter((d) => !(LOG_RETENTION_DAYS as readonly number[]).includes(d)),
  },
  {
    path: ["apps", "*", "runtime", "desiredCount"],
    bad: fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 1001 })),
  },
  {
    path: ["apps", "*", "requiredApprovals"],
    bad: fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 11 })),
  },
  { path: ["apps", "*", "runtime", "port"], bad: fc.double({ min: 1.01, max: 65534.99, noInteger: true }) },
];

/** Every mutation kind of the issue. */
export const MUTATION_KINDS = [
  "wrong-type",
  "missing-key",
  "bad-pattern",
  "unknown-key",
  "duplicate-name",
  "past-date",
  "secret-value",
] as const;
/** One of {@link MUTATION_KINDS}. */
export type MutationKind = (typeof MUTATION_KINDS)[number];

function mutated(
  kind: MutationKind,
  raw: Record<string, unknown>,
  path: Path,
  change: (r: Record<string, unknown>) => void,
  description: string,
): Mutation {
  const r = structuredClone(raw);
  change(r);
  return { kind, description, key: keyOf(path), raw: r };
}

/**
 * A secret value: a 16-character random head, so that a message showing it (or its first characters) is told from
 * a coincidence, and a Unicode tail.
 */
export const arbSecretValue: fc.Arbitrary<string> = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9]{16}$/), fc.string({ unit: "binary", maxLength: 24 }))
  .map(([head, tail]) => `${head}${tail}`);

/** Paths of the secret values of a raw config: `secrets.<app>.<NAME>` and the tokens. */
function secretSlots(raw: Record<string, unknown>): Path[] {
  const secrets = (raw.secrets ?? {}) as Record<string, Record<string, unknown>>;
  const slots: Path[] = Object.entries(secrets).flatMap(([app, values]) =>
    Object.keys(values ?? {}).map((name) => ["secrets", app, name]),
  );
  for (const token of ["ghcrToken", "ghcrPullToken", "gitSourceToken"]) if (token in raw) slots.push([token]);
  return slots;
}

/**
 * `raw` with one of its secret values replaced by a generated one, and that value. `avoid` (a config key, the
 * mutation's) is never planted into, nor anything inside or around it: planting there would undo the mutation.
 * Without such a slot, `raw` is returned as it is, with no secret.
 */
export function plantSecret(
  raw: Record<string, unknown>,
  avoid?: string,
): fc.Arbitrary<{ raw: Record<string, unknown>; secret?: string }> {
  const inside = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  const related = (k: string) => !!avoid && (inside(k, avoid) || inside(avoid, k));
  const slots = secretSlots(raw).filter((p) => !related(keyOf(p)));
  if (!slots.length) return fc.constant({ raw: structuredClone(raw) });
  return fc.tuple(fc.constantFrom(...slots), arbSecretValue).map(([path, secret]) => {
    const r = structuredClone(raw);
    setAt(r, path, secret);
    return { raw: r, secret };
  });
}

/**
 * A secret value of the wrong shape where a secret goes: a list or an object instead of a string
 * (`secrets.<app>.<NAME>`, a token), a string instead of an app's map of secrets. The error names that key.
 */
function misplacedSecret(raw: Record<string, unknown>): fc.Arbitrary<Mutation> {
  const slots = secretSlots(raw);
  const apps = slots.filter((p) => p[0] === "secrets").map((p) => p.slice(0, 2));
  return fc.tuple(fc.constantFrom(...slots, ...apps), arbSecretValue, fc.nat()).map(([path, secret, n]) => {
    const shapes = path.length === 2 ? [secret] : [[secret], { value: secret }, { secure: secret }];
    const v = shapes[n % shapes.length];
    const m = mutated("secret-value", raw, path, (r) => setAt(r, path, v), `${keyOf(path)} = (a secret)`);
    return { ...m, secret };
  });
}

/** Mutations of `raw` of one kind (`raw` itself is not changed). */
export function arbMutation(raw: Record<string, unknown>, kind: MutationKind): fc.Arbitrary<Mutation> {
  switch (kind) {
    case "wrong-type":
      return fc
        .constantFrom(...typedLeaves(raw))
        .chain((path) => otherType(getAt(raw, path)).map((v) => ({ path, v })))
        .map(({ path, v }) =>
          mutated(kind, raw, path, (r) => setAt(r, path, v), `${keyOf(path)} = ${JSON.stringify(v)}`),
        );
    case "missing-key":
      return fc
        .constantFrom(...REQUIRED.flatMap((t) => expand(raw, t)))
        .map((path) => mutated(kind, raw, path, (r) => deleteAt(r, path), `delete ${keyOf(path)}`));
    case "bad-pattern": {
      const patterned = PATTERNED.flatMap((t) => expand(raw, t));
      const bounded = BOUNDED.flatMap(({ path, bad }) => expand(raw, path).map((p) => ({ p, bad })));
      // A memory size the CPU size does not allow: the error names memoryMiB.
      const memory = fc
        .tuple(
          fc.constantFrom(...expand(raw, ["apps", "*", "runtime"])),
          fc.integer({ min: 1, max: 200_000 }),
        )
        .filter(
          ([p, m]) => !(FARGATE_SIZES[(getAt(raw, p) as { cpu?: number }).cpu ?? 512] ?? []).includes(m),
        )
        .map(([p, m]) => ({ path: [...p, "memoryMiB"] as Path, v: m as unknown }));
      return fc
        .oneof(
          fc
            .constantFrom(...patterned)
            .chain((path) => broken(String(getAt(raw, path))).map((v) => ({ path, v: v as unknown }))),
          fc.constantFrom(...bounded).chain(({ p, bad }) => bad.map((v) => ({ path: p, v: v as unknown }))),
          memory,
        )
        .map(({ path, v }) =>
          mutated(kind, raw, path, (r) => setAt(r, path, v), `${keyOf(path)} = ${JSON.stringify(v)}`),
        );
    }
    case "unknown-key":
      return fc
        .constantFrom(...strictObjects(raw))
        .chain((path) => {
          const known = KNOWN_KEYS.get(shapeKey(path))!;
          const typo = fc.constantFrom(...known).chain((k) =>
            fc.constantFrom(
              `${k}s`,
              k.toUpperCase(),
              `${k[0].toUpperCase()}${k.slice(1)}`,
              k.replace(/[A-Z]/, (c) => `_${c.toLowerCase()}`),
            ),
          );
          return fc
            .tuple(
              fc
                .oneof(typo, fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,15}$/))
                .filter((k) => !known.has(k) && k !== "__proto__"),
              fc.jsonValue({ maxDepth: 1 }),
            )
            .map(([k, v]) => ({ path: [...path, k], v }));
        })
        .map(({ path, v }) => mutated(kind, raw, path, (r) => setAt(r, path, v), `add ${keyOf(path)}`));
    case "duplicate-name":
      return fc.tuple(fc.nat(), fc.nat()).map(([x, y]) => {
        const n = (raw.apps as unknown[]).length;
        const count = Math.max(n, 2);
        const later = 1 + (x % (count - 1));
        const earlier = y % later;
        return mutated(
          kind,
          raw,
          ["apps", later, "name"],
          (r) => {
            const list = r.apps as Array<Record<string, unknown>>;
            if (list.length === 1) list.push(structuredClone(list[0]));
            list[later].name = list[earlier].name;
          },
          `apps[${later}].name = apps[${earlier}].name`,
        );
      });
    case "secret-value":
      return misplacedSecret(raw);
    case "past-date": {
      const apps = raw.apps as Array<{ flags?: unknown[] }>;
      return fc
        .tuple(fc.nat({ max: apps.length - 1 }), fc.integer({ min: 1, max: 4000 }), fc.nat())
        .map(([i, daysAgo, j]) => {
          const at = apps[i].flags?.length ? j % apps[i].flags!.length : 0;
          const date = dayFromToday(-daysAgo);
          return mutated(
            kind,
            raw,
            ["apps", i, "flags", at, "removalDate"],
            (r) => {
              const app = (r.apps as Array<Record<string, unknown>>)[i];
              const flags = (app.flags as Array<Record<string, unknown>> | undefined) ?? [];
              if (flags.length === 0) {
                flags.push({ name: "added_flag", owner: "someone", default: false, removalDate: date });
                app.flags = flags;
              }
              flags[at].removalDate = date;
            },
            `apps[${i}].flags[${at}].removalDate = ${date}`,
          );
        });
    }
  }
}
