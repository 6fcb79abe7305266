/**
 * `cicd incident --stack S --app APP [--marker TEXT] [--run-url URL]`: PLAY 6 step 5, "open an incident issue with
 * Impact, Timeline, Suspected Cause, Fix plan", on the app's own repository (Octokit, `GITHUB_TOKEN` with
 * issues: write there). The body is the playbook's template, its Timeline started with what is known (when, the
 * rollback's marker, the run); labelled `incident`. One open incident per title: a second call for the same
 * marker comments on the open issue instead of opening another.
 */
import type { Octokit } from "@octokit/rest";
import { INCIDENT_LABEL, INCIDENT_SECTION_HINTS } from "../../components/templates";
import { INCIDENT_SECTIONS } from "../../policy-pack/lib/facts";
import { ConfigError } from "../config/model";
import { githubClient } from "./github";
import { stackApp } from "./targets";

/** Options of {@link openIncident}. */
export interface IncidentOptions {
  stack: string;
  app: string;
  /** What happened, as the deploy marker says it (`ROLLBACK mvp-0.5.0 -> mvp-0.4.2`). Default: `incident`. */
  marker?: string;
  /** The workflow run or pull request that acted, linked from the Timeline. Default: none. */
  runUrl?: string;
  /** Project directory (stack files). Default `.`. */
  dir?: string;
  /** "Now", for the Timeline. Default: now. */
  now?: Date;
  github?: Octokit;
}

/** The issue the command opened or commented on. */
export interface IncidentResult {
  repository: string;
  number: number;
  url: string;
  /** Whether an open issue of the same title was commented on rather than a new one opened. */
  existing: boolean;
}

/** The issue's title: the app, the environment and what happened. */
export const incidentTitle = (app: string, stack: string, marker = "incident"): string =>
  `Incident: ${app} in ${stack}: ${marker}`;

/**
 * The issue body: the managed template's sections (components/RepositoryGovernance.ts, PLAY 6 step 5), the
 * Timeline started with the first entry.
 */
export function incidentBody(o: {
  app: string;
  stack: string;
  marker: string;
  at: string;
  runUrl?: string;
}): string {
  const first = `- ${o.at}: ${o.marker}${o.runUrl ? ` (${o.runUrl})` : ""}`;
  return [
    `Opened by \`cicd incident\` for **${o.app}** in **${o.stack}** (PLAY "6) Rollback playbook", step 5).`,
    "",
    ...INCIDENT_SECTIONS.flatMap((section) => [
      `## ${section}`,
      ...(section === "Timeline" ? [first] : INCIDENT_SECTION_HINTS[section]),
      "",
    ]),
  ].join("\n");
}

/**
 * Opens the incident issue on the app's repository, or comments on the open one of the same title.
 *
 * @throws ConfigError naming the stack and the key for an unknown app or an invalid stack file.
 */
export async function openIncident(opts: IncidentOptions): Promise<IncidentResult> {
  const { model, app } = stackApp(opts.dir ?? ".", opts.stack, opts.app);
  const [owner, repo] = [model.githubOwner, app.repository.name];
  const github = opts.github ?? githubClient(process.env.GITHUB_TOKEN);
  const marker = opts.marker ?? "incident";
  const title = incidentTitle(app.name, opts.stack, marker);
  const at = (opts.now ?? new Date()).toISOString();
  const open = await github.paginate(github.rest.issues.listForRepo, {
    owner,
    repo,
    state: "open",
    labels: INCIDENT_LABEL,
    per_page: 100,
  });
  const same = open.find((i) => i.title === title);
  if (same) {
    await github.rest.issues.createComment({
      owner,
      repo,
      issue_number: same.number,
      body: `- ${at}: ${marker} again${opts.runUrl ? ` (${opts.runUrl})` : ""}`,
    });
    return { repository: `${owner}/${repo}`, number: same.number, url: same.html_url, existing: true };
  }
  const { data } = await github.rest.issues.create({
    owner,
    repo,
    title,
    labels: [INCIDENT_LABEL],
    body: incidentBody({ app: app.name, stack: opts.stack, marker, at, runUrl: opts.runUrl }),
  });
  return { repository: `${owner}/${repo}`, number: data.number, url: data.html_url, existing: false };
}

/** Runs `cicd incident`: exit 0 with the issue's URL; 2 on bad input or a refused request (message why). */
export async function runIncident(opts: IncidentOptions): Promise<number> {
  try {
    const r = await openIncident(opts);
    console.error(`${r.existing ? "commented on" : "opened"} ${r.repository}#${r.number}`);
    console.log(r.url);
    return 0;
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (err instanceof ConfigError) console.error(err.message);
    else if (status) console.error(`cicd incident: GitHub answered ${status}: ${(err as Error).message}`);
    else throw err;
    return 2;
  }
}
