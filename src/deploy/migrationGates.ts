/**
 * PREDEPLOY-MIGRATION (F6 "Migration Safety Net (Alembic)": "Every migration declares contract: safe_online,
 * requires_maintenance_window, or destructive"; "destructive migrations require backups; migrations must provide
 * downgrade or be explicitly marked no_downgrade with justification"): before a stack's deploy, each app's declared
 * migration contract is met.
 *
 * - `safe_online`: passes (expand-only, runs under traffic).
 * - `requires_maintenance_window`: now falls inside one of `predeploy.maintenanceWindows`.
 * - `destructive`: inside a window too, and `predeploy.backups` names a backup of the app taken in the last 24 hours
 *   (and not in the future).
 *
 * A failure names the app, its migration command and the way forward. Pure: it reads the stack model and the clock.
 */
import type { StackModel } from "../config/model";
import type { Check } from "./checks";
import { httpGet, schemaRevisionOf } from "./verify";

/** How recent a destructive migration's backup must be, in milliseconds (a day). */
export const BACKUP_MAX_AGE_MS = 86_400_000;

type Window = StackModel["predeploy"]["maintenanceWindows"][number];

const windowText = (w: Window) => `${w.start} to ${w.end}`;

/** The window containing `now`, if any. */
function openWindow(windows: Window[], now: Date): Window | undefined {
  return windows.find((w) => Date.parse(w.start) <= now.getTime() && now.getTime() <= Date.parse(w.end));
}

/** The checks of every app with migrations, one each. */
export function checkMigrationContracts(model: StackModel, now: Date): Check[] {
  const { maintenanceWindows, backups } = model.predeploy;
  return model.apps.flatMap((app): Check[] => {
    const m = app.migrations;
    if (!m) return [];
    if (m.skipForDigest && app.image.digest === m.skipForDigest)
      return [
        {
          id: "PREDEPLOY-MIGRATION",
          app: app.name,
          status: "skip",
          message: `${app.name} runs ${m.skipForDigest}, a rollback's target: no migration runs, its contract does not apply`,
        },
      ];
    const what = `${app.name}'s migration (${m.command.join(" ")}) is ${m.contract}`;
    const noDown = m.noDowngradeReason ? `; no downgrade: ${m.noDowngradeReason}` : "";
    const check = (status: Check["status"], message: string): Check => ({
      id: "PREDEPLOY-MIGRATION",
      app: app.name,
      status,
      message,
    });
    if (m.contract === "safe_online") return [check("pass", `${what}: it runs under traffic${noDown}`)];
    const window = openWindow(maintenanceWindows, now);
    const later = maintenanceWindows.filter((w) => Date.parse(w.start) > now.getTime()).map(windowText);
    const problems = window
      ? []
      : [
          `no maintenance window is open at ${now.toISOString()} (${later.length ? `next: ${later[0]}` : "none declared"}): deploy inside one of predeploy.maintenanceWindows`,
        ];
    if (m.contract === "destructive") {
      const fresh = backups.find(
        (b) =>
          b.app === app.name &&
          Date.parse(b.takenAt) <= now.getTime() &&
          now.getTime() - Date.parse(b.takenAt) <= BACKUP_MAX_AGE_MS,
      );
      if (!fresh)
        problems.push(
          `no backup of ${app.name} taken in the last 24 hours: take one, then add predeploy.backups { app: ${app.name}, backup, takenAt, owner }`,
        );
      else if (!problems.length)
        return [
          check(
            "pass",
            `${what}: inside the window ${windowText(window!)}, after backup ${fresh.backup} (${fresh.takenAt}, ${fresh.owner})${noDown}`,
          ),
        ];
    }
    return problems.length
      ? [check("fail", `${what}: ${problems.join("; ")}`)]
      : [check("pass", `${what}: inside the window ${windowText(window!)}${noDown}`)];
  });
}

/**
 * PREDEPLOY-SCHEMA for one app whose release declares `expectsSchemaRevision`: the `SCHEMA_REVISION` its running
 * release reports on `/version` at `baseUrl` is the revision the migration starts from, or the one it lands (a re-run
 * after the migration passed), and one head only.
 *
 * @returns the check, or undefined when the release declares no starting revision
 */
export async function checkSchemaBefore(
  app: { name: string; migrations?: { expectsSchemaRevision?: string; schemaRevision?: string } },
  at: { baseUrl: string; versionPath: string; seconds?: number },
): Promise<Check | undefined> {
  const from = app.migrations?.expectsSchemaRevision;
  if (!from) return undefined;
  const to = app.migrations?.schemaRevision;
  const check = (status: Check["status"], message: string): Check => ({
    id: "PREDEPLOY-SCHEMA",
    app: app.name,
    status,
    message,
  });
  const url = `${at.baseUrl.replace(/\/+$/, "")}${at.versionPath}`;
  try {
    const res = await httpGet(url, {}, at.seconds ?? 10);
    const got = schemaRevisionOf(await res.text());
    const heads = (got ?? "").split(/[,\s]+/).filter(Boolean);
    if (res.status !== 200)
      return check("fail", `${url} answered ${res.status}: the schema production runs is unknown`);
    if (heads.length > 1)
      return check(
        "fail",
        `${url} reports several schema heads (${heads.join(", ")}): merge them into one first`,
      );
    if (got === from)
      return check("pass", `production's schema is at ${from}, where this release's migration starts`);
    if (to && got === to)
      return check("pass", `production's schema is already at ${to} (the migration ran): a re-run`);
    return check(
      "fail",
      `production reports SCHEMA_REVISION ${got ?? "(none)"}; this release migrates from ${from}${to ? ` to ${to}` : ""}: it was not built against the schema that runs`,
    );
  } catch (err) {
    return check("fail", `${(err as Error).message}: the schema production runs is unknown`);
  }
}
