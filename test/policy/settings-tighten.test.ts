/**
 * A setting can only tighten a mandatory rule (policy-pack/lib/config.ts, `ConfigProperty.tightens`): a value that
 * loosens one (a smaller minimum, a shorter forbidden list, fewer markers) or points it away from what it judges
 * (the production environment's name, this repository) is refused, naming the key; so is a waiver or a setting of
 * the audit rules themselves. Tightening is accepted.
 */
import * as assert from "node:assert/strict";
import { overridesInForce, resolvePackConfig } from "../../policy-pack/evaluate";
import { settingsProblems } from "../../src/audit/policy";
import { ALL_RULES } from "../../policy-pack/rules";

const settings = (id: string, value: Record<string, unknown>) => ({ settings: { [id]: value } });
const defaultOf = (id: string, key: string) =>
  ALL_RULES.find((r) => r.meta.id === id)!.meta.configurable![key].default as string[];

describe("policy settings only tighten a mandatory rule", function () {
  it("every setting of a mandatory rule declares which way tightens it", function () {
    const undeclared = ALL_RULES.filter((r) => r.meta.enforcementLevel === "mandatory").flatMap((r) =>
      Object.entries(r.meta.configurable ?? {})
        .filter(([, p]) => p.tightens === undefined)
        .map(([k]) => `${r.meta.id}.${k}`),
    );
    assert.deepEqual(undeclared, []);
  });

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      "CC-ENV-02",
      { productionEnvironment: "prod" },
      /CC-ENV-02\.productionEnvironment: "prod" loosens .*points the rule away from "production"/,
    ],
    ["CC-PAR-01", { productionEnvironment: "prod" }, /CC-PAR-01\.productionEnvironment/],
    ["CC-FLAG-03", { productionEnvironment: "prod" }, /CC-FLAG-03\.productionEnvironment/],
    ["CC-RUN-13", { productionEnvironment: "prod" }, /CC-RUN-13\.productionEnvironment/],
    ["CC-RUN-04", { productionEnvironment: "prod" }, /CC-RUN-04\.productionEnvironment/],
    ["CC-BR-03", { minApprovals: 0 }, /CC-BR-03\.minApprovals: 0 loosens .*below the default 1/],
    [
      "CC-ENV-05",
      { forbiddenNames: [] },
      /CC-ENV-05\.forbiddenNames: \[\] loosens .*drops "AWS_ACCESS_KEY_ID"/,
    ],
    [
      "CC-ENV-07",
      { environmentMarkers: { staging: ["staging"], production: ["production", "-prod-"] } },
      /points the rule away/,
    ],
    [
      "CC-ENV-07",
      {
        environmentMarkers: {
          staging: ["staging", "-stg-", "arn:aws:ecs:"],
          production: ["production", "-prod-"],
        },
      },
      /points the rule away/,
    ],
    ["CC-ENV-03", { productionBranches: ["main", "release/*"] }, /adds "release\/\*"/],
    ["CC-RUN-13", { maxFirstShiftPercent: 50 }, /above the default 25/],
    [
      "CC-WAIVE-02",
      { overrides: [{ ruleId: "CC-ENV-02", applied: true }] },
      /CC-WAIVE-02\.overrides: the overrides in force are the pack's/,
    ],
  ];
  for (const [id, value, message] of refused) {
    it(`refuses ${id} ${JSON.stringify(value)}`, function () {
      assert.throws(() => resolvePackConfig(settings(id, value)), message);
    });
  }

  it("refuses a waiver of CC-WAIVE-01 or CC-WAIVE-02", function () {
    for (const ruleId of ["CC-WAIVE-01", "CC-WAIVE-02"]) {
      const waiver = {
        ruleId,
        resource: "x",
        reason: "a long enough reason",
        owner: "me",
        expires: "2099-01-01",
      };
      assert.throws(() => resolvePackConfig({ waivers: [waiver] }), new RegExp(`${ruleId} cannot be waived`));
    }
  });

  it("accepts settings that tighten: a higher minimum, a longer forbidden list, fewer deployment branches", function () {
    const section = {
      settings: {
        "CC-BR-03": { minApprovals: 2 },
        "CC-ENV-05": {
          forbiddenNames: [...defaultOf("CC-ENV-05", "forbiddenNames"), "GCP_SA_KEY"],
        },
        "CC-ENV-03": { productionBranches: [] },
      },
    };
    const config = resolvePackConfig(section);
    const entry = Object.entries(config).find(([name]) => name.startsWith("CC-BR-03-"))![1];
    assert.equal((entry as { minApprovals: number }).minApprovals, 2);
  });

  it("a complete enforcement override still resolves, and its config passes the engine's schema (policy-config)", function () {
    const today = new Date();
    const expires = new Date(today.getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
    const section = {
      enforcement: {
        "CC-RUN-04": { level: "advisory", reason: "ticket OPS-1 capacity", owner: "mathieu", expires },
      },
    };
    const config = resolvePackConfig(section, today);
    assert.deepEqual(
      overridesInForce(config).map((o) => [o.ruleId, o.to]),
      [["CC-RUN-04", "advisory"]],
    );
    assert.deepEqual(settingsProblems(config), []);
  });
});

/**
 * The settings that say what to check rather than how strictly (`tightens: "free"`) are bounded by their schema, so
 * none can empty a mandatory rule: a probe path is a dedicated path, an app's required secrets are at least one
 * variable name, a public image is a whole repository (not a registry or an owner).
 */
describe("a free setting cannot empty a mandatory rule", function () {
  const problemsOf = (id: string, value: Record<string, unknown>) =>
    settingsProblems(resolvePackConfig(settings(id, value)))
      .map((p) => `${p.key}: ${p.expected}; found ${p.found}`)
      .join("\n");

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ["CC-RUN-07", { apps: { "menu-optimizer": [] } }, /CC-RUN-07.*apps.*menu-optimizer.*fewer than 1/],
    ["CC-RUN-07", { apps: { "menu-optimizer": ["$(true)"] } }, /CC-RUN-07.*must match pattern/],
    ["CC-RUN-01", { path: "/" }, /CC-RUN-01.*path.*must match pattern/],
    ["CC-RUN-01", { apps: { "menu-optimizer": "/?ok" } }, /CC-RUN-01.*must match pattern/],
    ["CC-RUN-02", { apps: { "erp-berhan": "/" } }, /CC-RUN-02.*must match pattern/],
    ["CC-RUN-11", { publicImages: ["ghcr.io/"] }, /CC-RUN-11.*publicImages.*must match pattern/],
    ["CC-RUN-11", { publicImages: ["ghcr.io/surlefeu"] }, /CC-RUN-11.*publicImages.*must match pattern/],
  ];
  for (const [id, value, message] of refused) {
    it(`refuses ${id} ${JSON.stringify(value)}`, function () {
      assert.match(problemsOf(id, value), message);
    });
  }

  it("accepts an app's own paths, one required secret and a whole public repository", function () {
    assert.equal(problemsOf("CC-RUN-07", { apps: { "menu-optimizer": ["DATABASE_URL"] } }), "");
    assert.equal(problemsOf("CC-RUN-01", { apps: { "menu-optimizer": "/_stcore/health" } }), "");
    assert.equal(problemsOf("CC-RUN-11", { publicImages: ["docker.io/library/postgres"] }), "");
  });
});
