/**
 * `cicd predeploy --stack production` (F6 "Pre-Deploy Checklist Script", "Error Budget & Deploy Freeze";
 * PLAY "4) Production promotion"), run by `main.yml` before production's `pulumi up`:
 * - PREDEPLOY-STAGING-VERIFIED: each pinned digest has a GitHub Deployment in `staging` on the app's repository
 *   whose payload names that digest and whose latest status is `success`: `cicd verify` recorded it there;
 * - PREDEPLOY-CHECKS-GREEN: the commit being deployed has every required check (`style`, `unit`, `smoke` of
 *   this repository's governance) successful, as a check run or a commit status;
 * - PREDEPLOY-SECRETS: every secret the stack requires is set in the stack (Pulumi secrets);
 * - PREDEPLOY-ERROR-BUDGET: CloudWatch `DescribeAlarms`: neither burn alarm of an app is in ALARM, unless an
 *   override (`predeploy.overrides`) names the check and the app with a reason, an owner and an expiry, as a
 *   waiver does; an expired or incomplete override is refused;
 * - PREDEPLOY-SCHEMA: an app's running release reports the schema revision its next migration starts from
 *   (src/deploy/migrationGates.ts);
 * - PREDEPLOY-MIGRATION: each app's migration contract is met (src/deploy/migrationGates.ts: a maintenance window,
 *   a recent backup for a destructive one);
 * - PREDEPLOY-STAGING-SOAK, PREDEPLOY-ROLLBACK-TARGET, PREDEPLOY-DRIFT (src/deploy/releaseGates.ts), which an
 *   override may lift the same way.
 */
import { checkMigrationContracts, checkSchemaBefore } from "./migrationGates";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { Octokit } from "@octokit/rest";
import { githubClient } from "./github";
import { DEPLOYMENTS_READ, latestStatus, payloadOf, statusesOf } from "./deployments";
import { gateOverrideProblems, GATE_OVERRIDABLE } from "../config/model";
import { validWaivers, waiverProblems } from "../../policy-pack/lib/waivers";
import { requiredSecrets } from "../config/secrets";
import { DEFAULT_REQUIRED_CHECKS } from "../../components/defaults";
import { Check, CheckReport } from "./checks";
import { AppTarget, deployedStack, DeployedStack } from "./targets";
import { checkReleaseGates } from "./releaseGates";

/** Options of {@link predeployStack}. */
export interface PredeployOptions {
  stack: string;
  /** Project directory. Default `.`. */
  dir?: string;
  /** The commit of this repository being deployed. Default `GITHUB_SHA`. */
  sha?: string;
  /**
   * This repository, `OWNER/NAME`. Default `GITHUB_REPOSITORY`, else the stack's `githubOwner` and
   * `infrastructure.repository.name` (`cicd-constitution` when the stack governs no repository).
   */
  repository?: string;
  /** The environment whose verify must have passed. Default `staging`. */
  stagingEnvironment?: string;
  /** GitHub token (`deployments: read`, `checks: read`, `statuses: read`). Default `GITHUB_TOKEN`. */
  githubToken?: string;
  /** GitHub API URL. Default `GITHUB_API_URL`, else `https://api.github.com`. */
  githubApiUrl?: string;
  /** "Now", for override expiry. Default: now. */
  now?: Date;
  /** `APP -> URL`: reach an app's `/version` at URL instead of `https://DOMAIN` (PREDEPLOY-SCHEMA). Default: none. */
  appUrls?: Record<string, string>;
}

/** The gates an override may lift ({@link GATE_OVERRIDABLE}). */
const OVERRIDABLE = GATE_OVERRIDABLE;

type Push = (c: Check) => void;

/**
 * The latest status of a deployment that a verifier posted: a status from anyone else is ignored.
 */
async function latestState(
  github: Octokit,
  t: Pick<AppTarget, "githubOwner" | "repository">,
  id: number,
  verifiers: readonly string[],
): Promise<string | undefined> {
  const statuses = await statusesOf(github, { owner: t.githubOwner, repo: t.repository }, id);
  return latestStatus(statuses, verifiers)?.state;
}

/**
 * A digest counts as verified in staging only through a deployment that the identity `cicd verify` runs as there
 * created (`predeploy.verifiers`): anyone with Deployments write on the app's repository can create one. The
 * newest such deployment with a verdict decides: its latest verifier status is `success`, not `failure`/`error`.
 */
