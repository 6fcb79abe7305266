/**
 * VERIFY-SCHEMA (src/deploy/verify.ts): after a deploy whose release declares `migrations.schemaRevision`, `/version`
 * must report that SCHEMA_REVISION, and one head only (F6 "Single Alembic head"). Read from JSON (any key case, or a
 * list) or from `KEY=value` text, as BUILD_SHA is.
 */
import { strict as assert } from "node:assert";
import { schemaCheck, schemaRevisionOf } from "../../src/deploy/verify";

const t = { versionPath: "/version", schemaRevision: "0042_add_tenant_id" };

describe("VERIFY-SCHEMA", () => {
  it("reads the revision from JSON, a JSON list, or text", () => {
    assert.equal(
      schemaRevisionOf('{"BUILD_SHA":"abc","schema_revision":"0042_add_tenant_id"}'),
      "0042_add_tenant_id",
    );
    assert.equal(schemaRevisionOf('{"SCHEMA_REVISION":["0042","0043"]}'), "0042,0043");
    assert.equal(
      schemaRevisionOf("BUILD_SHA=abc\nSCHEMA_REVISION=0042_add_tenant_id\n"),
      "0042_add_tenant_id",
    );
    assert.equal(schemaRevisionOf('{"BUILD_SHA":"abc"}'), undefined);
  });

  it("passes the declared revision, fails another, none, or several heads", () => {
    assert.deepEqual(schemaCheck(t, '{"SCHEMA_REVISION":"0042_add_tenant_id"}'), {
      status: "pass",
      message: "/version SCHEMA_REVISION 0042_add_tenant_id",
    });
    assert.deepEqual(schemaCheck(t, '{"SCHEMA_REVISION":"0041"}'), {
      status: "fail",
      message:
        "/version reports SCHEMA_REVISION 0041, expected 0042_add_tenant_id: the migration did not land (cicd migrate's log says why)",
    });
    assert.match(schemaCheck(t, "{}").message, /reports SCHEMA_REVISION \(none\)/);
    assert.deepEqual(schemaCheck(t, "SCHEMA_REVISION=0042_add_tenant_id, 0042b\n"), {
      status: "fail",
      message: "/version reports several schema heads (0042_add_tenant_id, 0042b): merge them into one",
    });
    assert.deepEqual(schemaCheck(t, "SCHEMA_REVISION: 0042_add_tenant_id\nOTHER=1, 2\n").status, "pass");
    assert.deepEqual(schemaCheck(t, '{"SCHEMA_REVISION":["0042_add_tenant_id","0042b"]}'), {
      status: "fail",
      message: "/version reports several schema heads (0042_add_tenant_id, 0042b): merge them into one",
    });
  });
});
