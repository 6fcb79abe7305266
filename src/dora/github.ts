/**
 * The deployments `cicd verify` records, read back from GitHub (Octokit): per app repository, the deployments of
 * an environment created in a window (`GET /repos/O/R/deployments?environment=E`, newest first), each one's latest
 * status (`GET .../deployments/ID/statuses`: the highest id) and its commit's time (`GET /repos/O/R/commits/SHA`,
 * the committer date: when the change was made on `main`).
 */
import type { Octokit } from "@octokit/rest";
import type { DeploymentRecord } from "./metrics";
import { latestStatus, payloadOf, statusesOf } from "../deploy/deployments";

/** One app's repository. */
export interface AppRepository {
  app: string;
  owner: string;
  repository: string;
}

/** Most deployments read per app (newest first, 100 a page): a window of years for a team deploying daily. */
const DEPLOYMENTS_READ = 2000;

/** The commit time of `sha`, once per commit; undefined when GitHub does not know it. */
async function commitTime(
  github: Octokit,
  r: AppRepository,
  sha: string,
  cache: Map<string, string | undefined>,
) {
  const key = `${r.owner}/${r.repository}@${sha}`;
  if (!cache.has(key)) {
    try {
      const { data } = await github.rest.repos.getCommit({ owner: r.owner, repo: r.repository, ref: sha });
      cache.set(key, data.commit.committer?.date ?? data.commit.author?.date ?? undefined);
    } catch {
      cache.set(key, undefined);
    }
  }
  return cache.get(key);
}

/**
 * Reads the deployments of `environment` created at or after `since` (and before `until`) on each app's
 * repository, with their latest status and commit time.
 */
export async function readDeployments(
  github: Octokit,
  repositories: AppRepository[],
  environment: string,
  window: { since: Date; until: Date },
): Promise<DeploymentRecord[]> {
  const records: DeploymentRecord[] = [];
  const commits = new Map<string, string | undefined>();
  for (const r of repositories) {
    let read = 0;
    for await (const page of github.paginate.iterator(github.rest.repos.listDeployments, {
      owner: r.owner,
      repo: r.repository,
      environment,
      per_page: 100,
    })) {
      const inWindow = page.data.filter((d) => {
        const t = Date.parse(d.created_at);
        return t >= window.since.getTime() && t < window.until.getTime();
      });
      for (const d of inWindow) {
        const latest = latestStatus(await statusesOf(github, { owner: r.owner, repo: r.repository }, d.id));
        const digest = payloadOf(d.payload).digest;
        records.push({
          app: r.app,
          id: d.id,
          sha: d.sha,
          digest: typeof digest === "string" ? digest : "",
          createdAt: d.created_at,
          state: latest?.state,
          statusAt: latest?.created_at,
          committedAt: await commitTime(github, r, d.sha, commits),
        });
      }
      read += page.data.length;
      // Newest first: a page that ends before the window ends the reading.
      const oldest = page.data[page.data.length - 1];
      if (read >= DEPLOYMENTS_READ || (oldest && Date.parse(oldest.created_at) < window.since.getTime()))
        break;
    }
  }
  return records;
}
