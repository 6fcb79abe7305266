/**
 * FLAG: feature flags (AWS AppConfig `AWS.AppConfig.FeatureFlags` documents). Source: CONST "Feature Flags & Rollout".
 * Catalogue: shared/policy-catalogue.md "FLAG".
 */
import { allows, inlinePoliciesOf, roleNameOf, Statement, statementsOf } from "../lib/iam";
import { appOf, arr, get, globMatch, resourcesOfApp, str } from "../lib/props";
import { defineRule, Res, Rule } from "../lib/rule";
import { T } from "../lib/tokens";
import { dayOf, parseDay } from "../lib/waivers";
import { APPCONFIG_VARIABLES } from "../lib/facts";
import { stackEnvironmentsOrName } from "../lib/stack";
import { judgedAlone } from "../lib/standalone";
import { PRODUCTION_ENV } from "../lib/settings";
import { alarmMetrics } from "../lib/alarms";
import { containersOf } from "../lib/containers";
import { flagsOf } from "../lib/flagDocuments";

export const FLAG_01 = defineRule({
  id: "CC-FLAG-01",
  slug: "flag-metadata",
  section: "FLAG",
  title: "every flag has an owner, a default and a planned removal date",
  description:
    "Every feature flag's value entry names an owner, a boolean default and a removal date (YYYY-MM-DD).",
  source: 'CONST "Feature Flags & Rollout"',
  remediation:
    "Give each flag owner, default (true/false) and removalDate (YYYY-MM-DD) in the app's flags config.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.hostedConfig],
  configKeys: ["flags"],
  checkResource(r, _ctx, out) {
    const flags = flagsOf(r);
    if (!flags) return out.na(r, "not a feature-flags document");
    const problems = flags.flatMap((f) => {
      const missing = [
        ...(str(f.value.owner) ? [] : ["owner"]),
        ...(typeof f.value.default === "boolean" ? [] : ["default"]),
        ...(parseDay(str(f.value.removalDate) ?? "") !== undefined ? [] : ["removalDate"]),
      ];
      return missing.length ? [`${f.key} lacks ${missing.join(", ")}`] : [];
    });
    if (problems.length) out.fail(r, problems.join("; "));
    else out.pass(r, `${flags.length} flag(s) with owner, default and removal date`);
  },
});

export const FLAG_02 = defineRule({
  id: "CC-FLAG-02",
  slug: "flag-not-expired",
  section: "FLAG",
  title: "no flag is past its removal date",
  description: "No feature flag is past its planned removal date.",
  source: 'CONST "Feature Flags & Rollout"',
  remediation: "Remove the flag (and its code path), or move its removalDate with the owner's agreement.",
  enforcementLevel: "advisory",
  kind: "resource",
  appliesTo: [T.hostedConfig],
  configKeys: ["flags"],
  checkResource(r, ctx, out) {
    const flags = flagsOf(r);
    if (!flags) return out.na(r, "not a feature-flags document");
    const today = dayOf(ctx.now);
    const late = flags.filter((f) => {
      const d = parseDay(str(f.value.removalDate) ?? "");
      return d !== undefined && d < today;
    });
    if (late.length)
      out.fail(r, late.map((f) => `${f.key} was due for removal on ${f.value.removalDate}`).join("; "));
    else
      out.pass(
        r,
        `no flag past its removal date (${flags.map((f) => `${f.key}: ${str(f.value.removalDate) ?? "?"}`).join(", ")})`,
      );
  },
});

