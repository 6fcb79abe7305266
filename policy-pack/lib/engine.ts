/**
 * The pack under the Pulumi engine, with `@pulumi/policy` as it ships: "not applicable" answers without stack
 * traces ({@link withoutStackTrace}).
 */

/**
 * Runs `fn` (which throws a "not applicable" error) without capturing a stack trace: the server reads only the
 * error's reason, and capturing the stack was most of the cost of answering "not applicable" once per rule and
 * resource (bench/engine.ts). The limit is restored before the error leaves.
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
