/**
 * `cicd incident` (src/deploy/incident.ts) on an in-memory Octokit: the exact title (default marker `incident`),
 * the exact body (the Timeline's first entry only under Timeline, with the run when given), the exact comment on
 * the open issue of the same title (and only that title), the repository and URL it answers, the stack files read
 * from `dir` (default the working directory), and `runIncident`'s exit 2 with GitHub's status for a refused
 * request while any other error is the caller's.
 */
import * as assert from "node:assert/strict";
import { INCIDENT_SECTION_HINTS } from "../../components/templates";
import { incidentBody, incidentTitle, openIncident, runIncident } from "../../src/deploy/incident";
import { captured, cleanTempDirs, tempDir } from "../cli-harness";
import { type FakeCall, fakeGithub } from "./fakeClients";
import { ROOT } from "../root";

const NOW = new Date("2026-12-06T02:00:00Z");
const AT = "2026-12-06T02:00:00.000Z";
const MARKER = "ROLLBACK mvp-0.5.0 -> mvp-0.4.2";
const URL = "https://github.com/surlefeu/erp-berhan/issues/7";

/** The shared fake GitHub with `open` as the open `incident` issues, `create` answering issue 7, or every call failing. */
function incidentGithub(open: Array<{ number: number; title: string; html_url: string }>, fail?: Error) {
  return fakeGithub({ issues: open, createdIssue: { number: 7, html_url: URL }, fail });
}

/** The calls as `[route, params]` pairs. */
const pairs = (calls: FakeCall[]) => calls.map((c) => [c.route, c.params]);

const LIST = {
  owner: "surlefeu",
  repo: "erp-berhan",
  state: "open",
  labels: "incident",
  per_page: 100,
};

describe("cicd incident (units)", () => {
  after(cleanTempDirs);

  it("the title names the app, the stack and the marker, `incident` by default", () => {
    assert.equal(
      incidentTitle("erp-berhan", "production", MARKER),
      `Incident: erp-berhan in production: ${MARKER}`,
    );
    assert.equal(incidentTitle("erp-berhan", "staging"), "Incident: erp-berhan in staging: incident");
  });

  it("the body: the four sections, the first Timeline entry only under Timeline, the run linked when given", () => {
    const body = (runUrl?: string) =>
      incidentBody({ app: "erp-berhan", stack: "production", marker: MARKER, at: AT, runUrl });
    const expected = (first: string) =>
      [
        'Opened by `cicd incident` for **erp-berhan** in **production** (PLAY "6) Rollback playbook", step 5).',
        "",
        "## Impact",
        ...INCIDENT_SECTION_HINTS.Impact,
        "",
        "## Timeline",
        first,
        "",
        "## Suspected Cause",
        ...INCIDENT_SECTION_HINTS["Suspected Cause"],
        "",
        "## Fix plan",
        ...INCIDENT_SECTION_HINTS["Fix plan"],
        "",
      ].join("\n");
    assert.equal(body(), expected(`- ${AT}: ${MARKER}`));
    assert.equal(
      body("https://example.org/run/1"),
      expected(`- ${AT}: ${MARKER} (https://example.org/run/1)`),
    );
  });

  it("opens a new issue beside an open incident of another marker, reading the stack in the working directory by default", async () => {
    const { github, calls } = incidentGithub([
      { number: 4, title: `Incident: erp-berhan in production: ${MARKER}`, html_url: "x/4" },
    ]);
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      const r = await openIncident({ stack: "production", app: "erp-berhan", now: NOW, github });
      assert.deepEqual(r, { repository: "surlefeu/erp-berhan", number: 7, url: URL, existing: false });
    } finally {
      process.chdir(cwd);
    }
    assert.deepEqual(pairs(calls), [
      ["listForRepo", LIST],
      [
        "create",
        {
          owner: "surlefeu",
          repo: "erp-berhan",
          title: "Incident: erp-berhan in production: incident",
          labels: ["incident"],
          body: incidentBody({ app: "erp-berhan", stack: "production", marker: "incident", at: AT }),
        },
      ],
    ]);
  });

  it("comments on the open issue of the same title, the run linked when given", async () => {
    const open = [
      { number: 3, title: "Incident: erp-berhan in production: incident", html_url: "x/3" },
      { number: 5, title: `Incident: erp-berhan in production: ${MARKER}`, html_url: URL.replace("7", "5") },
    ];
    const { github, calls } = incidentGithub(open);
    const base = { stack: "production", app: "erp-berhan", marker: MARKER, dir: ROOT, now: NOW, github };
    const linked = await openIncident({ ...base, runUrl: "https://example.org/run/2" });
    const bare = await openIncident(base);
    const answer = {
      repository: "surlefeu/erp-berhan",
      number: 5,
      url: URL.replace("7", "5"),
      existing: true,
    };
    assert.deepEqual([linked, bare], [answer, answer]);
    assert.deepEqual(
      pairs(calls).filter(([name]) => name !== "listForRepo"),
      [
        [
          "createComment",
          {
            owner: "surlefeu",
            repo: "erp-berhan",
            issue_number: 5,
            body: `- ${AT}: ${MARKER} again (https://example.org/run/2)`,
          },
        ],
        [
          "createComment",
          { owner: "surlefeu", repo: "erp-berhan", issue_number: 5, body: `- ${AT}: ${MARKER} again` },
        ],
      ],
    );
  });

  it("reads the stack files from dir, not the working directory", async () => {
    const { github } = incidentGithub([]);
    const cwd = process.cwd();
    process.chdir(tempDir("incident-cwd"));
    try {
      const r = await openIncident({ stack: "staging", app: "menu-optimizer", dir: ROOT, now: NOW, github });
      assert.equal(r.repository, "surlefeu/menu-optimizer");
    } finally {
      process.chdir(cwd);
    }
  });

  it("runIncident: a request GitHub refuses exits 2 with its status and message", async () => {
    const refused = Object.assign(new Error("Resource not accessible by integration"), { status: 403 });
    const { github } = incidentGithub([], refused);
    const run = await captured(() =>
      runIncident({ stack: "production", app: "erp-berhan", dir: ROOT, now: NOW, github }),
    );
    assert.deepEqual(run, {
      code: 2,
      stdout: "",
      stderr: "cicd incident: GitHub answered 403: Resource not accessible by integration\n",
    });
  });

  it("runIncident: an error without an HTTP status is not swallowed", async () => {
    const { github } = incidentGithub([], new Error("socket hang up"));
    await assert.rejects(
      captured(() => runIncident({ stack: "production", app: "erp-berhan", dir: ROOT, now: NOW, github })),
      { message: "socket hang up" },
    );
  });
});
