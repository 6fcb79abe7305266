/**
 * Policy documents as the pack's rules read them (policy-pack/lib/iam.ts): statements normalised (lists, NotAction,
 * NotResource, Sid, Condition), a role's inline policies found by its name or any ARN form, and the environment a
 * deploy role's OIDC trust names.
 */
import * as assert from "node:assert/strict";
import {
  inlinePoliciesOf,
  oidcEnvironment,
  roleNameOf,
  standaloneRolePolicies,
  statementsOf,
} from "../../../policy-pack/lib/iam";
import { type Res, Verdicts } from "../../../policy-pack/lib/rule";
import { JUDGED_ALONE } from "../../../policy-pack/lib/standalone";

const res = (type: string, name: string, props: Record<string, unknown>): Res => ({
  urn: `urn:pulumi:staging::p::${type}::${name}`,
  type,
  name,
  props,
});
const policy = (name: string, role: unknown, statement: unknown) =>
  res("aws:iam/rolePolicy:RolePolicy", name, {
    ...(role === undefined ? {} : { role }),
    policy: JSON.stringify({ Version: "2012-10-17", Statement: statement }),
  });

describe("pack IAM reading (lib/iam)", () => {
  it("statementsOf: Action and Resource as lists, Sid and Condition kept, a missing Effect read as empty", () => {
    const [one, two] = statementsOf(
      policy("p", "r", [
        {
          Sid: "Read",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: ["arn:a", "arn:b"],
          Condition: { Bool: {} },
        },
        { Action: ["s3:PutObject", "s3:DeleteObject"], Resource: "*" },
      ]),
    );
    assert.deepEqual(one, {
      sid: "Read",
      effect: "Allow",
      actions: ["s3:GetObject"],
      resources: ["arn:a", "arn:b"],
      condition: { Bool: {} },
    });
    assert.deepEqual(two, {
      sid: undefined,
      effect: "",
      actions: ["s3:PutObject", "s3:DeleteObject"],
      resources: ["*"],
      condition: undefined,
    });
  });

  it("statementsOf: NotAction reads as every action for an Allow and none for a Deny; NotResource as every resource", () => {
    const [allow, denyAll, noAction] = statementsOf(
      policy("p", "r", [
        { Effect: "Allow", NotAction: "iam:*", NotResource: ["arn:x"] },
        { Effect: "Deny", NotAction: ["s3:GetObject"], Resource: "arn:y" },
        { Effect: "Allow", Resource: "arn:z" },
      ]),
    );
    assert.deepEqual(
      [allow.actions, allow.notActions, allow.resources, allow.notResources],
      [["*"], ["iam:*"], ["*"], ["arn:x"]],
    );
    assert.deepEqual(
      [denyAll.actions, denyAll.notActions, denyAll.resources, denyAll.notResources],
      [[], ["s3:GetObject"], ["arn:y"], undefined],
    );
    assert.deepEqual([noAction.actions, "notActions" in noAction], [[], false]);
  });

  it("roleNameOf: the last path segment of a role ARN, or the name as given", () => {
    assert.equal(
      roleNameOf("arn:aws:iam::123456789012:role/service/deploy/erp-staging-deploy"),
      "erp-staging-deploy",
    );
    assert.equal(roleNameOf("erp-staging-deploy"), "erp-staging-deploy");
    assert.equal(roleNameOf("arn:aws:iam::123456789012:policy/x/y"), "arn:aws:iam::123456789012:policy/x/y");
  });

  it("inlinePoliciesOf: a role's policies by name or ARN, none of another role's or of a policy without a role", () => {
    const a1 = policy("a1", "erp-deploy", []);
    const a2 = policy("a2", "arn:aws:iam::123456789012:role/path/erp-deploy", []);
    const b = policy("b", "shop-deploy", []);
    const orphan = policy("orphan", undefined, []);
    const other = res("aws:iam/role:Role", "erp-deploy", { name: "erp-deploy" });
    const all = [a1, other, b, orphan, a2];
    assert.deepEqual(inlinePoliciesOf(all, "arn:aws:iam::123456789012:role/erp-deploy"), [a1, a2]);
    assert.deepEqual(inlinePoliciesOf(all, "shop-deploy"), [b]);
    assert.deepEqual(inlinePoliciesOf(all, "nobody"), []);
    assert.deepEqual(inlinePoliciesOf([a1], "erp-deploy"), [a1], "another list is indexed on its own");
  });

  it("oidcEnvironment: the environment of the GitHub OIDC trust's subject, none for other trusts or subjects", () => {
    const role = (statement: unknown) =>
      res("aws:iam/role:Role", "r", { assumeRolePolicy: JSON.stringify({ Statement: statement }) });
    const github = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    const trust = (sub: unknown, federated = github) => ({
      Effect: "Allow",
      Principal: { Federated: federated },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": sub } },
    });
    assert.equal(oidcEnvironment(role([trust("repo:acme/erp:environment:staging")])), "staging");
    assert.equal(
      oidcEnvironment(
        role([
          trust("repo:acme/erp:environment:prod", "arn:aws:iam::1:oidc-provider/other.example"),
          trust(["repo:acme/erp:ref:refs/heads/main", "repo:acme/erp:environment:production"]),
        ]),
      ),
      "production",
      "the first subject naming an environment, of a GitHub trust",
    );
    assert.equal(
      oidcEnvironment(role([trust("repo:acme/erp:environment:stag*")])),
      undefined,
      "a wildcard names none",
    );
    assert.equal(oidcEnvironment(role([trust("repo:acme/erp:environment:staging:x")])), undefined);
    assert.equal(oidcEnvironment(role([{ Effect: "Allow", Principal: { Federated: github } }])), undefined);
  });
});

