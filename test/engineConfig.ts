/**
 * A stack file's config as the Pulumi engine hands it to the program (`PULUMI_CONFIG`: every value a string,
 * objects as JSON; `PULUMI_CONFIG_SECRET_KEYS`), with a distinctive value planted for every secret the stack needs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { StackPreview } from "../src/offline/preview";
import { ROOT } from "./helpers";

/** The config keys the engine marks secret: the ones whose values `pulumi config set --secret` stores. */
export const ENGINE_SECRET_KEYS = ["secrets", "ghcrToken", "ghcrPullToken", "gitSourceToken"].map(
  (k) => `cicd-constitution:${k}`,
);

/** The stack file's config as the engine hands it over, with a distinctive value for every required secret. */
export function engineConfig(preview: StackPreview): {
  config: Record<string, string>;
  secretValues: string[];
} {
  const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${preview.plan.stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.config)) config[k] = typeof v === "string" ? v : JSON.stringify(v);
  const secrets: Record<string, Record<string, string>> = {};
  const secretValues: string[] = [];
  for (const s of preview.requiredSecrets) {
    const value = `LANGHOST-${preview.plan.stack}-${s.path.replace(/[^A-Za-z0-9]/g, "-")}`;
    secretValues.push(value);
    if (s.app === null) config[`cicd-constitution:${s.name}`] = value;
    else (secrets[s.app] ??= {})[s.name] = value;
  }
  config["cicd-constitution:secrets"] = JSON.stringify(secrets);
  return { config, secretValues };
}
