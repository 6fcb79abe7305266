/**
 * The environments a stack's resources declare (policy-pack/lib/stack.ts): AWS `environment` tags and GitHub
 * `environment` fields, never a StackReference's; without any, the stack named in the URNs, marked as such (its
 * verdicts are judged on their own); an unknown tag counts as declared.
 */
import * as assert from "node:assert/strict";
import { UNKNOWN_MARKER, unknownCheckingProps } from "../../../policy-pack/lib/props";
import type { Res } from "../../../policy-pack/lib/rule";
import { stackEnvironments, stackEnvironmentsOrName } from "../../../policy-pack/lib/stack";
import { T } from "../rule-harness";

const res = (
  type: string,
  props: Record<string, unknown>,
  urn = `urn:pulumi:eu-prod::p::${type}::x`,
): Res => ({
  urn,
  type,
  name: "x",
  props,
});
const REF = "pulumi:pulumi:StackReference";
const standing = (resources: Res[]) => {
  const { envs, fromStack } = stackEnvironmentsOrName(resources);
  return { envs: [...envs].sort(), fromStack };
};

describe("pack lib: a stack's environments", () => {
  it("reads AWS tags and GitHub environment fields, not a StackReference's", () => {
    const resources = [
      res(T.cluster, { tags: { environment: "staging" } }),
      res("github:index/repositoryEnvironment:RepositoryEnvironment", { environment: "production" }),
      res(REF, { tags: { environment: "drift" } }),
    ];
    assert.deepEqual([...stackEnvironments(resources)].sort(), ["production", "staging"]);
    assert.deepEqual(standing(resources), { envs: ["production", "staging"], fromStack: false });
  });

  it("without any declared environment: the stack the URNs name, judged on its own", () => {
    assert.deepEqual(standing([res(T.cluster, {}), res(REF, { tags: { environment: "production" } })]), {
      envs: ["eu-prod"],
      fromStack: true,
    });
  });

  it("an unknown environment tag counts as declared: no environment, not the stack's name", () => {
    const unknown = res(T.cluster, unknownCheckingProps({ tags: { environment: UNKNOWN_MARKER } }));
    assert.deepEqual(standing([unknown]), { envs: [], fromStack: false });
  });

  it("no resource, or URNs that name no stack: nothing", () => {
    assert.deepEqual(standing([]), { envs: [], fromStack: false });
    assert.deepEqual(standing([res(T.cluster, {}, "not-a-urn")]), { envs: [], fromStack: false });
  });
});
