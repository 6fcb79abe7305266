/**
 * fast-check arbitraries for the property tests of the config model and the program (issue 5, "Proofs"):
 * valid staging + production stack pairs that follow the constitution (so the policy pack passes), and
 * single mutations of a valid config, each with the config key the error must name.
 *
 * Generated configs are in the namespaced form of a stack file (`cicd-constitution:apps`, `aws:region`);
 * {@link engineSource} turns one into the {@link ConfigSource} `pulumi up` would give the program, and the
 * bench writes them as `Pulumi.<stack>.yaml`.
 */
import fc from "fast-check";
import {
  CONFIG_NAMESPACE,
  FARGATE_SIZES,
  LOG_RETENTION_DAYS,
  stackConfigSchema,
  SECRET_CONFIG_KEYS,
} from "../../src/config/model";
import { ConfigSource, readRuntimeConfig } from "../../src/config/sources";

/** "Today" of every property test: removal dates are judged against it (never the wall clock). */
export const TODAY = new Date("2026-11-21T00:00:00Z");

/** Namespaced stack config: what the `config:` map of a `Pulumi.<stack>.yaml` holds. */
export type NamespacedConfig = Record<string, unknown>;

/** A staging + production pair of one project; production reads staging through `promotion.stagingStack`. */
export interface StackPair {
  staging: NamespacedConfig;
  production: NamespacedConfig;
  /** Fully qualified name of the staging stack, as production's StackReference names it. */
  stagingRef: string;
}

const ns = (key: string) => `${CONFIG_NAMESPACE}:${key}`;

/** Adds `days` to {@link TODAY}; returns `YYYY-MM-DD`. */
export function dayFromToday(days: number): string {
  return new Date(TODAY.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Every (cpu, memory) pair Fargate accepts (src/config/appSchema.ts FARGATE_SIZES). */
export const FARGATE_PAIRS: Array<[number, number]> = Object.entries(FARGATE_SIZES).flatMap(([cpu, mems]) =>
  mems.map((m) => [Number(cpu), m] as [number, number]),
);

/**
 * Names the constitution forbids as plain variables (CC-RUN-06: `*SECRET*`, `*TOKEN*`, `*PASSWORD*`, `*_KEY`,
 * `DATABASE_URL`, `*_DSN`, ...) or that the runtime sets itself (APP_ENV, PORT, BUILD_*), or that the deploy
 * environment sets as variables (AWS_*, IMAGE_REPOSITORY): generated plain variables avoid them.
 */
const FORBIDDEN_VARIABLE =
  /SECRET|TOKEN|PASSWORD|PASSWD|_KEY$|PRIVATE_KEY|^DATABASE_URL$|_DSN$|CREDENTIAL|^AWS_|^APP_ENV$|^PORT$|^BUILD_|^IMAGE_REPOSITORY$|API_KEY|ACCESS_KEY/;

/** UPPER_SNAKE_CASE names that are neither secret-looking nor reserved. */
const plainVarName = fc.stringMatching(/^[A-Z][A-Z0-9_]{1,14}$/).filter((n) => !FORBIDDEN_VARIABLE.test(n));

/** Secret names: anything UPPER_SNAKE_CASE except long-lived cloud keys (CC-ENV-05) and the deploy variables. */
const secretName = fc
  .stringMatching(/^[A-Z][A-Z0-9_]{1,14}$/)
  .filter((n) => !/^AWS_|ACCESS_KEY|^IMAGE_REPOSITORY$|^APP_ENV$|^PORT$|^BUILD_/.test(n));

/** The secrets CC-RUN-07 requires of every app by default. */
export const REQUIRED_APP_SECRETS = ["DATABASE_URL", "REDIS_URL", "JWT_SECRET"];

const login = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/);
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));

/** What one generated app is, before it is written into the two stacks. */
export interface AppSpec {
  name: string;
  owner: string;
  repo: string;
  visibility: "private" | "public" | "internal";
  extraChecks: string[];
  approvals: number;
  reviewers: { users: string[]; teams: string[] };
  environmentSecrets: string[];
  port: number;
  staging: { size: [number, number]; count: number };
  production: { size: [number, number]; count: number };
  version: string;
  environment: Record<string, string>;
  extraSecrets: string[];
  retention: number;
  flags: Array<{
    name: string;
    owner: string;
    description: string;
    stagingDefault: boolean;
    stagingOn: boolean | null;
    removalInDays: number;
    productionCohort: string | null;
  }>;
  observability: { errorBudgetPercent: number; latencyP95Seconds: number; goldenPathSuccessPercent: number };
}

