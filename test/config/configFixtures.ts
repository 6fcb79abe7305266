/**
 * Fixtures of the config tests: the repository's stack files as raw config, changed one key at a time, and the
 * problems (key, expected, found) parsing reports for them against a fixed "today".
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import {
  ConfigError,
  ConfigProblem,
  parseStackConfig,
  RawStackConfig,
  StackModel,
} from "../../src/config/model";
import { PROVIDER_CONFIG_KEYS } from "../../src/config/errors";
import { readStackFile } from "../../src/config/sources";
import { ROOT } from "../helpers";

/** "Today" of the date checks: flags' removal dates, overrides' expiry. */
export const TODAY = new Date("2026-11-21T12:00:00Z");

/** The raw config of a repository stack file (`staging` or `production`), deep-copied so a test can break it. */
export function rawOf(stack: string): RawStackConfig {
  return structuredClone(readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`)).raw);
}

/** The problems of a changed staging (or production) config; [] when it parses. */
export function problems(
  change: (raw: any) => void,
  stack = "staging",
  secretKeys?: Set<string>,
): ConfigProblem[] {
  const raw = rawOf(stack);
  change(raw);
  try {
    parseStackConfig(stack, raw, { today: TODAY, secretKeys });
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
}

/** The one problem at `key`: a project key without its `cicd-constitution:` namespace, or a provider's (`aws:region`). */
export const one = (key: string, expected: string, found: string): ConfigProblem[] => [
  {
    key: Object.hasOwn(PROVIDER_CONFIG_KEYS, key.split("[")[0]) ? key : `cicd-constitution:${key}`,
    expected,
    found,
  },
];

/** The model of a changed staging (or production) config; throws its ConfigError when it does not parse. */
export const parsed = (change: (raw: any) => void, stack = "staging"): StackModel => {
  const raw = rawOf(stack);
  change(raw);
  return parseStackConfig(stack, raw, { today: TODAY });
};
