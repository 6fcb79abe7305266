/**
 * Small hand-built plans and changes for the unit tests of the infra diff (test/diff/diff-units.test.ts,
 * test/diff/diff-masking.test.ts, render-units, command-units): one resource per plan, and the property changes
 * between two of its states.
 */
import * as assert from "node:assert/strict";
import { DiffInputError } from "../../src/diff/command";
import { diffPlans, type PropertyChange } from "../../src/diff/diff";
import type { Plan, PlanResource } from "../../src/plan/types";

/** A resource `name` of `type` (URN from both), `fields` set on it. */
export function resource(name: string, type = "t:x", fields: Partial<PlanResource> = {}): PlanResource {
  return { urn: `urn:pulumi:s::p::${type}::${name}`, type, name, parent: null, inputs: {}, ...fields };
}

/** A plan of stack `stack` of project `p` holding `resources`, `fields` set on it. */
export function plan(resources: PlanResource[], fields: Partial<Plan> = {}): Plan {
  return {
    schemaVersion: 1,
    project: "p",
    stack: "staging",
    mode: "offline",
    resources,
    outputs: {},
    requiredSecrets: [],
    assumptions: [],
    ...fields,
  };
}

/** The property changes of one resource of `type` whose inputs go from `before` to `after` ([] when none). */
export function changes(
  type: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): PropertyChange[] {
  const d = diffPlans(
    plan([resource("r", type, { inputs: before })]),
    plan([resource("r", type, { inputs: after })]),
  );
  return d.changed[0]?.properties ?? [];
}

/** A change of `path` from `before` to `after` (undefined for an addition or a removal), as the diff writes it. */
export function change(path: string, before: unknown, after: unknown, replaces = false): PropertyChange {
  if (before === undefined) return { path, kind: "added", after, replaces };
  if (after === undefined) return { path, kind: "removed", before, replaces };
  return { path, kind: "changed", before, after, replaces };
}

/** `fn`'s DiffInputError message; fails when it throws anything else or nothing. */
export function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DiffInputError, String(e));
    return e.message;
  }
  assert.fail("no DiffInputError");
}
