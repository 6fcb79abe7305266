/**
 * The harness of the rule tests (test/policy/rules, test/policy/lib, evaluate.test.ts): minimal hand-built
 * resources, one way to judge them with the in-process runner, and tables of named scenarios, one `it` each. The type tokens are the
 * pack's own (policy-pack/lib/tokens.ts), plus the few only tests use.
 */
import { strict as assert } from "node:assert";
import { evaluate, PolicyResourceInput, resolvePackConfig, RuleResult } from "../../policy-pack/evaluate";
import { T as PACK_TOKENS } from "../../policy-pack/lib/tokens";

/** "Today" of every policy test: flags (removal 2027) are current, waivers are judged against it. */
export const NOW = new Date("2026-11-21T12:00:00Z");

/** Resource type tokens: the pack's, and those only tests use. */
export const T = {
  ...PACK_TOKENS,
  teamRepository: "github:index/teamRepository:TeamRepository",
  bucket: "aws:s3/bucket:Bucket",
} as const;

/** The stack every hand-built resource belongs to. */
export const STACK = "production";
/** The app most scenarios are about, its production tags and its component's URN. */
export const APP = "erp-berhan";
export const PRODUCTION_TAGS = { app: APP, environment: "production" };
/** A full git SHA, the image repository built from it and two digests of that repository. */
export const SHA = "0123456789abcdef0123456789abcdef01234567";
export const IMAGE_REPO = "ghcr.io/acme/erp-berhan";
export const DIGEST_1 = `sha256:${"1".repeat(64)}`;
export const DIGEST_2 = `sha256:${"2".repeat(64)}`;
/** A complete waiver, valid on {@link NOW}. */
export const WAIVER = {
  ruleId: "CC-BR-07",
  resource: "erp-berhan-governance-repo",
  reason: "release bot needs a bypass",
  owner: "mathieu",
  expires: "2026-12-31",
};

/** The URN the engine gives a resource of {@link STACK}. */
export const urnOf = (type: string, name: string): string =>
  `urn:pulumi:${STACK}::cicd-constitution::${type}::${name}`;

export const APP_URN = urnOf(T.appComponent, APP);

/** One resource as the runner takes it. */
export const r = (
  type: string,
  name: string,
  props: Record<string, unknown> = {},
  parent?: string,
): PolicyResourceInput => ({ urn: urnOf(type, name), type, name, props, parent: parent ?? null });

/** A resource carrying only an environment tag: it makes the stack that environment's. */
export const environmentTag = (environment: string): PolicyResourceInput =>
  r(T.cluster, "cluster", { tags: { environment } });

/** The app's production task definition running `containers`. */
export const taskDefinition = (
  containers: unknown[],
  props: Record<string, unknown> = {},
  name = "erp-td",
): PolicyResourceInput =>
  r(T.taskDefinition, name, {
    tags: PRODUCTION_TAGS,
    containerDefinitions: JSON.stringify(containers),
    ...props,
  });

/** A StackReference whose `outputs.environmentProfile` is `environment`'s, with `apps`. */
export const profileRef = (apps: unknown, environment = "staging"): PolicyResourceInput =>
  r(T.stackReference, "staging-profile", { outputs: { environmentProfile: { environment, apps } } });

export type Status = RuleResult["status"];
/** `[status, resource name or null, message]` of one result. */
export type Verdict = [Status, string | null, string];

/**
 * How {@link judge} runs the pack: one rule's settings, the waivers, the enforcement records, the input's secret
 * marking, stack, day.
 */
export interface JudgeOptions {
  settings?: Record<string, unknown>;
  waivers?: unknown[];
  /** `policy.enforcement` by rule ID (a level, or a record of level, reason, owner, expires). */
  enforcement?: Record<string, unknown>;
  /** The day `cicd policy-config` resolved the config (it judges overrides then). Default: `now`. */
  resolvedOn?: Date;
  secretsMarked?: boolean;
  stack?: string;
  now?: Date;
}

/** The results of rule `id` over `resources`, as verdicts. */
export function judge(id: string, resources: PolicyResourceInput[], opts: JudgeOptions = {}): Verdict[] {
  const config = resolvePackConfig(
    {
      ...(opts.settings ? { settings: { [id]: opts.settings } } : {}),
      ...(opts.waivers ? { waivers: opts.waivers } : {}),
      ...(opts.enforcement ? { enforcement: opts.enforcement } : {}),
    },
    opts.resolvedOn ?? opts.now ?? NOW,
  );
  return evaluate(resources, {
    stack: opts.stack ?? STACK,
    config,
    now: opts.now ?? NOW,
    secretsMarked: opts.secretsMarked ?? false,
  })
    .filter((x) => x.ruleId === id)
    .map((x) => [x.status, x.resource?.name ?? null, x.message]);
}

/** An expected verdict; a RegExp message is matched rather than compared. */
export type ExpectedVerdict = [Status, string | null, string | RegExp];

/** What a scenario asserts: the rule's whole result list, or only the first result's status or message. */
type Expectation =
  | { expected: ExpectedVerdict[]; status?: never; message?: never }
  | { status: Status; expected?: never; message?: never }
  | { message: string; expected?: never; status?: never };

/** One named scenario of a rule: the resources, how the pack runs, what it must say. */
export type RuleCase = {
  /** What is checked, after the rule ID: "fails a main ruleset that allows merge commits". */
  name: string;
  /** The rule judged, when not the table's. */
  rule?: string;
  resources: PolicyResourceInput[];
  opts?: JudgeOptions;
} & Expectation;

/** Asserts one scenario of rule `id`. */
export function assertRuleCase(id: string, c: RuleCase): void {
  const got = judge(id, c.resources, c.opts);
  if (c.status !== undefined) assert.equal(got[0]?.[0], c.status);
  else if (c.message !== undefined) assert.equal(got[0]?.[2], c.message);
  else {
    const plain = (vs: Array<Verdict | ExpectedVerdict>) =>
      vs.map((v, i) => (c.expected[i]?.[2] instanceof RegExp ? [v[0], v[1]] : v));
    assert.deepEqual(plain(got), plain(c.expected));
    c.expected.forEach(([, , m], i) => m instanceof RegExp && assert.match(got[i][2], m));
  }
}

/** One `it` per scenario, named `<rule ID> <scenario name>`. */
export function ruleCases(rule: string, cases: RuleCase[]): void {
  for (const c of cases) it(`${c.rule ?? rule} ${c.name}`, () => assertRuleCase(c.rule ?? rule, c));
}

/** A feature-flags document (AppConfig's `AWS.AppConfig.FeatureFlags` type) holding `flags` with these values. */
export const flagsDoc = (flags: Record<string, Record<string, unknown>>) =>
  JSON.stringify({
    version: "1",
    flags: Object.fromEntries(Object.keys(flags).map((k) => [k, { name: k }])),
    values: flags,
  });

/** erp-berhan's hosted flags configuration version holding `flags`. */
export const hcv = (flags: Record<string, Record<string, unknown>>, props: Record<string, unknown> = {}) =>
  r(T.hostedConfig, "erp-flags", { content: flagsDoc(flags), tags: { app: "erp-berhan" }, ...props });

/** A flag as the constitution wants it: owner, default, removal date, off. */
export const FLAG = { owner: "mathieu", default: false, removalDate: "2027-01-31", enabled: false };
