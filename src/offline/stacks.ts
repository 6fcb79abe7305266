/**
 * The stack files of a project previewed offline, in dependency order: staging before production, whose
 * StackReference reads staging's outputs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackOutputs } from "../audit/readState";
import { readStackFile } from "../config/sources";
import { organizationOf, previewSource, projectName, StackPreview } from "./preview";

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
