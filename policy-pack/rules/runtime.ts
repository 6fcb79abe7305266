/**
 * RUN: runtimes (ECS Fargate behind an ALB): probes, rollback, availability, configuration and secrets; the
 * platform rules (RUN-08 to RUN-13) are in runtimePlatform.ts. Source: F6 "Health / Readiness / Liveness", "Environment Profiles";
 * OPS "Automated Health Checks", "Rollback Procedures". Catalogue: shared/policy-catalogue.md "RUN".
 */
import { arr, get, num, str, tagsOf } from "../lib/props";
import { defineRule, Res, Rule, stringList } from "../lib/rule";
import { T } from "../lib/tokens";
import { DEFAULT_PATHS, PROBE_PATH_PATTERN } from "../lib/facts";
import { PRODUCTION_ENV } from "../lib/settings";
import { nameMatches, SECRET_NAME_PATTERNS } from "../lib/secretNames";
import { type Container, containersOf, isOneOffTask } from "../lib/containers";
import { environmentNote, judgedEnvironment } from "../lib/standalone";

/** Config property: an HTTP path per app, replacing the rule's `path` for that app. */
function perAppPaths(description: string) {
  return {
    type: "object" as const,
    additionalProperties: { type: "string", pattern: PROBE_PATH_PATTERN },
    description,
    default: {},
    // Which path an app serves says what to probe, not how strictly; a probe of `/` is refused by the pattern.
    tightens: "free" as const,
  };
}

/** The path a rule expects of a resource: its app's entry in `apps`, else `path`. */
function pathFor(r: Res, cfg: Record<string, unknown>): string {
  const app = str(tagsOf(r.props).app);
  const perApp = (cfg.apps ?? {}) as Record<string, unknown>;
  return String((app !== undefined && perApp[app]) || cfg.path);
}

export const RUN_01 = defineRule({
  id: "CC-RUN-01",
  slug: "lb-health-check-readyz",
  section: "RUN",
  title: "the load balancer's health check targets `/readyz` (configurable)",
  description: "Every target group's health check is enabled and probes the readiness path.",
  source: 'F6 "Health / Readiness / Liveness"; OPS "Automated Health Checks"',
  remediation: "Set healthCheck { enabled: true, path: '/readyz', matcher: '200' } on the TargetGroup.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.targetGroup],
  configKeys: ["runtime.health", "runtime"],
  configurable: {
    path: {
      tightens: "free",
      type: "string",
      pattern: PROBE_PATH_PATTERN,
      description: "Readiness path the load balancer probes.",
      default: DEFAULT_PATHS.readiness,
    },
    apps: perAppPaths(
      "Readiness path per app (by `app` tag), replacing `path` for that app (e.g. Streamlit's `/_stcore/health`).",
    ),
  },
  checkResource(r, ctx, out) {
    const path = str(get(r.props, "healthCheck.path"));
    const expected = pathFor(r, ctx.cfg);
    if (get(r.props, "healthCheck.enabled") === false) return out.fail(r, "health check disabled");
    if (path !== expected)
      return out.fail(r, `health check path is ${path ?? "unset (default /)"}, expected ${expected}`);
    out.pass(r, `health check probes ${path}`);
  },
});

export const RUN_02 = defineRule({
  id: "CC-RUN-02",
  slug: "container-health-check-healthz",
  section: "RUN",
  title: "the container health check targets `/healthz` (configurable)",
  description: "Every container's health check command probes the liveness path.",
  source: 'F6 "Health / Readiness / Liveness"',
  remediation:
    "Set healthCheck.command to ['CMD-SHELL', 'curl -fsS http://localhost:PORT/healthz || exit 1'] in the container definition.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.taskDefinition],
  configKeys: ["runtime.health", "runtime"],
  configurable: {
    path: {
      tightens: "free",
      type: "string",
      pattern: PROBE_PATH_PATTERN,
      description: "Liveness path the container health check probes.",
      default: DEFAULT_PATHS.liveness,
    },
    apps: perAppPaths("Container health path per app (by `app` tag), replacing `path` for that app."),
  },
  checkResource(r, ctx, out) {
    if (isOneOffTask(r))
      return out.na(r, "a one-off task (no port, its own command): it serves nothing to probe");
    const expected = pathFor(r, ctx.cfg);
    const bad = containersOf(r).filter((c) => c.healthProbe !== expected);
    if (bad.length)
      out.fail(
        r,
        bad
          .map(
            (c) =>
              `container ${c.name}: health check ${c.healthCommand ? `"${c.healthCommand}" ${c.healthProbe === undefined ? "is not a probe (curl -f URL, wget -q --spider URL, python3 urllib.request.urlopen(URL), and nothing else)" : `probes ${c.healthProbe}, not ${expected}`}` : "missing"}`,
          )
          .join("; "),
      );
    else out.pass(r, `containers probe ${expected}`);
  },
});

