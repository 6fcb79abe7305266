/**
 * ART, OBS, FLAG, PAR and WAIVE rules on minimal hand-built resources: every branch of every check, with the exact
 * verdict, the resource judged and the evidence an auditor reads (shared/policy-catalogue.md; docs/PROOFS.md
 * section 4).
 */
import { strict as assert } from "node:assert";
import { evaluate, PolicyResourceInput, resolvePackConfig } from "../../policy-pack/evaluate";

const NOW = new Date("2026-11-21T12:00:00Z");
const T = {
  image: "docker-build:index:Image",
  index: "docker-build:index:Index",
  td: "aws:ecs/taskDefinition:TaskDefinition",
  service: "aws:ecs/service:Service",
  tg: "aws:lb/targetGroup:TargetGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  hcv: "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion",
  ref: "pulumi:pulumi:StackReference",
  app: "cicd-constitution:app:Application",
  cluster: "aws:ecs/cluster:Cluster",
  role: "aws:iam/role:Role",
};
const SHA = "0123456789abcdef0123456789abcdef01234567";
const D1 = `sha256:${"1".repeat(64)}`;
const D2 = `sha256:${"2".repeat(64)}`;
const REPO = "ghcr.io/acme/erp-berhan";

const r = (
  type: string,
  name: string,
  props: Record<string, unknown>,
  parent?: string,
): PolicyResourceInput => ({
  urn: `urn:pulumi:production::cicd-constitution::${type}::${name}`,
  type,
  name,
  props,
  parent: parent ?? null,
});

type Opts = { settings?: Record<string, unknown>; stack?: string; now?: Date; waivers?: unknown[] };
function judge(
  id: string,
  resources: PolicyResourceInput[],
  opts: Opts = {},
): Array<[string, string | null, string]> {
  const config = resolvePackConfig({
    ...(opts.settings ? { settings: { [id]: opts.settings } } : {}),
    ...(opts.waivers ? { waivers: opts.waivers } : {}),
  });
  return evaluate(resources, { stack: opts.stack ?? "production", config, now: opts.now ?? NOW })
    .filter((x) => x.ruleId === id)
    .map((x) => [x.status, x.resource?.name ?? null, x.message]);
}

const image = (props: Record<string, unknown>) =>
  r(T.image, "erp-image", {
    tags: [`${REPO}:${SHA}`],
    platforms: ["linux/amd64", "linux/arm64"],
    labels: {
      "org.opencontainers.image.revision": SHA,
      "org.opencontainers.image.created": "2026-11-20T10:00:00Z",
      "org.opencontainers.image.source": "https://github.com/acme/erp-berhan",
    },
    buildArgs: { BUILD_SHA: SHA, BUILD_DATE: "2026-11-20T10:00:00Z", BUILD_ACTOR: "mathieu" },
    ...props,
  });
