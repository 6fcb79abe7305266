/**
 * `cicd audit --from-export`: the policy pack over hand-written state files in Pulumi's real formats
 * (test/fixtures/audit: a deployment v3 stack export with secret signature objects, a `pulumi preview --json`),
 * JSON and table output, exit codes, and no secret value ever printed.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AuditReportJson, runAudit } from "../../src/audit/command";
import { parseState, readState } from "../../src/audit/readState";
import { cleanTempDirs, tempDir } from "../temp";
import { ROOT } from "../helpers";

const FIX = path.resolve(__dirname, "../fixtures/audit");
const EXPORT = path.join(FIX, "stack-export.production.json");
const NOW = new Date("2026-11-21T12:00:00Z");
/** Secret values in the export fixture (one behind --show-secrets, one stored in plain text). */
const SECRETS = ["sntrys_FIXTURE_do_not_print_0a1b2c3d", "hunter2-plain-webhook-FIXTURE"];

async function audit(
  file: string,
  format: "json" | "table",
  stack?: string,
): Promise<{ code: number; text: string; stderr: string }> {
  const out = path.join(tempDir("audit"), "report");
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args.join(" "));
  try {
    const code = await runAudit({ fromExport: file, format, out, stack, dir: FIX, now: NOW });
    return { code, text: fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "", stderr: errors.join("\n") };
  } finally {
    console.error = original;
  }
}

describe("audit --from-export", () => {
  after(cleanTempDirs);
  it("reads a v3 stack export: secret objects become [secret], plain text where a secret belongs becomes [plaintext]", () => {
    const state = readState(EXPORT);
    assert.equal(state.kind, "stack-export");
    assert.equal(state.stack, "production");
    assert.ok(
      !state.resources.some(
        (r) => r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:"),
      ),
    );
    const secret = (n: string) => state.resources.find((r) => r.name.endsWith(n))!.props;
    assert.equal(secret("pulumi_access_token").value, "[secret]");
    assert.equal(secret("sentry_auth_token").value, "[secret]");
    assert.equal(secret("legacy_webhook").plaintextValue, "[plaintext]");
    const dump = JSON.stringify(state.resources);
    for (const s of SECRETS) assert.ok(!dump.includes(s), s);
  });

  it("JSON: schema, passes listed, the plain-text secret fails CC-ENV-04, exit 1, no secret printed", async () => {
    const { code, text } = await audit(EXPORT, "json");
    assert.equal(code, 1);
    const report = JSON.parse(text) as AuditReportJson;
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.stack, "production");
    assert.deepEqual(report.policyPack, { name: "cicd-constitution", version: "0.1.0" });
    const env04 = report.results.filter((r) => r.ruleId === "CC-ENV-04");
    assert.deepEqual(env04.map((r) => `${r.status} ${r.resource?.name}`).sort(), [
      "fail erp-berhan-production-environment-secret-legacy_webhook",
      "pass erp-berhan-production-environment-secret-pulumi_access_token",
      "pass erp-berhan-production-environment-secret-sentry_auth_token",
      "pass erp-berhan-production-environment-var-aws_region",
    ]);
    assert.ok(report.results.filter((r) => r.status === "pass").length >= 15);
    for (const r of report.results) {
      assert.deepEqual(Object.keys(r).sort(), [
        "enforcementLevel",
        "message",
        "resource",
        "ruleId",
        "status",
      ]);
      if (r.resource) assert.deepEqual(Object.keys(r.resource).sort(), ["name", "type", "urn"]);
    }
    assert.equal(
      report.summary.mandatoryFailures,
      report.results.filter((r) => r.status === "fail" && r.enforcementLevel === "mandatory").length,
    );
    assert.equal(report.results.find((r) => r.ruleId === "CC-RUN-04")?.status, "fail"); // desiredCount 1 in production
    for (const s of SECRETS) assert.ok(!text.includes(s), s);
  });

  it("table output lists the failures by section and the counts, without secrets", async () => {
    const { code, text } = await audit(EXPORT, "table");
    assert.equal(code, 1);
    assert.match(text, /Policy audit of stack production: ONLINE/);
    assert.match(text, /Policy pack cicd-constitution 0\.1\.0/);
    assert.match(text, /FAIL mandatory +│ CC-ENV-04 /);
    assert.match(
      text,
      /\d+ results: \d+ pass, \d+ fail \(\d+ mandatory, \d+ advisory\), 0 waived, \d+ not applicable/,
    );
    for (const s of SECRETS) assert.ok(!text.includes(s), s);
  });

  it("reads pulumi preview --json: unknown values are not applicable, deletes are skipped", async () => {
    const state = readState(path.join(FIX, "preview.staging.json"));
    assert.equal(state.kind, "preview");
    assert.deepEqual(
      state.resources.map((r) => r.type),
      [
        "aws:ecs/taskDefinition:TaskDefinition",
        "aws:ecs/service:Service",
        "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
      ],
    );
    const { code, text } = await audit(path.join(FIX, "preview.staging.json"), "json");
    const report = JSON.parse(text) as AuditReportJson;
    const td = report.results.filter(
      (r) => r.resource?.name === "menu-optimizer-staging-task" && r.ruleId !== "CC-OBS-04",
    );
    assert.ok(
      td.length >= 5 &&
        td.every((r) => r.status === "not-applicable" && /can't be known during preview/.test(r.message)),
    );
    assert.equal(report.results.find((r) => r.ruleId === "CC-RUN-03")?.status, "fail"); // rollback off
    assert.equal(code, 1);
  });

  it("says which settings it applied, and refuses another stack's export unless told", async () => {
    const own = await audit(EXPORT, "json");
    assert.match(
      own.stderr,
      /^audit: stack production, no Pulumi\.production\.yaml in .*: the pack's default settings/,
    );
    const other = await audit(EXPORT, "json", "staging");
    assert.equal(other.code, 2);
    assert.match(
      other.stderr,
      /holds stack "production" \(its URNs\), not --stack staging: staging's settings and waivers would judge another stack; pass --allow-other-stack/,
    );
    const out = path.join(tempDir("audit"), "report");
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.join(" "));
    try {
      const code = await runAudit({
        fromExport: EXPORT,
        format: "json",
        out,
        stack: "staging",
        dir: ROOT,
        now: NOW,
        allowOtherStack: true,
      });
      assert.equal(code, 1, "judged, the plain-text secret still fails");
    } finally {
      console.error = original;
    }
    assert.match(errors.join("\n"), /^audit: stack staging, policy settings from .*Pulumi\.staging\.yaml/);
  });

  it("unreadable input exits 2 with a clear message", async () => {
    const cases: Array<[string, RegExp]> = [
      [path.join(FIX, "missing.json"), /cannot read \(ENOENT\)/],
      [path.join(FIX, "not-json.txt"), /not JSON/],
      [path.join(FIX, "stack-export.v2.json"), /deployment version 2 is not supported \(expected 3/],
    ];
    for (const [file, message] of cases) {
      const { code, stderr, text } = await audit(file, "json");
      assert.equal(code, 2, file);
      assert.match(stderr, message);
      assert.equal(text, "");
    }
    assert.throws(() => parseState('{"hello":1}', "x.json"), /not a stack export/);
  });

  it("works from the command line: npm run --silent cicd -- audit --from-export FILE --format json", () => {
    const root = path.resolve(__dirname, "../..");
    const r = spawnSync(
      process.execPath,
      [
        require.resolve("tsx/cli"),
        "src/cli/main.ts",
        "audit",
        "--from-export",
        EXPORT,
        "--dir",
        FIX,
        "--format",
        "json",
      ],
      { cwd: root, encoding: "utf8" },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.equal((JSON.parse(r.stdout) as AuditReportJson).stack, "production");
    for (const s of SECRETS) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), s);
  });
});

