/**
 * The offline preview: runs the real program (`defineStack`) under Pulumi's mock runtime with a stack file's
 * config and records the desired state as a plan. No Pulumi CLI, no provider plugin, no cloud call: computed
 * values (ARNs, ids, digests) are simulated by src/offline/mocks.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { parseStackConfig, StackModel } from "../config/model";
import { RequiredSecret, resolveSecrets } from "../config/secrets";
import { ConfigSource, readStackFile } from "../config/sources";
import { Plan, PLAN_SCHEMA_VERSION } from "../plan/types";
import { defineStack } from "../program";
import { createMocks } from "./mocks";
import { maskWireValue, RecordingMonitor } from "./recorder";

/** Result of previewing one stack. */
export interface StackPreview {
  plan: Plan;
  model: StackModel;
  source: ConfigSource;
  /** Secrets `pulumi up` will need, and whether the stack file holds them. */
  requiredSecrets: RequiredSecret[];
  /**
   * The resources with unmasked properties, as the engine hands them to policies (secrets unwrapped).
   * In memory only: never written or printed.
   */
  resources: Array<{
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    props: Record<string, unknown>;
  }>;
  /** Every secret value the program used, for redaction of any text that leaves the process. */
  secretValues: Set<string>;
  /** Wall time of the program run, milliseconds. */
  millis: number;
}

/** Options of {@link previewStack}. */
export interface PreviewOptions {
  /** Outputs of other stacks, by fully qualified name, for StackReferences (production reads staging). */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** "Today" for date checks. Default: now. */
  today?: Date;
}

/** Reads the project name from `Pulumi.yaml` next to the stack file. Default `cicd-constitution`. */
export function projectName(dir: string): string {
  try {
    const doc = parseYaml(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as { name?: string };
    return doc?.name ?? "cicd-constitution";
  } catch {
    return "cicd-constitution";
  }
}

function settle<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

async function resolveDeep(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) return resolveDeep(await settle(value as pulumi.Output<unknown>));
  if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
  if (value && typeof value === "object") {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/**
 * Makes `monitor` the runtime's resource monitor, with the features `pulumi.runtime.setMocks` turns on
 * (secrets and resource references on the wire, as the engine negotiates them). `setMockOptions` resets the
 * runtime's store, so the features are set after it.
 */
function installMonitor(monitor: RecordingMonitor, project: string, stack: string): void {
  pulumi.runtime.setMockOptions(monitor, project, stack, false);
  const store = require("@pulumi/pulumi/runtime/state").getStore() as Record<string, boolean>;
  Object.assign(store, {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
  });
}

/** Waits until every registration the program started has been answered. */
async function drain(): Promise<void> {
  // `waitForRPCs` is what `pulumi.runtime.disconnect` awaits; it is exported but marked internal.
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
  if (settings.waitForRPCs) await settings.waitForRPCs();
}

/**
 * Previews one stack file offline.
 *
 * @param stackFile Path to `Pulumi.<stack>.yaml`.
 * @throws ConfigError for invalid config (nothing is registered), PromotionError when production cannot
 *   resolve what to promote, or the component's own Error for conflicting arguments.
 */
export async function previewStack(stackFile: string, options: PreviewOptions = {}): Promise<StackPreview> {
  const started = Date.now();
  const source = readStackFile(stackFile);
  const model = parseStackConfig(source.stack, source.raw, {
    secretKeys: source.secretKeys,
    source: source.origin,
    today: options.today,
  });
  const { values, required } = resolveSecrets(model, source, "offline");
  const project = projectName(path.dirname(stackFile));

  const mocks = createMocks({ region: model.awsRegion, stackOutputs: options.stackOutputs });
  const monitor = new RecordingMonitor(mocks);
  installMonitor(monitor, project, source.stack);
  pulumi.runtime.setAllConfig({ "aws:region": model.awsRegion }, []);
  const outputs = await defineStack(model, values);
  const resolved = (await resolveDeep({
    environmentProfile: outputs.environmentProfile,
    apps: outputs.apps,
  })) as Record<string, unknown>;
  await drain();

  const plan: Plan = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    project,
    stack: source.stack,
    mode: "offline",
    resources: monitor.records,
    outputs: maskWireValue(resolved) as Record<string, unknown>,
    requiredSecrets: required.map((s) => ({ path: s.path, state: s.state })),
  };
  const resources = plan.resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent,
    props: monitor.properties.get(r.urn) ?? {},
  }));
  return {
    plan,
    model,
    source,
    requiredSecrets: required,
    resources,
    secretValues: monitor.secretValues,
    millis: Date.now() - started,
  };
}
