/**
 * A minimal in-process mocha test runner for StrykerJS 9 (`testRunner: "mocha-inproc"`), used by
 * `npm run mutation` (stryker.config.json).
 *
 * Why not @stryker-mutator/mocha-runner: its 9.x line declares `mocha < 12` as a peer (this project uses mocha
 * 12, so npm refuses the install), and its 10.x line needs @stryker-mutator/core 10, which refuses Node 20.
 * This runner follows the official one's design (Apache-2.0, stryker-mutator/stryker-js
 * packages/mocha-runner): load the spec files once, mark the current test for per-test coverage in a root
 * `beforeEach`, switch mutants through the instrumenter's global (`__stryker__.activeMutant`) and run only
 * the tests that cover the mutant (a `grep` of their full titles).
 *
 * Two additions to that design, so that every mutant of the whole product can be tested on a small machine:
 * - **Static mutants without a new process.** A mutant in module-level code (rule metadata, zod schemas) only
 *   shows when the module is evaluated again. Instead of Stryker's default (a new worker process per static
 *   mutant, which loads tsx and every dependency again), `reloadEnvironment` forgets this project's modules
 *   (the require cache entries under the sandbox, not `node_modules`) and loads the spec files anew.
 * - **Coverage of `before`/`after` hooks.** Code a suite's `before` hook runs (a preview shared by the suite's
 *   tests) is covered by every test of that suite: while such a hook runs, coverage is recorded under the suite,
 *   and after the dry run it is added to each of the suite's tests. Without this it would be counted as the
 *   previous test's, and a mutant there would run a test that cannot see it.
 *
 * - **Likely killers first for static mutants.** A static mutant runs every test of the area, stopping at the first
 *   that fails. Before each one the spec files are ordered: first those whose tests killed earlier static mutants of
 *   the same source file, then by their distance to that file in the import graph (the file's own unit tests
 *   first), then the quickest (hooks included). Every spec file still runs when none fails, so a survivor is a
 *   survivor of the whole area; only the order changes.
 *
 * Options: `mochaInproc.spec` (globs of spec files), `mochaInproc.ignore` (globs of spec files to leave out, e.g.
 * the tests that run the compiled executable, which the sandbox does not build), `mochaInproc.require` (modules to
 * require first, e.g. `tsx/cjs`), `mochaInproc.skipTitles` (regular expressions of test titles to leave out),
 * `mochaInproc.timeout` (ms per test, default 120000). With `TRACE_INPROC=FILE` in the environment, each mutant run
 * appends a line to FILE (mutant id, file:line, activation, reload, tests selected and run, status, ms, mutator,
 * replacement): the survivors of a long run can be read before it ends.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import process from "node:process";
import * as fs from "node:fs";
import { commonTokens, declareClassPlugin, PluginKind, tokens } from "@stryker-mutator/api/plugin";
import {
  determineHitLimitReached,
  DryRunStatus,
  MutantRunStatus,
  TestStatus,
  toMutantRunResult,
} from "@stryker-mutator/api/test-runner";

const require = createRequire(import.meta.url);

/** Files under `cwd` matching a glob with `*` (within a segment) and `**` (any depth). */
function globFiles(pattern, cwd) {
  const body = pattern
    .split("/")
    .map((seg) =>
      seg === "**" ? "(?:[^/]+/)*" : `${seg.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}/`,
    )
    .join("");
  const re = new RegExp(`^${body.slice(0, -1)}$`);
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(cwd, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && !e.name.startsWith(".")) walk(rel);
      } else if (re.test(rel)) out.push(rel);
    }
  };
  walk("");
  return out;
}

/** Marks coverage recorded while a suite's `before all`/`after all` hook runs. */
const SUITE_MARK = "\u0000suite:";

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Relative module specifiers in a TypeScript or JavaScript source (`from "./x"`, `import("./x")`, `require("./x")`). */
const RELATIVE_IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']*)["']/g;
const SOURCE_EXTENSIONS = [".ts", ".mts", ".cts", ".mjs", ".js"];

/** The file a relative specifier names, as Node and tsx resolve it (extension optional, `index` in a folder). */
function resolveSpecifier(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec);
  const candidates = [
    base,
    ...SOURCE_EXTENSIONS.map((e) => base.replace(/\.js$/, "") + e),
    ...SOURCE_EXTENSIONS.map((e) => path.join(base, `index${e}`)),
  ];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

/**
 * The project's import graph read from its sources (no evaluation): for each source file under `root`, the files
 * that import it. Lets a static mutant's run start with the spec files nearest to the mutated file.
 */
