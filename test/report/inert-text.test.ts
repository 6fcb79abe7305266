/**
 * Text that comes from config, exports or remote responses stays text in every format (src/markdown.ts,
 * src/inert.ts): generated hostile strings (Markdown links, images, mentions, headings, HTML, terminal escapes,
 * characters XML forbids) put in a real report's evidence and in a check report render as inert text: no link,
 * mention, heading or tag in Markdown, no control character in the terminal, well-formed XML in JUnit.
 */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { renderChecks, type CheckReport } from "../../src/deploy/checks";
import { terminalText, xmlText } from "../../src/inert";
import { markdownText } from "../../src/markdown";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { renderReport } from "../../src/report/render";
import type { AuditReport } from "../../src/report/types";
import { realReports, type RealReports } from "./real-results";

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

/** Fragments a hostile text is made of: Markdown and HTML, mentions, escapes, control and XML-forbidden characters. */
const FRAGMENTS = [
  "[link](https://evil.example)",
  "![img](https://evil.example/x.png)",
  "@mathieu",
  "# heading",
  "<img src=x onerror=alert(1)>",
  "<details>",
  "`code`",
  "**bold**",
  "| cell |",
  "\n",
  "\r\n",
  "\u001b[31m",
  "\u001b]0;title\u0007",
  "\u0000",
  "\u000b",
  "\ud800",
  "&amp;",
  "\\",
  "www.evil.example",
  "https://evil.example",
  "mailto:a@b.example",
  "GH-12",
  "#12",
  "owner/repo#12",
];
const hostile = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 8 })
  // A marker in front, to find the row that holds the text.
  .map((parts) => `HOSTILE-${parts.join("")}`);

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** The colour codes the table renderer itself writes (SGR), taken out before looking for control characters. */
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/**
 * What GitHub would render active from `md`, judged on the HTML a GFM renderer makes of it (micromark with its GFM
 * extension: links, images, autolinks, headings, HTML) and, on that HTML's text, what GitHub links itself (mentions,
 * issue references). Undefined when `md` renders as one paragraph of plain text.
 */
function activeMarkdown(md: string): string | undefined {
  const html = micromark(md, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
  const tags = [...html.matchAll(/<\/?([a-z0-9]+)/gi)].map((m) => m[1]).filter((t) => t !== "p");
  if (tags.length) return `rendered <${tags[0]}>`;
  const text = html.replace(/<[^>]*>/g, "").replace(/&[a-z]+;|&#\d+;/g, "");
  if (/@[A-Za-z0-9]/.test(text)) return "a mention";
  if (/#\d|\bGH-\d/i.test(text)) return "an issue reference";
  return undefined;
}

let R: RealReports;

describe("hostile text stays text in every format", function () {
  before(async () => {
    R = await realReports();
  });

  it("the escapers alone: Markdown inert, terminal without control characters, XML text well-formed", function () {
    fc.assert(
      fc.property(hostile, (s) => {
        assert.equal(activeMarkdown(markdownText(s)), undefined, JSON.stringify(s));
        assert.ok(!/[\r\n]/.test(markdownText(s)));
        assert.ok(!CONTROL.test(terminalText(s)), JSON.stringify(s));
        assert.ok(
          XMLValidator.validate(`<a b="x">${xmlText(s).replace(/&/g, "&amp;").replace(/</g, "&lt;")}</a>`) ===
            true,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("a report whose evidence is hostile: Markdown, table and JUnit", function () {
    fc.assert(
      fc.property(hostile, (text) => {
        const report: AuditReport = {
          ...R.broken,
          results: R.broken.results.map((x) => (x.status === "fail" ? { ...x, message: text } : x)),
        };
        const rows = renderReport(report, "markdown")
          .split("\n")
          .filter((l) => l.includes("HOSTILE-"));
        assert.ok(rows.length > 0, "the evidence is in the Markdown report");
        for (const row of rows) assert.equal(activeMarkdown(row.replace(/`[^`]*`/g, "")), undefined);
        assert.ok(!CONTROL.test(renderReport(report, "table").replace(COLOUR, "")));
        assert.equal(XMLValidator.validate(renderReport(report, "junit")), true);
      }),
      { numRuns: Math.max(10, Math.floor(RUNS / 5)) },
    );
  });

  it("a check report (verify, predeploy) whose finding is hostile: Markdown, table and JUnit", function () {
    fc.assert(
      fc.property(hostile, (text) => {
        const r: CheckReport = {
          command: "verify",
          stack: "production",
          checks: [{ id: "VERIFY-VERSION", app: "erp-berhan", status: "fail", message: text }],
        };
        const md = renderChecks(r, "markdown");
        assert.equal(
          activeMarkdown(
            md
              .split("\n")
              .filter((l) => l.includes("VERIFY-VERSION"))
              .join("\n"),
          ),
          undefined,
        );
        assert.ok(!CONTROL.test(renderChecks(r, "table").replace(COLOUR, "")));
        assert.equal(XMLValidator.validate(renderChecks(r, "junit")), true);
      }),
      { numRuns: Math.max(10, Math.floor(RUNS / 5)) },
    );
  });
});
