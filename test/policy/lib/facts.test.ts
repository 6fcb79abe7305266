/**
 * The facts the pack shares with the program and the CLI (policy-pack/lib/facts.ts) that compute: the digest an
 * image reference pins, an image's repository, and whether an environment's reviewers can approve a run despite
 * GitHub's prevention of self-review.
 */
import * as assert from "node:assert/strict";
import {
  approvableDespiteSelfReview,
  DIGEST_PATTERN,
  digestOfRef,
  imageRepository,
  IMAGE_REPOSITORY_PATTERN,
} from "../../../policy-pack/lib/facts";

const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("pack facts", () => {
  it("digestOfRef: the digest an image reference pins, none for a tag, a short digest or a non-string", () => {
    assert.equal(digestOfRef(`ghcr.io/acme/erp@${DIGEST}`), DIGEST);
    assert.equal(digestOfRef(`localhost:5000/acme/erp:1.2@${DIGEST}`), DIGEST);
    for (const ref of [
      `ghcr.io/acme/erp:${DIGEST}`,
      "ghcr.io/acme/erp@sha256:abc",
      `@${DIGEST}`,
      42,
      undefined,
    ])
      assert.equal(digestOfRef(ref), undefined, String(ref));
    assert.ok(DIGEST_PATTERN.test(DIGEST) && !DIGEST_PATTERN.test(DIGEST.toUpperCase()));
  });

  it("imageRepository: the reference without its tag and digest, a registry port kept", () => {
    for (const [ref, repository] of [
      ["ghcr.io/acme/erp", "ghcr.io/acme/erp"],
      ["ghcr.io/acme/erp:1.2.3", "ghcr.io/acme/erp"],
      [`ghcr.io/acme/erp@${DIGEST}`, "ghcr.io/acme/erp"],
      [`ghcr.io/acme/erp:1.2.3@${DIGEST}`, "ghcr.io/acme/erp"],
      ["localhost:5000/acme/erp", "localhost:5000/acme/erp"],
      ["localhost:5000/acme/erp:edge", "localhost:5000/acme/erp"],
    ])
      assert.equal(imageRepository(ref), repository, ref);
    const pattern = new RegExp(IMAGE_REPOSITORY_PATTERN);
    assert.ok(
      pattern.test("localhost:5000/acme/erp") &&
        !pattern.test("ghcr.io/acme") &&
        !pattern.test("ghcr.io/acme/erp:1"),
    );
  });

  it("approvableDespiteSelfReview: two users or a team leave someone else to approve", () => {
    assert.deepEqual(
      [
        [0, 0],
        [1, 0],
        [2, 0],
        [0, 1],
        [1, 1],
      ].map(([u, t]) => approvableDespiteSelfReview(u, t)),
      [false, false, true, true, true],
    );
  });
});
