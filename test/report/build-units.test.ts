/**
 * src/report/build.ts on a hand-written stack file: the apps `StackFileLocator` reads (named map entries only),
 * where it locates a result (the first of its rule's config keys that the app's entry has, the entry itself, the
 * `policy` key for waivers, the `promotion` key for the stack reference and parity, else the `apps` key, else the
 * first line, each exact to the line and column), which resource belongs to which app, and what `buildReport`
 * copies, counts and defaults.
 */
import { strict as assert } from "node:assert";
import { buildReport, StackFileLocator, summarizeResults } from "../../src/report/build";
import type { OverrideInForce, ResultLocation, RuleMeta, RuleResult } from "../../src/report/types";
import type { PolicyResourceInput } from "../../policy-pack/evaluate";
import { INFRASTRUCTURE_TYPE } from "../../policy-pack/lib/facts";

const URI = "Pulumi.qa.yaml";
/** Line by line: the columns below are 1-based, as an editor shows them. */
const STACK_FILE = [
  "encryptionsalt: x", // 1
  "config:", // 2
  "  aws:region: eu-west-1", // 3
  "  cicd-constitution:promotion:", // 4
  "    from: staging", // 5
  "  cicd-constitution:policy:", // 6
  "    waivers: []", // 7
  "  cicd-constitution:apps:", // 8
  "    - name: erp", // 9
  "      reviewers: 2", // 10
  "      alarms:", // 11
  "        latency: 5", // 12
  "    - just-a-string", // 13
  "    - name: 42", // 14
  "    - name: web", // 15
  "",
].join("\n");

const rule = (id: string, configKeys: string[] = []) => ({ id, configKeys }) as unknown as RuleMeta;
const RULES = [
  rule("CC-ENV-02", ["missing", "alarms.latency", "reviewers"]),
  rule("CC-ENV-03", ["reviewers.count", "alarms.nothing"]),
  rule("CC-RUN-01"),
  rule("CC-WAIVE-01", ["policy"]),
  rule("CC-PAR-01"),
];
const APP_TYPE = "cicd-constitution:app:Application";
const RESOURCES: PolicyResourceInput[] = [
  { urn: "urn:erp-app", type: APP_TYPE, name: "erp", props: {} },
  { urn: "urn:erp-svc", type: "aws:ecs/service:Service", name: "erp-svc", props: {}, parent: "urn:erp-app" },
  { urn: "urn:web-svc", type: "aws:ecs/service:Service", name: "web-svc", props: { tags: { app: "web" } } },
  {
    urn: "urn:other",
    type: "aws:iam/role:Role",
    name: "role",
    props: { tags: { app: "cicd-constitution" } },
  },
  { urn: "urn:ref", type: "pulumi:pulumi:StackReference", name: "staging", props: {} },
];

function result(ruleId: string, urn?: string, status: RuleResult["status"] = "fail"): RuleResult {
  const r = RESOURCES.find((x) => x.urn === urn);
  return {
    ruleId,
    policyName: `${ruleId}-x`,
    status,
    enforcementLevel: "mandatory",
    resource: urn ? { urn, type: r?.type ?? "t", name: r?.name ?? "n" } : null,
    message: "m",
  };
}

const at = (line: number, column: number, key: string): ResultLocation => ({ uri: URI, line, column, key });
const locator = (text = STACK_FILE) => new StackFileLocator(URI, text, RULES, RESOURCES);

describe("StackFileLocator: the apps of a stack file", function () {
  it("lists the named map entries of cicd-constitution:apps, in file order", function () {
    assert.deepEqual(locator().appNames(), ["erp", "web"]);
  });

  it("lists none without config, without an apps list, or with apps not a list", function () {
    assert.deepEqual(locator("encryptionsalt: x\n").appNames(), []);
    assert.deepEqual(locator("config: 3\n").appNames(), []);
    assert.deepEqual(locator("config:\n  cicd-constitution:apps: {}\n").appNames(), []);
  });

  it("finds the app of a resource by its parent or its tag, only for an app the file lists", function () {
    const l = locator();
    assert.equal(l.appOf({ urn: "urn:erp-svc", type: "t", name: "n" }), "erp");
    assert.equal(l.appOf({ urn: "urn:web-svc", type: "t", name: "n" }), "web");
    assert.equal(l.appOf({ urn: "urn:other", type: "t", name: "n" }), undefined);
    assert.equal(l.appOf({ urn: "urn:unknown", type: "t", name: "n" }), undefined);
    assert.equal(l.appOf(null), undefined);
    assert.equal(
      new StackFileLocator(URI, STACK_FILE, RULES).appOf({ urn: "urn:erp-svc", type: "t", name: "n" }),
      undefined,
    );
  });
});

