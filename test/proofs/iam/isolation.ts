/**
 * Isolation as an IAM evaluator judges it: which resources a role must never write, and every write of those it
 * is allowed, over every writing action of the target's service (iam-data) with the attacker's choice of request
 * values ({@link attackerAllowed}).
 *
 * Off limits to a role:
 * - every resource of another environment (constitution: CONST "Environments": production changes only through
 *   its approval);
 * - for an app's roles, every resource of another app (one app's deploy cannot reach another's);
 * - the deploy identities of this repository (its deploy roles, the permissions boundaries, the OIDC provider),
 *   to every role but the owning stack's deploy role, which runs behind the production approval;
 * - for the drift role, everything: it reads.
 */
import { CREATES_WITH_NEW_ID, PROJECT_NAME } from "../../../policy-pack/lib/facts";
import { attackerAllowed, writingActionsOf, writesOf } from "./evaluate";
import type { Principal } from "./principals";
import type { Target } from "./targets";

/** One write the evaluator allows where it must not. */
export interface Crossing {
  role: string;
  action: string;
  arn: string;
  why: string;
}

/** Whether a target belongs to this repository's deploy identities (owned by the production stack). */
const isIdentity = (t: Target) =>
  t.app === PROJECT_NAME || t.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider";

/** Why `target` is off limits to `principal`, or undefined when the role may write it. */
export function offLimits(principal: Principal, target: Target, owningRole: string): string | undefined {
  if (principal.environment === "drift") return "the drift role reads only";
  if (isIdentity(target))
    return principal.name === owningRole ? undefined : "a deploy identity only the owning stack maintains";
  if (target.environment !== principal.environment)
    return `${target.environment} resource, ${principal.environment} role`;
  if (principal.app !== PROJECT_NAME && target.app !== principal.app)
    return `${target.app}'s resource, ${principal.app}'s role`;
  return undefined;
}

/** Counts of a run of {@link crossings}. */
export interface CrossingRun {
  crossings: Crossing[];
  /** Requests simulated (each a role, an action and its ARNs). */
  requests: number;
  /** Distinct actions tried. */
  actions: Set<string>;
}

/**
 * Every write of an off-limits target that the evaluator allows, for every role in `principals`.
 *
 * @param owningRole the name of the owning stack's deploy role (the only one that may write deploy identities).
 */
export async function crossings(
  principals: Principal[],
  targets: Target[],
  owningRole: string,
): Promise<CrossingRun> {
  const run: CrossingRun = { crossings: [], requests: 0, actions: new Set() };
  const writes = new Map<Target, Awaited<ReturnType<typeof writesOf>>>();
  for (const t of targets) writes.set(t, await writesOf(t));
  for (const p of principals) {
    for (const t of targets) {
      const why = offLimits(p, t, owningRole);
      if (!why) continue;
      for (const w of writes.get(t)!) {
        // Creating with a new id names no existing resource (the same fact CC-ENV-07 reads).
        if (CREATES_WITH_NEW_ID[w.action] !== undefined) continue;
        run.requests++;
        run.actions.add(w.action);
        if (await attackerAllowed(p, w.action, w.arns))
          run.crossings.push({ role: p.name, action: w.action, arn: t.self.arn, why });
      }
    }
  }
  return run;
}

/**
 * The writing actions of `services` that AWS authorizes only on `"*"` (no resource type), which each role may
 * perform with the attacker's choice of request values. None names an existing resource, so none can be scoped to
 * an environment by ARN: each one allowed must create something new, labelled for the role's environment.
 */
export async function wildcardWrites(principals: Principal[], services: string[]): Promise<Crossing[]> {
  const out: Crossing[] = [];
  for (const service of services) {
    for (const info of await writingActionsOf(service)) {
      if (info.arnFormats.length > 0) continue;
      for (const p of principals)
        if (await attackerAllowed(p, info.action, [{ arn: "*", tags: {} }]))
          out.push({ role: p.name, action: info.action, arn: "*", why: "authorized on * only" });
    }
  }
  return out;
}
