/**
 * A test clock for code that reads today's date (the flags' removal dates): `Date` and `Date.now()` start at
 * a given instant and advance in real time; dates built from arguments are untouched.
 *
 * In process: `const restore = install(iso)`, then `restore()`. In a child process:
 * `NODE_OPTIONS="--require <this file>"` with `CICD_TEST_NOW=<iso>` in its environment.
 */
"use strict";

/**
 * Shifts the global `Date` so that now is `iso`.
 *
 * @param {string} iso an instant `Date` parses, e.g. `2026-11-21T12:00:00Z`.
 * @returns {() => void} a function that puts the real `Date` back.
 * @throws Error when `iso` is not a date.
 */
function install(iso) {
  const RealDate = Date;
  const offset = new RealDate(iso).getTime() - RealDate.now();
  if (Number.isNaN(offset)) throw new Error(`test clock: expected an ISO date, found ${JSON.stringify(iso)}`);
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
  return () => {
    globalThis.Date = RealDate;
  };
}

if (process.env.CICD_TEST_NOW) install(process.env.CICD_TEST_NOW);

module.exports = { install };
