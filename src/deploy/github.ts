/**
 * The GitHub client of `cicd verify` and `cicd predeploy`: Octokit with the token and the API URL Actions gives
 * (`GITHUB_API_URL`, GitHub Enterprise Server included), and no logging of its own (a failed call becomes a
 * check's finding, never a line on the console).
 */
import { Octokit } from "@octokit/rest";

/**
 * Octokit for `token` at `apiUrl` (default `GITHUB_API_URL`); at Octokit's own default, `https://api.github.com`,
 * when the one chosen is unset or empty.
 */
export function githubClient(token: string | undefined, apiUrl?: string): Octokit {
  const silent = () => {};
  return new Octokit({
    auth: token,
    baseUrl: apiUrl ?? process.env.GITHUB_API_URL,
    log: { debug: silent, info: silent, warn: silent, error: silent },
  });
}
