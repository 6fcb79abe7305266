/**
 * Where SARIF and the Markdown comment locate results in the stack files, for every result of the repository's two
 * stacks, checked against an oracle written apart from the report's code (./locationOracle.ts: the yaml library's
 * source tokens, the app entry by its index, the resource's app by its name, every key's full path resolved).
 * locations.golden.tsv is the oracle's output, one line per result: `stack, rule, resource, config key, line`.
 * `UPDATE_GOLDEN=1` rewrites it from the oracle (never from the report); a change that adds, renames or moves
 * results on purpose (a new rule, a new resource, other configKeys, an edited stack file) does that and shows the
 * diff in review. The report must agree with the oracle on every result's key and line.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as Sarif from "sarif";
import { auditPreview } from "../../src/audit/policy";
import type { StackPreview } from "../../src/offline/preview";
import { StackFileLocator } from "../../src/report/build";
import { renderReport, reportSarif } from "../../src/report/render";
import type { AuditReport } from "../../src/report/types";
import { repositoryStacks, ROOT } from "../helpers";
import { StackFileOracle } from "./locationOracle";
import { NOW } from "./real-results";

const GOLDEN_FILE = path.join(__dirname, "locations.golden.tsv");

/** The report with every result failing (mandatory), so that SARIF and Markdown list, and locate, every one. */
function allFailing(r: AuditReport): AuditReport {
  return {
    ...r,
    results: r.results.map((x) => ({ ...x, status: "fail", enforcementLevel: "mandatory" })),
  };
}

let previews: StackPreview[];
let reports: AuditReport[];

before(async function () {
  previews = await repositoryStacks();
  reports = previews.map((p) => allFailing(auditPreview(p, NOW, ROOT)));
});

/** One located result: `stack, rule, resource, key, line` (the golden file's columns) and its parts. */
interface Row {
  row: string;
  stack: string;
  key: string;
  line: number;
}

function row(stack: string, rule: string, resource: string, key: string, line: number): Row {
  return { row: [stack, rule, resource, key, line].join("\t"), stack, key, line };
}

function stackText(stack: string): string {
  return fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
}

/** Every SARIF result of a report, located as SARIF says; its artifact must be the report's stack file. */
function sarifRows(r: AuditReport): Row[] {
  const run = (reportSarif(r) as Sarif.Log).runs[0];
  return run.results!.map((x) => {
    const loc = x.locations![0];
    assert.equal(loc.physicalLocation!.artifactLocation!.uri, `Pulumi.${r.stack}.yaml`);
    const key = /^config key (.+)$/.exec(loc.message!.text!)![1];
    const resource =
      loc.logicalLocations![0].kind === "resource" ? loc.logicalLocations![0].name! : "(stack)";
    return row(r.stack, x.ruleId!, resource, key, loc.physicalLocation!.region!.startLine!);
  });
}

/** Every result of a report, located by the oracle from the stack file and the rules' config keys alone. */
function oracleRows(r: AuditReport): Row[] {
  const oracle = new StackFileOracle(stackText(r.stack));
  const rules = new Map(r.rules.map((m) => [m.id, m]));
  return r.results.map((x) => {
    const rule = rules.get(x.ruleId);
    assert.ok(rule, `${r.stack}: no metadata for ${x.ruleId}`);
    const at = oracle.locate(x, rule);
    return row(r.stack, x.ruleId, x.resource?.name ?? "(stack)", at.key, at.line);
  });
}

