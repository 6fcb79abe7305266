import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import {
  CODEOWNERS_PATHS,
  GITHUB_ACTIONS_INTEGRATION_ID,
  PR_TEMPLATE_PATH,
  RELEASE_TAG_GLOB,
} from "../policy-pack/lib/facts";
import { DEFAULT_REQUIRED_CHECKS } from "./defaults";
import { codeOwnersFile, pullRequestTemplate } from "./templates";
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
  /**
   * Code owners of every file (`.github/CODEOWNERS` `* OWNERS`): `@login` or `@ORG/TEAM` with write access; `main`
   * requires one's review (CC-BR-11).
   */
  codeOwners: string[];
  /**
   * Actions besides GitHub's own and verified creators' that workflows may use (`OWNER/REPO@*` patterns,
   * GitHub's `patterns_allowed`); every action must be pinned by a full commit SHA (CC-BR-10). Default: none.
   */
  allowedActions?: string[];
  /** The app every required check must come from (CC-BR-12). Default: GitHub Actions, 15368. */
  checksIntegrationId?: number;
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
  hardening: Pick<RepositoryGovernanceArgs, "codeOwners" | "allowedActions" | "checksIntegrationId">,
): RepositoryGovernanceArgs {
  return {
    repository: repository.name,
    description: repository.description,
    visibility: repository.visibility,
    importExisting: repository.import,
    requiredChecks,
    requiredApprovals,
    ...hardening,
  };
}

/** Secure defaults, written once. */
export const repositoryGovernanceDefaults = {
  description: "",
  visibility: "private" as const,
  importExisting: false,
  requiredChecks: [...DEFAULT_REQUIRED_CHECKS],
  requiredApprovals: 1,
  releaseTagPattern: RELEASE_TAG_GLOB,
  protect: true,
  allowedActions: [] as string[],
  checksIntegrationId: GITHUB_ACTIONS_INTEGRATION_ID,
};

/** The arguments with their defaults applied. */
type RepositoryGovernanceSettings = typeof repositoryGovernanceDefaults & RepositoryGovernanceArgs;

