/**
 * The mutation ledger (test/proofs/stryker/ledger.ts) and `npm run mutation`'s reading of it (run.ts): a
 * completed report's files are recorded with the hash of their source; the product's score counts only files
 * measured on their current source; a changed or unmeasured file keeps the run from passing.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { MutantResult, MutationTestResult } from "mutation-testing-report-schema";
import { AREAS, areaOfFile, productSources } from "./stryker/areas";
import { readLedger, recordReport, scoreOf, sha256, standings, type Ledger } from "./stryker/ledger";
import { FLOOR, ownFiles, parseArgs, scores, summary, withMutantFreeFiles } from "./stryker/run";
import { cleanTempDirs, tempDir } from "../temp";
import { ROOT } from "../root";

function mutant(id: number, status: MutantResult["status"], line: number): MutantResult {
  return {
    id: String(id),
    mutatorName: "StringLiteral",
    replacement: `""`,
    status,
    location: { start: { line, column: 3 }, end: { line, column: 9 } },
  };
}

/** A report of two files: a.ts with 3 killed, 1 timeout, 1 survived, 1 without coverage, 1 compile error. */
function report(): MutationTestResult {
  return {
    schemaVersion: "2",
    thresholds: { high: 90, low: 80 },
    files: {
      "src/a.ts": {
        language: "typescript",
        source: "const a = 'x';\n",
        mutants: [
          mutant(1, "Killed", 1),
          mutant(2, "Killed", 1),
          mutant(3, "Killed", 2),
          mutant(4, "Timeout", 2),
          mutant(5, "NoCoverage", 9),
          mutant(6, "Survived", 4),
          mutant(7, "CompileError", 5),
        ],
      },
      "src/b.ts": { language: "typescript", source: "const b = 1;\n", mutants: [mutant(8, "Killed", 1)] },
    },
  };
}

