/**
 * The suite's clock (test/fixedClock.cjs, set by test/suiteClock.ts): this process, and every Node process it starts,
 * reads today as the suite's day (test/today.ts), so the stack files' dates (the flags' removal dates, the
 * overrides' expiry) judge the same on every day CI runs. Dates built from arguments keep their value.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { TEST_TODAY } from "../today";

const day = (d: Date) => d.toISOString().slice(0, 10);

describe("the suite's clock", function () {
  it("reads the suite's day in this process, advancing in real time, through every form of Date", async function () {
    assert.equal(day(new Date()), day(TEST_TODAY));
    assert.equal(day(new Date(Date.now())), day(TEST_TODAY));
    assert.equal(new Date(Date()).getUTCDate(), TEST_TODAY.getUTCDate(), "Date() called without new");
    const before = Date.now();
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(Date.now() - before >= 25, "it advances");
    assert.equal(new Date("2027-03-01T00:00:00Z").toISOString(), "2027-03-01T00:00:00.000Z");
    assert.equal(Date.UTC(2027, 2, 1), new Date("2027-03-01T00:00:00Z").getTime());
    assert.ok(new Date() instanceof Date);
  });

  it("reads the suite's day in a Node process it starts, within a second of this one's", function () {
    const child = execFileSync(process.execPath, ["-e", "process.stdout.write(String(Date.now()))"], {
      encoding: "utf8",
    });
    assert.ok(Math.abs(Number(child) - Date.now()) < 1000, `${child} vs ${Date.now()}`);
    assert.equal(day(new Date(Number(child))), day(TEST_TODAY));
  });
});
