/**
 * Terminal text (src/terminal.ts and the tables of the audit, the diff and the checks): colours follow `--color`,
 * FORCE_COLOR and NO_COLOR; on a terminal 80 or 200 columns wide no line is longer than it and no cell is cut (a
 * rule ID, a property path, a value: all there, wrapped); to a pipe, lines as long as their values.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { diffPlans } from "../../src/diff/diff";
import { renderDiffs } from "../../src/diff/render";
import { renderReport } from "../../src/report/render";
import { displayWidth, layoutFor, layoutTable, useColor, wrapIndented, wrapText } from "../../src/terminal";
import type { Plan } from "../../src/plan/types";
import { spawnSync } from "node:child_process";
import { CLI_JS, cicd } from "../cli-harness";
import { ROOT } from "../helpers";
import { realReports, RealReports } from "../report/real-results";

const ESC = "\u001b[";
const plain = (s: string) => s.replace(new RegExp(`${ESC.replace("[", "\\[")}\\d+m`, "g"), "");

/** Asserts that no line of `text` is wider than `width` display columns. */
function fits(text: string, width: number): void {
  for (const line of text.split("\n"))
    assert.ok(displayWidth(line) <= width, `${displayWidth(line)} > ${width}: ${line}`);
}

/**
 * The text of each column of the tables in `text`, its cells' lines read top to bottom, joined, without spaces
 * (padding, borders and colours removed): what a cell held, all of it when it was wrapped and not cut.
 */
function columns(text: string): string[] {
  const cols: string[] = [];
  for (const line of plain(text).split("\n")) {
    if (!line.startsWith("│")) continue;
    line
      .split("│")
      .slice(1, -1)
      .forEach((cell, i) => (cols[i] = (cols[i] ?? "") + cell.replace(/\s/g, "")));
  }
  return cols;
}

describe("useColor and layoutFor", function () {
  const tty = { isTTY: true, columns: 120 };
  const pipe = { isTTY: false };
  it("colours a terminal, not a pipe; --color always and never decide over the environment", function () {
    assert.equal(useColor("auto", tty, {}), true);
    assert.equal(useColor("auto", pipe, {}), false);
    assert.equal(useColor("auto", tty, { TERM: "dumb" }), false);
    assert.equal(useColor("always", pipe, { NO_COLOR: "1" }), true);
    assert.equal(useColor("never", tty, { FORCE_COLOR: "1" }), false);
  });

  it("honours NO_COLOR (set, not empty) and FORCE_COLOR (0 and false: off; anything else, empty too: on)", function () {
    assert.equal(useColor("auto", tty, { NO_COLOR: "1" }), false);
    assert.equal(useColor("auto", tty, { NO_COLOR: "" }), true);
    assert.equal(useColor("auto", pipe, { FORCE_COLOR: "1" }), true);
    assert.equal(useColor("auto", pipe, { FORCE_COLOR: "" }), true);
    assert.equal(useColor("auto", pipe, { FORCE_COLOR: "3", NO_COLOR: "1" }), true);
    assert.equal(useColor("auto", tty, { FORCE_COLOR: "0" }), false);
    assert.equal(useColor("auto", tty, { FORCE_COLOR: "false" }), false);
  });

  it("takes a terminal's width, none for a pipe or a file", function () {
    assert.equal(layoutFor("never", false, tty).width, 120);
    assert.equal(layoutFor("never", false, { isTTY: true }).width, 80);
    assert.equal(layoutFor("never", false, pipe).width, undefined);
    assert.deepEqual(layoutFor("auto", true, tty), { color: false });
  });
});

