/**
 * The fixture changes of the rule tests on the real stacks (rules.test.ts, grpc.test.ts): for every rule, one
 * change applied to the resources the offline preview records for the repository's own stack files
 * (helpers.ts `realStacks`), the stack it is applied to, and the resource that must then fail (shared/style.md:
 * one happy-path fixture from the program's real resources, then one change per failing case). A "mutation"
 * here is such a change of a test fixture; the tests written to kill Stryker's mutants of the rules are
 * in test/policy/rules and test/policy/lib, one file per rule section and per library module. CC-ART-05's change is set by {@link withArt05}, since it needs
 * staging's Image.
 */
import { PolicyResourceInput } from "../../policy-pack/evaluate";
import { editJson, mutate } from "./helpers";
import { T } from "./rule-harness";

/** One rule's fixture change: which real stack, what changes, which resource must fail. */
export type Mutation = {
  stack: "staging" | "production";
  change: (rs: PolicyResourceInput[]) => PolicyResourceInput[];
  on: RegExp;
};
type Props = Record<string, any>;
type Container = {
  name: string;
  image: string;
  environment: Array<{ name: string; value: string }>;
  secrets: Array<{ name: string }>;
  healthCheck: { command: string[] };
};

/** erp-berhan's resources, and its main ruleset. */
const ERP = /erp-berhan/;
const ERP_MAIN = /erp-berhan-governance-main/;
/** The service's task definition of erp-berhan, not its migration task. */
const ERP_SERVICE_TASK = /^erp-berhan-(staging|production)-task$/;
const ERP_MIGRATION_TASK = /^erp-berhan-staging-migration-task$/;
/** The change that edits the props of every resource of `type` whose name matches `name` (see {@link mutate}). */
const edit =
  (type: string, name: RegExp, change: (props: Props) => void) =>
  (rs: PolicyResourceInput[]): PolicyResourceInput[] =>
    mutate(rs, type, name, change);
const container = (p: Props, f: (c: Container) => void) =>
  editJson<Container[]>(p, "containerDefinitions", (cs) => f(cs[0]));
const flagValues = (p: Props, f: (v: Record<string, Props>) => void) =>
  editJson<{ values: Record<string, Props> }>(p, "content", (d) => f(d.values));
const stagingApp = (p: Props, app: string) => p.outputs.environmentProfile.apps[app];

