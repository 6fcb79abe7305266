/**
 * The checks across keys run on the parsed model (src/config/checks.ts), each with its exact problem: what the
 * GitHub plan cannot provide for a repository's visibility, lists that are sets, production reviewers who can
 * approve, this repository's staging tokens, pre-deploy overrides bounded to one gate, one app and a week, and
 * an app's health command, variables and deploy secrets.
 */
import { strict as assert } from "node:assert";
import { gateOverrideProblems } from "../../src/config/model";
import { one, problems, TODAY } from "./configFixtures";

const APPS = ["erp-berhan", "menu-optimizer"];
const DIGEST = `sha256:${"c".repeat(64)}`;
const GATES = [
  "PREDEPLOY-ERROR-BUDGET",
  "PREDEPLOY-STAGING-SOAK",
  "PREDEPLOY-DRIFT",
  "PREDEPLOY-ROLLBACK-TARGET",
];
const RULE_ID =
  "a gate an incident may lift (PREDEPLOY-ERROR-BUDGET, PREDEPLOY-STAGING-SOAK, PREDEPLOY-DRIFT, PREDEPLOY-ROLLBACK-TARGET); the others (staging verified, the pin, the checks) hold whatever the override says";
const RESOURCE =
  "one app of this stack (erp-berhan, menu-optimizer), no wildcard: an override lifts the freeze for one app";
const DIGEST_BOUND =
  "the digest the override is bound to, sha256:<64 hex> (or no digest: any digest of the app)";
const EXPIRES =
  "a date at most 7 days after today (2026-11-28): an override of a gate is for an incident, not for ever";
const BOUNDED = { ruleId: "PREDEPLOY-ERROR-BUDGET", resource: "erp-berhan", expires: "2026-11-28" };

describe("gateOverrideProblems: an override lifts one liftable gate, for one app, for at most a week", () => {
  const fields = (o: Record<string, unknown>, today = TODAY) =>
    gateOverrideProblems(o, today, APPS).map((p) => p.field);

  it("a bounded override has no problem, whichever gate it lifts, spaces around its values aside", () => {
    for (const ruleId of [...GATES, ` ${GATES[2]} `])
      assert.deepEqual(gateOverrideProblems({ ...BOUNDED, ruleId }, TODAY, APPS), [], ruleId);
    assert.deepEqual(fields({ ...BOUNDED, resource: " menu-optimizer ", expires: " 2026-11-28 " }), []);
    assert.deepEqual(fields({ ...BOUNDED, digest: DIGEST }), []);
    assert.deepEqual(fields({ ...BOUNDED, digest: ` ${DIGEST}\n` }), []);
  });

  it("a gate that holds whatever an override says, or none, is refused", () => {
    for (const ruleId of [
      "PREDEPLOY-STAGING-VERIFIED",
      "PREDEPLOY-DRIFTS",
      "predeploy-drift",
      "",
      null,
      undefined,
    ])
      assert.deepEqual(
        gateOverrideProblems({ ...BOUNDED, ruleId }, TODAY, APPS),
        [{ field: "ruleId", expected: RULE_ID }],
        String(ruleId),
      );
  });

  it("the resource is one app of the stack, no wildcard; a resource that is no string is the waiver check's", () => {
    for (const resource of ["*", "erp-*", "erp-berhan,menu-optimizer", ""])
      assert.deepEqual(
        gateOverrideProblems({ ...BOUNDED, resource }, TODAY, APPS),
        [{ field: "resource", expected: RESOURCE }],
        resource,
      );
    assert.deepEqual(fields({ ...BOUNDED, resource: 7 }), []);
  });

  it("the expiry is at most 7 days after today (UTC); an unreadable one is the waiver check's", () => {
    assert.deepEqual(gateOverrideProblems({ ...BOUNDED, expires: "2026-11-29" }, TODAY, APPS), [
      { field: "expires", expected: EXPIRES },
    ]);
    assert.deepEqual(fields({ ...BOUNDED, expires: " 2026-11-29\n" }), ["expires"], "spaces around it aside");
    assert.deepEqual(fields({ ...BOUNDED, expires: "2026-11-29" }, new Date("2026-11-21T23:59:59Z")), [
      "expires",
    ]);
    assert.deepEqual(fields({ ...BOUNDED, expires: "2026-11-28" }, new Date("2026-11-21T00:00:00Z")), []);
    assert.deepEqual(fields({ ...BOUNDED, expires: "2026-11-01" }), [], "an expired override is history");
    for (const expires of ["next week", "2026-11-31", 20261129, undefined])
      assert.deepEqual(fields({ ...BOUNDED, expires }), [], String(expires));
  });

  it("a digest, when there is one, is sha256:<64 hex>", () => {
    for (const digest of [
      DIGEST.slice(0, -1),
      `${DIGEST}c`,
      DIGEST.toUpperCase(),
      `x${DIGEST}`,
      `${DIGEST}x`,
      5,
      null,
    ])
      assert.deepEqual(
        gateOverrideProblems({ ...BOUNDED, digest }, TODAY, APPS),
        [{ field: "digest", expected: DIGEST_BOUND }],
        String(digest),
      );
  });

  it("every problem at once, in the order digest, ruleId, resource, expires", () => {
    assert.deepEqual(fields({ digest: "latest", ruleId: "X", resource: "*", expires: "2027-01-01" }), [
      "digest",
      "ruleId",
      "resource",
      "expires",
    ]);
  });
});

