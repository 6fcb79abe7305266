/**
 * src/report/junit.ts on hand-built reports: the whole XML of a small report (a suite per section in catalogue
 * order, a section the catalogue lacks last; the failure with its remediation or the catalogue pointer; not
 * applicable skipped; characters XML forbids removed, markup escaped), the properties every suite carries
 * (overrides and Scorecard included), each status's test case, and several stacks as one document.
 */
import { strict as assert } from "node:assert";
import { reportJunit, reportsJunit } from "../../src/report/junit";
import type { AuditReport } from "../../src/report/types";
import { result, tinyReport } from "./tiny-report";

const SMALL: AuditReport = tinyReport({
  results: [
    result("CC-ZZZ-01", "fail", null, "bad\u0000 <x>"),
    result("CC-OBS-01", "not-applicable", "logs-2", "no service"),
  ],
  overrides: [],
  scorecard: [],
  summary: {
    total: 2,
    pass: 0,
    fail: 1,
    waived: 0,
    notApplicable: 1,
    mandatoryFailures: 1,
    advisoryFailures: 0,
  },
});

const PROPERTIES = [
  "    <properties>",
  '      <property name="mode" value="offline"/>',
  '      <property name="stack" value="qa"/>',
  '      <property name="policyPack" value="pack@1.0.0"/>',
  '      <property name="summary" value="2 results: 0 pass, 1 fail (1 mandatory, 0 advisory), 0 waived, 1 not applicable"/>',
  "    </properties>",
];

describe("reportJunit: one report", function () {
  it("writes a suite per section, catalogue order first, with the counts of the report and of each suite", function () {
    assert.equal(
      reportJunit(SMALL),
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="pack 1.0.0 policy audit of qa (offline)" tests="2" failures="1" errors="0" skipped="1">',
        '  <testsuite name="qa: OBS: observability and error budget" tests="1" failures="0" errors="0" skipped="1">',
        ...PROPERTIES,
        '    <testcase classname="qa.CC-OBS-01" name="CC-OBS-01 logs-2">',
        '      <skipped message="not applicable: no service"/>',
        "    </testcase>",
        "  </testsuite>",
        '  <testsuite name="qa: ZZZ" tests="1" failures="1" errors="0" skipped="0">',
        ...PROPERTIES,
        '    <testcase classname="qa.CC-ZZZ-01" name="CC-ZZZ-01 (stack)">',
        '      <failure type="mandatory" message="bad &lt;x&gt;">bad &lt;x&gt;',
        "Remediation: see the catalogue</failure>",
        "    </testcase>",
        "  </testsuite>",
        "</testsuites>",
        "",
      ].join("\n"),
    );
  });

  it("gives every suite the overrides and Scorecard lines as properties", function () {
    const xml = reportJunit(tinyReport());
    const lines = [
      '<property name="override:CC-OBS-01" value="CC-OBS-01 mandatory -&gt; advisory by ops until 2030-02-01: alarms &lt;migrating&gt;"/>',
      '<property name="override:CC-ENV-02" value="CC-ENV-02 lifted for app-x by lead until 2030-03-01: hotfix"/>',
      '<property name="scorecard:o/top" value="o/top: Scorecard Branch-Protection 10/10; top tier"/>',
      '<property name="scorecard:o/low" value="o/low: Scorecard Branch-Protection 3/10; next (6/10) needs reviews, codeowners. one approval"/>',
    ];
    for (const l of lines) assert.equal(xml.split(l).length - 1, 4, l);
  });

  it("writes each status's case: a failure with remediation and resource, waived skipped, a pass empty", function () {
    const xml = reportJunit(tinyReport());
    assert.ok(
      xml.includes(
        [
          '    <testcase classname="qa.CC-ENV-02" name="CC-ENV-02 env-1">',
          '      <failure type="mandatory" message="no reviewers">no reviewers',
          "Remediation: Fix CC-ENV-02.",
          "Resource: urn:pulumi:qa::p::aws:cloudwatch/logGroup:LogGroup::env-1</failure>",
          "    </testcase>",
          '    <testcase classname="qa.CC-ENV-02" name="CC-ENV-02 env-2">',
          '      <skipped message="waived: no reviewers"/>',
          "    </testcase>",
        ].join("\n"),
      ),
    );
    assert.ok(
      xml.includes('<failure type="advisory" message="kept 1 day">kept 1 day\nRemediation: Fix CC-RUN-08.\n'),
    );
    assert.ok(xml.includes('    <testcase classname="qa.CC-OBS-01" name="CC-OBS-01 (stack)"/>\n'));
    assert.deepEqual(
      xml.match(/<testsuite name="[^"]*" tests="\d+" failures="\d+" errors="0" skipped="\d+">/g),
      [
        '<testsuite name="qa: ENV: GitHub Environments and secrets" tests="2" failures="1" errors="0" skipped="1">',
        '<testsuite name="qa: RUN: runtimes" tests="1" failures="1" errors="0" skipped="0">',
        '<testsuite name="qa: OBS: observability and error budget" tests="2" failures="0" errors="0" skipped="1">',
        '<testsuite name="qa: ZZZ" tests="1" failures="0" errors="0" skipped="0">',
      ],
    );
  });
});

describe("reportsJunit: several stacks as one document", function () {
  it("holds every stack's suites in the order given, its counts summed, its modes each named once", function () {
    const xml = reportsJunit([
      SMALL,
      { ...SMALL, stack: "prod", mode: "online" },
      { ...SMALL, stack: "dev" },
    ]);
    assert.deepEqual(xml.match(/<testsuites? name="[^"]*"[^>]*>/g), [
      '<testsuites name="pack 1.0.0 policy audit of qa, prod, dev (offline, online)" tests="6" failures="3" errors="0" skipped="3">',
      '<testsuite name="qa: OBS: observability and error budget" tests="1" failures="0" errors="0" skipped="1">',
      '<testsuite name="qa: ZZZ" tests="1" failures="1" errors="0" skipped="0">',
      '<testsuite name="prod: OBS: observability and error budget" tests="1" failures="0" errors="0" skipped="1">',
      '<testsuite name="prod: ZZZ" tests="1" failures="1" errors="0" skipped="0">',
      '<testsuite name="dev: OBS: observability and error budget" tests="1" failures="0" errors="0" skipped="1">',
      '<testsuite name="dev: ZZZ" tests="1" failures="1" errors="0" skipped="0">',
    ]);
    assert.ok(xml.includes('<testcase classname="prod.CC-ZZZ-01" name="CC-ZZZ-01 (stack)">'));
  });

  it("counts skipped as waived plus not applicable, over the stacks", function () {
    const a = { ...SMALL, summary: { ...SMALL.summary, total: 5, fail: 2, waived: 2, notApplicable: 1 } };
    const xml = reportsJunit([a, { ...SMALL, stack: "prod" }]);
    assert.match(
      xml,
      /^<testsuites name="[^"]*\(offline\)" tests="7" failures="3" errors="0" skipped="4">$/m,
    );
  });

  it("writes one report as reportJunit does; refuses none", function () {
    assert.equal(reportsJunit([SMALL]), reportJunit(SMALL));
    assert.throws(() => reportsJunit([]), { message: "no report to render" });
  });
});
