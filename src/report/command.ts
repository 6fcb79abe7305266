/**
 * `cicd report [--stack NAME|all] [--format table|json|markdown|sarif|junit] [--out FILE | --out-dir DIR]`:
 * previews the stacks offline, runs the policy pack over them in process (each stack's
 * `cicd-constitution:policy` config applied) and renders the audit report.
 *
 * Exit codes: 0 no mandatory failure; 1 a mandatory rule failed; 2 invalid config or input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import {
  evaluate,
  POLICY_PACK_NAME,
  POLICY_PACK_VERSION,
  PolicyConfigError,
  resolvePackConfig,
  RULES,
} from "../../policy-pack/evaluate";
import { stackNames, previewStacks } from "../cli/preview";
import { ConfigError } from "../config/model";
import { PromotionError } from "../program";
import { buildReport } from "./build";
import { renderReport } from "./render";
import type { ReportFormat } from "./types";

/** Options of {@link runReport}. */
export interface ReportCommandOptions {
  /** A stack name or `all`. */
  stack: string;
  format: ReportFormat;
  /** Project directory (stack files). Default `.`. */
  dir?: string;
  /** One file for all stacks (reports concatenated; one stack only for json/sarif/junit). */
  out?: string;
  /** A directory: one file per stack, `audit.<stack>.<ext>`. */
  outDir?: string;
  /** `YYYY-MM-DD` for expiry dates. Default: today. */
  today?: string;
  /** Table colours; default: on a TTY. */
  color?: boolean;
}

/** File extension of each format. */
export const EXTENSIONS: Record<ReportFormat, string> = {
  table: "txt",
  json: "json",
  markdown: "md",
  sarif: "sarif",
  junit: "xml",
};

function stackFile(dir: string, stack: string): { uri: string; text: string } | undefined {
  for (const ext of ["yaml", "yml"]) {
    const uri = `Pulumi.${stack}.${ext}`;
    const file = path.join(dir, uri);
    if (fs.existsSync(file)) return { uri, text: fs.readFileSync(file, "utf8") };
  }
  return undefined;
}

/** Replaces every known secret value in `text` by `[secret]` (rules never print values; this is a second net). */
function scrub(text: string, secrets: Set<string>): string {
  let out = text;
  for (const s of [...secrets].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length))
    out = out.split(s).join("[secret]");
  return out;
}

/** Runs `cicd report`; returns the exit code. */
export async function runReport(opts: ReportCommandOptions): Promise<number> {
  const dir = opts.dir ?? ".";
  const stacks = opts.stack === "all" ? stackNames(dir) : [opts.stack];
  if (stacks.length === 0) {
    console.error(`No Pulumi.<stack>.yaml in ${path.resolve(dir)}`);
    return 2;
  }
  if (opts.out && stacks.length > 1 && opts.format !== "table" && opts.format !== "markdown") {
    console.error(`--format ${opts.format} writes one document per stack: use --out-dir or --stack NAME`);
    return 2;
  }
  const now = opts.today ? new Date(`${opts.today}T00:00:00Z`) : new Date();
  let mandatory = 0;
  const texts: string[] = [];
  try {
    const previews = await previewStacks(dir, stacks, now);
    for (const p of previews) {
      const stack = p.plan.stack;
      const file = stackFile(dir, stack);
      const doc = file ? (parseYaml(file.text) as { config?: Record<string, unknown> } | null) : null;
      const config = resolvePackConfig(doc?.config?.["cicd-constitution:policy"]);
      const results = evaluate(p.resources, { stack, now, config });
      const report = buildReport({
        mode: "offline",
        stack,
        policyPack: { name: POLICY_PACK_NAME, version: POLICY_PACK_VERSION },
        results,
        rules: RULES,
        stackFile: file,
      });
      mandatory += report.summary.mandatoryFailures;
      const text = scrub(renderReport(report, opts.format, { color: opts.color }), p.secretValues) + "\n";
      if (opts.outDir) {
        fs.mkdirSync(opts.outDir, { recursive: true });
        fs.writeFileSync(path.join(opts.outDir, `audit.${stack}.${EXTENSIONS[opts.format]}`), text);
      } else texts.push(text);
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof PromotionError || err instanceof PolicyConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  if (!opts.outDir) {
    const all = texts.join("\n");
    if (opts.out) {
      fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
      fs.writeFileSync(opts.out, all);
    } else process.stdout.write(all);
  }
  return mandatory > 0 ? 1 : 0;
}
