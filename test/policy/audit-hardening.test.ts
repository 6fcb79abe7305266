/**
 * `cicd audit --from-export` of a stack export holding one governed repository as the program declares it
 * (`test/fixtures/audit/stack-export.hardening.json`): CC-BR-09 to CC-BR-12 pass; one defect each fails
 * exactly its rule, and the report carries the repository's Scorecard score.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AuditReportJson, runAudit } from "../../src/audit/command";

const FIX = path.resolve(__dirname, "../fixtures/audit");
const EXPORT = path.join(FIX, "stack-export.hardening.json");
const RULES = ["CC-BR-09", "CC-BR-10", "CC-BR-11", "CC-BR-12"];
const NOW = new Date("2026-12-01T12:00:00Z");

type R = { type: string; urn: string; inputs: any; outputs: any };
/** Applies `f` to a resource's inputs and outputs alike, as the export holds both. */
const both = (r: R, f: (p: any) => void) => {
  f(r.inputs);
  f(r.outputs);
};

describe("audit of an exported governed repository (CC-BR-09 to CC-BR-12)", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-hardening-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function audit(file: string): Promise<AuditReportJson> {
    const out = path.join(dir, "report.json");
    await runAudit({ fromExport: file, format: "json", out, stack: "production", dir: FIX, now: NOW });
    return JSON.parse(fs.readFileSync(out, "utf8")) as AuditReportJson;
  }
  const statuses = (report: AuditReportJson) =>
    Object.fromEntries(
      RULES.map((id) => [id, report.results.filter((r) => r.ruleId === id).map((r) => r.status)]),
    );

  it("passes all four, and reports the repository's Scorecard score", async () => {
    const report = await audit(EXPORT);
    assert.deepEqual(statuses(report), Object.fromEntries(RULES.map((id) => [id, ["pass"]])));
    assert.deepEqual(
      report.scorecard.map((s) => [s.repository, s.score, s.nextScore]),
      [["erp-berhan", 8, 9]],
    );
  });

  const defects: Array<[string, (r: R) => void]> = [
    [
      "CC-BR-09",
      (r) => r.type.endsWith("repository:Repository") && both(r, (p) => delete p.securityAndAnalysis),
    ],
    [
      "CC-BR-10",
      (r) =>
        r.type.endsWith("WorkflowRepositoryPermissions") &&
        both(r, (p) => (p.defaultWorkflowPermissions = "write")),
    ],
    ["CC-BR-11", (r) => r.type.endsWith("RepositoryFile") && both(r, (p) => (p.content = ""))],
    [
      "CC-BR-12",
      (r) =>
        r.type.endsWith("RepositoryRuleset") &&
        both(r, (p) =>
          p.rules.requiredStatusChecks?.requiredChecks.forEach((c: any) => delete c.integrationId),
        ),
    ],
  ];
  for (const [id, defect] of defects)
    it(`${id}: its defect fails exactly that rule`, async () => {
      const doc = JSON.parse(fs.readFileSync(EXPORT, "utf8"));
      doc.deployment.resources.forEach(defect);
      const file = path.join(dir, `${id}.json`);
      fs.writeFileSync(file, JSON.stringify(doc));
      const by = statuses(await audit(file));
      assert.deepEqual(
        RULES.filter((k) => by[k].includes("fail")),
        [id],
      );
    });
});
