/**
 * `cicd verify --stack S`: after every `pulumi up`, what really runs against what the stack pins (CONST
 * "Observability": post-deploy smoke; LANES 4 and 6: the drift audit fails when deployed digests mismatch the
 * registry; F6 "Rollback Strategy"). Per app:
 * - VERIFY-SERVICE: ECS `DescribeServices` and `ListServiceDeployments`/`DescribeServiceDeployments`: one
 *   deployment, all tasks running, the last service deployment SUCCESSFUL (not rolled back, not failed);
 * - VERIFY-DIGEST: `DescribeTaskDefinition` of the service's task definition: the container's image is the
 *   pinned `REPOSITORY@DIGEST` (after an ECS rollback the service runs the previous task definition);
 * - VERIFY-ALIAS: the registry's `:staging` / `:prod` names the digest (distribution API v2);
 * - VERIFY-VERSION, VERIFY-HEALTH, VERIFY-SMOKE: the app's `/version` BUILD_SHA, health endpoints and
 *   golden-path requests over HTTPS;
 * - VERIFY-GOLDEN-PATH: with the markers, the smoke's result as the dashboard's golden-path metrics (CloudWatch
 *   `PutMetricData`; src/deploy/goldenPath.ts);
 * - VERIFY-FLAGS: AppConfig `ListDeployments`/`GetDeployment` of the app's flag environment (ids from the outputs'
 *   `apps.<app>.flags`): the latest deployment COMPLETE (src/deploy/flags.ts);
 * - VERIFY-MARKER: a GitHub Deployment with a deployment status on the app's repository (the digest, SHA and
 *   version in its payload; `cicd predeploy` reads it back) and an EventBridge event `Deploy marker`.
 * AWS calls use the SDK v3 clients (credentials and endpoints from the standard chain, `AWS_ENDPOINT_URL_*`
 * included); GitHub calls use Octokit (`GITHUB_TOKEN`, `GITHUB_API_URL`).
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
} from "@aws-sdk/client-ecs";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { publishGoldenPath } from "./goldenPath";
import { AppConfigClient } from "@aws-sdk/client-appconfig";
import type { Octokit } from "@octokit/rest";
import { githubClient } from "./github";
import { ConfigError } from "../config/model";
import { Check, CheckReport } from "./checks";
import { locate, RegistryCredentials, resolveTag } from "./registry";
import { AppTarget, deployedStack } from "./targets";
import { FlagIds, flagIdsOf, IN_PROGRESS_STATES, latestDeployment, progressOf } from "./flags";
import { readStackOutputs } from "../audit/readState";

/** Options of {@link verifyStack}. */
export interface VerifyOptions {
  stack: string;
  /** Project directory. Default `.`. */
  dir?: string;
  /** `pulumi stack output --json` of the stack. Required where the stack pins no digest (staging). */
  outputs?: string;
  /** `APP=URL`: reach an app at URL instead of `https://DOMAIN` (a test, or a private endpoint). */
  appUrls?: Record<string, string>;
  /** Registry base URL instead of `https://ghcr.io`. */
  registryUrl?: string;
  /** Registry credentials (GHCR: owner login and a `read:packages` token). Default: anonymous. */
  registryCredentials?: RegistryCredentials;
  /** Record deploy markers (GitHub Deployment, EventBridge event) and the golden-path metrics. Default true. */
  marker?: boolean;
  /** Release tag of this deploy, for the markers (`mvp-X.Y.Z`). Default: none. */
  version?: string;
  /** GitHub token with `deployments: write` on the app repositories. Default `GITHUB_TOKEN`. */
  githubToken?: string;
  /** GitHub API URL. Default `GITHUB_API_URL`, else `https://api.github.com`. */
  githubApiUrl?: string;
  /** Seconds each HTTP request may take. Default 10. */
  timeoutSeconds?: number;
  /** The CI run's page, the deployment status's `log_url` (`GITHUB_SERVER_URL/REPO/actions/runs/ID`). Default: none. */
  logUrl?: string;
}

