/**
 * The managed files of a governed repository (CC-BR-11): the pull request template holds every section of
 * CONST "Documentation & Roles"; this repository, which the program adopts (`import`), holds both files exactly
 * as rendered, so importing them changes nothing.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  codeOwnersFile,
  INCIDENT_LABEL,
  INCIDENT_SECTION_HINTS,
  incidentTemplate,
  pullRequestTemplate,
} from "../../components/templates";
import { parse } from "yaml";
import { PR_TEMPLATE_SECTIONS } from "../../policy-pack/lib/facts";
import { parseStackConfig } from "../../src/config/model";
import { readStackFile } from "../../src/config/sources";
import { repositoryStacks, requireShared, ROOT, SHARED } from "../helpers";

describe("managed files", () => {
  it("the stack that owns repositories must name each repository's code owners", () => {
    const source = readStackFile(path.join(ROOT, "Pulumi.production.yaml"));
    const raw = structuredClone(source.raw) as { apps: Array<{ repository: Record<string, unknown> }> };
    delete raw.apps[1].repository.codeOwners;
    assert.throws(
      () => parseStackConfig("production", raw, { secretKeys: source.secretKeys }),
      /cicd-constitution:apps\[1\]\.repository\.codeOwners: expected the repository's code owners/,
    );
  });

  it("a team code owner of a created repository can write to it (GitHub counts only code owners who can); an adopted one keeps its access", async () => {
    const production = (await repositoryStacks()).find((p) => p.plan.stack === "production")!;
    const grants = production.resources
      .filter((r) => r.type === "github:index/teamRepository:TeamRepository")
      .map((r) => `${r.props.repository} ${r.props.teamId} ${r.props.permission}`)
      .sort();
    assert.deepEqual(grants, [
      "erp-berhan erp-team push",
      "erp-berhan release-managers push",
      "menu-optimizer release-managers push",
    ]);
  });

  it("the incident template carries GitHub's front matter with the incident label and PLAY 6 step 5's four sections", function () {
    const text = incidentTemplate();
    const front = parse(/^---\n([\s\S]*?)\n---\n/.exec(text)![1]) as Record<string, string>;
    assert.deepEqual(Object.keys(front), ["name", "about", "title", "labels"]);
    assert.equal(front.labels, INCIDENT_LABEL);
    const headings = text
      .split("\n")
      .filter((l) => l.startsWith("## "))
      .map((l) => l.slice(3));
    assert.deepEqual(headings, ["Impact", "Timeline", "Suspected Cause", "Fix plan"]);
    const file = path.join(SHARED, "constitution/release_playbook.md");
    requireShared(this, file);
    const playbook = fs.readFileSync(file, "utf8");
    const step = playbook.split("\n").find((l) => /incident issue/i.test(l))!;
    for (const h of headings) assert.match(step, new RegExp(h, "i"), h);
  });

  it("under each incident heading, its hint: what to write, a timestamped Timeline line, PLAY 6's next steps as tasks", () => {
    const sections = incidentTemplate()
      .split(/^## /m)
      .slice(1)
      .map((block) => block.split("\n"));
    const body = Object.fromEntries(sections.map(([heading, ...lines]) => [heading, lines.filter(Boolean)]));
    assert.deepEqual(body, INCIDENT_SECTION_HINTS);
    for (const hints of Object.values(INCIDENT_SECTION_HINTS))
      assert.ok(hints.length > 0 && hints.every((h) => h.length > 20));
    assert.match(body.Timeline[0], /^- YYYY-MM-DDTHH:MM:SSZ: /);
    assert.deepEqual(
      body["Fix plan"].map((l: string) => /^- \[ \] .*\(PLAY 6, step (\d)\)$/.exec(l)?.[1]),
      ["6", "7"],
    );
    assert.match(
      incidentTemplate(),
      /\n---\n\n<!-- From cicd-constitution \(cicd incident --template\)[^\n]*-->\n\n## Impact\n/,
    );
  });

  it("the template has one heading per section of the constitution, in its order", function () {
    const headings = pullRequestTemplate()
      .split("\n")
      .filter((l) => l.startsWith("## "))
      .map((l) => l.slice(3));
    assert.deepEqual(headings, [...PR_TEMPLATE_SECTIONS]);
    const file = path.join(SHARED, "constitution/ci_cd_constitution.md");
    requireShared(this, file);
    const constitution = fs.readFileSync(file, "utf8");
    const line = constitution.split("\n").find((l) => l.includes("Every PR body uses"))!;
    for (const s of PR_TEMPLATE_SECTIONS) assert.ok(line.includes(s), s);
  });

  it("this repository holds both files exactly as the production stack renders them (it is imported)", async () => {
    const production = (await repositoryStacks()).find((p) => p.plan.stack === "production")!;
    const infra = production.model.infrastructure!.repository;
    assert.equal(infra.import, true);
    assert.equal(
      fs.readFileSync(path.join(ROOT, ".github/pull_request_template.md"), "utf8"),
      pullRequestTemplate(),
    );
    assert.equal(
      fs.readFileSync(path.join(ROOT, ".github/CODEOWNERS"), "utf8"),
      codeOwnersFile(infra.codeOwners!),
    );
    const files = production.resources.filter(
      (r) =>
        r.type === "github:index/repositoryFile:RepositoryFile" && r.props.repository === "cicd-constitution",
    );
    assert.deepEqual(files.map((f) => f.props.file).sort(), [
      ".github/CODEOWNERS",
      ".github/pull_request_template.md",
    ]);
  });

  it("every governed repository gets both files; the adopted repository's are imported", async () => {
    const production = (await repositoryStacks()).find((p) => p.plan.stack === "production")!;
    const repos = production.resources.filter((r) => r.type === "github:index/repository:Repository");
    const files = production.resources.filter((r) => r.type === "github:index/repositoryFile:RepositoryFile");
    for (const repo of repos)
      assert.equal(
        files.filter((f) => f.props.repository === repo.props.name).length,
        2,
        String(repo.props.name),
      );
    const erp = files.find(
      (f) => f.props.repository === "erp-berhan" && f.props.file === ".github/CODEOWNERS",
    )!;
    assert.equal(
      erp.props.content,
      "# Managed by cicd-constitution: main requires a code owner's review (CC-BR-11).\n* @surlefeu/erp-team @surlefeu/release-managers\n",
    );
    // Written on main once: later reviewed edits stand (their content is not the program's any more), and a
    // destroy leaves the files, since deleting one is a commit to main, which its ruleset refuses.
    const options = new Map(production.plan.resources.map((r) => [r.urn, r.options]));
    for (const f of files) {
      assert.equal(f.props.branch, "main", f.urn);
      assert.deepEqual(
        [...(options.get(f.urn)?.ignoreChanges ?? [])].sort(),
        ["commitAuthor", "commitEmail", "commitMessage", "content", "overwriteOnCreate"],
        f.urn,
      );
      assert.equal(options.get(f.urn)?.retainOnDelete, true, f.urn);
    }
  });

  it("every governed repository has Dependabot security updates on (Scorecard Vulnerabilities)", async () => {
    const production = (await repositoryStacks()).find((p) => p.plan.stack === "production")!;
    const repos = production.resources.filter((r) => r.type === "github:index/repository:Repository");
    const updates = production.resources.filter(
      (r) =>
        r.type === "github:index/repositoryDependabotSecurityUpdates:RepositoryDependabotSecurityUpdates",
    );
    assert.deepEqual(
      updates
        .filter((u) => u.props.enabled === true)
        .map((u) => u.props.repository)
        .sort(),
      repos.map((r) => r.props.name).sort(),
    );
  });
});
