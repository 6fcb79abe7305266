/**
 * test/onceShared.ts: a result shared between tests stays right under mutation testing. The instrumenter is
 * played by `cover`, which records a hit as Stryker's does (under the current test, or as static coverage).
 */
import * as assert from "node:assert/strict";
import { onceShared } from "../onceShared";

interface FakeStryker {
  activeMutant?: string;
  currentTestId?: string;
  mutantCoverage?: { static: Record<string, number>; perTest: Record<string, Record<string, number>> };
}
const g = globalThis as { __stryker__?: FakeStryker };

/** What instrumented code does when it runs the code of mutants `ids`. */
function cover(...ids: string[]): void {
  const s = g.__stryker__!;
  const cov = (s.mutantCoverage ??= { static: {}, perTest: {} });
  const into = s.currentTestId ? (cov.perTest[s.currentTestId] ??= {}) : cov.static;
  for (const id of ids) into[id] = (into[id] ?? 0) + 1;
}

/** A computation over the code of mutants 1 and 2 whose result names the mutant that was on. */
function counted() {
  let calls = 0;
  const compute = async () => {
    calls++;
    if (g.__stryker__) cover("1", "2");
    return `computed with ${g.__stryker__?.activeMutant ?? "no mutant"}`;
  };
  return { shared: onceShared(compute), calls: () => calls };
}

describe("proofs: a shared result under mutation testing (test/onceShared.ts)", () => {
  afterEach(() => delete g.__stryker__);

  it("outside mutation testing: computed once, the same value after", async () => {
    const c = counted();
    assert.equal(await c.shared(), "computed with no mutant");
    assert.equal(await c.shared(), "computed with no mutant");
    assert.equal(c.calls(), 1);
  });

  it("while coverage is measured: every reader covers the code the computation ran, once computed", async () => {
    g.__stryker__ = { currentTestId: "first test" };
    const c = counted();
    await c.shared();
    g.__stryker__.currentTestId = "second test";
    await c.shared();
    assert.equal(c.calls(), 1);
    assert.deepEqual(g.__stryker__.mutantCoverage!.perTest, {
      "first test": { 1: 1, 2: 1 },
      "second test": { 1: 1, 2: 1 },
    });
  });

  it("a mutant in the computation's code gets its own result; another mutant the shared one", async () => {
    g.__stryker__ = { currentTestId: "a test" };
    const c = counted();
    await c.shared();
    g.__stryker__.activeMutant = "2";
    assert.equal(await c.shared(), "computed with 2");
    assert.equal(await c.shared(), "computed with 2");
    g.__stryker__.activeMutant = "7";
    assert.equal(await c.shared(), "computed with no mutant");
    assert.equal(c.calls(), 2);
  });

  it("first asked for under a mutant (a worker started after a timeout): the shared result is the unmutated one", async () => {
    g.__stryker__ = { activeMutant: "1" };
    const c = counted();
    assert.equal(await c.shared(), "computed with 1");
    assert.equal(g.__stryker__.activeMutant, "1", "the mutant is on again after the shared computation");
    g.__stryker__.activeMutant = "9";
    assert.equal(await c.shared(), "computed with no mutant");
    g.__stryker__.activeMutant = "8";
    assert.equal(await c.shared(), "computed with no mutant");
    assert.equal(c.calls(), 2, "the unmutated result and mutant 1's own");
  });

  it("without any coverage recorded, every mutant gets its own result", async () => {
    g.__stryker__ = { activeMutant: "5" };
    let calls = 0;
    const shared = onceShared(async () => {
      calls++;
      return `computed with ${g.__stryker__?.activeMutant ?? "no mutant"}`;
    });
    assert.equal(await shared(), "computed with 5");
    g.__stryker__.activeMutant = "6";
    assert.equal(await shared(), "computed with 6");
    delete g.__stryker__.activeMutant;
    assert.equal(await shared(), "computed with no mutant");
    assert.equal(calls, 3);
  });
});
