/**
 * RUN (continued): the platform a runtime stands on: logs, the network edge, tasks, images, scratch space and
 * progressive delivery. Source: F6 "Health / Readiness / Liveness", "Environment Profiles"; OPS "Automated Health
 * Checks", "Rollback Procedures"; CONST "Observability". Catalogue: shared/policy-catalogue.md "RUN".
 */
import { arr, get, num, str } from "../lib/props";
import { defineRule, Res, Rule, stringList } from "../lib/rule";
import { allows, inlinePoliciesOf, roleNameOf, statementsOf } from "../lib/iam";
import { T } from "../lib/tokens";
import { DEFAULT_LOG_RETENTION_DAYS, IMAGE_REPOSITORY_PATTERN, imageRepository } from "../lib/facts";
import { PRODUCTION_ENV } from "../lib/settings";
import { alarmMetrics, alarmsOf, services } from "../lib/alarms";
import { containersOf } from "../lib/containers";
import { environmentNote, judgedAlone, judgedEnvironment } from "../lib/standalone";

export const RUN_08 = defineRule({
  id: "CC-RUN-08",
  slug: "log-retention",
  section: "RUN",
  title: "container logs go to a log group with a retention period (at least 30 days, configurable)",
  description:
    "Every container logs with awslogs to a log group of the stack whose retention is at least the minimum. A log group no task definition of the stack logs to is judged on its own (its retention); a container's log group outside the stack is not applicable, named.",
  source: 'CONST "Observability"; OPS "Observability"',
  remediation:
    "Use logConfiguration { logDriver: 'awslogs', options: { 'awslogs-group': <LogGroup name> } } and set retentionInDays >= the minimum on the LogGroup.",
  enforcementLevel: "advisory",
  kind: "stack",
  appliesTo: [T.taskDefinition, T.logGroup],
  configKeys: ["runtime.logRetentionDays", "runtime"],
  configurable: {
    minRetentionDays: {
      type: "integer",
      minimum: 1,
      description: "Minimum log retention, days.",
      default: DEFAULT_LOG_RETENTION_DAYS,
    },
  },
  checkStack(resources, ctx, out) {
    const min = Number(ctx.cfg.minRetentionDays);
    const groups = resources.filter((r) => r.type === T.logGroup);
    const used = new Set<Res>();
    for (const td of resources.filter((r) => r.type === T.taskDefinition)) {
      out.guard(td, () => {
        for (const c of containersOf(td)) {
          if (c.logDriver !== "awslogs" || !c.logGroup) {
            out.fail(
              td,
              `container ${c.name} does not log to CloudWatch (logDriver ${c.logDriver ?? "unset"})`,
            );
            continue;
          }
          const g = groups.find((lg) => str(lg.props.name) === c.logGroup);
          if (!g) {
            out.na(td, `${judgedAlone(`log group ${c.logGroup} is not managed in this stack`)}`);
            continue;
          }
          used.add(g);
          // Retention is the log group's property: its verdict names the log group.
          out.guard(g, () => {
            const days = num(g.props.retentionInDays) ?? 0;
            if (days < min)
              out.fail(
                g,
                `log group ${c.logGroup} keeps logs ${days === 0 ? "forever (no retention period)" : `${days} days`}, at least ${min} required`,
              );
            else out.pass(g, `log group ${c.logGroup} of container ${c.name} keeps logs ${days} days`);
          });
        }
      });
    }
    for (const g of groups.filter((lg) => !used.has(lg)))
      out.guard(g, () => {
        const note = judgedAlone("no task definition of this stack logs to it");
        const days = num(g.props.retentionInDays) ?? 0;
        if (days < min)
          out.fail(
            g,
            `${note}; it keeps logs ${days === 0 ? "forever (no retention period)" : `${days} days`}, at least ${min} required`,
          );
        else out.pass(g, `${note}; it keeps logs ${days} days`);
      });
  },
});

