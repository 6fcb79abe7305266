/**
 * PREDEPLOY-MIGRATION (src/deploy/migrationGates.ts) on the repository's production stack file with the ERP's
 * migration contract changed: safe_online passes; requires_maintenance_window needs an open window; destructive needs
 * the window and a backup taken in the last 24 hours; each refusal names the app, the command and the way forward.
 * The config model refuses a destructive migration without a reason for having no down path. PREDEPLOY-CONTRACT-BURN-IN
 * refuses a contract until the release before it ran verified in staging for burnInDays.
 */
import { strict as assert } from "node:assert";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { ConfigError, parseStackConfig } from "../../src/config/model";
import { readStackFile } from "../../src/config/sources";
import type { Check } from "../../src/deploy/checks";
import { checkMigrationContracts, checkSchemaBefore } from "../../src/deploy/migrationGates";
import { checkContractBurnIn } from "../../src/deploy/releaseGates";
import { ROOT } from "../helpers";

const NOW = new Date("2026-12-06T02:30:00Z");

/** The production model with erp-berhan's migrations and the predeploy section changed. */
function model(migrations: Record<string, unknown>, predeploy: Record<string, unknown> = {}) {
  const source = readStackFile(path.join(ROOT, "Pulumi.production.yaml"));
  const raw = structuredClone(source.raw) as Record<string, unknown>;
  const apps = raw.apps as Array<Record<string, unknown>>;
  apps[0].migrations = { command: ["alembic", "upgrade", "head"], ...migrations };
  raw.predeploy = { ...(raw.predeploy as object), ...predeploy };
  return parseStackConfig("production", raw, {
    secretKeys: source.secretKeys,
    source: source.origin,
    today: NOW,
  });
}

const verdict = (m: ReturnType<typeof model>) =>
  checkMigrationContracts(m, NOW).map((c) => [c.app, c.status, c.message]);
const OPEN = { start: "2026-12-06T02:00:00Z", end: "2026-12-06T04:00:00Z" };
const LATER = { start: "2026-12-07T02:00:00Z", end: "2026-12-07T04:00:00Z" };
const REASON = "drops the legacy tenants table";
const backup = (takenAt: string) => ({
  app: "erp-berhan",
  backup: "snap-erp-2026-12-06",
  takenAt,
  owner: "mathieu",
});