export function importersOf(root) {
  const importers = new Map();
  const sources = globFiles("**/*", root).filter(
    (f) => /\.(?:ts|mts|cts|mjs)$/.test(f) && !f.endsWith(".d.ts"),
  );
  for (const rel of sources) {
    const file = path.join(root, rel);
    for (const m of fs.readFileSync(file, "utf8").matchAll(RELATIVE_IMPORT)) {
      const target = resolveSpecifier(file, m[1]);
      if (!target) continue;
      if (!importers.has(target)) importers.set(target, new Set());
      importers.get(target).add(file);
    }
  }
  return importers;
}

/** Each file's distance to `target` along the reverse import graph (0 for `target`, 1 for its importers, ...). */
export function distancesTo(importers, target) {
  const dist = new Map([[target, 0]]);
  const queue = [target];
  while (queue.length) {
    const f = queue.shift();
    for (const imp of importers.get(f) ?? []) {
      if (dist.has(imp)) continue;
      dist.set(imp, dist.get(f) + 1);
      queue.push(imp);
    }
  }
  return dist;
}

/**
 * The order a static mutant runs the spec `files` in: first the files whose tests killed earlier static mutants of
 * the same source (`kills`: file -> count, most first), then by `dist` (file -> distance to that source in the import
 * graph; files without one last), then the quickest (`spent`: file -> ms). Every file is kept; ties by name.
 */
export function staticOrder(files, kills, dist, spent) {
  const key = (f) => [-(kills.get(f) ?? 0), dist.get(f) ?? Infinity, spent.get(f) ?? 0];
  return [...files].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2] || a.localeCompare(b);
  });
}

/**
 * Collects one result per test, as Stryker wants them; `hooks` (when set) is told when a suite-level hook starts
 * and ends, and which test belongs to which suites; `fileTimes` adds up each spec file's wall time (ms, hooks
 * included).
 */
function collectingReporter(results, hooks, fileTimes) {
  return function StrykerCollector(runner) {
    let started = Date.now();
    // A spec file's wall time, its hooks included: its top-level suites, from start to end.
    const suiteStart = new Map();
    runner.on("suite", (suite) => suite.file && suite.parent?.root && suiteStart.set(suite, Date.now()));
    runner.on("suite end", (suite) => {
      if (!suiteStart.has(suite)) return;
      fileTimes.set(suite.file, (fileTimes.get(suite.file) ?? 0) + Date.now() - suiteStart.get(suite));
      suiteStart.delete(suite);
    });
    // A test may add to its own title while it runs (counts, a skip's reason): its ID stays the title it started
    // with, and the title is given back when it ends, so the next run's grep still finds it.
    runner.on("test", (test) => {
      started = Date.now();
      test.strykerTitle ??= test.title;
      test.strykerId ??= test.fullTitle();
    });
    runner.on("test end", (test) => {
      if (test.strykerTitle !== undefined) test.title = test.strykerTitle;
    });
    runner.on("hook", (hook) => hooks.current?.hookStart(hook));
    runner.on("hook end", (hook) => hooks.current?.hookEnd(hook));
    runner.on("test end", (test) => hooks.current?.testEnd(test));
    const push = (test, status, failureMessage) =>
      results.push({
        id: test.strykerId ?? test.fullTitle(),
        name: test.strykerId ?? test.fullTitle(),
        status,
        timeSpentMs: Date.now() - started,
        fileName: test.file,
        ...(failureMessage !== undefined ? { failureMessage } : {}),
      });
    runner.on("pass", (test) => push(test, TestStatus.Success));
    runner.on("fail", (test, err) => push(test, TestStatus.Failed, String(err?.message ?? err)));
    runner.on("pending", (test) => push(test, TestStatus.Skipped));
  };
}

class MochaInprocRunner {
  static inject = tokens(commonTokens.logger, commonTokens.options);

  constructor(log, options) {
    this.log = log;
    this.settings = options.mochaInproc ?? {};
    this.ns = options.globalNamespace ?? "__stryker__";
    this.context = globalThis[this.ns] ?? (globalThis[this.ns] = {});
    this.loaded = false;
    this.results = [];
    this.hooks = {};
    /** Each spec file's wall time in the last run (ms, hooks included). */
    this.fileTimes = new Map();
    /** Per mutated source file, the spec files whose tests killed its static mutants, with how many. */
    this.killers = new Map();
  }

