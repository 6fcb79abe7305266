/**
 * A local AWS AppConfig for `cicd flags` and `cicd verify` run with the real SDK v3 client: the REST-JSON routes
 * `@aws-sdk/client-appconfig` calls (its `dist-cjs/index.js` serializers) over a small in-memory model.
 * - `GET /applications/A/environments/E/deployments` (ListDeployments, newest first, `max_results`/`next_token`);
 * - `GET .../deployments/N` (GetDeployment): each read advances the deployment one step of its `next` states;
 * - `POST .../deployments` (StartDeployment): 409 `ConflictException` while another deployment of the environment
 *   is in progress, as AppConfig answers;
 * - `DELETE .../deployments/N` (StopDeployment, `Allow-Revert` header): DEPLOYING, or any in-progress state with
 *   `AllowRevert`, goes ROLLING_BACK then ROLLED_BACK; COMPLETE with `AllowRevert` goes REVERTED; else 400;
 * - `GET`/`POST /applications/A/configurationprofiles/P/hostedconfigurationversions[/V]`: the raw content in the
 *   body, the ids in the `Application-Id`, `Configuration-Profile-Id` and `Version-Number` headers.
 * Timestamps are RFC 3339 strings, as the SDK's AppConfig model reads them (it refuses epoch numbers). Listens on 127.0.0.1, port 0; the test that starts it closes it.
 */
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { stampSuiteDate, type Served } from "./servers";

/** A deployment strategy's timing (AppConfig `DeploymentStrategy`). */
export interface Strategy {
  DeploymentDurationInMinutes: number;
  FinalBakeTimeInMinutes: number;
  GrowthFactor: number;
}

/** The predefined strategies the stacks use (AppConfig user guide, "Predefined deployment strategies"). */
export const PREDEFINED: Record<string, Strategy> = {
  "AppConfig.AllAtOnce": { DeploymentDurationInMinutes: 0, FinalBakeTimeInMinutes: 10, GrowthFactor: 100 },
  "AppConfig.Linear20PercentEvery6Minutes": {
    DeploymentDurationInMinutes: 30,
    FinalBakeTimeInMinutes: 30,
    GrowthFactor: 20,
  },
};

/** One state a deployment passes through. */
export interface Step {
  State: string;
  PercentageComplete: number;
}

/** A deployment as the server stores it. */
export interface StoredDeployment extends Strategy {
  DeploymentNumber: number;
  ConfigurationProfileId: string;
  ConfigurationVersion: string;
  DeploymentStrategyId: string;
  Description?: string;
  State: string;
  PercentageComplete: number;
  /** Epoch seconds. */
  StartedAt: number;
  CompletedAt?: number;
  /** The states the next GetDeployment reads move it through, one per read; when empty it stays. */
  next: Step[];
}

/** A hosted configuration version. */
export interface StoredVersion {
  content: string;
  contentType: string;
  description?: string;
}

/** What the server holds; tests seed it and read it back. */
export interface AppConfigWorld {
  /** Deployments by `APPLICATION/ENVIRONMENT`. An environment not listed answers 404. */
  deployments: Record<string, StoredDeployment[]>;
  /** Hosted versions by `APPLICATION/PROFILE`; version N is index N-1. */
  versions: Record<string, StoredVersion[]>;
  /** Strategies by id, besides {@link PREDEFINED}. */
  strategies: Record<string, Strategy>;
  /** The states new deployments go through instead of their strategy's (an automatic rollback, say). */
  startSteps?: Step[];
  /** Answer the next StartDeployment with this error instead. */
  failNextStart?: { status: number; type: string; message: string };
}

/** One request as the server saw it. */
export interface AppConfigCall {
  operation: string;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  signed: boolean;
  /** The error type answered, if any. */
  error?: string;
}

const IN_PROGRESS = new Set(["DEPLOYING", "BAKING", "VALIDATING", "ROLLING_BACK"]);

/** The states a new deployment with `s` goes through, one per GetDeployment. */
export function stepsOf(s: Strategy): Step[] {
  if (s.DeploymentDurationInMinutes === 0 && s.FinalBakeTimeInMinutes === 0)
    return [{ State: "COMPLETE", PercentageComplete: 100 }];
  return [
    { State: "DEPLOYING", PercentageComplete: 50 },
    { State: "BAKING", PercentageComplete: 100 },
    { State: "COMPLETE", PercentageComplete: 100 },
  ];
}

