/**
 * A pre-deploy override that lifts the error-budget freeze for an app is shown where the PR audit shows the
 * enforcement overrides, in every format a reader sees (table, Markdown), with its app, owner, expiry and reason;
 * an expired one is not "in force".
 */
import * as assert from "node:assert/strict";
import { parseDocument } from "yaml";
import { cicd, cleanTempDirs, tempProject } from "../cli-harness";

const OVERRIDE = (expires: string) => ({
  ruleId: "PREDEPLOY-ERROR-BUDGET",
  resource: "erp-berhan",
  reason: "incident review INC-42 done, fix deployed",
  owner: "mathieu",
  expires,
});
const withOverride = (expires: string) =>
  tempProject((text) => {
    const doc = parseDocument(text);
    doc.setIn(["config", "cicd-constitution:predeploy", "overrides"], [OVERRIDE(expires)]);
    return doc.toString();
  });

describe("report: pre-deploy overrides in force are listed with the overrides", function () {
  after(cleanTempDirs);

  it("lists an override in force in the Markdown audit and the table, naming the app", async function () {
    const dir = withOverride("2026-12-03");
    for (const format of ["markdown", "table"]) {
      const run = await cicd([
        "report",
        "--stack",
        "production",
        "--dir",
        dir,
        "--format",
        format,
        "--today",
        "2026-12-01",
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /PREDEPLOY-ERROR-BUDGET/);
      assert.match(run.stdout, /lifted for erp-berhan/);
      assert.match(run.stdout, /incident review INC-42/);
    }
  });

  it("does not list an expired one", async function () {
    const run = await cicd([
      "report",
      "--stack",
      "production",
      "--dir",
      withOverride("2026-11-20"),
      "--format",
      "markdown",
      "--today",
      "2026-12-01",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /lifted for erp-berhan/);
  });
});
