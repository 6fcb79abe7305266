/**
 * Every date of the project goes through one calendar-date parser (policy-pack/lib/waivers.ts `parseDay`):
 * `--today`, waivers, enforcement overrides, pre-deploy overrides and flags' removal dates refuse a date that
 * does not exist (2026-02-30, which `Date.parse` rolls over to March) instead of reading another day.
 */
import * as assert from "node:assert/strict";
import { cicd } from "../cli-harness";
import { resolvePackConfig } from "../../policy-pack/evaluate";
import { parseDay } from "../../policy-pack/lib/waivers";

describe("dates: one calendar-date parser", function () {
  it("parseDay reads real dates and refuses rolled-over or malformed ones", function () {
    assert.equal(parseDay("2026-02-28"), Date.UTC(2026, 1, 28));
    for (const bad of ["2026-02-30", "2999-02-31", "2026-13-01", "2026-1-01", "0099-01-01x"])
      assert.equal(parseDay(bad), undefined, bad);
  });

  for (const command of ["preview", "report"]) {
    it(`cicd ${command} --today refuses a date that does not exist, exit 2, naming it`, async function () {
      const run = await cicd([command, "--today", "2026-02-30", "--stack", "staging"]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--today .*expected a real calendar date YYYY-MM-DD, found "2026-02-30"/);
    });
  }

  it("an enforcement override expiring on 2999-02-31 is not applied (no rollover to March)", function () {
    const config = resolvePackConfig(
      {
        enforcement: {
          "CC-RUN-09": {
            level: "advisory",
            reason: "platform ticket OPS-42",
            owner: "platform",
            expires: "2999-02-31",
          },
        },
      },
      new Date("2026-12-01T00:00:00Z"),
    );
    const entry = Object.entries(config).find(([name]) => name.startsWith("CC-RUN-09-"))![1];
    assert.equal(entry.enforcementLevel, "mandatory");
  });
});
