/**
 * The infra diff's renderings on small hand-built diffs: a value cut to one line (`showValue`), the shared
 * prefix of two long strings elided (`showChange`), the summary line, and the exact terminal table, Markdown
 * section and JSON of `renderDiffs`: signs and their colours, the rows of each kind of change, the replacement
 * warning, stacks with nothing to show, and the width a table and its headings are fitted to.
 */
import * as assert from "node:assert/strict";
import type { PlanDiff } from "../../src/diff/diff";
import { MAX_VALUE_CHARS, renderDiffs, showChange, showValue, summaryLine } from "../../src/diff/render";
import { change } from "./diff-fixtures";

/** A diff of stack `staging` of project `p` with no change, `fields` set on it. */
function diff(fields: Partial<PlanDiff> = {}): PlanDiff {
  return {
    schemaVersion: 1,
    project: "p",
    baseStack: "staging",
    headStack: "staging",
    added: [],
    removed: [],
    changed: [],
    unchanged: 0,
    outputs: [],
    ...fields,
  };
}

const res = (name: string, type: string) => ({ urn: `urn:${name}`, type, name });

/** One resource of each kind and a stack output. */
const FULL = diff({
  added: [res("na", "t:a")],
  removed: [res("nr", "t:r")],
  changed: [
    {
      ...res("nc", "t:c"),
      action: "replace",
      properties: [change("image", "a", "b", true), change("cpu", undefined, 2)],
    },
    { ...res("nu", "t:u"), action: "update", properties: [change("x", 1, undefined)] },
  ],
  unchanged: 3,
  outputs: [change("outputs.o", 1, 2)],
});

const SUMMARY =
  "staging: 1 to add, 1 to remove, 1 to update in place, 1 to replace, 3 unchanged; 1 output change(s)";
const LEGEND = "Legend: + add, - remove, ~ update in place, +- replace. Secrets show as [secret].";

describe("diff rendering: values", function () {
  it("showValue: one line of JSON, `-` when absent, cut to MAX_VALUE_CHARS with an ellipsis", function () {
    assert.equal(MAX_VALUE_CHARS, 120);
    assert.equal(showValue(undefined), "-");
    assert.equal(showValue(null), "null");
    assert.equal(showValue("a"), '"a"');
    assert.equal(showValue({ a: [1, "b"] }), '{"a":[1,"b"]}');
    const fits = "x".repeat(118); // 120 characters with its quotes
    assert.equal(showValue(fits), `"${fits}"`);
    const cut = showValue("x".repeat(119));
    assert.equal(cut, `"${"x".repeat(118)}…`);
    assert.equal(cut.length, 120);
  });

  it("showChange: short or non-string values in full", function () {
    assert.deepEqual(showChange(change("p", 1, { a: 2 })), ["1", '{"a":2}']);
    assert.deepEqual(showChange(change("p", undefined, "b")), ["-", '"b"']);
    const forty = "y".repeat(40);
    // Both within the width: nothing elided, however long the shared prefix.
    assert.deepEqual(showChange(change("p", forty, `${"y".repeat(39)}z`)), [
      `"${forty}"`,
      `"${"y".repeat(39)}z"`,
    ]);
    // A string against an array of its characters: not two strings, nothing elided.
    const long = "y".repeat(41);
    const chars = `${JSON.stringify([...long]).slice(0, 119)}…`;
    assert.deepEqual(showChange(change("p", long, [...long])), [`"${long}"`, chars]);
    assert.deepEqual(showChange(change("p", [...long], long)), [chars, `"${long}"`]);
  });

  it("showChange: two strings, either longer than the width, lose their shared prefix but its last 8 characters", function () {
    const prefix = "ghcr.io/acme/web@sha256:";
    const a = `${prefix}${"e1".repeat(20)}`;
    // Only `a` is long (64 > 40): the 24 shared characters are elided but 8, `a` after them in full.
    assert.deepEqual(showChange(change("image", a, `${prefix}ab`)), [
      `"…@sha256:${"e1".repeat(20)}"`,
      '"…@sha256:ab"',
    ]);
    assert.deepEqual(showChange(change("image", `${prefix}ab`, a)), [
      '"…@sha256:ab"',
      `"…@sha256:${"e1".repeat(20)}"`,
    ]);
    // One string the prefix of the other; identical strings: the common part ends where the shorter one does.
    const x50 = "x".repeat(50);
    assert.deepEqual(showChange(change("p", x50, `${x50}y`)), ['"…xxxxxxxx"', '"…xxxxxxxxy"']);
    assert.deepEqual(showChange(change("p", x50, x50)), ['"…xxxxxxxx"', '"…xxxxxxxx"']);
  });

  it("showChange: no elision when the strings share 8 characters or fewer; 9 elide one", function () {
    const tail = "q".repeat(40);
    assert.deepEqual(showChange(change("p", `12345678a${tail}`, `12345678b`)), [
      `"12345678a${tail}"`,
      '"12345678b"',
    ]);
    assert.deepEqual(showChange(change("p", `123456789a${tail}`, `123456789b`)), [
      `"…23456789a${tail}"`,
      '"…23456789b"',
    ]);
  });

  it("showChange: the width is where elision starts (40 by default)", function () {
    const s41 = `${"k".repeat(30)}${"a".repeat(11)}`;
    const t41 = `${"k".repeat(30)}${"b".repeat(11)}`;
    const elided = [`"…${"k".repeat(8)}${"a".repeat(11)}"`, `"…${"k".repeat(8)}${"b".repeat(11)}"`];
    assert.deepEqual(showChange(change("p", s41, t41)), elided);
    assert.deepEqual(showChange(change("p", s41, t41), 41), [`"${s41}"`, `"${t41}"`]);
    assert.deepEqual(showChange(change("p", s41, t41), 40), elided);
    assert.deepEqual(showChange(change("p", s41, "k"), 40), [`"${s41}"`, '"k"']);
  });
});

