/**
 * The project root, found from where this module runs: the nearest directory above holding Pulumi.yaml. The same
 * from the TypeScript sources (tests under tsx) and from the compiled copy in bin/ (`npm run bench` runs that).
 */
import * as fs from "node:fs";
import * as path from "node:path";

function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml")) && fs.existsSync(path.join(dir, "package.json")))
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${from}`);
  }
}

/** Project root: the directory of Pulumi.yaml and package.json. */
export const ROOT = projectRoot(__dirname);
