/**
 * Credentials found by value in the plain (non-secret) config: a database URL with a password in it, a token
 * pasted as a variable with an innocent name. A name-based check (CC-RUN-06) cannot see them; this scans every
 * plain string the program would register (variables, descriptions, flag values, tags) with secretlint's
 * recommended preset (a maintained set of credential patterns), plus credentials embedded in any URL. A hit is
 * a config error naming the key; the value is never echoed (secretlint's own messages quote it, so only the
 * rule that matched is reported).
 */
import { CONFIG_NAMESPACE, ConfigError, ConfigProblem, formatPath, SECRET_CONFIG_KEYS } from "./model";

/**
 * `scheme://user:password@host`: a credential embedded in a URL, whatever the scheme; the user may be empty, as in
 * Redis's `redis://:password@host` (RFC 3986 userinfo).
 */
const URL_CREDENTIAL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:[^\s/@]+@/i;

/**
 * Credentials the recommended preset has no rule for, as secretlint-rule-pattern patterns: the token formats their
 * issuers document. A Pulumi access token (`pul-` and 40 hex) is what this project's own `PULUMI_ACCESS_TOKEN`
 * holds; the apps use Telegram bots; Stripe live keys and Google API keys are common in web apps.
 */
const EXTRA_PATTERNS = [
  { name: "pulumi-access-token", patterns: ["/\\bpul-[0-9a-f]{40}\\b/"] },
  { name: "telegram-bot-token", patterns: ["/\\b[0-9]{5,16}:A[0-9A-Za-z_-]{32,34}\\b/"] },
  { name: "stripe-live-key", patterns: ["/\\b[rs]k_live_[0-9A-Za-z]{24,}\\b/"] },
  { name: "google-api-key", patterns: ["/\\bAIza[0-9A-Za-z_-]{35}\\b/"] },
];

/**
 * The name a finding is reported by: secretlint's rule, without its package prefix (`github`, `aws`); for
 * secretlint-rule-pattern, the name of the {@link EXTRA_PATTERNS} entry that matched, read from the start of its
 * message (`found matching NAME: ...`; the rest of the message, which quotes the value, is never kept).
 */
function ruleName(ruleId: string, message: string): string {
  const rule = ruleId.replace(/^@secretlint\/secretlint-rule-/, "");
  if (rule !== "pattern") return rule;
  return EXTRA_PATTERNS.find((p) => message.startsWith(`found matching ${p.name}:`))?.name ?? rule;
}

/**
 * Rule names secretlint matched, per value (same order as the values), with the recommended preset and
 * {@link EXTRA_PATTERNS}. Each value is linted as `NAME=value`, its key's name in front: secretlint's rules
 * recognise some credentials by their name (an AWS secret access key). All values go through one lint call, one
 * value per line; each finding is mapped back to its value by its offset.
 *
 * secretlint is an ES module, imported on use; Node's module cache makes every import after the first a lookup.
 */
async function secretlint(values: Array<{ name: string; value: string }>): Promise<string[][]> {
  const { lintSource } = await import("@secretlint/core");
  const { creator } = await import("@secretlint/secretlint-rule-preset-recommend");
  const { creator: pattern } = await import("@secretlint/secretlint-rule-pattern");
  // The AWS rule also reports access key IDs (AKIA..., ASIA...): off by default in secretlint.
  const aws = { id: "@secretlint/secretlint-rule-aws", options: { enableIDScanRule: true } };
  const config = {
    rules: [
      { id: "@secretlint/secretlint-rule-preset-recommend", rule: creator, rules: [aws] },
      { id: "@secretlint/secretlint-rule-pattern", rule: pattern, options: { patterns: EXTRA_PATTERNS } },
    ],
  };
  const lines = values.map(({ name, value }) => `${name}=${value}`.replace(/[\r\n]+/g, " "));
  const starts: number[] = [];
  let offset = 0;
  for (const l of lines) {
    starts.push(offset);
    offset += l.length + 1;
  }
  const result = await lintSource({
    source: { filePath: "config", content: lines.join("\n"), ext: "", contentType: "text" },
    options: { config },
  });
  const found: string[][] = values.map(() => []);
  for (const m of result.messages) {
    const at = m.range[0];
    let i = starts.length - 1;
    while (i > 0 && starts[i] > at) i--;
    found[i].push(ruleName(String(m.ruleId), m.message));
  }
  return found;
}

/**
 * Every plain string leaf of the raw config, with its path and the name of its key (the keys that hold secrets by
 * design left out; a secret anywhere else is refused by the config model).
 */
function plainStrings(raw: Record<string, unknown>): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  const nameOf = (at: PropertyKey[]) => String([...at].reverse().find((k) => typeof k === "string") ?? "");
  const walk = (v: unknown, at: PropertyKey[]) => {
    if (typeof v === "string") out.push([formatPath(at), v, nameOf(at)]);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  for (const [k, v] of Object.entries(raw)) if (!SECRET_CONFIG_KEYS.includes(k)) walk(v, [k]);
  return out;
}

/**
 * The credentials in the plain config, one problem per key: every string outside the keys that hold secrets by
 * design ({@link SECRET_CONFIG_KEYS}), whatever else in the config is secret.
 */
export async function credentialProblems(raw: Record<string, unknown>): Promise<ConfigProblem[]> {
  const strings = plainStrings(raw);
  const linted = strings.length ? await secretlint(strings.map(([, value, name]) => ({ name, value }))) : [];
  const problems: ConfigProblem[] = [];
  strings.forEach(([at, value], i) => {
    const found = [...(URL_CREDENTIAL.test(value) ? ["a credential in a URL"] : []), ...linted[i]];
    if (found.length) {
      problems.push({
        key: `${CONFIG_NAMESPACE}:${at}`,
        expected:
          "no credential in a plain value: declare it in runtime.secrets and set it with " +
          "pulumi config set --secret --path 'secrets.<app>.<NAME>'",
        found: `${[...new Set(found)].join(", ")} [secret]`,
      });
    }
  });
  return problems;
}

/**
 * Stops with a config error when the plain config holds a credential.
 *
 * @throws ConfigError naming the stack and every key that holds one (never the value).
 */
export async function checkNoPlainCredentials(
  stack: string,
  raw: Record<string, unknown>,
  origin?: string,
): Promise<void> {
  const problems = await credentialProblems(raw);
  if (problems.length) throw new ConfigError(stack, problems, origin);
}
