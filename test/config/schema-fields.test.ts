/**
 * The stack-level keys of the config schema (src/config/schema.ts), one at a time: each pattern accepts its valid
 * forms at their length limits and refuses junk before or after a valid value, one character too many or too few,
 * the wrong case; each number its bounds; each refused value is one problem naming the key, what was expected and
 * what was found. And the defaults a stack file may leave out.
 */
import { strict as assert } from "node:assert";
import { one, parsed, problems } from "./configFixtures";

const ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
const UUID = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
/** A value as a problem shows it: its JSON, cut to 80 characters. */
const shown = (v: unknown) => {
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};
const hex = (n: number) => "0123456789abcdef0123".slice(0, n);

/** A key holding a pattern: where it is, the value's setter, what is expected, values accepted and refused. */
interface PatternCase {
  key: string;
  stack?: string;
  set: (raw: any, value: unknown) => void;
  expected: string;
  ok: unknown[];
  bad: unknown[];
}

/**
 * An AWS resource ID `PREFIX-<hex>`: 8 or 17 lowercase hex digits (the short and long ID formats), nothing before
 * or after, no upper case.
 */
function awsId(
  key: string,
  set: PatternCase["set"],
  prefix: string,
  what: string,
  more: string[] = [],
): PatternCase {
  return {
    key,
    set,
    expected: `${what} ${prefix}-<hex>`,
    ok: [`${prefix}-${hex(8)}`, `${prefix}-${hex(17)}`],
    bad: [
      `${prefix}-${hex(7)}`,
      `${prefix}-${hex(18)}`,
      `${prefix}-0A1B2C3D`,
      `x${prefix}-${hex(8)}`,
      `${prefix}-${hex(8)}x`,
      ...more,
    ],
  };
}

