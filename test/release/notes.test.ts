/** Versions and notes from Conventional Commits (src/release/notes.ts), pre-1.0 as the playbook says. */
import { strict as assert } from "node:assert";
import { changelogSection, entryOf, nextTag, withSection } from "../../src/release/notes";

const c = (message: string, sha = "a".repeat(40)) => ({ sha, message });

describe("release notes and versions", () => {
  it("bumps Y for a feature or a breaking change and Z for a fix, before 1.0; nothing for chores alone", () => {
    assert.equal(nextTag("mvp-0.4.2", [c("fix: a"), c("chore: b")]), "mvp-0.4.3");
    assert.equal(nextTag("mvp-0.4.2", [c("fix: a"), c("feat(api): b")]), "mvp-0.5.0");
    assert.equal(nextTag("mvp-0.4.2", [c("refactor!: drop v1")]), "mvp-0.5.0");
    assert.equal(nextTag("mvp-0.4.2", [c("chore: deps"), c("docs: x"), c("not conventional")]), undefined);
    assert.equal(nextTag(undefined, [c("feat: first")]), "mvp-0.1.0");
    // From 1.0, SemVer: a breaking change bumps X.
    assert.equal(nextTag("mvp-1.2.3", [c("feat: x\n\nBREAKING CHANGE: y")]), "mvp-2.0.0");
    assert.throws(() => nextTag("v1.0.0", [c("fix: a")]), /expected mvp-X\.Y\.Z/);
  });

  it("sorts commits into Added, Changed, Fixed, Removed and Security, breaking changes marked", () => {
    const commits = [
      c("feat(menu): weekly plan", "1".repeat(40)),
      c("fix: rounding of totals", "2".repeat(40)),
      c("fix(security): escape tenant names", "3".repeat(40)),
      c("revert: the beta banner", "4".repeat(40)),
      c("perf!: stream the export\n\nBREAKING CHANGE: CSV only", "5".repeat(40)),
      c("chore: bump deps", "6".repeat(40)),
    ];
    assert.equal(
      changelogSection("mvp-0.5.0", "2026-12-05", commits),
      [
        "## mvp-0.5.0 - 2026-12-05",
        "",
        "### Added",
        "",
        "- **menu**: weekly plan (1111111)",
        "",
        "### Changed",
        "",
        "- **BREAKING** stream the export (5555555)",
        "",
        "### Fixed",
        "",
        "- rounding of totals (2222222)",
        "",
        "### Removed",
        "",
        "- the beta banner (4444444)",
        "",
        "### Security",
        "",
        "- **security**: escape tenant names (3333333)",
        "",
      ].join("\n"),
    );
    assert.equal(entryOf(c("chore: x")), undefined);
  });

  it("puts the new section above the newest release, after the title", () => {
    const before = "# Changelog\n\nPreamble.\n\n## mvp-0.4.2 - 2026-11-30\n\n### Fixed\n\n- x (1234567)\n";
    const after = withSection(before, "## mvp-0.5.0 - 2026-12-05\n\n### Added\n\n- y (7654321)\n");
    assert.ok(after.indexOf("## mvp-0.5.0") > after.indexOf("Preamble."));
    assert.ok(after.indexOf("## mvp-0.5.0") < after.indexOf("## mvp-0.4.2"));
    assert.match(withSection("", "## mvp-0.1.0 - d\n"), /^# Changelog\n[\s\S]*\n## mvp-0\.1\.0 - d\n$/);
  });
});
