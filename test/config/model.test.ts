import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError, parseStackConfig, RawStackConfig } from "../../src/config/model";
import { readStackFile } from "../../src/config/sources";
import { ROOT } from "../helpers";

const TODAY = new Date("2026-11-21T00:00:00Z");

/** The raw config of a repository stack file, deep-copied so each test can break it. */
function rawOf(stack: string): RawStackConfig {
  return structuredClone(readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`)).raw);
}

function problemsOf(stack: string, raw: RawStackConfig): ConfigError {
  try {
    parseStackConfig(stack, raw, { today: TODAY, source: `Pulumi.${stack}.yaml` });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail("config was accepted");
}

describe("config model", () => {
  it("accepts both repository stack files and applies defaults", () => {
    for (const stack of ["staging", "production"]) {
      const model = parseStackConfig(stack, rawOf(stack), { today: TODAY });
      assert.equal(model.environment, stack);
      assert.deepEqual(
        model.apps.map((a) => a.name),
        ["erp-berhan", "menu-optimizer"],
      );
      const erp = model.apps[0];
      assert.deepEqual(erp.runtime.health, {
        readinessPath: "/readyz",
        healthPath: "/healthz",
        versionPath: "/version",
        container: { intervalSeconds: 15, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 60 },
      });
      assert.deepEqual(erp.runtime.scratchPaths, ["/tmp"]);
      assert.equal(erp.image.public, false);
      const menu = model.apps[1];
      assert.equal(menu.runtime.health.readinessPath, "/_stcore/health", "Streamlit's own health endpoint");
      assert.deepEqual(menu.runtime.stickiness, { enabled: true, durationSeconds: 86_400 });
      assert.deepEqual(erp.runtime.secrets, [
        "DATABASE_URL",
        "REDIS_URL",
        "JWT_SECRET",
        "TELEGRAM_BOTS_JSON",
      ]);
      assert.deepEqual(erp.image.platforms, ["linux/amd64", "linux/arm64"]);
    }
  });

  const cases: Array<{
    what: string;
    stack: string;
    mutate: (raw: any) => void;
    key: string;
    message: RegExp;
  }> = [
    {
      what: "a port of the wrong type",
      stack: "staging",
      mutate: (r) => (r.apps[0].runtime.port = "eighty"),
      key: "cicd-constitution:apps[0].runtime.port",
      message: /expected an integer port, found "eighty"/,
    },
    {
      what: "a missing required key",
      stack: "staging",
      mutate: (r) => delete r.apps[1].runtime.domain,
      key: "cicd-constitution:apps[1].runtime.domain",
      message: /expected a lowercase DNS name such as app\.example\.com, found \(missing\)/,
    },
    {
      what: "an image outside GHCR",
      stack: "staging",
      mutate: (r) => (r.apps[0].image.repository = "docker.io/surlefeu/erp-berhan"),
      key: "cicd-constitution:apps[0].image.repository",
      message:
        /expected a GHCR repository ghcr\.io\/OWNER\/NAME \(lowercase\), found "docker\.io\/surlefeu\/erp-berhan"/,
    },
    {
      what: "a short git SHA",
      stack: "staging",
      mutate: (r) => (r.apps[0].image.build.gitSha = "3f9c2a7"),
      key: "cicd-constitution:apps[0].image.build.gitSha",
      message: /expected a full 40-character lowercase git SHA, found "3f9c2a7"/,
    },
    {
      what: "an unknown key (a typo)",
      stack: "production",
      mutate: (r) => (r.apps[0].runtime.desiredCuont = 3),
      key: "cicd-constitution:apps[0].runtime.desiredCuont",
      message: /expected no unknown key: did you mean "desiredCount"\?, found an unknown key "desiredCuont"/,
    },
    {
      what: "a Fargate memory size that does not fit the CPU",
      stack: "production",
      mutate: (r) => (r.apps[1].runtime.memoryMiB = 512),
      key: "cicd-constitution:apps[1].runtime.memoryMiB",
      message: /expected a Fargate memory size for 1024 CPU units: 2048, 3072, .* MiB, found 512/,
    },
    {
      what: "duplicate app names",
      stack: "production",
      mutate: (r) => (r.apps[1].name = "erp-berhan"),
      key: "cicd-constitution:apps[1].name",
      message: /expected a unique app name \(apps\[0\] has the same name\), found "erp-berhan"/,
    },
    {
      what: "a flag removal date in the past",
      stack: "staging",
      mutate: (r) => (r.apps[0].flags[0].removalDate = "2026-01-31"),
      key: "cicd-constitution:apps[0].flags[0].removalDate",
      message: /expected a planned removal date not before today \(2026-11-21\).*found "2026-01-31"/,
    },
    {
      what: "a production app with neither a pinned digest nor a staging reference",
      stack: "production",
      mutate: (r) => delete r.promotion,
      key: "cicd-constitution:apps[0].image.provenance",
      message: /expected the digest's provenance \(gitSha, date, actor\), or promotion\.stagingStack/,
    },
    {
      what: "a production stack that builds",
      stack: "production",
      mutate: (r) =>
        (r.apps[1].image.build = { gitSha: "a".repeat(40), date: "2026-11-20T10:00:00Z", actor: "x" }),
      key: "cicd-constitution:apps[1].image.build",
      message:
        /no build in production: it builds nothing and promotes the digest staging built \(CC-ART-05\)/,
    },
    {
      what: "a variable the runtime sets itself",
      stack: "staging",
      mutate: (r) => (r.apps[0].runtime.environmentVariables.APP_ENV = "prod"),
      key: "cicd-constitution:apps[0].runtime.environmentVariables.APP_ENV",
      message:
        /expected no variable the runtime sets itself \(APP_ENV, BUILD_SHA, BUILD_DATE, BUILD_ACTOR, PORT, APPCONFIG_APPLICATION_ID, APPCONFIG_ENVIRONMENT_ID, APPCONFIG_PROFILE_ID\), found "APP_ENV"/,
    },
    {
      what: "a required check listed twice",
      stack: "production",
      mutate: (r) => (r.apps[1].requiredChecks = ["style", "unit", "style"]),
      key: "cicd-constitution:apps[1].requiredChecks[2]",
      message: /expected each check once, found "style"/,
    },
    {
      what: "more production reviewers than GitHub allows",
      stack: "production",
      mutate: (r) => (r.apps[0].reviewers = { users: ["a1", "a2", "a3", "a4", "a5"], teams: ["t1", "t2"] }),
      key: "cicd-constitution:apps[0].reviewers",
      message: /expected at most 6 users and teams together \(GitHub's limit\), found 7/,
    },
    {
      what: "a lone production reviewer, who could not approve the runs they start",
      stack: "production",
      mutate: (r) => (r.apps[1].reviewers = { users: ["mathieu"] }),
      key: "cicd-constitution:apps[1].reviewers",
      message:
        /expected two or more users, or a team: production prevents self-review.*found \{"users":\["mathieu"\],"teams":\[\]\}/,
    },
    {
      what: "an environment secret named like a deploy variable",
      stack: "staging",
      mutate: (r) => (r.apps[0].environmentSecrets = ["PULUMI_ACCESS_TOKEN", "AWS_REGION"]),
      key: "cicd-constitution:apps[0].environmentSecrets[1]",
      message: /expected a name other than the deploy variables the program sets .*found "AWS_REGION"/,
    },
  ];

  for (const c of cases) {
    it(`rejects ${c.what}, naming stack, key, expected and found`, () => {
      const raw = rawOf(c.stack);
      c.mutate(raw);
      const err = problemsOf(c.stack, raw);
      const problem = err.problems.find((p) => p.key === c.key);
      assert.ok(problem, `no problem for ${c.key}; got ${err.problems.map((p) => p.key).join(", ")}`);
      assert.match(
        err.message,
        new RegExp(`^Invalid config for stack "${c.stack}" \\(Pulumi\\.${c.stack}\\.yaml\\)`),
      );
      assert.match(err.message, c.message);
    });
  }

  it("lists every problem at once", () => {
    const raw = rawOf("staging") as any;
    raw.apps[0].runtime.port = 0;
    raw.apps[1].image.repository = "ghcr.io/UPPER/case";
    raw.network.vpcId = "vpc-nothex!";
    const err = problemsOf("staging", raw);
    assert.deepEqual(err.problems.map((p) => p.key).sort(), [
      "cicd-constitution:apps[0].runtime.port",
      "cicd-constitution:apps[1].image.repository",
      "cicd-constitution:network.vpcId",
    ]);
  });

  it("never prints a secret value in an error", () => {
    const raw = rawOf("staging") as any;
    raw.secrets = { "erp-berhan": { JWT_SECRET: 12345678 } };
    const err = problemsOf("staging", raw);
    assert.ok(
      err.problems.some(
        (p) => p.key === "cicd-constitution:secrets.erp-berhan.JWT_SECRET" && p.found === "[secret]",
      ),
    );
    assert.doesNotMatch(err.message, /12345678/);
  });

  it("readStackFile keeps structured values exactly as the YAML holds them", () => {
    const onDisk = parse(fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8")).config;
    assert.deepEqual(rawOf("staging").apps, onDisk["cicd-constitution:apps"]);
  });
});

describe("config model: build actors", () => {
  it("accepts a GitHub App's bot login as the build actor (a Dependabot merge builds staging)", () => {
    const raw = structuredClone(readStackFile(path.join(ROOT, "Pulumi.staging.yaml")).raw) as any;
    raw.apps[0].image.build.actor = "dependabot[bot]";
    const model = parseStackConfig("staging", raw, { today: TODAY });
    assert.equal(model.apps[0].image.build!.actor, "dependabot[bot]");
  });

  it("rejects anything else that is not a login", () => {
    const raw = structuredClone(readStackFile(path.join(ROOT, "Pulumi.staging.yaml")).raw) as any;
    raw.apps[0].image.build.actor = "dependabot[app]";
    assert.throws(
      () => parseStackConfig("staging", raw, { today: TODAY }),
      /apps\[0\]\.image\.build\.actor: expected a GitHub login or a bot login such as dependabot\[bot\], found "dependabot\[app\]"/,
    );
  });
});

describe("config model: GitHub plan awareness (never a silent skip)", () => {
  const raw = (stack: string) =>
    structuredClone(readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`)).raw) as any;

  it("githubPlan team with private repositories: production reviewers need Enterprise, named per repository", () => {
    const r = raw("production");
    r.githubPlan = "team";
    const err = problemsOf("production", r);
    assert.deepEqual(
      err.problems.map((p) => p.key),
      [
        "cicd-constitution:apps[0].repository.visibility",
        "cicd-constitution:apps[1].repository.visibility",
        "cicd-constitution:infrastructure.repository.visibility",
      ],
    );
    assert.match(
      err.message,
      /apps\[0\]\.repository\.visibility: expected public, or githubPlan enterprise: required reviewers on the production environment of a private repository \(CC-ENV-02, the approval before production\) need GitHub Enterprise, found "private" with githubPlan "team"/,
    );
  });

  it("githubPlan team is enough for staging (environments and rulesets of private repositories)", () => {
    const r = raw("staging");
    r.githubPlan = "team";
    assert.equal(parseStackConfig("staging", r, { today: TODAY }).githubPlan, "team");
  });

  it("githubPlan free: private repositories get neither rulesets nor environments", () => {
    const r = raw("staging");
    r.githubPlan = "free";
    assert.match(
      problemsOf("staging", r).message,
      /apps\[0\]\.repository\.visibility: expected public, or githubPlan team or enterprise: rulesets \(CC-BR-01\) and environments \(CC-ENV-01\) of private repositories need a paid plan/,
    );
  });

  it("public repositories work on every plan; internal ones need Enterprise", () => {
    const r = raw("production");
    r.githubPlan = "free";
    for (const a of r.apps) a.repository.visibility = "public";
    r.infrastructure.repository.visibility = "public";
    assert.equal(parseStackConfig("production", r, { today: TODAY }).githubPlan, "free");
    r.githubPlan = "team";
    r.apps[0].repository.visibility = "internal";
    assert.match(
      problemsOf("production", r).message,
      /apps\[0\]\.repository\.visibility: expected private or public: internal repositories exist only on GitHub Enterprise/,
    );
  });
});