describe("audit --from-export: a runtime that starts and serves (CC-RUN-11/12, CC-OBS-05/06, CC-FLAG-04/05)", () => {
  const RUNTIME = path.join(FIX, "stack-export.runtime.json");
  const NEW_RULES = ["CC-RUN-11", "CC-RUN-12", "CC-OBS-05", "CC-OBS-06", "CC-FLAG-04", "CC-FLAG-05"];
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-runtime-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function statuses(file: string): Promise<Record<string, string[]>> {
    const out = path.join(dir, "report.json");
    await runAudit({ fromExport: file, format: "json", out, stack: "production", dir: FIX, now: NOW });
    const report = JSON.parse(fs.readFileSync(out, "utf8")) as AuditReportJson;
    const by: Record<string, string[]> = {};
    for (const r of report.results.filter((x) => NEW_RULES.includes(x.ruleId)))
      (by[r.ruleId] ??= []).push(r.status);
    return by;
  }

  it("the exported state of the program's runtime passes every new rule", async () => {
    const by = await statuses(RUNTIME);
    assert.deepEqual(Object.keys(by).sort(), [...NEW_RULES].sort());
    for (const id of NEW_RULES)
      assert.ok(
        by[id].every((s) => s === "pass"),
        `${id}: ${by[id]}`,
      );
  });

  it("the same state with each defect fails exactly the rule about it", async () => {
    type R = { type: string; name?: string; urn: string; inputs: any; outputs: any };
    const defects: Array<[string, (r: R) => void]> = [
      [
        "CC-RUN-11",
        (r) => r.type.endsWith("TaskDefinition") && edit(r, (c) => delete c.repositoryCredentials),
      ],
      ["CC-RUN-12", (r) => r.type.endsWith("TaskDefinition") && edit(r, (c) => delete c.mountPoints)],
      [
        "CC-FLAG-04",
        (r) =>
          r.type.endsWith("TaskDefinition") &&
          edit(
            r,
            (c) => (c.environment = c.environment.filter((e: any) => !e.name.startsWith("APPCONFIG_"))),
          ),
      ],
      [
        "CC-FLAG-05",
        (r) => r.type.endsWith("appconfig/environment:Environment") && both(r, (p) => (p.monitors = [])),
      ],
      [
        "CC-OBS-05",
        (r) =>
          /5xx-rate$/.test(r.urn) &&
          both(
            r,
            (p) =>
              (p.metricQueries = p.metricQueries
                .filter((q: any) => q.id !== "elb5xx")
                .map((q: any) =>
                  q.expression ? { ...q, expression: "100 * FILL(target5xx, 0) / FILL(requests, 1)" } : q,
                )),
          ),
      ],
      ["CC-OBS-06", (r) => /burn-slow$/.test(r.urn) && both(r, (p) => (p.threshold = 0.5 * 6))],
    ];
    function both(r: R, f: (p: any) => void) {
      f(r.inputs);
      f(r.outputs);
    }
    function edit(r: R, f: (c: any) => void) {
      both(r, (p) => {
        const cs = JSON.parse(p.containerDefinitions);
        f(cs[0]);
        p.containerDefinitions = JSON.stringify(cs);
      });
    }
    for (const [id, defect] of defects) {
      const doc = JSON.parse(fs.readFileSync(RUNTIME, "utf8"));
      doc.deployment.resources.forEach(defect);
      const file = path.join(dir, `${id}.json`);
      fs.writeFileSync(file, JSON.stringify(doc));
      const by = await statuses(file);
      const failing = Object.keys(by).filter((k) => by[k].includes("fail"));
      assert.deepEqual(failing, [id], `defect for ${id}`);
    }
  });
});
