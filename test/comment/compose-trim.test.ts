/**
 * src/comment/compose.ts, the parts test/comment/compose.test.ts leaves open: the whole comment's layout (the
 * failures, the diff with only its trailing blank lines dropped, each stack's audit collapsed when it has one), and
 * trimming to the byte: each limit keeps exactly the whole lines that fit, the failures and the diff cut on a line,
 * a collapsed audit whole or not at all, nothing after the first part cut, the verdict always; and what
 * `auditFromSarif` makes of a log with its optional fields left out.
 */
import { strict as assert } from "node:assert";
import type * as Sarif from "sarif";
import { auditFromSarif, composeComment, type CommentInput } from "../../src/comment/compose";
import type { ReportSummary } from "../../src/report/types";

const SUMMARY: ReportSummary = {
  total: 1,
  pass: 0,
  fail: 1,
  waived: 0,
  notApplicable: 0,
  mandatoryFailures: 1,
  advisoryFailures: 0,
};
const CLEAN = { ...SUMMARY, fail: 0, mandatoryFailures: 0 };

const INPUT: CommentInput = {
  audits: [
    {
      stack: "p",
      summary: SUMMARY,
      failures: [{ ruleId: "CC-A-01", title: "T", level: "mandatory", subject: "s", message: "m" }],
      markdown: "\n# M1\n\n",
    },
    { stack: "q", summary: CLEAN, failures: [], markdown: `# M2\n${"q".repeat(300)}` },
    { stack: "r", summary: CLEAN, failures: [] },
  ],
  diffMarkdown: "\nd1\nd2\n\n",
  runUrl: "R",
  repoUrl: "https://g/o/r",
  sha: "abc",
};

const HEAD = [
  "### cicd-constitution: the verdict",
  "",
  "- **p**: ❌ 1 mandatory failure(s); changes unknown (no diff); [run](R)",
  "- **q**: ✅ 0 mandatory failures; changes unknown (no diff); [run](R)",
  "- **r**: ✅ 0 mandatory failures; changes unknown (no diff); [run](R)",
];
const FAILURES = [
  "",
  "#### Failures",
  "",
  "| stack | level | rule | resource | where | evidence |",
  "| --- | --- | --- | --- | --- | --- |",
  "| p | mandatory | [CC-A-01](https://g/o/r/blob/abc/policy-pack/README.md#cc-a-01) T | `s` |  | m |",
];
const DIFF = ["", "", "d1", "d2"];
const AUDIT_P = [
  "",
  "<details><summary>Whole audit of p (passes included)</summary>",
  "",
  "",
  "# M1",
  "",
  "</details>",
];
const AUDIT_Q = [
  "",
  "<details><summary>Whole audit of q (passes included)</summary>",
  "",
  "# M2",
  "q".repeat(300),
  "",
  "</details>",
];
const FULL = [...HEAD, ...FAILURES, ...DIFF, ...AUDIT_P, ...AUDIT_Q].join("\n") + "\n";
const NOTE =
  "\n\n_Trimmed to fit GitHub's comment limit: the whole comment is `full-comment.md` in the `reports` artifact of [this run](R)._";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
/** The trimmed comment that keeps `lines` after the verdict. */
const trimmedTo = (lines: string[]) => [...HEAD, ...lines].join("\n") + NOTE + "\n";
const compose = (maxChars: number) => composeComment({ ...INPUT, maxChars });

describe("composeComment: the whole comment", function () {
  it("the verdict, the failures, the diff, then each audit that has Markdown, collapsed", function () {
    assert.deepEqual(composeComment(INPUT), { comment: FULL, full: FULL, trimmed: false });
  });

  it("is not trimmed at exactly the limit, trimmed one byte under it", function () {
    assert.deepEqual(compose(bytes(FULL)), { comment: FULL, full: FULL, trimmed: false });
    const under = compose(bytes(FULL) - 1);
    assert.equal(under.trimmed, true);
    assert.equal(under.full, FULL);
    assert.equal(under.comment, trimmedTo([...FAILURES, ...DIFF, ...AUDIT_P]));
  });
});

