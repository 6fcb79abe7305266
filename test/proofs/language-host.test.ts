/**
 * Engine parity: the program launched the way Pulumi's nodejs language host launches it
 * (`node node_modules/@pulumi/pulumi/cmd/run --monitor --engine --project --stack --dry-run .`, config in
 * `PULUMI_CONFIG` / `PULUMI_CONFIG_SECRET_KEYS`, the program and the TypeScript option Pulumi.yaml names: the
 * compiled bin/index.js, without ts-node) against a
 * gRPC ResourceMonitor and Engine this test serves, for both stacks. What it registers (types, names, parents,
 * URNs, protect / retainOnDelete, inputs) equals the offline plan, and no secret appears unwrapped.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import * as resourceGrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourcePb from "@pulumi/pulumi/proto/resource_pb";
import { parse } from "yaml";
import { createMocks } from "../../src/offline/mocks";
import { previousOutputsOf } from "../../src/offline/stacks";
import { organizationOf, StackPreview } from "../../src/offline/preview";
import { RecordingMonitor } from "../../src/offline/recorder";
import { PlanResource } from "../../src/plan/types";
import { repositoryStacks, ROOT } from "../helpers";
import { ENGINE_SECRET_KEYS, engineConfig } from "../engineConfig";

/**
 * What Pulumi.yaml tells the language host, as the engine turns it into `cmd/run`'s working directory and program
 * (pulumi/pulumi pkg/engine/project.go `getPwdMain`): no `main`, the project directory and `.` (package.json's
 * `main`, the compiled bin/index.js); a directory `main`, that directory; a file `main`, its directory and its base
 * name. And whether to register ts-node (`runtime.options.typescript`).
 */
const PROJECT = (() => {
  const doc = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    main?: string;
    runtime: { options?: { typescript?: boolean } };
  };
  const main = doc.main ? path.join(ROOT, doc.main) : ROOT;
  const isFile = doc.main !== undefined && fs.existsSync(main) && fs.statSync(main).isFile();
  return {
    pwd: isFile ? path.dirname(main) : main,
    program: isFile ? path.basename(main) : ".",
    typescript: doc.runtime.options?.typescript ?? true,
  };
})();

/** Serves a ResourceMonitor and an Engine, runs the program through the language host, returns what it registered. */
async function runThroughLanguageHost(
  preview: StackPreview,
  stackOutputs: Record<string, Record<string, unknown>>,
): Promise<{ records: PlanResource[]; code: number | null; stderr: string }> {
  const stack = preview.plan.stack;
  const monitor = new RecordingMonitor(
    createMocks({
      region: preview.model.awsRegion,
      network: preview.model.network,
      stackOutputs,
      self: `${organizationOf(ROOT)}/cicd-constitution/${stack}`,
      previousOutputs: previousOutputsOf(ROOT, stack, undefined).previousOutputs,
    }),
    { stack, project: "cicd-constitution" },
  ) as unknown as Record<string, (req: unknown, cb: unknown) => void> & RecordingMonitor;
  const server = new grpc.Server();
  const unary = (fn: string) => (call: { request: unknown }, cb: unknown) => monitor[fn](call.request, cb);
  server.addService(resourceGrpc.ResourceMonitorService as unknown as grpc.ServiceDefinition, {
    supportsFeature: (
      call: { request: resourcePb.SupportsFeatureRequest },
      cb: grpc.sendUnaryData<unknown>,
    ) => {
      const r = new resourcePb.SupportsFeatureResponse();
      r.setHassupport(["secrets", "resourceReferences", "outputValues"].includes(call.request.getId()));
      cb(null, r);
    },
    invoke: unary("invoke"),
    readResource: unary("readResource"),
    registerResource: unary("registerResource"),
    registerResourceOutputs: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, new Empty()),
    signalAndWaitForShutdown: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, new Empty()),
  });
  let root = "";
  const errors: string[] = [];
  server.addService(engineGrpc.EngineService as unknown as grpc.ServiceDefinition, {
    log: (call: { request: enginePb.LogRequest }, cb: grpc.sendUnaryData<unknown>) => {
      if (call.request.getSeverity() >= enginePb.LogSeverity.ERROR) errors.push(call.request.getMessage());
      cb(null, new Empty());
    },
    getRootResource: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => {
      const r = new enginePb.GetRootResourceResponse();
      r.setUrn(root);
      cb(null, r);
    },
    setRootResource: (
      call: { request: enginePb.SetRootResourceRequest },
      cb: grpc.sendUnaryData<unknown>,
    ) => {
      root = call.request.getUrn();
      cb(null, new enginePb.SetRootResourceResponse());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  const { config } = engineConfig(preview);
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run"),
      `--monitor=127.0.0.1:${port}`,
      `--engine=127.0.0.1:${port}`,
      "--project=cicd-constitution",
      `--organization=${organizationOf(ROOT)}`,
      `--stack=${stack}`,
      "--dry-run=true",
      `--pwd=${PROJECT.pwd}`,
      PROJECT.program,
    ],
    {
      // process.env carries the suite's clock (test/hooks.ts): the stack files' dates judged on the suite's day.
      env: {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(ENGINE_SECRET_KEYS),
        PULUMI_NODEJS_TYPESCRIPT: String(PROJECT.typescript),
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  try {
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    return { records: monitor.records, code, stderr: stderr + errors.join("\n") };
  } finally {
    child.kill();
    server.forceShutdown();
  }
}

describe("proofs: the offline plan equals what the language host registers", function () {
  this.timeout(240_000);
  let previews: StackPreview[];
  let runs: Map<string, Awaited<ReturnType<typeof runThroughLanguageHost>>>;
  before(async () => {
    previews = await repositoryStacks();
    const staging = previews.find((p) => p.plan.stack === "staging")!;
    // Both stacks at once: each run waits on its gRPC round trips far more than it computes.
    const done = await Promise.all(
      previews.map(async (preview) => {
        const ref = preview.model.promotion?.stagingStack;
        const outputs = ref ? { [ref]: staging.stackOutputs } : {};
        return [preview.plan.stack, await runThroughLanguageHost(preview, outputs)] as const;
      }),
    );
    runs = new Map(done);
  });

  for (const stack of ["staging", "production"]) {
    it(`${stack}: types, names, parents, URNs, options and inputs are the plan's, and no secret is unwrapped`, async () => {
      const preview = previews.find((p) => p.plan.stack === stack)!;
      const { records, code, stderr } = runs.get(stack)!;
      assert.equal(code, 0, stderr.slice(0, 2000));
      // The language host registers the root Stack itself; the plan records it too.
      const key = (r: PlanResource) => r.urn;
      const engine = new Map(records.map((r) => [key(r), r]));
      const plan = new Map(preview.plan.resources.map((r) => [key(r), r]));
      assert.deepEqual([...engine.keys()].sort(), [...plan.keys()].sort(), "the same URNs");
      for (const [urn, p] of plan) {
        const e = engine.get(urn)!;
        assert.deepEqual(
          { type: e.type, name: e.name, parent: e.parent, options: e.options ?? {} },
          { type: p.type, name: p.name, parent: p.parent, options: p.options ?? {} },
          urn,
        );
        if (p.type !== "pulumi:pulumi:Stack") assert.deepEqual(e.inputs, p.inputs, urn);
      }
      const text = JSON.stringify(records);
      for (const v of engineConfig(preview).secretValues)
        assert.ok(!text.includes(v), `a secret unwrapped in ${stack}`);
    });
  }
});
