/**
 * The suite's clock, for code that reads today's date (the flags' removal dates, waivers' expiry, release dates):
 * `Date()`, `new Date()` and `Date.now()` run a fixed offset (milliseconds) from the real clock, so they advance in
 * real time; dates built from arguments, and everything else `Date` has, are untouched.
 *
 * test/suiteClock.ts sets the offset once per run (the suite's day, test/today.ts) in `CICD_TEST_CLOCK_OFFSET_MS` and
 * preloads this file through `NODE_OPTIONS="--require <this file>"`, so the mocha workers and every Node process
 * they start read the same clock. Tools that are not Node (git, PostgreSQL, skopeo) keep the machine's clock.
 */
"use strict";

const OFFSET_VARIABLE = "CICD_TEST_CLOCK_OFFSET_MS";

/**
 * Replaces the global `Date` with one whose now is the real now plus `offsetMs`.
 *
 * @param {number} offsetMs milliseconds added to the real clock (negative: behind it).
 * @throws Error when `offsetMs` is not a finite number.
 */
function installOffset(offsetMs) {
  if (!Number.isFinite(offsetMs))
    throw new Error(`test clock: expected an offset in milliseconds, found ${JSON.stringify(offsetMs)}`);
  const RealDate = Date;
  const now = () => RealDate.now() + offsetMs;
  // A proxy rather than a subclass: `Date()` called without `new` (a string of now) keeps working.
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) =>
      Reflect.construct(target, args.length ? args : [now()], newTarget),
    apply: () => new RealDate(now()).toString(),
    get: (target, key, receiver) => (key === "now" ? now : Reflect.get(target, key, receiver)),
  });
}

/** The offset that makes now `iso` at this instant (ms); throws when `iso` is not a date. */
function offsetTo(iso) {
  const offset = new Date(iso).getTime() - Date.now();
  if (Number.isNaN(offset)) throw new Error(`test clock: expected an ISO date, found ${JSON.stringify(iso)}`);
  return offset;
}

const inherited = process.env[OFFSET_VARIABLE];
if (inherited !== undefined) installOffset(Number(inherited));

module.exports = { OFFSET_VARIABLE, installOffset, offsetTo };
