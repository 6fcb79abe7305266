/**
 * src/report/command.ts: a report's text redacted of its preview's secrets (in the data, so an escaped form is
 * caught too; several stacks' data and text of every preview's secrets), uncoloured by default, ending in a newline;
 * the files of `--out-dir`, one per format; `runReport`'s refusals (no stack file, `--also-formats` without
 * `--out-dir`, an invalid stack file) with exit code 2 and the reason; and, on a copy of this repository's stacks
 * (production without reviewers), where the audits go (stdout, `--out`, `--out-dir`), the exit code, and an error
 * that is not the config's let through.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StackPreview } from "../../src/offline/preview";
import { EXTENSIONS, reportsText, reportText, runReport, writeStackReports } from "../../src/report/command";
import { renderReport } from "../../src/report/render";
import { withoutProductionReviewers } from "../cli-harness";
import { ROOT } from "../root";
import { cleanTempDirs, tempDir } from "../temp";
import { result, tinyReport } from "./tiny-report";

/** A fake secret a JSON encoder escapes (the quote): redacting the encoded text alone would miss it. */
const SECRET = 'fake"secret-1';
const OTHER = "other-fake-secret-2";
const preview = (stack: string, secrets: string[]) =>
  ({ plan: { stack }, secretValues: new Set(secrets) }) as unknown as StackPreview;
const withMessage = (message: string, stack = "qa") =>
  tinyReport({ stack, results: [result("CC-ENV-02", "fail", "env-1", message)], locations: undefined });

/** Runs `body` with FORCE_COLOR=1 (a default that followed the environment would colour). */
async function forcedColour<T>(body: () => T | Promise<T>): Promise<T> {
  const saved = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = "1";
  try {
    return await body();
  } finally {
    if (saved === undefined) delete process.env.FORCE_COLOR;
    else process.env.FORCE_COLOR = saved;
  }
}

describe("reportText and reportsText", function () {
  it("redacts the preview's secrets in the data, so the JSON-escaped form goes too; ends in a newline", function () {
    const text = reportText(preview("qa", [SECRET]), withMessage(`token ${SECRET}`), "json");
    assert.ok(!text.includes("secret-1"), text);
    assert.ok(text.includes('"message": "token [secret]"'), text);
    assert.ok(text.endsWith("}\n"));
  });

  /** Two stacks; the second one's evidence quotes the first preview's secret. */
  const twoStacks = [
    { preview: preview("qa", [SECRET]), report: withMessage(`a ${SECRET}`) },
    { preview: preview("prod", [OTHER]), report: withMessage(`b ${OTHER} ${SECRET}`, "prod") },
  ];

  it("redacts each stack's data of every preview's secrets, one text ending in a newline", function () {
    const text = reportsText(twoStacks, "markdown");
    assert.ok(!text.includes("secret-1") && !text.includes(OTHER), text);
    assert.ok(text.includes("| a \\[secret\\] |"), text);
    assert.ok(text.includes("| b \\[secret\\] \\[secret\\] |"), text);
    assert.ok(text.endsWith("</details>\n"));
  });

  it("so another stack's secret goes in its JSON-escaped form too", function () {
    // Redacted in the text only, prod's evidence kept `fake\"secret-1`: the text holds the raw form nowhere.
    const messages = reportsText(twoStacks, "json")
      .split("\n")
      .filter((l) => l.includes('"message"'));
    assert.deepEqual(messages, [
      '          "message": "a [secret]"',
      '          "message": "b [secret] [secret]"',
    ]);
  });

  it("writes no colour by default, whatever the environment", async function () {
    await forcedColour(() => {
      const one = reportText(preview("qa", []), withMessage("m"), "table");
      const all = reportsText([{ preview: preview("qa", []), report: withMessage("m") }], "table");
      assert.ok(!one.includes("\u001b") && !all.includes("\u001b"));
      assert.equal(one, `${renderReport(withMessage("m"), "table", { color: false })}\n`);
    });
  });
});

describe("writeStackReports", function () {
  after(cleanTempDirs);

  it("writes audit.<stack>.<ext> once per format, in a directory it makes, uncoloured unless always", async function () {
    const out = path.join(tempDir("report-units"), "a", "b");
    const r = withMessage(`x ${SECRET}`);
    await forcedColour(() => writeStackReports(out, preview("qa", [SECRET]), r, ["table", "json", "table"]));
    assert.deepEqual(fs.readdirSync(out).sort(), ["audit.qa.json", "audit.qa.txt"]);
    const table = fs.readFileSync(path.join(out, "audit.qa.txt"), "utf8");
    assert.equal(table, reportText(preview("qa", [SECRET]), r, "table"));
    assert.ok(!table.includes("\u001b"));
    writeStackReports(out, preview("qa", []), r, ["table"], "always");
    assert.ok(fs.readFileSync(path.join(out, "audit.qa.txt"), "utf8").includes("\u001b[1m"));
  });

  it("names each format's file by its extension", function () {
    assert.deepEqual(EXTENSIONS, {
      table: "txt",
      json: "json",
      markdown: "md",
      sarif: "sarif",
      junit: "xml",
    });
  });
});

