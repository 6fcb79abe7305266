/**
 * src/report/markdownReport.ts on hand-built reports: the whole Markdown of a report with every part (header and
 * offline notice, overrides, failures with locations and remediation, waivers, Scorecard, passes collapsed), each
 * verdict and mode of the header, the parts left out when empty, failures sorted mandatory first then by rule, and
 * the fallbacks for a rule the report has no metadata for (no title, and no stray space before its remediation's colon) and a waiver without its details.
 */
import { strict as assert } from "node:assert";
import { renderMarkdown } from "../../src/report/markdownReport";
import type { AuditReport } from "../../src/report/types";
import { result, tinyReport } from "./tiny-report";

describe("renderMarkdown: the whole report", function () {
  it("writes every part in order", function () {
    assert.equal(
      renderMarkdown(tinyReport()),
      [
        "### Policy audit: `qa` (offline) ❌ 1 mandatory failure(s)",
        "",
        "**Offline** audit of stack `qa` with policy pack `pack` 1.0.0: 6 results: 2 pass, 2 fail (1 mandatory, 1 advisory), 1 waived, 1 not applicable.",
        "",
        "_Offline: the program's desired state under Pulumi mocks; no cloud API was called._",
        "",
        "#### Overrides in force (CC-WAIVE-02, pre-deploy gates)",
        "",
        "| rule | from | to | owner | expires | reason |",
        "| --- | --- | --- | --- | --- | --- |",
        "| CC-OBS-01 | mandatory | advisory | ops | 2030-02-01 | alarms &lt;migrating&gt; |",
        "| CC-ENV-02 | mandatory | lifted for app-x | lead | 2030-03-01 | hotfix |",
        "",
        "#### Failures",
        "",
        "| level | rule | resource | evidence |",
        "| --- | --- | --- | --- |",
        "| mandatory | CC-ENV-02 Reviewers required | `env-1` | no reviewers |",
        "| advisory | CC-RUN-08 Logs kept | `logs-1` (`Pulumi.qa.yaml:12`) | kept 1 day |",
        "",
        "**Remediation**",
        "",
        "- **CC-ENV-02** Reviewers required: Fix CC-ENV-02.",
        "- **CC-RUN-08** Logs kept: Fix CC-RUN-08.",
        "",
        "#### Waived",
        "",
        "| rule | resource | owner | expires | reason |",
        "| --- | --- | --- | --- | --- |",
        "| CC-ENV-02 | `env-2` | team-a | 2030-01-31 | on-call rotation |",
        "",
        "#### OpenSSF Scorecard Branch-Protection (declared settings)",
        "",
        "| repository | score | next tier needs |",
        "| --- | --- | --- |",
        "| o/top | 10/10 | top tier |",
        "| o/low | 3/10 | 6/10: reviews, codeowners (one approval) |",
        "",
        "<details><summary>Passed: 2 result(s) over 2 rule(s); 1 not applicable</summary>",
        "",
        "| section | rule | title | pass | n/a |",
        "| --- | --- | --- | --- | --- |",
        "| OBS | CC-OBS-01 | Alarms `on` | 1 | 1 |",
        "| ZZZ | CC-ZZZ-01 |  | 1 | 0 |",
        "",
        "</details>",
      ].join("\n"),
    );
  });
});

/** A report of `results` only: no overrides, Scorecard or locations; counts as given. */
function only(results: AuditReport["results"], summary: Partial<AuditReport["summary"]> = {}): AuditReport {
  const base = tinyReport().summary;
  return tinyReport({
    results,
    overrides: [],
    scorecard: [],
    locations: undefined,
    summary: { ...base, ...summary },
  });
}

describe("renderMarkdown: header", function () {
  const head = (r: AuditReport) => renderMarkdown(r).split("\n").slice(0, 5);

  it("an online audit with advisory failures only: no offline notice", function () {
    const r = only([], { mandatoryFailures: 0, advisoryFailures: 3 });
    assert.deepEqual(head({ ...r, mode: "online" }), [
      "### Policy audit: `qa` (online) ⚠️ 3 advisory failure(s)",
      "",
      "**Online** audit of stack `qa` with policy pack `pack` 1.0.0: 6 results: 2 pass, 2 fail (0 mandatory, 3 advisory), 1 waived, 1 not applicable.",
      "",
      "<details><summary>Passed: 2 result(s) over 0 rule(s); 1 not applicable</summary>",
    ]);
  });

  it("no failures", function () {
    assert.equal(
      head(only([], { mandatoryFailures: 0, advisoryFailures: 0 }))[0],
      "### Policy audit: `qa` (offline) ✅ no failures",
    );
  });
});

