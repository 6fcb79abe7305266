/**
 * src/redact.ts on hand-built text and fake credentials: which variables are read and which values are long enough
 * to mask, each form a value is masked in (as is; base64 and base64url at each of the three byte alignments, as in
 * Basic auth; percent-encoded once and twice; JSON-escaped, with and without `\/`; hex), the longest form masked
 * first, and the stdout/stderr mask: strings and bytes masked, other arguments passed on, both streams restored.
 * Every value here is a made-up token.
 */
import { strict as assert } from "node:assert";
import { credentialValues, maskCredentialsInOutput, redactCredentials } from "../../src/redact";

/** A fake token whose base64 holds `+` (`>>>`) and `/` (`???`), so base64url differs from base64. */
const FAKE = "fake>>>tok???en";
const env = (value: string, name = "GITHUB_TOKEN"): NodeJS.ProcessEnv => ({ [name]: value });

describe("credentialValues: the credentials set in an environment", function () {
  it("reads each credential variable, in the order of the list", function () {
    const names = [
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
    ];
    const all = Object.fromEntries(names.map((n, i) => [n, `fake-value-${i}`]));
    assert.deepEqual(
      credentialValues(all),
      names.map((_, i) => `fake-value-${i}`),
    );
  });

  it("ignores other variables, unset and empty ones, and values under 8 characters", function () {
    assert.deepEqual(
      credentialValues({
        HOME: "/home/fake-user",
        GH_TOKEN: "",
        GHCR_TOKEN: "short77",
        BUMP_TOKEN: "eight888",
      }),
      ["eight888"],
    );
  });

  it("reads process.env by default", function () {
    const saved = process.env.GHCR_TOKEN;
    process.env.GHCR_TOKEN = "fake-default-env-token";
    try {
      assert.ok(credentialValues().includes("fake-default-env-token"));
    } finally {
      if (saved === undefined) delete process.env.GHCR_TOKEN;
      else process.env.GHCR_TOKEN = saved;
    }
  });
});

describe("redactCredentials: every form of a credential becomes ***", function () {
  it("masks the value as is, each time it occurs, and leaves the rest of the text", function () {
    assert.equal(redactCredentials(`token=${FAKE}; again ${FAKE}.`, env(FAKE)), "token=***; again ***.");
  });

  it("leaves text without a credential, and any text when no credential is set, unchanged", function () {
    assert.equal(redactCredentials("nothing to hide here", env(FAKE)), "nothing to hide here");
    assert.equal(redactCredentials(`token=${FAKE}`, {}), `token=${FAKE}`);
  });

  it("masks a value of exactly 8 characters, not one of 7", function () {
    assert.equal(redactCredentials("a fake8ch b", env("fake8ch!")), "a fake8ch b");
    assert.equal(redactCredentials("a fake8ch! b", env("fake8ch!")), "a *** b");
    assert.equal(redactCredentials("a fake7ch b", env("fake7ch")), "a fake7ch b");
  });

  it("masks the base64 and base64url of Basic credentials at each alignment of the token", function () {
    // `us:` is 3 bytes (the token's own base64 follows), `u:` 2 and `use:` 4: the characters that also hold
    // bits of the user or of the padding stay.
    const cases: [string, string, string][] = [
      ["us", "dXM6***", "dXM6***"],
      ["u", "dTp***4=", "dTp***4"],
      ["use", "dXNlOm***g==", "dXNlOm***g"],
    ];
    for (const [user, base64, base64url] of cases) {
      const basic = Buffer.from(`${user}:${FAKE}`);
      assert.equal(redactCredentials(basic.toString("base64"), env(FAKE)), base64, user);
      assert.equal(redactCredentials(basic.toString("base64url"), env(FAKE)), base64url, user);
    }
  });

  it("masks the base64 of the token itself, with and without padding", function () {
    // ZmFrZT4+PnRvaz8/P2Vu is the base64 of FAKE; the url alphabet writes + and / as - and _.
    assert.equal(
      redactCredentials("b64=ZmFrZT4+PnRvaz8/P2Vu url=ZmFrZT4-PnRvaz8_P2Vu", env(FAKE)),
      "b64=*** url=***",
    );
  });

  it("masks the value percent-encoded once and twice, as in a URL", function () {
    const text = "https://x.example/?t=FAKE%20tok%2Fen%2B1&next=%3Ft%3DFAKE%2520tok%252Fen%252B1";
    assert.equal(redactCredentials(text, env("FAKE tok/en+1")), "https://x.example/?t=***&next=%3Ft%3D***");
  });

  it("masks the value JSON-escaped, with a slash written as is or as \\/", function () {
    const text = String.raw`{"a":"FAKE\"tok\\en/9","b":"FAKE\"tok\\en\/9"}`;
    assert.equal(redactCredentials(text, env(String.raw`FAKE"tok\en/9`)), `{"a":"***","b":"***"}`);
  });

  it("masks the value in hex", function () {
    assert.equal(redactCredentials("hex 46414b45746f6b2d30303031 end", env("FAKEtok-0001")), "hex *** end");
  });

  it("masks the longest form first: a value inside its own hex is one mask, not two", function () {
    // The hex of 3333333333 is twenty 3s: masking the value first would leave two masks.
    assert.equal(redactCredentials("=33333333333333333333=", env("3333333333")), "=***=");
  });

  it("masks every credential set, each from its own variable", function () {
    const both = { AWS_SESSION_TOKEN: "fake-session-AAAA", PULUMI_ACCESS_TOKEN: "pul-fake-BBBB" };
    assert.equal(redactCredentials("s=fake-session-AAAA p=pul-fake-BBBB", both), "s=*** p=***");
  });
});

