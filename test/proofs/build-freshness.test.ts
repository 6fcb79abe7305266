/**
 * Compiled code never runs older than its sources (policy-pack/lib/build.ts): the stamp `npm run build` writes
 * lists what it compiled; an entry point refuses to run once a source's content changed or a source is gone,
 * and runs on when a file was only touched. The repository's own builds (bin/, policy-pack/bin/) are fresh
 * after `npm run build`, which `npm test` runs first.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  assertFreshBuild,
  BUILD_STAMP,
  StaleBuildError,
  stampBuild,
  stampCommand,
} from "../../policy-pack/lib/build";
import { captured, cleanTempDirs, tempDir } from "../cli-harness";
import { ROOT } from "../helpers";

function project(): { root: string; out: string } {
  const root = tempDir("cicd-build");
  const out = path.join(root, "bin");
  for (const [file, text] of [
    ["src/a.ts", "export const a = 1;\n"],
    ["src/b/c.ts", "export const c = 2;\n"],
    ["bin/src/a.js", "exports.a = 1;\n"],
    ["bin/src/b/c.js", "exports.c = 2;\n"],
    ["bin/src/orphan.js", "// its source was never here\n"],
  ]) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return { root, out };
}

/** Sets a file's modification time `seconds` into the future (a later edit on any clock). */
function later(file: string, seconds = 10): void {
  const t = new Date(Date.now() + seconds * 1000);
  fs.utimesSync(file, t, t);
}

describe("proofs: compiled code never runs older than its sources", () => {
  after(cleanTempDirs);

  it("the stamp lists each compiled file's source, and no source a build did not compile", () => {
    const { root, out } = project();
    const stamp = stampBuild(root, out);
    assert.deepEqual(stamp.sources, ["src/a.ts", "src/b/c.ts"]);
    for (const [mtimeMs, size, sha256] of stamp.stats) {
      assert.ok(mtimeMs > 0 && size > 0);
      assert.match(sha256, /^[0-9a-f]{64}$/);
    }
    assert.ok(fs.existsSync(path.join(out, BUILD_STAMP)));
    assert.doesNotThrow(() => assertFreshBuild(root, out));
  });

  it("a source touched but unchanged still runs", () => {
    const { root, out } = project();
    stampBuild(root, out);
    later(path.join(root, "src/a.ts"));
    assert.doesNotThrow(() => assertFreshBuild(root, out));
  });

  it("a source whose content changed is refused, naming it and the command that fixes it", () => {
    const { root, out } = project();
    stampBuild(root, out);
    fs.writeFileSync(path.join(root, "src/b/c.ts"), "export const c = 3;\n");
    later(path.join(root, "src/b/c.ts"));
    assert.throws(
      () => assertFreshBuild(root, out),
      (e: unknown) =>
        e instanceof StaleBuildError && e.changed === "src/b/c.ts" && /run `npm run build`/.test(e.message),
    );
  });

  it("a content change that keeps an older time (cp -p, rsync -a, tar x) is refused, naming the file", () => {
    const { root, out } = project();
    stampBuild(root, out);
    const file = path.join(root, "src/a.ts");
    fs.writeFileSync(file, "export const a = 42;\n");
    const past = new Date("2020-01-01T00:00:00Z");
    fs.utimesSync(file, past, past);
    assert.throws(
      () => assertFreshBuild(root, out),
      (e: unknown) => e instanceof StaleBuildError && e.changed === "src/a.ts",
    );
  });

  it("the file named is the one that changed, not the first one touched", () => {
    const { root, out } = project();
    stampBuild(root, out);
    later(path.join(root, "src/a.ts"));
    fs.writeFileSync(path.join(root, "src/b/c.ts"), "export const c = 9;\n");
    later(path.join(root, "src/b/c.ts"));
    assert.throws(
      () => assertFreshBuild(root, out),
      (e: unknown) => e instanceof StaleBuildError && e.changed === "src/b/c.ts",
    );
  });

  it("a removed source is refused, naming it", () => {
    const { root, out } = project();
    stampBuild(root, out);
    fs.rmSync(path.join(root, "src/a.ts"));
    assert.throws(
      () => assertFreshBuild(root, out),
      (e: unknown) => e instanceof StaleBuildError && e.changed === "src/a.ts",
    );
  });

  it("the refusal names the output directory relative to the root, the source, and the command that fixes it", () => {
    const { root, out } = project();
    stampBuild(root, out);
    fs.writeFileSync(path.join(root, "src/a.ts"), "export const a = 100;\n");
    later(path.join(root, "src/a.ts"));
    assert.throws(() => assertFreshBuild(root, out), {
      name: "StaleBuildError",
      message:
        "bin was compiled before src/a.ts changed (or was removed): run `npm run build` (npm ci runs it too), then try again",
    });
  });

  it("the stamp leaves out the directories excepted (the tests) and files that are not compiled JavaScript", () => {
    const { root, out } = project();
    fs.writeFileSync(path.join(out, "src/a.js.map"), "{}");
    fs.writeFileSync(path.join(root, "src/a.js.ts"), "export {};\n");
    assert.deepEqual(stampBuild(root, out, ["src/b"]).sources, ["src/a.ts"]);
  });

  it("code without a stamp (run from TypeScript, or copied) is not checked", () => {
    const { root, out } = project();
    assert.doesNotThrow(() => assertFreshBuild(root, out));
  });

  it("this repository's builds are fresh: bin/ for the CLI and program, policy-pack/bin/ for the pack", () => {
    for (const [root, out] of [
      [ROOT, path.join(ROOT, "bin")],
      [path.join(ROOT, "policy-pack"), path.join(ROOT, "policy-pack/bin")],
    ]) {
      const stamp = JSON.parse(fs.readFileSync(path.join(out, BUILD_STAMP), "utf8")) as { sources: string[] };
      assert.ok(stamp.sources.includes(out.endsWith("policy-pack/bin") ? "index.ts" : "src/cli/main.ts"));
      assert.doesNotThrow(() => assertFreshBuild(root, out));
    }
  });
});

describe("proofs: the build's stamp command (npm run build)", () => {
  after(cleanTempDirs);

  it("stamps the build and says how many sources it compiled, the excepted directories left out", async () => {
    const { root, out } = project();
    const run = await captured(async () => stampCommand(["stamp", root, out, "--except", "src/b,test"]));
    assert.deepEqual([run.code, run.stdout, run.stderr], [0, `${out}: 1 sources compiled\n`, ""]);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, BUILD_STAMP), "utf8")).sources, ["src/a.ts"]);
  });

  for (const argv of [
    [],
    ["stamp", "."],
    ["build", ".", "bin"],
    ["stamp", ".", "bin", "--except"],
    ["stamp", ".", "bin", "--only", "x"],
  ])
    it(`refuses ${JSON.stringify(argv)}: exit 2 with the usage, nothing written`, async () => {
      const { root, out } = project();
      const args = argv.map((a) => (a === "." ? root : a === "bin" ? out : a));
      const run = await captured(async () => stampCommand(args));
      assert.deepEqual([run.code, run.stdout], [2, ""]);
      assert.equal(run.stderr, "usage: node build.js stamp ROOT OUT_DIR [--except DIR,...]\n");
      assert.equal(fs.existsSync(path.join(out, BUILD_STAMP)), false);
    });
});
