/**
 * The roles and AWS resources of both previewed stacks (test/helpers.ts `repositoryStacks`), as the IAM evaluator
 * sees them; built once per mocha worker.
 */
import { onceShared } from "../../onceShared";
import { repositoryStacks } from "../../helpers";
import { MOCK_ACCOUNT_ID } from "../../../src/offline/mocks";
import type { PlanResource } from "../../../src/plan/types";
import { principalsOf, type Principal } from "./principals";
import { targetsOf, type Target } from "./targets";

/** The account and region of the offline preview. */
export const WHERE = { region: "eu-west-1", accountId: MOCK_ACCOUNT_ID };

/** Both stacks' roles, resources and the services those use. */
export interface World {
  plans: Record<string, PlanResource[]>;
  principals: Principal[];
  targets: Target[];
  services: string[];
}

/** The {@link World} of the repository's stacks. */
export const worldOf: () => Promise<World> = onceShared(async () => {
  const stacks = await repositoryStacks();
  const plans = Object.fromEntries(stacks.map((s) => [s.plan.stack, s.plan.resources]));
  const targets = Object.entries(plans).flatMap(([stack, resources]) => targetsOf(stack, resources, WHERE));
  const services = [...new Set(targets.map((t) => t.service))].sort();
  return { plans, principals: await principalsOf(plans, WHERE, services), targets, services };
});

/** The role named `name`; fails when the plans have none. */
export function roleOf(w: World, name: string): Principal {
  const found = w.principals.find((p) => p.name === name);
  if (!found) throw new Error(`no role ${name} in the plans`);
  return found;
}
