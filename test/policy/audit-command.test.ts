/**
 * `cicd audit` (src/audit/command.ts) on small state files: which stack it judges and why it refuses one, where the
 * report goes, and the exit code an auditor's script reads (0 without a mandatory failure, 1 with one, 2 for input
 * it cannot read).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { type AuditReportJson, runAudit } from "../../src/audit/command";
import { cleanTempDirs, tempDir } from "../temp";

const NOW = new Date("2026-11-21T12:00:00Z");

/** A stack export of one SNS topic of `stack` (a resource no mandatory rule fails). */
function topicExport(dir: string, stack: string): string {
  const file = path.join(dir, `export.${stack.replace(/\W/g, "_")}.json`);
  const urn = `urn:pulumi:${stack}::cicd-constitution::aws:sns/topic:Topic::alerts`;
  fs.writeFileSync(
    file,
    JSON.stringify({
      version: 3,
      deployment: { resources: [{ urn, type: "aws:sns/topic:Topic", inputs: { name: "alerts" } }] },
    }),
  );
  return file;
}

/** Runs the audit with stderr and stdout captured. */
async function audit(options: Parameters<typeof runAudit>[0]) {
  const errors: string[] = [];
  const written: string[] = [];
  const [error, write] = [console.error, process.stdout.write];
  console.error = (...args: unknown[]) => void errors.push(args.join(" "));
  process.stdout.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    const code = await runAudit({ now: NOW, ...options });
    return { code, stderr: errors.join("\n"), stdout: written.join("") };
  } finally {
    console.error = error;
    process.stdout.write = write;
  }
}

describe("cicd audit: the stack judged, where the report goes, the exit code", () => {
  after(cleanTempDirs);

  it("exit 0 without a mandatory failure; the report on stdout, the settings' origin on stderr", async () => {
    const dir = tempDir("audit-command");
    const { code, stdout, stderr } = await audit({
      fromExport: topicExport(dir, "staging"),
      format: "json",
      dir,
    });
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as AuditReportJson & { mode?: string; stack?: string };
    assert.equal(report.summary.mandatoryFailures, 0);
    assert.equal(report.mode, "online", "a stack export is the deployed state");
    assert.match(
      stderr,
      new RegExp(
        `^audit: stack staging, no Pulumi\\.staging\\.yaml in ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: the pack's default settings$`,
      ),
    );
  });

  it("a plan file is judged as an offline preview", async () => {
    const dir = tempDir("audit-command");
    const plan = path.join(dir, "plan.staging.json");
    fs.writeFileSync(
      plan,
      JSON.stringify({
        schemaVersion: 1,
        stack: "staging",
        resources: [
          {
            urn: "urn:pulumi:staging::p::aws:sns/topic:Topic::alerts",
            type: "aws:sns/topic:Topic",
            inputs: {},
          },
        ],
      }),
    );
    const { code, stdout } = await audit({ fromExport: plan, format: "json", dir });
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).mode, "offline");
  });

  it("--out writes the report to the file and nothing to stdout", async () => {
    const dir = tempDir("audit-command");
    const out = path.join(dir, "reports", "audit.json");
    const { code, stdout } = await audit({
      fromExport: topicExport(dir, "staging"),
      format: "json",
      dir,
      out,
    });
    assert.equal(code, 0);
    assert.equal(stdout, "");
    assert.equal(JSON.parse(fs.readFileSync(out, "utf8")).summary.mandatoryFailures, 0);
  });

  it("exit 2, nothing printed but the reason: no stack in the URNs and none given, or one that is not a stack name", async () => {
    const dir = tempDir("audit-command");
    const bare = path.join(dir, "bare.json");
    fs.writeFileSync(bare, JSON.stringify({ version: 3, deployment: { resources: [] } }));
    const none = await audit({ fromExport: bare, format: "json", dir });
    assert.deepEqual([none.code, none.stdout], [2, ""]);
    assert.match(none.stderr, /^audit: .*bare\.json: no resource names its stack; pass --stack NAME$/);
    const odd = await audit({ fromExport: topicExport(dir, "stag ing"), format: "json", dir });
    assert.deepEqual([odd.code, odd.stdout], [2, ""]);
    assert.match(odd.stderr, /its URNs name the stack "stag ing", not a stack name/);
    const given = await audit({ fromExport: bare, format: "json", dir, stack: "staging" });
    assert.equal(given.code, 0, given.stderr);
  });
});
