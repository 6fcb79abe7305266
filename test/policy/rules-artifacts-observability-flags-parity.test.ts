/**
 * The ART (artifacts), OBS (observability), FLAG (feature flags), PAR (parity) and WAIVE rules on minimal
 * hand-built resources, one named scenario per test: the exact verdict, the resource judged and the evidence an
 * auditor reads (shared/policy-catalogue.md; docs/PROOFS.md section 4). They cover every branch of every check and
 * every item of every evidence list, so that Stryker mutants of the rules are killed (the real stacks' fixture
 * changes are in mutations.ts and rules.test.ts).
 */
import { PolicyResourceInput, SECRET_MARKER, UNKNOWN_MARKER } from "../../policy-pack/evaluate";
import {
  APP_URN,
  DIGEST_1 as D1,
  DIGEST_2 as D2,
  environmentTag,
  IMAGE_REPO as REPO,
  PRODUCTION_TAGS,
  profileRef,
  r,
  RuleCase,
  ruleCases,
  SHA,
  T,
  taskDefinition,
  WAIVER,
} from "./rule-harness";

type Props = Record<string, unknown>;

const image = (props: Props = {}) =>
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
const tags = (...list: string[]) => image({ tags: list });
const containers = (images: string[]) =>
  images.map((img, i) => ({ name: i === 0 ? "web" : `c${i}`, image: img }));
const td = (images: string[], props: Props = {}, name = "erp-td") =>
  taskDefinition(containers(images), props, name);
const badJson = td([], { containerDefinitions: "{bad" });

describe("CC-ART-01: every image is tagged with a full git SHA, never only latest", () =>
  ruleCases("CC-ART-01", [
    {
      name: "passes a SHA tag beside latest, naming the SHA tag",
      resources: [tags(`${REPO}:latest`, `${REPO}:${SHA}`)],
      expected: [["pass", "erp-image", `tagged ${REPO}:${SHA}`]],
    },
    {
      name: "fails only latest, saying so",
      resources: [tags(`${REPO}:latest`)],
      expected: [["fail", "erp-image", `no full git SHA tag among [${REPO}:latest] (only latest)`]],
    },
    {
      name: "fails an untagged reference as only latest",
      resources: [tags(REPO)],
      expected: [["fail", "erp-image", `no full git SHA tag among [${REPO}] (only latest)`]],
    },
    {
      name: "fails a short SHA and an upper-case SHA",
      resources: [tags(`${REPO}:${SHA.slice(0, 7)}`, `${REPO}:${SHA.toUpperCase()}`)],
      expected: [
        [
          "fail",
          "erp-image",
          `no full git SHA tag among [${REPO}:${SHA.slice(0, 7)}, ${REPO}:${SHA.toUpperCase()}]`,
        ],
      ],
    },
    {
      name: "fails a SHA with one character too many",
      resources: [tags(`${REPO}:${SHA}0`)],
      status: "fail",
    },
    {
      name: "lists every SHA tag",
      resources: [tags(`${REPO}:${SHA}`, `${REPO}:${"f".repeat(40)}`)],
      message: `tagged ${REPO}:${SHA}, ${REPO}:${"f".repeat(40)}`,
    },
    {
      name: "lists every tag of an image without a SHA tag",
      resources: [tags(`${REPO}:latest`, `${REPO}:v1`)],
      message: `no full git SHA tag among [${REPO}:latest, ${REPO}:v1] (only latest)`,
    },
    {
      name: "does not take latest-arm for latest",
      resources: [tags(`${REPO}:latest-arm`)],
      message: `no full git SHA tag among [${REPO}:latest-arm]`,
    },
    {
      name: "does not take a registry port for a tag",
      resources: [tags("ghcr.io:443/acme/erp")],
      message: "no full git SHA tag among [ghcr.io:443/acme/erp] (only latest)",
    },
  ]));

describe("CC-ART-02: images carry the OCI provenance labels and build args", () =>
  ruleCases("CC-ART-02", [
    {
      name: "passes every label and build arg, naming the revision",
      resources: [image()],
      expected: [["pass", "erp-image", `revision ${SHA}, labels and build args present`]],
    },
    {
      name: "fails no labels and an empty BUILD_DATE, naming every missing item",
      resources: [image({ labels: undefined, buildArgs: { BUILD_SHA: SHA, BUILD_DATE: "" } })],
      expected: [
        [
          "fail",
          "erp-image",
          "missing label org.opencontainers.image.revision, label org.opencontainers.image.created, label org.opencontainers.image.source, build arg BUILD_DATE, build arg BUILD_ACTOR",
        ],
      ],
    },
    {
      name: "fails no build args",
      resources: [image({ buildArgs: undefined })],
      expected: [
        ["fail", "erp-image", "missing build arg BUILD_SHA, build arg BUILD_DATE, build arg BUILD_ACTOR"],
      ],
    },
  ]));

