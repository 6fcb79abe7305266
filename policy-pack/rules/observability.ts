/**
 * OBS: observability and error budget. Source: CONST "Observability"; F6 "Error Budget & Deploy Freeze";
 * OPS "SLIs/SLOs". Catalogue: shared/policy-catalogue.md "OBS".
 */
import { appOf, arr, get, num, parseJsonProp, str, tagsOf } from "../lib/props";
import { defineRule, Res, Rule, stringList, Verdicts } from "../lib/rule";
import { TAGGABLE_AWS_TYPES, T } from "../lib/tokens";
import { GOLDEN_PATH } from "../lib/facts";
import { alarmMetrics, alarmsOf, services, unlinkedAlarms } from "../lib/alarms";
import { judgedAlone } from "../lib/standalone";

/** The note of a service's verdict when no alarm of the stack is tied to it: it is judged on its own. */
const noAlarmsNote = (alarms: Res[], app: string, env: string | undefined) =>
  alarms.length
    ? ""
    : `${judgedAlone(`no alarm of this stack is tied to ${app}${env ? ` in ${env}` : ""}`)}; `;

const hasAction = (a: Res) => arr(a.props.alarmActions).length > 0;

export const OBS_01 = defineRule({
  id: "CC-OBS-01",
  slug: "error-and-latency-alarms",
  section: "OBS",
  title: "every service has alarms on its 5xx rate and its latency, each with an action",
  description:
    "Each ECS service has a 5xx alarm and a latency alarm of its app, each with at least one alarm action; a service no alarm of the stack is tied to (another program's) is judged on its own and fails, saying so.",
  source: 'CONST "Observability"; OPS "SLIs/SLOs"',
  remediation:
    "Add MetricAlarms on HTTPCode_Target_5XX_Count (rate) and TargetResponseTime (p95) tagged with the app, with alarmActions [SNS topic ARN].",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.service, T.metricAlarm],
  configKeys: ["observability"],
  checkStack(resources, ctx, out) {
    for (const s of services(resources, ctx.byUrn)) {
      out.guard(s.res, () => {
        const alarms = alarmsOf(resources, ctx.byUrn, s.app, s.env);
        const find = (re: RegExp) => alarms.filter((a) => alarmMetrics(a).some((m) => re.test(m)));
        const errors = find(/5XX/i);
        const latency = find(/ResponseTime|Latency/i);
        const problems = [
          ...(errors.length === 0
            ? ["no 5xx alarm"]
            : errors.some(hasAction)
              ? []
              : ["5xx alarm has no action"]),
          ...(latency.length === 0
            ? ["no latency alarm"]
            : latency.some(hasAction)
              ? []
              : ["latency alarm has no action"]),
        ];
        if (problems.length)
          out.fail(s.res, `${noAlarmsNote(alarms, s.app, s.env)}${s.app}: ${problems.join("; ")}`);
        else
          out.pass(
            s.res,
            `${s.app}: 5xx alarm ${errors.find(hasAction)?.name}, latency alarm ${latency.find(hasAction)?.name}`,
          );
      });
    }
  },
});

/** Widgets every dashboard needs, by title pattern. */
const DASHBOARD_WIDGETS: Array<[string, RegExp]> = [
  ["error rate", /error rate|5xx/i],
  ["latency", /latency/i],
  ["golden-path success", /golden.?path/i],
];

const GOLDEN_WIDGET = /golden.?path/i;

/** The metric series of a dashboard widget: `[namespace, metric, dimension, value, ...]` rows, expressions left out. */
function widgetSeries(
  widget: unknown,
): Array<{ namespace: string; metric: string; dims: Record<string, string> }> {
  return arr(get(widget, "properties.metrics")).flatMap((row) => {
    const cells = arr(row);
    if (typeof cells[0] !== "string" || typeof cells[1] !== "string") return [];
    const dims: Record<string, string> = {};
    for (let i = 2; i + 1 < cells.length && typeof cells[i] === "string"; i += 2)
      dims[String(cells[i])] = String(cells[i + 1]);
    return [{ namespace: cells[0], metric: cells[1], dims }];
  });
}

