/**
 * The commands' inputs and outputs are bounded (src/files.ts): a stack is named, never a path; a device or a FIFO
 * is not read; a report is never written through a symbolic link.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { cicd, cleanTempDirs, tempDir, tempProject } from "../cli-harness";
import { isStackName, readInputFile, writeInDirectory } from "../../src/files";

describe("inputs and outputs: named stacks, regular files, no symbolic links", function () {
  after(cleanTempDirs);

  it("a stack name is a name: letters, digits, -, _ and ., no path", function () {
    for (const good of ["staging", "production", "team_a.prod-2"])
      assert.equal(isStackName(good), true, good);
    for (const bad of ["/../../x", "../prod", "a/b", "..", "", "a b"])
      assert.equal(isStackName(bad), false, bad);
  });

  for (const command of [
    ["rollback", "--stack"],
    ["policy-config", "--stack"],
    ["preview", "--stack"],
  ]) {
    it(`cicd ${command[0]} refuses a stack that is a path, exit 2, before touching a file`, async function () {
      const run = await cicd([...command, "/../../x"]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /expected a stack name .*found "\/\.\.\/\.\.\/x"/);
    });
  }

  it("a stack name with no stack file is refused naming the directory's stacks (exit 2)", async function () {
    const dir = tempProject();
    const run = await cicd(["preview", "--stack", "prod", "--dir", dir, "--out-dir", path.join(dir, "out")]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /expected a readable stack file .*Pulumi\.prod\.yaml \(this directory's stacks: production, staging\)/,
    );
  });

  it("audit --from-export refuses a device instead of reading it for ever", async function () {
    const run = await cicd(["audit", "--from-export", "/dev/zero", "--stack", "staging"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /\/dev\/zero is not a regular file/);
    assert.throws(() => readInputFile("/dev/zero"), /not a regular file/);
  });

  it("report --out-dir writes no file through a symbolic link, and only inside the directory", async function () {
    const dir = tempProject();
    const out = tempDir("cicd-out");
    const elsewhere = path.join(tempDir("cicd-elsewhere"), "victim.txt");
    fs.writeFileSync(elsewhere, "unchanged");
    fs.symlinkSync(elsewhere, path.join(out, "audit.staging.json"));
    const run = await cicd([
      "report",
      "--stack",
      "staging",
      "--dir",
      dir,
      "--format",
      "json",
      "--out-dir",
      out,
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /is a symbolic link: not written through it/);
    assert.equal(fs.readFileSync(elsewhere, "utf8"), "unchanged");
    assert.throws(() => writeInDirectory(out, "../escape.txt", "x"), /not a file name inside/);
  });

  it("a token pasted into an ordinary field is reported as a credential by policy-config, never echoed", async function () {
    const dir = tempProject((text) =>
      text.replace(/^(\s*cicd-constitution:githubOwner:).*$/m, "$1 ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
    );
    const run = await cicd(["policy-config", "--stack", "production", "--dir", dir]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cicd-constitution:githubOwner: expected no credential in a plain value/);
    assert.ok(!run.stderr.includes("ghp_AbCd") && !run.stdout.includes("ghp_AbCd"));
  });
});
