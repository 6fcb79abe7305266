/**
 * The pack judges every resource of a type it has a rule for, whatever program declared it (issue 26): for every
 * rule section, a stack of another program holding only one bad resource of each type the section's rules judge
 * fails it with the section's rule, saying it was judged on its own where the rule looks for neighbours; a good
 * one of the same type passes (or is not applicable, with the reason). The types covered are checked against the
 * types the rules name, so a rule of a new type without a standalone case fails here. The program's own stacks
 * never need standalone judging: their resources are tied to their neighbours.
 */
import { strict as assert } from "node:assert";
import {
  evaluate,
  PolicyResourceInput,
  resolvePackConfig,
  RULES,
  RuleResult,
} from "../../policy-pack/evaluate";
import { JUDGED_ALONE } from "../../policy-pack/lib/standalone";
import { TAGGABLE_AWS_TYPES } from "../../policy-pack/lib/tokens";
import type { Section } from "../../policy-pack/lib/types";
import { realStacks, run } from "./helpers";
import { NOW, T } from "./rule-harness";
import { alone, CASES, EVIDENCE, FOREIGN_STACK, StandaloneCase, TAGS } from "./standaloneCases";

/** CC-OBS-04 judges every taggable type by its own tags: one generated case each, unless a section case exists. */
const TAG_CASES: StandaloneCase[] = TAGGABLE_AWS_TYPES.filter(
  (type) => !CASES.some((c) => c.section === "OBS" && c.type === type),
).map((type) => ({
  section: "OBS",
  type,
  rule: "CC-OBS-04",
  bad: { tags: { app: "payments" } },
  alone: false,
  good: { props: { tags: TAGS }, status: "pass" },
}));
const ALL_CASES = [...CASES, ...TAG_CASES];

/** The results of rule `id` over `resources`, in a stack `stack` of the foreign program. */
function resultsOf(id: string, resources: PolicyResourceInput[], stack = FOREIGN_STACK): RuleResult[] {
  return evaluate(resources, { stack, config: resolvePackConfig({}), now: NOW }).filter(
    (x) => x.ruleId === id,
  );
}

/** The verdict of rule `id` on `res` judged alone in the foreign stack. */
function verdictOn(id: string, res: PolicyResourceInput, stack = FOREIGN_STACK): RuleResult | undefined {
  return resultsOf(id, [res], stack).find((x) => x.resource?.urn === res.urn);
}

const shortType = (type: string) => type.split(":").pop();