export async function checkStagingVerified(
  github: Octokit,
  t: Pick<AppTarget, "app" | "githubOwner" | "repository" | "digest">,
  environment: string,
  verifiers: readonly string[],
  push: Push,
) {
  if (verifiers.length === 0)
    return push({
      id: "PREDEPLOY-STAGING-VERIFIED",
      app: t.app,
      status: "fail",
      message:
        "predeploy.verifiers is not set: name the GitHub login cicd verify runs as in staging, whose deployments alone count",
    });
  const mine: Array<{ id: number; creator: string }> = [];
  const others = new Set<string>();
  let read = 0;
  for await (const page of github.paginate.iterator(github.rest.repos.listDeployments, {
    owner: t.githubOwner,
    repo: t.repository,
    environment,
    per_page: 100,
  })) {
    for (const d of page.data.filter((x) => payloadOf(x.payload).digest === t.digest)) {
      const creator = d.creator?.login ?? "";
      if (verifiers.includes(creator)) mine.push({ id: d.id, creator });
      else others.add(creator || "(unknown)");
    }
    read += page.data.length;
    if (read >= DEPLOYMENTS_READ) break;
  }
  // Newest deployment first (GitHub's order): the latest verdict decides, so a failed re-verify is not outweighed
  // by an older success; a deployment without a verdict yet (pending, in progress) is passed over.
  let failed: string | undefined;
  for (const d of mine) {
    const state = await latestState(github, t, d.id, verifiers);
    if (state === "success")
      return push({
        id: "PREDEPLOY-STAGING-VERIFIED",
        app: t.app,
        status: "pass",
        message: `${t.digest} verified in ${environment} (deployment ${d.id}, created by ${d.creator})`,
      });
    if (state === "failure" || state === "error") {
      failed = `${t.digest}'s latest verify in ${environment} failed (deployment ${d.id}, status ${state}): verify it again`;
      break;
    }
  }
  push({
    id: "PREDEPLOY-STAGING-VERIFIED",
    app: t.app,
    status: "fail",
    message:
      (failed ??
        (mine.length
          ? `${t.digest} was deployed to ${environment} ${mine.length} time(s), never verified successfully`
          : `${t.digest} has no ${environment} deployment of ${t.githubOwner}/${t.repository} by ${verifiers.join(", ")} among the last ${read}: run cicd verify there first`)) +
      (others.size ? `; not counted: deployments by ${[...others].join(", ")}` : ""),
  });
}

/**
 * Each check name of a commit's check runs by the app the rulesets pin the required checks to
 * (`governance.checksIntegrationId`, GitHub Actions by default; CC-BR-12), with whether its latest run (by start
 * time, then id) completed successfully. Commit statuses do not count: any token with statuses write can post one
 * under any name, and GitHub records no app for it.
 */
async function latestChecksOf(
  github: Octokit,
  owner: string,
  repo: string,
  ref: string,
  integrationId: number,
): Promise<Map<string, boolean>> {
  const runs = await github.paginate(github.rest.checks.listForRef, { owner, repo, ref, per_page: 100 });
  const latest = new Map<string, (typeof runs)[number]>();
  const order = (r: (typeof runs)[number]) => [Date.parse(r.started_at ?? "") || 0, r.id] as const;
  for (const r of runs.filter((x) => x.app?.id === integrationId)) {
    const seen = latest.get(r.name);
    const [t, id] = order(r);
    if (!seen || t > order(seen)[0] || (t === order(seen)[0] && id > order(seen)[1])) latest.set(r.name, r);
  }
  return new Map(
    [...latest].map(([name, r]) => [name, r.status === "completed" && r.conclusion === "success"] as const),
  );
}

/**
 * The required checks run on pull requests (`pr.yml`), and `main` takes squash merges only, so a commit of `main`
 * has them through the merged pull request that made it: its head commit's checks count for a check the commit has
 * no run of. A check is green when its latest run (by start time, then id) succeeded: a newer failed or unfinished
 * run is never outweighed by an older success.
 */
export async function checkRequiredChecks(
  github: Octokit,
  repo: string,
  sha: string,
  required: { checks: string[]; integrationId: number },
  push: Push,
) {
  const [owner, name] = repo.split("/");
  const latest = await latestChecksOf(github, owner, name, sha, required.integrationId);
  let where = `${repo}@${sha.slice(0, 12)}`;
  if (required.checks.some((c) => !latest.has(c))) {
    const { data: pulls } = await github.rest.repos.listPullRequestsAssociatedWithCommit({
      owner,
      repo: name,
      commit_sha: sha,
    });
    const merged = pulls.find((p) => p.merged_at && p.base.ref === "main");
    if (merged) {
      const head = await latestChecksOf(github, owner, name, merged.head.sha, required.integrationId);
      for (const [c, green] of head) if (!latest.has(c)) latest.set(c, green);
      where += ` (pull request #${merged.number}, head ${merged.head.sha.slice(0, 12)})`;
    }
  }
  const missing = required.checks.filter((c) => latest.get(c) !== true);
  const by = `latest check runs of app ${required.integrationId}`;
  push({
    id: "PREDEPLOY-CHECKS-GREEN",
    app: "*",
    status: missing.length ? "fail" : "pass",
    message: missing.length
      ? `${where}: ${missing.join(", ")} not successful (${by})`
      : `${where}: ${required.checks.join(", ")} successful (${by})`,
  });
}

