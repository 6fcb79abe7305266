/**
 * A mock resource monitor that records every registration the program makes (type, name, parent, inputs)
 * before handing it to Pulumi's own MockMonitor. Inputs are taken from the wire form, where the SDK has
 * already marked secrets and unknowns, so masking is exact rather than guessed.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
// The engine's wire types, as the SDK's own MockMonitor uses them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const provproto = require("@pulumi/pulumi/proto/provider_pb");
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { SECRET_MARKER } from "../../policy-pack/lib/facts";
import { PlanResource } from "../plan/types";

/** Plan marker of a value unknown until deployment. */
export const UNKNOWN = "[unknown]";

/** Replaces secrets by `[secret]`, unknowns by `[unknown]`, resource references by their URN. */
export function maskWireValue(value: unknown): unknown {
  if (value === rpc.unknownValue) return UNKNOWN;
  if (Array.isArray(value)) return value.map(maskWireValue);
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const sig = obj[rpc.specialSigKey];
    if (sig === rpc.specialSecretSig) return SECRET_MARKER;
    if (sig === rpc.specialResourceSig) return obj.urn;
    if (sig === rpc.specialOutputValueSig) {
      if (obj.secret) return SECRET_MARKER;
      return "value" in obj ? maskWireValue(obj.value) : UNKNOWN;
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, maskWireValue(v)]));
  }
  return value;
}

/**
 * Unwraps secrets (keeping their values), unknowns as `[unknown]`, resource references as their URN: the
 * properties as the engine hands them to a policy. Secret strings are collected into `secrets`.
 */
export function unwrapWireValue(value: unknown, secrets: Set<string>, inSecret = false): unknown {
  if (value === rpc.unknownValue) return UNKNOWN;
  if (Array.isArray(value)) return value.map((v) => unwrapWireValue(v, secrets, inSecret));
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const sig = obj[rpc.specialSigKey];
    if (sig === rpc.specialSecretSig) return unwrapWireValue(obj.value, secrets, true);
    if (sig === rpc.specialResourceSig) return obj.urn;
    if (sig === rpc.specialOutputValueSig) {
      return "value" in obj ? unwrapWireValue(obj.value, secrets, inSecret || !!obj.secret) : UNKNOWN;
    }
    return Object.fromEntries(
      Object.entries(obj).map(([k, v]) => [k, unwrapWireValue(v, secrets, inSecret)]),
    );
  }
  if (inSecret && typeof value === "string" && value.length > 0) secrets.add(value);
  return value;
}

