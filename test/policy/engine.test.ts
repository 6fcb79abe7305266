/**
 * "Not applicable" under the engine is answered without capturing a stack trace (policy-pack/lib/engine.ts), and
 * the process's limit is given back.
 */
import { strict as assert } from "node:assert";
import { withoutStackTrace } from "../../policy-pack/lib/engine";

describe("policy pack: not applicable without a stack trace", () => {
  it("the error thrown inside carries no frames, and the limit is given back as it leaves", () => {
    const limit = Error.stackTraceLimit;
    let thrown: unknown;
    try {
      withoutStackTrace(() => {
        throw new Error("not applicable");
      });
    } catch (e) {
      thrown = e;
    }
    assert.equal((thrown as Error).stack, "Error: not applicable");
    assert.equal(Error.stackTraceLimit, limit);
    assert.ok(limit > 0 && new Error("x").stack!.split("\n").length > 1, "outside, errors have frames");
  });
});
