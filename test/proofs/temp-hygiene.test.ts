/**
 * No test leaves a temporary directory behind, and this is checked, not hoped: the run's global fixtures
 * (test/hooks.ts) give it a TMPDIR of its own and fail the run when anything is left in it. Proved here on two
 * fixture files run by mocha as `npm test` runs it (the same hooks): one that cleans up passes, one that leaves a
 * directory fails the run, naming it.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "../helpers";

function mocha(fixture: string) {
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, "node_modules/mocha/bin/mocha.js"),
      "--no-config",
      "--require",
      "tsx/cjs",
      "--require",
      "test/hooks.ts",
      "--extension",
      "ts",
      path.join("test/fixtures/hygiene", fixture),
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe("proofs: the test run leaves no temporary directory behind", function () {
  this.timeout(60_000);

  it("a test file that removes what it makes passes", () => {
    const r = mocha("cleans.fixture.ts");
    assert.equal(r.code, 0, r.out);
  });

  it("a test file that leaves a directory fails the run, naming what it left", () => {
    const r = mocha("leaks.fixture.ts");
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /1 passing/);
    assert.match(r.out, /the tests left 1 temporary entr\(ies\) behind: left-behind-\w{6}/);
  });
});
