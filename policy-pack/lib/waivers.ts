/**
 * Waivers (CC-WAIVE-01): a declared, owned, dated exception that turns one rule's failure on matching
 * resources into `waived`. Source: shared/policy-catalogue.md "WAIVE"; shared/style.md "Policies".
 */
import { globMatch } from "./props";
import type { Waiver } from "./types";

/** Minimum length of a waiver's reason, characters. */
export const MIN_REASON_LENGTH = 10;

/**
 * The longest a waiver (or an enforcement override) may run, days after today: an exception is reviewed at least
 * once a quarter, never granted for ever (`expires: 9999-12-31` would be a silent disable).
 */
export const MAX_WAIVER_DAYS = 90;

/** A waiver that passed validation. */
export interface ValidWaiver {
  ruleId: string;
  resource: string;
  reason: string;
  owner: string;
  expires: string;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** UTC midnight of a `YYYY-MM-DD` date, or undefined when it is not a real calendar date. */
export function parseDay(s: string): number | undefined {
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls over (2026-02-30 is 2026-03-02) and maps years 0-99 to 1900-1999: a real date reads back as itself.
  return new Date(t).toISOString().slice(0, 10) === s ? t : undefined;
}

/** UTC midnight of the day `now` falls on. */
export function dayOf(now: Date): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}

/**
 * Problems of one waiver (empty when valid). A waiver expires at the end of its `expires` day (UTC).
 *
 * @param knownIds Catalogue IDs a waiver may name (CC-WAIVE-01 itself cannot be waived).
 */
export function waiverProblems(w: unknown, now: Date, knownIds: readonly string[]): string[] {
  if (!w || typeof w !== "object" || Array.isArray(w)) return ["is not an object"];
  const v = w as Waiver;
  const problems: string[] = [];
  const text = (x: unknown) => (typeof x === "string" ? x.trim() : "");
  if (!text(v.ruleId)) problems.push("names no rule (ruleId)");
  else if (text(v.ruleId) === "CC-WAIVE-01") problems.push("waives CC-WAIVE-01, which cannot be waived");
  else if (!knownIds.includes(text(v.ruleId)))
    problems.push(`names an unknown rule ${JSON.stringify(v.ruleId)}`);
  if (!text(v.resource)) problems.push("names no resource (resource)");
  if (text(v.reason).length < MIN_REASON_LENGTH)
    problems.push(`has no reason of at least ${MIN_REASON_LENGTH} characters (reason)`);
  if (!text(v.owner)) problems.push("names no owner (owner)");
  const expires = text(v.expires);
  if (!expires) problems.push("has no expiry date (expires)");
  else {
    const day = parseDay(expires);
    if (day === undefined)
      problems.push(`has an expiry that is not a YYYY-MM-DD date (${JSON.stringify(expires)})`);
    else if (day < dayOf(now)) problems.push(`expired on ${expires}`);
    else if (day > dayOf(now) + MAX_WAIVER_DAYS * 86_400_000)
      problems.push(
        `expires on ${expires}, more than ${MAX_WAIVER_DAYS} days after today: review it within a quarter`,
      );
  }
  return problems;
}

/** The waivers of a list that are valid at `now`. */
export function validWaivers(list: unknown, now: Date, knownIds: readonly string[]): ValidWaiver[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter((w) => waiverProblems(w, now, knownIds).length === 0)
    .map((w) => {
      const v = w as Record<string, string>;
      return {
        ruleId: v.ruleId.trim(),
        resource: v.resource.trim(),
        reason: v.reason.trim(),
        owner: v.owner.trim(),
        expires: v.expires.trim(),
      };
    });
}

/**
 * The first valid waiver of `ruleId` that matches the resource (by name or URN, glob) or, for a verdict on the
 * whole stack (`resource` null), the stack name or `*`.
 */
export function findWaiver(
  waivers: ValidWaiver[],
  ruleId: string,
  resource: { urn: string; name: string } | null,
  stack: string,
): ValidWaiver | undefined {
  return waivers.find((w) => {
    if (w.ruleId !== ruleId) return false;
    if (!resource) return globMatch(w.resource, stack); // `*` matches any stack name, even the empty one
    return globMatch(w.resource, resource.name) || globMatch(w.resource, resource.urn);
  });
}
