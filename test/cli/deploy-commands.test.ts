/**
 * The post-deploy commands on the command line (in this process, test/cli-harness.ts): each prints its own usage,
 * and bad input exits 2 with a message naming what was expected, before any call to AWS or GitHub.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readStackOutputs } from "../../src/audit/readState";
import { parseAppUrls } from "../../src/deploy/command";
import { cicd } from "../cli-harness";

describe("stack outputs files", () => {
  it("a file that is not JSON is named, and its text never quoted (outputs may hold values)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outputs-"));
    try {
      const file = path.join(dir, "outputs.json");
      fs.writeFileSync(file, "hunter2-not-json");
      assert.throws(
        () => readStackOutputs(file),
        (e: Error) =>
          e.message.startsWith(`${file}: not JSON stack outputs`) && !e.message.includes("hunter2"),
      );
      fs.writeFileSync(file, "[1, 2]");
      assert.throws(() => readStackOutputs(file), /not a JSON object of stack outputs/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("--app-url", () => {
  it("takes APP=URL entries and refuses one with credentials, without echoing them", () => {
    assert.deepEqual(parseAppUrls(["erp-berhan=http://127.0.0.1:8080"]), {
      "erp-berhan": "http://127.0.0.1:8080",
    });
    assert.throws(
      () => parseAppUrls(["erp-berhan=https://me:hunter2@erp.example"]),
      (e: Error) => /without credentials/.test(e.message) && !e.message.includes("hunter2"),
    );
  });
});

describe("cicd verify / predeploy / rollback (command line)", function () {
  this.timeout(60_000);

  it("each prints its own usage with --help", async () => {
    const verify = await cicd(["verify", "--help"]);
    const predeploy = await cicd(["predeploy", "--help"]);
    const rollback = await cicd(["rollback", "--help"]);
    assert.equal(verify.code, 0);
    assert.match(verify.stdout, /^Usage: cicd verify \[options\]/);
    assert.match(verify.stdout, /--outputs <file>.*--app-url/s);
    assert.match(verify.stdout, /AWS_ENDPOINT_URL_\*/);
    assert.match(predeploy.stdout, /^Usage: cicd predeploy \[options\]/);
    assert.match(predeploy.stdout, /PREDEPLOY-ERROR-BUDGET/);
    assert.match(rollback.stdout, /^Usage: cicd rollback \[options\]/);
    assert.match(rollback.stdout, /--to <digest>/);
  });

  it("bad input exits 2 naming what was expected", async () => {
    // One at a time: in-process runs share stdout, stderr and the environment.
    const noOutputs = await cicd(["verify", "--stack", "staging", "--no-marker"]);
    const badUrl = await cicd([
      "verify",
      "--stack",
      "production",
      "--no-marker",
      "--app-url",
      "erp-berhan=ftp://x",
    ]);
    const noToken = await cicd(["predeploy", "--stack", "production", "--sha", "a".repeat(40)], {
      env: { GITHUB_TOKEN: "" },
    });
    assert.equal(noOutputs.code, 2);
    assert.match(
      noOutputs.stderr,
      /stack "staging".*apps\[0\]\.image\.digest: expected a pinned digest, or --outputs/s,
    );
    assert.equal(badUrl.code, 2);
    assert.match(
      badUrl.stderr,
      /--app-url: expected APP=http\(s\):\/\/HOST\[:PORT\], found "erp-berhan=ftp:\/\/x"/,
    );
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /needs GITHUB_TOKEN/);
  });
});