describe("StackFileLocator: keys", function () {
  it("locates a top-level config key at its first character; null when absent or without config", function () {
    assert.deepEqual(locator().topKey("cicd-constitution:policy"), at(6, 3, "cicd-constitution:policy"));
    assert.equal(locator().topKey("cicd-constitution:absent"), null);
    assert.equal(locator("other: 1\n").topKey("cicd-constitution:policy"), null);
  });

  it("locates the first of the paths the app's entry has, by its full dotted path", function () {
    const l = locator();
    assert.deepEqual(
      l.appKey("erp", ["missing", "alarms.latency", "reviewers"]),
      at(12, 9, "cicd-constitution:apps[erp].alarms.latency"),
    );
    assert.deepEqual(l.appKey("erp", ["reviewers"]), at(10, 7, "cicd-constitution:apps[erp].reviewers"));
  });

  it("locates the entry when no path is there whole (a scalar on the way, a missing leaf); null for no such app", function () {
    const l = locator();
    assert.deepEqual(
      l.appKey("erp", ["reviewers.count", "alarms.nothing"]),
      at(9, 7, "cicd-constitution:apps[erp]"),
    );
    assert.deepEqual(l.appKey("web", []), at(15, 7, "cicd-constitution:apps[web]"));
    assert.equal(l.appKey("nope", ["reviewers"]), null);
  });
});

describe("StackFileLocator.locate: where a result points", function () {
  const l = locator();
  const apps = at(8, 3, "cicd-constitution:apps");

  it("a result on an app's resource: its rule's config key in the entry, else the entry", function () {
    assert.deepEqual(
      l.locate(result("CC-ENV-02", "urn:erp-svc")),
      at(12, 9, "cicd-constitution:apps[erp].alarms.latency"),
    );
    assert.deepEqual(l.locate(result("CC-ENV-03", "urn:erp-svc")), at(9, 7, "cicd-constitution:apps[erp]"));
    assert.deepEqual(l.locate(result("CC-ENV-02", "urn:web-svc")), at(15, 7, "cicd-constitution:apps[web]"));
  });

  it("waivers at the policy key, the stack reference and parity at the promotion key", function () {
    assert.deepEqual(l.locate(result("CC-WAIVE-01", "urn:erp-svc")), at(6, 3, "cicd-constitution:policy"));
    assert.deepEqual(l.locate(result("CC-RUN-01", "urn:ref")), at(4, 3, "cicd-constitution:promotion"));
    assert.deepEqual(l.locate(result("CC-PAR-01")), at(4, 3, "cicd-constitution:promotion"));
    assert.deepEqual(l.locate(result("CC-PAR-01", "urn:other")), at(4, 3, "cicd-constitution:promotion"));
  });

  it("anything else at the apps key: the stack, a resource of no listed app", function () {
    assert.deepEqual(l.locate(result("CC-RUN-01")), apps);
    assert.deepEqual(l.locate(result("CC-RUN-01", "urn:other")), apps);
    assert.deepEqual(l.locate(result("CC-ENV-02", "urn:unknown")), apps);
  });

  it("the first line when the key it wants and the apps key are both missing", function () {
    const bare = locator("config:\n  aws:region: x\n");
    const first = { uri: URI, line: 1, column: 1, key: "config" };
    for (const [id, urn] of [["CC-WAIVE-01"], ["CC-RUN-01", "urn:ref"], ["CC-PAR-01"], ["CC-RUN-01"]])
      assert.deepEqual(bare.locate(result(id, urn)), first, id);
  });

  it("a result on this repository's governance: its rule's key in the infrastructure entry, else that entry's key", function () {
    const withInfrastructure = locator(
      STACK_FILE.replace(
        "  cicd-constitution:apps:",
        [
          "  cicd-constitution:infrastructure:", // 8
          "    repository:", // 9
          "      name: cicd-constitution", // 10
          "    reviewers: 2", // 11
          "  cicd-constitution:apps:", // 12
        ].join("\n"),
      ),
    );
    // Under the governance component, whatever its depth; a plan's URNs and a state export's name the chain alike.
    const governed = `urn:pulumi:qa::cicd-constitution::${INFRASTRUCTURE_TYPE}$github:index/repository:Repository::r`;
    const nested = `urn:pulumi:qa::cicd-constitution::${INFRASTRUCTURE_TYPE}$cicd-constitution:github:RepositoryGovernance$github:index/repositoryRuleset:RepositoryRuleset::main`;
    for (const urn of [governed, nested]) {
      assert.deepEqual(
        withInfrastructure.locate(result("CC-ENV-02", urn)),
        at(11, 5, "cicd-constitution:infrastructure.reviewers"),
      );
      assert.deepEqual(
        withInfrastructure.locate(result("CC-RUN-01", urn)),
        at(8, 3, "cicd-constitution:infrastructure"),
      );
      // Without an infrastructure entry, the apps key, as for any resource of no listed app.
      assert.deepEqual(l.locate(result("CC-ENV-02", urn)), apps);
    }
    // Another resource outside the apps stays at the apps key, the infrastructure entry notwithstanding.
    const elsewhere =
      "urn:pulumi:qa::cicd-constitution::aws:iam/openIdConnectProvider:OpenIdConnectProvider::github";
    assert.deepEqual(
      withInfrastructure.locate(result("CC-ENV-02", elsewhere)),
      at(12, 3, "cicd-constitution:apps"),
    );
    const typeAsName = `urn:pulumi:qa::cicd-constitution::aws:iam/role:Role::${INFRASTRUCTURE_TYPE}`;
    assert.deepEqual(
      withInfrastructure.locate(result("CC-ENV-02", typeAsName)),
      at(12, 3, "cicd-constitution:apps"),
    );
  });

  it("refuses a result of a rule it was not given", function () {
    assert.throws(() => l.locate(result("CC-NOPE-01")), {
      message: "no rule metadata for CC-NOPE-01: its config keys are unknown",
    });
  });
});

