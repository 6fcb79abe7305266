/**
 * The world a release travels through, for the end-to-end test: a real OCI registry (docker-registry, filled by
 * skopeo), GitHub's REST API, and AWS's JSON protocols (ECS, CloudWatch, CloudWatch Logs, EventBridge) and
 * AppConfig's REST API, each a local server (test/deploy/servers.ts, test/deploy/appconfigServer.ts). What
 * `pulumi up` would change (the services' task definitions, the moving aliases, the apps' `/version`) is held in
 * `running`, `apps` and the registry, and changed by the test from the plan the offline preview wrote.
 */
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { appConfigServer, AppConfigWorld } from "../deploy/appconfigServer";
import { awsJsonServer, githubServer, Served, startRegistry } from "../deploy/servers";

/** An app as its users reach it: the commit it reports at `/version`. */
export interface LiveApp extends Served {
  buildSha: string;
}

/** A `/version`, health and golden-path server whose reported commit the test changes on deploy. */
async function liveApp(buildSha: string): Promise<LiveApp> {
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? "/", "http://x").pathname;
    if (p === "/version") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ BUILD_SHA: app.buildSha }));
    } else res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const app: LiveApp = {
    buildSha,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return app;
}

/** What an ECS service runs: the task definition's family and its container image. */
export interface RunningService {
  family: string;
  image: string;
}

/** ECS (services, task definitions, one-off migration tasks) over `running`, keyed by service name. */
function ecsHandlers(running: Record<string, RunningService>, ranTasks: string[]) {
  const service = (name: string) => {
    const s = running[name];
    if (!s) throw new Error(`ECS: no service ${name} in this world`);
    return s;
  };
  const arn = (what: string) => `arn:aws:ecs:eu-west-1:123456789012:${what}`;
  return {
    DescribeServices: (b: Record<string, unknown>) => ({
      services: (b.services as string[]).map((name) => ({
        serviceName: name,
        serviceArn: arn(`service/${b.cluster}/${name}`),
        status: "ACTIVE",
        desiredCount: 2,
        runningCount: 2,
        taskDefinition: arn(`task-definition/${name}:${service(name).family}`),
        deployments: [{ id: "ecs-svc/1", status: "PRIMARY", rolloutState: "COMPLETED" }],
      })),
      failures: [],
    }),
    ListServiceDeployments: (b: Record<string, unknown>) => ({
      serviceDeployments: [
        { serviceDeploymentArn: arn(`service-deployment/${b.service}/1`), status: "SUCCESSFUL" },
      ],
    }),
    DescribeServiceDeployments: (b: Record<string, unknown>) => ({
      serviceDeployments: (b.serviceDeploymentArns as string[]).map((a) => ({
        serviceDeploymentArn: a,
        status: "SUCCESSFUL",
      })),
      failures: [],
    }),
    DescribeTaskDefinition: (b: Record<string, unknown>) => {
      const name = /task-definition\/([^:]+):/.exec(String(b.taskDefinition))![1];
      return {
        taskDefinition: {
          taskDefinitionArn: String(b.taskDefinition),
          containerDefinitions: [
            { name: name.replace(/-(staging|production)$/, ""), image: service(name).image },
          ],
        },
      };
    },
    RunTask: (b: Record<string, unknown>) => {
      ranTasks.push(String(b.taskDefinition));
      return {
        tasks: [{ taskArn: arn(`task/${ranTasks.length}`), lastStatus: "PROVISIONING" }],
        failures: [],
      };
    },
    DescribeTasks: (b: Record<string, unknown>) => ({
      tasks: (b.tasks as string[]).map((taskArn) => ({
        taskArn,
        lastStatus: "STOPPED",
        stoppedReason: "Essential container in task exited",
        containers: [{ name: "migrate", exitCode: 0 }],
      })),
      failures: [],
    }),
  };
}

/** The started world. `close()` stops every server and the registry. */
export type World = Awaited<ReturnType<typeof startWorld>>;

/**
 * Starts the world: the registry, GitHub, the AWS endpoints and one live app per app and stack.
 *
 * @param apps app names; each gets a staging and a production {@link LiveApp} reporting `builds[app]`.
 */
export async function startWorld(apps: string[], builds: Record<string, string>) {
  const registry = await startRegistry();
  /** What GitHub holds besides deployments: check runs by commit (main's required checks), issues, commit times. */
  const seed: {
    checkRuns: Record<string, Array<{ name: string; status: string; conclusion: string | null }>>;
    issues: Record<
      string,
      Array<{ number: number; title: string; state: "open" | "closed"; labels?: string[] }>
    >;
    /** Commit times (ISO 8601) by commit, as the app repositories' commits API answers. */
    commits: Record<string, string>;
  } = { checkRuns: {}, issues: {}, commits: {} };
  const github = await githubServer(seed);
  const running: Record<string, RunningService> = {};
  const ranTasks: string[] = [];
  const ecs = await awsJsonServer("1.1", ecsHandlers(running, ranTasks));
  const cloudwatch = await awsJsonServer("1.0", {
    PutMetricData: () => ({}),
    DescribeAlarms: (b) => ({
      MetricAlarms: ((b.AlarmNames as string[]) ?? []).map((n) => ({ AlarmName: n, StateValue: "OK" })),
    }),
    DescribeAlarmHistory: () => ({ AlarmHistoryItems: [] }),
  });
  const logs = await awsJsonServer("1.1", {
    GetLogEvents: (b) =>
      b.nextToken
        ? { events: [], nextForwardToken: String(b.nextToken) }
        : {
            events: [
              { timestamp: 1, message: "INFO  [alembic.runtime.migration] Will assume transactional DDL." },
            ],
            nextForwardToken: "f/1",
          },
  });
  const events = await awsJsonServer("1.1", {
    PutEvents: () => ({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] }),
  });
  const flags: AppConfigWorld = { deployments: {}, versions: {}, strategies: {} };
  const appconfig = await appConfigServer(flags);
  const live: Record<string, Record<string, LiveApp>> = { staging: {}, production: {} };
  for (const stack of ["staging", "production"])
    for (const a of apps) live[stack][a] = await liveApp(builds[a]);
  const servers: Served[] = [github, ecs, cloudwatch, logs, events, appconfig];
  return {
    registry,
    github,
    seed,
    ecs,
    cloudwatch,
    events,
    flags,
    running,
    ranTasks,
    live,
    /** The environment every `cicd` command of the test runs with: credentials, endpoints, the GitHub token. */
    env: {
      AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
      AWS_SECRET_ACCESS_KEY: "local-test-secret",
      AWS_REGION: "eu-west-1",
      AWS_ENDPOINT_URL_ECS: ecs.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.url,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: events.url,
      AWS_ENDPOINT_URL_APPCONFIG: appconfig.url,
      GITHUB_TOKEN: "ghs_localtesttoken",
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: "surlefeu/cicd-constitution",
    },
    /** `APP=URL` arguments of `--app-url` for a stack's live apps. */
    appUrls: (stack: string) => Object.entries(live[stack]).map(([a, s]) => `${a}=${s.url}`),
    close: async () => {
      await Promise.all(
        [...servers, ...Object.values(live).flatMap((s) => Object.values(s))].map((s) => s.close()),
      );
      await registry.close();
    },
  };
}
