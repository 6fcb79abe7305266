/**
 * A real PostgreSQL server for a test (Debian's `postgresql`, which `.ci/run` installs): a fresh cluster in a
 * temporary directory (`initdb`, trust authentication), listening on a Unix socket only, run as the `postgres` user
 * when the tests run as root (PostgreSQL refuses to run as root). `stop` ends the server and removes the directory.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A running server: the environment psql and the app read (PGHOST, PGPORT, PGUSER, PGDATABASE) and `stop`. */
export interface Postgres {
  env: Record<string, string>;
  /** Runs SQL with psql; returns its unaligned, tuples-only output. @throws Error with psql's message */
  sql(statement: string): string;
  stop(): Promise<void>;
}

/** The directory of the server's programs (`initdb`, `postgres`, `pg_isready`), the newest installed version. */
export function postgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return undefined;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : undefined;
}

const asRoot = process.getuid?.() === 0;
/** Runs a server program as the `postgres` user when this process is root. */
const command = (bin: string, program: string, args: string[]): [string, string[]] =>
  asRoot
    ? ["runuser", ["-u", "postgres", "--", path.join(bin, program), ...args]]
    : [path.join(bin, program), args];

/**
 * Starts a server on a fresh cluster with a database `app`.
 *
 * @throws Error when PostgreSQL is not installed (`.ci/run` installs it) or the server does not become ready.
 */
export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin();
  if (!bin) throw new Error("PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)");
  // As root, the server's user must reach its directory: the test run's TMPDIR is private to root, /tmp is not.
  const dir = fs.mkdtempSync(path.join(asRoot ? "/tmp" : os.tmpdir(), "cicd-pg-"));
  const port = String(20_000 + (process.pid % 20_000));
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
  const run = (program: string, args: string[]) => {
    const [file, argv] = command(bin, program, args);
    return execFileSync(file, argv, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  };
  run("initdb", ["-D", path.join(dir, "data"), "-A", "trust", "-U", "app", "--no-sync", "-E", "UTF8"]);
  const [file, argv] = command(bin, "postgres", [
    "-D",
    path.join(dir, "data"),
    "-k",
    dir,
    "-p",
    port,
    "-c",
    "listen_addresses=",
    "-c",
    "fsync=off",
  ]);
  const server = spawn(file, argv, { stdio: "ignore" });
  const env = { PGHOST: dir, PGPORT: port, PGUSER: "app", PGDATABASE: "postgres" };
  for (let i = 0; ; i++) {
    try {
      execFileSync(path.join(bin, "pg_isready"), ["-h", dir, "-p", port, "-q"], { stdio: "ignore" });
      break;
    } catch {
      if (i > 100 || server.exitCode !== null) {
        server.kill("SIGKILL");
        fs.rmSync(dir, { recursive: true, force: true });
        throw new Error("PostgreSQL did not become ready");
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const sql = (statement: string, database = env.PGDATABASE) =>
    execFileSync("psql", ["-v", "ON_ERROR_STOP=1", "-At", "-c", statement], {
      env: { ...process.env, ...env, PGDATABASE: database },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  sql("CREATE DATABASE app");
  return {
    env: { ...env, PGDATABASE: "app" },
    sql: (statement) => sql(statement, "app"),
    stop: async () => {
      const exited =
        server.exitCode !== null ? Promise.resolve() : new Promise((r) => server.once("exit", r));
      // pg_ctl's fast shutdown as the server's own user (runuser does not pass a signal on to it).
      run("pg_ctl", ["stop", "-D", path.join(dir, "data"), "-m", "fast", "-w"]);
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