describe("wrapping", function () {
  it("wraps at spaces and breaks a word longer than a line, dropping nothing", function () {
    const text = "a urn:pulumi:production::cicd-constitution::aws:ecs/taskDefinition:TaskDefinition::web b";
    const wrapped = wrapText(text, 20);
    fits(wrapped, 20);
    assert.equal(wrapped.replace(/\s/g, ""), text.replace(/\s/g, ""), "nothing dropped");
    assert.equal(wrapText(text, undefined), text);
  });

  it("breaks an image reference after its `:` or `@`, a digest's hex in even halves, never a stray character", function () {
    const hex = "e1db7ed9b791d429b65c423dd68ad538024b18e7929fad9301651f3753f5b56e";
    assert.deepEqual(wrapText(`runs ghcr.io/surlefeu/erp-berhan@sha256:${hex}`, 63).split("\n"), [
      "runs ghcr.io/surlefeu/erp-berhan@sha256:",
      hex.slice(0, 32),
      hex.slice(32),
    ]);
    const sha = "3f9c2a7e5b8d41c6a0e2f7b9d3c5a1e8f4b6d2c0";
    assert.deepEqual(wrapText(`ghcr.io/surlefeu/erp-berhan:${sha} for linux/amd64`, 63).split("\n"), [
      "ghcr.io/surlefeu/erp-berhan:",
      `${sha} for linux/amd64`,
    ]);
    // A run longer than two lines: three even pieces.
    assert.deepEqual(wrapText("x".repeat(50), 20).split("\n"), [
      "x".repeat(17),
      "x".repeat(17),
      "x".repeat(16),
    ]);
  });

  it("continues a summary line under its value", function () {
    const line = `    alarms       ${Array.from({ length: 12 }, (_, i) => `erp-alarm-${i}`).join(", ")}`;
    const wrapped = wrapIndented(line, 60).split("\n");
    assert.ok(wrapped.length > 1);
    for (const l of wrapped.slice(1)) assert.match(l, /^ {17}\S/);
    fits(wrapped.join("\n"), 60);
    assert.equal(wrapIndented(line, undefined), line);
  });

  it("sizes a table to the width, never narrowing a kept column", function () {
    const rows = [["CC-WAIVE-02", "x".repeat(150), "a b c ".repeat(40)]];
    for (const width of [80, 200]) {
      const t = layoutTable(["rule", "resource", "evidence"], rows, { color: false, width }, { keep: [0] });
      fits(t, width);
      assert.match(t, /│ CC-WAIVE-02 │/);
      assert.ok(!t.includes("…"), "nothing cut");
      assert.ok(columns(t)[1].includes("x".repeat(150)), "the long cell whole, wrapped");
    }
    const wide = layoutTable(["rule", "resource"], [["CC-WAIVE-02", "y".repeat(300)]], { color: false });
    assert.ok(wide.includes("y".repeat(300)), "no width: one line per cell line");
  });
});

describe("the audit and diff tables at 80 and 200 columns", function () {
  let R: RealReports;
  before(async function () {
    R = await realReports();
  });

  it("audit: no line over the width, every rule ID and resource whole, every evidence word there", function () {
    for (const report of [R.broken, R.brokenWaived]) {
      const shown = report.results.filter((x) => x.status === "fail" || x.status === "waived");
      assert.ok(shown.length > 0);
      for (const width of [80, 200]) {
        const t = renderReport(report, "table", { color: true, width });
        fits(plain(t), width);
        const evidence = columns(t)[3];
        for (const x of shown) {
          assert.match(plain(t), new RegExp(`│ ${x.ruleId} +│`), `${x.ruleId} at ${width}`);
          assert.ok(evidence.includes(x.message.replace(/\s/g, "")), `${x.message} at ${width}`);
        }
        assert.ok(!plain(t).includes("CC-WAIVE-…") && !/CC-[A-Z]+-…/.test(plain(t)), "no rule ID cut");
      }
      const piped = renderReport(report, "table", { color: false });
      for (const x of shown) assert.ok(piped.includes(x.message.split("\n")[0]), "a message on one line");
    }
  });

  it("diff: no line over the width, paths and values whole", function () {
    const container = (level: string) => ({
      name: "web",
      image: `ghcr.io/acme/web@sha256:${level.repeat(64)}`,
      environment: [{ name: "LOG_LEVEL_OF_THE_APPLICATION_SERVER", value: level }],
    });
    const plan = (level: string): Plan =>
      ({
        schemaVersion: 1,
        project: "p",
        stack: "staging",
        mode: "offline",
        resources: [
          {
            urn: "urn:pulumi:staging::p::aws:ecs/taskDefinition:TaskDefinition::web-task",
            type: "aws:ecs/taskDefinition:TaskDefinition",
            name: "web-task",
            parent: null,
            inputs: { containerDefinitions: JSON.stringify([container(level)]) },
          },
        ],
        outputs: {},
        requiredSecrets: [],
        assumptions: [],
      }) as Plan;
    const d = diffPlans(plan("a"), plan("b"));
    for (const width of [80, 200]) {
      const t = renderDiffs([d], "table", { color: false, width });
      fits(t, width);
      const [, , property, , after] = columns(t);
      assert.ok(
        property.includes("containerDefinitions[web].environment[LOG_LEVEL_OF_THE_APPLICATION_SERVER].value"),
      );
      assert.ok(after.includes(`"ghcr.io/acme/web@sha256:${"b".repeat(64)}"`), "the image in full");
    }
    const piped = renderDiffs([d], "table", { color: false });
    assert.match(
      piped,
      /│ containerDefinitions\[web\]\.environment\[LOG_LEVEL_OF_THE_APPLICATION_SERVER\]\.value +│/,
    );
  });
});

