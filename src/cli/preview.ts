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
        'owning stack creates in its own account (README, "Which stack owns what")';
}

/**
 * `cicd preview`: previews the stack files of a project offline, staging before production (production's
 * StackReference reads staging's outputs), prints a summary per stack and writes `out/plan.<stack>.json`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/model";
import { organizationOf, previewSource, projectName, StackPreview } from "../offline/preview";
import { readStackOutputs } from "../audit/readState";
import { readStackFile } from "../config/sources";
import { summarizePlan } from "../offline/summary";
import { reportJson } from "../report/render";
import { redactSecrets } from "../offline/recorder";
import { PromotionError } from "../program";
import { AuditReport } from "../report/types";
import { auditPreview } from "./policy";
import { scoreLine } from "../../policy-pack/lib/scorecard";

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
  format: "table" | "json";
  /** `STACK=FILE` entries: a stack's last outputs (`pulumi stack output --json --show-secrets`). Default: none. */
  previousOutputs?: string[];
}

/** The banner every offline summary starts with: what this run is, and what it is not. */
export const OFFLINE_BANNER = [
  "OFFLINE PREVIEW: the program ran under Pulumi's mock runtime. This is the desired state only:",
  "no Pulumi CLI, provider plugin or cloud API was called; computed values (ARNs, ids, image digests) are",
  "simulated, and nothing says the stack can be deployed as is. Run `pulumi preview` for the real diff.",
];

/** Stack names found in a project directory (`Pulumi.<stack>.yaml`), staging first, production last. */
export function stackNames(dir: string): string[] {
  const names = fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => !!s);
  const rank = (s: string) => (s === "staging" ? 0 : s === "production" ? 2 : 1);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * Reads `--previous-outputs STACK=FILE` options: each file is a stack's last outputs as
 * `pulumi stack output --json --show-secrets --stack STACK` prints them.
 *
 * @throws Error naming the option when an entry is not STACK=FILE, or the file when it is not a JSON object.
 */
export function readPreviousOutputs(entries: string[] = []): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const entry of entries) {
    const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(entry);
    if (!m) throw new Error(`--previous-outputs: expected STACK=FILE, found ${JSON.stringify(entry)}`);
    out[m[1]] = readStackOutputs(m[2]);
  }
  return out;
}

function stackFile(dir: string, stack: string): string {
  const yml = path.join(dir, `Pulumi.${stack}.yml`);
  return fs.existsSync(yml) ? yml : path.join(dir, `Pulumi.${stack}.yaml`);
}

/**
 * Previews stacks in dependency order: a stack whose config names `promotion.stagingStack` gets that stack's
 * outputs (previewing it first if needed).
 *
 * @throws ConfigError / PromotionError from the stacks.
 */
export async function previewStacks(
  dir: string,
  stacks: string[],
  today?: Date,
  previousOutputs: Record<string, Record<string, unknown>> = {},
): Promise<StackPreview[]> {
  const done = new Map<string, StackPreview>();
  const outputsByRef: Record<string, Record<string, unknown>> = {};
  const organization = organizationOf(dir);
  const run = async (stack: string): Promise<StackPreview> => {
    const existing = done.get(stack);
    if (existing) return existing;
    const file = stackFile(dir, stack);
    const source = readStackFile(file);
    const promotion = source.raw.promotion as { stagingStack?: unknown } | undefined;
    const ref = typeof promotion?.stagingStack === "string" ? promotion.stagingStack : undefined;
    if (ref) {
      const refStack = ref.split("/").pop()!;
      if (refStack !== stack && fs.existsSync(stackFile(dir, refStack))) {
        outputsByRef[ref] = (await run(refStack)).stackOutputs;
      }
    }
    const result = await previewSource(source, {
      stackOutputs: outputsByRef,
      today,
      project: projectName(dir),
      organization,
      previousOutputs: previousOutputs[stack],
    });
    done.set(stack, result);
    return result;
  };
  const results: StackPreview[] = [];
  for (const s of stacks) results.push(await run(s));
  return results;
}