describe("CC-ART-03: images and aliases are published to ghcr.io/OWNER/...", () =>
  ruleCases("CC-ART-03", [
    {
      name: "passes an image with its tags in one repository",
      resources: [tags(`${REPO}:${SHA}`, `${REPO}:staging`)],
      expected: [["pass", "erp-image", `published to ${REPO}`]],
    },
    {
      name: "fails tags outside ghcr.io or without an owner, naming them",
      resources: [tags("docker.io/acme/erp:1", "ghcr.io/erp:1", `${REPO}:1`)],
      expected: [["fail", "erp-image", "not in ghcr.io/OWNER/...: docker.io/acme/erp:1, ghcr.io/erp:1"]],
    },
    {
      name: "fails an image without tags",
      resources: [tags()],
      expected: [["fail", "erp-image", "publishes no tag"]],
    },
    {
      name: "passes an alias whose tag and sources are on ghcr.io, naming every repository",
      resources: [
        r(T.index, "erp-prod-alias", {
          tag: `${REPO}:prod`,
          sources: [`${REPO}@${D1}`, "ghcr.io/other/x:1"],
        }),
      ],
      expected: [["pass", "erp-prod-alias", `published to ${REPO}, ghcr.io/other/x`]],
    },
    {
      name: "fails an alias without tag and sources: it publishes no tag",
      resources: [r(T.index, "ix", { sources: [] })],
      expected: [["fail", "ix", "publishes no tag"]],
    },
    {
      name: "fails an alias with an empty tag and a source outside ghcr.io, naming both problems",
      resources: [r(T.index, "ix", { tag: "", sources: ["docker.io/acme/erp:1"] })],
      expected: [["fail", "ix", "publishes no tag; not in ghcr.io/OWNER/...: docker.io/acme/erp:1"]],
    },
  ]));

describe("CC-ART-04: images are built for every configured platform", () =>
  ruleCases("CC-ART-04", [
    {
      name: "passes amd64 and arm64",
      resources: [image()],
      expected: [["pass", "erp-image", "built for linux/amd64, linux/arm64"]],
    },
    {
      name: "fails amd64 only, naming the missing platform",
      resources: [image({ platforms: ["linux/amd64"] })],
      expected: [["fail", "erp-image", "not built for linux/arm64 (platforms: [linux/amd64])"]],
    },
    {
      name: "fails no platforms, naming both",
      resources: [image({ platforms: undefined })],
      expected: [["fail", "erp-image", "not built for linux/amd64, linux/arm64 (platforms: [])"]],
    },
    {
      name: "with platforms [amd64], passes amd64 only",
      resources: [image({ platforms: ["linux/amd64"] })],
      opts: { settings: { platforms: ["linux/amd64"] } },
      expected: [["pass", "erp-image", "built for linux/amd64"]],
    },
    {
      name: "lists every platform built",
      resources: [image()],
      opts: { settings: { platforms: ["linux/amd64", "linux/arm64", "linux/riscv64"] } },
      message: "not built for linux/riscv64 (platforms: [linux/amd64, linux/arm64])",
    },
  ]));

describe("CC-ART-05: a production stack builds no image (it promotes staging's digest)", () =>
  ruleCases("CC-ART-05", [
    {
      name: "passes a production stack without images",
      resources: [environmentTag("production")],
      expected: [["pass", null, "the production stack builds no image"]],
    },
    {
      name: "fails on the first image, naming each image by its tags or else its name",
      resources: [environmentTag("production"), image(), tags()],
      expected: [
        [
          "fail",
          "erp-image",
          `the production stack builds image ${REPO}:${SHA}; promote staging's digest instead; the production stack builds image erp-image; promote staging's digest instead`,
        ],
      ],
    },
    {
      name: "is not applicable to a staging stack",
      resources: [environmentTag("staging"), image()],
      expected: [
        ["not-applicable", null, "not a production stack (no resource tagged environment=production)"],
      ],
    },
    {
      name: "does not take a StackReference's or an unknown environment tag for this stack's",
      resources: [
        r(T.stackReference, "staging-profile", { tags: { environment: "production" } }),
        r(T.cluster, "c", { tags: { environment: UNKNOWN_MARKER } }),
        image(),
      ],
      status: "not-applicable",
    },
    {
      name: "lists every tag of a built image",
      resources: [environmentTag("production"), tags(`${REPO}:${SHA}`, `${REPO}:x`)],
      message: `the production stack builds image ${REPO}:${SHA}, ${REPO}:x; promote staging's digest instead`,
    },
  ]));

describe("CC-ART-06: every container runs an image pinned by digest", () =>
  ruleCases("CC-ART-06", [
    {
      name: "passes a container running by digest",
      resources: [td([`${REPO}@${D1}`])],
      expected: [["pass", "erp-td", `runs ${REPO}@${D1}`]],
    },
    {
      name: "fails a tag and a short digest beside a digest, naming both",
      resources: [td([`${REPO}@${D1}`, `${REPO}:prod`, `${REPO}@sha256:abc`])],
      expected: [["fail", "erp-td", `image(s) not pinned by digest: ${REPO}:prod, ${REPO}@sha256:abc`]],
    },
    {
      name: "fails a task definition without containers",
      resources: [td([])],
      expected: [["fail", "erp-td", "no container image"]],
    },
    {
      name: "fails container definitions that are not JSON, saying it cannot check them",
      resources: [badJson],
      expected: [["fail", "erp-td", /^cannot be checked: \.containerDefinitions is not valid JSON/]],
    },
    {
      name: "lists every image run",
      resources: [td([`${REPO}@${D1}`, `${REPO}@${D2}`])],
      message: `runs ${REPO}@${D1}, ${REPO}@${D2}`,
    },
  ]));

