/**
 * Relative links of Markdown files: each `[text](target)`, `![alt](target)` and `[label]: target` whose target is
 * a path (not a URL, not an anchor of the same page) must name a file or directory that exists, inside the
 * repository: a clone has nothing beside it. Fenced code blocks and inline code spans hold no links. Anchors
 * (`file.md#section`) are not checked.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The Markdown files the repository documents itself with: the README, docs/ and the policy pack's README. */
export function documentationFiles(root: string): string[] {
  const docs = path.join(root, "docs");
  return [
    path.join(root, "README.md"),
    ...fs
      .readdirSync(docs)
      .filter((f) => f.endsWith(".md"))
      .sort()
      .map((f) => path.join(docs, f)),
    path.join(root, "policy-pack", "README.md"),
  ];
}

const INLINE = /!?\[[^\]]*\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/;
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** A link's target as written and the line it is on (1-based). */
export interface Link {
  line: number;
  target: string;
}

/** The links of a Markdown text, outside fenced code blocks and inline code spans. */
export function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  let fence: string | null = null;
  markdown.split("\n").forEach((raw, i) => {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(raw);
    if (fence) {
      if (opening && opening[1][0] === fence[0] && opening[1].length >= fence.length) fence = null;
      return;
    }
    if (opening) {
      fence = opening[1];
      return;
    }
    const line = raw.replace(/(`+)(?:(?!\1).)+?\1/g, "");
    const reference = REFERENCE.exec(line);
    if (reference) links.push({ line: i + 1, target: reference[1] });
    for (const m of line.matchAll(INLINE)) links.push({ line: i + 1, target: m[1] });
  });
  return links;
}

/**
 * The relative links of `file` that do not resolve: `file:line: target (why)`, the file relative to `root`. A
 * target resolving outside `root` counts as broken even when it exists here, since a clone does not have it.
 */
export function brokenLinks(file: string, root: string): string[] {
  const broken: string[] = [];
  for (const { line, target } of linksOf(fs.readFileSync(file, "utf8"))) {
    if (EXTERNAL.test(target) || target.startsWith("#")) continue;
    const pathPart = decodeURIComponent(target.split("#")[0].split("?")[0]);
    const resolved = path.resolve(path.dirname(file), pathPart);
    const where = `${path.relative(root, file)}:${line}: ${target}`;
    const relative = path.relative(root, resolved);
    if (relative.startsWith("..") || path.isAbsolute(relative))
      broken.push(`${where} (outside the repository)`);
    else if (!fs.existsSync(resolved)) broken.push(`${where} (no such file)`);
  }
  return broken;
}
