/**
 * The config model at its boundaries (docs/PROOFS.md section 4): port and size limits, Fargate sizes, dates against
 * "today", how each kind of problem is worded (key, expected, found), and the error's summary line.
 */
import { strict as assert } from "node:assert";
import { formatPath, parseStackConfig } from "../../src/config/model";
import { one, parsed, problems, rawOf, TODAY } from "./configFixtures";

describe("config model boundaries", () => {
  it("ports: 1 and 65535 are accepted, 0 and 65536 are not", () => {
    assert.equal(parsed((r) => (r.apps[0].runtime.port = 1)).apps[0].runtime.port, 1);
    assert.equal(parsed((r) => (r.apps[0].runtime.port = 65535)).apps[0].runtime.port, 65535);
    assert.deepEqual(
      problems((r) => (r.apps[0].runtime.port = 0)),
      one("apps[0].runtime.port", "a value >= 1", "0"),
    );
    assert.deepEqual(
      problems((r) => (r.apps[0].runtime.port = 65536)),
      one("apps[0].runtime.port", "a value <= 65535", "65536"),
    );
    assert.deepEqual(
      problems((r) => (r.apps[0].runtime.port = 80.5)),
      one("apps[0].runtime.port", "an integer port", "80.5"),
    );
  });

  it("Fargate sizes: memory must fit the CPU size", () => {
    const size = (cpu: unknown, memoryMiB: unknown) =>
      problems((r) => Object.assign(r.apps[0].runtime, { cpu, memoryMiB }));
    assert.deepEqual(size(256, 512), []);
    assert.deepEqual(size(256, 2048), []);
    assert.deepEqual(size(2048, 16384), []);
    assert.deepEqual(size(4096, 30720), []);
    assert.deepEqual(
      size(256, 4096),
      one(
        "apps[0].runtime.memoryMiB",
        "a Fargate memory size for 256 CPU units: 512, 1024, 2048 MiB",
        "4096",
      ),
    );
    assert.deepEqual(size(4096, 31744)[0].key, "cicd-constitution:apps[0].runtime.memoryMiB");
    assert.deepEqual(
      size(300, 1024),
      one("apps[0].runtime.cpu", "Fargate CPU units: 256, 512, 1024, 2048, 4096, 8192, 16384", "300"),
    );
    assert.deepEqual(size(512, 0), [
      ...one("apps[0].runtime.memoryMiB", "a value > 0", "0"),
      ...one(
        "apps[0].runtime.memoryMiB",
        "a Fargate memory size for 512 CPU units: 1024, 2048, 3072, 4096 MiB",
        "0",
      ),
    ]);
    const model = parsed((r) => {
      delete r.apps[0].runtime.cpu;
      delete r.apps[0].runtime.memoryMiB;
    });
    assert.deepEqual([model.apps[0].runtime.cpu, model.apps[0].runtime.memoryMiB], [512, 1024]);
  });

  it("numbers: inclusive and exclusive bounds are worded as such", () => {
    assert.deepEqual(
      problems((r) => (r.apps[0].requiredApprovals = 11)),
      one("apps[0].requiredApprovals", "a value <= 10", "11"),
    );
    assert.deepEqual(
      problems((r) => (r.apps[0].observability = { errorBudgetPercent: 0 })),
      one("apps[0].observability.errorBudgetPercent", "a value > 0", "0"),
    );
    assert.deepEqual(
      problems((r) => (r.apps[0].runtime.desiredCount = -1)),
      one("apps[0].runtime.desiredCount", "a value >= 0", "-1"),
    );
    assert.deepEqual(
      problems((r) => (r.apps[0].runtime.healthCheckGracePeriodSeconds = "60")),
      one("apps[0].runtime.healthCheckGracePeriodSeconds", "a value of type number", '"60"'),
    );
    assert.deepEqual(
      problems((r) => (r.apps[0].runtime.logRetentionDays = 31)),
      one(
        "apps[0].runtime.logRetentionDays",
        "one of the CloudWatch retention periods 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        "31",
      ),
    );
  });

  it("lists: minimum sizes, singular and plural", () => {
    assert.deepEqual(
      problems((r) => (r.network.publicSubnetIds = ["subnet-0123456789abcdef0"])),
      one("network.publicSubnetIds", "at least 2 items", '["subnet-0123456789abcdef0"]'),
    );
    assert.deepEqual(
      problems((r) => (r.apps[0].requiredChecks = [])),
      one("apps[0].requiredChecks", "at least 1 item", "[]"),
    );
    assert.deepEqual(
      problems((r) => (r.apps = [])),
      one("apps", "at least 1 item", "[]"),
    );
  });

  it("enums, unknown keys, missing keys, secrets and long values are rendered for the reader", () => {
    assert.deepEqual(
      problems((r) => (r.environment = "dev")),
      one("environment", 'one of "staging", "production"', '"dev"'),
    );
    assert.deepEqual(
      problems((r) => (r.apps[0].runtime.desiredCuont = 2)),
      one(
        "apps[0].runtime.desiredCuont",
        'no unknown key: did you mean "desiredCount"?',
        'an unknown key "desiredCuont"',
      ),
    );
    assert.deepEqual(
      problems((r) => delete r.certificateArn),
      one("certificateArn", "an ACM certificate ARN", "(missing)"),
    );
    assert.deepEqual(
      problems((r) => (r.ghcrToken = 12345678)),
      one("ghcrToken", "a value of type string", "[secret]"),
    );
    assert.deepEqual(
      problems((r) => (r.ghcrToken = 12345678), "staging", new Set(["secrets"])),
      one("ghcrToken", "a value of type string", "12345678"),
    );
    const long = "x".repeat(79);
    assert.deepEqual(problems((r) => (r.githubOwner = long))[0].found, `"${"x".repeat(76)}...`);
    const fits = "x".repeat(78);
    assert.deepEqual(problems((r) => (r.githubOwner = fits))[0].found, `"${fits}"`);
    assert.deepEqual(
      problems((r) => (r.network = "vpc-1")),
      one("network", "a value of type object", '"vpc-1"'),
    );
    assert.deepEqual(
      problems((r) => (r.network.vpcId = { id: "vpc" })),
      one("network.vpcId", "a VPC id vpc-<hex>", '{"id":"vpc"}'),
    );
    assert.deepEqual(
      problems((r) => (r.apps[0].image = "ghcr.io/acme/erp")),
      one("apps[0].image", "a value of type object", '"ghcr.io/acme/erp"'),
    );
  });

  it("a path through a non-object reports the value as missing", () => {
    assert.deepEqual(
      problems((r) => (r.apps[0].runtime.health = null)),
      one("apps[0].runtime.health", "a value of type object", "null"),
    );
    assert.deepEqual(
      problems((r) => (r.apps[0].reviewers = { users: "octocat" })),
      one("apps[0].reviewers.users", "a value of type array", '"octocat"'),
    );
  });

  it("dates: removal today is fine, yesterday is not; impossible dates are refused", () => {
    const removal = (d: string) =>
      problems((r) => (r.apps[0].flags = [{ ...r.apps[0].flags[0], removalDate: d }]));
    assert.deepEqual(removal("2026-11-21"), []);
    assert.deepEqual(
      removal("2026-11-20"),
      one(
        "apps[0].flags[0].removalDate",
        "a planned removal date not before today (2026-11-21); remove the flag or re-plan it",
        '"2026-11-20"',
      ),
    );
    for (const impossible of ["2026-12-32", "2027-02-30", "2027-04-31"]) {
      assert.deepEqual(
        removal(impossible),
        one("apps[0].flags[0].removalDate", "a real calendar date YYYY-MM-DD", JSON.stringify(impossible)),
        impossible,
      );
    }
    assert.deepEqual(removal("2028-02-29"), [], "a leap day is a real date");
    // One problem per value: a value that is not YYYY-MM-DD is not also called an unreal date.
    assert.deepEqual(
      removal("21/11/2026"),
      one("apps[0].flags[0].removalDate", "a date YYYY-MM-DD", '"21/11/2026"'),
    );
  });

  it("duplicate flag names, reserved variables, variables also declared secret", () => {
    assert.deepEqual(
      problems((r) => (r.apps[0].flags = [r.apps[0].flags[0], r.apps[0].flags[0], r.apps[0].flags[0]])).map(
        (p) => p.key,
      ),
      ["cicd-constitution:apps[0].flags[1].name", "cicd-constitution:apps[0].flags[2].name"],
    );
    const dup = problems((r) => (r.apps[0].flags = [r.apps[0].flags[0], r.apps[0].flags[0]]));
    assert.deepEqual(dup[0].expected, "a flag name unique within the app");
    const both = problems((r) => {
      r.apps[0].runtime.environmentVariables = { ...r.apps[0].runtime.environmentVariables, JWT_SECRET: "x" };
      r.apps[0].runtime.secrets = ["JWT_SECRET"];
    });
    assert.deepEqual(
      both,
      one(
        "apps[0].runtime.environmentVariables.JWT_SECRET",
        "JWT_SECRET only once: it is declared as a secret in runtime.secrets",
        "a plain value too",
      ),
    );
    const reserved = problems((r) => (r.apps[1].runtime.environmentVariables = { APP_ENV: "prod" }));
    assert.equal(reserved.length, 1);
    assert.equal(reserved[0].key, "cicd-constitution:apps[1].runtime.environmentVariables.APP_ENV");
    assert.equal(reserved[0].found, '"APP_ENV"');
    assert.match(reserved[0].expected, /^no variable the runtime sets itself \(APP_ENV, BUILD_SHA, /);
    const reservedSecret = problems((r) => (r.apps[1].runtime.secrets = ["DATABASE_URL", "APP_ENV"]));
    assert.deepEqual(
      reservedSecret.map((p) => [p.key, p.found]),
      [["cicd-constitution:apps[1].runtime.secrets[1]", '"APP_ENV"']],
    );
    assert.match(reservedSecret[0].expected, /^no secret named like a variable the runtime sets itself/);
  });

  it("a renamed key gets an error naming the new one: runtime.environment is runtime.environmentVariables", () => {
    const moved = problems((r) => {
      r.apps[0].runtime.environment = r.apps[0].runtime.environmentVariables;
      delete r.apps[0].runtime.environmentVariables;
    });
    assert.deepEqual(
      moved.map((p) => [p.key, p.found]),
      [["cicd-constitution:apps[0].runtime.environment", 'an unknown key "environment"']],
    );
    assert.match(moved[0].expected, /^runtime\.environmentVariables instead/);
  });

  it("a removed key gets an error naming what replaces it: runtime.health.livenessPath", () => {
    const moved = problems((r) => (r.apps[0].runtime.health = { livenessPath: "/livez" }));
    assert.deepEqual(
      moved.map((p) => [p.key, p.found]),
      [["cicd-constitution:apps[0].runtime.health.livenessPath", 'an unknown key "livenessPath"']],
    );
    assert.match(moved[0].expected, /runtime\.health\.healthPath/);
  });

  it("reviewers: 6 users and teams together are accepted, 7 are not", () => {
    const reviewers = (users: number, teams: number) =>
      problems(
        (r) =>
          (r.apps[0].reviewers = {
            users: Array.from({ length: users }, (_, i) => `user${i}`),
            teams: Array.from({ length: teams }, (_, i) => `team${i}`),
          }),
      );
    assert.deepEqual(reviewers(4, 2), []);
    assert.deepEqual(
      reviewers(4, 3),
      one("apps[0].reviewers", "at most 6 users and teams together (GitHub's limit)", "7"),
    );
  });

  it("stack-level rules: unique app names, staging builds, production promotes", () => {
    assert.deepEqual(
      problems((r) => (r.apps[1].name = r.apps[0].name)),
      one("apps[1].name", "a unique app name (apps[0] has the same name)", '"erp-berhan"'),
    );
    assert.deepEqual(
      problems((r) => delete r.apps[1].image.build),
      one(
        "apps[1].image.build",
        "the app repository's commit to build { gitSha, date, actor }: staging builds each app once, from its own source",
        "(missing)",
      ),
    );
    const prod = rawOf("production");
    const build = (rawOf("staging").apps as any)[0].image.build;
    assert.deepEqual(
      problems((r) => (r.apps[0].image.build = build), "production"),
      one(
        "apps[0].image.build",
        "no build in production: it builds nothing and promotes the digest staging built (CC-ART-05)",
        `${JSON.stringify(build).slice(0, 77)}...`,
      ),
    );
    // The retired stack-level build named this repository's commit: refused, pointing at the per-app build.
    assert.deepEqual(
      problems((r) => (r.build = build)),
      one(
        "build",
        "no stack-level build: it named this repository's commit; each app builds from its own repository at apps[].image.build { gitSha, date, actor } (CC-ART-08)",
        `${JSON.stringify(build).slice(0, 77)}...`,
      ),
    );
    if (prod.promotion) {
      const noPromotion = problems((r) => {
        delete r.promotion;
        delete r.apps[0].image.digest;
        delete r.apps[0].image.provenance;
        r.apps[1].image.digest = `sha256:${"a".repeat(64)}`;
        delete r.apps[1].image.provenance;
      }, "production");
      assert.deepEqual(
        noPromotion.map((p) => [p.key, p.expected]),
        [
          [
            "cicd-constitution:apps[0].image.digest",
            "the digest staging built (sha256:<64 hex>), or promotion.stagingStack to read it from",
          ],
          [
            "cicd-constitution:apps[1].image.provenance",
            "the digest's provenance (gitSha, date, actor), or promotion.stagingStack to read it from",
          ],
        ],
      );
    }
  });

  it("the error names the stack, the source and the count", () => {
    const raw = rawOf("staging");
    raw.environment = "dev";
    assert.throws(
      () => parseStackConfig("staging", raw, { today: TODAY }),
      (e: Error) => {
        assert.equal(e.name, "ConfigError");
        assert.equal(
          e.message,
          'Invalid config for stack "staging" (stack config): 1 problem\n  - cicd-constitution:environment: expected one of "staging", "production", found "dev"',
        );
        return true;
      },
    );
    raw.githubOwner = "-";
    assert.throws(
      () => parseStackConfig("staging", raw, { today: TODAY, source: "Pulumi.staging.yaml" }),
      /^ConfigError: Invalid config for stack "staging" \(Pulumi\.staging\.yaml\): 2 problems\n {2}- /,
    );
  });

  it("formatPath writes pulumi config --path syntax", () => {
    assert.equal(formatPath(["apps", 0, "runtime", "port"]), "apps[0].runtime.port");
    assert.equal(formatPath([0, "a"]), "[0].a");
    assert.equal(formatPath(["secrets", "erp-berhan", "JWT_SECRET"]), "secrets.erp-berhan.JWT_SECRET");
    assert.equal(formatPath([]), "");
  });
});

describe("config model boundaries: messages in full", () => {
  it("lists every problem on its own line", () => {
    const raw = rawOf("staging");
    raw.environment = "dev";
    raw.githubOwner = "-";
    assert.throws(
      () => parseStackConfig("staging", raw, { today: TODAY }),
      (e: Error) => {
        assert.equal(e.message.split("\n").length, 3);
        assert.match(e.message.split("\n")[2], /^ {2}- cicd-constitution:githubOwner: expected /);
        return true;
      },
    );
  });

  it("production with a pinned digest and its provenance needs no staging reference", () => {
    const model = parsed((r) => {
      delete r.promotion;
      for (const app of r.apps) {
        app.image.digest = `sha256:${"a".repeat(64)}`;
        app.image.provenance = { gitSha: "a".repeat(40), date: "2026-11-20T10:00:00Z", actor: "mathieu" };
      }
    }, "production");
    assert.equal(model.promotion, undefined);
    assert.equal(model.apps[0].image.provenance?.actor, "mathieu");
  });

  it("this repository's write tokens need their staging values beside them: staging never holds production's", () => {
    const found = problems(
      (r) => (r.infrastructure.environmentSecrets = ["PULUMI_ACCESS_TOKEN", "GOVERNANCE_GITHUB_TOKEN"]),
      "production",
    );
    assert.deepEqual(
      found.map((p) => p.key),
      [
        "cicd-constitution:infrastructure.environmentSecrets",
        "cicd-constitution:infrastructure.environmentSecrets",
      ],
    );
    assert.match(found[0].expected, /^PULUMI_STAGING_TOKEN beside PULUMI_ACCESS_TOKEN/);
    assert.match(found[1].expected, /^GOVERNANCE_STAGING_TOKEN beside GOVERNANCE_GITHUB_TOKEN/);
    assert.deepEqual(
      problems((r) => r.infrastructure.environmentSecrets.push("EXTRA_TOKEN"), "production"),
      [],
    );
  });

  it("gate evidence comes from this project's staging stack and a verifier that is not every workflow's token", () => {
    const stack = problems((r) => (r.promotion = { stagingStack: "mallory/scratch/staging" }), "production");
    assert.deepEqual(
      stack.map((p) => p.key),
      ["cicd-constitution:promotion.stagingStack"],
    );
    const bot = problems((r) => (r.predeploy = { verifiers: ["github-actions[bot]"] }), "production");
    assert.deepEqual(
      bot.map((p) => p.key),
      ["cicd-constitution:predeploy.verifiers[0]"],
    );
  });

  it("one repository is governed by one app: a second app naming it is refused, naming both", () => {
    const found = problems((r) => (r.apps[1].repository = { ...r.apps[1].repository, name: "ERP-Berhan" }));
    assert.deepEqual(
      found.map((p) => p.key),
      ["cicd-constitution:apps[1].repository.name"],
    );
    assert.match(
      found[0].expected,
      /a repository no other app governs \(ERP-Berhan is already erp-berhan's\)/,
    );
    const infra = problems(
      (r) => (r.apps[1].repository = { ...r.apps[1].repository, name: "cicd-constitution" }),
      "production",
    );
    assert.ok(
      infra.some((p) => /is already this repository/.test(p.expected)),
      JSON.stringify(infra),
    );
  });

  it("an environment secret named like a deploy variable names them all", () => {
    const found = problems((r) => (r.apps[0].environmentSecrets = ["AWS_REGION"]));
    assert.equal(found.length, 1);
    assert.equal(found[0].key, "cicd-constitution:apps[0].environmentSecrets[0]");
    assert.match(
      found[0].expected,
      /^a name other than the deploy variables the program sets \(AWS_DEPLOY_ROLE_ARN, AWS_REGION, /,
    );
  });
});