/** `runReport(opts)` with stderr captured. */
async function run(opts: Parameters<typeof runReport>[0]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const saved = process.stderr.write;
  process.stderr.write = ((c: string) => err.push(c) > 0) as typeof process.stderr.write;
  try {
    return { code: await runReport(opts), err: err.join("") };
  } finally {
    process.stderr.write = saved;
  }
}

describe("runReport: refusals", function () {
  after(cleanTempDirs);

  it("exits 2 when the directory has no stack file, the current one by default", async function () {
    const empty = tempDir("report-units");
    assert.deepEqual(await run({ stack: "all", format: "json", dir: empty }), {
      code: 2,
      err: `No Pulumi.<stack>.yaml in ${empty}\n`,
    });
    const cwd = process.cwd();
    process.chdir(empty);
    try {
      assert.deepEqual(await run({ stack: "all", format: "json" }), {
        code: 2,
        err: `No Pulumi.<stack>.yaml in ${empty}\n`,
      });
    } finally {
      process.chdir(cwd);
    }
  });

  it("exits 2 for --also-formats without --out-dir", async function () {
    assert.deepEqual(await run({ stack: "qa", format: "json", alsoFormats: ["sarif"] }), {
      code: 2,
      err: "--also-formats writes one file per stack and format: give --out-dir\n",
    });
  });

  it("exits 2 with the problems of an invalid stack file, writing nothing", async function () {
    const dir = tempDir("report-units");
    fs.writeFileSync(path.join(dir, "Pulumi.qa.yaml"), "config:\n  cicd-constitution:apps: 5\n");
    const out = path.join(dir, "out");
    const r = await run({ stack: "all", format: "json", dir, outDir: out, alsoFormats: [] });
    assert.equal(r.code, 2);
    assert.match(r.err, /^Invalid config for stack "qa" \(Pulumi\.qa\.yaml\)/);
    assert.match(r.err, /cicd-constitution:apps: expected a value of type array, found 5/);
    assert.ok(!fs.existsSync(out));
  });
});

/** A project holding this repository's stack files, production's without its reviewers (a mandatory failure). */
function project(): string {
  const dir = tempDir("report-units");
  for (const f of ["Pulumi.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml"]) {
    const text = fs.readFileSync(path.join(ROOT, f), "utf8");
    fs.writeFileSync(
      path.join(dir, f),
      f === "Pulumi.production.yaml" ? withoutProductionReviewers(text) : text,
    );
  }
  return dir;
}

/** `runReport(opts)` with stdout captured, FORCE_COLOR=1 (a default following the environment would colour). */
async function report(opts: Parameters<typeof runReport>[0]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const saved = process.stdout.write;
  process.stdout.write = ((c: string) => out.push(c) > 0) as typeof process.stdout.write;
  try {
    return { code: await forcedColour(() => runReport({ today: "2026-11-21", ...opts })), out: out.join("") };
  } finally {
    process.stdout.write = saved;
  }
}

describe("runReport: the audits of a project's stacks", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = project()));
  after(cleanTempDirs);

  it("one stack to stdout: its own document, exit 0 when no mandatory rule fails", async function () {
    const r = await report({ stack: "staging", format: "json", dir });
    assert.equal(r.code, 0);
    assert.ok(r.out.endsWith("}\n"));
    const doc = JSON.parse(r.out) as { stack: string; summary: { mandatoryFailures: number } };
    assert.equal(doc.stack, "staging");
    assert.equal(doc.summary.mandatoryFailures, 0);
  });

  it("every stack to --out (its directory made), uncoloured; exit 1 when one stack fails a mandatory rule", async function () {
    const out = path.join(dir, "new", "deeper", "audit.txt");
    const r = await report({ stack: "all", format: "table", dir, out });
    assert.deepEqual(r, { code: 1, out: "" });
    const text = fs.readFileSync(out, "utf8");
    assert.ok(!text.includes("\u001b"));
    assert.deepEqual(
      text.split("\n").filter((l) => l.startsWith("Policy audit of stack")),
      [
        "Policy audit of stack staging: OFFLINE (plan under Pulumi mocks: desired state only)",
        "Policy audit of stack production: OFFLINE (plan under Pulumi mocks: desired state only)",
      ],
    );
  });

  it("--out-dir: one file per stack and format, nothing on stdout", async function () {
    const outDir = path.join(dir, "reports");
    assert.deepEqual(
      await report({ stack: "staging", format: "json", dir, outDir, alsoFormats: ["sarif", "json"] }),
      {
        code: 0,
        out: "",
      },
    );
    assert.deepEqual(fs.readdirSync(outDir).sort(), ["audit.staging.json", "audit.staging.sarif"]);
    const only = path.join(dir, "only");
    assert.deepEqual(await report({ stack: "staging", format: "markdown", dir, outDir: only }), {
      code: 0,
      out: "",
    });
    assert.deepEqual(fs.readdirSync(only), ["audit.staging.md"]);
  });

  it("lets an error that is not the config's through (an --out-dir that is a file)", async function () {
    const file = path.join(dir, "a-file");
    fs.writeFileSync(file, "");
    await assert.rejects(report({ stack: "staging", format: "json", dir, outDir: file }), { code: "EEXIST" });
  });
});
