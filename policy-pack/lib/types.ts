/**
 * Shared types of the policy pack: rule metadata (the catalogue as shipped), resources as policies see them,
 * and the results of the in-process runner. Type-only module: no runtime dependency.
 */

/** Enforcement level of a rule (Pulumi CrossGuard levels; "remediate" is not used by this pack). */
export type EnforcementLevel = "advisory" | "mandatory" | "disabled";

/** Catalogue sections, one rules file each (shared/policy-catalogue.md). */
export type Section = "BR" | "ENV" | "ART" | "RUN" | "OBS" | "FLAG" | "PAR" | "WAIVE";

/** JSON schema of one config property (the subset CrossGuard's `configSchema` accepts). */
export interface ConfigProperty {
  type: "string" | "number" | "integer" | "boolean" | "array" | "object";
  description: string;
  default?: unknown;
  items?: Record<string, unknown>;
  additionalProperties?: unknown;
  minimum?: number;
  maximum?: number;
  /** For a string: the pattern it must match (JSON Schema `pattern`, ECMA syntax). */
  pattern?: string;
  /**
   * Which way a value tightens a mandatory rule, compared with `default` (policy-pack/lib/config.ts refuses a value
   * that loosens it): `higher` or `lower` numbers; a `superset` or `subset` of the default list (for an object of
   * lists, per key); `fixed`, a name the rule must not be pointed away from (environments, this repository); `free`,
   * a value that says what to check rather than how strictly (an app's own health path), documented in its
   * description. Required on every setting of a mandatory rule (test/policy/settings-tighten.test.ts).
   */
  tightens?: "higher" | "lower" | "superset" | "subset" | "fixed" | "free";
}

/**
 * Metadata of one catalogue rule, exported as `RULES` for the CLI and reports.
 * Source of every field: shared/policy-catalogue.md and the constitution section it cites.
 */
export interface RuleMeta {
  /** Stable catalogue ID, e.g. `CC-BR-01`; never reused. */
  id: string;
  /** CrossGuard policy name: `<ID>-<slug>`. */
  policyName: string;
  section: Section;
  /** The rule as the catalogue words it (short). */
  title: string;
  /** One sentence: what the policy checks. */
  description: string;
  /** Constitution source, by short name (docs/CONSTITUTION.md) and section. */
  source: string;
  /** What to change when the rule fails. */
  remediation: string;
  /** Default enforcement level (catalogue "level"). */
  enforcementLevel: Exclude<EnforcementLevel, "disabled">;
  /** "resource": one verdict per resource of `appliesTo`; "stack": one policy over the whole stack. */
  kind: "resource" | "stack";
  /** Resource types a resource rule reads (stack rules: the types they look at). */
  appliesTo: string[];
  /** Settings the catalogue calls "configurable" (JSON schema properties with defaults); absent otherwise. */
  configurable?: Record<string, ConfigProperty>;
  /**
   * The keys of an app's entry in the stack file (`cicd-constitution:apps[]`, src/config/appSchema.ts) that set what
   * the rule judges, as dotted paths, most specific first: `["runtime.health", "runtime"]`. A report locates a
   * result on an app's resource at the first of them the app's entry has, else at the entry itself (SARIF, the
   * Markdown comment); a result on this repository's own governance at the first of them its `infrastructure`
   * entry has, else at that entry. Required, so that a new rule says where its findings are fixed: `[]` for a rule
   * no app key sets (stack-wide settings, waivers, what the components derive on their own); a result is then
   * located at the entry. test/policy/config-keys.test.ts checks every key against the config model's app schema
   * (the `infrastructure` entry shares the repository keys, `repository`, `requiredChecks`, `reviewers`).
   */
  configKeys: readonly string[];
}

/** One resource as the in-process runner takes it (a plan record, an export's state, a preview step). */
export interface PolicyResourceInput {
  urn: string;
  type: string;
  name: string;
  /** Inputs (plans, previews) or state (exports). Secrets are `"[secret]"`, unknowns `"[unknown]"`. */
  props: Record<string, unknown>;
  /** Parent URN, when known. */
  parent?: string | null;
}

/** Verdict of one rule on one resource (or on the stack). */
export type ResultStatus = "pass" | "fail" | "waived" | "not-applicable";

/** One result of the in-process runner. */
export interface RuleResult {
  ruleId: string;
  policyName: string;
  status: ResultStatus;
  /** Effective level (default or config). */
  enforcementLevel: EnforcementLevel;
  /** The resource judged; null for a verdict on the stack as a whole. */
  resource: { urn: string; type: string; name: string } | null;
  /** Evidence: why it passed, failed, was waived or did not apply. Never holds a secret value. */
  message: string;
  /** The waiver that turned a failure into `waived`. */
  waiver?: { reason: string; owner: string; expires: string };
}

/** A waiver as declared in stack config (`cicd-constitution:policy.waivers[]`), validated by CC-WAIVE-01. */
export interface Waiver {
  /** Catalogue ID, e.g. `CC-BR-07`. */
  ruleId?: unknown;
  /** Resource name, URN, or a glob over either (`*` matches any run of characters). */
  resource?: unknown;
  /** Why; at least 10 characters. */
  reason?: unknown;
  /** Who answers for it. */
  owner?: unknown;
  /** Expiry date, `YYYY-MM-DD` (the waiver is valid through that day, UTC). */
  expires?: unknown;
}

/** Config of one policy: CrossGuard's shape (level plus settings), plus the waivers of its rule. */
export type PolicyConfig = { enforcementLevel?: EnforcementLevel; waivers?: Waiver[] } & Record<
  string,
  unknown
>;

/** Config of the pack: by policy name (`CC-BR-01-default-branch-protected`), as `--policy-pack-config` takes it. */
export type PackConfig = Record<string, PolicyConfig>;
