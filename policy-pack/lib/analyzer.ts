/**
 * The pack's Analyzer under the Pulumi engine: `@pulumi/policy`'s own gRPC server and handlers, with the
 * per-policy work that does not depend on a request done once (issue 13: the pack's CPU per resource).
 *
 * `@pulumi/policy` 1.21.0 (server.js) answers an `Analyze` by walking every policy: 19 of this pack's 25 resource
 * policies answer "not applicable" for a resource of another type (built as a new protobuf message each time),
 * and the other 6 are called to say so themselves, by throwing. It answers an `AnalyzeStack` by building every
 * resource's arguments (properties, options, parent, dependencies) once for each of the 31 stack policies.
 *
 * Here, for the same answers:
 * - **Analyze, by type.** For each resource type (and each configuration), the policies that cannot apply are
 *   known before any request: the server's own one-type check (`__pulumiType`) and this pack's several-type rules
 *   (`__cicdAppliesTo`, set by lib/rule.ts `toPolicy`, with the reason the rule gives). The library's Analyze
 *   handler runs over the others only, and the known "not applicable" answers, built once, are put back in the
 *   policies' order.
 * - **AnalyzeStack, one view.** The library's AnalyzeStack handler builds the stack's resources once, for a view
 *   policy that keeps them; every stack policy then gets that one view, with the server's enforcement levels,
 *   violation reports and error handling, copied below. The view is frozen: a policy that writes to it (sorts the
 *   list in place, say) fails with an error naming it, where the library would have given it a copy of its own.
 *   This pack's rules only read; the fast path is for them, not for any pack.
 *
 * The server, GetAnalyzerInfo, ConfigureStack and Remediate are the library's, unchanged; so is Configure, wrapped
 * to keep a copy of the configuration (enforcement levels decide which policies run). `CICD_PACK_ANALYZER=library`
 * serves the library's handlers alone (a way back, and what test/policy/analyzer-parity.test.ts compares with:
 * byte-identical responses under the engine protocol).
 */