const alias = (tag: string | undefined, sources: string[]) => r(T.index, "erp-alias", { tag, sources });
const RUNNING = td([`${REPO}@${D1}`]);
const TWO_RUNNING = [
  RUNNING,
  td([`${REPO}@${D2}`, `${REPO}:x`], {}, "erp-td-2"),
  td([], { containerDefinitions: UNKNOWN_MARKER }, "erp-td-3"),
];
const D3 = `sha256:${"3".repeat(64)}`;

describe("CC-ART-07: environment aliases point at the digest the environment runs", () =>
  ruleCases("CC-ART-07", [
    {
      name: "passes prod pointing at the running digest",
      resources: [RUNNING, alias(`${REPO}:prod`, [`${REPO}@${D1}`])],
      expected: [["pass", "erp-alias", `${REPO}:prod -> ${D1}, the digest this environment runs`]],
    },
    {
      name: "fails prod pointing at another digest",
      resources: [RUNNING, alias(`${REPO}:prod`, [`${REPO}@${D2}`])],
      expected: [["fail", "erp-alias", `${REPO}:prod points at ${D2} but the stack runs ${D1}`]],
    },
    {
      name: "fails an alias with two sources",
      resources: [RUNNING, alias(`${REPO}:prod`, [`${REPO}@${D1}`, `${REPO}@${D2}`])],
      expected: [
        [
          "fail",
          "erp-alias",
          `${REPO}:prod must have exactly one source pinned by digest, has [${REPO}@${D1}, ${REPO}@${D2}]`,
        ],
      ],
    },
    {
      name: "fails an alias whose source is a tag",
      resources: [RUNNING, alias(`${REPO}:prod`, [`${REPO}:${SHA}`])],
      expected: [
        [
          "fail",
          "erp-alias",
          `${REPO}:prod must have exactly one source pinned by digest, has [${REPO}:${SHA}]`,
        ],
      ],
    },
    {
      name: "is not applicable to a SHA tag (not an environment alias)",
      resources: [RUNNING, alias(`${REPO}:${SHA}`, [`${REPO}@${D1}`])],
      expected: [["not-applicable", "erp-alias", `${REPO}:${SHA} is not an environment alias`]],
    },
    {
      name: "is not applicable when no task definition runs the alias's repository",
      resources: [td([`ghcr.io/acme/menu@${D1}`]), alias(`${REPO}:staging`, [`${REPO}@${D1}`])],
      expected: [["not-applicable", "erp-alias", `no task definition of this stack runs ${REPO}`]],
    },
    {
      name: "passes production pointing at any digest the stack runs, past a tag and an unknown definition",
      resources: [...TWO_RUNNING, alias(`${REPO}:production`, [`${REPO}@${D2}`])],
      expected: [["pass", "erp-alias", `${REPO}:production -> ${D2}, the digest this environment runs`]],
    },
    {
      name: "lists every digest the stack runs",
      resources: [...TWO_RUNNING, alias(`${REPO}:prod`, [`${REPO}@${D3}`])],
      message: `${REPO}:prod points at ${D3} but the stack runs ${D1}, ${D2}`,
    },
    {
      name: "with aliases adding live, judges the live alias",
      resources: [RUNNING, alias(`${REPO}:live`, [`${REPO}@${D1}`])],
      opts: { settings: { aliases: ["staging", "prod", "production", "live"] } },
      status: "pass",
    },
    {
      name: "is not applicable to an alias without a tag, saying it has none",
      resources: [RUNNING, alias(undefined, [])],
      expected: [
        [
          "not-applicable",
          "erp-alias",
          "the Index has no tag, so it is no environment alias (CC-ART-03 fails it)",
        ],
      ],
    },
    {
      name: "reads containers of task definitions only",
      resources: [
        r(T.image, "img", { containerDefinitions: JSON.stringify(containers([`${REPO}@${D1}`])) }),
        alias(`${REPO}:prod`, [`${REPO}@${D1}`]),
      ],
      status: "not-applicable",
    },
    {
      name: "does not count an image run by tag as running the repository",
      resources: [td([`${REPO}:prod`]), alias(`${REPO}:prod`, [`${REPO}@${D1}`])],
      status: "not-applicable",
    },
  ]));

const service = (props: Props = {}, name = "erp-svc") =>
  r(T.service, name, { tags: PRODUCTION_TAGS, ...props });
const alarm = (name: string, props: Props) =>
  r(T.metricAlarm, name, { tags: PRODUCTION_TAGS, alarmActions: ["arn:sns"], ...props });
const FIVE_XX = alarm("erp-5xx", { metricName: "HTTPCode_Target_5XX_Count" });
const LATENCY = alarm("erp-latency", {
  metricQueries: [{ metric: { metricName: "TargetResponseTime" } }, {}],
});
const silent = (a: PolicyResourceInput) => ({ ...a, props: { ...a.props, alarmActions: [] } });
const STAGING_5XX = alarm("erp-5xx", {
  metricName: "5xx",
  tags: { app: "erp-berhan", environment: "staging" },
});
const WATCHED = "erp-berhan: 5xx alarm erp-5xx, latency alarm erp-latency";
const UNWATCHED = "erp-berhan: no 5xx alarm; no latency alarm";

