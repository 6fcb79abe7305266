/** `cicd rollback`: the stack file re-pointed to an earlier digest, and the pull request body printed. */
import { planRollback, rollbackPullRequestBody, RollbackOptions } from "../deploy/rollback";
import { planStagingRollback, stagingRollbackPullRequestBody } from "../deploy/stagingRollback";

/**
 * Runs `cicd rollback`: rewrites the stack file and prints the pull request body. Production goes back to a digest
 * of its `image.history`; staging (`stack: "staging"`) to one of the releases its outputs record
 * (`stagingOutputs`, required there).
 *
 * @returns 0 when the file was rewritten; 2 on a bad argument or config (file unchanged, message naming the
 *   stack, the key, what was expected and what was found).
 */
export function runRollback(opts: RollbackOptions & { stagingOutputs?: string }): number {
  try {
    if (opts.stack === "staging") {
      if (!opts.stagingOutputs)
        throw new Error(
          "staging: --staging-outputs FILE is required (pulumi stack output --json --stack staging): staging's releases name the digests it ran",
        );
      const plan = planStagingRollback({ ...opts, stagingOutputs: opts.stagingOutputs });
      console.error(`${plan.file}: ${plan.app} ${plan.from.digest} -> ${plan.to.digest}`);
      console.log(stagingRollbackPullRequestBody(plan));
      return 0;
    }
    const plan = planRollback(opts);
    console.error(`${plan.file}: ${plan.app} ${plan.from} -> ${plan.to}`);
    console.log(rollbackPullRequestBody(plan));
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
}
