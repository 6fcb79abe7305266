/**
 * The staging rollback's plan and pull request body (src/deploy/stagingRollback.ts), in process: the refusals
 * name the option at fault, what was expected and what was found, whole; the body says which flags the same change
 * turned off, that the app has none, or nothing when not asked.
 */
import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/config/model";
import { planStagingRollback, stagingRollbackPullRequestBody } from "../../src/deploy/stagingRollback";
import { cleanTempDirs, projectWithStagingOutputs } from "../cli-harness";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const release = (c: string, date: string) => ({
  digest: digest(c),
  gitSha: c.repeat(40),
  date,
  actor: "dev",
});

/** The refusal of `planStagingRollback` over staging's `releases` with `to`, as ConfigError's message. */
function refusal(releases: ReturnType<typeof release>[], to?: string): string {
  const { dir, outputs } = projectWithStagingOutputs(releases);
  try {
    planStagingRollback({ app: "erp-berhan", dir, stagingOutputs: outputs, to });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  return assert.fail("planned");
}

describe("staging rollback (units)", () => {
  after(cleanTempDirs);

  it("refuses staging's only release: no release before the running one, naming the outputs' key", () => {
    assert.equal(
      refusal([release("c", "2026-11-20T10:00:00Z")]),
      'Invalid config for stack "staging" (stack config): 1 problem\n' +
        "  - --staging-outputs (environmentProfile.apps.erp-berhan.releases): expected a release before the running one to roll back to, " +
        `found 1 release(s), all ${digest("c")}`,
    );
  });

  it("refuses releases that all ran the running digest, counting them", () => {
    const same = { ...release("c", "2026-11-20T10:00:00Z") };
    assert.match(
      refusal([same, { ...same, gitSha: "d".repeat(40) }]),
      /found 2 release\(s\), all sha256:c{64}$/,
    );
  });

  it("refuses a --to staging never ran, and the running one, each naming --to whole", () => {
    const releases = [release("c", "2026-11-20T10:00:00Z"), release("b", "2026-11-19T10:00:00Z")];
    assert.equal(
      refusal(releases, digest("e")),
      'Invalid config for stack "staging" (stack config): 1 problem\n' +
        `  - --to: expected a digest among staging's releases of the app, found ${digest("e")}`,
    );
    assert.equal(
      refusal(releases, digest("c")),
      'Invalid config for stack "staging" (stack config): 1 problem\n' +
        `  - --to: expected a digest other than the one running (${digest("c")}), found ${digest("c")}`,
    );
  });

  describe("the pull request body's flags line", () => {
    const releases = [release("c", "2026-11-20T10:00:00Z"), release("b", "2026-11-19T10:00:00Z")];
    const body = (disableFlags: boolean) => {
      const { dir, outputs } = projectWithStagingOutputs(releases);
      const plan = planStagingRollback({ app: "erp-berhan", dir, stagingOutputs: outputs, disableFlags });
      return { plan, body: stagingRollbackPullRequestBody(plan) };
    };

    it("names the flags turned off in staging", () => {
      const { plan, body: text } = body(true);
      assert.deepEqual(plan.disabledFlags, ["telegram_bot_v2"]);
      assert.ok(text.split("\n").includes("- feature flags off in staging: telegram_bot_v2"), text);
    });

    it("has no flags line when flags were not asked to be turned off", () => {
      const { plan, body: text } = body(false);
      assert.equal(plan.disabledFlags, undefined);
      assert.doesNotMatch(text, /feature flags/);
      assert.match(text, /^# ROLLBACK staging c{12} \(c{7}\) -> b{12} \(b{7}\) \(erp-berhan\)$/m);
    });

    it("says the app has none when it declares no flag", () => {
      const plan = { ...body(true).plan, disabledFlags: [] };
      assert.ok(
        stagingRollbackPullRequestBody(plan)
          .split("\n")
          .includes("- feature flags off in staging: (the app has none)"),
      );
    });
  });
});