describe("CC-OBS-01: every service has a 5xx alarm and a latency alarm, with actions", () =>
  ruleCases("CC-OBS-01", [
    {
      name: "passes a 5xx alarm by metric name and a latency alarm by metric query",
      resources: [service(), FIVE_XX, LATENCY],
      expected: [["pass", "erp-svc", WATCHED]],
    },
    {
      name: "fails a service without alarms, naming both",
      resources: [service()],
      expected: [["fail", "erp-svc", UNWATCHED]],
    },
    {
      name: "fails alarms without actions, naming both",
      resources: [service(), silent(FIVE_XX), silent(LATENCY)],
      expected: [["fail", "erp-svc", "erp-berhan: 5xx alarm has no action; latency alarm has no action"]],
    },
    {
      name: "passes when an alarm with actions stands beside a silent one",
      resources: [service(), silent(FIVE_XX), FIVE_XX, LATENCY],
      expected: [["pass", "erp-svc", WATCHED]],
    },
    {
      name: "fails when the alarms are staging's or another app's",
      resources: [
        service(),
        STAGING_5XX,
        alarm("menu-latency", { metricName: "Latency", tags: { app: "menu", environment: "production" } }),
      ],
      expected: [["fail", "erp-svc", UNWATCHED]],
    },
    {
      name: "counts for an untagged service any alarm of its app, the app read from the component",
      resources: [
        r(T.appComponent, "erp-berhan", {}),
        r(T.service, "erp-svc", { name: "svc" }, APP_URN),
        { ...STAGING_5XX, props: { metricName: "5xx", alarmActions: ["a"] }, parent: APP_URN },
        LATENCY,
      ],
      expected: [["pass", "erp-svc", WATCHED]],
    },
    {
      name: "names a service without app by its name input",
      resources: [r(T.service, "svc-res", { name: "svc" })],
      expected: [["fail", "svc-res", "svc: no 5xx alarm; no latency alarm"]],
    },
    {
      name: "names a service without app or name input by its resource name",
      resources: [r(T.service, "svc-res", {})],
      expected: [["fail", "svc-res", "svc-res: no 5xx alarm; no latency alarm"]],
    },
    {
      name: "names the alarm with actions, not a silent one found first",
      resources: [
        service(),
        FIVE_XX,
        alarm("erp-latency-0", { metricName: "TargetResponseTime", alarmActions: [] }),
        alarm("erp-latency", { metricName: "TargetResponseTime" }),
      ],
      message: WATCHED,
    },
  ]));

/** The series cicd verify publishes for erp-berhan in production. */
const PUBLISHED = [
  ["CicdConstitution/GoldenPath", "Success", "App", "erp-berhan", "Environment", "production", { id: "s" }],
  ["CicdConstitution/GoldenPath", "Attempts", "App", "erp-berhan", "Environment", "production", { id: "t" }],
];
/** A dashboard body with these widget titles; a golden-path widget reads `golden` (default: the published series). */
const body = (...titles: unknown[]) => bodyReading(PUBLISHED, ...titles);
const bodyReading = (golden: unknown[][], ...titles: unknown[]) =>
  JSON.stringify({
    widgets: titles.map((title) => ({
      properties: {
        title,
        ...(/golden/i.test(String(title)) ? { metrics: [[{ expression: "s/t" }], ...golden] } : {}),
      },
    })),
  });
const THREE = ["Error rate (5xx %)", "Latency (p95)", "Golden-path success"];
const dashboard = (name: string, props: Props) => r(T.dashboard, name, props);

