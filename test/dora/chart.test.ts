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

  it("places each bar by hand-checked geometry: 148 px for the busiest week, 48 px apart, labels under the axis", () => {
    const svg = deploymentsChart(
      [
        { start: "2026-11-01", changes: 4, failed: 1 },
        { start: "2026-11-08", changes: 2, failed: 0 },
      ],
      `Tom & "Jerry's" <x>`,
    );
    const title = "Tom &amp; &quot;Jerry&apos;s&quot; &lt;x&gt;";
    assert.equal(
      svg,
      [
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="220" viewBox="0 0 320 220" font-family="sans-serif">',
        `<title>${title}</title>`,
        `<text x="32" y="18" font-size="13">${title}</text>`,
        '<line x1="28" y1="180" x2="312" y2="180" stroke="#57606a"/>',
        '<rect class="ok" x="32" y="69" width="32" height="111" fill="#2da44e"><title>2026-11-01: 3 change(s) that held</title></rect>',
        '<rect class="failed" x="32" y="32" width="32" height="37" fill="#cf222e"><title>2026-11-01: 1 failed change(s)</title></rect>',
        '<text x="48" y="28" text-anchor="middle" font-size="11">4</text>',
        '<text x="48" y="194" text-anchor="middle" font-size="10">11-01</text>',
        '<rect class="ok" x="80" y="106" width="32" height="74" fill="#2da44e"><title>2026-11-08: 2 change(s) that held</title></rect>',
        '<rect class="failed" x="80" y="106" width="32" height="0" fill="#cf222e"><title>2026-11-08: 0 failed change(s)</title></rect>',
        '<text x="96" y="102" text-anchor="middle" font-size="11">2</text>',
        '<text x="96" y="194" text-anchor="middle" font-size="10">11-08</text>',
        '<text x="32" y="212" font-size="10" fill="#57606a">week starting (MM-DD); red: failed changes</text>',
        "</svg>",
        "",
      ].join("\n"),
    );
  });

  it("widens past 320 px from the sixth week: 40 px and 48 px a week", () => {
    const weeks = Array.from({ length: 7 }, (_, i) => ({
      start: `2026-11-0${i + 1}`,
      changes: 0,
      failed: 0,
    }));
    assert.match(deploymentsChart(weeks, "t"), /^<svg [^>]*width="376" height="220" viewBox="0 0 376 220"/);
    assert.match(deploymentsChart(weeks.slice(0, 6), "t"), /^<svg [^>]*width="328"/);
    assert.match(deploymentsChart(weeks.slice(0, 5), "t"), /^<svg [^>]*width="320"/);
  });
});
