/**
 * The `cicd` command tree (src/cli/main.ts and the command families of src/cli/commands/): every command is
 * listed in the order of `cicd --help`, and its help loads no SDK (each command's module is loaded when it runs).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { CLI_JS, cicd } from "../cli-harness";
import { ROOT } from "../helpers";

const COMMANDS = [
  "preview",
  "policy-config",
  "audit",
  "report",
  "bump",
  "verify",
  "predeploy",
  "rollback",
  "incident",
  "migrate",
  "promote",
  "flags",
  "diff",
  "comment",
  "dora",
  "release",
];

/** The modules the compiled `cicd ARGS` loaded, as paths, read from `require.cache` once the command ended. */
function loadedModules(args: string[]): string[] {
  const script = `require(${JSON.stringify(CLI_JS)}).runCli(${JSON.stringify(args)}).then(() =>
    process.stderr.write(JSON.stringify(Object.keys(require.cache))))`;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stderr) as string[];
}

describe("cicd command tree", () => {
  it("lists every command, in order, and each command's help exits 0", async () => {
    const root = await cicd(["--help"]);
    assert.equal(root.code, 0);
    const listed = [...root.stdout.split("Commands:")[1].matchAll(/^ {2}([a-z-]+) /gm)]
      .map((m) => m[1])
      .filter((c) => c !== "help");
    assert.deepEqual(listed, COMMANDS);
    for (const command of COMMANDS) {
      const r = await cicd([command, "--help"]);
      assert.equal(r.code, 0, command);
      assert.match(r.stdout, new RegExp(`^Usage: cicd ${command} `), command);
    }
  });

  it("verify --help and --help load neither the Pulumi SDK nor an AWS SDK client", () => {
    for (const args of [["--help"], ["verify", "--help"], ["flags", "wait", "--help"]]) {
      const sdk = loadedModules(args).filter((m) => /[\\/]@(pulumi|aws-sdk)[\\/]/.test(m));
      assert.deepEqual(sdk, [], args.join(" "));
    }
  });
});
