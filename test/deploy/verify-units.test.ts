/**
 * The checks of `cicd verify` beyond ECS (src/deploy/verify.ts) on hand-built answers, with `fetch` and the
 * clients replaced in memory: VERIFY-ALIAS passes only when the alias names the pinned digest; VERIFY-VERSION,
 * VERIFY-SCHEMA, VERIFY-HEALTH and VERIFY-SMOKE fail on the wrong BUILD_SHA, status or body, naming the URL of an
 * unreachable app; VERIFY-FLAGS passes only a COMPLETE latest flag deployment; VERIFY-MARKER records a deployment
 * whose status is `failure` when any check failed (what `cicd predeploy` reads back) and fails when a write fails.
 */
import { strict as assert } from "node:assert";
import type { AppConfigClient } from "@aws-sdk/client-appconfig";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { Octokit } from "@octokit/rest";
import type { Check } from "../../src/deploy/checks";
import {
  buildShaOf,
  checkAlias,
  checkFlags,
  checkHttp,
  flagDeploymentCheck,
  schemaCheck,
  schemaRevisionOf,
  type Pinned,
  recordMarker,
} from "../../src/deploy/verify";

const DIGEST = `sha256:${"a".repeat(64)}`;
const OTHER = `sha256:${"b".repeat(64)}`;
const SHA = "3".repeat(40);
const T = {
  app: "shop",
  environment: "staging",
  githubOwner: "acme",
  repository: "shop-app",
  imageRepository: "ghcr.io/acme/shop",
  digest: DIGEST,
  gitSha: SHA,
  alias: "staging",
  url: "https://shop.example",
  versionPath: "/version",
  healthPaths: ["/healthz", "/readyz"],
  smoke: [
    { method: "GET", path: "/api/menu", expectStatus: 200, expectBodyContains: "burger" },
    { method: "HEAD", path: "/", expectStatus: 200 },
  ],
} as unknown as Pinned;

type Answer = { status?: number; body?: string; headers?: Record<string, string> } | Error;

/** Replaces `fetch` with answers by `METHOD URL` for the duration of `fn`; returns the requests made. */
async function withFetch(answers: Record<string, Answer>, fn: () => Promise<void>) {
  const saved = globalThis.fetch;
  const requests: Array<{ key: string; init: RequestInit }> = [];
  globalThis.fetch = (async (url: string, init: RequestInit = {}) => {
    const key = `${init.method ?? "GET"} ${url}`;
    requests.push({ key, init });
    const a = answers[key] ?? { status: 404 };
    if (a instanceof Error) throw a;
    const empty = init.method === "HEAD" || a.status === 204;
    return new Response(empty ? null : (a.body ?? ""), {
      status: a.status ?? 200,
      headers: a.headers,
    });
  }) as typeof fetch;
  try {
    await fn();
  } finally {
    globalThis.fetch = saved;
  }
  return requests;
}

function collect() {
  const checks: Array<[string, string, string]> = [];
  return { checks, push: (c: Omit<Check, "app">) => checks.push([c.id, c.status, c.message]) };
}

