/**
 * `cicd verify` with its real clients (AWS SDK v3 ECS and EventBridge, Octokit, fetch) against local servers
 * that speak the wire protocols, and a real OCI registry (docker-registry) holding the aliases, pushed by skopeo.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { renderChecks } from "../../src/deploy/checks";
import { buildShaOf, verifyStack, VerifyOptions } from "../../src/deploy/verify";
import { repositoryStacks, ROOT } from "../helpers";
import { cicd } from "../cli-harness";
import {
  appServer,
  awsJsonServer,
  AwsCall,
  githubServer,
  registryToolsPresent,
  startRegistry,
  Served,
} from "./servers";

const APPS = ["erp-berhan", "menu-optimizer"] as const;
const SHA: Record<string, string> = { "erp-berhan": "3".repeat(40), "menu-optimizer": "8".repeat(40) };
const OLD_DIGEST = `sha256:${"0".repeat(64)}`;

/** What the ECS server says about each app's service. */
interface EcsState {
  image: Record<string, string>;
  deploymentStatus?: string;
  deployments?: number;
  running?: number;
}

function ecsHandlers(state: EcsState) {
  const app = (name: string) => APPS.find((a) => name.startsWith(a))!;
  return {
    DescribeServices: (b: Record<string, unknown>) => ({
      services: (b.services as string[]).map((s) => ({
        serviceName: s,
        serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/${b.cluster}/${s}`,
        status: "ACTIVE",
        desiredCount: 2,
        runningCount: state.running ?? 2,
        taskDefinition: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${s}:7`,
        deployments: Array.from({ length: state.deployments ?? 1 }, (_, i) => ({
          id: `ecs-svc/${i}`,
          status: i === 0 ? "PRIMARY" : "ACTIVE",
          rolloutState: "COMPLETED",
        })),
      })),
      failures: [],
    }),
    ListServiceDeployments: (b: Record<string, unknown>) => ({
      serviceDeployments: [
        {
          serviceDeploymentArn: `arn:aws:ecs:eu-west-1:123456789012:service-deployment/${b.service}/old`,
          status: "SUCCESSFUL",
          createdAt: 1_764_000_000,
        },
        {
          serviceDeploymentArn: `arn:aws:ecs:eu-west-1:123456789012:service-deployment/${b.service}/new`,
          status: state.deploymentStatus ?? "SUCCESSFUL",
          createdAt: 1_764_500_000,
        },
      ],
    }),
    DescribeServiceDeployments: (b: Record<string, unknown>) => ({
      serviceDeployments: (b.serviceDeploymentArns as string[]).map((arn) => ({
        serviceDeploymentArn: arn,
        status: arn.endsWith("/new") ? (state.deploymentStatus ?? "SUCCESSFUL") : "SUCCESSFUL",
        ...(state.deploymentStatus === "ROLLBACK_SUCCESSFUL"
          ? { statusReason: "alarm erp-berhan-staging-5xx-rate in ALARM" }
          : {}),
      })),
      failures: [],
    }),
    DescribeTaskDefinition: (b: Record<string, unknown>) => {
      const a = app(String(b.taskDefinition).split("/").pop()!);
      return {
        taskDefinition: {
          taskDefinitionArn: String(b.taskDefinition),
          containerDefinitions: [{ name: a, image: state.image[a] }],
        },
      };
    },
  };
}

