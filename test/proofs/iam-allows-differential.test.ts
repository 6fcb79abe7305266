/**
 * The pack's reading of "may this role read that secret" (policy-pack/lib/iam.ts `allows`, which CC-RUN's registry
 * credentials rule uses) judged against a real IAM evaluator (`@cloud-copilot/iam-simulate`, Strict mode), over
 * policies built from the shapes that decide it: Action and NotAction with IAM's wildcards and mixed case, Resource
 * and NotResource (exact, `*`, prefixes, another secret, another case), an explicit Deny beside the Allow, and
 * conditions. Without a condition the two agree on every policy; with one the pack is never the more permissive
 * (an Allow with a condition may not apply, a Deny with one may).
 */
import * as assert from "node:assert/strict";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { allows, statementsOf } from "../../policy-pack/lib/iam";

const ACTION = "secretsmanager:GetSecretValue";
const ACCOUNT = "123456789012";
const SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:ghcr-pull-AbCdEf`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/erp-berhan-production-execution`;

type Statement = Record<string, unknown>;

const ACTIONS: Statement[] = [
  { Action: ACTION },
  { Action: "SecretsManager:getsecretvalue" },
  { Action: "secretsmanager:Get*" },
  { Action: "secretsmanager:*" },
  { Action: "*" },
  { Action: "secretsmanager:GetSecret?alue" },
  { Action: ["secretsmanager:DescribeSecret", "s3:GetObject"] },
  { NotAction: "secretsmanager:DescribeSecret" },
  { NotAction: ["secretsmanager:Get*"] },
];

const RESOURCES: Statement[] = [
  { Resource: SECRET },
  { Resource: "*" },
  { Resource: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:ghcr-*` },
  { Resource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:ghcr-pull-??????` },
  { Resource: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:other-*` },
  { Resource: SECRET.replace("ghcr", "GHCR") },
  { NotResource: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:other-*` },
  { NotResource: SECRET },
];

const CONDITION = { StringEquals: { "aws:PrincipalTag/team": "erp" } };

/** Every Action shape with every Resource shape, as `effect`, without a condition or with {@link CONDITION}. */
function statements(effect: "Allow" | "Deny", conditioned = false): Statement[] {
  return ACTIONS.flatMap((a) =>
    RESOURCES.map((r) => ({ Effect: effect, ...a, ...r, ...(conditioned ? { Condition: CONDITION } : {}) })),
  );
}

/** The simulator's verdict on the role reading SECRET under `policy`, with no request context. */
async function simulatorAllows(policy: unknown): Promise<boolean> {
  const result = await runSimulation(
    {
      request: {
        principal: ROLE,
        action: ACTION,
        resource: { resource: SECRET, accountId: ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [{ name: "execution", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    { simulationMode: "Strict" },
  );
  if (result.resultType === "error") assert.fail(JSON.stringify(result.errors).slice(0, 400));
  return result.overallResult === "Allowed";
}

/** The pack's verdict on the same policy. */
function packAllows(policy: unknown): boolean {
  const props = { role: "erp-berhan-production-execution", policy: JSON.stringify(policy) };
  return allows(statementsOf({ type: "aws:iam/rolePolicy:RolePolicy", props } as never), ACTION, SECRET);
}

/** Compares the pack with the simulator on each policy; the disagreements, as `pack/simulator: policy`. */
async function disagreements(policies: unknown[]): Promise<{ packMore: string[]; simulatorMore: string[] }> {
  const packMore: string[] = [];
  const simulatorMore: string[] = [];
  for (const policy of policies) {
    const [pack, sim] = [packAllows(policy), await simulatorAllows(policy)];
    if (pack && !sim) packMore.push(JSON.stringify(policy));
    if (sim && !pack) simulatorMore.push(JSON.stringify(policy));
  }
  return { packMore, simulatorMore };
}

const doc = (...statement: Statement[]) => ({ Version: "2012-10-17", Statement: statement });

describe("proofs: the pack's secret-read check agrees with an IAM policy simulator", function () {
  this.timeout(300_000);

  it("one Allow statement of every shape: the same verdict", async function () {
    const policies = statements("Allow").map((s) => doc(s));
    const { packMore, simulatorMore } = await disagreements(policies);
    assert.deepEqual({ packMore, simulatorMore }, { packMore: [], simulatorMore: [] });
    const allowed = policies.filter(packAllows).length;
    assert.ok(allowed > 10 && allowed < policies.length - 10, `both verdicts occur (${allowed} allowed)`);
  });

  it("an Allow of the secret beside a Deny of every shape: the same verdict (an explicit Deny wins)", async function () {
    const policies = statements("Deny").map((d) =>
      doc({ Effect: "Allow", Action: ACTION, Resource: "*" }, d),
    );
    const { packMore, simulatorMore } = await disagreements(policies);
    assert.deepEqual({ packMore, simulatorMore }, { packMore: [], simulatorMore: [] });
    const denied = policies.filter((p) => !packAllows(p)).length;
    assert.ok(denied > 10 && denied < policies.length - 10, `both verdicts occur (${denied} denied)`);
  });

  it("with conditions: never more permissive than the simulator; a conditioned Allow does not count, a conditioned Deny does", async function () {
    const conditioned = [
      ...statements("Allow", true).map((s) => doc(s)),
      ...statements("Deny", true).map((d) => doc({ Effect: "Allow", Action: ACTION, Resource: "*" }, d)),
    ];
    const { packMore } = await disagreements(conditioned);
    assert.deepEqual(packMore, []);
    assert.equal(
      packAllows(doc({ Effect: "Allow", Action: ACTION, Resource: SECRET, Condition: CONDITION })),
      false,
    );
    assert.equal(
      packAllows(
        doc(
          { Effect: "Allow", Action: ACTION, Resource: SECRET },
          { Effect: "Deny", Action: ACTION, Resource: SECRET, Condition: CONDITION },
        ),
      ),
      false,
    );
  });
});
