/**
 * src/comment/command.ts (`runComment`) on hand-built reports directories, called in this process: which files it
 * reads (`audit.<stack>.sarif` only, in name order, with its `.md`; `diff.json` counted as added + removed +
 * updated + replaced + output changes; `diff.md`), where it writes (`comment.md`, `full-comment.md`, or `--out`
 * and `--full-out` in directories it makes), the URLs and commit it links from options or the Actions environment,
 * `--max-chars` bounds and default, `--trim` to stdout or a file, and exit code 2 with the message on stderr.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import nodeFs from "node:fs";
import * as path from "node:path";
import { runComment, type CommentCommandOptions } from "../../src/comment/command";
import { CATALOGUE_PATH } from "../../src/report/common";
import { cleanTempDirs, tempDir } from "../temp";

const SHA = "f".repeat(40);

/** A SARIF log as `cicd report --format sarif` writes it for `stack`, with one mandatory failure per entry of `failing`. */
function sarif(stack: string, failing: Array<{ rule: string; resource: string; line: number }> = []): string {
  const n = failing.length;
  const summary = {
    total: n + 1,
    pass: 1,
    fail: n,
    waived: 0,
    notApplicable: 0,
    mandatoryFailures: n,
    advisoryFailures: 0,
  };
  const results = failing.map((f) => ({
    ruleId: f.rule,
    message: { text: `${f.resource}: broken` },
    properties: { enforcementLevel: "mandatory" },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: `Pulumi.${stack}.yaml` },
          region: { startLine: f.line },
        },
        logicalLocations: [{ kind: "resource", name: f.resource }],
      },
    ],
  }));
  const run = {
    tool: { driver: { name: "cicd-constitution", rules: [] } },
    properties: { stack, summary },
    results,
  };
  return JSON.stringify({ version: "2.1.0", runs: [run] });
}

/** A `diff.json` of one stack: 1 added, 2 removed, 1 updated, 1 replaced, 1 output changed (6 changes). */
function diffJson(stack: string): string {
  const ref = (name: string) => ({ urn: `urn:${name}`, type: "t", name });
  const change = (name: string, action: string) => ({
    ...ref(name),
    action,
    properties: [],
    replaces: false,
  });
  const diff = {
    schemaVersion: 1,
    project: "p",
    baseStack: "base",
    headStack: stack,
    added: [ref("a")],
    removed: [ref("r1"), ref("r2")],
    changed: [change("u", "update"), change("x", "replace")],
    unchanged: 9,
    outputs: [{ path: "outputs.url", kind: "changed", before: "1", after: "2", replaces: false }],
  };
  return JSON.stringify({ diffs: [diff] });
}

/** A directory holding `files` (name to text). */
function dirWith(files: Record<string, string>): string {
  const dir = tempDir("comment-units");
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** `runComment(opts, env)` with stdout and stderr captured. */
function run(
  opts: CommentCommandOptions,
  env: NodeJS.ProcessEnv = {},
): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((c: string) => out.push(c) > 0) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => err.push(c) > 0) as typeof process.stderr.write;
  try {
    const code = runComment(opts, env);
    return { code, out: out.join(""), err: err.join("") };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}

const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), "utf8");
const ENV = {
  GITHUB_SERVER_URL: "https://ghe.example",
  GITHUB_REPOSITORY: "acme/infra",
  GITHUB_RUN_ID: "77",
};

