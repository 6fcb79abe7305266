/**
 * What `cicd flags wait` and `cicd flags off` read before any AppConfig call (src/deploy/flags.ts `loadFlagStack`):
 * the validated stack file and the outputs file, each refusal a ConfigError naming the stack, the key, what was
 * expected and what was found.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../src/config/model";
import { loadFlagStack } from "../../src/deploy/flags";
import { cleanTempDirs, tempProject } from "../cli-harness";

const EXPECTED = "the stack's outputs: pulumi stack output --json --stack staging > FILE";

/** The message of the ConfigError loadFlagStack rejects with. */
async function refusal(dir: string, outputs?: string): Promise<string> {
  try {
    await loadFlagStack(dir, "staging", outputs);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.stackName, "staging");
    return err.message;
  }
  assert.fail("expected a refusal");
}

describe("cicd flags: the stack and its outputs", function () {
  after(cleanTempDirs);

  it("refuses a missing --outputs, then a file that is not there, then one that is not JSON", async function () {
    const dir = tempProject();
    assert.match(await refusal(dir), new RegExp(`--outputs: expected ${EXPECTED}, found none`));
    const missing = path.join(dir, "nope.json");
    assert.match(await refusal(dir, missing), new RegExp(`--outputs: expected .*, found no file ${missing}`));
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, "{");
    assert.match(
      await refusal(dir, bad),
      /--outputs: expected .*, found .*bad\.json: not JSON stack outputs/,
    );
  });

  it("refuses an invalid stack file first, naming the file", async function () {
    const dir = tempProject();
    const file = path.join(dir, "Pulumi.staging.yaml");
    fs.writeFileSync(
      file,
      fs.readFileSync(file, "utf8").replace("githubPlan: enterprise", "githubPlan: platinum"),
    );
    assert.match(
      await refusal(dir, path.join(dir, "any.json")),
      /^Invalid config for stack "staging" \(Pulumi\.staging\.yaml\)/,
    );
  });
});
