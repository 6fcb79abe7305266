/**
 * The OpenSSF Scorecard Branch-Protection score of a repository's declared protection, with the tier logic of
 * Scorecard's own documentation (ossf/scorecard docs/checks.md, "Branch-Protection"): tiers are cumulative, and
 * a tier counts only when every earlier tier is fully met.
 *   Tier 1 (3/10): prevent force push; prevent branch deletion; administrators do not bypass.
 *   Tier 2 (6/10): at least 1 approving review; branch up to date before merging; approval of the last push.
 *   Tier 3 (7/10): at least 1 required status check.
 *   Tier 4 (9/10): at least 2 approving reviews; review from code owners.
 *   Tier 5 (10/10): stale approvals dismissed on new commits.
 * It scores what the program declares (rulesets and classic protection), as Scorecard would read them with an
 * administrator's token; Scorecard itself reads the live settings.
 */
import { BranchProtectionView, mainProtection, Repo, repositories } from "./github";
import type { Res } from "./rule";

/** One tier: its score and what it requires of the protection. */
interface Tier {
  score: number;
  requirements: Array<[string, (p: BranchProtectionView) => boolean]>;
}

const TIERS: Tier[] = [
  {
    score: 3,
    requirements: [
      ["prevent force push", (p) => p.noForcePush],
      ["prevent branch deletion", (p) => p.noDeletion],
      ["administrators do not bypass", (p) => p.bypass.length === 0],
    ],
  },
  {
    score: 6,
    requirements: [
      ["at least 1 approving review", (p) => p.pullRequest && p.approvals >= 1],
      ["branch up to date before merging", (p) => p.strict],
      ["approval of the most recent push", (p) => p.lastPushApproval],
    ],
  },
  { score: 7, requirements: [["at least 1 required status check", (p) => p.requiredChecks.size >= 1]] },
  {
    score: 9,
    requirements: [
      ["at least 2 approving reviews", (p) => p.pullRequest && p.approvals >= 2],
      ["review from code owners", (p) => p.codeOwnerReview],
    ],
  },
  { score: 10, requirements: [["stale approvals dismissed on new commits", (p) => p.dismissStale]] },
];

/** A repository's Branch-Protection score and what the next tier needs. */
export interface ScorecardBranchProtection {
  repository: string;
  /** 0 to 10. */
  score: number;
  /** Requirements of the first tier not met (empty at 10). */
  nextTierNeeds: string[];
  /** The score the next tier gives, or null at 10. */
  nextScore: number | null;
  /**
   * Said plainly when the configured approvals are what keeps the repository below 9 (one approval required:
   * Tier 4 asks for two reviewers, which a two-person team cannot give every change).
   */
  approvalsNote?: string;
}

/** The score of one repository's default-branch protection. */
export function branchProtectionScore(repo: Repo, resources: Res[]): ScorecardBranchProtection {
  const p = mainProtection(repo, resources);
  let score = 0;
  for (const tier of TIERS) {
    const missing = tier.requirements.filter(([, ok]) => !ok(p)).map(([what]) => what);
    if (missing.length) {
      const onlyApprovals =
        tier.score === 9 && missing.length === 1 && missing[0] === "at least 2 approving reviews";
      return {
        repository: repo.name,
        score,
        nextTierNeeds: missing,
        nextScore: tier.score,
        ...(onlyApprovals
          ? {
              approvalsNote: `the configured requiredApprovals (${p.approvals}) keeps this repository at ${score}/10: Tier 4 needs 2 approving reviews on every change`,
            }
          : {}),
      };
    }
    score = tier.score;
  }
  return { repository: repo.name, score, nextTierNeeds: [], nextScore: null };
}

/** The scores of every repository of a stack (none where the stack owns no repository). */
export function branchProtectionScores(resources: Res[]): ScorecardBranchProtection[] {
  return repositories(resources).map((repo) => branchProtectionScore(repo, resources));
}

/** One line: `REPO: 7/10; next (9/10) needs ...`. */
export function scoreLine(s: ScorecardBranchProtection): string {
  const next =
    s.nextScore === null ? "top tier" : `next (${s.nextScore}/10) needs ${s.nextTierNeeds.join(", ")}`;
  return `${s.repository}: Scorecard Branch-Protection ${s.score}/10; ${next}${s.approvalsNote ? `. ${s.approvalsNote}` : ""}`;
}
