/**
 * The documentation's relative links resolve in a clone (test/docs/links.ts): the README, docs/ and the policy
 * pack's README, and the check itself on a page with broken links.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../root";
import { cleanTempDirs, tempDir } from "../temp";
import { brokenLinks, documentationFiles, linksOf } from "./links";

describe("documentation links", () => {
  after(cleanTempDirs);

  it("every relative link of the README, docs/ and policy-pack/README.md names a file of the repository", () => {
    const files = documentationFiles(ROOT);
    assert.ok(files.some((f) => f.endsWith(path.join("docs", "ARCHITECTURE.md"))));
    assert.deepEqual(
      files.flatMap((f) => brokenLinks(f, ROOT)),
      [],
    );
  });

  it("the README links to every page of docs/", () => {
    const readme = linksOf(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).map((l) => l.target);
    const pages = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
    assert.deepEqual(
      pages.filter((p) => !readme.includes(`docs/${p}`)),
      [],
    );
  });

  it("reports a missing file and a target outside the repository, and ignores URLs, anchors and code", () => {
    const root = tempDir("cicd-links");
    fs.mkdirSync(path.join(root, "docs"));
    fs.writeFileSync(path.join(root, "docs", "there.md"), "# There\n");
    const page = path.join(root, "docs", "page.md");
    fs.writeFileSync(
      page,
      [
        "# Page",
        "[there](there.md#there) and ![picture](../docs/there.md) and [web](https://example.com/x.md)",
        "[same page](#page), `[code](nowhere.md)`, mail [me](mailto:a@example.com)",
        "```md",
        "[fenced](nowhere.md)",
        "```",
        "[gone](missing.md) and [sibling](../../shared/policy-catalogue.md)",
        "[label]: ./also-missing.md",
      ].join("\n"),
    );
    assert.deepEqual(brokenLinks(page, root), [
      "docs/page.md:7: missing.md (no such file)",
      "docs/page.md:7: ../../shared/policy-catalogue.md (outside the repository)",
      "docs/page.md:8: ./also-missing.md (no such file)",
    ]);
  });
});