describe("cicd audit --color, FORCE_COLOR and NO_COLOR", function () {
  const EXPORT = path.resolve(__dirname, "../fixtures/audit/stack-export.production.json");
  const args = (more: string[]) => ["audit", "--from-export", EXPORT, "--dir", path.dirname(EXPORT), ...more];

  it("in a pipe: no colour by default or with NO_COLOR, colour with --color always", async function () {
    const cases: Array<[string[], Record<string, string>, boolean]> = [
      [[], { NO_COLOR: "1" }, false],
      [["--color", "auto"], { NO_COLOR: "" }, false],
      [["--color", "always"], { NO_COLOR: "1" }, true],
    ];
    for (const [more, env, coloured] of cases) {
      const r = await cicd(args(more), { env });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout.includes(ESC), coloured, `${more.join(" ")} ${JSON.stringify(env)}`);
    }
    const bad = await cicd(args(["--color", "sometimes"]));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--color <when>.*sometimes.*Allowed choices are auto, always, never/s);
  });

  it("the executable in a pipe: FORCE_COLOR colours, FORCE_COLOR=0 and --color never do not", function () {
    const cases: Array<[string[], string, boolean]> = [
      [[], "1", true],
      [[], "0", false],
      [["--color", "never"], "1", false],
    ];
    for (const [more, force, coloured] of cases) {
      const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: force };
      delete env.NO_COLOR;
      const r = spawnSync(process.execPath, [CLI_JS, ...args(more)], { cwd: ROOT, env, encoding: "utf8" });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout.includes(ESC), coloured, `${more.join(" ")} FORCE_COLOR=${force}`);
    }
  });
});

describe("cicd preview on an 80-column terminal", function () {
  this.timeout(120_000);

  it("no line over 80 columns, the banner one paragraph, no stray piece of a digest, no `undefined`", function () {
    // `script` gives the preview a pseudo-terminal (util-linux); `stty cols 80` sets its width.
    if (spawnSync("script", ["--version"]).status !== 0) this.skip();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "cicd-tty-"));
    try {
      const cmd = `stty cols 80; ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_JS)} preview --stack all --color never --out-dir ${JSON.stringify(out)}`;
      const r = spawnSync("script", ["-qec", cmd, "/dev/null"], { cwd: ROOT, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.replace(/\r/g, "").split("\n");
      fits(lines.join("\n"), 80);
      assert.match(lines[0], /^OFFLINE PREVIEW: .{50,}/);
      assert.match(
        lines[1],
        /^ {2}\S.{60,}/,
        "the banner's second line is full, not a stub of a 110-column line",
      );
      assert.deepEqual(
        lines.filter((l) => /^\s+[0-9a-f]{1,8}$/.test(l)),
        [],
        "no line holds only a few hex digits",
      );
      assert.ok(!r.stdout.includes("undefined"), "no `undefined`");
      assert.match(r.stdout, /OK: no mandatory policy violation\./);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