const PATTERNS: PatternCase[] = [
  {
    key: "githubOwner",
    set: (r, v) => (r.githubOwner = v),
    expected: "a GitHub owner login",
    ok: ["a", "Sur-1efeu", "x".repeat(39)],
    bad: ["-surlefeu", "sur_lefeu", "x".repeat(40), " surlefeu", "surlefeu/", 42],
  },
  {
    key: "aws:region",
    set: (r, v) => (r.awsRegion = v),
    expected: "an AWS region such as eu-west-1",
    ok: ["eu-west-1", "us-gov-west-1", "ap-southeast-2"],
    bad: [
      "e-west-1",
      "eur-west-1",
      "EU-west-1",
      "eu--1",
      "eu-west-",
      "eu-west-12",
      "xeu-west-1",
      "eu-west-1 ",
    ],
  },
  {
    key: "governance.allowedActions[0]",
    set: (r, v) => (r.governance = { ownsRepositories: false, allowedActions: [v] }),
    expected: "an action pattern OWNER/REPO@REF",
    ok: ["actions/checkout@v4", "o/r@*", "my.org_x-1/sub/dir*@v1.2_rc-*"],
    bad: [
      "checkout@v4",
      "o/r",
      "o/r@",
      "/r@v1",
      "o/@v1",
      "o/r@v 1",
      " o/r@v1",
      "o/r@v1 ",
      "o r/x@v1",
      "o/r@v1/x",
    ],
  },
  awsId("network.vpcId", (r, v) => (r.network.vpcId = v), "vpc", "a VPC id", ["vpc-0a1b2c3g"]),
  awsId("network.publicSubnetIds[0]", (r, v) => (r.network.publicSubnetIds[0] = v), "subnet", "a subnet id"),
  awsId(
    "network.privateSubnetIds[1]",
    (r, v) => (r.network.privateSubnetIds[1] = v),
    "subnet",
    "a subnet id",
  ),
  awsId(
    "network.egress.natGatewayIds[0]",
    (r, v) => (r.network.egress.natGatewayIds = [v]),
    "nat",
    "a NAT gateway id",
  ),
  {
    key: "certificateArn",
    set: (r, v) => (r.certificateArn = v),
    expected: "an ACM certificate ARN",
    ok: [
      ARN,
      `arn:aws-cn:acm:cn-north-1:123456789012:certificate/${UUID}`,
      `arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/${UUID}`,
    ],
    bad: [
      ARN.replace("123456789012", "12345678901"),
      ARN.replace("123456789012", "1234567890123"),
      ARN.replace("123456789012", "12345678901a"),
      ARN.replace(":acm:", ":iam:"),
      ARN.replace("eu-west-1", ""),
      ARN.replace("eu-west-1", "EU-west-1"),
      ARN.replace("arn:aws:", "arn:AWS:"),
      ARN.slice(0, -1),
      `${ARN}0`,
      ARN.replace(UUID, UUID.toUpperCase()),
      ARN.replace(UUID, UUID.replace("0f1e", "0g1e")),
      ARN.replace("certificate/", "certificate:"),
      `x${ARN}`,
      `${ARN} `,
    ],
  },
  {
    key: "aws:allowedAccountIds[0]",
    set: (r, v) => (r.awsAllowedAccountIds = [v]),
    expected: "a 12-digit AWS account id",
    ok: ["123456789012", "000000000000"],
    bad: ["12345678901", "1234567890123", "12345678901a", " 123456789012", "123456789012 ", 123456789012],
  },
  {
    key: "promotion.stagingStack",
    stack: "production",
    set: (r, v) => (r.promotion = { stagingStack: v }),
    expected: "a reference to this project's staging stack, ORG/cicd-constitution/staging",
    ok: ["surlefeu/cicd-constitution/staging", "My_Org.x-1/cicd-constitution/staging"],
    bad: [
      "/cicd-constitution/staging",
      "surlefeu/cicd-constitution/production",
      "surlefeu/other/staging",
      "x/surlefeu/cicd-constitution/staging",
      "surlefeu/cicd-constitution/staging2",
      "cicd-constitution/staging",
    ],
  },
  {
    key: "predeploy.verifiers[0]",
    stack: "production",
    set: (r, v) => (r.predeploy = { verifiers: [v] }),
    expected: "a GitHub login (an app's is NAME[bot])",
    ok: ["a", "x".repeat(39), "renovate[bot]", "Staging-Deployer", `${"x".repeat(39)}[bot]`],
    bad: ["-a", "x".repeat(40), "a[bot]x", "a[bots]", "a[bot", " a", "a ", "a_b", 5],
  },
  {
    key: "infrastructure.owner",
    stack: "production",
    set: (r, v) => (r.infrastructure.owner = v),
    expected: "an owner (login or team)",
    ok: ["ab", "platform-team", "@surlefeu/release-managers"],
    bad: ["a", "a b", " ab", "ab ", ""],
  },
  {
    key: "infrastructure.environmentSecrets[6]",
    stack: "production",
    set: (r, v) => r.infrastructure.environmentSecrets.push(v),
    expected: "an UPPER_SNAKE_CASE secret name",
    ok: ["X", "SENTRY_DSN_2"],
    bad: ["sentry_dsn", "2X", "X-Y"],
  },
  {
    key: "infrastructure.repositorySecrets[0]",
    stack: "production",
    set: (r, v) => (r.infrastructure.repositorySecrets = [v]),
    expected: "an UPPER_SNAKE_CASE secret name",
    ok: ["BUMP_TOKEN"],
    bad: ["bump_token", "_BUMP"],
  },
];

describe("config schema: the stack-level keys' patterns", () => {
  for (const c of PATTERNS) {
    it(`${c.key}: ${c.expected}`, () => {
      const stack = c.stack ?? "staging";
      for (const v of c.ok)
        assert.deepEqual(
          problems((r) => c.set(r, v), stack),
          [],
          JSON.stringify(v),
        );
      for (const v of c.bad)
        assert.deepEqual(
          problems((r) => c.set(r, v), stack),
          one(c.key, c.expected, shown(v)),
          JSON.stringify(v),
        );
    });
  }

  it("predeploy.verifiers: github-actions[bot] is refused, any workflow run holds its token", () => {
    assert.deepEqual(
      problems(
        (r) => (r.predeploy = { verifiers: ["surlefeu-staging-deployer", "github-actions[bot]"] }),
        "production",
      ),
      one(
        "predeploy.verifiers[1]",
        "a login other than github-actions[bot], whose token any workflow run holds",
        '"github-actions[bot]"',
      ),
    );
  });
});