type Write = typeof process.stdout.write;

/** Runs `body` with stdout and stderr writing into `seen` (stream name, then each argument), GITHUB_TOKEN=FAKE. */
function withCapturedStreams(body: (out: Write, err: Write) => void, seen: unknown[][]): void {
  const saved = { out: process.stdout.write, err: process.stderr.write, token: process.env.GITHUB_TOKEN };
  const capture = (name: string) =>
    function (...args: unknown[]): boolean {
      seen.push([name, ...args]);
      return true;
    } as Write;
  const out = capture("out");
  const err = capture("err");
  process.stdout.write = out;
  process.stderr.write = err;
  process.env.GITHUB_TOKEN = FAKE;
  try {
    body(out, err);
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    if (saved.token === undefined) delete process.env.GITHUB_TOKEN;
    else process.env.GITHUB_TOKEN = saved.token;
  }
}

describe("maskCredentialsInOutput: stdout and stderr masked until restored", function () {
  it("masks strings and bytes on both streams, passes the other arguments on, and restores the streams", function () {
    const seen: unknown[][] = [];
    const done = () => undefined;
    withCapturedStreams((out, err) => {
      const restore = maskCredentialsInOutput();
      assert.notEqual(process.stdout.write, out);
      assert.equal(process.stdout.write(`out ${FAKE}\n`), true);
      process.stderr.write(Buffer.from(`err ${FAKE}\n`), "utf8", done);
      process.stdout.write(new TextEncoder().encode(`bytes ${FAKE}`));
      restore();
      assert.equal(process.stdout.write, out);
      assert.equal(process.stderr.write, err);
      process.stdout.write(`after ${FAKE}`);
    }, seen);
    assert.deepEqual(seen, [
      ["out", "out ***\n"],
      ["err", "err ***\n", "utf8", done],
      ["out", "bytes ***"],
      ["out", `after ${FAKE}`],
    ]);
  });

  it("passes a chunk that is neither text nor bytes on as it is", function () {
    const seen: unknown[][] = [];
    const chunk = { not: FAKE };
    withCapturedStreams(() => {
      const restore = maskCredentialsInOutput();
      (process.stdout.write as (c: unknown) => boolean)(chunk);
      restore();
    }, seen);
    assert.deepEqual(seen, [["out", chunk]]);
    assert.equal(seen[0][1], chunk);
  });
});
