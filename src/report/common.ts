/** What every report format shares: the mode and counts in words, and results in catalogue order. */
import { AuditReport, RuleMeta, RuleResult, SECTION_ORDER } from "./types";

/** `offline` / `online` in words, for headers. */
export function modeText(r: AuditReport): string {
  return r.mode === "offline"
    ? "OFFLINE (plan under Pulumi mocks: desired state only)"
    : "ONLINE (state or preview from the Pulumi engine)";
}

/** The counts line, e.g. `412 results: 400 pass, 3 fail (2 mandatory, 1 advisory), 1 waived, 8 not applicable`. */
export function countsLine(r: AuditReport): string {
  const s = r.summary;
  return (
    `${s.total} results: ${s.pass} pass, ${s.fail} fail (${s.mandatoryFailures} mandatory, ` +
    `${s.advisoryFailures} advisory), ${s.waived} waived, ${s.notApplicable} not applicable`
  );
}

/** One override in force as a line: `CC-X-01 mandatory -> advisory by OWNER until DATE: REASON`. */
export function overrideLine(o: AuditReport["overrides"][number]): string {
  const what = o.resource ? `${o.ruleId} lifted for ${o.resource}` : `${o.ruleId} ${o.from} -> ${o.to}`;
  return `${what} by ${o.owner} until ${o.expires}: ${o.reason}`;
}

export function metaOf(r: AuditReport): Map<string, RuleMeta> {
  return new Map(r.rules.map((m) => [m.id, m]));
}

export function sectionOf(meta: Map<string, RuleMeta>, ruleId: string): string {
  return meta.get(ruleId)?.section ?? /^CC-([A-Z]+)-/.exec(ruleId)?.[1] ?? "OTHER";
}

/** Sections present in the report, catalogue order first. */
export function sections(r: AuditReport, meta: Map<string, RuleMeta>): string[] {
  const present = new Set(r.results.map((x) => sectionOf(meta, x.ruleId)));
  return [
    ...SECTION_ORDER.filter((s) => present.has(s)),
    ...[...present].filter((s) => !SECTION_ORDER.includes(s)),
  ];
}

export function resourceText(x: RuleResult): string {
  return x.resource ? x.resource.name : "(stack)";
}

export const ORDER: Record<RuleResult["status"], number> = {
  fail: 0,
  waived: 1,
  "not-applicable": 2,
  pass: 3,
};

/** The catalogue as shipped: one table row per rule, each with an `id` anchor (`#cc-br-01`). */
export const CATALOGUE_PATH = "policy-pack/README.md";

/**
 * The catalogue URL on GitHub: from the Actions environment (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`,
 * `GITHUB_SHA`) when set, else the project's repository on `main`.
 */
export function defaultCatalogueUrl(env: NodeJS.ProcessEnv = process.env): string {
  const server = env.GITHUB_SERVER_URL || "https://github.com";
  const repo = env.GITHUB_REPOSITORY || "surlefeu/cicd-constitution";
  return `${server}/${repo}/blob/${env.GITHUB_SHA || "main"}/${CATALOGUE_PATH}`;
}