describe("config schema: the stack-level keys' numbers and choices", () => {
  it("predeploy.soakMinutes 0-10080 and burnInDays 0-90: the bounds are accepted, one past them is not", () => {
    const predeploy = (p: object) => problems((r) => (r.predeploy = p), "production");
    for (const p of [{ soakMinutes: 0 }, { soakMinutes: 10_080 }, { burnInDays: 0 }, { burnInDays: 90 }])
      assert.deepEqual(predeploy(p), [], JSON.stringify(p));
    assert.deepEqual(predeploy({ soakMinutes: -1 }), one("predeploy.soakMinutes", "a value >= 0", "-1"));
    assert.deepEqual(
      predeploy({ soakMinutes: 10_081 }),
      one("predeploy.soakMinutes", "a value <= 10080", "10081"),
    );
    assert.deepEqual(predeploy({ burnInDays: -1 }), one("predeploy.burnInDays", "a value >= 0", "-1"));
    assert.deepEqual(predeploy({ burnInDays: 91 }), one("predeploy.burnInDays", "a value <= 90", "91"));
  });

  it("network: two subnets or more of each kind, one NAT gateway or more", () => {
    const subnets = (n: number) => Array.from({ length: n }, (_, i) => `subnet-${hex(16)}${i}`);
    const model = parsed((r) => {
      r.network.publicSubnetIds = subnets(3);
      r.network.privateSubnetIds = subnets(3);
    });
    assert.deepEqual(model.network.privateSubnetIds, subnets(3));
    assert.deepEqual(model.network.publicSubnetIds, subnets(3));
    assert.deepEqual(
      problems((r) => (r.network.privateSubnetIds = subnets(1))),
      one("network.privateSubnetIds", "at least 2 items", JSON.stringify(subnets(1))),
    );
    assert.deepEqual(
      problems((r) => (r.network.egress.natGatewayIds = [])),
      one("network.egress.natGatewayIds", "at least 1 item", "[]"),
    );
  });

  it("governance.checksIntegrationId: a positive integer", () => {
    const id = (v: unknown) =>
      problems((r) => (r.governance = { ownsRepositories: false, checksIntegrationId: v }));
    assert.deepEqual(id(1), []);
    assert.deepEqual(id(0), one("governance.checksIntegrationId", "a value > 0", "0"));
    assert.deepEqual(id(-15368), one("governance.checksIntegrationId", "a value > 0", "-15368"));
    assert.deepEqual(
      id(1.5),
      one("governance.checksIntegrationId", "a GitHub App ID (a positive integer)", "1.5"),
    );
  });

  it("booleans and choices say what they take", () => {
    assert.deepEqual(
      problems((r) => (r.governance = { ownsRepositories: "yes" })),
      one("governance.ownsRepositories", "true or false", '"yes"'),
    );
    assert.deepEqual(
      problems((r) => (r.bootstrap = "no")),
      one("bootstrap", "true or false", '"no"'),
    );
    assert.deepEqual(
      problems((r) => (r.githubPlan = "gold")),
      one("githubPlan", 'one of "free", "pro", "team", "enterprise"', '"gold"'),
    );
    assert.deepEqual(
      problems((r) => (r.oidcProvider = "make")),
      one("oidcProvider", 'one of "create", "existing"', '"make"'),
    );
    assert.equal(parsed((r) => (r.oidcProvider = "existing")).oidcProvider, "existing");
    assert.deepEqual(
      problems((r) => (r.alerting = { email: "oncall" })),
      one("alerting.email", "an e-mail address", '"oncall"'),
    );
  });
});

