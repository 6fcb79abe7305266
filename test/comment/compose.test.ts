/**
 * src/comment/compose.ts on hand-built inputs: what `auditFromSarif` reads from a SARIF log (failures only,
 * mandatory first, the subject's prefix taken off the message, a location only when both file and line are
 * there), the verdict line of each case, and trimming at an exact budget.
 */
import { strict as assert } from "node:assert";
import type * as Sarif from "sarif";
import { auditFromSarif, composeComment, trimBody, type StackAudit } from "../../src/comment/compose";
import { CATALOGUE_PATH } from "../../src/report/common";
import type { ReportSummary } from "../../src/report/types";

const SUMMARY: ReportSummary = {
  total: 5,
  pass: 1,
  fail: 3,
  waived: 1,
  notApplicable: 0,
  mandatoryFailures: 2,
  advisoryFailures: 1,
} as ReportSummary;

function result(
  ruleId: string,
  text: string,
  opts: { level?: string; resource?: string; uri?: string; line?: number; suppressed?: boolean } = {},
): Sarif.Result {
  return {
    ruleId,
    message: { text },
    ...(opts.suppressed ? { suppressions: [{ kind: "external" }] } : {}),
    ...(opts.level ? { properties: { enforcementLevel: opts.level } } : {}),
    locations: [
      {
        ...(opts.uri || opts.line
          ? {
              physicalLocation: {
                ...(opts.uri ? { artifactLocation: { uri: opts.uri } } : {}),
                ...(opts.line ? { region: { startLine: opts.line } } : {}),
              },
            }
          : {}),
        logicalLocations: opts.resource ? [{ kind: "resource", name: opts.resource }] : [{ kind: "module" }],
      },
    ],
  };
}

function log(
  results: Sarif.Result[],
  props: Record<string, unknown> = { stack: "production", summary: SUMMARY },
) {
  return {
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "cicd-constitution",
            rules: [
              { id: "CC-ENV-02", shortDescription: { text: "Production needs `reviewers`" } },
              { id: "CC-RUN-08", shortDescription: { text: "Logs kept" } },
            ],
          },
        },
        properties: props,
        results,
      },
    ],
  } as Sarif.Log;
}

