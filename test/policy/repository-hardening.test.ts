/**
 * CC-BR-09 to CC-BR-12 (repository hardening), one named case per `it`: the repository's production stack passes
 * every rule for every governed repository; each single change fails exactly that rule on the resource holding
 * the setting.
 */
import { strict as assert } from "node:assert";
import { packConfigOfSection, withGovernanceSettings } from "../../src/audit/policy";
import { failures, mutate, realStacks, run } from "./helpers";
import { T } from "./rule-harness";

const { repository: REPO, ruleset: RULESET, actionsPermissions: ACTIONS, workflowPermissions: WORKFLOW } = T;
const FILE = T.repositoryFile;
const MAIN = /^erp-berhan-governance-main-ruleset$/;

const cases: Array<[string, string, string, RegExp, (p: Record<string, any>) => void, string, RegExp]> = [
  [
    "CC-BR-09",
    "secret scanning off",
    REPO,
    /^erp-berhan-governance-repo$/,
    (p) => (p.securityAndAnalysis.secretScanning.status = "disabled"),
    "erp-berhan-governance-repo",
    /secret scanning not enabled/,
  ],
  [
    "CC-BR-09",
    "no security and analysis settings",
    REPO,
    /^erp-berhan-governance-repo$/,
    (p) => delete p.securityAndAnalysis,
    "erp-berhan-governance-repo",
    /secret scanning and push protection not enabled/,
  ],
  [
    "CC-BR-10",
    "a write-all workflow token",
    WORKFLOW,
    /^erp-berhan-governance/,
    (p) => (p.defaultWorkflowPermissions = "write"),
    "erp-berhan-governance-workflow-permissions",
    /default workflow token write, expected read/,
  ],
  [
    "CC-BR-10",
    "workflows that can approve pull requests",
    WORKFLOW,
    /^erp-berhan-governance/,
    (p) => (p.canApprovePullRequestReviews = true),
    "erp-berhan-governance-workflow-permissions",
    /workflows can approve pull requests/,
  ],
  [
    "CC-BR-10",
    "all actions allowed",
    ACTIONS,
    /^erp-berhan-governance/,
    (p) => (p.allowedActions = "all"),
    "erp-berhan-governance-actions-permissions",
    /allowed actions all, expected selected/,
  ],
  [
    "CC-BR-11",
    "a template without Migrations",
    FILE,
    /^erp-berhan-governance-pr-template$/,
    (p) => (p.content = String(p.content).replace("## Migrations", "")),
    "erp-berhan-governance-main-ruleset",
    /template lacks Migrations/,
  ],
  [
    "CC-BR-11",
    "a CODEOWNERS naming nobody",
    FILE,
    /^erp-berhan-governance-codeowners$/,
    (p) => (p.content = "# nobody\n"),
    "erp-berhan-governance-main-ruleset",
    /CODEOWNERS names no owner/,
  ],
  [
    "CC-BR-12",
    "a check any app may report",
    RULESET,
    MAIN,
    (p) => delete p.rules.requiredStatusChecks.requiredChecks[1].integrationId,
    "erp-berhan-governance-main-ruleset",
    /unit \(any app\) not pinned to app 15368/,
  ],
  [
    "CC-BR-12",
    "a check pinned to another app",
    RULESET,
    MAIN,
    (p) => (p.rules.requiredStatusChecks.requiredChecks[0].integrationId = 42),
    "erp-berhan-governance-main-ruleset",
    /style \(42\) not pinned/,
  ],
];

describe("repository hardening (CC-BR-09 to CC-BR-12)", () => {
  it("every governed repository of production passes all four", async () => {
    const { production } = await realStacks();
    const results = run(production).filter((r) => /^CC-BR-(09|10|11|12)$/.test(r.ruleId));
    // Three repositories (two apps, this one) times four rules.
    assert.equal(results.filter((r) => r.status === "pass").length, 12);
    assert.deepEqual(failures(results), []);
  });

  for (const [rule, name, type, match, change, holder, message] of cases)
    it(`${rule} fails on ${name}`, async () => {
      const { production } = await realStacks();
      const results = run(production, mutate(production.resources, type, match, change));
      assert.deepEqual(failures(results), [`${rule} ${holder}`]);
      assert.match(results.find((r) => r.status === "fail")!.message, message);
    });

  it("CC-BR-12 fails on classic protection whose checks are bare contexts (any app)", async () => {
    const { production } = await realStacks();
    const main = production.resources.find((r) => r.type === RULESET && MAIN.test(r.name))!;
    const classic = {
      ...main,
      urn: main.urn.replace(RULESET, T.branchProtection),
      type: T.branchProtection,
      name: "erp-berhan-main-protection",
      props: {
        repositoryId: "erp-berhan",
        pattern: "main",
        enforceAdmins: true,
        requiredStatusChecks: [{ strict: true, contexts: ["style", "unit", "smoke"] }],
        requiredPullRequestReviews: [
          { requiredApprovingReviewCount: 1, dismissStaleReviews: true, requireCodeOwnerReviews: true },
        ],
      },
    };
    const results = run(production, [...production.resources.filter((r) => r !== main), classic]);
    assert.deepEqual(failures(results), ["CC-BR-12 erp-berhan-main-protection"]);
  });

  it("CC-BR-12 expects the app governance.checksIntegrationId pins the checks to, unless its settings say otherwise", async () => {
    const { production } = await realStacks();
    const pinned42 = mutate(production.resources, RULESET, MAIN, (p) =>
      p.rules.requiredStatusChecks.requiredChecks.forEach(
        (c: Record<string, unknown>) => (c.integrationId = 42),
      ),
    );
    const config = (policy: unknown) =>
      packConfigOfSection(withGovernanceSettings(policy, { checksIntegrationId: 42 }), "production", "test");
    // Only erp-berhan's ruleset is pinned to 42 here; the other repositories and rules are not what is tested.
    const erp = (config: ReturnType<typeof packConfigOfSection>) =>
      failures(run(production, pinned42, config)).filter((f) => f.startsWith("CC-BR-12 erp-berhan"));
    assert.deepEqual(erp(config({})), []);
    const explicit = config({ settings: { "CC-BR-12": { integrationId: 15368 } } });
    assert.deepEqual(erp(explicit), ["CC-BR-12 erp-berhan-governance-main-ruleset"]);
  });

  it("CC-BR-10 fails when a repository has no actions settings at all", async () => {
    const { production } = await realStacks();
    const without = production.resources.filter((r) => !(r.type === ACTIONS && /^erp-berhan/.test(r.name)));
    const results = run(production, without);
    assert.deepEqual(failures(results), ["CC-BR-10 erp-berhan-governance-workflow-permissions"]);
    assert.match(
      results.find((r) => r.status === "fail")!.message,
      /no actions permissions \(any action, any ref\)/,
    );
  });
});