describe("config schema: the stack-level records and lists of records", () => {
  it("maintenance windows: end after start, at most 24 hours, times with their offset", () => {
    const window = (start: string, end: string) =>
      problems((r) => (r.predeploy = { maintenanceWindows: [{ start, end }] }));
    const found = (start: string, end: string) => JSON.stringify({ start, end });
    assert.deepEqual(window("2026-11-20T22:00:00Z", "2026-11-21T22:00:00Z"), [], "exactly 24 hours");
    assert.deepEqual(window("2026-11-20T22:00:00+02:00", "2026-11-20T23:00:00+02:00"), [], "an offset");
    const at = "predeploy.maintenanceWindows[0]";
    assert.deepEqual(
      window("2026-11-20T22:00:00Z", "2026-11-21T22:00:01Z"),
      one(at, "at most 24 hours", found("2026-11-20T22:00:00Z", "2026-11-21T22:00:01Z")),
    );
    assert.deepEqual(
      window("2026-11-20T22:00:00Z", "2026-11-20T22:00:00Z"),
      one(at, "end after start", found("2026-11-20T22:00:00Z", "2026-11-20T22:00:00Z")),
    );
    assert.deepEqual(
      window("2026-11-20T22:00:00Z", "2026-11-20T21:00:00Z"),
      one(at, "end after start", found("2026-11-20T22:00:00Z", "2026-11-20T21:00:00Z")),
    );
    const local = window("2026-11-20T22:00:00", "2026-11-20T23:00:00Z");
    assert.deepEqual(
      local.map((p) => [p.key, p.found]),
      [[`cicd-constitution:${at}.start`, '"2026-11-20T22:00:00"']],
    );
    assert.deepEqual(
      window("tomorrow", "2026-11-20T23:00:00Z"),
      one(`${at}.start`, "an ISO 8601 time such as 2026-11-20T22:00:00Z", '"tomorrow"'),
      "a time that is not one is its only problem (no 'end after start' on top)",
    );
  });

  it("backup markers: app, a name of 3-256 characters, when (with its offset) and an owner of 2 or more", () => {
    const marker = { app: "erp-berhan", backup: "abc", takenAt: "2026-11-21T08:00:00+01:00", owner: "ab" };
    const backup = (change: object) =>
      problems((r) => (r.predeploy = { backups: [{ ...marker, ...change }] }));
    assert.deepEqual(backup({}), []);
    assert.deepEqual(backup({ app: "e", backup: "b".repeat(256) }), []);
    const refused = (change: object) => backup(change).map((p) => [p.key, p.found]);
    const at = "cicd-constitution:predeploy.backups[0]";
    assert.deepEqual(refused({ app: "" }), [[`${at}.app`, '""']]);
    assert.deepEqual(refused({ backup: "ab" }), [[`${at}.backup`, '"ab"']]);
    assert.deepEqual(refused({ backup: "b".repeat(257) }), [[`${at}.backup`, `"${"b".repeat(76)}...`]]);
    assert.deepEqual(refused({ owner: "a" }), [[`${at}.owner`, '"a"']]);
    assert.deepEqual(refused({ takenAt: "2026-11-21" }), [[`${at}.takenAt`, '"2026-11-21"']]);
    const expected = (change: object) => backup(change).map((p) => p.expected);
    assert.deepEqual(expected({ takenAt: "2026-11-21" }), ["an ISO 8601 time such as 2026-11-20T22:00:00Z"]);
    assert.deepEqual(expected({ backup: "ab" }), ["at least 3 characters"]);
    assert.deepEqual(expected({ backup: "b".repeat(257) }), ["at most 256 characters"]);
    assert.deepEqual(expected({ owner: "a" }), ["at least 2 characters"]);
  });

  it("policy: an enforcement level or an audited record; settings and waivers are records", () => {
    const policy = (p: object) => problems((r) => (r.policy = p));
    const record = { level: "advisory", reason: "incident 42", owner: "mathieu", expires: "2026-11-28" };
    for (const level of ["advisory", "mandatory", "disabled"]) {
      const enforcement = { "CC-RUN-04": level, "CC-RUN-01": { ...record, level } };
      assert.deepEqual(parsed((r) => (r.policy = { enforcement })).policy.enforcement, enforcement, level);
    }
    assert.deepEqual(
      policy({ enforcement: { "CC-RUN-04": "loud" } }).map((p) => [p.key, p.found]),
      [["cicd-constitution:policy.enforcement.CC-RUN-04", '"loud"']],
    );
    assert.deepEqual(
      policy({ enforcement: { "CC-RUN-04": "loud" } }).map((p) => p.expected),
      ["advisory, mandatory or disabled, or { level, reason, owner, expires }"],
    );
    assert.deepEqual(
      policy({ enforcement: { "CC-RUN-04": { level: "advisory", why: "x" } } }).map((p) => p.key),
      ["cicd-constitution:policy.enforcement.CC-RUN-04.why"],
    );
    assert.deepEqual(policy({ settings: { X: 1 } }), one("policy.settings.X", "a value of type record", "1"));
    assert.deepEqual(policy({ waivers: [1] }), one("policy.waivers[0]", "a value of type record", "1"));
    assert.deepEqual(
      problems((r) => (r.predeploy = { overrides: ["x"] })),
      one("predeploy.overrides[0]", "a value of type record", '"x"'),
    );
  });

  it("secret values and tokens are strings, shown as [secret]", () => {
    assert.deepEqual(
      problems((r) => (r.secrets = { "erp-berhan": { JWT_SECRET: 1 } })),
      one("secrets.erp-berhan.JWT_SECRET", "a value of type string", "[secret]"),
    );
    for (const key of ["ghcrPullToken", "gitSourceToken"])
      assert.deepEqual(
        problems((r) => (r[key] = 1)),
        one(key, "a value of type string", "[secret]"),
        key,
      );
  });
});

