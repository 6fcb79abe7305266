/**
 * fast-check arbitraries for the property tests of the config model and the program (issue 5, "Proofs"):
 * valid staging + production stack pairs that follow the constitution (so the policy pack passes). The single
 * mutations of a valid config are in configMutations.ts.
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
  SECRET_CONFIG_KEYS,
} from "../../src/config/model";
import { PROVIDER_CONFIG_KEYS } from "../../src/config/errors";
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
    if (Object.hasOwn(PROVIDER_CONFIG_KEYS, k)) raw[PROVIDER_CONFIG_KEYS[k]] = v;
    else if (k.startsWith(`${CONFIG_NAMESPACE}:`)) raw[k.slice(CONFIG_NAMESPACE.length + 1)] = v;
  }
  return raw;
}

// ---------------------------------------------------------------------------------------------------------
// Mutations