export type Push = (c: Omit<Check, "app">) => void;

/** An app whose commit is known: what verify compares against. */
export type Pinned = AppTarget & { gitSha: string };

/** VERIFY-SERVICE and VERIFY-DIGEST from ECS. */
export async function checkEcs(ecs: ECSClient, t: Pinned, push: Push): Promise<void> {
  const described = await ecs.send(
    new DescribeServicesCommand({ cluster: t.cluster, services: [t.service] }),
  );
  const svc = described.services?.find((s) => s.serviceName === t.service);
  if (!svc || svc.status !== "ACTIVE") {
    const why = described.failures?.map((f) => f.reason).join(", ") || svc?.status || "not found";
    push({ id: "VERIFY-SERVICE", status: "fail", message: `service ${t.cluster}/${t.service}: ${why}` });
    push({
      id: "VERIFY-DIGEST",
      status: "skip",
      message: "no active service to read the task definition of",
    });
    return;
  }
  const problems: string[] = [];
  const deployments = svc.deployments ?? [];
  if (deployments.length !== 1)
    problems.push(`${deployments.length} deployments (a deployment is under way)`);
  for (const d of deployments.filter((x) => x.rolloutState === "FAILED"))
    problems.push(`deployment ${d.id} FAILED: ${d.rolloutStateReason ?? "no reason given"}`);
  const [running, desired] = [svc.runningCount ?? 0, svc.desiredCount ?? 0];
  if (running < desired) problems.push(`${running} of ${desired} tasks running`);
  const listed = await ecs.send(
    new ListServiceDeploymentsCommand({ cluster: t.cluster, service: t.service }),
  );
  const newest = listed.serviceDeployments?.sort((a, b) => +(b.createdAt ?? 0) - +(a.createdAt ?? 0))[0];
  if (newest?.serviceDeploymentArn) {
    const { serviceDeployments } = await ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [newest.serviceDeploymentArn] }),
    );
    const d = serviceDeployments?.[0];
    if (d && d.status !== "SUCCESSFUL")
      problems.push(`last service deployment ${d.status}${d.statusReason ? `: ${d.statusReason}` : ""}`);
  }
  push({
    id: "VERIFY-SERVICE",
    status: problems.length ? "fail" : "pass",
    message: problems.length
      ? `${t.service}: ${problems.join("; ")}`
      : `${t.service}: ${running}/${desired} tasks on one successful deployment`,
  });
  let image: string | undefined;
  try {
    const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition }));
    image = td.taskDefinition?.containerDefinitions?.find((c) => c.name === t.app)?.image;
  } catch (err) {
    return push({
      id: "VERIFY-DIGEST",
      status: "fail",
      message: `ECS DescribeTaskDefinition: ${(err as Error).message}`,
    });
  }
  const expected = `${t.imageRepository}@${t.digest}`;
  push({
    id: "VERIFY-DIGEST",
    status: image === expected ? "pass" : "fail",
    message:
      image === expected
        ? `${svc.taskDefinition} runs ${expected}`
        : `${svc.taskDefinition} runs ${image ?? "no container " + t.app}, expected ${expected}`,
  });
}

/** VERIFY-ALIAS from the registry. */
export async function checkAlias(t: Pinned, opts: VerifyOptions, push: Push): Promise<void> {
  try {
    const digest = await resolveTag(
      locate(t.imageRepository, opts.registryUrl),
      t.alias,
      opts.registryCredentials,
    );
    push({
      id: "VERIFY-ALIAS",
      status: digest === t.digest ? "pass" : "fail",
      message:
        digest === t.digest
          ? `${t.imageRepository}:${t.alias} -> ${digest}`
          : `${t.imageRepository}:${t.alias} -> ${digest}, expected ${t.digest}`,
    });
  } catch (err) {
    push({ id: "VERIFY-ALIAS", status: "fail", message: (err as Error).message });
  }
}

