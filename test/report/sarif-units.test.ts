/**
 * src/report/sarif.ts on hand-built reports: the whole SARIF log of a one-rule report (rule, result, run
 * properties), each rule's level and `security-severity` from the level the stack runs it at (the catalogue's for a
 * rule without results), each result's level, location (the report's, else the stack file's first line), logical
 * location, fingerprint and suppression, and several reports as one log.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import type * as Sarif from "sarif";
import { reportSarif, reportsSarif, SARIF_SCHEMA_URI } from "../../src/report/sarif";
import type { AuditReport } from "../../src/report/types";
import { result, ruleMeta, tinyReport } from "./tiny-report";

const CAT = "https://cat.example/README.md";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** A report of one rule and the given results, stack `qa`, no stack file, no locations. */
function oneRule(results = [result("CC-ENV-02", "fail", "env-1", "no reviewers")]): AuditReport {
  return tinyReport({
    stackFile: undefined,
    results,
    locations: undefined,
    overrides: [],
    scorecard: [],
    rules: [ruleMeta("CC-ENV-02", "ENV", "Reviewers required", "advisory")],
  });
}

describe("reportSarif: the whole log of a one-rule report", function () {
  it("the rule, the failure at the stack file's first line, the run's tool and properties", function () {
    const r = oneRule();
    const urn = "urn:pulumi:qa::p::aws:cloudwatch/logGroup:LogGroup::env-1";
    assert.deepEqual(reportSarif(r, { catalogueUrl: CAT }), {
      $schema: SARIF_SCHEMA_URI,
      version: "2.1.0",
      runs: [
        {
          tool: {
            driver: {
              name: "pack",
              version: "1.0.0",
              semanticVersion: "1.0.0",
              informationUri: CAT,
              rules: [
                {
                  id: "CC-ENV-02",
                  name: "CC-ENV-02-policy",
                  shortDescription: { text: "Reviewers required" },
                  fullDescription: { text: "What CC-ENV-02 checks." },
                  help: {
                    text: "Fix CC-ENV-02.\nSource: CONSTITUTION ENV.",
                    markdown: `**Remediation:** Fix CC-ENV-02.\n\n**Source:** CONSTITUTION ENV. Catalogue: [CC-ENV-02](${CAT}#cc-env-02).`,
                  },
                  helpUri: `${CAT}#cc-env-02`,
                  defaultConfiguration: { level: "error" },
                  properties: {
                    section: "ENV",
                    source: "CONSTITUTION ENV",
                    enforcementLevel: "mandatory",
                    "security-severity": "9.5",
                    tags: ["security", "cicd-constitution", "ENV"],
                  },
                },
              ],
            },
          },
          automationDetails: { id: "pack/qa/" },
          originalUriBaseIds: {
            "%SRCROOT%": { description: { text: "The repository root (where Pulumi.<stack>.yaml lives)." } },
          },
          invocations: [{ executionSuccessful: true }],
          results: [
            {
              ruleId: "CC-ENV-02",
              ruleIndex: 0,
              level: "error",
              kind: "fail",
              message: { text: "env-1: no reviewers" },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: "Pulumi.qa.yaml", uriBaseId: "%SRCROOT%" },
                    region: { startLine: 1, startColumn: 1 },
                  },
                  logicalLocations: [{ name: "env-1", fullyQualifiedName: urn, kind: "resource" }],
                  message: { text: "config key config" },
                },
              ],
              partialFingerprints: { "cicdConstitutionResult/v1": sha256(`qa\nCC-ENV-02\n${urn}`) },
              properties: {
                stack: "qa",
                policyName: "CC-ENV-02-policy",
                enforcementLevel: "mandatory",
                resourceType: "aws:cloudwatch/logGroup:LogGroup",
              },
            },
          ],
          properties: {
            mode: "offline",
            stack: "qa",
            policyPack: { name: "pack", version: "1.0.0" },
            summary: r.summary,
            overrides: [],
            scorecard: [],
          },
        },
      ],
    });
  });
});

describe("reportSarif: rules", function () {
  const rules = (r: AuditReport) => reportSarif(r, { catalogueUrl: CAT }).runs[0].tool.driver.rules!;

  it("takes the catalogue's level for a rule without results: advisory is a warning", function () {
    const [rule] = rules(oneRule([]));
    assert.deepEqual(rule.defaultConfiguration, { level: "warning" });
    assert.deepEqual(rule.properties, {
      section: "ENV",
      source: "CONSTITUTION ENV",
      enforcementLevel: "advisory",
      "security-severity": "6.5",
      tags: ["security", "cicd-constitution", "ENV"],
    });
  });

  it("a rule the stack disables is a note, severity 1.0", function () {
    const [rule] = rules(oneRule([result("CC-ENV-02", "pass", null, "off", "disabled")]));
    assert.deepEqual(rule.defaultConfiguration, { level: "note" });
    assert.equal(rule.properties!["security-severity"], "1.0");
  });

  it("lists every rule of the report in its order, each at the level of its results", function () {
    const levels = rules(tinyReport()).map((x) => [
      x.id,
      x.defaultConfiguration!.level,
      x.properties!["security-severity"],
    ]);
    assert.deepEqual(levels, [
      ["CC-OBS-01", "error", "6.0"],
      ["CC-ENV-02", "error", "9.5"],
      ["CC-RUN-08", "warning", "5.0"],
    ]);
  });
});

