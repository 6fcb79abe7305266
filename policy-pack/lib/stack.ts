/** What a stack's resources say about the stack as a whole: its environments. */
import { environmentOf } from "./props";
import { stackOfUrn } from "./rule";
import type { Res } from "./rule";
import { T } from "./tokens";

/** Environments the stack's resources declare (AWS `environment` tags, GitHub `environment` fields). */
export function stackEnvironments(resources: Res[]): Set<string> {
  const envs = new Set<string>();
  for (const r of resources) {
    if (r.type === T.stackReference) continue;
    try {
      const e = environmentOf(r);
      if (e) envs.add(e);
    } catch {
      // an unknown environment tag says nothing about the stack
    }
  }
  return envs;
}

/**
 * The environments of the stack ({@link stackEnvironments}), or, when no resource of it declares one (a stack of
 * another program, untagged; an unknown tag counts as declared), the stack named in its URNs, `fromStack` then
 * true: its verdicts are judged on their own.
 */
export function stackEnvironmentsOrName(resources: Res[]): { envs: Set<string>; fromStack: boolean } {
  const envs = stackEnvironments(resources);
  const declares = (r: Res) => {
    try {
      return environmentOf(r) !== undefined;
    } catch {
      return true;
    }
  };
  if (envs.size > 0 || resources.some((r) => r.type !== T.stackReference && declares(r)))
    return { envs, fromStack: false };
  const stack = stackOfUrn(resources[0]?.urn ?? "");
  return { envs: new Set(stack ? [stack] : []), fromStack: !!stack };
}