/** GET with a time limit; the error names the URL, never a header. */
export async function httpGet(url: string, init: RequestInit, seconds: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(seconds * 1000) });
  } catch (err) {
    throw new Error(`${init.method ?? "GET"} ${url}: ${(err as Error).cause ?? (err as Error).message}`);
  }
}

/** The BUILD_SHA of a `/version` body: a JSON object with `BUILD_SHA` (any case), or `BUILD_SHA=...` text. */
export function buildShaOf(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const key = Object.keys(json).find((k) => k.toLowerCase() === "build_sha");
    if (key) return String(json[key]);
  } catch {
    // not JSON: fall through to key=value text
  }
  return /BUILD_SHA\s*[=:]\s*"?([0-9a-f]{7,40})/i.exec(body)?.[1];
}

/**
 * The SCHEMA_REVISION of a `/version` body (JSON key in any case, or `SCHEMA_REVISION=...` text), as reported: a
 * list (`a,b`) means several heads.
 */
export function schemaRevisionOf(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const key = Object.keys(json).find((k) => k.toLowerCase() === "schema_revision");
    if (key) return Array.isArray(json[key]) ? (json[key] as unknown[]).join(",") : String(json[key]);
  } catch {
    // not JSON: fall through to key=value text
  }
  // A text list may space its commas (`r1, r2`): still several heads, not a revision named "r1,".
  return /SCHEMA_REVISION\s*[=:]\s*"?([A-Za-z0-9_.-]+(?:\s*,\s*[A-Za-z0-9_.-]+)*)/i.exec(body)?.[1];
}

/** VERIFY-SCHEMA: the revision `/version` reports is the one the release lands, and only one. */
export function schemaCheck(
  t: Pick<AppTarget, "versionPath" | "schemaRevision">,
  body: string,
): Omit<Check, "app" | "id"> {
  const got = schemaRevisionOf(body);
  const heads = (got ?? "").split(/[,\s]+/).filter(Boolean);
  if (heads.length > 1)
    return {
      status: "fail",
      message: `${t.versionPath} reports several schema heads (${heads.join(", ")}): merge them into one`,
    };
  return got === t.schemaRevision
    ? { status: "pass", message: `${t.versionPath} SCHEMA_REVISION ${got}` }
    : {
        status: "fail",
        message: `${t.versionPath} reports SCHEMA_REVISION ${got ?? "(none)"}, expected ${t.schemaRevision}: the migration did not land (cicd migrate's log says why)`,
      };
}

/** VERIFY-VERSION (and VERIFY-SCHEMA when the release declares its schema revision), VERIFY-HEALTH, VERIFY-SMOKE. */
export async function checkHttp(t: Pinned, base: string, seconds: number, push: Push): Promise<void> {
  const at = (p: string) => `${base.replace(/\/+$/, "")}${p}`;
  const attempt = async (id: Check["id"], fn: () => Promise<Omit<Check, "app" | "id">>) => {
    try {
      push({ id, ...(await fn()) });
    } catch (err) {
      push({ id, status: "fail", message: (err as Error).message });
    }
  };
  let versionBody = "";
  await attempt("VERIFY-VERSION", async () => {
    const res = await httpGet(at(t.versionPath), {}, seconds);
    versionBody = await res.text();
    const sha = buildShaOf(versionBody);
    const ok = res.status === 200 && sha === t.gitSha;
    return {
      status: ok ? "pass" : "fail",
      message: ok
        ? `${t.versionPath} BUILD_SHA ${sha}`
        : `${t.versionPath} answered ${res.status} with BUILD_SHA ${sha ?? "(none)"}, expected ${t.gitSha}`,
    };
  });
  if (t.schemaRevision) await attempt("VERIFY-SCHEMA", async () => schemaCheck(t, versionBody));
  for (const p of t.healthPaths)
    await attempt("VERIFY-HEALTH", async () => {
      const res = await httpGet(at(p), {}, seconds);
      await res.body?.cancel();
      return {
        status: res.status === 200 ? "pass" : "fail",
        message: `${p} answered ${res.status}, expected 200`,
      };
    });
  for (const s of t.smoke)
    await attempt("VERIFY-SMOKE", async () => {
      const res = await httpGet(at(s.path), { method: s.method }, seconds);
      const body = s.method === "HEAD" ? "" : await res.text();
      const problems = [
        ...(res.status !== s.expectStatus ? [`answered ${res.status}, expected ${s.expectStatus}`] : []),
        ...(s.expectBodyContains && !body.includes(s.expectBodyContains)
          ? [`body lacks ${JSON.stringify(s.expectBodyContains)}`]
          : []),
      ];
      return {
        status: problems.length ? "fail" : "pass",
        message: `${s.method} ${s.path} ${problems.length ? problems.join("; ") : `answered ${res.status}`}`,
      };
    });
}

