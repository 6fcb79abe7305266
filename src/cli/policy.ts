/**
 * Runs the policy pack on a previewed stack: the stack's `cicd-constitution:policy` section becomes the pack
 * config (enforcement levels, settings, waivers), exactly as `policy-config` writes it for a real
 * `pulumi preview --policy-pack-config`.
 */
import {
  evaluate,
  PolicyConfigError,
  resolvePackConfig,
  RuleResult,
  summarize,
  Summary,
} from "../../policy-pack/evaluate";
import * as path from "node:path";
import { ConfigError, parseStackConfig } from "../config/model";
import { readStackFile } from "../config/sources";
import { StackPreview } from "../offline/preview";

/** Verdicts of the pack on one stack. */
export interface StackAudit {
  stack: string;
  results: RuleResult[];
  summary: Summary;
}

/**
 * The pack config of a stack, from its `policy` section.
 *
 * @throws ConfigError naming `cicd-constitution:policy` when the pack rejects the section (unknown rule ID,
 *   setting or level).
 */
export function packConfigOf(preview: Pick<StackPreview, "model" | "source">) {
  try {
    return resolvePackConfig(preview.model.policy);
  } catch (err) {
    if (err instanceof PolicyConfigError) {
      throw new ConfigError(
        preview.source.stack,
        [
          {
            key: "cicd-constitution:policy",
            expected: "a policy section the pack accepts",
            found: err.message,
          },
        ],
        preview.source.origin,
      );
    }
    throw err;
  }
}

/** Evaluates the pack on the preview's resources (unmasked, as the engine hands them to policies). */
export function auditPreview(preview: StackPreview, now?: Date): StackAudit {
  const results = evaluate(preview.resources, {
    stack: preview.plan.stack,
    config: packConfigOf(preview),
    now,
  });
  return { stack: preview.plan.stack, results, summary: summarize(results) };
}

/**
 * `cicd policy-config --stack NAME`: prints the pack config of a stack as JSON, for
 * `pulumi preview --policy-pack policy-pack --policy-pack-config FILE` (the same object the offline preview uses).
 * Returns the exit code: 0, or 2 on invalid config.
 */
export function runPolicyConfig(opts: { stack: string; dir: string }): number {
  try {
    const source = readStackFile(path.join(opts.dir, `Pulumi.${opts.stack}.yaml`));
    const model = parseStackConfig(source.stack, source.raw, {
      secretKeys: source.secretKeys,
      source: source.origin,
    });
    console.log(JSON.stringify(packConfigOf({ model, source }), null, 2));
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
}