  capabilities() {
    // A static mutant needs its modules evaluated again: `reload()` does it in this process.
    return { reloadEnvironment: true };
  }

  async init() {
    for (const r of this.settings.require ?? []) require(require.resolve(r, { paths: [process.cwd()] }));
    const ignored = new Set((this.settings.ignore ?? []).flatMap((g) => globFiles(g, process.cwd())));
    this.files = (this.settings.spec ?? ["test/**/*.test.ts"])
      .flatMap((g) => globFiles(g, process.cwd()))
      .filter((f) => !ignored.has(f))
      .map((f) => path.resolve(f))
      .sort();
    if (this.files.length === 0)
      throw new Error(`mocha-inproc: no spec file matches ${JSON.stringify(this.settings.spec)}`);
    this.createMocha();
  }

  createMocha(files = this.files) {
    const mochaModule = require("mocha");
    const Mocha = mochaModule.default ?? mochaModule;
    this.mocha = new Mocha({
      reporter: collectingReporter(this.results, this.hooks, this.fileTimes),
      timeout: this.settings.timeout ?? 120000,
    });
    this.mocha.cleanReferencesAfterRun(false);
    for (const f of files) this.mocha.addFile(f);
    const runner = this; // eslint-disable-line @typescript-eslint/no-this-alias -- mocha passes the test context as `this`
    this.mocha.suite.beforeEach(function () {
      runner.beforeEach?.(this);
    });
    this.selectAll();
    this.loaded = false;
  }

  /**
   * Orders the spec files by their wall time in the dry run (hooks included), quickest first, and reloads: a
   * mutant's tests stop at the first that fails (bail), so a mutant a quick test kills is not held up by a slow one.
   */
  fastFilesFirst() {
    this.spent = new Map(this.fileTimes);
    this.files.sort((a, b) => (this.spent.get(a) ?? 0) - (this.spent.get(b) ?? 0) || a.localeCompare(b));
    this.reload();
  }

  /** The spec files in the order a static mutant of `source` runs them (see {@link staticOrder}). */
  staticOrderOf(source) {
    this.importers ??= importersOf(process.cwd());
    const target = this.projectPath(source);
    const dist = target ? distancesTo(this.importers, target) : new Map();
    return staticOrder(this.files, this.killers.get(source) ?? new Map(), dist, this.spent ?? new Map());
  }

  /** The file under the working directory (Stryker's sandbox) that a mutant's `fileName` names, if any. */
  projectPath(fileName) {
    const parts = fileName.split(/[\\/]/);
    for (let i = 0; i < parts.length; i++) {
      const candidate = path.join(process.cwd(), ...parts.slice(i));
      if (fs.existsSync(candidate)) return candidate;
    }
    return undefined;
  }

  /** Counts the spec file of the test that killed a static mutant of `source`, for {@link staticOrder}. */
  noteKiller(source) {
    const failed = this.results.find((r) => r.status === TestStatus.Failed);
    if (!failed?.fileName) return;
    if (!this.killers.has(source)) this.killers.set(source, new Map());
    const kills = this.killers.get(source);
    kills.set(failed.fileName, (kills.get(failed.fileName) ?? 0) + 1);
  }

  /** Selects every test but those `mochaInproc.skipTitles` leaves out. */
  selectAll() {
    const skip = this.settings.skipTitles ?? [];
    this.mocha.options.invert = skip.length > 0;
    this.mocha.grep(skip.length > 0 ? new RegExp(skip.join("|")) : /.*/);
  }

  /**
   * Forgets this project's modules (spec files, helpers, the code under test) and makes a new mocha to load them,
   * in the order of `files` (default: the current order).
   */
  reload(files = this.files) {
    const root = process.cwd() + path.sep;
    const deps = `${path.sep}node_modules${path.sep}`;
    for (const key of Object.keys(require.cache)) {
      if (key.startsWith(root) && !key.includes(deps)) delete require.cache[key];
    }
    this.mocha.dispose();
    this.createMocha(files);
  }

  async dryRun({ coverageAnalysis, disableBail }) {
    const suites = new Map();
    if (coverageAnalysis === "perTest") {
      this.beforeEach = (ctx) => {
        this.context.currentTestId = ctx.currentTest?.strykerId ?? ctx.currentTest?.fullTitle();
      };
      this.hooks.current = this.suiteCoverage(suites);
    }
    const result = await this.run(disableBail);
    if (result.status === DryRunStatus.Complete && coverageAnalysis !== "off") {
      result.mutantCoverage = this.context.mutantCoverage;
      if (coverageAnalysis === "perTest") spreadSuiteCoverage(result.mutantCoverage, suites);
    }
    delete this.beforeEach;
    delete this.hooks.current;
    if (result.status === DryRunStatus.Complete) this.fastFilesFirst();
    return result;
  }

