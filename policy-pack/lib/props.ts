/**
 * Reading resource properties safely: unknown values (preview), secret markers (plans, exports), JSON-string
 * properties, tags and environments. Side-effect free.
 */
import { RE2JS } from "re2js";
import { APPLICATION_TYPE, SECRET_MARKER } from "./facts";

/** Pulumi's wire sentinel of a value unknown during preview (@pulumi/pulumi runtime/rpc `unknownValue`). */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Plan-file marker of an unknown value (src/offline/recorder.ts). */
export const UNKNOWN_MARKER = "[unknown]";
export { SECRET_MARKER };
/**
 * Export-reader marker of a value that should be secret but is stored in plain text in the state
 * (src/audit/readState.ts replaces the plain value by this marker so it is never printed).
 */
export const PLAINTEXT_MARKER = "[plaintext]";

/** Thrown when a rule reads a value that is unknown until deployment; the runner turns it into not-applicable. */
export class UnknownInputError extends Error {
  constructor(readonly path: string) {
    super(`the value at .${path} can't be known during preview`);
    this.name = "UnknownInputError";
  }
}

/** Thrown when a rule needs a value that the input hides as `[secret]`; the runner turns it into not-applicable. */
export class HiddenSecretError extends Error {
  constructor(readonly path: string) {
    super(`the value at .${path} is a secret, hidden from this input`);
    this.name = "HiddenSecretError";
  }
}

/** True for the wire sentinel or the plan marker of an unknown value. */
export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN_SENTINEL || v === UNKNOWN_MARKER;
}

/**
 * True when `e` means "this value is not known yet": our own error, or @pulumi/policy's `UnknownValueError`
 * (thrown by the engine's unknown-checking proxy; matched by name so that this module needs no runtime import).
 */
export function isUnknownError(e: unknown): e is Error {
  return (
    e instanceof UnknownInputError ||
    e instanceof HiddenSecretError ||
    (e instanceof Error && (e.constructor?.name === "UnknownValueError" || e.name === "UnknownValueError"))
  );
}

/**
 * Wraps props so that reading an unknown value throws {@link UnknownInputError}, as @pulumi/policy's proxy does
 * in the engine. Used by the in-process runner so that rules behave the same in both places.
 */
export function unknownCheckingProps<T>(value: T, path: string[] = []): T {
  if (!(value instanceof Object)) return value;
  return new Proxy(value as unknown as object, {
    get(obj, prop) {
      const field = (obj as Record<PropertyKey, unknown>)[prop];
      if (typeof prop === "symbol") return field;
      const p = [...path, prop];
      if (isUnknown(field)) throw new UnknownInputError(p.join("."));
      const desc = Object.getOwnPropertyDescriptor(obj, prop);
      if (desc && "value" in desc && desc.configurable === false && desc.writable === false) return field;
      return unknownCheckingProps(field, p);
    },
  }) as T;
}

/** Property at a dotted path; undefined when any step is missing. Reading an unknown step throws. */
export function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
    if (isUnknown(cur)) throw new UnknownInputError(path);
  }
  return cur;
}

/** `v` if it is a string, else undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** `v` as a number (numbers and numeric strings such as ECS `cpu`), else undefined. */
export function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** `v` as an array (a single object becomes a one-element array, as some providers flatten lists). */
export function arr(v: unknown): unknown[] {
  if (Array.isArray(v)) return Array.from(v);
  if (v === undefined || v === null) return [];
  return [v];
}

/**
 * Parses a JSON-string property (IAM policy documents, ECS container definitions, AppConfig content,
 * dashboard bodies). Objects are accepted as already parsed.
 *
 * @throws UnknownInputError when the value is unknown; HiddenSecretError when it is `[secret]`;
 *   Error naming the path when it is not valid JSON.
 */