describe("pack IAM reading: inline policies whose role the stack does not declare (CC-ENV-07, judged alone)", () => {
  const role = res("aws:iam/role:Role", "deploy", { name: "erp-staging-deploy" });
  const verdictsOf = (resources: Res[]) => {
    const out = new Verdicts();
    standaloneRolePolicies(resources, out);
    return out.list.map((v) => [v.status, v.res?.name, v.message]);
  };
  const alone = (who: string) =>
    `${JUDGED_ALONE}: no role ${who} in this stack says which environment it deploys`;

  it("fails an unconditioned grant of every write of a service on every resource, naming each statement", () => {
    const p = policy("p", "arn:aws:iam::1:role/ops/other-deploy", [
      { Sid: "All", Effect: "Allow", Action: ["ecs:*", "s3:GetObject"], Resource: "*" },
      { Effect: "Allow", Action: "*", Resource: ["arn:a", "*"] },
    ]);
    assert.deepEqual(verdictsOf([role, p]), [
      [
        "fail",
        "p",
        `${alone("other-deploy")}; All grants ecs:*, s3:GetObject on every resource; a statement grants * on every resource, which no environment's deploy role may`,
      ],
    ]);
  });

  for (const [name, statement] of [
    ["a Deny", { Effect: "Deny", Action: "ecs:*", Resource: "*" }],
    ["a conditioned grant", { Effect: "Allow", Action: "ecs:*", Resource: "*", Condition: { Bool: {} } }],
    ["a grant on named resources", { Effect: "Allow", Action: "ecs:*", Resource: "arn:aws:ecs:x" }],
    [
      "a grant of single actions",
      { Effect: "Allow", Action: ["ecs:UpdateService", "ecs:Describe*"], Resource: "*" },
    ],
  ] as const)
    it(`passes over ${name}: not applicable, saying why`, () => {
      assert.deepEqual(verdictsOf([role, policy("p", "", [statement])]), [
        [
          "not-applicable",
          "p",
          `${alone("(unnamed)")}; no unconditioned grant of every write on every resource`,
        ],
      ]);
    });

  it("judges nothing of a policy whose role the stack declares", () => {
    assert.deepEqual(
      verdictsOf([
        role,
        policy("p", "erp-staging-deploy", [{ Effect: "Allow", Action: "*", Resource: "*" }]),
      ]),
      [],
    );
  });
});