describe("diff rendering: summary line", function () {
  it("counts each kind and names the stack once, or base -> head when they differ", function () {
    assert.equal(summaryLine(FULL), SUMMARY);
    assert.equal(
      summaryLine(diff({ baseStack: "staging", headStack: "production", unchanged: 2 })),
      "staging -> production: 0 to add, 0 to remove, 0 to update in place, 0 to replace, 2 unchanged",
    );
    const outputs = [change("outputs.a", 1, 2), change("outputs.b", undefined, 1)];
    assert.equal(
      summaryLine(diff({ outputs })),
      "staging: 0 to add, 0 to remove, 0 to update in place, 0 to replace, 0 unchanged; 2 output change(s)",
    );
  });
});

/** A replaced task definition whose image digest changed, to fit in a narrow terminal. */
const TASK = diff({
  changed: [
    {
      ...res("web-task", "aws:ecs/taskDefinition:TaskDefinition"),
      action: "replace",
      properties: [
        change(
          "containerDefinitions[web].image",
          "ghcr.io/acme/web@sha256:e1e1e1e1",
          "ghcr.io/acme/web@sha256:abab",
          true,
        ),
      ],
    },
  ],
});

describe("diff rendering: the terminal table", function () {
  it("one row per resource added or removed, one per changed property and output, then the legend", function () {
    const sep = "├────┼────────────────┼──────────────────────┼────────┼───────┤";
    assert.equal(
      renderDiffs([FULL], "table"),
      [
        `== p / ${SUMMARY}`,
        "┌────┬────────────────┬──────────────────────┬────────┬───────┐",
        "│    │ resource       │ property             │ before │ after │",
        sep,
        "│ +  │ na             │                      │        │       │",
        "│    │ t:a            │                      │        │       │",
        sep,
        "│ -  │ nr             │                      │        │       │",
        "│    │ t:r            │                      │        │       │",
        sep,
        '│ +- │ nc             │ image                │ "a"    │ "b"   │',
        "│    │ t:c            │ (forces replacement) │        │       │",
        sep,
        "│    │                │ cpu                  │ -      │ 2     │",
        sep,
        "│ ~  │ nu             │ x                    │ 1      │ -     │",
        "│    │ t:u            │                      │        │       │",
        sep,
        "│ ~  │ (stack output) │ outputs.o            │ 1      │ 2     │",
        "└────┴────────────────┴──────────────────────┴────────┴───────┘",
        "",
        LEGEND,
      ].join("\n"),
    );
  });

  it("colours the heading bold and the signs: + green, - and +- red, ~ yellow", function () {
    const sgr = (code: number, text: string, off: number) => `\u001b[${code}m${text}\u001b[${off}m`;
    const colour: Record<string, number> = { "+": 32, "-": 31, "+-": 31, "~": 33 };
    const plain = renderDiffs([FULL], "table").split("\n");
    const expected = plain.map((l, i) =>
      i === 0
        ? sgr(1, l, 22)
        : l.replace(/^│ (\+-|\+|-|~) /, (_, s: string) => `│ ${sgr(colour[s], s, 39)} `),
    );
    assert.equal(expected.filter((l, i) => l !== plain[i]).length, 6, "the heading and five signs");
    assert.equal(renderDiffs([FULL], "table", { color: true }), expected.join("\n"));
  });
});