export const RUN_03 = defineRule({
  id: "CC-RUN-03",
  slug: "automatic-rollback",
  section: "RUN",
  title:
    "deployments roll back automatically: circuit breaker (rolling) or deployment alarms (shifting), with rollback",
  description:
    "Every ECS service rolls a failed deployment back: a rolling update with the deployment circuit breaker and rollback on, or a canary, linear or blue/green deployment with deployment alarms and rollback on (the circuit breaker is for rolling updates only: ECS API reference, DeploymentCircuitBreaker).",
  source: 'OPS "Rollback Procedures"; F6 "Rollback Strategy"',
  remediation:
    "Rolling: set deploymentCircuitBreaker { enable: true, rollback: true }. Canary, linear, blue/green: set alarms { alarmNames: [the app's 5xx alarms], enable: true, rollback: true } on the Service.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.service],
  configKeys: ["runtime"],
  checkResource(r, _ctx, out) {
    const strategy = str(get(r.props, "deploymentConfiguration.strategy")) ?? "ROLLING";
    if (strategy !== "ROLLING") {
      const alarms = r.props.alarms;
      const names = arr(get(alarms, "alarmNames"));
      if (get(alarms, "enable") === true && get(alarms, "rollback") === true && names.length)
        return out.pass(r, `${strategy}: deployment alarms with rollback (${names.join(", ")})`);
      return out.fail(
        r,
        `${strategy}: no deployment alarms with rollback (alarms ${JSON.stringify(alarms ?? null)}), expected { alarmNames: [...], enable: true, rollback: true }`,
      );
    }
    const cb = r.props.deploymentCircuitBreaker;
    if (get(cb, "enable") === true && get(cb, "rollback") === true)
      out.pass(r, "circuit breaker with rollback");
    else if (cb === undefined || cb === null)
      out.fail(r, "no deploymentCircuitBreaker, expected { enable: true, rollback: true }");
    else
      out.fail(
        r,
        `deploymentCircuitBreaker is ${JSON.stringify(cb)}, expected { enable: true, rollback: true }`,
      );
  },
});

export const RUN_04 = defineRule({
  id: "CC-RUN-04",
  slug: "production-zero-downtime",
  section: "RUN",
  title: "production keeps serving during deploys: at least 2 tasks, minimum healthy 100%",
  description:
    "Production services run at least the minimum task count and keep 100% healthy during deployments; a service without an environment tag (another program's) is judged on its own, its environment the stack's name.",
  source: 'OPS "Rollout Strategies"; F6 "Environment Profiles"',
  remediation:
    "Set desiredCount >= 2 and deploymentMinimumHealthyPercent: 100 (with deploymentMaximumPercent 200) on production services.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.service],
  configKeys: ["runtime.desiredCount", "runtime"],
  configurable: {
    minTasks: {
      tightens: "higher",
      type: "integer",
      minimum: 1,
      description: "Minimum desired task count in production.",
      default: 2,
    },
    ...PRODUCTION_ENV,
  },
  checkResource(r, ctx, out) {
    const judged = judgedEnvironment(r);
    const env = judged.env;
    const note = environmentNote(judged);
    if (env !== ctx.cfg.productionEnvironment)
      return out.na(r, `${note}environment ${env ?? "(untagged)"} is not production`);
    const desired = num(r.props.desiredCount) ?? 1;
    const minHealthy = num(r.props.deploymentMinimumHealthyPercent) ?? 100;
    const problems = [
      ...(desired < Number(ctx.cfg.minTasks) ? [`desiredCount ${desired} < ${ctx.cfg.minTasks}`] : []),
      ...(minHealthy < 100 ? [`deploymentMinimumHealthyPercent ${minHealthy} < 100`] : []),
    ];
    if (problems.length) out.fail(r, `${note}${problems.join("; ")}`);
    else out.pass(r, `${note}${desired} tasks, minimum healthy ${minHealthy}%`);
  },
});

const BUILD_VARS = ["BUILD_SHA", "BUILD_DATE", "BUILD_ACTOR"];

export const RUN_05 = defineRule({
  id: "CC-RUN-05",
  slug: "environment-and-build-metadata",
  section: "RUN",
  title: "the container gets `APP_ENV` equal to its stack, and `BUILD_SHA`, `BUILD_DATE`, `BUILD_ACTOR`",
  description:
    "Every container gets APP_ENV equal to its environment and the build metadata variables; a task definition without an environment tag (another program's) is judged on its own, its environment the stack's name.",
  source: 'F6 "Environment Profiles", "Build metadata"',
  remediation:
    "Add environment entries APP_ENV (the stack's environment), BUILD_SHA, BUILD_DATE and BUILD_ACTOR (the promoted image's provenance) to the container definition.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.taskDefinition],
  configKeys: ["runtime.environmentVariables", "runtime"],
  checkResource(r, _ctx, out) {
    const judged = judgedEnvironment(r);
    const env = judged.env;
    if (!env) return out.na(r, "the task definition has no environment tag to compare APP_ENV with");
    const note = environmentNote(judged);
    const problems: string[] = [];
    for (const c of containersOf(r)) {
      const vars = new Map(c.environment.map((e) => [e.name, e.value] as const));
      if (vars.get("APP_ENV") !== env)
        problems.push(
          `container ${c.name}: APP_ENV is ${JSON.stringify(vars.get("APP_ENV") ?? null)}, expected "${env}"`,
        );
      const missing = BUILD_VARS.filter((v) => !str(vars.get(v)));
      if (missing.length) problems.push(`container ${c.name}: missing ${missing.join(", ")}`);
    }
    if (problems.length) out.fail(r, `${note}${problems.join("; ")}`);
    else out.pass(r, `${note}APP_ENV=${env} and build metadata present`);
  },
});

