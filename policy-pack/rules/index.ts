/**
 * Every rule of the pack, in catalogue order (shared/policy-catalogue.md). Side-effect free apart from
 * registering the catalogue IDs with the waiver validator.
 */
import type { Rule } from "../lib/rule";
import { artifactRules } from "./artifacts";
import { branchingRules } from "./branching";
import { environmentRules } from "./environments";
import { flagRules } from "./flags";
import { observabilityRules } from "./observability";
import { parityRules } from "./parity";
import { runtimeRules } from "./runtime";
import { runtimePlatformRules } from "./runtimePlatform";
import { runtimeMigrationRules } from "./runtimeMigrations";
import { waiverRules } from "./waivers";

/** All rules, catalogue order: BR, ENV, ART, RUN, OBS, FLAG, PAR, WAIVE. */
export const ALL_RULES: Rule[] = [
  ...branchingRules,
  ...environmentRules,
  ...artifactRules,
  ...runtimeRules,
  ...runtimePlatformRules,
  ...runtimeMigrationRules,
  ...observabilityRules,
  ...flagRules,
  ...parityRules,
  ...waiverRules,
];

/** Every rule's ID, catalogue order: what a waiver or an override may name. */
export const RULE_IDS: readonly string[] = Object.freeze(ALL_RULES.map((r) => r.meta.id));