describe("CC-OBS-02: every service has a dashboard of error rate, latency and golden path", () =>
  ruleCases("CC-OBS-02", [
    {
      name: "passes a dashboard named after the app with the three widgets",
      resources: [
        service(),
        dashboard("erp-dash", {
          dashboardName: "erp-berhan-production",
          dashboardBody: body("Error rate (5xx %)", "Latency (p95)", "Golden-path success"),
        }),
      ],
      expected: [
        [
          "pass",
          "erp-svc",
          "erp-berhan: dashboard erp-dash shows error rate, latency, golden path (published)",
        ],
      ],
    },
    {
      name: "fails a golden-path widget reading a series nothing publishes (another environment's, another namespace)",
      resources: [
        service(),
        dashboard("erp-dash", {
          dashboardName: "erp-berhan-production",
          dashboardBody: bodyReading(
            [
              [...PUBLISHED[0].slice(0, 5), "staging"],
              ["Custom/Shop", "Checkout", "App", "erp-berhan"],
            ],
            ...THREE,
          ),
        }),
      ],
      message:
        'erp-berhan: nothing publishes CicdConstitution/GoldenPath/Success {"App":"erp-berhan","Environment":"staging"}, Custom/Shop/Checkout {"App":"erp-berhan"}: cicd verify publishes CicdConstitution/GoldenPath Success/Attempts with App=erp-berhan Environment=production',
    },
    {
      name: "fails a golden-path widget with no metric at all",
      resources: [
        service(),
        dashboard("d", { dashboardName: "erp-berhan", dashboardBody: bodyReading([], ...THREE) }),
      ],
      expected: [["fail", "erp-svc", "erp-berhan: the golden-path widget reads no metric"]],
    },
    {
      name: "passes a Synthetics canary's success the stack declares",
      resources: [
        service(),
        r(T.syntheticsCanary, "gp", { name: "erp-golden" }),
        dashboard("d", {
          dashboardName: "erp-berhan",
          dashboardBody: bodyReading(
            [["CloudWatchSynthetics", "SuccessPercent", "CanaryName", "erp-golden"]],
            ...THREE,
          ),
        }),
      ],
      message: "erp-berhan: dashboard d shows error rate, latency, golden path (published)",
    },
    {
      name: "fails a Synthetics series whose canary the stack does not declare",
      resources: [
        service(),
        dashboard("d", {
          dashboardName: "erp-berhan",
          dashboardBody: bodyReading(
            [["CloudWatchSynthetics", "SuccessPercent", "CanaryName", "someone-elses"]],
            ...THREE,
          ),
        }),
      ],
      message:
        'erp-berhan: nothing publishes CloudWatchSynthetics/SuccessPercent {"CanaryName":"someone-elses"}: cicd verify publishes CicdConstitution/GoldenPath Success/Attempts with App=erp-berhan Environment=production',
    },
    {
      name: "fails a dashboard with only a 5XX widget, naming what it lacks",
      resources: [
        service(),
        dashboard("d", { dashboardName: "erp-berhan", dashboardBody: body("5XX", "other", {}) }),
      ],
      expected: [["fail", "erp-svc", "erp-berhan: dashboard lacks latency, golden-path success"]],
    },
    {
      name: "fails when the only dashboard is another app's",
      resources: [service(), dashboard("d", { dashboardName: "menu", dashboardBody: body("latency") })],
      expected: [["fail", "erp-svc", "erp-berhan: no dashboard"]],
    },
    {
      name: "reads an unnamed dashboard of the app's component, not an unnamed one elsewhere",
      resources: [
        r(T.appComponent, "erp-berhan", {}),
        service(),
        dashboard("d1", { dashboardBody: body("error rate") }),
        { ...dashboard("d2", { dashboardBody: body("LATENCY", "goldenpath") }), parent: APP_URN },
      ],
      expected: [["fail", "erp-svc", "erp-berhan: dashboard lacks error rate"]],
    },
    {
      name: "passes the widgets spread over two dashboards of the app, naming both",
      resources: [
        service(),
        dashboard("d1", { dashboardName: "erp-berhan-a", dashboardBody: body("error rate") }),
        dashboard("d2", { dashboardName: "erp-berhan-b", dashboardBody: body("latency", "golden path") }),
      ],
      expected: [
        [
          "pass",
          "erp-svc",
          "erp-berhan: dashboard d1, d2 shows error rate, latency, golden path (published)",
        ],
      ],
    },
    {
      name: "is not applicable when the dashboard body is a hidden secret",
      resources: [service(), dashboard("d", { dashboardName: "erp-berhan", dashboardBody: SECRET_MARKER })],
      expected: [
        ["not-applicable", "erp-svc", "the value at .dashboardBody is a secret, hidden from this input"],
      ],
    },
  ]));

const burn = (pct: unknown, props: Props = {}) =>
  alarm("erp-burn", { tags: { ...PRODUCTION_TAGS, "error-budget-percent": pct }, ...props });

describe("CC-OBS-03: an error-budget burn alarm within the maximum budget, with an action", () =>
  ruleCases("CC-OBS-03", [
    {
      name: "passes a 0.5% budget",
      resources: [service(), burn("0.5")],
      expected: [["pass", "erp-svc", "erp-berhan: error budget 0.5% watched by erp-burn"]],
    },
    {
      name: "fails a 1% budget, saying it is above the maximum",
      resources: [service(), burn("1")],
      expected: [
        [
          "fail",
          "erp-svc",
          "erp-berhan: no burn alarm watches an error budget within 0.5% with an action: erp-burn has a budget of 1%, above 0.5%",
        ],
      ],
    },
    {
      name: "fails a silent alarm within budget and a budget that is not a number, saying what each lacks",
      resources: [service(), burn("0.1", { alarmActions: [] }), burn("x")],
      expected: [
        [
          "fail",
          "erp-svc",
          'erp-berhan: no burn alarm watches an error budget within 0.5% with an action: erp-burn has no alarm action; erp-burn has a budget "x" that is not a number',
        ],
      ],
    },
    {
      name: "fails a silent alarm above the budget, naming both problems",
      resources: [service(), burn("2", { alarmActions: [] })],
      message:
        "erp-berhan: no burn alarm watches an error budget within 0.5% with an action: erp-burn has a budget of 2%, above 0.5% and has no alarm action",
    },
    {
      name: "fails a service whose alarms carry no budget tag",
      resources: [service(), alarm("erp-5xx", {})],
      expected: [["fail", "erp-svc", "erp-berhan: no error-budget burn alarm (tag error-budget-percent)"]],
    },
    {
      name: "with maxErrorBudgetPercent 1, passes a 1% budget",
      resources: [service(), burn("1")],
      opts: { settings: { maxErrorBudgetPercent: 1 } },
      status: "pass",
    },
  ]));