describe("semantic checks: pre-deploy overrides by key", () => {
  it("each problem names the override's field and shows its value", () => {
    const found = problems(
      (r) =>
        (r.predeploy.overrides = [
          { ...BOUNDED, reason: "incident 42", owner: "mathieu" },
          { ...BOUNDED, ruleId: "PREDEPLOY-PIN", resource: "*", reason: "x", owner: "y" },
        ]),
      "production",
    );
    assert.deepEqual(found, [
      ...one("predeploy.overrides[1].ruleId", RULE_ID, '"PREDEPLOY-PIN"'),
      ...one("predeploy.overrides[1].resource", RESOURCE, '"*"'),
    ]);
  });

  it("an override without a ruleId shows it as missing", () => {
    assert.deepEqual(
      problems(
        (r) => (r.predeploy.overrides = [{ resource: "erp-berhan", expires: "2026-11-22" }]),
        "production",
      ),
      one("predeploy.overrides[0].ruleId", RULE_ID, "(missing)"),
    );
  });
});

describe("semantic checks: what the GitHub plan provides for a repository's visibility", () => {
  const INTERNAL = "private or public: internal repositories exist only on GitHub Enterprise";
  const FREE =
    "public, or githubPlan team or enterprise: rulesets (CC-BR-01) and environments (CC-ENV-01) of private repositories need a paid plan, and their secret scanning (CC-BR-09) Team or Enterprise";
  const PRO =
    "public, or githubPlan team or enterprise: secret scanning and push protection (CC-BR-09) of private repositories need GitHub Secret Protection, sold for Team and Enterprise";
  const REVIEWERS =
    "public, or githubPlan enterprise: required reviewers on the production environment of a private repository (CC-ENV-02, the approval before production) need GitHub Enterprise";
  const plan = (githubPlan: string, visibility: string[], stack = "staging") =>
    problems((r) => {
      r.githubPlan = githubPlan;
      r.apps.forEach((a: any, i: number) => (a.repository.visibility = visibility[i]));
      if (r.infrastructure) r.infrastructure.repository.visibility = visibility[2];
    }, stack);
  const found = (v: string, p: string) => `"${v}" with githubPlan "${p}"`;

  it("public repositories need no paid plan", () => {
    assert.deepEqual(plan("free", ["public", "public"]), []);
    assert.deepEqual(plan("free", ["public", "public", "public"], "production"), []);
  });

  it("private repositories: free and pro are refused; team serves staging; production's reviewers need enterprise", () => {
    assert.deepEqual(
      plan("free", ["public", "private"]),
      one("apps[1].repository.visibility", FREE, found("private", "free")),
    );
    assert.deepEqual(
      plan("pro", ["private", "public"]),
      one("apps[0].repository.visibility", PRO, found("private", "pro")),
    );
    assert.deepEqual(plan("team", ["private", "private"]), []);
    assert.deepEqual(plan("enterprise", ["private", "private", "private"], "production"), []);
    assert.deepEqual(plan("team", ["private", "public", "public"], "production"), [
      ...one("apps[0].repository.visibility", REVIEWERS, found("private", "team")),
    ]);
    assert.deepEqual(
      plan("team", ["public", "public", "private"], "production"),
      one("infrastructure.repository.visibility", REVIEWERS, found("private", "team")),
    );
  });

  it("internal repositories exist only on enterprise, whatever else the plan lacks", () => {
    assert.deepEqual(plan("enterprise", ["internal", "internal"]), []);
    for (const p of ["free", "pro", "team"])
      assert.deepEqual(
        plan(p, ["public", "internal"]),
        one("apps[1].repository.visibility", INTERNAL, found("internal", p)),
        p,
      );
  });
});

