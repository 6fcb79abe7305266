/**
 * The pack's Analyzer (policy-pack/lib/analyzer.ts: Analyze by type, one AnalyzeStack view) answers exactly as
 * `@pulumi/policy`'s own handlers: the pack is launched twice as the engine launches it, once as it ships and once
 * with `CICD_PACK_ANALYZER=library`, and every Analyze and AnalyzeStack response of both stacks, configured as
 * they are (on the real resources, on resources without properties: most rules fail, with every fixture change of
 * mutations.ts and with values unknown in preview) and with policies disabled, downgraded and waived (the real
 * resources), is compared byte for byte.
 *
 * In process, policy shapes this pack does not have (remediate levels, arrays of validations, remediation-only,
 * object-form reports, typed stack policies, not-applicable caught as an Error, unknown values) are compared with the
 * library's handlers the same way; a policy writing to the shared stack view fails, naming itself; and the wiring
 * (the Analyzer service gets these handlers, any other service and a pack with repeated names the library's).
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
import type { Policy } from "@pulumi/policy";
import { fastAnalyzer, serveFastAnalyzer, loadLibrary } from "../../policy-pack/lib/analyzer";
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
    for (const [what, configOf, every] of [
      ["as configured: real, emptied, mutated and unknown-valued resources", (c: PackConfig) => c, true],
      ["with policies disabled, downgraded and waived: the real resources", altered, false],
    ] as const)
      it(`${stack}, ${what}`, async () => {
        const s = stacks[stack];
        const config = configOf(s.config);
        await Promise.all([configure(fast.client, config), configure(library.client, config)]);
        const inputs = [
          s.resources,
          // (The suite's time: the other inputs once per stack, under its own configuration.)
          ...(every
            ? [
                s.resources.map((r) => ({ ...r, props: {} })),
                allMutations(stack, s.resources),
                // Values unknown during preview, as the engine sends them.
                s.resources.map((r) =>
                  r.type === T.taskDefinition || r.type === T.service
                    ? { ...r, props: { ...r.props, tags: UNKNOWN } }
                    : r,
                ),
              ]
            : []),
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
        assert.ok(compared > inputs.length * s.resources.length, `${compared} responses compared`);
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

  it("serves its handlers on the Analyzer service the library's serve adds, and nothing else changed", () => {
    const lib = loadLibrary();
    const added: Array<{ service: unknown; impl: Record<string, unknown> }> = [];
    class FakeServer {
      addService(service: unknown, impl: Record<string, unknown>) {
        added.push({ service, impl });
      }
    }
    const original = FakeServer.prototype.addService;
    const impl = { analyze: () => 1, analyzeStack: () => 2, configure: () => 3, getAnalyzerInfo: () => 4 };
    const other = {};
    const fake = {
      ...lib,
      grpcServer: FakeServer,
      server: {
        ...lib.server,
        serve: () => {
          new FakeServer().addService(lib.analyzerService, impl);
          new FakeServer().addService(other, impl);
        },
      },
    } as unknown as typeof lib;
    assert.equal(serveFastAnalyzer(fake), true);
    const policy = { name: "p", description: "d", validateResource: () => undefined };
    fake.server.serve("pack", "1.0.0", "advisory", { policies: [policy] });
    assert.notEqual(added[0].impl.analyze, impl.analyze);
    assert.notEqual(added[0].impl.analyzeStack, impl.analyzeStack);
    assert.notEqual(added[0].impl.configure, impl.configure, "Configure is wrapped to keep the config");
    assert.equal(added[0].impl.getAnalyzerInfo, impl.getAnalyzerInfo);
    assert.equal(added[1].impl, impl, "another service is left alone");
    assert.equal(FakeServer.prototype.addService, original, "addService is restored after serve");
    fake.server.serve("pack", "1.0.0", "advisory", { policies: [policy, { ...policy }] });
    assert.equal(added[2].impl, impl, "a pack whose policy names repeat is served by the library alone");
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

/**
 * Policy shapes this pack does not have, in process: the pack's Analyzer over the library's own handlers against
 * those handlers alone (no Configure: the library's configuration is module state, set only over gRPC).
 */