export const FLAG_03 = defineRule({
  id: "CC-FLAG-03",
  slug: "production-flags-off",
  section: "FLAG",
  title: "in production every flag defaults to OFF, unless enabled for a named cohort",
  description:
    "In a production stack every flag defaults to off, and a flag that is on names the cohort it is on for; a stack none of whose resources carries an environment (another program's) is judged on its own by the stack name in its URNs.",
  source: 'CONST "Feature Flags & Rollout"; OPS "Rollout Strategies"',
  remediation:
    "Set default: false for the flag in production, and give value.cohort when it is enabled there.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.hostedConfig],
  configKeys: ["flags"],
  configurable: { ...PRODUCTION_ENV },
  checkStack(resources, ctx, out) {
    const prodEnv = String(ctx.cfg.productionEnvironment);
    const { envs, fromStack } = stackEnvironmentsOrName(resources);
    if (!envs.has(prodEnv)) return out.na(null, `not a ${prodEnv} stack`);
    const note = fromStack ? `${judgedAlone(`no environment tag, the stack's name is ${prodEnv}`)}; ` : "";
    for (const r of resources.filter((x) => x.type === T.hostedConfig)) {
      out.guard(r, () => {
        const flags = flagsOf(r);
        if (!flags) return out.na(r, "not a feature-flags document");
        const bad = flags.filter(
          (f) => (f.value.default === true || f.value.enabled === true) && !str(f.value.cohort),
        );
        if (bad.length)
          out.fail(
            r,
            `${note}${bad
              .map(
                (f) =>
                  `${f.key} is on in ${prodEnv} (default ${f.value.default}, enabled ${f.value.enabled}) without a cohort`,
              )
              .join("; ")}`,
          );
        else
          out.pass(
            r,
            `flags off by default${flags.some((f) => f.value.enabled === true) ? ", on only for named cohorts" : ""}`,
          );
      });
    }
  },
});

/** The AppConfigData actions an app needs to read its configuration. */
const READ_FLAG_ACTIONS = ["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"];

/** Whether an Allow statement may grant some AppConfig action: `appconfig:*`-like, `*`, or a `NotAction`. */
const mayGrantAppConfig = (s: Statement) =>
  s.effect === "Allow" &&
  (s.notActions !== undefined || s.actions.some((a) => globMatch(a.split(":")[0], "appconfig", true)));

/**
 * What keeps a task role from reading exactly its profile's configuration (ARN ending `suffix`): the role missing,
 * a read IAM would not allow on that ARN (explicit Deny, conditions and wildcards evaluated by {@link allows}), or a
 * grant wider than the two reads on it (any other action, a `NotAction`, another or a wildcard resource).
 */
function taskRoleProblems(statements: Statement[], taskRole: string | undefined, suffix: string): string[] {
  if (!taskRole) return ["no task role"];
  const problems: string[] = [];
  const granted = statements.filter(mayGrantAppConfig);
  const candidates = [
    ...new Set(granted.flatMap((s) => s.resources).filter((x) => x.endsWith(suffix) && !/[*?]/.test(x))),
  ];
  const reads = candidates.some((arn) =>
    READ_FLAG_ACTIONS.every((action) => allows(statements, action, arn)),
  );
  if (!reads)
    problems.push(`task role ${roleNameOf(taskRole)} may not read configuration ${suffix.slice(1)}`);
  const exactly = (a: string) => READ_FLAG_ACTIONS.some((r) => r.toLowerCase() === a.toLowerCase());
  const wider = granted.filter(
    (s) =>
      s.notActions !== undefined ||
      !s.actions.every(exactly) ||
      !s.resources.every((x) => x.endsWith(suffix) && !/[*?]/.test(x)),
  );
  if (wider.length)
    problems.push(
      `task role grants more than reading its own profile: ${wider
        .map(
          (s) =>
            `${s.notActions ? `all but ${s.notActions.join(",")}` : s.actions.join(",")} on ${s.resources.join(",")}`,
        )
        .join("; ")}`,
    );
  return problems;
}

