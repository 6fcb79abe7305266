/**
 * PREDEPLOY-MIGRATION and PREDEPLOY-SCHEMA (src/deploy/migrationGates.ts) on hand-built models and `/version`
 * answers: a maintenance window is open from its start to its end inclusive, and the next one named is one still
 * to come; a destructive migration needs the app's own backup, taken at most 24 hours before and not after now; a
 * rollback's target skips only while the app runs that digest; the schema check reads `/version` at the app's URL
 * and fails a non-200 answer, another revision or several heads, naming each.
 */
import { strict as assert } from "node:assert";
import type { StackModel } from "../../src/config/model";
import { checkMigrationContracts, checkSchemaBefore } from "../../src/deploy/migrationGates";

const NOW = new Date("2026-12-06T02:30:00Z");
const DIGEST = `sha256:${"a".repeat(64)}`;
const PAST = { start: "2026-12-05T02:00:00Z", end: "2026-12-05T04:00:00Z" };
const NEXT = { start: "2026-12-07T02:00:00Z", end: "2026-12-07T04:00:00Z" };
const backup = (takenAt: string, app = "shop") => ({ app, backup: "snap-1", takenAt, owner: "mathieu" });

/** A model of one app `shop` pinning DIGEST with `migrations`, and the predeploy windows and backups. */
function model(
  migrations: Record<string, unknown>,
  windows: Array<{ start: string; end: string }> = [],
  backups: Array<ReturnType<typeof backup>> = [],
): StackModel {
  return {
    predeploy: { maintenanceWindows: windows, backups },
    apps: [
      { name: "bare", image: { digest: DIGEST } },
      { name: "shop", image: { digest: DIGEST }, migrations: { command: ["migrate", "up"], ...migrations } },
    ],
  } as unknown as StackModel;
}
const verdict = (m: StackModel, now = NOW) =>
  checkMigrationContracts(m, now).map((c) => {
    assert.deepEqual([c.id, c.app], ["PREDEPLOY-MIGRATION", "shop"]);
    return [c.status, c.message];
  });
const window = "requires_maintenance_window";
const what = (contract: string) => `shop's migration (migrate up) is ${contract}`;