describe("config schema: the defaults of the keys a stack file leaves out", () => {
  it("governance: owns nothing, the allowed actions this repository uses, GitHub Actions' checks", () => {
    const model = parsed((r) => delete r.governance);
    assert.deepEqual(model.governance, {
      ownsRepositories: false,
      allowedActions: [
        "aws-actions/configure-aws-credentials@*",
        "pulumi/actions@*",
        "docker/setup-qemu-action@*",
        "docker/setup-buildx-action@*",
        "marocchino/sticky-pull-request-comment@*",
      ],
      checksIntegrationId: 15368,
    });
  });

  it("alerting, bootstrap, predeploy, policy, secrets", () => {
    const model = parsed((r) => {
      delete r.alerting;
      delete r.predeploy;
      delete r.policy;
    });
    assert.deepEqual(model.alerting, {});
    assert.equal(model.bootstrap, false);
    assert.deepEqual(model.predeploy, {
      overrides: [],
      verifiers: [],
      soakMinutes: 15,
      burnInDays: 7,
      maintenanceWindows: [],
      backups: [],
    });
    assert.deepEqual(model.policy, { enforcement: {}, settings: {}, waivers: [] });
    assert.deepEqual(model.secrets, {});
    assert.equal(model.oidcProvider, undefined);
  });

  it("infrastructure: owner platform, the write tokens with their staging values, BUMP_TOKEN", () => {
    const model = parsed((r) => {
      delete r.infrastructure.environmentSecrets;
      delete r.infrastructure.requiredApprovals;
    }, "production");
    assert.equal(model.infrastructure?.owner, "platform");
    assert.equal(model.infrastructure?.requiredApprovals, 1);
    assert.deepEqual(model.infrastructure?.environmentSecrets, [
      "PULUMI_ACCESS_TOKEN",
      "PULUMI_STAGING_TOKEN",
      "GOVERNANCE_GITHUB_TOKEN",
      "GOVERNANCE_STAGING_TOKEN",
    ]);
    assert.deepEqual(model.infrastructure?.repositorySecrets, ["BUMP_TOKEN"]);
  });

  it("infrastructure.repository left out is this repository, which then lacks its code owners", () => {
    assert.deepEqual(
      problems((r) => delete r.infrastructure.repository, "production"),
      one(
        "infrastructure.repository.codeOwners",
        "the repository's code owners (@login or @ORG/TEAM, at least one besides the usual author): main requires a code owner's review",
        "(missing)",
      ),
    );
  });
});