/** One constitution-compliant app. */
export const appSpec: fc.Arbitrary<AppSpec> = fc
  .record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{1,18}[a-z0-9]$/),
    owner: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{1,20}$/),
    repo: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$/),
    visibility: fc.constantFrom("private" as const, "public" as const, "internal" as const),
    extraChecks: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9 _.:/()-]{0,20}$/), { maxLength: 2 }),
    approvals: fc.integer({ min: 1, max: 10 }),
    users: fc.uniqueArray(login, { minLength: 1, maxLength: 3 }),
    teams: fc.uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,12}$/), { maxLength: 3 }),
    environmentSecrets: fc.uniqueArray(secretName, { maxLength: 2 }),
    port: fc.integer({ min: 1, max: 65535 }),
    stagingSize: fc.constantFrom(...FARGATE_PAIRS),
    productionSize: fc.constantFrom(...FARGATE_PAIRS),
    stagingCount: fc.integer({ min: 1, max: 3 }),
    productionCount: fc.integer({ min: 2, max: 10 }),
    version: fc.stringMatching(/^\/[a-z0-9._~-]{0,12}$/),
    environment: fc.dictionary(plainVarName, fc.string({ maxLength: 30 }), { maxKeys: 3 }),
    extraSecrets: fc.uniqueArray(secretName, { maxLength: 2 }),
    retention: fc.constantFrom(...LOG_RETENTION_DAYS.filter((d) => d >= 30)),
    flags: fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^[a-z][a-z0-9_]{1,20}$/),
        owner: login,
        description: fc.string({ maxLength: 40 }),
        stagingDefault: fc.boolean(),
        stagingOn: fc.option(fc.boolean(), { nil: null }),
        removalInDays: fc.integer({ min: 0, max: 1500 }),
        productionCohort: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}$/), { nil: null }),
      }),
      { maxLength: 2, selector: (f) => f.name },
    ),
    errorBudget: fc.integer({ min: 1, max: 50 }),
    latency: fc.integer({ min: 1, max: 6000 }),
    golden: fc.integer({ min: 1, max: 10000 }),
  })
  .map((g) => {
    const secrets = [
      ...REQUIRED_APP_SECRETS,
      ...g.extraSecrets.filter((s) => !REQUIRED_APP_SECRETS.includes(s)),
    ];
    // A plain variable may not share a name with a secret (the model says so), nor with an environment secret
    // (the deploy environment would hold both).
    const environment = Object.fromEntries(
      Object.entries(g.environment).filter(
        ([k]) => !secrets.includes(k) && !g.environmentSecrets.includes(k),
      ),
    );
    return {
      name: g.name,
      owner: g.owner,
      repo: g.repo,
      visibility: g.visibility,
      extraChecks: g.extraChecks.filter((c) => !["style", "unit", "smoke"].includes(c)),
      approvals: g.approvals,
      // A lone user gets a team: production prevents self-review, so the model refuses a lone reviewer.
      reviewers: {
        users: g.users,
        teams: (g.users.length < 2 && g.teams.length === 0 ? ["release-managers"] : g.teams).slice(
          0,
          6 - g.users.length,
        ),
      },
      environmentSecrets: g.environmentSecrets,
      port: g.port,
      staging: { size: g.stagingSize, count: g.stagingCount },
      production: { size: g.productionSize, count: g.productionCount },
      version: g.version,
      environment,
      extraSecrets: secrets.slice(REQUIRED_APP_SECRETS.length),
      retention: g.retention,
      flags: g.flags,
      observability: {
        errorBudgetPercent: g.errorBudget / 100,
        latencyP95Seconds: g.latency / 100,
        goldenPathSuccessPercent: g.golden / 100,
      },
    };
  });

/** Stack-wide values shared by both stacks. */
export interface ProjectSpec {
  githubOwner: string;
  region: string;
  org: string;
  gitSha: string;
  buildDate: string;
  actor: string;
  email: string | null;
  vpc: [string, string];
  subnets: string[];
  certUuid: string;
}

const projectSpec: fc.Arbitrary<ProjectSpec> = fc.record({
  githubOwner: login,
  region: fc.constantFrom("eu-west-1", "eu-central-1", "us-east-1", "ap-southeast-2", "us-gov-west-1"),
  org: fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/),
  gitSha: hex(40),
  buildDate: fc
    .integer({ min: Date.parse("2024-01-01T00:00:00Z") / 1000, max: TODAY.getTime() / 1000 })
    .map((s) => new Date(s * 1000).toISOString().replace(".000Z", "Z")),
  actor: login,
  email: fc.option(fc.constantFrom("oncall@example.com", "ops+alerts@team.example.org"), { nil: null }),
  vpc: fc.tuple(hex(17), hex(8)),
  subnets: fc.array(hex(17), { minLength: 8, maxLength: 8 }),
  certUuid: fc.uuid(),
});

