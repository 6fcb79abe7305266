/**
 * The Markdown escaper of the reports (src/report/render.ts `markdownText`, and `markdownCode` for code spans): text
 * that would break a GFM table row, open HTML or a code span is shown as text, in every Markdown table the PR
 * comment has.
 */
import { strict as assert } from "node:assert";
import { markdownCode, markdownText, renderReport } from "../../src/report/render";
import { markdownInline } from "../../src/markdown";
import type { AuditReport } from "../../src/report/types";
import { realReports, RealReports } from "./real-results";

let R: RealReports;

before(async function () {
  R = await realReports();
});

/** One named case per row: `[what it does, input, output]`. */
type EscapeCase = [string, string, string];

/** One `it` per case of an escaper. */
function escapes(escaper: (s: string) => string, cases: EscapeCase[]): void {
  for (const [name, input, expected] of cases) it(name, () => assert.equal(escaper(input), expected));
}

describe("markdownText: text in a Markdown table cell", () =>
  escapes(markdownText, [
    ["escapes a pipe, which would end the cell", "a|b", "a\\|b"],
    ["escapes a backtick, which would open a code span", "run `x`", "run \\`x\\`"],
    ["turns < and > into entities, which would open HTML or a quote", "<details>", "&lt;details&gt;"],
    ["turns & into &amp;, which would start an entity", "a &lt; b", "a &amp;lt; b"],
    ["turns a line break (LF, CRLF, CR) into a space, which would end the row", "a\nb\r\nc\rd", "a b c d"],
    ["doubles a backslash, which would escape what follows", "a\\|b", "a\\\\\\|b"],
    [
      "escapes emphasis and link brackets, which would format or link",
      "CC-ENV-02 *x* _y_ [z]",
      "CC-ENV-02 \\*x\\* \\_y\\_ \\[z\\]",
    ],
    [
      "leaves plain words, digits and other punctuation as they are",
      "CC-ENV-02: 3 rules, 1 app.",
      "CC-ENV-02: 3 rules, 1 app.",
    ],
    ["breaks a mention, which would notify the login", "ping @mathieu", "ping @&#8203;mathieu"],
    [
      "escapes a heading mark and an image",
      "# title ![x](https://e.example/a.png)",
      "\\#&#8203; title !\\[x\\](https&#8203;://e.example/a.png)",
    ],
    [
      "breaks what GitHub links by itself: issue references and autolinks",
      "GH-12 #12 www.e.example http://e.example",
      "GH&#8203;-12 \\#&#8203;12 www&#8203;.e.example http&#8203;://e.example",
    ],
  ]));

describe("markdownCode: a code span in a Markdown table cell", () =>
  escapes(markdownCode, [
    ["wraps a name in backticks", "erp-berhan-svc", "`erp-berhan-svc`"],
    ["escapes a pipe", "a|b", "`a\\|b`"],
    ["fences a backtick with a longer run of backticks, padded", "`a``b", "``` `a``b ```"],
    ["keeps < and & (a code span shows them as written)", "a<b&c", "`a<b&c`"],
    ["turns line breaks into spaces", "a\nb", "`a b`"],
  ]));

describe("the Markdown report with hostile text", function () {
  /** The broken report whose every failure's evidence holds `text`. */
  const withEvidence = (text: string): AuditReport => ({
    ...R.broken,
    results: R.broken.results.map((x) => (x.status === "fail" ? { ...x, message: text } : x)),
  });

  it("keeps every failure on one table row of four cells, whatever its evidence holds", function () {
    const hostile = "a | b\n| c | d |\r\n`e` <script>x</script> & \\";
    const m = renderReport(withEvidence(hostile), "markdown");
    const rows = m.split("\n").filter((l) => /^\| (mandatory|advisory) \| CC-/.test(l));
    assert.equal(rows.length, R.broken.summary.fail);
    for (const row of rows) {
      // Unescaped pipes delimit the cells: the row's own 5, none from the evidence.
      const cells = row.split(/(?<!\\)\|/).slice(1, -1);
      assert.equal(cells.length, 4, row);
      const evidence = cells[3];
      assert.ok(!evidence.includes("<script>"), evidence);
      assert.ok(!/(?<!\\)`/.test(evidence), `no code span opens in ${evidence}`);
    }
  });

  it("escapes the waiver's reason and owner the same way", function () {
    const m = renderReport(R.brokenWaived, "markdown");
    assert.ok(m.includes("self-review allowed during the &lt;on-call&gt; rotation &amp; handover"));
  });
});

describe("markdownInline: a title's code spans render as code, the rest stays inert", () => {
  escapes(markdownInline, [
    [
      "renders a code span as code",
      "the default branch (`main`) is protected",
      "the default branch (`main`) is protected",
    ],
    ["keeps the rest escaped", "<b>x</b> and `a|b`", "&lt;b&gt;x&lt;/b&gt; and `a\\|b`"],
    ["escapes an unpaired backtick", "one ` tick", "one \\` tick"],
    ["keeps a pair across a line break as text", "`a\nb`", "\\`a b\\`"],
    ["breaks a mention outside a span, leaves it inside", "@team `@x`", "@&#8203;team `@x`"],
  ]);
  it("renders the catalogue's titles with their code in the Markdown report", () => {
    const md = renderReport(R.broken, "markdown");
    assert.match(md, /CC-BR-01 \| every managed repository's default branch \(`main`\) is protected/);
    assert.doesNotMatch(md, /\\`main\\`/);
  });
});