/**
 * Why nothing would publish a golden-path series of app `app` in `env`, or undefined when something does: the
 * series `cicd verify` publishes ({@link GOLDEN_PATH}: its namespace, metrics, and this app's and environment's
 * dimensions), or a CloudWatch Synthetics canary of the stack (`CloudWatchSynthetics`, `CanaryName`).
 */
function unpublishedSeries(
  series: ReturnType<typeof widgetSeries>,
  app: string,
  env: string | undefined,
  canaries: Set<string>,
): string | undefined {
  if (series.length === 0) return "the golden-path widget reads no metric";
  const [appDim, envDim] = GOLDEN_PATH.dimensions;
  const metrics: string[] = Object.values(GOLDEN_PATH.metrics);
  const bad = series.filter((m) =>
    m.namespace === GOLDEN_PATH.namespace
      ? !metrics.includes(m.metric) || m.dims[appDim] !== app || (env !== undefined && m.dims[envDim] !== env)
      : !(m.namespace === "CloudWatchSynthetics" && canaries.has(m.dims.CanaryName ?? "")),
  );
  if (bad.length === 0) return undefined;
  const shown = bad.map((m) => `${m.namespace}/${m.metric} ${JSON.stringify(m.dims)}`).join(", ");
  return `nothing publishes ${shown}: cicd verify publishes ${GOLDEN_PATH.namespace} ${metrics.join("/")} with ${appDim}=${app}${env ? ` ${envDim}=${env}` : ""}`;
}

export const OBS_02 = defineRule({
  id: "CC-OBS-02",
  slug: "service-dashboard",
  section: "OBS",
  title: "every service has a dashboard with error rate, latency and a published golden-path success",
  description:
    "Each ECS service's app has a CloudWatch dashboard with error-rate, latency and golden-path success widgets, the golden-path widget reading a series something publishes: cicd verify's post-deploy smoke metrics for this app and environment, or a CloudWatch Synthetics canary of the stack. A dashboard no service of the stack is tied to is judged on its own (its widgets); a canary is evidence only, of a dashboard's golden-path series.",
  source: 'CONST "Observability"; OPS "Observability"',
  remediation:
    "Add a CloudWatch Dashboard named after the app whose dashboardBody has widgets titled 'Error rate (5xx %)', 'Latency (p95, seconds)' and 'Golden-path success (%)', the last reading CicdConstitution/GoldenPath Success and Attempts with App and Environment dimensions (published by cicd verify), or CloudWatchSynthetics SuccessPercent of a canary the stack declares.",
  enforcementLevel: "advisory",
  kind: "stack",
  appliesTo: [T.service, T.dashboard, T.syntheticsCanary],
  configKeys: ["observability"],
  checkStack(resources, ctx, out) {
    const dashboards = resources.filter((r) => r.type === T.dashboard);
    const canaries = new Set(
      resources.filter((r) => r.type === T.syntheticsCanary).map((r) => str(r.props.name) ?? ""),
    );
    const shown = new Set<Res>();
    for (const s of services(resources, ctx.byUrn)) {
      out.guard(s.res, () => {
        const mine = dashboards.filter(
          (d) => appOf(d, ctx.byUrn) === s.app || (str(d.props.dashboardName) ?? "").startsWith(s.app),
        );
        if (mine.length === 0)
          return out.fail(
            s.res,
            `${judgedAlone(`no dashboard of ${s.app} in this stack`)}; ${s.app}: no dashboard`,
          );
        mine.forEach((d) => shown.add(d));
        const widgets = mine.flatMap((d) => arr(get(parseJsonProp(d.props, "dashboardBody"), "widgets")));
        const titles = widgets.map((w) => String(get(w, "properties.title") ?? ""));
        const missing = DASHBOARD_WIDGETS.filter(([, re]) => !titles.some((t) => re.test(t))).map(([n]) => n);
        if (missing.length) return out.fail(s.res, `${s.app}: dashboard lacks ${missing.join(", ")}`);
        const golden = widgets.filter((w) => GOLDEN_WIDGET.test(String(get(w, "properties.title") ?? "")));
        const unpublished = unpublishedSeries(golden.flatMap(widgetSeries), s.app, s.env, canaries);
        if (unpublished) return out.fail(s.res, `${s.app}: ${unpublished}`);
        out.pass(
          s.res,
          `${s.app}: dashboard ${mine.map((d) => d.name).join(", ")} shows error rate, latency, golden path (published)`,
        );
      });
    }
    for (const d of dashboards.filter((x) => !shown.has(x)))
      out.guard(d, () => {
        const note = judgedAlone("no service of this stack is tied to it");
        const titles = arr(get(parseJsonProp(d.props, "dashboardBody"), "widgets")).map((w) =>
          String(get(w, "properties.title") ?? ""),
        );
        const missing = DASHBOARD_WIDGETS.filter(([, re]) => !titles.some((t) => re.test(t))).map(([n]) => n);
        if (missing.length) out.fail(d, `${note}; the dashboard lacks ${missing.join(", ")}`);
        else out.pass(d, `${note}; it shows error rate, latency and golden path`);
      });
  },
});

