/**
 * Every report format is rendered, for one stack and for several, and has a file extension (src/report/render.ts
 * `renderReport`, `renderReports`, src/report/command.ts `EXTENSIONS`); each switches exhaustively on
 * `ReportFormat`, so tsc fails on a format added to `REPORT_FORMATS` and not handled, and an untyped caller's unknown
 * format is refused by name.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXTENSIONS, runReport } from "../../src/report/command";
import { ROOT } from "../helpers";
import { cleanTempDirs, tempDir } from "../temp";
import { renderReport, renderReports } from "../../src/report/render";
import { REPORT_FORMATS } from "../../src/report/types";
import { realReports } from "./real-results";

describe("report formats", function () {
  after(cleanTempDirs);
  it("renders every format, each with its extension", async function () {
    const { broken } = await realReports();
    for (const f of REPORT_FORMATS) {
      assert.ok(renderReport(broken, f, { color: false }).length > 100, f);
      assert.match(EXTENSIONS[f], /^[a-z]+$/, f);
    }
    assert.deepEqual(Object.keys(EXTENSIONS).sort(), [...REPORT_FORMATS].sort());
  });

  it("renders table and Markdown reports of several stacks one after the other, one report as renderReport", async function () {
    const { staging, production } = await realReports();
    for (const f of ["table", "markdown"] as const) {
      const one = (r: typeof staging) => renderReport(r, f, { color: false });
      assert.equal(
        renderReports([production, staging], f, { color: false }),
        `${one(production)}\n\n${one(staging)}`,
      );
    }
    for (const f of REPORT_FORMATS)
      assert.equal(
        renderReports([staging], f, { color: false }),
        renderReport(staging, f, { color: false }),
        f,
      );
    assert.throws(() => renderReports([], "json"), /no report to render/);
    assert.throws(() => renderReports([staging, staging], "json"), /two reports of stack staging/);
  });

  it("refuses an unknown format from an untyped caller, listing the formats", async function () {
    const { production } = await realReports();
    assert.throws(
      () => renderReport(production, "xml" as never),
      /^Error: unknown report format xml; expected table, json, markdown, sarif, junit$/,
    );
    assert.throws(
      () => renderReports([production, production], "xml" as never),
      /unknown report format xml; expected/,
    );
  });

  it("renders several formats from one preview per stack into --out-dir, and refuses --also-formats without it", async function () {
    const out = tempDir("report-formats");
    const code = await runReport({
      stack: "all",
      dir: ROOT,
      format: "sarif",
      alsoFormats: ["markdown", "junit", "json"],
      outDir: out,
    });
    assert.equal(code, 0);
    assert.deepEqual(fs.readdirSync(out).sort(), [
      "audit.production.json",
      "audit.production.md",
      "audit.production.sarif",
      "audit.production.xml",
      "audit.staging.json",
      "audit.staging.md",
      "audit.staging.sarif",
      "audit.staging.xml",
    ]);
    const sarif = JSON.parse(fs.readFileSync(path.join(out, "audit.staging.sarif"), "utf8"));
    assert.equal(sarif.version, "2.1.0");
    assert.equal(
      JSON.parse(fs.readFileSync(path.join(out, "audit.production.json"), "utf8")).stack,
      "production",
    );
    assert.match(fs.readFileSync(path.join(out, "audit.staging.xml"), "utf8"), /^<\?xml/);
    const refused = await runReport({ stack: "all", dir: ROOT, format: "sarif", alsoFormats: ["json"] });
    assert.equal(refused, 2);
  });
});