export const FLAG_04 = defineRule({
  id: "CC-FLAG-04",
  slug: "flags-readable-by-app",
  section: "FLAG",
  title:
    "the app can read its flags: its task role may start a configuration session and get the latest configuration of its own AppConfig profile (and nothing wider), and the container is given that profile's application, environment and profile ids",
  description:
    "Every task definition of an app with AppConfig flags passes the profile's ids to its container, and its task role may read exactly that configuration. A task definition whose container is given any of those ids but whose app has no AppConfig application in the stack (another program's) is judged on its own.",
  source: 'CONST "Feature Flags & Rollout"',
  remediation:
    "Set APPCONFIG_APPLICATION_ID, APPCONFIG_ENVIRONMENT_ID and APPCONFIG_PROFILE_ID on the container and give the task role an inline policy allowing appconfig:StartConfigurationSession and appconfig:GetLatestConfiguration on arn:aws:appconfig:REGION:ACCOUNT:application/APP/environment/ENV/configuration/PROFILE only.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.taskDefinition, T.rolePolicy, T.appconfigApp],
  configKeys: [],
  checkStack(resources, ctx, out) {
    for (const td of resources.filter((r) => r.type === T.taskDefinition)) {
      const app = appOf(td, ctx.byUrn);
      out.guard(td, () => {
        const containers = containersOf(td);
        const names: string[] = Object.values(APPCONFIG_VARIABLES);
        const linked = !!app && resourcesOfApp(resources, ctx.byUrn, T.appconfigApp, app).length > 0;
        const absent = `no AppConfig application of app ${app ?? "(unknown)"} in this stack`;
        // Judged on its own when its containers are given flag ids although the stack holds no application.
        if (!linked && !containers.some((c) => c.environment.some((e) => names.includes(e.name))))
          return out.na(td, absent);
        const note = linked ? "" : `${judgedAlone(absent)}; `;
        const problems: string[] = [];
        const taskRole = str(td.props.taskRoleArn);
        const statements = taskRole
          ? inlinePoliciesOf(resources, taskRole).flatMap((p) => statementsOf(p))
          : [];
        for (const c of containers) {
          const vars = new Map(c.environment.map((e) => [e.name, str(e.value)] as const));
          const ids = Object.values(APPCONFIG_VARIABLES).map((n) => vars.get(n));
          const missing = Object.values(APPCONFIG_VARIABLES).filter((n) => !vars.get(n));
          if (missing.length) {
            problems.push(`container ${c.name} is not given ${missing.join(", ")}`);
            continue;
          }
          const [appId, envId, profileId] = ids;
          const suffix = `:application/${appId}/environment/${envId}/configuration/${profileId}`;
          problems.push(...taskRoleProblems(statements, taskRole, suffix));
        }
        if (problems.length) out.fail(td, `${note}${app ?? td.name}: ${problems.join("; ")}`);
        else
          out.pass(td, `${note}${app ?? td.name}: container knows its profile, task role reads exactly it`);
      });
    }
  },
});

export const FLAG_05 = defineRule({
  id: "CC-FLAG-05",
  slug: "flag-rollback-on-alarm",
  section: "FLAG",
  title: "a flag deployment rolls back on alarm: the AppConfig environment monitors the app's 5xx alarm",
  description:
    "Every AppConfig environment has a monitor (alarm and role) whose alarm is one of the app's 5xx alarms, with its actions enabled; a monitor whose alarm is not in the stack (another program's environment) is judged on its own and fails, saying so.",
  source: 'CONST "Feature Flags & Rollout"; OPS "Rollout Strategies"',
  remediation:
    "Set monitors [{ alarmArn: <the app's 5xx-rate alarm ARN>, alarmRoleArn: <a role appconfig.amazonaws.com assumes with cloudwatch:DescribeAlarms> }] on the AppConfig Environment, and leave that alarm's actions enabled (actionsEnabled: true, the default).",
  enforcementLevel: "advisory",
  kind: "stack",
  appliesTo: [T.appconfigEnvironment, T.metricAlarm, T.compositeAlarm],
  configKeys: [],
  checkStack(resources, _ctx, out) {
    const byName = (type: string, key: string) =>
      new Map(resources.filter((r) => r.type === type).map((a) => [str(a.props[key]) ?? a.name, a] as const));
    const metric = byName(T.metricAlarm, "name");
    const composite = byName(T.compositeAlarm, "alarmName");
    for (const env of resources.filter((r) => r.type === T.appconfigEnvironment)) {
      out.guard(env, () => {
        const monitors = arr(env.props.monitors);
        if (monitors.length === 0) return out.fail(env, "no monitor: a bad flag deployment never rolls back");
        const watched = monitors.map((m) => {
          const arn = String(get(m, "alarmArn") ?? "");
          return { arn, role: str(get(m, "alarmRoleArn")), verdict: monitorVerdict(arn, metric, composite) };
        });
        const noRole = watched.filter((w) => !w.role);
        if (noRole.length)
          return out.fail(env, `monitor of ${noRole.map((w) => w.arn).join(", ")} has no alarmRoleArn`);
        const good = watched.find((w) => w.verdict.ok);
        if (!good)
          return out.fail(
            env,
            watched.map((w) => `monitors ${w.arn || "(unknown)"}: ${w.verdict.why}`).join("; "),
          );
        out.pass(env, `rolls back on ${good.arn}: ${good.verdict.why}`);
      });
    }
  },
});

