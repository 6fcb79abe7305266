/**
 * Reads existing state for the audit: `pulumi stack export` output (deployment version 3), `pulumi preview --json`
 * output (steps with `newState`), or an offline plan file (`out/plan.<stack>.json`), into the policy pack's
 * resource list. Secret values never leave this module: every Pulumi secret becomes `[secret]`, and a value that
 * belongs in a secret but is stored in plain text becomes `[plaintext]` (CC-ENV-04), so no output can print it.
 * Sources: Pulumi docs "pulumi stack export", "Secrets" (secret signature 1b47061264138c4ac30d75fd1eb44270).
 */
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import type { PolicyResourceInput } from "../../policy-pack/evaluate";
import { PLAINTEXT_MARKER, SECRET_MARKER } from "../../policy-pack/evaluate";
import { T } from "../../policy-pack/lib/tokens";
import { readInputFile } from "../files";

/** Signature key and value of a Pulumi secret object in state and on the wire. */
export const SIG_KEY: string = rpc.specialSigKey;
export const SECRET_SIG: string = rpc.specialSecretSig;

/** Thrown for input the audit cannot read; the message says what was expected. */
export class AuditInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditInputError";
  }
}

/** What the reader found. */
export interface StateInput {
  /** `stack-export` (deployment v3), `preview` (`pulumi preview --json`) or `plan` (offline plan file). */
  kind: "stack-export" | "preview" | "plan";
  /** Stack name from the URNs (or the plan), if any. */
  stack?: string;
  resources: PolicyResourceInput[];
  /** True: every secret is marked, so plain values where secrets belong are known to be plain text. */
  secretsMarked: boolean;
  /** Plain values of secrets seen while reading (`plaintext`/`value` of exports with --show-secrets), to scrub output. */
  secretValues: Set<string>;
}

/** Types whose value fields must be secrets (CC-ENV-04), with those fields. */
const SECRET_FIELDS: Record<string, string[]> = {
  [T.envSecret]: ["value", "plaintextValue"],
  [T.actionsSecret]: ["value", "plaintextValue"],
};

/** Types that are not resources a policy judges (the stack itself, providers). */
const SKIPPED = (type: string) => type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v);

/**
 * A JSON parse error without the input: Node's messages quote the text around the error (`Unexpected token 'h',
 * "hunter2..." is not valid JSON`), which may be a secret. Keeps the position only.
 */
export function jsonErrorWithoutInput(e: unknown): string {
  const position = /position (\d+)/.exec(String((e as Error)?.message ?? ""))?.[1];
  return position ? `invalid JSON at position ${position}` : "invalid JSON";
}

/** Replaces every secret object by `[secret]`, collecting plain secret values into `seen`. */
export function maskSecrets(value: unknown, seen: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, seen));
  if (!isObject(value)) return value;
  if (value[SIG_KEY] === SECRET_SIG) {
    const collect = (v: unknown): void => {
      if (typeof v === "string") {
        if (v.length >= 4) seen.add(v);
        try {
          collect(JSON.parse(v));
        } catch {
          // a plain string, not JSON
        }
      } else if (Array.isArray(v)) v.forEach(collect);
      else if (isObject(v)) Object.values(v).forEach(collect);
    };
    collect(value.plaintext);
    collect(value.value);
    return SECRET_MARKER;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, seen)]));
}

/** Marks plain (non-secret) values of secret-carrying fields as `[plaintext]`, remembering them for scrubbing. */
function markPlaintext(
  type: string,
  props: Record<string, unknown>,
  seen: Set<string>,
): Record<string, unknown> {
  const fields = SECRET_FIELDS[type];
  if (!fields) return props;
  const out = { ...props };
  for (const f of fields) {
    const v = out[f];
    if (typeof v === "string" && v !== "" && v !== SECRET_MARKER) {
      if (v.length >= 4) seen.add(v);
      out[f] = PLAINTEXT_MARKER;
    }
  }
  return out;
}

function stackOfUrn(urn: unknown): string | undefined {
  return typeof urn === "string" ? /^urn:pulumi:([^:]+)::/.exec(urn)?.[1] : undefined;
}

function nameOfUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  const types = parts[2] ?? "";
  return types.slice(types.lastIndexOf("$") + 1);
}

/** What a reader found: every format marks every secret, so `secretsMarked` is true. */
function stateOf(
  kind: StateInput["kind"],
  stack: string | undefined,
  resources: PolicyResourceInput[],
  seen: Set<string>,
): StateInput {
  return { kind, stack, resources, secretsMarked: true, secretValues: seen };
}

/** Parses `text` as a JSON object, the shape of every input. */
function jsonObject(text: string, origin: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new AuditInputError(`${origin}: not JSON (${jsonErrorWithoutInput(e)})`);
  }
  if (!isObject(doc))
    throw new AuditInputError(
      `${origin}: expected a JSON object (pulumi stack export, pulumi preview --json, or a plan file)`,
    );
  return doc;
}

/**
 * A `pulumi stack export` (deployment version 3): each live resource's inputs overlaid with its outputs, secrets
 * masked; the stack itself, providers and resources pending deletion skipped.
 */