class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const now = () => Math.floor(Date.now() / 1000);

function advance(d: StoredDeployment): void {
  const step = d.next.shift();
  if (!step) return;
  Object.assign(d, step);
  if (!IN_PROGRESS.has(d.State)) d.CompletedAt = now();
}

/** A deployment as AppConfig answers it: timestamps as RFC 3339 strings (the model's `timestampFormat`). */
function view(d: StoredDeployment, app: string, env: string) {
  const { next, StartedAt, CompletedAt, ...rest } = d;
  void next;
  const iso = (s: number) => new Date(s * 1000).toISOString();
  return {
    ApplicationId: app,
    EnvironmentId: env,
    GrowthType: "LINEAR",
    ...rest,
    StartedAt: iso(StartedAt),
    ...(CompletedAt ? { CompletedAt: iso(CompletedAt) } : {}),
  };
}

/** The deployment routes. */
function deployments(world: AppConfigWorld, app: string, env: string, number: string | undefined) {
  const list = world.deployments[`${app}/${env}`];
  if (!list) throw new AwsError(404, "ResourceNotFoundException", `Environment ${env} not found`);
  const find = () => {
    const d = list.find((x) => x.DeploymentNumber === Number(number));
    if (!d) throw new AwsError(404, "ResourceNotFoundException", `Deployment ${number} not found`);
    return d;
  };
  return {
    list(query: URLSearchParams) {
      const sorted = [...list].sort((a, b) => b.DeploymentNumber - a.DeploymentNumber);
      const from = Number(query.get("next_token") ?? 0);
      const size = Number(query.get("max_results") ?? 50);
      const items = sorted.slice(from, from + size).map((d) => view(d, app, env));
      return { Items: items, ...(from + size < sorted.length ? { NextToken: String(from + size) } : {}) };
    },
    get() {
      const d = find();
      advance(d);
      return view(d, app, env);
    },
    start(body: Record<string, string>) {
      if (world.failNextStart) {
        const f = world.failNextStart;
        world.failNextStart = undefined;
        throw new AwsError(f.status, f.type, f.message);
      }
      const busy = list.find((d) => IN_PROGRESS.has(d.State));
      if (busy)
        throw new AwsError(
          409,
          "ConflictException",
          `Deployment number ${busy.DeploymentNumber} is already in progress in environment ${env}`,
        );
      const strategy = world.strategies[body.DeploymentStrategyId] ?? PREDEFINED[body.DeploymentStrategyId];
      if (!strategy)
        throw new AwsError(
          404,
          "ResourceNotFoundException",
          `Strategy ${body.DeploymentStrategyId} not found`,
        );
      const versions = world.versions[`${app}/${body.ConfigurationProfileId}`] ?? [];
      if (!versions[Number(body.ConfigurationVersion) - 1])
        throw new AwsError(400, "BadRequestException", `Version ${body.ConfigurationVersion} not found`);
      const d: StoredDeployment = {
        ...strategy,
        DeploymentNumber: Math.max(0, ...list.map((x) => x.DeploymentNumber)) + 1,
        ConfigurationProfileId: body.ConfigurationProfileId,
        ConfigurationVersion: body.ConfigurationVersion,
        DeploymentStrategyId: body.DeploymentStrategyId,
        Description: body.Description,
        State: "DEPLOYING",
        PercentageComplete: 0,
        StartedAt: now(),
        next: [...(world.startSteps ?? stepsOf(strategy))],
      };
      list.push(d);
      return view(d, app, env);
    },
    stop(allowRevert: boolean) {
      const d = find();
      if (d.State === "COMPLETE" && allowRevert) Object.assign(d, { State: "REVERTED", next: [] });
      else if (
        d.State === "DEPLOYING" ||
        (allowRevert && IN_PROGRESS.has(d.State) && d.State !== "ROLLING_BACK")
      )
        Object.assign(d, {
          State: "ROLLING_BACK",
          next: [{ State: "ROLLED_BACK", PercentageComplete: d.PercentageComplete }],
        });
      else
        throw new AwsError(400, "BadRequestException", `Deployment ${number} is ${d.State}: cannot stop it`);
      return view(d, app, env);
    },
  };
}

