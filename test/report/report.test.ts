/**
 * Report formats on real audit results (the policy pack's runner over the repository's previewed stacks):
 * table, JSON, Markdown, SARIF (validated against the SARIF 2.1.0 schema) and JUnit (parsed back).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import type * as Sarif from "sarif";
import { renderReport, reportSarif } from "../../src/report/render";
import { REPORT_FORMATS } from "../../src/report/types";
import type { AuditReport } from "../../src/report/types";
import { realReports, RealReports } from "./real-results";
import { sarifValidator } from "./sarif-schema";

let R: RealReports;

before(async function () {
  R = await realReports();
});

describe("report inputs (real runner output)", function () {
  it("have results for every catalogue section, and the defects as failures", function () {
    const sections = new Set(R.production.results.map((x) => /^CC-([A-Z]+)-/.exec(x.ruleId)![1]));
    for (const s of ["BR", "ENV", "ART", "RUN", "OBS", "FLAG", "PAR", "WAIVE"]) assert.ok(sections.has(s), s);
    const fail = (id: string, name: string) =>
      R.broken.results.find((x) => x.ruleId === id && x.resource?.name === name && x.status === "fail");
    assert.ok(fail("CC-ENV-02", R.brokenEnvironment));
    assert.ok(fail("CC-RUN-08", R.brokenLogGroup));
    assert.ok(R.broken.summary.mandatoryFailures >= 1 && R.broken.summary.advisoryFailures >= 1);
    const waived = R.brokenWaived.results.filter((x) => x.status === "waived");
    assert.deepEqual(
      waived.map((x) => x.ruleId),
      ["CC-ENV-02"],
    );
    assert.equal(R.brokenWaived.summary.waived, 1);
  });

  it("locate each app resource's result at its app entry in the stack file", function () {
    const i = R.broken.results.findIndex(
      (x) => x.ruleId === "CC-ENV-02" && x.resource?.name === R.brokenEnvironment,
    );
    const loc = R.broken.locations![i]!;
    assert.equal(loc.uri, "Pulumi.production.yaml");
    const app = R.brokenEnvironment.split("-production")[0];
    assert.equal(loc.key, `cicd-constitution:apps[${app}].reviewers`);
    const lines = fs.readFileSync(path.join(__dirname, "../../Pulumi.production.yaml"), "utf8").split("\n");
    assert.match(lines[loc.line - 1], /^\s+reviewers:/);
    // The reviewers key found is inside the app's own entry: the nearest `- name:` above it names the app.
    const above = lines
      .slice(0, loc.line)
      .reverse()
      .find((l) => /^\s+- name:/.test(l));
    assert.match(above ?? "", new RegExp(`- name: ${app}$`));
  });
});

describe("every format", function () {
  it("states mode, stack, pack version and counts", function () {
    for (const f of REPORT_FORMATS) {
      const text = renderReport(R.broken, f, { color: false });
      const s = R.broken.summary;
      assert.match(text, /offline/i, f);
      assert.ok(text.includes("production"), f);
      assert.ok(text.includes(R.broken.policyPack.version), f);
      assert.ok(text.includes(String(s.pass)) && text.includes(String(s.fail)), f);
    }
  });

  it("rejects an unknown format", function () {
    assert.throws(() => renderReport(R.production, "xml" as never), /unknown report format/);
  });
});

describe("table", function () {
  it("groups by catalogue section, lists failures with evidence and remediation", function () {
    const t = renderReport(R.broken, "table", { color: false });
    const env = t.indexOf("ENV: GitHub Environments");
    const run = t.indexOf("RUN: runtimes");
    assert.ok(env > 0 && run > env, "sections in catalogue order");
    const envBlock = t.slice(env, t.indexOf("ART: artifacts"));
    assert.match(envBlock, /CC-ENV-02/);
    assert.ok(!t.slice(run).includes("CC-ENV-02 "), "a result sits only in its own section");
    assert.match(t, /Remediation\n[\s\S]*CC-ENV-02: /);
    assert.ok(!t.includes("\u001b["), "no colour when not asked");
  });

  it("colours only when asked (TTY)", function () {
    assert.ok(renderReport(R.broken, "table", { color: true }).includes("\u001b["));
  });

  it("verbose lists passes too", function () {
    const quiet = renderReport(R.production, "table", { color: false });
    const verbose = renderReport(R.production, "table", { color: false, verbose: true });
    assert.ok(verbose.split("\n").length > quiet.split("\n").length + R.production.summary.pass / 2);
  });
});

describe("json", function () {
  it("has exactly the audit shape and the runner's results", function () {
    const j = JSON.parse(renderReport(R.brokenWaived, "json"));
    assert.deepEqual(Object.keys(j).sort(), [
      "mode",
      "overrides",
      "policyPack",
      "results",
      "schemaVersion",
      "scorecard",
      "stack",
      "summary",
    ]);
    assert.equal(j.schemaVersion, 1);
    assert.equal(j.results.length, R.brokenWaived.results.length);
    for (const x of j.results) {
      assert.deepEqual(Object.keys(x).sort(), [
        "enforcementLevel",
        "message",
        "resource",
        "ruleId",
        "status",
      ]);
      if (x.resource) assert.deepEqual(Object.keys(x.resource).sort(), ["name", "type", "urn"]);
    }
    assert.deepEqual(j.summary, R.brokenWaived.summary);
  });
});

describe("markdown (PR comment)", function () {
  it("puts the summary first, failures with remediation, then the scorecard, passes collapsed", function () {
    const m = renderReport(R.broken, "markdown");
    const lines = m.split("\n");
    assert.match(lines[0], /^### Policy audit: `production` \(offline\) ❌/);
    const failures = m.indexOf("#### Failures");
    const remediation = m.indexOf("**Remediation**");
    const details = m.indexOf("<details>");
    assert.ok(failures > 0 && remediation > failures && details > remediation);
    // The scorecard (information, a row per repository) comes after the failures and their remediation.
    const scored = renderReport(
      {
        ...R.broken,
        scorecard: [
          { repository: "erp-berhan", score: 8, nextTierNeeds: ["2 approving reviews"], nextScore: 9 },
        ],
      },
      "markdown",
    );
    const scorecard = scored.indexOf("#### OpenSSF Scorecard");
    assert.ok(
      scorecard > scored.indexOf("**Remediation**") && scored.indexOf("<details>") > scorecard,
      `scorecard at ${scorecard}`,
    );
    // The rule cell holds the ID and its title (a wide column: the ID is not broken at a hyphen).
    const title = R.broken.rules.find((x) => x.id === "CC-ENV-02")!.title.replace(/`/g, "");
    const row = m
      .slice(failures, remediation)
      .split("\n")
      .find((l) => l.includes("CC-ENV-02"))!;
    assert.ok(row.includes(`\`${R.brokenEnvironment}\``), row);
    assert.match(row, /^\| mandatory \| CC-ENV-02 \S/);
    assert.ok(row.replace(/`/g, "").includes(title), row);
    assert.ok(m.slice(details).includes("</details>"));
    assert.ok(m.length < 65536, "fits a GitHub comment");
  });

  it("lists waivers with owner and expiry, and escapes table-breaking text", function () {
    const m = renderReport(R.brokenWaived, "markdown");
    assert.match(m, /#### Waived/);
    assert.match(m, /\| mathieu \| 2027-01-31 \|/);
    assert.ok(m.includes("&lt;on-call&gt;"), "angle brackets cannot open HTML in the comment");
  });

  it("says there are no failures when there are none", function () {
    const clean: AuditReport = {
      ...R.brokenWaived,
      results: R.brokenWaived.results.filter((x) => x.status !== "fail"),
      summary: { ...R.brokenWaived.summary, fail: 0, mandatoryFailures: 0, advisoryFailures: 0 },
    };
    assert.match(renderReport(clean, "markdown"), /✅ no failures/);
  });
});

describe("sarif", function () {
  const validate = sarifValidator();

  it("validates against the SARIF 2.1.0 schema, for every real report", function () {
    for (const r of [R.staging, R.production, R.broken, R.brokenWaived]) {
      const log = JSON.parse(renderReport(r, "sarif"));
      const ok = validate(log);
      assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    }
  });

  it("the validator rejects a malformed log (it really validates)", function () {
    const log = reportSarif(R.broken) as unknown as Record<string, unknown>;
    assert.equal(validate({ ...log, version: "2.0.0" }), false);
    const bad = JSON.parse(JSON.stringify(log));
    bad.runs[0].results[0].level = "fatal";
    assert.equal(validate(bad), false);
  });

  it("declares every rule with help and a catalogue help URI, and locates results at the stack file", function () {
    const log = reportSarif(R.brokenWaived, { catalogueUrl: "https://example.test/catalogue" }) as Sarif.Log;
    const run = log.runs[0];
    const rules = run.tool.driver.rules!;
    assert.equal(rules.length, R.brokenWaived.rules.length);
    for (const rule of rules) {
      assert.match(rule.id, /^CC-[A-Z]+-\d\d$/);
      assert.equal(rule.helpUri, `https://example.test/catalogue#${rule.id.toLowerCase()}`);
      assert.ok(rule.help?.text && rule.help.text.length > 10);
    }
    assert.equal(run.automationDetails?.id, "cicd-constitution/production/");
    const listed = R.brokenWaived.results.filter((x) => x.status === "fail" || x.status === "waived");
    assert.equal(run.results!.length, listed.length);
    for (const res of run.results!) {
      assert.equal(rules[res.ruleIndex!].id, res.ruleId);
      const phys = res.locations![0].physicalLocation!;
      assert.equal(phys.artifactLocation!.uri, "Pulumi.production.yaml");
      assert.ok(phys.region!.startLine! >= 1);
    }
    const env = run.results!.find((x) => x.ruleId === "CC-ENV-02")!;
    assert.equal(env.suppressions?.[0].kind, "external");
    assert.match(env.suppressions![0].justification!, /owner mathieu, expires 2027-01-31/);
    const adv = run.results!.find((x) => x.ruleId === "CC-RUN-08")!;
    assert.equal(adv.level, "warning");
    assert.equal(adv.locations![0].logicalLocations![0].name, R.brokenLogGroup);
    assert.deepEqual((run.properties as { summary: unknown }).summary, R.brokenWaived.summary);
    assert.equal((run.properties as { mode: string }).mode, "offline");
  });
});

describe("junit", function () {
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (n) => ["testsuite", "testcase"].includes(n),
  });

  it("has one test case per rule and resource, failures and skips as the runner said", function () {
    const xml = renderReport(R.brokenWaived, "junit");
    const doc = parser.parse(xml);
    const suites = doc.testsuites.testsuite as Array<Record<string, unknown>>;
    const cases = suites.flatMap((s) => s.testcase as Array<Record<string, unknown>>);
    assert.equal(cases.length, R.brokenWaived.results.length);
    assert.equal(Number(doc.testsuites["@_tests"]), R.brokenWaived.summary.total);
    const failures = cases.filter((c) => c.failure);
    assert.equal(failures.length, R.brokenWaived.summary.fail);
    const runFailure = failures.find((c) => c["@_name"] === `CC-RUN-08 ${R.brokenLogGroup}`)!;
    assert.equal((runFailure.failure as Record<string, string>)["@_type"], "advisory");
    const waived = cases.find((c) => c["@_name"] === `CC-ENV-02 ${R.brokenEnvironment}`)!;
    assert.match((waived.skipped as Record<string, string>)["@_message"], /^waived: /);
    assert.ok(xml.includes("&lt;on-call&gt;") || xml.includes("&lt;on-call>"), "XML-escaped text");
    const props = suites[0].properties as { property: Array<Record<string, string>> };
    const byName = Object.fromEntries(props.property.map((p) => [p["@_name"], p["@_value"]]));
    assert.equal(byName.mode, "offline");
    assert.equal(byName.stack, "production");
    assert.equal(byName.policyPack, `cicd-constitution@${R.brokenWaived.policyPack.version}`);
  });

  it("suite counts add up to the total", function () {
    const doc = parser.parse(renderReport(R.staging, "junit"));
    const suites = doc.testsuites.testsuite as Array<Record<string, string>>;
    const sum = suites.reduce((n, s) => n + Number(s["@_tests"]), 0);
    assert.equal(sum, R.staging.summary.total);
  });
});
