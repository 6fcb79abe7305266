/**
 * Entry point under the Pulumi engine (`pulumi preview` / `pulumi up --stack staging|production`).
 * config (engine) -> validated model -> components -> resources; the offline preview (src/offline) runs the
 * same `defineStack` under Pulumi's mock runtime instead.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./src/config/model";
import { checkNoPlainCredentials } from "./src/config/credentials";
import { resolveSecrets } from "./src/config/secrets";
import { readRuntimeConfig } from "./src/config/sources";
import { defineStack } from "./src/program";
import { assertFreshBuild } from "./policy-pack/lib/build";

// Compiled (bin/index.js, what Pulumi.yaml runs): refuse to run older than the sources.
if (__filename.endsWith(".js")) assertFreshBuild(path.resolve(__dirname, ".."), __dirname);

/**
 * Whether the engine marked a config key secret. The SDK keeps `isConfigSecret` internal, so this reads the
 * same list the engine hands the program (`PULUMI_CONFIG_SECRET_KEYS`).
 */
function isConfigSecret(key: string): boolean {
  const internal = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  if (internal) return internal(key);
  try {
    return (JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]") as string[]).includes(key);
  } catch {
    return false;
  }
}

export = async () => {
  const stack = pulumi.getStack();
  const source = readRuntimeConfig(stack, pulumi.runtime.allConfig(), isConfigSecret);
  // Both throw a ConfigError listing every problem before any resource is registered; credentials first, so a
  // token pasted into an ordinary field is reported as one, never echoed by a schema error.
  await checkNoPlainCredentials(stack, source.raw, source.origin);
  const model = parseStackConfig(stack, source.raw, { secretKeys: source.secretKeys, source: source.origin });
  const { values } = resolveSecrets(model, source, "engine");
  const outputs = await defineStack(model, values);
  return { environmentProfile: outputs.environmentProfile, apps: outputs.apps };
};
