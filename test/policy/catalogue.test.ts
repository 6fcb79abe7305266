import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { RULES } from "../../policy-pack/catalogue";
import { requireShared, SHARED } from "../helpers";

/** The catalogue's IDs, written out: a rename or a dropped rule must change this list on purpose. */
const PINNED_IDS = [
  "CC-BR-01",
  "CC-BR-02",
  "CC-BR-03",
  "CC-BR-04",
  "CC-BR-05",
  "CC-BR-06",
  "CC-BR-07",
  "CC-BR-08",
  "CC-BR-09",
  "CC-BR-10",
  "CC-BR-11",
  "CC-BR-12",
  "CC-ENV-01",
  "CC-ENV-02",
  "CC-ENV-03",
  "CC-ENV-04",
  "CC-ENV-05",
  "CC-ENV-06",
  "CC-ENV-07",
  "CC-ART-01",
  "CC-ART-02",
  "CC-ART-03",
  "CC-ART-04",
  "CC-ART-05",
  "CC-ART-06",
  "CC-ART-07",
  "CC-ART-08",
  "CC-RUN-01",
  "CC-RUN-02",
  "CC-RUN-03",
  "CC-RUN-04",
  "CC-RUN-05",
  "CC-RUN-06",
  "CC-RUN-07",
  "CC-RUN-08",
  "CC-RUN-09",
  "CC-RUN-10",
  "CC-RUN-11",
  "CC-RUN-12",
  "CC-RUN-13",
  "CC-RUN-14",
  "CC-RUN-15",
  "CC-OBS-01",
  "CC-OBS-02",
  "CC-OBS-03",
  "CC-OBS-04",
  "CC-OBS-05",
  "CC-OBS-06",
  "CC-OBS-07",
  "CC-FLAG-01",
  "CC-FLAG-02",
  "CC-FLAG-03",
  "CC-FLAG-04",
  "CC-FLAG-05",
  "CC-PAR-01",
  "CC-PAR-02",
  "CC-PAR-03",
  "CC-WAIVE-01",
  "CC-WAIVE-02",
];

describe("policy catalogue", () => {
  it("ships exactly the pinned rule IDs, in catalogue order", () => {
    assert.deepEqual(
      RULES.map((r) => r.id),
      PINNED_IDS,
    );
  });

  it("matches the IDs and levels of shared/policy-catalogue.md", function () {
    // Runs where shared/ is beside the checkout (.ci/run, a local npm test); skips, saying so, in GitHub Actions.
    const file = path.join(SHARED, "policy-catalogue.md");
    requireShared(this, file);
    // Rows marked *(new)* are reserved: shipping one is allowed (in catalogue order); every other row must ship.
    const rows = [
      ...fs
        .readFileSync(file, "utf8")
        .matchAll(/^\| (CC-[A-Z]+-\d+)( \*\(new\)\*)? \|.*\| (mandatory|advisory) \|$/gm),
    ];
    const shipped = new Set(RULES.map((r) => r.id));
    const catalogued = new Set(rows.map((m) => m[1]));
    // Rules beyond the shared catalogue extend it: policy-pack/README.md lists each under "Extensions".
    const extensions = RULES.filter((r) => !catalogued.has(r.id));
    assert.deepEqual(
      rows.filter((m) => !m[2] || shipped.has(m[1])).map((m) => `${m[1]} ${m[3]}`),
      RULES.filter((r) => catalogued.has(r.id)).map((r) => `${r.id} ${r.enforcementLevel}`),
    );
    // Every rule the catalogue reserves has shipped (CC-BR-09 to CC-BR-12 were the last).
    assert.equal(
      rows.length,
      RULES.length - extensions.length,
      "a catalogue row is neither shipped nor reserved",
    );
    const readme = fs.readFileSync(path.resolve(__dirname, "../../policy-pack/README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Extensions beyond the shared catalogue"));
    for (const r of extensions)
      assert.match(
        section,
        new RegExp(`\\| ${r.id} \\|`),
        `${r.id} extends the catalogue without a row under Extensions`,
      );
  });

  it("gives every rule a policy name prefixed by its ID, a description, source, remediation and level", () => {
    for (const r of RULES) {
      assert.match(r.policyName, new RegExp(`^${r.id}-[a-z0-9-]+$`), r.id);
      assert.ok(r.description.endsWith("."), `${r.id} description is one sentence`);
      assert.ok(r.source.length > 3 && r.remediation.length > 10, r.id);
      assert.ok(r.section === r.id.split("-")[1], `${r.id} section`);
    }
    assert.equal(new Set(RULES.map((r) => r.policyName)).size, RULES.length);
  });

  it("declares a config schema with defaults for every rule the catalogue calls configurable", () => {
    const configurable = [
      "CC-BR-02",
      "CC-BR-03",
      "CC-ENV-02",
      "CC-RUN-01",
      "CC-RUN-02",
      "CC-RUN-07",
      "CC-RUN-08",
    ];
    for (const id of configurable) {
      const r = RULES.find((x) => x.id === id)!;
      const props = Object.values(r.configurable ?? {});
      assert.ok(
        props.length > 0 && props.every((p) => p.default !== undefined),
        `${id} has settings with defaults`,
      );
    }
  });

  it("documents every rule in policy-pack/README.md as shipped: title, policy name, kind, level, source, settings", () => {
    // The auditor's table ("Catalogue as shipped"): each row says what the pack ships, field for field.
    const readme = fs.readFileSync(path.resolve(__dirname, "../../policy-pack/README.md"), "utf8");
    const rows = new Map(
      [
        ...readme.matchAll(
          /^\| <a id="([^"]+)"><\/a>(CC-[A-Z]+-\d+) \| (.*) \| (mandatory|advisory) \| (.*) \| (.*) \|$/gm,
        ),
      ].map((m) => [m[2], m]),
    );
    assert.deepEqual(
      [...rows.keys()],
      RULES.map((r) => r.id),
      "one row per rule, in catalogue order",
    );
    for (const r of RULES) {
      const settings = r.configurable
        ? Object.entries(r.configurable)
            .map(([key, p]) => `\`${key}\` (${JSON.stringify(p.default)})`)
            .join(", ")
        : "—";
      const [, anchor, , rule, level, source, config] = rows.get(r.id)!;
      assert.deepEqual(
        { anchor, rule, level, source, config },
        {
          anchor: r.id.toLowerCase(),
          rule: `${r.title} (\`${r.policyName}\`, ${r.kind})`,
          level: r.enforcementLevel,
          source: r.source,
          config: settings,
        },
        r.id,
      );
    }
  });
});