interface WireRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getObject?(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect?(): boolean | undefined;
  getRetainondelete?(): boolean | undefined;
  getImportid?(): string;
  getIgnorechangesList?(): string[];
  getProvider?(): string;
  getProperties?(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type Callback = (err: unknown, resp: unknown) => void;

/** The type of the root stack resource. */
const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * A URN as the engine builds it: the whole chain of parent types (`A$B$C`), the root Stack left out. The SDK's
 * mock uses only the immediate parent's type, so nested resources' URNs differed from a real preview's.
 */
export function engineUrn(
  parent: string,
  type: string,
  name: string,
  stack = pulumi.getStack(),
  project = pulumi.getProject(),
): string {
  const chain = parent ? parent.split("::")[2] : "";
  const qualified = chain && chain !== STACK_TYPE ? `${chain}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** MockMonitor that keeps a {@link PlanResource} per registration, in registration order. */
export class RecordingMonitor extends MockMonitor {
  /** What the program registered, secrets masked (the plan). */
  readonly records: PlanResource[] = [];
  /** Unmasked properties by URN, as the engine hands them to policies. In memory only; never written. */
  readonly properties = new Map<string, Record<string, unknown>>();
  /** Every secret string seen, so that any text leaving the process can be redacted. */
  readonly secretValues = new Set<string>();
  /** The URNs registered or read so far. */
  private readonly urns = new Set<string>();
  /** The registrations the engine would refuse, in order (see {@link accepts}); the preview fails on the first. */
  readonly refusals: Error[] = [];

  /**
   * @param target The stack and project of the program. Default: this process's (the mock runtime's); a test
   *   that serves a program in another process (Pulumi's language host) names them.
   */
  constructor(
    mocks: pulumi.runtime.Mocks,
    private readonly target?: { stack: string; project: string },
  ) {
    super(mocks);
    // The SDK keeps newUrn private; the engine's form replaces it for the program and the plan alike.
    Object.defineProperty(this, "newUrn", {
      value: (parent: string, type: string, name: string) => this.urnOf(parent, type, name),
    });
  }

  private urnOf(parent: string, type: string, name: string): string {
    return engineUrn(parent, type, name, this.target?.stack, this.target?.project);
  }

  /** The root `pulumi:pulumi:Stack` resource's URN: the engine's parent of every top-level resource. */
  stackUrn(): string {
    const [project, stack] = [
      this.target?.project ?? pulumi.getProject(),
      this.target?.stack ?? pulumi.getStack(),
    ];
    return this.urnOf("", STACK_TYPE, `${project}-${stack}`);
  }

  private record(req: WireRequest, wire: Record<string, unknown>): string {
    const inputs = maskWireValue(wire) as Record<string, unknown>;
    const isStack = req.getType() === STACK_TYPE;
    if (this.records.length === 0 && !isStack) {
      // The engine registers the root stack first (the language host does it itself) and parents every
      // top-level resource to it; under the mock runtime the program runs without it, so it is added here.
      const stackUrn = this.stackUrn();
      this.records.push({
        urn: stackUrn,
        type: STACK_TYPE,
        name: stackUrn.split("::")[3],
        parent: null,
        inputs: {},
      });
    }
    const parent = req.getParent() || (isStack ? null : this.stackUrn());
    const urn = this.urnOf(req.getParent(), req.getType(), req.getName());
    const options: NonNullable<PlanResource["options"]> = {};
    if (req.getProtect?.()) options.protect = true;
    if (req.getRetainondelete?.()) options.retainOnDelete = true;
    if (req.getImportid?.()) options.import = req.getImportid!();
    const ignored = req.getIgnorechangesList?.() ?? [];
    if (ignored.length) options.ignoreChanges = ignored;
    // An explicit provider, as the engine's reference `URN::ID`: its URN.
    const provider = req.getProvider?.()?.split("::").slice(0, -1).join("::");
    if (provider) options.provider = provider;
    this.records.push({
      urn,
      type: req.getType(),
      name: req.getName(),
      parent,
      inputs,
      ...(Object.keys(options).length > 0 ? { options } : {}),
    });
    this.properties.set(urn, unwrapWireValue(wire, this.secretValues) as Record<string, unknown>);
    return urn;
  }

  /**
   * As the engine reports a provider function that fails: an InvokeResponse with failures, which the SDK turns
   * into `Invoke of 'TOKEN' failed: REASON (PROPERTY)`. The SDK's MockMonitor passes the error object through
   * the callback instead, and its message is lost on the way.
   */
  async invoke(req: { getTok(): string; getArgs(): unknown }, callback: Callback): Promise<void> {
    const reply = (err: unknown, resp: unknown) => {
      if (!err) return callback(null, resp);
      const response = new provproto.InvokeResponse();
      const failure = new provproto.CheckFailure();
      failure.setProperty("");
      failure.setReason(err instanceof Error ? err.message : String(err));
      response.addFailures(failure);
      callback(null, response);
    };
    return super.invoke(req, reply);
  }

  /**
   * Whether the engine would take the registration: not when the program registered its URN already (the
   * engine's error 2001, "Duplicate resource URN '...'; try giving it a unique name", which the SDK's mock monitor
   * does not raise). A refusal fails the registration and is kept in {@link refusals}.
   */
  private accepts(req: WireRequest, callback: Callback): boolean {
    const urn = this.urnOf(req.getParent(), req.getType(), req.getName());
    if (!this.urns.has(urn)) {
      this.urns.add(urn);
      return true;
    }
    const refusal = new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
    this.refusals.push(refusal);
    callback(refusal, undefined);
    return false;
  }

  async registerResource(req: WireRequest, callback: Callback): Promise<void> {
    if (!this.accepts(req, callback)) return;
    this.record(req, req.getObject?.()?.toJavaScript() ?? {});
    return super.registerResource(req, callback);
  }

  /** Reads (StackReference) are recorded with the state they read: that is what a stack policy sees. */
  async readResource(req: WireRequest, callback: Callback): Promise<void> {
    if (!this.accepts(req, callback)) return;
    const urn = this.record(req, {});
    return super.readResource(req, (err: unknown, resp: unknown) => {
      const entry = this.records.find((r) => r.urn === urn);
      const state = this.resources.get(urn)?.state;
      if (entry && state) {
        entry.inputs = maskWireValue(state) as Record<string, unknown>;
        this.properties.set(urn, unwrapWireValue(state, this.secretValues) as Record<string, unknown>);
      }
      callback(err, resp);
    });
  }
}

/**
 * Replaces every occurrence of a known secret value in `text` by `[secret]`: the last guard on any text that
 * leaves the process (policy messages, reports). Values shorter than 4 characters are left alone (they would
 * match ordinary words).
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join(SECRET_MARKER);
  return out;
}

/**
 * `value` with every secret replaced in each of its strings (keys included), before it is encoded: a JSON, XML,
 * SARIF or Markdown renderer escapes a value (`"` as `\"`, `<` as `&lt;`), and {@link redactSecrets} run over the
 * encoded text would no longer find the secret's raw form.
 */
export function redactDeep<T>(value: T, secrets: Iterable<string>): T {
  const list = [...secrets];
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactSecrets(v, list);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redactSecrets(k, list), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
