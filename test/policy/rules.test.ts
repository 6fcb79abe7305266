/**
 * Every rule on the program's real resources: the happy path passes, and one change per rule makes exactly
 * that rule fail (catalogue: shared/policy-catalogue.md; style: one fixture, one change per failing case).
 */
import { strict as assert } from "node:assert";
import { evaluate, PolicyResourceInput, RULES } from "../../policy-pack/evaluate";
import { failures, mutate, NOW, RealStack, realStacks, run } from "./helpers";
import { MUTATIONS, RULESET, TD, withArt05 } from "./mutations";

describe("policy rules on the program's real resources", function () {
  let stacks: Record<string, RealStack>;
  before(async () => {
    stacks = await realStacks();
    withArt05(stacks.staging.resources);
  });

  for (const stack of ["staging", "production"]) {
    it(`${stack}: every rule passes or does not apply, and nothing is unknown`, () => {
      const results = run(stacks[stack]);
      assert.deepEqual(failures(results), []);
      assert.ok(results.filter((r) => r.status === "pass").length > 100);
      assert.deepEqual(
        results.filter((r) => /known during preview|secret, hidden/.test(r.message)),
        [],
      );
    });
  }

  it("every rule has a pass on one of the stacks", () => {
    const passed = new Set(
      ["staging", "production"].flatMap((s) =>
        run(stacks[s])
          .filter((r) => r.status === "pass")
          .map((r) => r.ruleId),
      ),
    );
    assert.deepEqual(
      RULES.map((r) => r.id).filter((id) => !passed.has(id)),
      [],
    );
  });

  it("has a mutation for every rule but CC-WAIVE-01 and CC-WAIVE-02 (tested on config, below)", () => {
    assert.deepEqual(
      Object.keys(MUTATIONS).sort(),
      RULES.map((r) => r.id)
        .filter((id) => id !== "CC-WAIVE-01" && id !== "CC-WAIVE-02")
        .sort(),
    );
  });

  for (const [id, m] of Object.entries(MUTATIONS)) {
    it(`${id}: one change makes exactly this rule fail`, () => {
      const s = stacks[m.stack];
      const before = new Set(failures(run(s)));
      const after = failures(run(s, m.change(s.resources))).filter((f) => !before.has(f));
      assert.ok(after.length > 0, `${id} did not fail`);
      assert.deepEqual(
        [...new Set(after.map((f) => f.split(" ")[0]))],
        [id],
        `new failures: ${after.join(", ")}`,
      );
      assert.ok(
        after.some((f) => m.on.test(f)),
        `${id} failed on ${after.join(", ")}, expected ${m.on}`,
      );
    });
  }

  it("CC-WAIVE-01: an incomplete waiver fails and waives nothing; a complete one passes", () => {
    const s = stacks.production;
    const fixed = MUTATIONS["CC-BR-07"].change(s.resources);
    const config = (waiver: Record<string, unknown>) => ({
      ...s.config,
      "CC-BR-07-no-bypass": { ...s.config["CC-BR-07-no-bypass"], waivers: [waiver] },
      "CC-WAIVE-01-waivers-valid": { ...s.config["CC-WAIVE-01-waivers-valid"], waivers: [waiver] },
    });
    const valid = {
      ruleId: "CC-BR-07",
      resource: "erp-berhan-governance-main-ruleset",
      reason: "release bot needs a bypass during migration",
      owner: "mathieu",
      expires: "2026-12-31",
    };
    const ok = run(s, fixed, config(valid));
    assert.deepEqual(failures(ok), []);
    const waived = ok.filter((r) => r.status === "waived");
    assert.deepEqual(
      waived.map((r) => `${r.ruleId} ${r.resource?.name}`),
      ["CC-BR-07 erp-berhan-governance-main-ruleset"],
    );
    assert.deepEqual(waived[0].waiver, { reason: valid.reason, owner: "mathieu", expires: "2026-12-31" });
    assert.equal(ok.find((r) => r.ruleId === "CC-WAIVE-01")?.status, "pass");

    const noOwner: Record<string, unknown> = { ...valid };
    delete noOwner.owner;
    for (const bad of [noOwner, { ...valid, expires: "2026-11-20" }, { ...valid, reason: "because" }]) {
      const res = run(s, fixed, config(bad));
      assert.deepEqual(
        failures(res).sort(),
        ["CC-BR-07 erp-berhan-governance-main-ruleset", "CC-WAIVE-01 (stack)"],
        JSON.stringify(bad),
      );
    }
  });

  it("a waiver expires at the end of its expiry day", () => {
    const s = stacks.production;
    const w = {
      ruleId: "CC-BR-07",
      resource: "*erp-berhan*",
      reason: "release bot needs a bypass during migration",
      owner: "mathieu",
      expires: "2026-11-21",
    };
    const config = {
      ...s.config,
      "CC-BR-07-no-bypass": { waivers: [w] },
      "CC-WAIVE-01-waivers-valid": { waivers: [w] },
    };
    const fixed = MUTATIONS["CC-BR-07"].change(s.resources);
    assert.equal(
      run(s, fixed, config, NOW).find(
        (r) => r.ruleId === "CC-BR-07" && r.resource?.name === "erp-berhan-governance-main-ruleset",
      )?.status,
      "waived",
    );
    assert.equal(
      run(s, fixed, config, new Date("2026-11-22T00:00:01Z")).find(
        (r) => r.ruleId === "CC-BR-07" && r.resource?.name === "erp-berhan-governance-main-ruleset",
      )?.status,
      "fail",
    );
  });

  it("classic branch protection is understood like a ruleset", () => {
    const s = stacks.production;
    const main = s.resources.find((r) => r.type === RULESET && /erp-berhan-governance-main/.test(r.name))!;
    const classic: PolicyResourceInput = {
      urn: main.urn
        .replace(RULESET, "github:index/branchProtection:BranchProtection")
        .replace(/::[^:]+$/, "::erp-berhan-main-protection"),
      type: "github:index/branchProtection:BranchProtection",
      name: "erp-berhan-main-protection",
      parent: main.parent,
      props: {
        repositoryId: "erp-berhan",
        pattern: "main",
        enforceAdmins: true,
        allowsDeletions: false,
        allowsForcePushes: false,
        // Classic `checks` entries pin the app: `context:app_id` (CC-BR-12).
        requiredStatusChecks: [{ strict: true, checks: ["style:15368", "unit:15368", "smoke:15368"] }],
        requiredPullRequestReviews: [
          { requiredApprovingReviewCount: 1, dismissStaleReviews: true, requireCodeOwnerReviews: true },
        ],
      },
    };
    const swapped = [...s.resources.filter((r) => r !== main), classic];
    assert.deepEqual(failures(run(s, swapped)), []);
    const lax = swapped.map((r) =>
      r === classic ? { ...r, props: { ...r.props, enforceAdmins: false, allowsForcePushes: true } } : r,
    );
    assert.deepEqual(failures(run(s, lax)).sort(), [
      // The verdicts name the resource that holds the setting: the classic protection.
      "CC-BR-06 erp-berhan-main-protection",
      "CC-BR-07 erp-berhan-main-protection",
    ]);
  });

  it("values unknown during preview give not-applicable with the reason, never a failure", () => {
    const s = stacks.production;
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    let rs = mutate(s.resources, TD, /erp-berhan/, (p) => (p.containerDefinitions = unknown));
    rs = mutate(
      rs,
      "aws:iam/role:Role",
      /erp-berhan-production-environment-deploy-role/,
      (p) => (p.assumeRolePolicy = "[unknown]"),
    );
    rs = mutate(rs, RULESET, /erp-berhan-governance-main/, (p) => (p.rules = unknown));
    const results = run(s, rs);
    assert.deepEqual(failures(results), []);
    const na = results.filter(
      (r) => r.status === "not-applicable" && /can't be known during preview/.test(r.message),
    );
    for (const id of [
      "CC-ART-06",
      "CC-RUN-02",
      "CC-RUN-05",
      "CC-PAR-01",
      "CC-ENV-06",
      "CC-BR-02",
      "CC-BR-07",
    ])
      assert.ok(
        na.some((r) => r.ruleId === id),
        `${id} not-applicable: ${na.map((r) => r.ruleId).join(",")}`,
      );
  });

  it("CC-ENV-04 reports a secret stored in plain text when the input marks secrets", () => {
    const s = stacks.staging;
    const marked = mutate(
      s.resources,
      "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
      /erp-berhan/,
      (p) => (p.value = "[secret]"),
    );
    const base = { stack: "staging", config: s.config, now: NOW, secretsMarked: true };
    const ok = evaluate(marked, base).filter(
      (r) => r.ruleId === "CC-ENV-04" && /erp-berhan-staging-environment-secret/.test(r.resource?.name ?? ""),
    );
    assert.deepEqual(
      ok.map((r) => r.status),
      ["pass"],
    );
    const plain = mutate(
      marked,
      "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
      /erp-berhan/,
      (p) => (p.value = "[plaintext]"),
    );
    const bad = evaluate(plain, base).filter(
      (r) => r.status === "fail" && /erp-berhan/.test(r.resource?.name ?? ""),
    );
    assert.deepEqual(
      bad.map((r) => r.ruleId),
      ["CC-ENV-04"],
    );
    assert.match(bad[0].message, /plain text/);
  });

  it("a disabled rule gives one not-applicable result and no failure", () => {
    const s = stacks.production;
    const rs = MUTATIONS["CC-BR-05"].change(s.resources);
    const config = {
      ...s.config,
      "CC-BR-05-delete-branch-on-merge": { enforcementLevel: "disabled" as const },
    };
    const res = run(s, rs, config).filter((r) => r.ruleId === "CC-BR-05");
    assert.deepEqual(
      res.map((r) => [r.status, r.message]),
      [["not-applicable", "rule disabled by policy config"]],
    );
  });
});
