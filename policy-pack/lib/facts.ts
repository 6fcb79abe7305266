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

/** The incident issue's sections, in the playbook's order (PLAY "6) Rollback playbook", step 5). */
export const INCIDENT_SECTIONS = ["Impact", "Timeline", "Suspected Cause", "Fix plan"] as const;

/** Where GitHub reads a CODEOWNERS file (GitHub docs, "About code owners"); the program writes the first. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

/**
 * The integration id of the GitHub Actions app: a required status check pinned to it can only be satisfied by a
 * workflow job, not by another app posting a status of the same name (CC-BR-12; GitHub REST "Rulesets",
 * `integration_id`).
 */
export const GITHUB_ACTIONS_INTEGRATION_ID = 15368;

/** The Pulumi project (Pulumi.yaml `name`) and the config namespace of its keys (`cicd-constitution:apps`). */
export const PROJECT_NAME = "cicd-constitution";

/** The type token of the component that owns an app's resources: resources under it belong to that app. */
export const APPLICATION_TYPE = `${PROJECT_NAME}:app:Application`;

/**
 * The type token of the component that owns this repository's own governance (the stack file's `infrastructure`):
 * resources under it are configured by that entry.
 */
export const INFRASTRUCTURE_TYPE = `${PROJECT_NAME}:github:InfrastructureRepository`;

const DIGEST_SOURCE = "sha256:[0-9a-f]{64}";

/** An OCI content digest as GHCR and ECS report it: `sha256:` and 64 lowercase hex (CONST "Build once"). */
export const DIGEST_PATTERN = new RegExp(`^${DIGEST_SOURCE}$`);

/** An image reference pinned by digest, `REPOSITORY@sha256:...`: group 1 the repository, group 2 the digest. */
export const DIGEST_REF_PATTERN = new RegExp(`^(.+)@(${DIGEST_SOURCE})$`);

/** The digest an image reference pins (`REPO@sha256:...`), or undefined when it pins none. */
export function digestOfRef(ref: unknown): string | undefined {
  return typeof ref === "string" ? DIGEST_REF_PATTERN.exec(ref)?.[2] : undefined;
}

/**
 * A whole image repository, `registry/namespace/name` (OCI distribution spec names: lowercase components separated
 * by `/`, the registry first, a port allowed), with no tag or digest.
 */
export const IMAGE_REPOSITORY_PATTERN = "^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*){2,}$";

/** The repository of an image reference: without its digest (`@sha256:...`) and its tag (`:tag` after the last `/`). */
export function imageRepository(ref: string): string {
  const name = ref.split("@")[0];
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return colon > slash ? name.slice(0, colon) : name;
}

/** Plan and export marker of a value that was a Pulumi secret: known to be secret, content hidden. */
export const SECRET_MARKER = "[secret]";

/** Release tags (CONST "Trunk-based": `mvp-X.Y.Z`): the ruleset and environment glob, and the exact pattern. */
export const RELEASE_TAG_GLOB = "mvp-*";
export const RELEASE_TAG_PATTERN = /^mvp-\d+\.\d+\.\d+$/;

/** The issuer host of GitHub Actions' OIDC tokens (GitHub docs, "About security hardening with OpenID Connect"). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** The tag that says which environment a resource belongs to (docs/RESOURCES.md; CC-OBS-04, CC-ENV-07). */
export const ENVIRONMENT_TAG = "environment";

/**
 * Creates that can never name an existing resource, because AWS gives the new one its id (EC2 gives a security
 * group its `sg-` id): granted on the type's ARNs labelled for the environment by request tag, they reach nothing
 * that exists. Action -> the resource type it creates (Service Authorization Reference).
 */
export const CREATES_WITH_NEW_ID: Readonly<Record<string, string>> = {
  "ec2:CreateSecurityGroup": "security-group",
};

/**
 * Writes on resources of the account that no environment owns (CC-ENV-07): each action with the ARN pattern it
 * may name. A VPC a security group is created in; the default event bus deploy markers go to; the ECS and ELB
 * service-linked roles AWS creates once per account; AppConfig's deployment strategies a flag deployment names;
 * CloudWatch's metrics, which have no ARN (the golden-path metrics `cicd verify` publishes).
 */
export const ACCOUNT_SHARED_WRITES: ReadonlyArray<{ action: string; resource: RegExp }> = [
  { action: "ec2:CreateSecurityGroup", resource: /:vpc\/\*$/ },
  { action: "events:PutEvents", resource: /:event-bus\/default$/ },
  { action: "iam:CreateServiceLinkedRole", resource: /:role\/aws-service-role\/\*$/ },
  { action: "appconfig:StartDeployment", resource: /:deploymentstrategy\/\*$/ },
  // PutMetricData names no resource; the deploy role's grant is bounded by `cloudwatch:namespace` instead.
  { action: "cloudwatch:PutMetricData", resource: /^\*$/ },
];

