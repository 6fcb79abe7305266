/** `cicd rollback`: the stack file re-pointed to the previous digest, and the pull request body printed. */
import { planRollback, rollbackPullRequestBody, RollbackOptions } from "../deploy/rollback";

/**
 * Runs `cicd rollback`: rewrites the stack file and prints the pull request body.
 *
 * @returns 0 when the file was rewritten; 2 on a bad argument or config (file unchanged, message naming the
 *   stack, the key, what was expected and what was found).
 */
export function runRollback(opts: RollbackOptions): number {
  try {
    const plan = planRollback(opts);
    console.error(`${plan.file}: ${plan.app} ${plan.from} -> ${plan.to}`);
    console.log(rollbackPullRequestBody(plan));
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
}
