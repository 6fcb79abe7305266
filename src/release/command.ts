/**
 * `cicd release [--dry-run] [--github-release]`: PLAY "1) Version bump", "2) Changelog", "3) Tag" and "Release
 * notes" as one command, run on `main`. From the commits since the last `mvp-*` tag reachable from HEAD
 * (src/release/notes.ts): the next `mvp-X.Y.Z`, `VERSION` set to it, its section added on top of `CHANGELOG.md`,
 * the commit `chore(release): bump version to mvp-X.Y.Z`, the annotated tag on that commit with the notes, and with
 * `--github-release` a GitHub Release of the tag with the same notes (Octokit; `GITHUB_TOKEN`, contents: write).
 * Nothing is pushed. `--prepare` writes VERSION and the CHANGELOG only (release.yml opens them as a pull request:
 * `main` takes no direct push); `--merged` says whether HEAD is a merged release commit still to tag, with its
 * notes (release.yml then tags it and creates the GitHub Release with git and gh alone).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as semver from "semver";
import { githubClient } from "../deploy/github";
import { RELEASE_TAG_PATTERN } from "../../policy-pack/lib/facts";
import { changelogSection, Commit, nextTag, TAG_PREFIX, withSection } from "./notes";

/** Options of {@link release}. */
export interface ReleaseOptions {
  /** The git checkout. Default `.`. */
  dir?: string;
  /** The release date, `YYYY-MM-DD`. Default: today (UTC). */
  date?: string;
  /** Print what would happen and change nothing. */
  dryRun?: boolean;
  /**
   * Write `VERSION` and the CHANGELOG section only: no commit, no tag (release.yml opens them as the release pull
   * request, since `main` takes no direct push).
   */
  prepare?: boolean;
  /** Also create the GitHub Release of the tag. */
  githubRelease?: boolean;
  /** `OWNER/NAME` of the GitHub Release. Default `GITHUB_REPOSITORY`. */
  repository?: string;
  githubToken?: string;
  githubApiUrl?: string;
}

/** What a release did (or would do). */
export interface ReleaseResult {
  previous?: string;
  tag?: string;
  notes: string;
  commits: number;
  releaseUrl?: string;
}

/** A release could not be made as asked: the message says why and what to do. */
export class ReleaseError extends Error {}

function git(dir: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new ReleaseError(`git ${args.join(" ")}: ${(err.stderr || err.message).trim()}`);
  }
}

/** The newest `mvp-X.Y.Z` tag reachable from HEAD, by SemVer order; undefined before the first release. */
export function lastReleaseTag(dir: string): string | undefined {
  const tags = git(dir, ["tag", "--list", `${TAG_PREFIX}*`, "--merged", "HEAD"])
    .split("\n")
    .map((t) => t.trim())
    // Release tags only: a pre-release tag (mvp-0.3.0-rc.1) is not a release to count from.
    .filter((t) => RELEASE_TAG_PATTERN.test(t));
  return tags.sort((a, b) => semver.rcompare(a.slice(TAG_PREFIX.length), b.slice(TAG_PREFIX.length)))[0];
}

/** The commits after `since` up to HEAD (all of HEAD's history before the first release), newest first. */
export function commitsSince(dir: string, since: string | undefined): Commit[] {
  const range = since ? [`${since}..HEAD`] : ["HEAD"];
  return git(dir, ["log", "--format=%H%x1f%B%x1e", ...range])
    .split("\x1e")
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => {
      const [sha, message] = r.split("\x1f");
      return { sha, message: message ?? "" };
    });
}

/**
 * Makes the next release in the checkout (or says what it would be).
 *
 * @throws ReleaseError when the working tree has changes (the release commit would take them), or git refuses.
 */
export async function release(opts: ReleaseOptions): Promise<ReleaseResult> {
  const dir = opts.dir ?? ".";
  const previous = lastReleaseTag(dir);
  const commits = commitsSince(dir, previous);
  const tag = nextTag(previous, commits);
  if (!tag) return { previous, notes: "", commits: commits.length };
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  const notes = changelogSection(tag, date, commits);
  if (opts.dryRun) return { previous, tag, notes, commits: commits.length };
  if (git(dir, ["status", "--porcelain"]).trim())
    throw new ReleaseError("the working tree has changes: commit or stash them, then release");
  // Checked before anything is written: a tag of that name on another branch would fail after the commit.
  if (git(dir, ["tag", "--list", tag]).trim())
    throw new ReleaseError(
      `tag ${tag} already exists but is not reachable from HEAD (another branch?): release from main, or remove it`,
    );
  writeReleaseFiles(dir, tag, notes);
  if (opts.prepare) return { previous, tag, notes, commits: commits.length };
  git(dir, ["add", "VERSION", "CHANGELOG.md"]);
  git(dir, ["commit", "-m", releaseTitle(tag)]);
  // Verbatim: git would drop the notes' Markdown headings as comment lines.
  git(dir, ["tag", "-a", tag, "--cleanup=verbatim", "-m", notes]);
  const releaseUrl = opts.githubRelease ? await githubRelease(opts, tag, notes) : undefined;
  return { previous, tag, notes, commits: commits.length, releaseUrl };
}

/** The subject of a release commit (PLAY "1) Version bump"). */
export const releaseTitle = (tag: string): string => `chore(release): bump version to ${tag}`;