/**
 * A repository governed by the constitution: squash-merge only, branches deleted after merge, vulnerability
 * alerts, archived (never deleted) on destroy; an active ruleset on the default branch (pull request with
 * reviews and stale-review dismissal, strict required checks, no force push, no deletion, no bypass actors);
 * and a tag ruleset that makes release tags immutable. Hardened like Scorecard and Legitify expect (CC-BR-09 to
 * CC-BR-12): secret scanning with push protection, Dependabot security updates, a read-only workflow token,
 * selected actions pinned by SHA, the managed pull request template and CODEOWNERS (code-owner review on `main`,
 * team code owners given `push`), and required checks pinned to the GitHub Actions app.
 *
 * @throws Error when `requiredChecks` is empty or has duplicates, `requiredApprovals` is negative, or `codeOwners`
 *   is empty.
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
    const a = checkedGovernanceArgs(name, args);
    super("cicd-constitution:github:RepositoryGovernance", name, {}, opts);
    this.repository = this.githubRepository(name, a);
    this.repositoryName = this.repository.name;
    this.actionsHardening(name, a);
    this.codeOwnerTeams(name, a);
    const files = this.managedFiles(name, a);
    this.mainRuleset = this.mainBranchRuleset(name, a, files);
    this.tagRuleset = this.releaseTagRuleset(name, a);
    this.registerOutputs({
      repositoryName: this.repositoryName,
      managedFiles: files.map((f) => f.file),
      mainRulesetId: this.mainRuleset.rulesetId,
      tagRulesetId: this.tagRuleset.rulesetId,
    });
  }

  /**
   * The repository (CONST "Trunk-based"): squash merges only, titled and described by the pull request,
   * branches deleted after merge, secret scanning with push protection (CC-BR-09), archived rather than deleted.
   */
  private githubRepository(name: string, a: RepositoryGovernanceSettings): github.Repository {
    return new github.Repository(
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
        // CC-BR-09: secrets found in pushes are refused, and those already pushed are reported.
        securityAndAnalysis: {
          secretScanning: { status: "enabled" },
          secretScanningPushProtection: { status: "enabled" },
        },
        // A created repository gets an initial commit, so `main` exists before its ruleset forbids direct pushes
        // (an empty repository under an active ruleset refuses the push that would create `main`).
        autoInit: !a.importExisting,
        archiveOnDestroy: true,
      },
      { parent: this, import: a.importExisting ? a.repository : undefined, protect: a.protect },
    );
  }

  /**
   * The ruleset on `main` (CC-BR-01 to 05): no deletion or force push, linear history, pull requests with the
   * required approvals, stale reviews dismissed, last push approved, conversations resolved, code owners' review,
   * and the required status checks, strict and pinned to the checks' app. The managed files reach `main` first.
   */
  private mainBranchRuleset(
    name: string,
    a: RepositoryGovernanceSettings,
    files: github.RepositoryFile[],
  ): github.RepositoryRuleset {
    return new github.RepositoryRuleset(
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
            requireCodeOwnerReview: true,
          },
          requiredStatusChecks: {
            strictRequiredStatusChecksPolicy: true,
            requiredChecks: a.requiredChecks.map((context) => ({
              context,
              integrationId: a.checksIntegrationId,
            })),
          },
        },
      },
      // The managed files reach `main` before its ruleset forbids direct pushes.
      { parent: this, dependsOn: files },
    );
  }

  /** The ruleset on release tags (CC-BR-08): they cannot be updated, deleted or force-pushed. */
  private releaseTagRuleset(name: string, a: RepositoryGovernanceSettings): github.RepositoryRuleset {
    return new github.RepositoryRuleset(
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
  }

  /**
   * CC-BR-09/10 (Scorecard Token-Permissions, Pinned-Dependencies; Legitify): Dependabot security updates; the
   * workflow token read-only and unable to approve pull requests; only GitHub's, verified creators' and listed
   * actions, each pinned by a full commit SHA (GitHub's `sha_pinning_required`).
   */
  private actionsHardening(name: string, a: RepositoryGovernanceSettings): void {
    const child = { parent: this, dependsOn: [this.repository] };
    new github.RepositoryDependabotSecurityUpdates(
      `${name}-dependabot-security-updates`,
      { repository: this.repository.name, enabled: true },
      child,
    );
    new github.WorkflowRepositoryPermissions(
      `${name}-workflow-permissions`,
      {
        repository: this.repository.name,
        defaultWorkflowPermissions: "read",
        canApprovePullRequestReviews: false,
      },
      child,
    );
    new github.ActionsRepositoryPermissions(
      `${name}-actions-permissions`,
      {
        repository: this.repository.name,
        enabled: true,
        allowedActions: "selected",
        allowedActionsConfig: {
          githubOwnedAllowed: true,
          verifiedAllowed: true,
          patternsAlloweds: a.allowedActions,
        },
        shaPinningRequired: true,
      },
      child,
    );
  }

  /**
   * A team named in CODEOWNERS counts only if it can write to the repository (GitHub docs, "About code owners"):
   * each `@ORG/TEAM` code owner of a created repository gets `push` on it; on an adopted one the preview lists the
   * access as an assumption.
   */
  private codeOwnerTeams(name: string, a: RepositoryGovernanceSettings): void {
    // An adopted repository keeps the access its teams have: `push` could lower a team that maintains it.
    if (a.importExisting) return;
    for (const owner of a.codeOwners) {
      const team = /^@[^/]+\/(.+)$/.exec(owner)?.[1];
      if (!team) continue;
      new github.TeamRepository(
        `${name}-code-owner-${team}`,
        { teamId: team, repository: this.repository.name, permission: "push" },
        { parent: this },
      );
    }
  }

  /**
   * CC-BR-11: the pull request template and CODEOWNERS. Written once: on a created repository before its
   * rulesets exist; an adopted one (`importExisting`) must already hold them, as rendered here, and they are
   * imported. After that `main` takes changes only through reviewed pull requests, so the program ignores
   * changes to their content and never overwrites a reviewed edit (docs/PIPELINE.md, "Managed files").
   */
  private managedFiles(name: string, a: RepositoryGovernanceSettings): github.RepositoryFile[] {
    const files: Array<[string, string, string]> = [
      ["pr-template", PR_TEMPLATE_PATH, pullRequestTemplate()],
      ["codeowners", CODEOWNERS_PATHS[0], codeOwnersFile(a.codeOwners)],
    ];
    return files.map(
      ([id, file, content]) =>
        new github.RepositoryFile(
          `${name}-${id}`,
          {
            repository: this.repository.name,
            branch: "main",
            file,
            content,
            commitMessage: `chore(governance): ${file} managed by cicd-constitution`,
            commitAuthor: "cicd-constitution",
            commitEmail: "cicd-constitution@users.noreply.github.com",
            overwriteOnCreate: true,
          },
          {
            parent: this,
            // The provider's import id: `REPO:PATH:BRANCH` (terraform-provider-github 6.12 and later).
            import: a.importExisting ? `${a.repository}:${file}:main` : undefined,
            ignoreChanges: ["content", "commitMessage", "commitAuthor", "commitEmail", "overwriteOnCreate"],
            // Deleting a file is a commit to `main`, which its ruleset refuses: a destroy leaves the files.
            retainOnDelete: true,
          },
        ),
    );
  }
}

/**
 * The arguments with their defaults, checked.
 *
 * @throws Error on an empty or duplicated `requiredChecks`, negative `requiredApprovals`, or no code owner.
 */
function checkedGovernanceArgs(name: string, args: RepositoryGovernanceArgs): RepositoryGovernanceSettings {
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
  if (a.codeOwners.length === 0) {
    // Code-owner review on `main` with nobody in CODEOWNERS would require a review nobody can give.
    throw new Error(`RepositoryGovernance ${name}: codeOwners must name at least one @login or @ORG/TEAM`);
  }
  return a;
}
