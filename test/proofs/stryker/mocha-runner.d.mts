/** Types of the exports of ./mocha-runner.mjs that the tests call (test/proofs/stryker-runner.test.ts). */

/** For each source file under `root` (absolute paths), the files that import it. */
export function importersOf(root: string): Map<string, Set<string>>;

/** Each file's distance to `target` along the reverse import graph (0 for `target`). */
export function distancesTo(importers: Map<string, Set<string>>, target: string): Map<string, number>;

/** The order a static mutant runs the spec files in: earlier killers, then nearest, then quickest. */
export function staticOrder(
  files: string[],
  kills: Map<string, number>,
  dist: Map<string, number>,
  spent: Map<string, number>,
): string[];

/** The Stryker plugin declarations (the `mocha-inproc` test runner). */
export const strykerPlugins: unknown[];