function checkSecrets(deployed: DeployedStack, push: Push) {
  const missing = requiredSecrets(deployed.model, deployed.source).filter((s) => s.state === "missing");
  push({
    id: "PREDEPLOY-SECRETS",
    app: "*",
    status: missing.length ? "fail" : "pass",
    message: missing.length
      ? `not set: ${missing.map((s) => s.path).join(", ")} (pulumi config set --secret --path ...)`
      : "every required secret is set as a Pulumi secret",
  });
}

/**
 * The overrides in force: complete, unexpired and bounded ({@link gateOverrideProblems}), each with the digest it is
 * bound to when it names one (a rollback's: it lifts the gates for the digest rolled back to, not for the next).
 */
function validOverrides(deployed: DeployedStack, now: Date) {
  const apps = deployed.apps.map((t) => t.app);
  return deployed.model.predeploy.overrides.flatMap((o) => {
    const [valid] = validWaivers([o], now, OVERRIDABLE);
    if (!valid || gateOverrideProblems(o, now, apps).length) return [];
    return [{ ...valid, digest: typeof o.digest === "string" ? o.digest.trim() : undefined }];
  });
}

/** Whether an override in force names the app and, when it is bound to a digest, the digest the app pins. */
function appliesTo(
  o: ReturnType<typeof validOverrides>[number],
  deployed: DeployedStack,
  app: string,
): boolean {
  const pinned = deployed.apps.find((t) => t.app === app)?.digest;
  return o.resource === app && (o.digest === undefined || o.digest === pinned);
}

/**
 * A failed release gate (soak, drift, rollback target) an override in force names, for its app (a stack-wide gate:
 * any app's override of it that holds for its own app, so a digest-bound one only while that app pins the digest),
 * becomes `skip` with the override's owner, expiry and reason.
 */
export function lifted(c: Check, deployed: DeployedStack, now: Date): Check {
  if (c.status !== "fail" || c.id === "PREDEPLOY-ERROR-BUDGET" || !OVERRIDABLE.includes(c.id)) return c;
  const o = validOverrides(deployed, now).find(
    (x) => x.ruleId === c.id && appliesTo(x, deployed, c.app === "*" ? x.resource : c.app),
  );
  return o
    ? {
        ...c,
        status: "skip",
        message: `${c.message}; deploy allowed by override of ${o.owner} until ${o.expires}: ${o.reason}`,
      }
    : c;
}

/**
 * PREDEPLOY-ERROR-BUDGET: each override's problems (an expired one is reported and lifts nothing), then each app's
 * burn alarms: present and not in ALARM, or in ALARM under an override of this gate for the app.
 */
