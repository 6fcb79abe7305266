/**
 * The `cicd verify` and `cicd predeploy` commands: options from the command line, the report in the chosen
 * format on stdout (or `--out`), and the exit code: 0 all checks passed, 1 a check failed, 2 bad input.
 */
import { ConfigError } from "../config/model";
import type { ReportFormat } from "../report/types";
import { CheckReport, exitCodeOf, renderChecks } from "./checks";
import { predeployStack } from "./predeploy";
import { verifyStack } from "./verify";
import { writeOutputFile } from "../files";
import { type ColorMode, layoutFor } from "../terminal";

/** Command-line options both commands share. */
export interface CommonOptions {
  stack: string;
  dir: string;
  format: ReportFormat;
  out?: string;
  /** `--color`: table colours on stdout (src/terminal.ts `useColor`); a file gets none unless `always`. */
  color?: ColorMode;
}

/** `cicd verify` options as commander parses them. */
export interface VerifyCommandOptions extends CommonOptions {
  outputs?: string;
  appUrl?: string[];
  registryUrl?: string;
  marker: boolean;
  version?: string;
}

/** `cicd predeploy` options as commander parses them. */
export interface PredeployCommandOptions extends CommonOptions {
  sha?: string;
  repository?: string;
  /** `APP=URL` entries: reach an app's `/version` there (PREDEPLOY-SCHEMA). */
  appUrl?: string[];
}

/**
 * Parses `APP=URL` entries.
 *
 * @throws Error naming the option and the entry when one is not `APP=http(s)://...`.
 */
export function parseAppUrls(entries: string[] = []): Record<string, string> {
  return Object.fromEntries(
    entries.map((e) => {
      const m = /^([a-z0-9-]+)=(https?:\/\/\S+)$/.exec(e);
      if (!m) throw new Error(`--app-url: expected APP=http(s)://HOST[:PORT], found ${JSON.stringify(e)}`);
      const url = new URL(m[2]);
      // Credentials in a URL would reach error messages and logs: never accepted.
      if (url.username || url.password)
        throw new Error(`--app-url ${m[1]}: expected a URL without credentials (user:password@ is refused)`);
      return [m[1], m[2]];
    }),
  );
}

/** Registry credentials from `GHCR_USERNAME` and `GHCR_TOKEN` (both, or neither: anonymous pulls). */
export function registryCredentials(
  env: NodeJS.ProcessEnv = process.env,
): { username: string; password: string } | undefined {
  return env.GHCR_USERNAME && env.GHCR_TOKEN
    ? { username: env.GHCR_USERNAME, password: env.GHCR_TOKEN }
    : undefined;
}

/**
 * The link to the GitHub Actions run the command runs in (`GITHUB_SERVER_URL`, default `https://github.com`, then
 * `GITHUB_REPOSITORY` and `GITHUB_RUN_ID`), for the deployment status verify writes; undefined outside Actions.
 */
export function runLogUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
    ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
    : undefined;
}

/**
 * Runs a command's checks and prints the report in `opts.format` (to `opts.out` when given, colours only with
 * `--color always`), then returns the exit code: 0 every check passed, 1 a check failed, 2 when `run` throws (its
 * message on stderr).
 */
export async function emitChecks(run: () => Promise<CheckReport>, opts: CommonOptions): Promise<number> {
  let report: CheckReport;
  try {
    report = await run();
  } catch (err) {
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : String(err));
    return 2;
  }
  const text = renderChecks(report, opts.format, layoutFor(opts.color, !!opts.out));
  if (opts.out) writeOutputFile(opts.out, `${text}\n`);
  else console.log(text);
  return exitCodeOf(report);
}

/** Runs `cicd verify`. */
export function runVerify(opts: VerifyCommandOptions): Promise<number> {
  return emitChecks(
    async () =>
      verifyStack({
        stack: opts.stack,
        dir: opts.dir,
        outputs: opts.outputs,
        appUrls: parseAppUrls(opts.appUrl),
        registryUrl: opts.registryUrl,
        registryCredentials: registryCredentials(),
        marker: opts.marker,
        version: opts.version,
        logUrl: runLogUrl(),
      }),
    opts,
  );
}

/** Runs `cicd predeploy`. */
export function runPredeploy(opts: PredeployCommandOptions): Promise<number> {
  return emitChecks(
    () =>
      predeployStack({
        stack: opts.stack,
        dir: opts.dir,
        sha: opts.sha,
        repository: opts.repository,
        appUrls: parseAppUrls(opts.appUrl),
      }),
    opts,
  );
}
