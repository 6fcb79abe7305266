/**
 * The pack's Analyzer (policy-pack/lib/analyzer.ts: Analyze by type, one AnalyzeStack view) answers exactly as
 * `@pulumi/policy`'s own handlers: the pack is launched twice as the engine launches it, once as it ships and once
 * with `CICD_PACK_ANALYZER=library`, and every Analyze and AnalyzeStack response of both stacks, configured as
 * they are and with policies disabled, downgraded and waived, on the real resources, on resources without
 * properties (most rules fail), with every fixture change of mutations.ts and with values unknown in preview, is compared byte for byte.
 */
import { strict as assert } from "node:assert";
import type * as services from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import {
  PackConfig,
  PolicyResourceInput,
  RULES,
  UNKNOWN_SENTINEL as UNKNOWN,
} from "../../policy-pack/evaluate";
import { serveFastAnalyzer, loadLibrary } from "../../policy-pack/lib/analyzer";
import { call, configure, engineRequests, LaunchedPack, launchPack } from "../engine-client";
import { RealStack, realStacks } from "./helpers";
import { allMutations, withArt05 } from "./mutations";
import { T } from "./rule-harness";

/** Every response the engine would get for `resources`, serialized: each Analyze, then the AnalyzeStack. */
async function responses(
  client: services.AnalyzerClient,
  resources: PolicyResourceInput[],
): Promise<Buffer[]> {
  const requests = engineRequests(resources);
  const out: Buffer[] = [];
  for (const { req } of requests.analyze)
    out.push(
      Buffer.from(
        (
          await call<proto.AnalyzeRequest, proto.AnalyzeResponse>(client, client.analyze, req)
        ).serializeBinary(),
      ),
    );
  const stack = await call<proto.AnalyzeStackRequest, proto.AnalyzeResponse>(
    client,
    client.analyzeStack,
    requests.stack,
  );
  out.push(Buffer.from(stack.serializeBinary()));
  return out;
}

const policyOf = (id: string) => RULES.find((r) => r.id === id)!;

/** The stack's config with a one-type, a several-type and a stack rule disabled, one downgraded, two waived. */
function altered(config: PackConfig): PackConfig {
  const out: PackConfig = { ...config };
  const several = RULES.find((r) => r.kind === "resource" && r.appliesTo.length > 1)!;
  const oneType = RULES.find((r) => r.kind === "resource" && r.appliesTo.length === 1)!;
  const stackRule = RULES.find((r) => r.kind === "stack" && r.id !== "CC-WAIVE-01")!;
  for (const r of [several, oneType, stackRule])
    out[r.policyName] = { ...out[r.policyName], enforcementLevel: "disabled" };
  const downgraded = RULES.find(
    (r) => r.kind === "stack" && r.enforcementLevel === "mandatory" && r !== stackRule,
  )!;
  out[downgraded.policyName] = { ...out[downgraded.policyName], enforcementLevel: "advisory" };
  const waivers = [
    {
      ruleId: "CC-RUN-03",
      resource: "*-service",
      reason: "waived in the parity suite",
      owner: "qa",
      expires: "2999-12-31",
    },
    {
      ruleId: "CC-BR-07",
      resource: "*",
      reason: "waived in the parity suite",
      owner: "qa",
      expires: "2999-12-31",
    },
  ];
  for (const w of waivers)
    out[policyOf(w.ruleId).policyName] = { ...out[policyOf(w.ruleId).policyName], waivers: [w] };
  return out;
}

describe("the pack's Analyzer answers as @pulumi/policy's handlers, byte for byte", function () {
  this.timeout(180_000);
  let fast: LaunchedPack;
  let library: LaunchedPack;
  let stacks: Record<string, RealStack>;

  before(async () => {
    stacks = await realStacks();
    withArt05(stacks.staging.resources);
    [fast, library] = await Promise.all([
      launchPack(),
      launchPack(undefined, { CICD_PACK_ANALYZER: "library" }),
    ]);
  });
  after(() => {
    fast?.close();
    library?.close();
  });

  for (const stack of ["staging", "production"])
    for (const [what, configOf] of [
      ["as configured", (c: PackConfig) => c],
      ["with policies disabled, downgraded and waived", altered],
    ] as const)
      it(`${stack}, ${what}: real, emptied and mutated resources`, async () => {
        const s = stacks[stack];
        const config = configOf(s.config);
        await Promise.all([configure(fast.client, config), configure(library.client, config)]);
        const inputs = [
          s.resources,
          s.resources.map((r) => ({ ...r, props: {} })),
          allMutations(stack, s.resources),
          // Values unknown during preview, as the engine sends them.
          s.resources.map((r) =>
            r.type === T.taskDefinition || r.type === T.service
              ? { ...r, props: { ...r.props, tags: UNKNOWN } }
              : r,
          ),
        ];
        let compared = 0;
        for (const resources of inputs) {
          const [a, b] = await Promise.all([
            responses(fast.client, resources),
            responses(library.client, resources),
          ]);
          assert.equal(a.length, b.length);
          a.forEach((x, i) => assert.ok(x.equals(b[i]), `response ${i} of ${resources.length + 1} differs`));
          compared += a.length;
        }
        assert.ok(compared > 3 * s.resources.length, `${compared} responses compared`);
      });

  it("answers AnalyzeStack requests sent together as it answers each alone", async () => {
    const s = stacks.staging;
    await Promise.all([configure(fast.client, s.config), configure(library.client, s.config)]);
    const stacksOf = [s.resources, s.resources.map((r) => ({ ...r, props: {} }))].map(
      (rs) => engineRequests(rs).stack,
    );
    const send = (pack: LaunchedPack, req: proto.AnalyzeStackRequest) =>
      call<proto.AnalyzeStackRequest, proto.AnalyzeResponse>(pack.client, pack.client.analyzeStack, req).then(
        (res) => Buffer.from(res.serializeBinary()),
      );
    const together = await Promise.all(stacksOf.map((req) => send(fast, req)));
    for (const [i, req] of stacksOf.entries())
      assert.ok(together[i].equals(await send(library, req)), `request ${i}`);
    assert.ok(!together[0].equals(together[1]), "the two stacks' answers differ (the test is not vacuous)");
  });
});

describe("the pack's Analyzer: launch checks", () => {
  it("is not installed with CICD_PACK_ANALYZER=library", () => {
    const before = process.env.CICD_PACK_ANALYZER;
    process.env.CICD_PACK_ANALYZER = "library";
    try {
      const lib = loadLibrary();
      const serve = lib.server.serve;
      assert.equal(serveFastAnalyzer(lib), false);
      assert.equal(lib.server.serve, serve);
    } finally {
      if (before === undefined) delete process.env.CICD_PACK_ANALYZER;
      else process.env.CICD_PACK_ANALYZER = before;
    }
  });

  it("refuses, naming what is missing, a @pulumi/policy without the handlers it builds on", () => {
    const lib = loadLibrary();
    const changed = { ...lib, server: { ...lib.server, makeAnalyzeStackRpcFun: undefined } };
    assert.throws(
      () => serveFastAnalyzer(changed as unknown as typeof lib),
      /lacks server\.makeAnalyzeStackRpcFun: .*1\.21\.0.*CICD_PACK_ANALYZER=library/,
    );
  });
});
