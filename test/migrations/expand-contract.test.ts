/**
 * Expand -> migrate -> contract on a real PostgreSQL (CONST "Migrations (Expand → Migrate → Contract)"; F6 "Migration
 * Safety Net (Alembic)"): an example app's own migration command (test/fixtures/example-app/migrate.sh, SQL files
 * applied in order, each with its record in schema_version) runs release by release against a fresh cluster, and the
 * app's `/version` reports the schema head from the database. VERIFY-SCHEMA (src/deploy/verify.ts `schemaCheck`)
 * judges what the app reports after each release; the migration is idempotent; a failing migration leaves the head
 * where it was; and after the contract the expand release's code no longer runs, which is why `cicd rollback`
 * refuses a rollback across a destructive migration.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { schemaCheck } from "../../src/deploy/verify";
import { ROOT } from "../helpers";
import { cleanTempDirs, tempDir } from "../temp";
import { Postgres, startPostgres } from "./postgres";

const APP = path.join(ROOT, "test", "fixtures", "example-app");

describe("expand, migrate, contract on a real PostgreSQL", function () {
  this.timeout(60_000);
  let pg: Postgres;
  let app: http.Server;
  let url: string;

  before(async () => {
    pg = await startPostgres();
    // The example app's /version: its build and the schema head it reads from the database.
    app = http.createServer((_req, res) => {
      let head = "";
      try {
        head = pg.sql(
          "SELECT string_agg(version, ',') FROM (SELECT max(version) AS version FROM schema_version) h",
        );
      } catch {
        head = "";
      }
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({ BUILD_SHA: "0123456789abcdef0123456789abcdef01234567", SCHEMA_REVISION: head }),
      );
    });
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/version`;
  });

  after(async () => {
    app?.closeAllConnections();
    await new Promise((r) => app?.close(r));
    await pg?.stop();
    cleanTempDirs();
  });

  /** Runs the app's migration command for the release that ships the files up to `upto`. */
  const migrate = (upto: string, dir = APP) =>
    execFileSync(path.join(dir, "migrate.sh"), {
      env: { ...process.env, ...pg.env, MIGRATE_UPTO: upto },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  const verify = async (schemaRevision: string) =>
    schemaCheck({ versionPath: "/version", schemaRevision }, await (await fetch(url)).text());

  it("the expand release lands V002; VERIFY-SCHEMA passes it and fails a release that expects V003", async () => {
    assert.match(
      migrate("V002"),
      /applying V001__create_orders\.sql\napplying V002__add_tenant_id\.sql\nschema head: V002/,
    );
    assert.deepEqual(await verify("V002"), { status: "pass", message: "/version SCHEMA_REVISION V002" });
    assert.equal((await verify("V003")).status, "fail");
    // The expand release's code runs on the expanded schema: the old column is still there.
    pg.sql("INSERT INTO orders (legacy_customer, total) VALUES ('acme', 12.5)");
  });

  it("running the migration again changes nothing (idempotent)", async () => {
    assert.equal(migrate("V002").trim(), "schema head: V002");
    assert.equal(pg.sql("SELECT count(*) FROM schema_version"), "2");
    assert.equal(pg.sql("SELECT count(*) FROM orders"), "1");
  });

  it("a failing migration stops with a non-zero exit and leaves the head where it was", async () => {
    const broken = tempDir("example-app");
    fs.cpSync(APP, broken, { recursive: true });
    fs.writeFileSync(
      path.join(broken, "migrations", "sql", "V003__backfill_tenant_id.sql"),
      "UPDATE orders SET nope = 1;\n",
    );
    assert.throws(() => migrate("V003", broken), /column "nope" of relation "orders" does not exist/);
    assert.deepEqual(await verify("V002"), { status: "pass", message: "/version SCHEMA_REVISION V002" });
  });

  it("migrate then contract: the head moves to V004 and the expand release's code no longer runs", async () => {
    migrate("V003");
    assert.equal(pg.sql("SELECT count(*) FROM orders WHERE tenant_id IS NULL"), "0", "backfilled");
    migrate("V004");
    assert.deepEqual(await verify("V004"), { status: "pass", message: "/version SCHEMA_REVISION V004" });
    assert.throws(
      () => pg.sql("INSERT INTO orders (legacy_customer, total) VALUES ('acme', 1)"),
      /column "legacy_customer" of relation "orders" does not exist/,
    );
  });
});