describe("runComment: the PR comment from a reports directory", function () {
  after(cleanTempDirs);

  it("reads each audit.<stack>.sarif in name order, its .md, diff.json's counts and diff.md", function () {
    // audit.sarif.sarif's Markdown is audit.sarif.md: only the extension is replaced.
    const dir = dirWith({
      "audit.staging.sarif": sarif("staging"),
      "audit.prod-eu.1.sarif": sarif("prod-eu.1"),
      "audit.prod-eu.1.md": "# whole audit\n",
      "audit.sarif.sarif": sarif("sarif"),
      "audit.sarif.md": "# sarif's audit\n",
      "xaudit.a.sarif": "not read",
      "audit.b.sarif.bak": "not read",
      "audit..sarif": "not read",
      "diff.json": diffJson("staging"),
      "diff.md": "## diff\n",
    });
    // A directory lists its entries in no set order (this file system sorts them): listed in reverse here.
    const readdir = nodeFs.readdirSync;
    nodeFs.readdirSync = ((d: string) => (readdir(d) as string[]).reverse()) as typeof fs.readdirSync;
    try {
      assert.deepEqual(run({ reports: dir, runUrl: "https://run/9" }), { code: 0, out: "", err: "" });
    } finally {
      nodeFs.readdirSync = readdir;
    }
    const expected = [
      "### cicd-constitution: the verdict",
      "",
      "- **prod-eu.1**: ✅ 0 mandatory failures; changes unknown (no diff); [run](https://run/9)",
      "- **sarif**: ✅ 0 mandatory failures; changes unknown (no diff); [run](https://run/9)",
      "- **staging**: ✅ 0 mandatory failures; 6 change(s); [run](https://run/9)",
      "",
      "## diff",
      "",
      "<details><summary>Whole audit of prod-eu.1 (passes included)</summary>",
      "",
      "# whole audit",
      "",
      "</details>",
      "",
      "<details><summary>Whole audit of sarif (passes included)</summary>",
      "",
      "# sarif's audit",
      "",
      "</details>",
      "",
    ].join("\n");
    assert.equal(read(dir, "comment.md"), expected);
    assert.equal(read(dir, "full-comment.md"), expected);
  });

  it("links at GITHUB_SHA on the server, repository and run of the environment; writes --out and --full-out", function () {
    const dir = dirWith({
      "audit.production.sarif": sarif("production", [{ rule: "CC-ENV-02", resource: "env-1", line: 4 }]),
    });
    const out = path.join(dir, "new", "deeper", "c.md");
    const fullOut = path.join(dir, "other", "f.md");
    assert.equal(run({ reports: dir, out, fullOut }, { ...ENV, GITHUB_SHA: SHA }).code, 0);
    const blob = `https://ghe.example/acme/infra/blob/${SHA}`;
    const expected = [
      "### cicd-constitution: the verdict",
      "",
      "- **production**: ❌ 1 mandatory failure(s); changes unknown (no diff); [run](https://ghe.example/acme/infra/actions/runs/77)",
      "",
      "#### Failures",
      "",
      "| stack | level | rule | resource | where | evidence |",
      "| --- | --- | --- | --- | --- | --- |",
      `| production | mandatory | [CC-ENV-02](${blob}/${CATALOGUE_PATH}#cc-env-02)  | \`env-1\` | [Pulumi.production.yaml:4](${blob}/Pulumi.production.yaml#L4) | broken |`,
      "",
    ].join("\n");
    assert.equal(fs.readFileSync(out, "utf8"), expected);
    assert.equal(fs.readFileSync(fullOut, "utf8"), expected);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["audit.production.sarif", "new", "other"]);
  });

  it("without an environment: github.com, an empty repository and run, the commit HEAD; --sha and --repo-url win", function () {
    const dir = dirWith({
      "audit.production.sarif": sarif("production", [{ rule: "CC-ENV-02", resource: "e", line: 2 }]),
    });
    assert.equal(run({ reports: dir }, { GITHUB_SERVER_URL: "" }).code, 0);
    const lines = read(dir, "comment.md").split("\n");
    assert.match(lines[2], /\[run\]\(https:\/\/github\.com\/\/actions\/runs\/\)$/);
    assert.ok(lines[8].includes(`(https://github.com//blob/HEAD/${CATALOGUE_PATH}#cc-env-02)`), lines[8]);
    assert.equal(
      run({ reports: dir, sha: SHA, repoUrl: "https://r.example/o/r" }, { ...ENV, GITHUB_SHA: "abc" }).code,
      0,
    );
    const again = read(dir, "comment.md").split("\n");
    assert.match(again[2], /\[run\]\(https:\/\/r\.example\/o\/r\/actions\/runs\/77\)$/);
    assert.ok(again[8].includes(`(https://r.example/o/r/blob/${SHA}/${CATALOGUE_PATH}#cc-env-02)`), again[8]);
  });

  it("trims the comment to --max-chars, the whole one kept in full-comment.md", function () {
    const dir = dirWith({
      "audit.production.sarif": sarif("production"),
      "audit.production.md": "x\n".repeat(400),
    });
    assert.equal(run({ reports: dir, runUrl: "https://run/1", maxChars: 500 }).code, 0);
    const comment = read(dir, "comment.md");
    assert.ok(Buffer.byteLength(comment) <= 500, `${comment.length}`);
    assert.ok(comment.endsWith("artifact of [this run](https://run/1)._\n"), comment);
    assert.ok(read(dir, "full-comment.md").length > 800);
  });

  it("reads ./reports by default", function () {
    const cwd = process.cwd();
    const dir = dirWith({});
    fs.mkdirSync(path.join(dir, "reports"));
    fs.writeFileSync(path.join(dir, "reports", "audit.qa.sarif"), sarif("qa"));
    process.chdir(dir);
    try {
      assert.equal(run({}).code, 0);
    } finally {
      process.chdir(cwd);
    }
    assert.match(read(dir, "reports/comment.md"), /^- \*\*qa\*\*: ✅/m);
    assert.ok(fs.existsSync(path.join(dir, "reports", "full-comment.md")));
  });

  it("exits 2 when no audit.<stack>.sarif is there, or a report cannot be read, with the reason on stderr", function () {
    const missing = path.join(dirWith({}), "none");
    assert.deepEqual(run({ reports: missing }), {
      code: 2,
      out: "",
      err: `no audit.<stack>.sarif in ${missing}\n`,
    });
    const empty = dirWith({ "audit.md": "x" });
    assert.deepEqual(run({ reports: empty }), {
      code: 2,
      out: "",
      err: `no audit.<stack>.sarif in ${empty}\n`,
    });
    const bad = dirWith({ "audit.qa.sarif": JSON.stringify({ version: "2.1.0", runs: [] }) });
    assert.deepEqual(run({ reports: bad }), {
      code: 2,
      out: "",
      err: "a SARIF log of cicd report: one run with its summary\n",
    });
    assert.deepEqual(fs.readdirSync(bad), ["audit.qa.sarif"]);
  });
});

