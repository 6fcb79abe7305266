/**
 * A digest stands verified in staging only while its latest verify succeeded (`verifiedInStaging`,
 * `verifiedSince` in src/deploy/releaseGates.ts): a failed re-verify takes an earlier success back, so neither
 * the soak nor the rollback-target gate counts it; a success after the failure verifies it anew, from then.
 */
import { strict as assert } from "node:assert";
import { verifiedInStaging, verifiedSince } from "../../src/deploy/releaseGates";
import { FakeDeployment, fakeGithub, FakeStatus } from "./fakeClients";

const VERIFIER = "staging-deployer";
const DIGEST = `sha256:${"a".repeat(64)}`;
const PREVIOUS = `sha256:${"b".repeat(64)}`;
const T = { githubOwner: "acme", repository: "shop-app" };
const dep = (id: number, digest: string): FakeDeployment => ({
  id,
  payload: { digest },
  creator: { login: VERIFIER },
});
const ok = (at: string, creator: string = VERIFIER, state = "success"): FakeStatus => ({
  state,
  created_at: at,
  creator: { login: creator },
});

describe("verified in staging: the latest verify decides", () => {
  it("a later failed verify takes an earlier success back; a success after it verifies anew, from then", async () => {
    const { github } = fakeGithub({
      deployments: [dep(1, DIGEST), dep(2, DIGEST), dep(3, PREVIOUS), dep(4, PREVIOUS)],
      statuses: {
        1: [ok("2026-12-01T08:00:00Z")],
        2: [ok("2026-12-01T09:00:00Z", VERIFIER, "failure")],
        3: [ok("2026-12-01T08:00:00Z"), ok("2026-12-01T08:30:00Z", VERIFIER, "error")],
        4: [ok("2026-12-01T10:00:00Z", VERIFIER, "inactive"), ok("2026-12-01T09:00:00Z")],
      },
    });
    const verified = await verifiedInStaging(github, T, [VERIFIER]);
    assert.equal(verified.has(DIGEST), false, "its latest verify failed");
    assert.deepEqual(
      verified.get(PREVIOUS),
      new Date("2026-12-01T09:00:00Z"),
      "verified again after the error",
    );
  });

  it("verifiedSince: the first success after the last failure; a tie counts the failure last", () => {
    const v = (at: string, ok: boolean) => ({ at: new Date(at), ok });
    assert.equal(verifiedSince([]), undefined);
    assert.deepEqual(
      verifiedSince([v("2026-12-01T10:00:00Z", true), v("2026-12-01T08:00:00Z", true)]),
      new Date("2026-12-01T08:00:00Z"),
    );
    assert.equal(
      verifiedSince([v("2026-12-01T08:00:00Z", true), v("2026-12-01T09:00:00Z", false)]),
      undefined,
    );
    assert.deepEqual(
      verifiedSince([
        v("2026-12-01T11:00:00Z", true),
        v("2026-12-01T08:00:00Z", true),
        v("2026-12-01T09:00:00Z", false),
        v("2026-12-01T10:00:00Z", true),
      ]),
      new Date("2026-12-01T10:00:00Z"),
    );
    assert.equal(
      verifiedSince([v("2026-12-01T09:00:00Z", false), v("2026-12-01T09:00:00Z", true)]),
      undefined,
    );
    assert.equal(
      verifiedSince([v("2026-12-01T09:00:00Z", true), v("2026-12-01T09:00:00Z", false)]),
      undefined,
    );
  });
});