describe("renderMarkdown: failures, waivers and passes", function () {
  it("sorts failures mandatory first, then by rule; a rule without metadata has no title", function () {
    const md = renderMarkdown(
      only([
        result("CC-RUN-08", "fail", "b", "m1", "advisory"),
        result("CC-ZZZ-01", "fail", "c", "m2"),
        result("CC-ENV-02", "fail", null, "m3"),
        result("CC-AAA-01", "fail", "d", "m4", "advisory"),
      ]),
    );
    const rows = md.split("\n").filter((l) => /^\| (mandatory|advisory) \|/.test(l));
    assert.deepEqual(rows, [
      "| mandatory | CC-ENV-02 Reviewers required | `(stack)` | m3 |",
      "| mandatory | CC-ZZZ-01 | `c` | m2 |",
      "| advisory | CC-AAA-01 | `d` | m4 |",
      "| advisory | CC-RUN-08 Logs kept | `b` | m1 |",
    ]);
    const remediation = md.split("\n").filter((l) => l.startsWith("- **"));
    assert.equal(remediation.length, 4);
    assert.deepEqual(remediation.slice(0, 2), [
      "- **CC-AAA-01**: see the catalogue",
      "- **CC-ENV-02** Reviewers required: Fix CC-ENV-02.",
    ]);
  });

  it("lists a rule's remediation once, whatever its number of failures", function () {
    const md = renderMarkdown(
      only([result("CC-ENV-02", "fail", "a", "x"), result("CC-ENV-02", "fail", "b", "y")]),
    );
    assert.deepEqual(
      md.split("\n").filter((l) => l.startsWith("- **")),
      ["- **CC-ENV-02** Reviewers required: Fix CC-ENV-02."],
    );
  });

  it("a waiver without its details: owner and expiry empty, the message as reason", function () {
    const md = renderMarkdown(only([result("CC-ENV-02", "waived", "a", "waived <by> config")]));
    assert.ok(md.includes("| CC-ENV-02 | `a` |  |  | waived &lt;by&gt; config |"), md);
    assert.ok(!md.includes("#### Failures"));
  });

  it("counts the rules with a pass, lists each rule of a section in ID order, not-applicable-only ones too", function () {
    const md = renderMarkdown(
      only(
        [
          result("CC-RUN-09", "pass", "a", "ok"),
          result("CC-RUN-08", "not-applicable", "b", "n/a"),
          result("CC-RUN-09", "pass", "c", "ok"),
          result("CC-ENV-02", "fail", "d", "x"),
        ],
        { pass: 2, notApplicable: 1 },
      ),
    );
    const lines = md.split("\n");
    const at = lines.indexOf(
      "<details><summary>Passed: 2 result(s) over 1 rule(s); 1 not applicable</summary>",
    );
    assert.ok(at > 0, md);
    assert.deepEqual(lines.slice(at + 4), [
      "| RUN | CC-RUN-08 | Logs kept | 0 | 1 |",
      "| RUN | CC-RUN-09 |  | 2 | 0 |",
      "",
      "</details>",
    ]);
  });

  it("an override without owner or reason: those cells empty", function () {
    const r = tinyReport({
      overrides: [{ ruleId: "CC-OBS-01", from: "mandatory", to: "advisory", expires: "2030-02-01" }],
    });
    assert.ok(renderMarkdown(r).includes("\n| CC-OBS-01 | mandatory | advisory |  | 2030-02-01 |  |\n"));
  });

  it("leaves out the overrides, failures, waivers and Scorecard when there are none", function () {
    const md = renderMarkdown(only([result("CC-ENV-02", "pass", "a", "ok")]));
    for (const part of ["#### Overrides", "#### Failures", "**Remediation**", "#### Waived", "#### OpenSSF"])
      assert.ok(!md.includes(part), part);
  });
});
