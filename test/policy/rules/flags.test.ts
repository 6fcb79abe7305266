/**
 * The feature-flag rules (policy-pack/rules/flags.ts, CC-FLAG-*) on minimal hand-built resources, one named scenario
 * per test: the exact verdict, the resource judged and the evidence an auditor reads (docs/PROOFS.md section 4).
 * CC-FLAG-05: the AppConfig environment's monitor rolls a flag deployment back on the app's 5xx errors, and never
 * for lack of data (AppConfig rolls back on ALARM and on INSUFFICIENT_DATA).
 */
import { PolicyResourceInput } from "../../../policy-pack/evaluate";
import { environmentTag, FLAG, hcv, PRODUCTION_TAGS, r, RuleCase, ruleCases, T } from "../rule-harness";

type Props = Record<string, unknown>;

const withContent = (content: string) => hcv({}, { content });
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

const ARN = (name: string) => `arn:aws:cloudwatch:eu-central-1:123456789012:alarm:${name}`;
const metric = (name: string, props: Props = {}) =>
  r(T.metricAlarm, name, { name, tags: PRODUCTION_TAGS, metricName: "HTTPCode_Target_5XX_Count", ...props });
const composite = (name: string, rule: string, props: Props = {}) =>
  r(T.compositeAlarm, name, { alarmName: name, alarmRule: rule, tags: PRODUCTION_TAGS, ...props });
const env = (alarmName: string, role: string | null = "arn:aws:iam::123456789012:role/flags") =>
  r(T.appconfigEnvironment, "erp-flags-env", {
    tags: PRODUCTION_TAGS,
    monitors: [{ alarmArn: ARN(alarmName), ...(role ? { alarmRoleArn: role } : {}) }],
  });
const stack = (...rs: PolicyResourceInput[]) => rs;

describe("CC-FLAG-05: a flag deployment rolls back on the app's 5xx alarm, never for lack of data", () =>
  ruleCases("CC-FLAG-05", [
    {
      name: "passes a composite alarm in ALARM whenever the 5xx alarm is",
      resources: stack(
        metric("erp-5xx"),
        composite("erp-flags", `ALARM("${ARN("erp-5xx")}")`),
        env("erp-flags"),
      ),
      expected: [["pass", "erp-flags-env", /composite alarm in ALARM whenever erp-5xx is/]],
    },
    {
      name: "passes a composite of alarms joined by OR, one of them the 5xx alarm",
      resources: stack(
        metric("erp-5xx"),
        metric("erp-latency", { metricName: "TargetResponseTime" }),
        composite("erp-flags", "ALARM(erp-latency) OR ALARM(erp-5xx)"),
        env("erp-flags"),
      ),
      status: "pass",
    },
    {
      name: "passes a 5xx metric alarm that treats missing data as not breaching",
      resources: stack(metric("erp-5xx", { treatMissingData: "notBreaching" }), env("erp-5xx")),
      expected: [["pass", "erp-flags-env", /treats missing data as not breaching/]],
    },
    {
      name: "fails a 5xx metric alarm that is INSUFFICIENT_DATA without requests",
      resources: stack(metric("erp-5xx", { treatMissingData: "missing" }), env("erp-5xx")),
      expected: [["fail", "erp-flags-env", /INSUFFICIENT_DATA without requests/]],
    },
    {
      name: "fails a composite that needs another alarm too (AND)",
      resources: stack(
        metric("erp-5xx"),
        metric("erp-latency", { metricName: "TargetResponseTime" }),
        composite("erp-flags", "ALARM(erp-latency) AND ALARM(erp-5xx)"),
        env("erp-flags"),
      ),
      expected: [["fail", "erp-flags-env", /not ALARM\(\.\.\.\) terms joined by OR/]],
    },
    {
      name: "fails a composite that names no 5xx alarm",
      resources: stack(
        metric("erp-latency", { metricName: "TargetResponseTime" }),
        composite("erp-flags", "ALARM(erp-latency)"),
        env("erp-flags"),
      ),
      expected: [["fail", "erp-flags-env", /names no 5xx alarm/]],
    },
    {
      name: "fails a monitor of an alarm the stack does not declare",
      resources: stack(metric("erp-5xx"), env("elsewhere")),
      expected: [["fail", "erp-flags-env", /judged on its own: not an alarm of this stack/]],
    },
    {
      name: "passes a composite alarm whose actions are enabled, as they are by default",
      resources: stack(
        metric("erp-5xx"),
        composite("erp-flags", `ALARM("${ARN("erp-5xx")}")`, { actionsEnabled: true }),
        env("erp-flags"),
      ),
      status: "pass",
    },
    ...(
      [
        [
          "a composite alarm",
          [metric("erp-5xx"), composite("erp-flags", "ALARM(erp-5xx)", { actionsEnabled: false })],
        ],
        [
          "a 5xx metric alarm",
          [metric("erp-flags", { treatMissingData: "notBreaching", actionsEnabled: false })],
        ],
      ] as const
    ).map(([what, alarms]): RuleCase => ({
      name: `fails ${what} whose actions are disabled (AppConfig does not roll back on it)`,
      resources: stack(...alarms, env("erp-flags")),
      expected: [
        ["fail", "erp-flags-env", /monitors \S+:alarm:erp-flags: an alarm whose actions are disabled/],
      ],
    })),
    {
      name: "fails a monitor without a role",
      resources: stack(metric("erp-5xx", { treatMissingData: "notBreaching" }), env("erp-5xx", null)),
      expected: [["fail", "erp-flags-env", /has no alarmRoleArn/]],
    },
  ]));

