/**
 * AWS AppConfig feature flags after (and around) `pulumi up`. Per app, the stack exports
 * `apps.<app>.flags` = `{ applicationId, environmentId, configurationProfileId, emergencyStrategyId,
 * monitorAlarmNames }` (components/FeatureFlags.ts); the commands read it from `pulumi stack output --json`.
 * - `cicd flags wait`: before `pulumi up`, wait until no environment has a flag deployment in progress. AppConfig
 *   runs one deployment per environment at a time: a second `StartDeployment` answers `ConflictException` (AppConfig
 *   API reference, "StartDeployment"), which would fail `pulumi up` halfway through an update.
 * - `cicd flags off`: the emergency path while the 5xx alarm fires. It stops a deployment in progress
 *   (`StopDeployment` with `AllowRevert`: AppConfig rolls it back), turns one flag off in the live document, disables
 *   the monitored alarms' actions ("A deployment doesn't automatically roll back if actions have been disabled in an
 *   associated CloudWatch alarm": AppConfig user guide, "Monitoring deployments for automatic rollback"), deploys
 *   with the stack's emergency strategy (`AppConfig.AllAtOnce`: every target at once, then a 10-minute bake with the
 *   alarm's actions still off) and always re-enables the actions.
 * - VERIFY-FLAGS of `cicd verify`: the environment's latest deployment is COMPLETE.
 * AWS calls use the SDK v3 clients (credentials and endpoints from the standard chain, `AWS_ENDPOINT_URL_APPCONFIG`
 * and `AWS_ENDPOINT_URL_CLOUDWATCH` included).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  AppConfigClient,
  CreateHostedConfigurationVersionCommand,
  type Deployment,
  type DeploymentSummary,
  GetDeploymentCommand,
  GetHostedConfigurationVersionCommand,
  ListDeploymentsCommand,
  StartDeploymentCommand,
  StopDeploymentCommand,
} from "@aws-sdk/client-appconfig";
import {
  CloudWatchClient,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
} from "@aws-sdk/client-cloudwatch";
import { z } from "zod";
import { FLAG_MAX_WAIT_SECONDS } from "../../policy-pack/lib/facts";
import { readStackOutputs } from "../audit/readState";
import { checkNoPlainCredentials } from "../config/credentials";
import { expectedOf } from "../config/errors";
import { ConfigError, ConfigProblem, parseStackConfig, StackModel } from "../config/model";
import { readStackFile } from "../config/sources";

/** One app's flags in a deployed stack. */
export interface FlagTarget extends FlagIds {
  app: string;
}

/** A stack's model and its apps' flag ids. */
export interface FlagStack {
  stack: string;
  model: StackModel;
  targets: FlagTarget[];
}

/**
 * Deployment states of a deployment still under way (AppConfig API reference, `DeploymentState`): a new
 * `StartDeployment` on the same environment answers `ConflictException` while one of these holds.
 */
export const IN_PROGRESS_STATES = new Set<string>(["DEPLOYING", "BAKING", "VALIDATING", "ROLLING_BACK"]);

/** What the stack exports per app under `apps.<app>.flags`. */
const flagIdsSchema = z.object({
  applicationId: z.string().min(1),
  environmentId: z.string().min(1),
  configurationProfileId: z.string().min(1),
  /** The strategy `cicd flags off` deploys with: AWS's predefined `AppConfig.AllAtOnce`. */
  emergencyStrategyId: z.string().min(1),
  /** The CloudWatch alarms the AppConfig environment monitors (one composite alarm, no actions of its own). */
  monitorAlarmNames: z.array(z.string().min(1)),
});

/** An app's flag ids: `apps.<app>.flags` of the stack outputs. */
export type FlagIds = z.output<typeof flagIdsSchema>;

/** An app's `apps.<app>.flags` from stack outputs, or the problems (key, expected, found) that stop its use. */
export function flagIdsOf(
  outputs: Record<string, unknown>,
  app: string,
): { ids?: FlagIds; problems: ConfigProblem[] } {
  const raw = (outputs.apps as Record<string, { flags?: unknown } | undefined> | undefined)?.[app]?.flags;
  const parsed = flagIdsSchema.safeParse(raw);
  if (parsed.success) return { ids: parsed.data, problems: [] };
  return {
    problems: parsed.error.issues.map((i) => {
      const found = i.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown>)?.[k], raw);
      return {
        key: `--outputs (${["apps", app, "flags", ...i.path].join(".")})`,
        expected: i.path.length ? expectedOf(i) : `{ ${Object.keys(flagIdsSchema.shape).join(", ")} }`,
        found: found === undefined ? "(missing)" : (JSON.stringify(found) ?? String(found)).slice(0, 120),
      };
    }),
  };
}

