/**
 * BR: branching and pull requests. Source: CONST "Branching & Flow", "Required PR Checks"; OPS "CI/CD Pipeline".
 * Catalogue: shared/policy-catalogue.md "BR". Protection is read from rulesets and classic branch protection.
 */
import { DEFAULT_BRANCH, mainProtection, names, refersTo, repositories, rulesetTargets } from "../lib/github";
import { arr, str } from "../lib/props";
import { defineRule, Res, Rule, Verdicts, stringList } from "../lib/rule";
import { T } from "../lib/tokens";

const PROTECTION_TYPES = [T.repository, T.ruleset, T.branchProtection];
const SRC = 'CONST "Branching & Flow"';

/** Runs `check` for every repository of the stack with the effective protection of its default branch. */
function perRepository(
  resources: Res[],
  out: Verdicts,
  check: (holder: Res, p: ReturnType<typeof mainProtection>, repoName: string) => void,
): void {
  for (const repo of repositories(resources)) {
    out.guard(repo.res, () => {
      const p = mainProtection(repo, resources);
      // No protection at all is CC-BR-01's failure; the other rules have nothing to judge.
      if (p.sources.length === 0)
        return out.na(repo.res, `${DEFAULT_BRANCH} of ${repo.name} is not protected (see CC-BR-01)`);
      // The verdict names the resource that holds the setting (the ruleset or branch protection), and the
      // message names the repository (shared/policy-catalogue.md).
      check(p.sources[0], p, repo.name);
    });
  }
}

export const BR_01 = defineRule({
  id: "CC-BR-01",
  slug: "default-branch-protected",
  section: "BR",
  title:
    "every managed repository's default branch (`main`) is protected by an active ruleset or branch protection",
  description:
    "Each managed repository has an active ruleset or a classic branch protection that targets its default branch.",
  source: `${SRC}; OPS "CI/CD Pipeline"`,
  remediation:
    "Add a RepositoryRuleset with target 'branch', enforcement 'active' and conditions.refName.includes ['~DEFAULT_BRANCH'] (or a BranchProtection with pattern 'main'); an 'evaluate' or 'disabled' ruleset does not protect.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: PROTECTION_TYPES,
  checkStack(resources, _ctx, out) {
    for (const repo of repositories(resources)) {
      out.guard(repo.res, () => {
        const p = mainProtection(repo, resources);
        if (p.sources.length > 0)
          out.pass(repo.res, `${DEFAULT_BRANCH} of ${repo.name} is protected by ${names(p.sources)}`);
        else if (p.inactive.length > 0)
          out.fail(
            p.inactive[0],
            `${DEFAULT_BRANCH} of ${repo.name} is targeted only by rulesets that are not active (${names(p.inactive)})`,
          );
        else out.fail(repo.res, `${DEFAULT_BRANCH} of ${repo.name} has no ruleset or branch protection`);
      });
    }
  },
});

export const BR_02 = defineRule({
  id: "CC-BR-02",
  slug: "required-status-checks",
  section: "BR",
  title:
    "required status checks include the gates `style`, `unit`, `smoke` (configurable list) and require the branch to be up to date (strict)",
  description:
    "The protection of the default branch requires every configured status check and strict (up-to-date) checks.",
  source: 'CONST "Required PR Checks"; OPS "CI/CD Pipeline"',
  remediation:
    "In the main ruleset set rules.requiredStatusChecks.requiredChecks to include each gate (context 'style', 'unit', 'smoke') and strictRequiredStatusChecksPolicy: true (classic: requiredStatusChecks [{ strict: true, contexts: [...] }]).",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: PROTECTION_TYPES,
  configurable: {
    requiredChecks: stringList("Status check contexts that must be required on the default branch.", [
      "style",
      "unit",
      "smoke",
    ]),
  },
  checkStack(resources, ctx, out) {
    const wanted = arr(ctx.cfg.requiredChecks).map(String);
    perRepository(resources, out, (holder, p, repoName) => {
      const missing = wanted.filter((c) => !p.requiredChecks.has(c));
      const problems = [
        ...(missing.length ? [`missing required checks ${missing.join(", ")}`] : []),
        ...(p.strict ? [] : ["checks are not strict (the branch need not be up to date)"]),
      ];
      if (problems.length) out.fail(holder, `${DEFAULT_BRANCH} of ${repoName}: ${problems.join("; ")}`);
      else
        out.pass(
          holder,
          `${DEFAULT_BRANCH} of ${repoName} requires ${[...p.requiredChecks].sort().join(", ")} (strict)`,
        );
    });
  },
});