describe("reportSarif: results", function () {
  const results = (r: AuditReport) => reportSarif(r, { catalogueUrl: CAT }).runs[0].results!;

  it("lists failures and waivers only, each at its location, indexed to its rule", function () {
    const out = results(tinyReport());
    assert.deepEqual(
      out.map((x) => [
        x.ruleId,
        x.ruleIndex,
        x.level,
        x.message.text,
        x.locations![0].physicalLocation!.region,
      ]),
      [
        ["CC-RUN-08", 2, "warning", "logs-1: kept 1 day", { startLine: 12, startColumn: 7 }],
        ["CC-ENV-02", 1, "error", "env-1: no reviewers", { startLine: 1, startColumn: 1 }],
        ["CC-ENV-02", 1, "error", "env-2: no reviewers", { startLine: 30, startColumn: 5 }],
      ],
    );
    assert.deepEqual(
      out.map((x) => x.locations![0].message!.text),
      [
        "config key cicd-constitution:apps[a].logs",
        "config key config",
        "config key cicd-constitution:policy",
      ],
    );
    assert.deepEqual(
      out.map((x) => x.suppressions),
      [
        undefined,
        undefined,
        [
          {
            kind: "external",
            status: "accepted",
            justification: "on-call rotation (owner team-a, expires 2030-01-31)",
          },
        ],
      ],
    );
  });

  it("a stack-wide failure of a rule the report does not list: no rule index, the stack as module", function () {
    const r = tinyReport({
      results: [result("CC-NEW-01", "fail", null, "broken", "disabled")],
      locations: [],
    });
    const [x] = results(r);
    assert.equal(x.ruleIndex, undefined);
    assert.ok(!("ruleIndex" in x));
    assert.equal(x.level, "note");
    assert.equal(x.message.text, "stack qa: broken");
    assert.deepEqual(x.locations![0].logicalLocations, [
      { name: "qa", fullyQualifiedName: "stack:qa", kind: "module" },
    ]);
    assert.deepEqual(x.locations![0].physicalLocation!.artifactLocation, {
      uri: "Pulumi.qa.yaml",
      uriBaseId: "%SRCROOT%",
    });
    assert.deepEqual(x.partialFingerprints, {
      "cicdConstitutionResult/v1": sha256("qa\nCC-NEW-01\n(stack)"),
    });
    assert.deepEqual(x.properties, {
      stack: "qa",
      policyName: "CC-NEW-01-policy",
      enforcementLevel: "disabled",
    });
  });

  it("a waiver without its details is justified by the message", function () {
    const [x] = results(oneRule([result("CC-ENV-02", "waived", null, "waived by config")]));
    assert.deepEqual(x.suppressions, [
      { kind: "external", status: "accepted", justification: "waived by config" },
    ]);
  });
});

describe("reportsSarif: several reports as one log", function () {
  it("one run per report in the order given; refuses none", function () {
    const other = { ...oneRule(), stack: "prod" };
    const log: Sarif.Log = reportsSarif([oneRule(), other], { catalogueUrl: CAT });
    assert.equal(log.$schema, SARIF_SCHEMA_URI);
    assert.equal(log.version, "2.1.0");
    assert.deepEqual(
      log.runs.map((r) => r.automationDetails!.id),
      ["pack/qa/", "pack/prod/"],
    );
    assert.deepEqual(log.runs[1], reportSarif(other, { catalogueUrl: CAT }).runs[0]);
    assert.throws(() => reportsSarif([]), { message: "no report to render" });
  });

  it("links the catalogue from the Actions environment by default", function () {
    const saved = { ...process.env };
    Object.assign(process.env, {
      GITHUB_SERVER_URL: "https://ghe.example",
      GITHUB_REPOSITORY: "o/r",
      GITHUB_SHA: "abc",
    });
    try {
      const run = reportSarif(oneRule()).runs[0];
      assert.equal(run.tool.driver.informationUri, "https://ghe.example/o/r/blob/abc/policy-pack/README.md");
    } finally {
      for (const k of ["GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"])
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
    }
  });
});
