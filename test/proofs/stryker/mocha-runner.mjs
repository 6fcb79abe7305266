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
 * Options: `mochaInproc.spec` (globs of spec files), `mochaInproc.require` (modules to require first,
 * e.g. `tsx/cjs`), `mochaInproc.timeout` (ms per test, default 120000).
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import process from "node:process";
import * as fs from "node:fs";
import { commonTokens, declareClassPlugin, PluginKind, tokens } from "@stryker-mutator/api/plugin";
import {
  determineHitLimitReached,
  DryRunStatus,
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

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Collects one result per test, as Stryker wants them. */
function collectingReporter(results) {
  return function StrykerCollector(runner) {
    let started = Date.now();
    runner.on("test", () => {
      started = Date.now();
    });
    const push = (test, status, failureMessage) =>
      results.push({
        id: test.fullTitle(),
        name: test.fullTitle(),
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
  }

  capabilities() {
    // Spec files are loaded once (require cache), so a static mutant needs a fresh worker.
    return { reloadEnvironment: false };
  }

  async init() {
    for (const r of this.settings.require ?? []) require(require.resolve(r, { paths: [process.cwd()] }));
    const mochaModule = require("mocha");
    const Mocha = mochaModule.default ?? mochaModule;
    const files = (this.settings.spec ?? ["test/**/*.test.ts"])
      .flatMap((g) => globFiles(g, process.cwd()))
      .map((f) => path.resolve(f))
      .sort();
    if (files.length === 0)
      throw new Error(`mocha-inproc: no spec file matches ${JSON.stringify(this.settings.spec)}`);
    this.mocha = new Mocha({
      reporter: collectingReporter(this.results),
      timeout: this.settings.timeout ?? 120000,
    });
    this.mocha.cleanReferencesAfterRun(false);
    for (const f of files) this.mocha.addFile(f);
    const runner = this; // eslint-disable-line @typescript-eslint/no-this-alias -- mocha passes the test context as `this`
    this.mocha.suite.beforeEach(function () {
      runner.beforeEach?.(this);
    });
  }

  async dryRun({ coverageAnalysis, disableBail }) {
    if (coverageAnalysis === "perTest") {
      this.beforeEach = (ctx) => {
        this.context.currentTestId = ctx.currentTest?.fullTitle();
      };
    }
    const result = await this.run(disableBail);
    if (result.status === DryRunStatus.Complete && coverageAnalysis !== "off") {
      result.mutantCoverage = this.context.mutantCoverage;
    }
    delete this.beforeEach;
    return result;
  }

  async mutantRun({ activeMutant, testFilter, disableBail, hitLimit, mutantActivation }) {
    this.context.hitLimit = hitLimit;
    this.context.hitCount = hitLimit ? 0 : undefined;
    this.mocha.grep(
      testFilter ? new RegExp(testFilter.map((id) => `(^${escapeRegExp(id)}$)`).join("|")) : /.*/,
    );
    return toMutantRunResult(await this.run(disableBail, activeMutant.id, mutantActivation));
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

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, "mocha-inproc", MochaInprocRunner)];
