/**
 * Infra diff between two plan files (`out/plan.<stack>.json`): which resources a change adds, removes and
 * changes, with the changed properties and the replacements Pulumi would make. Pure: no I/O.
 */
import type { Plan, PlanResource } from "../plan/types";
import { SECRET_MARKER } from "../../policy-pack/lib/facts";
import { replacesOnChange } from "./replacements";

/** One changed property (or stack output). */
export interface PropertyChange {
  /**
   * Path of the property: dotted keys and `[index]`, e.g. `reviewers[0].users[1]`. Properties holding a
   * JSON document as a string (`containerDefinitions`, `assumeRolePolicy`, `dashboardBody`) are compared
   * as documents, so the path goes inside them. An array whose items all have a distinct string `name` (a task
   * definition's containers, their `environment`, `secrets`, named `portMappings`) is compared by name, and the
   * path names the item: `containerDefinitions[web].environment[LOG_LEVEL].value` (a name that is not a plain
   * word is quoted, `environment["A B"]`). Resource options are under `[options]` (`[options].protect`).
   */
  path: string;
  /** `added`: absent in base; `removed`: absent in head; `changed`: both present, different. */
  kind: "added" | "removed" | "changed";
  /** Value in the base plan (absent when `added`); secrets are `"[secret]"`. */
  before?: unknown;
  /** Value in the head plan (absent when `removed`); secrets are `"[secret]"`. */
  after?: unknown;
  /** True when this change alone makes Pulumi replace the resource (src/diff/replacements.ts). */
  replaces: boolean;
}

/** A resource as the diff names it. */
export interface ResourceRef {
  urn: string;
  type: string;
  name: string;
}

/** A resource present in both plans whose inputs or options differ. */
export interface ResourceChange extends ResourceRef {
  /** `replace` when any property change replaces the resource, else `update`. */
  action: "update" | "replace";
  properties: PropertyChange[];
}

/** The diff of two plans. */
export interface PlanDiff {
  schemaVersion: 1;
  project: string;
  /** Stack of the base plan and of the head plan (normally the same stack). */
  baseStack: string;
  headStack: string;
  /** Resources only in head (matched by URN). */
  added: ResourceRef[];
  /** Resources only in base. */
  removed: ResourceRef[];
  /** Resources in both whose inputs or options differ, in head order. */
  changed: ResourceChange[];
  /** Resources in both, identical. */
  unchanged: number;
  /** Changed stack outputs (paths under `outputs`). */
  outputs: PropertyChange[];
}

/** True for plain objects (not arrays, not null). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A string holding a JSON object or array, parsed; undefined otherwise. */
function parseJsonDocument(v: unknown): unknown {
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
  // JSON starting with `{` or `[` is an object or an array, or not JSON at all.
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/** Names of properties whose values are secret whatever the plan says (defence in depth). */
const SECRET_KEY =
  /(password|secret(string|binary)?$|^value$|plaintextvalue|encryptedvalue|token|privatekey)/i;

/**
 * A value safe to print: `"[secret]"` stays masked, and any value under a secret-looking key of a secret-bearing
 * resource is masked too, so a plan that failed to mark a secret does not leak it through the diff.
 */
function mask(type: string, path: string, v: unknown): unknown {
  const last = /([^.[\]]+)(\[[^\]]*\])*$/.exec(path)?.[1] ?? path;
  const secretBearing =
    /actionsEnvironmentSecret|secretVersion|actionsSecret/i.test(type) ||
    /registries\[[^\]]+\]\.password$/.test(path);
  if (secretBearing && SECRET_KEY.test(last) && v !== null) return SECRET_MARKER;
  if (/password|privatekey/i.test(last) && v !== null && v !== "") return SECRET_MARKER;
  // A named item whose name says secret (an environment variable DB_PASSWORD): its value is masked, whether the
  // path reaches the value (`environment[DB_PASSWORD].value`) or the whole item was added or removed.
  const item = /\[("?)([^\]]*)\1\](\.value)?$/.exec(path);
  if (item?.[3] && SECRET_NAME.test(item[2]) && v !== null) return SECRET_MARKER;
  if (
    item &&
    !item[3] &&
    isObject(v) &&
    typeof v.name === "string" &&
    SECRET_NAME.test(v.name) &&
    "value" in v
  )
    return { ...v, value: SECRET_MARKER };
  return v;
}

/** Names of items (environment variables) whose value is a secret: masked in the diff. */
const SECRET_NAME = /password|passwd|secret|token|private_?key|api_?key|credential/i;

/**
 * The names of an array's items when every item is an object with a string `name` and no two share one (a task
 * definition's containers, their `environment` and `secrets`); undefined otherwise, and then the array is compared
 * by index.
 */
function itemNames(items: unknown[]): string[] | undefined {
  const names = items.map((i) => (isObject(i) && typeof i.name === "string" ? i.name : undefined));
  if (names.some((n) => n === undefined)) return undefined;
  return new Set(names).size === names.length ? (names as string[]) : undefined;
}

/** An item's path by its name: `environment[LOG_LEVEL]`, or `environment["A B"]` when the name is not a word. */
function joinName(base: string, name: string): string {
  return `${base}[${/^[\w.:/-]+$/.test(name) ? name : JSON.stringify(name)}]`;
}

/**
 * Compares two arrays: by name when both arrays' items are named ({@link itemNames}; head's order, then the
 * items only in base), else by index.
 */
function compareArrays(type: string, path: string, a: unknown[], b: unknown[], out: PropertyChange[]): void {
  const na = itemNames(a);
  const nb = itemNames(b);
  if (na && nb) {
    const byName = (items: unknown[], names: string[]) => new Map(names.map((n, i) => [n, items[i]]));
    const [ma, mb] = [byName(a, na), byName(b, nb)];
    for (const n of [...nb, ...na.filter((n) => !mb.has(n))])
      compare(type, joinName(path, n), ma.get(n), mb.get(n), out);
    return;
  }
  for (let i = 0; i < Math.max(a.length, b.length); i++) compare(type, `${path}[${i}]`, a[i], b[i], out);
}

/** A key's path under `base`: `base.key`, or `base["a key"]` when the key is not a plain word. */
function join(base: string, key: string): string {
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  if (base === "") return /^[A-Za-z_$]/.test(safe) ? safe : `[${safe}]`;
  return /^[A-Za-z_$]/.test(safe) ? `${base}.${safe}` : `${base}[${safe}]`;
}

/**
 * Compares two values and appends the leaf differences to `out`. Objects are compared by key, arrays by item name
 * or index ({@link compareArrays}), JSON documents held in strings as documents; anything else by value.
 */
function compare(type: string, path: string, a: unknown, b: unknown, out: PropertyChange[]): void {
  if (a === b) return;
  const ja = parseJsonDocument(a);
  const jb = parseJsonDocument(b);
  if (ja !== undefined && jb !== undefined) return compare(type, path, ja, jb, out);
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) compare(type, join(path, k), a[k], b[k], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) return compareArrays(type, path, a, b, out);
  if (a === undefined) {
    out.push({ path, kind: "added", after: mask(type, path, b), replaces: replacesOnChange(type, path) });
  } else if (b === undefined) {
    out.push({ path, kind: "removed", before: mask(type, path, a), replaces: replacesOnChange(type, path) });
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    const before = mask(type, path, a);
    const after = mask(type, path, b);
    // Both masked, one of them by the plan: the plans cannot tell whether the secret changed, so nothing is
    // reported. Two plain values masked here (an environment variable DB_PASSWORD) did change: shown masked.
    if (before === SECRET_MARKER && after === SECRET_MARKER && (a === SECRET_MARKER || b === SECRET_MARKER))
      return;
    out.push({ path, kind: "changed", before, after, replaces: replacesOnChange(type, path) });
  }
}

