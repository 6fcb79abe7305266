/**
 * Credentials found by value in the plain config (`src/config/credentials.ts`): each kind the scan knows is
 * found at its own key, however many values are scanned together and wherever the value sits (first, last, in a
 * list, in a nested section, after a multi-line value); the keys that hold secrets by design are not scanned; the
 * problem names the rule that matched and never the value.
 */
import { strict as assert } from "node:assert";
import { checkNoPlainCredentials, credentialProblems } from "../../src/config/credentials";
import { ConfigError } from "../../src/config/model";

// Test values shaped like real credentials (their issuers' documented formats); none is a real one.
const GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
const AWS_KEY_ID = "AKIAZ7XQ2M4N6P8R0T1V";
const PULUMI = "pul-" + "0123456789abcdef".repeat(2) + "01234567";
const TELEGRAM = "123456789:A" + "b".repeat(33);
const STRIPE = "sk_live_" + "c".repeat(24);
const GOOGLE = "AIza" + "d".repeat(35);

const EXPECTED =
  "no credential in a plain value: declare it in runtime.secrets and set it with " +
  "pulumi config set --secret --path 'secrets.<app>.<NAME>'";

/** key -> what the problem says was found, for every problem. */
async function found(raw: Record<string, unknown>): Promise<Record<string, string>> {
  const problems = await credentialProblems(raw);
  for (const p of problems) assert.equal(p.expected, EXPECTED);
  return Object.fromEntries(problems.map((p) => [p.key.replace(/^cicd-constitution:/, ""), p.found]));
}

describe("plain-config credential scan (credentials.ts)", () => {
  it("finds each kind at its own key, wherever it sits among the values scanned together", async () => {
    assert.deepEqual(
      await found({
        first: GITHUB,
        list: ["fine", AWS_KEY_ID, `two\nlines ${PULUMI}`],
        nested: { TOKEN: TELEGRAM, k: `key ${STRIPE}`, g: GOOGLE, ok: "nothing here" },
        url: "postgres://user:pw@db.example.com/x",
        both: `redis://:${GITHUB}@cache`,
        number: 5,
        nothing: null,
        last: AWS_KEY_ID,
      }),
      {
        first: "github [secret]",
        "list[1]": "aws [secret]",
        "list[2]": "pulumi-access-token [secret]",
        "nested.TOKEN": "telegram-bot-token [secret]",
        "nested.k": "stripe-live-key [secret]",
        "nested.g": "google-api-key [secret]",
        url: "a credential in a URL [secret]",
        both: "a credential in a URL, github [secret]",
        last: "aws [secret]",
      },
    );
  });

  it("a value alone, and a value after many clean ones, are found", async () => {
    assert.deepEqual(await found({ only: GOOGLE }), { only: "google-api-key [secret]" });
    const clean = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, `value number ${i}`]));
    assert.deepEqual(await found({ ...clean, late: STRIPE }), { late: "stripe-live-key [secret]" });
    assert.deepEqual(await found({ ...clean }), {});
    assert.deepEqual(await found({}), {});
  });

  it("a URL without a password, and the keys that hold secrets by design, are not findings", async () => {
    assert.deepEqual(
      await found({
        plain: "https://user@example.com/x",
        web: "https://example.com:8443/a:b@c",
        secrets: { app: { X: GITHUB } },
        ghcrPullToken: GITHUB,
      }),
      {},
    );
  });

  it("the problem never quotes the value; the error names the stack", async () => {
    const raw = { apps: [{ runtime: { environmentVariables: { DSN: `https://u:${PULUMI}@h` } } }] };
    const problems = await credentialProblems(raw);
    assert.equal(problems.length, 1);
    assert.ok(!JSON.stringify(problems).includes(PULUMI.slice(4)));
    await assert.rejects(checkNoPlainCredentials("staging", raw, "Pulumi.staging.yaml"), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(e.problems, problems);
      assert.match(e.message, /staging/);
      assert.ok(!e.message.includes(PULUMI.slice(4)));
      return true;
    });
    await checkNoPlainCredentials("staging", { apps: [] });
  });
});
