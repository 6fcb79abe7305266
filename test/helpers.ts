/**
 * Shared test helpers: run code under the offline mocks (realistic ARNs, ids and digests, see
 * src/offline/mocks.ts) and read what was registered; preview the repository's stacks once per run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "../src/config/model";
import { resolveSecrets } from "../src/config/secrets";
import { readStackFile } from "../src/config/sources";
import { defineStack, EnvironmentProfile, StackOutputs } from "../src/program";
import { previewStacks } from "../src/offline/stacks";
import { recordProgram } from "../src/offline/preview";
import { StackPreview } from "../src/offline/preview";
import { PlanResource } from "../src/plan/types";
import { ROOT } from "./root";
import { onceShared } from "./onceShared";
import { TEST_TODAY } from "./today";

export { ROOT, TEST_TODAY };

/** A registered resource with masked inputs (plan view) and unmasked props (engine view). */
export interface Registered extends PlanResource {
  props: Record<string, unknown>;
}

/** Runs `program` under the offline mocks; returns every registration in order. */
export async function register(
  program: () => unknown,
  opts: { stack?: string; stackOutputs?: Record<string, Record<string, unknown>> } = {},
): Promise<Registered[]> {
  const { monitor } = await recordProgram(
    { project: "test", stack: opts.stack ?? "staging", region: "eu-west-1", stackOutputs: opts.stackOutputs },
    async () => {
      await program();
      return {};
    },
  );
  return monitor.records.map((r) => ({ ...r, props: monitor.properties.get(r.urn) ?? {} }));
}

/** The value an Output resolves to under the offline mocks (a component's output, read in a test). */
export function outputValue<T>(output: { apply: (f: (v: T) => void) => unknown }): Promise<T> {
  return new Promise<T>((done) => output.apply(done));
}

/** Resources of one type; fails when none exists, naming the type. */
export function ofType(resources: Registered[] | PlanResource[], type: string): Registered[] {
  const found = (resources as Registered[]).filter((r) => r.type === type);
  if (found.length === 0) throw new Error(`no resource of type ${type} among ${resources.length}`);
  return found;
}

/** The single resource of a type whose name ends with `suffix`. */
export function one(resources: Registered[], type: string, suffix = ""): Registered {
  const found = ofType(resources, type).filter((r) => r.name.endsWith(suffix));
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type} named *${suffix}, found ${found.map((r) => r.urn).join(", ") || "none"}`,
    );
  }
  return found[0];
}

/** Options of {@link runStackFile}. */
export interface StackRunOptions {
  /** Changes the stack file's raw config before it is parsed. Default: none. */
  change?: (raw: any) => void;
  /** Outputs of the stacks it references (production: staging's), by stack name. Default: none. */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** The stack's own last outputs (staging's releases). Default: none. */
  previousOutputs?: Record<string, unknown>;
  /** Wraps the offline mocks (an invoke that fails, a call recorded). Default: none. */
  wrapMocks?: (mocks: pulumi.runtime.Mocks) => pulumi.runtime.Mocks;
  /** Filled with the GitHub ids the program looked up, id -> name. */
  githubNames?: Map<string, string>;
  /** Values planted for stack-wide secrets (`ghcrToken`, `gitSourceToken`, ...). Default: offline placeholders. */
  stackSecrets?: Record<string, string>;
}

/**
 * Runs the program (`defineStack`) of the repository's `Pulumi.<stack>.yaml`, changed by `options.change`, under
 * the offline mocks on {@link TEST_TODAY}: the error `defineStack` threw (nothing is registered after it), what it
 * registered with unmasked props, the stack outputs, the model and the secret values (offline placeholders unless
 * planted).
 *
 * @throws ConfigError when the changed stack file does not parse (before anything runs).
 */
export async function runStackFile(stack: "staging" | "production", options: StackRunOptions = {}) {
  const source = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
  options.change?.(source.raw);
  const model = parseStackConfig(stack, source.raw, { secretKeys: source.secretKeys, today: TEST_TODAY });
  const { values } = resolveSecrets(model, source, "offline");
  for (const [name, value] of Object.entries(options.stackSecrets ?? {})) values.get("")?.set(name, value);
  let error: unknown;
  let outputs: StackOutputs | undefined;
  const recording = await recordProgram(
    {
      project: "cicd-constitution",
      stack,
      region: model.awsRegion,
      network: model.network,
      stackOutputs: options.stackOutputs,
      previousOutputs: options.previousOutputs,
      wrapMocks: options.wrapMocks,
      githubNames: options.githubNames,
    },
    async () => {
      try {
        outputs = await defineStack(model, values);
        return { environmentProfile: outputs.environmentProfile, apps: outputs.apps };
      } catch (err) {
        error = err;
        return {};
      }
    },
  );
  const { records, properties } = recording.monitor;
  return {
    error,
    records,
    props: properties,
    outputs: recording.outputs as { environmentProfile?: EnvironmentProfile; apps?: Record<string, unknown> },
    model,
    values,
  };
}

/** The repository's staging and production stacks, previewed once per test run (the suite's one preview). */
export const repositoryStacks: () => Promise<StackPreview[]> = onceShared(() =>
  previewStacks(ROOT, ["staging", "production"], TEST_TODAY),
);

/** Parses a JSON-string input (task definitions, policies, dashboards). */
export function parsed<T = any>(value: unknown): T {
  if (typeof value !== "string")
    throw new Error(`expected a JSON string, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return JSON.parse(value) as T;
}

/**
 * Staging's outputs from a last deployment that ran `releases` of `app` (newest first), as
 * `pulumi stack output --json` prints them: what staging's reference to itself reads.
 */
export function stagingRan(
  apps: Record<string, Array<{ digest: string; gitSha: string; date: string; actor: string }>>,
): Record<string, Record<string, unknown>> {
  const profiles = Object.fromEntries(
    Object.entries(apps).map(([app, releases]) => [
      app,
      { digest: releases[0].digest, knownDigests: releases.map((r) => r.digest), releases },
    ]),
  );
  return { staging: { environmentProfile: { environment: "staging", apps: profiles } } };
}

/** Runs `f` with console.log and console.error silenced (a command's output is not what the test reads). */
export function quiet<T>(f: () => T): T {
  const [log, error] = [console.log, console.error];
  console.log = console.error = () => undefined;
  try {
    return f();
  } finally {
    [console.log, console.error] = [log, error];
  }
}

/**
 * The team's `shared/` directory (the catalogue, the constitution), beside this repository's checkout: present in
 * the team's workspace, where `.ci/run` and a local `npm test` run, so the tests reading it run there; absent in
 * GitHub Actions (pr.yml `unit`, main.yml `test`), whose actions/checkout clones this repository alone, so those
 * tests skip there and show as pending with the reason. `CICD_SHARED_DIR` names it elsewhere (`npm run mutation`
 * runs the tests in a copy of the repository one level deeper).
 */
export const SHARED = process.env.CICD_SHARED_DIR
  ? path.resolve(process.env.CICD_SHARED_DIR)
  : path.resolve(ROOT, "../shared");

/**
 * Skips the running test unless `file` exists, putting the reason in the test's title: mocha's `this.skip()` takes
 * no message, and the spec reporter prints a pending test's title, so the log says what was not checked and why.
 */
export function requireShared(ctx: Mocha.Context, file: string): void {
  if (fs.existsSync(file)) return;
  if (ctx.test) ctx.test.title += ` (skipped: ${path.relative(ROOT, file)} is absent, as in GitHub Actions)`;
  ctx.skip();
}