/**
 * Reads `DIR/Pulumi.STACK.yaml` (the validated model, as `cicd verify` does) and the outputs file.
 *
 * @throws ConfigError (stack, key, expected, found) for invalid config, missing or unreadable outputs, or an app
 *   whose `apps.<app>.flags` is missing or malformed.
 */
export async function loadFlagStack(dir: string, stack: string, outputsFile?: string): Promise<FlagStack> {
  const source = readStackFile(path.join(dir, `Pulumi.${stack}.yaml`));
  await checkNoPlainCredentials(stack, source.raw, source.origin);
  const model = parseStackConfig(stack, source.raw, { secretKeys: source.secretKeys, source: source.origin });
  const expected = `the stack's outputs: pulumi stack output --json --stack ${stack} > FILE`;
  const missing = !outputsFile ? "none" : !fs.existsSync(outputsFile) ? `no file ${outputsFile}` : undefined;
  if (missing) throw new ConfigError(stack, [{ key: "--outputs", expected, found: missing }]);
  let outputs: Record<string, unknown>;
  try {
    outputs = readStackOutputs(outputsFile!);
  } catch (err) {
    throw new ConfigError(stack, [{ key: "--outputs", expected, found: (err as Error).message }]);
  }
  const read = model.apps.map((a) => ({ app: a.name, ...flagIdsOf(outputs, a.name) }));
  const problems = read.flatMap((r) => r.problems);
  if (problems.length) throw new ConfigError(stack, problems);
  return { stack, model, targets: read.map((r) => ({ app: r.app, ...r.ids! })) };
}

/** Resolves after `ms` milliseconds. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** The environment of `ids`, as every deployment call names it. */
const envOf = (ids: FlagIds) => ({ ApplicationId: ids.applicationId, EnvironmentId: ids.environmentId });

/** `GetDeployment`: state, `PercentageComplete`, `StartedAt` and the strategy's minutes of one deployment. */
const getDeployment = (client: AppConfigClient, ids: FlagIds, n: number) =>
  client.send(new GetDeploymentCommand({ ...envOf(ids), DeploymentNumber: n }));

/**
 * The environment's latest deployment with its details, or undefined when it never had one. `ListDeployments`
 * lists "in descending deployment number order" (AppConfig API reference); the highest number of the first page
 * is taken, then `GetDeployment` for its state, percentage and timings.
 */
export async function latestDeployment(
  client: AppConfigClient,
  ids: FlagIds,
): Promise<Deployment | undefined> {
  const page = await client.send(new ListDeploymentsCommand(envOf(ids)));
  const numbers = (page.Items ?? []).map((d) => d.DeploymentNumber ?? 0);
  return numbers.length ? getDeployment(client, ids, Math.max(...numbers)) : undefined;
}

/**
 * The newest COMPLETE deployment of the flags profile: the one whose version the environment serves (a stopped or
 * rolled-back deployment leaves the previous COMPLETE one in force). Reads at most 20 pages of `ListDeployments`.
 */
export async function latestComplete(
  client: AppConfigClient,
  ids: FlagIds,
): Promise<DeploymentSummary | undefined> {
  let token: string | undefined;
  for (let page = 0; page < 20; page++) {
    const list = await client.send(new ListDeploymentsCommand({ ...envOf(ids), NextToken: token }));
    const found = (list.Items ?? [])
      .filter((d) => d.State === "COMPLETE")
      .filter((d) => !d.ConfigurationProfileId || d.ConfigurationProfileId === ids.configurationProfileId)
      .sort((a, b) => (b.DeploymentNumber ?? 0) - (a.DeploymentNumber ?? 0))[0];
    if (found) return found;
    token = list.NextToken;
    if (!token) return undefined;
  }
  return undefined;
}

/**
 * When a deployment should be over: `StartedAt` + `DeploymentDurationInMinutes` + `FinalBakeTimeInMinutes`
 * (minutes; AppConfig user guide, "Working with deployment strategies": the bake follows the deployment).
 */
export function estimatedEnd(d: Deployment): Date | undefined {
  if (!d.StartedAt) return undefined;
  const minutes = (d.DeploymentDurationInMinutes ?? 0) + (d.FinalBakeTimeInMinutes ?? 0);
  return new Date(new Date(d.StartedAt).getTime() + minutes * 60_000);
}

