/**
 * Automatic rollback on hand-made resources. CC-FLAG-05: the AppConfig environment's monitor rolls a flag deployment
 * back on the app's 5xx errors, and never for lack of data (AppConfig rolls back on ALARM and on INSUFFICIENT_DATA).
 * CC-RUN-03, shifting strategies: deployment alarms with rollback stand for the circuit breaker, which ECS limits to
 * rolling updates (the rolling cases are in rules-branching-environments-runtime.test.ts).
 */
import { PolicyResourceInput } from "../../policy-pack/evaluate";
import { PRODUCTION_TAGS, r, ruleCases, T } from "./rule-harness";

type Props = Record<string, unknown>;

const ARN = (name: string) => `arn:aws:cloudwatch:eu-central-1:123456789012:alarm:${name}`;
const metric = (name: string, props: Props = {}) =>
  r(T.metricAlarm, name, { name, tags: PRODUCTION_TAGS, metricName: "HTTPCode_Target_5XX_Count", ...props });
const composite = (name: string, rule: string) =>
  r(T.compositeAlarm, name, { alarmName: name, alarmRule: rule, tags: PRODUCTION_TAGS });
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
      expected: [["fail", "erp-flags-env", /not an alarm of the stack/]],
    },
    {
      name: "fails a monitor without a role",
      resources: stack(metric("erp-5xx", { treatMissingData: "notBreaching" }), env("erp-5xx", null)),
      expected: [["fail", "erp-flags-env", /has no alarmRoleArn/]],
    },
  ]));

const shifting = (strategy: string, alarms: unknown) =>
  r(T.service, "erp-svc", { deploymentConfiguration: { strategy }, alarms });
const ALARMS = { alarmNames: ["erp-5xx-tg", "erp-5xx-tg-alt"], enable: true, rollback: true };

describe("CC-RUN-03: a shifting deployment rolls back on its deployment alarms", () =>
  ruleCases("CC-RUN-03", [
    {
      name: "passes a canary deployment with deployment alarms and rollback, naming them",
      resources: [shifting("CANARY", ALARMS)],
      expected: [["pass", "erp-svc", "CANARY: deployment alarms with rollback (erp-5xx-tg, erp-5xx-tg-alt)"]],
    },
    {
      name: "fails a linear deployment whose alarms do not roll back",
      resources: [shifting("LINEAR", { ...ALARMS, rollback: false })],
      expected: [["fail", "erp-svc", /^LINEAR: no deployment alarms with rollback/]],
    },
    {
      name: "fails a canary deployment without alarms, or with none named",
      resources: [shifting("CANARY", undefined)],
      status: "fail",
    },
    {
      name: "fails a blue/green deployment with an empty alarm list",
      resources: [shifting("BLUE_GREEN", { ...ALARMS, alarmNames: [] })],
      status: "fail",
    },
    {
      name: "a rolling strategy still needs the circuit breaker, alarms or not",
      resources: [shifting("ROLLING", ALARMS)],
      expected: [
        ["fail", "erp-svc", "no deploymentCircuitBreaker, expected { enable: true, rollback: true }"],
      ],
    },
  ]));
