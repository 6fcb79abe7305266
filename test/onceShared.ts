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
 * - A worker Stryker starts after a timeout runs no dry run, so a computation may first be asked for while a
 *   mutant is on; shared, that mutated result would fail every later mutant's tests at once (each "killed" in
 *   milliseconds). So the shared result is always computed with no mutant on.
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
    // The shared result is always the unmutated code's, whatever mutant is on when it is first asked for: a worker
    // Stryker starts after a timeout runs no dry run, so its first computation happens under a mutant.
    base ??= unmutated(stryker, () => computeTracked(stryker, compute));
    const b = await base;
    countAsCovered(stryker, b.hits);
    // No coverage recorded at all: which mutants the code holds is unknown, so every mutant gets its own result.
    const holds = Object.keys(b.hits).length === 0 || (mutant !== undefined && mutant in b.hits);
    if (mutant === undefined || !holds) return b.value;
    if (own?.mutant !== mutant) own = { mutant, value: compute() };
    return own.value;
  };
}

/** Runs `f` with no mutant switched on, then switches the active one back on. */
async function unmutated<T>(stryker: StrykerGlobal, f: () => Promise<T>): Promise<T> {
  const mutant = stryker.activeMutant;
  delete stryker.activeMutant;
  try {
    return await f();
  } finally {
    if (mutant !== undefined) stryker.activeMutant = mutant;
  }
}