export async function checkErrorBudget(cw: CloudWatchClient, deployed: DeployedStack, now: Date, push: Push) {
  const overrides = deployed.model.predeploy.overrides;
  const apps = deployed.apps.map((t) => t.app);
  // An expired override is history (a rollback's lapses the next day): it lifts nothing and blocks nothing. An
  // incomplete one is a mistake to fix before it is trusted.
  for (const [i, o] of overrides.entries()) {
    const bounds = gateOverrideProblems(o as Record<string, unknown>, now, apps).map(
      (p) => `${p.field}: ${p.expected}`,
    );
    const problems = [...waiverProblems(o, now, OVERRIDABLE), ...bounds];
    const expired = problems.filter((p) => p.startsWith("expired on"));
    const wrong = problems.filter((p) => !expired.includes(p));
    const at = `predeploy.overrides[${i}]`;
    if (wrong.length)
      push({ id: "PREDEPLOY-ERROR-BUDGET", app: "*", status: "fail", message: `${at} ${wrong.join("; ")}` });
    else if (expired.length)
      push({
        id: "PREDEPLOY-ERROR-BUDGET",
        app: "*",
        status: "skip",
        message: `${at} ${expired[0]}: lifts nothing`,
      });
  }
  const valid = validOverrides(deployed, now);
  const names = deployed.apps.flatMap((t) => t.burnAlarms);
  const { MetricAlarms = [] } = await cw.send(new DescribeAlarmsCommand({ AlarmNames: names }));
  for (const t of deployed.apps) {
    const found = MetricAlarms.filter((a) => t.burnAlarms.includes(a.AlarmName ?? ""));
    const missing = t.burnAlarms.filter((n) => !found.some((a) => a.AlarmName === n));
    const breached = found.filter((a) => a.StateValue === "ALARM");
    // Only an override of this gate lifts the freeze: one of the soak or the drift gate for the app does not.
    const override = valid.find(
      (o) => o.ruleId === "PREDEPLOY-ERROR-BUDGET" && appliesTo(o, deployed, t.app),
    );
    const check = (status: Check["status"], message: string) =>
      push({ id: "PREDEPLOY-ERROR-BUDGET", app: t.app, status, message });
    if (missing.length) check("fail", `no alarm ${missing.join(", ")}: the error budget cannot be read`);
    else if (!breached.length)
      check("pass", `burn alarms ${found.map((a) => `${a.AlarmName} ${a.StateValue}`).join(", ")}`);
    else if (override)
      check(
        "skip",
        `${breached.map((a) => a.AlarmName).join(", ")} in ALARM; deploy allowed by override of ${override.owner} until ${override.expires}: ${override.reason}`,
      );
    else
      check(
        "fail",
        `${breached.map((a) => a.AlarmName).join(", ")} in ALARM: the error budget is spent; deploys are frozen until an incident review (F6), or an override with reason, owner and expiry`,
      );
  }
}

/**
 * Runs the pre-deploy checklist of a stack.
 *
 * @throws ConfigError for an invalid stack file; Error without a GitHub token or a commit SHA.
 */
export async function predeployStack(opts: PredeployOptions): Promise<CheckReport> {
  const deployed = await deployedStack(opts.dir ?? ".", opts.stack, undefined, opts.now);
  const token = opts.githubToken ?? process.env.GITHUB_TOKEN;
  const sha = opts.sha ?? process.env.GITHUB_SHA;
  if (!token) throw new Error("cicd predeploy: needs GITHUB_TOKEN (deployments, checks and statuses: read)");
  if (!sha || !/^[0-9a-f]{40}$/.test(sha))
    throw new Error(`cicd predeploy: --sha must be a 40-hex commit, found ${sha ?? "none"}`);
  const infra = deployed.model.infrastructure;
  const repo =
    opts.repository ??
    process.env.GITHUB_REPOSITORY ??
    `${deployed.model.githubOwner}/${infra?.repository.name ?? "cicd-constitution"}`;
  const github = githubClient(token, opts.githubApiUrl);
  const cw = new CloudWatchClient({ region: deployed.model.awsRegion });
  const checks: Check[] = [];
  const push: Push = (c) => checks.push(c);
  const guarded = async (id: Check["id"], app: string, fn: () => Promise<void> | void) => {
    try {
      await fn();
    } catch (err) {
      push({ id, app, status: "fail", message: (err as Error).message });
    }
  };
  try {
    for (const t of deployed.apps)
      await guarded("PREDEPLOY-STAGING-VERIFIED", t.app, () =>
        checkStagingVerified(
          github,
          t,
          opts.stagingEnvironment ?? "staging",
          deployed.model.predeploy.verifiers,
          push,
        ),
      );
    await guarded("PREDEPLOY-CHECKS-GREEN", "*", () =>
      checkRequiredChecks(
        github,
        repo,
        sha,
        {
          checks: infra?.requiredChecks ?? [...DEFAULT_REQUIRED_CHECKS],
          integrationId: deployed.model.governance.checksIntegrationId,
        },
        push,
      ),
    );
    checkSecrets(deployed, push);
    for (const c of checkMigrationContracts(deployed.model, opts.now ?? new Date())) push(c);
    for (const t of deployed.apps) {
      const app = deployed.model.apps.find((a) => a.name === t.app)!;
      const c = await checkSchemaBefore(app, {
        baseUrl: opts.appUrls?.[t.app] ?? t.url,
        versionPath: t.versionPath,
      });
      if (c) push(c);
    }
    await guarded("PREDEPLOY-ERROR-BUDGET", "*", () =>
      checkErrorBudget(cw, deployed, opts.now ?? new Date(), push),
    );
    const now = opts.now ?? new Date();
    await guarded("PREDEPLOY-STAGING-SOAK", "*", () =>
      checkReleaseGates({ github, cw }, deployed, repo, now, (c) => push(lifted(c, deployed, now))),
    );
  } finally {
    cw.destroy();
  }
  return { command: "predeploy", stack: opts.stack, checks };
}
