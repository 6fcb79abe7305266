/**
 * The benchmarks of issue 13, beside the scale benchmark of bench/run.ts:
 * - `launch`: the main job (`node bin/src/cli/main.js preview --stack all`, what `npm start` runs) and the pack
 *   as the engine launches it (`run-policy-pack` from policy-pack/, until it answers GetAnalyzerInfo), each
 *   against its floor (a process that only loads the same SDKs), runs alternated, medians;
 * - `engine`: the pack's CPU per resource under the engine protocol (Configure, one Analyze per resource, one
 *   AnalyzeStack; the pack process's user + system time from /proc), against the in-process runner's;
 * - `audit`: `cicd audit --from-export` of stack exports of about 5,000 and 50,000 resources (the production
 *   stack of a generated 10-app project, its apps cloned), each in its own process; time per resource.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { previewStacks } from "../src/offline/stacks";
import { evaluate } from "../policy-pack/evaluate";
import { appOf } from "../policy-pack/lib/props";
import { TODAY } from "../test/proofs/arbitraries";
import { realStacks } from "../test/policy/helpers";
import {
  analyzeAll,
  configure,
  engineRequests,
  launchPack,
  PACK_DIR,
  processCpuMs,
} from "../test/engine-client";
import { ROOT } from "../test/root";
import { writeBenchProject } from "./generate";

/** The SDK modules the main job loads, for its floor. */
const MAIN_FLOOR = [
  "@pulumi/pulumi",
  "@pulumi/aws",
  "@pulumi/github",
  "@pulumi/docker-build",
  "@pulumi/random",
  "@pulumi/policy",
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function wallMs(cmd: string, args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** One measured launch against its floor. */
export interface LaunchFigure {
  what: string;
  medianMs: number;
  floorMs: number;
  ratio: number;
  runs: number;
}

/** The main job and the pack launch, each against its floor, `runs` alternated runs each (medians). */
export async function benchLaunch(runs = 7): Promise<LaunchFigure[]> {
  if (!fs.existsSync(path.join(ROOT, "bin/src/cli/main.js"))) throw new Error("run `npm run build` first");
  const floorScript = (mods: string[]) => mods.map((m) => `require(${JSON.stringify(m)});`).join("");
  const main: number[] = [];
  const mainFloor: number[] = [];
  const pack: number[] = [];
  const packFloor: number[] = [];
  for (let i = 0; i < runs; i++) {
    mainFloor.push(wallMs(process.execPath, ["-e", floorScript(MAIN_FLOOR)], ROOT));
    main.push(
      wallMs(
        process.execPath,
        ["bin/src/cli/main.js", "preview", "--stack", "all", "--out-dir", os.tmpdir()],
        ROOT,
      ),
    );
    packFloor.push(
      wallMs(process.execPath, ["-e", floorScript(["@pulumi/pulumi", "@pulumi/policy"])], PACK_DIR),
    );
    const p = await launchPack();
    pack.push(p.readyMs);
    p.close();
  }
  const figure = (what: string, xs: number[], floor: number[]): LaunchFigure => ({
    what,
    medianMs: Math.round(median(xs)),
    floorMs: Math.round(median(floor)),
    ratio: median(xs) / median(floor),
    runs,
  });
  return [
    figure("main job (preview + pack, both stacks)", main, mainFloor),
    figure("pack launch (run-policy-pack until GetAnalyzerInfo)", pack, packFloor),
  ];
}

/** CPU per resource of the pack under the engine protocol, and in-process. */
export interface EngineFigure {
  stack: string;
  resources: number;
  rounds: number;
  /** The pack process's CPU per resource (Analyze + its share of AnalyzeStack), milliseconds. */
  engineMsPerResource: number;
  /** The same for a pack without policies: the protocol's own cost, milliseconds per resource. */
  protocolMsPerResource: number;
  /** `evaluate` in this process, milliseconds per resource. */
  inProcessMsPerResource: number;
}

/**
 * A policy pack with no policy, on the same `@pulumi/policy` (policy-pack/node_modules linked): what the
 * protocol itself costs a pack per request (gRPC over HTTP/2, protobuf decoding, the server's loop).
 */
function writeEmptyPack(dir: string): void {
  fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "empty-pack", version: "0.0.0", main: "index.js" }),
  );
  fs.writeFileSync(
    path.join(dir, "index.js"),
    'const { PolicyPack } = require("@pulumi/policy");\nnew PolicyPack("empty", { policies: [] });\n',
  );
  fs.symlinkSync(path.join(PACK_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
}

/** Previews of a stack sent before measuring. */
const WARM_UP_ROUNDS = 5;

/** The pack process's CPU per resource for `rounds` previews of each stack (ms), and the resources sent. */
async function packCpuPerResource(packDir: string, rounds: number) {
  const stacks = await realStacks();
  const pack = await launchPack(packDir);
  try {
    const out: Array<{ stack: string; resources: number; msPerResource: number }> = [];
    for (const s of Object.values(stacks)) {
      await configure(pack.client, s.config);
      const requests = engineRequests(s.resources);
      // Warm-up: the first rounds pay the JIT's compiling and tiering up; what is measured is the steady state.
      for (let i = 0; i < WARM_UP_ROUNDS; i++) await analyzeAll(pack.client, requests);
      const cpu0 = processCpuMs(pack.child.pid!);
      for (let i = 0; i < rounds; i++) await analyzeAll(pack.client, requests);
      const cpu1 = processCpuMs(pack.child.pid!);
      const n = s.resources.length * rounds;
      out.push({
        stack: s.stack,
        resources: s.resources.length,
        msPerResource: cpu0 === undefined || cpu1 === undefined ? NaN : (cpu1 - cpu0) / n,
      });
    }
    return out;
  } finally {
    pack.close();
  }
}

/**
 * Sends each stack's requests `rounds` times to the launched pack, and to a pack without policies, reading each
 * pack process's CPU time around them; and runs the in-process runner as many times.
 */
export async function benchEngine(rounds = 40): Promise<EngineFigure[]> {
  const stacks = await realStacks();
  const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), "cicd-bench-empty-pack-"));
  try {
    writeEmptyPack(emptyDir);
    const ours = await packCpuPerResource(PACK_DIR, rounds);
    const empty = await packCpuPerResource(emptyDir, rounds);
    return ours.map((o, i) => {
      const s = stacks[o.stack];
      const c0 = process.cpuUsage();
      for (let k = 0; k < rounds; k++)
        evaluate(s.resources, { stack: s.stack, config: s.config, now: TODAY });
      const c = process.cpuUsage(c0);
      return {
        stack: o.stack,
        resources: o.resources,
        rounds,
        engineMsPerResource: o.msPerResource,
        protocolMsPerResource: empty[i].msPerResource,
        inProcessMsPerResource: (c.user + c.system) / 1000 / (o.resources * rounds),
      };
    });
  } finally {
    fs.rmSync(emptyDir, { recursive: true, force: true });
  }
}

