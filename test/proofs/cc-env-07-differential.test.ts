/**
 * CC-ENV-07 judges what AWS would: on the program's deploy roles and on their policies mutated one grant at a time
 * (a statement's condition dropped, its resources widened to `"*"`, a Deny removed), the rule's verdict is checked
 * against the IAM policy simulator's (test/proofs/iam). Whenever the simulator finds a write into another
 * environment, another app or the deploy identities, the rule fails the role; the rule passes the program's roles.
 * Where the rule is stricter than the simulator (it cannot see, say, that a widened read stays a read), the
 * mutation is listed with the rule's reason.
 */
import * as assert from "node:assert/strict";
import { evaluate, type PolicyResourceInput } from "../../policy-pack/evaluate";
import { PROJECT_NAME } from "../../policy-pack/lib/facts";
import { crossings, wildcardWrites } from "./iam/isolation";
import type { Principal } from "./iam/principals";
import { roleOf, worldOf, type World } from "./iam/world";

const OWNING_ROLE = `${PROJECT_NAME}-production-deploy`;

/** The verdict of CC-ENV-07 on a role given its inline policy documents: the failure message, or undefined. */
function ruleVerdict(
  w: World,
  roleName: string,
  policies: Principal["identityPolicies"],
): string | undefined {
  const all = Object.entries(w.plans).flatMap(([stack, rs]) => rs.map((r) => ({ stack, r })));
  const role = all.find(({ r }) => r.type === "aws:iam/role:Role" && r.inputs.name === roleName)!;
  const inputs: PolicyResourceInput[] = [
    { urn: role.r.urn, type: role.r.type, name: role.r.name, props: role.r.inputs, parent: null },
    ...policies
      .filter((p) => !p.name.startsWith("arn:"))
      .map((p) => ({
        urn: `${role.r.urn}-${p.name}`,
        type: "aws:iam/rolePolicy:RolePolicy",
        name: p.name,
        props: { role: roleName, policy: JSON.stringify(p.policy) },
        parent: null,
      })),
  ];
  const results = evaluate(inputs, { stack: role.stack, now: new Date("2026-12-01T00:00:00Z") });
  const verdict = results.find((x) => x.ruleId === "CC-ENV-07" && x.resource?.urn === role.r.urn);
  assert.ok(verdict, `CC-ENV-07 gave no verdict on ${roleName}`);
  return verdict.status === "fail" ? verdict.message : undefined;
}

/**
 * One target per resource type, environment and owner as seen from `app` (its own, this repository's, another
 * app's): a mutation widens by statement, never by resource name, so one of each is as telling as all, at a
 * fraction of the simulations.
 */
function representatives(w: World, app: string) {
  const seen = new Set<string>();
  return w.targets.filter((t) => {
    const owner = t.app === app ? "own" : t.app === PROJECT_NAME ? "identity" : "other";
    const key = `${t.type} ${t.environment} ${owner}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Whether the simulator finds a write the role must not make. */
async function simulatorCrosses(w: World, p: Principal): Promise<string[]> {
  const run = await crossings([p], representatives(w, p.app), OWNING_ROLE);
  const wild = (await wildcardWrites([p], w.services)).filter(
    (c) => c.action !== "appconfig:CreateApplication",
  );
  return [...run.crossings, ...wild].map((c) => `${c.action} ${c.arn}`);
}

type Statement = Record<string, unknown>;
interface Mutation {
  name: string;
  apply: (statements: Statement[]) => Statement[];
}

/** One grant at a time: each statement without its condition, with `Resource: "*"`, or (a Deny) removed. */
function mutationsOf(statements: Statement[]): Mutation[] {
  const out: Mutation[] = [];
  statements.forEach((s, i) => {
    const sid = String(s.Sid ?? i);
    const at = (f: (s: Statement) => Statement | undefined) => (all: Statement[]) =>
      all.flatMap((x, j) => (j === i ? [f({ ...x })].filter((y): y is Statement => y !== undefined) : [x]));
    if (s.Effect === "Deny") out.push({ name: `${sid} removed`, apply: at(() => undefined) });
    else {
      if (s.Condition)
        out.push({ name: `${sid} without its condition`, apply: at(({ Condition: _c, ...x }) => x) });
      if (s.Resource !== "*")
        out.push({ name: `${sid} on "*"`, apply: at((x) => ({ ...x, Resource: "*" })) });
    }
  });
  return out;
}

describe("CC-ENV-07 against the IAM policy simulator (differential)", function () {
  // Each role with the least number of its mutations that must cross (the differential is not vacuous).
  for (const [roleName, least] of [
    [`${PROJECT_NAME}-staging-deploy`, 10],
    ["erp-berhan-staging-deploy", 2],
  ] as const) {
    it(`${roleName}: the rule fails every mutation the simulator finds crossing, and passes the program's role`, async function () {
      const w = await worldOf();
      const p = roleOf(w, roleName);
      assert.deepEqual(await simulatorCrosses(w, p), []);
      assert.equal(ruleVerdict(w, roleName, p.identityPolicies), undefined);
      const inline = p.identityPolicies.find((x) => !x.name.startsWith("arn:"))!;
      const doc = inline.policy as { Statement: Statement[] };
      const missed: string[] = [];
      const stricter: string[] = [];
      let crossing = 0;
      for (const m of mutationsOf(doc.Statement)) {
        const mutated = { ...inline, policy: { ...doc, Statement: m.apply(doc.Statement) } };
        const policies = p.identityPolicies.map((x) => (x === inline ? mutated : x));
        const sim = await simulatorCrosses(w, { ...p, identityPolicies: policies });
        const rule = ruleVerdict(w, roleName, policies);
        if (sim.length) crossing++;
        if (sim.length && !rule) missed.push(`${m.name}: simulator ${sim.slice(0, 3).join(", ")}`);
        if (!sim.length && rule) stricter.push(m.name);
      }
      assert.deepEqual(missed, [], "mutations that write across and that CC-ENV-07 passes");
      assert.ok(crossing >= least, `only ${crossing} mutations cross: the differential exercises too little`);
      this.test!.title += ` (${crossing} crossing mutations, all failed by the rule; stricter on ${stricter.length})`;
    });
  }
});
