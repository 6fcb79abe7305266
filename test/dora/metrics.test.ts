/** The DORA metrics of a hand-checked history (test/dora/history.ts), and the bands' edges. */
import { strict as assert } from "node:assert";
import { doraMetrics, failedChanges, median } from "../../src/dora/metrics";
import { HISTORY } from "./history";

describe("DORA metrics", () => {
  it("computes the four metrics of a recorded history as checked by hand", () => {
    const m = doraMetrics(HISTORY, 14);
    assert.equal(m.deployments, 5);
    assert.equal(m.successful, 4);
    assert.equal(m.deploymentsPerWeek, 2);
    assert.equal(m.leadTimeHours, 17);
    assert.equal(m.changeFailurePercent, 40);
    assert.equal(m.failedChanges, 2);
    assert.equal(m.timeToRestoreHours, 4);
    assert.deepEqual(m.bands, {
      deploymentFrequency: "high",
      leadTime: "elite",
      changeFailureRate: "low",
      timeToRestore: "high",
    });
  });

  it("counts a change rolled back to an earlier digest as failed, and a re-deploy of the same digest not", () => {
    assert.deepEqual(
      failedChanges(HISTORY).map((d) => d.id),
      [2, 4],
    );
    const redeploy = [HISTORY[0], { ...HISTORY[0], id: 9, statusAt: "2026-11-02T00:00:00Z" }];
    assert.deepEqual(failedChanges(redeploy), []);
  });

  it("judges each app's sequence on its own: another app's digest is no rollback", () => {
    const other = HISTORY.map((d) => ({ ...d, app: "menu-optimizer", id: d.id + 100 }));
    const m = doraMetrics([...HISTORY, ...other], 14);
    assert.equal(m.failedChanges, 4);
    assert.equal(m.deploymentsPerWeek, 4);
  });

  it("has no lead time, failure rate or restore time without evidence, and a low frequency", () => {
    const m = doraMetrics([], 30);
    assert.deepEqual(
      [m.leadTimeHours, m.changeFailurePercent, m.timeToRestoreHours, m.bands.deploymentFrequency],
      [undefined, undefined, undefined, "low"],
    );
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([]), undefined);
  });

  it("counts a re-run of the same digest as no deployment, a pending one in no rate, and once a day as high", () => {
    const rerun = { ...HISTORY[4], id: 6, statusAt: "2026-11-06T12:00:00Z" };
    const pending = {
      ...HISTORY[4],
      id: 7,
      digest: `sha256:${"9".repeat(64)}`,
      state: undefined,
      statusAt: undefined,
    };
    const m = doraMetrics([...HISTORY, rerun, pending], 14);
    assert.equal(m.successful, 4, "the re-run is not a deployment");
    assert.equal(m.changeFailurePercent, 40, "the pending deployment is in no rate");
    const daily = Array.from({ length: 7 }, (_, i) => ({
      ...HISTORY[0],
      id: 100 + i,
      digest: `sha256:${String(i).repeat(64)}`,
    }));
    assert.equal(doraMetrics(daily, 7).bands.deploymentFrequency, "high", "elite is several a day");
  });
});