describe("semantic checks: lists that are sets", () => {
  it("a repeated entry is a problem at its index, for an app's lists and this repository's", () => {
    const cases: Array<[string, (r: any) => void, string, string, string]> = [
      [
        "staging",
        (r) => (r.apps[1].requiredChecks = ["unit", "smoke", "unit"]),
        "apps[1].requiredChecks[2]",
        "each check once",
        '"unit"',
      ],
      [
        "staging",
        (r) => (r.apps[0].reviewers = { teams: ["sre", "sre"] }),
        "apps[0].reviewers.teams[1]",
        "each team once",
        '"sre"',
      ],
      [
        "staging",
        (r) => (r.apps[0].environmentSecrets = ["A_TOKEN", "A_TOKEN"]),
        "apps[0].environmentSecrets[1]",
        "each secret once",
        '"A_TOKEN"',
      ],
      [
        "staging",
        (r) => (r.apps[0].runtime.secrets = ["JWT_SECRET", "JWT_SECRET"]),
        "apps[0].runtime.secrets[1]",
        "each secret once",
        '"JWT_SECRET"',
      ],
      [
        "staging",
        (r) => (r.apps[1].runtime.scratchPaths = ["/tmp", "/cache", "/tmp"]),
        "apps[1].runtime.scratchPaths[2]",
        "each path once",
        '"/tmp"',
      ],
      [
        "production",
        (r) => (r.infrastructure.requiredChecks = ["style", "style"]),
        "infrastructure.requiredChecks[1]",
        "each check once",
        '"style"',
      ],
      [
        "production",
        (r) => r.infrastructure.environmentSecrets.push("PULUMI_READ_TOKEN"),
        "infrastructure.environmentSecrets[6]",
        "each secret once",
        '"PULUMI_READ_TOKEN"',
      ],
      [
        "production",
        (r) => (r.infrastructure.reviewers.teams = ["release-managers", "release-managers"]),
        "infrastructure.reviewers.teams[1]",
        "each team once",
        '"release-managers"',
      ],
    ];
    for (const [stack, change, key, expected, found] of cases)
      assert.deepEqual(problems(change, stack), one(key, expected, found), key);
  });
});

describe("semantic checks: reviewers and digests once", () => {
  it("reviewer logins are case-insensitive: Mathieu and mathieu are one reviewer", () => {
    const expected = "each reviewer once (logins are case-insensitive)";
    assert.deepEqual(
      problems((r) => (r.apps[0].reviewers = { users: ["Mathieu", "octocat", "mathieu"] })),
      one("apps[0].reviewers.users[2]", expected, '"mathieu"'),
    );
    assert.deepEqual(
      problems((r) => (r.infrastructure.reviewers.users = ["MATHIEU", "Mathieu"]), "production"),
      one("infrastructure.reviewers.users[1]", expected, '"mathieu"'),
    );
  });

  it("image history: a digest once, whether written alone or with its provenance", () => {
    const found = problems(
      (r) => r.apps[0].image.history.push(r.apps[0].image.history[0].digest),
      "production",
    );
    assert.deepEqual(
      found,
      one(
        "apps[0].image.history[1]",
        "each digest once",
        '"sha256:1ad51ab6b70f33fffa542f0fe2066148b33ed06d56d93fe675132f1b36ab4e83"',
      ),
    );
  });
});

describe("semantic checks: production reviewers who can approve, and their staging tokens", () => {
  it("production: a lone user reviewer cannot approve the runs they start; two users or a team can", () => {
    const LONE =
      "two or more users, or a team: production prevents self-review, so a lone reviewer cannot approve the runs they start";
    const reviewers = (users: string[], teams: string[], stack = "production") =>
      problems((r) => (r.apps[1].reviewers = { users, teams }), stack);
    assert.deepEqual(
      reviewers(["mathieu"], []),
      one("apps[1].reviewers", LONE, '{"users":["mathieu"],"teams":[]}'),
    );
    assert.deepEqual(reviewers(["mathieu", "octocat"], []), []);
    assert.deepEqual(reviewers([], ["release-managers"]), []);
    assert.deepEqual(reviewers([], []), [], "none at all is CC-ENV-02's finding, with its own minimum");
    assert.deepEqual(reviewers(["mathieu"], [], "staging"), [], "staging's environment is no gate");
    assert.deepEqual(
      problems((r) => (r.infrastructure.reviewers = { users: ["mathieu"] }), "production"),
      one("infrastructure.reviewers", LONE, '{"users":["mathieu"],"teams":[]}'),
    );
  });

  it("at most 6 users and teams together: this repository's reviewers too", () => {
    const reviewers = (users: number, teams: number) =>
      problems(
        (r) =>
          (r.infrastructure.reviewers = {
            users: Array.from({ length: users }, (_, i) => `user${i}`),
            teams: Array.from({ length: teams }, (_, i) => `team${i}`),
          }),
        "production",
      );
    assert.deepEqual(reviewers(3, 3), []);
    assert.deepEqual(
      reviewers(3, 4),
      one("infrastructure.reviewers", "at most 6 users and teams together (GitHub's limit)", "7"),
    );
  });

  it("this repository's write tokens have their staging values beside them", () => {
    const secrets = ["PULUMI_ACCESS_TOKEN", "GOVERNANCE_GITHUB_TOKEN", "GOVERNANCE_STAGING_TOKEN"];
    assert.deepEqual(
      problems((r) => (r.infrastructure.environmentSecrets = secrets), "production"),
      one(
        "infrastructure.environmentSecrets",
        "PULUMI_STAGING_TOKEN beside PULUMI_ACCESS_TOKEN: the staging environment's own PULUMI_ACCESS_TOKEN, with access to the staging stack only (the staging job must not hold production's)",
        JSON.stringify(secrets),
      ),
    );
    assert.deepEqual(
      problems((r) => (r.infrastructure.environmentSecrets = ["PULUMI_READ_TOKEN"]), "production"),
      [],
    );
  });
});

