/**
 * Pack config from stack config. The stack config section `cicd-constitution:policy` =
 * `{ enforcement?: { [ruleId]: level }, settings?: { [ruleId]: {...} }, waivers?: [...] }` becomes the per-policy
 * object CrossGuard takes (`pulumi preview --policy-pack-config FILE`, one entry per policy name) and that the
 * in-process runner takes as `config`.
 */
import { dayOf, MAX_WAIVER_DAYS, parseDay } from "./waivers";
import type { ConfigProperty, EnforcementLevel, PackConfig, PolicyConfig, RuleMeta } from "./types";

/** Thrown for a policy section that cannot be applied (unknown rule, unknown setting, bad level). */
export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyConfigError";
  }
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled"];

/** Rules no override may lower: lowering them would hide the overrides and waivers themselves. */
export const UNLOWERABLE = ["CC-WAIVE-01", "CC-WAIVE-02"];

/**
 * An enforcement override of a mandatory rule to a lower level, as CC-WAIVE-02 judges it and every report lists
 * it. An override without a reason, an owner and an expiry, or past its expiry, is not applied.
 */
export interface EnforcementOverride {
  ruleId: string;
  from: EnforcementLevel;
  to: EnforcementLevel;
  reason?: string;
  owner?: string;
  expires?: string;
  /** Whether the lower level is in force (complete and not expired). */
  applied: boolean;
  /** What is missing or wrong, when not applied. */
  problems: string[];
}

/** The problems of an audited override's record (the same fields and rules as a waiver's). */
function overrideProblems(o: Record<string, unknown>, now: Date): string[] {
  const problems: string[] = [];
  if (typeof o.reason !== "string" || o.reason.trim().length < 10)
    problems.push("no reason (10+ characters)");
  if (typeof o.owner !== "string" || o.owner.trim().length < 2) problems.push("no owner");
  const day = typeof o.expires === "string" ? parseDay(o.expires) : undefined;
  if (day === undefined) problems.push("no expiry date (YYYY-MM-DD)");
  else if (day < dayOf(now)) problems.push(`expired on ${o.expires}`);
  else if (day > dayOf(now) + MAX_WAIVER_DAYS * 86_400_000)
    problems.push(`expires on ${o.expires}, more than ${MAX_WAIVER_DAYS} days after today`);
  return problems;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v);

const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/**
 * How `given` loosens a mandatory rule's setting compared with its default, in the direction the setting declares
 * (`ConfigProperty.tightens`), or undefined when it keeps or tightens it.
 */
export function loosening(property: ConfigProperty, given: unknown): string | undefined {
  const d = property.default;
  const show = (v: unknown) => JSON.stringify(v);
  switch (property.tightens) {
    case "higher":
      return typeof given === "number" && typeof d === "number" && given < d
        ? `below the default ${d}`
        : undefined;
    case "lower":
      return typeof given === "number" && typeof d === "number" && given > d
        ? `above the default ${d}`
        : undefined;
    case "superset": {
      const pairs: Array<[string, unknown, unknown]> = isObject(d)
        ? Object.entries(d).map(([k, v]) => [`.${k}`, v, isObject(given) ? given[k] : undefined])
        : [["", d, given]];
      const dropped = pairs.flatMap(([at, def, g]) =>
        listOf(def)
          .filter((x) => !listOf(g).includes(x))
          .map((x) => `${at ? `${at} ` : ""}drops ${show(x)}`),
      );
      return dropped.length ? `${dropped.join(", ")} of the default` : undefined;
    }
    case "subset": {
      const added = listOf(given).filter((x) => !listOf(d).includes(x));
      return added.length ? `adds ${added.map(show).join(", ")} to the default ${show(d)}` : undefined;
    }
    case "fixed":
      return show(given) === show(d) ? undefined : `points the rule away from ${show(d)}`;
    default:
      return undefined;
  }
}

/**
 * A rule's settings from the stack's policy section, checked: an object of the settings the rule declares, none
 * loosening a mandatory rule, and no `overrides` for the audit rules (the pack lists those itself).
 *
 * @throws PolicyConfigError naming the key.
 */
function checkedSettings(rule: RuleMeta, given: unknown): Record<string, unknown> {
  if (!isObject(given))
    throw new PolicyConfigError(`cicd-constitution:policy.settings.${rule.id} must be an object`);
  if (UNLOWERABLE.includes(rule.id) && "overrides" in given)
    throw new PolicyConfigError(
      `cicd-constitution:policy.settings.${rule.id}.overrides: the overrides in force are the pack's to list (from policy.enforcement records), never a setting`,
    );
  const allowed = Object.keys(rule.configurable ?? {});
  const bad = Object.keys(given).filter((k) => !allowed.includes(k));
  if (bad.length)
    throw new PolicyConfigError(
      `cicd-constitution:policy.settings.${rule.id}: unknown setting(s) ${bad.join(", ")} (${allowed.length ? `allowed: ${allowed.join(", ")}` : "the rule has no settings"})`,
    );
  // A mandatory rule's setting may only tighten it: loosening it is what an enforcement override is for.
  if (rule.enforcementLevel === "mandatory") {
    for (const [key, value] of Object.entries(given)) {
      const how = loosening(rule.configurable![key], value);
      if (how)
        throw new PolicyConfigError(
          `cicd-constitution:policy.settings.${rule.id}.${key}: ${JSON.stringify(value)} loosens the mandatory rule ${rule.id} (${how}); a setting may only tighten it: lower the rule with an enforcement override (reason, owner, expires) instead`,
        );
    }
  }
  return given;
}