const CONFIG = "arn:aws:appconfig:eu-west-1:123456789012:application/a1/environment/e1/configuration/p1";
const READS = ["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"];
const FLAG_IDS = [
  { name: "APPCONFIG_APPLICATION_ID", value: "a1" },
  { name: "APPCONFIG_ENVIRONMENT_ID", value: "e1" },
  { name: "APPCONFIG_PROFILE_ID", value: "p1" },
];
/** erp-berhan's task definition: one container given `environment`, the task role `erp-task-role`. */
const flagTask = (environment: unknown[] = FLAG_IDS, props: Props = {}) =>
  r(T.taskDefinition, "erp-td", {
    tags: PRODUCTION_TAGS,
    taskRoleArn: "arn:aws:iam::123456789012:role/erp-task-role",
    containerDefinitions: JSON.stringify([{ name: "web", image: "i", environment }]),
    ...props,
  });
/** The task role's inline policy of `statements`. */
const taskRolePolicy = (...statements: Props[]) =>
  r(T.rolePolicy, "erp-read-flags", {
    role: "erp-task-role",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
  });
const appconfigApp = r(T.appconfigApp, "erp-flags-app", { tags: PRODUCTION_TAGS });
const allow = (Action: unknown, Resource: unknown = CONFIG, more: Props = {}) => ({
  Effect: "Allow",
  Action,
  Resource,
  ...more,
});
const MAY_NOT_READ =
  "task role erp-task-role may not read configuration application/a1/environment/e1/configuration/p1";
const WIDER = "task role grants more than reading its own profile";