/** `VERSION` set to `tag`, and the release's section on top of `CHANGELOG.md` (the file made when missing). */
function writeReleaseFiles(dir: string, tag: string, notes: string): void {
  const changelog = path.join(dir, "CHANGELOG.md");
  fs.writeFileSync(path.join(dir, "VERSION"), `${tag}\n`);
  fs.writeFileSync(
    changelog,
    withSection(fs.existsSync(changelog) ? fs.readFileSync(changelog, "utf8") : "", notes),
  );
}

/** A merged release commit: the tag it releases and its notes, as the CHANGELOG holds them. */
export interface MergedRelease {
  tag: string;
  notes: string;
}

/**
 * Whether HEAD is a merged release commit that still needs its tag: its subject is the release title (GitHub's
 * squash merge may add ` (#N)`), `VERSION` names the same `mvp-X.Y.Z`, `CHANGELOG.md` has its section, and no
 * such tag exists yet.
 *
 * @returns the tag and its notes, or a reason why HEAD is not one.
 */
export function mergedRelease(dir: string): MergedRelease | { reason: string; conflict?: true } {
  const subject = git(dir, ["log", "-1", "--format=%s"]).trim();
  const m = /^chore\(release\): bump version to (\S+?)(?: \(#\d+\))?$/.exec(subject);
  if (!m || !RELEASE_TAG_PATTERN.test(m[1])) return { reason: `HEAD is not a release commit: ${subject}` };
  const tag = m[1];
  const version = fs.existsSync(path.join(dir, "VERSION"))
    ? fs.readFileSync(path.join(dir, "VERSION"), "utf8").trim()
    : "";
  if (version !== tag) return { reason: `VERSION holds ${version || "nothing"}, the commit releases ${tag}` };
  if (git(dir, ["tag", "--list", tag]).trim()) {
    const [tagged, head] = [`${tag}^{commit}`, "HEAD"].map((r) => git(dir, ["rev-parse", r]).trim());
    if (tagged === head) return { reason: `${tag} is already tagged` };
    // A tag of this name made outside release.yml, on another commit: the tag ruleset keeps it from being moved,
    // so the release would silently point elsewhere. Said as a failure, not as "nothing to do".
    return {
      reason: `${tag} already exists on ${tagged.slice(0, 12)}, not on this release commit ${head.slice(0, 12)}: it was made outside release.yml; remove it (the tag ruleset's admins) or release the next version`,
      conflict: true,
    };
  }
  const changelog = fs.existsSync(path.join(dir, "CHANGELOG.md"))
    ? fs.readFileSync(path.join(dir, "CHANGELOG.md"), "utf8")
    : "";
  const start = changelog.search(new RegExp(`^## ${tag.replace(/\./g, "\\.")} `, "m"));
  if (start < 0) return { reason: `CHANGELOG.md has no section for ${tag}` };
  const end = changelog.slice(start + 3).search(/^## /m);
  const notes = (end < 0 ? changelog.slice(start) : changelog.slice(start, start + 3 + end)).trimEnd() + "\n";
  return { tag, notes };
}

/** The GitHub Release of the tag, titled with it, its body the notes (PLAY "Release notes"). */
async function githubRelease(opts: ReleaseOptions, tag: string, notes: string): Promise<string> {
  const token = opts.githubToken ?? process.env.GITHUB_TOKEN;
  const repository = opts.repository ?? process.env.GITHUB_REPOSITORY;
  if (!token || !repository || !/^[^/]+\/[^/]+$/.test(repository))
    throw new ReleaseError(
      "--github-release needs GITHUB_TOKEN (contents: write) and GITHUB_REPOSITORY (OWNER/NAME)",
    );
  const [owner, repo] = repository.split("/");
  const { data } = await githubClient(token, opts.githubApiUrl).rest.repos.createRelease({
    owner,
    repo,
    tag_name: tag,
    // The release commit: GitHub creates a missing tag there, never on the default branch's head.
    target_commitish: git(opts.dir ?? ".", ["rev-parse", "HEAD"]).trim(),
    name: tag,
    body: notes,
  });
  return data.html_url;
}

/**
 * Runs `cicd release`: exit 0 released, prepared (or nothing to release, said so), 2 when it cannot (message why).
 * With `merged`, prints {@link mergedRelease}'s answer as JSON and exits 0, or 1 when the tag already exists on
 * another commit.
 */
export async function runRelease(opts: ReleaseOptions & { merged?: boolean }): Promise<number> {
  try {
    if (opts.merged) {
      // release.yml's tag job reads this JSON: the tag and notes to create, or why there is none.
      const merged = mergedRelease(opts.dir ?? ".");
      console.log(JSON.stringify(merged));
      if ("conflict" in merged) {
        console.error(`cicd release: ${merged.reason}`);
        return 1;
      }
      return 0;
    }
    if (opts.prepare && (opts.dryRun || opts.githubRelease))
      throw new ReleaseError(
        "--prepare writes VERSION and CHANGELOG.md only: without --dry-run or --github-release",
      );
    const r = await release(opts);
    if (!r.tag) {
      console.error(
        `nothing to release: no feature or fix among ${r.commits} commit(s) since ${r.previous ?? "the start"}`,
      );
      return 0;
    }
    console.error(
      `${opts.dryRun ? "would release" : opts.prepare ? "prepared" : "released"} ${r.tag} (after ${r.previous ?? "no release"}, ${r.commits} commit(s))${r.releaseUrl ? `: ${r.releaseUrl}` : ""}`,
    );
    console.log(r.notes);
    return 0;
  } catch (err) {
    if (!(err instanceof ReleaseError)) throw err;
    console.error(`cicd release: ${err.message}`);
    return 2;
  }
}
