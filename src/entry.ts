/**
 * The Pulumi program as the engine runs it (`pulumi preview` / `pulumi up --stack staging|production`):
 * config the engine decrypted -> validated model -> components -> resources. `index.ts` only hands it the
 * engine's runtime; the offline preview (src/offline) runs the same `defineStack` under Pulumi's mocks.
 */
import { checkNoPlainCredentials } from "./config/credentials";
import { parseStackConfig } from "./config/model";
import { resolveSecrets } from "./config/secrets";
import { readRuntimeConfig } from "./config/sources";
import { defineStack, StackOutputs } from "./program";

/** What the program reads of `pulumi.runtime`. */
export interface EngineRuntime {
  /** Every config value as the engine handed it over (`namespace:key` -> string, secrets decrypted). */
  allConfig(): Record<string, string>;
  /** Whether the engine marked a key secret; internal to the SDK, so possibly absent. */
  isConfigSecret?: (key: string) => boolean;
}

/**
 * Whether the engine marked a config key secret: the SDK's `isConfigSecret` where it has one, else the list the
 * engine hands the program in `PULUMI_CONFIG_SECRET_KEYS` (a JSON array of `namespace:key`); an unreadable list
 * marks nothing secret, which the secret checks then refuse as plain text.
 */
export function engineSecretTest(runtime: EngineRuntime, env: NodeJS.ProcessEnv): (key: string) => boolean {
  if (runtime.isConfigSecret) return runtime.isConfigSecret;
  let keys: unknown;
  try {
    keys = JSON.parse(env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
  } catch {
    keys = [];
  }
  const secret = new Set(Array.isArray(keys) ? keys : []);
  return (key) => secret.has(key);
}

/**
 * Registers the stack's resources from the engine's config.
 *
 * @returns the stack outputs other stacks and the commands read: the environment profile and each app's.
 * @throws ConfigError listing every problem before any resource is registered: credentials first, so a token
 *   pasted into an ordinary field is reported as one, never echoed by a schema error; then the schema, then
 *   each secret not set as a Pulumi secret.
 */
export async function runEngineProgram(
  stack: string,
  runtime: EngineRuntime,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Pick<StackOutputs, "environmentProfile" | "apps">> {
  const source = readRuntimeConfig(stack, runtime.allConfig(), engineSecretTest(runtime, env));
  await checkNoPlainCredentials(stack, source.raw, source.origin);
  const model = parseStackConfig(stack, source.raw, { secretKeys: source.secretKeys, source: source.origin });
  const { values } = resolveSecrets(model, source, "engine");
  const outputs = await defineStack(model, values);
  return { environmentProfile: outputs.environmentProfile, apps: outputs.apps };
}
