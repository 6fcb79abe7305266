/**
 * Shared fixtures of the policy tests: the program's real resources, recorded by the offline preview of both
 * stack files (src/offline/stacks.ts `previewStacks`), with properties as the engine hands them to policies
 * (secrets unwrapped, in memory only), and the helpers that change them for one case (`mutate`, `editJson`; the
 * changes themselves are in mutations.ts). Rule tests on hand-built resources use rule-harness.ts instead.
 */
import { repositoryStacks } from "../helpers";
import {
  evaluate,
  PackConfig,
  PolicyResourceInput,
  resolvePackConfig,
  RuleResult,
} from "../../policy-pack/evaluate";
import { NOW } from "./rule-harness";
import { onceShared } from "../onceShared";

export { NOW };

/** One stack as the policy tests use it. */
export interface RealStack {
  stack: string;
  resources: PolicyResourceInput[];
  /** The stack's `cicd-constitution:policy` section resolved, plus the app requirements below. */
  config: PackConfig;
}

/**
 * The apps' required secrets for CC-RUN-07 (catalogue: configurable per app): menu-optimizer (Streamlit on
 * Supabase Postgres, CONST) needs only DATABASE_URL; erp-berhan keeps the default list (F6 pre-deploy checklist).
 * Used when the stack file does not set settings.CC-RUN-07 itself.
 */
export const RUN_07_APPS = { "menu-optimizer": ["DATABASE_URL"] };

/** Both stacks of the repository's stack files, previewed once per test run. */
export const realStacks: () => Promise<Record<string, RealStack>> = onceShared(() =>
  repositoryStacks().then((previews) =>
    Object.fromEntries(
      previews.map((p) => {
        const section = structuredClone(p.model.policy ?? {}) as {
          settings?: Record<string, Record<string, unknown>>;
        };
        section.settings ??= {};
        section.settings["CC-RUN-07"] ??= { apps: RUN_07_APPS };
        return [
          p.plan.stack,
          {
            stack: p.plan.stack,
            resources: p.resources.map((r) => ({ ...r, props: structuredClone(r.props) })),
            config: resolvePackConfig(section),
          },
        ];
      }),
    ),
  ),
);

/** A deep copy of `resources` where `change` edited the props of every resource matching `type` and `name`. */
export function mutate(
  resources: PolicyResourceInput[],
  type: string,
  name: RegExp,
  change: (props: Record<string, any>) => void,
): PolicyResourceInput[] {
  let hits = 0;
  const out = resources.map((r) => {
    const copy = { ...r, props: structuredClone(r.props) };
    if (r.type === type && name.test(r.name)) {
      change(copy.props);
      hits++;
    }
    return copy;
  });
  if (hits === 0) throw new Error(`mutate: no ${type} named ${name}`);
  return out;
}

/** Edits a JSON-string property in place. */
export function editJson<T>(props: Record<string, unknown>, key: string, change: (doc: T) => void): void {
  const doc = JSON.parse(String(props[key])) as T;
  change(doc);
  props[key] = JSON.stringify(doc);
}

/** Runs the pack the way the offline preview does. */
export function run(
  stack: RealStack,
  resources = stack.resources,
  config = stack.config,
  now = NOW,
): RuleResult[] {
  return evaluate(resources, { stack: stack.stack, config, now });
}

/** `ruleId resourceName` of every failure. */
export function failures(results: RuleResult[]): string[] {
  return results
    .filter((r) => r.status === "fail")
    .map((r) => `${r.ruleId} ${r.resource?.name ?? "(stack)"}`);
}
