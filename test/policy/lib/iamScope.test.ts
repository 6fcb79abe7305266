/**
 * CC-ENV-07's reading of one grant (policy-pack/lib/iamScope.ts `grantProblems`) on hand-built statements: which
 * Deny statements keep a tagging grant inside its environment (a Deny only, of the same action), that a conditioned
 * Deny does not protect the deploy identities, that an exact ARN stays on its app, and that actions match without
 * case. The whole rule is judged against the IAM policy simulator in test/proofs/cc-env-07-differential.test.ts.
 */
import * as assert from "node:assert/strict";
import type { Statement } from "../../../policy-pack/lib/iam";
import { grantProblems, type Scope } from "../../../policy-pack/lib/iamScope";

const SCOPE: Scope = {
  env: "staging",
  ownMarkers: ["-staging"],
  foreignMarkers: ["-production"],
  exempt: [],
  identities: ["arn:aws:iam::ACCOUNT:role/cicd-constitution-production-deploy"],
};
const OWN_SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/erp-staging/*";

const allow = (actions: string[], resources: string[], condition?: unknown): Statement => ({
  effect: "Allow",
  actions,
  resources,
  condition,
});
const deny = (actions: string[], condition?: unknown, resources = ["*"]): Statement => ({
  effect: "Deny",
  actions,
  resources,
  condition,
});

/** The problems of `grant` when its policies hold `grant` and `others`. */
const problems = (grant: Statement, others: Statement[] = [], scope = SCOPE) =>
  grantProblems(grant, [grant, ...others], scope);

const FOREIGN_LABEL = {
  Null: { "aws:RequestTag/environment": "false" },
  StringNotEquals: { "aws:RequestTag/environment": "staging" },
};
const LABEL_REMOVAL = { "ForAnyValue:StringEquals": { "aws:TagKeys": ["environment"] } };
const LABELS = "ecs:TagResource may label a resource for another environment (aws:RequestTag/environment)";
const REMOVES = "ecs:UntagResource may remove the environment tag (no Deny on aws:TagKeys environment)";

describe("CC-ENV-07 grant reading (iamScope)", () => {
  it("a tag write is kept to the environment's label only by a Deny of that action on a foreign label", () => {
    const tag = allow(["ecs:TagResource"], [OWN_SERVICE]);
    assert.deepEqual(problems(tag), [LABELS]);
    assert.deepEqual(problems(tag, [deny(["ecs:TagResource"], FOREIGN_LABEL)]), []);
    assert.deepEqual(problems(tag, [deny(["ecs:*"], FOREIGN_LABEL)]), [], "a wildcard Deny covers it");
    assert.deepEqual(
      problems(tag, [allow(["ecs:TagResource"], ["*"], FOREIGN_LABEL)]),
      [LABELS],
      "an Allow is no Deny",
    );
    assert.deepEqual(
      problems(tag, [deny(["s3:PutObjectTagging"], FOREIGN_LABEL)]),
      [LABELS],
      "another action",
    );
  });

  it("a tag removal is kept from the environment tag only by a Deny of that action on aws:TagKeys", () => {
    const untag = allow(["ecs:UntagResource"], [OWN_SERVICE]);
    assert.deepEqual(problems(untag), [REMOVES]);
    assert.deepEqual(problems(untag, [deny(["ecs:UntagResource"], LABEL_REMOVAL)]), []);
    assert.deepEqual(problems(untag, [allow(["ecs:UntagResource"], ["*"], LABEL_REMOVAL)]), [REMOVES]);
    assert.deepEqual(problems(untag, [deny(["s3:DeleteObjectTagging"], LABEL_REMOVAL)]), [REMOVES]);
  });

  it("a deploy identity stays exposed behind a Deny that has a condition (it may not apply)", () => {
    const grant = allow(["iam:PutRolePolicy"], ["arn:aws:iam::123456789012:role/*-staging-*"]);
    const identity = "arn:aws:iam::123456789012:role/cicd-constitution-staging-deploy";
    const scope = { ...SCOPE, identities: ["arn:aws:iam::ACCOUNT:role/cicd-constitution-staging-deploy"] };
    const exposed = `iam:PutRolePolicy on arn:aws:iam::123456789012:role/*-staging-* may write the deploy identity ${identity}`;
    assert.deepEqual(problems(grant, [], scope), [exposed]);
    assert.deepEqual(problems(grant, [deny(["iam:*"], undefined, [identity])], scope), []);
    assert.deepEqual(
      problems(
        grant,
        [deny(["iam:*"], { Bool: { "aws:MultiFactorAuthPresent": "false" } }, [identity])],
        scope,
      ),
      [exposed],
    );
  });

  it("an app's role: an exact ARN is its own resource, a pattern must name the app", () => {
    const scope = { ...SCOPE, app: "erp" };
    const exact = "arn:aws:ecs:eu-west-1:123456789012:service/shared-staging/web";
    assert.deepEqual(problems(allow(["ecs:UpdateService"], [exact]), [], scope), []);
    const shared = "arn:aws:ecs:eu-west-1:123456789012:service/shared-staging/*";
    assert.deepEqual(problems(allow(["ecs:UpdateService"], [shared]), [], scope), [
      `ecs:UpdateService on ${shared} is not limited to erp's resources`,
    ]);
    assert.deepEqual(problems(allow(["ecs:UpdateService"], [OWN_SERVICE]), [], scope), [], "named for erp");
  });

  it("matches action patterns without case, as IAM does", () => {
    assert.deepEqual(problems(allow(["ECS:tagresource"], [OWN_SERVICE])), [LABELS]);
    assert.deepEqual(
      problems(allow(["ECS:Tag*"], [OWN_SERVICE]), [deny(["ecs:tagRESOURCE"], FOREIGN_LABEL)]),
      [],
    );
  });
});
