/**
 * `cicd dora --stack S [--since DATE] [--until DATE] [--format table|json|markdown]`: the four DORA metrics of a
 * stack's apps (CONST "North Star"; OPS "Post-Release") from the GitHub Deployments `cicd verify` records in the
 * stack's environment, per app and overall, each with its performance band (src/dora/metrics.ts). GitHub calls
 * use Octokit (`GITHUB_TOKEN`: deployments read on the app repositories; `GITHUB_API_URL`).
 */
import { deploymentsChart, WeekBar, weeklyChanges } from "./chart";
import { writeOutputFile } from "../files";
import * as path from "node:path";
import { ConfigError, parseStackConfig } from "../config/model";
import { readStackFile } from "../config/sources";
import { githubClient } from "../deploy/github";
import { markdownText } from "../markdown";
import { readDeployments } from "./github";
import { doraMetrics, DoraMetrics } from "./metrics";
import { type ColorMode, type Layout, layoutFor, layoutTable, wrapIndented } from "../terminal";

/** Formats of `cicd dora --format`. */
export const DORA_FORMATS = ["table", "json", "markdown"] as const;

/** Options of {@link runDora}. */
export interface DoraOptions {
  stack: string;
  /** First day of the window, `YYYY-MM-DD` (UTC). Default: 30 days before `until`. */
  since?: string;
  /** Day after the window, `YYYY-MM-DD` (UTC). Default: now. */
  until?: string;
  format: (typeof DORA_FORMATS)[number];
  /** Also write the weekly deployments chart as SVG to this file; the Markdown links it. Default: none. */
  chart?: string;
  dir?: string;
  githubToken?: string;
  githubApiUrl?: string;
  /** `--color`: the table's colours (src/terminal.ts `useColor`). Default `auto`. */
  color?: ColorMode;
}

/** The metrics of a window: per app and overall. */
export interface DoraReport {
  stack: string;
  environment: string;
  since: string;
  until: string;
  overall: DoraMetrics;
  apps: Record<string, DoraMetrics>;
  /** Changes and failed changes per week of the window, every app. */
  weeks: WeekBar[];
}

const DAY = 86_400_000;

/** Reads the stack's deployments in the window and computes the metrics. @throws ConfigError on bad input. */
export async function doraReport(opts: DoraOptions): Promise<DoraReport> {
  const source = readStackFile(path.join(opts.dir ?? ".", `Pulumi.${opts.stack}.yaml`));
  const model = parseStackConfig(opts.stack, source.raw, {
    secretKeys: source.secretKeys,
    source: source.origin,
  });
  const until = opts.until ? new Date(`${opts.until}T00:00:00Z`) : new Date();
  const since = opts.since ? new Date(`${opts.since}T00:00:00Z`) : new Date(until.getTime() - 30 * DAY);
  if (!(since < until))
    throw new ConfigError(opts.stack, [
      {
        key: "--since",
        expected: `a day before --until (${until.toISOString().slice(0, 10)})`,
        found: String(opts.since),
      },
    ]);
  const token = opts.githubToken ?? process.env.GITHUB_TOKEN;
  if (!token)
    throw new ConfigError(opts.stack, [
      {
        key: "GITHUB_TOKEN",
        expected: "a token that reads the app repositories' deployments",
        found: "(unset)",
      },
    ]);
  const repositories = model.apps.map((a) => ({
    app: a.name,
    owner: model.githubOwner,
    repository: a.repository.name,
  }));
  const records = await readDeployments(
    githubClient(token, opts.githubApiUrl),
    repositories,
    model.environment,
    {
      since,
      until,
    },
  );
  const days = (until.getTime() - since.getTime()) / DAY;
  return {
    stack: opts.stack,
    environment: model.environment,
    since: since.toISOString(),
    until: until.toISOString(),
    overall: doraMetrics(records, days),
    weeks: weeklyChanges(records, since, until),
    apps: Object.fromEntries(
      model.apps.map((a) => [
        a.name,
        doraMetrics(
          records.filter((r) => r.app === a.name),
          days,
        ),
      ]),
    ),
  };
}

const fixed = (n: number | undefined, unit: string) => (n === undefined ? "-" : `${n.toFixed(1)} ${unit}`);

/** One row per scope: the four metrics, each with its band. */
function rows(r: DoraReport): string[][] {
  return [...Object.entries(r.apps), ["all apps", r.overall] as const].map(([scope, m]) => [
    scope,
    `${m.deploymentsPerWeek.toFixed(2)}/week (${m.bands.deploymentFrequency})`,
    `${fixed(m.leadTimeHours, "h")}${m.bands.leadTime ? ` (${m.bands.leadTime})` : ""}`,
    `${fixed(m.changeFailurePercent, "%")}${m.bands.changeFailureRate ? ` (${m.bands.changeFailureRate})` : ""} ${m.failedChanges}/${m.deployments}`,
    `${fixed(m.timeToRestoreHours, "h")}${m.bands.timeToRestore ? ` (${m.bands.timeToRestore})` : ""}`,
  ]);
}

const HEAD = [
  "scope",
  "deployment frequency",
  "lead time (median)",
  "change failure rate",
  "time to restore (median)",
];

/** The title of a report, its chart's too. */
const titleOf = (r: DoraReport) =>
  `DORA metrics of ${r.stack} (${r.environment}), ${r.since.slice(0, 10)} to ${r.until.slice(0, 10)}`;

/**
 * Renders the report: a terminal table fitted to `layout` (default: no colour, no width limit), JSON, or a
 * Markdown table (a job summary), which links `chart` (the SVG's path, relative to the Markdown) when given.
 */
export function renderDora(
  r: DoraReport,
  format: DoraOptions["format"],
  chart?: string,
  layout: Layout = { color: false },
): string {
  const title = titleOf(r);
  if (format === "json") return JSON.stringify(r, null, 2);
  if (format === "markdown")
    return [
      `### ${markdownText(title)}`,
      "",
      `| ${HEAD.join(" | ")} |`,
      `| ${HEAD.map(() => "---").join(" | ")} |`,
      ...rows(r).map((cells) => `| ${cells.map(markdownText).join(" | ")} |`),
      "",
      "Bands: 2023 Accelerate State of DevOps report clusters (elite, high, medium, low).",
      ...(chart ? ["", `![Changes deployed per week, failed ones in red](${encodeURI(chart)})`] : []),
    ].join("\n");
  return `${wrapIndented(title, layout.width)}\n${layoutTable(HEAD, rows(r), layout, { keep: [0] })}`;
}

/** Runs `cicd dora`: exit 0 with the report, 2 on bad input (named), GitHub errors thrown. */
export async function runDora(opts: DoraOptions): Promise<number> {
  try {
    const r = await doraReport(opts);
    if (opts.chart)
      writeOutputFile(opts.chart, deploymentsChart(r.weeks, `Changes deployed per week: ${titleOf(r)}`));
    const chart = opts.chart ? path.basename(opts.chart) : undefined;
    console.log(renderDora(r, opts.format, chart, layoutFor(opts.color)));
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 2;
  }
}
