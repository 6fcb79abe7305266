/**
 * The in-process runner: runs every rule of the pack over a list of resources (a plan, a stack export, a
 * preview) without the Pulumi engine or a gRPC server, with the same checks, aggregation, waivers and
 * unknown-value handling as the CrossGuard policies of index.ts.
 */
import { RULES } from "./catalogue";
import { resolvePackConfigWith } from "./lib/config";
import { unknownCheckingProps } from "./lib/props";
import { Res, RuleContext, runRule, settingsOf } from "./lib/rule";
import type { EnforcementLevel, PackConfig, PolicyResourceInput, RuleResult } from "./lib/types";
import { findWaiver, validWaivers } from "./lib/waivers";
import { ALL_RULES, RULE_IDS } from "./rules";

export type {
  EnforcementLevel,
  PackConfig,
  PolicyConfig,
  PolicyResourceInput,
  ResultStatus,
  RuleMeta,
  RuleResult,
  Waiver,
} from "./lib/types";
export { POLICY_PACK_NAME, POLICY_PACK_VERSION, RULES, ruleById } from "./catalogue";
export { PolicyConfigError } from "./lib/config";
export { PLAINTEXT_MARKER, SECRET_MARKER, UNKNOWN_MARKER, UNKNOWN_SENTINEL } from "./lib/props";

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Stack name (reports; waivers of whole-stack verdicts may name it). */
  stack: string;
  /** Pack config by policy name (see {@link resolvePackConfig}). Default: every rule at its default level. */
  config?: PackConfig;
  /** "Today" for waiver expiry and flag removal dates. Default: the current date. */
  now?: Date;
  /**
   * Whether the input marks every secret as `[secret]` (plan files, stack exports read by src/audit), so that a
   * plain value where a secret belongs is known to be plain text (CC-ENV-04). Default: false, the engine's view
   * (secrets unwrapped, as in the offline preview's in-memory `resources`). Pass true for plan files and exports.
   */
  secretsMarked?: boolean;
}

/**
 * Resolves the stack config section `cicd-constitution:policy` into the pack config (per policy name).
 * @throws PolicyConfigError for an unknown rule ID, setting or level (see lib/config.ts).
 */
export function resolvePackConfig(policySection: unknown, now?: Date): PackConfig {
  return resolvePackConfigWith(policySection, RULES, now);
}

export { overridesInForce } from "./lib/config";
export type { EnforcementOverride } from "./lib/config";

/**
 * Runs the pack over `resources`. Returns one result per rule and applicable resource (resource rules) or per
 * judged resource / the stack (stack rules), passes included; a disabled rule gives one not-applicable result.
 * A failure matched by a valid waiver becomes `waived`; values unknown at preview give not-applicable.
 */
export function evaluate(resources: PolicyResourceInput[], options: EvaluateOptions): RuleResult[] {
  const now = options.now ?? new Date();
  const config = options.config ?? {};
  const wrapped: Res[] = resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent ?? null,
    props: unknownCheckingProps(r.props ?? {}),
  }));
  const byUrn = new Map(wrapped.map((r) => [r.urn, r] as const));
  const results: RuleResult[] = [];
  for (const rule of ALL_RULES) {
    const m = rule.meta;
    const pc = config[m.policyName];
    const level: EnforcementLevel = pc?.enforcementLevel ?? m.enforcementLevel;
    const base = { ruleId: m.id, policyName: m.policyName, enforcementLevel: level };
    if (level === "disabled") {
      results.push({
        ...base,
        status: "not-applicable",
        resource: null,
        message: "rule disabled by policy config",
      });
      continue;
    }
    const ctx: RuleContext = {
      cfg: settingsOf(m, pc),
      now,
      secretsMarked: options.secretsMarked ?? false,
      byUrn,
      waivers: Array.isArray(pc?.waivers) ? pc.waivers : [],
      knownIds: RULE_IDS,
    };
    const waivers = validWaivers(pc?.waivers, now, RULE_IDS);
    for (const a of runRule(rule, wrapped, ctx)) {
      const resource = a.res ? { urn: a.res.urn, type: a.res.type, name: a.res.name } : null;
      const w = a.status === "fail" ? findWaiver(waivers, m.id, resource, options.stack) : undefined;
      if (w) {
        results.push({
          ...base,
          status: "waived",
          resource,
          message: `${a.message} (waived until ${w.expires} by ${w.owner}: ${w.reason})`,
          waiver: { reason: w.reason, owner: w.owner, expires: w.expires },
        });
      } else results.push({ ...base, status: a.status, resource, message: a.message });
    }
  }
  return results;
}

/** Counts of a result list; `mandatoryFailures` are what fails a preview or an audit. */
export interface Summary {
  pass: number;
  fail: number;
  waived: number;
  notApplicable: number;
  mandatoryFailures: number;
  advisoryFailures: number;
}

/** Counts results by status and failing level. */
export function summarize(results: RuleResult[]): Summary {
  const s: Summary = {
    pass: 0,
    fail: 0,
    waived: 0,
    notApplicable: 0,
    mandatoryFailures: 0,
    advisoryFailures: 0,
  };
  for (const r of results) {
    if (r.status === "pass") s.pass++;
    else if (r.status === "waived") s.waived++;
    else if (r.status === "not-applicable") s.notApplicable++;
    else {
      s.fail++;
      if (r.enforcementLevel === "mandatory") s.mandatoryFailures++;
      else if (r.enforcementLevel === "advisory") s.advisoryFailures++;
    }
  }
  return s;
}
