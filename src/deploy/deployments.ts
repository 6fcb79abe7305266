/**
 * Reading back the GitHub Deployments `cicd verify` records (`payload: { digest, image, sha, version }`, one
 * deployment status per verify): the payload, a deployment's statuses, and its latest one. Shared by
 * `cicd predeploy`, its release gates and `cicd dora`.
 */
import type { Octokit } from "@octokit/rest";

/** Most deployments read per repository (newest first, 100 a page): enough for any digest still worth promoting. */
export const DEPLOYMENTS_READ = 1000;

/** The payload of a deployment, which GitHub returns as an object or, for some clients, a JSON string. */
export function payloadOf(p: unknown): Record<string, unknown> {
  if (typeof p === "string") {
    try {
      return JSON.parse(p) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return p && typeof p === "object" ? (p as Record<string, unknown>) : {};
}

/** A deployment status as the REST API lists it (the fields read here). */
export interface DeploymentStatus {
  id: number;
  state: string;
  created_at: string;
  creator?: { login?: string } | null;
}

/** Every status of a deployment. */
export async function statusesOf(
  github: Octokit,
  repository: { owner: string; repo: string },
  deploymentId: number,
): Promise<DeploymentStatus[]> {
  return github.paginate(github.rest.repos.listDeploymentStatuses, {
    ...repository,
    deployment_id: deploymentId,
    per_page: 100,
  });
}

/**
 * The latest of `statuses`: the one GitHub created last (the highest id), whatever the page order; with `by`,
 * among those its logins posted (Deployments write is enough to post one).
 */
export function latestStatus(
  statuses: DeploymentStatus[],
  by?: readonly string[],
): DeploymentStatus | undefined {
  return statuses
    .filter((s) => !by || by.includes(s.creator?.login ?? ""))
    .reduce<DeploymentStatus | undefined>((a, b) => (!a || b.id > a.id ? b : a), undefined);
}
