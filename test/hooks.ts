/**
 * Mocha root hooks (.mocharc.json `require`): every test run gets a temporary directory of its own as `TMPDIR`
 * (os.tmpdir() reads it on each call, and child processes inherit it), and at the end of the run that directory
 * must be empty once the directories made with test/temp.ts's `tempDir` are removed: a test that leaves a temporary file or directory behind fails the run, naming what it left.
 * Tool caches that are not the tests' doing (tsx's compile cache, `tsx-<uid>`, made by the diff command's
 * preview of a git ref under tsx) are not counted.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cleanTempDirs } from "./temp";

const TOOL_CACHES = /^tsx-\d+$/;

let runDir: string | undefined;
let previous: string | undefined;

export const mochaHooks = {
  beforeAll(): void {
    previous = process.env.TMPDIR;
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), "cicd-test-run-"));
    process.env.TMPDIR = runDir;
  },
  afterAll(): void {
    if (!runDir) return;
    cleanTempDirs();
    const left = fs.readdirSync(runDir).filter((e) => !TOOL_CACHES.test(e));
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    fs.rmSync(runDir, { recursive: true, force: true });
    runDir = undefined;
    if (left.length)
      throw new Error(`the tests left ${left.length} temporary entr(ies) behind: ${left.sort().join(", ")}`);
  },
};