/** One audit of a generated stack export. */
export interface AuditFigure {
  resources: number;
  wallMs: number;
  msPerResource: number;
}

/**
 * A `pulumi stack export` (deployment v3) of `copies` clones of the production stack of a generated 10-app
 * project: every app's resources repeated with the app's name suffixed, so URNs, names and references stay
 * consistent; the stack-wide resources once.
 */
async function writeExport(file: string, copies: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cicd-bench-audit-"));
  try {
    writeBenchProject(dir, 10);
    const [prod] = await previewStacks(dir, ["production"], TODAY);
    const apps = prod.model.apps.map((a) => a.name);
    const byUrn = new Map(prod.plan.resources.map((r) => [r.urn, r] as const));
    const appOfUrn = (urn: string) => {
      const r = byUrn.get(urn)!;
      return appOf({ props: r.inputs, parent: r.parent }, byUrn);
    };
    const resources: unknown[] = [];
    const toExport = (r: (typeof prod.plan.resources)[number]) => ({
      urn: r.urn,
      custom: !r.type.includes(":app:") && !r.type.startsWith("cicd-constitution:"),
      type: r.type,
      ...(r.parent ? { parent: r.parent } : {}),
      inputs: r.inputs,
      outputs: r.inputs,
    });
    const shared = prod.plan.resources.filter((r) => !appOfUrn(r.urn));
    resources.push(...shared.map(toExport));
    const perApp = prod.plan.resources.filter((r) => appOfUrn(r.urn));
    const text = JSON.stringify(perApp.map(toExport));
    for (let c = 0; c < copies; c++) {
      const renamed = apps.reduce((t, a) => t.split(a).join(`${a}-c${c}`), text);
      resources.push(...(JSON.parse(renamed) as unknown[]));
    }
    fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }));
    return resources.length;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `cicd audit --from-export` of exports near each size, each in its own process (compiled CLI). */
export async function benchAudit(sizes = [5_000, 50_000]): Promise<AuditFigure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cicd-bench-audit-"));
  try {
    // A clone of the 10-app project's apps is about 735 resources (measured), so sizes land near the asked ones.
    const perCopy = 735;
    const out: AuditFigure[] = [];
    for (const size of sizes) {
      const file = path.join(dir, `export-${size}.json`);
      const resources = await writeExport(file, Math.max(1, Math.round(size / perCopy)));
      const cli = path.join(ROOT, "bin/src/cli/main.js");
      const args = [cli, "audit", "--from-export", file, "--stack", "production", "--format", "json"];
      // Exit 1 (mandatory failures: the clones run without a stack file's settings) is a finished audit.
      const ms = wallMs(process.execPath, ["--max-old-space-size=4096", ...args], dir);
      out.push({ resources, wallMs: Math.round(ms), msPerResource: ms / resources });
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
