/**
 * The policy pack's shared library, unit by unit (docs/PROOFS.md section 4: these pin the behaviour mutation
 * testing found unasserted): config resolution and its errors, waiver validation edges, property readers, the
 * protection view of `main`, aggregation, the CrossGuard adapter (`toPolicy`) and the in-process runner's counts.
 */
import { strict as assert } from "node:assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ruleById, RULES } from "../../policy-pack/catalogue";
import { evaluate, resolvePackConfig, RuleResult, summarize } from "../../policy-pack/evaluate";
import { PolicyConfigError, resolvePackConfigWith } from "../../policy-pack/lib/config";
import { mainProtection, names, refersTo, repositories, rulesetTargets } from "../../policy-pack/lib/github";
import {
  appOf,
  arr,
  environmentOf,
  get,
  globMatch,
  HiddenSecretError,
  isUnknownError,
  str,
  num,
  parseJsonProp,
  tagsOf,
  UnknownInputError,
  unknownCheckingProps,
} from "../../policy-pack/lib/props";
import {
  aggregate,
  configSchemaOf,
  defineRule,
  KNOWN_IDS,
  Res,
  waiversOf,
  RuleContext,
  runRule,
  settingsOf,
  stackOfUrn,
  toPolicy,
  Verdicts,
} from "../../policy-pack/lib/rule";
import { dayOf, findWaiver, parseDay, validWaivers, waiverProblems } from "../../policy-pack/lib/waivers";
import { ALL_RULES } from "../../policy-pack/rules";

const NOW = new Date("2026-11-21T23:59:00Z");
const GOOD = {
  ruleId: "CC-BR-07",
  resource: "erp-berhan-governance-repo",
  reason: "release bot needs a bypass",
  owner: "mathieu",
  expires: "2026-12-31",
};
const REPO_T = "github:index/repository:Repository";
const RULESET_T = "github:index/repositoryRuleset:RepositoryRuleset";
const BP_T = "github:index/branchProtection:BranchProtection";

const res = (name: string, type: string, props: Record<string, unknown> = {}, parent?: string): Res => ({
  urn: `urn:pulumi:production::cicd-constitution::${type}::${name}`,
  type,
  name,
  props,
  parent: parent ?? null,
});

function configError(section: unknown): string {
  try {
    resolvePackConfigWith(section, RULES);
  } catch (e) {
    assert.ok(e instanceof PolicyConfigError, String(e));
    assert.equal(e.name, "PolicyConfigError");
    return e.message;
  }
  assert.fail(`no error for ${JSON.stringify(section)}`);
}

describe("policy-pack lib: resolvePackConfig", () => {
  it("without a section every policy gets its default level, no settings and no waivers", () => {
    for (const section of [undefined, null, {}]) {
      const cfg = resolvePackConfigWith(section, RULES);
      assert.deepEqual(
        Object.keys(cfg),
        RULES.map((r) => r.policyName),
      );
      assert.deepEqual(cfg["CC-BR-05-delete-branch-on-merge"], { enforcementLevel: "advisory" });
      assert.deepEqual(cfg["CC-BR-01-default-branch-protected"], { enforcementLevel: "mandatory" });
      assert.deepEqual(cfg["CC-WAIVE-01-waivers-valid"], { enforcementLevel: "mandatory" });
    }
  });

  it("applies levels and settings by rule ID and routes each waiver to its rule and to CC-WAIVE-01", () => {
    const other = { ...GOOD, ruleId: " CC-BR-05 " };
    const cfg = resolvePackConfigWith(
      {
        enforcement: { "CC-BR-05": "mandatory", "CC-BR-01": "disabled" },
        settings: { "CC-BR-02": { requiredChecks: ["lint"] } },
        waivers: [GOOD, other, "not a waiver", { ruleId: 7 }],
      },
      RULES,
    );
    assert.deepEqual(cfg["CC-BR-05-delete-branch-on-merge"], {
      enforcementLevel: "mandatory",
      waivers: [other],
    });
    // A bare lower level of a mandatory rule does not apply (CC-WAIVE-02): it stays mandatory.
    assert.deepEqual(cfg["CC-BR-01-default-branch-protected"], { enforcementLevel: "mandatory" });
    assert.deepEqual(cfg["CC-BR-02-required-status-checks"], {
      enforcementLevel: "mandatory",
      requiredChecks: ["lint"],
    });
    assert.deepEqual(cfg["CC-BR-07-no-bypass"], { enforcementLevel: "mandatory", waivers: [GOOD] });
    assert.deepEqual(cfg["CC-WAIVE-01-waivers-valid"], {
      enforcementLevel: "mandatory",
      waivers: [GOOD, other, "not a waiver", { ruleId: 7 }],
    });
    assert.equal(cfg["CC-BR-03-pull-request-reviews"].waivers, undefined);
  });

  it("evaluate's resolvePackConfig is the same resolution over the shipped catalogue", () => {
    const section = { enforcement: { "CC-RUN-08": "mandatory" }, waivers: [GOOD] };
    assert.deepEqual(resolvePackConfig(section), resolvePackConfigWith(section, RULES));
    assert.equal(resolvePackConfig(section)["CC-RUN-08-log-retention"].enforcementLevel, "mandatory");
  });

  it("lists every allowed setting of a rule with several", () => {
    assert.equal(
      configError({ settings: { "CC-ENV-03": { tags: [] } } }),
      "cicd-constitution:policy.settings.CC-ENV-03: unknown setting(s) tags (allowed: productionBranches, productionTags, stagingBranches, productionEnvironment, stagingEnvironment)",
    );
  });

  it("names the key of every section it cannot apply", () => {
    assert.equal(configError("strict"), "cicd-constitution:policy must be an object");
    assert.equal(configError(["CC-BR-01"]), "cicd-constitution:policy must be an object");
    assert.equal(
      configError({ enforcment: {}, waiver: [] }),
      "cicd-constitution:policy: unknown key(s) enforcment, waiver (expected enforcement, settings, waivers)",
    );
    assert.equal(
      configError({ enforcement: ["CC-BR-01"] }),
      "cicd-constitution:policy.enforcement must be an object by rule ID",
    );
    assert.equal(
      configError({ enforcement: null, settings: "x" }),
      "cicd-constitution:policy.settings must be an object by rule ID",
    );
    assert.equal(configError({ waivers: { 0: GOOD } }), "cicd-constitution:policy.waivers must be a list");
    assert.equal(
      configError({ enforcement: { "CC-BR-99": "advisory" } }),
      `cicd-constitution:policy: unknown rule ID CC-BR-99 (known: ${RULES.map((r) => r.id).join(", ")})`,
    );
    assert.match(
      configError({ settings: { "CC-NOPE-1": {} } }),
      /^cicd-constitution:policy: unknown rule ID CC-NOPE-1 /,
    );
    assert.equal(
      configError({ enforcement: { "CC-BR-04": "strict" } }),
      'cicd-constitution:policy.enforcement.CC-BR-04: "strict" is not one of advisory, mandatory, disabled',
    );
    assert.equal(
      configError({ settings: { "CC-BR-02": ["style"] } }),
      "cicd-constitution:policy.settings.CC-BR-02 must be an object",
    );
    assert.equal(
      configError({ settings: { "CC-BR-02": { requiredChecks: [], minApprovals: 2, x: 1 } } }),
      "cicd-constitution:policy.settings.CC-BR-02: unknown setting(s) minApprovals, x (allowed: requiredChecks)",
    );
    assert.equal(
      configError({ settings: { "CC-BR-01": { strict: true } } }),
      "cicd-constitution:policy.settings.CC-BR-01: unknown setting(s) strict (the rule has no settings)",
    );
  });
});