/**
 * Why an error-budget burn alarm does not count for CC-OBS-03, in words: its `error-budget-percent` tag is not a
 * number, or exceeds `max` (percent of requests per budget period), or the alarm has no action. Empty when it counts.
 */
function budgetAlarmProblems(alarm: Res, max: number): string[] {
  const raw = tagsOf(alarm.props)["error-budget-percent"];
  const pct = num(raw);
  const problems: string[] = [];
  if (pct === undefined) problems.push(`has a budget ${JSON.stringify(raw)} that is not a number`);
  else if (pct > max) problems.push(`has a budget of ${pct}%, above ${max}%`);
  if (!hasAction(alarm)) problems.push("has no alarm action");
  return problems;
}

export const OBS_03 = defineRule({
  id: "CC-OBS-03",
  slug: "error-budget-declared",
  section: "OBS",
  title:
    "every service declares an error budget (default: at most 0.5% 5xx per week) and an alarm on its burn",
  description:
    "Each ECS service has an error-budget burn alarm with an action, tagged error-budget-percent no larger than the budget. A burn alarm no service of the stack is tied to is judged on its own (its budget and action).",
  source: 'F6 "Error Budget & Deploy Freeze"; OPS "SLIs/SLOs"',
  remediation:
    "Add a MetricAlarm on the 5xx rate burn, tagged error-budget-percent=<budget> (at most the configured maximum), with alarmActions.",
  enforcementLevel: "advisory",
  kind: "stack",
  appliesTo: [T.service, T.metricAlarm],
  configKeys: ["observability"],
  configurable: {
    maxErrorBudgetPercent: {
      type: "number",
      minimum: 0,
      description:
        "Largest allowed error budget, percent of requests per budget period (a week by default: CC-OBS-06's budgetPeriodDays).",
      default: 0.5,
    },
  },
  checkStack(resources, ctx, out) {
    const max = Number(ctx.cfg.maxErrorBudgetPercent);
    for (const s of services(resources, ctx.byUrn)) {
      out.guard(s.res, () => {
        const budgets = alarmsOf(resources, ctx.byUrn, s.app, s.env).filter(
          (a) => tagsOf(a.props)["error-budget-percent"] !== undefined,
        );
        if (budgets.length === 0)
          return out.fail(
            s.res,
            `${noAlarmsNote(alarmsOf(resources, ctx.byUrn, s.app, s.env), s.app, s.env)}${s.app}: no error-budget burn alarm (tag error-budget-percent)`,
          );
        const judged = budgets.map((a) => ({ alarm: a, problems: budgetAlarmProblems(a, max) }));
        const ok = judged.find((j) => j.problems.length === 0)?.alarm;
        if (ok)
          out.pass(
            s.res,
            `${s.app}: error budget ${tagsOf(ok.props)["error-budget-percent"]}% watched by ${ok.name}`,
          );
        else
          out.fail(
            s.res,
            `${s.app}: no burn alarm watches an error budget within ${max}% with an action: ${judged
              .map((j) => `${j.alarm.name} ${j.problems.join(" and ")}`)
              .join("; ")}`,
          );
      });
    }
    for (const a of unlinkedAlarms(resources, ctx.byUrn))
      out.guard(a, () => {
        if (tagsOf(a.props)["error-budget-percent"] === undefined) return;
        const note = judgedAlone("no service of this stack is tied to it");
        const problems = budgetAlarmProblems(a, max);
        if (problems.length) out.fail(a, `${note}; ${a.name} ${problems.join(" and ")}`);
        else
          out.pass(a, `${note}; ${a.name} watches a budget of ${tagsOf(a.props)["error-budget-percent"]}%`);
      });
  },
});

