/**
 * The in-process Stryker runner's ordering of spec files for a static mutant (test/proofs/stryker/mocha-runner.mjs):
 * the import graph it reads from the sources, each file's distance to the mutated one, and the order that puts
 * earlier killers first, then the nearest files, then the quickest, keeping every file.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { cleanTempDirs, tempFiles } from "../temp";

const project = (files: Record<string, string>) => tempFiles("stryker-runner", files);

describe("mutation runner: the order of spec files for a static mutant", () => {
  let runner: typeof import("./stryker/mocha-runner.mjs");
  before(async () => {
    runner = await import("./stryker/mocha-runner.mjs");
  });
  after(cleanTempDirs);

  it("reads the import graph from the sources: relative imports, requires, dynamic imports and folder indexes", () => {
    const root = project({
      "src/a.ts": "export const a = 1;\n",
      "src/lib/index.ts": 'export { a } from "../a";\n',
      "src/b.ts": 'import { a } from "./lib";\nexport const b = a;\n',
      "test/b.test.ts": 'import { b } from "../src/b";\n',
      "test/dyn.test.ts": 'const m = await import("../src/a.js");\nconst r = require("../src/lib");\n',
      "test/other.test.ts": 'import * as fs from "node:fs";\nimport { x } from "../src/missing";\n',
      "node_modules/p/index.ts": 'import { a } from "../../src/a";\n',
    });
    const at = (rel: string) => path.join(root, rel);
    const dist = runner.distancesTo(runner.importersOf(root), at("src/a.ts"));
    assert.deepEqual(
      Object.fromEntries([...dist].map(([f, d]) => [path.relative(root, f), d])),
      { "src/a.ts": 0, "src/lib/index.ts": 1, "test/dyn.test.ts": 1, "src/b.ts": 2, "test/b.test.ts": 3 },
      "node_modules and files that do not import src/a.ts (directly or not) have no distance",
    );
  });

  it("puts earlier killers first, then the nearest files, then the quickest, and keeps every file", () => {
    const files = ["far.ts", "near-slow.ts", "near-quick.ts", "unrelated.ts", "killer.ts"];
    const order = runner.staticOrder(
      files,
      new Map([["killer.ts", 2]]),
      new Map([
        ["far.ts", 3],
        ["near-slow.ts", 1],
        ["near-quick.ts", 1],
        ["killer.ts", 4],
      ]),
      new Map([
        ["near-slow.ts", 900],
        ["near-quick.ts", 10],
        ["unrelated.ts", 1],
      ]),
    );
    assert.deepEqual(order, ["killer.ts", "near-quick.ts", "near-slow.ts", "far.ts", "unrelated.ts"]);
    assert.deepEqual(
      files,
      ["far.ts", "near-slow.ts", "near-quick.ts", "unrelated.ts", "killer.ts"],
      "input kept",
    );
  });

  it("orders files with no distance among themselves by speed, then by name", () => {
    const order = runner.staticOrder(
      ["c.ts", "b.ts", "a.ts"],
      new Map(),
      new Map(),
      new Map([
        ["c.ts", 5],
        ["b.ts", 5],
        ["a.ts", 50],
      ]),
    );
    assert.deepEqual(order, ["b.ts", "c.ts", "a.ts"]);
  });
});