/** One fixture change per rule: which stack, what changes, which resource must fail. */
export const MUTATIONS: Record<string, Mutation> = {
  "CC-BR-01": {
    stack: "production",
    on: /erp-berhan-governance-main-ruleset/,
    change: edit(T.ruleset, ERP_MAIN, (p) => (p.enforcement = "evaluate")),
  },
  "CC-BR-02": {
    stack: "production",
    on: /erp-berhan-governance-main-ruleset/,
    change: edit(
      T.ruleset,
      ERP_MAIN,
      (p) =>
        (p.rules.requiredStatusChecks.requiredChecks = p.rules.requiredStatusChecks.requiredChecks.filter(
          (c: Props) => c.context !== "smoke",
        )),
    ),
  },
  "CC-BR-03": {
    stack: "production",
    on: /erp-berhan-governance-main-ruleset/,
    change: edit(T.ruleset, ERP_MAIN, (p) => (p.rules.pullRequest.dismissStaleReviewsOnPush = false)),
  },
  "CC-BR-04": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: edit(T.repository, ERP, (p) => (p.allowMergeCommit = true)),
  },
  "CC-BR-05": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: edit(T.repository, ERP, (p) => (p.deleteBranchOnMerge = false)),
  },
  "CC-BR-06": {
    stack: "production",
    on: /erp-berhan-governance-main-ruleset/,
    change: edit(T.ruleset, ERP_MAIN, (p) => (p.rules.nonFastForward = false)),
  },
  "CC-BR-07": {
    stack: "production",
    on: /erp-berhan-governance-main-ruleset/,
    change: edit(
      T.ruleset,
      ERP_MAIN,
      (p) => (p.bypassActors = [{ actorId: 5, actorType: "RepositoryRole", bypassMode: "always" }]),
    ),
  },
  "CC-BR-08": {
    stack: "production",
    on: /erp-berhan-governance-tag-ruleset/,
    change: edit(T.ruleset, /erp-berhan-governance-tag/, (p) => (p.rules.update = false)),
  },
  "CC-BR-09": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: edit(
      T.repository,
      /erp-berhan-governance-repo/,
      (p) => (p.securityAndAnalysis.secretScanningPushProtection.status = "disabled"),
    ),
  },
  "CC-BR-10": {
    stack: "production",
    on: /erp-berhan-governance-actions-permissions/,
    change: edit(T.actionsPermissions, /erp-berhan-governance/, (p) => (p.shaPinningRequired = false)),
  },
  "CC-BR-11": {
    stack: "production",
    on: /erp-berhan-governance-main-ruleset/,
    change: edit(T.ruleset, ERP_MAIN, (p) => (p.rules.pullRequest.requireCodeOwnerReview = false)),
  },
  "CC-BR-12": {
    stack: "production",
    on: /erp-berhan-governance-main-ruleset/,
    change: edit(
      T.ruleset,
      ERP_MAIN,
      (p) => delete p.rules.requiredStatusChecks.requiredChecks[0].integrationId,
    ),
  },
  "CC-ENV-01": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: (rs) => rs.filter((r) => !(r.type === T.environment && ERP.test(r.name))),
  },
  "CC-ENV-02": {
    stack: "production",
    on: /erp-berhan-production-environment-env/,
    change: edit(T.environment, ERP, (p) => (p.preventSelfReview = false)),
  },
  "CC-ENV-03": {
    stack: "production",
    on: /erp-berhan-production-environment-env/,
    change: edit(T.deploymentPolicy, /erp-berhan-production-environment-tag/, (p) => (p.tagPattern = "*")),
  },
  "CC-ENV-04": {
    stack: "staging",
    on: /erp-berhan-staging-environment-var-aws_region/,
    change: edit(
      T.envVariable,
      /erp-berhan-staging-environment-var-aws_region/,
      (p) => (p.variableName = "SLACK_WEBHOOK_TOKEN"),
    ),
  },
  "CC-ENV-05": {
    stack: "staging",
    on: /erp-berhan-staging-environment-secret/,
    change: edit(T.envSecret, ERP, (p) => (p.secretName = "AWS_SECRET_ACCESS_KEY")),
  },
  "CC-ENV-06": {
    stack: "staging",
    on: /erp-berhan-staging-environment-deploy-role/,
    change: edit(T.role, /erp-berhan-staging-environment-deploy-role/, (p) =>
      editJson<Props>(
        p,
        "assumeRolePolicy",
        (d) =>
          (d.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] =
            "repo:surlefeu/*"),
      ),
    ),
  },
  "CC-ART-01": {
    stack: "staging",
    on: /erp-berhan-staging-image-build/,
    change: edit(T.image, ERP, (p) => (p.tags = ["ghcr.io/surlefeu/erp-berhan:latest"])),
  },
  "CC-ART-02": {
    stack: "staging",
    on: /erp-berhan-staging-image-build/,
    change: edit(T.image, ERP, (p) => delete p.buildArgs.BUILD_ACTOR),
  },
  "CC-ART-03": {
    stack: "staging",
    on: /erp-berhan-staging-image-build/,
    change: edit(
      T.image,
      ERP,
      (p) => (p.tags = p.tags.map((t: string) => t.replace("ghcr.io", "docker.io"))),
    ),
  },
  "CC-ART-04": {
    stack: "staging",
    on: /erp-berhan-staging-image-build/,
    change: edit(T.image, ERP, (p) => (p.platforms = ["linux/amd64"])),
  },
  "CC-ART-05": { stack: "production", on: /erp-berhan-staging-image-build/, change: (rs) => rs }, // see withArt05
  "CC-ART-06": {
    stack: "staging",
    on: /erp-berhan-staging-task/,
    change: edit(T.taskDefinition, ERP, (p) =>
      container(p, (c) => (c.image = "ghcr.io/surlefeu/erp-berhan:staging")),
    ),
  },
  "CC-ART-07": {
    stack: "staging",
    on: /erp-berhan-staging-image-alias/,
    change: edit(T.index, ERP, (p) => (p.sources = [`ghcr.io/surlefeu/erp-berhan@sha256:${"0".repeat(64)}`])),
  },
  "CC-ART-08": {
    stack: "staging",
    on: /erp-berhan-staging-image-build/,
    // This repository's checkout as the context: the image would not be the app's code.
    change: edit(T.image, ERP, (p) => (p.context = { location: "." })),
  },
  "CC-ENV-07": {
    stack: "production",
    on: /erp-berhan-production-environment-deploy-role/,
    // Any service of the account, production's included, instead of the app's own.
    change: edit(T.rolePolicy, /erp-berhan-production-environment-deploy-policy/, (p) =>
      editJson<{ Statement: Props[] }>(p, "policy", (d) => (d.Statement[0].Resource = "*")),
    ),
  },
  "CC-RUN-01": {
    stack: "staging",
    on: /erp-berhan-staging-tg/,
    change: edit(T.targetGroup, ERP, (p) => (p.healthCheck.path = "/")),
  },
  "CC-RUN-02": {
    stack: "staging",
    on: /erp-berhan-staging-task/,
    change: edit(T.taskDefinition, ERP_SERVICE_TASK, (p) =>
      container(
        p,
        (c) => (c.healthCheck.command = ["CMD-SHELL", "curl -fsS http://localhost:8000/ || exit 1"]),
      ),
    ),
  },
  "CC-RUN-03": {
    // Staging rolls: the circuit breaker is its automatic rollback (production's canary is CC-RUN-13's too).
    stack: "staging",
    on: /erp-berhan-staging-service/,
    change: edit(T.service, ERP, (p) => (p.deploymentCircuitBreaker.rollback = false)),
  },
  "CC-RUN-04": {
    stack: "production",
    on: /erp-berhan-production-service/,
    change: edit(T.service, ERP, (p) => (p.desiredCount = 1)),
  },
  "CC-RUN-05": {
    stack: "staging",
    on: /erp-berhan-staging-task/,
    change: edit(T.taskDefinition, ERP, (p) =>
      container(p, (c) => (c.environment.find((e) => e.name === "APP_ENV")!.value = "production")),
    ),
  },
  "CC-RUN-06": {
    stack: "staging",
    on: /erp-berhan-staging-task/,
    change: edit(T.taskDefinition, ERP, (p) =>
      container(p, (c) => c.environment.push({ name: "API_TOKEN", value: "not-from-a-store" })),
    ),
  },
  "CC-RUN-07": {
    stack: "staging",
    on: /erp-berhan-staging-task/,
    change: edit(T.taskDefinition, ERP, (p) =>
      container(p, (c) => (c.secrets = c.secrets.filter((s) => s.name !== "JWT_SECRET"))),
    ),
  },
  "CC-RUN-08": {
    stack: "staging",
    on: /erp-berhan-staging-logs/,
    change: edit(T.logGroup, ERP, (p) => (p.retentionInDays = 7)),
  },
  "CC-RUN-09": {
    stack: "production",
    on: /erp-berhan-production-http-redirect/,
    change: edit(
      T.listener,
      /erp-berhan-production-http-redirect/,
      (p) =>
        (p.defaultActions = [
          {
            type: "forward",
            targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/x/1",
          },
        ]),
    ),
  },
  "CC-RUN-10": {
    stack: "production",
    on: /erp-berhan-production-service/,
    change: edit(T.service, ERP, (p) => (p.networkConfiguration.assignPublicIp = true)),
  },
  "CC-RUN-11": {
    stack: "production",
    on: /erp-berhan-production-task/,
    change: edit(T.taskDefinition, ERP, (p) =>
      container(p, (c) => delete (c as Props).repositoryCredentials),
    ),
  },
  "CC-RUN-12": {
    stack: "staging",
    on: /erp-berhan-staging-task/,
    change: edit(T.taskDefinition, ERP, (p) => container(p, (c) => delete (c as Props).mountPoints)),
  },
  "CC-RUN-13": {
    stack: "production",
    on: /erp-berhan-production-service/,
    change: edit(T.service, ERP, (p) => (p.deploymentConfiguration.canaryConfiguration.canaryPercent = 50)),
  },
  "CC-RUN-14": {
    stack: "staging",
    on: /erp-berhan-staging-migration-task/,
    // Migrating with another build than the one the service runs.
    change: edit(T.taskDefinition, ERP_MIGRATION_TASK, (p) =>
      container(p, (c) => (c.image = c.image.replace(/@sha256:[0-9a-f]{64}$/, `@sha256:${"f".repeat(64)}`))),
    ),
  },
  "CC-RUN-15": {
    stack: "staging",
    on: /erp-berhan-staging-migration-task/,
    change: edit(T.taskDefinition, ERP_MIGRATION_TASK, (p) => delete p.tags["migration-contract"]),
  },
  "CC-OBS-01": {
    stack: "production",
    on: /erp-berhan-production-service/,
    // The alarm stays (CC-RUN-13 names it as a deployment alarm); without an action nobody hears it.
    change: edit(T.metricAlarm, /erp-berhan-production-observability-latency/, (p) => {
      p.alarmActions = [];
    }),
  },
  "CC-OBS-02": {
    stack: "production",
    on: /erp-berhan-production-service/,
    change: edit(T.dashboard, ERP, (p) =>
      editJson<{ widgets: Props[] }>(
        p,
        "dashboardBody",
        (d) => (d.widgets = d.widgets.filter((w) => !/Golden/.test(w.properties.title))),
      ),
    ),
  },
  "CC-OBS-03": {
    stack: "production",
    on: /erp-berhan-production-service/,
    change: edit(
      T.metricAlarm,
      /erp-berhan-production-observability-error-budget/,
      // A budget of 5% with thresholds consistent with it: the burn math holds (CC-OBS-06), the budget is too big.
      (p) => {
        p.threshold = (p.threshold / Number(p.tags["error-budget-percent"])) * 5;
        p.tags["error-budget-percent"] = "5";
      },
    ),
  },
  "CC-OBS-05": {
    stack: "production",
    on: /erp-berhan-production-observability-5xx-rate/,
    change: edit(T.metricAlarm, /erp-berhan-production-observability-5xx-rate/, (p) => {
      p.metricQueries = p.metricQueries.filter((q: Props) => q.id !== "elb5xx");
      p.metricQueries.find((q: Props) => q.returnData).expression =
        "IF(FILL(requests, 0) > 0, 100 * FILL(target5xx, 0) / requests, 0)";
    }),
  },
  "CC-OBS-06": {
    stack: "production",
    on: /erp-berhan-production-service/,
    // The 30-day fast burn rate (14.4x) on a weekly budget: never fires before the week's budget is gone.
    change: edit(
      T.metricAlarm,
      /erp-berhan-production-observability-error-budget-burn-fast/,
      (p) => (p.threshold = 0.5 * 14.4),
    ),
  },
  "CC-OBS-04": {
    stack: "production",
    on: /erp-berhan-production-logs/,
    change: edit(T.logGroup, ERP, (p) => delete p.tags.owner),
  },
  "CC-OBS-07": {
    stack: "production",
    on: /erp-berhan-production-observability-latency/,
    change: edit(
      T.metricAlarm,
      /erp-berhan-production-observability-latency/,
      (p) => (p.alarmDescription = String(p.alarmDescription).replace(/\. Runbook: \S+$/, "")),
    ),
  },
  "CC-FLAG-01": {
    stack: "production",
    on: /erp-berhan-production-flags-flags/,
    change: edit(T.hostedConfig, ERP, (p) => flagValues(p, (v) => delete v.telegram_bot_v2.owner)),
  },
  "CC-FLAG-02": {
    stack: "staging",
    on: /erp-berhan-staging-flags-flags/,
    change: edit(T.hostedConfig, ERP, (p) =>
      flagValues(p, (v) => (v.telegram_bot_v2.removalDate = "2026-11-01")),
    ),
  },
  "CC-FLAG-03": {
    stack: "production",
    on: /erp-berhan-production-flags-flags/,
    change: edit(T.hostedConfig, ERP, (p) => flagValues(p, (v) => (v.telegram_bot_v2.enabled = true))),
  },
  "CC-FLAG-04": {
    stack: "production",
    on: /erp-berhan-production-task/,
    change: edit(T.rolePolicy, /erp-berhan-production-read-flags/, (p) =>
      editJson<{ Statement: Props[] }>(p, "policy", (d) => (d.Statement[0].Resource = "*")),
    ),
  },
  "CC-FLAG-05": {
    stack: "staging",
    on: /erp-berhan-staging-flags-env/,
    change: edit(T.appconfigEnvironment, ERP, (p) => (p.monitors = [])),
  },
  "CC-PAR-01": {
    stack: "production",
    on: /erp-berhan-production-task/,
    change: edit(T.stackReference, /staging-profile/, (p) =>
      Object.assign(stagingApp(p, "erp-berhan"), {
        digest: `sha256:${"1".repeat(64)}`,
        knownDigests: [`sha256:${"1".repeat(64)}`],
      }),
    ),
  },
  "CC-PAR-02": {
    stack: "production",
    on: /erp-berhan-production-task/,
    change: edit(
      T.stackReference,
      /staging-profile/,
      (p) =>
        (stagingApp(p, "erp-berhan").envNames = stagingApp(p, "erp-berhan").envNames.filter(
          (n: string) => n !== "LOG_LEVEL",
        )),
    ),
  },
  "CC-PAR-03": {
    stack: "production",
    on: /erp-berhan-production-task/,
    change: edit(T.stackReference, /staging-profile/, (p) => (stagingApp(p, "erp-berhan").port = 9000)),
  },
};

/** Sets CC-ART-05's change: staging's erp-berhan Image added to production. */
export function withArt05(staging: PolicyResourceInput[]): void {
  const image = staging.find((r) => r.type === T.image && ERP.test(r.name))!;
  MUTATIONS["CC-ART-05"].change = (rs) => [...rs, structuredClone(image)];
}

/** Every fixture change of `stack` applied in turn (those whose target an earlier one removed are skipped). */
export function allMutations(stack: string, resources: PolicyResourceInput[]): PolicyResourceInput[] {
  let out = resources;
  for (const m of Object.values(MUTATIONS)) {
    if (m.stack !== stack) continue;
    try {
      out = m.change(out);
    } catch {
      // the resource this mutation edits was removed by an earlier one
    }
  }
  return out;
}
