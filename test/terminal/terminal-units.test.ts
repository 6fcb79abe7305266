/**
 * src/terminal.ts on small inputs: when to colour (each `--color` mode, FORCE_COLOR's values, NO_COLOR set or
 * empty, a TTY and TERM=dumb), the layout of a file or a stream (a TTY's columns, at least 20, 80 when unknown),
 * each style's codes line by line, display widths, wrapping (at spaces, inside a long word after a break or in even
 * pieces, a long word's head kept on the line when that saves one, the text's own line breaks), an indented line's
 * continuation, and a table's columns fitted to a width.
 */
import { strict as assert } from "node:assert";
import {
  displayWidth,
  layoutFor,
  layoutTable,
  paint,
  useColor,
  wrapIndented,
  wrapText,
} from "../../src/terminal";

const TTY = { isTTY: true, columns: 120 };
const PIPE = { isTTY: false };

describe("useColor", function () {
  it("always and never decide whatever the environment", function () {
    assert.equal(useColor("always", PIPE, { NO_COLOR: "1" }), true);
    assert.equal(useColor("never", TTY, { FORCE_COLOR: "1" }), false);
  });

  it("auto: FORCE_COLOR first, off only for 0 and false (any case, spaces around)", function () {
    const cases: Array<[string, boolean]> = [
      ["1", true],
      ["", true],
      ["0", false],
      ["false", false],
      [" FALSE ", false],
      ["no", true],
    ];
    for (const [force, coloured] of cases)
      assert.equal(
        useColor("auto", PIPE, { FORCE_COLOR: force, NO_COLOR: "1" }),
        coloured,
        JSON.stringify(force),
      );
  });

  it("auto: then NO_COLOR when not empty, then a TTY whose TERM is not dumb", function () {
    assert.equal(useColor("auto", TTY, { NO_COLOR: "1" }), false);
    assert.equal(useColor("auto", TTY, { NO_COLOR: "" }), true);
    assert.equal(useColor("auto", TTY, {}), true);
    assert.equal(useColor("auto", TTY, { TERM: "dumb" }), false);
    assert.equal(useColor("auto", TTY, { TERM: "xterm" }), true);
    assert.equal(useColor("auto", PIPE, {}), false);
    assert.equal(useColor("auto", {}, {}), false);
  });
});

describe("defaults", function () {
  it("useColor and layoutFor: auto, to the stream", function () {
    const saved = process.env.FORCE_COLOR;
    process.env.FORCE_COLOR = "1";
    try {
      assert.equal(useColor(undefined, PIPE, {}), false);
      assert.equal(useColor(undefined, TTY, {}), true);
      assert.deepEqual(layoutFor(undefined, undefined, TTY), { color: true, width: 120 });
    } finally {
      if (saved === undefined) delete process.env.FORCE_COLOR;
      else process.env.FORCE_COLOR = saved;
    }
  });
});

describe("layoutFor", function () {
  it("a file: colour only with always, no width", function () {
    assert.deepEqual(layoutFor("always", true, TTY), { color: true });
    assert.deepEqual(layoutFor("auto", true, TTY), { color: false });
  });

  it("a TTY: its columns, at least 20, 80 when it does not say; a pipe: no width", function () {
    assert.deepEqual(layoutFor("never", false, TTY), { color: false, width: 120 });
    assert.deepEqual(layoutFor("always", false, { isTTY: true, columns: 20 }), { color: true, width: 20 });
    assert.deepEqual(layoutFor("never", false, { isTTY: true, columns: 19 }), { color: false, width: 20 });
    assert.deepEqual(layoutFor("never", false, { isTTY: true, columns: 0 }), { color: false, width: 80 });
    assert.deepEqual(layoutFor("never", false, PIPE), { color: false, width: undefined });
  });
});