export const RUN_09 = defineRule({
  id: "CC-RUN-09",
  slug: "https-only-edge",
  section: "RUN",
  title:
    "public traffic is HTTPS only (HTTP redirects), invalid headers are dropped, production load balancers have deletion protection",
  description:
    "HTTP listeners only redirect to HTTPS, HTTPS listeners carry a certificate and TLS policy, load balancers drop invalid headers and production ones are deletion-protected (a load balancer without an environment tag, another program's, is judged on its own, its environment the stack's name).",
  source: 'F6 "Objective"; CONST "Environments"',
  remediation:
    "HTTP listener: defaultActions [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }]; HTTPS listener: certificateArn and sslPolicy; LoadBalancer: dropInvalidHeaderFields: true and, in production, enableDeletionProtection: true.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.listener, T.loadBalancer],
  configKeys: ["runtime.domain", "runtime"],
  configurable: { ...PRODUCTION_ENV },
  checkResource(r, ctx, out) {
    if (r.type === T.listener) {
      const protocol = str(r.props.protocol);
      if (protocol === "HTTPS") {
        const problems = [
          ...(str(r.props.certificateArn) ? [] : ["no certificateArn"]),
          ...(str(r.props.sslPolicy) ? [] : ["no sslPolicy"]),
        ];
        if (problems.length) return out.fail(r, `HTTPS listener: ${problems.join(", ")}`);
        return out.pass(r, `HTTPS listener with ${str(r.props.sslPolicy)}`);
      }
      if (protocol === "HTTP") {
        const actions = arr(r.props.defaultActions);
        const ok =
          actions.length > 0 &&
          actions.every((a) => get(a, "type") === "redirect" && get(a, "redirect.protocol") === "HTTPS");
        if (ok) return out.pass(r, "HTTP listener redirects to HTTPS");
        return out.fail(r, "HTTP listener serves traffic instead of redirecting every request to HTTPS");
      }
      return out.na(r, `listener protocol ${protocol ?? "unset"} is not HTTP(S)`);
    }
    if ((str(r.props.loadBalancerType) ?? "application") !== "application")
      return out.na(r, "not an application load balancer");
    const problems: string[] = [];
    if (r.props.dropInvalidHeaderFields !== true) problems.push("invalid header fields are not dropped");
    const judged = judgedEnvironment(r);
    const env = judged.env;
    const note = env === ctx.cfg.productionEnvironment ? environmentNote(judged) : "";
    if (env === ctx.cfg.productionEnvironment && r.props.enableDeletionProtection !== true)
      problems.push("production load balancer without deletion protection");
    if (problems.length) out.fail(r, `${note}${problems.join("; ")}`);
    else
      out.pass(
        r,
        `${note}drops invalid headers${env === ctx.cfg.productionEnvironment ? ", deletion-protected" : ""}`,
      );
  },
});

export const RUN_10 = defineRule({
  id: "CC-RUN-10",
  slug: "task-hardening",
  section: "RUN",
  title:
    "tasks get no public IP, run with a read-only root filesystem, and use separate execution and task roles",
  description:
    "Services assign no public IP; task definitions use a read-only root filesystem and distinct execution and task roles.",
  source: 'F6 "Objective"; F6 "Environment Profiles"',
  remediation:
    "Set networkConfiguration.assignPublicIp: false on the Service; readonlyRootFilesystem: true on every container; distinct executionRoleArn and taskRoleArn.",
  enforcementLevel: "advisory",
  kind: "resource",
  appliesTo: [T.service, T.taskDefinition],
  configKeys: ["runtime"],
  checkResource(r, _ctx, out) {
    if (r.type === T.service) {
      if (get(r.props, "networkConfiguration.assignPublicIp") === true)
        return out.fail(r, "tasks get a public IP");
      return out.pass(r, "no public IP");
    }
    const problems: string[] = [];
    const rw = containersOf(r).filter((c) => !c.readonlyRootFilesystem);
    if (rw.length) problems.push(`writable root filesystem: ${rw.map((c) => c.name).join(", ")}`);
    const exec = str(r.props.executionRoleArn);
    const task = str(r.props.taskRoleArn);
    if (!exec || !task) problems.push(`missing ${!exec ? "executionRoleArn" : "taskRoleArn"}`);
    else if (exec === task) problems.push("execution and task roles are the same role");
    if (problems.length) out.fail(r, problems.join("; "));
    else out.pass(r, "read-only root filesystem, separate execution and task roles");
  },
});

