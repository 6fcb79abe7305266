/**
 * Every rule on the program's real resources: the happy path passes, and one change per rule makes exactly
 * that rule fail (catalogue: shared/policy-catalogue.md; style: one fixture, one change per failing case).
 */
import { strict as assert } from "node:assert";
import { evaluate, PolicyResourceInput, RULES } from "../../policy-pack/evaluate";
import { editJson, failures, mutate, NOW, RealStack, realStacks, run } from "./helpers";

type Mutation = {
  stack: "staging" | "production";
  change: (rs: PolicyResourceInput[]) => PolicyResourceInput[];
  on: RegExp;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = Record<string, any>;
type Container = {
  name: string;
  image: string;
  environment: Array<{ name: string; value: string }>;
  secrets: Array<{ name: string }>;
  healthCheck: { command: string[] };
};

const RULESET = "github:index/repositoryRuleset:RepositoryRuleset";
const TD = "aws:ecs/taskDefinition:TaskDefinition";
const HCV = "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion";
const REF = "pulumi:pulumi:StackReference";
const container = (p: Props, f: (c: Container) => void) =>
  editJson<Container[]>(p, "containerDefinitions", (cs) => f(cs[0]));
const flagValues = (p: Props, f: (v: Record<string, Props>) => void) =>
  editJson<{ values: Record<string, Props> }>(p, "content", (d) => f(d.values));
const stagingApp = (p: Props, app: string) => p.outputs.environmentProfile.apps[app];

/** One mutation per rule: which stack, what changes, which resource must fail. */
export const MUTATIONS: Record<string, Mutation> = {
  "CC-BR-01": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: (rs) => mutate(rs, RULESET, /erp-berhan-governance-main/, (p) => (p.enforcement = "evaluate")),
  },
  "CC-BR-02": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: (rs) =>
      mutate(
        rs,
        RULESET,
        /erp-berhan-governance-main/,
        (p) =>
          (p.rules.requiredStatusChecks.requiredChecks = p.rules.requiredStatusChecks.requiredChecks.filter(
            (c: Props) => c.context !== "smoke",
          )),
      ),
  },
  "CC-BR-03": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: (rs) =>
      mutate(
        rs,
        RULESET,
        /erp-berhan-governance-main/,
        (p) => (p.rules.pullRequest.dismissStaleReviewsOnPush = false),
      ),
  },
  "CC-BR-04": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: (rs) =>
      mutate(rs, "github:index/repository:Repository", /erp-berhan/, (p) => (p.allowMergeCommit = true)),
  },
  "CC-BR-05": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: (rs) =>
      mutate(rs, "github:index/repository:Repository", /erp-berhan/, (p) => (p.deleteBranchOnMerge = false)),
  },
  "CC-BR-06": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: (rs) =>
      mutate(rs, RULESET, /erp-berhan-governance-main/, (p) => (p.rules.nonFastForward = false)),
  },
  "CC-BR-07": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: (rs) =>
      mutate(
        rs,
        RULESET,
        /erp-berhan-governance-main/,
        (p) => (p.bypassActors = [{ actorId: 5, actorType: "RepositoryRole", bypassMode: "always" }]),
      ),
  },
  "CC-BR-08": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: (rs) => mutate(rs, RULESET, /erp-berhan-governance-tag/, (p) => (p.rules.update = false)),
  },
  "CC-ENV-01": {
    stack: "production",
    on: /erp-berhan-governance-repo/,
    change: (rs) =>
      rs.filter(
        (r) =>
          !(
            r.type === "github:index/repositoryEnvironment:RepositoryEnvironment" && /erp-berhan/.test(r.name)
          ),
      ),
  },
  "CC-ENV-02": {
    stack: "production",
    on: /erp-berhan-production-environment-env/,
    change: (rs) =>
      mutate(
        rs,
        "github:index/repositoryEnvironment:RepositoryEnvironment",
        /erp-berhan/,
        (p) => (p.preventSelfReview = false),
      ),
  },
  "CC-ENV-03": {
    stack: "production",
    on: /erp-berhan-production-environment-env/,
    change: (rs) =>
      mutate(
        rs,
        "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
        /erp-berhan-production-environment-tag/,
        (p) => (p.tagPattern = "*"),
      ),
  },
  "CC-ENV-04": {
    stack: "staging",
    on: /erp-berhan-staging-environment-var-aws_region/,
    change: (rs) =>
      mutate(
        rs,
        "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
        /erp-berhan-staging-environment-var-aws_region/,
        (p) => (p.variableName = "SLACK_WEBHOOK_TOKEN"),
      ),
  },
  "CC-ENV-05": {
    stack: "staging",
    on: /erp-berhan-staging-environment-secret/,
    change: (rs) =>
      mutate(
        rs,
        "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
        /erp-berhan/,
        (p) => (p.secretName = "AWS_SECRET_ACCESS_KEY"),
      ),
  },
  "CC-ENV-06": {
    stack: "staging",
    on: /erp-berhan-staging-environment-deploy-role/,
    change: (rs) =>
      mutate(rs, "aws:iam/role:Role", /erp-berhan-staging-environment-deploy-role/, (p) =>
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
    change: (rs) =>
      mutate(
        rs,
        "docker-build:index:Image",
        /erp-berhan/,
        (p) => (p.tags = ["ghcr.io/surlefeu/erp-berhan:latest"]),
      ),
  },
  "CC-ART-02": {
    stack: "staging",
    on: /erp-berhan-staging-image-build/,
    change: (rs) =>
      mutate(rs, "docker-build:index:Image", /erp-berhan/, (p) => delete p.buildArgs.BUILD_ACTOR),
  },
  "CC-ART-03": {
    stack: "staging",
    on: /erp-berhan-staging-image-build/,
    change: (rs) =>
      mutate(
        rs,
        "docker-build:index:Image",
        /erp-berhan/,
        (p) => (p.tags = p.tags.map((t: string) => t.replace("ghcr.io", "docker.io"))),
      ),
  },
  "CC-ART-04": {
    stack: "staging",
    on: /erp-berhan-staging-image-build/,
    change: (rs) =>
      mutate(rs, "docker-build:index:Image", /erp-berhan/, (p) => (p.platforms = ["linux/amd64"])),
  },
  "CC-ART-05": { stack: "production", on: /erp-berhan-staging-image-build/, change: (rs) => rs }, // filled in below: staging's Image added to production
  "CC-ART-06": {
    stack: "staging",
    on: /erp-berhan-staging-task/,
    change: (rs) =>
      mutate(rs, TD, /erp-berhan/, (p) =>
        container(p, (c) => (c.image = "ghcr.io/surlefeu/erp-berhan:staging")),
      ),
  },
  "CC-ART-07": {
    stack: "staging",
    on: /erp-berhan-staging-image-alias/,
    change: (rs) =>
      mutate(
        rs,
        "docker-build:index:Index",
        /erp-berhan/,
        (p) => (p.sources = [`ghcr.io/surlefeu/erp-berhan@sha256:${"0".repeat(64)}`]),
      ),
  },
  "CC-RUN-01": {
    stack: "staging",
    on: /erp-berhan-staging-tg/,
    change: (rs) =>
      mutate(rs, "aws:lb/targetGroup:TargetGroup", /erp-berhan/, (p) => (p.healthCheck.path = "/")),
  },
  "CC-RUN-02": {
    stack: "staging",
    on: /erp-berhan-staging-task/,
    change: (rs) =>
      mutate(rs, TD, /erp-berhan/, (p) =>
        container(
          p,
          (c) => (c.healthCheck.command = ["CMD-SHELL", "curl -fsS http://localhost:8000/ || exit 1"]),
        ),
      ),
  },
  "CC-RUN-03": {
    stack: "production",
    on: /erp-berhan-production-service/,
    change: (rs) =>
      mutate(
        rs,
        "aws:ecs/service:Service",
        /erp-berhan/,
        (p) => (p.deploymentCircuitBreaker.rollback = false),
      ),
  },
  "CC-RUN-04": {
    stack: "production",
    on: /erp-berhan-production-service/,
    change: (rs) => mutate(rs, "aws:ecs/service:Service", /erp-berhan/, (p) => (p.desiredCount = 1)),
  },
  "CC-RUN-05": {
    stack: "staging",
    on: /erp-berhan-staging-task/,
    change: (rs) =>
      mutate(rs, TD, /erp-berhan/, (p) =>
        container(p, (c) => (c.environment.find((e) => e.name === "APP_ENV")!.value = "production")),
      ),
  },
  "CC-RUN-06": {
    stack: "staging",
    on: /erp-berhan-staging-task/,
    change: (rs) =>
      mutate(rs, TD, /erp-berhan/, (p) =>
        container(p, (c) => c.environment.push({ name: "API_TOKEN", value: "not-from-a-store" })),
      ),
  },
  "CC-RUN-07": {
    stack: "staging",
    on: /erp-berhan-staging-task/,
    change: (rs) =>
      mutate(rs, TD, /erp-berhan/, (p) =>
        container(p, (c) => (c.secrets = c.secrets.filter((s) => s.name !== "JWT_SECRET"))),
      ),
  },
  "CC-RUN-08": {
    stack: "staging",
    on: /erp-berhan-staging-task/,
    change: (rs) =>
      mutate(rs, "aws:cloudwatch/logGroup:LogGroup", /erp-berhan/, (p) => (p.retentionInDays = 7)),
  },
  "CC-RUN-09": {
    stack: "production",
    on: /erp-berhan-production-http-redirect/,
    change: (rs) =>
      mutate(
        rs,
        "aws:lb/listener:Listener",
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
    change: (rs) =>
      mutate(
        rs,
        "aws:ecs/service:Service",
        /erp-berhan/,
        (p) => (p.networkConfiguration.assignPublicIp = true),
      ),
  },
  "CC-OBS-01": {
    stack: "production",
    on: /erp-berhan-production-service/,
    change: (rs) => rs.filter((r) => !/erp-berhan-production-observability-latency/.test(r.name)),
  },
  "CC-OBS-02": {
    stack: "production",
    on: /erp-berhan-production-service/,
    change: (rs) =>
      mutate(rs, "aws:cloudwatch/dashboard:Dashboard", /erp-berhan/, (p) =>
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
    change: (rs) =>
      mutate(
        rs,
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        /erp-berhan-production-observability-error-budget/,
        (p) => (p.tags["error-budget-percent"] = "5"),
      ),
  },
  "CC-OBS-04": {
    stack: "production",
    on: /erp-berhan-production-logs/,
    change: (rs) => mutate(rs, "aws:cloudwatch/logGroup:LogGroup", /erp-berhan/, (p) => delete p.tags.owner),
  },
  "CC-FLAG-01": {
    stack: "production",
    on: /erp-berhan-production-flags-flags/,
    change: (rs) =>
      mutate(rs, HCV, /erp-berhan/, (p) => flagValues(p, (v) => delete v.telegram_bot_v2.owner)),
  },
  "CC-FLAG-02": {
    stack: "staging",
    on: /erp-berhan-staging-flags-flags/,
    change: (rs) =>
      mutate(rs, HCV, /erp-berhan/, (p) =>
        flagValues(p, (v) => (v.telegram_bot_v2.removalDate = "2026-11-01")),
      ),
  },
  "CC-FLAG-03": {
    stack: "production",
    on: /erp-berhan-production-flags-flags/,
    change: (rs) =>
      mutate(rs, HCV, /erp-berhan/, (p) => flagValues(p, (v) => (v.telegram_bot_v2.enabled = true))),
  },
  "CC-PAR-01": {
    stack: "production",
    on: /erp-berhan-production-task/,
    change: (rs) =>
      mutate(rs, REF, /staging-profile/, (p) =>
        Object.assign(stagingApp(p, "erp-berhan"), {
          digest: `sha256:${"1".repeat(64)}`,
          knownDigests: [`sha256:${"1".repeat(64)}`],
        }),
      ),
  },
  "CC-PAR-02": {
    stack: "production",
    on: /erp-berhan-production-task/,
    change: (rs) =>
      mutate(
        rs,
        REF,
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
    change: (rs) => mutate(rs, REF, /staging-profile/, (p) => (stagingApp(p, "erp-berhan").port = 9000)),
  },
};

describe("policy rules on the program's real resources", function () {
  let stacks: Record<string, RealStack>;
  before(async () => {
    stacks = await realStacks();
    const image = stacks.staging.resources.find(
      (r) => r.type === "docker-build:index:Image" && /erp-berhan/.test(r.name),
    )!;
    MUTATIONS["CC-ART-05"].change = (rs) => [...rs, structuredClone(image)];
  });

  for (const stack of ["staging", "production"]) {
    it(`${stack}: every rule passes or does not apply, and nothing is unknown`, () => {
      const results = run(stacks[stack]);
      assert.deepEqual(failures(results), []);
      assert.ok(results.filter((r) => r.status === "pass").length > 100);
      assert.deepEqual(
        results.filter((r) => /known during preview|secret, hidden/.test(r.message)),
        [],
      );
    });
  }

  it("every rule has a pass on one of the stacks", () => {
    const passed = new Set(
      ["staging", "production"].flatMap((s) =>
        run(stacks[s])
          .filter((r) => r.status === "pass")
          .map((r) => r.ruleId),
      ),
    );
    assert.deepEqual(
      RULES.map((r) => r.id).filter((id) => !passed.has(id)),
      [],
    );
  });

  it("has a mutation for every rule but CC-WAIVE-01 (tested on config, below)", () => {
    assert.deepEqual(
      Object.keys(MUTATIONS).sort(),
      RULES.map((r) => r.id)
        .filter((id) => id !== "CC-WAIVE-01")
        .sort(),
    );
  });

  for (const [id, m] of Object.entries(MUTATIONS)) {
    it(`${id}: one change makes exactly this rule fail`, () => {
      const s = stacks[m.stack];
      const before = new Set(failures(run(s)));
      const after = failures(run(s, m.change(s.resources))).filter((f) => !before.has(f));
      assert.ok(after.length > 0, `${id} did not fail`);
      assert.deepEqual(
        [...new Set(after.map((f) => f.split(" ")[0]))],
        [id],
        `new failures: ${after.join(", ")}`,
      );
      assert.ok(
        after.some((f) => m.on.test(f)),
        `${id} failed on ${after.join(", ")}, expected ${m.on}`,
      );
    });
  }

  it("CC-WAIVE-01: an incomplete waiver fails and waives nothing; a complete one passes", () => {
    const s = stacks.production;
    const fixed = MUTATIONS["CC-BR-07"].change(s.resources);
    const config = (waiver: Record<string, unknown>) => ({
      ...s.config,
      "CC-BR-07-no-bypass": { ...s.config["CC-BR-07-no-bypass"], waivers: [waiver] },
      "CC-WAIVE-01-waivers-valid": { ...s.config["CC-WAIVE-01-waivers-valid"], waivers: [waiver] },
    });
    const valid = {
      ruleId: "CC-BR-07",
      resource: "erp-berhan-governance-repo",
      reason: "release bot needs a bypass during migration",
      owner: "mathieu",
      expires: "2026-12-31",
    };
    const ok = run(s, fixed, config(valid));
    assert.deepEqual(failures(ok), []);
    const waived = ok.filter((r) => r.status === "waived");
    assert.deepEqual(
      waived.map((r) => `${r.ruleId} ${r.resource?.name}`),
      ["CC-BR-07 erp-berhan-governance-repo"],
    );
    assert.deepEqual(waived[0].waiver, { reason: valid.reason, owner: "mathieu", expires: "2026-12-31" });
    assert.equal(ok.find((r) => r.ruleId === "CC-WAIVE-01")?.status, "pass");

    const noOwner: Record<string, unknown> = { ...valid };
    delete noOwner.owner;
    for (const bad of [noOwner, { ...valid, expires: "2026-11-20" }, { ...valid, reason: "because" }]) {
      const res = run(s, fixed, config(bad));
      assert.deepEqual(
        failures(res).sort(),
        ["CC-BR-07 erp-berhan-governance-repo", "CC-WAIVE-01 (stack)"],
        JSON.stringify(bad),
      );
    }
  });

  it("a waiver expires at the end of its expiry day", () => {
    const s = stacks.production;
    const w = {
      ruleId: "CC-BR-07",
      resource: "*erp-berhan*",
      reason: "release bot needs a bypass during migration",
      owner: "mathieu",
      expires: "2026-11-21",
    };
    const config = {
      ...s.config,
      "CC-BR-07-no-bypass": { waivers: [w] },
      "CC-WAIVE-01-waivers-valid": { waivers: [w] },
    };
    const fixed = MUTATIONS["CC-BR-07"].change(s.resources);
    assert.equal(
      run(s, fixed, config, NOW).find(
        (r) => r.ruleId === "CC-BR-07" && r.resource?.name === "erp-berhan-governance-repo",
      )?.status,
      "waived",
    );
    assert.equal(
      run(s, fixed, config, new Date("2026-11-22T00:00:01Z")).find(
        (r) => r.ruleId === "CC-BR-07" && r.resource?.name === "erp-berhan-governance-repo",
      )?.status,
      "fail",
    );
  });

  it("classic branch protection is understood like a ruleset", () => {
    const s = stacks.production;
    const main = s.resources.find((r) => r.type === RULESET && /erp-berhan-governance-main/.test(r.name))!;
    const classic: PolicyResourceInput = {
      urn: main.urn
        .replace(RULESET, "github:index/branchProtection:BranchProtection")
        .replace(/::[^:]+$/, "::erp-berhan-main-protection"),
      type: "github:index/branchProtection:BranchProtection",
      name: "erp-berhan-main-protection",
      parent: main.parent,
      props: {
        repositoryId: "erp-berhan",
        pattern: "main",
        enforceAdmins: true,
        allowsDeletions: false,
        allowsForcePushes: false,
        requiredStatusChecks: [{ strict: true, contexts: ["style", "unit", "smoke"] }],
        requiredPullRequestReviews: [{ requiredApprovingReviewCount: 1, dismissStaleReviews: true }],
      },
    };
    const swapped = [...s.resources.filter((r) => r !== main), classic];
    assert.deepEqual(failures(run(s, swapped)), []);
    const lax = swapped.map((r) =>
      r === classic ? { ...r, props: { ...r.props, enforceAdmins: false, allowsForcePushes: true } } : r,
    );
    assert.deepEqual(failures(run(s, lax)).sort(), [
      "CC-BR-06 erp-berhan-governance-repo",
      "CC-BR-07 erp-berhan-governance-repo",
    ]);
  });

  it("values unknown during preview give not-applicable with the reason, never a failure", () => {
    const s = stacks.production;
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    let rs = mutate(s.resources, TD, /erp-berhan/, (p) => (p.containerDefinitions = unknown));
    rs = mutate(
      rs,
      "aws:iam/role:Role",
      /erp-berhan-production-environment-deploy-role/,
      (p) => (p.assumeRolePolicy = "[unknown]"),
    );
    rs = mutate(rs, RULESET, /erp-berhan-governance-main/, (p) => (p.rules = unknown));
    const results = run(s, rs);
    assert.deepEqual(failures(results), []);
    const na = results.filter(
      (r) => r.status === "not-applicable" && /can't be known during preview/.test(r.message),
    );
    for (const id of [
      "CC-ART-06",
      "CC-RUN-02",
      "CC-RUN-05",
      "CC-PAR-01",
      "CC-ENV-06",
      "CC-BR-02",
      "CC-BR-07",
    ])
      assert.ok(
        na.some((r) => r.ruleId === id),
        `${id} not-applicable: ${na.map((r) => r.ruleId).join(",")}`,
      );
  });

  it("CC-ENV-04 reports a secret stored in plain text when the input marks secrets", () => {
    const s = stacks.staging;
    const marked = mutate(
      s.resources,
      "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
      /erp-berhan/,
      (p) => (p.value = "[secret]"),
    );
    const base = { stack: "staging", config: s.config, now: NOW, secretsMarked: true };
    const ok = evaluate(marked, base).filter(
      (r) => r.ruleId === "CC-ENV-04" && /erp-berhan-staging-environment-secret/.test(r.resource?.name ?? ""),
    );
    assert.deepEqual(
      ok.map((r) => r.status),
      ["pass"],
    );
    const plain = mutate(
      marked,
      "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
      /erp-berhan/,
      (p) => (p.value = "[plaintext]"),
    );
    const bad = evaluate(plain, base).filter(
      (r) => r.status === "fail" && /erp-berhan/.test(r.resource?.name ?? ""),
    );
    assert.deepEqual(
      bad.map((r) => r.ruleId),
      ["CC-ENV-04"],
    );
    assert.match(bad[0].message, /plain text/);
  });

  it("a disabled rule gives one not-applicable result and no failure", () => {
    const s = stacks.production;
    const rs = MUTATIONS["CC-BR-05"].change(s.resources);
    const config = {
      ...s.config,
      "CC-BR-05-delete-branch-on-merge": { enforcementLevel: "disabled" as const },
    };
    const res = run(s, rs, config).filter((r) => r.ruleId === "CC-BR-05");
    assert.deepEqual(
      res.map((r) => [r.status, r.message]),
      [["not-applicable", "rule disabled by policy config"]],
    );
  });
});
