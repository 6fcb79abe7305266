/**
 * The stack configuration model: one zod schema for everything a stack file may say, parsed once into a
 * typed, defaulted model that components take as plain arguments (they never read `pulumi.Config`).
 *
 * Data flow: raw config (stack file or Pulumi runtime) -> {@link parseStackConfig} -> {@link StackModel}
 * -> components -> resources. Parsing collects every problem at once and throws a {@link ConfigError}
 * before any resource is registered.
 */
import { knownKeysOf } from "./knownKeys";
import { z } from "zod";
import { PROJECT_NAME, SECRET_MARKER } from "../../policy-pack/lib/facts";
import { semanticProblems } from "./checks";
import { CONFIG_NAMESPACE, ConfigError, ConfigProblem, issueProblems } from "./errors";
import { stackConfigSchema } from "./schema";

export {
  DEFAULT_REQUIRED_CHECKS,
  defaultStrategy,
  deploymentOf,
  FARGATE_SIZES,
  historyDigests,
  LOG_RETENTION_DAYS,
} from "./appSchema";
export { GATE_OVERRIDABLE, gateOverrideProblems, MAX_GATE_OVERRIDE_DAYS } from "./checks";
export { CONFIG_NAMESPACE, ConfigError, formatPath, MOVED_APP_KEYS } from "./errors";
export type { ConfigProblem } from "./errors";
export { DEFAULT_ALLOWED_ACTIONS, GITHUB_PLANS, stackConfigSchema } from "./schema";

/** Top-level config keys whose values are always Pulumi secrets. */
export const SECRET_CONFIG_KEYS: readonly string[] = [
  "secrets",
  "ghcrToken",
  "ghcrPullToken",
  "gitSourceToken",
];

/** Marker used for secret values wherever they could be printed (written once, on the pack's side). */
export { SECRET_MARKER };

export { PROJECT_NAME };

/** The raw, unparsed config: `cicd-constitution:` keys without namespace, values already JSON-decoded. */
export type RawStackConfig = Record<string, unknown>;
/** The validated, defaulted stack model. */
export type StackModel = z.output<typeof stackConfigSchema>;
/** One app of the stack model. */
export type AppModel = StackModel["apps"][number];
/** One feature flag of an app. */
export type FlagModel = AppModel["flags"][number];
/** `staging` or `production`. */
export type EnvironmentName = StackModel["environment"];

/** Options of {@link parseStackConfig}. */
export interface ParseOptions {
  /** Keys (without namespace) whose values are Pulumi secrets; their values are never printed. */
  secretKeys?: ReadonlySet<string>;
  /** Where the config came from, for messages (e.g. `Pulumi.staging.yaml`). */
  source?: string;
  /** "Today", for removal dates that must not be in the past. Default: the current date. */
  today?: Date;
}

/** The keys the schema knows at each object, for "did you mean" on an unknown key. */
const KNOWN_KEYS = knownKeysOf(stackConfigSchema);

/**
 * Validates raw stack config and returns the typed model with defaults applied.
 *
 * @param stack Stack name, for messages.
 * @param raw Config values without the `cicd-constitution:` namespace (plus `awsRegion` from `aws:region`).
 * @param options Secret keys (never printed), the source for messages, and "today" for date checks.
 * @throws ConfigError listing every problem (key, expected, found), never a secret value.
 */
export function parseStackConfig(stack: string, raw: RawStackConfig, options: ParseOptions = {}): StackModel {
  const secretKeys = options.secretKeys ?? new Set<string>(SECRET_CONFIG_KEYS);
  const result = stackConfigSchema.safeParse(raw);
  const problems: ConfigProblem[] = [];
  const isSecretPath = (path: ReadonlyArray<PropertyKey>) => secretKeys.has(String(path[0]));
  if (!result.success) {
    problems.push(...issueProblems(result.error.issues, raw, isSecretPath, KNOWN_KEYS));
  } else {
    problems.push(...semanticProblems(result.data, options.today ?? new Date()));
  }
  problems.push(...misplacedSecretProblems(secretKeys));
  if (problems.length > 0) throw new ConfigError(stack, problems, options.source);
  return result.data as StackModel;
}

/**
 * A Pulumi secret (`--secret`, `secure:`) under a key that is not one of {@link SECRET_CONFIG_KEYS}: the program
 * would register it where plain values go (a container variable, a tag, a description), in clear in the task
 * definition and the state, so it is refused rather than wired.
 */
function misplacedSecretProblems(secretKeys: ReadonlySet<string>): ConfigProblem[] {
  return [...secretKeys]
    .filter((k) => !SECRET_CONFIG_KEYS.includes(k))
    .map((k) => ({
      key: `${CONFIG_NAMESPACE}:${k}`,
      expected:
        "no secret value here: a secret goes under cicd-constitution:secrets (declared in the app's runtime.secrets, " +
        "set with pulumi config set --secret --path 'secrets.<app>.<NAME>'), which the container reads from Secrets Manager",
      found: "a secret value [secret]",
    }));
}
