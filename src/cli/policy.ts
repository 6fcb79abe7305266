/** `cicd policy-config`: the pack config of a stack, printed for a real `pulumi preview --policy-pack-config`. */
import * as path from "node:path";
import { ConfigError, parseStackConfig } from "../config/model";
import { checkNoPlainCredentials } from "../config/credentials";
import { readStackFile } from "../config/sources";
import { packConfigOf } from "../audit/policy";

/**
 * `cicd policy-config --stack NAME`: prints the pack config of a stack as JSON, for
 * `pulumi preview --policy-pack policy-pack --policy-pack-config FILE` (the same object the offline preview uses).
 * Returns the exit code: 0, or 2 on invalid config.
 */
export async function runPolicyConfig(opts: { stack: string; dir: string }): Promise<number> {
  try {
    const source = readStackFile(path.join(opts.dir, `Pulumi.${opts.stack}.yaml`));
    // Credentials first: a token pasted into an ordinary field is reported as one, never echoed by a schema error.
    await checkNoPlainCredentials(source.stack, source.raw, source.origin);
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