(registryToolsPresent() || process.env.CI ? describe : describe.skip)("cicd verify", function () {
  this.timeout(60_000);
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let github: Awaited<ReturnType<typeof githubServer>>;
  let events: Served & { calls: AwsCall[] };
  let cloudwatch: Served & { calls: AwsCall[] };
  let apps: Record<string, Awaited<ReturnType<typeof appServer>>>;
  let dir: string;
  const digests: Record<string, string> = {};
  const servers: Served[] = [];
  const savedEnv = { ...process.env };

  before(async () => {
    registry = await startRegistry();
    for (const a of APPS) digests[a] = await registry.push(`surlefeu/${a}`, "staging", `${a} build`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-"));
    for (const f of ["Pulumi.yaml", "Pulumi.staging.yaml"])
      fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    fs.writeFileSync(
      path.join(dir, "outputs.json"),
      JSON.stringify({
        apps: Object.fromEntries(APPS.map((a) => [a, { imageRef: `ghcr.io/surlefeu/${a}@${digests[a]}` }])),
        environmentProfile: {
          environment: "staging",
          apps: Object.fromEntries(APPS.map((a) => [a, { digest: digests[a], build: { gitSha: SHA[a] } }])),
        },
      }),
    );
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
      AWS_SECRET_ACCESS_KEY: "local-test-secret",
      AWS_REGION: "eu-west-1",
    });
  });
  after(async () => {
    await registry?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.env = savedEnv;
  });
  beforeEach(async () => {
    github = await githubServer();
    events = await awsJsonServer("1.1", {
      PutEvents: () => ({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] }),
    });
    cloudwatch = await awsJsonServer("1.0", { PutMetricData: () => ({}) });
    apps = {};
    for (const a of APPS) apps[a] = await appServer({ buildSha: SHA[a] });
    servers.push(github, events, cloudwatch, ...Object.values(apps));
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = events.url;
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = cloudwatch.url;
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function verify(state: Partial<EcsState> = {}, extra: Partial<VerifyOptions> = {}) {
    const ecs = await awsJsonServer(
      "1.1",
      ecsHandlers({
        image: Object.fromEntries(APPS.map((a) => [a, `ghcr.io/surlefeu/${a}@${digests[a]}`])),
        ...state,
      }),
    );
    servers.push(ecs);
    process.env.AWS_ENDPOINT_URL_ECS = ecs.url;
    const report = await verifyStack({
      stack: "staging",
      dir,
      outputs: path.join(dir, "outputs.json"),
      appUrls: Object.fromEntries(APPS.map((a) => [a, apps[a].url])),
      registryUrl: registry.url,
      githubToken: "ghs_localtesttoken",
      githubApiUrl: github.url,
      version: "mvp-0.4.0",
      ...extra,
    });
    return { report, ecs, failed: report.checks.filter((c) => c.status === "fail") };
  }

  it("the command exits 0 when everything agrees and 1 after a rollback, which is what stops main.yml before production", async () => {
    const run = async (state: Partial<EcsState>) => {
      const ecs = await awsJsonServer(
        "1.1",
        ecsHandlers({
          image: Object.fromEntries(APPS.map((a) => [a, `ghcr.io/surlefeu/${a}@${digests[a]}`])),
          ...state,
        }),
      );
      servers.push(ecs);
      return cicd(
        [
          "verify",
          "--stack",
          "staging",
          "--dir",
          dir,
          "--outputs",
          path.join(dir, "outputs.json"),
          "--registry-url",
          registry.url,
          "--app-url",
          ...APPS.map((a) => `${a}=${apps[a].url}`),
          "--format",
          "json",
        ],
        {
          env: {
            AWS_ENDPOINT_URL_ECS: ecs.url,
            GITHUB_TOKEN: "ghs_localtesttoken",
            GITHUB_API_URL: github.url,
          },
        },
      );
    };
    assert.equal((await run({})).code, 0);
    const rolledBack = await run({ deploymentStatus: "ROLLBACK_SUCCESSFUL" });
    assert.equal(rolledBack.code, 1, rolledBack.stderr);
  });

  it("passes when ECS, the registry alias and the app agree with the stack, and records the markers", async () => {
    const { report, failed, ecs } = await verify();
    assert.deepEqual(failed, []);
    const ids = new Set(report.checks.map((c) => c.id));
    for (const id of [
      "VERIFY-SERVICE",
      "VERIFY-DIGEST",
      "VERIFY-ALIAS",
      "VERIFY-VERSION",
      "VERIFY-HEALTH",
      "VERIFY-SMOKE",
      "VERIFY-MARKER",
    ])
      assert.ok(ids.has(id as never), id);
    assert.ok(
      ecs.calls.every((c) => c.signed),
      "every ECS call is SigV4-signed by the SDK",
    );
    assert.deepEqual(
      github.deployments.map((d) => [d.repo, d.environment, d.ref, d.payload.digest, d.statuses[0]?.state]),
      APPS.map((a) => [`surlefeu/${a}`, "staging", SHA[a], digests[a], "success"]),
    );
    assert.equal(github.deployments[0].payload.version, "mvp-0.4.0");
    assert.equal(events.calls.length, 2);
    const detail = JSON.parse(String((events.calls[0].body.Entries as Array<{ Detail: string }>)[0].Detail));
    assert.equal(detail.digest, digests["erp-berhan"]);
    assert.deepEqual(apps["erp-berhan"].hits.sort(), [
      "GET /",
      "GET /healthz",
      "GET /readyz",
      "GET /version",
    ]);
    assert.deepEqual(apps["menu-optimizer"].hits.sort(), ["GET /", "GET /_stcore/health", "GET /version"]);
  });

  it("publishes each app's golden-path result as the series its dashboard reads", async () => {
    await apps["menu-optimizer"].close();
    apps["menu-optimizer"] = await appServer({ buildSha: SHA["menu-optimizer"], status: { "/": 500 } });
    servers.push(apps["menu-optimizer"]);
    const { report } = await verify();
    const published = cloudwatch.calls.map((c) => {
      assert.equal(c.target, "GraniteServiceVersion20100801.PutMetricData");
      assert.ok(c.signed);
      const data = c.body.MetricData as Array<{ MetricName: string; Value: number; Dimensions: unknown }>;
      return [c.body.Namespace, data.map((d) => [d.MetricName, d.Value]), data[0].Dimensions];
    });
    const dims = (app: string) => [
      { Name: "App", Value: app },
      { Name: "Environment", Value: "staging" },
    ];
    assert.deepEqual(published, [
      [
        "CicdConstitution/GoldenPath",
        [
          ["Attempts", 1],
          ["Success", 1],
        ],
        dims("erp-berhan"),
      ],
      [
        "CicdConstitution/GoldenPath",
        [
          ["Attempts", 1],
          ["Success", 0],
        ],
        dims("menu-optimizer"),
      ],
    ]);
    // The series is the one the dashboard's golden-path widget reads (components/Observability.ts).
    const plan = (await repositoryStacks()).find((x) => x.plan.stack === "staging")!;
    const body = plan.resources.find((r) => r.name === "menu-optimizer-staging-observability-dashboard")!;
    const widget = JSON.parse(String(body.props.dashboardBody)).widgets.find((w: any) =>
      /golden/i.test(w.properties.title),
    );
    const series = widget.properties.metrics.filter((m: unknown[]) => typeof m[0] === "string");
    for (const m of series)
      assert.deepEqual(m.slice(0, 6), [
        published[1][0],
        m[1],
        "App",
        "menu-optimizer",
        "Environment",
        "staging",
      ]);
    assert.ok(report.checks.some((c) => c.id === "VERIFY-GOLDEN-PATH" && c.status === "pass"));
  });

  it("fails VERIFY-GOLDEN-PATH when CloudWatch refuses the metrics", async () => {
    await cloudwatch.close();
    cloudwatch = await awsJsonServer("1.0", {});
    servers.push(cloudwatch);
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = cloudwatch.url;
    const { failed } = await verify();
    assert.deepEqual(
      failed.map((c) => c.id),
      ["VERIFY-GOLDEN-PATH", "VERIFY-GOLDEN-PATH"],
    );
    assert.match(failed[0].message, /CloudWatch PutMetricData: .*PutMetricData/);
  });

  it("fails after an ECS rollback: the service runs the previous digest and its deployment rolled back", async () => {
    const { failed, report } = await verify({
      image: {
        "erp-berhan": `ghcr.io/surlefeu/erp-berhan@${OLD_DIGEST}`,
        "menu-optimizer": `ghcr.io/surlefeu/menu-optimizer@${digests["menu-optimizer"]}`,
      },
      deploymentStatus: "ROLLBACK_SUCCESSFUL",
    });
    const erp = failed.filter((c) => c.app === "erp-berhan").map((c) => c.id);
    assert.deepEqual(erp, ["VERIFY-SERVICE", "VERIFY-DIGEST"]);
    assert.match(failed[0].message, /ROLLBACK_SUCCESSFUL: alarm erp-berhan-staging-5xx-rate in ALARM/);
    assert.match(failed[1].message, new RegExp(`runs ghcr.io/surlefeu/erp-berhan@${OLD_DIGEST}, expected`));
    // The marker says so: a failed deployment status on the app's repository.
    assert.equal(
      github.deployments.find((d) => d.repo === "surlefeu/erp-berhan")!.statuses[0].state,
      "failure",
    );
    assert.ok(report.checks.some((c) => c.id === "VERIFY-MARKER" && c.status === "pass"));
  });

  it("fails while a deployment is still under way or tasks are missing", async () => {
    const { failed } = await verify({ deployments: 2, running: 1 }, { marker: false });
    assert.ok(failed.length >= 2);
    assert.ok(failed.every((c) => c.id === "VERIFY-SERVICE"));
    assert.match(failed[0].message, /2 deployments.*1 of 2 tasks running/);
  });

  it("fails when the registry's alias names another digest than the one running", async () => {
    const moved = await registry.push("surlefeu/menu-optimizer", "staging", "someone else's build");
    try {
      const { failed } = await verify({}, { marker: false });
      assert.deepEqual(
        failed.map((c) => [c.id, c.app]),
        [["VERIFY-ALIAS", "menu-optimizer"]],
      );
      assert.ok(failed[0].message.includes(`-> ${moved}, expected ${digests["menu-optimizer"]}`));
    } finally {
      await registry.push("surlefeu/menu-optimizer", "staging", "menu-optimizer build");
    }
  });

  it("fails on a wrong BUILD_SHA, a failing readiness check and a failing golden path", async () => {
    await apps["erp-berhan"].close();
    apps["erp-berhan"] = await appServer({ buildSha: "f".repeat(40), status: { "/readyz": 503, "/": 500 } });
    servers.push(apps["erp-berhan"]);
    const { failed } = await verify({}, { marker: false });
    assert.deepEqual(
      failed.map((c) => c.id),
      ["VERIFY-VERSION", "VERIFY-HEALTH", "VERIFY-SMOKE"],
    );
    assert.match(failed[0].message, /BUILD_SHA f{40}, expected 3{40}/);
    assert.match(failed[1].message, /\/readyz answered 503/);
    assert.match(failed[2].message, /GET \/ answered 500, expected 200/);
  });

  it("refuses to run with markers on and no GitHub token, before any call", async () => {
    const token = process.env.GITHUB_TOKEN;
    delete process.env.GITHUB_TOKEN;
    try {
      await assert.rejects(
        verifyStack({ stack: "staging", dir, outputs: path.join(dir, "outputs.json") }),
        /GITHUB_TOKEN/,
      );
    } finally {
      if (token !== undefined) process.env.GITHUB_TOKEN = token;
    }
  });

  it("renders the same checks as table, JSON, Markdown, SARIF and JUnit", async () => {
    const { report } = await verify(
      {
        image: {
          "erp-berhan": `ghcr.io/surlefeu/erp-berhan@${OLD_DIGEST}`,
          "menu-optimizer": `ghcr.io/surlefeu/menu-optimizer@${digests["menu-optimizer"]}`,
        },
      },
      { marker: false },
    );
    const fails = report.checks.filter((c) => c.status === "fail").length;
    assert.ok(fails > 0);
    assert.match(renderChecks(report, "table"), /FAIL.*VERIFY-DIGEST/s);
    assert.equal(JSON.parse(renderChecks(report, "json")).checks.length, report.checks.length);
    assert.match(renderChecks(report, "markdown"), /\| ❌ \| VERIFY-DIGEST \| erp-berhan \|/);
    const sarif = JSON.parse(renderChecks(report, "sarif"));
    assert.equal(sarif.version, "2.1.0");
    assert.equal(sarif.runs[0].results.filter((r: { level: string }) => r.level === "error").length, fails);
    const junit = new XMLParser({ ignoreAttributes: false }).parse(renderChecks(report, "junit"));
    assert.equal(Number(junit.testsuites.testsuite["@_failures"]), fails);
  });
});

describe("BUILD_SHA of a /version body", () => {
  for (const [body, sha] of [
    ['{"BUILD_SHA":"abc1234","BUILD_DATE":"x"}', "abc1234"],
    ['{"build_sha":"abc1234"}', "abc1234"],
    ["BUILD_SHA=abc1234\nBUILD_DATE=x", "abc1234"],
    ['{"version":"1.0"}', undefined],
  ] as const)
    it(`reads ${JSON.stringify(body)} as ${sha ?? "none"}`, () => assert.equal(buildShaOf(body), sha));
});