export const BR_03 = defineRule({
  id: "CC-BR-03",
  slug: "pull-request-reviews",
  section: "BR",
  title:
    "changes reach `main` only through a pull request with at least 1 approving review (configurable), stale approvals dismissed on push",
  description:
    "The default branch requires a pull request with enough approving reviews and dismisses stale approvals on push.",
  source: `${SRC}`,
  remediation:
    "In the main ruleset set rules.pullRequest with requiredApprovingReviewCount >= the minimum and dismissStaleReviewsOnPush: true (classic: requiredPullRequestReviews [{ requiredApprovingReviewCount, dismissStaleReviews: true }]).",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: PROTECTION_TYPES,
  configurable: {
    minApprovals: { type: "integer", minimum: 0, description: "Minimum approving reviews.", default: 1 },
  },
  checkStack(resources, ctx, out) {
    const min = Number(ctx.cfg.minApprovals);
    perRepository(resources, out, (holder, p, repoName) => {
      const problems: string[] = [];
      if (!p.pullRequest) problems.push("no pull request is required");
      else if (p.approvals < min)
        problems.push(`${p.approvals} approving review(s) required, at least ${min} needed`);
      if (p.pullRequest && !p.dismissStale) problems.push("stale approvals are not dismissed on push");
      if (problems.length) out.fail(holder, `${DEFAULT_BRANCH} of ${repoName}: ${problems.join("; ")}`);
      else
        out.pass(
          holder,
          `${DEFAULT_BRANCH} of ${repoName}: pull request with ${p.approvals} approval(s), stale approvals dismissed`,
        );
    });
  },
});

export const BR_04 = defineRule({
  id: "CC-BR-04",
  slug: "squash-merge-only",
  section: "BR",
  title: "squash-merge only: merge commits and rebase merges disabled on the repository",
  description: "The repository allows squash merges and disables merge commits and rebase merges.",
  source: `${SRC}`,
  remediation:
    "Set allowSquashMerge: true, allowMergeCommit: false and allowRebaseMerge: false on the Repository (GitHub's defaults allow all three).",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.repository],
  checkResource(r, _ctx, out) {
    // GitHub defaults: all three merge methods allowed when unset.
    const problems: string[] = [];
    if (r.props.allowMergeCommit !== false)
      problems.push("merge commits are allowed (allowMergeCommit is not false)");
    if (r.props.allowRebaseMerge !== false)
      problems.push("rebase merges are allowed (allowRebaseMerge is not false)");
    if (r.props.allowSquashMerge === false) problems.push("squash merges are disabled");
    if (problems.length) out.fail(r, problems.join("; "));
    else out.pass(r, "squash merge only");
  },
});

export const BR_05 = defineRule({
  id: "CC-BR-05",
  slug: "delete-branch-on-merge",
  section: "BR",
  title: "head branches are deleted after merge",
  description: "The repository deletes head branches automatically after a pull request is merged.",
  source: `${SRC}`,
  remediation: "Set deleteBranchOnMerge: true on the Repository.",
  enforcementLevel: "advisory",
  kind: "resource",
  appliesTo: [T.repository],
  checkResource(r, _ctx, out) {
    if (r.props.deleteBranchOnMerge === true) out.pass(r, "head branches are deleted on merge");
    else out.fail(r, "deleteBranchOnMerge is not true: merged head branches are kept");
  },
});

