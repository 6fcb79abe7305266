import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, parseStackConfig } from "../../src/config/model";
import { credentialProblems } from "../../src/config/credentials";
import { providerKeyOf } from "../../src/config/errors";
import { resolveSecrets } from "../../src/config/secrets";
import { OFFLINE_SECRET_PLACEHOLDER, readRuntimeConfig, readStackFile } from "../../src/config/sources";
import { ROOT } from "../helpers";
import { cleanTempDirs, tempDir } from "../temp";

const TODAY = new Date("2026-11-21T00:00:00Z");

function withSecrets(extra: string): string {
  const dir = tempDir("cicd-secrets");
  const text = fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8") + extra;
  const file = path.join(dir, "Pulumi.staging.yaml");
  fs.writeFileSync(file, text);
  return file;
}

describe("secrets in config", () => {
  after(cleanTempDirs);
  it("offline: unset and secure: values become placeholders, and each required secret says where it stands", () => {
    const file = withSecrets(
      "  cicd-constitution:secrets:\n    erp-berhan:\n      JWT_SECRET:\n        secure: v1:AAAABBBBCCCC\n",
    );
    const source = readStackFile(file);
    const model = parseStackConfig("staging", source.raw, { secretKeys: source.secretKeys, today: TODAY });
    const { values, required } = resolveSecrets(model, source, "offline");
    assert.equal(values.get("erp-berhan")!.get("JWT_SECRET"), OFFLINE_SECRET_PLACEHOLDER);
    const jwt = required.find((s) => s.path === "secrets.erp-berhan.JWT_SECRET")!;
    assert.equal(jwt.state, "encrypted");
    assert.equal(required.find((s) => s.path === "secrets.erp-berhan.DATABASE_URL")!.state, "missing");
    assert.equal(required.find((s) => s.path === "ghcrToken")!.usedBy, "registry");
    assert.equal(required.find((s) => s.path === "ghcrPullToken")!.usedBy, "registry-pull");
    assert.equal(required.find((s) => s.path === "gitSourceToken")!.usedBy, "source");
    assert.equal(required.length, 10);
  });

  it("a secret written in plain text in the stack file is a config error that does not print it", () => {
    const file = withSecrets(
      "  cicd-constitution:secrets:\n    erp-berhan:\n      JWT_SECRET: hunter2-plain\n",
    );
    const source = readStackFile(file);
    const model = parseStackConfig("staging", source.raw, { secretKeys: source.secretKeys, today: TODAY });
    assert.throws(
      () => resolveSecrets(model, source, "offline"),
      (err: unknown) =>
        err instanceof ConfigError &&
        /cicd-constitution:secrets\.erp-berhan\.JWT_SECRET: expected a secret value/.test(err.message) &&
        !err.message.includes("hunter2-plain"),
    );
  });

  it("engine mode: a missing secret is an error naming its key", () => {
    const source = readRuntimeConfig(
      "staging",
      Object.fromEntries(
        Object.entries(readStackFile(path.join(ROOT, "Pulumi.staging.yaml")).raw).map(([k, v]) => [
          providerKeyOf(k) ?? `cicd-constitution:${k}`,
          typeof v === "string" ? v : JSON.stringify(v),
        ]),
      ),
      () => false,
    );
    const model = parseStackConfig("staging", source.raw, { today: TODAY });
    assert.throws(
      () => resolveSecrets(model, source, "engine"),
      /cicd-constitution:secrets\.erp-berhan\.DATABASE_URL: expected a secret/,
    );
  });

  it("engine config: structured values are decoded, scalars stay strings (a numeric token is not a number)", () => {
    const source = readRuntimeConfig(
      "staging",
      {
        "cicd-constitution:ghcrToken": "12345",
        "cicd-constitution:governance": '{"ownsRepositories":false}',
      },
      (key) => key === "cicd-constitution:ghcrToken",
    );
    assert.equal(source.raw.ghcrToken, "12345");
    assert.deepEqual(source.raw.governance, { ownsRepositories: false });
    assert.ok(source.secretKeys.has("ghcrToken"));
    assert.deepEqual(source.plaintextSecretPaths, []);
  });

  it("engine config: a secret key set without --secret is reported as plain text", () => {
    const source = readRuntimeConfig(
      "staging",
      {
        "cicd-constitution:secrets": '{"erp-berhan":{"JWT_SECRET":"x"}}',
        "cicd-constitution:ghcrToken": "t",
      },
      (key) => key === "cicd-constitution:ghcrToken",
    );
    assert.deepEqual(source.plaintextSecretPaths, ["secrets"]);
  });
});

