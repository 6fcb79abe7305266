/**
 * The pack's resource type tokens are written once, in policy-pack/lib/tokens.ts (`T`): every type a rule applies
 * to, and the taggable AWS types of CC-OBS-04, are tokens of that map, and each token is written once there.
 */
import { strict as assert } from "node:assert";
import { RULES } from "../../policy-pack/catalogue";
import { T, TAGGABLE_AWS_TYPES } from "../../policy-pack/lib/tokens";

const TOKENS = new Set<string>(Object.values(T));

describe("resource type tokens (policy-pack/lib/tokens.ts)", function () {
  it("every type a rule applies to is a token of the map", function () {
    const outside = RULES.flatMap((r) =>
      r.appliesTo.filter((t) => !TOKENS.has(t)).map((t) => `${r.id}: ${t}`),
    );
    assert.deepEqual(outside, []);
  });

  it("CC-ENV-05 reads repository-level Actions secrets through the map's token", function () {
    assert.ok(RULES.find((r) => r.id === "CC-ENV-05")!.appliesTo.includes(T.actionsSecret));
  });

  it("the taggable AWS types are AWS tokens of the map, each once", function () {
    assert.ok(TAGGABLE_AWS_TYPES.every((t) => TOKENS.has(t) && t.startsWith("aws:")));
    assert.equal(new Set(TAGGABLE_AWS_TYPES).size, TAGGABLE_AWS_TYPES.length);
  });

  it("names each token once", function () {
    assert.equal(TOKENS.size, Object.values(T).length);
  });
});