export const OBS_04 = defineRule({
  id: "CC-OBS-04",
  slug: "standard-tags",
  section: "OBS",
  title: "taggable resources carry `app`, `environment`, `owner` and `managed-by` tags",
  description: "Every taggable AWS resource carries the standard tags.",
  source: 'CONST "Observability"; OPS "Environment Parity"',
  remediation:
    "Pass the standard tags { app, environment, owner, managed-by } to every taggable resource (components do it from the app model).",
  enforcementLevel: "advisory",
  kind: "resource",
  appliesTo: TAGGABLE_AWS_TYPES,
  configKeys: [],
  configurable: {
    requiredTags: stringList("Tag keys every taggable resource carries.", [
      "app",
      "environment",
      "owner",
      "managed-by",
    ]),
  },
  checkResource(r, ctx, out) {
    const tags = tagsOf(r.props);
    const missing = arr(ctx.cfg.requiredTags)
      .map(String)
      .filter((k) => !str(tags[k]));
    if (missing.length) out.fail(r, `missing tag(s) ${missing.join(", ")}`);
    else out.pass(r, "standard tags present");
  },
});

/**
 * The metrics an alarm evaluates: its single metric, else each metric query it returns (`returnData`) or an
 * expression of its uses by id.
 */
function countedMetrics(alarm: Res): string[] {
  const queries = arr(alarm.props.metricQueries);
  const direct = str(alarm.props.metricName);
  if (direct) return [direct];
  const expressions = queries.map((q) => str(get(q, "expression"))).filter((e): e is string => !!e);
  return queries
    .filter((q) => {
      const id = String(get(q, "id") ?? "");
      const metric = str(get(q, "metric.metricName"));
      return (
        metric &&
        (get(q, "returnData") === true || expressions.some((e) => new RegExp(`\\b${id}\\b`).test(e)))
      );
    })
    .map((q) => String(get(q, "metric.metricName")));
}

