/**
 * The observability rules (policy-pack/rules/observability.ts, CC-OBS-*) on minimal hand-built resources, one named
 * scenario per test: the exact verdict, the resource judged and the evidence an auditor reads (docs/PROOFS.md
 * section 4).
 */
import { strict as assert } from "node:assert";
import { PolicyResourceInput, SECRET_MARKER } from "../../../policy-pack/evaluate";
import { repositoryStacks } from "../../helpers";
import { APP_URN, PRODUCTION_TAGS, r, ruleCases, T } from "../rule-harness";

type Props = Record<string, unknown>;

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
const UNWATCHED =
  "judged on its own: no alarm of this stack is tied to erp-berhan in production; erp-berhan: no 5xx alarm; no latency alarm";

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
      expected: [
        [
          "fail",
          "svc-res",
          "judged on its own: no alarm of this stack is tied to svc; svc: no 5xx alarm; no latency alarm",
        ],
      ],
    },
    {
      name: "names a service without app or name input by its resource name",
      resources: [r(T.service, "svc-res", {})],
      expected: [
        [
          "fail",
          "svc-res",
          "judged on its own: no alarm of this stack is tied to svc-res; svc-res: no 5xx alarm; no latency alarm",
        ],
      ],
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
      expected: [
        [
          "fail",
          "erp-svc",
          "judged on its own: no dashboard of erp-berhan in this stack; erp-berhan: no dashboard",
        ],
        [
          "fail",
          "d",
          "judged on its own: no service of this stack is tied to it; the dashboard lacks error rate, golden-path success",
        ],
      ],
    },
    {
      name: "reads an unnamed dashboard of the app's component, not an unnamed one elsewhere",
      resources: [
        r(T.appComponent, "erp-berhan", {}),
        service(),
        dashboard("d1", { dashboardBody: body("error rate") }),
        { ...dashboard("d2", { dashboardBody: body("LATENCY", "goldenpath") }), parent: APP_URN },
      ],
      expected: [
        ["fail", "erp-svc", "erp-berhan: dashboard lacks error rate"],
        [
          "fail",
          "d1",
          "judged on its own: no service of this stack is tied to it; the dashboard lacks latency, golden-path success",
        ],
      ],
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

describe("CC-OBS-07: every alarm that notifies links its on-call runbook", () =>
  ruleCases("CC-OBS-07", [
    {
      name: "passes an alarm whose description links an https runbook",
      resources: [
        alarm("erp-5xx", { alarmDescription: "5xx above 5%. Runbook: https://wiki.example.org/erp" }),
      ],
      expected: [["pass", "erp-5xx", "runbook https://wiki.example.org/erp"]],
    },
    {
      name: "fails an alarm with actions and no runbook link (http, or none)",
      resources: [
        alarm("erp-latency", { alarmDescription: "p95 above 1s. Runbook: http://wiki.example.org/erp" }),
        alarm("erp-burn", {}),
      ],
      expected: [
        ["fail", "erp-latency", "its description links no runbook (an https:// URL)"],
        ["fail", "erp-burn", "its description links no runbook (an https:// URL)"],
      ],
    },
    {
      name: "is not applicable to an alarm that pages nobody",
      resources: [
        r(T.metricAlarm, "silent", { alarmActions: [] }),
        r("aws:cloudwatch/compositeAlarm:CompositeAlarm", "flags", {}),
      ],
      expected: [
        ["not-applicable", "silent", "no alarm action: it pages nobody"],
        ["not-applicable", "flags", "no alarm action: it pages nobody"],
      ],
    },
  ]));

describe("the program's alarms carry the stack file's runbook", () => {
  it("every alarm with actions ends its description with the app's runbookUrl", async () => {
    for (const s of await repositoryStacks()) {
      const alarms = s.resources.filter(
        (x) => x.type === T.metricAlarm && Array.isArray(x.props.alarmActions) && x.props.alarmActions.length,
      );
      assert.ok(alarms.length >= 8, `${s.plan.stack}: ${alarms.length} alarms`);
      for (const a of alarms) {
        const app = s.model.apps.find((m) => a.name.startsWith(`${m.name}-`))!;
        assert.ok(
          String(a.props.alarmDescription).endsWith(`. Runbook: ${app.observability.runbookUrl}`),
          `${a.name}: ${a.props.alarmDescription}`,
        );
      }
    }
  });
});

/** A metric-math query of `metricName` with `id`. */
const metricQuery = (id: string, metricName: string, more: Props = {}) => ({
  id,
  metric: { metricName, namespace: "AWS/ApplicationELB", period: 60, stat: "Sum" },
  ...more,
});
/** A 5xx-rate alarm over `queries` and the returned expression `expression`. */
const rateAlarm = (name: string, expression: string, ...queries: Props[]) =>
  alarm(name, { metricQueries: [...queries, { id: "rate", expression, returnData: true }] });
const TARGET = metricQuery("t", "HTTPCode_Target_5XX_Count");
const ELB = metricQuery("e", "HTTPCode_ELB_5XX_Count");
const REQUESTS = metricQuery("r", "RequestCount");

describe("CC-OBS-05: 5xx alarms count the load balancer's own 5xx as well as the targets'", () =>
  ruleCases("CC-OBS-05", [
    {
      name: "passes a rate whose expression uses the target and load-balancer 5xx, naming both",
      resources: [service(), rateAlarm("erp-5xx", "100*(t+e)/(r+e)", TARGET, ELB, REQUESTS)],
      expected: [
        ["pass", "erp-5xx", "erp-berhan: erp-5xx counts HTTPCode_Target_5XX_Count + HTTPCode_ELB_5XX_Count"],
      ],
    },
    {
      name: "fails a rate whose expression leaves out a load-balancer 5xx query it declares",
      resources: [service(), rateAlarm("erp-5xx", "100*t/r", TARGET, ELB, REQUESTS)],
      expected: [
        [
          "fail",
          "erp-5xx",
          "erp-berhan: erp-5xx counts HTTPCode_Target_5XX_Count, RequestCount but not HTTPCode_ELB_5XX_Count",
        ],
      ],
    },
    {
      name: "counts a query the alarm returns directly, without an expression",
      resources: [
        service(),
        alarm("erp-5xx", {
          metricQueries: [metricQuery("e", "HTTPCode_ELB_5XX_Count", { returnData: true })],
        }),
      ],
      expected: [["pass", "erp-5xx", "erp-berhan: erp-5xx counts HTTPCode_ELB_5XX_Count"]],
    },
    {
      name: "fails a single-metric alarm on the targets' 5xx only",
      resources: [service(), FIVE_XX],
      expected: [
        [
          "fail",
          "erp-5xx",
          "erp-berhan: erp-5xx counts HTTPCode_Target_5XX_Count but not HTTPCode_ELB_5XX_Count",
        ],
      ],
    },
    {
      name: "leaves a target group's own rate to the app's load-balancer-wide alarm that counts the load balancer's 5xx",
      resources: [
        service(),
        rateAlarm("erp-5xx", "100*(t+e)/(r+e)", TARGET, ELB, REQUESTS),
        alarm("erp-canary-5xx", {
          metricName: "HTTPCode_Target_5XX_Count",
          dimensions: { TargetGroup: "tg/canary" },
        }),
      ],
      expected: [
        ["pass", "erp-5xx", "erp-berhan: erp-5xx counts HTTPCode_Target_5XX_Count + HTTPCode_ELB_5XX_Count"],
        [
          "not-applicable",
          "erp-canary-5xx",
          "erp-berhan: erp-canary-5xx is one target group's rate; erp-5xx counts the load balancer's 5xx",
        ],
      ],
    },
    {
      name: "fails a target group's own rate when no load-balancer-wide alarm counts the load balancer's 5xx",
      resources: [
        service(),
        alarm("erp-canary-5xx", {
          metricQueries: [
            metricQuery("t", "HTTPCode_Target_5XX_Count", {
              returnData: true,
              metric: { metricName: "HTTPCode_Target_5XX_Count", dimensions: { TargetGroup: "tg/canary" } },
            }),
          ],
        }),
      ],
      expected: [
        [
          "fail",
          "erp-canary-5xx",
          "erp-berhan: erp-canary-5xx counts HTTPCode_Target_5XX_Count but not HTTPCode_ELB_5XX_Count",
        ],
      ],
    },
    {
      name: "fails a service without a 5xx alarm",
      resources: [service(), LATENCY],
      expected: [["fail", "erp-svc", "erp-berhan: no 5xx alarm"]],
    },
    {
      name: "judges on its own a 5xx alarm no service is tied to",
      resources: [FIVE_XX],
      expected: [
        [
          "fail",
          "erp-5xx",
          "judged on its own: no service of this stack is tied to it; erp-5xx counts HTTPCode_Target_5XX_Count but not HTTPCode_ELB_5XX_Count",
        ],
      ],
    },
  ]));

/** A burn alarm of `window` for a 0.5% weekly budget, 2% of it consumed, over `periodSeconds` x `evaluations`. */
const burnAlarm = (window: string, threshold: number, props: Props = {}, tags: Props = {}) =>
  alarm(`erp-burn-${window}`, {
    tags: {
      ...PRODUCTION_TAGS,
      "error-budget-window": window,
      "error-budget-percent": "0.5",
      "error-budget-period-days": "7",
      "error-budget-consumed-percent": "2",
      ...tags,
    },
    period: 300,
    evaluationPeriods: 12,
    threshold,
    okActions: ["arn:sns"],
    ...props,
  });
// 0.5% x 0.02 x 7 d / 1 h = 1.68%; over 6 h, 0.28%.
const FAST = burnAlarm("fast", 1.68);
const SLOW = burnAlarm("slow", 0.28, { evaluationPeriods: 72 });

describe("CC-OBS-06: the budget's burn is alarmed over a fast and a slow window at the budget's own rates", () =>
  ruleCases("CC-OBS-06", [
    {
      name: "passes a fast and a slow burn alarm with thresholds for a 7-day budget",
      resources: [service(), FAST, SLOW],
      expected: [["pass", "erp-svc", "erp-berhan: fast and slow burn alarms for a 7-day budget"]],
    },
    {
      name: "reads the window from a metric query's period when the alarm has none",
      resources: [
        service(),
        burnAlarm("fast", 1.68, {
          period: undefined,
          metricQueries: [{ id: "m", metric: { metricName: "x", period: 300 } }],
        }),
        SLOW,
      ],
      status: "pass",
    },
    {
      name: "fails a missing window, naming it",
      resources: [service(), FAST],
      expected: [["fail", "erp-svc", "erp-berhan: no slow burn alarm"]],
    },
    {
      name: "fails a threshold that is not the budget's burn rate for the window, showing the computation",
      resources: [service(), burnAlarm("fast", 2), SLOW],
      expected: [
        [
          "fail",
          "erp-svc",
          "erp-berhan: erp-burn-fast: threshold 2% is not 1.6800% (0.5% x 0.02 x 7 d / 1 h)",
        ],
      ],
    },
    {
      name: "fails a burn alarm computed for another budget period, and one without its tags or window",
      resources: [
        service(),
        burnAlarm("fast", (1.68 * 30) / 7, {}, { "error-budget-period-days": "30" }),
        burnAlarm("slow", 0.28, { period: undefined }),
      ],
      expected: [
        [
          "fail",
          "erp-svc",
          "erp-berhan: erp-burn-fast: budget period 30 days, expected 7; erp-burn-slow: budget, period, consumed share or window missing",
        ],
      ],
    },
    {
      name: "fails a burn alarm without an OK action",
      resources: [service(), FAST, burnAlarm("slow", 0.28, { evaluationPeriods: 72, okActions: [] })],
      expected: [["fail", "erp-svc", "erp-berhan: erp-burn-slow: no alarm or OK action"]],
    },
    {
      name: "with budgetPeriodDays 30, fails the weekly alarms",
      resources: [service(), FAST, SLOW],
      opts: { settings: { budgetPeriodDays: 30 } },
      expected: [
        [
          "fail",
          "erp-svc",
          "erp-berhan: erp-burn-fast: budget period 7 days, expected 30; erp-burn-slow: budget period 7 days, expected 30",
        ],
      ],
    },
  ]));
