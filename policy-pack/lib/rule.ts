/**
 * The rule abstraction shared by the engine (CrossGuard policies) and the in-process runner: a rule reports
 * verdicts (pass / fail / not-applicable) per resource; both paths aggregate them the same way, apply the
 * same waivers and treat unknown values the same way (not applicable, never a violation).
 */
import type {
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { isUnknownError } from "./props";
import type { ConfigProperty, PolicyConfig, RuleMeta } from "./types";
import { findWaiver, ValidWaiver, validWaivers } from "./waivers";
import { withoutStackTrace } from "./engine";

/** A resource as a rule reads it. */
export interface Res {
  urn: string;
  type: string;
  name: string;
  // Props are untyped provider inputs/state; rules read them through lib/props helpers.
  props: Record<string, unknown>;
  parent?: string | null;
}

/** One verdict reported by a rule. */
export interface Verdict {
  status: "pass" | "fail" | "not-applicable";
  res: Res | null;
  message: string;
}

/** Collects a rule's verdicts. */
export class Verdicts {
  readonly list: Verdict[] = [];
  /** The resource (or the stack, with null) satisfies the rule; `message` is the evidence. */
  pass(res: Res | null, message: string): void {
    this.list.push({ status: "pass", res, message });
  }
  /** The resource (or the stack) violates the rule. */
  fail(res: Res | null, message: string): void {
    this.list.push({ status: "fail", res, message });
  }
  /** The rule cannot judge the resource (or the stack); `reason` says why. */
  na(res: Res | null, reason: string): void {
    this.list.push({ status: "not-applicable", res, message: reason });
  }
  /**
   * Runs `fn`, turning an unknown value read inside it into a not-applicable verdict for `res` and any other
   * error into a failure that names it (a property the rule must read is malformed).
   */
  guard(res: Res | null, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (isUnknownError(e)) this.na(res, e.message);
      else this.fail(res, `cannot be checked: ${(e as Error).message}`);
    }
  }
}

/** What a rule gets besides the resources. */
export interface RuleContext {
  /** The policy's settings: schema defaults overlaid with config (`waivers` and `enforcementLevel` removed). */
  cfg: Record<string, unknown>;
  /** "Today", for expiry and removal dates. */
  now: Date;
  /**
   * True when the input marks every secret (`[secret]` in plans and exports), so a plain value where a secret
   * belongs is known to be plain text. False in the engine, which hands policies unwrapped secrets.
   */
  secretsMarked: boolean;
  /** Resources by URN (stack rules: the whole stack; resource rules: the resource alone). */
  byUrn: Map<string, Res>;
  /** The waivers of the policy's config, unvalidated (CC-WAIVE-01 receives every waiver of the stack). */
  waivers: unknown[];
  /** The catalogue's rule IDs, which a waiver must name (from the rules the runner runs). */
  knownIds: readonly string[];
}

/** A rule: metadata plus a check over one resource or over the stack. */
export interface Rule {
  meta: RuleMeta;
  /** Resource rules: judge one resource whose type is in `meta.appliesTo`. */
  checkResource?(r: Res, ctx: RuleContext, out: Verdicts): void;
  /** Stack rules: judge the stack; verdicts name resources, or null for the stack as a whole. */
  checkStack?(resources: Res[], ctx: RuleContext, out: Verdicts): void;
}

/**
 * The stack of a URN (`urn:pulumi:STACK::PROJECT::TYPE::NAME`), so that stack-scoped waivers match under the engine
 * as they do offline. Empty when the URN is not one.
 */
export function stackOfUrn(urn: string): string {
  const m = /^urn:pulumi:([^:]+)::/.exec(urn);
  return m ? m[1] : "";
}

/** Properties every policy's config schema has besides its own settings. */
export const COMMON_CONFIG: Record<string, ConfigProperty> = {
  waivers: {
    type: "array",
    description:
      "Waivers of this rule: { ruleId, resource (name, URN or glob), reason (10+ chars), owner, expires (YYYY-MM-DD) }. Validated by CC-WAIVE-01.",
    items: { type: "object" },
    default: [],
  },
};

/** A configurable setting that is a list of strings (checks, patterns, environments), with its default. */
export function stringList(
  description: string,
  defaultValue: readonly string[],
  tightens: "superset" | "subset" = "superset",
): ConfigProperty {
  return { type: "array", items: { type: "string" }, description, default: [...defaultValue], tightens };
}

/**
 * A mandatory rule's setting as JSON Schema that refuses what loosens it (`tightens`), so that the engine, which
 * validates `--policy-pack-config` against the schema, refuses a hand-written config as the CLI does: `higher` a
 * minimum, `lower` a maximum, `superset` every default item contained, `subset` only default items, `fixed` the
 * default itself.
 */
