/**
 * Helpers of the app-field tests (`app-fields*.test.ts`): one field of staging's first app changed, and the
 * problems the config model reports at that field's key.
 */
import { strict as assert } from "node:assert";
import { type ConfigProblem, parseStackConfig, type RawStackConfig } from "../../src/config/model";
import { problems, rawOf, TODAY } from "./configFixtures";

export const DIGEST = `sha256:${"a".repeat(64)}`;
export const SHA = "0123456789abcdef0123456789abcdef01234567";

/** Sets `value` at `apps[0].<field>` of a raw config (`undefined` deletes it); parents are created. */
function setField(raw: RawStackConfig, field: string, value: unknown): void {
  const keys = field.split(".");
  let node = (raw.apps as Record<string, unknown>[])[0];
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
  if (value === undefined) delete node[keys[keys.length - 1]];
  else node[keys[keys.length - 1]] = value;
}

/** `a.0.b` as a problem's key writes it: `a[0].b`. */
const keyOf = (field: string) => field.replace(/\.(\d+)(?=\.|$)/g, "[$1]");

/** Every problem of staging when `apps[0].<field>` is `value`. */
const allProblems = (field: string, value: unknown) => problems((raw) => setField(raw, field, value));

/** The problems at `apps[0].<key>` (exactly that key) when `apps[0].<field>` is `value`. */
export function problemsAt(field: string, value: unknown, key = keyOf(field)): ConfigProblem[] {
  return allProblems(field, value).filter((p) => p.key === `cicd-constitution:apps[0].${key}`);
}

/** The problems at `apps[0].<field>` or anywhere inside it when it is `value`. */
export function problemsUnder(field: string, value: unknown): ConfigProblem[] {
  const key = `cicd-constitution:apps[0].${keyOf(field)}`;
  return allProblems(field, value).filter(
    (p) => p.key === key || (/^[.[]/.test(p.key.slice(key.length)) && p.key.startsWith(key)),
  );
}

/** The parsed app entry when `apps[0].<field>` is `value`. */
export function appWith(field: string, value: unknown): Record<string, any> {
  const raw = rawOf("staging");
  setField(raw, field, value);
  return parseStackConfig("staging", raw, { today: TODAY }).apps[0];
}

/** A field's cases: values accepted, values refused (with what the problem expects, at the field or `key`). */
export interface FieldCase {
  field: string;
  accepts: unknown[];
  refuses: Array<[value: unknown, expected: string | string[], key?: string]>;
}

/** `valid` accepted; junk before or after it refused with `expected` (a pattern's anchors). */
export function anchored(
  field: string,
  valid: string,
  expected: string,
  more: FieldCase["refuses"] = [],
): FieldCase {
  return { field, accepts: [valid], refuses: [[`!${valid}`, expected], [`${valid}!`, expected], ...more] };
}

/** Runs a table of field cases, one test each. */
export function fieldCases(cases: FieldCase[]): void {
  for (const c of cases) {
    it(`${c.field}: accepts ${c.accepts.length}, refuses ${c.refuses.length} with the expected wording`, () => {
      for (const v of c.accepts)
        assert.deepEqual(problemsUnder(c.field, v), [], `${c.field} = ${JSON.stringify(v)}`);
      for (const [v, expected, key] of c.refuses) {
        assert.deepEqual(
          problemsAt(c.field, v, key).map((p) => p.expected),
          typeof expected === "string" ? [expected] : expected,
          `${c.field} = ${JSON.stringify(v)}`,
        );
      }
    });
  }
}