describe("comment: composing from SARIF (src/comment/compose.ts)", () => {
  it("reads the failures: suppressed ones out, mandatory first then by rule, the subject taken off the message", () => {
    const audit = auditFromSarif(
      log([
        result("CC-RUN-08", "logs-1: kept 1 day", {
          level: "advisory",
          resource: "logs-1",
          uri: "Pulumi.production.yaml",
          line: 12,
        }),
        result("CC-ENV-02", "env-1: no reviewers", {
          level: "mandatory",
          resource: "env-1",
          uri: "Pulumi.production.yaml",
          line: 40,
        }),
        result("CC-ENV-01", "stack production: no production environment", { level: "mandatory" }),
        result("CC-ENV-02", "env-2: waived", { level: "mandatory", resource: "env-2", suppressed: true }),
        result("CC-ZZZ-09", "another: message without the prefix", {
          resource: "thing",
          uri: "Pulumi.production.yaml",
        }),
        result("CC-ZZZ-10", "x", { resource: "thing", line: 7 }),
      ]),
      "# the audit",
    );
    assert.equal(audit.stack, "production");
    assert.equal(audit.markdown, "# the audit");
    assert.deepEqual(audit.summary, SUMMARY);
    assert.deepEqual(audit.failures, [
      {
        ruleId: "CC-ENV-01",
        title: "",
        level: "mandatory",
        subject: "stack production",
        message: "no production environment",
      },
      {
        ruleId: "CC-ENV-02",
        title: "Production needs `reviewers`",
        level: "mandatory",
        subject: "env-1",
        message: "no reviewers",
        location: { uri: "Pulumi.production.yaml", line: 40 },
      },
      {
        ruleId: "CC-RUN-08",
        title: "Logs kept",
        level: "advisory",
        subject: "logs-1",
        message: "kept 1 day",
        location: { uri: "Pulumi.production.yaml", line: 12 },
      },
      {
        ruleId: "CC-ZZZ-09",
        title: "",
        level: "advisory",
        subject: "thing",
        message: "another: message without the prefix",
      },
      { ruleId: "CC-ZZZ-10", title: "", level: "advisory", subject: "thing", message: "x" },
    ]);
  });

  it("refuses a log with no run, no summary or no stack", () => {
    const message = /a SARIF log of cicd report: one run with its summary/;
    assert.throws(() => auditFromSarif({ version: "2.1.0", runs: [] } as Sarif.Log), message);
    assert.throws(() => auditFromSarif(log([], { stack: "production" })), message);
    assert.throws(() => auditFromSarif(log([], { summary: SUMMARY })), message);
  });

  const audit = (stack: string, mandatory: number, advisory: number): StackAudit => ({
    stack,
    summary: { ...SUMMARY, mandatoryFailures: mandatory, advisoryFailures: advisory },
    failures: [],
  });
  const input = { runUrl: "https://run/1", repoUrl: "https://github.com/o/r", sha: "a".repeat(40) };

  it("gives each verdict its line: failures, advisory only, none; the changes when the diff ran", () => {
    const { comment, trimmed } = composeComment({
      ...input,
      audits: [audit("a", 2, 1), audit("b", 2, 0), audit("c", 0, 3), audit("d", 0, 0)],
      changes: new Map([
        ["a", 4],
        ["c", 0],
      ]),
    });
    assert.equal(trimmed, false);
    assert.deepEqual(comment.split("\n"), [
      "### cicd-constitution: the verdict",
      "",
      "- **a**: ❌ 2 mandatory failure(s), 1 advisory; 4 change(s); [run](https://run/1)",
      "- **b**: ❌ 2 mandatory failure(s); changes unknown (no diff); [run](https://run/1)",
      "- **c**: ⚠️ 0 mandatory failures, 3 advisory; 0 change(s); [run](https://run/1)",
      "- **d**: ✅ 0 mandatory failures; changes unknown (no diff); [run](https://run/1)",
      "",
    ]);
  });

  it("links a failure's rule and location at the commit, and leaves the location empty without one", () => {
    const a = audit("production", 1, 0);
    a.failures = [
      {
        ruleId: "CC-ENV-02",
        title: "T",
        level: "mandatory",
        subject: "env-1",
        message: "m",
        location: { uri: "Pulumi.production.yaml", line: 4 },
      },
      { ruleId: "CC-ENV-01", title: "U", level: "mandatory", subject: "stack production", message: "n" },
    ];
    const lines = composeComment({ ...input, audits: [a] }).comment.split("\n");
    const blob = `https://github.com/o/r/blob/${"a".repeat(40)}`;
    assert.deepEqual(lines.slice(3), [
      "",
      "#### Failures",
      "",
      "| stack | level | rule | resource | where | evidence |",
      "| --- | --- | --- | --- | --- | --- |",
      `| production | mandatory | [CC-ENV-02](${blob}/${CATALOGUE_PATH}#cc-env-02) T | \`env-1\` | [Pulumi.production.yaml:4](${blob}/Pulumi.production.yaml#L4) | m |`,
      `| production | mandatory | [CC-ENV-01](${blob}/${CATALOGUE_PATH}#cc-env-01) U | \`stack production\` |  | n |`,
      "",
    ]);
  });

  it("trims on a whole line: a line is kept when it and a newline after it fit the budget left by the note", () => {
    const text = ["aaaa", "bbbb", "cccccccc"].join("\n");
    const note = "N";
    // Kept lines count with a newline each ("aaaa\nbbbb\n", 10 bytes) beside the tail "\n\nN\n" (4): a limit of 14
    // keeps two lines, 13 one (the body may end a byte under the limit).
    assert.equal(trimBody(text, 14, note), "aaaa\nbbbb\n\nN\n");
    assert.equal(trimBody(text, 13, note), "aaaa\n\nN\n");
    assert.equal(trimBody(text, text.length, note), text);
  });
});
