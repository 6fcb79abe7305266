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
  it("loads @pulumi/pulumi without TypeScript or Arborist, and serializes a function when asked", () => {
    const r = node(`
      const { deferSdkClosureModules } = require(${JSON.stringify(STARTUP)});
      ${LOADED}
      const deferred = deferSdkClosureModules();
      const pulumi = require("@pulumi/pulumi");
      const before = { typescript: loaded("typescript"), arborist: loaded("@npmcli/arborist") };
      pulumi.runtime.serializeFunction(() => 6 * 7).then((f) => {
        console.log(JSON.stringify({ deferred: deferred.length, before, text: f.text, after: loaded("typescript"),
          computeCodePaths: typeof pulumi.runtime.computeCodePaths }));
      });`);
    assert.equal(r.deferred, DEFERRED_SDK_MODULES.length);
    assert.deepEqual(r.before, { typescript: false, arborist: false });
    assert.match(String(r.text), /6 \* 7/, "the real serializer ran");
    assert.equal(r.after, true, "the real serializer was loaded on first call");
    assert.equal(r.computeCodePaths, "function");
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

  /** A project of three modules: `b` CommonJS, `esm` ES module syntax, `dyn` with `import()`. */
  function project(): string {
    const dir = tempDir("cicd-compile-cache");
    fs.writeFileSync(
      path.join(dir, "a.js"),
      [
        `const b = require("./b");`,
        `module.exports = { b, file: __filename, dir: __dirname, resolved: require.resolve("./b"),`,
        `  paths: Array.isArray(require.resolve.paths("x")), main: require.main === process.mainModule,`,
        `  self: module.exports === exports, esm: require("./esm.js").x, dyn: typeof require("./dyn").load,`,
        `  line: new Error().stack.split("\\n")[1] };`,
      ].join("\n"),
    );
    fs.writeFileSync(path.join(dir, "b.js"), `exports.value = 42;\n`);
    fs.writeFileSync(path.join(dir, "esm.js"), `export const x = "esm";\n`);
    fs.writeFileSync(path.join(dir, "dyn.js"), `exports.load = () => import("node:os");\n`);
    return dir;
  }

  function run(dir: string, env: Record<string, string> = {}) {
    return node(
      `
      const { enableCompileCache } = require(${JSON.stringify(STARTUP)});
      const cache = enableCompileCache(${JSON.stringify(path.join(dir, "cache"))});
      const a = require(${JSON.stringify(path.join(dir, "a.js"))});
      console.log(JSON.stringify({ ...a, kind: cache.kind, hits: cache.hits, misses: cache.misses,
        handedBack: cache.handedBack }));`,
      env,
    );
  }

  it("compiles a module as Node does, and from the cache on the next run", () => {
    const dir = project();
    const first = run(dir);
    assert.equal(first.kind, "own");
    assert.deepEqual(first.b, { value: 42 });
    assert.equal(first.file, path.join(dir, "a.js"));
    assert.equal(first.dir, dir);
    assert.equal(first.resolved, path.join(dir, "b.js"));
    assert.deepEqual([first.paths, first.main, first.self], [true, true, true]);
    assert.equal(first.esm, "esm", "an ES module handed back to Node");
    assert.equal(first.dyn, "function", "a module with import() handed back to Node");
    assert.match(String(first.line), /a\.js:5:/, "stack positions are the source's");
    assert.deepEqual([first.hits, first.misses, first.handedBack], [0, 2, 2]);
    assert.equal(fs.readdirSync(path.join(dir, "cache")).length, 2, "one cache file per cached module");
    const second = run(dir);
    assert.deepEqual([second.hits, second.misses], [2, 0]);
    assert.deepEqual({ ...second, hits: 0, misses: 0 }, { ...first, hits: 0, misses: 0 });
  });

  it("compiles afresh a changed module and a damaged cache file", () => {
    const dir = project();
    run(dir);
    fs.writeFileSync(path.join(dir, "b.js"), `exports.value = 43;\n`);
    const changed = run(dir);
    assert.deepEqual(changed.b, { value: 43 });
    assert.deepEqual([changed.hits, changed.misses], [1, 1]);
    for (const f of fs.readdirSync(path.join(dir, "cache")))
      fs.writeFileSync(path.join(dir, "cache", f), "damaged");
    const damaged = run(dir);
    assert.deepEqual(damaged.b, { value: 43 });
    assert.deepEqual([damaged.hits, damaged.misses], [0, 2]);
    assert.deepEqual([run(dir).hits, run(dir).misses], [2, 0], "the damaged files were rewritten");
  });

  it("is off with CICD_COMPILE_CACHE=off, and writes nothing", () => {
    const dir = project();
    const r = run(dir, { CICD_COMPILE_CACHE: "off" });
    assert.equal(r.kind, "off");
    assert.deepEqual(r.b, { value: 42 });
    assert.equal(fs.existsSync(path.join(dir, "cache")), false);
  });
});