/** Writes a hosted version: the content as the body, the rest in headers. */
function sendVersion(res: http.ServerResponse, app: string, profile: string, n: number, v: StoredVersion) {
  res.setHeader("Application-Id", app);
  res.setHeader("Configuration-Profile-Id", profile);
  res.setHeader("Version-Number", String(n));
  res.setHeader("Content-Type", v.contentType);
  if (v.description) res.setHeader("Description", v.description);
  res.end(v.content);
}

const DEPLOYMENTS = /^\/applications\/([^/]+)\/environments\/([^/]+)\/deployments(?:\/(\d+))?$/;
const VERSIONS =
  /^\/applications\/([^/]+)\/configurationprofiles\/([^/]+)\/hostedconfigurationversions(?:\/(\d+))?$/;

/** The AppConfig operation of a request (the SDK's HTTP bindings), or undefined. */
export function operationOf(method: string, pathname: string): string | undefined {
  const d = DEPLOYMENTS.exec(pathname);
  if (d)
    return {
      GET: d[3] ? "GetDeployment" : "ListDeployments",
      POST: d[3] ? undefined : "StartDeployment",
      DELETE: d[3] ? "StopDeployment" : undefined,
    }[method];
  const v = VERSIONS.exec(pathname);
  if (v)
    return {
      GET: v[3] ? "GetHostedConfigurationVersion" : undefined,
      POST: v[3] ? undefined : "CreateHostedConfigurationVersion",
    }[method];
  return undefined;
}

/** Answers one request of `operation`. */
function route(
  world: AppConfigWorld,
  operation: string,
  req: http.IncomingMessage,
  body: string,
  res: http.ServerResponse,
): void {
  const url = new URL(req.url ?? "/", "http://x");
  const json = (status: number, value: unknown) => {
    res.statusCode = status;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(value));
  };
  const d = DEPLOYMENTS.exec(url.pathname);
  if (d) {
    const routes = deployments(world, d[1], d[2], d[3]);
    if (operation === "ListDeployments") return json(200, routes.list(url.searchParams));
    if (operation === "GetDeployment") return json(200, routes.get());
    if (operation === "StartDeployment") return json(201, routes.start(JSON.parse(body || "{}")));
    return json(202, routes.stop(req.headers["allow-revert"] === "true"));
  }
  const [, app, profile, number] = VERSIONS.exec(url.pathname)!;
  const versions = world.versions[`${app}/${profile}`];
  if (!versions) throw new AwsError(404, "ResourceNotFoundException", `Profile ${profile} not found`);
  if (operation === "GetHostedConfigurationVersion") {
    const v = versions[Number(number) - 1];
    if (!v) throw new AwsError(404, "ResourceNotFoundException", `Version ${number} not found`);
    res.statusCode = 200;
    return sendVersion(res, app, profile, Number(number), v);
  }
  const v = {
    content: body,
    contentType: String(req.headers["content-type"]),
    description: req.headers.description as string | undefined,
  };
  versions.push(v);
  res.statusCode = 201;
  sendVersion(res, app, profile, versions.length, v);
}

/**
 * Starts the server over `world`. Every call is recorded in `calls`; `log`, when given, also gets
 * `AppConfig OPERATION` per call, so a test can order them with another server's calls.
 */
export async function appConfigServer(
  world: AppConfigWorld,
  log?: string[],
): Promise<Served & { calls: AppConfigCall[] }> {
  const calls: AppConfigCall[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const call: AppConfigCall = {
      operation: "?",
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      body,
      signed: /^AWS4-HMAC-SHA256 /.test(String(req.headers.authorization ?? "")),
    };
    calls.push(call);
    res.setHeader("x-amzn-requestid", `req-${calls.length}`);
    stampSuiteDate(res);
    call.operation = operationOf(call.method, new URL(call.path, "http://x").pathname) ?? "?";
    try {
      if (call.operation === "?")
        throw new AwsError(404, "ResourceNotFoundException", `no route ${call.method} ${call.path}`);
      route(world, call.operation, req, body, res);
    } catch (err) {
      const e = err instanceof AwsError ? err : new AwsError(500, "InternalServerException", String(err));
      call.error = e.type;
      res.statusCode = e.status;
      res.setHeader("content-type", "application/json");
      res.setHeader("x-amzn-errortype", e.type);
      res.end(JSON.stringify({ Message: e.message }));
    }
    log?.push(`AppConfig ${call.operation}${call.error ? ` ${call.error}` : ""}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