function fromStackExport(doc: Record<string, unknown>, origin: string, seen: Set<string>): StateInput {
  if (doc.version !== 3)
    throw new AuditInputError(
      `${origin}: deployment version ${JSON.stringify(doc.version)} is not supported (expected 3, as written by pulumi stack export)`,
    );
  const deployment = doc.deployment;
  if (!isObject(deployment) || !Array.isArray(deployment.resources ?? []))
    throw new AuditInputError(`${origin}: deployment.resources is missing or not a list`);
  const resources: PolicyResourceInput[] = [];
  for (const [i, r] of (Array.isArray(deployment.resources) ? deployment.resources : []).entries()) {
    if (!isObject(r) || typeof r.urn !== "string" || typeof r.type !== "string")
      throw new AuditInputError(`${origin}: deployment.resources[${i}] has no urn or type`);
    if (SKIPPED(r.type) || r.delete === true) continue;
    const state = maskSecrets(
      { ...(isObject(r.inputs) ? r.inputs : {}), ...(isObject(r.outputs) ? r.outputs : {}) },
      seen,
    ) as Record<string, unknown>;
    resources.push({
      urn: r.urn,
      type: r.type,
      name: nameOfUrn(r.urn),
      parent: typeof r.parent === "string" ? r.parent : null,
      props: markPlaintext(r.type, state, seen),
    });
  }
  return stateOf("stack-export", stackOfUrn(resources[0]?.urn), resources, seen);
}

/**
 * A `pulumi preview --json`: each step's new state, its outputs overlaid with its inputs, secrets masked; deletes,
 * discards, steps without a new state, the stack and providers skipped.
 */
function fromPreview(steps: unknown[], origin: string, seen: Set<string>): StateInput {
  const resources: PolicyResourceInput[] = [];
  for (const [i, step] of steps.entries()) {
    if (!isObject(step)) throw new AuditInputError(`${origin}: steps[${i}] is not an object`);
    if (step.op === "delete" || step.op === "discard") continue;
    const ns = step.newState;
    if (!isObject(ns)) continue;
    const urn = typeof ns.urn === "string" ? ns.urn : typeof step.urn === "string" ? step.urn : undefined;
    if (!urn) throw new AuditInputError(`${origin}: steps[${i}].newState has no urn`);
    const type = typeof ns.type === "string" ? ns.type : typeOfUrn(urn);
    if (SKIPPED(type)) continue;
    const props = maskSecrets(
      { ...(isObject(ns.outputs) ? ns.outputs : {}), ...(isObject(ns.inputs) ? ns.inputs : {}) },
      seen,
    ) as Record<string, unknown>;
    resources.push({
      urn,
      type,
      name: nameOfUrn(urn),
      parent: typeof ns.parent === "string" ? ns.parent : null,
      props: markPlaintext(type, props, seen),
    });
  }
  return stateOf("preview", stackOfUrn(resources[0]?.urn), resources, seen);
}

/** An offline plan file (schema version 1): each resource's recorded inputs, already masked, masked again. */
function fromPlan(
  doc: Record<string, unknown>,
  planResources: unknown[],
  origin: string,
  seen: Set<string>,
): StateInput {
  const resources: PolicyResourceInput[] = [];
  for (const [i, r] of planResources.entries()) {
    if (!isObject(r) || typeof r.urn !== "string" || typeof r.type !== "string")
      throw new AuditInputError(`${origin}: resources[${i}] has no urn or type`);
    const props = maskSecrets(isObject(r.inputs) ? r.inputs : {}, seen) as Record<string, unknown>;
    resources.push({
      urn: r.urn,
      type: r.type,
      name: typeof r.name === "string" ? r.name : nameOfUrn(r.urn),
      parent: typeof r.parent === "string" ? r.parent : null,
      props: markPlaintext(r.type, props, seen),
    });
  }
  return stateOf(
    "plan",
    typeof doc.stack === "string" ? doc.stack : stackOfUrn(resources[0]?.urn),
    resources,
    seen,
  );
}

/**
 * Parses audit input text: a stack export (`{ version, deployment }`), a preview (`{ steps: [...] }`) or a plan file
 * (`{ schemaVersion: 1, resources }`), told apart in that order.
 *
 * @param origin File name, for messages.
 * @throws AuditInputError when the text is not JSON, not one of the three formats, or a deployment version other than 3.
 */
export function parseState(text: string, origin: string): StateInput {
  const doc = jsonObject(text, origin);
  const seen = new Set<string>();
  if ("deployment" in doc || "version" in doc) return fromStackExport(doc, origin, seen);
  if (Array.isArray(doc.steps)) return fromPreview(doc.steps, origin, seen);
  if (doc.schemaVersion === 1 && Array.isArray(doc.resources))
    return fromPlan(doc, doc.resources, origin, seen);
  throw new AuditInputError(
    `${origin}: not a stack export ({ version: 3, deployment }), a preview ({ steps: [...] }) or a plan file ({ schemaVersion: 1, resources })`,
  );
}

/**
 * Reads and parses an audit input file.
 * @throws AuditInputError when the file cannot be read or parsed.
 */
export function readState(file: string): StateInput {
  let text: string;
  try {
    text = readInputFile(file);
  } catch (e) {
    throw new AuditInputError(
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return parseState(text, file);
}

/**
 * Reads a stack's outputs as `pulumi stack output --json --stack STACK` prints them (`cicd verify --outputs`,
 * `cicd preview --previous-outputs`).
 *
 * @throws Error naming the file when it is not JSON (without quoting it: outputs may hold values) or not an object.
 */
export function readStackOutputs(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readInputFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      `${file}: cannot read the stack outputs (${code ?? (err as Error).message}); expected the file \`pulumi stack output --json\` wrote`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON stack outputs (${jsonErrorWithoutInput(err)})`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new Error(`${file}: not a JSON object of stack outputs (pulumi stack output --json)`);
  return value as Record<string, unknown>;
}
