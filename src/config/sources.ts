/**
 * Where raw config comes from: a `Pulumi.<stack>.yaml` file (the offline preview) or the Pulumi runtime
 * (a real `pulumi preview`/`pulumi up`). Both produce the same {@link ConfigSource}; the model does the rest.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { CONFIG_NAMESPACE, ConfigError, ConfigProblem, RawStackConfig, SECRET_CONFIG_KEYS } from "./model";
import { PROVIDER_CONFIG_KEYS, providerKeyOf } from "./errors";
import { readInputFile } from "../files";

/** Placeholder standing in for a secret the offline preview cannot decrypt or that is not set yet. */
export const OFFLINE_SECRET_PLACEHOLDER = "offline-placeholder-secret-value";

/** Raw config plus what is known of its secrets. */
export interface ConfigSource {
  /** Stack name. */
  stack: string;
  /** Human-readable origin, e.g. `Pulumi.staging.yaml`. */
  origin: string;
  /** Values by key without namespace (`apps`, `environment`, ...); `awsRegion` from `aws:region`. */
  raw: RawStackConfig;
  /** Top-level keys (without namespace) holding at least one secret value. */
  secretKeys: Set<string>;
  /** Config paths (`secrets.erp-berhan.JWT_SECRET`) whose values are `secure:` ciphertext in the file. */
  encryptedPaths: string[];
  /** Config paths under `secrets`/`ghcrToken` written in plain text: an error, reported by {@link checkSecrets}. */
  plaintextSecretPaths: string[];
}

function isSecure(v: unknown): v is { secure: string } {
  return !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;
}

/** Replaces every `{ secure: ... }` by the offline placeholder, recording the config path. */
function stripSecure(value: unknown, at: string, found: string[]): unknown {
  if (isSecure(value)) {
    found.push(at);
    return OFFLINE_SECRET_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((v, i) => stripSecure(v, `${at}[${i}]`, found));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, stripSecure(v, at ? `${at}.${k}` : k, found)]),
    );
  }
  return value;
}

function plainLeaves(value: unknown, at: string, out: string[]): void {
  if (typeof value === "string") out.push(at);
  else if (value && typeof value === "object" && !isSecure(value)) {
    for (const [k, v] of Object.entries(value)) plainLeaves(v, `${at}.${k}`, out);
  }
}

/**
 * Reads `Pulumi.<stack>.yaml` (the stack name is taken from the file name).
 *
 * @throws ConfigError when the file is missing, is not YAML, or has no `config:` map (key `config`).
 */
export function readStackFile(file: string): ConfigSource {
  const origin = path.basename(file);
  const m = /^Pulumi\.(.+)\.ya?ml$/.exec(origin);
  const stack = m ? m[1] : origin;
  let text: string;
  try {
    text = readInputFile(file);
  } catch (err) {
    // A mistyped stack name (`--stack prod`) is answered with the stacks the directory has.
    const dir = path.dirname(file);
    const stacks = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
          .filter((s): s is string => !!s)
      : [];
    const known = stacks.length ? ` (this directory's stacks: ${stacks.join(", ")})` : "";
    throw new ConfigError(
      stack,
      [
        {
          key: "(file)",
          expected: `a readable stack file ${file}${known}`,
          found: String((err as Error).message),
        },
      ],
      origin,
    );
  }
  return readStackText(text, stack, origin);
}

/**
 * Reads the text of a stack file (what `cicd bump` is about to write, before it writes it).
 *
 * @throws ConfigError when the text is not YAML or has no `config:` map (key `config`).
 */
export function readStackText(text: string, stack: string, origin: string): ConfigSource {
  const key = `${stack}\0${origin}\0${text}`;
  let read = readTexts.get(key);
  if (!read) {
    read = parseStackText(text, stack, origin);
    if (readTexts.size >= READ_TEXTS_KEPT) readTexts.delete(readTexts.keys().next().value!);
    readTexts.set(key, read);
  }
  return structuredClone(read);
}

/**
 * The YAML error of a stack file as one problem: the first error only (those after it are mostly its cascade, and
 * are counted), with its line and column and the yaml library's code frame. Values in the frame are masked (`…`): a
 * stack file may hold a misplaced secret, and the indentation, which is what YAML errors are about, stays. A key
 * may hold colons (`cicd-constitution:ghcrToken:`, every top-level key of a stack file); its value starts after
 * the colon followed by a space.
 */