/** `deployment N STATE, P% complete, retry after ISO`; the time is never before `now`. */
export function progressOf(d: Deployment, now = new Date()): string {
  const end = estimatedEnd(d);
  const after = end && end > now ? end : now;
  return (
    `deployment ${d.DeploymentNumber} ${d.State}, ${d.PercentageComplete ?? 0}% complete, ` +
    `retry after ${after.toISOString()}`
  );
}

/** Options of {@link waitForFlagDeployments} and {@link flagsOff}. */
export interface WaitOptions {
  /** Seconds to wait at most (`flags off`: the stop and the emergency deployment together). Default {@link FLAG_MAX_WAIT_SECONDS}. */
  maxWaitSeconds?: number;
  /** Seconds between two reads of a deployment. Default 15 (`flags wait`), 5 (`flags off`). */
  pollSeconds?: number;
  /** Where progress lines go, as they happen. Default: nowhere. */
  log?: (line: string) => void;
}

/** What a flags command did: exit code 0 (done) or 1 (failed, timed out) and the lines to print. */
export interface FlagsResult {
  code: 0 | 1;
  lines: string[];
}

/**
 * Waits until no app of the stack has a flag deployment in progress ({@link IN_PROGRESS_STATES}), reading each
 * environment's latest deployment every `pollSeconds` for at most `maxWaitSeconds`. Run before `pulumi up`, so a
 * flag change never meets `ConflictException` halfway through an update.
 *
 * @returns code 0 when none is in progress; 1 at the deadline, one line per app still deploying, naming the
 *   deployment number, state, percentage complete and "retry after" its estimated end.
 */
export async function waitForFlagDeployments(st: FlagStack, opts: WaitOptions = {}): Promise<FlagsResult> {
  const deadline = Date.now() + (opts.maxWaitSeconds ?? FLAG_MAX_WAIT_SECONDS) * 1000;
  const pollMs = (opts.pollSeconds ?? 15) * 1000;
  const client = new AppConfigClient({ region: st.model.awsRegion });
  try {
    for (;;) {
      const busy: string[] = [];
      for (const t of st.targets) {
        const d = await latestDeployment(client, t);
        if (d && IN_PROGRESS_STATES.has(d.State ?? "")) busy.push(`${t.app}: ${progressOf(d)}`);
      }
      const apps = st.targets.map((t) => t.app).join(", ");
      if (!busy.length)
        return { code: 0, lines: [`${st.stack}: no flag deployment in progress (${apps || "no apps"})`] };
      if (Date.now() >= deadline)
        return {
          code: 1,
          lines: [
            `${st.stack}: flag deployments still in progress after ${opts.maxWaitSeconds ?? FLAG_MAX_WAIT_SECONDS} s; pulumi up would meet AppConfig's ConflictException`,
            ...busy.map((b) => `  ${b}`),
          ],
        };
      for (const b of busy) opts.log?.(`waiting: ${b}`);
      await sleep(Math.min(pollMs, deadline - Date.now()));
    }
  } finally {
    client.destroy();
  }
}

/** The `AWS.AppConfig.FeatureFlags` document (components/FeatureFlags.ts `featureFlagsDocument`). */
interface FlagsDocument {
  flags?: Record<string, unknown>;
  values?: Record<string, { enabled?: boolean } & Record<string, unknown>>;
}

/**
 * The document with `values[flag].enabled` false, everything else unchanged.
 *
 * @throws ConfigError (`--flag`) when the document has no such flag, listing the ones it has.
 */
export function disableFlag(
  stack: string,
  app: string,
  content: string,
  flag: string,
  version: string,
): string {
  const doc = JSON.parse(content) as FlagsDocument;
  const known = Object.keys(doc.values ?? {});
  if (!doc.values || !Object.prototype.hasOwnProperty.call(doc.values, flag))
    throw new ConfigError(stack, [
      {
        key: "--flag",
        expected: `a flag of ${app}'s deployed document (version ${version}): ${known.join(", ") || "none"}`,
        found: JSON.stringify(flag),
      },
    ]);
  doc.values[flag] = { ...doc.values[flag], enabled: false };
  return JSON.stringify(doc);
}

/** Polls `GetDeployment` until the deployment leaves {@link IN_PROGRESS_STATES}; returns it as it ended. */
async function settle(
  client: AppConfigClient,
  ids: FlagIds,
  number: number,
  deadline: number,
  pollMs: number,
): Promise<Deployment> {
  for (;;) {
    const d = await getDeployment(client, ids, number);
    if (!IN_PROGRESS_STATES.has(d.State ?? "")) return d;
    if (Date.now() >= deadline)
      throw new Error(`deployment ${number} still ${d.State} at the deadline: ${progressOf(d)}`);
    await sleep(Math.min(pollMs, deadline - Date.now()));
  }
}