describe("diff rendering: the terminal table, fitted to a width", function () {
  it("fits a width: the heading and legend wrapped under an indent, the cells wrapped, the sign column kept", function () {
    const sep = "├────┼──────────┼──────────┼──────────┼──────────┤";
    assert.equal(
      renderDiffs([diff(), TASK], "table", { color: false, width: 50 }),
      [
        "== p / staging: 0 to add, 0 to remove, 0 to",
        "  update in place, 0 to replace, 0 unchanged",
        "no changes",
        "",
        "== p / staging: 0 to add, 0 to remove, 0 to",
        "  update in place, 1 to replace, 0 unchanged",
        "┌────┬──────────┬──────────┬──────────┬──────────┐",
        "│    │ resource │ property │ before   │ after    │",
        sep,
        '│ +- │ web-task │ contain  │ "ghcr.   │ "ghcr.   │',
        "│    │ aws:ecs/ │ erDefi   │ io/acme/ │ io/acme/ │",
        "│    │ taskDefi │ nition   │ web@     │ web@     │",
        "│    │ nition:  │ s[web].  │ sha256:  │ sha256:  │",
        '│    │ TaskDef  │ image    │ e1e1e    │ abab"    │',
        '│    │ inition  │ (forces  │ 1e1"     │          │',
        "│    │          │ replac   │          │          │",
        "│    │          │ ement)   │          │          │",
        "└────┴──────────┴──────────┴──────────┴──────────┘",
        "",
        "Legend: + add, - remove, ~ update in place, +-",
        "  replace. Secrets show as [secret].",
      ].join("\n"),
    );
  });

  it("a stack with no change reads `no changes`; values are never cut in the table", function () {
    const long = "v".repeat(200);
    const text = renderDiffs([diff(), diff({ outputs: [change("outputs.x", long, undefined)] })], "table");
    const lines = text.split("\n");
    assert.deepEqual(lines.slice(0, 3), [
      "== p / staging: 0 to add, 0 to remove, 0 to update in place, 0 to replace, 0 unchanged",
      "no changes",
      "",
    ]);
    assert.ok(
      lines.some((l) => l.includes(` "${long}" │ -     │`)),
      text,
    );
  });
});

const MD_TITLE = ["### Infrastructure diff", ""];
const MD_HEAD = ["| | resource | property | before | after |", "| --- | --- | --- | --- | --- |"];
const MD_FOOT =
  "_Offline diff of plan files: inputs as the program registers them; secrets show as `[secret]`._";