describe("config model: ConfigError keeps Error.stack", () => {
  it("the stack's name is stackName; Error.stack stays the trace the Pulumi SDK prints", () => {
    const err = new ConfigError("staging", [{ key: "cicd-constitution:x", expected: "y", found: "z" }]);
    assert.equal(err.stackName, "staging");
    assert.equal(typeof err.stack, "string");
    assert.match(err.stack!, /^ConfigError: Invalid config for stack "staging"/);
  });
});

describe("config model: lists that are sets", () => {
  const raw = () => structuredClone(readStackFile(path.join(ROOT, "Pulumi.production.yaml")).raw) as any;
  const cases: Array<[string, (r: any) => void, string]> = [
    [
      "a reviewer twice (case-insensitive)",
      (r) => (r.apps[0].reviewers.users = ["mathieu", "Mathieu"]),
      "apps[0].reviewers.users[1]",
    ],
    ["a team twice", (r) => (r.apps[0].reviewers.teams = ["a-team", "a-team"]), "apps[0].reviewers.teams[1]"],
    [
      "a runtime secret twice",
      (r) => r.apps[1].runtime.secrets.push("DATABASE_URL"),
      "apps[1].runtime.secrets[1]",
    ],
    [
      "an environment secret twice",
      (r) => r.apps[0].environmentSecrets.push("PULUMI_ACCESS_TOKEN"),
      "apps[0].environmentSecrets[1]",
    ],
    [
      "a check twice in this repository's",
      (r) => r.infrastructure.requiredChecks.push("unit"),
      "infrastructure.requiredChecks[3]",
    ],
  ];
  for (const [what, change, key] of cases) {
    it(`fails on ${what}, naming the repeated entry`, () => {
      const r = raw();
      change(r);
      assert.deepEqual(
        problemsOf("production", r).problems.map((p) => p.key),
        [`cicd-constitution:${key}`],
      );
    });
  }
});