describe("mutation ledger", () => {
  after(cleanTempDirs);

  it("records each file's counts, its source's hash and its survivors in line order", () => {
    const ledger: Ledger = {};
    const files = recordReport(ledger, report(), "config", "2026-12-06");
    assert.deepEqual(files.sort(), ["src/a.ts", "src/b.ts"]);
    assert.deepEqual(ledger["src/a.ts"], {
      sha256: sha256("const a = 'x';\n"),
      area: "config",
      measured: "2026-12-06",
      killed: 3,
      timeout: 1,
      survived: 1,
      noCoverage: 1,
      errors: 1,
      survivors: ['4:3 StringLiteral "\\"\\""', '9:3 StringLiteral "\\"\\""'],
    });
    assert.equal(scoreOf(ledger["src/a.ts"]), (4 / 6) * 100);
    assert.ok(Number.isNaN(scoreOf({ killed: 0, timeout: 0, survived: 0, noCoverage: 0 })));
  });

  it("a file is current only while its source is the one measured; the product counts current files only", () => {
    const root = tempDir("ledger");
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src/a.ts"), "const a = 'x';\n");
    fs.writeFileSync(path.join(root, "src/b.ts"), "const b = 2; // changed since\n");
    fs.writeFileSync(path.join(root, "src/c.ts"), "");
    const ledger: Ledger = {};
    recordReport(ledger, report(), "config", "2026-12-06");
    const st = standings(ledger, ["src/a.ts", "src/b.ts", "src/c.ts"], root);
    assert.deepEqual(
      [...st],
      [
        ["src/a.ts", "current"],
        ["src/b.ts", "changed"],
        ["src/c.ts", "unmeasured"],
      ],
    );
    const s = scores(ledger, st);
    assert.deepEqual(s.product, { killed: 3, timeout: 1, survived: 1, noCoverage: 1, score: (4 / 6) * 100 });
    assert.deepEqual(
      s.files.map((f) => [f.file, f.standing, Number.isNaN(f.score) ? "n/a" : f.score.toFixed(1)]),
      [
        ["src/c.ts", "unmeasured", "n/a"],
        ["src/a.ts", "current", "66.7"],
        ["src/b.ts", "changed", "100.0"],
      ],
    );
    const md = summary(s);
    assert.match(md, /over the 1 of 3 files measured on their current source: \*\*66\.67%\*\*/);
    assert.match(md, /Changed since measured \(1\): src\/b\.ts\./);
    assert.match(md, /Never measured \(1\): src\/c\.ts\./);
    assert.match(md, new RegExp(`Floors: ${FLOOR.product}% for the product, ${FLOOR.file}% for each file`));
    assert.match(md, /\| src\/a\.ts \| config \| current \| 66\.67% \| 3 \| 1 \| 1 \| 1 \|/);
  });

  it("arguments: areas, --files globs, --status; anything else is named", () => {
    const ok = parseArgs(["config", "--files", "src/config/checks.ts", "--files", "src/config/s*.ts"]);
    assert.ok(typeof ok !== "string");
    assert.deepEqual(
      ok.areas.map((a) => a.name),
      ["config"],
    );
    assert.deepEqual(ok.files, ["src/config/checks.ts", "src/config/s*.ts"]);
    assert.equal(ok.force, false);
    assert.equal((parseArgs(["config", "--force"]) as { force: boolean }).force, true);
    assert.equal(ok.status, false);
    const all = parseArgs(["--status"]);
    assert.ok(typeof all !== "string" && all.status && all.areas.length > 5);
    assert.match(
      String(parseArgs(["nope"])),
      /unknown area nope; the areas are pack, pack-iam, config, program, reports, deploy, cli$/,
    );
    assert.match(String(parseArgs(["--fast"])), /unknown option --fast/);
    assert.match(String(parseArgs(["--files"])), /unknown option --files/);
  });

  it("the committed ledger holds product files only, each under the area that mutates it, with consistent counts", () => {
    const ledger = readLedger();
    const sources = new Set(productSources());
    for (const [file, e] of Object.entries(ledger)) {
      assert.ok(sources.has(file), `${file} is not a product source`);
      assert.equal(e.area, areaOfFile(file)?.name, `${file}: area`);
      assert.match(e.sha256, /^[0-9a-f]{64}$/);
      assert.match(e.measured, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(e.survivors.length <= Math.min(e.survived + e.noCoverage, 200), `${file}: survivors listed`);
    }
  });

  it("records only the files the area mutates now (Stryker's incremental report keeps a file that left it)", () => {
    const pack = AREAS.find((a) => a.name === "pack")!;
    const one = report().files["src/a.ts"];
    const r = {
      ...report(),
      files: {
        "policy-pack/lib/props.ts": one,
        [path.join(ROOT, "policy-pack/lib/facts.ts")]: one,
        "policy-pack/index.ts": one,
        "src/cli/main.ts": one,
      },
    };
    assert.deepEqual(Object.keys(ownFiles(r, pack).files), [
      "policy-pack/lib/props.ts",
      path.join(ROOT, "policy-pack/lib/facts.ts"),
    ]);
  });

  it("records a file of the run in which Stryker found no mutant (type-only) as measured, with nothing to kill", () => {
    const pack = AREAS.find((a) => a.name === "pack")!;
    const one = report().files["src/a.ts"];
    const r = withMutantFreeFiles({ ...report(), files: { "policy-pack/lib/tokens.ts": one } }, pack, [
      "policy-pack/lib/t*.ts",
    ]);
    assert.deepEqual(Object.keys(r.files), ["policy-pack/lib/tokens.ts", "policy-pack/lib/types.ts"]);
    assert.deepEqual(r.files["policy-pack/lib/types.ts"].mutants, []);
    const ledger: Ledger = {};
    recordReport(ledger, r, "pack", "2026-12-06");
    assert.deepEqual(
      [ledger["policy-pack/lib/types.ts"].killed, ledger["policy-pack/lib/types.ts"].survived],
      [0, 0],
    );
  });
});