/** Options of {@link flagsOff}: the app and its flag to turn off. */
export interface FlagsOffOptions extends WaitOptions {
  app: string;
  flag: string;
}

/** The live flags document: the hosted version the newest COMPLETE deployment deployed. */
async function liveDocument(client: AppConfigClient, t: FlagTarget) {
  const complete = await latestComplete(client, t);
  if (!complete?.ConfigurationVersion)
    throw new Error(
      `${t.app}: no COMPLETE flag deployment in environment ${t.environmentId}: no live document to change`,
    );
  const hosted = await client.send(
    new GetHostedConfigurationVersionCommand({
      ApplicationId: t.applicationId,
      ConfigurationProfileId: t.configurationProfileId,
      VersionNumber: Number(complete.ConfigurationVersion),
    }),
  );
  const content = new TextDecoder().decode(hosted.Content ?? new Uint8Array());
  return { version: complete.ConfigurationVersion, content };
}

/** Stops the environment's deployment in progress, if any (`AllowRevert`: it ends ROLLED_BACK), and waits. */
async function stopInProgress(
  client: AppConfigClient,
  t: FlagTarget,
  timing: { deadline: number; pollMs: number },
  log: (line: string) => void,
): Promise<void> {
  const d = await latestDeployment(client, t);
  if (!d?.DeploymentNumber || !IN_PROGRESS_STATES.has(d.State ?? "")) return;
  if (d.State !== "ROLLING_BACK") {
    // StopDeployment works only on DEPLOYING unless AllowRevert is given; with it, an in-progress deployment ends
    // ROLLED_BACK (AppConfig API reference, "StopDeployment").
    await client.send(
      new StopDeploymentCommand({ ...envOf(t), DeploymentNumber: d.DeploymentNumber, AllowRevert: true }),
    );
    log(
      `stopped deployment ${d.DeploymentNumber} (${d.State}, ${d.PercentageComplete ?? 0}%): AppConfig rolls it back`,
    );
  }
  const ended = await settle(client, t, d.DeploymentNumber, timing.deadline, timing.pollMs);
  log(`deployment ${d.DeploymentNumber} ended ${ended.State}`);
}

/** StartDeployment of `version` with the emergency strategy, polled until COMPLETE. */
async function deployEmergency(
  client: AppConfigClient,
  t: FlagTarget,
  version: string,
  flag: string,
  timing: { deadline: number; pollMs: number },
): Promise<Deployment> {
  const started = await client.send(
    new StartDeploymentCommand({
      ...envOf(t),
      ConfigurationProfileId: t.configurationProfileId,
      ConfigurationVersion: version,
      DeploymentStrategyId: t.emergencyStrategyId,
      Description: `cicd flags off ${flag}: incident, emergency strategy`,
    }),
  );
  const ended = await settle(client, t, started.DeploymentNumber!, timing.deadline, timing.pollMs);
  if (ended.State !== "COMPLETE")
    throw new Error(
      `emergency deployment ${ended.DeploymentNumber} of version ${version} ended ${ended.State}`,
    );
  return ended;
}

/**
 * Turns one flag off while the alarm fires: stop a deployment in progress, write the live document with
 * `values[flag].enabled = false` as a new hosted version, disable the monitored alarms' actions, deploy with the
 * emergency strategy until COMPLETE, and in every case enable the actions again.
 *
 * @throws ConfigError for an unknown app or flag (before any change); Error for what AWS refused or a
 *   deployment that did not complete (the alarm actions re-enabled all the same).
 */