export const RUN_06 = defineRule({
  id: "CC-RUN-06",
  slug: "no-plaintext-secret-env",
  section: "RUN",
  title:
    "no secret-looking plain-text environment variable (names like `*SECRET*`, `*TOKEN*`, `*PASSWORD*`, `*_KEY`, `DATABASE_URL`): secrets come from a secret store reference",
  description:
    "No container environment variable has a secret-looking name; secrets come through `secrets` (valueFrom).",
  source: 'OPS "Configuration Management"; F6 "Pre-Deploy Checklist Script"',
  remediation:
    "Move the variable to a Secrets Manager secret and reference it in the container's secrets [{ name, valueFrom: <secret ARN> }].",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.taskDefinition],
  configKeys: ["runtime.environmentVariables", "runtime"],
  configurable: {
    secretNamePatterns: stringList("Glob patterns of secret-looking variable names.", SECRET_NAME_PATTERNS),
  },
  checkResource(r, ctx, out) {
    const patterns = arr(ctx.cfg.secretNamePatterns).map(String);
    const bad = containersOf(r).flatMap((c) =>
      c.environment.filter((e) => nameMatches(e.name, patterns)).map((e) => `${c.name}: ${e.name}`),
    );
    if (bad.length) out.fail(r, `plain-text secret-looking variable(s) ${bad.join(", ")}`);
    else out.pass(r, "no secret-looking plain-text variable");
  },
});

export const RUN_07 = defineRule({
  id: "CC-RUN-07",
  slug: "required-secrets-wired",
  section: "RUN",
  title:
    "every secret the app requires (its list in settings, per app or the default) is wired into its containers from the secret store",
  description: "Every secret the app requires reaches its container through a secret store reference.",
  source: 'F6 "Pre-Deploy Checklist Script"; OPS "Configuration Management"',
  remediation:
    "Create the Secrets Manager secret and add { name, valueFrom: <secret ARN> } to the container's secrets; or set the app's list in settings.CC-RUN-07.apps.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.taskDefinition],
  configKeys: ["runtime.secrets", "runtime"],
  configurable: {
    requiredSecrets: stringList("Secrets every app requires unless `apps` says otherwise.", [
      "DATABASE_URL",
      "REDIS_URL",
      "JWT_SECRET",
    ]),
    // Which secrets an app needs says what to check, not how strictly; at least one, so no app's list is emptied.
    apps: {
      tightens: "free",
      type: "object",
      additionalProperties: {
        type: "array",
        items: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
        minItems: 1,
      },
      description:
        "Required secrets per app (by `app` tag), replacing `requiredSecrets` for that app: one or more variable names.",
      default: {},
    },
  },
  checkResource(r, ctx, out) {
    const app = str(tagsOf(r.props).app) ?? str(r.props.family) ?? r.name;
    const perApp = (ctx.cfg.apps ?? {}) as Record<string, unknown>;
    const required = arr(perApp[app] ?? ctx.cfg.requiredSecrets).map(String);
    const problems: string[] = [];
    for (const c of containersOf(r)) {
      const missing = required.flatMap((name) => {
        const why = unwiredSecret(c, name);
        return why ? [`${name} (${why})`] : [];
      });
      if (missing.length) problems.push(`container ${c.name} lacks ${missing.join(", ")}`);
    }
    if (problems.length) out.fail(r, `${app}: ${problems.join("; ")}`);
    else out.pass(r, `${app}: ${required.join(", ") || "no secret required"} wired from the secret store`);
  },
});

/**
 * Why the required secret `name` does not reach container `c` from the secret store, or undefined when it does
 * (a `secrets` entry of that name whose `valueFrom` is a non-empty string): the reason CC-RUN-07 prints after the
 * secret's name.
 */
function unwiredSecret(c: Container, name: string): string | undefined {
  const entry = c.secrets.find((s) => s.name === name);
  if (entry && typeof entry.valueFrom === "string" && entry.valueFrom !== "") return undefined;
  if (entry) return typeof entry.valueFrom === "string" ? "empty valueFrom" : "valueFrom is not a string";
  if (c.environment.some((e) => e.name === name)) return "a plain-text environment variable";
  return "not in its secrets";
}

/** RUN-01 to RUN-07, in catalogue order: probes, rollback, availability, configuration, secrets. */
export const runtimeRules: Rule[] = [RUN_01, RUN_02, RUN_03, RUN_04, RUN_05, RUN_06, RUN_07];