describe("PREDEPLOY-MIGRATION", () => {
  it("safe_online passes, and apps without migrations are not judged", () => {
    assert.deepEqual(verdict(model({ contract: "safe_online" })), [
      [
        "erp-berhan",
        "pass",
        "erp-berhan's migration (alembic upgrade head) is safe_online: it runs under traffic",
      ],
    ]);
  });

  it("requires_maintenance_window: refused outside a window (naming the next), passed inside one", () => {
    assert.deepEqual(verdict(model({ contract: "requires_maintenance_window" })), [
      [
        "erp-berhan",
        "fail",
        "erp-berhan's migration (alembic upgrade head) is requires_maintenance_window: no maintenance window is open at 2026-12-06T02:30:00.000Z (none declared): deploy inside one of predeploy.maintenanceWindows",
      ],
    ]);
    assert.match(
      verdict(model({ contract: "requires_maintenance_window" }, { maintenanceWindows: [LATER] }))[0][2],
      /next: 2026-12-07T02:00:00Z to 2026-12-07T04:00:00Z/,
    );
    assert.deepEqual(
      verdict(model({ contract: "requires_maintenance_window" }, { maintenanceWindows: [OPEN] }))[0].slice(
        0,
        2,
      ),
      ["erp-berhan", "pass"],
    );
  });

  it("destructive: needs the window and a backup younger than a day, not from the future", () => {
    const destructive = { contract: "destructive", noDowngradeReason: REASON };
    const ok = verdict(
      model(destructive, { maintenanceWindows: [OPEN], backups: [backup("2026-12-06T01:00:00Z")] }),
    );
    assert.deepEqual(ok, [
      [
        "erp-berhan",
        "pass",
        `erp-berhan's migration (alembic upgrade head) is destructive: inside the window 2026-12-06T02:00:00Z to 2026-12-06T04:00:00Z, after backup snap-erp-2026-12-06 (2026-12-06T01:00:00Z, mathieu); no downgrade: ${REASON}`,
      ],
    ]);
    for (const takenAt of ["2026-12-05T02:00:00Z", "2026-12-06T03:00:00Z"]) {
      const [[, status, message]] = verdict(
        model(destructive, { maintenanceWindows: [OPEN], backups: [backup(takenAt)] }),
      );
      assert.equal(status, "fail", takenAt);
      assert.match(
        message,
        /no backup of erp-berhan taken in the last 24 hours: take one, then add predeploy\.backups/,
      );
    }
    const [[, status, message]] = verdict(model(destructive, { backups: [backup("2026-12-06T01:00:00Z")] }));
    assert.equal(status, "fail");
    assert.match(message, /no maintenance window is open/);
  });

  it("skips an app that runs a rollback's target: no migration runs, so its contract does not apply", () => {
    const running = "sha256:e1db7ed9b791d429b65c423dd68ad538024b18e7929fad9301651f3753f5b56e";
    assert.deepEqual(
      verdict(model({ contract: "destructive", noDowngradeReason: REASON, skipForDigest: running })),
      [
        [
          "erp-berhan",
          "skip",
          `erp-berhan runs ${running}, a rollback's target: no migration runs, its contract does not apply`,
        ],
      ],
    );
  });

  it("the config model refuses an app name ending in -migrate: APP-migrate-ENV is APP's migration task family", () => {
    const source = readStackFile(path.join(ROOT, "Pulumi.production.yaml"));
    const raw = structuredClone(source.raw) as Record<string, unknown>;
    (raw.apps as Array<Record<string, unknown>>)[1].name = "erp-migrate";
    assert.throws(
      () =>
        parseStackConfig("production", raw, {
          secretKeys: source.secretKeys,
          source: source.origin,
          today: NOW,
        }),
      /apps\[1\]\.name: expected a name not ending in -migrate/,
    );
  });

  it("the config model refuses a destructive migration without a reason for having no down path", () => {
    assert.throws(
      () => model({ contract: "destructive" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /apps\[0\]\.migrations\.noDowngradeReason: expected a destructive migration cannot be downgraded/.test(
          e.message,
        ),
    );
  });
});

describe("PREDEPLOY-CONTRACT-BURN-IN", () => {
  const t = {
    app: "erp-berhan",
    githubOwner: "surlefeu",
    repository: "erp-berhan",
    digest: `sha256:${"c".repeat(64)}`,
  };
  const EXPAND = `sha256:${"b".repeat(64)}`;
  const m = { command: ["alembic", "upgrade", "head"], contract: "destructive" };
  const run = (verifiedAt: string | undefined, migrations: typeof m | undefined = m) => {
    const out: Check[] = [];
    const verified = new Map(verifiedAt ? [[EXPAND, new Date(verifiedAt)]] : []);
    checkContractBurnIn(t, migrations, { history: [EXPAND], verified, burnInDays: 7, now: NOW }, (c) =>
      out.push(c),
    );
    return out.map((c) => [c.status, c.message]);
  };

  it("passes once the expand release ran in staging for the burn-in, and says nothing of other contracts", () => {
    assert.deepEqual(run("2026-11-28T00:00:00Z"), [
      [
        "pass",
        `erp-berhan's destructive migration (alembic upgrade head): the expand release ${EXPAND} has run in staging 8 days (burn-in 7)`,
      ],
    ]);
    assert.deepEqual(run("2026-12-06T00:00:00Z", { ...m, contract: "safe_online" }), []);
  });

  it("refuses a contract before the burn-in ends (naming when), or when the expand release never ran in staging", () => {
    assert.deepEqual(run("2026-12-03T00:00:00Z"), [
      [
        "fail",
        `erp-berhan's destructive migration (alembic upgrade head): the expand release ${EXPAND} has run in staging 3 of 7 burn-in days: contract after 2026-12-10T00:00:00.000Z`,
      ],
    ]);
    assert.match(run(undefined)[0][1], /is not verified in staging: run the expand release in staging first/);
  });
});

describe("PREDEPLOY-SCHEMA", () => {
  let server: http.Server;
  let body = "";
  let base = "";
  before(async () => {
    server = http.createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const app = { name: "erp-berhan", migrations: { expectsSchemaRevision: "V002", schemaRevision: "V003" } };
  const check = async (reported: string) => {
    body = reported;
    const c = await checkSchemaBefore(app, { baseUrl: base, versionPath: "/version" });
    return [c?.status, c?.message];
  };

  it("passes the revision the migration starts from, and the one it lands (a re-run)", async () => {
    assert.deepEqual(await check('{"SCHEMA_REVISION":"V002"}'), [
      "pass",
      "production's schema is at V002, where this release's migration starts",
    ]);
    assert.deepEqual(await check("SCHEMA_REVISION=V003"), [
      "pass",
      "production's schema is already at V003 (the migration ran): a re-run",
    ]);
  });

  it("fails another revision, none, or several heads; an app that declares no starting revision is not judged", async () => {
    assert.deepEqual(await check('{"SCHEMA_REVISION":"V001"}'), [
      "fail",
      "production reports SCHEMA_REVISION V001; this release migrates from V002 to V003: it was not built against the schema that runs",
    ]);
    assert.match(String((await check("{}"))[1]), /reports SCHEMA_REVISION \(none\)/);
    assert.match(
      String((await check('{"SCHEMA_REVISION":["V002","V002b"]}'))[1]),
      /several schema heads \(V002, V002b\)/,
    );
    assert.equal(
      await checkSchemaBefore({ name: "menu-optimizer" }, { baseUrl: base, versionPath: "/version" }),
      undefined,
    );
  });

  it("an unreachable app fails: the schema production runs is unknown", async () => {
    const c = await checkSchemaBefore(app, {
      baseUrl: "http://127.0.0.1:9",
      versionPath: "/version",
      seconds: 2,
    });
    assert.equal(c?.status, "fail");
    assert.match(
      c!.message,
      /^GET http:\/\/127\.0\.0\.1:9\/version: .*: the schema production runs is unknown$/,
    );
  });
});
