/**
 * The plan file, `out/plan.<stack>.json`: the desired state of a stack as the offline preview recorded it.
 * Secret values are the string `[secret]`; values unknown until deployment are `[unknown]`.
 */

/** Current plan schema version. */
export const PLAN_SCHEMA_VERSION = 1;

/** One registered resource. */
export interface PlanResource {
  /** Pulumi URN, `urn:pulumi:STACK::PROJECT::PARENT-TYPE$TYPE::NAME`. */
  urn: string;
  /** Resource type token, e.g. `aws:ecs/service:Service`. */
  type: string;
  /** Logical name. */
  name: string;
  /** Parent URN, or null for top-level resources. */
  parent: string | null;
  /**
   * Inputs as the program registered them (component resources: `{}`); for read resources such as a
   * StackReference, the state the engine reads, as a stack policy sees it.
   */
  inputs: Record<string, unknown>;
  /** Resource options that decide what `pulumi destroy`, replacements and updates may do; only those set appear. */
  options?: {
    protect?: boolean;
    retainOnDelete?: boolean;
    import?: string;
    /** URN of the explicit provider the resource uses (`pulumi:providers:PACKAGE`); absent for a default provider. */
    provider?: string;
    /** Input paths the engine leaves as they are in the cloud (what ECS or a person owns). */
    ignoreChanges?: string[];
  };
}

/** A plan file. */
export interface Plan {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  project: string;
  stack: string;
  /** `offline`: recorded under Pulumi's mock runtime; computed values are simulated, nothing was called. */
  mode: "offline";
  resources: PlanResource[];
  /** Stack outputs (the environment profile and per-app references). */
  outputs: Record<string, unknown>;
  /** Secrets `pulumi up` needs for this stack, by config path, and whether the stack file holds them. */
  requiredSecrets: Array<{ path: string; state: "encrypted" | "set" | "missing" }>;
  /**
   * What the offline preview assumed about things outside the program (egress, DNS, the GitHub plan), each
   * with how a user checks it before the first `pulumi up`.
   */
  assumptions: Array<{ what: string; check: string }>;
  /**
   * The GitHub users and teams the program looked up by name, id -> `@LOGIN` or `team SLUG`: environments hold
   * their reviewers by id, and the diff names them. Absent in plans written before it was recorded.
   */
  githubNames?: Record<string, string>;
}
