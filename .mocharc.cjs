/**
 * Mocha's configuration. CI (`.ci/run`) sets CICD_FORBID_PENDING=1: there a skipped test (a missing tool, a
 * missing ../shared) fails the run instead of passing silently; a developer's machine or GitHub Actions, where
 * ../shared is absent, may skip with the reason in the test's title.
 */
module.exports = {
  extension: ["ts"],
  spec: ["test/**/*.test.ts"],
  require: ["tsx/cjs", "test/hooks.ts"],
  timeout: 120000,
  reporter: "spec",
  parallel: true,
  jobs: 2,
  forbidPending: process.env.CICD_FORBID_PENDING === "1",
  // A `.only` left in a test file would run a fraction of the suite and pass: refused wherever CI runs it.
  forbidOnly: !!process.env.CI,
};