/** Runs `cicd preview`; returns the exit code. */
export async function runPreview(opts: PreviewCommandOptions): Promise<number> {
  const stacks = opts.stack === "all" ? stackNames(opts.dir) : [opts.stack];
  if (stacks.length === 0) {
    console.error(`No Pulumi.<stack>.yaml in ${path.resolve(opts.dir)}`);
    return 2;
  }
  const today = opts.today ? new Date(`${opts.today}T00:00:00Z`) : undefined;
  let previews: StackPreview[];
  try {
    previews = await previewStacks(opts.dir, stacks, today, readPreviousOutputs(opts.previousOutputs));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof PromotionError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  let audits: AuditReport[];
  try {
    audits = previews.map((p) => auditPreview(p, today, opts.dir));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const mandatoryFailures = audits.reduce((n, a) => n + a.summary.mandatoryFailures, 0);
  fs.mkdirSync(opts.outDir, { recursive: true });
  for (const p of previews) {
    fs.writeFileSync(
      path.join(opts.outDir, `plan.${p.plan.stack}.json`),
      JSON.stringify(p.plan, null, 2) + "\n",
    );
  }
  const exitCode = mandatoryFailures > 0 ? 1 : 0;
  if (opts.format === "json") {
    // The same verdicts and the same exit code as the table: a format never hides a failure.
    console.log(
      JSON.stringify(
        {
          ok: exitCode === 0,
          mandatoryFailures,
          stacks: previews.map((p) => ({
            plan: p.plan,
            audit: reportJson(audits.find((a) => a.stack === p.plan.stack)!),
          })),
        },
        null,
        2,
      ),
    );
    return exitCode;
  }
  console.log(OFFLINE_BANNER.join("\n"));
  for (const p of previews) {
    console.log("");
    console.log(`== ${p.plan.project} / ${p.plan.stack} (${p.source.origin}) in ${p.millis} ms`);
    for (const line of summarizePlan(p.plan, new Map(p.resources.map((r) => [r.urn, r.props]))))
      console.log(line);
    const missing = p.requiredSecrets.filter((s) => s.state === "missing");
    const encrypted = p.requiredSecrets.filter((s) => s.state === "encrypted");
    console.log(
      `  secrets      ${p.requiredSecrets.length} required by pulumi up; previewed with placeholders`,
    );
    if (missing.length > 0) {
      console.log(
        `               not set yet (pulumi config set --stack ${p.plan.stack} --secret --path '<key>' ...):`,
      );
      for (const s of missing) console.log(`                 ${s.path}`);
    }
    if (encrypted.length > 0)
      console.log(`               encrypted in the stack file: ${encrypted.map((s) => s.path).join(", ")}`);
    console.log(`  plan         ${path.join(opts.outDir, `plan.${p.plan.stack}.json`)}`);
    const audit = audits.find((a) => a.stack === p.plan.stack)!;
    const s = audit.summary;
    console.log(
      `  policy pack  ${s.pass} pass, ${s.fail} fail (${s.mandatoryFailures} mandatory), ${s.waived} waived, ` +
        `${s.notApplicable} not applicable`,
    );
    for (const sc of audit.scorecard) console.log(`  scorecard    ${scoreLine(sc)}`);
    for (const r of audit.results.filter((x) => x.status === "fail" || x.status === "waived")) {
      const where = r.resource ? r.resource.name : "stack";
      const line = `    ${r.status.toUpperCase()} ${r.ruleId} [${r.enforcementLevel}] ${where}: ${r.message}`;
      console.log(redactSecrets(line, p.secretValues));
    }
  }
  const accounts = accountsLine(
    previews.map((p) => ({ stack: p.plan.stack, ids: p.model.awsAllowedAccountIds })),
  );
  if (accounts) {
    console.log("");
    console.log(accounts);
  }
  console.log("");
  console.log(
    mandatoryFailures > 0
      ? `FAILED: ${mandatoryFailures} mandatory policy violation(s).`
      : "OK: no mandatory policy violation.",
  );
  return exitCode;
}