describe("diff rendering: Markdown", function () {
  it("a summary per stack, then a table per changed stack, the replaced resources called out", function () {
    assert.equal(
      renderDiffs([FULL], "markdown"),
      [
        ...MD_TITLE,
        `- **p / ${SUMMARY}**`,
        "",
        "#### staging",
        "",
        "> [!WARNING]\n> 1 resource(s) will be **replaced**: `nc`",
        "",
        ...MD_HEAD,
        "| ➕ add | `na` (`t:a`) | | | |",
        "| ➖ remove | `nr` (`t:r`) | | | |",
        '| ♻️ replace | `nc` | `image` **(forces replacement)** | `"a"` | `"b"` |',
        "| ♻️ replace | `nc` | `cpu` | `-` | `2` |",
        "| ✏️ update | `nu` | `x` | `1` | `-` |",
        "| ✏️ output | | `outputs.o` | `1` | `2` |",
        "",
        MD_FOOT,
      ].join("\n"),
    );
  });

  it("a stack with nothing but unchanged resources has its summary and no section", function () {
    const quiet = diff({ headStack: "production", baseStack: "production", unchanged: 4 });
    assert.equal(
      renderDiffs([quiet], "markdown"),
      [
        ...MD_TITLE,
        "- **p / production: 0 to add, 0 to remove, 0 to update in place, 0 to replace, 4 unchanged**",
        "",
        MD_FOOT,
      ].join("\n"),
    );
  });
});

describe("diff rendering: Markdown sections", function () {
  it("any one kind of change, or two of them, makes a section; only replacements make a warning", function () {
    const r = (n: string) => res(n, "t");
    const upd = (n: string) => ({ ...r(n), action: "update" as const, properties: [change("x", 1, 2)] });
    const rep = (n: string) => ({
      ...r(n),
      action: "replace" as const,
      properties: [change("x", 1, 2, true)],
    });
    const diffs = [
      diff({ headStack: "a", added: [r("a1")], removed: [r("a2")] }),
      diff({ headStack: "b", removed: [r("b1")], changed: [upd("b2")] }),
      diff({ headStack: "c", changed: [upd("c1"), rep("c2")] }),
      diff({ headStack: "d", outputs: [change("outputs.x", undefined, 1)] }),
      diff({ headStack: "e", changed: [rep("e1"), upd("e2"), rep("e3")] }),
    ];
    const text = renderDiffs(diffs, "markdown");
    assert.deepEqual(
      text.split("\n").filter((l) => l.startsWith("####") || l.startsWith(">")),
      [
        "#### a",
        "#### b",
        "#### c",
        "> [!WARNING]",
        "> 1 resource(s) will be **replaced**: `c2`",
        "#### d",
        "#### e",
        "> [!WARNING]",
        "> 2 resource(s) will be **replaced**: `e1`, `e3`",
      ],
    );
    assert.ok(text.includes("#### d\n\n| | resource |"), "an outputs-only section has its table");
    assert.ok(text.includes("| ✏️ output | | `outputs.x` | `-` | `1` |"), text);
  });

  it("values are elided past 60 characters, not 40 as in a narrow column", function () {
    const prefix = "ghcr.io/acme/web@sha256:";
    const [a50, b50] = [`${prefix}${"1".repeat(26)}`, `${prefix}${"2".repeat(26)}`];
    const [a61, b61] = [`${prefix}${"1".repeat(37)}`, `${prefix}${"2".repeat(37)}`];
    const d = diff({
      changed: [{ ...res("w", "t"), action: "update", properties: [change("image", a50, b50)] }],
      outputs: [change("outputs.image", a61, b61)],
    });
    const rows = renderDiffs([d], "markdown")
      .split("\n")
      .filter((l) => l.startsWith("| ✏️"));
    assert.deepEqual(rows, [
      `| ✏️ update | \`w\` | \`image\` | \`"${a50}"\` | \`"${b50}"\` |`,
      `| ✏️ output | | \`outputs.image\` | \`"…@sha256:${"1".repeat(37)}"\` | \`"…@sha256:${"2".repeat(37)}"\` |`,
    ]);
  });
});

describe("diff rendering: JSON", function () {
  it("the diffs under schemaVersion 1, indented by two spaces", function () {
    const text = renderDiffs([FULL, diff()], "json");
    assert.deepEqual(JSON.parse(text), { schemaVersion: 1, diffs: [FULL, diff()] });
    assert.ok(
      text.startsWith('{\n  "schemaVersion": 1,\n  "diffs": [\n    {\n      "schemaVersion": 1,'),
      text,
    );
  });
});