describe("policy-pack lib: waivers", () => {
  it("parseDay accepts only real calendar dates, as UTC midnight", () => {
    assert.equal(parseDay("2024-02-29"), Date.UTC(2024, 1, 29));
    assert.equal(parseDay("2026-12-31"), Date.UTC(2026, 11, 31));
    for (const bad of [
      "2025-02-29",
      "2026-02-30",
      "2026-13-01",
      "2026-00-10",
      "2026-01-00",
      "0099-01-01",
      "2026-1-01",
      " 2026-01-01",
      "2026-01-01T00:00:00Z",
    ])
      assert.equal(parseDay(bad), undefined, bad);
    assert.equal(dayOf(new Date("2026-11-21T23:59:59Z")), Date.UTC(2026, 10, 21));
  });

  it("a complete waiver has no problem; an empty one has every problem, in order", () => {
    assert.deepEqual(waiverProblems(GOOD, NOW, KNOWN_IDS), []);
    assert.deepEqual(waiverProblems({}, NOW, KNOWN_IDS), [
      "names no rule (ruleId)",
      "names no resource (resource)",
      "has no reason of at least 10 characters (reason)",
      "names no owner (owner)",
      "has no expiry date (expires)",
    ]);
    for (const notObject of [null, undefined, "CC-BR-07", 3, [GOOD]])
      assert.deepEqual(waiverProblems(notObject, NOW, KNOWN_IDS), ["is not an object"]);
  });

  it("blank or non-string fields count as missing", () => {
    assert.deepEqual(
      waiverProblems(
        { ruleId: "  ", resource: " ", reason: 1234567890, owner: "   ", expires: " " },
        NOW,
        KNOWN_IDS,
      ),
      [
        "names no rule (ruleId)",
        "names no resource (resource)",
        "has no reason of at least 10 characters (reason)",
        "names no owner (owner)",
        "has no expiry date (expires)",
      ],
    );
  });

  it("rule IDs: unknown and CC-WAIVE-01 itself are refused; surrounding spaces are not", () => {
    assert.deepEqual(waiverProblems({ ...GOOD, ruleId: "CC-BR-99" }, NOW, KNOWN_IDS), [
      'names an unknown rule "CC-BR-99"',
    ]);
    assert.deepEqual(waiverProblems({ ...GOOD, ruleId: "CC-WAIVE-01" }, NOW, KNOWN_IDS), [
      "waives CC-WAIVE-01, which cannot be waived",
    ]);
    assert.deepEqual(waiverProblems({ ...GOOD, ruleId: " CC-BR-07 " }, NOW, KNOWN_IDS), []);
    assert.deepEqual(waiverProblems(GOOD, NOW, ["CC-BR-01"]), ['names an unknown rule "CC-BR-07"']);
  });

  it("a reason needs 10 characters after trimming: 9 fails, 10 passes", () => {
    assert.deepEqual(waiverProblems({ ...GOOD, reason: "  123456789  " }, NOW, KNOWN_IDS), [
      "has no reason of at least 10 characters (reason)",
    ]);
    assert.deepEqual(waiverProblems({ ...GOOD, reason: "1234567890" }, NOW, KNOWN_IDS), []);
  });

  it("expiry: valid through its day (UTC), expired the day after, a non-date is named", () => {
    assert.deepEqual(waiverProblems({ ...GOOD, expires: "2026-11-21" }, NOW, KNOWN_IDS), []);
    assert.deepEqual(waiverProblems({ ...GOOD, expires: "2026-11-20" }, NOW, KNOWN_IDS), [
      "expired on 2026-11-20",
    ]);
    assert.deepEqual(waiverProblems({ ...GOOD, expires: "2026-02-30" }, NOW, KNOWN_IDS), [
      'has an expiry that is not a YYYY-MM-DD date ("2026-02-30")',
    ]);
    assert.deepEqual(waiverProblems({ ...GOOD, expires: "31/12/2026" }, NOW, KNOWN_IDS), [
      'has an expiry that is not a YYYY-MM-DD date ("31/12/2026")',
    ]);
  });

  it("validWaivers keeps the valid ones, trimmed", () => {
    assert.deepEqual(validWaivers(GOOD, NOW, KNOWN_IDS), []);
    assert.deepEqual(validWaivers(undefined, NOW, KNOWN_IDS), []);
    const padded = {
      ruleId: " CC-BR-07 ",
      resource: " erp-* ",
      reason: "  release bot needs a bypass ",
      owner: " mathieu ",
      expires: " 2026-12-31 ",
    };
    assert.deepEqual(validWaivers([padded, { ...GOOD, owner: "" }], NOW, KNOWN_IDS), [
      {
        ruleId: "CC-BR-07",
        resource: "erp-*",
        reason: "release bot needs a bypass",
        owner: "mathieu",
        expires: "2026-12-31",
      },
    ]);
  });

  it("findWaiver matches the rule, then the resource by name or URN glob, or the stack by * or its name", () => {
    const [byName, byUrn, star, stack] = validWaivers(
      [
        { ...GOOD, resource: "erp-*-repo" },
        { ...GOOD, ruleId: "CC-BR-06", resource: "urn:pulumi:production::*::menu-repo" },
        { ...GOOD, ruleId: "CC-BR-08", resource: "*" },
        { ...GOOD, ruleId: "CC-BR-01", resource: "production" },
      ],
      NOW,
      KNOWN_IDS,
    );
    const erp = {
      name: "erp-berhan-repo",
      urn: "urn:pulumi:production::p::github:index/repository:Repository::erp-berhan-repo",
    };
    const menu = {
      name: "menu-repo",
      urn: "urn:pulumi:production::p::github:index/repository:Repository::menu-repo",
    };
    const all = [byName, byUrn, star, stack];
    assert.equal(findWaiver(all, "CC-BR-07", erp, "production"), byName);
    assert.equal(findWaiver(all, "CC-BR-07", menu, "production"), undefined);
    assert.equal(findWaiver(all, "CC-BR-05", erp, "production"), undefined);
    assert.equal(findWaiver(all, "CC-BR-06", menu, "production"), byUrn);
    assert.equal(findWaiver(all, "CC-BR-06", erp, "production"), undefined);
    assert.equal(findWaiver(all, "CC-BR-08", null, "staging"), star);
    assert.equal(findWaiver(all, "CC-BR-01", null, "production"), stack);
    assert.equal(findWaiver(all, "CC-BR-01", null, "staging"), undefined);
    assert.equal(findWaiver(all, "CC-BR-07", null, "production"), undefined);
  });
});