export async function flagsOff(st: FlagStack, opts: FlagsOffOptions): Promise<FlagsResult> {
  const t = st.targets.find((x) => x.app === opts.app);
  if (!t)
    throw new ConfigError(st.stack, [
      {
        key: "--app",
        expected: `an app of the stack: ${st.targets.map((x) => x.app).join(", ")}`,
        found: opts.app,
      },
    ]);
  const log = opts.log ?? (() => undefined);
  const timing = {
    deadline: Date.now() + (opts.maxWaitSeconds ?? FLAG_MAX_WAIT_SECONDS) * 1000,
    pollMs: (opts.pollSeconds ?? 5) * 1000,
  };
  const appconfig = new AppConfigClient({ region: st.model.awsRegion });
  const cloudwatch = new CloudWatchClient({ region: st.model.awsRegion });
  const alarms = { AlarmNames: t.monitorAlarmNames };
  try {
    const live = await liveDocument(appconfig, t);
    const content = disableFlag(st.stack, t.app, live.content, opts.flag, live.version);
    await stopInProgress(appconfig, t, timing, log);
    const created = await appconfig.send(
      new CreateHostedConfigurationVersionCommand({
        ApplicationId: t.applicationId,
        ConfigurationProfileId: t.configurationProfileId,
        Content: new TextEncoder().encode(content),
        ContentType: "application/json",
        Description: `cicd flags off ${opts.flag} (from version ${live.version})`,
      }),
    );
    const version = String(created.VersionNumber);
    log(`created version ${version}: version ${live.version} with ${opts.flag} disabled`);
    let deployed: Deployment | undefined;
    let failure: Error | undefined;
    try {
      if (alarms.AlarmNames.length) await cloudwatch.send(new DisableAlarmActionsCommand(alarms));
      log(
        `disabled the actions of ${alarms.AlarmNames.join(", ") || "no alarm"}: AppConfig cannot roll back`,
      );
      deployed = await deployEmergency(appconfig, t, version, opts.flag, timing);
    } catch (err) {
      failure = err as Error;
    } finally {
      // Always, even after an error: a disabled alarm would keep every later flag deployment from rolling back.
      if (alarms.AlarmNames.length) await enableAgain(cloudwatch, alarms.AlarmNames, log, failure);
    }
    if (failure || !deployed) throw failure ?? new Error("no emergency deployment");
    return { code: 0, lines: offReport(st.stack, t, opts.flag, version, deployed) };
  } finally {
    appconfig.destroy();
    cloudwatch.destroy();
  }
}

/** EnableAlarmActions; when it fails, the error (with `earlier`'s message) says how to do it by hand. */
async function enableAgain(
  cw: CloudWatchClient,
  names: string[],
  log: (line: string) => void,
  earlier?: Error,
): Promise<void> {
  try {
    await cw.send(new EnableAlarmActionsCommand({ AlarmNames: names }));
    log(`enabled the actions of ${names.join(", ")} again`);
  } catch (err) {
    throw new Error(
      `${earlier ? `${earlier.message}; then ` : ""}EnableAlarmActions failed (${(err as Error).message}): ` +
        `flag rollbacks stay off until aws cloudwatch enable-alarm-actions --alarm-names ${names.join(" ")}`,
    );
  }
}

/** What `flags off` did, and what a person must do next. */
function offReport(stack: string, t: FlagTarget, flag: string, version: string, d: Deployment): string[] {
  return [
    `${t.app}: ${flag} is off: version ${version} deployed by deployment ${d.DeploymentNumber} (${d.State}) with strategy ${t.emergencyStrategyId}`,
    "Follow-up:",
    `  1. set ${flag}'s value: { enabled: false } for ${t.app} in Pulumi.${stack}.yaml and merge it (else the next document change turns it back on)`,
    "  2. open an incident (what fired, the flag turned off, this deployment's number)",
  ];
}

/** Runs a flags command: bad input exits 2, a failure or timeout 1, success 0; lines go to stdout. */
async function runFlags(
  stack: { dir: string; stack: string; outputs?: string },
  action: (st: FlagStack) => Promise<FlagsResult>,
): Promise<number> {
  let loaded: FlagStack;
  try {
    loaded = await loadFlagStack(stack.dir, stack.stack, stack.outputs);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  try {
    const result = await action(loaded);
    for (const line of result.lines) (result.code ? console.error : console.log)(line);
    return result.code;
  } catch (err) {
    console.error(`cicd flags (stack ${stack.stack}): ${(err as Error).message}`);
    return err instanceof ConfigError ? 2 : 1;
  }
}

/** `cicd flags wait` options as commander parses them. */
export interface FlagsWaitCommandOptions {
  stack: string;
  dir: string;
  outputs?: string;
  maxWait: number;
  poll: number;
}

/** Runs `cicd flags wait`. */
export function runFlagsWait(opts: FlagsWaitCommandOptions): Promise<number> {
  return runFlags(opts, (st) =>
    waitForFlagDeployments(st, { maxWaitSeconds: opts.maxWait, pollSeconds: opts.poll, log: console.log }),
  );
}

/** `cicd flags off` options as commander parses them. */
export interface FlagsOffCommandOptions extends FlagsWaitCommandOptions {
  app: string;
  flag: string;
}

/** Runs `cicd flags off`. */
export function runFlagsOff(opts: FlagsOffCommandOptions): Promise<number> {
  const timing = { pollSeconds: opts.poll, maxWaitSeconds: opts.maxWait };
  return runFlags(opts, (st) =>
    flagsOff(st, { app: opts.app, flag: opts.flag, ...timing, log: console.log }),
  );
}