/** This repository's name in generated configs (the owning stack governs it). */
const INFRASTRUCTURE_REPOSITORY = "cicd-constitution";

/** Secret values of one stack, distinct and recognisable; `ghcrToken` included. */
export function secretValuesFor(apps: AppSpec[], tag: string): Record<string, unknown> {
  const secrets: Record<string, Record<string, string>> = {};
  for (const a of apps) {
    secrets[a.name] = {};
    for (const n of [...REQUIRED_APP_SECRETS, ...a.extraSecrets, ...a.environmentSecrets])
      secrets[a.name][n] = `S3CR3T-${tag}-${a.name}-${n}`;
  }
  const t = tag.replace(/[^A-Za-z0-9]/g, "");
  if (tag === "prd") {
    // The owning stack governs this repository: its environments' secrets.
    secrets[INFRASTRUCTURE_REPOSITORY] = {
      PULUMI_ACCESS_TOKEN: `S3CR3T-${tag}-infra-PULUMI_ACCESS_TOKEN`,
      PULUMI_STAGING_TOKEN: `S3CR3T-${tag}-infra-PULUMI_STAGING_TOKEN`,
      GOVERNANCE_STAGING_TOKEN: `S3CR3T-${tag}-infra-GOVERNANCE_STAGING_TOKEN`,
      GOVERNANCE_GITHUB_TOKEN: `S3CR3T-${tag}-infra-GOVERNANCE_GITHUB_TOKEN`,
      BUMP_TOKEN: `S3CR3T-${tag}-infra-BUMP_TOKEN`,
    };
  }
  return {
    secrets,
    ghcrToken: `ghp_S3CR3T${t}TOKEN`,
    ghcrPullToken: `ghp_S3CR3T${t}PULL`,
    ...(tag === "stg" ? { gitSourceToken: `ghp_S3CR3T${t}SOURCE` } : {}),
  };
}

/**
 * Writes an app into a stack's `apps` entry.
 *
 * @param env Which stack: sizing, counts, reviewers and flag values differ; everything parity compares does not.
 */
export function appConfig(
  a: AppSpec,
  env: "staging" | "production",
  githubOwner: string,
  build?: { gitSha: string; date: string; actor: string },
): Record<string, unknown> {
  const side = env === "staging" ? a.staging : a.production;
  return {
    name: a.name,
    owner: a.owner,
    repository: {
      name: a.repo,
      description: `${a.name} service`,
      visibility: a.visibility,
      codeOwners: [`@${githubOwner}/${a.owner}`, `@${a.reviewers.users[0] ?? githubOwner}`],
    },
    requiredChecks: ["style", "unit", "smoke", ...a.extraChecks],
    requiredApprovals: a.approvals,
    ...(env === "production" ? { reviewers: a.reviewers } : {}),
    environmentSecrets: a.environmentSecrets,
    image: {
      repository: `ghcr.io/${githubOwner}/${a.name}`,
      ...(env === "staging" && build ? { build } : {}),
    },
    runtime: {
      port: a.port,
      cpu: side.size[0],
      memoryMiB: side.size[1],
      desiredCount: side.count,
      domain: `${a.name}.${env === "staging" ? "staging." : ""}example.com`,
      health: { versionPath: a.version },
      environmentVariables: a.environment,
      secrets: [...REQUIRED_APP_SECRETS, ...a.extraSecrets],
      logRetentionDays: a.retention,
    },
    flags: a.flags.map((f) => ({
      name: f.name,
      description: f.description,
      owner: f.owner,
      // CC-FLAG-03: production defaults OFF and turns a flag on only for a named cohort.
      default: env === "staging" ? f.stagingDefault : false,
      removalDate: dayFromToday(f.removalInDays),
      ...(env === "staging"
        ? f.stagingOn === null
          ? {}
          : { value: { enabled: f.stagingOn } }
        : { value: f.productionCohort ? { enabled: true, cohort: f.productionCohort } : { enabled: false } }),
    })),
    // CC-OBS-07: every alarm that pages links the app's runbook.
    observability: { ...a.observability, runbookUrl: `https://runbooks.example.org/${a.name}` },
  };
}