describe("composeComment: trimmed to the byte", function () {
  /** At a limit of exactly its size, each of these is the comment; one byte less, the next one is. */
  const steps: Array<[string, string[]]> = [
    ["the failures, the diff and the first audit", [...FAILURES, ...DIFF, ...AUDIT_P]],
    ["the failures and the diff (an audit is not cut)", [...FAILURES, ...DIFF]],
    ["the failures and the diff's first three lines", [...FAILURES, ...DIFF.slice(0, 3)]],
    ["the failures and the diff's first two lines", [...FAILURES, ...DIFF.slice(0, 2)]],
  ];
  steps.forEach(([what, lines], i) => {
    it(`keeps ${what}`, function () {
      const text = trimmedTo(lines);
      assert.equal(compose(bytes(text)).comment, text);
      if (i + 1 < steps.length) assert.equal(compose(bytes(text) - 1).comment, trimmedTo(steps[i + 1][1]));
    });
  });

  it("cuts the failures on a line, and keeps nothing after the first part cut", function () {
    const text = trimmedTo(FAILURES.slice(0, 4));
    // One byte more would fit the diff's first (empty) line, but the failures were cut.
    assert.equal(compose(bytes(text) + 1).comment, text);
    assert.equal(compose(bytes(text)).comment, text);
  });

  it("keeps space for a whole audit only: one short of it, none of its lines", function () {
    const withAudit = trimmedTo([...FAILURES, ...DIFF, ...AUDIT_P]);
    assert.equal(compose(bytes(withAudit) - 1).comment, trimmedTo([...FAILURES, ...DIFF]));
  });

  it("keeps the verdict when nothing else fits, even over the limit", function () {
    assert.equal(compose(10).comment, trimmedTo([]));
  });
});

describe("auditFromSarif: optional fields left out", function () {
  const run = (results: unknown, extra: Record<string, unknown> = {}) =>
    ({
      version: "2.1.0",
      runs: [
        { tool: { driver: { name: "x" } }, properties: { stack: "st", summary: SUMMARY }, results, ...extra },
      ],
    }) as Sarif.Log;

  it("no results: no failures; no rules: no titles", function () {
    assert.deepEqual(auditFromSarif(run(undefined)).failures, []);
    const a = auditFromSarif(run([{ ruleId: "CC-A-01", message: { text: "t" } }]));
    assert.deepEqual(a.failures, [
      { ruleId: "CC-A-01", title: "", level: "advisory", subject: "stack st", message: "t" },
    ]);
  });

  it("a result without rule ID, text, name or locations, or with empty ones, reads as empty", function () {
    const log = run(
      [
        { message: {}, locations: [] },
        {
          ruleId: "CC-B-01",
          message: { text: "x" },
          locations: [{ logicalLocations: [{ kind: "resource" }] }],
        },
        {
          ruleId: "CC-C-01",
          message: { text: "y" },
          locations: [{ physicalLocation: { artifactLocation: { uri: "f" } } }],
        },
      ],
      { tool: { driver: { name: "x", rules: [{ id: "CC-B-01" }] } } },
    );
    assert.deepEqual(auditFromSarif(log).failures, [
      { ruleId: "", title: "", level: "advisory", subject: "stack st", message: "" },
      { ruleId: "CC-B-01", title: "", level: "advisory", subject: "", message: "x" },
      { ruleId: "CC-C-01", title: "", level: "advisory", subject: "stack st", message: "y" },
    ]);
  });

  it("sorts mandatory failures first, each level by rule ID, whatever the order of the log", function () {
    const r = (ruleId: string, level: string) => ({
      ruleId,
      message: { text: ruleId },
      properties: { enforcementLevel: level },
    });
    const ids = auditFromSarif(
      run([
        r("CC-B-01", "advisory"),
        r("CC-D-01", "mandatory"),
        r("CC-A-01", "advisory"),
        r("CC-C-01", "mandatory"),
      ]),
    ).failures.map((f) => `${f.level} ${f.ruleId}`);
    assert.deepEqual(ids, ["mandatory CC-C-01", "mandatory CC-D-01", "advisory CC-A-01", "advisory CC-B-01"]);
  });

  it("refuses a log without runs or a run without properties", function () {
    const message = "a SARIF log of cicd report: one run with its summary";
    assert.throws(() => auditFromSarif({ version: "2.1.0" } as Sarif.Log), { message });
    const bare = { version: "2.1.0", runs: [{ tool: { driver: { name: "x" } } }] } as Sarif.Log;
    assert.throws(() => auditFromSarif(bare), { message });
  });
});
