/**
 * `npm run mutation` covers the whole product: every TypeScript source of the product (the program, its
 * components, the CLI and its libraries, the policy pack) is mutated by exactly one area of
 * test/proofs/stryker/areas.ts, and every area's spec globs match spec files.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { minimatch } from "minimatch";
import { AREAS, mutatedBy, NOT_MUTATED, productSources } from "./stryker/areas";
import { ROOT } from "../root";

describe("mutation testing: the areas cover the whole product", () => {
  it("every product source is mutated by exactly one area, or is proven whole by the test NOT_MUTATED names", () => {
    const sources = productSources();
    assert.ok(sources.length > 100, `found only ${sources.length} sources`);
    const wrong = sources
      .map((f) => ({ f, areas: AREAS.filter((a) => mutatedBy(a.mutate, f)).map((a) => a.name) }))
      .filter((x) => x.areas.length !== (x.f in NOT_MUTATED ? 0 : 1))
      .map((x) => `${x.f}: ${x.areas.join(", ") || "no area"}`);
    assert.deepEqual(wrong, []);
    for (const [file, proof] of Object.entries(NOT_MUTATED)) {
      assert.ok(sources.includes(file), `${file} is not a product source`);
      assert.ok(fs.existsSync(path.join(ROOT, proof)), `${file}: its proof ${proof} does not exist`);
      // Generated data is compared byte for byte; an entry point is run as its compiled module is.
      const text = fs.readFileSync(path.join(ROOT, proof), "utf8");
      if (file.includes(".generated.")) assert.match(text, /byte for byte/, `${proof} compares the file`);
      else
        assert.ok(
          text.includes(`bin/${path.basename(file, ".ts")}.js`),
          `${proof} runs the compiled ${file}`,
        );
    }
  });

  it("each area's spec and ignore globs match spec files", () => {
    const specs = fs
      .readdirSync(path.join(ROOT, "test"), { recursive: true, encoding: "utf8" })
      .map((f) => `test/${f.split(path.sep).join("/")}`)
      .filter((f) => f.endsWith(".test.ts"));
    for (const area of AREAS) {
      for (const glob of [...area.spec, ...(area.ignore ?? [])]) {
        assert.ok(
          specs.some((f) => minimatch(f, glob)),
          `area ${area.name}: ${glob} matches no spec file`,
        );
      }
    }
  });
});
