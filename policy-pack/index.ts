/**
 * The CrossGuard policy pack `cicd-constitution`: every rule of shared/policy-catalogue.md as a policy.
 * Run it with `pulumi preview --policy-pack policy-pack --policy-pack-config policy-config.json` (README.md).
 * This file only constructs the pack; the rules live in side-effect-free modules (rules/, lib/).
 */
import * as path from "node:path";
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME } from "./catalogue";
import { toPolicy } from "./lib/rule";
import { ALL_RULES, RULE_IDS } from "./rules";
import { assertFreshBuild } from "./lib/build";

// Compiled (bin/index.js, package.json `main`, what the engine loads): refuse to run older than the sources.
if (__filename.endsWith(".js")) assertFreshBuild(path.resolve(__dirname, ".."), __dirname);

new PolicyPack(POLICY_PACK_NAME, {
  description:
    "The CI/CD constitution as policies: branching, environments, artifacts, runtimes, observability, flags, parity, waivers.",
  policies: ALL_RULES.map((r) => toPolicy(r, RULE_IDS)),
});
