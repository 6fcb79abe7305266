/**
 * `cicd flags` reads an app's AppConfig ids from the stack outputs (`flagIdsOf`, src/deploy/flags.ts): a missing
 * section names every id it needs; a malformed id is named by its output path with what it must be, in the config
 * problems' words (not zod's).
 */
import { strict as assert } from "node:assert";
import { flagIdsOf } from "../../src/deploy/flags";

const IDS = {
  applicationId: "app1",
  environmentId: "env1",
  configurationProfileId: "prof1",
  emergencyStrategyId: "AppConfig.AllAtOnce",
  monitorAlarmNames: ["shop-flags-monitor"],
};

describe("flag ids from the stack outputs (flags.ts)", () => {
  it("reads the ids of the app named", () => {
    assert.deepEqual(flagIdsOf({ apps: { shop: { flags: IDS } } }, "shop"), { ids: IDS, problems: [] });
  });

  it("a missing section names what it must hold; a malformed id says what it must be", () => {
    assert.deepEqual(flagIdsOf({ apps: {} }, "shop").problems, [
      {
        key: "--outputs (apps.shop.flags)",
        expected:
          "{ applicationId, environmentId, configurationProfileId, emergencyStrategyId, monitorAlarmNames }",
        found: "(missing)",
      },
    ]);
    assert.deepEqual(
      flagIdsOf({ apps: { shop: { flags: { ...IDS, environmentId: "" } } } }, "shop").problems,
      [{ key: "--outputs (apps.shop.flags.environmentId)", expected: "at least 1 character", found: '""' }],
    );
    assert.deepEqual(
      flagIdsOf({ apps: { shop: { flags: { ...IDS, monitorAlarmNames: "one" } } } }, "shop").problems,
      [
        {
          key: "--outputs (apps.shop.flags.monitorAlarmNames)",
          expected: "a value of type array",
          found: '"one"',
        },
      ],
    );
  });
});
