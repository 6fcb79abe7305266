/**
 * `npm run mutation [-- AREA ...]`: mutation testing of the whole product, one Stryker run per area
 * (./areas.ts), then one score over every area's results.
 *
 * Each area runs with the shared options of `stryker.config.json` (runner, per-test coverage, static mutants
 * counted, concurrency) plus its own files and specs, incrementally: `reports/mutation/areas/<area>/` keeps its
 * last results (`incremental.json`), so a run after a change tests again only the mutants and tests it touched.
 * With no area named, every area runs. The score is then computed over the latest results of every area
 * (mutation-testing-metrics, the library Stryker's reports use), written to `reports/mutation/summary.md`,
 * and printed.
 *
 * `MUTATION_CONCURRENCY` sets the number of Stryker's workers (default: `stryker.config.json`'s).
 *
 * Exit code: 0 when every area has results, the whole product scores at least {@link FLOOR.product} percent and
 * no file less than {@link FLOOR.file}; 1 otherwise (an area failed to run, an area has no results yet, or a
 * floor is not met); 2 on an unknown area name.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { calculateMutationTestMetrics } from "mutation-testing-metrics";
import type { MutationTestResult } from "mutation-testing-report-schema";
import { ROOT } from "../../root";
import { AREAS, type MutationArea } from "./areas";

/** Floors of issue 27, in percent of the valid mutants detected (killed or timed out). */
export const FLOOR = { product: 90, file: 80 };

const OUT = path.join(ROOT, "reports", "mutation");
const areaDir = (name: string) => path.join(OUT, "areas", name);

/** The Stryker options of one area: the shared ones, its files and specs, its own report and incremental file. */
export function areaOptions(shared: Record<string, unknown>, area: MutationArea): Record<string, unknown> {
  const dir = path.relative(ROOT, areaDir(area.name));
  return {
    ...shared,
    concurrency: Number(process.env.MUTATION_CONCURRENCY) || shared.concurrency,
    mutate: area.mutate,
    mochaInproc: {
      ...(shared.mochaInproc as object),
      spec: area.spec,
      ignore: area.ignore ?? [],
      skipTitles: area.skipTitles ?? [],
    },
    incremental: true,
    incrementalFile: `${dir}/incremental.json`,
    reporters: ["progress", "json", "html"],
    jsonReporter: { fileName: `${dir}/mutation.json` },
    htmlReporter: { fileName: `${dir}/mutation.html` },
    thresholds: { high: FLOOR.product, low: FLOOR.file, break: null },
  };
}

/** Runs Stryker on one area; true when it completed. */
function runArea(shared: Record<string, unknown>, area: MutationArea): boolean {
  fs.mkdirSync(areaDir(area.name), { recursive: true });
  const config = path.join(areaDir(area.name), "stryker.config.json");
  fs.writeFileSync(config, JSON.stringify(areaOptions(shared, area), null, 2));
  console.log(
    `\n== mutation: area ${area.name} (${area.mutate.filter((g) => !g.startsWith("!")).join(", ")})`,
  );
  const stryker = path.join(ROOT, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js");
  const r = spawnSync(process.execPath, [stryker, "run", config], { cwd: ROOT, stdio: "inherit" });
  return r.status === 0;
}

/** One file's figures. */
export interface FileScore {
  file: string;
  area: string;
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  /** Percent of the valid mutants detected. */
  score: number;
}

/** The latest results of every area that has some, as one report (areas mutate disjoint files). */
export function mergedReport(areas: MutationArea[]): {
  report: MutationTestResult;
  areaOf: Map<string, string>;
} {
  const report: MutationTestResult = {
    schemaVersion: "2",
    thresholds: { high: FLOOR.product, low: FLOOR.file },
    files: {},
  };
  const areaOf = new Map<string, string>();
  for (const area of areas) {
    const file = path.join(areaDir(area.name), "mutation.json");
    if (!fs.existsSync(file)) continue;
    const one = JSON.parse(fs.readFileSync(file, "utf8")) as MutationTestResult;
    for (const [name, result] of Object.entries(one.files)) {
      report.files[name] = result;
      areaOf.set(name, area.name);
    }
  }
  return { report, areaOf };
}

/** Per-file and whole-product figures of a merged report. */
export function scores(report: MutationTestResult, areaOf: Map<string, string>) {
  const metrics = calculateMutationTestMetrics(report).systemUnderTestMetrics;
  const files: FileScore[] = [];
  const walk = (node: typeof metrics) => {
    if (node.file) {
      const m = node.metrics;
      files.push({
        file: node.name,
        area: areaOf.get(node.name) ?? "",
        killed: m.killed,
        survived: m.survived,
        noCoverage: m.noCoverage,
        timeout: m.timeout,
        score: m.mutationScore,
      });
    }
    node.childResults.forEach(walk);
  };
  walk(metrics);
  return { product: metrics.metrics, files: files.sort((a, b) => a.score - b.score) };
}

function pct(n: number): string {
  return Number.isNaN(n) ? "n/a" : `${n.toFixed(2)}%`;
}

/** The summary as Markdown: the whole product's figures, then every file, lowest score first. */
export function summary(s: ReturnType<typeof scores>, missing: string[]): string {
  const p = s.product;
  const lines = [
    `# Mutation score`,
    ``,
    `Whole product: **${pct(p.mutationScore)}** (${p.killed} killed, ${p.timeout} timed out, ${p.survived} survived, ` +
      `${p.noCoverage} without coverage, ${p.ignored} ignored; ${s.files.length} files). Floors: ${FLOOR.product}% ` +
      `for the product, ${FLOOR.file}% for each file.`,
    ...(missing.length ? [``, `Areas without results: ${missing.join(", ")}.`] : []),
    ``,
    `| file | area | score | killed | timed out | survived | no coverage |`,
    `|---|---|--:|--:|--:|--:|--:|`,
    ...s.files.map(
      (f) =>
        `| ${f.file} | ${f.area} | ${pct(f.score)} | ${f.killed} | ${f.timeout} | ${f.survived} | ${f.noCoverage} |`,
    ),
  ];
  return lines.join("\n") + "\n";
}

function main(argv: string[]): number {
  const unknown = argv.filter((a) => !AREAS.some((x) => x.name === a));
  if (unknown.length) {
    console.error(
      `npm run mutation: unknown area ${unknown.join(", ")}; the areas are ${AREAS.map((a) => a.name).join(", ")}`,
    );
    return 2;
  }
  const shared = JSON.parse(fs.readFileSync(path.join(ROOT, "stryker.config.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const chosen = argv.length ? AREAS.filter((a) => argv.includes(a.name)) : AREAS;
  const failed = chosen.filter((area) => !runArea(shared, area)).map((a) => a.name);
  const { report, areaOf } = mergedReport(AREAS);
  const missing = AREAS.filter((a) => ![...areaOf.values()].includes(a.name)).map((a) => a.name);
  const s = scores(report, areaOf);
  const text = summary(s, missing);
  fs.writeFileSync(path.join(OUT, "summary.md"), text);
  console.log(`\n${text}`);
  if (failed.length) console.error(`npm run mutation: Stryker failed on ${failed.join(", ")}`);
  const low = s.files.filter((f) => f.score < FLOOR.file);
  const met = !failed.length && !missing.length && s.product.mutationScore >= FLOOR.product && !low.length;
  return met ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