function tightSchema(p: ConfigProperty): Record<string, unknown> {
  const { tightens, ...schema } = p;
  const d = p.default;
  const containsAll = (items: unknown) =>
    Array.isArray(items) && items.length ? { allOf: items.map((x) => ({ contains: { const: x } })) } : {};
  switch (tightens) {
    case "higher":
      return { ...schema, minimum: Math.max(Number(d), p.minimum ?? -Infinity) };
    case "lower":
      return { ...schema, maximum: Math.min(Number(d), p.maximum ?? Infinity) };
    case "superset":
      return Array.isArray(d)
        ? { ...schema, ...containsAll(d) }
        : {
            ...schema,
            required: Object.keys(d as object),
            properties: Object.fromEntries(Object.entries(d as object).map(([k, v]) => [k, containsAll(v)])),
          };
    case "subset":
      return { ...schema, items: { type: "string", enum: d } };
    case "fixed":
      return { ...schema, const: d };
    default:
      return schema;
  }
}

/** CrossGuard config schema of a rule: its configurable settings plus {@link COMMON_CONFIG}. */
export function configSchemaOf(meta: RuleMeta): PolicyConfigSchema {
  const own = Object.entries(meta.configurable ?? {}).map(([k, p]) => [
    k,
    meta.enforcementLevel === "mandatory" ? tightSchema(p) : (({ tightens: _t, ...rest }) => rest)(p),
  ]);
  return { properties: { ...Object.fromEntries(own), ...COMMON_CONFIG } } as PolicyConfigSchema;
}

/** Settings of a rule: schema defaults overlaid with the policy's config, without `enforcementLevel`/`waivers`. */
export function settingsOf(meta: RuleMeta, config: PolicyConfig | undefined): Record<string, unknown> {
  const defaults = Object.fromEntries(
    Object.entries(meta.configurable ?? {}).map(([k, p]) => [k, p.default] as const),
  );
  const given = { ...(config ?? {}) } as Record<string, unknown>;
  delete given.enforcementLevel;
  delete given.waivers;
  return { ...defaults, ...given };
}

/** Aggregated verdict of a rule on one resource (or on the stack). */
export interface Aggregate {
  res: Res | null;
  status: "pass" | "fail" | "not-applicable";
  message: string;
}

/**
 * Folds verdicts per resource: any failure fails (messages joined), else any not-applicable makes the whole
 * not applicable (the evidence is incomplete), else pass. Order of first appearance is kept.
 */
export function aggregate(verdicts: Verdict[]): Aggregate[] {
  // Keyed by URN; verdicts on the stack as a whole (no resource) share the key `undefined`.
  const byKey = new Map<string | undefined, Verdict[]>();
  for (const v of verdicts) {
    const key = v.res?.urn;
    const list = byKey.get(key) ?? [];
    list.push(v);
    byKey.set(key, list);
  }
  return [...byKey.values()].map((list) => {
    const pick = (s: Verdict["status"]) => list.filter((v) => v.status === s);
    const fails = pick("fail");
    const nas = pick("not-applicable");
    const chosen = fails.length ? fails : nas.length ? nas : pick("pass");
    return {
      res: list[0].res,
      status: chosen[0].status,
      message: [...new Set(chosen.map((v) => v.message))].join("; "),
    };
  });
}

/** Runs a rule over a resource or the stack, guarding unknowns, and aggregates. */
export function runRule(rule: Rule, resources: Res[], ctx: RuleContext): Aggregate[] {
  const out = new Verdicts();
  if (rule.meta.kind === "resource") {
    for (const r of resources) {
      if (!rule.meta.appliesTo.includes(r.type)) continue;
      out.guard(r, () => rule.checkResource?.(r, ctx, out));
    }
  } else {
    out.guard(null, () => rule.checkStack?.(resources, ctx, out));
    if (out.list.length === 0) out.na(null, "nothing in this stack for this rule to check");
  }
  return aggregate(out.list);
}

/** Valid waivers of a policy's config: complete, unexpired, naming one of `knownIds`. */
export function waiversOf(
  config: PolicyConfig | undefined,
  now: Date,
  knownIds: readonly string[],
): ValidWaiver[] {
  return validWaivers(config?.waivers, now, knownIds);
}

function waivedNote(w: ValidWaiver): string {
  return `waived until ${w.expires} by ${w.owner}: ${w.reason}`;
}

function engineConfig(getConfig: () => object): PolicyConfig {
  return getConfig() as PolicyConfig;
}

