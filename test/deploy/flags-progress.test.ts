/**
 * How `cicd flags wait` reports a flag deployment still in progress (src/deploy/flags.ts): its estimated end
 * (start + deployment duration + final bake, in minutes) and the "retry after" time, never before now.
 */
import * as assert from "node:assert/strict";
import { estimatedEnd, progressOf } from "../../src/deploy/flags";

const STARTED = new Date("2026-12-06T10:00:00Z");

describe("cicd flags: a deployment's progress", () => {
  it("estimatedEnd: start + deployment duration + final bake; none before it started", () => {
    assert.equal(
      estimatedEnd({
        StartedAt: STARTED,
        DeploymentDurationInMinutes: 10,
        FinalBakeTimeInMinutes: 5,
      })?.toISOString(),
      "2026-12-06T10:15:00.000Z",
    );
    assert.equal(
      estimatedEnd({ StartedAt: STARTED, FinalBakeTimeInMinutes: 5 })?.toISOString(),
      "2026-12-06T10:05:00.000Z",
    );
    assert.equal(
      estimatedEnd({ StartedAt: STARTED, DeploymentDurationInMinutes: 3 })?.toISOString(),
      "2026-12-06T10:03:00.000Z",
    );
    assert.equal(estimatedEnd({ DeploymentDurationInMinutes: 10 }), undefined);
  });

  it("progressOf: number, state and percentage, retry after the estimated end, or now once it has passed", () => {
    const d = {
      DeploymentNumber: 7,
      State: "BAKING" as const,
      PercentageComplete: 100,
      StartedAt: STARTED,
      DeploymentDurationInMinutes: 10,
      FinalBakeTimeInMinutes: 5,
    };
    const before = new Date("2026-12-06T10:01:00Z");
    assert.equal(
      progressOf(d, before),
      "deployment 7 BAKING, 100% complete, retry after 2026-12-06T10:15:00.000Z",
    );
    const atEnd = new Date("2026-12-06T10:15:00Z");
    assert.equal(
      progressOf(d, atEnd),
      "deployment 7 BAKING, 100% complete, retry after 2026-12-06T10:15:00.000Z",
    );
    const later = new Date("2026-12-06T11:00:00Z");
    assert.equal(
      progressOf(d, later),
      "deployment 7 BAKING, 100% complete, retry after 2026-12-06T11:00:00.000Z",
    );
    assert.equal(
      progressOf({ DeploymentNumber: 2, State: "DEPLOYING" }, later),
      "deployment 2 DEPLOYING, 0% complete, retry after 2026-12-06T11:00:00.000Z",
    );
  });
});
