/**
 * Start-up of the compiled `cicd` command line (bin/src/cli/main.js, what `npm start` runs): two steps that take
 * about a third off the main job (issue 13, docs/PROOFS.md section 6), each undone by nothing and safe to skip.
 *
 * - {@link deferSdkClosureModules}: `@pulumi/pulumi` 3.x loads its function serializer (the TypeScript compiler,
 *   8.9 MB of JavaScript) and its code-path finder (npm's Arborist) whenever it is loaded (runtime/index.js), for
 *   `pulumi.runtime.serializeFunction` and `computeCodePaths`: magic functions, dynamic providers and Lambda
 *   callbacks. This program declares none, yet the two cost about 0.35 s of every run. The SDK itself loads the
 *   same serializer on demand elsewhere (dynamic/index.js: "Load runtime/closure on demand, as its dependencies
 *   are slow to load"); this does it for the two eager requires.
 * - {@link enableCompileCache}: a V8 code cache for CommonJS modules, so that a run compiles nothing that an
 *   earlier run compiled. Node 22.1 has it built in (`module.enableCompileCache`), and then that is used; Node 20
 *   has not, and the one package for it (`v8-compile-cache` 2.4.0) fails on `require()` of an ES module
 *   (zertosh/v8-compile-cache issue 41, open), which this CLI does (secretlint). So this is a small one with a way
 *   back to Node's own compiler for anything it does not handle.
 *
 * Neither runs under tsx (development, tests): main.ts calls them only when it is the compiled entry.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import * as vm from "node:vm";

/**
 * What `@pulumi/pulumi`'s runtime/index.js requires at load and never needs unless a function is serialized: each
 * module, and the exports index.js reads from it while loading (it copies them: `exports.serializeFunction =
 * serializeClosure_1.serializeFunction`), which must therefore exist before the real module is loaded.
 */
export const DEFERRED_SDK_MODULES: ReadonlyArray<{ id: string; readAtLoad: readonly string[] }> = [
  {
    id: "@pulumi/pulumi/runtime/closure/serializeClosure",
    readAtLoad: ["serializeFunction", "serializeFunctionAsync"],
  },
  { id: "@pulumi/pulumi/runtime/closure/codePaths", readAtLoad: ["computeCodePaths"] },
];

type Exports = Record<string | symbol, unknown>;

/**
 * Puts a stand-in for each of {@link DEFERRED_SDK_MODULES} in the module cache, before `@pulumi/pulumi` is loaded:
 * its exports read at load are functions that load the real module on their first call and call through; any
 * other export loads the real module when read. Behaviour is unchanged, only later.
 *
 * @param fromDir where `@pulumi/pulumi` is resolved from; default: this file's directory.
 * @returns the files deferred; empty when the SDK is loaded already (nothing to gain) or a module is not found
 *   (another SDK layout: the SDK then loads as it always does, and test/cli/startup.test.ts fails).
 */
export function deferSdkClosureModules(fromDir = __dirname): string[] {
  const resolve = (id: string): string | undefined => {
    try {
      return require.resolve(id, { paths: [fromDir] });
    } catch {
      return undefined;
    }
  };
  const index = resolve("@pulumi/pulumi/runtime/index");
  const files = DEFERRED_SDK_MODULES.map((m) => resolve(m.id));
  if (!index || require.cache[index] || files.some((f) => !f || require.cache[f])) return [];
  return DEFERRED_SDK_MODULES.map((m, i) => {
    const file = files[i]!;
    let real: Exports | undefined;
    const load = (): Exports => {
      if (!real) {
        delete require.cache[file];
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the real module, on first use
        real = require(file) as Exports;
      }
      return real;
    };
    const readAtLoad: Exports = {};
    for (const name of m.readAtLoad)
      readAtLoad[name] = (...args: unknown[]) => (load()[name] as (...a: unknown[]) => unknown)(...args);
    const standIn = new Module(file, module);
    standIn.filename = file;
    standIn.loaded = true;
    // Whatever else is asked of the stand-in (another export, its keys) loads the real module and answers from it.
    standIn.exports = new Proxy(readAtLoad, {
      get: (target, key) => (key in target ? target[key] : load()[key]),
      has: (target, key) => key in target || key in load(),
      ownKeys: (target) => [...new Set([...Reflect.ownKeys(target), ...Reflect.ownKeys(load())])],
      getOwnPropertyDescriptor: (target, key) => {
        const own = Reflect.getOwnPropertyDescriptor(target, key);
        if (own) return own;
        return key in load()
          ? { value: load()[key], enumerable: true, configurable: true, writable: false }
          : undefined;
      },
    });
    require.cache[file] = standIn;
    return file;
  });
}

/** What {@link enableCompileCache} set up. */
export interface CompileCache {
  /** `node` (Node's own, 22.1 and later), `own` (this module's), or `off`. */
  kind: "node" | "own" | "off";
  /** The cache directory. */
  dir: string;
  /** Modules compiled from their cached data (own cache only; live counts). */
  hits: number;
  /** Modules compiled afresh, their cache written at exit. */
  misses: number;
  /** Modules handed back to Node's compiler. */
  handedBack: number;
}

