/**
 * `cicd release` in a real git repository (a temporary one): VERSION, the CHANGELOG section, the release commit,
 * the annotated tag, and the GitHub Release through Octokit against a local server speaking GitHub's REST API.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { git, releasedRepository } from "../git";
import { mergedRelease, release, releaseTitle, runRelease } from "../../src/release/command";
import { githubServer } from "../deploy/servers";
import { cleanTempDirs, tempDir } from "../temp";

/** A repository with one release tag and commits after it. */
function repository(messages: string[]): string {
  return releasedRepository(
    tempDir("release"),
    { "CHANGELOG.md": "# Changelog\n\n## mvp-0.4.2 - 2026-11-30\n\n### Fixed\n\n- x (1234567)\n" },
    messages.map((message, i) => ({ message, file: `f${i}.txt`, content: message })),
  );
}

describe("cicd release", function () {
  after(cleanTempDirs);

  it("bumps VERSION, adds the CHANGELOG section, commits and tags, and creates the GitHub Release", async () => {
    const dir = repository(["fix: rounding of totals", "feat(menu): weekly plan", "chore: deps"]);
    const github = await githubServer();
    try {
      const r = await release({
        dir,
        date: "2026-12-05",
        githubRelease: true,
        repository: "surlefeu/erp-berhan",
        githubToken: "ghs_localtesttoken",
        githubApiUrl: github.url,
      });
      assert.equal(r.tag, "mvp-0.5.0");
      assert.equal(fs.readFileSync(path.join(dir, "VERSION"), "utf8"), "mvp-0.5.0\n");
      const changelog = fs.readFileSync(path.join(dir, "CHANGELOG.md"), "utf8");
      assert.match(
        changelog,
        /^# Changelog\n\n## mvp-0\.5\.0 - 2026-12-05\n\n### Added\n\n- \*\*menu\*\*: weekly plan \([0-9a-f]{7}\)\n\n### Fixed\n\n- rounding of totals/,
      );
      assert.ok(changelog.indexOf("## mvp-0.5.0") < changelog.indexOf("## mvp-0.4.2"));
      assert.equal(git(dir, "log", "-1", "--format=%s"), "chore(release): bump version to mvp-0.5.0");
      assert.equal(git(dir, "cat-file", "-t", "mvp-0.5.0"), "tag", "an annotated tag");
      assert.equal(git(dir, "rev-list", "-n1", "mvp-0.5.0"), git(dir, "rev-parse", "HEAD"));
      assert.match(git(dir, "tag", "-l", "--format=%(contents)", "mvp-0.5.0"), /### Added/);
      assert.deepEqual(
        github.releases.map((x) => [x.repo, x.tag_name, x.name]),
        [["surlefeu/erp-berhan", "mvp-0.5.0", "mvp-0.5.0"]],
      );
      assert.equal(github.releases[0].body, r.notes);
      // The release itself is a chore: nothing more to release.
      assert.equal((await release({ dir })).tag, undefined);
    } finally {
      await github.close();
    }
  });

  it("a dry run says what it would release and changes nothing; a dirty tree is refused with exit 2", async () => {
    const dir = repository(["fix: a"]);
    const head = git(dir, "rev-parse", "HEAD");
    const dry = await release({ dir, dryRun: true, date: "2026-12-05" });
    assert.equal(dry.tag, "mvp-0.4.3");
    assert.equal(git(dir, "rev-parse", "HEAD"), head);
    assert.equal(git(dir, "tag", "-l", "mvp-0.4.3"), "");
    fs.writeFileSync(path.join(dir, "f0.txt"), "edited");
    assert.equal(await runRelease({ dir }), 2);
    assert.equal(git(dir, "rev-parse", "HEAD"), head);
  });

  it("counts from release tags only, and refuses a next tag that exists on another branch before writing", async () => {
    const dir = repository(["fix: a"]);
    git(dir, "tag", "-a", "mvp-0.4.3-rc.1", "-m", "rc");
    assert.equal(
      (await release({ dir, dryRun: true })).tag,
      "mvp-0.4.3",
      "the rc tag is not the last release",
    );
    const head = git(dir, "rev-parse", "HEAD");
    git(dir, "switch", "-q", "-c", "side");
    fs.writeFileSync(path.join(dir, "side.txt"), "x");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "fix: side");
    git(dir, "tag", "-a", "mvp-0.4.3", "-m", "side");
    git(dir, "switch", "-q", "main");
    assert.equal(await runRelease({ dir }), 2);
    assert.equal(git(dir, "rev-parse", "HEAD"), head, "no release commit was made");
  });

  it("release.yml's path: --prepare writes the files only; the squash-merged commit is found by --merged with its notes", async () => {
    const dir = repository(["feat: menus", "fix: totals"]);
    const head = git(dir, "rev-parse", "HEAD");
    assert.deepEqual(mergedRelease(dir), { reason: "HEAD is not a release commit: fix: totals" });
    const prepared = await release({ dir, prepare: true, date: "2026-12-06" });
    assert.equal(prepared.tag, "mvp-0.5.0");
    assert.equal(git(dir, "rev-parse", "HEAD"), head, "no commit");
    assert.equal(git(dir, "tag", "-l", "mvp-0.5.0"), "", "no tag");
    assert.deepEqual(git(dir, "diff", "--name-only").split("\n"), ["CHANGELOG.md", "VERSION"]);
    // GitHub's squash merge of the release pull request: its title and the pull request number.
    git(dir, "commit", "-q", "-am", `${releaseTitle("mvp-0.5.0")} (#42)`);
    const merged = mergedRelease(dir);
    assert.ok("tag" in merged, JSON.stringify(merged));
    assert.equal(merged.tag, "mvp-0.5.0");
    assert.equal(merged.notes, prepared.notes);
    assert.doesNotMatch(merged.notes, /mvp-0\.4\.2/, "the newer section only");
    git(dir, "tag", "-a", "mvp-0.5.0", "-m", merged.notes);
    assert.deepEqual(mergedRelease(dir), { reason: "mvp-0.5.0 is already tagged" });
  });

  it("--merged fails (exit 1) when the tag already exists on another commit, made outside release.yml", async () => {
    const dir = repository(["feat: menus"]);
    await release({ dir, prepare: true, date: "2026-12-06" });
    // A writer tags an unreviewed commit with the coming release's name before release.yml runs.
    git(dir, "tag", "-a", "mvp-0.5.0", "-m", "not the release", "HEAD");
    git(dir, "commit", "-q", "-am", releaseTitle("mvp-0.5.0"));
    const merged = mergedRelease(dir);
    assert.ok("conflict" in merged, JSON.stringify(merged));
    assert.match(
      merged.reason,
      /^mvp-0\.5\.0 already exists on [0-9a-f]{12}, not on this release commit [0-9a-f]{12}/,
    );
    const errors: string[] = [];
    const [log, error] = [console.log, console.error];
    console.log = () => undefined;
    console.error = (m: string) => errors.push(m);
    try {
      assert.equal(await runRelease({ dir, merged: true }), 1);
    } finally {
      [console.log, console.error] = [log, error];
    }
    assert.match(errors.join("\n"), /made outside release\.yml/);
  });

  it("--merged refuses a release commit whose VERSION or CHANGELOG does not match its subject", async () => {
    const dir = repository([]);
    fs.writeFileSync(path.join(dir, "VERSION"), "mvp-0.4.9\n");
    git(dir, "commit", "-q", "-am", releaseTitle("mvp-0.5.0"));
    assert.deepEqual(mergedRelease(dir), {
      reason: "VERSION holds mvp-0.4.9, the commit releases mvp-0.5.0",
    });
    fs.writeFileSync(path.join(dir, "VERSION"), "mvp-0.5.0\n");
    git(dir, "commit", "-q", "-am", releaseTitle("mvp-0.5.0"));
    assert.deepEqual(mergedRelease(dir), { reason: "CHANGELOG.md has no section for mvp-0.5.0" });
    git(dir, "commit", "-q", "--allow-empty", "-m", releaseTitle("v1.0"));
    assert.deepEqual(mergedRelease(dir), {
      reason: "HEAD is not a release commit: chore(release): bump version to v1.0",
    });
    assert.equal(await runRelease({ dir, prepare: true, dryRun: true }), 2);
  });
});
