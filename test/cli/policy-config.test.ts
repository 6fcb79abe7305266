/**
 * `cicd policy-config` (src/cli/policy.ts), in process: a stack file's problem is named with the file and the key,
 * exit 2, nothing printed on stdout; a failure that is not the config's is passed on.
 */
import * as assert from "node:assert/strict";
import { runPolicyConfig } from "../../src/cli/policy";
import { captured, cleanTempDirs, tempProject } from "../cli-harness";

describe("cicd policy-config (the command)", function () {
  after(cleanTempDirs);

  it("names the stack file and the key of a bad value: exit 2, no pack config printed", async function () {
    const dir = tempProject((text) => text.replace("githubPlan: enterprise", "githubPlan: platinum"));
    const run = await captured(() => runPolicyConfig({ stack: "production", dir }));
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^Invalid config for stack "production" \(Pulumi\.production\.yaml\)/);
    assert.match(run.stderr, /cicd-constitution:githubPlan: expected one of .*, found "platinum"/);
  });

  it("passes on a failure that is not the config's (no directory given)", async function () {
    await assert.rejects(
      runPolicyConfig({ stack: "production", dir: undefined as unknown as string }),
      (err: Error) => err instanceof TypeError,
    );
  });
});
