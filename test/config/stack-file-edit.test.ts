/**
 * Editing a stack file as a person would (`src/config/stackFileEdit.ts`, used by `cicd bump` and `cicd rollback`):
 * the app's entry is found by name, comments and layout survive an edit, flags are switched off, a rollback's
 * digest skips migrations only for an app that has them, and a text the program would refuse is never written.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../src/config/model";
import {
  disableAppFlags,
  openAppEntry,
  skipMigrationFor,
  writeValidated,
} from "../../src/config/stackFileEdit";
import { ROOT } from "../helpers";
import { cleanTempDirs, tempDir } from "../temp";

const DIGEST = `sha256:${"c".repeat(64)}`;

/** A copy of the repository's staging stack file in a directory of its own. */
function stagingCopy(): { dir: string; file: string; before: string } {
  const dir = tempDir("stack-edit");
  const file = path.join(dir, "Pulumi.staging.yaml");
  const before = fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8");
  fs.writeFileSync(file, before);
  return { dir, file, before };
}

describe("stack file edits (stackFileEdit.ts)", () => {
  after(cleanTempDirs);

  it("finds an app by name; an unknown app is a config error naming the stack, and no file changes", () => {
    const { dir, file, before } = stagingCopy();
    const edit = openAppEntry(dir, "staging", "menu-optimizer");
    assert.deepEqual(edit.appPath, ["config", "cicd-constitution:apps", 1]);
    assert.equal(edit.file, file);
    assert.equal(edit.stack, "staging");
    assert.throws(
      () => openAppEntry(dir, "staging", "no-such-app"),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.stackName === "staging" &&
        JSON.stringify(e.problems) ===
          JSON.stringify([
            { key: "cicd-constitution:apps", expected: "an app named no-such-app", found: "none" },
          ]),
    );
    assert.equal(fs.readFileSync(file, "utf8"), before);
  });

  it("switches every flag of the app off and names them in file order; an app without flags has none", () => {
    const { dir, file } = stagingCopy();
    const edit = openAppEntry(dir, "staging", "erp-berhan");
    assert.deepEqual(disableAppFlags(edit), ["telegram_bot_v2"]);
    const model = writeValidated(edit);
    assert.deepEqual(model.apps[0].flags[0].value, { enabled: false });
    const text = fs.readFileSync(file, "utf8");
    assert.match(text, /# F6: the ERP service \(gunicorn\)/, "comments survive");
    assert.match(text, /value:\n\s+enabled: false\n/);
    const menu = openAppEntry(dir, "staging", "menu-optimizer");
    assert.deepEqual(disableAppFlags(menu), ["mps_solver_v2"]);
    menu.doc.deleteIn([...menu.appPath, "flags"]);
    assert.deepEqual(disableAppFlags(menu), []);
  });

  it("a rollback's digest skips migrations of an app that has them, and adds nothing to one that has none", () => {
    const { dir } = stagingCopy();
    const erp = openAppEntry(dir, "staging", "erp-berhan");
    skipMigrationFor(erp, DIGEST);
    assert.equal(writeValidated(erp).apps[0].migrations?.skipForDigest, DIGEST);
    const menu = openAppEntry(dir, "staging", "menu-optimizer");
    skipMigrationFor(menu, DIGEST);
    assert.equal(writeValidated(menu).apps[1].migrations, undefined);
  });

  it("an edit the program would refuse is a config error, and the file is left as it was", () => {
    const { dir, file, before } = stagingCopy();
    const edit = openAppEntry(dir, "staging", "erp-berhan");
    edit.doc.setIn([...edit.appPath, "runtime", "port"], 0);
    assert.throws(() => writeValidated(edit), ConfigError);
    assert.equal(fs.readFileSync(file, "utf8"), before);
  });
});
