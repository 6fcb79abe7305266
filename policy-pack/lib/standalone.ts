/**
 * Judging a resource that cannot be tied to its neighbours. Rules find resources through the structure a program
 * gives them (a repository resource, the tags tying an alarm to a service, an app's profile); a resource another
 * program declared may stand alone, without them. Such a resource is judged on its own inputs, never skipped, and
 * every verdict on it says so ({@link judgedAlone}); where the rule cannot decide without the neighbour, the
 * verdict names the neighbour that is missing.
 */
import { environmentOf } from "./props";
import { stackOfUrn } from "./rule";
import type { Res } from "./rule";

/** The words every verdict on a resource judged without its neighbours starts with. */
export const JUDGED_ALONE = "judged on its own";

/** The note of a standalone verdict: `judged on its own: <missing>` (`missing`: what the stack lacks). */
export function judgedAlone(missing: string): string {
  return `${JUDGED_ALONE}: ${missing}`;
}

/** The environment a resource is judged for, and whether it came from the stack's name rather than a tag. */
export interface JudgedEnvironment {
  env?: string;
  /** True when the resource has no environment of its own and the stack named in its URN stands in for it. */
  fromStack: boolean;
}

/**
 * The environment of a resource: its own (`environment` tag on AWS, `environment` field on GitHub), else, for a
 * resource without one (another program's, untagged), the stack named in its URN: an auditor runs the pack on a
 * stack whose name says which environment it is. A resource this program declares always carries its tag, so the
 * stack name decides only for resources judged on their own.
 */
export function judgedEnvironment(r: Pick<Res, "urn" | "type" | "props">): JudgedEnvironment {
  const own = environmentOf(r);
  if (own) return { env: own, fromStack: false };
  const stack = stackOfUrn(r.urn);
  return stack ? { env: stack, fromStack: true } : { fromStack: false };
}

/** The note of a verdict whose environment came from the stack's name ({@link judgedEnvironment}), or "". */
export function environmentNote(e: JudgedEnvironment): string {
  return e.fromStack ? `${judgedAlone(`no environment tag, the stack's name is ${e.env}`)}; ` : "";
}
