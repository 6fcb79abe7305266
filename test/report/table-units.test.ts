/**
 * src/report/table.ts on hand-built reports: the header, overrides and Scorecard lines, one table per section in
 * catalogue order with its pass and not-applicable counts (failing and waived rows only, every row with `verbose`,
 * sorted by status then rule), "no failures" for a section with nothing to show, the remediation of each failing
 * rule once, each status's colour, control characters shown as escapes, and every line wrapped to the width
 * (a section's title line included).
 */
import { strict as assert } from "node:assert";
import { renderTable } from "../../src/report/table";
import { result, tinyReport } from "./tiny-report";

/** The text lines of `text` that are not table borders or data rows. */
const textLines = (text: string) => text.split("\n").filter((l) => !/^[┌├└│]/.test(l));
/** The data rows of every table in `text`, each as its trimmed cells (the header rows included). */
const rows = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith("│"))
    .map((l) =>
      l
        .split("│")
        .slice(1, -1)
        .map((c) => c.trim()),
    );

describe("renderTable: the report as terminal text", function () {
  it("writes the header, overrides, Scorecard, each section and the remediation", function () {
    const text = renderTable(tinyReport(), { color: false });
    assert.deepEqual(textLines(text), [
      "Policy audit of stack qa: OFFLINE (plan under Pulumi mocks: desired state only)",
      "Policy pack pack 1.0.0; stack file Pulumi.qa.yaml",
      "6 results: 2 pass, 2 fail (1 mandatory, 1 advisory), 1 waived, 1 not applicable",
      "",
      "Overrides in force (CC-WAIVE-02): 2",
      "  CC-OBS-01 mandatory -> advisory by ops until 2030-02-01: alarms <migrating>",
      "  CC-ENV-02 lifted for app-x by lead until 2030-03-01: hotfix",
      "",
      "OpenSSF Scorecard Branch-Protection (declared settings)",
      "  o/top: Scorecard Branch-Protection 10/10; top tier",
      "  o/low: Scorecard Branch-Protection 3/10; next (6/10) needs reviews, codeowners. one approval",
      "",
      "ENV: GitHub Environments and secrets  (0 pass, 0 not applicable)",
      "",
      "RUN: runtimes  (0 pass, 0 not applicable)",
      "",
      "OBS: observability and error budget  (1 pass, 1 not applicable)",
      "  no failures",
      "",
      "ZZZ  (1 pass, 0 not applicable)",
      "  no failures",
      "",
      "Remediation",
      "  CC-RUN-08: Fix CC-RUN-08.",
      "  CC-ENV-02: Fix CC-ENV-02.",
    ]);
    assert.deepEqual(rows(text), [
      ["status", "rule", "resource", "evidence"],
      ["FAIL mandatory", "CC-ENV-02", "env-1", "no reviewers"],
      ["WAIVED", "CC-ENV-02", "env-2", "no reviewers"],
      ["status", "rule", "resource", "evidence"],
      ["FAIL advisory", "CC-RUN-08", "logs-1", "kept 1 day"],
    ]);
  });

  it("with verbose, lists every result, sorted by status (fail, waived, n/a, pass) then rule", function () {
    const r = tinyReport({
      results: [
        result("CC-RUN-09", "pass", "a", "p"),
        result("CC-RUN-08", "not-applicable", "b", "n"),
        result("CC-RUN-08", "pass", "c", "p"),
        result("CC-RUN-09", "waived", "d", "w"),
        result("CC-RUN-09", "fail", null, "f", "advisory"),
        result("CC-RUN-08", "fail", "e", "f"),
      ],
      overrides: [],
      scorecard: [],
    });
    const text = renderTable(r, { color: false, verbose: true });
    assert.deepEqual(rows(text), [
      ["status", "rule", "resource", "evidence"],
      ["FAIL mandatory", "CC-RUN-08", "e", "f"],
      ["FAIL advisory", "CC-RUN-09", "(stack)", "f"],
      ["WAIVED", "CC-RUN-09", "d", "w"],
      ["n/a", "CC-RUN-08", "b", "n"],
      ["pass", "CC-RUN-08", "c", "p"],
      ["pass", "CC-RUN-09", "a", "p"],
    ]);
    assert.ok(text.includes("RUN: runtimes  (2 pass, 1 not applicable)"));
    // The remediation follows the order of the results, each failing rule once.
    assert.deepEqual(textLines(text).slice(-3), [
      "Remediation",
      "  CC-RUN-09: see the catalogue",
      "  CC-RUN-08: Fix CC-RUN-08.",
    ]);
  });

  it("leaves out overrides, Scorecard, the stack file and the remediation when there are none", function () {
    const r = tinyReport({
      results: [result("CC-OBS-01", "pass", null, "ok")],
      overrides: [],
      scorecard: [],
      stackFile: undefined,
      mode: "online",
    });
    assert.deepEqual(textLines(renderTable(r, { color: false })), [
      "Policy audit of stack qa: ONLINE (state or preview from the Pulumi engine)",
      "Policy pack pack 1.0.0",
      "6 results: 2 pass, 2 fail (1 mandatory, 1 advisory), 1 waived, 1 not applicable",
      "",
      "OBS: observability and error budget  (1 pass, 0 not applicable)",
      "  no failures",
    ]);
  });

  it("colours the titles bold and each status in its colour", function () {
    const r = tinyReport({ overrides: [], scorecard: [] });
    const text = renderTable(r, { color: true, verbose: true });
    const lines = text.split("\n");
    assert.equal(
      lines[0],
      "\u001b[1mPolicy audit of stack qa: OFFLINE (plan under Pulumi mocks: desired state only)\u001b[22m",
    );
    assert.ok(lines.includes("\u001b[1mZZZ\u001b[22m  (1 pass, 0 not applicable)"));
    assert.ok(lines.includes("\u001b[1mRemediation\u001b[22m"));
    const statuses = rows(text).map((c) => c[0]);
    for (const s of [
      "\u001b[31mFAIL mandatory\u001b[39m",
      "\u001b[33mFAIL advisory\u001b[39m",
      "\u001b[36mWAIVED\u001b[39m",
      "\u001b[32mpass\u001b[39m",
      "\u001b[90mn/a\u001b[39m",
    ])
      assert.ok(statuses.includes(s), s);
  });

  it("shows control characters in a resource name, a message or an override as escapes", function () {
    const r = tinyReport({
      results: [result("CC-ENV-02", "fail", "a\u001bb", "m\u0007")],
      overrides: [{ ...tinyReport().overrides[0], reason: "r\u001b[2J" }],
      scorecard: [],
    });
    const text = renderTable(r, { color: false });
    assert.deepEqual(rows(text)[1], ["FAIL mandatory", "CC-ENV-02", "a\\u001bb", "m\\u0007"]);
    assert.ok(text.includes("  CC-OBS-01 mandatory -> advisory by ops until 2030-02-01: r\\u001b[2J"));
  });

  it("wraps long lines to the width, continuation lines indented", function () {
    const r = tinyReport({ results: [result("CC-OBS-01", "pass", null, "ok")], scorecard: [] });
    const lines = textLines(renderTable(r, { color: false, width: 40 }));
    assert.deepEqual(lines.slice(0, 6), [
      "Policy audit of stack qa: OFFLINE",
      "  (plan under Pulumi mocks: desired",
      "  state only)",
      "Policy pack pack 1.0.0; stack file",
      "  Pulumi.qa.yaml",
      "6 results: 2 pass, 2 fail (1",
    ]);
    assert.ok(
      lines.every((l) => l.length <= 40),
      lines.join("\n"),
    );
    // A section's title line too (it was not wrapped: 63 columns at a width of 40).
    const at = lines.findIndex((l) => l.startsWith("OBS: "));
    assert.deepEqual(
      lines.slice(at, at + 2).map((l) => l.trimEnd()),
      ["OBS: observability and error budget", "  (1 pass, 0 not applicable)"],
    );
  });
});
