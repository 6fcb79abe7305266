/**
 * Where SARIF and the Markdown comment locate results in the stack files, for every result of the repository's two
 * stacks: at the config keys the rules declare (`RuleMeta.configKeys`) in the entry of the app the pack gives each
 * resource (policy-pack/lib/props.ts `appOf`). locations.golden.tsv holds the keys the report gave before the rules
 * declared them (a table in src/report/build.ts, apps found by resource name prefix): one line per result,
 * `stack, rule, resource, config key`, recorded from that code on these stacks. A change that adds, renames or moves
 * results on purpose (a new rule, a new resource, other configKeys) rewrites the file from the first test's diff.
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
import { NOW } from "./real-results";

const GOLDEN = fs
  .readFileSync(path.join(__dirname, "locations.golden.tsv"), "utf8")
  .split("\n")
  .filter(Boolean)
  .sort();

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

/** `stack, rule, resource, key` of every SARIF result of a report, and its line in the stack file. */
function sarifLocations(r: AuditReport): Array<{ row: string; uri: string; line: number; key: string }> {
  const run = (reportSarif(r) as Sarif.Log).runs[0];
  return run.results!.map((x) => {
    const loc = x.locations![0];
    const key = /^config key (.+)$/.exec(loc.message!.text!)![1];
    const resource =
      loc.logicalLocations![0].kind === "resource" ? loc.logicalLocations![0].name! : "(stack)";
    return {
      row: [r.stack, x.ruleId, resource, key].join("\t"),
      uri: loc.physicalLocation!.artifactLocation!.uri!,
      line: loc.physicalLocation!.region!.startLine!,
      key,
    };
  });
}

/** The text a stack file has at the line of a config key: the key's last part, an app's `- name:`, or the key. */
function expectedLineText(key: string): RegExp {
  const inApp = /^cicd-constitution:apps\[([^\]]+)\](?:\.(.+))?$/.exec(key);
  if (inApp && !inApp[2]) return new RegExp(`^\\s*- name: ${inApp[1]}\\s*$`);
  if (inApp) return new RegExp(`^\\s*(- )?${inApp[2].split(".").pop()}:`);
  return new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:`);
}

describe("report locations of the repository's stacks", function () {
  it("SARIF locates every result at the config key the report gave before the rules declared them", function () {
    const got = reports.flatMap((r) => sarifLocations(r).map((l) => l.row)).sort();
    assert.deepEqual(got, GOLDEN);
  });

  it("each SARIF location's line is that key's line in the stack file", function () {
    for (const r of reports) {
      const lines = fs.readFileSync(path.join(ROOT, `Pulumi.${r.stack}.yaml`), "utf8").split("\n");
      for (const l of sarifLocations(r)) {
        assert.equal(l.uri, `Pulumi.${r.stack}.yaml`);
        assert.match(lines[l.line - 1], expectedLineText(l.key), `${l.row} at line ${l.line}`);
      }
    }
  });

  it("the Markdown comment links each failure to the line SARIF gives it", function () {
    for (const r of reports) {
      const sarif = sarifLocations(r)
        .map((l) => `${l.row.split("\t").slice(1, 3).join(" ")} ${l.uri}:${l.line}`)
        .sort();
      const markdown = renderReport(r, "markdown")
        .split("\n")
        .flatMap((line) => {
          const m = /^\| mandatory \| (CC-[A-Z]+-\d+) \| `([^`]+)` \(`([^`]+)`\) \|/.exec(line);
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
