/**
 * `npm run bench`: the scale benchmark (issue 5, part 5). For the repository's own stacks and for generated
 * projects of 1, 10, 50 and 200 apps (bench/generate.ts), runs the offline preview of staging and production
 * (`previewStacks`, the real program under the mocks) and the policy pack on both (`auditPreview`), each size
 * in its own child process so sizes share no heap, and prints per size: wall time of preview and audit,
 * resources, resources per second, CPU time and peak RSS (`process.resourceUsage().maxRSS`).
 *
 * Targets (docs/PROOFS.md): the repository's stacks in under 3 s wall; 200 apps in under 20 s and under
 * 1 GiB RSS; time per resource roughly constant (linear growth). Not a unit test: figures depend on the machine.
 *
 * Then the speed benchmarks of issue 13 (bench/engine.ts): the main job and the pack launch against their floors,
 * the pack's CPU per resource under the engine protocol (and a pack without policies: the protocol's own cost),
 * and `audit --from-export` of about 5,000 and 50,000 resources. Figures in docs/PROOFS.md section 6.
 *
 * Usage: `npm run bench [-- --only scale,launch,engine,audit] [--sizes 1,10,50,200] [--json FILE]`.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Table from "cli-table3";
import { previewStacks } from "../src/offline/stacks";
import { auditPreview } from "../src/audit/policy";
import { TODAY } from "../test/proofs/arbitraries";
import { ROOT } from "../test/root";
import { writeBenchProject } from "./generate";
import { AuditFigure, benchAudit, benchEngine, benchLaunch, EngineFigure, LaunchFigure } from "./engine";

/** What one size measured. */
export interface BenchResult {
  /** `repository` or the number of apps. */
  size: string;
  apps: number;
  resources: number;
  previewMs: number;
  auditMs: number;
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number;
  mandatoryFailures: number;
}

