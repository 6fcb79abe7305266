/**
 * The rules' config schemas are valid JSON Schema (draft-07, what ajv and the engine read). The CLI's validators
 * skip this check at run time (src/audit/policy.ts, `validateSchema: false`), so it is made here, once per rule.
 */
import { strict as assert } from "node:assert";
import Ajv from "ajv";
import { configSchemaOf } from "../../policy-pack/lib/rule";
import { RULES } from "../../policy-pack/evaluate";
import { settingsProblems } from "../../src/audit/policy";

describe("policy config schemas", () => {
  const ajv = new Ajv({ allErrors: true, strict: false });

  for (const meta of RULES)
    it(`${meta.id}: its config schema is valid JSON Schema`, () => {
      const schema = { type: "object", ...configSchemaOf(meta) };
      assert.equal(ajv.validateSchema(schema), true, ajv.errorsText(ajv.errors));
    });

  it("a schema that is not JSON Schema is caught by this check", () => {
    assert.equal(ajv.validateSchema({ type: "object", properties: { x: { type: "no-such-type" } } }), false);
  });

  it("the run-time validators still reject a setting of the wrong type, naming the key", () => {
    const meta = RULES.find((r) => Object.keys(r.configurable ?? {}).length > 0)!;
    const [key] = Object.keys(meta.configurable!);
    const problems = settingsProblems({ [meta.policyName]: { [key]: { not: "a valid value" } } });
    assert.equal(problems.length, 1);
    assert.equal(problems[0].key, `cicd-constitution:policy.settings.${meta.id}.${key}`);
  });

  it("the run-time validators reject an unknown enforcement level and a waivers value that is no list", () => {
    const meta = RULES[0];
    const problems = settingsProblems({
      [meta.policyName]: { enforcementLevel: "loud", waivers: "none" } as never,
    });
    assert.deepEqual(problems.map((p) => p.key).sort(), [
      `cicd-constitution:policy.settings.${meta.id}.enforcementLevel`,
      `cicd-constitution:policy.settings.${meta.id}.waivers`,
    ]);
  });
});
