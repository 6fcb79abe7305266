/** The problems of the ConfigError a call throws: the helper of the tests that read what a refusal says. */
import { strict as assert } from "node:assert";
import { ConfigError, type ConfigProblem } from "../src/config/model";

/**
 * The problems of the ConfigError `fn` throws; with `stack`, also checks the error names that stack.
 *
 * @throws AssertionError when `fn` returns, or throws anything else.
 */
export function configProblems(fn: () => unknown, stack?: string): ConfigProblem[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    if (stack !== undefined) assert.equal(e.stackName, stack);
    return e.problems;
  }
  assert.fail("no ConfigError");
}