describe("semantic checks: an app's health command, variables and deploy secrets", () => {
  const PROBE =
    "a probe of http://127.0.0.1:8000/healthz and nothing else (curl -f URL, wget -q --spider URL, python3 urllib.request.urlopen(URL); runtime.port and runtime.health.healthPath)";
  const command = (cmd: string[]) => problems((r) => (r.apps[0].runtime.health = { command: cmd }));

  it("the health command probes the app's port and health path on 127.0.0.1, and does nothing else", () => {
    assert.deepEqual(command(["CMD", "curl", "-f", "http://127.0.0.1:8000/healthz"]), []);
    assert.deepEqual(command(["CMD-SHELL", "wget -q --spider http://127.0.0.1:8000/healthz || exit 1"]), []);
    for (const cmd of [
      ["CMD", "curl", "-f", "http://127.0.0.1:8001/healthz"],
      ["CMD", "curl", "-f", "http://127.0.0.1:8000/readyz"],
      ["CMD", "curl", "-f", "http://localhost:8000/healthz"],
      ["CMD-SHELL", "curl -f http://127.0.0.1:8000/healthz; exit 0"],
      ["CMD", "true", "http://127.0.0.1:8000/healthz"],
    ])
      assert.deepEqual(
        command(cmd),
        one("apps[0].runtime.health.command", PROBE, JSON.stringify(cmd)),
        cmd.join(" "),
      );
  });

  it("no variable or secret is named like one the runtime sets, and none is both plain and secret", () => {
    const RESERVED =
      "APP_ENV, BUILD_SHA, BUILD_DATE, BUILD_ACTOR, PORT, APPCONFIG_APPLICATION_ID, APPCONFIG_ENVIRONMENT_ID, APPCONFIG_PROFILE_ID";
    assert.deepEqual(
      problems((r) => (r.apps[0].runtime.environmentVariables = { LOG_LEVEL: "info", PORT: "80" })),
      one(
        "apps[0].runtime.environmentVariables.PORT",
        `no variable the runtime sets itself (${RESERVED})`,
        '"PORT"',
      ),
    );
    assert.deepEqual(
      problems((r) => (r.apps[1].runtime.secrets = ["DATABASE_URL", "BUILD_SHA"])),
      one(
        "apps[1].runtime.secrets[1]",
        `no secret named like a variable the runtime sets itself (${RESERVED})`,
        '"BUILD_SHA"',
      ),
    );
    assert.deepEqual(
      problems((r) => (r.apps[1].runtime.environmentVariables = { DATABASE_URL: "postgres://" })),
      one(
        "apps[1].runtime.environmentVariables.DATABASE_URL",
        "DATABASE_URL only once: it is declared as a secret in runtime.secrets",
        "a plain value too",
      ),
    );
  });

  it("an environment secret is not named like a deploy variable the program sets", () => {
    assert.deepEqual(
      problems((r) => (r.apps[1].environmentSecrets = ["PULUMI_ACCESS_TOKEN", "ECS_SERVICE"])),
      one(
        "apps[1].environmentSecrets[1]",
        "a name other than the deploy variables the program sets (AWS_DEPLOY_ROLE_ARN, AWS_REGION, IMAGE_REPOSITORY, ECS_CLUSTER, ECS_SERVICE, APP_URL)",
        '"ECS_SERVICE"',
      ),
    );
  });

  it("flags: a removal date before today and a repeated name, each at its index", () => {
    const flag = { name: "beta_menu", owner: "mathieu", default: false, removalDate: "2026-11-21" };
    assert.deepEqual(
      problems((r) => r.apps[1].flags.push(flag, { ...flag, removalDate: "2026-11-20" })),
      [
        ...one(
          "apps[1].flags[2].removalDate",
          "a planned removal date not before today (2026-11-21); remove the flag or re-plan it",
          '"2026-11-20"',
        ),
        ...one("apps[1].flags[2].name", "a flag name unique within the app", '"beta_menu"'),
      ],
    );
  });
});
