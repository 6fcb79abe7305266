/** `cicd promote`: production's pin written from staging's release record; the release PR's title and body printed. */
import { ConfigError } from "../config/model";
import { githubClient } from "../deploy/github";
import { planPromotion, PromoteOptions, promotionPullRequestBody } from "../deploy/promote";

/** Options of {@link runPromote}: {@link PromoteOptions} without the client, and the token to build it. */
export interface PromoteCommandOptions extends Omit<PromoteOptions, "github"> {
  /** GitHub token reading the app repository's deployments. Default `GITHUB_TOKEN`; none: evidence not read. */
  githubToken?: string;
  /** GitHub API URL. Default `GITHUB_API_URL`, else `https://api.github.com`. */
  githubApiUrl?: string;
}

/**
 * Runs `cicd promote`: the stack file rewritten, the title on stderr's first line and the body on stdout.
 *
 * @returns 0 when the file was rewritten; 2 on a bad argument or config, or a digest staging never ran or never
 *   verified (the file unchanged; the message names the stack, the key, what was expected and found).
 */
export async function runPromote(opts: PromoteCommandOptions): Promise<number> {
  const token = opts.githubToken ?? process.env.GITHUB_TOKEN;
  try {
    const plan = await planPromotion({
      ...opts,
      github: token ? githubClient(token, opts.githubApiUrl) : undefined,
    });
    console.error(plan.title);
    console.log(promotionPullRequestBody(plan));
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError) && !(err instanceof Error && /stack outputs/.test(err.message)))
      throw err;
    console.error(err.message);
    return 2;
  }
}
