/**
 * The executable's start and `--version` (src/cli/main.ts), in process: compiled code refuses to run older than its
 * sources, the sources themselves run unguarded, and the version line reads the package and the release.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startCli, versionLine } from "../../src/cli/main";
import { stampBuild } from "../../policy-pack/lib/build";
import { captured, cleanTempDirs } from "../cli-harness";
import { tempFiles } from "../temp";
import { ROOT } from "../helpers";

const project = (files: Record<string, string>) => tempFiles("cicd-entry", files);

describe("cli entry: the executable's start and --version", function () {
  after(cleanTempDirs);

  it("a compiled entry whose sources changed since the build is refused: exit 2, `cicd:` and the source named", async function () {
    const root = project({ "src/cli/main.ts": "export {};\n", "bin/src/cli/main.js": "" });
    stampBuild(root, path.join(root, "bin"));
    fs.writeFileSync(path.join(root, "src/cli/main.ts"), "export const changed = true;\n");
    const { code, stderr } = await captured(() =>
      startCli(path.join(root, "bin/src/cli/main.js"), ["--version"]),
    );
    assert.equal(code, 2);
    assert.match(stderr, /^cicd: .*src\/cli\/main\.ts/);
  });

  it("a compiled entry with a fresh build runs the command", async function () {
    const root = project({ "src/cli/main.ts": "export {};\n", "bin/src/cli/main.js": "" });
    stampBuild(root, path.join(root, "bin"));
    const { code, stderr } = await captured(() =>
      startCli(path.join(root, "bin/src/cli/main.js"), ["policy-config", "--stack", "no/such"]),
    );
    assert.equal(code, 2, "the command ran and refused its argument");
    assert.match(stderr, /--stack .*expected a stack name/);
    assert.doesNotMatch(stderr, /^cicd: /m);
  });

  it("the sources (not compiled) run without the build check, whatever bin/ holds", async function () {
    const root = project({ "src/cli/main.ts": "export {};\n", "bin/src/cli/main.js": "" });
    stampBuild(root, path.join(root, "bin"));
    fs.rmSync(path.join(root, "src/cli/main.ts"));
    const { code, stderr } = await captured(() =>
      startCli(path.join(root, "src/cli/main.ts"), ["policy-config", "--stack", "no/such"]),
    );
    assert.equal(code, 2);
    assert.doesNotMatch(stderr, /^cicd: /m, "no stale-build refusal");
  });

  it("--version names the package's version and the release in VERSION beside it", function () {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    const root = project({
      "package.json": JSON.stringify({ name: "cicd-constitution", version: "1.2.3" }),
      VERSION: "mvp-1.0.0\n",
      "other/package.json": JSON.stringify({ name: "another", version: "9.9.9" }),
      "other/bin/x.txt": "",
      "bare/package.json": JSON.stringify({ name: "cicd-constitution" }),
    });
    assert.equal(versionLine(path.join(root, "other", "bin")), "cicd-constitution 1.2.3 (mvp-1.0.0)");
    assert.equal(versionLine(path.join(root, "bare")), "cicd-constitution ?");
    assert.equal(versionLine(), `cicd-constitution ${pkg.version}`, "this repository has no VERSION");
  });

  it("--version without any package.json of cicd-constitution says so", function () {
    const root = project({ "a/package.json": JSON.stringify({ name: "another", version: "1.0.0" }) });
    assert.equal(versionLine(path.join(root, "a")), "cicd-constitution (version unknown)");
  });
});
