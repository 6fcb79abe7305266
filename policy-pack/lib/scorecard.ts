/**
 * The OpenSSF Scorecard Branch-Protection score of a repository's declared protection, computed as Scorecard's
 * own evaluation computes it (ossf/scorecard `checks/evaluation/branch_protection.go`; the tiers of its
 * docs/checks.md "Branch-Protection", whose point values the code has since changed). Five tiers worth 3, 3, 2, 1
 * and 1 points; a tier counts only when every earlier tier is fully met, and the first tier not fully met adds
 * the share of its requirements that are met; the sum is truncated to an integer.
 *   Tier 1: prevent force push; prevent branch deletion.
 *   Tier 2: at least 1 approving review (weight 2); up to date before merging; approval of the last push;
 *           changes only through pull requests.
 *   Tier 3: a required status check.
 *   Tier 4: at least 2 approving reviews; code owners' review, with a CODEOWNERS file.
 *   Tier 5: stale approvals dismissed; the protection applies to administrators.
 * It scores what the program declares (rulesets, classic protection, the managed CODEOWNERS), as Scorecard would
 * read them with an administrator's token; Scorecard itself reads the live settings.
 */
import { BranchProtectionView, mainProtection, ofRepository, Repo, repositories } from "./github";
import { CODEOWNERS_PATHS } from "./facts";
import { str } from "./props";
import type { Res } from "./rule";
import { T } from "./tokens";

/** What a tier requires of the protection, each requirement with its weight. */
interface Tier {
  points: number;
  requirements: Array<[string, number, (p: BranchProtectionView, codeOwnersFile: boolean) => boolean]>;
}

const TIERS: Tier[] = [
  {
    points: 3,
    requirements: [
      ["prevent force push", 1, (p) => p.noForcePush],
      ["prevent branch deletion", 1, (p) => p.noDeletion],
    ],
  },
  {
    points: 3,
    requirements: [
      ["at least 1 approving review", 2, (p) => p.pullRequest && p.approvals >= 1],
      ["branch up to date before merging", 1, (p) => p.strict],
      ["approval of the most recent push", 1, (p) => p.lastPushApproval],
      ["changes only through pull requests", 1, (p) => p.pullRequest],
    ],
  },
  { points: 2, requirements: [["a required status check", 1, (p) => p.requiredChecks.size >= 1]] },
  {
    points: 1,
    requirements: [
      ["at least 2 approving reviews", 1, (p) => p.pullRequest && p.approvals >= 2],
      ["code owners' review, with a CODEOWNERS file", 1, (p, file) => p.codeOwnerReview && file],
    ],
  },
  {
    points: 1,
    requirements: [
      ["stale approvals dismissed on new commits", 1, (p) => p.dismissStale],
      ["administrators do not bypass", 1, (p) => p.bypass.length === 0],
    ],
  },
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
  const codeOwnersFile = ofRepository(resources, T.repositoryFile, repo).some((f) =>
    (CODEOWNERS_PATHS as readonly string[]).includes(str(f.props.file) ?? ""),
  );
  /** Points of the tiers fully met so far. */
  let full = 0;
  for (const [i, tier] of TIERS.entries()) {
    const met = tier.requirements.filter(([, , ok]) => ok(p, codeOwnersFile));
    const weight = (list: Tier["requirements"]) => list.reduce((n, [, w]) => n + w, 0);
    if (met.length === tier.requirements.length) {
      full += tier.points;
      continue;
    }
    // The first tier not fully met adds the share of it that is met; Scorecard truncates the sum.
    const score = Math.trunc(full + (weight(met) * tier.points) / weight(tier.requirements));
    const missing = tier.requirements.filter((r) => !met.includes(r)).map(([what]) => what);
    const onlyApprovals = i === 3 && missing.length === 1 && missing[0] === "at least 2 approving reviews";
    return {
      repository: repo.name,
      score,
      nextTierNeeds: missing,
      nextScore: full + tier.points,
      ...(onlyApprovals
        ? {
            approvalsNote: `the configured requiredApprovals (${p.approvals}) keeps this repository at ${score}/10: Tier 4 needs 2 approving reviews on every change`,
          }
        : {}),
    };
  }
  return { repository: repo.name, score: 10, nextTierNeeds: [], nextScore: null };
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