describe("policy-pack lib: property readers", () => {
  it("unknown values throw with their path; the engine's UnknownValueError is recognised by name", () => {
    const p = unknownCheckingProps({
      a: { b: "[unknown]", c: [1] },
      d: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    });
    assert.throws(() => p.a.b, {
      name: "UnknownInputError",
      message: "the value at .a.b can't be known during preview",
    });
    assert.throws(() => p.d, { message: "the value at .d can't be known during preview" });
    assert.deepEqual(Array.from(p.a.c), [1]);
    class UnknownValueError extends Error {}
    const named = new Error("x");
    named.name = "UnknownValueError";
    assert.equal(isUnknownError(new UnknownValueError("x")), true);
    assert.equal(isUnknownError(named), true);
    assert.equal(isUnknownError(new UnknownInputError("a")), true);
    assert.equal(isUnknownError(new HiddenSecretError("a")), true);
    assert.equal(isUnknownError(new Error("UnknownValueError")), false);
    assert.equal(isUnknownError({ name: "UnknownValueError" }), false);
    const bare = new Error("x");
    bare.name = "UnknownValueError";
    Object.defineProperty(bare, "constructor", { value: undefined });
    assert.equal(isUnknownError(bare), true);
    assert.equal(new HiddenSecretError("content").name, "HiddenSecretError");
    assert.equal(new UnknownInputError("content").name, "UnknownInputError");
    assert.equal(
      new HiddenSecretError("content").message,
      "the value at .content is a secret, hidden from this input",
    );
  });

  it("get walks objects only and throws on an unknown step", () => {
    assert.equal(get({ a: { b: 2 } }, "a.b"), 2);
    assert.equal(get({ a: null }, "a.b"), undefined);
    assert.equal(get({ a: "abc" }, "a.length"), undefined);
    assert.equal(get(undefined, "a"), undefined);
    assert.throws(() => get({ a: { b: "[unknown]" } }, "a.b.c"), {
      message: "the value at .a.b.c can't be known during preview",
    });
  });

  it("num, arr, tagsOf accept only what they say", () => {
    assert.equal(num(512), 512);
    assert.equal(str("a"), "a");
    assert.equal(str(5), undefined);
    assert.equal(str(null), undefined);
    assert.equal(num(" 1024 "), 1024);
    for (const bad of [Number.NaN, Infinity, "", "   ", "12px", true, null, undefined, {}])
      assert.equal(num(bad), undefined, String(bad));
    assert.deepEqual(arr(null), []);
    assert.deepEqual(arr(undefined), []);
    assert.deepEqual(arr(0), [0]);
    assert.deepEqual(arr({ a: 1 }), [{ a: 1 }]);
    const list = [1, 2];
    assert.notEqual(arr(list), list);
    assert.deepEqual(arr(list), list);
    assert.deepEqual(tagsOf({ tags: { app: "x" } }), { app: "x" });
    for (const tags of ["app=x", ["app"], null, undefined]) assert.deepEqual(tagsOf({ tags }), {});
  });

  it("parseJsonProp parses strings, passes objects, refuses unknowns, secrets and bad JSON", () => {
    assert.deepEqual(parseJsonProp({ doc: '{"a":1}' }, "doc"), { a: 1 });
    assert.deepEqual(parseJsonProp({ doc: { a: 1 } }, "doc"), { a: 1 });
    assert.throws(() => parseJsonProp({ doc: "[unknown]" }, "doc"), UnknownInputError);
    assert.throws(
      () => parseJsonProp({ doc: '{"a":"04da6b54-80e4-46f7-96ec-b56ff0331ba9"}' }, "doc"),
      UnknownInputError,
    );
    assert.throws(() => parseJsonProp({ doc: '{"a":"[unknown]"}' }, "doc"), UnknownInputError);
    assert.deepEqual(parseJsonProp({ doc: '{"a":"[unknown] soon"}' }, "doc"), { a: "[unknown] soon" });
    assert.throws(() => parseJsonProp({ doc: "[secret]" }, "doc"), HiddenSecretError);
    assert.throws(
      () => parseJsonProp({ doc: "{nope" }, "doc"),
      (e: Error) => {
        assert.equal(isUnknownError(e), false);
        assert.match(e.message, /^\.doc is not valid JSON: /);
        return true;
      },
    );
  });

  it("environmentOf reads the GitHub field or the AWS tag, never the other", () => {
    assert.equal(
      environmentOf({
        type: "github:index/repositoryEnvironment:RepositoryEnvironment",
        props: { environment: "production", tags: { environment: "staging" } },
      }),
      "production",
    );
    assert.equal(environmentOf({ type: "github:x", props: { tags: { environment: "staging" } } }), undefined);
    assert.equal(
      environmentOf({
        type: "aws:ecs/service:Service",
        props: { environment: "production", tags: { environment: "staging" } },
      }),
      "staging",
    );
    assert.equal(
      environmentOf({ type: "aws:ecs/service:Service", props: { environment: "production" } }),
      undefined,
    );
  });

  it("appOf: the app tag, else the Application ancestor (by map or by URN), within 20 levels", () => {
    const APP = "cicd-constitution:app:Application";
    const appUrn = `urn:pulumi:production::cicd-constitution::${APP}::erp-berhan`;
    const app = { type: APP, name: "erp-berhan", parent: null };
    const mid = { type: "aws:ecs/cluster:Cluster", name: "c", parent: appUrn };
    const byUrn = new Map<string, { type: string; name: string; parent?: string | null }>([
      [appUrn, app],
      ["urn:mid", mid],
    ]);
    assert.equal(
      appOf({ props: { tags: { app: "menu-optimizer" } }, parent: "urn:mid" }, byUrn),
      "menu-optimizer",
    );
    assert.equal(appOf({ props: {}, parent: "urn:mid" }, byUrn), "erp-berhan");
    assert.equal(appOf({ props: {}, parent: appUrn }, new Map()), "erp-berhan");
    assert.equal(appOf({ props: {}, parent: `${appUrn}:extra` }, new Map()), undefined);
    assert.equal(appOf({ props: {}, parent: "urn:pulumi:production::p::aws:x::y" }, new Map()), undefined);
    assert.equal(appOf({ props: {} }, byUrn), undefined);
    const orphanMap = new Map([["urn:top", { type: "aws:x", name: "top", parent: null }]]);
    assert.equal(appOf({ props: {}, parent: "urn:top" }, orphanMap), undefined);
    // A chain of 20 plain ancestors hides an Application at depth 21.
    const chain = new Map<string, { type: string; name: string; parent?: string | null }>([[appUrn, app]]);
    for (let i = 0; i < 20; i++)
      chain.set(`urn:p${i}`, { type: "aws:x", name: `p${i}`, parent: i === 19 ? appUrn : `urn:p${i + 1}` });
    assert.equal(appOf({ props: {}, parent: "urn:p1" }, chain), "erp-berhan");
    assert.equal(appOf({ props: {}, parent: "urn:p0" }, chain), undefined);
    // A cycle ends.
    const cycle = new Map([
      ["urn:a", { type: "aws:x", name: "a", parent: "urn:b" }],
      ["urn:b", { type: "aws:x", name: "b", parent: "urn:a" }],
    ]);
    assert.equal(appOf({ props: {}, parent: "urn:a" }, cycle), undefined);
  });

  it("globMatch: * and ? only, other characters literal, whole string", () => {
    assert.equal(globMatch("erp-*", "erp-berhan"), true);
    assert.equal(globMatch("a?c", "abc"), true);
    assert.equal(globMatch("a?c", "ac"), false);
    assert.equal(globMatch("a.b", "axb"), false);
    assert.equal(globMatch("a.b", "ab"), false);
    assert.equal(globMatch("a.b", "a.b"), true);
    assert.equal(globMatch("abc", "xyz"), false);
    assert.equal(globMatch("abc", "abcd"), false);
    assert.equal(globMatch("(x)+", "(x)+"), true);
  });
});

