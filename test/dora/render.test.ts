/**
 * `cicd dora`'s report as printed (src/dora/command.ts `renderDora`), on a hand-built report: the Markdown table
 * (one row per app, then all apps; a metric without data shown as `-`, its band omitted), the chart link, the
 * terminal table, and JSON as the report itself.
 */
import * as assert from "node:assert/strict";
import { renderDora, type DoraReport } from "../../src/dora/command";
import type { DoraMetrics } from "../../src/dora/metrics";

const BUSY: DoraMetrics = {
  deployments: 5,
  successful: 3,
  deploymentsPerWeek: 2,
  leadTimeHours: 17,
  changeFailurePercent: 40,
  failedChanges: 2,
  timeToRestoreHours: 4,
  bands: { deploymentFrequency: "high", leadTime: "elite", changeFailureRate: "low", timeToRestore: "high" },
};
const IDLE: DoraMetrics = {
  deployments: 0,
  successful: 0,
  deploymentsPerWeek: 0,
  failedChanges: 0,
  bands: { deploymentFrequency: "low" },
};
const REPORT: DoraReport = {
  stack: "production",
  environment: "production",
  since: "2026-11-01T00:00:00.000Z",
  until: "2026-11-15T00:00:00.000Z",
  overall: BUSY,
  apps: { erp: BUSY, menu: IDLE },
  weeks: [],
};

describe("cicd dora: the report as printed", () => {
  it("markdown: the title, one row per app then all apps, '-' where a metric has no data, the bands' source", () => {
    assert.equal(
      renderDora(REPORT, "markdown"),
      [
        "### DORA metrics of production (production), 2026-11-01 to 2026-11-15",
        "",
        "| scope | deployment frequency | lead time (median) | change failure rate | time to restore (median) |",
        "| --- | --- | --- | --- | --- |",
        "| erp | 2.00/week (high) | 17.0 h (elite) | 40.0 % (low) 2/5 | 4.0 h (high) |",
        "| menu | 0.00/week (low) | - | - 0/0 | - |",
        "| all apps | 2.00/week (high) | 17.0 h (elite) | 40.0 % (low) 2/5 | 4.0 h (high) |",
        "",
        "Bands: 2023 Accelerate State of DevOps report clusters (elite, high, medium, low).",
      ].join("\n"),
    );
  });

  it("markdown links the chart, its path URI-encoded", () => {
    assert.ok(
      renderDora(REPORT, "markdown", "dora chart.svg").endsWith(
        "\n\n![Changes deployed per week, failed ones in red](dora%20chart.svg)",
      ),
    );
  });

  it("table: the title, then one boxed row per scope", () => {
    const table = renderDora(REPORT, "table");
    assert.ok(table.startsWith("DORA metrics of production (production), 2026-11-01 to 2026-11-15\n"));
    assert.match(table, /│ menu +│ 0\.00\/week \(low\) +│ - +│ - 0\/0 +│ - +│/);
  });

  it("json: the report itself", () => {
    assert.deepEqual(JSON.parse(renderDora(REPORT, "json")), REPORT);
  });
});