describe("verify checks, unit", () => {
  describe("checkAlias", () => {
    const manifest = "HEAD https://registry.test/v2/acme/shop/manifests/staging";
    async function alias(answer: Answer) {
      const { checks, push } = collect();
      await withFetch({ [manifest]: answer }, () =>
        checkAlias(T, { stack: "staging", registryUrl: "https://registry.test" }, push),
      );
      return checks;
    }

    it("passes when the alias names the pinned digest; names both digests when it does not", async () => {
      assert.deepEqual(await alias({ headers: { "docker-content-digest": DIGEST } }), [
        ["VERIFY-ALIAS", "pass", `ghcr.io/acme/shop:staging -> ${DIGEST}`],
      ]);
      assert.deepEqual(await alias({ headers: { "docker-content-digest": OTHER } }), [
        ["VERIFY-ALIAS", "fail", `ghcr.io/acme/shop:staging -> ${OTHER}, expected ${DIGEST}`],
      ]);
    });

    it("fails with the registry's error", async () => {
      assert.deepEqual(await alias({ status: 404 }), [
        ["VERIFY-ALIAS", "fail", "acme/shop:staging does not exist in https://registry.test"],
      ]);
    });
  });

  describe("/version bodies", () => {
    it("reads BUILD_SHA from JSON in any key case, else from KEY=value or KEY: value text", () => {
      for (const [body, sha] of [
        ['{"BUILD_DATE":"x","build_sha":"abc1234"}', "abc1234"],
        ['{"version":"1.0"}', undefined],
        ['{"version":"1.0","note":"BUILD_SHA=abc1234"}', "abc1234"],
        ["BUILD_SHA = abc1234\n", "abc1234"],
        ['build_sha: "abc1234"', "abc1234"],
        ["BUILD_SHAX=abc1234", undefined],
      ] as const)
        assert.equal(buildShaOf(body), sha, body);
    });

    it("reads SCHEMA_REVISION as text with spaces; a trailing comma adds no head", () => {
      assert.equal(schemaRevisionOf("SCHEMA_REVISION = r1\n"), "r1");
      assert.equal(schemaRevisionOf("SCHEMA_REVISIONS=r1"), undefined);
      const t = { versionPath: "/version", schemaRevision: "r1" };
      assert.deepEqual(schemaCheck(t, "SCHEMA_REVISION=r1,"), {
        status: "pass",
        message: "/version SCHEMA_REVISION r1",
      });
      assert.equal(schemaCheck(t, "SCHEMA_REVISION=r1,r2").status, "fail");
      assert.match(schemaCheck(t, "SCHEMA_REVISION=r1,r2").message, /several schema heads \(r1, r2\)/);
    });
  });

  describe("checkHttp", () => {
    const base = "http://app.test";
    const ok = {
      "GET http://app.test/version": { body: JSON.stringify({ BUILD_SHA: SHA, SCHEMA_REVISION: "r2" }) },
      "GET http://app.test/healthz": {},
      "GET http://app.test/readyz": {},
      "GET http://app.test/api/menu": { body: "a burger menu" },
      "HEAD http://app.test/": {},
    };
    async function http(answers: Record<string, Answer>, t: Partial<Pinned> = {}, at = `${base}//`) {
      const { checks, push } = collect();
      const requests = await withFetch({ ...ok, ...answers }, () => checkHttp({ ...T, ...t }, at, 3, push));
      return { checks, requests };
    }

    it("passes when the app answers its BUILD_SHA, schema revision, health and golden path; redirects are not followed", async () => {
      const { checks, requests } = await http({}, { schemaRevision: "r2" });
      assert.deepEqual(checks, [
        ["VERIFY-VERSION", "pass", `/version BUILD_SHA ${SHA}`],
        ["VERIFY-SCHEMA", "pass", "/version SCHEMA_REVISION r2"],
        ["VERIFY-HEALTH", "pass", "/healthz answered 200, expected 200"],
        ["VERIFY-HEALTH", "pass", "/readyz answered 200, expected 200"],
        ["VERIFY-SMOKE", "pass", "GET /api/menu answered 200"],
        ["VERIFY-SMOKE", "pass", "HEAD / answered 200"],
      ]);
      assert.deepEqual(
        requests.map((r) => r.key),
        Object.keys(ok),
      );
      assert.ok(requests.every((r) => r.init.redirect === "manual" && r.init.signal instanceof AbortSignal));
    });

    it("checks the schema only when the release declares one", async () => {
      const { checks } = await http({});
      assert.deepEqual(
        checks.map((c) => c[0]),
        ["VERIFY-VERSION", "VERIFY-HEALTH", "VERIFY-HEALTH", "VERIFY-SMOKE", "VERIFY-SMOKE"],
      );
      const wrong = await http({}, { schemaRevision: "r3" });
      assert.equal(wrong.checks[1][0], "VERIFY-SCHEMA");
      assert.equal(wrong.checks[1][1], "fail");
    });

    it("fails a wrong or missing BUILD_SHA and a non-200 /version, naming what it found", async () => {
      const version = async (a: Answer) => (await http({ "GET http://app.test/version": a })).checks[0];
      assert.deepEqual(await version({ body: `BUILD_SHA=${"4".repeat(40)}` }), [
        "VERIFY-VERSION",
        "fail",
        `/version answered 200 with BUILD_SHA ${"4".repeat(40)}, expected ${SHA}`,
      ]);
      assert.deepEqual(await version({ status: 500, body: `BUILD_SHA=${SHA}` }), [
        "VERIFY-VERSION",
        "fail",
        `/version answered 500 with BUILD_SHA ${SHA}, expected ${SHA}`,
      ]);
      assert.deepEqual(await version({ body: "ok" }), [
        "VERIFY-VERSION",
        "fail",
        `/version answered 200 with BUILD_SHA (none), expected ${SHA}`,
      ]);
    });

    it("fails health and smoke answers that differ from what is expected, naming each problem", async () => {
      const { checks } = await http({
        "GET http://app.test/readyz": { status: 503 },
        "GET http://app.test/api/menu": { status: 500, body: "oops" },
        "HEAD http://app.test/": { status: 302 },
      });
      assert.deepEqual(checks.slice(2), [
        ["VERIFY-HEALTH", "fail", "/readyz answered 503, expected 200"],
        ["VERIFY-SMOKE", "fail", 'GET /api/menu answered 500, expected 200; body lacks "burger"'],
        ["VERIFY-SMOKE", "fail", "HEAD / answered 302, expected 200"],
      ]);
      const noContent = await http({ "GET http://app.test/healthz": { status: 204 } });
      assert.deepEqual(noContent.checks[1], ["VERIFY-HEALTH", "fail", "/healthz answered 204, expected 200"]);
      const body = await http({ "GET http://app.test/api/menu": { body: "pizza" } });
      assert.deepEqual(body.checks[3], ["VERIFY-SMOKE", "fail", 'GET /api/menu body lacks "burger"']);
    });

    it("fails an unreachable endpoint with its method and URL, and goes on with the others", async () => {
      const refused = Object.assign(new TypeError("fetch failed"), { cause: "ECONNREFUSED" });
      const { checks } = await http({
        "GET http://app.test/version": refused,
        "HEAD http://app.test/": new Error("aborted"),
      });
      assert.deepEqual(checks[0], ["VERIFY-VERSION", "fail", "GET http://app.test/version: ECONNREFUSED"]);
      assert.deepEqual(checks[4], ["VERIFY-SMOKE", "fail", "HEAD http://app.test/: aborted"]);
      assert.equal(checks[1][1], "pass");
    });
  });

  describe("VERIFY-FLAGS", () => {
    const ids = {
      applicationId: "app1",
      environmentId: "env1",
      configurationProfileId: "prof1",
      emergencyStrategyId: "AppConfig.AllAtOnce",
      monitorAlarmNames: [],
    };
    const appconfig = (items: number[], d: Record<string, unknown> | Error = {}) =>
      ({
        send: async (c: { constructor: { name: string } }) => {
          if (c.constructor.name === "ListDeploymentsCommand")
            return { Items: items.map((DeploymentNumber) => ({ DeploymentNumber })) };
          if (d instanceof Error) throw d;
          return { DeploymentNumber: Math.max(...items), ConfigurationVersion: "5", ...d };
        },
      }) as unknown as AppConfigClient;

    it("passes a COMPLETE latest deployment, skips one in progress, fails one rolled back or none", async () => {
      assert.deepEqual(await flagDeploymentCheck(appconfig([3, 4], { State: "COMPLETE" }), ids), {
        id: "VERIFY-FLAGS",
        status: "pass",
        message: "deployment 4 of version 5 COMPLETE",
      });
      const baking = await flagDeploymentCheck(
        appconfig([4], { State: "BAKING", PercentageComplete: 100 }),
        ids,
      );
      assert.equal(baking.status, "skip");
      assert.match(
        baking.message,
        /^deployment 4 of version 5 in progress: deployment 4 BAKING, 100% complete/,
      );
      assert.deepEqual(await flagDeploymentCheck(appconfig([4], { State: "ROLLED_BACK" }), ids), {
        id: "VERIFY-FLAGS",
        status: "fail",
        message: "deployment 4 of version 5 ROLLED_BACK, expected COMPLETE: the previous version is served",
      });
      assert.deepEqual(await flagDeploymentCheck(appconfig([]), ids), {
        id: "VERIFY-FLAGS",
        status: "fail",
        message: "no flag deployment in environment env1 of application app1: the app reads no flags",
      });
    });

    it("skips without the app's flag ids, saying why; fails on an AppConfig error", async () => {
      const flags = async (
        outputs: Record<string, unknown> | undefined,
        client = appconfig([1], { State: "COMPLETE" }),
      ) => {
        const { checks, push } = collect();
        let made = 0;
        await checkFlags(() => (made++, client), outputs, "shop", push);
        return { checks, made };
      };
      assert.deepEqual(await flags(undefined), {
        checks: [
          ["VERIFY-FLAGS", "skip", "no --outputs: the flag environment's ids come from apps.<app>.flags"],
        ],
        made: 0,
      });
      const partial = await flags({
        apps: { shop: { flags: { ...ids, applicationId: "", environmentId: "" } } },
      });
      assert.equal(partial.made, 0);
      assert.match(
        partial.checks[0][2],
        /^no flag ids: --outputs \(apps\.shop\.flags\.applicationId\): expected .+, found ""; --outputs \(apps\.shop\.flags\.environmentId\): expected .+, found ""$/,
      );
      assert.deepEqual((await flags({ apps: { shop: { flags: ids } } })).checks, [
        ["VERIFY-FLAGS", "pass", "deployment 1 of version 5 COMPLETE"],
      ]);
      const denied = await flags(
        { apps: { shop: { flags: ids } } },
        appconfig([1], new Error("AccessDenied")),
      );
      assert.deepEqual(denied.checks, [["VERIFY-FLAGS", "fail", "AppConfig: AccessDenied"]]);
    });
  });

  describe("recordMarker", () => {
    const checks = (...failed: Check["id"][]): Check[] => [
      { id: "VERIFY-SERVICE", app: "shop", status: "pass", message: "" },
      ...failed.map((id) => ({ id, app: "shop", status: "fail" as const, message: "" })),
      { id: "VERIFY-FLAGS", app: "shop", status: "skip", message: "" },
    ];
    async function marker(
      found: Check[],
      opts: { version?: string; logUrl?: string } = {},
      answers: {
        deployment?: Record<string, unknown>;
        status?: Error;
        failed?: number;
        /** The entries EventBridge answers with a failure; null: none at all. Default: one with its reason. */
        entries?: Array<Record<string, string>> | null;
      } = {},
      t: Partial<Pinned> = {},
    ) {
      const calls: Array<[string, Record<string, unknown>]> = [];
      const github = {
        rest: {
          repos: {
            createDeployment: async (p: Record<string, unknown>) => {
              calls.push(["createDeployment", p]);
              return { data: answers.deployment ?? { id: 77 } };
            },
            createDeploymentStatus: async (p: Record<string, unknown>) => {
              calls.push(["createDeploymentStatus", p]);
              if (answers.status) throw answers.status;
              return { data: {} };
            },
          },
        },
      } as unknown as Octokit;
      const events = {
        send: async (c: { input: Record<string, unknown> }) => {
          calls.push(["PutEvents", c.input]);
          return answers.failed
            ? {
                FailedEntryCount: answers.failed,
                ...(answers.entries === null
                  ? {}
                  : { Entries: answers.entries ?? [{ ErrorMessage: "bus missing" }] }),
              }
            : { FailedEntryCount: 0, Entries: [{ EventId: "e" }] };
        },
      } as unknown as EventBridgeClient;
      const { checks: pushed, push } = collect();
      await recordMarker({ ...T, ...t }, found, { stack: "staging", ...opts }, { github, events }, push);
      return { pushed, calls };
    }
    const payload = { digest: DIGEST, image: `ghcr.io/acme/shop@${DIGEST}`, sha: SHA, version: "mvp-1.2.3" };

    it("records a deployment of the digest, its success status and an event, when every check passed", async () => {
      const { pushed, calls } = await marker(checks(), { version: "mvp-1.2.3", logUrl: "https://ci/run/1" });
      const description = `mvp-1.2.3 ${DIGEST.slice(0, 19)}: verified`;
      assert.deepEqual(calls, [
        [
          "createDeployment",
          {
            owner: "acme",
            repo: "shop-app",
            ref: SHA,
            environment: "staging",
            auto_merge: false,
            required_contexts: [],
            payload,
            description,
            production_environment: false,
          },
        ],
        [
          "createDeploymentStatus",
          {
            owner: "acme",
            repo: "shop-app",
            deployment_id: 77,
            state: "success",
            description,
            environment_url: "https://shop.example",
            log_url: "https://ci/run/1",
          },
        ],
        [
          "PutEvents",
          {
            Entries: [
              {
                Source: "cicd-constitution",
                DetailType: "Deploy marker",
                Resources: [],
                Detail: JSON.stringify({ app: "shop", environment: "staging", state: "success", ...payload }),
              },
            ],
          },
        ],
      ]);
      assert.deepEqual(pushed, [
        ["VERIFY-MARKER", "pass", "deployment 77 of acme/shop-app (success) and an EventBridge event"],
      ]);
    });

    it("records failure, naming the failed checks, when one failed: predeploy then refuses the digest", async () => {
      const { pushed, calls } = await marker(checks("VERIFY-DIGEST", "VERIFY-SMOKE"), {}, {}, {
        environment: "production",
      } as Partial<Pinned>);
      const description = `${SHA.slice(0, 12)} ${DIGEST.slice(0, 19)}: failed VERIFY-DIGEST, VERIFY-SMOKE`;
      assert.equal(calls[0][1].description, description);
      assert.equal(calls[0][1].production_environment, true);
      assert.deepEqual((calls[0][1].payload as Record<string, unknown>).version, null);
      assert.equal(calls[1][1].state, "failure");
      assert.ok(!("log_url" in calls[1][1]));
      assert.match(String((calls[2][1].Entries as Array<{ Detail: string }>)[0].Detail), /"state":"failure"/);
      assert.deepEqual(pushed[0], [
        "VERIFY-MARKER",
        "pass",
        "deployment 77 of acme/shop-app (failure) and an EventBridge event",
      ]);
      const many = await marker(checks(...Array<Check["id"]>(12).fill("VERIFY-HEALTH")));
      assert.equal(String(many.calls[0][1].description).length, 140);
    });

    it("fails when GitHub does not create the deployment, refuses the status, or EventBridge refuses the event", async () => {
      const refused = await marker(checks(), {}, { deployment: { message: "Conflict: merge" } });
      assert.deepEqual(refused.pushed, [
        ["VERIFY-MARKER", "fail", "deploy marker: GitHub did not create the deployment: Conflict: merge"],
      ]);
      assert.equal(refused.calls.length, 1);
      const silent = await marker(checks(), {}, { deployment: {} });
      assert.equal(silent.pushed[0][2], "deploy marker: GitHub did not create the deployment: no reason");
      const status = await marker(checks(), {}, { status: new Error("403 Forbidden") });
      assert.deepEqual(status.pushed, [["VERIFY-MARKER", "fail", "deploy marker: 403 Forbidden"]]);
      const silentBus = await marker(checks(), {}, { failed: 1, entries: [] });
      assert.equal(silentBus.pushed[0][2], "deploy marker: EventBridge refused the event: no reason given");
      const noEntries = await marker(checks(), {}, { failed: 1, entries: null });
      assert.equal(noEntries.pushed[0][2], "deploy marker: EventBridge refused the event: no reason given");
      const event = await marker(checks(), {}, { failed: 1 });
      assert.deepEqual(event.pushed, [
        ["VERIFY-MARKER", "fail", "deploy marker: EventBridge refused the event: bus missing"],
      ]);
    });
  });
});
