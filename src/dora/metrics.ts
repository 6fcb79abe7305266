/**
 * The four DORA metrics (CONST "North Star"; OPS "Post-Release") from the deployments `cicd verify` records: one
 * GitHub Deployment per app and deploy, its latest deployment status `success` or `failure`, its payload naming the
 * digest. Pure: the records come from src/dora/github.ts.
 * - Deployment frequency: successful deployments per week of the window; a deployment of the digest the app's
 *   previous deployment had is a re-run, not a change, and counts for nothing.
 * - Lead time for changes: from the deployed commit's commit time to its successful deployment status; median.
 * - Change failure rate: failed changes over deployments with a final status, in percent. A change failed when its verify failed, or
 *   when the next deployment went back to a digest deployed before it (a rollback: PLAY 6 re-points to an older
 *   digest).
 * - Time to restore (DORA's "failed deployment recovery time"): from a failed change's status to the next
 *   successful deployment's status of the same app; median.
 * Each gets its performance band from {@link BANDS}.
 */

/** One deployment as `cicd verify` recorded it. */
export interface DeploymentRecord {
  app: string;
  /** GitHub deployment id (creation order). */
  id: number;
  /** The deployed commit and digest (the deployment's `sha` and `payload.digest`). */
  sha: string;
  digest: string;
  /** When the deployment was created (ISO 8601). */
  createdAt: string;
  /** The latest deployment status, and when it was posted; absent while none. */
  state?: string;
  statusAt?: string;
  /** When the deployed commit was committed (ISO 8601); absent when GitHub did not say. */
  committedAt?: string;
}

/** A performance band of the Accelerate State of DevOps report's clusters. */
export type Band = "elite" | "high" | "medium" | "low";

/**
 * The bands' thresholds (2023 Accelerate State of DevOps report, software delivery performance clusters): at least
 * so many deployments a week; at most so many hours of lead time and of time to restore; at most so many percent
 * of failed changes. The first band met wins.
 */
export const BANDS: ReadonlyArray<{
  band: Band;
  deploymentsPerWeek: number;
  leadTimeHours: number;
  changeFailurePercent: number;
  timeToRestoreHours: number;
}> = [
  // Elite deploys on demand, several times a day: more than 7 a week (the frequency check is strict for it).
  { band: "elite", deploymentsPerWeek: 7, leadTimeHours: 24, changeFailurePercent: 5, timeToRestoreHours: 1 },
  {
    band: "high",
    deploymentsPerWeek: 1,
    leadTimeHours: 168,
    changeFailurePercent: 10,
    timeToRestoreHours: 24,
  },
  {
    band: "medium",
    deploymentsPerWeek: 0.25,
    leadTimeHours: 720,
    changeFailurePercent: 15,
    timeToRestoreHours: 168,
  },
];

/** The four metrics of one app or of all, with their bands; `undefined` where the window holds no evidence. */
export interface DoraMetrics {
  deployments: number;
  successful: number;
  deploymentsPerWeek: number;
  leadTimeHours?: number;
  changeFailurePercent?: number;
  failedChanges: number;
  timeToRestoreHours?: number;
  bands: {
    deploymentFrequency: Band;
    leadTime?: Band;
    changeFailureRate?: Band;
    timeToRestore?: Band;
  };
}

const HOUR = 3_600_000;
const WEEK_DAYS = 7;

/** The median of `values` (the mean of the middle two for an even count); undefined for none. */
export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The deployment states that end a deployment: its change succeeded or failed. */
const FINAL_STATES = new Set(["success", "failure", "error"]);

/**
 * The deployments that changed something: per app, a deployment of the digest the app's previous deployment
 * already had is a re-run (main.yml verifies every app on every run), not a change.
 */
export function changes(records: DeploymentRecord[]): DeploymentRecord[] {
  const sorted = [...records].sort((a, b) => a.id - b.id);
  return sorted.filter((r, i) => {
    const previous = sorted
      .slice(0, i)
      .reverse()
      .find((x) => x.app === r.app);
    return !previous || previous.digest !== r.digest;
  });
}

/** The first band whose threshold `ok` accepts, else `low`. */
function bandOf(ok: (b: (typeof BANDS)[number]) => boolean): Band {
  return BANDS.find(ok)?.band ?? "low";
}

/** The deployments that were failed changes: a failed verify, or one the next deployment rolled back from. */
export function failedChanges(records: DeploymentRecord[]): DeploymentRecord[] {
  const ordered = [...records].sort((a, b) => a.id - b.id);
  return ordered.filter((d, i) => {
    if (d.state === "failure" || d.state === "error") return true;
    const next = ordered[i + 1];
    const before = ordered.slice(0, i).map((x) => x.digest);
    return !!next && next.digest !== d.digest && before.includes(next.digest);
  });
}

/** Hours from each failed change to the next successful deployment after it. */
function restoreHours(ordered: DeploymentRecord[], failed: DeploymentRecord[]): number[] {
  return failed.flatMap((f) => {
    const from = Date.parse(f.statusAt ?? f.createdAt);
    const restored = ordered.find((d) => d.id > f.id && d.state === "success" && !failed.includes(d));
    return restored?.statusAt ? [(Date.parse(restored.statusAt) - from) / HOUR] : [];
  });
}

/**
 * The metrics of one app's deployments (or all apps', each app's sequence judged on its own) over a window.
 *
 * @param windowDays the window's length in days, for the frequency (deployments a week).
 */
export function doraMetrics(all: DeploymentRecord[], windowDays: number): DoraMetrics {
  const records = changes(all);
  const byApp = new Map<string, DeploymentRecord[]>();
  for (const r of records) byApp.set(r.app, [...(byApp.get(r.app) ?? []), r]);
  const failed = [...byApp.values()].flatMap(failedChanges);
  const successful = records.filter((r) => r.state === "success");
  const lead = successful
    .filter((r) => r.committedAt && r.statusAt)
    .map((r) => (Date.parse(r.statusAt!) - Date.parse(r.committedAt!)) / HOUR);
  const restore = [...byApp.values()].flatMap((list) =>
    restoreHours(
      [...list].sort((a, b) => a.id - b.id),
      failed.filter((f) => f.app === list[0].app),
    ),
  );
  const perWeek = (successful.length * WEEK_DAYS) / Math.max(windowDays, 1);
  const leadTimeHours = median(lead);
  // Deployments still without a final status are neither successes nor failures yet.
  const judged = records.filter((r) => FINAL_STATES.has(r.state ?? "")).length;
  const changeFailurePercent = judged ? (100 * failed.length) / judged : undefined;
  const timeToRestoreHours = median(restore);
  return {
    deployments: records.length,
    successful: successful.length,
    deploymentsPerWeek: perWeek,
    leadTimeHours,
    changeFailurePercent,
    failedChanges: failed.length,
    timeToRestoreHours,
    bands: {
      deploymentFrequency: bandOf((b) =>
        b.band === "elite" ? perWeek > b.deploymentsPerWeek : perWeek >= b.deploymentsPerWeek,
      ),
      leadTime: leadTimeHours === undefined ? undefined : bandOf((b) => leadTimeHours <= b.leadTimeHours),
      changeFailureRate:
        changeFailurePercent === undefined
          ? undefined
          : bandOf((b) => changeFailurePercent <= b.changeFailurePercent),
      timeToRestore:
        timeToRestoreHours === undefined
          ? undefined
          : bandOf((b) => timeToRestoreHours <= b.timeToRestoreHours),
    },
  };
}