export const BR_06 = defineRule({
  id: "CC-BR-06",
  slug: "no-force-push-or-deletion",
  section: "BR",
  title: "`main` cannot be force-pushed or deleted",
  description: "The protection of the default branch blocks force pushes (non-fast-forward) and deletion.",
  source: `${SRC}`,
  remediation:
    "Set rules.nonFastForward: true and rules.deletion: true in the main ruleset (classic: allowsForcePushes and allowsDeletions false).",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: PROTECTION_TYPES,
  checkStack(resources, _ctx, out) {
    perRepository(resources, out, (holder, p, repoName) => {
      const problems = [
        ...(p.noForcePush ? [] : ["force pushes are not blocked"]),
        ...(p.noDeletion ? [] : ["deletion is not blocked"]),
      ];
      if (problems.length) out.fail(holder, `${DEFAULT_BRANCH} of ${repoName}: ${problems.join("; ")}`);
      else out.pass(holder, `${DEFAULT_BRANCH} of ${repoName}: force pushes and deletion blocked`);
    });
  },
});

export const BR_07 = defineRule({
  id: "CC-BR-07",
  slug: "no-bypass",
  section: "BR",
  title: "nobody bypasses the protection of `main` (admins included; bypass actors empty unless waived)",
  description: "No ruleset of the default branch has bypass actors and classic protection enforces admins.",
  source: `${SRC}; CONST "Required PR Checks"`,
  remediation:
    "Set bypassActors: [] on the main ruleset (classic: enforceAdmins: true, no bypassers); if a bypass is truly needed, declare a waiver with an owner and an expiry.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: PROTECTION_TYPES,
  checkStack(resources, _ctx, out) {
    perRepository(resources, out, (holder, p, repoName) => {
      if (p.bypass.length)
        out.fail(holder, `${DEFAULT_BRANCH} of ${repoName} can be bypassed by ${p.bypass.join(", ")}`);
      else out.pass(holder, `${DEFAULT_BRANCH} of ${repoName}: no bypass actors; admins included`);
    });
  },
});

/** Pattern of release tags (PLAY "Version bump", tags `mvp-X.Y.Z`). */
export const RELEASE_TAG_REF = "refs/tags/mvp-*";

export const BR_08 = defineRule({
  id: "CC-BR-08",
  slug: "release-tags-immutable",
  section: "BR",
  title: "release tags `mvp-*` cannot be updated or deleted once pushed",
  description:
    "An active tag ruleset covering refs/tags/mvp-* blocks updates and deletion, with no bypass actors.",
  source: 'PLAY "2) Tag"; CONST "Build Once, Promote Many"',
  remediation:
    "Add a RepositoryRuleset with target 'tag', enforcement 'active', conditions.refName.includes ['refs/tags/mvp-*'], rules { deletion: true, update: true, nonFastForward: true } and bypassActors: [].",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.repository, T.ruleset],
  checkStack(resources, _ctx, out) {
    for (const repo of repositories(resources)) {
      out.guard(repo.res, () => {
        const sample = "refs/tags/mvp-1.0.0";
        const covering = resources.filter(
          (r) =>
            r.type === T.ruleset &&
            refersTo(r.props.repository, repo) &&
            str(r.props.target) === "tag" &&
            rulesetTargets(r.props, sample, false),
        );
        const good = covering.find((r) => {
          const rules = (r.props.rules ?? {}) as Record<string, unknown>;
          return (
            str(r.props.enforcement) === "active" &&
            rules.deletion === true &&
            rules.update === true &&
            arr(r.props.bypassActors).length === 0
          );
        });
        if (good) out.pass(repo.res, `release tags of ${repo.name} are immutable (${good.name})`);
        else if (covering.length)
          out.fail(
            covering[0],
            `tag rulesets of ${repo.name} (${names(covering)}) do not block update and deletion of ${RELEASE_TAG_REF} for everyone, or are not active`,
          );
        else out.fail(repo.res, `no tag ruleset of ${repo.name} covers ${RELEASE_TAG_REF}`);
      });
    }
  },
});

/** The BR rules, in catalogue order. */
export const branchingRules: Rule[] = [BR_01, BR_02, BR_03, BR_04, BR_05, BR_06, BR_07, BR_08];
