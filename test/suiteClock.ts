/**
 * The suite's clock, set when this module loads: in this process and, through the environment, in every Node
 * process started after (mocha's workers, the commands the tests run), today is the suite's day (test/today.ts)
 * advancing in real time, whatever the machine's date, so the stack files' dates (the flags' removal dates, the
 * overrides' expiry) judge the same on every day the tests run. Loaded by test/hooks.ts (`npm test`), the fuzz
 * run's and the mutation runs' configurations. See test/fixedClock.cjs.
 */
import * as path from "node:path";
import { TEST_TODAY } from "./today";

const FIXED_CLOCK = path.join(__dirname, "fixedClock.cjs");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const clock = require(FIXED_CLOCK) as {
  OFFSET_VARIABLE: string;
  installOffset: (offsetMs: number) => void;
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
