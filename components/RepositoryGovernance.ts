import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { withDefaults } from "./util";

/**
 * Arguments of {@link RepositoryGovernance}.
 * Source: CONST "Branching & Flow" and "Required PR Checks"; PLAY 2 (tags `mvp-X.Y.Z`); OPS "CI/CD Pipeline".
 */
export interface RepositoryGovernanceArgs {
  /** Repository name under the provider's owner. */
  repository: string;
  /** Repository description. Default: "". */
  description?: string;
  /** `private`, `public` or `internal`. Default: `private`. */
  visibility?: "private" | "public" | "internal";
  /**
   * Adopt an existing repository (Pulumi `import` of the repository named `repository`) instead of creating
   * one. Default: false.
   */
  importExisting?: boolean;
  /** Required status check contexts on `main`, all strict (branch up to date). Default: `style`, `unit`, `smoke`. */
  requiredChecks?: string[];
  /** Approving reviews needed on a pull request to `main`. Default: 1. */
  requiredApprovals?: number;
  /** Release tag pattern protected from update and deletion. Default: `mvp-*` (PLAY 2). */
  releaseTagPattern?: string;
  /** Protect the repository from `pulumi destroy` (the repository is archived on destroy regardless). Default: true. */
  protect?: boolean;
}

/** The arguments of a governed repository from its config (`repository`, checks, approvals), for both callers. */
export function governanceArgsOf(
  repository: {
    name: string;
    description: string;
    visibility: "private" | "public" | "internal";
    import: boolean;
  },
  requiredChecks: string[],
  requiredApprovals: number,
): RepositoryGovernanceArgs {
  return {
    repository: repository.name,
    description: repository.description,
    visibility: repository.visibility,
    importExisting: repository.import,
    requiredChecks,
    requiredApprovals,
  };
}

/** Secure defaults, written once. */
export const repositoryGovernanceDefaults = {
  description: "",
  visibility: "private" as const,
  importExisting: false,
  requiredChecks: ["style", "unit", "smoke"],
  requiredApprovals: 1,
  releaseTagPattern: "mvp-*",
  protect: true,
};

/**
 * A repository governed by the constitution: squash-merge only, branches deleted after merge, vulnerability
 * alerts, archived (never deleted) on destroy; an active ruleset on the default branch (pull request with
 * reviews and stale-review dismissal, strict required checks, no force push, no deletion, no bypass actors);
 * and a tag ruleset that makes release tags immutable.
 *
 * @throws Error when `requiredChecks` is empty or has duplicates, or `requiredApprovals` is negative.
 */
export class RepositoryGovernance extends pulumi.ComponentResource {
  /** The repository. */
  readonly repository: github.Repository;
  /** The ruleset on `main`. */
  readonly mainRuleset: github.RepositoryRuleset;
  /** The ruleset on release tags. */
  readonly tagRuleset: github.RepositoryRuleset;
  /** Repository name. */
  readonly repositoryName: pulumi.Output<string>;

  constructor(name: string, args: RepositoryGovernanceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Arguments are checked before anything is registered.
    const a = withDefaults(repositoryGovernanceDefaults, args);
    if (a.requiredChecks.length === 0 || new Set(a.requiredChecks).size !== a.requiredChecks.length) {
      throw new Error(
        `RepositoryGovernance ${name}: requiredChecks must be a non-empty list without duplicates, got ${JSON.stringify(a.requiredChecks)}`,
      );
    }
    if (a.requiredApprovals < 0) {
      throw new Error(
        `RepositoryGovernance ${name}: requiredApprovals must be >= 0, got ${a.requiredApprovals}`,
      );
    }
    super("cicd-constitution:github:RepositoryGovernance", name, {}, opts);

    this.repository = new github.Repository(
      `${name}-repo`,
      {
        name: a.repository,
        description: a.description,
        visibility: a.visibility,
        hasIssues: true,
        allowSquashMerge: true,
        allowMergeCommit: false,
        allowRebaseMerge: false,
        allowAutoMerge: false,
        squashMergeCommitTitle: "PR_TITLE",
        squashMergeCommitMessage: "PR_BODY",
        deleteBranchOnMerge: true,
        vulnerabilityAlerts: true,
        // A created repository gets an initial commit, so `main` exists before its ruleset forbids direct pushes
        // (an empty repository under an active ruleset refuses the push that would create `main`).
        autoInit: !a.importExisting,
        archiveOnDestroy: true,
      },
      { parent: this, import: a.importExisting ? a.repository : undefined, protect: a.protect },
    );
    this.repositoryName = this.repository.name;

    this.mainRuleset = new github.RepositoryRuleset(
      `${name}-main-ruleset`,
      {
        name: "main",
        repository: this.repository.name,
        target: "branch",
        enforcement: "active",
        conditions: { refName: { includes: ["~DEFAULT_BRANCH"], excludes: [] } },
        bypassActors: [],
        rules: {
          deletion: true,
          nonFastForward: true,
          requiredLinearHistory: true,
          pullRequest: {
            requiredApprovingReviewCount: a.requiredApprovals,
            dismissStaleReviewsOnPush: true,
            requireLastPushApproval: true,
            requiredReviewThreadResolution: true,
            requireCodeOwnerReview: false,
          },
          requiredStatusChecks: {
            strictRequiredStatusChecksPolicy: true,
            requiredChecks: a.requiredChecks.map((context) => ({ context })),
          },
        },
      },
      { parent: this },
    );

    this.tagRuleset = new github.RepositoryRuleset(
      `${name}-tag-ruleset`,
      {
        name: "release-tags",
        repository: this.repository.name,
        target: "tag",
        enforcement: "active",
        conditions: { refName: { includes: [`refs/tags/${a.releaseTagPattern}`], excludes: [] } },
        bypassActors: [],
        rules: { deletion: true, update: true, nonFastForward: true },
      },
      { parent: this },
    );

    this.registerOutputs({
      repositoryName: this.repositoryName,
      mainRulesetId: this.mainRuleset.rulesetId,
      tagRulesetId: this.tagRuleset.rulesetId,
    });
  }
}
