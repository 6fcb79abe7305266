/**
 * The mutation ledger (`test/proofs/stryker/ledger.json`, committed): the latest Stryker figures of every product
 * file measured, each tied to the SHA-256 of the source it was measured on.
 *
 * A whole-product run is longer than a working session on 2 cores, and Stryker writes its results only when a
 * run completes. So runs are made an area, or part of an area, at a time (`npm run mutation -- AREA --files
 * GLOB`), and each completed run records its files here. The whole product's score is the sum over the ledger's
 * entries that are current (the file's source is unchanged since); a file changed since its measurement, or never
 * measured, is named as such and keeps the product from passing its floors until measured again.
 *
 * What an entry does not track: changes to the tests. Adding tests can only raise a file's figure; deleting or
 * weakening one shows at the file's next measurement.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { calculateMutationTestMetrics } from "mutation-testing-metrics";
import type { MutationTestResult } from "mutation-testing-report-schema";
import { ROOT } from "../../root";

/** Where the ledger is kept, relative to the repository root. */
export const LEDGER_FILE = "test/proofs/stryker/ledger.json";

/** One file's figures at its latest measurement. */
export interface LedgerEntry {
  /** SHA-256 (hex) of the source measured. */
  sha256: string;
  /** The area of ./areas.ts whose specs ran. */
  area: string;
  /** Day of the measurement (YYYY-MM-DD, UTC). */
  measured: string;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Mutants Stryker could not run (compile or runtime errors): not counted in the score. */
  errors: number;
  /**
   * The mutants left alive (survived or not covered), as `line:column mutator replacement`, so that the next
   * session can write the tests that kill them without measuring again. At most {@link MAX_SURVIVORS}.
   */
  survivors: string[];
}

/** Product file (repository-relative, `/`-separated) -> its latest figures. */
export type Ledger = Record<string, LedgerEntry>;

/** At most this many survivors are listed per file (the counts stay exact). */
export const MAX_SURVIVORS = 200;

/** The ledger as committed; empty when there is none yet. */
export function readLedger(root = ROOT): Ledger {
  const file = path.join(root, LEDGER_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Ledger) : {};
}

/** Writes the ledger with its files in sorted order, so its diffs show what a run changed. */
export function writeLedger(ledger: Ledger, root = ROOT): void {
  const sorted = Object.fromEntries(Object.entries(ledger).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(path.join(root, LEDGER_FILE), JSON.stringify(sorted, null, 1) + "\n");
}

/** SHA-256 (hex) of a text. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The detected share of a file's or the product's valid mutants, in percent; NaN when none is valid. */
export function scoreOf(c: Pick<LedgerEntry, "killed" | "timeout" | "survived" | "noCoverage">): number {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid ? ((c.killed + c.timeout) / valid) * 100 : NaN;
}

/**
 * Records every file of a completed Stryker report (mutation-testing-report-schema v2) in `ledger`, replacing
 * the file's earlier entry. The counts are mutation-testing-metrics' (the library Stryker's reports use); the
 * hash is of the source the report carries, which is the source Stryker mutated.
 */
export function recordReport(
  ledger: Ledger,
  report: MutationTestResult,
  area: string,
  day: string,
): string[] {
  const recorded: string[] = [];
  for (const [name, result] of Object.entries(report.files)) {
    const file = path.relative(ROOT, path.resolve(ROOT, name)).split(path.sep).join("/");
    const one: MutationTestResult = { ...report, files: { [name]: result } };
    const m = calculateMutationTestMetrics(one).systemUnderTestMetrics.metrics;
    ledger[file] = {
      sha256: sha256(result.source),
      area,
      measured: day,
      killed: m.killed,
      timeout: m.timeout,
      survived: m.survived,
      noCoverage: m.noCoverage,
      errors: m.compileErrors + m.runtimeErrors,
      survivors: result.mutants
        .filter((x) => x.status === "Survived" || x.status === "NoCoverage")
        .sort(
          (a, b) =>
            a.location.start.line - b.location.start.line ||
            a.location.start.column - b.location.start.column,
        )
        .slice(0, MAX_SURVIVORS)
        .map(
          (x) =>
            `${x.location.start.line}:${x.location.start.column} ${x.mutatorName} ${JSON.stringify(x.replacement ?? "").slice(0, 60)}`,
        ),
    };
    recorded.push(file);
  }
  return recorded;
}

/** A product file's standing in the ledger. */
export type Standing = "current" | "changed" | "unmeasured";

/** The standing of each product file (`sources`: repository-relative paths), given the sources as they are now. */
export function standings(ledger: Ledger, sources: string[], root = ROOT): Map<string, Standing> {
  return new Map(
    sources.map((f) => {
      const entry = ledger[f];
      if (!entry) return [f, "unmeasured"];
      const now = sha256(fs.readFileSync(path.join(root, f), "utf8"));
      return [f, now === entry.sha256 ? "current" : "changed"];
    }),
  );
}
