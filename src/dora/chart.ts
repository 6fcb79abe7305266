/**
 * The deployment-frequency picture of `cicd dora --chart FILE`: changes per week over the window, the failed ones
 * stacked on top in another colour, as an SVG a Markdown report links (a week-by-week trend reads better as bars
 * than as a table). The weeks run from the window's first day, seven days each; the last may be shorter.
 */
import { changes, DeploymentRecord, failedChanges } from "./metrics";

/** One week of the window: its first day, the changes deployed in it, and how many of them failed. */
export interface WeekBar {
  start: string;
  changes: number;
  failed: number;
}

const WEEK = 7 * 86_400_000;

/** Changes and failed changes per week, each app's sequence judged on its own (as `doraMetrics` does). */
export function weeklyChanges(records: DeploymentRecord[], since: Date, until: Date): WeekBar[] {
  const weeks: WeekBar[] = [];
  for (let t = since.getTime(); t < until.getTime(); t += WEEK)
    weeks.push({ start: new Date(t).toISOString().slice(0, 10), changes: 0, failed: 0 });
  const apps = [...new Set(records.map((r) => r.app))];
  for (const app of apps) {
    const changed = changes(records.filter((r) => r.app === app));
    const failed = new Set(failedChanges(changed).map((r) => r.id));
    for (const r of changed) {
      const week = weeks[Math.floor((Date.parse(r.createdAt) - since.getTime()) / WEEK)];
      if (!week) continue;
      week.changes++;
      if (failed.has(r.id)) week.failed++;
    }
  }
  return weeks;
}

const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );

/** The SVG bar chart of `weeks`: one bar per week, height proportional to its changes, failures stacked in red. */
export function deploymentsChart(weeks: WeekBar[], title: string): string {
  const [width, height, top, bottom, left] = [Math.max(320, 40 + weeks.length * 48), 220, 32, 40, 32];
  const max = Math.max(1, ...weeks.map((w) => w.changes));
  const scale = (height - top - bottom) / max;
  const bars = weeks.flatMap((w, i) => {
    const x = left + i * 48;
    const ok = (w.changes - w.failed) * scale;
    const bad = w.failed * scale;
    const base = height - bottom;
    return [
      `<rect class="ok" x="${x}" y="${base - ok}" width="32" height="${ok}" fill="#2da44e"><title>${w.start}: ${w.changes - w.failed} change(s) that held</title></rect>`,
      `<rect class="failed" x="${x}" y="${base - ok - bad}" width="32" height="${bad}" fill="#cf222e"><title>${w.start}: ${w.failed} failed change(s)</title></rect>`,
      `<text x="${x + 16}" y="${base - ok - bad - 4}" text-anchor="middle" font-size="11">${w.changes}</text>`,
      `<text x="${x + 16}" y="${height - bottom + 14}" text-anchor="middle" font-size="10">${w.start.slice(5)}</text>`,
    ];
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<text x="${left}" y="18" font-size="13">${escapeXml(title)}</text>`,
    `<line x1="${left - 4}" y1="${height - bottom}" x2="${width - 8}" y2="${height - bottom}" stroke="#57606a"/>`,
    ...bars,
    `<text x="${left}" y="${height - 8}" font-size="10" fill="#57606a">week starting (MM-DD); red: failed changes</text>`,
    "</svg>",
    "",
  ].join("\n");
}
