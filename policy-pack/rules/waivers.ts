/**
 * WAIVE: waivers. Source: shared/policy-catalogue.md "WAIVE"; shared/style.md "Policies".
 * CC-WAIVE-01 receives every waiver of the stack config (lib/config.ts `resolvePackConfig`) and reports each
 * incomplete or expired one; other rules ignore such waivers (lib/waivers.ts).
 */
import { defineRule, KNOWN_IDS, Rule } from "../lib/rule";
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
  checkStack(_resources, ctx, out) {
    const waivers = ctx.waivers;
    if (waivers.length === 0) return out.pass(null, "no waivers declared");
    waivers.forEach((w, i) => {
      const problems = waiverProblems(w, ctx.now, KNOWN_IDS);
      const label = `waiver #${i + 1}${w && typeof w === "object" && "ruleId" in w ? ` (${String((w as { ruleId: unknown }).ruleId)} on ${String((w as { resource?: unknown }).resource ?? "?")})` : ""}`;
      if (problems.length) out.fail(null, `${label} ${problems.join(", ")}; it waives nothing`);
      else out.pass(null, `${label} is complete and valid until ${(w as { expires: string }).expires}`);
    });
  },
});

/** The WAIVE rules. */
export const waiverRules: Rule[] = [WAIVE_01];
