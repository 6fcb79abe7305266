/**
 * src/report/render.ts and src/report/common.ts on hand-built reports: the JSON format field by field (of one
 * stack and of several, a stack twice refused), which renderer each format goes to, several reports joined or
 * made one document, and the shared helpers (mode and counts in words, an override's line, sections in catalogue
 * order, a result's resource, the catalogue URL from the Actions environment).
 */
import { strict as assert } from "node:assert";
import {
  countsLine,
  defaultCatalogueUrl,
  metaOf,
  modeText,
  overrideLine,
  resourceText,
  sectionOf,
  sections,
} from "../../src/report/common";
import { renderMarkdown } from "../../src/report/markdownReport";
import {
  renderReport,
  renderReports,
  reportJson,
  reportJunit,
  reportsJson,
  reportsJunit,
  reportSarif,
  reportsSarif,
} from "../../src/report/render";
import { renderTable } from "../../src/report/table";
import type { ReportFormat } from "../../src/report/types";
import { result, ruleMeta, tinyReport } from "./tiny-report";

const R = tinyReport();
const P = { ...tinyReport(), stack: "prod", mode: "online" as const };

describe("reportJson: the JSON format", function () {
  it("copies the report's fields, each result's five and its resource's three, nothing else", function () {
    const withExtra = tinyReport({
      results: [
        { ...result("CC-ENV-02", "waived", "env-2", "w"), waiver: { reason: "r", owner: "o", expires: "e" } },
        result("CC-OBS-01", "pass", null, "ok", "advisory"),
      ],
    });
    assert.deepEqual(reportJson(withExtra), {
      schemaVersion: 1,
      mode: "offline",
      stack: "qa",
      policyPack: { name: "pack", version: "1.0.0" },
      summary: R.summary,
      overrides: R.overrides,
      scorecard: R.scorecard,
      results: [
        {
          ruleId: "CC-ENV-02",
          status: "waived",
          enforcementLevel: "mandatory",
          resource: {
            urn: withExtra.results[0].resource!.urn,
            type: "aws:cloudwatch/logGroup:LogGroup",
            name: "env-2",
          },
          message: "w",
        },
        { ruleId: "CC-OBS-01", status: "pass", enforcementLevel: "advisory", resource: null, message: "ok" },
      ],
    });
  });

  it("keys several stacks by name in the order given, and refuses a stack twice", function () {
    const doc = reportsJson([P, R]);
    assert.deepEqual(Object.keys(doc.stacks), ["prod", "qa"]);
    assert.deepEqual(doc, { schemaVersion: 1, stacks: { prod: reportJson(P), qa: reportJson(R) } });
    assert.throws(() => reportsJson([R, P, R]), { message: "two reports of stack qa" });
  });
});

describe("renderReport and renderReports: each format to its renderer", function () {
  const opts = { color: false, catalogueUrl: "https://cat.example/c.md" };

  it("renders one report in each format", function () {
    assert.equal(renderReport(R, "table", opts), renderTable(R, opts));
    assert.equal(renderReport(R, "json"), JSON.stringify(reportJson(R), null, 2));
    assert.equal(renderReport(R, "markdown"), renderMarkdown(R));
    assert.equal(renderReport(R, "sarif", opts), JSON.stringify(reportSarif(R, opts), null, 2));
    assert.equal(renderReport(R, "junit"), reportJunit(R));
    assert.throws(() => renderReport(R, "yaml" as ReportFormat), {
      message: "unknown report format yaml; expected table, json, markdown, sarif, junit",
    });
  });

  it("renders several: table and Markdown one after the other, the others one document", function () {
    assert.equal(renderReports([R, P], "table", opts), `${renderTable(R, opts)}\n\n${renderTable(P, opts)}`);
    assert.equal(renderReports([R, P], "markdown"), `${renderMarkdown(R)}\n\n${renderMarkdown(P)}`);
    assert.equal(renderReports([R, P], "json"), JSON.stringify(reportsJson([R, P]), null, 2));
    assert.equal(renderReports([R, P], "sarif", opts), JSON.stringify(reportsSarif([R, P], opts), null, 2));
    assert.equal(renderReports([R, P], "junit"), reportsJunit([R, P]));
    assert.throws(() => renderReports([R, P], "yaml" as ReportFormat), {
      message: "unknown report format yaml; expected table, json, markdown, sarif, junit",
    });
  });

  it("renders one report of a list as renderReport does; refuses an empty list", function () {
    for (const f of ["table", "json", "markdown", "sarif", "junit"] as const)
      assert.equal(renderReports([R], f, opts), renderReport(R, f, opts), f);
    assert.throws(() => renderReports([], "json"), { message: "no report to render" });
  });
});

describe("common: what every format shares", function () {
  it("says the mode and the counts in words", function () {
    assert.equal(modeText(R), "OFFLINE (plan under Pulumi mocks: desired state only)");
    assert.equal(modeText(P), "ONLINE (state or preview from the Pulumi engine)");
    assert.equal(
      countsLine(R),
      "6 results: 2 pass, 2 fail (1 mandatory, 1 advisory), 1 waived, 1 not applicable",
    );
  });

  it("writes an override as a line: lowered, or a gate lifted for an app", function () {
    assert.equal(
      overrideLine(R.overrides[0]),
      "CC-OBS-01 mandatory -> advisory by ops until 2030-02-01: alarms <migrating>",
    );
    assert.equal(overrideLine(R.overrides[1]), "CC-ENV-02 lifted for app-x by lead until 2030-03-01: hotfix");
  });

  it("finds a rule's section in its metadata, else in its ID, else OTHER", function () {
    const meta = metaOf(tinyReport({ rules: [ruleMeta("CC-X-01", "RUN", "t", "advisory")] }));
    assert.equal(sectionOf(meta, "CC-X-01"), "RUN");
    assert.equal(sectionOf(meta, "CC-FLAG-03"), "FLAG");
    assert.equal(sectionOf(meta, "cc-flag-03"), "OTHER");
    assert.equal(sectionOf(meta, "X-CC-FLAG-03"), "OTHER");
    assert.equal(sectionOf(meta, "CUSTOM"), "OTHER");
  });

  it("lists the sections present, catalogue order first, then the others as met", function () {
    const r = tinyReport({
      results: ["CC-ZZZ-01", "CC-PAR-01", "CC-AAA-01", "CC-BR-01", "CC-PAR-02"].map((id) =>
        result(id, "pass", null, ""),
      ),
    });
    assert.deepEqual(sections(r, metaOf(r)), ["BR", "PAR", "ZZZ", "AAA"]);
  });

  it("names a result's resource, or (stack)", function () {
    assert.equal(resourceText(result("CC-ENV-02", "fail", "env-1", "")), "env-1");
    assert.equal(resourceText(result("CC-ENV-02", "fail", null, "")), "(stack)");
  });

  it("links the catalogue at the commit of the Actions environment, else the project's main", function () {
    const env = { GITHUB_SERVER_URL: "https://ghe.example", GITHUB_REPOSITORY: "o/r", GITHUB_SHA: "abc" };
    assert.equal(defaultCatalogueUrl(env), "https://ghe.example/o/r/blob/abc/policy-pack/README.md");
    const none = "https://github.com/surlefeu/cicd-constitution/blob/main/policy-pack/README.md";
    assert.equal(defaultCatalogueUrl({}), none);
    assert.equal(defaultCatalogueUrl({ GITHUB_SERVER_URL: "", GITHUB_REPOSITORY: "", GITHUB_SHA: "" }), none);
  });
});
