/**
 * The "did you mean" of an unknown config key (`src/config/knownKeys.ts`) at its limits: at most a third of the
 * key's length in edits (at least 1, at most 3), and the known keys read from the schema's shapes; and a moved app
 * key named with what replaces it (`src/config/errors.ts`), only where an app entry holds it.
 */
import { strict as assert } from "node:assert";
import { z } from "zod";
import { didYouMean, knownKeysOf, shapePathOf } from "../../src/config/knownKeys";
import { issueProblems } from "../../src/config/errors";

describe("unknown keys: how close a guess must be (knownKeys.ts)", () => {
  it("a short key gets one edit, a longer one a third of its length, never more than 3", () => {
    assert.equal(didYouMean("prt", ["port"]), "port", "3 characters: 1 edit");
    assert.equal(didYouMean("pr", ["port"]), undefined, "2 characters: 2 edits are too many");
    assert.equal(didYouMean("potr", ["port"]), undefined, "4 characters: a swap is 2 edits, over 1");
    assert.equal(didYouMean("dsiredCunt", ["desiredCount"]), "desiredCount", "10 characters: 2 edits of 3");
    assert.equal(didYouMean("dsredCnt", ["desiredCount"]), undefined, "8 characters: 4 edits of 2");
    assert.equal(
      didYouMean("healthCheckGraceSecnds", ["healthCheckGracePeriodSeconds"]),
      undefined,
      "7 edits",
    );
    assert.equal(
      didYouMean("healthCheckGracePeriodSecnd", ["healthCheckGracePeriodSeconds"]),
      "healthCheckGracePeriodSeconds",
    );
    assert.equal(
      didYouMean("healthCheckGracePerodScnd", ["healthCheckGracePeriodSeconds"]),
      undefined,
      "4 edits: over 3",
    );
    assert.equal(didYouMean("port", []), undefined);
    assert.equal(didYouMean("cpuu", ["cpu", "port"]), "cpu", "the closest of several");
  });

  it("the known keys are read from objects only, through arrays, optionals and defaults", () => {
    const schema = z.object({
      a: z.array(z.object({ b: z.string(), c: z.object({ d: z.number() }).optional() })),
      e: z.string().default("x"),
      f: z.record(z.string(), z.string()),
    });
    assert.deepEqual(
      [...knownKeysOf(schema)].map(([k, v]) => [k, [...v]]),
      [
        ["", ["a", "e", "f"]],
        ["a[]", ["b", "c"]],
        ["a[].c", ["d"]],
      ],
    );
    assert.equal(shapePathOf(["apps", 0, "runtime", "health"]), "apps[].runtime.health");
  });

  it("a moved key is named with its replacement inside an app entry only", () => {
    const unknownAt = (path: PropertyKey[], key: string) =>
      issueProblems(
        [{ code: "unrecognized_keys", keys: [key], path, message: "" } as z.core.$ZodIssue],
        {},
        () => false,
      )[0].expected;
    assert.match(unknownAt(["apps", 0, "runtime"], "environment"), /^runtime\.environmentVariables instead/);
    assert.equal(
      unknownAt(["other", 0, "runtime"], "environment"),
      "no unknown key (known keys are documented in Pulumi.yaml)",
    );
    assert.equal(
      unknownAt(["apps", "x", "runtime"], "environment"),
      "no unknown key (known keys are documented in Pulumi.yaml)",
    );
  });

  it("a problem's value is looked up along its path; through a non-object it is missing", () => {
    const found = (path: PropertyKey[], raw: unknown) =>
      issueProblems(
        [{ code: "custom", path, message: "m", input: undefined } as z.core.$ZodIssue],
        raw,
        () => false,
      )[0].found;
    assert.equal(found(["a", "b"], { a: { b: 5 } }), "5");
    assert.equal(found(["a", "b"], { a: null }), "(missing)");
    assert.equal(found(["a", "b"], { a: "text" }), "(missing)");
    assert.equal(found(["a", "length"], { a: "text" }), "(missing)");
  });
});
