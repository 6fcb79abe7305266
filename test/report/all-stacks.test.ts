/**
 * One request, one document: `cicd report --stack all` in json, sarif and junit prints one document holding every
 * stack (a JSON object keyed by stack, a SARIF log with one run per stack that validates against the SARIF 2.1.0
 * schema, one JUnit `<testsuites>`), `--out` writes the same bytes, and one stack's output is the one-stack format.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { cicd, cleanTempDirs, tempProject } from "../cli-harness";
import { renderReport } from "../../src/report/render";
import { reportsJunit } from "../../src/report/junit";
import { realReports } from "./real-results";
import { sarifValidator } from "./sarif-schema";

const TODAY = ["--today", "2026-11-21"];

describe("report --stack all: one document on stdout", function () {
  this.timeout(300_000);
  after(cleanTempDirs);
  let dir: string;
  before(() => (dir = tempProject()));

  it("json: one object with both stacks keyed by name; --out writes the same document", async () => {
    const r = await cicd(["report", "--dir", dir, "--format", "json", ...TODAY]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schemaVersion, 1);
    assert.deepEqual(Object.keys(doc.stacks), ["staging", "production"]);
    for (const stack of ["production", "staging"]) {
      assert.equal(doc.stacks[stack].stack, stack);
      assert.ok(doc.stacks[stack].results.length > 100, stack);
    }
    const out = path.join(dir, "reports", "all.json");
    const w = await cicd(["report", "--dir", dir, "--format", "json", "--out", out, ...TODAY]);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(fs.readFileSync(out, "utf8"), r.stdout);
  });

  it("sarif: one log, one run per stack with its own category, valid SARIF 2.1.0", async () => {
    const r = await cicd(["report", "--dir", dir, "--format", "sarif", ...TODAY]);
    assert.equal(r.code, 0, r.stderr);
    const log = JSON.parse(r.stdout);
    const validate = sarifValidator();
    assert.ok(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.deepEqual(
      log.runs.map((run: any) => [run.properties.stack, run.automationDetails.id]),
      [
        ["staging", "cicd-constitution/staging/"],
        ["production", "cicd-constitution/production/"],
      ],
    );
  });

  it("junit: one <testsuites> holding each stack's suites, its counts their sums", async () => {
    const r = await cicd(["report", "--dir", dir, "--format", "junit", ...TODAY]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.match(/<\?xml/g)?.length, 1);
    const parser = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === "testsuite" });
    const doc = parser.parse(r.stdout);
    const suites = doc.testsuites.testsuite as Array<Record<string, string>>;
    const stacks = new Set(suites.map((s) => s["@_name"].split(":")[0]));
    assert.deepEqual([...stacks], ["staging", "production"]);
    const sum = suites.reduce((n, s) => n + Number(s["@_tests"]), 0);
    assert.equal(Number(doc.testsuites["@_tests"]), sum);
    assert.match(doc.testsuites["@_name"], /policy audit of staging, production \(offline\)$/);
  });

  it("one stack: the one-stack document, as before", async () => {
    const r = await cicd(["report", "--dir", dir, "--stack", "staging", "--format", "json", ...TODAY]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.stack, "staging");
    assert.equal(doc.stacks, undefined);
    const { staging } = await realReports();
    assert.equal(reportsJunit([staging]), renderReport(staging, "junit"));
  });
});
