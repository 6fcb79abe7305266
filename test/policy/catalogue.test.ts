import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { RULES } from "../../policy-pack/catalogue";

/** The catalogue's IDs, written out: a rename or a dropped rule must change this list on purpose. */
const PINNED_IDS = [
  "CC-BR-01",
  "CC-BR-02",
  "CC-BR-03",
  "CC-BR-04",
  "CC-BR-05",
  "CC-BR-06",
  "CC-BR-07",
  "CC-BR-08",
  "CC-ENV-01",
  "CC-ENV-02",
  "CC-ENV-03",
  "CC-ENV-04",
  "CC-ENV-05",
  "CC-ENV-06",
  "CC-ENV-07",
  "CC-ART-01",
  "CC-ART-02",
  "CC-ART-03",
  "CC-ART-04",
  "CC-ART-05",
  "CC-ART-06",
  "CC-ART-07",
  "CC-ART-08",
  "CC-RUN-01",
  "CC-RUN-02",
  "CC-RUN-03",
  "CC-RUN-04",
  "CC-RUN-05",
  "CC-RUN-06",
  "CC-RUN-07",
  "CC-RUN-08",
  "CC-RUN-09",
  "CC-RUN-10",
  "CC-RUN-11",
  "CC-RUN-12",
  "CC-OBS-01",
  "CC-OBS-02",
  "CC-OBS-03",
  "CC-OBS-04",
  "CC-OBS-05",
  "CC-OBS-06",
  "CC-FLAG-01",
  "CC-FLAG-02",
  "CC-FLAG-03",
  "CC-FLAG-04",
  "CC-FLAG-05",
  "CC-PAR-01",
  "CC-PAR-02",
  "CC-PAR-03",
  "CC-WAIVE-01",
];

describe("policy catalogue", () => {
  it("ships exactly the pinned rule IDs, in catalogue order", () => {
    assert.deepEqual(
      RULES.map((r) => r.id),
      PINNED_IDS,
    );
  });

  it("matches the IDs and levels of shared/policy-catalogue.md", function () {
    // CI clones the repository with shared/ beside it; a checkout without it skips (reported as pending).
    const file = path.resolve(__dirname, "../../../shared/policy-catalogue.md");
    if (!fs.existsSync(file)) this.skip();
    // Rows marked *(new)* are reserved: shipping one is allowed (in catalogue order); every other row must ship.
    const rows = [
      ...fs
        .readFileSync(file, "utf8")
        .matchAll(/^\| (CC-[A-Z]+-\d+)( \*\(new\)\*)? \|.*\| (mandatory|advisory) \|$/gm),
    ];
    const shipped = new Set(RULES.map((r) => r.id));
    assert.deepEqual(
      rows.filter((m) => !m[2] || shipped.has(m[1])).map((m) => `${m[1]} ${m[3]}`),
      RULES.map((r) => `${r.id} ${r.enforcementLevel}`),
    );
    assert.ok(rows.length > RULES.length, "the catalogue still reserves rules not shipped yet");
  });

  it("gives every rule a policy name prefixed by its ID, a description, source, remediation and level", () => {
    for (const r of RULES) {
      assert.match(r.policyName, new RegExp(`^${r.id}-[a-z0-9-]+$`), r.id);
      assert.ok(r.description.endsWith("."), `${r.id} description is one sentence`);
      assert.ok(r.source.length > 3 && r.remediation.length > 10, r.id);
      assert.ok(r.section === r.id.split("-")[1], `${r.id} section`);
    }
    assert.equal(new Set(RULES.map((r) => r.policyName)).size, RULES.length);
  });

  it("declares a config schema with defaults for every rule the catalogue calls configurable", () => {
    const configurable = [
      "CC-BR-02",
      "CC-BR-03",
      "CC-ENV-02",
      "CC-RUN-01",
      "CC-RUN-02",
      "CC-RUN-07",
      "CC-RUN-08",
    ];
    for (const id of configurable) {
      const r = RULES.find((x) => x.id === id)!;
      const props = Object.values(r.configurable ?? {});
      assert.ok(
        props.length > 0 && props.every((p) => p.default !== undefined),
        `${id} has settings with defaults`,
      );
    }
  });

  it("documents every rule in policy-pack/README.md with its level", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../policy-pack/README.md"), "utf8");
    for (const r of RULES)
      assert.match(
        readme,
        new RegExp(`\\| <a id="${r.id.toLowerCase()}"></a>${r.id} \\|[^\\n]*\\| ${r.enforcementLevel} \\|`),
        r.id,
      );
  });
});