describe("runComment --trim: any Markdown body cut under the limit", function () {
  after(cleanTempDirs);

  it("writes a body that fits as it is, to stdout", function () {
    const dir = dirWith({ "b.md": "## drift\nnone\n" });
    assert.deepEqual(run({ trim: path.join(dir, "b.md"), maxChars: 15 }), {
      code: 0,
      out: "## drift\nnone\n",
      err: "",
    });
  });

  it("cuts a longer body on a line, with the note linking the run of the environment, or --note", function () {
    const dir = dirWith({ "b.md": `line-1\n${"x".repeat(200)}\n` });
    const note =
      "_Trimmed to fit GitHub's limit: the whole text is in [this run](https://ghe.example/acme/infra/actions/runs/77)._";
    const max = Buffer.byteLength(`line-1\n\n${note}\n`) + 5;
    assert.deepEqual(run({ trim: path.join(dir, "b.md"), maxChars: max }, ENV), {
      code: 0,
      out: `line-1\n\n${note}\n`,
      err: "",
    });
    assert.deepEqual(run({ trim: path.join(dir, "b.md"), maxChars: 20, note: "N" }), {
      code: 0,
      out: "line-1\n\nN\n",
      err: "",
    });
  });

  it("writes to --out instead, in a directory it makes", function () {
    const dir = dirWith({ "b.md": "body\n" });
    const out = path.join(dir, "sub", "trimmed.md");
    assert.deepEqual(run({ trim: path.join(dir, "b.md"), out }), { code: 0, out: "", err: "" });
    assert.equal(fs.readFileSync(out, "utf8"), "body\n");
  });

  it("keeps 60,000 bytes by default", function () {
    const dir = dirWith({
      "fits.md": "a".repeat(60_000),
      "over.md": `${"a".repeat(59_990)}\n${"b".repeat(10)}`,
    });
    assert.equal(run({ trim: path.join(dir, "fits.md") }).out, "a".repeat(60_000));
    const over = run({ trim: path.join(dir, "over.md"), note: "N" }).out;
    assert.equal(over, `${"a".repeat(59_990)}\n\nN\n`);
  });

  it("accepts --max-chars from 1 to 65,536 only", function () {
    const dir = dirWith({ "b.md": "x".repeat(70_000) });
    const body = path.join(dir, "b.md");
    const refused = (n: number) => ({
      code: 2,
      out: "",
      err: `--max-chars ${n}: from 1 to GitHub's 65536\n`,
    });
    for (const n of [0, -1, 65_537, Number.NaN])
      assert.deepEqual(run({ trim: body, maxChars: n }), refused(n));
    assert.equal(run({ trim: body, maxChars: 65_536, note: "N" }).code, 0);
    assert.equal(run({ trim: body, maxChars: 1, note: "N" }).code, 0);
  });

  it("exits 2 when the body cannot be read", function () {
    const r = run({ trim: path.join(dirWith({}), "absent.md") });
    assert.equal(r.code, 2);
    assert.match(r.err, /absent\.md/);
  });
});