interface CompilingModule {
  exports: unknown;
  require(id: string): unknown;
  _compile(content: string, filename: string, format?: string): unknown;
}

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: unknown): string[] | null;
  _extensions: unknown;
  _cache: unknown;
  enableCompileCache?: (dir: string) => unknown;
}

/** Bytes of the SHA-1 of a module's source at the start of its cache file. */
const HASH_BYTES = 20;

/** A dynamic `import(`, comments of both kinds between allowed: left to Node, whose compiler has the hook. */
const DYNAMIC_IMPORT = /\bimport\s*(?:(?:\/\*[\s\S]*?\*\/|\/\/[^\n]*)\s*)*\(/;

/** The characters `Module.wrap` puts before a module's first line: stack columns on line 1 are offset by it. */
const WRAP_PREFIX = Module.wrap("\0").indexOf("\0");

/**
 * Turns on a V8 code cache for the CommonJS modules loaded from now on, kept in `parent/<node version>-<arch>`
 * (created when missing; the folders of other Node versions in `parent` are removed): one file per module (its
 * path's SHA-1), holding the SHA-1 of the source it was made from and V8's cached data; a changed source or a
 * rejected cache compiles afresh and rewrites the file when the process exits (written under a temporary name
 * and renamed, so concurrent runs never read half a file).
 *
 * Modules it leaves to Node's compiler: ES modules and files with ES module syntax (a SyntaxError here hands the
 * file back), files that call `import()` (a compiled script would need Node's dynamic-import hook), anything
 * loaded with a format other than CommonJS. Stack positions are the source's (line 1's columns included); it
 * stays off when source maps are on (`--enable-source-maps`: a cached module would lose its mapping), when
 * `CICD_COMPILE_CACHE=off`, and when the folder cannot be written.
 *
 * @param parent the cache's folder, e.g. `node_modules/.cache/cicd-compile-cache`.
 * @returns what was turned on, and live counts.
 */
export function enableCompileCache(parent: string): CompileCache {
  const version = `${process.version}-${process.arch}`;
  const dir = path.join(parent, version);
  const cache: CompileCache = { kind: "off", dir, hits: 0, misses: 0, handedBack: 0 };
  if (process.env.CICD_COMPILE_CACHE === "off" || process.sourceMapsEnabled) return cache;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    for (const other of fs.readdirSync(parent))
      if (other !== version) fs.rmSync(path.join(parent, other), { recursive: true, force: true });
  } catch {
    return cache;
  }
  const internals = Module as unknown as ModuleInternals;
  if (typeof internals.enableCompileCache === "function") {
    internals.enableCompileCache(dir);
    return Object.assign(cache, { kind: "node" });
  }
  const proto = Module.prototype as unknown as CompilingModule;
  const original = proto._compile;
  const toWrite: Array<{ file: string; hash: Buffer; script: vm.Script }> = [];
  proto._compile = function (this: CompilingModule, content, filename, format) {
    const handBack = () => {
      cache.handedBack++;
      return original.call(this, content, filename, format);
    };
    if ((format && format !== "commonjs") || DYNAMIC_IMPORT.test(content)) return handBack();
    const hash = crypto.createHash("sha1").update(content).digest();
    const file = path.join(dir, crypto.createHash("sha1").update(filename).digest("hex"));
    const cached = readCache(file, hash);
    let script: vm.Script;
    try {
      script = new vm.Script(Module.wrap(content), {
        filename,
        cachedData: cached,
        columnOffset: -WRAP_PREFIX,
      });
    } catch {
      return handBack();
    }
    if (!cached || script.cachedDataRejected) {
      cache.misses++;
      toWrite.push({ file, hash, script });
    } else cache.hits++;
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(
      this.exports,
      this.exports,
      requireOf(this, internals),
      this,
      filename,
      path.dirname(filename),
    );
  };
  process.once("exit", () => {
    for (const { file, hash, script } of toWrite) {
      const tmp = `${file}.${process.pid}-${crypto.randomBytes(4).toString("hex")}.tmp`;
      try {
        fs.writeFileSync(tmp, Buffer.concat([hash, script.createCachedData()]));
        fs.renameSync(tmp, file);
      } catch {
        fs.rmSync(tmp, { force: true }); // a full disk or a read-only folder: the next run compiles afresh
      }
    }
  });
  return Object.assign(cache, { kind: "own" });
}

/** The cached data in `file` when it was made from the source hashing to `hash`. */
function readCache(file: string, hash: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  return data.length > HASH_BYTES && data.subarray(0, HASH_BYTES).equals(hash)
    ? data.subarray(HASH_BYTES)
    : undefined;
}

/** A module's `require`, as Node makes it (lib/internal/modules/helpers.js `makeRequireFunction`). */
function requireOf(mod: CompilingModule, internals: ModuleInternals): NodeJS.Require {
  const req = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: unknown) =>
    internals._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => internals._resolveLookupPaths(request, mod);
  Object.assign(req, {
    resolve,
    main: require.main,
    extensions: internals._extensions,
    cache: internals._cache,
  });
  return req;
}
