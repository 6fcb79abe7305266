/**
 * src/markdown.ts on the cases test/report/markdown-escape.test.ts leaves open: a code span padded when its text
 * starts or ends with a backtick (either alone), fenced by one backtick more than its longest run, empty text; the
 * autolink words GitHub links (any case, each scheme) and the look-alikes it does not; a title with several code
 * spans, empty backtick pairs and text after the last span.
 */
import { strict as assert } from "node:assert";
import { markdownCode, markdownInline, markdownText } from "../../src/markdown";

/** `[input, output]` pairs of one escaper, each checked on its own. */
function cases(escaper: (s: string) => string, pairs: [string, string][]): void {
  for (const [input, expected] of pairs) assert.equal(escaper(input), expected, JSON.stringify(input));
}

describe("markdownCode: fence and padding", function () {
  it("pads when the text starts or ends with a backtick, not when one is inside", function () {
    cases(markdownCode, [
      ["a`", "`` a` ``"],
      ["`a", "`` `a ``"],
      ["a`b", "``a`b``"],
    ]);
  });

  it("fences with one backtick more than the longest run, wherever it is", function () {
    cases(markdownCode, [
      ["x``y`z", "```x``y`z```"],
      ["x`y```z", "````x`y```z````"],
      ["", "``"],
    ]);
  });

  it("makes a CR, a CRLF and an LF one space each", function () {
    cases(markdownCode, [["a\rb\r\nc\nd", "`a b c d`"]]);
  });
});

describe("markdownText: what GitHub links by itself is broken", function () {
  it("breaks every autolink scheme, in any case", function () {
    cases(markdownText, [
      ["HTTPS://e.example", "HTTPS&#8203;://e.example"],
      ["ftp://e.example", "ftp&#8203;://e.example"],
      ["mailto:a", "mailto&#8203;:a"],
      ["xmpp:a", "xmpp&#8203;:a"],
      ["WWW.e.example", "WWW&#8203;.e.example"],
      ["gh-7", "gh&#8203;-7"],
    ]);
  });

  it("leaves the same words alone where they link nothing", function () {
    cases(markdownText, [
      ["www-x wwwy", "www-x wwwy"],
      ["https or ghost", "https or ghost"],
    ]);
  });

  it("escapes the tilde and the closing bracket on their own", function () {
    cases(markdownText, [["~a] b", "\\~a\\] b"]]);
  });
});

describe("markdownInline: every code span of a title", function () {
  it("renders each span, and escapes the text between and after them", function () {
    cases(markdownInline, [
      ["`a` and `b|c` *d*", "`a` and `b\\|c` \\*d\\*"],
      ["``", "\\`\\`"],
      ["x `y` z", "x `y` z"],
    ]);
  });
});