describe("migration gates, unit", () => {
  describe("checkMigrationContracts", () => {
    it("a window is open from its start to its end, both included", () => {
      const open = { start: "2026-12-06T02:30:00Z", end: "2026-12-06T03:30:00Z" };
      const pass = [["pass", `${what(window)}: inside the window ${open.start} to ${open.end}`]];
      assert.deepEqual(verdict(model({ contract: window }, [open])), pass);
      assert.deepEqual(verdict(model({ contract: window }, [open]), new Date(open.end)), pass);
      const after = verdict(model({ contract: window }, [open]), new Date("2026-12-06T03:30:01Z"));
      assert.equal(after[0][0], "fail");
    });

    it("outside every window, names the next one still to come, or none", () => {
      const next = `${what(window)}: no maintenance window is open at 2026-12-06T02:30:00.000Z (next: ${NEXT.start} to ${NEXT.end}): deploy inside one of predeploy.maintenanceWindows`;
      assert.deepEqual(verdict(model({ contract: window }, [PAST, NEXT])), [["fail", next]]);
      const none = verdict(model({ contract: window }, [PAST]));
      assert.match(
        String(none[0][1]),
        /is open at 2026-12-06T02:30:00\.000Z \(none declared\): deploy inside/,
      );
    });

    it("a destructive migration needs the app's own backup, at most 24 hours old and not from the future", () => {
      const open = { start: "2026-12-06T02:00:00Z", end: "2026-12-06T04:00:00Z" };
      const destructive = (b: ReturnType<typeof backup>[]) =>
        verdict(model({ contract: "destructive", noDowngradeReason: "drops t" }, [open], b));
      const inWindow = `inside the window ${open.start} to ${open.end}`;
      for (const at of ["2026-12-06T02:30:00Z", "2026-12-05T02:30:00Z"])
        assert.deepEqual(destructive([backup(at)]), [
          [
            "pass",
            `${what("destructive")}: ${inWindow}, after backup snap-1 (${at}, mathieu); no downgrade: drops t`,
          ],
        ]);
      const none = `${what("destructive")}: no backup of shop taken in the last 24 hours: take one, then add predeploy.backups { app: shop, backup, takenAt, owner }`;
      for (const b of [
        backup("2026-12-05T02:29:59Z"),
        backup("2026-12-06T02:30:01Z"),
        backup("2026-12-06T02:00:00Z", "bare"),
      ])
        assert.deepEqual(destructive([b]), [["fail", none]], b.takenAt);
    });

    it("names every problem of a destructive migration outside a window and without a backup", () => {
      const [[status, message]] = verdict(model({ contract: "destructive" }, [], []));
      assert.equal(status, "fail");
      assert.equal(
        message,
        `${what("destructive")}: no maintenance window is open at 2026-12-06T02:30:00.000Z (none declared): deploy inside one of predeploy.maintenanceWindows; no backup of shop taken in the last 24 hours: take one, then add predeploy.backups { app: shop, backup, takenAt, owner }`,
      );
    });

    it("skips a rollback's target only while the app runs that digest", () => {
      assert.deepEqual(verdict(model({ contract: window, skipForDigest: DIGEST })), [
        ["skip", `shop runs ${DIGEST}, a rollback's target: no migration runs, its contract does not apply`],
      ]);
      const other = `sha256:${"b".repeat(64)}`;
      assert.equal(verdict(model({ contract: window, skipForDigest: other }))[0][0], "fail");
    });
  });

  describe("checkSchemaBefore", () => {
    const app = (migrations?: Record<string, string>) => ({ name: "shop", migrations });
    async function schema(
      answer: { status?: number; body?: string } | Error,
      migrations: Record<string, string> = { expectsSchemaRevision: "r1", schemaRevision: "r2" },
    ) {
      const saved = globalThis.fetch;
      const urls: string[] = [];
      globalThis.fetch = (async (url: string) => {
        urls.push(url);
        if (answer instanceof Error) throw answer;
        return new Response(answer.body ?? "", { status: answer.status ?? 200 });
      }) as typeof fetch;
      try {
        const c = await checkSchemaBefore(app(migrations), {
          baseUrl: "http://shop.test//",
          versionPath: "/version",
        });
        return { c: c && [c.id, c.app, c.status, c.message], urls };
      } finally {
        globalThis.fetch = saved;
      }
    }

    it("judges nothing when the release declares no starting revision", async () => {
      assert.equal(await checkSchemaBefore(app(), { baseUrl: "http://x", versionPath: "/v" }), undefined);
      assert.deepEqual((await schema({}, { schemaRevision: "r2" })).urls, []);
    });

    it("passes the revision the migration starts from, or the one it lands; reads /version at the app's URL", async () => {
      const from = await schema({ body: "SCHEMA_REVISION=r1" });
      assert.deepEqual(from.c, [
        "PREDEPLOY-SCHEMA",
        "shop",
        "pass",
        "production's schema is at r1, where this release's migration starts",
      ]);
      assert.deepEqual(from.urls, ["http://shop.test/version"]);
      assert.deepEqual((await schema({ body: '{"schema_revision":"r2"}' })).c?.slice(2), [
        "pass",
        "production's schema is already at r2 (the migration ran): a re-run",
      ]);
    });

    it("fails a non-200 answer, several heads and another revision, naming what it found", async () => {
      assert.deepEqual((await schema({ status: 500, body: "SCHEMA_REVISION=r1" })).c?.slice(2), [
        "fail",
        "http://shop.test/version answered 500: the schema production runs is unknown",
      ]);
      assert.deepEqual((await schema({ body: "SCHEMA_REVISION=r1, r3" })).c?.slice(2), [
        "fail",
        "http://shop.test/version reports several schema heads (r1, r3): merge them into one first",
      ]);
      assert.deepEqual((await schema({ body: "SCHEMA_REVISION=r0" })).c?.slice(2), [
        "fail",
        "production reports SCHEMA_REVISION r0; this release migrates from r1 to r2: it was not built against the schema that runs",
      ]);
      assert.deepEqual((await schema({ body: "{}" }, { expectsSchemaRevision: "r1" })).c?.slice(2), [
        "fail",
        "production reports SCHEMA_REVISION (none); this release migrates from r1: it was not built against the schema that runs",
      ]);
      assert.deepEqual((await schema(new Error("refused"))).c?.slice(2), [
        "fail",
        "GET http://shop.test/version: refused: the schema production runs is unknown",
      ]);
    });
  });
});
