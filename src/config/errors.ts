/** How config problems are reported: the problem record, the error listing them, and zod issues rendered as problems. */
import { didYouMean, shapePathOf } from "./knownKeys";
import type { z } from "zod";
import { PROJECT_NAME, SECRET_MARKER } from "../../policy-pack/lib/facts";

/** The Pulumi config namespace of this project: keys are written `cicd-constitution:<key>`. */
export const CONFIG_NAMESPACE = PROJECT_NAME;

/**
 * The provider settings the program reads from the stack file, by their key there, and the field of the raw config
 * that holds each (the schema validates them beside the project's own keys).
 */
export const PROVIDER_CONFIG_KEYS: Readonly<Record<string, string>> = {
  "aws:region": "awsRegion",
  "aws:allowedAccountIds": "awsAllowedAccountIds",
};

/**
 * The stack-file key of a raw config path, in `pulumi config --path` syntax: `aws:region` for `awsRegion`,
 * `aws:allowedAccountIds[0]` for `awsAllowedAccountIds.0`, `cicd-constitution:<path>` for the project's own keys.
 */
export function configKeyOf(path: ReadonlyArray<PropertyKey>): string {
  const field = String(path[0]);
  const provider = providerKeyOf(field);
  return provider
    ? `${provider}${formatPath(path).slice(field.length)}`
    : `${CONFIG_NAMESPACE}:${formatPath(path)}`;
}

/** The stack-file key of a provider setting's raw config field (`aws:region` for `awsRegion`), else undefined. */
export function providerKeyOf(field: string): string | undefined {
  return Object.keys(PROVIDER_CONFIG_KEYS).find((k) => PROVIDER_CONFIG_KEYS[k] === field);
}

/** One problem found in a stack's config. */
export interface ConfigProblem {
  /** Full config key in `pulumi config --path` syntax, e.g. `cicd-constitution:apps[0].runtime.port`. */
  key: string;
  /** What a valid value looks like. */
  expected: string;
  /** What the config holds, rendered for a message; `[secret]` for secret keys, `(missing)` when absent. */
  found: string;
}

/** Thrown when a stack's config is invalid; lists every problem. Nothing is registered after it. */
export class ConfigError extends Error {
  /**
   * @param stackName The stack whose config is invalid. (Not `stack`: that is `Error.stack`, the trace the Pulumi
   *   SDK prints; shadowing it made the engine print an object instead of the message.)
   */
  constructor(
    readonly stackName: string,
    readonly problems: ConfigProblem[],
    readonly source = "stack config",
  ) {
    super(
      `Invalid config for stack "${stackName}" (${source}): ${problems.length} problem${problems.length === 1 ? "" : "s"}\n` +
        problems.map((p) => `  - ${p.key}: expected ${p.expected}, found ${p.found}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Renders a config path the way `pulumi config set --path` takes it: `apps[0].runtime.port`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** A config value as a problem shows it: `(missing)`, the secret marker, or its JSON cut to 80 characters. */
export function renderFound(value: unknown, secret: boolean): string {
  if (value === undefined) return "(missing)";
  if (secret) return SECRET_MARKER;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg as string];
  }
  return cur;
}

/** What a length counts: items of a list, characters of a string; singular for 1. */
function countOf(origin: string, n: number | bigint): string {
  return `${origin === "array" ? "item" : "character"}${Number(n) === 1 ? "" : "s"}`;
}

/** What a zod issue says was expected, in the words of a config problem (`at least 1 character`, `one of "a", "b"`). */
export function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.message && !issue.message.startsWith("Invalid input")
        ? issue.message
        : `a value of type ${issue.expected}`;
    case "too_small":
      return issue.origin === "array" || issue.origin === "string"
        ? `at least ${issue.minimum} ${countOf(issue.origin, issue.minimum)}`
        : `a value ${issue.inclusive ? ">=" : ">"} ${issue.minimum}`;
    case "too_big":
      return issue.origin === "array" || issue.origin === "string"
        ? `at most ${issue.maximum} ${countOf(issue.origin, issue.maximum)}`
        : `a value ${issue.inclusive ? "<=" : "<"} ${issue.maximum}`;
    case "unrecognized_keys":
      return `no unknown key (known keys are documented in Pulumi.yaml)`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_key":
      // A record's key refused by its key schema: zod's own message is "Invalid key in record"; the key schema's
      // issue says what a key must be.
      return issue.issues.length ? expectedOf(issue.issues[0]) : issue.message;
    default:
      return issue.message;
  }
}

/**
 * Keys of an app entry that were renamed or removed, with what to write instead: an old stack file gets a config
 * error that names the new key rather than a bare "unknown key".
 */
export const MOVED_APP_KEYS: Readonly<Record<string, string>> = {
  "runtime.environment":
    "runtime.environmentVariables instead: the container's plain variables (renamed; `environment` is the stack's stage)",
  "runtime.health.livenessPath":
    "no livenessPath: it was never read; the container health check (the liveness probe) is runtime.health.healthPath",
};

/** What replaces an unknown key at `path` (`apps.0.runtime...`), if it is one of {@link MOVED_APP_KEYS}. */
function movedKeyOf(path: ReadonlyArray<PropertyKey>): string | undefined {
  if (path[0] !== "apps" || typeof path[1] !== "number") return undefined;
  return MOVED_APP_KEYS[path.slice(2).map(String).join(".")];
}

/**
 * The problems of zod's issues, in their order: an unknown key is one problem per key, named; any other issue
 * shows the raw value at its path (`isSecretPath` values as the secret marker).
 */
export function issueProblems(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  isSecretPath: (path: ReadonlyArray<PropertyKey>) => boolean,
  knownKeys: Map<string, Set<string>> = new Map(),
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) {
        const path = [...issue.path, k];
        const known = didYouMean(k, knownKeys.get(shapePathOf(issue.path)) ?? []);
        // At the root, a provider setting's field is suggested as the stack file writes it.
        const meant = known && issue.path.length === 0 ? (providerKeyOf(known) ?? known) : known;
        problems.push({
          key: configKeyOf(path),
          expected:
            movedKeyOf(path) ??
            (meant ? `no unknown key: did you mean ${JSON.stringify(meant)}?` : expectedOf(issue)),
          found: `an unknown key ${JSON.stringify(k)}`,
        });
      }
      continue;
    }
    problems.push({
      key: configKeyOf(issue.path),
      expected: expectedOf(issue),
      found:
        issue.code === "invalid_key"
          ? `a key ${JSON.stringify(issue.path[issue.path.length - 1])}`
          : renderFound(valueAt(raw, issue.path), isSecretPath(issue.path)),
    });
  }
  return problems;
}