/**
 * VERIFY-FLAGS from the environment's latest flag deployment (AppConfig `DeploymentState`): COMPLETE passes;
 * ROLLED_BACK or REVERTED fails (the environment serves the previous version); in progress is `skip` with the
 * percentage (production's linear strategy and its bake take about an hour); no deployment at all fails.
 */
export async function flagDeploymentCheck(
  client: AppConfigClient,
  ids: FlagIds,
): Promise<Omit<Check, "app">> {
  const d = await latestDeployment(client, ids);
  const id = "VERIFY-FLAGS";
  if (!d)
    return {
      id,
      status: "fail",
      message: `no flag deployment in environment ${ids.environmentId} of application ${ids.applicationId}: the app reads no flags`,
    };
  const what = `deployment ${d.DeploymentNumber} of version ${d.ConfigurationVersion}`;
  if (d.State === "COMPLETE") return { id, status: "pass", message: `${what} COMPLETE` };
  if (IN_PROGRESS_STATES.has(d.State ?? ""))
    return { id, status: "skip", message: `${what} in progress: ${progressOf(d)}` };
  return {
    id,
    status: "fail",
    message: `${what} ${d.State}, expected COMPLETE: the previous version is served`,
  };
}

/** VERIFY-FLAGS: skipped without the app's `apps.<app>.flags` outputs; an AppConfig error fails it. */
export async function checkFlags(
  client: () => AppConfigClient,
  outputs: Record<string, unknown> | undefined,
  app: string,
  push: Push,
): Promise<void> {
  const { ids, problems } = flagIdsOf(outputs ?? {}, app);
  if (!ids)
    return push({
      id: "VERIFY-FLAGS",
      status: "skip",
      message: outputs
        ? `no flag ids: ${problems.map((p) => `${p.key}: expected ${p.expected}, found ${p.found}`).join("; ")}`
        : "no --outputs: the flag environment's ids come from apps.<app>.flags",
    });
  try {
    push(await flagDeploymentCheck(client(), ids));
  } catch (err) {
    push({ id: "VERIFY-FLAGS", status: "fail", message: `AppConfig: ${(err as Error).message}` });
  }
}