/** Child process: measures one size and prints its result as one JSON line. */
async function worker(size: string): Promise<void> {
  const dir = size === "repository" ? ROOT : fs.mkdtempSync(path.join(os.tmpdir(), `cicd-bench-${size}-`));
  try {
    if (size !== "repository") writeBenchProject(dir, Number(size));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const previews = await previewStacks(dir, ["staging", "production"], TODAY);
    const t1 = performance.now();
    const audits = previews.map((p) => auditPreview(p, TODAY));
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const result: BenchResult = {
      size,
      apps: previews[0].model.apps.length,
      resources: previews.reduce((n, p) => n + p.resources.length, 0),
      previewMs: Math.round(t1 - t0),
      auditMs: Math.round(t2 - t1),
      wallMs: Math.round(t2 - t0),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      mandatoryFailures: audits.reduce((n, a) => n + a.summary.mandatoryFailures, 0),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    if (size !== "repository") fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runSize(size: string): BenchResult {
  const out = execFileSync(process.execPath, [...process.execArgv, __filename, "--worker", size], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = out.trim().split("\n").pop()!;
  return JSON.parse(line) as BenchResult;
}

function main(argv: string[]): number | Promise<number> {
  const at = argv.indexOf("--worker");
  if (at >= 0) {
    worker(argv[at + 1]).catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    });
    return 0;
  }
  const onlyArg = argv.indexOf("--only");
  const only = onlyArg >= 0 ? argv[onlyArg + 1].split(",") : ["scale", "launch", "engine", "audit"];
  if (only.includes("scale")) scale(argv);
  return (async () => {
    const json: Record<string, unknown> = {};
    if (only.includes("launch")) json.launch = reportLaunch(await benchLaunch());
    if (only.includes("engine")) json.engine = reportEngine(await benchEngine());
    if (only.includes("audit")) json.audit = reportAudit(await benchAudit());
    const jsonArg = argv.indexOf("--json");
    if (jsonArg >= 0 && Object.keys(json).length)
      fs.writeFileSync(
        argv[jsonArg + 1].replace(/\.json$/, ".engine.json"),
        JSON.stringify(json, null, 2) + "\n",
      );
    return 0;
  })();
}

/** The scale benchmark (issue 5): preview and audit of generated projects, one process per size. */
function scale(argv: string[]): void {
  const sizesArg = argv.indexOf("--sizes");
  const sizes = sizesArg >= 0 ? argv[sizesArg + 1].split(",") : ["1", "10", "50", "200"];
  const jsonArg = argv.indexOf("--json");
  console.log(
    `Scale benchmark: offline preview (staging + production) and policy pack audit, one process per size`,
  );
  console.log(
    `node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ""}, load ${os.loadavg()[0].toFixed(2)}`,
  );
  const results: BenchResult[] = [];
  for (const size of ["repository", ...sizes]) {
    const r = runSize(size);
    results.push(r);
    console.error(`  ${size}: ${r.resources} resources in ${r.wallMs} ms`);
  }
  const table = new Table({
    style: { head: [], border: [] },
    head: [
      "size",
      "apps",
      "resources",
      "preview ms",
      "audit ms",
      "wall ms",
      "resources/s",
      "ms/resource",
      "cpu ms",
      "peak RSS MiB",
      "mandatory fails",
    ],
  });
  for (const r of results) {
    table.push([
      r.size,
      r.apps,
      r.resources,
      r.previewMs,
      r.auditMs,
      r.wallMs,
      Math.round((r.resources / r.wallMs) * 1000),
      (r.wallMs / r.resources).toFixed(2),
      r.cpuMs,
      r.maxRssMiB,
      r.mandatoryFailures,
    ]);
  }
  console.log(table.toString());
  // Linearity: time per resource of the largest size against the 10-app size (warm-up dominates smaller ones).
  const ref = results.find((r) => r.size === "10") ?? results[1];
  const big = results[results.length - 1];
  const ratio = big.wallMs / big.resources / (ref.wallMs / ref.resources);
  const repo = results[0];
  const targets = [
    [`repository stacks under 3 s wall`, repo.wallMs < 3000, `${repo.wallMs} ms`],
    ...(big.apps >= 200
      ? [
          [`200 apps under 20 s wall`, big.wallMs < 20000, `${big.wallMs} ms`],
          [`200 apps under 1 GiB RSS`, big.maxRssMiB < 1024, `${big.maxRssMiB} MiB`],
        ]
      : []),
    [
      `time per resource at ${big.size} apps within 1.5x of ${ref.size} apps (linear)`,
      ratio < 1.5,
      `${ratio.toFixed(2)}x`,
    ],
    [`no mandatory policy failure at any size`, results.every((r) => r.mandatoryFailures === 0), ""],
  ] as Array<[string, boolean, string]>;
  for (const [what, ok, fig] of targets)
    console.log(`${ok ? "MET   " : "MISSED"} ${what}${fig ? ` (${fig})` : ""}`);
  if (jsonArg >= 0) fs.writeFileSync(argv[jsonArg + 1], JSON.stringify(results, null, 2) + "\n");
}

function met(ok: boolean, what: string, figure: string): void {
  console.log(`${ok ? "MET   " : "MISSED"} ${what} (${figure})`);
}

function reportLaunch(figures: LaunchFigure[]): LaunchFigure[] {
  const table = new Table({
    style: { head: [], border: [] },
    head: ["launch", "median ms", "floor ms", "ratio", "runs"],
  });
  for (const f of figures) table.push([f.what, f.medianMs, f.floorMs, `${f.ratio.toFixed(2)}x`, f.runs]);
  console.log(table.toString());
  met(
    figures[0].ratio <= 2,
    "main job at most 2x its floor (SDK and providers loaded)",
    `${figures[0].ratio.toFixed(2)}x`,
  );
  met(
    figures[1].ratio <= 2,
    "pack launch at most 2x its floor (@pulumi/pulumi and @pulumi/policy loaded)",
    `${figures[1].ratio.toFixed(2)}x`,
  );
  return figures;
}

function reportEngine(figures: EngineFigure[]): EngineFigure[] {
  const table = new Table({
    style: { head: [], border: [] },
    head: [
      "stack",
      "resources",
      "rounds",
      "pack CPU ms/resource",
      "empty pack (protocol) ms/resource",
      "policies' share ms/resource",
      "in-process ms/resource",
    ],
  });
  for (const f of figures)
    table.push([
      f.stack,
      f.resources,
      f.rounds,
      f.engineMsPerResource.toFixed(3),
      f.protocolMsPerResource.toFixed(3),
      (f.engineMsPerResource - f.protocolMsPerResource).toFixed(3),
      f.inProcessMsPerResource.toFixed(3),
    ]);
  console.log(table.toString());
  const worst = Math.max(...figures.map((f) => f.engineMsPerResource));
  const share = Math.max(...figures.map((f) => f.engineMsPerResource - f.protocolMsPerResource));
  met(
    worst <= 0.1,
    "at most 0.1 ms of pack CPU per resource under the engine protocol",
    `${worst.toFixed(3)} ms`,
  );
  met(share <= 0.1, "at most 0.1 ms per resource above a pack without policies", `${share.toFixed(3)} ms`);
  return figures;
}

function reportAudit(figures: AuditFigure[]): AuditFigure[] {
  const table = new Table({
    style: { head: [], border: [] },
    head: ["audit --from-export", "wall ms", "ms/resource"],
  });
  for (const f of figures) table.push([`${f.resources} resources`, f.wallMs, f.msPerResource.toFixed(4)]);
  console.log(table.toString());
  const ratio = figures[figures.length - 1].msPerResource / figures[0].msPerResource;
  met(
    ratio <= 1.3,
    `time per resource at ${figures[figures.length - 1].resources} at most 1.3x that at ${figures[0].resources}`,
    `${ratio.toFixed(2)}x`,
  );
  return figures;
}

void Promise.resolve(main(process.argv.slice(2))).then((code) => (process.exitCode = code));
