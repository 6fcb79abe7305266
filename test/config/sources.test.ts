/**
 * A stack file that is not valid YAML (src/config/sources.ts): one problem, the first error with its line and
 * column and the yaml library's code frame, the errors it caused counted rather than listed, and no value of the
 * file shown in the frame (a misplaced secret stays hidden; the indentation, which is what went wrong, shows).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, parseStackConfig } from "../../src/config/model";
import { readStackFile } from "../../src/config/sources";
import { ROOT } from "../helpers";
import { cleanTempDirs, tempDir } from "../temp";

describe("stack file YAML errors", () => {
  after(cleanTempDirs);

  it("one mis-indented line: one problem with its line, column and a masked code frame", () => {
    const dir = tempDir("yaml-error");
    const text = fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8");
    const broken = text.replace(
      "      owner: erp-team\n",
      "      owner: erp-team\n     jwt: ghp_S3CR3TtokenValue\n",
    );
    assert.notEqual(broken, text);
    fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), broken);
    const line = broken.split("\n").findIndex((l) => l.includes("ghp_S3CR3T")) + 1;
    assert.throws(
      () => readStackFile(path.join(dir, "Pulumi.staging.yaml")),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.problems.length, 1);
        const found = e.problems[0].found;
        assert.match(
          found,
          new RegExp(
            `^line ${line}, column 1: Sequence item without - indicator \\(\\d+ more error\\(s\\) after it, mostly caused by this one\\)`,
          ),
        );
        assert.match(found, /\n {6}\| {7}owner: …\n {6}\| {6}jwt: …\n {6}\| \^$/);
        assert.doesNotMatch(e.message, /S3CR3T|erp-team/, "no value of the file in the message");
        return true;
      },
    );
  });
});

describe("unknown keys: did you mean", () => {
  const parse = (mutate: (raw: Record<string, unknown>) => void) => {
    const source = readStackFile(path.join(ROOT, "Pulumi.staging.yaml"));
    const raw = structuredClone(source.raw) as Record<string, unknown>;
    mutate(raw);
    try {
      parseStackConfig("staging", raw, { secretKeys: source.secretKeys, source: source.origin });
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.problems;
    }
    assert.fail("no error");
  };

  it("suggests the known key a typo meant, at any depth", () => {
    const apps = (raw: Record<string, unknown>) => raw.apps as Array<Record<string, Record<string, unknown>>>;
    assert.deepEqual(
      parse((raw) => {
        const r = apps(raw)[0].runtime;
        r.dsiredCount = r.desiredCount;
        delete r.desiredCount;
      }).find((p) => p.key.endsWith("dsiredCount")),
      {
        key: "cicd-constitution:apps[0].runtime.dsiredCount",
        expected: 'no unknown key: did you mean "desiredCount"?',
        found: 'an unknown key "dsiredCount"',
      },
    );
    assert.match(
      parse((raw) => void (apps(raw)[0].migrations.comand = ["x"])).find((p) => p.key.endsWith("comand"))!
        .expected,
      /did you mean "command"\?/,
    );
  });

  it("suggests a provider setting by the key the stack file writes, at the root only", () => {
    assert.deepEqual(
      parse((raw) => void (raw.awsregion = "eu-west-1")).find((p) => p.key.endsWith("awsregion")),
      {
        key: "cicd-constitution:awsregion",
        expected: 'no unknown key: did you mean "aws:region"?',
        found: 'an unknown key "awsregion"',
      },
    );
    const inApp = parse((raw) => void ((raw.apps as Array<Record<string, unknown>>)[0].awsregion = 1)).find(
      (p) => p.key === "cicd-constitution:apps[0].awsregion",
    );
    assert.match(inApp?.expected ?? "", /^no unknown key/);
    assert.doesNotMatch(inApp!.expected, /aws:region/, "an app has no provider setting");
  });

  it("suggests nothing for a key far from every known one", () => {
    const p = parse((raw) => void ((raw.apps as Array<Record<string, unknown>>)[0].zzzzzzzz = 1));
    assert.equal(p[0].expected, "no unknown key (known keys are documented in Pulumi.yaml)");
  });
});