export const OBS_05 = defineRule({
  id: "CC-OBS-05",
  slug: "outage-counts-elb-5xx",
  section: "OBS",
  title:
    "5xx alarms count the load balancer's own 5xx (`HTTPCode_ELB_5XX_Count`) as well as the targets', so an outage with no healthy target alarms",
  description:
    "Every alarm on an app's target 5xx also counts HTTPCode_ELB_5XX_Count, except one target group's own rate when the app's load-balancer-wide 5xx-rate alarm counts it. A 5xx alarm no service of the stack is tied to is judged on its own, with the other such alarms of its app.",
  source: 'CONST "Observability"; OPS "Observability"',
  remediation:
    "Add a metric query on AWS/ApplicationELB HTTPCode_ELB_5XX_Count (dimension LoadBalancer) and use it in the alarm's expression, e.g. IF((requests + elb5xx) > 0, 100 * (target5xx + elb5xx) / (requests + elb5xx), 0).",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.service, T.metricAlarm],
  configKeys: [],
  checkStack(resources, ctx, out) {
    for (const s of services(resources, ctx.byUrn)) {
      out.guard(s.res, () => {
        const alarms = alarmsOf(resources, ctx.byUrn, s.app, s.env);
        const fiveXx = alarms.filter(is5xx);
        if (fiveXx.length === 0)
          return out.fail(s.res, `${noAlarmsNote(alarms, s.app, s.env)}${s.app}: no 5xx alarm`);
        judgeFiveXxAlarms(fiveXx, `${s.app}: `, out);
      });
    }
    // Alarms no service is tied to, judged on their own, grouped by the app they name (if any).
    const byApp = new Map<string, Res[]>();
    for (const a of unlinkedAlarms(resources, ctx.byUrn).filter(is5xx)) {
      const app = appOf(a, ctx.byUrn) ?? "";
      byApp.set(app, [...(byApp.get(app) ?? []), a]);
    }
    for (const group of byApp.values())
      judgeFiveXxAlarms(group, `${judgedAlone("no service of this stack is tied to it")}; `, out);
  },
});

const is5xx = (a: Res) => alarmMetrics(a).some((m) => /5XX/i.test(m));

/**
 * CC-OBS-05 on the 5xx alarms of one app: each counts the load balancer's own 5xx, except a target group's own rate
 * when a load-balancer-wide 5xx-rate alarm among them counts it. `prefix` starts every message.
 */
function judgeFiveXxAlarms(fiveXx: Res[], prefix: string, out: Verdicts): void {
  // A target group's own 5xx rate (a canary's) cannot count the load balancer's 5xx, which have no group:
  // it is left to the app's load-balancer-wide 5xx-rate alarm (not a burn alarm), when that one counts them.
  const countsElb = (a: Res) => countedMetrics(a).includes("HTTPCode_ELB_5XX_Count");
  const perGroup = (a: Res) =>
    !countsElb(a) &&
    (arr(a.props.metricQueries).some((q) => get(q, "metric.dimensions.TargetGroup") !== undefined) ||
      get(a.props.dimensions, "TargetGroup") !== undefined);
  const wide = fiveXx.find((a) => countsElb(a) && tagsOf(a.props)["error-budget-percent"] === undefined);
  for (const a of fiveXx) {
    if (perGroup(a) && wide) {
      out.na(a, `${prefix}${a.name} is one target group's rate; ${wide.name} counts the load balancer's 5xx`);
      continue;
    }
    out.guard(a, () => {
      const counted = countedMetrics(a);
      if (counted.includes("HTTPCode_ELB_5XX_Count"))
        out.pass(a, `${prefix}${a.name} counts ${counted.filter((m) => /5XX/.test(m)).join(" + ")}`);
      else out.fail(a, `${prefix}${a.name} counts ${counted.join(", ")} but not HTTPCode_ELB_5XX_Count`);
    });
  }
}