/**
 * The paths every app serves (CONST "Runtimes"): readiness (the load balancer's health check), liveness (the
 * container health check) and version (`BUILD_SHA`, read by `cicd verify`). Defaults of `runtime.*Path`.
 */
export const DEFAULT_PATHS = { readiness: "/readyz", liveness: "/healthz", version: "/version" } as const;

/**
 * A probe path (readiness, liveness, version): absolute, at least one segment, no query. Not `/`: a root page
 * answers 200 whether or not the app is ready, so a probe of it says nothing (CONST "Runtimes": dedicated paths).
 * Used by the stack file's schema (src/config/appSchema.ts) and by the settings of CC-RUN-01/02.
 */
export const PROBE_PATH_PATTERN = "^/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$";

/** Default CloudWatch Logs retention of an app's log group, days; also CC-RUN-10's default minimum. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

/**
 * Container variables naming the app's AppConfig feature-flag profile (CC-FLAG-04): the ids an AppConfigData
 * client passes to `StartConfigurationSession`.
 */
export const APPCONFIG_VARIABLES = {
  application: "APPCONFIG_APPLICATION_ID",
  environment: "APPCONFIG_ENVIRONMENT_ID",
  profile: "APPCONFIG_PROFILE_ID",
} as const;

/**
 * Container variables the runtime sets itself (CC-RUN-05: `APP_ENV`, `BUILD_*`; `PORT`; CC-FLAG-04:
 * `APPCONFIG_*`), so an app may not set them.
 */
export const RESERVED_VARIABLES: readonly string[] = [
  "APP_ENV",
  "BUILD_SHA",
  "BUILD_DATE",
  "BUILD_ACTOR",
  "PORT",
  ...Object.values(APPCONFIG_VARIABLES),
];

/** GitHub Environment variables the program writes for the deploy workflow; a secret may not take their names. */
export const DEPLOY_VARIABLES: readonly string[] = [
  "AWS_DEPLOY_ROLE_ARN",
  "AWS_REGION",
  "IMAGE_REPOSITORY",
  "ECS_CLUSTER",
  "ECS_SERVICE",
  "APP_URL",
];

/**
 * Whether an environment's required reviewers can approve every run while self-review is prevented. GitHub does
 * not let the person who started a run approve it (GitHub docs, "Managing environments for deployment", "Prevent
 * self-review"), so a lone user reviewer blocks every run that user starts. Two users, or a team (whose size the
 * preview cannot read: assumed two or more), leave someone else to approve.
 */
export function approvableDespiteSelfReview(users: number, teams: number): boolean {
  return users >= 2 || teams >= 1;
}

/** Seconds `cicd flags wait` and `cicd flags off` wait at most by default (main.yml's job timeouts count on it). */
export const FLAG_MAX_WAIT_SECONDS = 900;

/**
 * The provider's retries of a flag deployment AppConfig refuses with `ConflictException` (another one in progress),
 * in minutes: terraform-provider-aws `internal/service/appconfig/deployment.go` wraps `StartDeployment` in
 * `RetryWhenIsA[*ConflictException]` for 30 minutes, so a conflict holds the end of `pulumi up` that long.
 */
export const APPCONFIG_CONFLICT_RETRY_MINUTES = 30;

/**
 * The golden-path metrics `cicd verify` publishes after its post-deploy smoke (CloudWatch `PutMetricData`) and
 * each app's dashboard reads (CONST "Observability": golden-path success): `Attempts` requests sent and `Success`
 * requests answering as configured, in counts, per `App` and `Environment` dimension.
 */
export const GOLDEN_PATH = {
  namespace: "CicdConstitution/GoldenPath",
  metrics: { success: "Success", attempts: "Attempts" },
  dimensions: ["App", "Environment"],
} as const;

/** Most required reviewers (users and teams together) a GitHub Environment accepts (GitHub REST docs). */
export const MAX_ENVIRONMENT_REVIEWERS = 6;

/**
 * The required status check an app with migrations adds to its repository's main ruleset: the app's own migration
 * smoke (F6 "Migration Safety Net (Alembic)": `tools/migrations_smoke.py`, a temporary database migrated base to
 * head), a job of the app's workflow named `migrations`. The project names the check; the app owns the script.
 */
export const MIGRATIONS_CHECK = "migrations";
