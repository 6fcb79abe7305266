/**
 * The audit report: what the offline preview's audit and `audit --from-export` hand to the renderers
 * (src/report/render.ts). Structurally compatible with the policy pack's runner output
 * (policy-pack/evaluate.ts `RuleResult`, `RULES`), so real results feed in without conversion.
 */

/** Verdict of one rule on one resource (or on the stack). */
export type ResultStatus = "pass" | "fail" | "waived" | "not-applicable";

/** CrossGuard enforcement level. */
export type EnforcementLevel = "advisory" | "mandatory" | "disabled";

/** One result of the policy pack's in-process runner (policy-pack/evaluate.ts). */
export interface RuleResult {
  /** Catalogue ID, e.g. `CC-BR-01` (shared/policy-catalogue.md). */
  ruleId: string;
  /** CrossGuard policy name, `<ID>-<slug>`. */
  policyName: string;
  status: ResultStatus;
  enforcementLevel: EnforcementLevel;
  /** The resource judged; null for a verdict on the stack as a whole. */
  resource: { urn: string; type: string; name: string } | null;
  /** Evidence; never holds a secret value. */
  message: string;
  /** The waiver that turned a failure into `waived`. */
  waiver?: { reason: string; owner: string; expires: string };
}

/** Rule metadata as the pack exports it (`RULES`); only the fields reports read. */
export interface RuleMeta {
  id: string;
  policyName: string;
  /** Catalogue section: BR, ENV, ART, RUN, OBS, FLAG, PAR, WAIVE. */
  section: string;
  title: string;
  description: string;
  /** Constitution source, e.g. `CONST "Branching & Flow"`. */
  source: string;
  remediation: string;
  enforcementLevel: "advisory" | "mandatory";
}

/** Counts of a report; `mandatoryFailures` are what fails a preview or an audit. */
export interface ReportSummary {
  /** Number of results. */
  total: number;
  pass: number;
  fail: number;
  waived: number;
  notApplicable: number;
  mandatoryFailures: number;
  advisoryFailures: number;
}

/** Where a result points in the repository: the stack file and the config key of the resource's app. */
export interface ResultLocation {
  /** Path relative to the repository root, e.g. `Pulumi.production.yaml`. */
  uri: string;
  /** 1-based line and column of the config key. */
  line: number;
  column: number;
  /** The config key, e.g. `cicd-constitution:apps[erp-berhan].reviewers`. */
  key: string;
}

/** The audit report every format renders. */
export interface AuditReport {
  schemaVersion: 1;
  /** `offline`: the preview under mocks or a plan file; `online`: a stack export or a real preview. */
  mode: "offline" | "online";
  stack: string;
  /** The stack file the results locate into, relative to the repository root. */
  stackFile?: string;
  policyPack: { name: string; version: string };
  summary: ReportSummary;
  results: RuleResult[];
  /** Metadata of every rule of the pack (sections, remediation, help). */
  rules: RuleMeta[];
  /** Location of each result (same index as `results`), or null where none is known. Not part of the JSON format. */
  locations?: Array<ResultLocation | null>;
}

/** Report formats of `--format`. */
export type ReportFormat = "table" | "json" | "markdown" | "sarif" | "junit";

/** Every report format, in the order the CLI lists them. */
export const REPORT_FORMATS: readonly ReportFormat[] = ["table", "json", "markdown", "sarif", "junit"];

/** Catalogue section titles (shared/policy-catalogue.md headings), for grouping. */
export const SECTION_TITLES: Readonly<Record<string, string>> = {
  BR: "BR: branching and pull requests",
  ENV: "ENV: GitHub Environments and secrets",
  ART: "ART: artifacts, build once, promote many",
  RUN: "RUN: runtimes",
  OBS: "OBS: observability and error budget",
  FLAG: "FLAG: feature flags",
  PAR: "PAR: staging/production parity",
  WAIVE: "WAIVE: waivers",
};

/** Section order of the catalogue. */
export const SECTION_ORDER = ["BR", "ENV", "ART", "RUN", "OBS", "FLAG", "PAR", "WAIVE"];
