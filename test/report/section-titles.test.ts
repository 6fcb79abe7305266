/**
 * The reports group results under the catalogue's sections (`SECTION_TITLES`, `SECTION_ORDER` in
 * src/report/types.ts): each title is its section's heading in shared/policy-catalogue.md, without the sources in
 * parentheses, in the catalogue's order.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { SECTION_ORDER, SECTION_TITLES } from "../../src/report/types";
import { requireShared, SHARED } from "../helpers";

describe("report section titles", () => {
  it("are the catalogue's section headings, in its order", function () {
    requireShared(this, path.join(SHARED, "policy-catalogue.md"));
    const headings = fs
      .readFileSync(path.join(SHARED, "policy-catalogue.md"), "utf8")
      .split("\n")
      .filter((l) => /^## [A-Z]+: /.test(l))
      .map((l) => l.slice(3).replace(/ \(.*\)$/, ""));
    assert.deepEqual(
      SECTION_ORDER.map((s) => SECTION_TITLES[s]),
      headings,
    );
    assert.deepEqual(Object.keys(SECTION_TITLES), SECTION_ORDER);
  });
});
