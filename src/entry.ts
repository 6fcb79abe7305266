/**
 * The Pulumi program as the engine runs it (`pulumi preview` / `pulumi up --stack staging|production`):
 * config the engine decrypted -> validated model -> components -> resources. `index.ts` only hands it the
 * engine's config; the offline preview (src/offline) runs the same `defineStack` under Pulumi's mocks.
 */
import { checkNoPlainCredentials } from "./config/credentials";
import { parseStackConfig } from "./config/model";
import { resolveSecrets } from "./config/secrets";
import { readRuntimeConfig } from "./config/sources";
import { defineStack, StackOutputs } from "./program";

/** The variable in which the engine's language host hands the program its secret config keys. */
export const SECRET_KEYS_VARIABLE = "PULUMI_CONFIG_SECRET_KEYS";

/**
 * The config keys the engine marked secret (`namespace:key`): the JSON list its language host hands the program
 * in `PULUMI_CONFIG_SECRET_KEYS`, which the SDK reads too but only through an internal function. Unset or empty: none.
 *
 * @throws Error naming the variable when it holds anything but a JSON list of strings.
 */
export function engineSecretKeys(env: NodeJS.ProcessEnv): Set<string> {
  const text = env[SECRET_KEYS_VARIABLE];
  if (!text) return new Set();
  let keys: unknown;
  try {
    keys = JSON.parse(text);
  } catch {
    keys = undefined;
  }
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string"))
    throw new Error(
      `${SECRET_KEYS_VARIABLE}: expected a JSON list of config keys, found ${JSON.stringify(text)}`,
    );
  return new Set(keys);
}

/**
 * Registers the stack's resources from the engine's config (`pulumi.runtime.allConfig()`, secrets decrypted) and
 * its environment (the secret keys).
 *
 * @returns the stack outputs other stacks and the commands read: the environment profile and each app's.
 * @throws ConfigError listing every problem before any resource is registered: credentials first, so a token
 *   pasted into an ordinary field is reported as one, never echoed by a schema error; then the schema, then
 *   each secret not set as a Pulumi secret.
 */
export async function runEngineProgram(
  stack: string,
  config: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Pick<StackOutputs, "environmentProfile" | "apps">> {
  const secretKeys = engineSecretKeys(env);
  const source = readRuntimeConfig(stack, config, (key) => secretKeys.has(key));
  await checkNoPlainCredentials(stack, source.raw, source.origin);
  const model = parseStackConfig(stack, source.raw, { secretKeys: source.secretKeys, source: source.origin });
  const { values } = resolveSecrets(model, source, "engine");
  const outputs = await defineStack(model, values);
  return { environmentProfile: outputs.environmentProfile, apps: outputs.apps };
}