describe("CC-OBS-04: taggable AWS resources carry the standard tags", () =>
  ruleCases("CC-OBS-04", [
    {
      name: "passes app, environment, owner and managed-by",
      resources: [
        r(T.role, "role", { tags: { app: "a", environment: "e", owner: "o", "managed-by": "pulumi" } }),
      ],
      expected: [["pass", "role", "standard tags present"]],
    },
    {
      name: "fails missing and empty tags, naming each",
      resources: [r(T.role, "role", { tags: { app: "a", owner: "" } })],
      expected: [["fail", "role", "missing tag(s) environment, owner, managed-by"]],
    },
    {
      name: "with requiredTags [app], passes app alone",
      resources: [r(T.role, "role", { tags: { app: "a" } })],
      opts: { settings: { requiredTags: ["app"] } },
      status: "pass",
    },
    {
      name: "does not judge a dashboard (it takes no tags)",
      resources: [r(T.dashboard, "d", {})],
      expected: [],
    },
  ]));

const flagsDoc = (flags: Record<string, Props>) =>
  JSON.stringify({
    version: "1",
    flags: Object.fromEntries(Object.keys(flags).map((k) => [k, { name: k }])),
    values: flags,
  });
const hcv = (flags: Record<string, Props>, props: Props = {}) =>
  r(T.hostedConfig, "erp-flags", { content: flagsDoc(flags), tags: { app: "erp-berhan" }, ...props });
const withContent = (content: string) => hcv({}, { content });
const FLAG = { owner: "mathieu", default: false, removalDate: "2027-01-31", enabled: false };
const NOT_FLAGS = "not a feature-flags document";

describe("CC-FLAG-01: every flag has an owner, a boolean default and a real removal date", () =>
  ruleCases("CC-FLAG-01", [
    {
      name: "passes complete flags, counting them",
      resources: [hcv({ a: FLAG, b: FLAG })],
      expected: [["pass", "erp-flags", "2 flag(s) with owner, default and removal date"]],
    },
    {
      name: "fails a string default, an impossible date and missing fields, per flag",
      resources: [
        hcv({
          a: { default: "false", removalDate: "2027-02-30" },
          b: FLAG,
          c: { owner: "x", default: true },
        }),
      ],
      expected: [["fail", "erp-flags", "a lacks owner, default, removalDate; c lacks removalDate"]],
    },
    {
      name: "passes a document without flags",
      resources: [withContent(JSON.stringify({ flags: {} }))],
      expected: [["pass", "erp-flags", "0 flag(s) with owner, default and removal date"]],
    },
    {
      name: "fails a declared flag without values",
      resources: [withContent(JSON.stringify({ flags: { a: {} } }))],
      expected: [["fail", "erp-flags", "a lacks owner, default, removalDate"]],
    },
    ...[
      ["a JSON object without flags", '{"a":1}'],
      ["flags that are not an object", '{"flags":"x"}'],
      ["a JSON number", "42"],
    ].map(([what, content]): RuleCase => ({
      name: `is not applicable to ${what}`,
      resources: [withContent(content)],
      expected: [["not-applicable", "erp-flags", NOT_FLAGS]],
    })),
  ]));

const late = { ...FLAG, removalDate: "2026-01-01" };

describe("CC-FLAG-02: no flag is past its removal date (valid through that day)", () =>
  ruleCases("CC-FLAG-02", [
    {
      name: "passes a flag due today and one without a date, listing the dates",
      resources: [hcv({ a: { ...FLAG, removalDate: "2026-11-21" }, b: { owner: "x" } })],
      expected: [["pass", "erp-flags", "no flag past its removal date (a: 2026-11-21, b: ?)"]],
    },
    {
      name: "fails a flag due yesterday, ignoring an impossible date",
      resources: [
        hcv({ a: { ...FLAG, removalDate: "2026-11-20" }, b: FLAG, c: { removalDate: "2026-99-01" } }),
      ],
      expected: [["fail", "erp-flags", "a was due for removal on 2026-11-20"]],
    },
    {
      name: "is not applicable to a document without flags",
      resources: [withContent("{}")],
      expected: [["not-applicable", "erp-flags", NOT_FLAGS]],
    },
    {
      name: "names every late flag",
      resources: [hcv({ a: late, b: late })],
      message: "a was due for removal on 2026-01-01; b was due for removal on 2026-01-01",
    },
  ]));

const PROD = environmentTag("production");
const COHORT = { ...FLAG, enabled: true, cohort: "beta" };

describe("CC-FLAG-03: production flags are off by default, on only for a named cohort", () =>
  ruleCases("CC-FLAG-03", [
    {
      name: "passes a flag off",
      resources: [PROD, hcv({ a: FLAG })],
      expected: [["pass", "erp-flags", "flags off by default"]],
    },
    {
      name: "passes a flag on for a cohort, saying so",
      resources: [PROD, hcv({ a: COHORT })],
      expected: [["pass", "erp-flags", "flags off by default, on only for named cohorts"]],
    },
    {
      name: "fails a flag on by default and one enabled for an empty cohort, naming both",
      resources: [
        PROD,
        hcv({ a: { ...FLAG, default: true }, b: { ...FLAG, enabled: true, cohort: "" }, c: FLAG }),
      ],
      expected: [
        [
          "fail",
          "erp-flags",
          "a is on in production (default true, enabled false) without a cohort; b is on in production (default false, enabled true) without a cohort",
        ],
      ],
    },
    {
      name: "is not applicable to a staging stack",
      resources: [environmentTag("staging"), hcv({ a: { ...FLAG, default: true } })],
      expected: [["not-applicable", null, "not a production stack"]],
    },
    {
      name: "is not applicable to a document without flags",
      resources: [PROD, withContent("{}")],
      expected: [["not-applicable", "erp-flags", NOT_FLAGS]],
    },
    {
      name: "is not applicable to a production stack without flags",
      resources: [PROD],
      expected: [["not-applicable", null, "nothing in this stack for this rule to check"]],
    },
    {
      name: "mentions cohorts when one of several flags is on for one",
      resources: [PROD, hcv({ a: FLAG, b: COHORT })],
      message: "flags off by default, on only for named cohorts",
    },
  ]));

