/** The day the suite runs on (test/fixedClock.cjs), so that dates in the stack files judge the same every day. */
export const TEST_TODAY = new Date("2026-12-01T12:00:00Z");
