/**
 * The Scorecard Branch-Protection score of the declared settings (Scorecard docs/checks.md tiers), on the
 * repository's production stack and on single changes of its main ruleset; shown in every report format.
 */
import { strict as assert } from "node:assert";
import { branchProtectionScores } from "../../policy-pack/lib/scorecard";
import { auditReport } from "../../src/cli/policy";
import { renderReport } from "../../src/report/render";
import { REPORT_FORMATS } from "../../src/report/types";
import { mutate, NOW, realStacks } from "./helpers";

const RULESET = "github:index/repositoryRuleset:RepositoryRuleset";
const MAIN = /^erp-berhan-governance-main-ruleset$/;

async function erpScore(change?: (p: Record<string, any>) => void) {
  const { production } = await realStacks();
  const resources = change ? mutate(production.resources, RULESET, MAIN, change) : production.resources;
  return branchProtectionScores(resources).find((s) => s.repository === "erp-berhan")!;
}

describe("Scorecard Branch-Protection score of the declared settings", () => {
  it("the repositories score 7/10 and say plainly that one required approval keeps them there", async () => {
    const { production } = await realStacks();
    const scores = branchProtectionScores(production.resources);
    assert.deepEqual(scores.map((s) => [s.repository, s.score, s.nextScore]).sort(), [
      ["cicd-constitution", 7, 9],
      ["erp-berhan", 7, 9],
      ["menu-optimizer", 7, 9],
    ]);
    for (const s of scores) {
      assert.deepEqual(s.nextTierNeeds, ["at least 2 approving reviews"]);
      assert.match(s.approvalsNote!, /requiredApprovals \(1\) keeps this repository at 7\/10/);
    }
  });

  const cases: Array<[string, (p: Record<string, any>) => void, number, string[]]> = [
    [
      "two approvals reach the top tier",
      (p) => (p.rules.pullRequest.requiredApprovingReviewCount = 2),
      10,
      [],
    ],
    [
      "two approvals without dismissing stale ones stop at 9",
      (p) => {
        p.rules.pullRequest.requiredApprovingReviewCount = 2;
        p.rules.pullRequest.dismissStaleReviewsOnPush = false;
      },
      9,
      ["stale approvals dismissed on new commits"],
    ],
    ["force pushes allowed give 0", (p) => (p.rules.nonFastForward = false), 0, ["prevent force push"]],
    [
      "a bypass actor gives 0",
      (p) => (p.bypassActors = [{ actorId: 5, actorType: "RepositoryRole", bypassMode: "always" }]),
      0,
      ["administrators do not bypass"],
    ],
    [
      "no approval of the last push stops at 3",
      (p) => (p.rules.pullRequest.requireLastPushApproval = false),
      3,
      ["approval of the most recent push"],
    ],
    [
      "no required checks at all stop at 3 (up to date is a setting of the required checks)",
      (p) => delete p.rules.requiredStatusChecks,
      3,
      ["branch up to date before merging"],
    ],
    [
      "checks that need not be up to date stop at 3",
      (p) => (p.rules.requiredStatusChecks.strictRequiredStatusChecksPolicy = false),
      3,
      ["branch up to date before merging"],
    ],
  ];
  for (const [name, change, score, needs] of cases)
    it(name, async () => {
      const s = await erpScore(change);
      assert.equal(s.score, score);
      assert.deepEqual(s.nextTierNeeds, needs);
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
      assert.match(text, /7\/10|"score": 7/, format);
      assert.match(text, /at least 2 approving reviews/, format);
    }
  });
});