export function yamlProblem(errors: ReadonlyArray<{ message: string }>): ConfigProblem {
  const [first] = errors;
  const [head, ...rest] = first.message.split("\n");
  // "Sequence item without - indicator at line 5, column 1:" -> "line 5, column 1: Sequence item without - indicator"
  const at = /^(.*?) at (line \d+, column \d+):?$/.exec(head);
  const what = at ? `${at[2]}: ${at[1]}` : head.replace(/:$/, "");
  const frame = rest
    .filter((l) => l.trim() !== "")
    .map(
      (l) =>
        `      | ${l.replace(/^(\s*(?:- )?[^:#\s](?:[^:#]|:(?!\s))*:)\s+\S.*$/, "$1 …").replace(/^(\s*- )[^\s:#].*$/, "$1…")}`,
    );
  const more =
    errors.length > 1 ? ` (${errors.length - 1} more error(s) after it, mostly caused by this one)` : "";
  return { key: "(yaml)", expected: "valid YAML", found: [`${what}${more}`, ...frame].join("\n") };
}

/**
 * What `readStackText` read, by stack, origin and text: one preview of all stacks reads each stack file several
 * times (its own config, the organization, report locations), and the YAML parse is the costly part. Callers get
 * a copy, so no caller sees another's changes. Errors are not kept: they are thrown again. The oldest of
 * {@link READ_TEXTS_KEPT} is dropped first (a long test run reads thousands of generated files).
 */
const readTexts = new Map<string, ConfigSource>();
const READ_TEXTS_KEPT = 16;

function parseStackText(text: string, stack: string, origin: string): ConfigSource {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw new ConfigError(stack, [yamlProblem(doc.errors)], origin);
  const body = doc.toJS() as { config?: Record<string, unknown> } | null;
  if (!body || typeof body.config !== "object" || body.config === null) {
    throw new ConfigError(
      stack,
      [{ key: "config", expected: "a `config:` map", found: "(missing)" }],
      origin,
    );
  }
  const prototypeKeys = prototypeKeyProblems(body.config);
  if (prototypeKeys.length) throw new ConfigError(stack, prototypeKeys, origin);
  const { foreign, ...read } = fromNamespacedConfig(body.config, (key, value) => {
    const found: string[] = [];
    const stripped = stripSecure(value, key, found);
    return { value: stripped, encrypted: found };
  });
  refuseForeignKeys(stack, foreign, origin);
  // In a stack file, a secret is a `secure:` value; any other string under a secret key is plain text.
  const plaintextSecretPaths: string[] = [];
  for (const key of SECRET_KEYS)
    plainLeaves(body.config[`${CONFIG_NAMESPACE}:${key}`], key, plaintextSecretPaths);
  return { stack, origin, ...read, plaintextSecretPaths };
}

/**
 * Reads the config of the running Pulumi program (`pulumi preview`/`up`), decrypted by the engine.
 * Secret-ness comes from `pulumi.runtime.isConfigSecret`.
 */
