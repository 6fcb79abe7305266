/**
 * The text of the files of a governed repository: the pull request template and CODEOWNERS, which the program
 * manages (CC-BR-11), and the incident issue template (PLAY 6), which `cicd incident --template` prints for a pull
 * request (the program writes files only into a repository it creates, before its ruleset forbids direct pushes:
 * a new managed file would be refused on every repository created before it). No Pulumi import here: `cicd
 * incident` renders its issue body from the same sections without loading the SDK.
 */
import { INCIDENT_SECTIONS, PR_TEMPLATE_SECTIONS } from "../policy-pack/lib/facts";

/** The managed pull request template: one `## ` heading per section of CONST "Documentation & Roles". */
export function pullRequestTemplate(): string {
  return [
    '<!-- Managed by cicd-constitution (CONST "Documentation & Roles"): change it through a pull request. -->',
    "",
    ...PR_TEMPLATE_SECTIONS.flatMap((section) => [`## ${section}`, ""]),
  ].join("\n");
}

/** The label of incident issues: the template sets it, `cicd incident` finds the open ones by it. */
export const INCIDENT_LABEL = "incident";

/**
 * What each incident section asks for, the Timeline and the Fix plan as their first lines (PLAY "6) Rollback
 * playbook", steps 5 to 7). The managed template and `cicd incident`'s issue body are both rendered from it.
 */
export const INCIDENT_SECTION_HINTS: Record<(typeof INCIDENT_SECTIONS)[number], string[]> = {
  Impact: ["_Who and what was affected, since when, how badly (error rate, latency, failed requests)._"],
  Timeline: ["- YYYY-MM-DDTHH:MM:SSZ: what happened (the rollback's marker, the run)"],
  "Suspected Cause": ["_The change, config or dependency suspected, and the evidence._"],
  "Fix plan": [
    "- [ ] fix forward or hold decided (PLAY 6, step 6)",
    "- [ ] CHANGELOG and release notes updated (PLAY 6, step 7)",
  ],
};

/**
 * The incident issue template (`.github/ISSUE_TEMPLATE/incident.md` of an app repository): GitHub's front matter
 * (name, about, title, the `incident` label) and one `## ` heading per section of PLAY 6 step 5.
 */
export function incidentTemplate(): string {
  return [
    "---",
    "name: Incident",
    'about: "PLAY 6 step 5: impact, timeline, suspected cause and fix plan of a rollback or an outage"',
    'title: "Incident: APP in STACK: what happened"',
    `labels: ${INCIDENT_LABEL}`,
    "---",
    "",
    "<!-- From cicd-constitution (cicd incident --template): the sections cicd incident fills. -->",
    "",
    ...INCIDENT_SECTIONS.flatMap((section) => [`## ${section}`, ...INCIDENT_SECTION_HINTS[section], ""]),
  ].join("\n");
}

/** The managed CODEOWNERS: every path owned by `owners`. */
export function codeOwnersFile(owners: string[]): string {
  return [
    "# Managed by cicd-constitution: main requires a code owner's review (CC-BR-11).",
    `* ${owners.join(" ")}`,
    "",
  ].join("\n");
}