describe("buildReport", function () {
  const base = {
    mode: "offline" as const,
    stack: "qa",
    policyPack: { name: "pack", version: "1.2.3" },
    rules: RULES,
  };
  const results = [
    result("CC-ENV-02", "urn:erp-svc"),
    result("CC-RUN-01", undefined, "pass"),
    { ...result("CC-RUN-01"), enforcementLevel: "advisory" as const },
    result("CC-PAR-01", undefined, "waived"),
    result("CC-ENV-03", undefined, "not-applicable"),
  ];

  it("counts the results by status and failing level", function () {
    assert.deepEqual(summarizeResults(results), {
      total: 5,
      pass: 1,
      fail: 2,
      waived: 1,
      notApplicable: 1,
      mandatoryFailures: 1,
      advisoryFailures: 1,
    });
  });

  it("without a stack file: no stackFile, no locations; overrides and scorecard default to none", function () {
    assert.deepEqual(buildReport({ ...base, results }), {
      schemaVersion: 1,
      ...base,
      summary: summarizeResults(results),
      results,
      overrides: [],
      scorecard: [],
    });
  });

  it("with a stack file: its path, and each result's location in the order of the results", function () {
    const r = buildReport({
      ...base,
      results,
      stackFile: { uri: URI, text: STACK_FILE },
      resources: RESOURCES,
    });
    assert.equal(r.stackFile, URI);
    assert.deepEqual(r.locations, [
      at(12, 9, "cicd-constitution:apps[erp].alarms.latency"),
      at(8, 3, "cicd-constitution:apps"),
      at(8, 3, "cicd-constitution:apps"),
      at(4, 3, "cicd-constitution:promotion"),
      at(8, 3, "cicd-constitution:apps"),
    ]);
    // Without the resources, no result is located inside an app's entry.
    const bare = buildReport({ ...base, results, stackFile: { uri: URI, text: STACK_FILE } });
    assert.deepEqual(bare.locations![0], at(8, 3, "cicd-constitution:apps"));
  });

  it("copies each override's fields, the app only when it has one, and the scorecard", function () {
    const override: OverrideInForce = {
      ruleId: "CC-ENV-02",
      from: "mandatory",
      to: "advisory",
      reason: "r",
      owner: "o",
      expires: "2030-01-01",
    };
    const overrides = [
      { ...override, extra: "dropped" } as OverrideInForce,
      { ...override, resource: "erp" },
      { ...override, resource: "" },
    ];
    const scorecard = [{ repository: "o/r" }] as never;
    const r = buildReport({ ...base, mode: "online", results: [], overrides, scorecard });
    assert.equal(r.mode, "online");
    assert.deepEqual(r.overrides, [override, { ...override, resource: "erp" }, override]);
    assert.equal(r.scorecard, scorecard);
  });
});
