/**
 * Whether the stacks share an AWS account, from each stack's `aws:allowedAccountIds` (the AWS provider refuses
 * any other account). Shared: both stacks' deploy roles live in one account and are told apart by the resources
 * they may act on (CC-ENV-07); separate: each stack deploys to its own. Undefined with fewer than two stacks.
 */
export function accountsLine(stacks: Array<{ stack: string; ids?: string[] }>): string | undefined {
  if (stacks.length < 2) return undefined;
  const unknown = stacks.filter((s) => !s.ids?.length).map((s) => s.stack);
  if (unknown.length)
    return (
      `accounts     not pinned for ${unknown.join(", ")} (set aws:allowedAccountIds): the stacks deploy wherever ` +
      "their credentials point; whether they share an account is not known"
    );
  const [first, ...rest] = stacks;
  const shared = first.ids!.filter((id) => rest.every((s) => s.ids!.includes(id)));
  const list = stacks.map((s) => `${s.stack} ${s.ids!.join(",")}`).join("; ");
  return shared.length
    ? `accounts     shared: ${list} (deploy roles are told apart by their resources, CC-ENV-07)`
    : `accounts     separate: ${list}. Not supported yet for this repository's staging deploy role, which the ` +
        'owning stack creates in its own account (docs/ARCHITECTURE.md, "Which stack owns what")';
}

/**
 * `cicd preview`: previews the stack files of a project offline, staging before production (production's
 * StackReference reads staging's outputs), prints a summary per stack and writes `out/plan.<stack>.json`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/model";
import { StackPreview } from "../offline/preview";
import { previewStacks, readPreviousOutputs, stackNames } from "../offline/stacks";
import { summarizePlan } from "../offline/summary";
import { reportJson } from "../report/render";
import { redactSecrets } from "../offline/recorder";
import { PromotionError } from "../program";
import { AuditReport } from "../report/types";
import { auditPreview } from "../audit/policy";
import { scoreLine } from "../../policy-pack/lib/scorecard";
import { writeInDirectory } from "../files";
import { writeStackReports } from "../report/command";
import type { ReportFormat } from "../report/types";
import { type ColorMode, type Layout, layoutFor, paint, wrapIndented } from "../terminal";

/** Formats of `cicd preview --format`: `table` (a summary for people) or `json` (plans and audits on stdout). */
export const SUMMARY_FORMATS = ["table", "json"] as const;

/** A format of `cicd preview --format` ({@link SUMMARY_FORMATS}). */
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

/** Options of {@link runPreview}. */
export interface PreviewCommandOptions {
  /** Stack name or `all`. */
  stack: string;
  /** Project directory. */
  dir: string;
  /** Output directory of plan files. */
  outDir: string;
  /** `YYYY-MM-DD` for date checks. */
  today?: string;
  /** `table` (readable) or `json` (the plans on stdout). */
  format: SummaryFormat;
  /** `STACK=FILE` entries: a stack's last outputs (`pulumi stack output --json --show-secrets`). Default: none. */
  previousOutputs?: string[];
  /**
   * Also write each stack's audit to `reportDir/audit.<stack>.<ext>` in {@link reportFormats}, from this same
   * preview (as `cicd report --out-dir` would, without previewing again). Default: no report files.
   */
  reportDir?: string;
  /** The formats written to {@link reportDir}. Default: markdown. */
  reportFormats?: ReportFormat[];
  /** `--color`: the summary's colours (src/terminal.ts `useColor`). Default `auto`. */
  color?: ColorMode;
}

/** The banner every offline summary starts with: what this run is, and what it is not. */
export const OFFLINE_BANNER = [
  "OFFLINE PREVIEW: the program ran under Pulumi's mock runtime. This is the desired state only:",
  "no Pulumi CLI, provider plugin or cloud API was called; computed values (ARNs, ids, image digests) are",
  "simulated, and nothing says the stack can be deployed as is. Run `pulumi preview` for the real diff.",
];

/** An error class whose instances a command reports as bad input (exit 2) instead of crashing. */
type InputErrorClass = new (...args: never[]) => Error;

/**
 * Runs one step of a command; an error of one of the `expected` classes is printed (its message only) and gives
 * exit code 2 instead of a result. Other errors propagate.
 */
async function exitCode2On<T>(step: () => T | Promise<T>, expected: InputErrorClass[]): Promise<T | 2> {
  try {
    return await step();
  } catch (err) {
    if (expected.some((c) => err instanceof c)) {
      console.error((err as Error).message);
      return 2;
    }
    throw err;
  }
}

/** The previews of a run and their audits, in the same order. */
interface PreviewRun {
  previews: StackPreview[];
  audits: AuditReport[];
  /** Mandatory failures over every stack: the run fails (exit 1) when there is one. */
  mandatoryFailures: number;
}

/** Writes each preview's plan to `outDir/plan.<stack>.json` (pretty-printed, one trailing newline). */
function writePlans(outDir: string, previews: StackPreview[]): void {
  fs.mkdirSync(outDir, { recursive: true });
  for (const p of previews) {
    writeInDirectory(outDir, `plan.${p.plan.stack}.json`, JSON.stringify(p.plan, null, 2) + "\n");
  }
}

/** `--format json`: `{ ok, mandatoryFailures, stacks: [{ plan, audit }] }`, the audits in the report's JSON format. */
function printJson(run: PreviewRun): void {
  // The same verdicts and the same exit code as the table: a format never hides a failure.
  console.log(
    JSON.stringify(
      {
        ok: run.mandatoryFailures === 0,
        mandatoryFailures: run.mandatoryFailures,
        stacks: run.previews.map((p, i) => ({ plan: p.plan, audit: reportJson(run.audits[i]) })),
      },
      null,
      2,
    ),
  );
}