describe("CC-FLAG-04: the task role reads exactly its own profile, as IAM evaluates its policy", () =>
  ruleCases("CC-FLAG-04", [
    {
      name: "passes the two reads on the profile's configuration, and the ids on the container",
      resources: [appconfigApp, flagTask(), taskRolePolicy(allow(READS))],
      expected: [["pass", "erp-td", "erp-berhan: container knows its profile, task role reads exactly it"]],
    },
    {
      name: "passes the reads granted in two statements, actions in any case",
      resources: [
        appconfigApp,
        flagTask(),
        taskRolePolicy(
          allow("appconfig:startconfigurationsession"),
          allow("appconfig:GetLatestConfiguration"),
        ),
      ],
      expected: [["pass", "erp-td", "erp-berhan: container knows its profile, task role reads exactly it"]],
    },
    {
      name: "fails a task definition without a task role",
      resources: [appconfigApp, flagTask(FLAG_IDS, { taskRoleArn: undefined }), taskRolePolicy(allow(READS))],
      expected: [["fail", "erp-td", "erp-berhan: no task role"]],
    },
    {
      name: "fails a container not given the profile's ids, naming the missing ones",
      resources: [appconfigApp, flagTask(FLAG_IDS.slice(0, 1)), taskRolePolicy(allow(READS))],
      expected: [
        [
          "fail",
          "erp-td",
          "erp-berhan: container web is not given APPCONFIG_ENVIRONMENT_ID, APPCONFIG_PROFILE_ID",
        ],
      ],
    },
    {
      name: "fails a role granted only one of the two reads",
      resources: [appconfigApp, flagTask(), taskRolePolicy(allow(READS[0]))],
      expected: [["fail", "erp-td", `erp-berhan: ${MAY_NOT_READ}`]],
    },
    {
      name: "fails a role whose read is denied explicitly, as IAM's explicit Deny wins",
      resources: [
        appconfigApp,
        flagTask(),
        taskRolePolicy(allow(READS), {
          Effect: "Deny",
          Action: "appconfig:GetLatestConfiguration",
          Resource: "*",
        }),
      ],
      expected: [["fail", "erp-td", `erp-berhan: ${MAY_NOT_READ}`]],
    },
    {
      name: "fails a read granted only under a condition, which may not hold",
      resources: [
        appconfigApp,
        flagTask(),
        taskRolePolicy(allow(READS, CONFIG, { Condition: { Bool: { "aws:SecureTransport": "true" } } })),
      ],
      expected: [["fail", "erp-td", `erp-berhan: ${MAY_NOT_READ}`]],
    },
    {
      name: "fails a read of another profile",
      resources: [appconfigApp, flagTask(), taskRolePolicy(allow(READS, CONFIG.replace("/p1", "/p2")))],
      expected: [
        [
          "fail",
          "erp-td",
          `erp-berhan: ${MAY_NOT_READ}; ${WIDER}: ${READS.join(",")} on ${CONFIG.replace("/p1", "/p2")}`,
        ],
      ],
    },
    {
      name: "fails the reads on every resource: wider than the profile",
      resources: [appconfigApp, flagTask(), taskRolePolicy(allow(READS, "*"))],
      expected: [["fail", "erp-td", `erp-berhan: ${MAY_NOT_READ}; ${WIDER}: ${READS.join(",")} on *`]],
    },
    {
      name: "fails a wildcard action on the profile, though it includes the reads",
      resources: [appconfigApp, flagTask(), taskRolePolicy(allow("appconfig:*"))],
      expected: [["fail", "erp-td", `erp-berhan: ${WIDER}: appconfig:* on ${CONFIG}`]],
    },
    {
      name: "fails a NotAction Allow, which grants every AppConfig action but those it names",
      resources: [
        appconfigApp,
        flagTask(),
        taskRolePolicy(allow(READS), { Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
      ],
      expected: [["fail", "erp-td", `erp-berhan: ${WIDER}: all but iam:* on *`]],
    },
    {
      name: "fails a grant by a service wildcard such as *:* beside the exact reads",
      resources: [appconfigApp, flagTask(), taskRolePolicy(allow(READS), allow("*:Get*", "*"))],
      expected: [["fail", "erp-td", `erp-berhan: ${WIDER}: *:Get* on *`]],
    },
    {
      name: "ignores a grant of another service",
      resources: [appconfigApp, flagTask(), taskRolePolicy(allow(READS), allow("s3:GetObject", "*"))],
      expected: [["pass", "erp-td", "erp-berhan: container knows its profile, task role reads exactly it"]],
    },
    {
      name: "is not applicable to an app without an AppConfig application whose containers know no flag ids",
      resources: [flagTask([])],
      expected: [["not-applicable", "erp-td", "no AppConfig application of app erp-berhan in this stack"]],
    },
    {
      name: "judges on its own a task given flag ids whose app has no AppConfig application here",
      resources: [flagTask(), taskRolePolicy(allow(READS))],
      expected: [
        [
          "pass",
          "erp-td",
          /^.*no AppConfig application of app erp-berhan in this stack.*; erp-berhan: container knows its profile/,
        ],
      ],
    },
  ]));