const containerDefs = (images: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify(images.map((img, i) => ({ name: i === 0 ? "web" : `c${i}`, image: img, ...extra })));
const td = (images: string[], props: Record<string, unknown> = {}, name = "erp-td") =>
  r(T.td, name, {
    tags: { environment: "production", app: "erp-berhan" },
    containerDefinitions: containerDefs(images),
    ...props,
  });
const tagged = (environment: string) => r(T.cluster, "cluster", { tags: { environment } });

describe("mutation: ART rules", () => {
  it("CC-ART-01: a full git SHA tag, never only latest", () => {
    assert.deepEqual(judge("CC-ART-01", [image({ tags: [`${REPO}:latest`, `${REPO}:${SHA}`] })]), [
      ["pass", "erp-image", `tagged ${REPO}:${SHA}`],
    ]);
    assert.deepEqual(judge("CC-ART-01", [image({ tags: [`${REPO}:latest`] })]), [
      ["fail", "erp-image", `no full git SHA tag among [${REPO}:latest] (only latest)`],
    ]);
    assert.deepEqual(judge("CC-ART-01", [image({ tags: [REPO] })]), [
      ["fail", "erp-image", `no full git SHA tag among [${REPO}] (only latest)`],
    ]);
    assert.deepEqual(
      judge("CC-ART-01", [image({ tags: [`${REPO}:${SHA.slice(0, 7)}`, `${REPO}:${SHA.toUpperCase()}`] })]),
      [
        [
          "fail",
          "erp-image",
          `no full git SHA tag among [${REPO}:${SHA.slice(0, 7)}, ${REPO}:${SHA.toUpperCase()}]`,
        ],
      ],
    );
    assert.deepEqual(judge("CC-ART-01", [image({ tags: [`${REPO}:${SHA}0`] })])[0][0], "fail");
  });

  it("CC-ART-02: OCI labels and build args of provenance", () => {
    assert.deepEqual(judge("CC-ART-02", [image({})]), [
      ["pass", "erp-image", `revision ${SHA}, labels and build args present`],
    ]);
    assert.deepEqual(
      judge("CC-ART-02", [image({ labels: undefined, buildArgs: { BUILD_SHA: SHA, BUILD_DATE: "" } })]),
      [
        [
          "fail",
          "erp-image",
          "missing label org.opencontainers.image.revision, label org.opencontainers.image.created, label org.opencontainers.image.source, build arg BUILD_DATE, build arg BUILD_ACTOR",
        ],
      ],
    );
    assert.deepEqual(judge("CC-ART-02", [image({ buildArgs: undefined })]), [
      ["fail", "erp-image", "missing build arg BUILD_SHA, build arg BUILD_DATE, build arg BUILD_ACTOR"],
    ]);
  });

  it("CC-ART-03: images and aliases on ghcr.io/OWNER/...", () => {
    assert.deepEqual(judge("CC-ART-03", [image({ tags: [`${REPO}:${SHA}`, `${REPO}:staging`] })]), [
      ["pass", "erp-image", `published to ${REPO}`],
    ]);
    assert.deepEqual(
      judge("CC-ART-03", [image({ tags: ["docker.io/acme/erp:1", "ghcr.io/erp:1", `${REPO}:1`] })]),
      [["fail", "erp-image", "not in ghcr.io/OWNER/...: docker.io/acme/erp:1, ghcr.io/erp:1"]],
    );
    assert.deepEqual(judge("CC-ART-03", [image({ tags: [] })]), [["fail", "erp-image", "publishes no tag"]]);
    const index = r(T.index, "erp-prod-alias", {
      tag: `${REPO}:prod`,
      sources: [`${REPO}@${D1}`, "ghcr.io/other/x:1"],
    });
    assert.deepEqual(judge("CC-ART-03", [index]), [
      ["pass", "erp-prod-alias", `published to ${REPO}, ghcr.io/other/x`],
    ]);
    assert.deepEqual(judge("CC-ART-03", [r(T.index, "ix", { sources: [] })]), [
      ["fail", "ix", "not in ghcr.io/OWNER/...: "],
    ]);
    assert.deepEqual(
      judge("CC-ART-03", [image({ tags: ["registry.acme/acme/erp:1"] })], {
        settings: { registry: "registry.acme" },
      }),
      [["pass", "erp-image", "published to registry.acme/acme/erp"]],
    );
  });

  it("CC-ART-04: built for every configured platform", () => {
    assert.deepEqual(judge("CC-ART-04", [image({})]), [
      ["pass", "erp-image", "built for linux/amd64, linux/arm64"],
    ]);
    assert.deepEqual(judge("CC-ART-04", [image({ platforms: ["linux/amd64"] })]), [
      ["fail", "erp-image", "not built for linux/arm64 (platforms: [linux/amd64])"],
    ]);
    assert.deepEqual(judge("CC-ART-04", [image({ platforms: undefined })]), [
      ["fail", "erp-image", "not built for linux/amd64, linux/arm64 (platforms: [])"],
    ]);
    assert.deepEqual(
      judge("CC-ART-04", [image({ platforms: ["linux/amd64"] })], {
        settings: { platforms: ["linux/amd64"] },
      }),
      [["pass", "erp-image", "built for linux/amd64"]],
    );
  });

  it("CC-ART-05: a production stack builds nothing", () => {
    assert.deepEqual(judge("CC-ART-05", [tagged("production")]), [
      ["pass", null, "the production stack builds no image"],
    ]);
    assert.deepEqual(judge("CC-ART-05", [tagged("production"), image({}), image({ tags: [] })]), [
      [
        "fail",
        "erp-image",
        `the production stack builds image ${REPO}:${SHA}; promote staging's digest instead; the production stack builds image erp-image; promote staging's digest instead`,
      ],
    ]);
    assert.deepEqual(judge("CC-ART-05", [tagged("staging"), image({})]), [
      ["not-applicable", null, "not a production stack (no resource tagged environment=production)"],
    ]);
    assert.deepEqual(judge("CC-ART-05", [tagged("live")], { settings: { productionEnvironment: "live" } }), [
      ["pass", null, "the live stack builds no image"],
    ]);
    // A StackReference's environment is the other stack's, an unknown tag says nothing.
    const ref = r(T.ref, "staging-profile", { tags: { environment: "production" } });
    const unknownTag = r(T.cluster, "c", { tags: { environment: "[unknown]" } });
    assert.deepEqual(judge("CC-ART-05", [ref, unknownTag, image({})])[0][0], "not-applicable");
  });

  it("CC-ART-06: every container runs by digest", () => {
    assert.deepEqual(judge("CC-ART-06", [td([`${REPO}@${D1}`])]), [["pass", "erp-td", `runs ${REPO}@${D1}`]]);
    assert.deepEqual(judge("CC-ART-06", [td([`${REPO}@${D1}`, `${REPO}:prod`, `${REPO}@sha256:abc`])]), [
      ["fail", "erp-td", `image(s) not pinned by digest: ${REPO}:prod, ${REPO}@sha256:abc`],
    ]);
    assert.deepEqual(judge("CC-ART-06", [td([])]), [["fail", "erp-td", "no container image"]]);
    assert.deepEqual(judge("CC-ART-06", [td([], { containerDefinitions: "{bad" })])[0].slice(0, 2), [
      "fail",
      "erp-td",
    ]);
    assert.match(
      judge("CC-ART-06", [td([], { containerDefinitions: "{bad" })])[0][2],
      /^cannot be checked: \.containerDefinitions is not valid JSON/,
    );
  });

  it("CC-ART-07: environment aliases point at the running digest", () => {
    const ix = (tag: string, sources: string[]) => r(T.index, "erp-alias", { tag, sources });
    const running = td([`${REPO}@${D1}`]);
    assert.deepEqual(judge("CC-ART-07", [running, ix(`${REPO}:prod`, [`${REPO}@${D1}`])]), [
      ["pass", "erp-alias", `${REPO}:prod -> ${D1}, the digest this environment runs`],
    ]);
    assert.deepEqual(judge("CC-ART-07", [running, ix(`${REPO}:prod`, [`${REPO}@${D2}`])]), [
      ["fail", "erp-alias", `${REPO}:prod points at ${D2} but the stack runs ${D1}`],
    ]);
    assert.deepEqual(judge("CC-ART-07", [running, ix(`${REPO}:prod`, [`${REPO}@${D1}`, `${REPO}@${D2}`])]), [
      [
        "fail",
        "erp-alias",
        `${REPO}:prod must have exactly one source pinned by digest, has [${REPO}@${D1}, ${REPO}@${D2}]`,
      ],
    ]);
    assert.deepEqual(judge("CC-ART-07", [running, ix(`${REPO}:prod`, [`${REPO}:${SHA}`])]), [
      [
        "fail",
        "erp-alias",
        `${REPO}:prod must have exactly one source pinned by digest, has [${REPO}:${SHA}]`,
      ],
    ]);
    assert.deepEqual(judge("CC-ART-07", [running, ix(`${REPO}:${SHA}`, [`${REPO}@${D1}`])]), [
      ["not-applicable", "erp-alias", `${REPO}:${SHA} is not an environment alias`],
    ]);
    assert.deepEqual(
      judge("CC-ART-07", [td([`ghcr.io/acme/menu@${D1}`]), ix(`${REPO}:staging`, [`${REPO}@${D1}`])]),
      [["not-applicable", "erp-alias", `no task definition of this stack runs ${REPO}`]],
    );
    const two = [
      td([`${REPO}@${D1}`]),
      td([`${REPO}@${D2}`, `${REPO}:x`], {}, "erp-td-2"),
      td([], { containerDefinitions: "[unknown]" }, "erp-td-3"),
    ];
    assert.deepEqual(judge("CC-ART-07", [...two, ix(`${REPO}:production`, [`${REPO}@${D2}`])]), [
      ["pass", "erp-alias", `${REPO}:production -> ${D2}, the digest this environment runs`],
    ]);
    assert.deepEqual(
      judge("CC-ART-07", [...two, ix(`${REPO}:prod`, [`${REPO}@sha256:${"3".repeat(64)}`])])[0][2],
      `${REPO}:prod points at sha256:${"3".repeat(64)} but the stack runs ${D1}, ${D2}`,
    );
    assert.deepEqual(
      judge("CC-ART-07", [running, ix(`${REPO}:live`, [`${REPO}@${D1}`])], {
        settings: { aliases: ["live"] },
      })[0][0],
      "pass",
    );
    assert.deepEqual(judge("CC-ART-07", [running, r(T.index, "erp-alias", { sources: [] })]), [
      ["not-applicable", "erp-alias", " is not an environment alias"],
    ]);
  });
});

const APP_URN = `urn:pulumi:production::cicd-constitution::${T.app}::erp-berhan`;
const service = (props: Record<string, unknown> = {}, name = "erp-svc") =>
  r(T.service, name, { tags: { app: "erp-berhan", environment: "production" }, ...props });
const alarm = (name: string, props: Record<string, unknown>) =>
  r(T.alarm, name, {
    tags: { app: "erp-berhan", environment: "production" },
    alarmActions: ["arn:sns"],
    ...props,
  });

describe("mutation: OBS rules", () => {
  it("CC-OBS-01: a 5xx alarm and a latency alarm with actions per service", () => {
    const five = alarm("erp-5xx", { metricName: "HTTPCode_Target_5XX_Count" });
    const lat = alarm("erp-latency", {
      metricQueries: [{ metric: { metricName: "TargetResponseTime" } }, {}],
    });
    assert.deepEqual(judge("CC-OBS-01", [service(), five, lat]), [
      ["pass", "erp-svc", "erp-berhan: 5xx alarm erp-5xx, latency alarm erp-latency"],
    ]);
    assert.deepEqual(judge("CC-OBS-01", [service()]), [
      ["fail", "erp-svc", "erp-berhan: no 5xx alarm; no latency alarm"],
    ]);
    const silent = (a: PolicyResourceInput) => ({ ...a, props: { ...a.props, alarmActions: [] } });
    assert.deepEqual(judge("CC-OBS-01", [service(), silent(five), silent(lat)]), [
      ["fail", "erp-svc", "erp-berhan: 5xx alarm has no action; latency alarm has no action"],
    ]);
    assert.deepEqual(judge("CC-OBS-01", [service(), silent(five), five, lat]), [
      ["pass", "erp-svc", "erp-berhan: 5xx alarm erp-5xx, latency alarm erp-latency"],
    ]);
    const stagingAlarm = alarm("erp-5xx", {
      metricName: "5xx",
      tags: { app: "erp-berhan", environment: "staging" },
    });
    const otherApp = alarm("menu-latency", {
      metricName: "Latency",
      tags: { app: "menu", environment: "production" },
    });
    assert.deepEqual(judge("CC-OBS-01", [service(), stagingAlarm, otherApp]), [
      ["fail", "erp-svc", "erp-berhan: no 5xx alarm; no latency alarm"],
    ]);
    // Untagged service: any environment's alarms of its app count; the app comes from the component.
    const app = r(T.app, "erp-berhan", {});
    const bare = r(T.service, "erp-svc", { name: "svc" }, APP_URN);
    const viaParent = { ...stagingAlarm, props: { metricName: "5xx", alarmActions: ["a"] }, parent: APP_URN };
    assert.deepEqual(judge("CC-OBS-01", [app, bare, viaParent, lat]), [
      ["pass", "erp-svc", "erp-berhan: 5xx alarm erp-5xx, latency alarm erp-latency"],
    ]);
    assert.deepEqual(judge("CC-OBS-01", [r(T.service, "svc-res", { name: "svc" })]), [
      ["fail", "svc-res", "svc: no 5xx alarm; no latency alarm"],
    ]);
    assert.deepEqual(judge("CC-OBS-01", [r(T.service, "svc-res", {})]), [
      ["fail", "svc-res", "svc-res: no 5xx alarm; no latency alarm"],
    ]);
  });

  it("CC-OBS-02: a dashboard with error rate, latency and golden path per service", () => {
    const body = (...titles: string[]) =>
      JSON.stringify({ widgets: titles.map((title) => ({ properties: { title } })) });
    const dash = (name: string, props: Record<string, unknown>) => r(T.dashboard, name, props);
    assert.deepEqual(
      judge("CC-OBS-02", [
        service(),
        dash("erp-dash", {
          dashboardName: "erp-berhan-production",
          dashboardBody: body("Error rate (5xx %)", "Latency (p95)", "Golden-path success"),
        }),
      ]),
      [["pass", "erp-svc", "erp-berhan: dashboard erp-dash shows error rate, latency, golden path"]],
    );
    assert.deepEqual(
      judge("CC-OBS-02", [
        service(),
        dash("d", { dashboardName: "erp-berhan", dashboardBody: body("5XX", "other", {} as never) }),
      ]),
      [["fail", "erp-svc", "erp-berhan: dashboard lacks latency, golden-path success"]],
    );
    assert.deepEqual(
      judge("CC-OBS-02", [service(), dash("d", { dashboardName: "menu", dashboardBody: body("latency") })]),
      [["fail", "erp-svc", "erp-berhan: no dashboard"]],
    );
    assert.deepEqual(
      judge("CC-OBS-02", [
        r(T.app, "erp-berhan", {}),
        service(),
        dash("d1", { dashboardBody: body("error rate") }),
        { ...dash("d2", { dashboardBody: body("LATENCY", "goldenpath") }), parent: APP_URN },
      ]),
      [["fail", "erp-svc", "erp-berhan: dashboard lacks error rate"]],
    );
    assert.deepEqual(
      judge("CC-OBS-02", [
        service(),
        dash("d1", { dashboardName: "erp-berhan-a", dashboardBody: body("error rate") }),
        dash("d2", { dashboardName: "erp-berhan-b", dashboardBody: body("latency", "golden path") }),
      ]),
      [["pass", "erp-svc", "erp-berhan: dashboard d1, d2 shows error rate, latency, golden path"]],
    );
    assert.deepEqual(
      judge("CC-OBS-02", [service(), dash("d", { dashboardName: "erp-berhan", dashboardBody: "[secret]" })]),
      [["not-applicable", "erp-svc", "the value at .dashboardBody is a secret, hidden from this input"]],
    );
  });

  it("CC-OBS-03: an error-budget burn alarm within the budget, with an action", () => {
    const burn = (pct: unknown, props: Record<string, unknown> = {}) =>
      alarm("erp-burn", {
        tags: { app: "erp-berhan", environment: "production", "error-budget-percent": pct },
        ...props,
      });
    assert.deepEqual(judge("CC-OBS-03", [service(), burn("0.5")]), [
      ["pass", "erp-svc", "erp-berhan: error budget 0.5% watched by erp-burn"],
    ]);
    assert.deepEqual(judge("CC-OBS-03", [service(), burn("1")]), [
      ["fail", "erp-svc", "erp-berhan: error budget 1% exceeds 0.5% or its alarm has no action"],
    ]);
    assert.deepEqual(judge("CC-OBS-03", [service(), burn("0.1", { alarmActions: [] }), burn("x")]), [
      ["fail", "erp-svc", "erp-berhan: error budget 0.1, x% exceeds 0.5% or its alarm has no action"],
    ]);
    assert.deepEqual(judge("CC-OBS-03", [service(), alarm("erp-5xx", {})]), [
      ["fail", "erp-svc", "erp-berhan: no error-budget burn alarm (tag error-budget-percent)"],
    ]);
    assert.deepEqual(
      judge("CC-OBS-03", [service(), burn("1")], { settings: { maxErrorBudgetPercent: 1 } })[0][0],
      "pass",
    );
  });

  it("CC-OBS-04: standard tags on taggable AWS resources", () => {
    assert.deepEqual(
      judge("CC-OBS-04", [
        r(T.role, "role", { tags: { app: "a", environment: "e", owner: "o", "managed-by": "pulumi" } }),
      ]),
      [["pass", "role", "standard tags present"]],
    );
    assert.deepEqual(judge("CC-OBS-04", [r(T.role, "role", { tags: { app: "a", owner: "" } })]), [
      ["fail", "role", "missing tag(s) environment, owner, managed-by"],
    ]);
    assert.deepEqual(
      judge("CC-OBS-04", [r(T.role, "role", { tags: { app: "a" } })], {
        settings: { requiredTags: ["app"] },
      })[0][0],
      "pass",
    );
    assert.deepEqual(judge("CC-OBS-04", [r(T.dashboard, "d", {})]), []);
  });
});

const flagsDoc = (flags: Record<string, Record<string, unknown>>) =>
  JSON.stringify({
    version: "1",
    flags: Object.fromEntries(Object.keys(flags).map((k) => [k, { name: k }])),
    values: flags,
  });
const hcv = (flags: Record<string, Record<string, unknown>>, props: Record<string, unknown> = {}) =>
  r(T.hcv, "erp-flags", { content: flagsDoc(flags), tags: { app: "erp-berhan" }, ...props });
const FLAG = { owner: "mathieu", default: false, removalDate: "2027-01-31", enabled: false };

describe("mutation: FLAG rules", () => {
  it("CC-FLAG-01: owner, boolean default, real removal date", () => {
    assert.deepEqual(judge("CC-FLAG-01", [hcv({ a: FLAG, b: FLAG })]), [
      ["pass", "erp-flags", "2 flag(s) with owner, default and removal date"],
    ]);
    assert.deepEqual(
      judge("CC-FLAG-01", [
        hcv({
          a: { default: "false", removalDate: "2027-02-30" },
          b: FLAG,
          c: { owner: "x", default: true },
        }),
      ]),
      [["fail", "erp-flags", "a lacks owner, default, removalDate; c lacks removalDate"]],
    );
    assert.deepEqual(judge("CC-FLAG-01", [hcv({}, { content: JSON.stringify({ flags: {} }) })]), [
      ["pass", "erp-flags", "0 flag(s) with owner, default and removal date"],
    ]);
    assert.deepEqual(judge("CC-FLAG-01", [hcv({}, { content: JSON.stringify({ flags: { a: {} } }) })]), [
      ["fail", "erp-flags", "a lacks owner, default, removalDate"],
    ]);
    for (const content of ['{"a":1}', '{"flags":"x"}', "42"])
      assert.deepEqual(judge("CC-FLAG-01", [hcv({}, { content })]), [
        ["not-applicable", "erp-flags", "not a feature-flags document"],
      ]);
  });

  it("CC-FLAG-02: no flag past its removal date (valid through the day)", () => {
    assert.deepEqual(
      judge("CC-FLAG-02", [hcv({ a: { ...FLAG, removalDate: "2026-11-21" }, b: { owner: "x" } })]),
      [["pass", "erp-flags", "no flag past its removal date (a: 2026-11-21, b: ?)"]],
    );
    assert.deepEqual(
      judge("CC-FLAG-02", [
        hcv({ a: { ...FLAG, removalDate: "2026-11-20" }, b: FLAG, c: { removalDate: "2026-99-01" } }),
      ]),
      [["fail", "erp-flags", "a was due for removal on 2026-11-20"]],
    );
    assert.deepEqual(judge("CC-FLAG-02", [hcv({}, { content: "{}" })]), [
      ["not-applicable", "erp-flags", "not a feature-flags document"],
    ]);
  });

  it("CC-FLAG-03: production flags off by default, on only for a named cohort", () => {
    const prod = tagged("production");
    assert.deepEqual(judge("CC-FLAG-03", [prod, hcv({ a: FLAG })]), [
      ["pass", "erp-flags", "flags off by default"],
    ]);
    assert.deepEqual(judge("CC-FLAG-03", [prod, hcv({ a: { ...FLAG, enabled: true, cohort: "beta" } })]), [
      ["pass", "erp-flags", "flags off by default, on only for named cohorts"],
    ]);
    assert.deepEqual(
      judge("CC-FLAG-03", [
        prod,
        hcv({ a: { ...FLAG, default: true }, b: { ...FLAG, enabled: true, cohort: "" }, c: FLAG }),
      ]),
      [
        [
          "fail",
          "erp-flags",
          "a is on in production (default true, enabled false) without a cohort; b is on in production (default false, enabled true) without a cohort",
        ],
      ],
    );
    assert.deepEqual(judge("CC-FLAG-03", [tagged("staging"), hcv({ a: { ...FLAG, default: true } })]), [
      ["not-applicable", null, "not a production stack"],
    ]);
    assert.deepEqual(judge("CC-FLAG-03", [prod, hcv({}, { content: "{}" })]), [
      ["not-applicable", "erp-flags", "not a feature-flags document"],
    ]);
    assert.deepEqual(judge("CC-FLAG-03", [prod]), [
      ["not-applicable", null, "nothing in this stack for this rule to check"],
    ]);
  });
});

const PROFILE = {
  imageRepository: REPO,
  digest: D1,
  knownDigests: [D2],
  envNames: ["APP_ENV", "BUILD_SHA"],
  secretNames: ["DATABASE_URL"],
  healthCheckPath: "/readyz",
  containerHealthPath: "/healthz",
  port: 8000,
  flags: ["beta_menu"],
};
const stagingRef = (apps: Record<string, unknown>, environment = "staging") =>
  r(T.ref, "staging-profile", { outputs: { environmentProfile: { environment, apps } } });
const prodTd = (over: Record<string, unknown> = {}, image = `${REPO}@${D1}`) =>
  r(T.td, "erp-td", {
    tags: { environment: "production", app: "erp-berhan" },
    containerDefinitions: JSON.stringify([
      {
        name: "web",
        image,
        environment: [
          { name: "BUILD_SHA", value: "x" },
          { name: "APP_ENV", value: "production" },
        ],
        secrets: [{ name: "DATABASE_URL", valueFrom: "arn:db" }],
        healthCheck: { command: ["CMD-SHELL", "curl -fsS http://localhost:8000/healthz || exit 1"] },
        portMappings: [{ containerPort: 8000 }],
        ...over,
      },
    ]),
  });
const prodTg = (path = "/readyz") =>
  r(T.tg, "erp-tg", { tags: { app: "erp-berhan", environment: "production" }, healthCheck: { path } });
const prodFlags = (keys: string[]) =>
  hcv(Object.fromEntries(keys.map((k) => [k, FLAG])), {
    tags: { app: "erp-berhan", environment: "production" },
  });

describe("mutation: PAR rules", () => {
  const base = (over: Record<string, unknown> = {}) => [
    stagingRef({ "erp-berhan": { ...PROFILE, ...over } }),
    prodTd(),
    prodTg(),
    prodFlags(["beta_menu"]),
  ];

  it("CC-PAR-01: production runs a digest staging ran, from the same repository", () => {
    assert.deepEqual(judge("CC-PAR-01", base()), [
      ["pass", "erp-td", `erp-berhan: runs ${REPO}@${D1}, which staging has run`],
    ]);
    assert.deepEqual(judge("CC-PAR-01", base({ digest: undefined, knownDigests: [D1] }))[0][0], "pass");
    assert.deepEqual(
      judge(
        "CC-PAR-01",
        base({ imageRepository: "ghcr.io/acme/other", digest: D2, knownDigests: undefined }),
      ),
      [
        [
          "fail",
          "erp-td",
          `erp-berhan: repository ${REPO} differs from staging's ghcr.io/acme/other; digest ${D1} was never run by staging`,
        ],
      ],
    );
    const byTag = [stagingRef({ "erp-berhan": PROFILE }), prodTd({}, `${REPO}:prod`)];
    assert.deepEqual(judge("CC-PAR-01", byTag), [
      ["fail", "erp-td", "erp-berhan: digest (none) was never run by staging"],
    ]);
  });

  it("CC-PAR-01..03: the production stack needs staging's profile; other stacks are not judged", () => {
    const none =
      "the production stack has no StackReference whose outputs.environmentProfile is staging's, so parity cannot be shown";
    for (const id of ["CC-PAR-01", "CC-PAR-02", "CC-PAR-03"]) {
      assert.deepEqual(judge(id, [prodTd()]), [["fail", null, none]]);
      assert.deepEqual(judge(id, [stagingRef({ "erp-berhan": PROFILE }, "qa"), prodTd()]), [
        ["fail", null, none],
      ]);
      assert.deepEqual(
        judge(id, [
          r(T.ref, "staging-profile", {
            outputs: { environmentProfile: { environment: "staging", apps: "x" } },
          }),
          prodTd(),
        ]),
        [["fail", null, none]],
      );
      assert.deepEqual(judge(id, [tagged("staging")]), [
        ["not-applicable", null, "parity is checked in the production stack"],
      ]);
      assert.deepEqual(judge(id, [stagingRef({ menu: PROFILE }), prodTd()]), [
        ["fail", "erp-td", "erp-berhan runs in production but staging (staging-profile) has never run it"],
      ]);
    }
    const stagingTd = {
      ...prodTd(),
      props: { ...prodTd().props, tags: { environment: "staging", app: "erp-berhan" } },
    };
    assert.deepEqual(
      judge("CC-PAR-01", [tagged("production"), stagingRef({ "erp-berhan": PROFILE }), stagingTd]),
      [["not-applicable", null, "nothing in this stack for this rule to check"]],
    );
    assert.deepEqual(
      judge(
        "CC-PAR-01",
        [
          tagged("live"),
          stagingRef({ "erp-berhan": PROFILE }, "preprod"),
          { ...prodTd(), props: { ...prodTd().props, tags: { environment: "live", app: "erp-berhan" } } },
        ],
        {
          settings: { productionEnvironment: "live", stagingEnvironment: "preprod" },
        },
      )[0][0],
      "pass",
    );
  });

  it("CC-PAR-02: same variable and secret names", () => {
    assert.deepEqual(judge("CC-PAR-02", base()), [
      ["pass", "erp-td", "erp-berhan: 2 variable names and 1 secret names as in staging"],
    ]);
    assert.deepEqual(
      judge("CC-PAR-02", base({ envNames: ["APP_ENV", "BUILD_SHA", "BUILD_SHA"] }))[0][0],
      "pass",
    );
    assert.deepEqual(judge("CC-PAR-02", base({ envNames: ["APP_ENV", "DEBUG"], secretNames: [] })), [
      [
        "fail",
        "erp-td",
        "erp-berhan: environment variable names differ (only in production: [BUILD_SHA], only in staging: [DEBUG]); secret names differ (only in production: [DATABASE_URL], only in staging: [])",
      ],
    ]);
    assert.deepEqual(
      judge("CC-PAR-02", base({ envNames: ["APP_ENV"] }))[0][2],
      "erp-berhan: environment variable names differ (only in production: [BUILD_SHA], only in staging: [])",
    );
  });

  it("CC-PAR-03: same health paths, port and flag keys", () => {
    assert.deepEqual(judge("CC-PAR-03", base()), [
      ["pass", "erp-td", "erp-berhan: health /readyz / /healthz, port 8000, flags [beta_menu] as in staging"],
    ]);
    assert.deepEqual(judge("CC-PAR-03", base({ port: "8000" }))[0][0], "pass");
    assert.deepEqual(
      judge(
        "CC-PAR-03",
        base({
          healthCheckPath: "/ready",
          containerHealthPath: "/live",
          port: 9000,
          flags: ["beta_menu", "new_ui"],
        }),
      ),
      [
        [
          "fail",
          "erp-td",
          "erp-berhan: load balancer health path /readyz vs staging /ready; container health path /healthz vs staging /live; port 8000 vs staging 9000; flags differ (only in production: [], only in staging: [new_ui])",
        ],
      ],
    );
    const noTg = [
      stagingRef({ "erp-berhan": { ...PROFILE, flags: [] } }),
      prodTd({ healthCheck: undefined, portMappings: [] }),
    ];
    assert.deepEqual(judge("CC-PAR-03", noTg), [
      [
        "fail",
        "erp-td",
        "erp-berhan: load balancer health path undefined vs staging /readyz; container health path undefined vs staging /healthz; port undefined vs staging 8000",
      ],
    ]);
    const otherApp = {
      ...prodFlags(["x"]),
      name: "menu-flags",
      urn: "urn:menu-flags",
      props: { ...prodFlags(["x"]).props, tags: { app: "menu" } },
    };
    assert.deepEqual(judge("CC-PAR-03", [...base(), otherApp])[0][0], "pass");
  });
});

describe("mutation: CC-WAIVE-01 evidence", () => {
  const W = {
    ruleId: "CC-BR-07",
    resource: "erp-*",
    reason: "release bot needs a bypass",
    owner: "mathieu",
    expires: "2026-12-31",
  };
  it("names each waiver by position, rule and resource, with its problems", () => {
    assert.deepEqual(judge("CC-WAIVE-01", []), [["pass", null, "no waivers declared"]]);
    assert.deepEqual(judge("CC-WAIVE-01", [], { waivers: [W] }), [
      ["pass", null, "waiver #1 (CC-BR-07 on erp-*) is complete and valid until 2026-12-31"],
    ]);
    assert.deepEqual(
      judge("CC-WAIVE-01", [], {
        waivers: [W, { ...W, resource: undefined, expires: "2026-11-20" }, "x", { owner: "a" }],
      }),
      [
        [
          "fail",
          null,
          "waiver #2 (CC-BR-07 on ?) names no resource (resource), expired on 2026-11-20; it waives nothing; waiver #3 is not an object; it waives nothing; waiver #4 names no rule (ruleId), names no resource (resource), has no reason of at least 10 characters (reason), has no expiry date (expires); it waives nothing",
        ],
      ],
    );
    assert.deepEqual(judge("CC-WAIVE-01", [], { waivers: [{ ...W, ruleId: "CC-WAIVE-01" }] }), [
      [
        "fail",
        null,
        "waiver #1 (CC-WAIVE-01 on erp-*) waives CC-WAIVE-01, which cannot be waived; it waives nothing",
      ],
    ]);
    assert.deepEqual(judge("CC-WAIVE-01", [], { waivers: [null] }), [
      ["fail", null, "waiver #1 is not an object; it waives nothing"],
    ]);
  });
});

describe("mutation: ART/OBS/FLAG/PAR evidence lists name every item", () => {
  it("ART: every tag, platform, image and digest is listed", () => {
    const sha2 = "f".repeat(40);
    assert.deepEqual(
      judge("CC-ART-01", [image({ tags: [`${REPO}:${SHA}`, `${REPO}:${sha2}`] })])[0][2],
      `tagged ${REPO}:${SHA}, ${REPO}:${sha2}`,
    );
    assert.deepEqual(
      judge("CC-ART-01", [image({ tags: [`${REPO}:latest`, `${REPO}:v1`] })])[0][2],
      `no full git SHA tag among [${REPO}:latest, ${REPO}:v1] (only latest)`,
    );
    assert.deepEqual(
      judge("CC-ART-01", [image({ tags: [`${REPO}:latest-arm`] })])[0][2],
      `no full git SHA tag among [${REPO}:latest-arm]`,
    );
    assert.deepEqual(
      judge("CC-ART-01", [image({ tags: ["ghcr.io:443/acme/erp"] })])[0][2],
      "no full git SHA tag among [ghcr.io:443/acme/erp] (only latest)",
    );
    assert.deepEqual(
      judge("CC-ART-04", [image({})], {
        settings: { platforms: ["linux/amd64", "linux/arm64", "linux/riscv64"] },
      })[0][2],
      "not built for linux/riscv64 (platforms: [linux/amd64, linux/arm64])",
    );
    assert.deepEqual(
      judge("CC-ART-05", [tagged("production"), image({ tags: [`${REPO}:${SHA}`, `${REPO}:x`] })])[0][2],
      `the production stack builds image ${REPO}:${SHA}, ${REPO}:x; promote staging's digest instead`,
    );
    assert.deepEqual(
      judge("CC-ART-06", [td([`${REPO}@${D1}`, `${REPO}@${D2}`])])[0][2],
      `runs ${REPO}@${D1}, ${REPO}@${D2}`,
    );
    const ix = r(T.index, "erp-alias", { tag: `${REPO}:prod`, sources: [`${REPO}@${D1}`] });
    const notTd = r(T.image, "img", { containerDefinitions: containerDefs([`${REPO}@${D1}`]) });
    assert.deepEqual(judge("CC-ART-07", [notTd, ix])[0][0], "not-applicable");
    assert.deepEqual(judge("CC-ART-07", [td([`${REPO}:prod`]), ix])[0][0], "not-applicable");
  });

  it("OBS, FLAG, PAR: several items", () => {
    const five = alarm("erp-5xx", { metricName: "HTTPCode_Target_5XX_Count" });
    const lat = alarm("erp-latency", { metricName: "TargetResponseTime" });
    const silentLat = alarm("erp-latency-0", { metricName: "TargetResponseTime", alarmActions: [] });
    assert.deepEqual(
      judge("CC-OBS-01", [service(), five, silentLat, lat])[0][2],
      "erp-berhan: 5xx alarm erp-5xx, latency alarm erp-latency",
    );
    const late = { ...FLAG, removalDate: "2026-01-01" };
    assert.deepEqual(
      judge("CC-FLAG-02", [hcv({ a: late, b: late })])[0][2],
      "a was due for removal on 2026-01-01; b was due for removal on 2026-01-01",
    );
    assert.deepEqual(
      judge("CC-FLAG-03", [
        tagged("production"),
        hcv({ a: FLAG, b: { ...FLAG, enabled: true, cohort: "beta" } }),
      ])[0][2],
      "flags off by default, on only for named cohorts",
    );
    const base = (over: Record<string, unknown>) => [
      stagingRef({ "erp-berhan": { ...PROFILE, ...over } }),
      prodTd(),
      prodTg(),
      prodFlags(["beta_menu", "new_ui"]),
    ];
    assert.deepEqual(judge("CC-PAR-02", base({ envNames: ["BUILD_SHA", "APP_ENV"] }))[0][0], "pass");
    assert.deepEqual(
      judge("CC-PAR-02", base({ envNames: ["X", "Y"] }))[0][2],
      "erp-berhan: environment variable names differ (only in production: [APP_ENV, BUILD_SHA], only in staging: [X, Y])",
    );
    assert.deepEqual(
      judge("CC-PAR-03", base({ flags: ["new_ui", "beta_menu"] }))[0][2],
      "erp-berhan: health /readyz / /healthz, port 8000, flags [beta_menu, new_ui] as in staging",
    );
  });
});

describe("mutation: several resources of one app", () => {
  it("CC-PAR-03 counts the flags of every feature-flags document of the app", () => {
    const second = { ...prodFlags(["new_ui"]), name: "erp-flags-2", urn: "urn:erp-flags-2" };
    const rs = [
      stagingRef({ "erp-berhan": { ...PROFILE, flags: ["beta_menu", "new_ui"] } }),
      prodTd(),
      prodTg(),
      prodFlags(["beta_menu"]),
      second,
    ];
    assert.deepEqual(judge("CC-PAR-03", rs)[0], [
      "pass",
      "erp-td",
      "erp-berhan: health /readyz / /healthz, port 8000, flags [beta_menu, new_ui] as in staging",
    ]);
  });
});
