/**
 * The security severity of each catalogue rule, as SARIF's `properties["security-severity"]` (a number 0.0 to 10.0
 * written as a string) that GitHub code scanning reads from a rule to rank its alerts: over 9.0 critical, 7.0 to 8.9
 * high, 4.0 to 6.9 medium, 0.1 to 3.9 low. This module is the one place the score is decided.
 *
 * The score is the rule's enforcement level (as the stack runs it) crossed with the risk tier of its catalogue section:
 *
 * - guard (BR, ENV: who may change `main`, who holds a deploy key; isolation, OIDC identity, secrets):
 *   mandatory 9.5 (critical), advisory 6.5 (medium);
 * - supply (ART, RUN, PAR, WAIVE and any section not listed: what runs and how it got there; provenance, digests,
 *   runtime hardening, parity, waivers): mandatory 8.0 (high), advisory 5.0 (medium);
 * - operate (OBS, FLAG: seeing and steering a release; alarms, dashboards, flags): mandatory 6.0 (medium),
 *   advisory 3.0 (low).
 *
 * A disabled rule is 1.0 (low) in every tier: it raises no alert, and a value inside GitHub's scale keeps the rule
 * list uniform.
 */
import type { EnforcementLevel } from "./types";

/** GitHub code scanning's severity bands of a `security-severity` score. */
export type SeverityBand = "critical" | "high" | "medium" | "low" | "none";

/** The risk tier of a catalogue section (see the module's table). */
export type SeverityTier = "guard" | "supply" | "operate";

/** Section -> tier; a section not listed is `supply`. */
export const SECTION_TIERS: Readonly<Record<string, SeverityTier>> = {
  BR: "guard",
  ENV: "guard",
  ART: "supply",
  RUN: "supply",
  PAR: "supply",
  WAIVE: "supply",
  OBS: "operate",
  FLAG: "operate",
};

/** Tier x enforcement level -> score (0.0 to 10.0). */
export const SEVERITY_SCORES: Readonly<Record<SeverityTier, Readonly<Record<EnforcementLevel, number>>>> = {
  guard: { mandatory: 9.5, advisory: 6.5, disabled: 1.0 },
  supply: { mandatory: 8.0, advisory: 5.0, disabled: 1.0 },
  operate: { mandatory: 6.0, advisory: 3.0, disabled: 1.0 },
};

/**
 * The `security-severity` of a rule: its section's tier ({@link SECTION_TIERS}, `supply` for a section not listed)
 * and its enforcement level looked up in {@link SEVERITY_SCORES}, written with one decimal (`"9.5"`).
 *
 * @param level the rule's enforcement level as the stack runs it.
 * @param section the rule's catalogue section, e.g. `ENV`.
 */
export function securitySeverity(level: EnforcementLevel, section: string): string {
  const tier = Object.hasOwn(SECTION_TIERS, section) ? SECTION_TIERS[section] : "supply";
  return SEVERITY_SCORES[tier][level].toFixed(1);
}

/**
 * The band GitHub code scanning shows for a `security-severity` score: over 9.0 critical, 7.0 to 9.0 high, 4.0 to
 * 6.9 medium, 0.1 to 3.9 low, 0.0 none.
 *
 * @throws RangeError when `score` is not a number from 0.0 to 10.0.
 */
export function severityBand(score: string): SeverityBand {
  const n = Number(score);
  if (!/^\d+(\.\d+)?$/.test(score) || n > 10)
    throw new RangeError(`security-severity ${score} is not 0.0 to 10.0`);
  if (n > 9) return "critical";
  if (n >= 7) return "high";
  if (n >= 4) return "medium";
  if (n > 0) return "low";
  return "none";
}