describe("paint and displayWidth", function () {
  it("styles each line on its own with the style's codes; nothing without colour or text", function () {
    assert.equal(paint(true, "bold", "a\nb"), "\u001b[1ma\u001b[22m\n\u001b[1mb\u001b[22m");
    const codes = { red: 31, green: 32, yellow: 33, cyan: 36, gray: 90 } as const;
    for (const [style, on] of Object.entries(codes))
      assert.equal(paint(true, style as keyof typeof codes, "x"), `\u001b[${on}mx\u001b[39m`);
    assert.equal(paint(false, "red", "x"), "x");
    assert.equal(paint(true, "red", ""), "");
  });

  it("counts display columns: ANSI codes none, wide characters two", function () {
    assert.equal(displayWidth("\u001b[31mab\u001b[39m"), 2);
    assert.equal(displayWidth("日本"), 4);
  });
});

describe("wrapText", function () {
  const wrap = (s: string, w: number | undefined) => wrapText(s, w).split("\n");

  it("wraps at spaces, keeps the text's own line breaks; no width: unchanged", function () {
    assert.deepEqual(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
    assert.deepEqual(wrap("aaa bbb ccc", 6), ["aaa", "bbb", "ccc"]);
    assert.deepEqual(wrap("a\nbb cc", 3), ["a", "bb", "cc"]);
    assert.equal(wrapText("aaa bbb ccc", undefined), "aaa bbb ccc");
  });

  it("drops the spaces where a line breaks", function () {
    assert.deepEqual(wrap("abc  d", 3), ["abc", "d"]);
  });

  it("takes a width under 1 as 1, and counts wide characters as two", function () {
    assert.deepEqual(wrap("abc", 0), ["a", "b", "c"]);
    assert.deepEqual(wrap("日本語 日本", 4), ["日本", "語", "日本"]);
  });

  it("breaks a long word after its last break that fits, else in even pieces", function () {
    assert.deepEqual(wrap("ab-cdefgh-ij", 5), ["ab-", "cdef", "gh-ij"]);
    assert.deepEqual(wrap("abcdefghij", 4), ["abcd", "efg", "hij"]);
    assert.deepEqual(wrap("x 0123456789abcdef", 8), ["x", "01234567", "89abcdef"]);
    // Even pieces of the run up to its first break, not of the whole word.
    assert.deepEqual(wrap("abcdef-ghijklmnopqrstu", 4), ["abcd", "ef-", "ghij", "klmn", "opqr", "stu"]);
    for (const c of "/:.@,]_=") assert.deepEqual(wrap(`abc${c}defg`, 5), [`abc${c}`, "defg"], c);
  });

  it("starts a long word on the line when a head of it ending at a break saves a line", function () {
    assert.deepEqual(wrap("ab cdefg-hijklmnop-qrs", 10), ["ab cdefg-", "hijklmnop-", "qrs"]);
    // A head that fills the line to its last column.
    assert.deepEqual(wrap("ab cdefgh-ijklmnop-qrs", 10), ["ab cdefgh-", "ijklmnop-", "qrs"]);
    // Of two heads that save as many lines, the longer.
    assert.deepEqual(wrap("x bab--bbba-aabbabaab-a-", 8), ["x bab--", "bbba-", "aabba", "baab-a-"]);
    // Here the head would not save a line: the word starts on the next one.
    assert.deepEqual(wrap("ab cd-efgh-ijkl", 8), ["ab", "cd-efgh-", "ijkl"]);
    assert.deepEqual(wrap("see ghcr.io/o/img:tag now", 10), ["see", "ghcr.io/o/", "img:tag", "now"]);
  });
});

describe("wrapIndented", function () {
  const wrap = (s: string, w: number | undefined) => wrapIndented(s, w).split("\n");

  it("leaves a line that fits, or any line without a width", function () {
    assert.equal(wrapIndented("  fits", 6), "  fits");
    assert.equal(wrapIndented("x".repeat(200), undefined), "x".repeat(200));
  });

  it("continues under the value after a label's spaces (two or more), up to half the width", function () {
    assert.deepEqual(wrap("  key  aa bb cc dd ee", 16), ["  key  aa bb cc", "       dd ee"]);
    assert.deepEqual(wrap("  key     aaaa bbbb cccc", 20), ["  key     aaaa bbbb", "          cccc"]);
    // One space is not a label's.
    assert.deepEqual(wrap("  plain words that wrap here too", 20), [
      "  plain words that",
      "    wrap here too",
    ]);
  });

  it("else two columns deeper than the line, or when the value starts past half the width", function () {
    assert.deepEqual(wrap("  plain words that wrap here", 14), [
      "  plain",
      "    words that",
      "    wrap here",
    ]);
    assert.deepEqual(wrap("  alarms       a, b, c, d, e, f", 20), ["  alarms       a,", "    b, c, d, e, f"]);
    assert.deepEqual(wrap("short", 3), ["sh", " or", " t"]);
  });
});

describe("layoutTable", function () {
  const plain = { color: false };

  it("with no width, each column as wide as its widest cell; a missing cell empty", function () {
    assert.equal(
      layoutTable(["a", "bb"], [["x", "yyyy yyyy"], ["zzz"]], plain),
      [
        "┌─────┬───────────┐",
        "│ a   │ bb        │",
        "├─────┼───────────┤",
        "│ x   │ yyyy yyyy │",
        "├─────┼───────────┤",
        "│ zzz │           │",
        "└─────┴───────────┘",
      ].join("\n"),
    );
  });

  it("narrows the widest columns to the width, wrapping their cells, a kept column whole", function () {
    const t = layoutTable(
      ["id", "text"],
      [["CC-ENV-02-LONG", "aaaa bbbb cccc dddd eeee ffff"]],
      { color: false, width: 30 },
      { keep: [0] },
    );
    assert.deepEqual(t.split("\n").slice(3, 6), [
      "│ CC-ENV-02-LONG │ aaaa bbbb │",
      "│                │ cccc dddd │",
      "│                │ eeee ffff │",
    ]);
    assert.ok(t.split("\n").every((l) => displayWidth(l) <= 30));
  });

  it("shares what is left between narrowed columns in proportion to what each lacks", function () {
    const t = layoutTable(["a", "b"], [["x".repeat(40), "y".repeat(20)]], { color: false, width: 47 });
    // 47 - 7 (frame) = 40 columns: 16 each, the 8 left shared 24:4 as they lack 24 and 4 (6 and 1, rounded down):
    // 22 and 17, each drawn with its padding.
    assert.equal(t.split("\n")[0], `┌${"─".repeat(24)}┬${"─".repeat(19)}┐`);
    assert.ok(t.split("\n").every((l) => displayWidth(l) <= 47));
  });

  it("keeps a table that fits as it is, however much room is left", function () {
    assert.equal(
      layoutTable(["a"], [["x".repeat(30)]], { color: false, width: 100 }).split("\n")[0],
      `┌${"─".repeat(32)}┐`,
    );
  });

  it("narrows every column not kept to what the width leaves each, under 16 columns", function () {
    const border = (widths: number[]) => `┌${widths.map((w) => "─".repeat(w + 2)).join("┬")}┐`;
    // 27 - 7 (frame) = 20 columns for two: 10 each.
    const two = layoutTable(["a", "b"], [["x".repeat(40), "y".repeat(20)]], { color: false, width: 27 });
    assert.equal(two.split("\n")[0], border([10, 10]));
    // 32 - 10 (frame) - 5 (kept) = 17 columns for two: 8 each, the one left not enough to share.
    const kept = layoutTable(
      ["k", "a", "b"],
      [["kkkkk", "x".repeat(40), "y".repeat(20)]],
      { color: false, width: 32 },
      { keep: [0] },
    );
    assert.equal(kept.split("\n")[0], border([5, 8, 8]));
  });

  it("colours only the cells with a style", function () {
    const t = layoutTable(["a", "b", "c"], [["plain", { text: "nostyle" }, { text: "red", style: "red" }]], {
      color: true,
    });
    assert.equal(t.split("\n")[3], "│ plain │ nostyle │ \u001b[31mred\u001b[39m │");
  });

  it("colours a styled cell line by line when colour is on; a column keeps 4 columns however narrow the width", function () {
    const t = layoutTable(["s"], [[{ text: "aa bb", style: "red" }]], { color: true, width: 6 });
    assert.deepEqual(t.split("\n").slice(3, 5), [
      "│ \u001b[31maa\u001b[39m   │",
      "│ \u001b[31mbb\u001b[39m   │",
    ]);
  });
});
