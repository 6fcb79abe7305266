/**
 * Results the suite computes once and shares between tests (the repository's previews, their audits), kept
 * right under mutation testing.
 *
 * In a test run the code does not change, so each is computed once. Under mutation testing (`npm run mutation`,
 * test/proofs/stryker/mocha-runner.mjs) the code is instrumented, and two things would go wrong with a plain
 * cache:
 * - Stryker switches a mutant on through `globalThis.__stryker__.activeMutant`. A result computed before the
 *   switch, by code the mutant changes, would hide it. So the computation remembers which mutants its code
 *   holds (the instrumenter's coverage recorded while it ran), and a mutant among them gets its own result.
 * - While Stryker measures which test covers which code (its dry run), the code a computation runs would count
 *   as covered by the first reader only, and a mutant there would run one test. So each later reader is also
 *   counted as covering it.
 */

/** What Stryker's instrumenter keeps in `globalThis.__stryker__`. */
interface StrykerGlobal {
  activeMutant?: string;
  currentTestId?: string;
  mutantCoverage?: { static: Coverage; perTest: Record<string, Coverage> };
}
/** Hits per mutant id. */
type Coverage = Record<string, number>;

function strykerGlobal(): StrykerGlobal | undefined {
  return (globalThis as { __stryker__?: StrykerGlobal }).__stryker__;
}

/** Adds `hits` to the coverage of whatever runs now (the current test, or module-level code). */
function countAsCovered(stryker: StrykerGlobal, hits: Coverage): void {
  const cov = (stryker.mutantCoverage ??= { static: {}, perTest: {} });
  const into = stryker.currentTestId ? (cov.perTest[stryker.currentTestId] ??= {}) : cov.static;
  for (const [id, n] of Object.entries(hits)) into[id] = (into[id] ?? 0) + n;
}

let computations = 0;

/**
 * Runs `compute` with its coverage recorded apart (under a mark of its own as the current test), then restores
 * the reader; returns the value and the mutants its code covered.
 */
async function computeTracked<T>(stryker: StrykerGlobal, compute: () => Promise<T>) {
  const mark = `\u0000computation:${++computations}`;
  const reader = stryker.currentTestId;
  stryker.currentTestId = mark;
  try {
    return { value: await compute(), hits: stryker.mutantCoverage?.perTest[mark] ?? {} };
  } finally {
    delete stryker.mutantCoverage?.perTest[mark];
    stryker.currentTestId = reader;
  }
}

/**
 * `compute`, computed once and shared (see the module's comment): the returned function calls it on its first
 * call and returns the same promise after; under mutation testing, a mutant in the code it ran gets a result of
 * its own.
 */
export function onceShared<T>(compute: () => Promise<T>): () => Promise<T> {
  let base: Promise<{ value: T; hits: Coverage }> | undefined;
  let own: { mutant: string; value: Promise<T> } | undefined;
  return async () => {
    const stryker = strykerGlobal();
    if (!stryker) return (await (base ??= compute().then((value) => ({ value, hits: {} })))).value;
    const mutant = stryker.activeMutant;
    if (!base) {
      const computing = (base = computeTracked(stryker, compute));
      const b = await computing;
      countAsCovered(stryker, b.hits);
      // Computed with a mutant on that its code holds: that mutant's result, not the shared one.
      if (mutant !== undefined && mutant in b.hits) {
        base = undefined;
        own = { mutant, value: Promise.resolve(b.value) };
      }
      return b.value;
    }
    const b = await base;
    countAsCovered(stryker, b.hits);
    if (mutant === undefined || !(mutant in b.hits)) return b.value;
    if (own?.mutant !== mutant) own = { mutant, value: compute() };
    return own.value;
  };
}
