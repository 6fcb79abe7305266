/**
 * Compiled JavaScript that cannot silently run stale. The CLI, the Pulumi program and the policy pack run from
 * `tsc` output (`bin/`, built by `npm ci`'s postinstall and by `npm run build`), because loading TypeScript at
 * launch cost more than the work itself (docs/PROOFS.md, "Speed"). The price of compiled code is that an edited `.ts` file
 * changes nothing until the next build; this module makes that an error instead of a wrong verdict.
 *
 * After each `tsc`, `stampBuild` records the sources the build compiled (one `.ts` per emitted `.js`), each one's
 * modification time and size, and a SHA-256 of their contents. An entry point calls `assertFreshBuild` first:
 * it stats the recorded sources (about a millisecond for a hundred files) and hashes them only when a time or a
 * size differs from the stamp's (older times too: `cp -p`, `rsync -a`, `tar x` keep them), so a checkout that
 * touches files without changing them still runs. The stamp is taken just after `tsc`: a source saved while
 * `tsc` ran counts as compiled (run the build again after such a save).
 *
 * Lives on the pack's side because the pack installs and runs on its own; the program's entries import it.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The file `stampBuild` writes in the output directory. */
export const BUILD_STAMP = ".build-stamp.json";

/** What `stampBuild` records. Paths are relative to the project root, with `/` separators. */
export interface BuildStamp {
  /** The TypeScript sources the build compiled. */
  sources: string[];
  /**
   * Each source's modification time (milliseconds since the epoch), size (bytes) and content SHA-256 (hex), in
   * `sources` order.
   */
  stats: Array<[mtimeMs: number, size: number, sha256: string]>;
}

/** Thrown by `assertFreshBuild` when a source changed after the build that is about to run. */
export class StaleBuildError extends Error {
  constructor(
    readonly outDir: string,
    readonly changed: string,
  ) {
    super(
      `${outDir} was compiled before ${changed} changed (or was removed): run \`npm run build\` ` +
        "(npm ci runs it too), then try again",
    );
    this.name = "StaleBuildError";
  }
}

function listJs(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listJs(dir, r));
    else if (e.name.endsWith(".js")) out.push(r);
  }
  return out;
}

function sha256Of(root: string, source: string): string {
  return createHash("sha256")
    .update(fs.readFileSync(path.join(root, source)))
    .digest("hex");
}

/** A source's time and size now; throws (ENOENT) when it is gone. */
function statOf(root: string, source: string): [number, number] {
  const st = fs.statSync(path.join(root, source));
  return [st.mtimeMs, st.size];
}

/**
 * Records what a build compiled: every `.js` under `outDir` whose `.ts` exists at the same place under `root`.
 *
 * @param root the directory `tsc`'s `rootDir` names (the project root).
 * @param outDir `tsc`'s `outDir`.
 * @param except top-level directories whose files the running code never loads (the tests): not recorded, so
 *   editing a test does not stop the CLI.
 * @returns the stamp written to `outDir/.build-stamp.json`.
 */
export function stampBuild(root: string, outDir: string, except: readonly string[] = []): BuildStamp {
  const sources = listJs(outDir)
    .map((js) => js.replace(/\.js$/, ".ts"))
    .filter((ts) => !except.some((dir) => ts.startsWith(`${dir}/`)) && fs.existsSync(path.join(root, ts)))
    .sort();
  const stamp: BuildStamp = {
    sources,
    stats: sources.map((src) => [...statOf(root, src), sha256Of(root, src)]),
  };
  fs.writeFileSync(path.join(outDir, BUILD_STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
  return stamp;
}

/**
 * Refuses to run compiled code older than its sources. A no-op when `outDir` holds no stamp (the code runs from
 * TypeScript, under tsx or ts-node, or was copied without its sources).
 *
 * @param root the project root the stamp's paths are relative to.
 * @param outDir the directory the running code was compiled into.
 * @throws StaleBuildError naming a changed or missing source.
 */
export function assertFreshBuild(root: string, outDir: string): void {
  let stamp: BuildStamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(outDir, BUILD_STAMP), "utf8")) as BuildStamp;
  } catch {
    return;
  }
  const dir = path.relative(root, outDir) || outDir;
  stamp.sources.forEach((source, i) => {
    const [mtimeMs, size, sha256] = stamp.stats?.[i] ?? [NaN, NaN, ""];
    let now: [number, number];
    try {
      now = statOf(root, source);
    } catch {
      throw new StaleBuildError(dir, source);
    }
    if (now[0] === mtimeMs && now[1] === size) return;
    if (now[1] !== size || sha256Of(root, source) !== sha256) throw new StaleBuildError(dir, source);
  });
}

/**
 * `node bin/.../build.js stamp ROOT OUT_DIR [--except DIR,...]`, run after `tsc` by `npm run build`: stamps the
 * build ({@link stampBuild}) and prints how many sources it compiled.
 *
 * @param argv the arguments after the script's path.
 * @returns 0, or 2 with the usage on stderr for any other arguments.
 */
export function stampCommand(argv: string[]): number {
  const [command, root, outDir, flag, list] = argv;
  if (command !== "stamp" || !root || !outDir || (flag !== undefined && (flag !== "--except" || !list))) {
    console.error("usage: node build.js stamp ROOT OUT_DIR [--except DIR,...]");
    return 2;
  }
  const except = list ? list.split(",") : [];
  const stamp = stampBuild(path.resolve(root), path.resolve(outDir), except);
  console.log(`${outDir}: ${stamp.sources.length} sources compiled`);
  return 0;
}

if (require.main === module) process.exitCode = stampCommand(process.argv.slice(2));
