/**
 * `npm run mutation [-- AREA ... [--files GLOB ...] [--force] | --status]`: mutation testing of the whole product,
 * one Stryker run per area (./areas.ts), each completed run recorded in the committed ledger (./ledger.ts), then one
 * score over the ledger.
 *
 * Each area runs with the shared options of `stryker.config.json` (runner, per-test coverage, static mutants
 * counted, concurrency) plus its own files and specs, incrementally: `reports/mutation/areas/<area>/` keeps its
 * last results (`incremental.json`, git-ignored), so a run after a change tests again only the mutants and tests it
 * touched (`--force`: every mutant again; Stryker keeps a surviving static mutant's result even when new tests
 * would kill it). `--files GLOB` narrows an area's files (a run short enough for one sitting); the ledger keeps every
 * file's latest figures across runs and sessions. With no area named, every area runs. `--status` runs nothing and
 * reports the ledger against the sources as they are.
 *
 * The summary (the whole product's figures over the current entries, the files changed since their measurement or
 * never measured, then every file, lowest score first) is written to `reports/mutation/summary.md` and printed.
 *
 * `MUTATION_CONCURRENCY` sets the number of Stryker's workers (default: `stryker.config.json`'s).
 *
 * Exit code: 0 when every product file is measured on its current source, the whole product scores at least
 * {@link FLOOR.product} percent and no file less than {@link FLOOR.file}; 1 otherwise (a Stryker run failed, a
 * file is unmeasured or changed since, or a floor is not met); 2 on an unknown area or option.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { minimatch } from "minimatch";
import type { MutationTestResult } from "mutation-testing-report-schema";
import { ROOT } from "../../root";
import { AREAS, type MutationArea, areaOfFile, NOT_MUTATED, productSources } from "./areas";
import {
  type Ledger,
  readLedger,
  recordReport,
  scoreOf,
  type Standing,
  standings,
  writeLedger,
} from "./ledger";

/** Floors of issue 27, in percent of the valid mutants detected (killed or timed out). */
export const FLOOR = { product: 90, file: 80 };

const OUT = path.join(ROOT, "reports", "mutation");
const areaDir = (name: string) => path.join(OUT, "areas", name);

/**
 * The Stryker options of one area: the shared ones, its files (or the part of them `files` globs select) and
 * specs, its own report and incremental file.
 */
export function areaOptions(
  shared: Record<string, unknown>,
  area: MutationArea,
  files: string[] = [],
  force = false,
): Record<string, unknown> {
  const dir = path.relative(ROOT, areaDir(area.name));
  const mutate = files.length
    ? productSources().filter((f) => areaOfFile(f) === area && files.some((g) => minimatch(f, g)))
    : area.mutate;
  return {
    ...shared,
    concurrency: Number(process.env.MUTATION_CONCURRENCY) || shared.concurrency,
    mutate,
    mochaInproc: {
      ...(shared.mochaInproc as object),
      spec: area.spec,
      ignore: area.ignore ?? [],
      skipTitles: area.skipTitles ?? [],
    },
    incremental: true,
    incrementalFile: `${dir}/incremental.json`,
    force,
    reporters: ["progress", "json", "html"],
    jsonReporter: { fileName: `${dir}/mutation.json` },
    htmlReporter: { fileName: `${dir}/mutation.html` },
    thresholds: { high: FLOOR.product, low: FLOOR.file, break: null },
  };
}

