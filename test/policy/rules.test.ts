/**
 * Every rule on the program's real resources: the happy path passes, and one change per rule makes exactly
 * that rule fail (catalogue: shared/policy-catalogue.md; style: one fixture, one change per failing case).
 */
import { strict as assert } from "node:assert";
import {
  evaluate,
  PLAINTEXT_MARKER,
  PolicyResourceInput,
  RULES,
  SECRET_MARKER,
  UNKNOWN_MARKER,
  UNKNOWN_SENTINEL,
} from "../../policy-pack/evaluate";
import { failures, mutate, NOW, RealStack, realStacks, run } from "./helpers";
import { MUTATIONS, withArt05 } from "./mutations";
import { T, WAIVER } from "./rule-harness";

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

  it("has a fixture change for every rule but CC-WAIVE-01 and CC-WAIVE-02 (tested on config, below)", () => {
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

  describe("waivers on the real production stack, where CC-BR-07's fixture change fails", () => {
    const valid = {
      ...WAIVER,
      resource: "erp-berhan-governance-main-ruleset",
      reason: "release bot needs a bypass during migration",
    };
    const waiving = (waiver: Record<string, unknown>, now = NOW) => {
      const s = stacks.production;
      const config = {
        ...s.config,
        "CC-BR-07-no-bypass": { ...s.config["CC-BR-07-no-bypass"], waivers: [waiver] },
        "CC-WAIVE-01-waivers-valid": { ...s.config["CC-WAIVE-01-waivers-valid"], waivers: [waiver] },
      };
      return run(s, MUTATIONS["CC-BR-07"].change(s.resources), config, now);
    };
    const br07 = (results: ReturnType<typeof run>) =>
      results.find(
        (r) => r.ruleId === "CC-BR-07" && r.resource?.name === "erp-berhan-governance-main-ruleset",
      )?.status;

    it("CC-WAIVE-01 passes a complete waiver, which turns the failure into waived", () => {
      const ok = waiving(valid);
      assert.deepEqual(failures(ok), []);
      const waived = ok.filter((r) => r.status === "waived");
      assert.deepEqual(
        waived.map((r) => `${r.ruleId} ${r.resource?.name}`),
        ["CC-BR-07 erp-berhan-governance-main-ruleset"],
      );
      assert.deepEqual(waived[0].waiver, { reason: valid.reason, owner: "mathieu", expires: "2026-12-31" });
      assert.equal(ok.find((r) => r.ruleId === "CC-WAIVE-01")?.status, "pass");
    });

    const noOwner: Record<string, unknown> = { ...valid };
    delete noOwner.owner;
    for (const [what, bad] of [
      ["without owner", noOwner],
      ["that expired yesterday", { ...valid, expires: "2026-11-20" }],
      ["with a reason shorter than 10 characters", { ...valid, reason: "because" }],
    ] as const)
      it(`CC-WAIVE-01 fails a waiver ${what}, which waives nothing`, () =>
        assert.deepEqual(failures(waiving(bad)).sort(), [
          "CC-BR-07 erp-berhan-governance-main-ruleset",
          "CC-WAIVE-01 (stack)",
        ]));

    const today = { ...valid, resource: "*erp-berhan*", expires: "2026-11-21" };
    it("a waiver expiring today still waives on its expiry day", () =>
      assert.equal(br07(waiving(today)), "waived"));
    it("a waiver waives nothing a second after its expiry day", () =>
      assert.equal(br07(waiving(today, new Date("2026-11-22T00:00:01Z"))), "fail"));
  });

  describe("classic branch protection is understood like a ruleset", () => {
    const swapped = () => {
      const s = stacks.production;
      const main = s.resources.find(
        (r) => r.type === T.ruleset && /erp-berhan-governance-main/.test(r.name),
      )!;
      const classic: PolicyResourceInput = {
        urn: main.urn
          .replace(T.ruleset, T.branchProtection)
          .replace(/::[^:]+$/, "::erp-berhan-main-protection"),
        type: T.branchProtection,
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
      return { classic, resources: [...s.resources.filter((r) => r !== main), classic] };
    };

    it("a classic protection with the ruleset's settings passes every rule", () =>
      assert.deepEqual(failures(run(stacks.production, swapped().resources)), []));

    it("a classic protection admins bypass and force pushes may reach fails CC-BR-06 and CC-BR-07 on it", () => {
      const { classic, resources } = swapped();
      const lax = resources.map((r) =>
        r === classic ? { ...r, props: { ...r.props, enforceAdmins: false, allowsForcePushes: true } } : r,
      );
      assert.deepEqual(failures(run(stacks.production, lax)).sort(), [
        // The verdicts name the resource that holds the setting: the classic protection.
        "CC-BR-06 erp-berhan-main-protection",
        "CC-BR-07 erp-berhan-main-protection",
      ]);
    });
  });

  it("values unknown during preview give not-applicable with the reason, never a failure", () => {
    const s = stacks.production;
    let rs = mutate(
      s.resources,
      T.taskDefinition,
      /erp-berhan/,
      (p) => (p.containerDefinitions = UNKNOWN_SENTINEL),
    );
    rs = mutate(
      rs,
      T.role,
      /erp-berhan-production-environment-deploy-role/,
      (p) => (p.assumeRolePolicy = UNKNOWN_MARKER),
    );
    rs = mutate(rs, T.ruleset, /erp-berhan-governance-main/, (p) => (p.rules = UNKNOWN_SENTINEL));
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

  describe("CC-ENV-04 when the input marks secrets (plan files, exports)", () => {
    const marked = (value: string) =>
      mutate(stacks.staging.resources, T.envSecret, /erp-berhan/, (p) => (p.value = value));
    const judged = (value: string) =>
      evaluate(marked(value), {
        stack: "staging",
        config: stacks.staging.config,
        now: NOW,
        secretsMarked: true,
      });

    it("CC-ENV-04 passes a secret marked as a secret", () =>
      assert.deepEqual(
        judged(SECRET_MARKER)
          .filter(
            (r) =>
              r.ruleId === "CC-ENV-04" &&
              /erp-berhan-staging-environment-secret/.test(r.resource?.name ?? ""),
          )
          .map((r) => r.status),
        ["pass"],
      ));

    it("CC-ENV-04 alone fails a secret stored in plain text, saying so", () => {
      const bad = judged(PLAINTEXT_MARKER).filter(
        (r) => r.status === "fail" && /erp-berhan/.test(r.resource?.name ?? ""),
      );
      assert.deepEqual(
        bad.map((r) => r.ruleId),
        ["CC-ENV-04"],
      );
      assert.match(bad[0].message, /plain text/);
    });
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