/**
 * A rule's effective enforcement level from its `policy.enforcement` entry (a bare level, or a record of level,
 * reason, owner and expires), with the override it makes when it lowers a mandatory rule. Such an override is
 * audited like a waiver (CC-WAIVE-02): an incomplete or expired one is recorded but not applied, and the rule stays
 * mandatory.
 *
 * @throws PolicyConfigError naming the key, for an unknown level or a lowered rule of {@link UNLOWERABLE}.
 */
function enforcementOf(
  rule: RuleMeta,
  given: unknown,
  now: Date,
): { level: EnforcementLevel; override?: EnforcementOverride } {
  const record = isObject(given) ? given : undefined;
  const level = (record ? record.level : given) ?? rule.enforcementLevel;
  if (!LEVELS.includes(level as EnforcementLevel))
    throw new PolicyConfigError(
      `cicd-constitution:policy.enforcement.${rule.id}${record ? ".level" : ""}: ${JSON.stringify(level)} is not one of ${LEVELS.join(", ")}`,
    );
  if (rule.enforcementLevel !== "mandatory" || level === "mandatory")
    return { level: level as EnforcementLevel };
  if (UNLOWERABLE.includes(rule.id))
    throw new PolicyConfigError(
      `cicd-constitution:policy.enforcement.${rule.id}: ${rule.id} cannot be lowered (it audits the waivers and overrides themselves)`,
    );
  const problems = record ? overrideProblems(record, now) : ["a bare level: no reason, owner or expiry"];
  const override: EnforcementOverride = {
    ruleId: rule.id,
    from: "mandatory",
    to: level as EnforcementLevel,
    ...(record
      ? {
          reason: record.reason as string,
          owner: record.owner as string,
          expires: record.expires as string,
        }
      : {}),
    applied: problems.length === 0,
    problems,
  };
  return { level: problems.length ? "mandatory" : (level as EnforcementLevel), override };
}

/**
 * Resolves the stack config's policy section into the pack config.
 *
 * Every policy gets an entry with its effective `enforcementLevel`; settings are copied as given (defaults live in
 * each policy's config schema); each waiver goes, unvalidated, to the policy its `ruleId` names and every waiver
 * goes to CC-WAIVE-01, which reports incomplete or expired ones.
 *
 * @param policySection The value of `cicd-constitution:policy` (undefined/null: no section).
 * @param rules The catalogue (defaults to the pack's rules; a parameter to avoid an import cycle).
 * @throws PolicyConfigError naming the key, for a section that is not an object, an unknown rule ID, an
 *   unknown level, a setting the rule does not declare, or waivers that are not a list.
 */
export function resolvePackConfigWith(
  policySection: unknown,
  rules: RuleMeta[],
  now: Date = new Date(),
): PackConfig {
  const section = policySection ?? {};
  if (!isObject(section)) throw new PolicyConfigError("cicd-constitution:policy must be an object");
  const unknownKeys = Object.keys(section).filter((k) => !["enforcement", "settings", "waivers"].includes(k));
  if (unknownKeys.length)
    throw new PolicyConfigError(
      `cicd-constitution:policy: unknown key(s) ${unknownKeys.join(", ")} (expected enforcement, settings, waivers)`,
    );
  const byId = new Map(rules.map((r) => [r.id, r] as const));
  const enforcement = section.enforcement ?? {};
  const settings = section.settings ?? {};
  const waivers = section.waivers ?? [];
  if (!isObject(enforcement))
    throw new PolicyConfigError("cicd-constitution:policy.enforcement must be an object by rule ID");
  if (!isObject(settings))
    throw new PolicyConfigError("cicd-constitution:policy.settings must be an object by rule ID");
  if (!Array.isArray(waivers)) throw new PolicyConfigError("cicd-constitution:policy.waivers must be a list");
  waivers.forEach((w, i) => {
    const id = isObject(w) ? String(w.ruleId ?? "").trim() : "";
    if (UNLOWERABLE.includes(id))
      throw new PolicyConfigError(
        `cicd-constitution:policy.waivers[${i}]: ${id} cannot be waived (it audits the waivers and overrides themselves)`,
      );
  });
  for (const id of [...Object.keys(enforcement), ...Object.keys(settings)]) {
    if (!byId.has(id))
      throw new PolicyConfigError(
        `cicd-constitution:policy: unknown rule ID ${id} (known: ${[...byId.keys()].join(", ")})`,
      );
  }
  const out: PackConfig = {};
  const overrides: EnforcementOverride[] = [];
  for (const rule of rules) {
    const { level, override } = enforcementOf(rule, enforcement[rule.id], now);
    if (override) overrides.push(override);
    const given = checkedSettings(rule, settings[rule.id] ?? {});
    const entry: PolicyConfig = { enforcementLevel: level, ...given };
    const mine =
      rule.id === "CC-WAIVE-01"
        ? waivers
        : waivers.filter((w) => isObject(w) && String(w.ruleId).trim() === rule.id);
    if (mine.length) entry.waivers = mine;
    out[rule.policyName] = entry;
  }
  // CC-WAIVE-02 receives every override that lowers a mandatory rule, applied or not.
  const audit = rules.find((r) => r.id === "CC-WAIVE-02");
  if (audit && overrides.length) out[audit.policyName] = { ...out[audit.policyName], overrides };
  return out;
}

/** The overrides in force (applied) of a pack config: what every report lists. */
export function overridesInForce(config: PackConfig): EnforcementOverride[] {
  return Object.values(config)
    .flatMap((c) => (c as { overrides?: EnforcementOverride[] }).overrides ?? [])
    .filter((o) => o.applied);
}
