#!/usr/bin/env node
/**
 * The `cicd` command line: `npm run --silent cicd -- <command>`. The command tree is built here from the command
 * families of src/cli/commands/; each command loads its module only when it runs.
 * Exit codes: 0 success; 1 a mandatory policy failed; 2 invalid config or unreadable input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import { assertFreshBuild } from "../../policy-pack/lib/build";
import { maskCredentialsInOutput } from "../redact";
import { type CommandResult, loader } from "./options";
import { auditCommands, previewCommands } from "./commands/audit";
import { deployCommands } from "./commands/deploy";
import { flagsCommands } from "./commands/incident";
import { commentCommand, diffCommand } from "./commands/review";
import { doraCommand, releaseCommand } from "./commands/release";

const load = loader(require);

/**
 * `cicd --version`: the package's version, and the project's release when a `VERSION` file (written by `cicd
 * release`) sits beside the package.json, found from `from` up (default this module's directory: bin/ or the
 * sources). A package.json of another package is passed over.
 *
 * @returns `cicd-constitution 1.2.3 (mvp-1.0.0)`; `?` for a missing version; `cicd-constitution (version unknown)`
 *   when no package.json of cicd-constitution is found.
 */
export function versionLine(from = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name !== "cicd-constitution") continue;
    const release = path.join(dir, "VERSION");
    const tag = fs.existsSync(release) ? ` (${fs.readFileSync(release, "utf8").trim()})` : "";
    return `${pkg.name} ${pkg.version ?? "?"}${tag}`;
  }
  return "cicd-constitution (version unknown)";
}

/**
 * The command tree. Each action loads its command's module when it runs (`load`), so a command pays only
 * for what it uses: `verify --help` never loads the Pulumi SDK, `preview` never loads the AWS SDK clients. Each
 * action puts its command's exit code in `result.code`.
 */
function commands(result: CommandResult): Command {
  const program = new Command()
    .name("cicd")
    .description("Offline preview, policy audit and reports of the cicd-constitution Pulumi stacks.")
    .version(versionLine(), "--version", "print the CLI's version (and this project's release, from VERSION)")
    // `cicd --version` only before a command: after one, `--version <tag>` is the command's own option (bump,
    // promote, verify), never the CLI's version with exit 0.
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride();
  previewCommands(program, result);
  auditCommands(program, result);
  deployCommands(program, result);
  flagsCommands(program, result);
  diffCommand(program, result);
  commentCommand(program, result);
  doraCommand(program, result);
  releaseCommand(program, result);
  return program;
}

/**
 * Runs one `cicd` command line in this process, as the `cicd` executable would, and returns its exit code:
 * 0 success, 1 a mandatory policy failed (or a post-deploy check), 2 bad input, usage errors included. Help and
 * messages go to stdout and stderr, credentials masked (src/redact.ts). Tests call this instead of a subprocess where the process is not what they test.
 *
 * @param argv the arguments after the program name, e.g. `["preview", "--stack", "all"]`.
 */
export async function runCli(argv: string[]): Promise<number> {
  const result = { code: 0 };
  const unmask = maskCredentialsInOutput();
  try {
    await commands(result).parseAsync(argv, { from: "user" });
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  } finally {
    unmask();
  }
}

/**
 * The executable's start: `file` is the entry module's path. Compiled (`.js`, bin/src/cli/main.js, what `npm start`
 * and `npm run cicd` run), it refuses to run older than the sources (policy-pack/lib/build.ts) and turns on Node's
 * own V8 code cache where Node has it (22.1+, `module.enableCompileCache`; `CICD_COMPILE_CACHE=off` leaves it off).
 * Then {@link runCli}.
 *
 * @returns the exit code: {@link runCli}'s, or 2 with `cicd: <why>` on stderr when the build is stale.
 */
export async function startCli(file: string, argv: string[]): Promise<number> {
  try {
    if (file.endsWith(".js")) {
      const root = path.resolve(path.dirname(file), "../../..");
      assertFreshBuild(root, path.resolve(path.dirname(file), "../.."));
      const nodeModule = load<{ enableCompileCache?: (dir: string) => unknown }>("node:module");
      if (process.env.CICD_COMPILE_CACHE !== "off")
        nodeModule.enableCompileCache?.(path.join(root, "node_modules/.cache/cicd-compile-cache"));
    }
  } catch (err) {
    console.error(`cicd: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  return runCli(argv);
}

if (require.main === module)
  void startCli(__filename, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
