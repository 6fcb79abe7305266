/**
 * Mocha global fixtures (.mocharc.cjs `require`; they run once in the main process, in parallel mode too): the
 * test run gets a temporary directory of its own as `TMPDIR` (os.tmpdir() reads it on each call; worker and child
 * processes inherit it), and at the end that directory must be empty: a test that leaves a temporary file or
 * directory behind fails the run, naming what it left. Test files remove theirs (test/temp.ts `cleanTempDirs` in
 * `after`). Tool caches that are not the tests' doing (tsx's compile cache, `tsx-<uid>`, made by the diff command's
 * preview of a git ref under tsx) are not counted.
 *
 * Loading this file also sets the suite's clock (test/fixedClock.cjs) in this process and, through the environment,
 * in every Node process started after: today is the suite's day (test/today.ts) advancing in real time, whatever the
 * machine's date, so the stack files' dates (the flags' removal dates) judge the same on every day CI runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TEST_TODAY } from "./today";

const FIXED_CLOCK = path.join(__dirname, "fixedClock.cjs");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const clock = require(FIXED_CLOCK) as {
  OFFSET_VARIABLE: string;
  installOffset: (offsetMs: number) => () => void;
  offsetTo: (iso: string) => number;
};
// Workers and child processes inherit the variable and preload the file (installed there at load).
if (process.env[clock.OFFSET_VARIABLE] === undefined) {
  const offset = clock.offsetTo(TEST_TODAY.toISOString());
  const preload = `--require ${JSON.stringify(FIXED_CLOCK)}`;
  process.env[clock.OFFSET_VARIABLE] = String(offset);
  process.env.NODE_OPTIONS = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ${preload}` : preload;
  clock.installOffset(offset);
}

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
