/**
 * src/inert.ts character by character: `terminalText` shows exactly the C0 controls but the line feed, DEL and the
 * C1 controls as `\uXXXX` escapes (at each edge of those ranges), `xmlText` removes exactly what XML 1.0 forbids
 * (the C0 controls but tab, line feed and carriage return; U+FFFE and U+FFFF; unpaired surrogates) and keeps the
 * rest, and `xmlSafe` applies it to every string of a document, keys and non-strings left as they are.
 */
import { strict as assert } from "node:assert";
import { terminalText, xmlSafe, xmlText } from "../../src/inert";

describe("terminalText: control characters shown, not acting", function () {
  it("escapes a colour code and a carriage return as lowercase \\u escapes of four digits", function () {
    assert.equal(terminalText("\u001b[31mred\rover"), "\\u001b[31mred\\u000dover");
  });

  it("escapes each edge of the C0 range but the line feed, DEL and each edge of the C1 range", function () {
    const escaped: [string, string][] = [
      ["\u0000", "\\u0000"],
      ["\u0009", "\\u0009"],
      ["\u000b", "\\u000b"],
      ["\u001f", "\\u001f"],
      ["\u007f", "\\u007f"],
      ["\u0080", "\\u0080"],
      ["\u009f", "\\u009f"],
    ];
    for (const [c, shown] of escaped) assert.equal(terminalText(`a${c}b`), `a${shown}b`, shown);
  });

  it("keeps the line feed, printable ASCII, the no-break space and other text", function () {
    const kept = "line\nnext ~!\u00a0é – ✓ 😀";
    assert.equal(terminalText(kept), kept);
  });
});

describe("xmlText: what XML 1.0 forbids removed", function () {
  it("removes the C0 controls but tab, line feed and carriage return, at each edge of the ranges", function () {
    assert.equal(xmlText("a\u0000\u0008\t\n\r\u000b\u000c\u000e\u001f b"), "a\t\n\r b");
  });

  it("removes U+FFFE and U+FFFF, keeps DEL, the C1 controls and U+FFFD", function () {
    assert.equal(xmlText("x\ufffe\uffffy\u007f\u0085\ufffd"), "xy\u007f\u0085\ufffd");
  });

  it("keeps a surrogate pair, removes an unpaired high or low surrogate wherever it is", function () {
    assert.equal(xmlText("ok 😀"), "ok 😀");
    assert.equal(xmlText("\ud800a"), "a");
    assert.equal(xmlText("a\udbff"), "a");
    assert.equal(xmlText("\udc00a"), "a");
    assert.equal(xmlText("a\udfff"), "a");
    // A high surrogate before a pair, and two low ones in a row: only the pair stays.
    assert.equal(xmlText("\ud800\ud83d\ude00"), "😀");
    assert.equal(xmlText("\ud83d\ude00\ude00"), "😀");
  });
});

describe("xmlSafe: every string of a document passed through xmlText", function () {
  it("cleans strings in nested objects and arrays, keeps keys and other values", function () {
    const doc = {
      "k\u0000ey": "v\u0000al",
      list: ["a\u0001", 1, true, null, { deep: "\uffffz" }],
      n: 0,
      u: undefined,
    };
    assert.deepEqual(xmlSafe(doc), {
      "k\u0000ey": "val",
      list: ["a", 1, true, null, { deep: "z" }],
      n: 0,
      u: undefined,
    });
    assert.ok(Array.isArray(xmlSafe(doc).list));
  });

  it("returns a value that is not a string, array or object as it is", function () {
    assert.equal(xmlSafe(null), null);
    assert.equal(xmlSafe(undefined), undefined);
    assert.equal(xmlSafe(42), 42);
    assert.equal(xmlSafe(false), false);
    assert.equal(xmlSafe("\u0000s"), "s");
  });
});
