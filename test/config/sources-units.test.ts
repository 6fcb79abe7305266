/**
 * Where the config comes from (`src/config/sources.ts`): a stack file's text (its `config:` map, `secure:` values
 * and where they sit, plain text under a secret key, YAML errors shown with their line and the values masked), a
 * missing stack file (the directory's stacks named), and the engine's config (JSON values decoded, secret keys as
 * the engine says). Each text is unique to its test, so that no earlier read answers for it.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../src/config/model";
import {
  OFFLINE_SECRET_PLACEHOLDER,
  readRuntimeConfig,
  readStackFile,
  readStackText,
  yamlProblem,
} from "../../src/config/sources";
import { cleanTempDirs, tempDir } from "../temp";
import { configProblems } from "../configProblems";

let n = 0;
/** `text` made unique (a comment line), read as stack `dev`. */
const read = (text: string) => readStackText(`# read ${++n}\n${text}`, "dev", "Pulumi.dev.yaml");

const problemsOf = (f: () => unknown) => configProblems(f);

describe("config sources (sources.ts)", () => {
  after(cleanTempDirs);

  it("a text without a config: map is refused at key config", () => {
    const missing = [{ key: "config", expected: "a `config:` map", found: "(missing)" }];
    for (const text of ["", "name: x\n", "config: 5\n", "config:\n", "config: text\n"])
      assert.deepEqual(
        problemsOf(() => read(text)),
        missing,
        JSON.stringify(text),
      );
  });

  it("secure: values become the placeholder, their paths noted and their keys secret; plain text under a secret key is named", () => {
    const source = read(
      [
        "config:",
        "  aws:region: eu-west-1",
        "  cicd-constitution:environment: staging",
        "  cicd-constitution:secrets:",
        "    erp:",
        "      A:",
        "        secure: v1:abc",
        "      B: plain-text",
        "  cicd-constitution:list:",
        "    - x",
        "    - secure: v1:def",
        "  cicd-constitution:ghcrToken: also-plain",
        "  cicd-constitution:notSecure:",
        "    secure: v1:x",
        "    other: 1",
        "",
      ].join("\n"),
    );
    assert.equal(source.stack, "dev");
    assert.equal(source.origin, "Pulumi.dev.yaml");
    assert.equal(source.raw.awsRegion, "eu-west-1");
    assert.deepEqual(source.raw.secrets, { erp: { A: OFFLINE_SECRET_PLACEHOLDER, B: "plain-text" } });
    assert.deepEqual(source.raw.list, ["x", OFFLINE_SECRET_PLACEHOLDER]);
    assert.deepEqual(source.raw.notSecure, { secure: "v1:x", other: 1 });
    assert.deepEqual(source.encryptedPaths, ["secrets.erp.A", "list[1]"]);
    assert.ok(source.secretKeys.has("list"), "a key holding a secure: value is secret");
    assert.ok(!source.secretKeys.has("notSecure"));
    assert.ok(!source.secretKeys.has("environment"));
    assert.deepEqual(source.plaintextSecretPaths, ["secrets.erp.B", "ghcrToken"]);
  });

  it("each read is a copy: a caller's change is not seen by the next read of the same text", () => {
    const text = "config:\n  cicd-constitution:environment: staging\n";
    const first = readStackText(text, "dev", "Pulumi.dev.yaml");
    first.raw.environment = "changed";
    first.encryptedPaths.push("x");
    const second = readStackText(text, "dev", "Pulumi.dev.yaml");
    assert.equal(second.raw.environment, "staging");
    assert.deepEqual(second.encryptedPaths, []);
  });

  it("a YAML error: the first error with its line and column, the others counted, the frame's values masked", () => {
    const [problem] = problemsOf(() =>
      read("config:\n  cicd-constitution:ghcrToken: hunter2\n  - item-value\n bad: [\n"),
    );
    assert.equal(problem.key, "(yaml)");
    assert.equal(problem.expected, "valid YAML");
    const [head, ...frame] = problem.found.split("\n");
    assert.match(
      head,
      /^line 4, column 1: A block sequence may not be used as an implicit map key \(\d+ more error\(s\) after it, mostly caused by this one\)$/,
    );
    assert.ok(frame.length > 0 && frame.every((l) => l.startsWith("      | ")), problem.found);
    assert.ok(!problem.found.includes("hunter2") && !problem.found.includes("item-value"), problem.found);
  });

  it("yamlProblem words one error without a position as it is, and masks keys' values and list items", () => {
    assert.deepEqual(yamlProblem([{ message: "Something broke:" }]), {
      key: "(yaml)",
      expected: "valid YAML",
      found: "Something broke",
    });
    assert.deepEqual(
      yamlProblem([
        {
          message:
            "Bad indent at line 2, column 5:\n\n  key: secret-value\n  cicd-constitution:ghcrToken: ghp_x:y\n" +
            "  - item secret\n  url: https://u:p@h\n    ^\n",
        },
        { message: "second" },
        { message: "third" },
      ]).found,
      [
        "line 2, column 5: Bad indent (2 more error(s) after it, mostly caused by this one)",
        "      |   key: …",
        "      |   cicd-constitution:ghcrToken: …",
        "      |   - …",
        "      |   url: …",
        "      |     ^",
      ].join("\n"),
    );
  });

  it("a missing stack file names the stacks its directory has; a .yml stack file is named by its stack", () => {
    const dir = tempDir("sources");
    fs.writeFileSync(
      path.join(dir, "Pulumi.staging.yaml"),
      "config:\n  cicd-constitution:environment: staging\n",
    );
    fs.writeFileSync(path.join(dir, "Pulumi.qa.yml"), "config:\n  cicd-constitution:environment: staging\n");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: x\n");
    fs.writeFileSync(path.join(dir, "notes.txt"), "");
    const [problem] = problemsOf(() => readStackFile(path.join(dir, "Pulumi.prod.yaml")));
    assert.equal(problem.key, "(file)");
    assert.equal(
      problem.expected,
      `a readable stack file ${path.join(dir, "Pulumi.prod.yaml")} (this directory's stacks: qa, staging)`,
    );
    assert.match(problem.found, /ENOENT/);
    assert.equal(readStackFile(path.join(dir, "Pulumi.qa.yml")).stack, "qa");
    const [gone] = problemsOf(() => readStackFile(path.join(dir, "nowhere", "Pulumi.x.yaml")));
    assert.equal(gone.expected, `a readable stack file ${path.join(dir, "nowhere", "Pulumi.x.yaml")}`);
  });

  it("engine config: JSON objects and lists decoded (leading spaces too), anything else kept as text", () => {
    const source = readRuntimeConfig(
      "prod",
      {
        "aws:region": "eu-west-1",
        "cicd-constitution:apps": '  [{"name":"a"}]',
        "cicd-constitution:governance": '{"ownsRepositories":true}',
        "cicd-constitution:broken": "{not json",
        "cicd-constitution:textWithBrace": "x{1}",
        "cicd-constitution:ghcrToken": "12345",
      },
      (key) => ["cicd-constitution:ghcrToken", "cicd-constitution:governance", "aws:region"].includes(key),
    );
    assert.equal(source.stack, "prod");
    assert.equal(source.origin, "stack prod");
    assert.deepEqual(source.raw.apps, [{ name: "a" }]);
    assert.deepEqual(source.raw.governance, { ownsRepositories: true });
    assert.equal(source.raw.broken, "{not json");
    assert.equal(source.raw.textWithBrace, "x{1}");
    assert.equal(source.raw.ghcrToken, "12345");
    assert.ok(source.secretKeys.has("ghcrToken"));
    assert.ok(
      !source.secretKeys.has("region") && !source.secretKeys.has("awsRegion") && !source.secretKeys.has(""),
    );
    assert.ok(!source.secretKeys.has("apps"));
    assert.ok(source.secretKeys.has("governance"), "a key the engine holds as secret is secret");
    assert.deepEqual(source.plaintextSecretPaths, []);
    assert.deepEqual(source.encryptedPaths, []);
  });

  it("engine config: prototype and provider keys are refused, named, never shown", () => {
    assert.deepEqual(
      problemsOf(() =>
        readRuntimeConfig("prod", { "cicd-constitution:apps": '[{"__proto__":{"x":1}}]' }, () => false),
      ),
      [
        {
          key: "cicd-constitution:apps[0].__proto__",
          expected: "no __proto__, constructor or prototype key",
          found: "a prototype key",
        },
      ],
    );
    const configs: Record<string, string>[] = [
      { "github:token": "ghp_secret" },
      { "cicd-constitution:x": '{"constructor":1}' },
    ];
    for (const all of configs)
      assert.throws(
        () => readRuntimeConfig("prod", all, () => true),
        (e: unknown) =>
          e instanceof ConfigError && e.source === "stack prod" && !e.message.includes("ghp_secret"),
      );
    const [provider] = problemsOf(() =>
      readRuntimeConfig("prod", { "github:token": "ghp_secret" }, () => true),
    );
    assert.equal(provider.key, "github:token");
    assert.equal(provider.found, "a provider setting [not shown]");
  });

  it("a provider setting written under the project's namespace is refused, naming the key the provider reads", () => {
    const expected = (provider: string) => ({
      expected: `no such key: the setting is ${provider} (pulumi config set ${provider} ...)`,
      found: "a value [not shown]",
    });
    assert.deepEqual(
      problemsOf(() =>
        read(
          "config:\n  aws:region: eu-west-1\n  cicd-constitution:awsRegion: us-east-1\n  cicd-constitution:awsAllowedAccountIds: ['123456789012']\n",
        ),
      ),
      [
        { key: "cicd-constitution:awsRegion", ...expected("aws:region") },
        { key: "cicd-constitution:awsAllowedAccountIds", ...expected("aws:allowedAccountIds") },
      ],
    );
    assert.deepEqual(
      problemsOf(() =>
        readRuntimeConfig("prod", { "cicd-constitution:awsRegion": "us-east-1" }, () => false),
      ),
      [{ key: "cicd-constitution:awsRegion", ...expected("aws:region") }],
    );
    // The read value is the provider's own key's, whatever else the file holds.
    assert.equal(read("config:\n  aws:region: eu-west-1\n").raw.awsRegion, "eu-west-1");
  });
});
