/**
 * Credentials never leave the process in what it prints or writes: the values of the environment variables that
 * hold the tokens and keys the commands use are replaced by `***` in stdout, stderr and every output file, in
 * each form a log or a report can carry them (as is, base64 and base64url as in Basic auth, percent-encoded as in
 * a URL, JSON-escaped, hex). A server, a proxy or an SDK error that quotes a request's Authorization header or
 * session token back is the case this guards (test/proofs/secrets-deploy.test.ts), as GitHub Actions masks its
 * secrets in logs, and for the same reason: the message is kept, only the value goes.
 */

/** The environment variables whose values are credentials (GitHub, GHCR, AWS, Pulumi). */
export const CREDENTIAL_VARIABLES = [
  "GITHUB_TOKEN",
  "GH_TOKEN",
  "GHCR_TOKEN",
  "BUMP_TOKEN",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "PULUMI_ACCESS_TOKEN",
  "PULUMI_CONFIG_PASSPHRASE",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
  "ACTIONS_RUNTIME_TOKEN",
] as const;

/** Shorter values are not masked: replacing a 3-letter token everywhere would garble the output, not hide it. */
const MIN_LENGTH = 8;

/**
 * The base64 (and base64url) text that `value` becomes inside any longer base64 text, at each of the three
 * alignments: `Basic base64(user:token)` holds the token's own base64 only when the user's length plus one is a
 * multiple of 3, so the value is also encoded after one and two filler bytes, and the characters the filler or the
 * following bytes touch are dropped.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value);
  return [0, 1, 2].flatMap((shift) => {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64");
    // Characters wholly inside the value: skip the ones holding filler bits, and the last group's partial ones.
    const start = Math.ceil((shift * 8) / 6);
    const end = Math.floor(((shift + bytes.length) * 8) / 6);
    const core = encoded.slice(start, end);
    return [core, core.replace(/\+/g, "-").replace(/\//g, "_")];
  });
}

/**
 * The forms of `value` that are masked, longest first (a form inside a longer one would break it up). None is
 * shorter than `value`, which {@link credentialValues} keeps at {@link MIN_LENGTH} or more.
 */
function formsOf(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const forms = [
    value,
    ...base64Forms(value),
    encodeURIComponent(value),
    encodeURIComponent(encodeURIComponent(value)),
    json,
    json.replace(/\//g, "\\/"),
    Buffer.from(value).toString("hex"),
  ];
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

/** The credential values set in `env` ({@link CREDENTIAL_VARIABLES}, at least 8 characters). */
export function credentialValues(env: NodeJS.ProcessEnv = process.env): string[] {
  return CREDENTIAL_VARIABLES.map((k) => env[k]).filter((v): v is string => !!v && v.length >= MIN_LENGTH);
}

/** `text` with every form of every credential of `env` replaced by `***`. */
export function redactCredentials(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const value of credentialValues(env))
    for (const form of formsOf(value)) out = out.split(form).join("***");
  return out;
}

/**
 * Masks credentials in everything written to stdout and stderr until the returned function is called (it
 * restores both streams). A value split across two writes is not recognised; console output writes whole lines.
 */
export function maskCredentialsInOutput(): () => void {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  streams.forEach((stream, i) => {
    const write = originals[i];
    stream.write = function (chunk: unknown, ...rest: unknown[]): boolean {
      const text =
        typeof chunk === "string"
          ? chunk
          : chunk instanceof Uint8Array
            ? Buffer.from(chunk).toString("utf8")
            : chunk;
      const masked = typeof text === "string" ? redactCredentials(text) : text;
      return (write as (...a: unknown[]) => boolean).call(stream, masked, ...rest);
    } as typeof stream.write;
  });
  return () => streams.forEach((stream, i) => (stream.write = originals[i]));
}
