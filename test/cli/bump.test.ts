/**
 * `cicd bump`: an app's merge reaches staging as a one-key change of Pulumi.staging.yaml (comments and layout
 * kept), validated by the config model before anything is written.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runBump } from "../../src/cli/bump";
import { accountsLine } from "../../src/cli/preview";
import { quiet, ROOT } from "../helpers";

describe("cicd bump", () => {
  let dir: string;
  let original: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bump-"));
    original = fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8");
    fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), original);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("changes exactly the app's image.build, keeping every other line and comment", () => {
    const code = quiet(() =>
      runBump({
        app: "menu-optimizer",
        commit: "a".repeat(40),
        date: "2026-11-28T10:00:00Z",
        actor: "dependabot[bot]",
        dir,
      }),
    );
    assert.equal(code, 0);
    const after = fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8").split("\n");
    const before = original.split("\n");
    assert.equal(after.length, before.length);
    const changed = after.filter((l, i) => l !== before[i]);
    assert.deepEqual(changed, [
      `          gitSha: ${"a".repeat(40)}`,
      '          date: "2026-11-28T10:00:00Z"',
      "          actor: dependabot[bot]",
    ]);
    assert.deepEqual(fs.readdirSync(dir), ["Pulumi.staging.yaml"], "no temporary file left");
  });

  it("labels the build with the app's release version, and drops a previous build's version without one", () => {
    const bump = (version?: string) =>
      quiet(() =>
        runBump({
          app: "erp-berhan",
          commit: "b".repeat(40),
          date: "2026-11-29T10:00:00Z",
          actor: "dev",
          version,
          dir,
        }),
      );
    assert.equal(bump("mvp-1.4.0"), 0);
    const text = () => fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8");
    assert.match(text(), /\n\s+version: mvp-1\.4\.0\n/);
    assert.equal(bump(), 0);
    assert.doesNotMatch(text(), /version: mvp-1\.4\.0/);
    assert.equal(bump("not a version!"), 2, "refused by the config model");
  });

  it("refuses a bad commit or an unknown app and leaves the file unchanged (exit 2)", () => {
    assert.equal(
      quiet(() =>
        runBump({ app: "menu-optimizer", commit: "abc", date: "2026-11-28T10:00:00Z", actor: "x1", dir }),
      ),
      2,
    );
    assert.equal(
      quiet(() =>
        runBump({ app: "nope", commit: "a".repeat(40), date: "2026-11-28T10:00:00Z", actor: "x1", dir }),
      ),
      2,
    );
    assert.equal(fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8"), original);
    assert.deepEqual(fs.readdirSync(dir), ["Pulumi.staging.yaml"]);
  });
});

describe("preview: whether the stacks share an AWS account", () => {
  it("says shared, separate or unknown from aws:allowedAccountIds", () => {
    assert.match(
      accountsLine([
        { stack: "staging", ids: ["111111111111"] },
        { stack: "production", ids: ["111111111111"] },
      ])!,
      /^accounts {5}shared: staging 111111111111; production 111111111111/,
    );
    assert.match(
      accountsLine([
        { stack: "staging", ids: ["111111111111"] },
        { stack: "production", ids: ["222222222222"] },
      ])!,
      /^accounts {5}separate: .*Not supported yet for this repository's staging deploy role/,
    );
    assert.match(
      accountsLine([{ stack: "staging" }, { stack: "production", ids: ["222222222222"] }])!,
      /not pinned for staging \(set aws:allowedAccountIds\)/,
    );
    assert.equal(accountsLine([{ stack: "staging", ids: ["111111111111"] }]), undefined);
  });
});
