/**
 * GitHub deployments as the gates read them (src/deploy/deployments.ts): a payload given as an object or a JSON
 * string, and the latest status of a deployment (the highest id, whatever the page order), among a set of
 * creators when given.
 */
import * as assert from "node:assert/strict";
import { latestStatus, payloadOf, type DeploymentStatus } from "../../src/deploy/deployments";

const status = (id: number, login?: string | null): DeploymentStatus => ({
  id,
  state: "success",
  created_at: "2026-12-01T00:00:00Z",
  creator: login === null ? null : login === undefined ? undefined : { login },
});

describe("deploy: GitHub deployments", () => {
  it("payloadOf: an object as is, a JSON string parsed, anything else empty", () => {
    assert.deepEqual(payloadOf({ digest: "sha256:a" }), { digest: "sha256:a" });
    assert.deepEqual(payloadOf('{"digest":"sha256:a"}'), { digest: "sha256:a" });
    for (const p of ["not json", null, undefined, 7, true, ""]) assert.deepEqual(payloadOf(p), {}, String(p));
  });

  it("latestStatus: the highest id whatever the order, among the given creators when named", () => {
    const statuses = [status(5, "ci"), status(9, "someone"), status(7, "ci"), status(8, null), status(6)];
    assert.equal(latestStatus(statuses)?.id, 9);
    assert.equal(latestStatus([...statuses].reverse())?.id, 9);
    assert.equal(latestStatus(statuses, ["ci"])?.id, 7);
    assert.equal(latestStatus(statuses, ["ci", "someone"])?.id, 9);
    assert.equal(latestStatus(statuses, ["nobody"]), undefined);
    assert.equal(latestStatus([]), undefined);
  });
});