/** The required secrets of a stack: how many, which are not set yet (with the command), which are encrypted. */
function secretLines(p: StackPreview): string[] {
  const missing = p.requiredSecrets.filter((s) => s.state === "missing");
  const encrypted = p.requiredSecrets.filter((s) => s.state === "encrypted");
  const lines = [
    `  secrets      ${p.requiredSecrets.length} required by pulumi up; previewed with placeholders`,
  ];
  if (missing.length > 0) {
    lines.push(
      `               not set yet (pulumi config set --stack ${p.plan.stack} --secret --path '<key>' ...):`,
      ...missing.map((s) => `                 ${s.path}`),
    );
  }
  if (encrypted.length > 0)
    lines.push(`               encrypted in the stack file: ${encrypted.map((s) => s.path).join(", ")}`);
  return lines;
}

/** The audit of a stack: counts, Scorecard scores, and each failing or waived result (secret values redacted). */
function auditLines(p: StackPreview, audit: AuditReport, color: boolean): string[] {
  const s = audit.summary;
  return [
    `  policy pack  ${s.pass} pass, ${s.fail} fail (${s.mandatoryFailures} mandatory), ${s.waived} waived, ` +
      `${s.notApplicable} not applicable`,
    ...audit.scorecard.map((sc) => `  scorecard    ${scoreLine(sc)}`),
    ...audit.results.flatMap((r, i) => {
      if (r.status !== "fail" && r.status !== "waived") return [];
      // The stack file line the finding points at (the app's config key), as the PR comment links it.
      const loc = audit.locations?.[i];
      const where = (r.resource ? r.resource.name : "stack") + (loc ? ` (${loc.uri}:${loc.line})` : "");
      const status =
        r.status === "fail"
          ? paint(color, r.enforcementLevel === "mandatory" ? "red" : "yellow", "FAIL")
          : "WAIVED";
      return [
        redactSecrets(
          `    ${status} ${r.ruleId} [${r.enforcementLevel}] ${where}: ${r.message}`,
          p.secretValues,
        ),
      ];
    }),
  ];
}

/**
 * `--format table`: the banner, then per stack its summary, secrets, plan file and audit; accounts; the verdict.
 * On a terminal each line wraps to its width under its own indentation; to a pipe or a file, one line each.
 */
function printTable(run: PreviewRun, outDir: string, layout: Layout): void {
  // On a terminal the banner is one paragraph wrapped to its width; to a pipe or a file, its three lines.
  const lines = layout.width === undefined ? [...OFFLINE_BANNER] : [OFFLINE_BANNER.join(" ")];
  run.previews.forEach((p, i) => {
    lines.push(
      "",
      `== ${p.plan.project} / ${p.plan.stack} (${p.source.origin}) in ${p.millis} ms`,
      ...summarizePlan(p.plan, new Map(p.resources.map((r) => [r.urn, r.props]))),
      ...secretLines(p),
      `  plan         ${path.join(outDir, `plan.${p.plan.stack}.json`)}`,
      ...auditLines(p, run.audits[i], layout.color),
    );
  });
  const accounts = accountsLine(
    run.previews.map((p) => ({ stack: p.plan.stack, ids: p.model.awsAllowedAccountIds })),
  );
  if (accounts) lines.push("", accounts);
  lines.push("");
  for (const line of lines) console.log(wrapIndented(line, layout.width));
  console.log(
    run.mandatoryFailures > 0
      ? paint(layout.color, "red", `FAILED: ${run.mandatoryFailures} mandatory policy violation(s).`)
      : paint(layout.color, "green", "OK: no mandatory policy violation."),
  );
}

/**
 * Runs `cicd preview`: previews the stacks (all of the directory's, staging first, or one), audits each with the
 * policy pack, writes the plans to `opts.outDir` (and the audit reports to `opts.reportDir`, when given) and prints
 * the summary in `opts.format`.
 *
 * @returns the exit code: 0; 1 when a mandatory rule fails; 2 when there is no stack file, or a config or
 *   promotion error (printed).
 */
export async function runPreview(opts: PreviewCommandOptions): Promise<number> {
  const stacks = opts.stack === "all" ? stackNames(opts.dir) : [opts.stack];
  if (stacks.length === 0) {
    console.error(`No Pulumi.<stack>.yaml in ${path.resolve(opts.dir)}`);
    return 2;
  }
  const today = opts.today ? new Date(`${opts.today}T00:00:00Z`) : undefined;
  const previews = await exitCode2On(
    () => previewStacks(opts.dir, stacks, today, readPreviousOutputs(opts.previousOutputs)),
    [ConfigError, PromotionError],
  );
  if (previews === 2) return 2;
  const audits = await exitCode2On(
    () => previews.map((p) => auditPreview(p, today, opts.dir)),
    [ConfigError],
  );
  if (audits === 2) return 2;
  const run: PreviewRun = {
    previews,
    audits,
    mandatoryFailures: audits.reduce((n, a) => n + a.summary.mandatoryFailures, 0),
  };
  writePlans(opts.outDir, previews);
  if (opts.reportDir)
    previews.forEach((p, i) =>
      writeStackReports(opts.reportDir!, p, audits[i], opts.reportFormats ?? ["markdown"]),
    );
  switch (opts.format) {
    case "json":
      printJson(run);
      break;
    case "table":
      printTable(run, opts.outDir, layoutFor(opts.color));
      break;
    default: {
      // A format added to SUMMARY_FORMATS and not printed here fails tsc: `opts.format` is not `never` then.
      const unknown: never = opts.format;
      throw new Error(`unknown summary format ${String(unknown)}; expected ${SUMMARY_FORMATS.join(" or ")}`);
    }
  }
  return run.mandatoryFailures > 0 ? 1 : 0;
}