/** A reviewer of an environment, held by id: `reviewers[0].users[1]`, `reviewers.teams[0]`. */
const REVIEWER_ID_PATH = /(^|\.)reviewers(\[\d+\])?\.(users|teams)\[\d+\]$/;

/** A reviewer id with its name, when the plans recorded the lookup: `145874259 (@selam)`. */
function withName(v: unknown, names: Record<string, string>): unknown {
  const name = v === null ? undefined : names[String(v)];
  return name ? `${String(v)} (${name})` : v;
}

/** Names the reviewer ids of `changes` from the plans' recorded GitHub lookups ({@link Plan.githubNames}). */
function nameReviewers(changes: PropertyChange[], names: Record<string, string>): PropertyChange[] {
  for (const c of changes)
    if (REVIEWER_ID_PATH.test(c.path)) {
      if ("before" in c) c.before = withName(c.before, names);
      if ("after" in c) c.after = withName(c.after, names);
    }
  return changes;
}

function ref(r: PlanResource): ResourceRef {
  return { urn: r.urn, type: r.type, name: r.name };
}

/**
 * Diffs two plans of the same stack: resources matched by URN; changed inputs and resource options as
 * property paths with before/after values; `"[secret]"` values stay masked (two masked values are never
 * reported as a change, since the plans cannot tell); replacements flagged per src/diff/replacements.ts.
 *
 * @param base the plan before the change (e.g. the base branch's).
 * @param head the plan after the change.
 * @returns the diff; resources in head order, removed resources in base order.
 */
export function diffPlans(base: Plan, head: Plan): PlanDiff {
  const names = { ...base.githubNames, ...head.githubNames };
  const baseByUrn = new Map(base.resources.map((r) => [r.urn, r]));
  const headUrns = new Set(head.resources.map((r) => r.urn));
  const added: ResourceRef[] = [];
  const changed: ResourceChange[] = [];
  let unchanged = 0;
  for (const h of head.resources) {
    const b = baseByUrn.get(h.urn);
    if (!b) {
      added.push(ref(h));
      continue;
    }
    const properties: PropertyChange[] = [];
    compare(h.type, "", b.inputs ?? {}, h.inputs ?? {}, properties);
    compare(h.type, "[options]", b.options ?? {}, h.options ?? {}, properties);
    nameReviewers(properties, names);
    if (properties.length === 0) {
      unchanged++;
      continue;
    }
    changed.push({
      ...ref(h),
      action: properties.some((p) => p.replaces) ? "replace" : "update",
      properties,
    });
  }
  const removed = base.resources.filter((r) => !headUrns.has(r.urn)).map(ref);
  const outputs: PropertyChange[] = [];
  compare("", "outputs", base.outputs ?? {}, head.outputs ?? {}, outputs);
  for (const o of outputs) o.replaces = false;
  return {
    schemaVersion: 1,
    project: head.project,
    baseStack: base.stack,
    headStack: head.stack,
    added,
    removed,
    changed,
    unchanged,
    outputs,
  };
}

/** Counts of a diff: resources added, removed, updated in place, replaced, unchanged. */
export function diffCounts(d: PlanDiff): {
  added: number;
  removed: number;
  updated: number;
  replaced: number;
  unchanged: number;
} {
  return {
    added: d.added.length,
    removed: d.removed.length,
    updated: d.changed.filter((c) => c.action === "update").length,
    replaced: d.changed.filter((c) => c.action === "replace").length,
    unchanged: d.unchanged,
  };
}