describe("standalone resources: judged on their own, never skipped", () => {
  const sections = [...new Set(RULES.map((m) => m.section))];

  it("has a standalone case (or a stated evidence role) for every type every rule section names", () => {
    const missing = RULES.flatMap((m) =>
      m.appliesTo
        .filter(
          (type) =>
            !ALL_CASES.some((c) => c.section === m.section && c.type === type) &&
            EVIDENCE[m.section]?.[type] === undefined,
        )
        .map((type) => `${m.section} ${type} (${m.id})`),
    );
    assert.deepEqual([...new Set(missing)], []);
  });

  it("names, for each case, a rule of its section that names its type", () => {
    for (const c of ALL_CASES) {
      const meta = RULES.find((m) => m.id === c.rule);
      assert.ok(meta, c.rule);
      assert.equal(meta.section, c.section, c.rule);
      assert.ok(meta.appliesTo.includes(c.type), `${c.rule} does not name ${c.type}`);
    }
  });

  it("judges on its own every evidence type of a section that another section also judges", () => {
    const judged = new Set(ALL_CASES.map((c) => c.type));
    for (const [section, types] of Object.entries(EVIDENCE))
      for (const type of Object.keys(types ?? {}))
        if (type !== T.stackReference && type !== T.syntheticsCanary)
          assert.ok(judged.has(type), `${section} reads ${type} as evidence, and no section judges it alone`);
  });

  for (const section of sections) {
    describe(`${section}`, () => {
      for (const c of ALL_CASES.filter((x) => x.section === section)) {
        it(`${c.rule} fails a bad ${shortType(c.type)} alone${c.alone ? ", saying it was judged on its own" : ""}`, () => {
          const bad = alone(c.type, `bad-${shortType(c.type)}`, c.bad);
          const v = verdictOn(c.rule, bad);
          assert.equal(v?.status, "fail", JSON.stringify(resultsOf(c.rule, [bad])));
          if (c.alone) assert.match(v.message, new RegExp(JUDGED_ALONE));
        });
        const good = c.good;
        if ("none" in good)
          it(`${c.rule} has no good ${shortType(c.type)} alone: ${good.none}`, () => assert.ok(good.none));
        else
          it(`${c.rule} gives a good ${shortType(c.type)} alone ${good.status}`, () => {
            const res = alone(c.type, `good-${shortType(c.type)}`, good.props);
            const v = verdictOn(c.rule, res);
            assert.equal(v?.status, good.status, JSON.stringify(resultsOf(c.rule, [res])));
            // Not applicable only with the reason.
            if (good.status === "not-applicable") assert.match(v.message, /\S/);
          });
      }
      for (const [type, why] of Object.entries(EVIDENCE[section as Section] ?? {}))
        it(`reads a ${shortType(type)} only as evidence (${why}): alone, no ${section} rule fails it`, () => {
          const res = alone(type, `lone-${shortType(type)}`);
          const failed = RULES.filter((m) => m.section === section).flatMap((m) =>
            resultsOf(m.id, [res]).filter((x) => x.status === "fail"),
          );
          assert.deepEqual(failed, []);
        });
    });
  }

  describe("by the stack's name: untagged resources of a stack named production are production's", () => {
    const image = alone(T.image, "payments-image", { tags: ["ghcr.io/payco/payments:latest"] });
    const service = alone(T.service, "payments", { name: "payments" });
    const flags = alone(T.hostedConfig, "payments-flags", {
      content: JSON.stringify({ flags: { checkout: {} }, values: { checkout: { default: true } } }),
    });
    for (const [id, res] of [
      ["CC-ART-05", image],
      ["CC-RUN-13", service],
      ["CC-FLAG-03", flags],
    ] as const) {
      it(`${id} fails ${res.name} alone in a stack named production, saying it was judged on its own`, () => {
        const v = verdictOn(id, res);
        assert.equal(v?.status, "fail");
        assert.match(v.message, new RegExp(`${JUDGED_ALONE}: no environment tag`));
      });
      it(`${id} does not fail ${res.name} alone in a stack named staging`, () => {
        const staged = alone(res.type, res.name, res.props, "staging");
        assert.deepEqual(
          resultsOf(id, [staged], "staging").filter((x) => x.status === "fail"),
          [],
        );
      });
    }
  });

  it("CC-WAIVE-01 fails an expired waiver of a stack holding one foreign resource", () => {
    const config = resolvePackConfig({
      waivers: [
        {
          ruleId: "CC-RUN-04",
          resource: "payments",
          reason: "scaling down for a migration",
          owner: "payco",
          expires: "2026-01-31",
        },
      ],
    });
    const results = evaluate([alone(T.service, "payments", { name: "payments" })], {
      stack: FOREIGN_STACK,
      config,
      now: NOW,
    });
    const w = results.filter((x) => x.ruleId === "CC-WAIVE-01");
    assert.equal(w[0]?.status, "fail");
    // The expired waiver waives nothing: CC-RUN-04 still fails the lone service.
    assert.equal(results.find((x) => x.ruleId === "CC-RUN-04")?.status, "fail");
  });

  it("never judges a resource of the program's own stacks on its own", async function () {
    this.timeout(300_000);
    const stacks = await realStacks();
    const alone = Object.values(stacks).flatMap((s) =>
      run(s)
        .filter((x) => x.message.includes(JUDGED_ALONE))
        .map((x) => `${s.stack} ${x.ruleId} ${x.resource?.name ?? "(stack)"}: ${x.message}`),
    );
    assert.deepEqual(alone, []);
  });
});