/** erp-berhan's profile as staging publishes it; production below matches it. */
const PROFILE = {
  imageRepository: REPO,
  digest: D1,
  knownDigests: [D2],
  envNames: ["APP_ENV", "BUILD_SHA"],
  secretNames: ["DATABASE_URL"],
  readinessPath: "/readyz",
  containerHealthPath: "/healthz",
  port: 8000,
  flags: ["beta_menu"],
};
const stagingRef = (apps: Record<string, unknown>, environment = "staging") => profileRef(apps, environment);
const prodTd = (over: Props = {}, image = `${REPO}@${D1}`) =>
  taskDefinition([
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
  ]);
const retagged = (res: PolicyResourceInput, tags: Props) => ({ ...res, props: { ...res.props, tags } });
const prodTg = r(T.targetGroup, "erp-tg", { tags: PRODUCTION_TAGS, healthCheck: { path: "/readyz" } });
const prodFlags = (keys: string[]) =>
  hcv(Object.fromEntries(keys.map((k) => [k, FLAG])), { tags: PRODUCTION_TAGS });
/** Staging's profile with `over`, and production as staging ran it with flags `flags`. */
const parity = (over: Props = {}, flags = ["beta_menu"]) => [
  stagingRef({ "erp-berhan": { ...PROFILE, ...over } }),
  prodTd(),
  prodTg,
  prodFlags(flags),
];
const NO_PROFILE =
  "the production stack has no StackReference whose outputs.environmentProfile is staging's, so parity cannot be shown";

describe("CC-PAR-01, CC-PAR-02, CC-PAR-03: production is judged against staging's profile", () => {
  for (const rule of ["CC-PAR-01", "CC-PAR-02", "CC-PAR-03"])
    ruleCases(rule, [
      {
        name: "fails the stack without a stack reference",
        resources: [prodTd()],
        expected: [["fail", null, NO_PROFILE]],
      },
      {
        name: "fails the stack when the referenced profile is another environment's",
        resources: [stagingRef({ "erp-berhan": PROFILE }, "qa"), prodTd()],
        expected: [["fail", null, NO_PROFILE]],
      },
      {
        name: "fails the stack when the profile's apps are not an object",
        resources: [profileRef("x"), prodTd()],
        expected: [["fail", null, NO_PROFILE]],
      },
      {
        name: "is not applicable to a staging stack",
        resources: [environmentTag("staging")],
        expected: [["not-applicable", null, "parity is checked in the production stack"]],
      },
      {
        name: "fails an app staging has never run",
        resources: [stagingRef({ menu: PROFILE }), prodTd()],
        expected: [
          ["fail", "erp-td", "erp-berhan runs in production but staging (staging-profile) has never run it"],
        ],
      },
    ]);
  ruleCases("CC-PAR-01", [
    {
      name: "is not applicable when the only task definition is staging's",
      resources: [
        environmentTag("production"),
        stagingRef({ "erp-berhan": PROFILE }),
        retagged(prodTd(), { environment: "staging", app: "erp-berhan" }),
      ],
      expected: [["not-applicable", null, "nothing in this stack for this rule to check"]],
    },
  ]);
});

describe("CC-PAR-01: production runs a digest staging ran, from the same repository", () =>
  ruleCases("CC-PAR-01", [
    {
      name: "passes staging's current digest",
      resources: parity(),
      expected: [["pass", "erp-td", `erp-berhan: runs ${REPO}@${D1}, which staging has run`]],
    },
    {
      name: "passes a digest among staging's known digests",
      resources: parity({ digest: undefined, knownDigests: [D1] }),
      status: "pass",
    },
    {
      name: "fails another repository and a digest staging never ran, naming both",
      resources: parity({ imageRepository: "ghcr.io/acme/other", digest: D2, knownDigests: undefined }),
      expected: [
        [
          "fail",
          "erp-td",
          `erp-berhan: repository ${REPO} differs from staging's ghcr.io/acme/other; digest ${D1} was never run by staging`,
        ],
      ],
    },
    {
      name: "fails an image run by tag",
      resources: [stagingRef({ "erp-berhan": PROFILE }), prodTd({}, `${REPO}:prod`)],
      expected: [["fail", "erp-td", "erp-berhan: digest (none) was never run by staging"]],
    },
    {
      name: "says (none) for the repository of a profile that has none",
      resources: parity({ imageRepository: undefined }),
      expected: [["fail", "erp-td", `erp-berhan: repository ${REPO} differs from staging's (none)`]],
    },
  ]));