/** Builds the pair of namespaced stack configs of a project with the given apps. */
export function stackPair(p: ProjectSpec, apps: AppSpec[], withSecrets = true): StackPair {
  const stagingRef = `${p.org}/${CONFIG_NAMESPACE}/staging`;
  const common = (env: "staging" | "production", i: number) => ({
    "aws:region": p.region,
    [ns("environment")]: env,
    [ns("githubOwner")]: p.githubOwner,
    [ns("network")]: {
      vpcId: `vpc-${p.vpc[i]}`,
      publicSubnetIds: p.subnets.slice(i * 4, i * 4 + 2).map((s) => `subnet-${s}`),
      privateSubnetIds: p.subnets.slice(i * 4 + 2, i * 4 + 4).map((s) => `subnet-${s}`),
      egress: { natGatewayIds: [`nat-${p.vpc[i]}`] },
    },
    [ns("certificateArn")]: `arn:aws:acm:${p.region}:123456789012:certificate/${p.certUuid}`,
    ...(p.email ? { [ns("alerting")]: { email: p.email } } : {}),
    // Enterprise: every visibility the generator draws (internal, private with reviewers) is allowed.
    [ns("githubPlan")]: "enterprise",
    [ns("apps")]: apps.map((a) =>
      appConfig(a, env, p.githubOwner, { gitSha: p.gitSha, date: p.buildDate, actor: p.actor }),
    ),
  });
  const secretsOf = (tag: string) =>
    withSecrets
      ? Object.fromEntries(Object.entries(secretValuesFor(apps, tag)).map(([k, v]) => [ns(k), v]))
      : {};
  return {
    stagingRef,
    staging: {
      ...common("staging", 0),
      [ns("governance")]: { ownsRepositories: false },
      ...secretsOf("stg"),
    },
    production: {
      ...common("production", 1),
      [ns("governance")]: { ownsRepositories: true },
      [ns("infrastructure")]: {
        repository: { name: INFRASTRUCTURE_REPOSITORY, import: true, codeOwners: [`@${p.actor}`] },
        reviewers: { users: [p.actor], teams: ["release-managers"] },
      },
      [ns("promotion")]: { stagingStack: stagingRef },
      ...secretsOf("prd"),
    },
  };
}

/**
 * A valid, constitution-compliant staging + production pair with 1 to `maxApps` apps (unique names).
 *
 * @param repoNamesDiffer Whether a repository may be named differently from its app. Default false: the
 *   program's environment profile (src/program.ts AppProfile) carries no repository name, so CC-ENV-01 can only
 *   match production's repositories to staging's environments by app name (see docs/PROOFS.md, findings).
 */
export function arbStackPair(maxApps = 4, repoNamesDiffer = false): fc.Arbitrary<StackPair> {
  return fc
    .tuple(
      projectSpec,
      fc.uniqueArray(appSpec, { minLength: 1, maxLength: maxApps, selector: (a) => a.name }),
    )
    .map(([p, apps]) => stackPair(p, repoNamesDiffer ? apps : apps.map((a) => ({ ...a, repo: a.name }))));
}

/**
 * The config source `pulumi up` gives the program for a namespaced config: every value JSON-encoded as the
 * engine hands it over, `secrets` and `ghcrToken` marked secret (src/config/sources.ts `readRuntimeConfig`).
 */
export function engineSource(stack: string, config: NamespacedConfig): ConfigSource {
  const all = Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  return readRuntimeConfig(stack, all, (k) => SECRET_CONFIG_KEYS.some((s) => k === ns(s)));
}

/** Strips the namespace: the raw config `parseStackConfig` takes. */
export function rawOf(config: NamespacedConfig): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === "aws:region") raw.awsRegion = v;
    else if (k.startsWith(`${CONFIG_NAMESPACE}:`)) raw[k.slice(CONFIG_NAMESPACE.length + 1)] = v;
  }
  return raw;
}

// ---------------------------------------------------------------------------------------------------------
// Mutations

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
}

/** Renders a path like the model does (`apps[0].runtime.port`), namespaced. */
export function keyOf(path: Path): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${seg}` : seg;
  return `${CONFIG_NAMESPACE}:${out}`;
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
export const KNOWN_KEYS: Map<string, Set<string>> = (() => {
  const out = new Map<string, Set<string>>();
  type Def = { type: string; shape?: Record<string, { _zod: { def: Def } }>; [k: string]: unknown };
  const walk = (def: Def, at: string) => {
    const inner = (def.innerType ?? def.in ?? def.element) as { _zod: { def: Def } } | undefined;
    if (def.type === "object" && def.shape) {
      out.set(at, new Set(Object.keys(def.shape)));
      for (const [k, s] of Object.entries(def.shape)) walk(s._zod.def, at ? `${at}.${k}` : k);
    } else if (def.type === "array" && inner) walk(inner._zod.def, `${at}[]`);
    else if (inner) walk(inner._zod.def, at);
  };
  walk((stackConfigSchema as unknown as { _zod: { def: Def } })._zod.def, "");
  return out;
})();

const shapeKey = (path: Path) =>
  path.map((s, i) => (typeof s === "number" ? "[]" : i === 0 ? s : `.${s}`)).join("");

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
