/**
 * src/deploy/checks.ts on a hand-built report of `cicd verify`: the exit code (1 on any failure), and every
 * format, exactly: the table (plain and coloured by status), JSON with its summary, Markdown (the job summary),
 * SARIF (each check's rule, kind and level) and JUnit (failures and skips counted, the failure's text).
 */
import { strict as assert } from "node:assert";
import { XMLParser } from "fast-xml-parser";
import type * as Sarif from "sarif";
import { CHECKS, type CheckReport, exitCodeOf, renderChecks } from "../../src/deploy/checks";

const REPORT: CheckReport = {
  command: "verify",
  stack: "staging",
  checks: [
    { id: "VERIFY-SERVICE", app: "erp", status: "pass", message: "steady" },
    { id: "VERIFY-DIGEST", app: "erp", status: "fail", message: "runs sha256:aa, pinned sha256:bb" },
    { id: "VERIFY-FLAGS", app: "*", status: "skip", message: "no flags" },
  ],
};

describe("deploy: a check report in every format (src/deploy/checks.ts)", () => {
  it("exits 1 when a check failed, 0 when none did (skips included)", () => {
    assert.equal(exitCodeOf(REPORT), 1);
    assert.equal(exitCodeOf({ ...REPORT, checks: REPORT.checks.filter((c) => c.status !== "fail") }), 0);
    assert.equal(exitCodeOf({ ...REPORT, checks: [] }), 0);
  });

  it("table: the command line, one row per check, the counts", () => {
    assert.equal(
      renderChecks(REPORT, "table"),
      [
        "cicd verify --stack staging",
        "┌────────┬────────────────┬─────┬──────────────────────────────────┐",
        "│ status │ check          │ app │ finding                          │",
        "├────────┼────────────────┼─────┼──────────────────────────────────┤",
        "│ PASS   │ VERIFY-SERVICE │ erp │ steady                           │",
        "├────────┼────────────────┼─────┼──────────────────────────────────┤",
        "│ FAIL   │ VERIFY-DIGEST  │ erp │ runs sha256:aa, pinned sha256:bb │",
        "├────────┼────────────────┼─────┼──────────────────────────────────┤",
        "│ SKIP   │ VERIFY-FLAGS   │ *   │ no flags                         │",
        "└────────┴────────────────┴─────┴──────────────────────────────────┘",
        "1 passed, 1 failed, 1 skipped",
      ].join("\n"),
    );
  });

  it("table at 40 columns: every line fits, the status and the check ID whole, the others wrapped", () => {
    const narrow: CheckReport = {
      ...REPORT,
      checks: [
        {
          id: "VERIFY-DIGEST",
          app: "erp-berhan",
          status: "fail",
          message: "runs sha256:aaaaaaaaaaaa, pinned sha256:bbbb",
        },
      ],
    };
    const lines = renderChecks(narrow, "table", { color: false, width: 40 }).split("\n");
    assert.deepEqual(
      lines.filter((l) => [...l].length > 40),
      [],
    );
    assert.match(lines[5], /^│ FAIL {3}│ VERIFY-DIGEST │ erp- │ \S+ *│$/);
    assert.ok(lines.length > 9, "app and finding wrapped over several lines");
  });

  it("table in colour: PASS green, FAIL red, SKIP grey", () => {
    const coloured = renderChecks(REPORT, "table", { color: true });
    const esc = "\u001b";
    assert.ok(coloured.includes(`${esc}[32mPASS${esc}[39m`), coloured);
    assert.ok(coloured.includes(`${esc}[31mFAIL${esc}[39m`), coloured);
    assert.ok(coloured.includes(`${esc}[90mSKIP${esc}[39m`), coloured);
  });

  it("JSON: the report with its schema version and summary", () => {
    assert.deepEqual(JSON.parse(renderChecks(REPORT, "json")), {
      schemaVersion: 1,
      ...REPORT,
      summary: "1 passed, 1 failed, 1 skipped",
    });
  });

  it("Markdown: a heading, the counts, one row per check with its icon", () => {
    assert.equal(
      renderChecks(REPORT, "markdown"),
      [
        "## cicd verify: staging",
        "",
        "1 passed, 1 failed, 1 skipped",
        "",
        "| | check | app | finding |",
        "| --- | --- | --- | --- |",
        "| ✅ | VERIFY-SERVICE | erp | steady |",
        "| ❌ | VERIFY-DIGEST | erp | runs sha256:aa, pinned sha256:bb |",
        "| ⏭️ | VERIFY-FLAGS | \\* | no flags |",
      ].join("\n"),
    );
  });

  it("SARIF: every check a rule; each result's rule, kind, level, message and properties", () => {
    const log = JSON.parse(renderChecks(REPORT, "sarif")) as Sarif.Log;
    assert.equal(log.version, "2.1.0");
    assert.equal(log.$schema, "https://json.schemastore.org/sarif-2.1.0.json");
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, "cicd verify");
    assert.deepEqual(
      run.tool.driver.rules,
      Object.entries(CHECKS).map(([id, text]) => ({ id, shortDescription: { text } })),
    );
    const ids = Object.keys(CHECKS);
    assert.deepEqual(run.results, [
      {
        ruleId: "VERIFY-SERVICE",
        ruleIndex: ids.indexOf("VERIFY-SERVICE"),
        kind: "pass",
        level: "none",
        message: { text: "erp: steady" },
        properties: { stack: "staging", app: "erp" },
      },
      {
        ruleId: "VERIFY-DIGEST",
        ruleIndex: ids.indexOf("VERIFY-DIGEST"),
        kind: "fail",
        level: "error",
        message: { text: "erp: runs sha256:aa, pinned sha256:bb" },
        properties: { stack: "staging", app: "erp" },
      },
      {
        ruleId: "VERIFY-FLAGS",
        ruleIndex: ids.indexOf("VERIFY-FLAGS"),
        kind: "notApplicable",
        level: "none",
        message: { text: "*: no flags" },
        properties: { stack: "staging", app: "*" },
      },
    ]);
  });

  it("JUnit: the suite's counts, a failure with the check's meaning, a skip with its reason", () => {
    const xml = renderChecks(REPORT, "junit");
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'), xml.slice(0, 60));
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);
    assert.equal(doc.testsuites.name, "cicd verify staging");
    const suite = doc.testsuites.testsuite;
    assert.deepEqual(
      [suite.name, suite.tests, suite.failures, suite.errors, suite.skipped],
      ["verify: staging", "3", "1", "0", "1"],
    );
    assert.deepEqual(suite.testcase, [
      { classname: "staging.VERIFY-SERVICE", name: "VERIFY-SERVICE erp" },
      {
        classname: "staging.VERIFY-DIGEST",
        name: "VERIFY-DIGEST erp",
        failure: {
          message: "runs sha256:aa, pinned sha256:bb",
          "#text": `${CHECKS["VERIFY-DIGEST"]}\nruns sha256:aa, pinned sha256:bb`,
        },
      },
      { classname: "staging.VERIFY-FLAGS", name: "VERIFY-FLAGS *", skipped: { message: "no flags" } },
    ]);
  });

  it("refuses a format it does not know, naming the ones it does", () => {
    assert.throws(
      () => renderChecks(REPORT, "yaml" as never),
      /^Error: unknown report format yaml; expected table, json, markdown, sarif or junit$/,
    );
  });
});
