/**
 * The stack files of a project previewed offline, in dependency order: staging before production, whose
 * StackReference reads staging's outputs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackOutputs } from "../audit/readState";
import { readStackFile } from "../config/sources";
import { organizationOf, previewSource, projectName, StackPreview } from "./preview";
import type { Plan } from "../plan/types";

/**
 * Stack names found in a project directory (`Pulumi.<stack>.yaml`), staging first, production last.
 *
 * @throws Error naming `--dir` when the directory does not exist.
 */
export function stackNames(dir: string): string[] {
  let isDirectory = false;
  try {
    isDirectory = fs.statSync(dir).isDirectory();
  } catch {
    // Missing, or a path through a file (ENOTDIR): not a project directory either way.
  }
  if (!isDirectory)
    throw new Error(
      `--dir ${dir}: no such directory; expected the project directory holding Pulumi.<stack>.yaml`,
    );
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

/** A history entry of the stack file that records its provenance. */
type RecordedRelease = { digest: string; gitSha: string; date: string; actor: string };

/**
 * Staging's earlier releases as the production stack file records them: the pinned digest when it has a pinned
 * `image.provenance`, and the `image.history` entries that carry their provenance (`{ digest, gitSha, date, actor }`,
 * as staging recorded them), newest first, per app. Offline,
 * with no `--previous-outputs staging=FILE`, staging's own record is unknown; this stands in for it, so production
 * pinned to one of them (after `cicd rollback`) previews as the real staging record would let it. Undefined when
 * the file records none.
 */
export function recordedStagingReleases(dir: string): Record<string, unknown> | undefined {
  const file = stackFile(dir, "production");
  if (!fs.existsSync(file)) return undefined;
  const apps = (readStackFile(file).raw.apps ?? []) as Array<{
    name?: unknown;
    image?: { digest?: unknown; provenance?: Record<string, unknown>; history?: unknown };
  }>;
  const recorded = apps.flatMap((a) => {
    const history = Array.isArray(a.image?.history) ? (a.image!.history as unknown[]) : [];
    // The pinned digest with its pinned provenance (a rollback's target) first, then the history.
    const pinned =
      a.image?.provenance && a.image.digest ? [{ digest: a.image.digest, ...a.image.provenance }] : [];
    const releases = [...pinned, ...history].filter(
      (h): h is RecordedRelease =>
        !!h &&
        typeof h === "object" &&
        ["digest", "gitSha", "date", "actor"].every((k) => k in (h as object)),
    );
    return releases.length && typeof a.name === "string"
      ? [[a.name, { digest: releases[0].digest, releases }] as const]
      : [];
  });
  return recorded.length
    ? { environmentProfile: { environment: "staging", apps: Object.fromEntries(recorded) } }
    : undefined;
}

/**
 * A stack's previous outputs for an offline preview: the ones given, else for staging the releases the
 * production stack file records ({@link recordedStagingReleases}), with the assumption that makes.
 */
export function previousOutputsOf(
  dir: string,
  stack: string,
  given: Record<string, unknown> | undefined,
): { previousOutputs?: Record<string, unknown>; extraAssumptions: NonNullable<Plan["assumptions"]> } {
  const recorded = stack === "staging" && !given ? recordedStagingReleases(dir) : undefined;
  return {
    previousOutputs: given ?? recorded,
    extraAssumptions: recorded
      ? [
          {
            what: "staging ran the releases production's image.history records with their provenance (its own record is not read offline)",
            check:
              "pulumi stack output --json --show-secrets --stack staging > staging.json; cicd preview --previous-outputs staging=staging.json",
          },
        ]
      : [],
  };
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
      ...previousOutputsOf(dir, stack, previousOutputs[stack]),
    });
    done.set(stack, result);
    return result;
  };
  const results: StackPreview[] = [];
  for (const s of stacks) results.push(await run(s));
  return results;
}
