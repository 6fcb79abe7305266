/**
 * A release's version and notes from the commits since the last release tag (PLAY "1) Version bump", "2) Changelog";
 * CONST "Branching & Flow": tags `mvp-X.Y.Z`). Commit messages are read as Conventional Commits by
 * `@conventional-commits/parser` (the parser release-please uses); versions are bumped by `semver`. Pre-1.0, as
 * the playbook says: a feature or a breaking change bumps Y, a fix bumps Z; anything else alone releases nothing.
 */
import { parser, toConventionalChangelogFormat } from "@conventional-commits/parser";
import * as semver from "semver";
import { RELEASE_TAG_PATTERN } from "../../policy-pack/lib/facts";

/** A commit since the last release: its SHA and full message. */
export interface Commit {
  sha: string;
  message: string;
}

/** The Keep a Changelog sections the playbook names, in its order. */
export const SECTIONS = ["Added", "Changed", "Fixed", "Removed", "Security"] as const;
export type Section = (typeof SECTIONS)[number];

/** One commit as the notes list it. */
export interface Entry {
  section: Section;
  text: string;
  sha: string;
  breaking: boolean;
}

/** How a commit bumps the version: `minor` (Y), `patch` (Z) or not at all. */
export type Bump = "minor" | "patch" | undefined;

/** The release tag's prefix: tags are `mvp-X.Y.Z`. */
export const TAG_PREFIX = "mvp-";

/** A commit read as a Conventional Commit, or undefined when its header is not one (it releases nothing). */
export function entryOf(c: Commit): (Entry & { bump: Bump }) | undefined {
  let parsed: ReturnType<typeof toConventionalChangelogFormat>;
  try {
    parsed = toConventionalChangelogFormat(parser(c.message.trim()));
  } catch {
    return undefined;
  }
  const type = parsed.type.toLowerCase();
  const breaking = parsed.notes.some((n) => /^BREAKING[ -]CHANGE$/.test(n.title));
  const security = parsed.scope?.toLowerCase() === "security" || type === "security";
  const section: Section | undefined = security
    ? "Security"
    : type === "feat"
      ? "Added"
      : type === "fix"
        ? "Fixed"
        : type === "revert" || type === "remove"
          ? "Removed"
          : type === "perf" || type === "refactor" || breaking
            ? "Changed"
            : undefined;
  if (!section) return undefined;
  const bump: Bump =
    type === "feat" || breaking
      ? "minor"
      : type === "fix" || security || type === "perf"
        ? "patch"
        : undefined;
  const scope = parsed.scope ? `**${parsed.scope}**: ` : "";
  return { section, text: `${scope}${parsed.subject}`, sha: c.sha, breaking, bump };
}

/**
 * The next release tag after `last` (`mvp-X.Y.Z`; none: this is the first release, `mvp-0.1.0`), or undefined
 * when no commit warrants a release.
 *
 * @throws Error when `last` is not a release tag.
 */
export function nextTag(last: string | undefined, commits: Commit[]): string | undefined {
  const bumps = commits.map((c) => entryOf(c)?.bump);
  const bump: Bump = bumps.includes("minor") ? "minor" : bumps.includes("patch") ? "patch" : undefined;
  if (!bump) return undefined;
  if (last === undefined) return `${TAG_PREFIX}0.1.0`;
  if (!RELEASE_TAG_PATTERN.test(last)) throw new Error(`last release tag ${last}: expected mvp-X.Y.Z`);
  const current = last.slice(TAG_PREFIX.length);
  // Pre-1.0 (PLAY 1): features and breaking changes bump Y, fixes Z; from 1.0 a breaking change would bump X.
  const next =
    semver.major(current) === 0 ? semver.inc(current, bump) : semver.inc(current, bumpFrom1(commits, bump));
  return `${TAG_PREFIX}${next}`;
}

/** From 1.0: a breaking change bumps X (SemVer); a feature Y; a fix Z. */
function bumpFrom1(commits: Commit[], bump: "minor" | "patch"): semver.ReleaseType {
  return commits.some((c) => entryOf(c)?.breaking) ? "major" : bump;
}

/** The CHANGELOG section of a release: `## mvp-X.Y.Z - DATE` and its non-empty sections, newest commit first. */
export function changelogSection(tag: string, date: string, commits: Commit[]): string {
  const entries = commits.map(entryOf).filter((e): e is Entry & { bump: Bump } => !!e);
  const lines = [`## ${tag} - ${date}`, ""];
  for (const section of SECTIONS) {
    const mine = entries.filter((e) => e.section === section);
    if (!mine.length) continue;
    lines.push(`### ${section}`, "");
    for (const e of mine)
      lines.push(`- ${e.breaking ? "**BREAKING** " : ""}${e.text} (${e.sha.slice(0, 7)})`);
    lines.push("");
  }
  return lines.join("\n");
}

/** CHANGELOG.md with `section` inserted above the newest release (after the file's title and preamble). */
export function withSection(changelog: string, section: string): string {
  const text = changelog.trim()
    ? changelog
    : "# Changelog\n\nAll notable changes, newest first (Keep a Changelog).\n";
  const at = text.search(/^## /m);
  return at < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, at)}${section}\n${text.slice(at)}`;
}
