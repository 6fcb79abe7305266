/**
 * The audit report: what the offline preview's audit and `audit --from-export` hand to the renderers
 * (src/report/render.ts). Results and rule metadata are the policy pack's own types (policy-pack/evaluate.ts).
 */

export type {
  EnforcementLevel,
  EnforcementOverride,
  ResultStatus,
  RuleMeta,
  RuleResult,
} from "../../policy-pack/evaluate";
import type { EnforcementOverride, RuleMeta, RuleResult, Summary } from "../../policy-pack/evaluate";
import type { ScorecardBranchProtection } from "../../policy-pack/lib/scorecard";
export type { ScorecardBranchProtection } from "../../policy-pack/lib/scorecard";

/** An enforcement override in force, as every report lists it (CC-WAIVE-02). */
export type OverrideInForce = Pick<
  EnforcementOverride,
  "ruleId" | "from" | "to" | "reason" | "owner" | "expires"
> & {
  /** The app a pre-deploy gate is lifted for (`predeploy.overrides`); absent for a rule's enforcement override. */
  resource?: string;
};

/** Counts of a report: the pack's counts (`mandatoryFailures` fail a preview or an audit) and the total. */
export type ReportSummary = Summary & {
  /** Number of results. */
  total: number;
};

/** The JSON format of a report (schemaVersion 1); what `--format json` prints. */
export interface AuditReportJson {
  schemaVersion: 1;
  mode: "offline" | "online";
  stack: string;
  policyPack: { name: string; version: string };
  summary: ReportSummary;
  /** Enforcement overrides in force: each lowers a mandatory rule, with its reason, owner and expiry. */
  overrides: OverrideInForce[];
  /** OpenSSF Scorecard Branch-Protection score of each repository the stack governs (Scorecard's tier logic). */
  scorecard: ScorecardBranchProtection[];
  results: Array<Pick<RuleResult, "ruleId" | "status" | "enforcementLevel" | "resource" | "message">>;
}

/** The JSON format of several stacks' reports (`--stack all`): each stack's {@link AuditReportJson} by name. */
export interface AuditReportsJson {
  schemaVersion: 1;
  /** Stack name -> that stack's report, in the order the stacks were audited. */
  stacks: Record<string, AuditReportJson>;
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
  /** Enforcement overrides in force (CC-WAIVE-02): listed by every format. */
  overrides: OverrideInForce[];
  /** Scorecard Branch-Protection score per governed repository, with what the next tier needs: every format. */
  scorecard: ScorecardBranchProtection[];
  /** Metadata of every rule of the pack (sections, remediation, help). */
  rules: RuleMeta[];
  /** Location of each result (same index as `results`), or null where none is known. Not part of the JSON format. */
  locations?: Array<ResultLocation | null>;
}

/**
 * Every report format of `--format`, in the order the CLI lists them. A format added here must be rendered
 * (src/report/render.ts `renderReport`, and `renderReports` for several stacks) and given an extension
 * (src/report/command.ts `EXTENSIONS`): each switches exhaustively on {@link ReportFormat}, so tsc fails until it is.
 */
export const REPORT_FORMATS = ["table", "json", "markdown", "sarif", "junit"] as const;

/** Report formats of `--format`. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

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
