/**
 * The deployment-frequency chart of `cicd dora --chart` (src/dora/chart.ts) on the hand-checked history of
 * test/dora/history.ts: week one (11-01 to 11-07) deployed 5 changes, 2 of them failed (B rolled back, C's verify
 * failed); week two none. The SVG parses as XML, has one bar pair per week with heights in proportion, and the
 * Markdown links it.
 */
import { strict as assert } from "node:assert";
import { XMLParser } from "fast-xml-parser";
import { deploymentsChart, weeklyChanges } from "../../src/dora/chart";
import { HISTORY, WINDOW } from "./history";

const since = new Date(`${WINDOW.since}T00:00:00Z`);
const until = new Date(`${WINDOW.until}T00:00:00Z`);

describe("cicd dora --chart", () => {
  it("counts changes and failed changes per week, as checked by hand", () => {
    assert.deepEqual(weeklyChanges(HISTORY, since, until), [
      { start: "2026-11-01", changes: 5, failed: 2 },
      { start: "2026-11-08", changes: 0, failed: 0 },
    ]);
  });

  it("draws one bar pair per week, heights in proportion to the changes, failures stacked on top", () => {
    const svg = deploymentsChart(weeklyChanges(HISTORY, since, until), "Changes <per> week");
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(svg) as {
      svg: { title: string; rect: Array<{ class: string; y: string; height: string }> };
    };
    assert.equal(doc.svg.title, "Changes <per> week", "the title is escaped, and reads back whole");
    const rects = doc.svg.rect;
    assert.deepEqual(
      rects.map((r) => r.class),
      ["ok", "failed", "ok", "failed"],
    );
    const [ok, failed, emptyOk, emptyFailed] = rects.map((r) => Number(r.height));
    assert.ok(Math.abs(ok / failed - 3 / 2) < 1e-9, `${ok} / ${failed}`);
    assert.deepEqual([emptyOk, emptyFailed], [0, 0]);
    assert.equal(Number(rects[1].y) + failed, Number(rects[0].y), "the failed bar sits on the other");
  });
});