/**
 * The CrossGuard policy of a rule, for `new PolicyPack(...)`. Violations are reported with the rule's message;
 * failures matched by a valid waiver are not reported (resource rules report them as not applicable with the
 * waiver); unknown values give not-applicable, never a violation.
 */
export function toPolicy(
  rule: Rule,
  knownIds: readonly string[],
): ResourceValidationPolicy | StackValidationPolicy {
  const m = rule.meta;
  const base = {
    name: m.policyName,
    description: `${m.id}: ${m.description}`,
    enforcementLevel: m.enforcementLevel,
    configSchema: configSchemaOf(m),
    remediationSteps: m.remediation,
    tags: [m.id, `section:${m.section}`],
  };
  const context = (config: PolicyConfig, byUrn: Map<string, Res>): RuleContext => ({
    cfg: settingsOf(m, config),
    now: new Date(),
    secretsMarked: false,
    byUrn,
    waivers: Array.isArray(config?.waivers) ? Array.from(config.waivers) : [],
    knownIds,
  });
  if (m.kind === "resource") {
    const typesNote = `Policy only applies to resources of type ${m.appliesTo.map((t) => `'${t}'`).join(", ")}`;
    const validateResource = (args: ResourceValidationArgs, report: ReportViolation) => {
      // Not applicable to other types, as the server says itself for a one-type rule (below), so every rule
      // counts the same resources as passed in the engine's policy summary.
      if (!m.appliesTo.includes(args.type)) withoutStackTrace(() => args.notApplicable(typesNote));
      const config = engineConfig(args.getConfig);
      const r: Res = {
        urn: args.urn,
        type: args.type,
        name: args.name,
        props: args.props,
        parent: args.opts?.parent,
      };
      const [agg] = runRule(rule, [r], context(config, new Map([[r.urn, r]])));
      if (!agg || agg.status === "pass") return;
      if (agg.status === "not-applicable") args.notApplicable(agg.message);
      const w = findWaiver(waiversOf(config, new Date(), knownIds), m.id, r, stackOfUrn(args.urn));
      if (w) args.notApplicable(waivedNote(w));
      report(agg.message);
    };
    // A rule of one resource type carries it as `@pulumi/policy`'s `validateResourceOfType` does
    // (`__pulumiType`): the server then answers "not applicable" for other types without converting the
    // request's properties or building the policy's arguments (policy.js `getPulumiType`, server.js Analyze).
    if (m.appliesTo.length === 1) Object.assign(validateResource, { __pulumiType: m.appliesTo[0] });
    return { ...base, validateResource };
  }
  return {
    ...base,
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const config = engineConfig(args.getConfig);
      const { resources, byUrn } = stackOf(args.resources);
      const aggs = runRule(rule, resources, context(config, byUrn));
      const waivers = waiversOf(config, new Date(), knownIds);
      // The engine does not hand policies the stack's name; every URN carries it.
      const stack = stackOfUrn(resources[0]?.urn ?? "");
      for (const a of aggs) {
        if (a.status !== "fail") continue;
        if (findWaiver(waivers, m.id, a.res, stack)) continue;
        report(a.message, a.res?.urn);
      }
      if (aggs.every((a) => a.status === "not-applicable")) {
        args.notApplicable(aggs.map((a) => a.message).join("; "));
      }
    },
  };
}

/**
 * The stack as rules read it, frozen: a rule that wrote to it would change what the next rule reads. Built on each
 * call: the engine hands each stack policy a view of its own (@pulumi/policy server.js `analyzeStack` builds
 * `args.resources` per policy), so a cache by view would never be hit there.
 */
function stackOf(view: StackValidationArgs["resources"]): { resources: Res[]; byUrn: Map<string, Res> } {
  const resources: Res[] = view.map((p) =>
    Object.freeze({
      urn: p.urn,
      type: p.type,
      name: p.name,
      props: p.props,
      parent: p.parent?.urn ?? null,
    }),
  );
  Object.freeze(resources);
  return { resources, byUrn: new Map(resources.map((r) => [r.urn, r] as const)) };
}

/** Fields of {@link defineRule}: the metadata without the derived `policyName`, plus the check. */
export type RuleSpec = Omit<RuleMeta, "policyName"> & {
  /** Slug of the policy name (`<id>-<slug>`). */
  slug: string;
  checkResource?: Rule["checkResource"];
  checkStack?: Rule["checkStack"];
};

/** Builds a rule; the policy name is `<id>-<slug>`. */
export function defineRule(spec: RuleSpec): Rule {
  const { slug, checkResource, checkStack, ...meta } = spec;
  return { meta: { ...meta, policyName: `${meta.id}-${slug}` }, checkResource, checkStack };
}
