/**
 * The security severity of each rule (src/report/severity.ts): the tier x level table, GitHub's bands, and the
 * SARIF rules carrying it for the level each rule runs at in the stack.
 */
import { strict as assert } from "node:assert";
import type * as Sarif from "sarif";
import { reportSarif } from "../../src/report/render";
import { SECTION_TIERS, securitySeverity, severityBand } from "../../src/report/severity";
import { SECTION_ORDER } from "../../src/report/types";
import { realReports } from "./real-results";
import { sarifValidator } from "./sarif-schema";

describe("security severity", function () {
  it("ranks mandatory guard rules critical, supply high, operate medium; advisory a band lower; disabled low", function () {
    const band = (level: "mandatory" | "advisory" | "disabled", section: string) =>
      severityBand(securitySeverity(level, section));
    const expected: Record<string, [string, string, string]> = {
      BR: ["critical", "medium", "low"],
      ENV: ["critical", "medium", "low"],
      ART: ["high", "medium", "low"],
      RUN: ["high", "medium", "low"],
      PAR: ["high", "medium", "low"],
      WAIVE: ["high", "medium", "low"],
      OBS: ["medium", "low", "low"],
      FLAG: ["medium", "low", "low"],
      // A section the table does not list is ranked as supply.
      NEW: ["high", "medium", "low"],
    };
    for (const [section, [m, a, d]] of Object.entries(expected))
      assert.deepEqual(
        [band("mandatory", section), band("advisory", section), band("disabled", section)],
        [m, a, d],
        section,
      );
    assert.deepEqual(Object.keys(SECTION_TIERS).sort(), [...SECTION_ORDER].sort());
    assert.equal(securitySeverity("mandatory", "ENV"), "9.5");
    assert.equal(securitySeverity("advisory", "OBS"), "3.0");
    assert.equal(securitySeverity("mandatory", "toString"), "8.0", "no prototype key is a section");
  });

  it("maps scores to GitHub's bands at their edges, and refuses a score off the scale", function () {
    const cases: Array<[string, string]> = [
      ["10.0", "critical"],
      ["9.1", "critical"],
      ["9.0", "high"],
      ["7.0", "high"],
      ["6.9", "medium"],
      ["4.0", "medium"],
      ["3.9", "low"],
      ["0.1", "low"],
      ["0.0", "none"],
      // Any number of decimals, or none.
      ["10", "critical"],
      ["5", "medium"],
      ["5.25", "medium"],
    ];
    for (const [score, band] of cases) assert.equal(severityBand(score), band, score);
    for (const bad of ["10.1", "-1", "high", "", "5.0x", "1e1", " 5", "5."])
      assert.throws(
        () => severityBand(bad),
        new RangeError(`security-severity ${bad} is not 0.0 to 10.0`),
        bad,
      );
  });

  it("gives every SARIF rule the severity of the level it runs at in the stack, and the log stays valid", async function () {
    const { broken } = await realReports();
    const validate = sarifValidator();
    const rules = (r: typeof broken) => (reportSarif(r) as Sarif.Log).runs[0].tool.driver.rules!;
    for (const rule of rules(broken)) {
      const props = rule.properties as Record<string, string>;
      assert.equal(
        props["security-severity"],
        securitySeverity(props.enforcementLevel as never, props.section),
      );
      assert.ok((props.tags as unknown as string[]).includes("security"), rule.id);
    }
    const byId = (r: typeof broken, id: string) => rules(r).find((x) => x.id === id)!;
    assert.equal(byId(broken, "CC-ENV-02").properties!["security-severity"], "9.5");
    assert.equal(byId(broken, "CC-RUN-08").properties!["security-severity"], "5.0");
    // A stack that runs CC-BR-01 at advisory (an enforcement override) ranks it medium, a warning by default.
    const lowered = structuredClone(broken);
    for (const x of lowered.results) if (x.ruleId === "CC-BR-01") x.enforcementLevel = "advisory";
    const br01 = byId(lowered, "CC-BR-01");
    assert.equal(br01.properties!["security-severity"], "6.5");
    assert.equal(br01.defaultConfiguration?.level, "warning");
    assert.ok(validate(reportSarif(lowered)), JSON.stringify(validate.errors?.slice(0, 3)));
  });
});