/** Short names of the constitution's documents (shared/constitution/README.md, docs/CONSTITUTION.md). */
const SOURCE_FILES: Record<string, string> = {
  CONST: "ci_cd_constitution.md",
  PLAY: "release_playbook.md",
  F6: "f6_cicd_deployment_hardening.md",
  LANES: "cicd_pipeline_runbook.md",
  OPS: "build_release_operations.md",
};

/**
 * What a rule may cite in a document: its headings, and the bold labels that head a paragraph or a list item
 * (`**Environment Parity:**`, `3. **Build metadata**:`), as the documents structure themselves.
 */
export function citableHeadings(markdown: string): string[] {
  return markdown.split("\n").flatMap((line) => {
    const heading = /^#{1,6}\s+(.+?)\s*$/.exec(line);
    if (heading) return [heading[1]];
    const label = /^\s*(?:\d+\.\s+|-\s+)?\*\*([^*]+?):?\*\*/.exec(line);
    return label ? [label[1]] : [];
  });
}

/**
 * The citations of a rule's `source` that resolve to nothing: `SHORT "Heading"` must name a heading or label
 * of that document (case-insensitive, a heading may continue after the cited words), `SHORT N` or `SHORT N-M`
 * numbered sections that exist; anything else must name an outside document (`... docs "..."`, a `.md`).
 */
export function unresolvedCitations(source: string, documents: Record<string, string>): string[] {
  const bad: string[] = [];
  for (const part of source.split(";").map((s) => s.trim())) {
    const m = /^(CONST|PLAY|F6|LANES|OPS)\b(.*)$/.exec(part);
    if (!m) {
      if (!/\bdocs\b|\.md\b|Service Authorization Reference/.test(part)) bad.push(part);
      continue;
    }
    const headings = citableHeadings(documents[m[1]]).map((h) => h.toLowerCase());
    const quoted = [...m[2].matchAll(/"([^"]+)"/g)].map((q) => q[1]);
    for (const q of quoted)
      if (!headings.some((h) => h.startsWith(q.toLowerCase()))) bad.push(`${m[1]} "${q}"`);
    const numbers = /^\s*(\d+)(?:-(\d+))?/.exec(m[2].replace(/"[^"]*"/g, ""));
    if (numbers) {
      const [from, to] = [Number(numbers[1]), Number(numbers[2] ?? numbers[1])];
      for (let n = from; n <= to; n++)
        if (!headings.some((h) => new RegExp(`^${n}[.)]`).test(h))) bad.push(`${m[1]} ${n}`);
    }
    if (!quoted.length && !numbers) bad.push(part);
  }
  return bad;
}

describe("policy catalogue: every source is traceable", () => {
  it("resolves every rule's source to a heading of shared/constitution/ that exists", function () {
    const dir = path.join(SHARED, "constitution");
    requireShared(this, dir);
    const documents = Object.fromEntries(
      Object.entries(SOURCE_FILES).map(([k, f]) => [k, fs.readFileSync(path.join(dir, f), "utf8")]),
    );
    const unresolved = RULES.flatMap((r) =>
      unresolvedCitations(r.source, documents).map((c) => `${r.id}: ${c}`),
    );
    assert.deepEqual(unresolved, []);
  });

  it("detects a citation that does not exist (the check is live)", () => {
    const docs = {
      ...Object.fromEntries(Object.keys(SOURCE_FILES).map((k) => [k, ""])),
      OPS: "## Environments\n**Environment Parity:**\n",
    };
    assert.deepEqual(unresolvedCitations('OPS "Environment Parity"; OPS "Environments"', docs), []);
    assert.deepEqual(unresolvedCitations('OPS "Security"', docs), ['OPS "Security"']);
    assert.deepEqual(unresolvedCitations("LANES 5", { ...docs, LANES: "### 4. staging\n" }), ["LANES 5"]);
    assert.deepEqual(unresolvedCitations("Somewhere", docs), ["Somewhere"]);
  });
});
