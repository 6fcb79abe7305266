/**
 * `cicd dora` against a local server speaking GitHub's REST API (test/deploy/servers.ts), holding the recorded
 * history of test/dora/history.ts: the metrics read back through Octokit are the hand-checked ones.
 */
import { strict as assert } from "node:assert";
import { doraReport, renderDora } from "../../src/dora/command";
import { runCli } from "../../src/cli/main";
import { githubServer } from "../deploy/servers";
import { ROOT } from "../helpers";
import { HISTORY, WINDOW } from "./history";
import * as fs from "node:fs";
import * as path from "node:path";
import { cleanTempDirs, tempDir } from "../temp";

describe("cicd dora", function () {
  let github: Awaited<ReturnType<typeof githubServer>>;
  before(async () => {
    github = await githubServer({
      deployments: [
        ...HISTORY.map((d) => ({
          repo: "surlefeu/erp-berhan",
          ref: d.sha,
          environment: "production",
          payload: { digest: d.digest, sha: d.sha },
          created_at: d.createdAt,
          statuses: [
            { state: "in_progress", created_at: d.createdAt },
            { state: d.state!, created_at: d.statusAt },
          ],
        })),
        // Outside the window, and another environment: not counted.
        {
          repo: "surlefeu/erp-berhan",
          ref: "e".repeat(40),
          environment: "production",
          payload: { digest: `sha256:${"e".repeat(64)}` },
          created_at: "2026-10-20T00:00:00Z",
          statuses: [{ state: "failure", created_at: "2026-10-20T00:10:00Z" }],
        },
        {
          repo: "surlefeu/erp-berhan",
          ref: "f".repeat(40),
          environment: "staging",
          payload: { digest: `sha256:${"f".repeat(64)}` },
          created_at: "2026-11-04T00:00:00Z",
          statuses: [{ state: "failure", created_at: "2026-11-04T00:10:00Z" }],
        },
      ],
      commits: Object.fromEntries(HISTORY.map((d) => [d.sha, d.committedAt!])),
    });
  });
  after(() => github.close());

  it("reads production's deployments of the window and gives the hand-checked metrics per app and overall", async () => {
    const report = await doraReport({
      stack: "production",
      dir: ROOT,
      format: "json",
      ...WINDOW,
      githubToken: "ghs_localtesttoken",
      githubApiUrl: github.url,
    });
    const erp = report.apps["erp-berhan"];
    assert.deepEqual(
      [
        erp.deployments,
        erp.deploymentsPerWeek,
        erp.leadTimeHours,
        erp.changeFailurePercent,
        erp.timeToRestoreHours,
      ],
      [5, 2, 17, 40, 4],
    );
    assert.deepEqual(report.overall, erp, "menu-optimizer deployed nothing");
    assert.equal(report.apps["menu-optimizer"].deployments, 0);
    const markdown = renderDora(report, "markdown");
    assert.match(
      markdown,
      /\| erp-berhan \| 2\.00\/week \(high\) \| 17\.0 h \(elite\) \| 40\.0 % \(low\) 2\/5 \| 4\.0 h \(high\) \|/,
    );
    assert.match(
      renderDora(report, "table"),
      /DORA metrics of production \(production\), 2026-11-01 to 2026-11-15/,
    );
  });

  it("refuses a window that ends before it starts, and a missing token, naming the key", async () => {
    await assert.rejects(
      doraReport({
        stack: "production",
        dir: ROOT,
        format: "json",
        since: "2026-11-15",
        until: "2026-11-01",
        githubToken: "x",
      }),
      /--since: expected a day before --until \(2026-11-01\), found 2026-11-15/,
    );
    const saved = process.env.GITHUB_TOKEN;
    delete process.env.GITHUB_TOKEN;
    try {
      await assert.rejects(
        doraReport({ stack: "production", dir: ROOT, format: "json", ...WINDOW }),
        /GITHUB_TOKEN: expected a token that reads the app repositories' deployments/,
      );
    } finally {
      if (saved !== undefined) process.env.GITHUB_TOKEN = saved;
    }
  });

  it("the command exits 0 with the table and 2 without a token", async () => {
    const saved = process.env.GITHUB_TOKEN;
    try {
      delete process.env.GITHUB_TOKEN;
      assert.equal(
        await runCli(["dora", "--dir", ROOT, "--since", WINDOW.since, "--until", WINDOW.until]),
        2,
      );
      process.env.GITHUB_TOKEN = "ghs_localtesttoken";
      process.env.GITHUB_API_URL = github.url;
      assert.equal(
        await runCli(["dora", "--dir", ROOT, "--since", WINDOW.since, "--until", WINDOW.until]),
        0,
      );
    } finally {
      delete process.env.GITHUB_API_URL;
      if (saved === undefined) delete process.env.GITHUB_TOKEN;
      else process.env.GITHUB_TOKEN = saved;
    }
  });

  it("--chart writes the weekly SVG beside the Markdown, which links it", async () => {
    const dir = tempDir("dora-chart");
    const chart = path.join(dir, "dora chart.svg");
    const out: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void out.push(a.join(" "));
    process.env.GITHUB_TOKEN = "ghs_localtesttoken";
    process.env.GITHUB_API_URL = github.url;
    try {
      const args = [
        "dora",
        "--dir",
        ROOT,
        "--since",
        WINDOW.since,
        "--until",
        WINDOW.until,
        "--format",
        "markdown",
      ];
      assert.equal(await runCli([...args, "--chart", chart]), 0);
    } finally {
      console.log = log;
      delete process.env.GITHUB_API_URL;
      delete process.env.GITHUB_TOKEN;
    }
    assert.match(fs.readFileSync(chart, "utf8"), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(out.join("\n"), /!\[Changes deployed per week, failed ones in red\]\(dora%20chart\.svg\)/);
    cleanTempDirs();
  });
});
