/**
 * FLAG: feature flags (AWS AppConfig `AWS.AppConfig.FeatureFlags` documents). Source: CONST "Feature Flags & Rollout".
 * Catalogue: shared/policy-catalogue.md "FLAG".
 */
import { get, parseJsonProp, str } from "../lib/props";
import { defineRule, Res, Rule } from "../lib/rule";
import { T } from "../lib/tokens";
import { dayOf, parseDay } from "../lib/waivers";
import { stackEnvironments } from "./artifacts";
import { PRODUCTION_ENV } from "./environments";

/** One flag of a feature-flags document: its definition key and this environment's value entry. */
export interface FlagEntry {
  key: string;
  value: Record<string, unknown>;
}

/**
 * Flags of a hosted configuration version; undefined when the content is not a feature-flags document.
 *
 * @throws HiddenSecretError when the content is `[secret]` (plans hide it: the AWS provider marks `content` secret).
 */
export function flagsOf(r: Res): FlagEntry[] | undefined {
  const doc = parseJsonProp(r.props, "content");
  const flags = get(doc, "flags");
  if (!flags || typeof flags !== "object") return undefined;
  const values = (get(doc, "values") ?? {}) as Record<string, unknown>;
  return Object.keys(flags).map((key) => ({ key, value: (values[key] ?? {}) as Record<string, unknown> }));
}

export const FLAG_01 = defineRule({
  id: "CC-FLAG-01",
  slug: "flag-metadata",
  section: "FLAG",
  title: "every flag has an owner, a default and a planned removal date",
  description:
    "Every feature flag's value entry names an owner, a boolean default and a removal date (YYYY-MM-DD).",
  source: 'CONST "Feature Flags & Rollout"',
  remediation:
    "Give each flag owner, default (true/false) and removalDate (YYYY-MM-DD) in the app's flags config.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.hostedConfig],
  checkResource(r, _ctx, out) {
    const flags = flagsOf(r);
    if (!flags) return out.na(r, "not a feature-flags document");
    const problems = flags.flatMap((f) => {
      const missing = [
        ...(str(f.value.owner) ? [] : ["owner"]),
        ...(typeof f.value.default === "boolean" ? [] : ["default"]),
        ...(parseDay(str(f.value.removalDate) ?? "") !== undefined ? [] : ["removalDate"]),
      ];
      return missing.length ? [`${f.key} lacks ${missing.join(", ")}`] : [];
    });
    if (problems.length) out.fail(r, problems.join("; "));
    else out.pass(r, `${flags.length} flag(s) with owner, default and removal date`);
  },
});

export const FLAG_02 = defineRule({
  id: "CC-FLAG-02",
  slug: "flag-not-expired",
  section: "FLAG",
  title: "no flag is past its removal date",
  description: "No feature flag is past its planned removal date.",
  source: 'CONST "Feature Flags & Rollout"',
  remediation: "Remove the flag (and its code path), or move its removalDate with the owner's agreement.",
  enforcementLevel: "advisory",
  kind: "resource",
  appliesTo: [T.hostedConfig],
  checkResource(r, ctx, out) {
    const flags = flagsOf(r);
    if (!flags) return out.na(r, "not a feature-flags document");
    const today = dayOf(ctx.now);
    const late = flags.filter((f) => {
      const d = parseDay(str(f.value.removalDate) ?? "");
      return d !== undefined && d < today;
    });
    if (late.length)
      out.fail(r, late.map((f) => `${f.key} was due for removal on ${f.value.removalDate}`).join("; "));
    else
      out.pass(
        r,
        `no flag past its removal date (${flags.map((f) => `${f.key}: ${str(f.value.removalDate) ?? "?"}`).join(", ")})`,
      );
  },
});

export const FLAG_03 = defineRule({
  id: "CC-FLAG-03",
  slug: "production-flags-off",
  section: "FLAG",
  title: "in production every flag defaults to OFF, unless enabled for a named cohort",
  description:
    "In a production stack every flag defaults to off, and a flag that is on names the cohort it is on for.",
  source: 'CONST "Feature Flags & Rollout"; OPS "Rollout Strategies"',
  remediation:
    "Set default: false for the flag in production, and give value.cohort when it is enabled there.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.hostedConfig],
  configurable: { ...PRODUCTION_ENV },
  checkStack(resources, ctx, out) {
    const prodEnv = String(ctx.cfg.productionEnvironment);
    if (!stackEnvironments(resources).has(prodEnv)) return out.na(null, `not a ${prodEnv} stack`);
    for (const r of resources.filter((x) => x.type === T.hostedConfig)) {
      out.guard(r, () => {
        const flags = flagsOf(r);
        if (!flags) return out.na(r, "not a feature-flags document");
        const bad = flags.filter(
          (f) => (f.value.default === true || f.value.enabled === true) && !str(f.value.cohort),
        );
        if (bad.length)
          out.fail(
            r,
            bad
              .map(
                (f) =>
                  `${f.key} is on in ${prodEnv} (default ${f.value.default}, enabled ${f.value.enabled}) without a cohort`,
              )
              .join("; "),
          );
        else
          out.pass(
            r,
            `flags off by default${flags.some((f) => f.value.enabled === true) ? ", on only for named cohorts" : ""}`,
          );
      });
    }
  },
});

/** The FLAG rules, in catalogue order. */
export const flagRules: Rule[] = [FLAG_01, FLAG_02, FLAG_03];