/** The text a stack file has at the line of a config key: the key's last part, an app's `- name:`, or the key. */
function expectedLineText(key: string): RegExp {
  const inApp = /^cicd-constitution:apps\[([^\]]+)\](?:\.(.+))?$/.exec(key);
  if (inApp && !inApp[2]) return new RegExp(`^\\s*- name: ${inApp[1]}\\s*$`);
  if (inApp) return new RegExp(`^\\s*(- )?${inApp[2].split(".").pop()}:`);
  const inInfrastructure = /^cicd-constitution:infrastructure\.(.+)$/.exec(key);
  if (inInfrastructure) return new RegExp(`^\\s*${inInfrastructure[1].split(".").pop()}:`);
  return new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:`);
}

const sorted = (rows: Row[]): string[] => rows.map((x) => x.row).sort();

describe("report locations of the repository's stacks", function () {
  it("the golden file is the oracle's location of every result of both stacks", function () {
    assert.deepEqual(reports.map((r) => r.stack).sort(), ["production", "staging"]);
    const oracle = sorted(reports.flatMap(oracleRows));
    if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(GOLDEN_FILE, `${oracle.join("\n")}\n`);
    const golden = fs.readFileSync(GOLDEN_FILE, "utf8").split("\n").filter(Boolean).sort();
    assert.deepEqual(oracle, golden, "rewrite with UPDATE_GOLDEN=1 if the change is intended");
  });

  it("SARIF locates every result at the oracle's config key and line", function () {
    for (const r of reports) {
      const got = sorted(sarifRows(r));
      assert.equal(got.length, r.results.length, `${r.stack}: one SARIF result per result`);
      assert.deepEqual(got, sorted(oracleRows(r)), `${r.stack}: report and oracle disagree`);
    }
  });

  it("the oracle's line of each result holds the key it names (the oracle checked against the text)", function () {
    for (const r of reports) {
      const lines = stackText(r.stack).split("\n");
      for (const l of oracleRows(r)) assert.match(lines[l.line - 1], expectedLineText(l.key), l.row);
    }
  });

  it("SARIF locates a result on this repository's own governance in the infrastructure entry, never at apps", function () {
    const production = reports.find((r) => r.stack === "production")!;
    const governance = sarifRows(production).filter((l) =>
      l.row.split("\t")[2].startsWith("cicd-constitution-"),
    );
    assert.ok(governance.length >= 50, `findings on the governance (${governance.length})`);
    for (const l of governance) assert.match(l.key, /^cicd-constitution:infrastructure(\.|$)/, l.row);
    assert.ok(
      governance.some((l) => l.key === "cicd-constitution:infrastructure.reviewers"),
      "a rule's own key",
    );
  });

  it("a key both apps have is located in each app's own entry, at different lines", function () {
    for (const r of reports) {
      const byPath = new Map<string, Map<string, number>>();
      for (const l of oracleRows(r)) {
        const m = /^cicd-constitution:apps\[([^\]]+)\]\.(.+)$/.exec(l.key);
        if (m) byPath.set(m[2], (byPath.get(m[2]) ?? new Map()).set(m[1], l.line));
      }
      const shared = [...byPath].filter(([, apps]) => apps.size > 1);
      assert.ok(shared.length >= 5, `${r.stack}: findings on keys both apps have (${shared.length})`);
      for (const [key, apps] of shared) {
        assert.equal(new Set(apps.values()).size, apps.size, `${r.stack} ${key}: ${[...apps].join(" ")}`);
      }
    }
  });

  it("the Markdown comment links each failure to the line SARIF gives it", function () {
    for (const r of reports) {
      const sarif = sarifRows(r)
        .map((l) => `${l.row.split("\t").slice(1, 3).join(" ")} Pulumi.${r.stack}.yaml:${l.line}`)
        .sort();
      const markdown = renderReport(r, "markdown")
        .split("\n")
        .flatMap((line) => {
          // The rule cell is the ID and its title (which may hold code spans); the resource cell follows.
          const m = /^\| mandatory \| (CC-[A-Z]+-\d+)\b.*? \| `([^`|]+)` \(`([^`|]+)`\) \|/.exec(line);
          return m ? [`${m[1]} ${m[2]} ${m[3]}`] : [];
        })
        .sort();
      assert.equal(markdown.length, r.results.length, `${r.stack}: one table row per failure`);
      assert.deepEqual(markdown, sarif);
    }
  });

  it("refuses to locate a result of a rule it has no metadata for, rather than guess", function () {
    const r = reports[0];
    const locator = new StackFileLocator(`Pulumi.${r.stack}.yaml`, "config: {}\n", []);
    assert.throws(() => locator.locate(r.results[0]), /no rule metadata for CC-[A-Z]+-\d+/);
  });
});