describe("policy-pack lib: protection of main", () => {
  const repo = res("erp-repo", REPO_T, { name: "erp-berhan", nodeId: "R_kgDO1" });
  const [erp] = repositories([repo, res("x", "aws:s3/bucket:Bucket")]);

  it("repositories are named by their name input, else the resource name", () => {
    assert.deepEqual(
      repositories([repo, res("menu-repo", REPO_T), res("x", RULESET_T)]).map((r) => r.name),
      ["erp-berhan", "menu-repo"],
    );
  });

  it("refersTo: repository name, owner/name or node ID", () => {
    assert.equal(refersTo("erp-berhan", erp), true);
    assert.equal(refersTo("acme/erp-berhan", erp), true);
    assert.equal(refersTo("R_kgDO1", erp), true);
    assert.equal(refersTo("erp", erp), false);
    assert.equal(refersTo("acme/erp", erp), false);
    assert.equal(refersTo(undefined, erp), false);
    assert.equal(refersTo(42, erp), false);
    const [plain] = repositories([res("menu-repo", REPO_T, { name: "menu" })]);
    assert.equal(refersTo("x", plain), false);
    assert.equal(refersTo("menu", plain), true);
  });

  it("rulesetTargets: includes (~ALL, ~DEFAULT_BRANCH for the default branch, globs) minus excludes", () => {
    const cond = (includes: string[], excludes: string[] = []) => ({
      conditions: { refName: { includes, excludes } },
    });
    assert.equal(rulesetTargets(cond(["~ALL"]), "refs/heads/main", false), true);
    assert.equal(rulesetTargets(cond(["~DEFAULT_BRANCH"]), "refs/heads/main", true), true);
    assert.equal(rulesetTargets(cond(["~DEFAULT_BRANCH"]), "refs/heads/main", false), false);
    assert.equal(rulesetTargets(cond(["refs/heads/*"]), "refs/heads/main", false), true);
    assert.equal(
      rulesetTargets(cond(["refs/heads/*"], ["refs/heads/main"]), "refs/heads/main", false),
      false,
    );
    assert.equal(rulesetTargets(cond(["refs/heads/*"], ["refs/heads/dev"]), "refs/heads/main", false), true);
    assert.equal(rulesetTargets(cond(["refs/tags/*", "refs/heads/main"]), "refs/heads/main", false), true);
    assert.equal(rulesetTargets(cond(["refs/tags/*"]), "refs/heads/main", false), false);
    assert.equal(rulesetTargets({}, "refs/heads/main", true), false);
    assert.equal(rulesetTargets(cond(["refs/heads/dev"]), "refs/heads/main", true), false);
  });

  it("a ruleset gives checks, strictness, reviews, force-push and deletion blocks, and its bypass actors", () => {
    const rs = res("erp-main", RULESET_T, {
      repository: "erp-berhan",
      target: "branch",
      enforcement: "active",
      conditions: { refName: { includes: ["~DEFAULT_BRANCH"], excludes: [] } },
      rules: {
        requiredStatusChecks: {
          requiredChecks: [{ context: "style" }, { context: "unit" }, { integrationId: 1 }],
          strictRequiredStatusChecksPolicy: true,
        },
        pullRequest: { requiredApprovingReviewCount: 2, dismissStaleReviewsOnPush: true },
        nonFastForward: true,
        deletion: true,
      },
      bypassActors: [{ actorType: "Team", actorId: 7 }, {}],
    });
    const other = res("menu-main", RULESET_T, {
      repository: "menu",
      enforcement: "active",
      conditions: { refName: { includes: ["~ALL"] } },
      rules: { deletion: true },
    });
    const tags = res("erp-tags", RULESET_T, {
      repository: "erp-berhan",
      target: "tag",
      enforcement: "active",
      conditions: { refName: { includes: ["~ALL"] } },
      rules: { deletion: true },
    });
    const view = mainProtection(erp, [repo, rs, other, tags]);
    assert.deepEqual(
      { ...view, sources: names(view.sources), requiredChecks: [...view.requiredChecks] },
      {
        sources: "erp-main",
        inactive: [],
        requiredChecks: ["style", "unit"],
        strict: true,
        pullRequest: true,
        approvals: 2,
        dismissStale: true,
        noForcePush: true,
        noDeletion: true,
        codeOwnerReview: false,
        lastPushApproval: false,
        checkApps: new Map([
          ["style", undefined],
          ["unit", undefined],
        ]),
        bypass: ["Team 7 (erp-main)", "actor ? (erp-main)"],
      },
    );
  });

  it("a ruleset without target is a branch ruleset; an inactive one protects nothing", () => {
    const props = {
      repository: "erp-berhan",
      conditions: { refName: { includes: ["~ALL"] } },
      rules: { deletion: true, pullRequest: {} },
    };
    const active = mainProtection(erp, [res("a", RULESET_T, { ...props, enforcement: "active" })]);
    assert.deepEqual(
      [
        names(active.sources),
        active.noDeletion,
        active.noForcePush,
        active.pullRequest,
        active.approvals,
        active.strict,
        active.dismissStale,
      ],
      ["a", true, false, true, 0, false, false],
    );
    const evaluateOnly = mainProtection(erp, [res("e", RULESET_T, { ...props, enforcement: "evaluate" })]);
    assert.deepEqual(
      [evaluateOnly.sources, names(evaluateOnly.inactive), evaluateOnly.noDeletion, evaluateOnly.pullRequest],
      [[], "e", false, false],
    );
    const empty = mainProtection(erp, [
      res("n", RULESET_T, {
        repository: "erp-berhan",
        enforcement: "active",
        conditions: { refName: { includes: ["~ALL"] } },
      }),
    ]);
    assert.deepEqual(
      [names(empty.sources), empty.noDeletion, empty.pullRequest, empty.bypass],
      ["n", false, false, []],
    );
  });

  it("a ruleset may name main explicitly; other refs, other types and non-object rules do not protect it", () => {
    const byRef = (includes: string[], rules: Record<string, unknown> = {}) =>
      res("rs", RULESET_T, {
        repository: "erp-berhan",
        enforcement: "active",
        conditions: { refName: { includes } },
        rules,
      });
    assert.equal(names(mainProtection(erp, [byRef(["refs/heads/main"])]).sources), "rs");
    assert.equal(names(mainProtection(erp, [byRef(["refs/heads/dev"])]).sources), "");
    assert.equal(mainProtection(erp, [byRef(["~ALL"], { pullRequest: "required" })]).pullRequest, false);
    const notProtection = res("team", "github:index/teamRepository:TeamRepository", {
      repositoryId: "erp-berhan",
      pattern: "main",
    });
    assert.deepEqual(mainProtection(erp, [notProtection]).sources, []);
    const two = mainProtection(erp, [
      byRef(["~ALL"]),
      res("bp", BP_T, {
        repositoryId: "erp-berhan",
        pattern: "main",
        enforceAdmins: true,
        requiredStatusChecks: [{ contexts: ["style"] }],
      }),
    ]);
    assert.deepEqual([names(two.sources), two.strict, [...two.requiredChecks]], ["rs, bp", false, ["style"]]);
  });

  it("classic protection: contexts and checks, provider defaults, admins and bypassers", () => {
    const bp = res("erp-bp", BP_T, {
      repositoryId: "R_kgDO1",
      pattern: "ma*",
      requiredStatusChecks: [{ strict: true, contexts: ["style", 3], checks: ["unit:15368", 4] }],
      requiredPullRequestReviews: [{ dismissStaleReviews: true, pullRequestBypassers: ["/octocat"] }],
      forcePushBypassers: ["/release-bot"],
    });
    const view = mainProtection(erp, [
      bp,
      res("dev-bp", BP_T, { repositoryId: "erp-berhan", pattern: "dev", allowsDeletions: true }),
      res("nopattern", BP_T, { repositoryId: "erp-berhan" }),
    ]);
    assert.deepEqual(
      { ...view, sources: names(view.sources), requiredChecks: [...view.requiredChecks] },
      {
        sources: "erp-bp",
        inactive: [],
        requiredChecks: ["style", "unit"],
        strict: true,
        pullRequest: true,
        approvals: 1,
        dismissStale: true,
        noForcePush: true,
        noDeletion: true,
        codeOwnerReview: false,
        lastPushApproval: false,
        // Classic `checks` are `context:app_id`: unit comes from app 15368, style from any app.
        checkApps: new Map<string, number | undefined>([
          ["style", undefined],
          ["unit", 15368],
        ]),
        bypass: ["/octocat (erp-bp)", "admins (erp-bp: enforceAdmins is not true)", "/release-bot (erp-bp)"],
      },
    );
    const lax = mainProtection(erp, [
      res("lax", BP_T, {
        repositoryId: "erp-berhan",
        pattern: "main",
        enforceAdmins: true,
        allowsForcePushes: true,
        allowsDeletions: true,
        requiredStatusChecks: ["x"],
        requiredPullRequestReviews: [{ requiredApprovingReviewCount: 3 }, "x"],
      }),
    ]);
    assert.deepEqual(
      [
        lax.noForcePush,
        lax.noDeletion,
        lax.bypass,
        lax.approvals,
        lax.strict,
        lax.dismissStale,
        lax.requiredChecks.size,
      ],
      [false, false, [], 3, false, false, 0],
    );
    const noReviews = mainProtection(erp, [
      res("n", BP_T, {
        repositoryId: "erp-berhan",
        pattern: "main",
        enforceAdmins: true,
        requiredPullRequestReviews: ["x"],
      }),
    ]);
    assert.deepEqual([noReviews.pullRequest, noReviews.approvals], [false, 0]);
  });
});