/** VERIFY-MARKER: a GitHub Deployment with its status, and an EventBridge event. */
export async function recordMarker(
  t: Pinned,
  checks: Check[],
  opts: VerifyOptions,
  clients: { github: Octokit; events: EventBridgeClient },
  push: Push,
): Promise<void> {
  const failed = checks.filter((c) => c.status === "fail").map((c) => c.id);
  const state = failed.length ? "failure" : "success";
  const payload = {
    digest: t.digest,
    image: `${t.imageRepository}@${t.digest}`,
    sha: t.gitSha,
    version: opts.version ?? null,
  };
  const description =
    `${opts.version ?? t.gitSha.slice(0, 12)} ${t.digest.slice(0, 19)}: ${failed.length ? `failed ${failed.join(", ")}` : "verified"}`.slice(
      0,
      140,
    );
  try {
    const { data } = await clients.github.rest.repos.createDeployment({
      owner: t.githubOwner,
      repo: t.repository,
      ref: t.gitSha,
      environment: t.environment,
      auto_merge: false,
      required_contexts: [],
      payload,
      description,
      production_environment: t.environment === "production",
    });
    if (!("id" in data))
      throw new Error(`GitHub did not create the deployment: ${data.message ?? "no reason"}`);
    await clients.github.rest.repos.createDeploymentStatus({
      owner: t.githubOwner,
      repo: t.repository,
      deployment_id: data.id,
      state,
      description,
      environment_url: t.url,
      ...(opts.logUrl ? { log_url: opts.logUrl } : {}),
    });
    const event = await clients.events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: "cicd-constitution",
            DetailType: "Deploy marker",
            Resources: [],
            Detail: JSON.stringify({ app: t.app, environment: t.environment, state, ...payload }),
          },
        ],
      }),
    );
    if (event.FailedEntryCount)
      throw new Error(
        `EventBridge refused the event: ${event.Entries?.[0]?.ErrorMessage ?? "no reason given"}`,
      );
    push({
      id: "VERIFY-MARKER",
      status: "pass",
      message: `deployment ${data.id} of ${t.githubOwner}/${t.repository} (${state}) and an EventBridge event`,
    });
  } catch (err) {
    push({ id: "VERIFY-MARKER", status: "fail", message: `deploy marker: ${(err as Error).message}` });
  }
}

/**
 * Verifies every app of a deployed stack.
 *
 * @throws ConfigError for an invalid stack file or an app whose digest is unknown (give `outputs`), and Error
 *   when markers are on without a GitHub token.
 */
export async function verifyStack(opts: VerifyOptions): Promise<CheckReport> {
  const deployed = await deployedStack(opts.dir ?? ".", opts.stack, opts.outputs);
  const unknown = deployed.apps.filter((t) => !t.gitSha);
  if (unknown.length)
    throw new ConfigError(
      opts.stack,
      unknown.map((t) => ({
        key: `--outputs (environmentProfile.apps.${t.app}.build.gitSha)`,
        expected: "the commit of the digest the stack runs: pulumi stack output --json",
        found: "none",
      })),
    );
  const marker = opts.marker ?? true;
  const token = opts.githubToken ?? process.env.GITHUB_TOKEN;
  if (marker && !token)
    throw new Error(
      "cicd verify: deploy markers need GITHUB_TOKEN (deployments: write on the app repositories), or --no-marker",
    );
  const region = deployed.model.awsRegion;
  const ecs = new ECSClient({ region });
  const events = new EventBridgeClient({ region });
  const cloudwatch = new CloudWatchClient({ region });
  const outputs = opts.outputs ? readStackOutputs(opts.outputs) : undefined;
  let appconfig: AppConfigClient | undefined;
  const flagsClient = () => (appconfig ??= new AppConfigClient({ region }));
  const github = githubClient(token, opts.githubApiUrl);
  const checks: Check[] = [];
  try {
    for (const t of deployed.apps as Pinned[]) {
      const mine: Check[] = [];
      const push: Push = (c) => mine.push({ ...c, app: t.app });
      try {
        await checkEcs(ecs, t, push);
      } catch (err) {
        push({ id: "VERIFY-SERVICE", status: "fail", message: `ECS: ${(err as Error).message}` });
      }
      await checkAlias(t, opts, push);
      await checkHttp(t, opts.appUrls?.[t.app] ?? t.url, opts.timeoutSeconds ?? 10, push);
      if (marker)
        push(
          await publishGoldenPath(
            cloudwatch,
            t,
            mine.filter((c) => c.id === "VERIFY-SMOKE"),
          ),
        );
      await checkFlags(flagsClient, outputs, t.app, push);
      if (marker) await recordMarker(t, mine, opts, { github, events }, push);
      checks.push(...mine);
    }
  } finally {
    ecs.destroy();
    events.destroy();
    cloudwatch.destroy();
    appconfig?.destroy();
  }
  return { command: "verify", stack: opts.stack, checks };
}
