/**
 * Engine-protocol tests: the pack is launched exactly as the Pulumi engine launches it
 * (`node node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine-addr> <pack-dir>` from policy-pack/, ts-node with
 * type checking, first stdout line = port), then driven over gRPC with the Analyzer stubs of @pulumi/pulumi:
 * GetAnalyzerInfo lists every catalogue policy; Configure takes the stack's pack config; Analyze (per resource)
 * and AnalyzeStack give the same violations and not-applicable verdicts as the in-process runner.
 * Requires `npm ci --prefix policy-pack` (CI does it before `npm test`).
 */
import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as services from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import { evaluate, PackConfig, PolicyResourceInput, RULES, RuleResult } from "../../policy-pack/evaluate";
import { RealStack, realStacks } from "./helpers";
import { allMutations, withArt05 } from "./mutations";

const PACK_DIR = path.resolve(__dirname, "../../policy-pack");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Call<Req, Res> = (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown;
function call<Req, Res>(client: services.AnalyzerClient, fn: Call<Req, Res>, req: Req): Promise<Res> {
  return new Promise((resolve, reject) =>
    fn.call(client, req, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

/** JSON-clean props as a protobuf Struct (the engine sends resource properties this way). */
function struct(props: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
}

function options(parent?: string | null): proto.AnalyzerResourceOptions {
  const o = new proto.AnalyzerResourceOptions();
  o.setProtect(false);
  if (parent) o.setParent(parent);
  o.setCustomtimeouts(new proto.AnalyzerResourceOptions.CustomTimeouts());
  return o;
}

/** `policyName urn` of every violation and `policyName urn` of every not-applicable verdict the engine reports. */
async function engineVerdicts(client: services.AnalyzerClient, resources: PolicyResourceInput[]) {
  const fails = new Set<string>();
  const notApplicable = new Set<string>();
  for (const r of resources) {
    const req = new proto.AnalyzeRequest();
    req.setType(r.type);
    req.setUrn(r.urn);
    req.setName(r.name);
    req.setProperties(struct(r.props));
    req.setOptions(options(r.parent));
    const res = await call<proto.AnalyzeRequest, proto.AnalyzeResponse>(client, client.analyze, req);
    for (const d of res.getDiagnosticsList()) fails.add(`${d.getPolicyname()} ${r.urn}`);
    for (const n of res.getNotApplicableList()) notApplicable.add(`${n.getPolicyName()} ${r.urn}`);
  }
  const stackReq = new proto.AnalyzeStackRequest();
  stackReq.setResourcesList(
    resources.map((r) => {
      const a = new proto.AnalyzerResource();
      a.setType(r.type);
      a.setUrn(r.urn);
      a.setName(r.name);
      a.setProperties(struct(r.props));
      a.setOptions(options(r.parent));
      if (r.parent) a.setParent(r.parent);
      return a;
    }),
  );
  const stackRes = await call<proto.AnalyzeStackRequest, proto.AnalyzeResponse>(
    client,
    client.analyzeStack,
    stackReq,
  );
  for (const d of stackRes.getDiagnosticsList()) fails.add(`${d.getPolicyname()} ${d.getUrn()}`);
  const stackNa = new Set(stackRes.getNotApplicableList().map((n) => n.getPolicyName()));
  return { fails, notApplicable, stackNa, diagnostics: [...stackRes.getDiagnosticsList()] };
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

async function configure(client: services.AnalyzerClient, config: PackConfig): Promise<void> {
  const req = new proto.ConfigureAnalyzerRequest();
  const levels = {
    advisory: proto.EnforcementLevel.ADVISORY,
    mandatory: proto.EnforcementLevel.MANDATORY,
    disabled: proto.EnforcementLevel.DISABLED,
  };
  for (const [policy, c] of Object.entries(config)) {
    const { enforcementLevel, ...props } = c;
    const pc = new proto.PolicyConfig();
    pc.setEnforcementlevel(levels[enforcementLevel ?? "mandatory"]);
    pc.setProperties(struct(props));
    req.getPolicyconfigMap().set(policy, pc);
  }
  await call<proto.ConfigureAnalyzerRequest, Empty>(client, client.configure, req);
}

describe("policy pack over the engine protocol (run-policy-pack + gRPC)", function () {
  this.timeout(180_000);
  let child: ChildProcess;
  let client: services.AnalyzerClient;
  let stacks: Record<string, RealStack>;
  let stderr = "";

  before(async () => {
    stacks = await realStacks();
    child = spawn(process.execPath, ["node_modules/@pulumi/pulumi/cmd/run-policy-pack", "127.0.0.1:1", "."], {
      cwd: PACK_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stderr!.on("data", (d) => (stderr += String(d)));
    const port = await new Promise<string>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      lines.once("line", (l) => resolve(l.trim()));
      child.once("exit", (code) =>
        reject(new Error(`run-policy-pack exited ${code} before printing its port: ${stderr}`)),
      );
    });
    assert.match(port, /^\d+$/);
    client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    if (child && child.exitCode === null) child.kill();
  });

  it("GetAnalyzerInfo lists every catalogue policy with its level, description and config schema", async () => {
    const info = await call<Empty, proto.AnalyzerInfo>(client, client.getAnalyzerInfo, new Empty());
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
    it(`${stack}: Analyze/AnalyzeStack give the in-process verdicts on the real resources, and with every mutation applied`, async () => {
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
      await configure(client, config);
      withArt05(stacks.staging.resources);
      let mutated = allMutations(stack, s.resources);
      // Values unknown during preview, as the engine sends them.
      const unknownTd = mutated.find(
        (r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && /menu-optimizer/.test(r.name),
      )!;
      mutated = mutated.map((r) =>
        r === unknownTd ? { ...r, props: { ...r.props, containerDefinitions: UNKNOWN } } : r,
      );
      for (const resources of [s.resources, mutated]) {
        const mine = inProcessVerdicts(evaluate(resources, { stack, config, now: new Date() }));
        const engine = await engineVerdicts(client, resources);
        assert.deepEqual([...engine.fails].sort(), [...mine.fails].sort());
        assert.deepEqual([...engine.notApplicable].sort(), [...mine.notApplicable].sort());
        assert.deepEqual([...engine.stackNa].sort(), [...mine.stackNa].sort());
        for (const d of engine.diagnostics) assert.doesNotMatch(d.getMessage(), /can't run policy/);
      }
      const mutatedFails = inProcessVerdicts(evaluate(mutated, { stack, config, now: new Date() })).fails;
      assert.ok(mutatedFails.size >= 8, `mutations give failures to compare (${mutatedFails.size})`);
    });
  }
});
