/**
 * WAIVE: waivers. Source: shared/policy-catalogue.md "WAIVE"; shared/style.md "Policies".
 * CC-WAIVE-01 receives every waiver of the stack config (lib/config.ts `resolvePackConfig`) and reports each
 * incomplete or expired one; other rules ignore such waivers (lib/waivers.ts).
 */
import { defineRule, Rule } from "../lib/rule";
import { arr } from "../lib/props";
import { waiverProblems } from "../lib/waivers";

export const WAIVE_01 = defineRule({
  id: "CC-WAIVE-01",
  slug: "waivers-valid",
  section: "WAIVE",
  title:
    "every waiver names the rule, the resource, a reason, an owner and an expiry date; an expired or incomplete waiver is itself a violation and waives nothing",
  description:
    "Every declared waiver names a known rule, a resource, a reason of 10+ characters, an owner and an expiry date that has not passed.",
  source: 'shared/policy-catalogue.md "WAIVE"; CONST "Required PR Checks" (exceptions are owned and dated)',
  remediation:
    "Complete the waiver in cicd-constitution:policy.waivers (ruleId, resource, reason >= 10 chars, owner, expires YYYY-MM-DD), renew it with its owner, or delete it and fix the resource.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [],
  configKeys: [],
  checkStack(_resources, ctx, out) {
    const waivers = ctx.waivers;
    if (waivers.length === 0) return out.pass(null, "no waivers declared");
    waivers.forEach((w, i) => {
      const problems = waiverProblems(w, ctx.now, ctx.knownIds);
      const label = `waiver #${i + 1}${w && typeof w === "object" && "ruleId" in w ? ` (${String((w as { ruleId: unknown }).ruleId)} on ${String((w as { resource?: unknown }).resource ?? "?")})` : ""}`;
      if (problems.length) out.fail(null, `${label} ${problems.join(", ")}; it waives nothing`);
      else out.pass(null, `${label} is complete and valid until ${(w as { expires: string }).expires}`);
    });
  },
});

export const WAIVE_02 = defineRule({
  id: "CC-WAIVE-02",
  slug: "overrides-audited",
  section: "WAIVE",
  title:
    "an enforcement override that lowers a mandatory rule (to advisory or disabled) names a reason, an owner and an expiry date like a waiver; one without them, or expired, does not apply and fails this rule; every report lists the overrides in force",
  description:
    "Every enforcement override lowering a mandatory rule carries a reason (10+ characters), an owner and an expiry that has not passed; otherwise the rule stays mandatory and this one fails.",
  source: 'shared/policy-catalogue.md "WAIVE"; CONST "Required PR Checks" (exceptions are owned and dated)',
  remediation:
    "Write the override as cicd-constitution:policy.enforcement.<ID>: { level, reason (10+ chars), owner, expires: YYYY-MM-DD }, renew it with its owner, or remove it and fix what the rule finds.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [],
  configKeys: [],
  configurable: {
    overrides: {
      // The resolver's records (resolvePackConfigWith), never the stack file's: a setting written there is refused.
      tightens: "free",
      type: "array",
      items: { type: "object" },
      description:
        "The overrides lowering a mandatory rule, as resolved from the stack's policy section (set by cicd policy-config).",
      default: [],
    },
  },
  checkStack(_resources, ctx, out) {
    const overrides = arr(ctx.cfg.overrides) as Array<Record<string, unknown>>;
    if (overrides.length === 0) return out.pass(null, "no override lowers a mandatory rule");
    for (const o of overrides) {
      const what = `override of ${String(o.ruleId)} from ${String(o.from)} to ${String(o.to)}`;
      const problems = arr(o.problems).map(String);
      const expired = typeof o.expires === "string" && o.expires < ctx.now.toISOString().slice(0, 10);
      if (problems.length || expired)
        out.fail(
          null,
          `${what}: ${[...problems, ...(expired && !problems.length ? [`expired on ${o.expires}`] : [])].join(", ")}; it does not apply (${String(o.ruleId)} stays mandatory)`,
        );
      else out.pass(null, `${what} by ${String(o.owner)} until ${String(o.expires)}: ${String(o.reason)}`);
    }
  },
});

/** The WAIVE rules. */
export const waiverRules: Rule[] = [WAIVE_01, WAIVE_02];
