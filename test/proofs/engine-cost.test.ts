/**
 * The pack under the engine converts each request's properties once (policy-pack/lib/engine.ts): driven through
 * `@pulumi/policy`'s own Analyze and AnalyzeStack handlers (server.js), one Analyze request is converted once
 * for all 25 resource policies and one AnalyzeStack converts each resource once for all 31 stack policies, and
 * the verdicts are those of the unpatched conversion. The figures (CPU per resource) are `npm run bench`'s.
 */
import { strict as assert } from "node:assert";
import type * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import { convertOncePerRequest, withoutStackTrace } from "../../policy-pack/lib/engine";
import { toPolicy } from "../../policy-pack/lib/rule";
import { ALL_RULES } from "../../policy-pack/rules";
import { engineRequests } from "../engine-client";
import { realStacks } from "../policy/helpers";

type Handler = (call: { request: unknown }, cb: (err: unknown, res?: proto.AnalyzeResponse) => void) => void;
interface Server {
  makeAnalyzeRpcFun(n: string, v: string, l: string, p: unknown[]): Handler;
  makeAnalyzeStackRpcFun(n: string, v: string, l: string, p: unknown[]): Handler;
}
type DeserializeModule = Parameters<typeof convertOncePerRequest>[0];

// The in-process copies of @pulumi/policy the pack's server uses (the root's, the same version as the pack's).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const server = require("@pulumi/policy/server") as Server;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const deserialize = require("@pulumi/policy/deserialize") as NonNullable<DeserializeModule>;

function answer(handler: Handler, request: unknown): Promise<proto.AnalyzeResponse> {
  return new Promise((resolve, reject) =>
    handler({ request }, (err, res) => (err ? reject(err) : resolve(res!))),
  );
}

/** `policy urn-or-stack` of every diagnostic and not-applicable verdict. */
function verdicts(res: proto.AnalyzeResponse, urn: string): string[] {
  return [
    ...res.getDiagnosticsList().map((d) => `fail ${d.getPolicyname()} ${d.getUrn() || urn}`),
    ...res.getNotApplicableList().map((n) => `n/a ${n.getPolicyName()} ${urn}`),
  ].sort();
}

describe("proofs: the pack converts each request's properties once under the engine", function () {
  this.timeout(60_000);
  const policies = ALL_RULES.map(toPolicy);
  const resourcePolicies = ALL_RULES.filter((r) => r.meta.kind === "resource").length;
  const stackPolicies = ALL_RULES.length - resourcePolicies;
  const original = deserialize.deserializeProperties;
  let requests: ReturnType<typeof engineRequests>;
  /** The same resources with their properties emptied: most rules fail them, so failures are compared too. */
  let emptied: ReturnType<typeof engineRequests>;

  before(async () => {
    const resources = (await realStacks()).production.resources;
    requests = engineRequests(resources);
    emptied = engineRequests(resources.map((r) => ({ ...r, props: {} })));
  });
  afterEach(() => {
    deserialize.deserializeProperties = original;
  });

  async function run(): Promise<string[]> {
    const analyze = server.makeAnalyzeRpcFun("cicd-constitution", "0.1.0", "advisory", policies);
    const analyzeStack = server.makeAnalyzeStackRpcFun("cicd-constitution", "0.1.0", "advisory", policies);
    const out: string[] = [];
    for (const set of [requests, emptied]) {
      for (const { urn, req } of set.analyze) out.push(...verdicts(await answer(analyze, req), urn));
      out.push(...verdicts(await answer(analyzeStack, set.stack), "(stack)"));
    }
    return out;
  }

  it("without the patch, the server converts an Analyze request once per policy it runs (what it fixes)", async () => {
    let calls = 0;
    deserialize.deserializeProperties = (s, p) => (calls++, original(s, p));
    const analyze = server.makeAnalyzeRpcFun("cicd-constitution", "0.1.0", "advisory", policies);
    await answer(analyze, requests.analyze[0].req);
    assert.ok(resourcePolicies >= 20, `${resourcePolicies} resource policies`);
    // Policies typed for another resource type are skipped before converting; the rest convert.
    assert.ok(calls > 1, `${calls} conversions of one request`);
  });

  it("with it: one conversion per Analyze request and one per resource for the whole AnalyzeStack", async () => {
    const counts = convertOncePerRequest(deserialize);
    const analyze = server.makeAnalyzeRpcFun("cicd-constitution", "0.1.0", "advisory", policies);
    const some = requests.analyze.slice(0, 30);
    for (const { req } of some) await answer(analyze, req);
    assert.ok(counts.made <= some.length, `${counts.made} conversions for ${some.length} requests`);
    assert.ok(counts.reused > some.length, `${counts.reused} conversions served again`);
    const before = counts.made;
    const analyzeStack = server.makeAnalyzeStackRpcFun("cicd-constitution", "0.1.0", "advisory", policies);
    await answer(analyzeStack, requests.stack);
    assert.equal(counts.made - before, requests.stack.getResourcesList().length);
    assert.ok(stackPolicies >= 10, `${stackPolicies} stack policies`);
  });

  it("the verdicts are those of the unpatched conversion", async () => {
    const plain = await run();
    convertOncePerRequest(deserialize);
    const once = await run();
    assert.ok(plain.filter((v) => v.startsWith("fail")).length >= 50, `${plain.length} verdicts compared`);
    assert.deepEqual(once, plain);
  });

  it("installing it twice keeps one cache, and a changed @pulumi/policy is refused with a clear error", () => {
    const a = convertOncePerRequest(deserialize);
    assert.equal(convertOncePerRequest(deserialize), a);
    assert.throws(
      () => convertOncePerRequest({} as never),
      /deserializeProperties .*@pulumi\/policy 1\.21\.0/,
    );
  });
});

describe("proofs: not applicable without a stack trace", () => {
  it("the error thrown inside carries no frames, and the limit is given back as it leaves", () => {
    const limit = Error.stackTraceLimit;
    let thrown: unknown;
    try {
      withoutStackTrace(() => {
        throw new Error("not applicable");
      });
    } catch (e) {
      thrown = e;
    }
    assert.equal((thrown as Error).stack, "Error: not applicable");
    assert.equal(Error.stackTraceLimit, limit);
    assert.ok(limit > 0 && new Error("x").stack!.split("\n").length > 1, "outside, errors have frames");
  });
});
