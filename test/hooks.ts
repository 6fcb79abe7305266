/**
 * Mocha global fixtures (.mocharc.cjs `require`; they run once in the main process, in parallel mode too): the
 * test run gets a temporary directory of its own as `TMPDIR` (os.tmpdir() reads it on each call; worker and child
 * processes inherit it), and at the end that directory must be empty: a test that leaves a temporary file or
 * directory behind fails the run, naming what it left. Test files remove theirs (test/temp.ts `cleanTempDirs` in
 * `after`). Tool caches that are not the tests' doing (tsx's compile cache, `tsx-<uid>`, made by the diff command's
 * preview of a git ref under tsx) are not counted.
 *
 * Loading this file also sets the suite's clock (test/suiteClock.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import "./suiteClock";

const TOOL_CACHES = /^tsx-\d+$/;
const PREVIOUS = process.env.TMPDIR;
let runDir: string | undefined;

export function mochaGlobalSetup(): void {
  runDir = fs.mkdtempSync(path.join(os.tmpdir(), "cicd-test-run-"));
  process.env.TMPDIR = runDir;
}

export function mochaGlobalTeardown(): void {
  if (!runDir) return;
  const left = fs.readdirSync(runDir).filter((e) => !TOOL_CACHES.test(e));
  if (PREVIOUS === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = PREVIOUS;
  fs.rmSync(runDir, { recursive: true, force: true });
  if (left.length)
    throw new Error(`the tests left ${left.length} temporary entr(ies) behind: ${left.sort().join(", ")}`);
}