/** The alarm name of a CloudWatch alarm ARN (`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`), or the text itself. */
const alarmNameOf = (arnOrName: string) =>
  arnOrName.includes(":alarm:")
    ? arnOrName.slice(arnOrName.indexOf(":alarm:") + ":alarm:".length)
    : arnOrName;

/**
 * Whether an AppConfig monitor rolls a flag deployment back on the app's 5xx errors, and only then. AppConfig rolls
 * back while a monitored alarm is in ALARM *or* INSUFFICIENT_DATA (AppConfig user guide, "Monitoring deployments for
 * automatic rollback"): a metric alarm is INSUFFICIENT_DATA until its first evaluation and whenever its metric is
 * missing (no requests), unless `treatMissingData` is `notBreaching`; a composite alarm is INSUFFICIENT_DATA only at
 * its creation (CloudWatch API reference, `PutCompositeAlarm`). So: a composite alarm whose rule is `ALARM(a)` terms
 * joined by `OR`, one of them a 5xx alarm; or a 5xx metric alarm that treats missing data as not breaching. Either
 * with its actions enabled: AppConfig does not roll back on an alarm whose actions are disabled (same guide).
 */
function monitorVerdict(
  arn: string,
  metric: Map<string, Res>,
  composite: Map<string, Res>,
): { ok: boolean; why: string } {
  const name = alarmNameOf(arn);
  const is5xx = (a: Res | undefined) => !!a && alarmMetrics(a).some((x) => /5XX/i.test(x));
  const direct = metric.get(name);
  if ((direct ?? composite.get(name))?.props.actionsEnabled === false)
    return { ok: false, why: "an alarm whose actions are disabled: AppConfig does not roll back on it" };
  if (direct) {
    if (!is5xx(direct)) return { ok: false, why: "not a 5xx alarm of the stack" };
    return direct.props.treatMissingData === "notBreaching"
      ? { ok: true, why: "a 5xx alarm that treats missing data as not breaching" }
      : {
          ok: false,
          why: "a 5xx alarm that is INSUFFICIENT_DATA without requests: AppConfig would roll back",
        };
  }
  const rule = str(composite.get(name)?.props.alarmRule);
  if (rule === undefined)
    return {
      ok: false,
      why: judgedAlone("not an alarm of this stack, so it cannot be shown to watch the app's 5xx"),
    };
  const terms = rule.split(/\s+OR\s+/).map((t) => /^\(?\s*ALARM\(\s*"?([^")]+)"?\s*\)\s*\)?$/.exec(t.trim()));
  if (terms.some((t) => !t))
    return { ok: false, why: `composite rule ${rule} is not ALARM(...) terms joined by OR` };
  const fiveXx = terms.find((t) => is5xx(metric.get(alarmNameOf(t![1]))));
  return fiveXx
    ? { ok: true, why: `a composite alarm in ALARM whenever ${alarmNameOf(fiveXx[1])} is` }
    : { ok: false, why: `composite rule ${rule} names no 5xx alarm of the stack` };
}

/** The FLAG rules, in catalogue order. */
export const flagRules: Rule[] = [FLAG_01, FLAG_02, FLAG_03, FLAG_04, FLAG_05];