export function parseJsonProp(props: Record<string, unknown>, key: string): unknown {
  const raw = props[key];
  if (isUnknown(raw)) throw new UnknownInputError(key);
  if (raw === SECRET_MARKER) throw new HiddenSecretError(key);
  if (typeof raw !== "string") return raw;
  if (raw.includes(UNKNOWN_SENTINEL) || raw.includes(`"${UNKNOWN_MARKER}"`)) throw new UnknownInputError(key);
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new Error(`.${key} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The `tags` map of a resource (AWS), or `{}`. */
export function tagsOf(props: Record<string, unknown>): Record<string, unknown> {
  const t = props.tags;
  return t && typeof t === "object" && !Array.isArray(t) ? (t as Record<string, unknown>) : {};
}

/**
 * The environment of a resource: its `environment` tag (AWS), or its `environment` field (GitHub environment
 * resources). Source: docs/RESOURCES.md. Undefined when neither is present.
 */
export function environmentOf(r: { type: string; props: Record<string, unknown> }): string | undefined {
  if (r.type.startsWith("github:")) return str(r.props.environment);
  return str(tagsOf(r.props).environment);
}

/**
 * The app a resource belongs to, the one rule of the repository (the pack, the plan summary and the reports' stack
 * file locations all use it): an Application component's own name; else the resource's `app` tag (AWS); else the
 * name of its nearest `cicd-constitution:app:Application` ancestor, found through `byUrn` (resources by URN) or,
 * for a parent `byUrn` lacks, read from the parent's URN (`...::cicd-constitution:app:Application::NAME`); at most
 * 20 ancestors up. Undefined when nothing names one (stack-wide resources such as the StackReference). This
 * repository's own deploy roles and boundaries carry `app: cicd-constitution`, an app no stack file lists. Source:
 * docs/RESOURCES.md (every app's resources are children of its Application; AWS ones carry the standard tags).
 *
 * @param r the resource: its props (tags), parent URN, and optionally its type and name.
 */
export function appOf(
  r: { props: Record<string, unknown>; parent?: string | null; type?: string; name?: string },
  byUrn: Map<string, { type: string; name: string; parent?: string | null }>,
): string | undefined {
  if (r.type === APPLICATION_TYPE && r.name) return r.name;
  const tag = str(tagsOf(r.props).app);
  if (tag) return tag;
  let parent = r.parent ?? undefined;
  for (let i = 0; parent && i < 20; i++) {
    const p = byUrn.get(parent);
    if (!p) {
      // The URN alone names the parent: `...::cicd-constitution:app:Application::NAME`.
      const m = new RegExp(`${APPLICATION_TYPE}::([^:]+)$`).exec(parent);
      return m?.[1];
    }
    if (p.type === APPLICATION_TYPE) return p.name;
    parent = p.parent ?? undefined;
  }
  return undefined;
}

/** Resources by type and app, built once per resource list. */
const appIndexes = new WeakMap<object[], Map<string, unknown[]>>();

/**
 * The resources of one type that belong to an app (see {@link appOf}). Indexed once per resource list, so rules
 * that look up one app's resources for each of N apps stay linear in the stack's size.
 */
export function resourcesOfApp<
  R extends { type: string; props: Record<string, unknown>; parent?: string | null },
>(
  resources: R[],
  byUrn: Map<string, { type: string; name: string; parent?: string | null }>,
  type: string,
  app: string,
): R[] {
  let index = appIndexes.get(resources) as Map<string, R[]> | undefined;
  if (!index) {
    index = new Map();
    for (const r of resources) {
      const key = `${r.type}\u0000${appOf(r, byUrn)}`;
      const list = index.get(key);
      if (list) list.push(r);
      else index.set(key, [r]);
    }
    appIndexes.set(resources, index as Map<string, unknown[]>);
  }
  return index.get(`${type}\u0000${app}`) ?? [];
}

const globs = new Map<string, RE2JS>();

/**
 * Glob match (`*` = any run of characters, `?` = one character), whole string, case-sensitive unless
 * `ignoreCase`, in time linear in the value: the
 * pattern runs on RE2JS (`re2js`, the JavaScript port of RE2), never on a backtracking engine, so a waiver's
 * `*?*?*?*?*?*?*Z` cannot hang a preview.
 */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  // Most IAM patterns are a literal or a prefix and a final `*` (`ecs:Describe*`): compared without a regex.
  const star = pattern.indexOf("*");
  if (!pattern.includes("?") && (star === -1 || star === pattern.length - 1)) {
    const [p, v] = ignoreCase ? [pattern.toLowerCase(), value.toLowerCase()] : [pattern, value];
    return star === -1 ? p === v : v.startsWith(p.slice(0, -1));
  }
  const key = `${ignoreCase ? "i" : "s"}${pattern}`;
  let re = globs.get(key);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = RE2JS.compile(`^${body}$`, RE2JS.DOTALL | (ignoreCase ? RE2JS.CASE_INSENSITIVE : 0));
    globs.set(key, re);
  }
  return re.matches(value);
}