import * as path from "node:path";
import type { Policy, PolicyPackArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { withoutStackTrace } from "./engine";

/** A policy's enforcement level as the server names it. */
type Level = "advisory" | "mandatory" | "remediate" | "disabled";

interface Message {
  serializeBinary(): Uint8Array;
}
interface NotApplicableMessage extends Message {
  getPolicyName(): string;
  setPolicyName(name: string): void;
  setReason(reason: string): void;
}
interface AnalyzeResponse extends Message {
  getNotApplicableList(): NotApplicableMessage[];
  setNotApplicableList(list: NotApplicableMessage[]): void;
}
type Callback = (err: unknown, res?: unknown) => void;
type Handler = (call: { request: unknown }, callback: Callback) => unknown;
type Impl = Record<string, Handler>;

/** The server's view of one resource (server.js AnalyzeStack). */
interface ViewResource {
  type: string;
}
interface StackArgs {
  resources: ViewResource[];
  stackTags: unknown;
}

/** A diagnostic as the server collects it, before protoutil makes the response. */
type Diagnostic = Record<string, unknown>;

/** The parts of `@pulumi/policy` (1.21.0) this uses; all are exports of its modules. */
interface Library {
  server: {
    serve(name: string, version: string, level: string, args: PolicyPackArgs, initialConfig?: unknown): void;
    makeAnalyzeRpcFun(name: string, version: string, level: string, policies: Policy[]): Handler;
    makeAnalyzeStackRpcFun(name: string, version: string, level: string, policies: Policy[]): Handler;
  };
  policy: {
    isResourcePolicy(p: Policy): p is ResourceValidationPolicy;
    isStackPolicy(p: Policy): p is StackValidationPolicy;
    getPulumiType(o: unknown): string | undefined;
  };
  protoutil: {
    makeAnalyzeResponse(ds: Diagnostic[], na?: NotApplicableMessage[]): AnalyzeResponse;
    convertEnforcementLevel(level: number): Level;
    asGrpcError(e: unknown, message?: string): unknown;
  };
  proxy: { UnknownValueError: new (...a: never[]) => Error };
  analyzerProto: {
    PolicyNotApplicable: new () => NotApplicableMessage;
    AnalyzeResponse: new () => AnalyzeResponse;
  };
  analyzerService: unknown;
  grpcServer: { prototype: { addService(service: unknown, impl: Impl): void } };
}

/** Loads the library's modules from where the pack's `@pulumi/policy` is installed. */
export function loadLibrary(): Library {
  const dir = path.dirname(require.resolve("@pulumi/policy/server"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the library's own (untyped) modules
  const from = (id: string) => require(require.resolve(id, { paths: [dir] })) as Record<string, unknown>;
  return {
    server: from("@pulumi/policy/server") as unknown as Library["server"],
    policy: from("@pulumi/policy/policy") as unknown as Library["policy"],
    protoutil: from("@pulumi/policy/protoutil") as unknown as Library["protoutil"],
    proxy: from("@pulumi/policy/proxy") as unknown as Library["proxy"],
    analyzerProto: from("@pulumi/pulumi/proto/analyzer_pb") as unknown as Library["analyzerProto"],
    analyzerService: from("@pulumi/pulumi/proto/analyzer_grpc_pb").AnalyzerService,
    grpcServer: from("@grpc/grpc-js").Server as Library["grpcServer"],
  };
}

/** What the server was asked to serve. */
export interface ServedPack {
  name: string;
  version: string;
  /** The pack's enforcement level (the default of its policies). */
  level: string;
  policies: Policy[];
}

/** Marks of a validation function of this pack that applies to several types (lib/rule.ts `toPolicy`). */
export interface SeveralTypes {
  __cicdAppliesTo?: readonly string[];
  __cicdNotApplicableReason?: string;
}

/**
 * Makes `new PolicyPack(...)` serve {@link fastAnalyzer}'s Analyze and AnalyzeStack (idempotent): wraps the
 * library's `serve` (which PolicyPack calls through the module's exports) so that, while it runs, the Analyzer
 * service it adds gets them. Does nothing with `CICD_PACK_ANALYZER=library`.
 *
 * @returns whether the fast handlers will be served.
 * @throws Error when the library lacks an export used here (a changed `@pulumi/policy`), at pack launch.
 */
export function serveFastAnalyzer(lib: Library = loadLibrary()): boolean {
  if (process.env.CICD_PACK_ANALYZER === "library") return false;
  const missing = [
    ["server.serve", lib.server.serve],
    ["server.makeAnalyzeRpcFun", lib.server.makeAnalyzeRpcFun],
    ["server.makeAnalyzeStackRpcFun", lib.server.makeAnalyzeStackRpcFun],
    ["protoutil.makeAnalyzeResponse", lib.protoutil.makeAnalyzeResponse],
    ["policy.getPulumiType", lib.policy.getPulumiType],
    ["proxy.UnknownValueError", lib.proxy.UnknownValueError],
  ].filter(([, f]) => typeof f !== "function");
  if (missing.length)
    throw new Error(
      `@pulumi/policy lacks ${missing.map(([n]) => n).join(", ")}: the pack's Analyzer (policy-pack/lib/analyzer.ts) ` +
        "was written for @pulumi/policy 1.21.0; check the installed version, or set CICD_PACK_ANALYZER=library",
    );
  const serve = lib.server.serve as Library["server"]["serve"] & { fast?: true };
  if (serve.fast) return true;
  const wrapped = (name: string, version: string, level: string, args: PolicyPackArgs, initial?: unknown) => {
    const proto = lib.grpcServer.prototype;
    const addService = proto.addService;
    proto.addService = function (this: unknown, service, impl) {
      const pack = { name, version, level, policies: args.policies ?? [] };
      // Answers are put back by policy name: a pack whose names repeat is served by the library alone.
      const unique = new Set(pack.policies.map((p) => p.name)).size === pack.policies.length;
      const fast = service === lib.analyzerService && unique;
      return addService.call(this, service, fast ? fastAnalyzer(pack, impl, lib) : impl);
    };
    try {
      return serve(name, version, level, args, initial);
    } finally {
      proto.addService = addService;
    }
  };
  lib.server.serve = Object.assign(wrapped, { fast: true as const });
  return true;
}

/** The reason server.js gives a policy of one type (`__pulumiType`) for a resource, or a stack, without it. */
function onlyType(pulumiType: string): string {
  return `Policy only applies to resources of type '${pulumiType}'`;
}

/** A policy's "not applicable" raised through {@link fastAnalyzer}'s stack arguments (an Error, as the server's). */
class StackNotApplicable extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

/**
 * The Analyzer's handlers with Analyze by type and one AnalyzeStack view (this module's comment); `impl` is the
 * library's, whose Configure is wrapped to keep the configuration this needs.
 */
export function fastAnalyzer(pack: ServedPack, impl: Impl, lib: Library): Impl {
  let config: Record<string, Record<string, unknown>> = {};
  const levelOf = (p: Policy): Level =>
    ((config[p.name]?.enforcementLevel as Level | undefined) || p.enforcementLevel || pack.level) as Level;
  const byType = new Map<string, TypePlan>();
  const stack = stackAnalyzer(pack, lib, levelOf, (name) => config[name], impl.analyzeStack);
  return {
    ...impl,
    configure: (call, callback) => {
      const req = call.request as {
        getPolicyconfigMap(): { entries(): Iterable<[string, ConfigMessage]> };
      };
      let next: typeof config | undefined = {};
      try {
        for (const [k, v] of req.getPolicyconfigMap().entries())
          next[k] = {
            ...v.getProperties().toJavaScript(),
            enforcementLevel: lib.protoutil.convertEnforcementLevel(v.getEnforcementlevel()),
          };
      } catch {
        next = undefined; // the library's Configure reports the error
      }
      return impl.configure(call, (err, res) => {
        if (!err && next) {
          config = next;
          byType.clear();
        }
        callback(err, res);
      });
    },
    analyze: (call, callback) => {
      const req = call.request as { getType(): string; getOptions(): unknown };
      // A request without options (an older CLI): the library's handler gives its error.
      if (!req.getOptions()) {
        impl.analyze(call, callback);
        return;
      }
      const type = req.getType();
      let plan = byType.get(type);
      if (!plan) byType.set(type, (plan = typePlan(pack, lib, levelOf, type)));
      const p = plan;
      if (!p.handler) {
        callback(undefined, withKnown(lib, lib.protoutil.makeAnalyzeResponse([]), p));
        return;
      }
      p.handler(call, (err, res) =>
        err ? callback(err) : callback(undefined, withKnown(lib, res as AnalyzeResponse, p)),
      );
    },
    analyzeStack: stack,
  };
}

interface ConfigMessage {
  getProperties(): { toJavaScript(): Record<string, unknown> };
  getEnforcementlevel(): number;
}

/**
 * Analyze for one type: the policies in order, each with its known answer (and that answer's bytes in an
 * AnalyzeResponse) or to be run by `handler`.
 */
interface TypePlan {
  steps: Array<{ name: string; known?: NotApplicableMessage; bytes?: Uint8Array }>;
  /** Whether any step has a known answer (else the library's response is the answer). */
  anyKnown: boolean;
  handler?: Handler;
}

/** The bytes of an AnalyzeResponse holding only `entries` in its not-applicable field (field 3). */
function responseBytes(lib: Library, entries: NotApplicableMessage[]): Uint8Array {
  const res = new lib.analyzerProto.AnalyzeResponse();
  res.setNotApplicableList(entries);
  return res.serializeBinary();
}

/** The "not applicable" a resource of `type` gets from `p` without being looked at, if any. */
function knownNotApplicable(lib: Library, p: ResourceValidationPolicy, type: string): string | undefined {
  const v = p.validateResource;
  if (!v || Array.isArray(v)) return undefined;
  const pulumiType = lib.policy.getPulumiType(v);
  if (pulumiType) return type !== pulumiType ? onlyType(pulumiType) : undefined;
  const several = v as SeveralTypes;
  return several.__cicdAppliesTo && !several.__cicdAppliesTo.includes(type)
    ? several.__cicdNotApplicableReason
    : undefined;
}

function typePlan(pack: ServedPack, lib: Library, levelOf: (p: Policy) => Level, type: string): TypePlan {
  const steps: TypePlan["steps"] = [];
  const run: Policy[] = [];
  for (const p of pack.policies) {
    // As the server: disabled and stack policies give nothing; a policy without validateResource is run (it
    // answers "does not implement validateResource" itself).
    if (levelOf(p) === "disabled" || !lib.policy.isResourcePolicy(p)) continue;
    const reason = knownNotApplicable(lib, p, type);
    if (reason === undefined) {
      steps.push({ name: p.name });
      run.push(p);
      continue;
    }
    const known = new lib.analyzerProto.PolicyNotApplicable();
    known.setPolicyName(p.name);
    if (reason) known.setReason(reason);
    steps.push({ name: p.name, known, bytes: responseBytes(lib, [known]) });
  }
  return {
    steps,
    anyKnown: steps.some((s) => s.known),
    handler: run.length ? lib.server.makeAnalyzeRpcFun(pack.name, pack.version, pack.level, run) : undefined,
  };
}

/**
 * The library's response with the known answers put back, in the policies' order. Its bytes are put together
 * from the parts (a protobuf message is its fields' encodings, one after another: the diagnostics, field 2, then
 * each not-applicable answer, field 3, as google-protobuf writes them), so the known answers are encoded once per
 * type rather than in every response; `serializeBinary`, which the service's serializer calls, returns them.
 */
function withKnown(lib: Library, res: AnalyzeResponse, plan: TypePlan): AnalyzeResponse {
  if (!plan.anyKnown) return res;
  const given = new Map<string, NotApplicableMessage[]>();
  for (const n of res.getNotApplicableList()) {
    const list = given.get(n.getPolicyName()) ?? [];
    list.push(n);
    given.set(n.getPolicyName(), list);
  }
  res.setNotApplicableList([]);
  const parts: Uint8Array[] = [res.serializeBinary()];
  const all: NotApplicableMessage[] = [];
  for (const s of plan.steps) {
    if (s.known) {
      all.push(s.known);
      parts.push(s.bytes!);
      continue;
    }
    const mine = given.get(s.name) ?? [];
    all.push(...mine);
    if (mine.length) parts.push(responseBytes(lib, mine));
  }
  if (all.length) res.setNotApplicableList(all);
  const bytes = Buffer.concat(parts);
  return Object.assign(res, { serializeBinary: () => bytes });
}

/**
 * AnalyzeStack over one view: the library's handler builds the stack's resources for a view policy that keeps
 * them, then every stack policy runs as server.js runs it (levels, type check, reports, errors).
 */
function stackAnalyzer(
  pack: ServedPack,
  lib: Library,
  levelOf: (p: Policy) => Level,
  configOf: (name: string) => Record<string, unknown> | undefined,
  libraryStack: Handler,
): Handler {
  return (call, callback) => {
    // A view policy and handler of the call's own (making one is cheap), so calls that overlap keep their views.
    let view: StackArgs | undefined;
    const viewPolicy: StackValidationPolicy = {
      name: "cicd-stack-view",
      description: "keeps the stack's resources for the pack's stack policies",
      enforcementLevel: "advisory",
      validateStack: (args) => {
        view = args as unknown as StackArgs;
      },
    };
    const build = lib.server.makeAnalyzeStackRpcFun(pack.name, pack.version, pack.level, [viewPolicy]);
    build(call, (err) => {
      // The stack's resources could not be built (a request from an older CLI, say): the library's own handler
      // gives its own error, naming the first policy rather than the view policy.
      if (err || !view) {
        libraryStack(call, callback);
        return;
      }
      const shared = { resources: frozen(view.resources), stackTags: view.stackTags };
      runStackPolicies(pack, lib, levelOf, configOf, shared).then(
        (res) => callback(undefined, res),
        (e: unknown) => callback(e),
      );
    });
  };
}

/**
 * The view every stack policy gets, frozen so that a policy writing to it fails loudly (a gRPC error naming the
 * policy) rather than changing what the next one sees: the list, each resource, its options, dependencies,
 * property dependencies and provider. Its properties are behind the server's proxies, shared as lib/engine.ts explains.
 */
function frozen(resources: ViewResource[]): readonly ViewResource[] {
  const freeze = (v: unknown) => {
    if (v && typeof v === "object") Object.freeze(v);
  };
  for (const r of resources) {
    const res = r as unknown as Record<string, unknown>;
    for (const v of Object.values((res.opts as object | undefined) ?? {})) freeze(v);
    for (const v of Object.values((res.propertyDependencies as object | undefined) ?? {})) freeze(v);
    for (const k of ["opts", "dependencies", "propertyDependencies", "provider"]) freeze(res[k]);
    Object.freeze(r);
  }
  return Object.freeze(resources);
}

async function runStackPolicies(
  pack: ServedPack,
  lib: Library,
  levelOf: (p: Policy) => Level,
  configOf: (name: string) => Record<string, unknown> | undefined,
  view: { resources: readonly ViewResource[]; stackTags: unknown },
): Promise<AnalyzeResponse> {
  const ds: Diagnostic[] = [];
  const na: NotApplicableMessage[] = [];
  const notApplicable = (name: string, reason?: string) => {
    const n = new lib.analyzerProto.PolicyNotApplicable();
    n.setPolicyName(name);
    if (reason) n.setReason(reason);
    na.push(n);
  };
  for (const p of pack.policies) {
    let level = levelOf(p);
    if (level === "disabled" || !lib.policy.isStackPolicy(p)) continue;
    if (level === "remediate") level = "mandatory";
    const pulumiType = lib.policy.getPulumiType(p.validateStack);
    if (pulumiType && !view.resources.some((r) => r.type === pulumiType)) {
      notApplicable(p.name, onlyType(pulumiType));
      continue;
    }
    const args = {
      resources: view.resources,
      getConfig: () => {
        const { enforcementLevel: _level, ...props } = configOf(p.name) ?? {};
        return props;
      },
      stackTags: view.stackTags,
      // Without a stack trace: the server reads only the reason.
      notApplicable: (reason?: string): never =>
        withoutStackTrace(() => {
          throw new StackNotApplicable(reason);
        }),
    };
    try {
      await Promise.resolve(
        p.validateStack(
          args as unknown as Parameters<typeof p.validateStack>[0],
          reporter(pack, p, level, ds),
        ),
      );
    } catch (e) {
      const policyFrom = `policy '${p.name}' from policy pack '${pack.name}@v${pack.version}'`;
      if (e instanceof lib.proxy.UnknownValueError) {
        const { validateStack: _v, name, ...diag } = p;
        ds.push({
          policyName: name,
          policyPackName: pack.name,
          policyPackVersion: pack.version,
          message: `can't run ${policyFrom} during preview: ${e.message}`,
          ...diag,
          enforcementLevel: "advisory",
        });
      } else if (e instanceof StackNotApplicable) notApplicable(p.name, e.reason);
      else throw lib.protoutil.asGrpcError(e, `Error validating resource with ${policyFrom}`);
    }
  }
  return lib.protoutil.makeAnalyzeResponse(ds, na);
}

/** A policy's `reportViolation`, as server.js `makeReportViolationFun` makes it. */
function reporter(pack: ServedPack, p: Policy, level: Level, ds: Diagnostic[]) {
  const base = { policyPackName: pack.name, policyPackVersion: pack.version, description: p.description };
  return (message: unknown, urn?: string) => {
    // As server.js: `null` is an object there too (and fails reading its name).
    if (typeof message === "object") {
      const info = message as Record<string, string | undefined>;
      ds.push({
        policyName: info.name || p.name,
        ...base,
        message: info.message || info.description || p.description,
        urn: info.urn,
        description: info.description || p.description,
        enforcementLevel: info.enforcementLevel || level,
        severity: info.severity || p.severity,
      });
      return;
    }
    ds.push({
      policyName: p.name,
      ...base,
      message: message ? `${p.description}\n${String(message)}` : p.description,
      urn,
      enforcementLevel: level,
      severity: p.severity,
    });
  };
}
