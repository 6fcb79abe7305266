/**
 * The compiled CLI's start-up steps (src/cli/startup.ts), each in a fresh `node` process, as the CLI runs them:
 * the SDK's function serializer deferred (and still there when called), and the code cache (hits on a second run,
 * a changed or damaged entry compiled afresh, ES modules and `import()` handed back to Node, switched off).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFERRED_SDK_MODULES } from "../../src/cli/startup";
import { ROOT } from "../root";
import { cleanTempDirs, tempDir } from "../temp";

const STARTUP = path.join(ROOT, "bin/src/cli/startup.js");

/** Runs `script` in a new node process from the project root; its last stdout line, parsed. */
function node(script: string, env: Record<string, string> = {}): Record<string, unknown> {
  const out = execFileSync(process.execPath, ["-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    // The serializer warns about deprecated globals it looks at (sys, WASI): stderr is not what is tested.
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  return JSON.parse(out.trim().split("\n").pop()!) as Record<string, unknown>;
}

const LOADED = `const loaded = (pkg) => Object.keys(require.cache).some((f) => f.includes("/node_modules/" + pkg + "/"));`;

describe("CLI start-up: the SDK's function serializer deferred", () => {
  it("loads @pulumi/pulumi without TypeScript or Arborist, lists the real exports and serializes when asked", () => {
    const r = node(`
      const { deferSdkClosureModules } = require(${JSON.stringify(STARTUP)});
      ${LOADED}
      const deferred = deferSdkClosureModules();
      const pulumi = require("@pulumi/pulumi");
      const before = { typescript: loaded("typescript"), arborist: loaded("@npmcli/arborist") };
      const standIn = require.cache[deferred[1]].exports;
      const keys = Object.keys(standIn);
      const listed = { keys, has: "findWorkspaceRoot" in standIn, fn: typeof standIn.findWorkspaceRoot,
        arborist: loaded("@npmcli/arborist") };
      pulumi.runtime.serializeFunction(() => 6 * 7).then((f) => {
        console.log(JSON.stringify({ deferred: deferred.length, before, listed, text: f.text,
          after: loaded("typescript"), computeCodePaths: typeof pulumi.runtime.computeCodePaths }));
      });`);
    assert.equal(r.deferred, DEFERRED_SDK_MODULES.length);
    assert.deepEqual(r.before, { typescript: false, arborist: false });
    assert.match(String(r.text), /6 \* 7/, "the real serializer ran");
    assert.equal(r.after, true, "the real serializer was loaded on first call");
    assert.equal(r.computeCodePaths, "function");
    // A stand-in lists and has every export of the real module; reading them loads it.
    const listed = r.listed as { keys: string[]; has: boolean; fn: string; arborist: boolean };
    assert.ok(listed.keys.includes("findWorkspaceRoot") && listed.keys.includes("computeCodePaths"));
    assert.deepEqual([listed.has, listed.fn, listed.arborist], [true, "function", true]);
  });

  it("defers nothing once the SDK is loaded", () => {
    const r = node(`
      require("@pulumi/pulumi");
      const { deferSdkClosureModules } = require(${JSON.stringify(STARTUP)});
      console.log(JSON.stringify({ deferred: deferSdkClosureModules().length }));`);
    assert.equal(r.deferred, 0);
  });

  it("covers every export the SDK's runtime/index.js reads from the deferred modules at load", () => {
    // A later SDK that copies another export at load would get undefined from the stand-in: this test names it.
    const index = fs.readFileSync(require.resolve("@pulumi/pulumi/runtime/index.js"), "utf8");
    for (const m of DEFERRED_SDK_MODULES) {
      const local = `${path.basename(m.id)}_1`;
      const read = [...index.matchAll(new RegExp(`\\b${local}\\.(\\w+)`, "g"))].map((x) => x[1]);
      assert.ok(read.length > 0, `runtime/index.js no longer requires ${m.id}: drop it from the list`);
      assert.deepEqual([...new Set(read)].sort(), [...m.readAtLoad].sort(), m.id);
    }
  });
});

describe("CLI start-up: the code cache", () => {
  after(cleanTempDirs);
  const VERSION = `${process.version}-${process.arch}`;

  /**
   * A project: `main.js` (the process's main module) turns the cache on and requires `a.js`, which requires `b`
   * (CommonJS), `lib/c` (a package of type commonjs: cached too), `esm.js` (ES module syntax) and two modules with
   * `import()` (one spaced and commented); `one.js` throws from its first line.
   */
  function project(): string {
    const dir = tempDir("cicd-compile-cache");
    const write = (f: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    };
    write(
      "main.js",
      [
        `const { enableCompileCache } = require(${JSON.stringify(STARTUP)});`,
        `const cache = enableCompileCache(require("path").join(__dirname, "cache"));`,
        `const a = require("./a");`,
        `let line1; try { require("./one"); } catch (e) { line1 = e.stack.split("\\n")[1]; }`,
        `console.log(JSON.stringify({ ...a, line1, kind: cache.kind, hits: cache.hits, misses: cache.misses,`,
        `  handedBack: cache.handedBack }));`,
      ].join("\n"),
    );
    write(
      "a.js",
      [
        `const b = require("./b");`,
        `module.exports = { b, file: __filename, dir: __dirname, resolved: require.resolve("./b"),`,
        `  resolvedFrom: require.resolve("./b", { paths: [__dirname + "/lib"] }), c: require("./lib/c").c,`,
        `  paths: Array.isArray(require.resolve.paths("x")), main: require.main === require.cache[require.resolve("./main")],`,
        `  self: module.exports === exports, esm: require("./esm.js").x, dyn: typeof require("./dyn").load,`,
        `  spaced: typeof require("./spaced").load, commented: typeof require("./commented").load,`,
        `  line: new Error().stack.split("\\n")[1] };`,
      ].join("\n"),
    );
    write("b.js", `exports.value = 42;\n`);
    write("lib/b.js", `exports.value = "lib";\n`);
    write("lib/package.json", `{ "type": "commonjs" }\n`);
    write("lib/c.js", `exports.c = "commonjs";\n`);
    write("esm.js", `export const x = "esm";\n`);
    write("dyn.js", `exports.load = () => import("node:os");\n`);
    write("spaced.js", `exports.load = () => import /* later */ ("node:os");\n`);
    write("commented.js", `exports.load = () => import // later\n("node:os");\n`);
    write("one.js", `const f = () => { throw new Error("line one"); }; f();\n`);
    return dir;
  }

  function run(dir: string, args: string[] = [], env: Record<string, string> = {}) {
    const out = execFileSync(process.execPath, [...args, path.join(dir, "main.js")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    return JSON.parse(out.trim().split("\n").pop()!) as Record<string, unknown>;
  }
  const files = (dir: string) => fs.readdirSync(path.join(dir, "cache", VERSION));

  it("compiles a module as Node does, and from the cache on the next run", () => {
    const dir = project();
    const plain = run(dir, [], { CICD_COMPILE_CACHE: "off" });
    const first = run(dir);
    assert.equal(first.kind, "own");
    assert.deepEqual(first.b, { value: 42 });
    assert.equal(first.file, path.join(dir, "a.js"));
    assert.equal(first.dir, dir);
    assert.equal(first.resolved, path.join(dir, "b.js"));
    assert.equal(first.resolvedFrom, path.join(dir, "lib/b.js"), "require.resolve with paths");
    assert.equal(first.c, "commonjs");
    assert.deepEqual([first.paths, first.main, first.self], [true, true, true]);
    assert.equal(first.esm, "esm", "an ES module handed back to Node");
    assert.deepEqual(
      [first.dyn, first.spaced],
      ["function", "function"],
      "modules with import() handed back",
    );
    assert.match(String(first.line), /a\.js:7:/, "stack positions are the source's");
    // main.js is compiled by Node (it turns the cache on); a, b, lib/c and one are cached; the others not.
    assert.deepEqual([first.hits, first.misses, first.handedBack], [0, 4, 4]);
    assert.equal(files(dir).length, 4, "one cache file per cached module");
    const second = run(dir);
    assert.deepEqual([second.hits, second.misses], [4, 0]);
    const positions = (r: Record<string, unknown>) => ({ ...r, hits: 0, misses: 0, handedBack: 0, kind: "" });
    assert.deepEqual(positions(second), positions(first));
    assert.deepEqual(positions(first), positions(plain), "as Node's own compiler, line 1's columns included");
  });

  it("compiles afresh a changed module and a damaged cache file", () => {
    const dir = project();
    run(dir);
    fs.writeFileSync(path.join(dir, "b.js"), `exports.value = 43;\n`);
    const changed = run(dir);
    assert.deepEqual(changed.b, { value: 43 });
    assert.deepEqual([changed.hits, changed.misses], [3, 1]);
    for (const f of files(dir)) fs.writeFileSync(path.join(dir, "cache", VERSION, f), "damaged");
    const damaged = run(dir);
    assert.deepEqual(damaged.b, { value: 43 });
    assert.deepEqual([damaged.hits, damaged.misses], [0, 4]);
    assert.deepEqual([run(dir).hits, run(dir).misses], [4, 0], "the damaged files were rewritten");
  });

  it("removes the folders of other Node versions", () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, "cache", "v0.0.0-x64"), { recursive: true });
    run(dir);
    assert.deepEqual(fs.readdirSync(path.join(dir, "cache")), [VERSION]);
  });

  it("is off with CICD_COMPILE_CACHE=off and with source maps on, and writes nothing", () => {
    const dir = project();
    const off = run(dir, [], { CICD_COMPILE_CACHE: "off" });
    const maps = run(dir, ["--enable-source-maps"]);
    assert.deepEqual([off.kind, maps.kind], ["off", "off"]);
    assert.deepEqual(off.b, { value: 42 });
    assert.equal(fs.existsSync(path.join(dir, "cache")), false);
  });
});
