/**
 * release.yml followed step by step: the `run:` scripts of its jobs, parsed from the workflow (not copied), run
 * with bash in a real git repository whose `origin` is a local bare repository. `npm run --silent cicd --` is the
 * compiled CLI; `gh` records its arguments. From a dispatch on main to the tag: the release pull request's branch
 * holds VERSION and the CHANGELOG section only, and after its squash merge the tag job tags that merge commit with
 * the same notes and creates the GitHub Release.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { git, setTestIdentity } from "../git";
import { cleanTempDirs, tempDir } from "../temp";
import { readWorkflow, shims, stepRunner } from "./replay";

const workflow = readWorkflow("release.yml");

/** A clone of a bare `origin` with one release tag and a feature and a fix after it. */
/** A clone of a bare `origin`: with one release tag and a feature and a fix after it, or (`first`) no release yet. */
function checkout(root: string, first = false): string {
  const origin = path.join(root, "origin.git");
  git(root, "init", "-q", "--bare", "-b", "main", origin);
  const dir = path.join(root, "work");
  git(root, "clone", "-q", origin, dir);
  setTestIdentity(dir);
  if (first) git(dir, "commit", "-q", "--allow-empty", "-m", "chore: start");
  else {
    fs.writeFileSync(path.join(dir, "CHANGELOG.md"), "# Changelog\n\n## mvp-0.4.2 - 2026-11-30\n\n- x\n");
    fs.writeFileSync(path.join(dir, "VERSION"), "mvp-0.4.2\n");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "chore(release): bump version to mvp-0.4.2");
    git(dir, "tag", "-a", "mvp-0.4.2", "-m", "mvp-0.4.2");
  }
  for (const m of ["feat(menu): weekly plan", "fix: totals"])
    git(dir, "commit", "-q", "--allow-empty", "-m", m);
  git(dir, "push", "-q", "origin", "main", "--tags");
  return dir;
}

describe("release.yml, followed step by step in a real repository", function () {
  this.timeout(60_000);
  after(cleanTempDirs);

  it("dispatch -> release pull request with VERSION and CHANGELOG only -> squash merge -> tag and Release", () => {
    const root = tempDir("release-yml");
    const runStep = stepRunner(workflow, root, shims(root));
    const dir = checkout(root);
    const base = git(dir, "rev-parse", "HEAD");

    const change = runStep("change", "prepare", dir);
    assert.equal(change.tag, "mvp-0.5.0");
    git(dir, "checkout", "-q", "--", ".");

    // The pull-request job: a fresh checkout of main applies the patch and pushes the branch.
    const pr = path.join(root, "pr");
    git(root, "clone", "-q", path.join(root, "origin.git"), pr);
    runStep("pull-request", "Apply the change (VERSION and CHANGELOG.md, nothing else)", pr, {
      PATCH: change.patch,
    });
    runStep("pull-request", "Push and open the release pull request", pr, {
      TAG: change.tag,
      NOTES: change.notes,
    });
    const branch = path.join(root, "origin.git");
    assert.deepEqual(git(branch, "diff", "--name-only", `main`, "release/mvp-0.5.0").split("\n"), [
      "CHANGELOG.md",
      "VERSION",
    ]);
    assert.equal(
      git(branch, "log", "-1", "--format=%s", "release/mvp-0.5.0"),
      "chore(release): bump version to mvp-0.5.0",
    );
    const ghLog = () => fs.readFileSync(path.join(root, "gh.log"), "utf8");
    assert.match(
      ghLog(),
      /^pr create --base main --head release\/mvp-0\.5\.0 --title chore\(release\): bump version to mvp-0\.5\.0 --body-file /,
    );

    // GitHub's squash merge of the pull request onto main: one commit, the title and (#N).
    git(dir, "fetch", "-q", "origin");
    git(dir, "merge", "-q", "--squash", "origin/release/mvp-0.5.0");
    git(dir, "commit", "-q", "-m", "chore(release): bump version to mvp-0.5.0 (#7)");
    git(dir, "push", "-q", "origin", "main");
    const merged = git(dir, "rev-parse", "HEAD");
    assert.notEqual(merged, base);

    const notes = runStep("notes", "merged", dir);
    assert.equal(notes.tag, "mvp-0.5.0");
    assert.equal(
      Buffer.from(notes.notes, "base64").toString(),
      Buffer.from(change.notes, "base64").toString(),
    );
    runStep("tag", "Annotated tag on the merged commit, then its GitHub Release with the same notes", dir, {
      TAG: notes.tag,
      NOTES: notes.notes,
      SHA: merged,
    });
    assert.equal(
      git(branch, "rev-list", "-n1", "mvp-0.5.0"),
      merged,
      "the tag is on the merge commit, in origin",
    );
    assert.equal(git(branch, "cat-file", "-t", "mvp-0.5.0"), "tag", "annotated");
    assert.match(
      git(branch, "tag", "-l", "--format=%(contents)", "mvp-0.5.0"),
      /### Added\n\n- \*\*menu\*\*: weekly plan/,
    );
    assert.match(ghLog(), /\nrelease create mvp-0\.5\.0 --verify-tag --title mvp-0\.5\.0 --notes-file /);

    // The tag's own push: nothing more to tag.
    git(dir, "fetch", "-q", "--tags", "origin");
    assert.deepEqual(runStep("notes", "merged", dir), {});
  });

  it("the first release (no VERSION, no CHANGELOG yet) opens its pull request with both files", () => {
    const root = tempDir("release-yml-first");
    const runStep = stepRunner(workflow, root, shims(root));
    const dir = checkout(root, true);
    const change = runStep("change", "prepare", dir);
    assert.match(change.tag ?? "", /^mvp-\d+\.\d+\.\d+$/, JSON.stringify(change));
    const pr = path.join(root, "pr");
    git(root, "clone", "-q", path.join(root, "origin.git"), pr);
    runStep("pull-request", "Apply the change (VERSION and CHANGELOG.md, nothing else)", pr, {
      PATCH: change.patch,
    });
    runStep("pull-request", "Push and open the release pull request", pr, {
      TAG: change.tag,
      NOTES: change.notes,
    });
    const origin = path.join(root, "origin.git");
    assert.deepEqual(git(origin, "ls-tree", "--name-only", `release/${change.tag}`).split("\n").sort(), [
      "CHANGELOG.md",
      "VERSION",
    ]);
    assert.equal(git(origin, "show", `release/${change.tag}:VERSION`), change.tag);
  });
});
