/**
 * `cicd incident` (src/deploy/incident.ts) through Octokit against a local server speaking GitHub's REST API: the
 * issue opens on the app's own repository with PLAY 6's four sections and the Timeline's first entry, labelled
 * `incident`; the same marker again comments on the open issue; an unknown app is refused naming the apps.
 */
import { strict as assert } from "node:assert";
import { githubClient } from "../../src/deploy/github";
import { incidentTemplate } from "../../components/templates";
import { incidentBody, incidentTitle, openIncident, runIncident } from "../../src/deploy/incident";
import { cicd } from "../cli-harness";
import { ROOT } from "../helpers";
import { githubServer } from "./servers";

describe("cicd incident", function () {
  it("opens the issue on the app's repository, then comments on it for the same marker", async () => {
    const github = await githubServer();
    try {
      const client = githubClient("ghs_localtesttoken", github.url);
      const marker = "ROLLBACK mvp-0.5.0 -> mvp-0.4.2";
      const now = new Date("2026-12-06T02:00:00Z");
      const first = await openIncident({
        stack: "production",
        app: "erp-berhan",
        marker,
        runUrl: "https://example.org/run/1",
        dir: ROOT,
        now,
        github: client,
      });
      assert.deepEqual([first.repository, first.number, first.existing], ["surlefeu/erp-berhan", 1, false]);
      const [issue] = github.opened;
      assert.equal(issue.title, incidentTitle("erp-berhan", "production", marker));
      assert.deepEqual(issue.labels, ["incident"]);
      const headings = issue.body.split("\n").filter((l) => l.startsWith("## "));
      assert.deepEqual(headings, ["## Impact", "## Timeline", "## Suspected Cause", "## Fix plan"]);
      assert.match(
        issue.body,
        /## Timeline\n- 2026-12-06T02:00:00\.000Z: ROLLBACK mvp-0\.5\.0 -> mvp-0\.4\.2 \(https:\/\/example\.org\/run\/1\)/,
      );

      const again = await openIncident({
        stack: "production",
        app: "erp-berhan",
        marker,
        dir: ROOT,
        now,
        github: client,
      });
      assert.deepEqual([again.number, again.existing], [1, true]);
      assert.equal(github.opened.length, 1, "no second issue");
      assert.deepEqual(
        github.comments.map((c) => [c.repo, c.number]),
        [["surlefeu/erp-berhan", 1]],
      );

      const other = await openIncident({
        stack: "staging",
        app: "menu-optimizer",
        dir: ROOT,
        now,
        github: client,
      });
      assert.equal(other.repository, "surlefeu/menu-optimizer");
      assert.equal(other.existing, false);
    } finally {
      await github.close();
    }
  });

  it("an unknown app exits 2 naming the stack's apps; nothing is opened", async () => {
    const github = await githubServer();
    const [error, log] = [console.error, console.log];
    const lines: string[] = [];
    console.error = console.log = (...a: unknown[]) => void lines.push(a.join(" "));
    try {
      const code = await runIncident({
        stack: "production",
        app: "erp",
        dir: ROOT,
        github: githubClient("t", github.url),
      });
      assert.equal(code, 2);
      assert.match(lines.join("\n"), /--app: expected one of erp-berhan, menu-optimizer, found erp/);
      assert.equal(github.opened.length, 0);
    } finally {
      [console.error, console.log] = [error, log];
      await github.close();
    }
  });

  it("--template prints the issue template whose sections the issue body carries; without it --stack and --app are required", async () => {
    const t = await cicd(["incident", "--template"]);
    assert.equal(t.code, 0);
    assert.equal(t.stdout, incidentTemplate());
    const body = incidentBody({
      app: "a",
      stack: "production",
      marker: "ROLLBACK",
      at: "2026-12-06T00:00:00Z",
    });
    const headings = (text: string) => text.split("\n").filter((l) => l.startsWith("## "));
    assert.deepEqual(headings(body), headings(t.stdout));
    const missing = await cicd(["incident", "--app", "erp-berhan"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /required option '--stack <name>' not specified/);
  });
});
