/**
 * The stale-build guard at each entry point (policy-pack/lib/build.ts `assertFreshBuild`): the CLI
 * (`bin/src/cli/main.js`), the Pulumi program (`bin/index.js`) and the policy pack (`policy-pack/bin/index.js`)
 * each refuse to run once a source they were compiled from changed. Proven on a copy of this repository's builds
 * and sources (timestamps kept, dependencies linked): the fresh copy gets past the guard, and the same copy with
 * one source edited is refused, naming that source. Removing the guard's call from an entry point fails here.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { BUILD_STAMP } from "../../policy-pack/lib/build";
import { cleanTempDirs, tempDir } from "../cli-harness";
import { ROOT } from "../helpers";

/** The sources a build's stamp lists, relative to `root`. */
const stamped = (outDir: string): string[] =>
  (JSON.parse(fs.readFileSync(path.join(outDir, BUILD_STAMP), "utf8")) as { sources: string[] }).sources;

/** A copy of the builds, the sources they list and the package manifests; node_modules linked, times kept. */
function copyOfBuilds(): string {
  const dir = tempDir("entry-freshness");
  const copy = (rel: string) =>
    fs.cpSync(path.join(ROOT, rel), path.join(dir, rel), { recursive: true, preserveTimestamps: true });
  for (const rel of ["bin", "policy-pack/bin", "package.json", "policy-pack/package.json"]) copy(rel);
  for (const source of stamped(path.join(ROOT, "bin"))) copy(source);
  for (const source of stamped(path.join(ROOT, "policy-pack/bin"))) copy(path.join("policy-pack", source));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.symlinkSync(path.join(ROOT, "policy-pack/node_modules"), path.join(dir, "policy-pack/node_modules"));
  return dir;
}

/** Runs an entry point of the copy with node, outside the Pulumi engine. */
const run = (dir: string, entry: string, args: string[] = []) =>
  spawnSync(process.execPath, [path.join(dir, entry), ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", CICD_COMPILE_CACHE: "off" },
    // The pack, past the guard, serves the engine: it prints its port and waits, so it is stopped here.
    timeout: 15_000,
  });

/** Each entry point and a source of its build that the test edits. */
const ENTRIES = [
  { entry: "bin/src/cli/main.js", args: ["--version"], source: "src/markdown.ts", out: "bin" },
  { entry: "bin/index.js", args: [], source: "components/naming.ts", out: "bin" },
  { entry: "policy-pack/bin/index.js", args: [], source: "policy-pack/lib/facts.ts", out: "policy-pack/bin" },
];

describe("proofs: every entry point refuses a build older than its sources", function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  for (const { entry, args, source, out } of ENTRIES)
    it(`${entry} runs on a fresh build and refuses one whose ${source} changed`, () => {
      const dir = copyOfBuilds();
      const fresh = run(dir, entry, args);
      assert.doesNotMatch(fresh.stderr + fresh.stdout, /was compiled before/, `${entry} fresh`);
      if (entry.endsWith("main.js")) assert.equal(fresh.status, 0, fresh.stderr);
      if (entry.startsWith("policy-pack")) assert.match(fresh.stdout, /^\d+$/m, "the pack serves on a port");
      fs.appendFileSync(path.join(dir, source), "\n// edited after the build\n");
      const stale = run(dir, entry, args);
      assert.notEqual(stale.status, 0, `${entry} ran over a stale build`);
      // Paths as each build names them: the pack's relative to its own directory, policy-pack/.
      const [o, src] = [out, source].map((p) => p.replace(/^policy-pack\//, ""));
      assert.match(stale.stderr, new RegExp(`(^|\\s)${o} was compiled before ${src} changed`, "m"));
      assert.match(stale.stderr, /npm run build/);
    });
});
