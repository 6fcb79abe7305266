/** The feature flags of an AppConfig hosted configuration document (the AWS.AppConfig.FeatureFlags type). */
import { get, parseJsonProp } from "./props";
import type { Res } from "./rule";

/** One flag of a feature-flags document: its definition key and this environment's value entry. */
export interface FlagEntry {
  key: string;
  value: Record<string, unknown>;
}

/**
 * Flags of a hosted configuration version; undefined when the content is not a feature-flags document.
 *
 * @throws HiddenSecretError when the content is `[secret]` (plans hide it: the AWS provider marks `content` secret).
 */
export function flagsOf(r: Res): FlagEntry[] | undefined {
  const doc = parseJsonProp(r.props, "content");
  const flags = get(doc, "flags");
  if (!flags || typeof flags !== "object") return undefined;
  const values = (get(doc, "values") ?? {}) as Record<string, unknown>;
  return Object.keys(flags).map((key) => ({ key, value: (values[key] ?? {}) as Record<string, unknown> }));
}