export const RUN_11 = defineRule({
  id: "CC-RUN-11",
  slug: "private-image-pull-credentials",
  section: "RUN",
  title:
    "a task whose image comes from a private registry (GHCR packages are private by default) pulls it with registry credentials: `repositoryCredentials` naming a secret that the execution role may read",
  description:
    "Every container whose image is in a private registry names a Secrets Manager pull credential that its task's execution role may read.",
  source: 'LANES "Secrets & Registry Expectations"; CONST "Build Once, Promote Many"',
  remediation:
    'Store {"username","password"} (a read:packages token) in Secrets Manager, set the container\'s repositoryCredentials.credentialsParameter to its ARN, and allow secretsmanager:GetSecretValue on it to the execution role; or list the image as public in settings.CC-RUN-11.publicImages.',
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.taskDefinition, T.rolePolicy],
  configKeys: [],
  configurable: {
    privateRegistries: stringList("Image prefixes of registries whose images are private by default.", [
      "ghcr.io/",
    ]),
    // Which images are public says what needs no pull credential, not how strictly the rule judges the rest. Whole
    // repositories only, matched exactly: an entry cannot name a registry or an owner and so exempt every image.
    publicImages: {
      ...stringList(
        "Image repositories that are public and pulled anonymously, each whole (`registry/owner/name`, no tag), matched exactly.",
        [],
      ),
      items: { type: "string", pattern: IMAGE_REPOSITORY_PATTERN },
      tightens: "free",
    },
  },
  checkStack(resources, ctx, out) {
    const registries = arr(ctx.cfg.privateRegistries).map(String);
    const publicImages = arr(ctx.cfg.publicImages).map(String);
    for (const td of resources.filter((r) => r.type === T.taskDefinition)) {
      out.guard(td, () => {
        const privateOnes = containersOf(td).filter(
          (c) =>
            registries.some((p) => c.image.startsWith(p)) && !publicImages.includes(imageRepository(c.image)),
        );
        if (privateOnes.length === 0) return out.na(td, "no image from a private registry");
        const execution = str(td.props.executionRoleArn);
        const statements = execution
          ? inlinePoliciesOf(resources, execution).flatMap((p) => statementsOf(p))
          : [];
        const problems = privateOnes.flatMap((c) => {
          if (!c.credentialsParameter)
            return [`container ${c.name} pulls ${c.image} without repositoryCredentials`];
          if (!execution) return [`container ${c.name}: no execution role to read ${c.credentialsParameter}`];
          if (!allows(statements, "secretsmanager:GetSecretValue", c.credentialsParameter))
            return [
              `${statements.length ? "" : `${judgedAlone(`no inline policy of role ${roleNameOf(execution)} in this stack`)}; `}container ${c.name}: execution role ${roleNameOf(execution)} may not read ${c.credentialsParameter}`,
            ];
          return [];
        });
        if (problems.length) out.fail(td, problems.join("; "));
        else
          out.pass(
            td,
            privateOnes.map((c) => `container ${c.name} pulls with ${c.credentialsParameter}`).join("; "),
          );
      });
    }
  },
});

export const RUN_12 = defineRule({
  id: "CC-RUN-12",
  slug: "writable-scratch-on-readonly-root",
  section: "RUN",
  title:
    "a container with a read-only root filesystem has a writable scratch volume mounted at `/tmp` (configurable paths), so servers that need a temp dir (gunicorn, Streamlit) start",
  description: "Every container with a read-only root mounts a task volume read-write at each scratch path.",
  source: 'F6 "Health / Readiness / Liveness"; OPS "Automated Health Checks"',
  remediation:
    "Add a task-level volume { name: 'scratch-tmp' } (Fargate: ephemeral storage) and mountPoints [{ sourceVolume: 'scratch-tmp', containerPath: '/tmp', readOnly: false }] to the container.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.taskDefinition],
  configKeys: [],
  configurable: {
    paths: stringList("Directories that must be writable on a read-only root.", ["/tmp"]),
  },
  checkResource(r, ctx, out) {
    const paths = arr(ctx.cfg.paths).map(String);
    const volumes = new Set(arr(r.props.volumes).map((v) => String(get(v, "name") ?? "")));
    const readOnlyRoots = containersOf(r).filter((c) => c.readonlyRootFilesystem);
    if (readOnlyRoots.length === 0) return out.na(r, "no container with a read-only root filesystem");
    const problems = readOnlyRoots.flatMap((c) =>
      paths
        .filter((p) => !c.mounts.some((m) => m.path === p && !m.readOnly && volumes.has(m.volume)))
        .map((p) => `container ${c.name}: nothing writable at ${p}`),
    );
    if (problems.length) out.fail(r, problems.join("; "));
    else out.pass(r, `writable ${paths.join(", ")} on a read-only root`);
  },
});

/** ECS strategies that shift traffic progressively (`ROLLING` replaces tasks in place). */
const PROGRESSIVE_STRATEGIES = ["CANARY", "LINEAR", "BLUE_GREEN"];