export const OBS_06 = defineRule({
  id: "CC-OBS-06",
  slug: "multiwindow-burn-rate",
  section: "OBS",
  title:
    "the error budget's burn is alarmed over two windows (fast and slow) with burn rates computed for the budget's own period",
  description:
    "Each service has a fast and a slow error-budget burn alarm whose threshold is budget x (consumed share x budget period / window).",
  source: 'F6 "Error Budget & Deploy Freeze"',
  remediation:
    "Tag each burn alarm error-budget-window (fast|slow), error-budget-percent, error-budget-period-days and error-budget-consumed-percent, with threshold = percent x consumed/100 x period / window (e.g. 0.5 x 0.02 x 168 h / 1 h = 1.68).",
  enforcementLevel: "advisory",
  kind: "stack",
  appliesTo: [T.service, T.metricAlarm],
  configKeys: [],
  configurable: {
    windows: stringList("Burn windows every service alarms on (tag error-budget-window).", ["fast", "slow"]),
    budgetPeriodDays: {
      type: "integer",
      minimum: 1,
      description: "The error budget's period, days (F6: weekly).",
      default: 7,
    },
  },
  checkStack(resources, ctx, out) {
    const windows = arr(ctx.cfg.windows).map(String);
    const periodDays = Number(ctx.cfg.budgetPeriodDays);
    for (const s of services(resources, ctx.byUrn)) {
      out.guard(s.res, () => {
        const burns = alarmsOf(resources, ctx.byUrn, s.app, s.env).filter(
          (a) => tagsOf(a.props)["error-budget-window"] !== undefined,
        );
        const problems: string[] = [];
        for (const w of windows) {
          const a = burns.find((b) => tagsOf(b.props)["error-budget-window"] === w);
          if (!a) {
            problems.push(`no ${w} burn alarm`);
            continue;
          }
          const tags = tagsOf(a.props);
          const budget = num(tags["error-budget-percent"]);
          const days = num(tags["error-budget-period-days"]);
          const consumed = num(tags["error-budget-consumed-percent"]);
          const period =
            num(a.props.period) ??
            num(
              get(
                arr(a.props.metricQueries).find((q) => get(q, "metric")),
                "metric.period",
              ),
            );
          const windowSeconds = (period ?? 0) * (num(a.props.evaluationPeriods) ?? 1);
          if (budget === undefined || days === undefined || consumed === undefined || !windowSeconds) {
            problems.push(`${a.name}: budget, period, consumed share or window missing`);
            continue;
          }
          if (days !== periodDays)
            problems.push(`${a.name}: budget period ${days} days, expected ${periodDays}`);
          const expected = (budget * (consumed / 100) * days * 86_400) / windowSeconds;
          const threshold = num(a.props.threshold) ?? NaN;
          if (!(Math.abs(threshold - expected) <= 0.001 + expected * 0.001))
            problems.push(
              `${a.name}: threshold ${threshold}% is not ${expected.toFixed(4)}% (${budget}% x ${consumed / 100} x ${days} d / ${windowSeconds / 3600} h)`,
            );
          if (!hasAction(a) || arr(a.props.okActions).length === 0)
            problems.push(`${a.name}: no alarm or OK action`);
        }
        const note = noAlarmsNote(alarmsOf(resources, ctx.byUrn, s.app, s.env), s.app, s.env);
        if (problems.length) out.fail(s.res, `${note}${s.app}: ${problems.join("; ")}`);
        else out.pass(s.res, `${s.app}: ${windows.join(" and ")} burn alarms for a ${periodDays}-day budget`);
      });
    }
  },
});

/** A runbook link in an alarm's description: an `https://` URL. */
const RUNBOOK_LINK = /https:\/\/[^\s]+/;

export const OBS_07 = defineRule({
  id: "CC-OBS-07",
  slug: "alarm-runbooks",
  section: "OBS",
  title: "every alarm that notifies links its on-call runbook in its description",
  description:
    "Each CloudWatch metric or composite alarm with alarm actions carries an https:// runbook link in its description, so whoever it pages knows what to do.",
  source: 'OPS "Alerting" (keep on-call runbooks up to date), "Deployment Checklist"',
  remediation:
    "Set apps[].observability.runbookUrl in the stack file (every alarm description of the app ends with `Runbook: URL`), or put an https:// runbook link in the alarm's alarmDescription.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.metricAlarm, T.compositeAlarm],
  configKeys: ["observability"],
  checkResource(r, _ctx, out) {
    if (arr(r.props.alarmActions).length === 0) return out.na(r, "no alarm action: it pages nobody");
    const link = RUNBOOK_LINK.exec(str(r.props.alarmDescription) ?? "");
    if (link) out.pass(r, `runbook ${link[0]}`);
    else out.fail(r, "its description links no runbook (an https:// URL)");
  },
});

/** The OBS rules, in catalogue order. */
export const observabilityRules: Rule[] = [OBS_01, OBS_02, OBS_03, OBS_04, OBS_05, OBS_06, OBS_07];