describe("CC-PAR-02: production has the variable and secret names staging has", () =>
  ruleCases("CC-PAR-02", [
    {
      name: "passes the same names, counting them",
      resources: parity(),
      expected: [["pass", "erp-td", "erp-berhan: 2 variable names and 1 secret names as in staging"]],
    },
    {
      name: "passes staging naming a variable twice",
      resources: parity({ envNames: ["APP_ENV", "BUILD_SHA", "BUILD_SHA"] }),
      status: "pass",
    },
    {
      name: "fails different variable and secret names, naming each side",
      resources: parity({ envNames: ["APP_ENV", "DEBUG"], secretNames: [] }),
      expected: [
        [
          "fail",
          "erp-td",
          "erp-berhan: environment variable names differ (only in production: [BUILD_SHA], only in staging: [DEBUG]); secret names differ (only in production: [DATABASE_URL], only in staging: [])",
        ],
      ],
    },
    {
      name: "fails a variable only production has",
      resources: parity({ envNames: ["APP_ENV"] }),
      message:
        "erp-berhan: environment variable names differ (only in production: [BUILD_SHA], only in staging: [])",
    },
    {
      name: "passes the same names in another order",
      resources: parity({ envNames: ["BUILD_SHA", "APP_ENV"] }, ["beta_menu", "new_ui"]),
      status: "pass",
    },
    {
      name: "lists every name of each side",
      resources: parity({ envNames: ["X", "Y"] }, ["beta_menu", "new_ui"]),
      message:
        "erp-berhan: environment variable names differ (only in production: [APP_ENV, BUILD_SHA], only in staging: [X, Y])",
    },
  ]));

const TWO_FLAGS = "erp-berhan: health /readyz / /healthz, port 8000, flags [beta_menu, new_ui] as in staging";

describe("CC-PAR-03: production has staging's health paths, port and flag keys", () =>
  ruleCases("CC-PAR-03", [
    {
      name: "passes the same paths, port and flags, naming them",
      resources: parity(),
      expected: [
        [
          "pass",
          "erp-td",
          "erp-berhan: health /readyz / /healthz, port 8000, flags [beta_menu] as in staging",
        ],
      ],
    },
    {
      name: 'passes staging\'s port "8000" as 8000',
      resources: parity({ port: "8000" }),
      status: "pass",
    },
    {
      name: "fails other paths, port and flags, naming each difference",
      resources: parity({
        readinessPath: "/ready",
        containerHealthPath: "/live",
        port: 9000,
        flags: ["beta_menu", "new_ui"],
      }),
      expected: [
        [
          "fail",
          "erp-td",
          "erp-berhan: load balancer health path /readyz vs staging /ready; container health path /healthz vs staging /live; port 8000 vs staging 9000; flags differ (only in production: [], only in staging: [new_ui])",
        ],
      ],
    },
    {
      name: "fails production without target group, health check or port, saying (none) for each",
      resources: [
        stagingRef({ "erp-berhan": { ...PROFILE, flags: [] } }),
        prodTd({ healthCheck: undefined, portMappings: [] }),
      ],
      expected: [
        [
          "fail",
          "erp-td",
          "erp-berhan: load balancer health path (none) vs staging /readyz; container health path (none) vs staging /healthz; port (none) vs staging 8000",
        ],
      ],
    },
    {
      name: "ignores another app's flags",
      resources: [
        ...parity(),
        { ...retagged(prodFlags(["x"]), { app: "menu" }), name: "menu-flags", urn: "urn:menu-flags" },
      ],
      status: "pass",
    },
    {
      name: "lists the flags sorted",
      resources: parity({ flags: ["new_ui", "beta_menu"] }, ["beta_menu", "new_ui"]),
      message: TWO_FLAGS,
    },
    {
      name: "counts the flags of every feature-flags document of the app",
      resources: [
        ...parity({ flags: ["beta_menu", "new_ui"] }),
        { ...prodFlags(["new_ui"]), name: "erp-flags-2", urn: "urn:erp-flags-2" },
      ],
      expected: [["pass", "erp-td", TWO_FLAGS]],
    },
  ]));

const W = { ...WAIVER, resource: "erp-*" };

describe("CC-WAIVE-01: the evidence names each waiver by position, rule and resource, with its problems", () =>
  ruleCases("CC-WAIVE-01", [
    {
      name: "passes a stack without waivers",
      resources: [],
      expected: [["pass", null, "no waivers declared"]],
    },
    {
      name: "passes a complete waiver, naming it and its expiry",
      resources: [],
      opts: { waivers: [W] },
      expected: [["pass", null, "waiver #1 (CC-BR-07 on erp-*) is complete and valid until 2026-12-31"]],
    },
    {
      name: "fails incomplete, expired and non-object waivers, naming each by position",
      resources: [],
      opts: { waivers: [W, { ...W, resource: undefined, expires: "2026-11-20" }, "x", { owner: "a" }] },
      expected: [
        [
          "fail",
          null,
          "waiver #2 (CC-BR-07 on ?) names no resource (resource), expired on 2026-11-20; it waives nothing; waiver #3 is not an object; it waives nothing; waiver #4 names no rule (ruleId), names no resource (resource), has no reason of at least 10 characters (reason), has no expiry date (expires); it waives nothing",
        ],
      ],
    },
    {
      name: "fails a null waiver",
      resources: [],
      opts: { waivers: [null] },
      expected: [["fail", null, "waiver #1 is not an object; it waives nothing"]],
    },
  ]));