/** What a production service's deployment configuration lacks for CC-RUN-13, one problem per entry. */
function progressiveDeliveryProblems(
  service: Res,
  alarms: Res[],
  minBake: number,
  maxFirstShift: number,
): string[] {
  const dc = service.props.deploymentConfiguration;
  const strategy = str(get(dc, "strategy")) ?? "ROLLING";
  if (!PROGRESSIVE_STRATEGIES.includes(strategy))
    return [`strategy ${strategy}, expected one of ${PROGRESSIVE_STRATEGIES.join(", ")}`];
  const minutes = (path: string) => num(Number(get(dc, path) ?? NaN));
  const bakes: Array<[string, number | undefined]> = [["bakeTimeInMinutes", minutes("bakeTimeInMinutes")]];
  const firstShift =
    strategy === "CANARY"
      ? num(get(dc, "canaryConfiguration.canaryPercent"))
      : strategy === "LINEAR"
        ? num(get(dc, "linearConfiguration.stepPercent"))
        : undefined;
  if (strategy === "CANARY")
    bakes.push(["canaryBakeTimeInMinutes", minutes("canaryConfiguration.canaryBakeTimeInMinutes")]);
  if (strategy === "LINEAR")
    bakes.push(["stepBakeTimeInMinutes", minutes("linearConfiguration.stepBakeTimeInMinutes")]);
  const names = new Set(arr(get(service.props, "alarms.alarmNames")).map(String));
  const watched = (re: RegExp) =>
    alarms.some((a) => names.has(str(a.props.name) ?? a.name) && alarmMetrics(a).some((m) => re.test(m)));
  return [
    ...bakes
      .filter(([, v]) => v === undefined || v < minBake)
      .map(([k, v]) => `${k} ${v ?? "unset"}, expected at least ${minBake} minutes`),
    ...(firstShift !== undefined && firstShift > maxFirstShift
      ? [`first shift ${firstShift}% of the traffic, expected at most ${maxFirstShift}%`]
      : []),
    ...(get(service.props, "alarms.enable") === true && get(service.props, "alarms.rollback") === true
      ? []
      : ["deployment alarms not enabled with rollback"]),
    ...(watched(/5XX/i) ? [] : ["no deployment alarm on the app's 5xx rate"]),
    ...(watched(/ResponseTime|Latency/i) ? [] : ["no deployment alarm on the app's latency"]),
  ];
}

export const RUN_13 = defineRule({
  id: "CC-RUN-13",
  slug: "progressive-delivery",
  section: "RUN",
  title:
    "production deploys progressively: an ECS deployment strategy of canary, linear or blue/green with a bake time (at least 5 minutes, configurable), and deployment alarms (the service's 5xx and latency alarms) with rollback on",
  description:
    "Each production ECS service shifts traffic progressively, bakes each shift, and rolls back on its own 5xx and latency alarms. A service without an environment tag (another program's) is judged on its own, its environment the stack's name; with no alarm of its app in the stack, its deployment alarms cannot be shown to watch 5xx and latency, and it fails saying so.",
  source: 'OPS "Rollout Strategies", "Rollback Procedures"; PLAY "3) Staging deploy"',
  remediation:
    "Set runtime.deployment.strategy canary (or linear) in the production stack: the Service gets deploymentConfiguration { strategy: 'CANARY', bakeTimeInMinutes: '5', canaryConfiguration { canaryPercent: 10, canaryBakeTimeInMinutes: '5' } } and alarms { alarmNames: [APP-production-5xx-rate, APP-production-latency-p95], enable: true, rollback: true }.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.service, T.metricAlarm],
  configKeys: [],
  configurable: {
    minBakeMinutes: {
      tightens: "higher",
      type: "integer",
      minimum: 0,
      description: "Least bake time, minutes, of each traffic shift and after the last one.",
      default: 5,
    },
    maxFirstShiftPercent: {
      tightens: "lower",
      type: "number",
      minimum: 0.1,
      maximum: 100,
      description: "Most traffic, percent, the new revision may get at first (canary share or linear step).",
      default: 25,
    },
    ...PRODUCTION_ENV,
  },
  checkStack(resources, ctx, out) {
    for (const s of services(resources, ctx.byUrn)) {
      out.guard(s.res, () => {
        const judged = judgedEnvironment(s.res);
        if (judged.env !== ctx.cfg.productionEnvironment)
          return out.na(s.res, `${s.app}: environment ${judged.env ?? "(untagged)"} is not production`);
        const alarms = alarmsOf(resources, ctx.byUrn, s.app, s.env);
        const note = `${environmentNote(judged)}${alarms.length ? "" : `${judgedAlone(`no alarm of this stack is tied to ${s.app}`)}; `}`;
        const problems = progressiveDeliveryProblems(
          s.res,
          alarms,
          Number(ctx.cfg.minBakeMinutes),
          Number(ctx.cfg.maxFirstShiftPercent),
        );
        const strategy = String(get(s.res.props, "deploymentConfiguration.strategy") ?? "ROLLING");
        if (problems.length) out.fail(s.res, `${note}${s.app}: ${problems.join("; ")}`);
        else out.pass(s.res, `${s.app}: ${strategy.toLowerCase()} with bake times and alarm rollback`);
      });
    }
  },
});

/** RUN-08 to RUN-13, in catalogue order. */
export const runtimePlatformRules: Rule[] = [RUN_08, RUN_09, RUN_10, RUN_11, RUN_12, RUN_13];
