/**
 * The Pulumi engine's side of the policy pack protocol, for tests and benchmarks: launches the pack exactly as the
 * engine does (`node node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine-addr> <pack-dir>` from policy-pack/,
 * first stdout line = port) and drives it with the Analyzer gRPC stubs of @pulumi/pulumi: GetAnalyzerInfo,
 * Configure, Analyze (one request per resource) and AnalyzeStack (one request for the stack).
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as services from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import type { PackConfig, PolicyResourceInput } from "../policy-pack/evaluate";
import { ROOT } from "./root";

/** The pack's directory, where the engine launches it. */
export const PACK_DIR = path.join(ROOT, "policy-pack");

type Call<Req, Res> = (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown;

/** One unary call as a promise. */
export function call<Req, Res>(client: services.AnalyzerClient, fn: Call<Req, Res>, req: Req): Promise<Res> {
  return new Promise((resolve, reject) =>
    fn.call(client, req, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

/** JSON-clean props as a protobuf Struct (the engine sends resource properties this way). */
export function struct(props: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
}

function options(parent?: string | null): proto.AnalyzerResourceOptions {
  const o = new proto.AnalyzerResourceOptions();
  o.setProtect(false);
  if (parent) o.setParent(parent);
  o.setCustomtimeouts(new proto.AnalyzerResourceOptions.CustomTimeouts());
  return o;
}

/** A launched pack: the process, a client, and how long it took to answer its first call (ms). */
export interface LaunchedPack {
  child: ChildProcess;
  client: services.AnalyzerClient;
  /** From spawn to the answer of GetAnalyzerInfo, milliseconds. */
  readyMs: number;
  info: proto.AnalyzerInfo;
  /** Everything the pack wrote to stderr so far. */
  stderr: () => string;
  /** Closes the client and ends the process (idempotent). */
  close: () => void;
}

/**
 * Launches the pack as the engine does and waits for GetAnalyzerInfo; `env` is added to this process's environment.
 *
 * @throws Error with the pack's stderr when it exits before printing its port.
 */
export async function launchPack(
  packDir = PACK_DIR,
  env: Record<string, string> = {},
): Promise<LaunchedPack> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ["node_modules/@pulumi/pulumi/cmd/run-policy-pack", "127.0.0.1:1", "."],
    {
      cwd: packDir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  const port = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once("line", (l) => resolve(l.trim()));
    child.once("exit", (code) =>
      reject(new Error(`run-policy-pack exited ${code} before printing its port: ${stderr}`)),
    );
  });
  if (!/^\d+$/.test(port)) {
    child.kill();
    throw new Error(`run-policy-pack printed ${JSON.stringify(port)} instead of a port: ${stderr}`);
  }
  const client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const info = await call<Empty, proto.AnalyzerInfo>(client, client.getAnalyzerInfo, new Empty());
  const readyMs = performance.now() - t0;
  const close = () => {
    client.close();
    if (child.exitCode === null && child.signalCode === null) child.kill();
  };
  return { child, client, readyMs, info, stderr: () => stderr, close };
}

/** Sends a stack's pack config (`--policy-pack-config`) as the engine does. */
export async function configure(client: services.AnalyzerClient, config: PackConfig): Promise<void> {
  const req = new proto.ConfigureAnalyzerRequest();
  const levels = {
    advisory: proto.EnforcementLevel.ADVISORY,
    mandatory: proto.EnforcementLevel.MANDATORY,
    disabled: proto.EnforcementLevel.DISABLED,
  };
  for (const [policy, c] of Object.entries(config)) {
    const { enforcementLevel, ...props } = c;
    const pc = new proto.PolicyConfig();
    pc.setEnforcementlevel(levels[enforcementLevel ?? "mandatory"]);
    pc.setProperties(struct(props));
    req.getPolicyconfigMap().set(policy, pc);
  }
  await call<proto.ConfigureAnalyzerRequest, Empty>(client, client.configure, req);
}

/** The requests of one preview: one Analyze per resource, then one AnalyzeStack; built once, sent many times. */
export interface EngineRequests {
  analyze: Array<{ urn: string; req: proto.AnalyzeRequest }>;
  stack: proto.AnalyzeStackRequest;
}

/** Builds the engine's requests for `resources`, properties as protobuf Structs. */
export function engineRequests(resources: PolicyResourceInput[]): EngineRequests {
  const analyze = resources.map((r) => {
    const req = new proto.AnalyzeRequest();
    req.setType(r.type);
    req.setUrn(r.urn);
    req.setName(r.name);
    req.setProperties(struct(r.props));
    req.setOptions(options(r.parent));
    return { urn: r.urn, req };
  });
  const stack = new proto.AnalyzeStackRequest();
  stack.setResourcesList(
    resources.map((r) => {
      const a = new proto.AnalyzerResource();
      a.setType(r.type);
      a.setUrn(r.urn);
      a.setName(r.name);
      a.setProperties(struct(r.props));
      a.setOptions(options(r.parent));
      if (r.parent) a.setParent(r.parent);
      return a;
    }),
  );
  return { analyze, stack };
}

/** What the engine would report: `policyName urn` of each violation and of each not-applicable verdict. */
export interface EngineVerdicts {
  fails: Set<string>;
  /** Not-applicable verdicts the policies gave (waivers, unknown values, rules that do not apply). */
  notApplicable: Set<string>;
  /**
   * Not-applicable verdicts for a resource of a type the policy does not apply to ("Policy only applies to resources
   * of type ..."): given by the server itself for a one-type policy, by the policy for the others.
   */
  typeSkipped: Set<string>;
  /** Stack policies that answered not-applicable. */
  stackNa: Set<string>;
  diagnostics: proto.AnalyzeDiagnostic[];
}

/** Sends every Analyze, then the AnalyzeStack, and collects the verdicts. */
export async function analyzeAll(
  client: services.AnalyzerClient,
  requests: EngineRequests,
): Promise<EngineVerdicts> {
  const fails = new Set<string>();
  const notApplicable = new Set<string>();
  const typeSkipped = new Set<string>();
  for (const { urn, req } of requests.analyze) {
    const res = await call<proto.AnalyzeRequest, proto.AnalyzeResponse>(client, client.analyze, req);
    for (const d of res.getDiagnosticsList()) fails.add(`${d.getPolicyname()} ${urn}`);
    for (const n of res.getNotApplicableList())
      (/^Policy only applies to resources of type /.test(n.getReason()) ? typeSkipped : notApplicable).add(
        `${n.getPolicyName()} ${urn}`,
      );
  }
  const stackRes = await call<proto.AnalyzeStackRequest, proto.AnalyzeResponse>(
    client,
    client.analyzeStack,
    requests.stack,
  );
  for (const d of stackRes.getDiagnosticsList()) fails.add(`${d.getPolicyname()} ${d.getUrn()}`);
  const stackNa = new Set(stackRes.getNotApplicableList().map((n) => n.getPolicyName()));
  return { fails, notApplicable, typeSkipped, stackNa, diagnostics: [...stackRes.getDiagnosticsList()] };
}

/**
 * CPU time (user + system, milliseconds) a process has used so far, from `/proc/PID/stat` (Linux; clock ticks of
 * 10 ms). Undefined where `/proc` is missing.
 */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of proc(5) (utime, stime) are the 12th and 13th after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}