export function readRuntimeConfig(
  stack: string,
  all: Record<string, string>,
  isSecret: (key: string) => boolean,
): ConfigSource {
  const decoded: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  // The engine hands structured values as JSON text; scalars stay strings (a token "12345" is not a number).
  for (const [k, v] of Object.entries(all)) {
    try {
      decoded[k] = /^\s*[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      decoded[k] = v;
    }
  }
  const prototypeKeys = prototypeKeyProblems(decoded);
  if (prototypeKeys.length) throw new ConfigError(stack, prototypeKeys, `stack ${stack}`);
  const { foreign, ...read } = fromNamespacedConfig(decoded, (_key, value) => ({ value, encrypted: [] }));
  refuseForeignKeys(stack, foreign, `stack ${stack}`);
  for (const key of Object.keys(all)) {
    if (key.startsWith(`${CONFIG_NAMESPACE}:`) && isSecret(key))
      read.secretKeys.add(key.slice(CONFIG_NAMESPACE.length + 1));
  }
  // With the engine a key is secret as a whole: a secret key set without --secret is plain text.
  const plaintextSecretPaths = SECRET_KEYS.filter(
    (k) => k in read.raw && !isSecret(`${CONFIG_NAMESPACE}:${k}`),
  );
  return { stack, origin: `stack ${stack}`, ...read, plaintextSecretPaths };
}

/** Keys that would reach an object's prototype (`obj.__proto__ = ...`): refused anywhere in the config. */
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Every prototype key in the config, as a problem naming its full key. A `cicd-constitution:__proto__` would
 * otherwise become the prototype of the raw config and carry keys (secrets, policy) past the checks.
 */
function prototypeKeyProblems(config: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const walk = (value: unknown, at: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        const key = at ? `${at}.${k}` : k;
        if (PROTOTYPE_KEYS.has(k) || PROTOTYPE_KEYS.has(k.slice(k.indexOf(":") + 1)))
          problems.push({
            key,
            expected: "no __proto__, constructor or prototype key",
            found: "a prototype key",
          });
        else walk(v, key);
      }
    }
  };
  walk(config, "");
  return problems;
}

/** Config keys whose values are secrets: never printed, and an error when given in plain text. */
const SECRET_KEYS = SECRET_CONFIG_KEYS;

/**
 * The project's keys without namespace, and the provider settings it reads under their fields
 * ({@link PROVIDER_CONFIG_KEYS}), with secret keys and encrypted paths noted.
 */
function fromNamespacedConfig(
  config: Record<string, unknown>,
  unwrap: (key: string, value: unknown) => { value: unknown; encrypted: string[] },
): Pick<ConfigSource, "raw" | "secretKeys" | "encryptedPaths"> & { foreign: string[] } {
  const raw: RawStackConfig = Object.create(null) as RawStackConfig; // no prototype to pollute
  const encryptedPaths: string[] = [];
  const secretKeys = new Set<string>();
  const foreign: string[] = [];
  for (const [fullKey, value] of Object.entries(config)) {
    if (Object.hasOwn(PROVIDER_CONFIG_KEYS, fullKey)) {
      raw[PROVIDER_CONFIG_KEYS[fullKey]] = value;
      continue;
    }
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) {
      foreign.push(fullKey);
      continue;
    }
    const key = fullKey.slice(CONFIG_NAMESPACE.length + 1);
    if (providerKeyOf(key)) {
      foreign.push(fullKey); // `cicd-constitution:awsRegion`: the provider's own key is the one read
      continue;
    }
    const { value: v, encrypted } = unwrap(key, value);
    raw[key] = v;
    if (encrypted.length > 0) secretKeys.add(key);
    encryptedPaths.push(...encrypted);
  }
  for (const key of SECRET_KEYS) secretKeys.add(key); // never print these keys' values, whatever the source says
  return { raw, secretKeys, encryptedPaths, foreign };
}

/**
 * A config key of another namespace (`github:token`, `github:baseUrl`, `aws:secretKey`, `docker-build:registries`)
 * configures a provider the program uses as its default one: a stack file could send the GitHub token to another
 * host or deploy with long-lived keys, and no check of this program would see it. Only `aws:region` and
 * `aws:allowedAccountIds` are read; any other is refused, naming it. So is a project key spelled like one of their
 * fields (`cicd-constitution:awsRegion`): the provider never reads it, and the message names the key that counts.
 *
 * @throws ConfigError listing every such key (never its value).
 */
function refuseForeignKeys(stack: string, foreign: string[], origin: string): void {
  if (foreign.length)
    throw new ConfigError(
      stack,
      foreign.map((key) => {
        const provider = providerKeyOf(key.slice(CONFIG_NAMESPACE.length + 1));
        return provider && key.startsWith(`${CONFIG_NAMESPACE}:`)
          ? {
              key,
              expected: `no such key: the setting is ${provider} (pulumi config set ${provider} ...)`,
              found: "a value [not shown]",
            }
          : {
              key,
              expected: `no provider setting in the stack config (only ${CONFIG_NAMESPACE}:*, ${Object.keys(PROVIDER_CONFIG_KEYS).join(" and ")}): providers take their credentials from the deploy job's environment`,
              found: "a provider setting [not shown]",
            };
      }),
      origin,
    );
}
