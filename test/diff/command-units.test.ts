/**
 * `cicd diff` on small plan files, in process: reading and checking a plan file and a directory of them (the
 * exact messages of bad input), pairing stacks (staging first, production last, a missing side as an empty
 * plan), and `runDiff`'s outputs (stdout, `--out`, `--json-out`, colours only where asked) and exit codes
 * (`--expect-no-changes` per kind of change, 2 for bad input).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SECRET_SIG, SIG_KEY } from "../../src/audit/readState";
import { computeDiffs, diffStacks, readPlan, readPlanDir, runDiff } from "../../src/diff/command";
import { diffPlans } from "../../src/diff/diff";
import { renderDiffs } from "../../src/diff/render";
import type { Plan } from "../../src/plan/types";
import { plan, resource, inputError } from "./diff-fixtures";
import { cleanTempDirs, tempDir } from "../temp";

/** Writes `content` (JSON unless a string) to `name` in `dir`; returns its path. */
function write(dir: string, name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

const NOT_PLAN = "is not a plan file (schemaVersion 1 with stack and resources)";

describe("cicd diff: reading plan files", function () {
  let dir: string;
  before(() => (dir = tempDir("diff-units")));
  after(cleanTempDirs);

  it("reads a plan, masking the Pulumi secret objects of its inputs and keeping the rest", function () {
    const secret = { [SIG_KEY]: SECRET_SIG, value: "hunter2" };
    const r = resource("a", "t:x", {
      inputs: { token: secret, list: [secret, 1], n: 1 },
      options: { protect: true },
    });
    const file = write(dir, "plan.a.json", plan([r], { outputs: { o: 1 }, githubNames: { "1": "@a" } }));
    const expected = { ...r, inputs: { token: "[secret]", list: ["[secret]", 1], n: 1 } };
    assert.deepEqual(readPlan(file), plan([expected], { outputs: { o: 1 }, githubNames: { "1": "@a" } }));
  });

  it("names the file that is missing, not JSON, or not a plan", function () {
    const missing = path.join(dir, "missing.json");
    assert.equal(
      inputError(() => readPlan(missing)),
      `cannot read plan file ${missing}`,
    );
    assert.equal(
      inputError(() => readPlan(dir)),
      `cannot read plan file ${dir}`,
    );
    const bad = write(dir, "bad.json", "{x");
    assert.equal(
      inputError(() => readPlan(bad)),
      `${bad} is not JSON (invalid JSON at position 1)`,
    );
    const ok = plan([]);
    for (const [i, content] of [
      null,
      1,
      { ...ok, schemaVersion: 2 },
      { ...ok, stack: 1 },
      { ...ok, resources: {} },
    ].entries()) {
      const file = write(dir, `notplan${i}.json`, content);
      assert.equal(
        inputError(() => readPlan(file)),
        `${file} ${NOT_PLAN}`,
        JSON.stringify(content),
      );
    }
  });
});

describe("cicd diff: reading a directory of plan files", function () {
  let dir: string;
  before(() => (dir = tempDir("diff-units")));
  after(cleanTempDirs);

  it("reads the plan.<name>.json files of a directory by their stack, the last by name winning", function () {
    const plans = tempDir("diff-plans");
    write(plans, "plan.c.json", plan([resource("c")], { stack: "staging" }));
    write(plans, "plan.b.json", plan([], { stack: "production" }));
    write(plans, "plan.a.json", plan([], { stack: "staging" }));
    for (const other of ["plan.json", "xplan.d.json", "plan.e.json.bak", "notes.txt"])
      write(plans, other, "{x");
    const read = readPlanDir(plans);
    assert.deepEqual([...read.keys()].sort(), ["production", "staging"]);
    assert.deepEqual(read.get("staging"), plan([resource("c")], { stack: "staging" }));
    assert.equal(
      inputError(() => readPlanDir(path.join(dir, "none"))),
      `${path.join(dir, "none")} is not a directory`,
    );
    const file = write(dir, "file.json", "{}");
    assert.equal(
      inputError(() => readPlanDir(file)),
      `${file} is not a directory`,
    );
    write(plans, "plan.z.json", "{}");
    assert.equal(
      inputError(() => readPlanDir(plans)),
      `${path.join(plans, "plan.z.json")} ${NOT_PLAN}`,
    );
  });

  it("computeDiffs without --base-ref needs both plan files", function () {
    const file = write(dir, "plan.s.json", plan([resource("a")]));
    const message = "diff needs BASE_PLAN and HEAD_PLAN, or --base-ref GIT_REF";
    assert.equal(
      inputError(() => computeDiffs({ base: file, format: "table" })),
      message,
    );
    assert.equal(
      inputError(() => computeDiffs({ head: file, format: "table" })),
      message,
    );
    const head = write(dir, "plan.h.json", plan([resource("b")]));
    assert.deepEqual(computeDiffs({ base: file, head, format: "table" }), [
      diffPlans(readPlan(file), readPlan(head)),
    ]);
  });
});

describe("cicd diff: pairing stacks", function () {
  const stack = (s: string, project = "p", names: string[] = [s]) =>
    [
      s,
      plan(
        names.map((n) => resource(n)),
        { stack: s, project },
      ),
    ] as [string, Plan];
  /** The empty plan a missing side is diffed against. */
  const empty = (s: string, project: string) => plan([], { stack: s, project });

  it("staging first, production last, the others by name between; each against its own stack", function () {
    const base = new Map([stack("production"), stack("zeta"), stack("beta")]);
    const head = new Map([stack("alpha"), stack("staging"), stack("production", "p", ["x"]), stack("beta")]);
    const diffs = diffStacks(base, head);
    assert.deepEqual(
      diffs.map((d) => d.headStack),
      ["staging", "alpha", "beta", "zeta", "production"],
    );
    assert.deepEqual(diffs, [
      diffPlans(empty("staging", "p"), head.get("staging")!),
      diffPlans(empty("alpha", "p"), head.get("alpha")!),
      diffPlans(base.get("beta")!, head.get("beta")!),
      diffPlans(base.get("zeta")!, empty("zeta", "p")),
      diffPlans(base.get("production")!, head.get("production")!),
    ]);
  });

  it("a stack on one side is diffed against an empty plan of the project head (else base) names", function () {
    const onlyBase = diffStacks(new Map([stack("staging", "q")]), new Map());
    assert.deepEqual(onlyBase, [diffPlans(stack("staging", "q")[1], empty("staging", "q"))]);
    assert.equal(onlyBase[0].project, "q");
    assert.equal(onlyBase[0].removed.length, 1);
    const both = diffStacks(new Map([stack("a", "old")]), new Map([stack("b", "new")]));
    assert.deepEqual(
      both.map((d) => [d.headStack, d.project]),
      [
        ["a", "new"],
        ["b", "new"],
      ],
    );
    assert.deepEqual(diffStacks(new Map(), new Map()), []);
  });
});

/** What `runDiff` printed: stdout writes and console.error lines, captured by the hooks {@link capture} adds. */
interface Printed {
  out: string[];
  err: string[];
  dir: string;
}

/** Adds hooks capturing stdout and console.error around each test (FORCE_COLOR restored); a directory for files. */
function capture(): Printed {
  const io: Printed = { out: [], err: [], dir: "" };
  const saved = { write: process.stdout.write, error: console.error, force: process.env.FORCE_COLOR };
  before(() => (io.dir = tempDir("diff-run")));
  after(cleanTempDirs);
  beforeEach(function () {
    [io.out, io.err] = [[], []];
    process.stdout.write = ((s: string) => io.out.push(s) > 0) as typeof process.stdout.write;
    console.error = (...a: unknown[]) => void io.err.push(a.join(" "));
  });
  afterEach(function () {
    process.stdout.write = saved.write;
    console.error = saved.error;
    if (saved.force === undefined) delete process.env.FORCE_COLOR;
    else process.env.FORCE_COLOR = saved.force;
  });
  return io;
}

const base = plan([resource("a", "t:x", { inputs: { v: 1 } }), resource("gone")]);
const head = plan([resource("a", "t:x", { inputs: { v: 2 } }), resource("new")]);
/** `base` and `head` written to `dir`. */
const files = (dir: string) => [write(dir, "plan.base.json", base), write(dir, "plan.head.json", head)];

describe("cicd diff: runDiff's outputs", function () {
  const io = capture();

  it("writes the rendering and a newline to stdout, or to --out in a new directory; the JSON to --json-out", async function () {
    const [b, h] = files(io.dir);
    const expected = [diffPlans(base, head)];
    assert.equal(await runDiff({ base: b, head: h, format: "markdown" }), 0);
    assert.deepEqual(io.out, [renderDiffs(expected, "markdown") + "\n"]);
    const o = path.join(io.dir, "new", "diff.md");
    const j = path.join(io.dir, "json", "deeper", "diff.json");
    assert.equal(await runDiff({ base: b, head: h, format: "markdown", out: o, jsonOut: j }), 0);
    assert.equal(fs.readFileSync(o, "utf8"), renderDiffs(expected, "markdown") + "\n");
    assert.equal(fs.readFileSync(j, "utf8"), renderDiffs(expected, "json") + "\n");
    assert.deepEqual([io.out.length, io.err], [1, []], "nothing more on stdout, nothing on stderr");
    assert.equal(await runDiff({ base: b, head: h, format: "json", jsonOut: j }), 0);
    assert.deepEqual(
      io.out.slice(1),
      [fs.readFileSync(j, "utf8")],
      "the JSON both to stdout and to --json-out",
    );
  });

  it("a table to a file has no colours, even with FORCE_COLOR, unless --color always", async function () {
    const [b, h] = files(io.dir);
    process.env.FORCE_COLOR = "1";
    const o = path.join(io.dir, "table.txt");
    const plain = renderDiffs([diffPlans(base, head)], "table") + "\n";
    for (const color of [undefined, "auto", "never"] as const) {
      assert.equal(await runDiff({ base: b, head: h, format: "table", out: o, color }), 0);
      assert.equal(fs.readFileSync(o, "utf8"), plain, color);
    }
    assert.equal(await runDiff({ base: b, head: h, format: "table", out: o, color: "always" }), 0);
    const colored = renderDiffs([diffPlans(base, head)], "table", { color: true }) + "\n";
    assert.notEqual(colored, plain);
    assert.equal(fs.readFileSync(o, "utf8"), colored);
  });
});

describe("cicd diff: runDiff's exit codes", function () {
  const io = capture();

  it("exits 2 with the message of bad input, writing nothing", async function () {
    const [b] = files(io.dir);
    const o = path.join(io.dir, "never.txt");
    assert.equal(await runDiff({ base: b, format: "table", out: o }), 2);
    assert.deepEqual(io.err, ["diff needs BASE_PLAN and HEAD_PLAN, or --base-ref GIT_REF"]);
    assert.deepEqual([io.out, fs.existsSync(o)], [[], false]);
  });

  it("--expect-no-changes: exit 1 naming the stacks where anything changes, of any kind; 0 otherwise", async function () {
    const o = path.join(io.dir, "expect.txt");
    const r = (n: string, v = 1) => resource(n, "t:x", { inputs: { v } });
    const heads: Array<[string, Plan]> = [
      ["added", plan([r("a"), r("b")])],
      ["removed", plan([])],
      ["changed", plan([r("a", 2)])],
      ["output", plan([r("a")], { outputs: { x: 1 } })],
    ];
    const b = write(io.dir, "plan.one.json", plan([r("a")]));
    for (const [kind, h] of heads) {
      io.err = [];
      const hf = write(io.dir, `plan.${kind}.json`, { ...h, stack: kind });
      assert.equal(
        await runDiff({ base: b, head: hf, format: "json", out: o, expectNoChanges: true }),
        1,
        kind,
      );
      assert.deepEqual(io.err, [`changes where none were expected: ${kind}`]);
      assert.equal(await runDiff({ base: b, head: hf, format: "json", out: o }), 0, kind);
    }
    io.err = [];
    const same = write(io.dir, "plan.same.json", plan([r("a")], { stack: "same", outputs: {} }));
    assert.equal(await runDiff({ base: b, head: same, format: "json", out: o, expectNoChanges: true }), 0);
    assert.deepEqual(io.err, []);
  });
});
