/**
 * Temporary directories of the tests: `tempDir()` makes one under os.tmpdir() (the run's own TMPDIR, test/hooks.ts)
 * and remembers it; `cleanTempDirs()` removes every one made so far. A test file calls it in `after`; the root hook
 * calls it once more at the end of the run, then fails the run if anything else is left in TMPDIR.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made: string[] = [];

/** A new temporary directory `prefix-XXXXXX`, removed by {@link cleanTempDirs}. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  made.push(dir);
  return dir;
}

/** Removes every directory {@link tempDir} made. */
export function cleanTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A new temporary directory ({@link tempDir}) holding `files` (relative path -> text), folders made as needed. */
export function tempFiles(prefix: string, files: Record<string, string>): string {
  const root = tempDir(prefix);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}