/** Runs Stryker on one area (or the part `files` selects); its report when the run completed. */
function runArea(
  shared: Record<string, unknown>,
  area: MutationArea,
  files: string[],
  force: boolean,
): MutationTestResult | null {
  fs.mkdirSync(areaDir(area.name), { recursive: true });
  const options = areaOptions(shared, area, files, force);
  const config = path.join(areaDir(area.name), "stryker.config.json");
  const report = path.join(areaDir(area.name), "mutation.json");
  fs.writeFileSync(config, JSON.stringify(options, null, 2));
  fs.rmSync(report, { force: true });
  console.log(
    `\n== mutation: area ${area.name} (${(options.mutate as string[]).filter((g) => !g.startsWith("!")).join(", ")})`,
  );
  const stryker = path.join(ROOT, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js");
  // The sandbox Stryker runs the tests in is a copy of the repository one level deeper: `../shared` (the
  // constitution and the catalogue, which the catalogue tests read) is named for them.
  const env = {
    ...process.env,
    CICD_SHARED_DIR: process.env.CICD_SHARED_DIR ?? path.resolve(ROOT, "../shared"),
  };
  const r = spawnSync(process.execPath, [stryker, "run", config], { cwd: ROOT, stdio: "inherit", env });
  if (r.status !== 0 || !fs.existsSync(report)) return null;
  return JSON.parse(fs.readFileSync(report, "utf8")) as MutationTestResult;
}

/**
 * The report's files the area mutates now: Stryker's incremental mode carries a file's earlier results into the
 * report after the file left the area (the pack's entry point, now proven by the engine-protocol test instead).
 */
export function ownFiles(report: MutationTestResult, area: MutationArea): MutationTestResult {
  const rel = (f: string) => path.relative(ROOT, path.resolve(ROOT, f)).split(path.sep).join("/");
  const files = Object.fromEntries(Object.entries(report.files).filter(([f]) => areaOfFile(rel(f)) === area));
  return { ...report, files };
}

/**
 * The report with an empty entry for each file of the run (the area's, or those `files` globs select) in which
 * Stryker found no mutant, so none in its report (a type-only module): measured, with nothing to kill.
 */
export function withMutantFreeFiles(
  report: MutationTestResult,
  area: MutationArea,
  files: string[],
): MutationTestResult {
  const rel = (f: string) => path.relative(ROOT, path.resolve(ROOT, f)).split(path.sep).join("/");
  const reported = new Set(Object.keys(report.files).map(rel));
  const free = productSources().filter(
    (f) =>
      areaOfFile(f) === area &&
      !(f in NOT_MUTATED) &&
      !reported.has(f) &&
      (!files.length || files.some((g) => minimatch(f, g))),
  );
  const empty = (f: string) => ({
    language: "typescript",
    source: fs.readFileSync(path.join(ROOT, f), "utf8"),
    mutants: [],
  });
  return { ...report, files: { ...report.files, ...Object.fromEntries(free.map((f) => [f, empty(f)])) } };
}

/** One product file's figures and standing. */
export interface FileScore {
  file: string;
  area: string;
  standing: Standing;
  /** Percent of the valid mutants detected; NaN when unmeasured. */
  score: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
}

/** Every product file's figures (unmeasured ones with zero counts), and the product's sums over current files. */
export function scores(ledger: Ledger, standing: Map<string, Standing>) {
  const files: FileScore[] = [...standing].map(([file, st]) => {
    const e = ledger[file];
    const c = e ?? { killed: 0, timeout: 0, survived: 0, noCoverage: 0 };
    return {
      file,
      area: e?.area ?? areaOfFile(file)?.name ?? "",
      standing: st,
      score: e ? scoreOf(c) : NaN,
      killed: c.killed,
      timeout: c.timeout,
      survived: c.survived,
      noCoverage: c.noCoverage,
    };
  });
  const current = files.filter((f) => f.standing === "current");
  const sum = (k: "killed" | "timeout" | "survived" | "noCoverage") => current.reduce((n, f) => n + f[k], 0);
  const product = {
    killed: sum("killed"),
    timeout: sum("timeout"),
    survived: sum("survived"),
    noCoverage: sum("noCoverage"),
  };
  const order = (f: FileScore) => (Number.isNaN(f.score) ? -1 : f.score);
  return {
    product: { ...product, score: scoreOf(product) },
    files: files.sort((a, b) => order(a) - order(b) || a.file.localeCompare(b.file)),
  };
}

function pct(n: number): string {
  return Number.isNaN(n) ? "n/a" : `${n.toFixed(2)}%`;
}

/** The summary as Markdown: the product's figures, what is not measured on its current source, every file. */
export function summary(s: ReturnType<typeof scores>): string {
  const p = s.product;
  const by = (st: Standing) => s.files.filter((f) => f.standing === st).map((f) => f.file);
  const changed = by("changed");
  const unmeasured = by("unmeasured");
  const lines = [
    `# Mutation score`,
    ``,
    `Whole product, over the ${by("current").length} of ${s.files.length} files measured on their current source: ` +
      `**${pct(p.score)}** (${p.killed} killed, ${p.timeout} timed out, ${p.survived} survived, ${p.noCoverage} ` +
      `without coverage). Floors: ${FLOOR.product}% for the product, ${FLOOR.file}% for each file.`,
    ...(changed.length ? [``, `Changed since measured (${changed.length}): ${changed.join(", ")}.`] : []),
    ...(unmeasured.length ? [``, `Never measured (${unmeasured.length}): ${unmeasured.join(", ")}.`] : []),
    ``,
    `| file | area | standing | score | killed | timed out | survived | no coverage |`,
    `|---|---|---|--:|--:|--:|--:|--:|`,
    ...s.files.map(
      (f) =>
        `| ${f.file} | ${f.area} | ${f.standing} | ${pct(f.score)} | ${f.killed} | ${f.timeout} | ${f.survived} | ${f.noCoverage} |`,
    ),
  ];
  return lines.join("\n") + "\n";
}

/** Parsed arguments: areas named, `--files` globs, `--status`; an error message for anything else. */
export function parseArgs(
  argv: string[],
): { areas: MutationArea[]; files: string[]; status: boolean; force: boolean } | string {
  const names: string[] = [];
  const files: string[] = [];
  let status = false;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--status") status = true;
    else if (a === "--force") force = true;
    else if (a === "--files" && argv[i + 1] !== undefined) files.push(argv[++i]);
    else if (a.startsWith("-"))
      return `unknown option ${a} (the options are --files GLOB, --force and --status)`;
    else if (!AREAS.some((x) => x.name === a))
      return `unknown area ${a}; the areas are ${AREAS.map((x) => x.name).join(", ")}`;
    else names.push(a);
  }
  const areas = names.length ? AREAS.filter((a) => names.includes(a.name)) : AREAS;
  return { areas, files, status, force };
}

