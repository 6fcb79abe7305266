/**
 * Facts the policy pack and the program both need, written once on the pack's side (the pack installs and runs on
 * its own; the program imports from here, never the other way round).
 */

/**
 * The sections every pull request body has (CONST "Documentation & Roles"): the managed
 * `.github/pull_request_template.md` holds them as `## ` headings, and CC-BR-11 checks them.
 */
export const PR_TEMPLATE_SECTIONS = [
  "Because",
  "Changed",
  "Result",
  "Done when",
  "Out of scope",
  "Flags",
  "Migrations",
  "Observability",
  "Changelog",
] as const;

/** Where the managed pull request template lives in a repository. */
export const PR_TEMPLATE_PATH = ".github/pull_request_template.md";

/** Where GitHub reads a CODEOWNERS file (GitHub docs, "About code owners"); the program writes the first. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

/**
 * The integration id of the GitHub Actions app: a required status check pinned to it can only be satisfied by a
 * workflow job, not by another app posting a status of the same name (CC-BR-12; GitHub REST "Rulesets",
 * `integration_id`).
 */
export const GITHUB_ACTIONS_INTEGRATION_ID = 15368;