describe("config sources: prototype keys", () => {
  it("a cicd-constitution:__proto__ key (stack file or engine) is a config error naming it; nothing is polluted", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proto-"));
    try {
      const file = path.join(dir, "Pulumi.staging.yaml");
      fs.writeFileSync(
        file,
        "config:\n  cicd-constitution:__proto__:\n    policy: {enforcement: {CC-ENV-04: disabled}}\n" +
          "  cicd-constitution:apps:\n    - name: a\n      runtime: {constructor: {x: 1}}\n",
      );
      assert.throws(
        () => readStackFile(file),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.problems.map((p) => p.key).join(",") ===
            "cicd-constitution:__proto__,cicd-constitution:apps[0].runtime.constructor",
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(
      () => readRuntimeConfig("production", { "cicd-constitution:prototype": "{}" }, () => false),
      /cicd-constitution:prototype: expected no __proto__, constructor or prototype key/,
    );
    assert.equal(({} as Record<string, unknown>).policy, undefined);
  });
});

describe("config: credentials found by value in plain config", () => {
  const raw = () => structuredClone(readStackFile(path.join(ROOT, "Pulumi.staging.yaml")).raw) as any;

  it("the repository's stack files hold none", async () => {
    assert.deepEqual(await credentialProblems(raw()), []);
  });

  it("a URL with a password under an innocent name is named by key, never echoed", async () => {
    const r = raw();
    r.apps[0].runtime.environmentVariables.UPSTREAM = "postgres://erp:hunter2-by-value@db.internal:5432/erp";
    r.apps[1].flags[0].description = "mongodb+srv://ops:s3cr3t-by-value@cluster0.example.net/";
    const problems = await credentialProblems(r);
    assert.deepEqual(
      problems.map((p) => p.key),
      [
        "cicd-constitution:apps[0].runtime.environmentVariables.UPSTREAM",
        "cicd-constitution:apps[1].flags[0].description",
      ],
    );
    assert.match(problems[0].found, /a credential in a URL/);
    assert.ok(!JSON.stringify(problems).includes("hunter2") && !JSON.stringify(problems).includes("s3cr3t"));
  });

  it("a known token format (secretlint's preset) in a plain value is named with the rule that matched", async () => {
    const r = raw();
    r.apps[0].runtime.environmentVariables.SLACK_HOOK_URL_NOTE =
      "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
    const problems = await credentialProblems(r);
    assert.equal(problems.length, 1);
    assert.equal(
      problems[0].key,
      "cicd-constitution:apps[0].runtime.environmentVariables.SLACK_HOOK_URL_NOTE",
    );
    assert.match(problems[0].found, /slack/);
    assert.ok(!problems[0].found.includes("xoxb-"));
  });

  it("tokens the preset has no rule for: Pulumi, Telegram, Stripe live, Google API keys, under innocent names", async () => {
    const r = raw();
    const vars = r.apps[0].runtime.environmentVariables;
    vars.DEPLOY_HOOK = "pul-93ad699fc1f7cd5bb2e35cbf0f19c557067cbbe8";
    vars.BOT = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    vars.PAYMENTS = `sk_live_${"4eC39HqLyjWDarjtT1zdp7dc"}`;
    vars.MAPS = "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY";
    const problems = await credentialProblems(r);
    assert.deepEqual(
      problems.map((p) => [p.key.split(".").pop(), p.found]),
      [
        ["DEPLOY_HOOK", "pulumi-access-token [secret]"],
        ["BOT", "telegram-bot-token [secret]"],
        ["PAYMENTS", "stripe-live-key [secret]"],
        ["MAPS", "google-api-key [secret]"],
      ],
    );
    assert.ok(!JSON.stringify(problems).includes("pul-93ad"));
  });

  it("the forms the scan once missed: a URL with an empty user, an AWS secret key named as one", async () => {
    const r = raw();
    r.apps[0].runtime.environmentVariables.CACHE = "redis://:hunter2-by-value@cache.internal:6379/0";
    r.apps[0].runtime.environmentVariables.AWS_SECRET_ACCESS_KEY = "Zt7Qk2vN9pR4sW8xY1bC3dF6gH0jK5mL2nP8qR4s";
    const problems = await credentialProblems(r);
    assert.deepEqual(
      problems.map((p) => [p.key, p.found]),
      [
        ["cicd-constitution:apps[0].runtime.environmentVariables.CACHE", "a credential in a URL [secret]"],
        ["cicd-constitution:apps[0].runtime.environmentVariables.AWS_SECRET_ACCESS_KEY", "aws [secret]"],
      ],
    );
  });
});

describe("config: a secret value only where secrets go", () => {
  it("a secure: value under apps is refused, naming the key, and does not hide the plain values beside it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cicd-misplaced-"));
    try {
      const text = fs
        .readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8")
        .replace(
          /^(\s+)environmentVariables:\n/m,
          "$1environmentVariables:\n$1  TOKEN_NOTE:\n$1    secure: v1:abc\n",
        );
      assert.match(text, /TOKEN_NOTE:\n\s+secure: v1:abc/);
      fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), text);
      const source = readStackFile(path.join(dir, "Pulumi.staging.yaml"));
      assert.ok(source.secretKeys.has("apps"));
      assert.throws(
        () =>
          parseStackConfig("staging", source.raw, { secretKeys: source.secretKeys, source: source.origin }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.problems.some(
            (p) =>
              p.key === "cicd-constitution:apps" &&
              p.found === "a secret value [secret]" &&
              p.expected ===
                "no secret value here: a secret goes under cicd-constitution:secrets (declared in the app's runtime.secrets, " +
                  "set with pulumi config set --secret --path 'secrets.<app>.<NAME>'), which the container reads from Secrets Manager",
          ),
      );
      // The scan still reads every plain value under apps.
      const r = structuredClone(source.raw) as any;
      r.apps[0].runtime.environmentVariables.UPSTREAM =
        "postgres://erp:hunter2-by-value@db.internal:5432/erp";
      assert.equal((await credentialProblems(r)).length, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a provider setting in a stack file (github:token, github:baseUrl, aws:secretKey) is refused, never shown", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cicd-provider-"));
    try {
      const text = fs
        .readFileSync(path.join(ROOT, "Pulumi.production.yaml"), "utf8")
        .replace(
          /^config:\n/m,
          "config:\n  github:token: ghp_ProviderToken0123456789abcdefABCDEF\n  github:baseUrl: https://collector.evil.example/\n  aws:secretKey: abc\n",
        );
      fs.writeFileSync(path.join(dir, "Pulumi.production.yaml"), text);
      assert.throws(
        () => readStackFile(path.join(dir, "Pulumi.production.yaml")),
        (e: unknown) =>
          e instanceof ConfigError &&
          JSON.stringify(e.problems.map((p) => p.key)) ===
            JSON.stringify(["github:token", "github:baseUrl", "aws:secretKey"]) &&
          !e.message.includes("ghp_ProviderToken") &&
          !e.message.includes("collector.evil"),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an AWS access key ID is found by the scan; a token pasted into an ordinary field is never echoed", async () => {
    const raw = () => structuredClone(readStackFile(path.join(ROOT, "Pulumi.staging.yaml")).raw) as any;
    const r = raw();
    r.apps[0].runtime.environmentVariables.X_ID = "AKIA2E0A8F3B244C9986";
    assert.deepEqual(
      (await credentialProblems(r)).map((p) => p.found),
      ["aws [secret]"],
    );
    const owner = raw();
    owner.githubOwner = "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    const problems = await credentialProblems(owner);
    assert.deepEqual(
      problems.map((p) => p.key),
      ["cicd-constitution:githubOwner"],
    );
    assert.ok(!JSON.stringify(problems).includes("ghp_AbCd"));
  });
});
