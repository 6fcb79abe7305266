/**
 * CC-WAIVE-02, audited enforcement overrides: lowering a mandatory rule needs a reason, an owner and an expiry,
 * like a waiver; without them (or expired) the override does not apply, the rule stays mandatory and CC-WAIVE-02
 * fails. Every report format lists the overrides in force. The rules that audit waivers and overrides cannot be
 * lowered at all.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { auditReport, packConfigOfSection } from "../../src/audit/policy";
import { ConfigError } from "../../src/config/model";
import { readStackFile } from "../../src/config/sources";
import { ROOT } from "../helpers";
import { renderReport } from "../../src/report/render";
import { REPORT_FORMATS } from "../../src/report/types";
import { overridesInForce, PolicyConfigError, resolvePackConfig } from "../../policy-pack/evaluate";
import { mutate, NOW, RealStack, realStacks } from "./helpers";
import { T } from "./rule-harness";

const AUDITED = {
  level: "advisory",
  reason: "load balancer migration, ticket OPS-42",
  owner: "platform",
  expires: "2026-12-31",
};

/** The production stack file's own policy section, with `enforcement` replaced. */
function audit(stack: RealStack, enforcement: Record<string, unknown>, resources = stack.resources) {
  const section = readStackFile(path.join(ROOT, "Pulumi.production.yaml")).raw.policy as Record<
    string,
    unknown
  >;
  const config = resolvePackConfig({ ...section, enforcement }, NOW);
  return {
    config,
    report: auditReport(resources, { stack: stack.stack, mode: "offline", config, now: NOW }),
  };
}

describe("CC-WAIVE-02: audited enforcement overrides", () => {
  let production: RealStack;
  let broken: RealStack["resources"];
  before(async () => {
    production = (await realStacks()).production;
    // A CC-RUN-09 failure (a production load balancer without deletion protection) to lower.
    broken = mutate(
      production.resources,
      T.loadBalancer,
      /erp-berhan/,
      (p) => (p.enableDeletionProtection = false),
    );
  });

  it("passes with no override", () => {
    const { report } = audit(production, {});
    assert.deepEqual(
      report.results.filter((r) => r.ruleId === "CC-WAIVE-02").map((r) => [r.status, r.message]),
      [["pass", "no override lowers a mandatory rule"]],
    );
    assert.deepEqual(report.overrides, []);
  });

  it("fails on a bare lower level, which does not apply: the rule stays mandatory and fails", () => {
    const { report } = audit(production, { "CC-RUN-09": "advisory" }, broken);
    const waive = report.results.find((r) => r.ruleId === "CC-WAIVE-02")!;
    assert.equal(waive.status, "fail");
    assert.match(
      waive.message,
      /override of CC-RUN-09 from mandatory to advisory: a bare level: no reason, owner or expiry; it does not apply \(CC-RUN-09 stays mandatory\)/,
    );
    const run09 = report.results.filter((r) => r.ruleId === "CC-RUN-09" && r.status === "fail");
    assert.ok(run09.length > 0 && run09.every((r) => r.enforcementLevel === "mandatory"));
    assert.deepEqual(report.overrides, [], "nothing in force");
  });

  it("fails on an expired or incomplete record, naming what is missing", () => {
    const expired = audit(production, { "CC-RUN-09": { ...AUDITED, expires: "2026-01-01" } }).report;
    assert.match(
      expired.results.find((r) => r.ruleId === "CC-WAIVE-02")!.message,
      /expired on 2026-01-01; it does not apply/,
    );
    const partial = audit(production, { "CC-RUN-09": { level: "disabled", reason: "short" } }).report;
    assert.match(
      partial.results.find((r) => r.ruleId === "CC-WAIVE-02")!.message,
      /to disabled: no reason \(10\+ characters\), no owner, no expiry date \(YYYY-MM-DD\); it does not apply/,
    );
  });

  it("applies a complete override: the rule runs at the lower level, and every report format lists it", () => {
    const { config, report } = audit(production, { "CC-RUN-09": AUDITED }, broken);
    assert.equal(report.results.find((r) => r.ruleId === "CC-WAIVE-02")!.status, "pass");
    const run09 = report.results.filter((r) => r.ruleId === "CC-RUN-09" && r.status === "fail");
    assert.ok(run09.length > 0 && run09.every((r) => r.enforcementLevel === "advisory"));
    assert.equal(report.summary.mandatoryFailures, 0);
    assert.deepEqual(
      overridesInForce(config).map((o) => [o.ruleId, o.from, o.to, o.owner, o.expires]),
      [["CC-RUN-09", "mandatory", "advisory", "platform", "2026-12-31"]],
    );
    for (const format of REPORT_FORMATS) {
      const text = renderReport(report, format, { color: false });
      for (const part of ["CC-RUN-09", "advisory", "platform", "2026-12-31", "ticket OPS-42"])
        assert.ok(text.includes(part), `${format} lists the override (${part})`);
    }
  });

  it("raising a rule needs no record; the rules that audit waivers and overrides cannot be lowered", () => {
    assert.deepEqual(audit(production, { "CC-BR-05": "mandatory" }).report.overrides, []);
    for (const id of ["CC-WAIVE-01", "CC-WAIVE-02"])
      assert.throws(
        () => resolvePackConfig({ enforcement: { [id]: AUDITED } }, NOW),
        (e: unknown) => e instanceof PolicyConfigError && e.message.includes(`${id} cannot be lowered`),
      );
  });
});

describe("rule settings are validated against each rule's config schema (ajv) before anything runs", () => {
  it("fails on a value the schema refuses, naming stack, rule and setting", () => {
    assert.throws(
      () =>
        packConfigOfSection(
          { settings: { "CC-ENV-02": { minReviewers: 1.5 } } },
          "production",
          "Pulumi.production.yaml",
        ),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.stackName === "production" &&
        e.problems.length === 1 &&
        e.problems[0].key === "cicd-constitution:policy.settings.CC-ENV-02.minReviewers" &&
        /config schema accepts: must be integer/.test(e.problems[0].expected) &&
        e.problems[0].found === "1.5",
    );
  });

  it("fails on a wrong type inside a list, and accepts the repository's own settings", () => {
    assert.throws(
      () =>
        packConfigOfSection(
          { settings: { "CC-BR-02": { requiredChecks: ["style", "unit", "smoke", 7] } } },
          "staging",
          "Pulumi.staging.yaml",
        ),
      /policy\.settings\.CC-BR-02\.requiredChecks\.3: expected a value .* must be string, found 7/,
    );
    const section = readStackFile(path.join(ROOT, "Pulumi.production.yaml")).raw.policy;
    assert.ok(packConfigOfSection(section, "production", "Pulumi.production.yaml"));
  });
});