describe("policy-pack lib: verdicts, aggregation, runRule", () => {
  it("guard turns an unknown read into not-applicable and any other error into a failure naming it", () => {
    const out = new Verdicts();
    const r = res("x", REPO_T);
    out.guard(r, () => {
      throw new UnknownInputError("rules");
    });
    out.guard(null, () => {
      throw new Error("boom");
    });
    out.guard(r, () => out.pass(r, "fine"));
    assert.deepEqual(
      out.list.map((v) => [v.status, v.res?.name ?? null, v.message]),
      [
        ["not-applicable", "x", "the value at .rules can't be known during preview"],
        ["fail", null, "cannot be checked: boom"],
        ["pass", "x", "fine"],
      ],
    );
  });

  it("aggregate: any failure fails (distinct messages joined), else not-applicable, else pass; first-seen order", () => {
    const a = res("a", REPO_T);
    const b = res("b", REPO_T);
    const c = res("c", REPO_T);
    const out = new Verdicts();
    out.pass(a, "a ok");
    out.na(b, "b unknown");
    out.fail(a, "a bad");
    out.pass(b, "b ok");
    out.fail(a, "a bad");
    out.fail(a, "a worse");
    out.pass(c, "c ok");
    out.pass(c, "c also ok");
    out.na(null, "stack unknown");
    assert.deepEqual(
      aggregate(out.list).map((g) => [g.res?.name ?? null, g.status, g.message]),
      [
        ["a", "fail", "a bad; a worse"],
        ["b", "not-applicable", "b unknown"],
        ["c", "pass", "c ok; c also ok"],
        [null, "not-applicable", "stack unknown"],
      ],
    );
  });

  it("runRule: resource rules see only their types; a silent stack rule is not applicable", () => {
    const seen: string[] = [];
    const resourceRule = defineRule({
      id: "CC-T-01",
      slug: "t",
      section: "BR",
      title: "t",
      description: "d",
      source: "s",
      remediation: "r",
      enforcementLevel: "advisory",
      kind: "resource",
      appliesTo: [REPO_T],
      checkResource: (r, _ctx, out) => {
        seen.push(r.name);
        out.pass(r, "ok");
      },
    });
    assert.equal(resourceRule.meta.policyName, "CC-T-01-t");
    const ctx: RuleContext = { cfg: {}, now: NOW, secretsMarked: false, byUrn: new Map(), waivers: [] };
    const rs = [res("r1", REPO_T), res("x", RULESET_T), res("r2", REPO_T)];
    assert.deepEqual(
      runRule(resourceRule, rs, ctx).map((a) => [a.res?.name, a.status]),
      [
        ["r1", "pass"],
        ["r2", "pass"],
      ],
    );
    assert.deepEqual(seen, ["r1", "r2"]);
    const bare = { ...resourceRule, checkResource: undefined };
    assert.deepEqual(runRule(bare, rs, ctx), []);
    const silent = defineRule({
      ...resourceRule.meta,
      slug: "s",
      kind: "stack",
      checkStack: () => undefined,
    });
    assert.deepEqual(
      runRule(silent, rs, ctx).map((a) => [a.res, a.status, a.message]),
      [[null, "not-applicable", "nothing in this stack for this rule to check"]],
    );
    const noCheck = defineRule({ ...resourceRule.meta, slug: "s", kind: "stack" });
    assert.deepEqual(
      runRule(noCheck, rs, ctx).map((a) => a.status),
      ["not-applicable"],
    );
  });

  it("settingsOf: defaults overlaid with config, without level and waivers; the schema adds waivers", () => {
    const br02 = ruleById("CC-BR-02")!;
    assert.deepEqual(settingsOf(br02, undefined), { requiredChecks: ["style", "unit", "smoke"] });
    assert.deepEqual(
      settingsOf(br02, { enforcementLevel: "advisory", waivers: [], requiredChecks: ["lint"], extra: 1 }),
      {
        requiredChecks: ["lint"],
        extra: 1,
      },
    );
    const schema = configSchemaOf(br02);
    assert.deepEqual(Object.keys(schema.properties ?? {}), ["requiredChecks", "waivers"]);
    assert.deepEqual(Object.keys(configSchemaOf(ruleById("CC-BR-01")!).properties ?? {}), ["waivers"]);
  });

  it("waiversOf: no config, no waivers", () => {
    assert.deepEqual(waiversOf(undefined, NOW), []);
    assert.deepEqual(waiversOf({ waivers: [GOOD, { ...GOOD, ruleId: "CC-X" }] }, NOW), [GOOD]);
  });

  it("ruleById finds a rule by ID or policy name, nothing else", () => {
    assert.equal(ruleById("CC-RUN-08")?.policyName, "CC-RUN-08-log-retention");
    assert.equal(ruleById("CC-RUN-08-log-retention")?.id, "CC-RUN-08");
    assert.equal(ruleById("CC-RUN-8"), undefined);
    assert.equal(ruleById("log-retention"), undefined);
  });
});

