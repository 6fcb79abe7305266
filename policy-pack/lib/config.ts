/**
 * Pack config from stack config. The stack config section `cicd-constitution:policy` =
 * `{ enforcement?: { [ruleId]: level }, settings?: { [ruleId]: {...} }, waivers?: [...] }` becomes the per-policy
 * object CrossGuard takes (`pulumi preview --policy-pack-config FILE`, one entry per policy name) and that the
 * in-process runner takes as `config`.
 */
import { KNOWN_IDS } from "./rule";
import type { EnforcementLevel, PackConfig, PolicyConfig, RuleMeta } from "./types";

/** Thrown for a policy section that cannot be applied (unknown rule, unknown setting, bad level). */
export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyConfigError";
  }
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled"];

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v);

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
export function resolvePackConfigWith(policySection: unknown, rules: RuleMeta[]): PackConfig {
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
  for (const id of [...Object.keys(enforcement), ...Object.keys(settings)]) {
    if (!byId.has(id))
      throw new PolicyConfigError(
        `cicd-constitution:policy: unknown rule ID ${id} (known: ${[...byId.keys()].join(", ")})`,
      );
  }
  const out: PackConfig = {};
  for (const rule of rules) {
    const level = enforcement[rule.id] ?? rule.enforcementLevel;
    if (!LEVELS.includes(level as EnforcementLevel))
      throw new PolicyConfigError(
        `cicd-constitution:policy.enforcement.${rule.id}: ${JSON.stringify(level)} is not one of ${LEVELS.join(", ")}`,
      );
    const given = settings[rule.id] ?? {};
    if (!isObject(given))
      throw new PolicyConfigError(`cicd-constitution:policy.settings.${rule.id} must be an object`);
    const allowed = Object.keys(rule.configurable ?? {});
    const bad = Object.keys(given).filter((k) => !allowed.includes(k));
    if (bad.length)
      throw new PolicyConfigError(
        `cicd-constitution:policy.settings.${rule.id}: unknown setting(s) ${bad.join(", ")} (${allowed.length ? `allowed: ${allowed.join(", ")}` : "the rule has no settings"})`,
      );
    const entry: PolicyConfig = { enforcementLevel: level as EnforcementLevel, ...given };
    const mine =
      rule.id === "CC-WAIVE-01"
        ? waivers
        : waivers.filter((w) => isObject(w) && String(w.ruleId).trim() === rule.id);
    if (mine.length) entry.waivers = mine;
    out[rule.policyName] = entry;
  }
  return out;
}

/** IDs registered by rules/index.ts, re-exported for callers that validate waivers themselves. */
export { KNOWN_IDS };
