/**
 * The Scorecard Branch-Protection score of the declared settings (Scorecard docs/checks.md tiers), on the
 * repository's production stack and on single changes of its main ruleset; shown in every report format.
 */
import { strict as assert } from "node:assert";
import { branchProtectionScores, scoreLine } from "../../policy-pack/lib/scorecard";
import { auditReport } from "../../src/audit/policy";
import { renderReport } from "../../src/report/render";
import { REPORT_FORMATS } from "../../src/report/types";
import { mutate, NOW, realStacks } from "./helpers";
import { T } from "./rule-harness";

const RULESET = T.ruleset;
const MAIN = /^erp-berhan-governance-main-ruleset$/;

async function erpScore(change?: (p: Record<string, any>) => void) {
  const { production } = await realStacks();
  const resources = change ? mutate(production.resources, RULESET, MAIN, change) : production.resources;
  return branchProtectionScores(resources).find((s) => s.repository === "erp-berhan")!;
}

describe("Scorecard Branch-Protection score of the declared settings", () => {
  it("the repositories score 8/10 and say plainly that one required approval keeps them there", async () => {
    const { production } = await realStacks();
    const scores = branchProtectionScores(production.resources);
    assert.deepEqual(scores.map((s) => [s.repository, s.score, s.nextScore]).sort(), [
      ["cicd-constitution", 8, 9],
      ["erp-berhan", 8, 9],
      ["menu-optimizer", 8, 9],
    ]);
    for (const s of scores) {
      assert.deepEqual(s.nextTierNeeds, ["at least 2 approving reviews"]);
      assert.match(s.approvalsNote!, /requiredApprovals \(1\) keeps this repository at 8\/10/);
    }
  });

  const two = (p: Record<string, any>) => (p.rules.pullRequest.requiredApprovingReviewCount = 2);
  const cases: Array<[string, (p: Record<string, any>) => void, number, string[]]> = [
    ["two approvals reach the top tier", two, 10, []],
    [
      "two approvals without dismissing stale ones: 9 (half of tier 5)",
      (p) => {
        two(p);
        p.rules.pullRequest.dismissStaleReviewsOnPush = false;
      },
      9,
      ["stale approvals dismissed on new commits"],
    ],
    [
      "two approvals and a bypass actor: 9 (the protection does not apply to administrators)",
      (p) => {
        two(p);
        p.bypassActors = [{ actorId: 5, actorType: "RepositoryRole", bypassMode: "always" }];
      },
      9,
      ["administrators do not bypass"],
    ],
    [
      "force pushes allowed: 1 (half of tier 1)",
      (p) => (p.rules.nonFastForward = false),
      1,
      ["prevent force push"],
    ],
    [
      "no approval of the last push: 5 (tier 2 four fifths met)",
      (p) => (p.rules.pullRequest.requireLastPushApproval = false),
      5,
      ["approval of the most recent push"],
    ],
    [
      "no approval required: 4 (tier 2 three fifths met: pull requests without an approving review)",
      (p) => (p.rules.pullRequest.requiredApprovingReviewCount = 0),
      4,
      ["at least 1 approving review"],
    ],
    [
      "one required check is a required status check: 8, as with several",
      (p) => p.rules.requiredStatusChecks.requiredChecks.splice(1),
      8,
      ["at least 2 approving reviews"],
    ],
    [
      "no required checks at all: 5 (up to date is a setting of the required checks)",
      (p) => delete p.rules.requiredStatusChecks,
      5,
      ["branch up to date before merging"],
    ],
  ];
  for (const [name, change, score, needs] of cases)
    it(name, async () => {
      const s = await erpScore(change);
      assert.equal(s.score, score);
      assert.deepEqual(s.nextTierNeeds, needs);
    });

  it("code-owner review without a CODEOWNERS file does not count (as Scorecard's probe)", async () => {
    const { production } = await realStacks();
    const without = production.resources.filter(
      (r) => !(r.type === T.repositoryFile && /^erp-berhan-governance-codeowners$/.test(r.name)),
    );
    const erp = branchProtectionScores(without).find((s) => s.repository === "erp-berhan")!;
    assert.deepEqual(
      [erp.score, erp.nextTierNeeds],
      [8, ["at least 2 approving reviews", "code owners' review, with a CODEOWNERS file"]],
    );
  });

  it("two approvals without a CODEOWNERS file: tier 4 half met, and no note on approvals", async () => {
    const { production } = await realStacks();
    const without = mutate(production.resources, RULESET, MAIN, two).filter(
      (r) => !(r.type === T.repositoryFile && /^erp-berhan-governance-codeowners$/.test(r.name)),
    );
    const erp = branchProtectionScores(without).find((s) => s.repository === "erp-berhan")!;
    assert.deepEqual(
      [erp.score, erp.nextTierNeeds, erp.approvalsNote],
      [8, ["code owners' review, with a CODEOWNERS file"], undefined],
    );
  });

  it("one line per repository: the score, what the next tier needs or the top tier, and the note", () => {
    assert.equal(
      scoreLine({ repository: "erp", score: 10, nextTierNeeds: [], nextScore: null }),
      "erp: Scorecard Branch-Protection 10/10; top tier",
    );
    assert.equal(
      scoreLine({
        repository: "erp",
        score: 8,
        nextTierNeeds: ["a", "b"],
        nextScore: 9,
        approvalsNote: "why",
      }),
      "erp: Scorecard Branch-Protection 8/10; next (9/10) needs a, b. why",
    );
  });

  it("every report format shows each repository's score and what the next tier needs", async () => {
    const { production } = await realStacks();
    const report = auditReport(production.resources, {
      stack: "production",
      mode: "offline",
      config: production.config,
      now: NOW,
    });
    for (const format of REPORT_FORMATS) {
      const text = renderReport(report, format);
      for (const repo of ["erp-berhan", "menu-optimizer", "cicd-constitution"])
        assert.ok(text.includes(repo), `${format} ${repo}`);
      assert.match(text, /8\/10|"score": 8/, format);
      assert.match(text, /at least 2 approving reviews/, format);
    }
  });
});