function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    console.error(`npm run mutation: ${args}`);
    return 2;
  }
  const shared = JSON.parse(fs.readFileSync(path.join(ROOT, "stryker.config.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const failed: string[] = [];
  const hasFiles = (area: MutationArea) =>
    (areaOptions(shared, area, args.files).mutate as string[]).length > 0;
  for (const area of args.status ? [] : args.areas.filter(hasFiles)) {
    const report = runArea(shared, area, args.files, args.force);
    if (!report) failed.push(area.name);
    else {
      // Read again after the run: another run (another area, beside this one) may have recorded meanwhile.
      const ledger = readLedger();
      const measured = withMutantFreeFiles(ownFiles(report, area), area, args.files);
      recordReport(ledger, measured, area.name, new Date().toISOString().slice(0, 10));
      writeLedger(ledger);
    }
  }
  const ledger = readLedger();
  const s = scores(
    ledger,
    standings(
      ledger,
      productSources().filter((f) => !(f in NOT_MUTATED)),
    ),
  );
  const text = summary(s);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, "summary.md"), text);
  console.log(`\n${text}`);
  if (failed.length) console.error(`npm run mutation: no completed run for ${failed.join(", ")}`);
  const short = s.files.filter((f) => f.standing !== "current" || f.score < FLOOR.file);
  return !failed.length && !short.length && s.product.score >= FLOOR.product ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
