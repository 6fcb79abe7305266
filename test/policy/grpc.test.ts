/**
 * Engine-protocol tests: the pack is launched exactly as the Pulumi engine launches it (test/engine-client.ts:
 * `run-policy-pack` from policy-pack/, which loads the compiled bin/index.js that package.json names), then
 * driven over gRPC with the Analyzer stubs of @pulumi/pulumi: GetAnalyzerInfo lists every catalogue policy;
 * Configure takes the stack's pack config; Analyze (per resource) and AnalyzeStack give the same violations and
 * not-applicable verdicts as the in-process runner, and the server skips a one-type rule on every other type.
 * Requires `npm ci` (its postinstall installs and builds the pack; `npm test` rebuilds it).
 */
import { strict as assert } from "node:assert";
import * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import {
  evaluate,
  PackConfig,
  PolicyResourceInput,
  RULES,
  RuleResult,
  UNKNOWN_SENTINEL as UNKNOWN,
} from "../../policy-pack/evaluate";
import { analyzeAll, configure, engineRequests, LaunchedPack, launchPack } from "../engine-client";
import { RealStack, realStacks } from "./helpers";
import { allMutations, withArt05 } from "./mutations";
import { T } from "./rule-harness";

/** What the engine reports for `resources`: one Analyze per resource, then the AnalyzeStack. */
function engineVerdicts(pack: LaunchedPack, resources: PolicyResourceInput[]) {
  return analyzeAll(pack.client, engineRequests(resources));
}

/** `policyName urn` of each resource rule on each resource of a type it does not apply to: not applicable. */
function typeSkips(resources: PolicyResourceInput[]): Set<string> {
  const resourceRules = RULES.filter((m) => m.kind === "resource");
  return new Set(
    resources.flatMap((r) =>
      resourceRules.filter((m) => !m.appliesTo.includes(r.type)).map((m) => `${m.policyName} ${r.urn}`),
    ),
  );
}

/** The same verdicts, from the in-process runner. */
function inProcessVerdicts(results: RuleResult[]) {
  const kind = new Map(RULES.map((r) => [r.policyName, r.kind] as const));
  const fails = new Set(
    results.filter((r) => r.status === "fail").map((r) => `${r.policyName} ${r.resource?.urn ?? ""}`),
  );
  const notApplicable = new Set(
    results
      .filter(
        (r) =>
          kind.get(r.policyName) === "resource" && (r.status === "not-applicable" || r.status === "waived"),
      )
      .map((r) => `${r.policyName} ${r.resource?.urn}`),
  );
  const byPolicy = new Map<string, RuleResult[]>();
  for (const r of results.filter((x) => kind.get(x.policyName) === "stack"))
    byPolicy.set(r.policyName, [...(byPolicy.get(r.policyName) ?? []), r]);
  const stackNa = new Set(
    [...byPolicy].filter(([, rs]) => rs.every((r) => r.status === "not-applicable")).map(([p]) => p),
  );
  return { fails, notApplicable, stackNa };
}

describe("policy pack over the engine protocol (run-policy-pack + gRPC)", function () {
  this.timeout(180_000);
  let pack: LaunchedPack;
  let stacks: Record<string, RealStack>;

  before(async () => {
    stacks = await realStacks();
    pack = await launchPack();
  });

  after(() => pack?.close());

  it("GetAnalyzerInfo lists every catalogue policy with its level, description and config schema", async () => {
    const info = pack.info;
    assert.equal(info.getName(), "cicd-constitution");
    const policies = info.getPoliciesList();
    assert.deepEqual(
      policies.map((p) => p.getName()),
      RULES.map((r) => r.policyName),
    );
    for (const p of policies) {
      const meta = RULES.find((r) => r.policyName === p.getName())!;
      assert.equal(
        p.getEnforcementlevel(),
        meta.enforcementLevel === "mandatory"
          ? proto.EnforcementLevel.MANDATORY
          : proto.EnforcementLevel.ADVISORY,
        meta.id,
      );
      assert.ok(p.getDescription().startsWith(`${meta.id}: `), meta.id);
      const schema = p.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
      assert.ok("waivers" in schema, `${meta.id} schema`);
      for (const k of Object.keys(meta.configurable ?? {}))
        assert.ok(k in schema, `${meta.id} schema has ${k}`);
    }
  });

  for (const stack of ["staging", "production"]) {
    it(`${stack}: Analyze/AnalyzeStack give the in-process verdicts on the real resources, and with every fixture change of mutations.ts applied`, async () => {
      const s = stacks[stack];
      // A waiver on a resource rule and one on a stack rule, so waived verdicts are compared too.
      const waivers = [
        {
          ruleId: "CC-RUN-03",
          resource: "*-service",
          reason: "circuit breaker under test in the gRPC suite",
          owner: "qa",
          expires: "2999-12-31",
        },
        {
          ruleId: "CC-BR-07",
          resource: "erp-berhan-governance-repo",
          reason: "bypass under test in the gRPC suite",
          owner: "qa",
          expires: "2999-12-31",
        },
      ];
      const config: PackConfig = { ...s.config };
      for (const w of waivers) {
        const name = RULES.find((r) => r.id === w.ruleId)!.policyName;
        config[name] = { ...config[name], waivers: [w] };
      }
      config["CC-WAIVE-01-waivers-valid"] = { ...config["CC-WAIVE-01-waivers-valid"], waivers };
      await configure(pack.client, config);
      withArt05(stacks.staging.resources);
      let mutated = allMutations(stack, s.resources);
      // Values unknown during preview, as the engine sends them.
      const unknownTd = mutated.find((r) => r.type === T.taskDefinition && /menu-optimizer/.test(r.name))!;
      mutated = mutated.map((r) =>
        r === unknownTd ? { ...r, props: { ...r.props, containerDefinitions: UNKNOWN } } : r,
      );
      for (const resources of [s.resources, mutated]) {
        const mine = inProcessVerdicts(evaluate(resources, { stack, config, now: new Date() }));
        const engine = await engineVerdicts(pack, resources);
        assert.deepEqual([...engine.fails].sort(), [...mine.fails].sort());
        assert.deepEqual([...engine.notApplicable].sort(), [...mine.notApplicable].sort());
        assert.deepEqual([...engine.typeSkipped].sort(), [...typeSkips(resources)].sort());
        assert.deepEqual([...engine.stackNa].sort(), [...mine.stackNa].sort());
        for (const d of engine.diagnostics) assert.doesNotMatch(d.getMessage(), /can't run policy/);
      }
      const mutatedFails = inProcessVerdicts(evaluate(mutated, { stack, config, now: new Date() })).fails;
      assert.ok(
        mutatedFails.size >= 8,
        `the fixture changes give failures to compare (${mutatedFails.size})`,
      );
    });
  }
});
