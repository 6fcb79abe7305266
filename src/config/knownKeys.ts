/**
 * The keys the config schema knows at each object of a stack's config, read from the zod schema itself (so they
 * cannot drift from it), and the "did you mean" of an unknown key: the closest known key by edit distance
 * (`fastest-levenshtein`, a maintained implementation), when it is close enough to be a typo.
 */
import { closest, distance } from "fastest-levenshtein";
import type { z } from "zod";

/** A zod schema's definition, as far as the walk reads it (zod 4's `_zod.def`). */
type Def = { type: string; shape?: Record<string, { _zod: { def: Def } }>; [k: string]: unknown };

/**
 * The known keys of every object of `schema`, by shape path: `""` for the top, `apps[]` for an app entry,
 * `apps[].runtime` for its runtime (arrays as `[]`, optional, default and pipe wrappers looked through).
 */
export function knownKeysOf(schema: z.ZodType): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const walk = (def: Def, at: string) => {
    const inner = (def.innerType ?? def.in ?? def.element) as { _zod: { def: Def } } | undefined;
    if (def.type === "object" && def.shape) {
      out.set(at, new Set(Object.keys(def.shape)));
      for (const [k, s] of Object.entries(def.shape)) walk(s._zod.def, at ? `${at}.${k}` : k);
    } else if (def.type === "array" && inner) walk(inner._zod.def, `${at}[]`);
    else if (inner) walk(inner._zod.def, at);
  };
  walk((schema as unknown as { _zod: { def: Def } })._zod.def, "");
  return out;
}

/** The shape path of a config path: `["apps", 0, "runtime"]` -> `apps[].runtime`. */
export function shapePathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((s, i) => (typeof s === "number" ? "[]" : i === 0 ? String(s) : `.${String(s)}`)).join("");
}

/**
 * The known key an unknown `key` most likely meant: the closest by edit distance, when at most a third of its
 * length (and at least 1, at most 3) edits away; undefined otherwise.
 */
export function didYouMean(key: string, known: Iterable<string>): string | undefined {
  const candidates = [...known];
  if (!candidates.length) return undefined;
  const best = closest(key, candidates);
  const limit = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  return distance(key, best) <= limit ? best : undefined;
}
