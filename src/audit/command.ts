/**
 * `cicd audit --from-export FILE [--stack NAME] [--format table|json]`: runs the policy pack over existing state
 * (a `pulumi stack export`, a `pulumi preview --json`, or a plan file). Exit 0 when no mandatory rule fails,
 * 1 when one does, 2 on unreadable input or config. Never prints a secret value.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Table from "cli-table3";
import { parse as parseYaml } from "yaml";
import {
  evaluate,
  PackConfig,
  POLICY_PACK_NAME,
  POLICY_PACK_VERSION,
  resolvePackConfig,
  RuleResult,
  summarize,
} from "../../policy-pack/evaluate";
import { AuditInputError, readState } from "./readState";

/** Options of {@link runAudit}. */
export interface AuditOptions {
  /** The state file. */
  fromExport: string;
  /** Stack name; default: from the file's URNs. Its `Pulumi.<stack>.yaml` (in `dir`), if any, gives the policy config. */
  stack?: string;
  format: "table" | "json";
  /** Write the report to this file instead of stdout. */
  out?: string;
  /** Directory of the stack files. Default: the current directory. */
  dir?: string;
  /** "Today" for expiry dates. Default: now. */
  now?: Date;
}

/** The audit report (JSON format, schemaVersion 1). */
export interface AuditReportJson {
  schemaVersion: 1;
  stack: string;
  policyPack: { name: string; version: string };
  summary: ReturnType<typeof summarize>;
  results: Array<Pick<RuleResult, "ruleId" | "status" | "enforcementLevel" | "resource" | "message">>;
}

/** The stack file's `cicd-constitution:policy` section resolved, or the defaults when there is no stack file. */
function packConfigFor(dir: string, stack: string): PackConfig {
  const file = ["yaml", "yml"]
    .map((ext) => path.join(dir, `Pulumi.${stack}.${ext}`))
    .find((f) => fs.existsSync(f));
  if (!file) return resolvePackConfig(undefined);
  const doc = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return resolvePackConfig(doc?.config?.["cicd-constitution:policy"]);
}

/** Replaces every known secret value in `text` by `[secret]` (defence in depth: rules never print values). */
function scrub(text: string, secrets: Set<string>): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join("[secret]");
  return out;
}

function renderTable(report: AuditReportJson): string {
  const table = new Table({
    head: ["Rule", "Status", "Level", "Resource", "Message"],
    colWidths: [13, 16, 11, 40, 70],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const r of report.results) {
    table.push([r.ruleId, r.status, r.enforcementLevel, r.resource?.name ?? "(stack)", r.message]);
  }
  const s = report.summary;
  return [
    `Audit of stack ${report.stack} with ${report.policyPack.name}@${report.policyPack.version}`,
    table.toString(),
    `pass ${s.pass}, fail ${s.fail} (mandatory ${s.mandatoryFailures}, advisory ${s.advisoryFailures}), waived ${s.waived}, not applicable ${s.notApplicable}`,
  ].join("\n");
}

/**
 * Runs the audit; prints the report (stdout, or `out`) and returns the exit code. Errors on input are printed to
 * stderr (exit 2).
 */
export async function runAudit(opts: AuditOptions): Promise<number> {
  let report: AuditReportJson;
  let secrets: Set<string>;
  try {
    const state = readState(opts.fromExport);
    const stack = opts.stack ?? state.stack;
    if (!stack)
      throw new AuditInputError(`${opts.fromExport}: no resource names its stack; pass --stack NAME`);
    const config = packConfigFor(opts.dir ?? process.cwd(), stack);
    const results = evaluate(state.resources, {
      stack,
      config,
      now: opts.now,
      secretsMarked: state.secretsMarked,
    });
    report = {
      schemaVersion: 1,
      stack,
      policyPack: { name: POLICY_PACK_NAME, version: POLICY_PACK_VERSION },
      summary: summarize(results),
      results: results.map((r) => ({
        ruleId: r.ruleId,
        status: r.status,
        enforcementLevel: r.enforcementLevel,
        resource: r.resource,
        message: r.message,
      })),
    };
    secrets = state.secretValues;
  } catch (e) {
    const err = e as Error;
    if (err.name === "AuditInputError" || err.name === "PolicyConfigError" || err.name === "YAMLParseError") {
      console.error(`audit: ${err.message}`);
      return 2;
    }
    throw e;
  }
  const text = scrub(opts.format === "json" ? JSON.stringify(report, null, 2) : renderTable(report), secrets);
  if (opts.out) fs.writeFileSync(opts.out, `${text}\n`);
  else process.stdout.write(`${text}\n`);
  return report.summary.mandatoryFailures > 0 ? 1 : 0;
}
