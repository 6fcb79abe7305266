/**
 * The pack config the audit and the preview judge with (src/audit/policy.ts): every setting the engine's schema
 * rejects is a config problem naming its key, a policy section the pack refuses is one config error, the required
 * checks' app from `governance` reaches CC-BR-12, and a directory without the stack file gives the pack's defaults.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { type PackConfig, resolvePackConfig, RULES } from "../../policy-pack/evaluate";
import {
  auditPreview,
  packConfigOfSection,
  packConfigOfStackFile,
  settingsProblems,
  withGovernanceSettings,
} from "../../src/audit/policy";
import { ConfigError } from "../../src/config/model";
import { repositoryStacks } from "../helpers";
import { cleanTempDirs, tempDir } from "../temp";

const RULE = RULES[0];

describe("the audit's pack config", () => {
  after(cleanTempDirs);

  it("each enforcement level the engine knows is accepted; another is a problem naming the rule's key", () => {
    const config = (level: unknown) =>
      ({ [RULE.policyName]: { enforcementLevel: level } }) as unknown as PackConfig;
    for (const level of ["advisory", "mandatory", "disabled", "remediate"])
      assert.deepEqual(settingsProblems(config(level)), [], level);
    const [problem, ...more] = settingsProblems(config("loud"));
    assert.deepEqual(more, []);
    assert.equal(problem.key, `cicd-constitution:policy.settings.${RULE.id}.enforcementLevel`);
    assert.match(
      problem.expected,
      new RegExp(
        `^a value ${RULE.policyName}'s config schema accepts: must be equal to one of the allowed values`,
      ),
    );
    assert.equal(problem.found, '"loud"');
  });

  it("every setting an entry gets wrong is a problem of its own, not only the first", () => {
    const config = {
      [RULE.policyName]: { enforcementLevel: "loud", waivers: "all of them" },
    } as unknown as PackConfig;
    assert.deepEqual(
      settingsProblems(config)
        .map((p) => [p.key, p.found])
        .sort(),
      [
        [`cicd-constitution:policy.settings.${RULE.id}.enforcementLevel`, '"loud"'],
        [`cicd-constitution:policy.settings.${RULE.id}.waivers`, '"all of them"'],
      ],
    );
  });

  it("a section the pack refuses is one config error on cicd-constitution:policy", () => {
    assert.throws(
      () => packConfigOfSection({ colour: "red" }, "staging", "Pulumi.staging.yaml"),
      (e: unknown) =>
        e instanceof ConfigError &&
        /cicd-constitution:policy: expected a policy section the pack accepts, found cicd-constitution:policy: unknown key\(s\) colour/.test(
          e.message,
        ),
    );
  });

  it("governance.checksIntegrationId becomes CC-BR-12's integrationId unless the section sets its own", () => {
    assert.deepEqual(withGovernanceSettings(undefined, { checksIntegrationId: 15368 }), {
      settings: { "CC-BR-12": { integrationId: 15368 } },
    });
    const own = { settings: { "CC-BR-12": { integrationId: 7 } } };
    assert.deepEqual(withGovernanceSettings(own, { checksIntegrationId: 15368 }), own);
    const section = { enforcement: {} };
    assert.equal(withGovernanceSettings(section, undefined), section);
    assert.equal(withGovernanceSettings(section, { checksIntegrationId: "15368" }), section);
  });

  it("from a directory: its stack file's section and governance, or the pack's defaults without one", () => {
    const dir = tempDir("audit-settings");
    assert.deepEqual(packConfigOfStackFile(dir, "staging"), resolvePackConfig(undefined));
    fs.writeFileSync(
      path.join(dir, "Pulumi.staging.yaml"),
      stringify({ config: { "cicd-constitution:governance": { checksIntegrationId: 15368 } } }),
    );
    const br12 = RULES.find((r) => r.id === "CC-BR-12")!;
    const config = packConfigOfStackFile(dir, "staging");
    assert.equal((config[br12.policyName] as Record<string, unknown>).integrationId, 15368);
  });

  it("the audit of a preview is offline", async () => {
    const [staging] = await repositoryStacks();
    assert.equal(auditPreview(staging, new Date("2026-11-21T12:00:00Z")).mode, "offline");
  });

  it("lists each pre-deploy override in force at the audit's date, for its app, and none expired then", async () => {
    const [staging] = await repositoryStacks();
    const app = staging.model.apps[0].name;
    const override = (ruleId: string, expires: string) => ({
      ruleId,
      resource: app,
      reason: "INC-42: the freeze blocks the fix",
      owner: "release-managers",
      expires,
    });
    const withOverrides = {
      ...staging,
      model: {
        ...staging.model,
        predeploy: {
          ...staging.model.predeploy,
          overrides: [
            override("PREDEPLOY-ERROR-BUDGET", "2026-11-25"),
            override("PREDEPLOY-STAGING-SOAK", "2026-11-20"),
          ],
        },
      },
    };
    // The audit's date decides, not the clock's: on 2026-11-21 the first is in force, the second expired.
    const report = auditPreview(withOverrides, new Date("2026-11-21T12:00:00Z"));
    assert.deepEqual(
      report.overrides.filter((o) => o.resource !== undefined),
      [{ ...override("PREDEPLOY-ERROR-BUDGET", "2026-11-25"), from: "mandatory", to: "disabled" }],
    );
    const later = auditPreview(withOverrides, new Date("2026-11-26T12:00:00Z"));
    assert.deepEqual(
      later.overrides.filter((o) => o.resource !== undefined),
      [],
    );
  });
});
