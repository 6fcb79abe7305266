/**
 * Defaults of an app's runtime that the config model and the components share, written once. Side-effect free
 * (no Pulumi import), so the model reads them without loading a provider. Units in the names; sources where a
 * service sets the bound. The defaults the policy pack checks too (health paths, log retention) are in
 * policy-pack/lib/facts.ts.
 */

/** Container health check timing, seconds (ECS `healthCheck`): every 15, 5 to answer, 3 tries, 60 to start. */
export const DEFAULT_CONTAINER_HEALTH = {
  intervalSeconds: 15,
  timeoutSeconds: 5,
  retries: 3,
  startPeriodSeconds: 60,
} as const;

/** Writable directories on the read-only root filesystem (CC-RUN-12): gunicorn and Streamlit need `/tmp`. */
export const DEFAULT_SCRATCH_PATHS: readonly string[] = ["/tmp"];

/** Load-balancer stickiness: off; a day's cookie when on (ELB `lb_cookie`, 1-604800 s). */
export const DEFAULT_STICKINESS = { enabled: false, durationSeconds: 86_400 } as const;

/** Seconds the ECS service ignores load-balancer health checks after a task starts. */
export const DEFAULT_HEALTH_CHECK_GRACE_SECONDS = 60;

/**
 * Secrets whose value differs per environment: in the `staging` environment, the secret named by the key takes the
 * value of the stack's secret named by the value, so the job that deploys on every merge, unapproved, holds nothing
 * that reaches production. `PULUMI_ACCESS_TOKEN` in staging is `PULUMI_STAGING_TOKEN`: a token with access to the
 * staging stack only (Pulumi Cloud RBAC), which can neither update nor decrypt production's. `GOVERNANCE_GITHUB_TOKEN`
 * in staging is `GOVERNANCE_STAGING_TOKEN`: a token without repository administration (fine-grained: Environments
 * and Deployments write, Contents read), which writes the staging environments' secrets and variables but cannot
 * change an environment's reviewers or branch policies, nor a ruleset (GitHub REST: creating or updating an
 * environment, its branch policies and rulesets take Administration write).
 */
export const STAGING_VALUES: Readonly<Record<string, string>> = {
  PULUMI_ACCESS_TOKEN: "PULUMI_STAGING_TOKEN",
  GOVERNANCE_GITHUB_TOKEN: "GOVERNANCE_STAGING_TOKEN",
};

/** The required status checks of a governed repository's `main` (CONST "Required PR Checks": style, unit tests, thin smoke). */
export const DEFAULT_REQUIRED_CHECKS: readonly string[] = ["style", "unit", "smoke"];

/**
 * The platform every task of an app runs on, service and migration alike: Linux on x86-64, Fargate's default (ECS
 * `runtimePlatform`), and the image variant that serves it. A task whose image lacks that variant does not start: an
 * image index without it cannot be pulled for the platform (CannotPullContainerError), and a single image of another
 * architecture stops the container with "exec format error" (AWS re:Post, "ECS task exec format error").
 */
export const TASK_PLATFORM = {
  runtime: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
  image: "linux/amd64",
} as const;