describe("the pack's Analyzer: policy shapes this pack does not use answer as the library's", () => {
  const lib = loadLibrary();
  type Args = {
    type: string;
    urn: string;
    notApplicable(r?: string): never;
    resources?: Array<{ urn: string }>;
  };
  type Report = (m: unknown, urn?: string) => void;
  const BUCKET = "aws:s3/bucket:Bucket";
  const typed = <F extends object>(f: F, type: string) => Object.assign(f, { __pulumiType: type });
  const several = Object.assign(
    (a: Args, report: Report) => {
      if (![BUCKET, "aws:sqs/queue:Queue"].includes(a.type)) a.notApplicable("only buckets and queues");
      report("several");
    },
    {
      __cicdAppliesTo: [BUCKET, "aws:sqs/queue:Queue"],
      __cicdNotApplicableReason: "only buckets and queues",
    },
  );
  const unknown = () => {
    throw new (lib.proxy.UnknownValueError as unknown as new (s: unknown, p: string[]) => Error)(
      "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      ["x"],
    );
  };
  const policies = [
    {
      name: "one-type",
      description: "d",
      enforcementLevel: "mandatory",
      validateResource: typed((_a: Args, r: Report) => r("bucket"), BUCKET),
    },
    {
      name: "remediate-level",
      description: "d",
      enforcementLevel: "remediate",
      validateResource: (_a: Args, r: Report) => r("r"),
    },
    {
      name: "array",
      description: "d",
      enforcementLevel: "advisory",
      validateResource: [(a: Args) => a.notApplicable("first"), (_a: Args, r: Report) => r("second")],
    },
    {
      name: "remediation-only",
      description: "d",
      enforcementLevel: "mandatory",
      remediateResource: () => undefined,
    },
    {
      name: "disabled",
      description: "d",
      enforcementLevel: "disabled",
      validateResource: (_a: Args, r: Report) => r("never"),
    },
    { name: "several", description: "d", enforcementLevel: "mandatory", validateResource: several },
    {
      name: "object-report",
      description: "d",
      severity: "high",
      validateResource: (a: Args, r: Report) => r({ message: "m", urn: a.urn, enforcementLevel: "advisory" }),
    },
    { name: "resource-unknown", description: "d", validateResource: unknown },
    {
      name: "stack-object",
      description: "d",
      validateStack: (_a: Args, r: Report) => r({ name: "renamed", message: "x", severity: "low" }),
    },
    {
      name: "stack-typed",
      description: "d",
      validateStack: typed((_a: Args, r: Report) => r("typed"), "aws:sqs/queue:Queue"),
    },
    { name: "stack-na", description: "d", validateStack: (a: Args) => a.notApplicable("why") },
    {
      name: "stack-na-error",
      description: "d",
      validateStack: (a: Args, r: Report) => {
        try {
          a.notApplicable("caught");
        } catch (e) {
          r(e instanceof Error ? `an Error: ${e.message}` : "not an Error");
        }
      },
    },
    {
      name: "stack-remediate",
      description: "d",
      enforcementLevel: "remediate",
      validateStack: (a: Args, r: Report) => r("m", a.resources?.[0]?.urn),
    },
    { name: "stack-unknown", description: "d", validateStack: unknown },
  ] as unknown as Policy[];
  const pack = { name: "shapes", version: "1.0.0", level: "mandatory", policies };
  const library = {
    analyze: lib.server.makeAnalyzeRpcFun(pack.name, pack.version, pack.level, policies),
    analyzeStack: lib.server.makeAnalyzeStackRpcFun(pack.name, pack.version, pack.level, policies),
  };
  const fast = fastAnalyzer(pack, library, lib);
  const answer = (
    h: (c: { request: unknown }, cb: (e: unknown, r?: unknown) => void) => unknown,
    request: unknown,
  ) =>
    new Promise<Buffer>((resolve, reject) =>
      h({ request }, (e, r) =>
        e ? reject(e) : resolve(Buffer.from((r as proto.AnalyzeResponse).serializeBinary())),
      ),
    );
  const resources: PolicyResourceInput[] = [BUCKET, "aws:sqs/queue:Queue", "aws:ecs/service:Service"].map(
    (type, i) => ({
      type,
      urn: `urn:pulumi:staging::p::${type}::r${i}`,
      name: `r${i}`,
      props: { i },
      parent: i ? `urn:pulumi:staging::p::${BUCKET}::r0` : null,
    }),
  );

  it("Analyze of each type and AnalyzeStack: the same bytes", async () => {
    const requests = engineRequests(resources);
    for (const { urn, req } of requests.analyze)
      assert.ok((await answer(fast.analyze, req)).equals(await answer(library.analyze, req)), urn);
    const [a, b] = [
      await answer(fast.analyzeStack, requests.stack),
      await answer(library.analyzeStack, requests.stack),
    ];
    assert.ok(a.equals(b), "AnalyzeStack");
    assert.ok(a.length > 100, "the stack answer holds diagnostics (the test is not vacuous)");
  });

  it("a stack policy writing to the shared view fails, naming itself (the library gave it a copy)", async () => {
    const sorter = {
      name: "sorter",
      description: "d",
      validateStack: (a: { resources: unknown[] }) => void a.resources.sort(),
    };
    const mine = fastAnalyzer({ ...pack, policies: [sorter] as unknown as Policy[] }, library, lib);
    await assert.rejects(
      answer(mine.analyzeStack, engineRequests(resources).stack),
      /Error validating resource with policy 'sorter'/,
    );
  });
});
