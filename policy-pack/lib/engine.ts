/**
 * The pack under the Pulumi engine: one conversion of a resource's properties per request, and "not applicable"
 * answers without stack traces ({@link withoutStackTrace}).
 *
 * `@pulumi/policy` (1.21.0, server.js) answers `Analyze` by converting the request's protobuf `Struct` to
 * JavaScript (`deserializeProperties`: `Struct.toJavaScript` and the unwrapping of secrets, assets and resource
 * references) once for every resource policy, and `AnalyzeStack` by converting every resource once for every
 * stack policy: 25 and 31 conversions of the same bytes per request (issue 13 measured the cost).
 * `convertOncePerRequest` makes the conversion a function of the `Struct` object itself, kept in a WeakMap: a
 * request's `Struct` is one object for as long as the request lives (google-protobuf caches message wrappers),
 * so every policy of that request gets the same plain object, and the entry is dropped with the request.
 *
 * The policies see what they saw before: the same values, each policy behind its own `unknownCheckingProxy`.
 * They share one object, as the rules already do in-process (evaluate.ts wraps each resource once for all
 * rules); the rules read properties and never write them.
 *
 * The patch is on the module's exports object, which server.js reads at each call (`deserialize_1.fn(...)`), and
 * it checks the shape it patches: a version of `@pulumi/policy` without `deserializeProperties` gets a clear
 * error at pack launch rather than a silent slow path. test/proofs/engine-cost.test.ts proves that the server
 * converts once per request and that verdicts are unchanged; test/policy/grpc.test.ts compares every verdict
 * under the engine protocol with the in-process runner's.
 */
type Deserialize = (struct: object, proxySecrets: boolean) => Record<string, unknown>;

/** What `convertOncePerRequest` counts. */
export interface ConversionCounts {
  /** Conversions made (one per request's `Struct`). */
  made: number;
  /** Conversions served again to another policy of the same request. */
  reused: number;
}

interface DeserializeModule {
  deserializeProperties: Deserialize & { counts?: ConversionCounts };
}

/**
 * Installs the per-request conversion in `@pulumi/policy`'s server (idempotent). Only the conversions without
 * secret proxies are shared (`Analyze`, `AnalyzeStack`); `Remediate` converts once per request already and may
 * change what it gets, so it is left as it is.
 *
 * @param mod the `@pulumi/policy/deserialize` module; default: the one the server loads.
 * @returns the live counts, for tests and benchmarks.
 * @throws Error when the module has no `deserializeProperties` function (a changed `@pulumi/policy`).
 */
export function convertOncePerRequest(
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module, untyped by the package
  mod: DeserializeModule = require("@pulumi/policy/deserialize") as DeserializeModule,
): ConversionCounts {
  const original = mod.deserializeProperties;
  if (typeof original !== "function")
    throw new Error(
      "@pulumi/policy/deserialize has no deserializeProperties function: the pack's per-request conversion " +
        "(policy-pack/lib/engine.ts) was written for @pulumi/policy 1.21.0; check the installed version",
    );
  if (original.counts) return original.counts;
  const counts: ConversionCounts = { made: 0, reused: 0 };
  const cache = new WeakMap<object, Record<string, unknown>>();
  const once: DeserializeModule["deserializeProperties"] = (struct, proxySecrets) => {
    if (proxySecrets) return original(struct, proxySecrets);
    const hit = cache.get(struct);
    if (hit) {
      counts.reused++;
      return hit;
    }
    counts.made++;
    const props = original(struct, proxySecrets);
    cache.set(struct, props);
    return props;
  };
  once.counts = counts;
  mod.deserializeProperties = once;
  return counts;
}

/**
 * Runs `fn` (which throws a "not applicable" error) without capturing a stack trace: the server reads only the
 * error's reason, and capturing the stack was most of the cost of answering "not applicable" once per rule and
 * resource (issue 13's engine benchmark). The limit is restored before the error leaves.
 */
export function withoutStackTrace<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
