/**
 * The catalogue as shipped: metadata of every rule (ID, policy name, section, title, description, source,
 * remediation, default level, configurable settings), for the CLI, reports and README. Side-effect free.
 */
import type { RuleMeta } from "./lib/types";
import { ALL_RULES } from "./rules";

/** Name of the policy pack (PulumiPolicy.yaml directory, `new PolicyPack(...)`). */
export const POLICY_PACK_NAME = "cicd-constitution";
/** Version of the policy pack (policy-pack/package.json). */
export const POLICY_PACK_VERSION = "0.1.0";

/** Every rule's metadata, in catalogue order. */
export const RULES: RuleMeta[] = ALL_RULES.map((r) => r.meta);

/** Metadata of a rule by catalogue ID or policy name; undefined when unknown. */
export function ruleById(idOrPolicyName: string): RuleMeta | undefined {
  return RULES.find((r) => r.id === idOrPolicyName || r.policyName === idOrPolicyName);
}

export type { RuleMeta } from "./lib/types";
