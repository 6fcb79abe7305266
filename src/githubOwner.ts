/**
 * The GitHub owner of every GitHub resource and lookup of a stack: one explicit provider for
 * `cicd-constitution:githubOwner`, the reviewers' ids looked up through it, and the check that an owner whose stack
 * names teams is an organisation (teams exist only in organisations: GitHub REST docs, "Teams").
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, ConfigError, StackModel } from "./config/model";

const githubProviders = new WeakMap<StackModel, github.Provider>();

/**
 * The GitHub provider every GitHub resource and lookup of the stack uses, owned by `cicd-constitution:githubOwner`:
 * without an owner, terraform-provider-github acts on the token's personal account and `getTeam` (organisations
 * only) fails (provider docs, "owner"). The token comes from `GITHUB_TOKEN`, as for the default provider; the stack
 * file may not set `github:*` keys (src/config/sources.ts), so the owner is written once, in the model. One per
 * program run (keyed by the run's model).
 */
export function githubProviderOf(model: StackModel): github.Provider {
  let provider = githubProviders.get(model);
  if (!provider) {
    provider = new github.Provider("github", { owner: model.githubOwner });
    githubProviders.set(model, provider);
  }
  return provider;
}

/** Numeric GitHub ids of reviewers (users and teams), looked up by login and slug: a missing one fails. */
export function reviewerIds(model: StackModel, reviewers: { users: string[]; teams: string[] }) {
  const provider = githubProviderOf(model);
  return {
    reviewerUserIds: reviewers.users.map((username) =>
      github.getUserOutput({ username }, { provider }).id.apply((id) => Number(id)),
    ),
    reviewerTeamIds: reviewers.teams.map((slug) =>
      github.getTeamOutput({ slug }, { provider }).id.apply((id) => Number(id)),
    ),
  };
}

/**
 * Where the stack names GitHub teams: production reviewers (`apps[i].reviewers.teams`,
 * `infrastructure.reviewers.teams`) and team code owners (`@OWNER/TEAM`), as config keys with their teams.
 */
export function teamsUsed(model: StackModel): Array<{ key: string; teams: string[] }> {
  const governed = [
    ...model.apps.map((a, i) => ({ at: `apps[${i}]`, g: a })),
    ...(model.infrastructure ? [{ at: "infrastructure", g: model.infrastructure }] : []),
  ];
  return governed.flatMap(({ at, g }) => [
    ...(g.reviewers.teams.length ? [{ key: `${at}.reviewers.teams`, teams: g.reviewers.teams }] : []),
    ...((g.repository.codeOwners ?? []).some((o) => o.includes("/"))
      ? [
          {
            key: `${at}.repository.codeOwners`,
            teams: (g.repository.codeOwners ?? []).filter((o) => o.includes("/")),
          },
        ]
      : []),
  ]);
}

/**
 * Reads the owner as an organisation (`github.getOrganization`, GitHub `GET /orgs/OWNER`) when the stack names
 * teams, before anything is registered: a user account answers 404, and every team lookup and team reviewer would
 * fail midway through `pulumi up`.
 *
 * @throws ConfigError on `cicd-constitution:githubOwner` naming the keys that use teams and GitHub's answer.
 */
export async function checkOrganizationOwner(model: StackModel): Promise<void> {
  const uses = teamsUsed(model);
  if (!uses.length) return;
  try {
    await github.getOrganization({ name: model.githubOwner }, { provider: githubProviderOf(model) });
  } catch (err) {
    throw new ConfigError(pulumi.getStack(), [
      {
        key: `${CONFIG_NAMESPACE}:githubOwner`,
        expected: `a GitHub organisation: the stack names teams (${uses.map((u) => `${u.key}: ${u.teams.join(", ")}`).join("; ")}), and teams exist only in organisations`,
        found: `${JSON.stringify(model.githubOwner)}, which GitHub does not answer as an organisation (${(err as Error).message.split("\n")[0]})`,
      },
    ]);
  }
}