  /**
   * While a suite's `before all`/`after all` hook runs, coverage goes to the suite's mark; `suites` learns which
   * tests each suite holds (at any depth).
   */
  suiteCoverage(suites) {
    const context = this.context;
    let saved;
    const suiteLevel = (hook) => /"(before|after) all" hook/.test(hook.title);
    return {
      hookStart(hook) {
        if (!suiteLevel(hook)) return;
        saved = context.currentTestId;
        context.currentTestId = SUITE_MARK + hook.parent.fullTitle();
      },
      hookEnd(hook) {
        if (suiteLevel(hook)) context.currentTestId = saved;
      },
      testEnd(test) {
        for (let s = test.parent; s; s = s.parent) {
          const mark = SUITE_MARK + s.fullTitle();
          if (!suites.has(mark)) suites.set(mark, new Set());
          suites.get(mark).add(test.strykerId ?? test.fullTitle());
        }
      },
    };
  }

  async mutantRun({ activeMutant, testFilter, disableBail, hitLimit, mutantActivation, reloadEnvironment }) {
    const t0 = Date.now();
    const isStatic = mutantActivation === "static";
    if (reloadEnvironment) this.reload(isStatic ? this.staticOrderOf(activeMutant.fileName) : this.files);
    this.context.hitLimit = hitLimit;
    this.context.hitCount = hitLimit ? 0 : undefined;
    if (testFilter) {
      this.mocha.options.invert = false;
      this.mocha.grep(new RegExp(testFilter.map((id) => `(^${escapeRegExp(id)}$)`).join("|")));
    } else this.selectAll();
    const r = toMutantRunResult(await this.run(disableBail, activeMutant.id, mutantActivation));
    if (isStatic && r.status === MutantRunStatus.Killed) this.noteKiller(activeMutant.fileName);
    if (process.env.TRACE_INPROC)
      fs.appendFileSync(
        process.env.TRACE_INPROC,
        `${activeMutant.id}\t${activeMutant.fileName.split("/").slice(-2).join("/")}:${activeMutant.location.start.line}\t${mutantActivation}\t${reloadEnvironment}\t${testFilter?.length}\t${this.results.length}\t${r.status}\t${Date.now() - t0}\t${activeMutant.mutatorName}\t${JSON.stringify(activeMutant.replacement ?? "").slice(0, 80)}\n`,
      );
    return r;
  }

  async run(disableBail, activeMutantId, mutantActivation) {
    const setBail = (bail, suite) => {
      suite.bail(bail);
      suite.suites.forEach((s) => setBail(bail, s));
    };
    setBail(!disableBail, this.mocha.suite);
    try {
      if (!this.loaded) {
        this.context.activeMutant = mutantActivation === "static" ? activeMutantId : undefined;
        await this.mocha.loadFilesAsync();
        this.loaded = true;
      }
      this.context.activeMutant = activeMutantId;
      this.results.length = 0;
      await new Promise((resolve) => this.mocha.run(() => resolve()));
      const timeout = determineHitLimitReached(this.context.hitCount, this.context.hitLimit);
      if (timeout) return timeout;
      return { status: DryRunStatus.Complete, tests: [...this.results] };
    } catch (err) {
      return { status: DryRunStatus.Error, errorMessage: String(err?.stack ?? err) };
    }
  }

  async dispose() {
    try {
      this.mocha?.dispose();
    } catch (err) {
      if (err?.code !== "ERR_MOCHA_INSTANCE_ALREADY_RUNNING") throw err;
    }
  }
}

/**
 * Adds the coverage recorded under a suite's mark to every test of that suite, and removes the mark (Stryker
 * knows only tests). A mark no test ran under (a suite whose tests all skipped) is dropped.
 */
function spreadSuiteCoverage(coverage, suites) {
  const perTest = coverage?.perTest;
  if (!perTest) return;
  for (const [id, hits] of Object.entries(perTest)) {
    if (!id.startsWith(SUITE_MARK)) continue;
    delete perTest[id];
    for (const test of suites.get(id) ?? []) {
      const into = (perTest[test] ??= {});
      for (const [mutant, count] of Object.entries(hits)) into[mutant] = (into[mutant] ?? 0) + count;
    }
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, "mocha-inproc", MochaInprocRunner)];