/** A fake of @pulumi/policy's args: `notApplicable` throws, as the library's does. */
class NotApplicable extends Error {}
function engineRun(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  args: Record<string, unknown>,
  config: object,
) {
  const reports: Array<[string, string | undefined]> = [];
  let na: string | undefined;
  const full = {
    ...args,
    getConfig: () => config,
    notApplicable: (reason?: string) => {
      na = reason;
      throw new NotApplicable(reason);
    },
  };
  const report = (message: string, urn?: string) => void reports.push([message, urn]);
  try {
    if ("validateResource" in policy)
      (policy.validateResource as (a: unknown, r: unknown) => void)(full, report);
    else ((policy as StackValidationPolicy).validateStack as (a: unknown, r: unknown) => void)(full, report);
  } catch (e) {
    if (!(e instanceof NotApplicable)) throw e;
  }
  return { reports, na };
}

describe("policy-pack lib: the CrossGuard adapter (toPolicy)", () => {
  const rule = (id: string) => ALL_RULES.find((r) => r.meta.id === id)!;
  const repoArgs = (props: Record<string, unknown>, type = REPO_T) => ({
    urn: "urn:pulumi:production::cicd-constitution::github:index/repository:Repository::erp-repo",
    type,
    name: "erp-repo",
    props,
    opts: { parent: undefined },
  });
  const squash = { allowMergeCommit: false, allowRebaseMerge: false, allowSquashMerge: true };
  const waiver = { ...GOOD, ruleId: "CC-BR-04", resource: "erp-*", expires: "2999-01-01" };

  it("carries the rule's metadata", () => {
    const p = toPolicy(rule("CC-BR-02"));
    assert.equal(p.name, "CC-BR-02-required-status-checks");
    assert.equal(p.description, `CC-BR-02: ${rule("CC-BR-02").meta.description}`);
    assert.equal(p.enforcementLevel, "mandatory");
    assert.equal(p.remediationSteps, rule("CC-BR-02").meta.remediation);
    assert.deepEqual(p.tags, ["CC-BR-02", "section:BR"]);
    assert.deepEqual(p.configSchema, configSchemaOf(rule("CC-BR-02").meta));
    assert.ok("validateStack" in p);
    assert.ok("validateResource" in toPolicy(rule("CC-BR-04")));
  });

  it("resource policy: reports a failure, stays silent on a pass or another type, waives with a note", () => {
    const p = toPolicy(rule("CC-BR-04"));
    assert.deepEqual(engineRun(p, repoArgs(squash), {}), { reports: [], na: undefined });
    assert.deepEqual(engineRun(p, repoArgs({ ...squash, allowMergeCommit: true }, RULESET_T), {}), {
      reports: [],
      na: undefined,
    });
    assert.deepEqual(engineRun(p, repoArgs({ ...squash, allowMergeCommit: true }), {}), {
      reports: [["merge commits are allowed (allowMergeCommit is not false)", undefined]],
      na: undefined,
    });
    assert.deepEqual(engineRun(p, repoArgs({ ...squash, allowMergeCommit: true }), { waivers: [waiver] }), {
      reports: [],
      na: "waived until 2999-01-01 by mathieu: release bot needs a bypass",
    });
    assert.deepEqual(
      engineRun(p, repoArgs({ ...squash, allowMergeCommit: true }), {
        waivers: [{ ...waiver, expires: "2000-01-01" }],
      }).reports.length,
      1,
    );
  });

  it("resource policy: an unknown value read by the rule is not applicable, never a violation", () => {
    const p = toPolicy(rule("CC-RUN-01"));
    const tg = (healthCheck: unknown) => ({
      urn: "urn:pulumi:production::cicd-constitution::aws:lb/targetGroup:TargetGroup::erp-tg",
      type: "aws:lb/targetGroup:TargetGroup",
      name: "erp-tg",
      props: unknownCheckingProps({ healthCheck }),
      opts: { parent: "urn:parent" },
    });
    assert.deepEqual(engineRun(p, tg({ enabled: true, path: "[unknown]" }), {}), {
      reports: [],
      na: "the value at .healthCheck.path can't be known during preview",
    });
    assert.deepEqual(engineRun(p, tg({ enabled: true, path: "/" }), { path: "/" }), {
      reports: [],
      na: undefined,
    });
    assert.deepEqual(engineRun(p, tg({ enabled: true, path: "/" }), {}).reports, [
      ["health check path is /, expected /readyz", undefined],
    ]);
  });

  it("stack policy: reports failures on their resource URN, skips waived ones, not-applicable when nothing applies", () => {
    const p = toPolicy(rule("CC-BR-05"));
    assert.ok("validateResource" in p);
    const stackPolicy = toPolicy(rule("CC-BR-01"));
    const repo = {
      urn: "urn:r:erp",
      type: REPO_T,
      name: "erp-repo",
      props: { name: "erp-berhan" },
      parent: { urn: "urn:parent" },
    };
    const menu = { urn: "urn:r:menu", type: REPO_T, name: "menu-repo", props: { name: "menu" } };
    const ruleset = {
      urn: "urn:rs",
      type: RULESET_T,
      name: "erp-main",
      props: {
        repository: "erp-berhan",
        enforcement: "active",
        conditions: { refName: { includes: ["~DEFAULT_BRANCH"] } },
      },
    };
    assert.deepEqual(engineRun(stackPolicy, { resources: [repo, ruleset] }, {}), {
      reports: [],
      na: undefined,
    });
    assert.deepEqual(engineRun(stackPolicy, { resources: [repo, menu, ruleset] }, {}), {
      reports: [["main of menu has no ruleset or branch protection", "urn:r:menu"]],
      na: undefined,
    });
    const w = { ...GOOD, ruleId: "CC-BR-01", resource: "menu-*", expires: "2999-01-01" };
    assert.deepEqual(engineRun(stackPolicy, { resources: [repo, menu, ruleset] }, { waivers: [w] }), {
      reports: [],
      na: undefined,
    });
    assert.deepEqual(engineRun(stackPolicy, { resources: [] }, {}), {
      reports: [],
      na: "nothing in this stack for this rule to check",
    });
    const waive = toPolicy(rule("CC-WAIVE-01"));
    const bad = engineRun(waive, { resources: [] }, { waivers: [{ ...GOOD, owner: "" }, GOOD] });
    assert.deepEqual(bad, {
      reports: [
        [
          "waiver #1 (CC-BR-07 on erp-berhan-governance-repo) names no owner (owner); it waives nothing",
          undefined,
        ],
      ],
      na: undefined,
    });
    assert.deepEqual(engineRun(waive, { resources: [] }, {}), { reports: [], na: undefined });
  });

  it("the engine hands unwrapped secrets: a plain secret value is not judged plain text; no config is no config", () => {
    const p = toPolicy(rule("CC-ENV-04"));
    const secret = {
      urn: "urn:s",
      type: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
      name: "erp-secret",
      props: { secretName: "DB", value: "unwrapped-value" },
    };
    assert.deepEqual(engineRun(p, secret, {}), { reports: [], na: undefined });
    assert.deepEqual(engineRun(p, secret, undefined as unknown as object), { reports: [], na: undefined });
    assert.deepEqual(
      engineRun(p, { ...secret, props: { secretName: "DB" } }, undefined as unknown as object).reports,
      [["secret DB carries no value", undefined]],
    );
    assert.deepEqual(
      engineRun(toPolicy(rule("CC-BR-01")), { resources: [] }, undefined as unknown as object).na,
      "nothing in this stack for this rule to check",
    );
  });

  it("stack policy: a resource's parent is its parent's URN (the app component names the app)", () => {
    const APP = "cicd-constitution:app:Application";
    const appUrn = `urn:pulumi:production::cicd-constitution::${APP}::erp-berhan`;
    const child = (type: string, name: string, props: Record<string, unknown>) => ({
      urn: `urn:${name}`,
      type,
      name,
      props: unknownCheckingProps(props),
      parent: { urn: appUrn },
    });
    const alarm = (name: string, metricName: string) =>
      child("aws:cloudwatch/metricAlarm:MetricAlarm", name, { metricName, alarmActions: ["arn:sns"] });
    const resources = [
      { urn: appUrn, type: APP, name: "erp-berhan", props: unknownCheckingProps({}) },
      child("aws:ecs/service:Service", "erp-svc", { name: "svc" }),
      alarm("erp-5xx", "HTTPCode_Target_5XX_Count"),
      alarm("erp-latency", "TargetResponseTime"),
    ];
    assert.deepEqual(engineRun(toPolicy(rule("CC-OBS-01")), { resources }, {}), {
      reports: [],
      na: undefined,
    });
  });

  it("stack policy: a stack with unknown protection is not applicable, with every reason", () => {
    const stackPolicy = toPolicy(rule("CC-BR-01"));
    const repo = (n: string) => ({
      urn: `urn:r:${n}`,
      type: REPO_T,
      name: `${n}-repo`,
      props: unknownCheckingProps({ name: "[unknown]" }),
    });
    assert.deepEqual(
      engineRun(stackPolicy, { resources: [repo("a")] }, {}).na,
      "the value at .name can't be known during preview",
    );
    const run08 = toPolicy(rule("CC-RUN-08"));
    const td = (n: string, containerDefinitions: string) => ({
      urn: `urn:td:${n}`,
      type: "aws:ecs/taskDefinition:TaskDefinition",
      name: n,
      props: unknownCheckingProps({ containerDefinitions }),
    });
    const unknown = "the value at .containerDefinitions can't be known during preview";
    assert.deepEqual(engineRun(run08, { resources: [td("a", "[unknown]"), td("b", "[unknown]")] }, {}), {
      reports: [],
      na: `${unknown}; ${unknown}`,
    });
    const logs = JSON.stringify([
      { name: "web", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/x" } } },
    ]);
    const group = {
      urn: "urn:lg",
      type: "aws:cloudwatch/logGroup:LogGroup",
      name: "lg",
      props: unknownCheckingProps({ name: "/ecs/x", retentionInDays: 30 }),
    };
    assert.deepEqual(engineRun(run08, { resources: [td("a", "[unknown]"), td("b", logs), group] }, {}), {
      reports: [],
      na: undefined,
    });
  });
});

describe("policy-pack: evaluate options and summarize", () => {
  const repo = {
    urn: "urn:r:erp",
    type: REPO_T,
    name: "erp-repo",
    props: {
      name: "erp-berhan",
      allowMergeCommit: false,
      allowRebaseMerge: false,
      deleteBranchOnMerge: true,
    },
  };
  const only = (rs: RuleResult[], id: string) =>
    rs
      .filter((r) => r.ruleId === id)
      .map((r) => [r.status, r.enforcementLevel, r.resource?.name ?? null, r.message]);

  it("an explicit empty config means default levels; a waiver never touches a pass", () => {
    const w = { ...GOOD, ruleId: "CC-BR-04", resource: "*" };
    const results = evaluate([repo], {
      stack: "production",
      config: { "CC-BR-04-squash-merge-only": { waivers: [w] } },
      now: NOW,
    });
    assert.deepEqual(only(results, "CC-BR-04"), [["pass", "mandatory", "erp-repo", "squash merge only"]]);
    assert.deepEqual(only(results, "CC-BR-05"), [
      ["pass", "advisory", "erp-repo", "head branches are deleted on merge"],
    ]);
    const failing = evaluate([{ ...repo, props: { ...repo.props, allowRebaseMerge: true } }], {
      stack: "production",
      config: { "CC-BR-04-squash-merge-only": { enforcementLevel: "advisory", waivers: [w] } },
      now: NOW,
    });
    const waived = failing.filter((r) => r.ruleId === "CC-BR-04");
    assert.deepEqual(waived, [
      {
        ruleId: "CC-BR-04",
        policyName: "CC-BR-04-squash-merge-only",
        enforcementLevel: "advisory",
        status: "waived",
        resource: { urn: "urn:r:erp", type: REPO_T, name: "erp-repo" },
        message:
          "rebase merges are allowed (allowRebaseMerge is not false) (waived until 2026-12-31 by mathieu: release bot needs a bypass)",
        waiver: { reason: "release bot needs a bypass", owner: "mathieu", expires: "2026-12-31" },
      },
    ]);
  });

  it("returns only rule results: one per resource for resource rules, one for a silent stack rule", () => {
    const results = evaluate([repo], { stack: "production", now: NOW });
    const ids = new Set(RULES.map((x) => x.id));
    assert.ok(results.every((x) => ids.has(x.ruleId)));
    assert.deepEqual(
      evaluate([repo], { stack: "production", now: NOW, secretsMarked: true }).length,
      results.length,
    );
  });

  it("summarize counts statuses and failures by level", () => {
    const r = (
      status: RuleResult["status"],
      enforcementLevel: RuleResult["enforcementLevel"],
    ): RuleResult => ({
      ruleId: "CC-X",
      policyName: "CC-X-x",
      status,
      enforcementLevel,
      resource: null,
      message: "",
    });
    assert.deepEqual(
      summarize([
        r("pass", "mandatory"),
        r("pass", "advisory"),
        r("waived", "mandatory"),
        r("not-applicable", "disabled"),
        r("not-applicable", "mandatory"),
        r("not-applicable", "advisory"),
        r("fail", "mandatory"),
        r("fail", "mandatory"),
        r("fail", "advisory"),
        r("fail", "advisory"),
        r("fail", "disabled"),
      ]),
      { pass: 2, fail: 5, waived: 1, notApplicable: 3, mandatoryFailures: 2, advisoryFailures: 2 },
    );
    assert.deepEqual(summarize([]), {
      pass: 0,
      fail: 0,
      waived: 0,
      notApplicable: 0,
      mandatoryFailures: 0,
      advisoryFailures: 0,
    });
  });
});

describe("policy-pack lib: stack-scoped waivers under the engine", () => {
  it("match the stack read from the URNs, as offline (the engine hands policies no stack name)", () => {
    const stackLevel = toPolicy({
      meta: ALL_RULES.find((r) => r.meta.id === "CC-OBS-02")!.meta,
      checkStack: (_rs: Res[], _ctx: RuleContext, out: Verdicts) =>
        out.fail(null, "a failure of the whole stack"),
    }) as StackValidationPolicy;
    const resources = [
      {
        urn: "urn:pulumi:production::cicd-constitution::aws:sns/topic:Topic::t",
        type: "aws:sns/topic:Topic",
        name: "t",
        props: {},
      },
    ];
    const waiver = (resource: string) => ({ ...GOOD, ruleId: "CC-OBS-02", resource, expires: "2999-01-01" });
    assert.deepEqual(engineRun(stackLevel, { resources }, { waivers: [waiver("production")] }).reports, []);
    assert.deepEqual(engineRun(stackLevel, { resources }, { waivers: [waiver("staging")] }).reports, [
      ["a failure of the whole stack", undefined],
    ]);
    assert.equal(stackOfUrn(resources[0].urn), "production");
    assert.equal(stackOfUrn("not-a-urn"), "");
  });
});
