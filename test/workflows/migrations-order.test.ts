/**
 * The order of a deploy with migrations, followed for real: main.yml runs .github/scripts/migrate.sh right before each
 * stack's whole `pulumi up`, and the script, run with bash against shims of the Pulumi CLI and the compiled CLI
 * talking to a local server speaking ECS and CloudWatch Logs, holds every ECS service back in phase one, then runs the
 * migration task; a failed migration ends the script non-zero, so the whole `pulumi up` (the services) never runs.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { cleanTempDirs, tempProject } from "../cli-harness";
import { ROOT } from "../helpers";
import { MIGRATION_RUN as RUN } from "../deploy/migrationAws";
import { awsJsonServer } from "../deploy/servers";
import { shims } from "./replay";

const SCRIPT = path.join(ROOT, ".github/scripts/migrate.sh");
const SERVICES = [
  "urn:pulumi:staging::cicd-constitution::cicd-constitution:app:Application$cicd-constitution:runtime:ServiceRuntime$aws:ecs/service:Service::erp-berhan-staging-service",
  "urn:pulumi:staging::cicd-constitution::cicd-constitution:app:Application$cicd-constitution:runtime:ServiceRuntime$aws:ecs/service:Service::menu-optimizer-staging-service",
];
/** The moving alias (`:staging`) of erp-berhan's image: it must not name the new release before it migrated. */
const ALIAS =
  "urn:pulumi:staging::cicd-constitution::cicd-constitution:app:Application$cicd-constitution:image:ContainerImage$docker-build:index:Index::erp-berhan-staging-image-alias";

/** Runs migrate.sh in a copy of the stack files; the migration task exits `exitCode`. Returns the run and the log. */
async function runScript(exitCode: number, env: Record<string, string> = {}) {
  const dir = tempProject();
  const log = path.join(dir, "calls.log");
  const state = path.join(dir, "state.json");
  const outputs = path.join(dir, "outputs.json");
  fs.writeFileSync(
    state,
    JSON.stringify({
      deployment: {
        resources: [
          ...SERVICES.map((urn) => ({ urn, type: "aws:ecs/service:Service" })),
          { urn: ALIAS, type: "docker-build:index:Index" },
        ],
      },
    }),
  );
  fs.writeFileSync(
    outputs,
    JSON.stringify({ apps: { "erp-berhan": { migration: RUN }, "menu-optimizer": {} } }),
  );
  const bin = shims(dir, {
    pulumi: [
      `echo "pulumi $*" >> "${log}"`,
      // `stack export --file F` writes the state to F; EXPORT_FAILS makes it fail as an unreachable backend would.
      `if [ "$1 $2" = "stack export" ]; then [ -z "\${EXPORT_FAILS:-}" ] || exit 255; while [ $# -gt 0 ]; do [ "$1" = --file ] && cp "${state}" "$2"; shift; done; exit 0; fi`,
      `[ "$1 $2" = "stack output" ] && cat "${outputs}"`,
      "exit 0",
    ].join("\n"),
  });
  const server = await awsJsonServer("1.1", {
    RunTask: () => {
      fs.appendFileSync(log, "RunTask\n");
      return { tasks: [{ taskArn: "arn:aws:ecs:eu-west-1:1:task/erp-berhan-staging/abc" }], failures: [] };
    },
    DescribeTasks: () => ({
      tasks: [
        { lastStatus: "STOPPED", stoppedReason: "done", containers: [{ name: "erp-berhan", exitCode }] },
      ],
    }),
    GetLogEvents: () => ({ events: [{ message: "alembic upgrade" }], nextForwardToken: "t" }),
  });
  try {
    // Asynchronous: the local server answers from this process while the script runs.
    const child = spawn(
      "bash",
      [SCRIPT, "staging", "acme/cicd-constitution/staging", "policy-config.staging.json"],
      {
        cwd: dir,
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          AWS_REGION: "eu-west-1",
          AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
          AWS_SECRET_ACCESS_KEY: "local-secret",
          AWS_ENDPOINT_URL_ECS: server.url,
          AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: server.url,
          PULUMI_BACKEND_URL: "",
          ...env,
        },
      },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += String(d)));
    child.stdout.resume();
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const r = { status, stderr };
    return { r, calls: fs.readFileSync(log, "utf8").trim().split("\n") };
  } finally {
    await server.close();
  }
}

describe("deploys with migrations: services held back, migration, then the services", function () {
  this.timeout(60_000);
  after(cleanTempDirs);

  it("main.yml runs the migration step right before each stack's whole pulumi up, stopping the job on failure", () => {
    const wf = parse(fs.readFileSync(path.join(ROOT, ".github/workflows/main.yml"), "utf8")) as {
      jobs: Record<
        string,
        { steps: Array<{ name?: string; run?: string; if?: string; "continue-on-error"?: boolean }> }
      >;
    };
    for (const [job, stack] of [
      ["staging", "staging"],
      ["production", "production"],
    ]) {
      const steps = wf.jobs[job].steps;
      const i = steps.findIndex((s) => /\.github\/scripts\/migrate\.sh/.test(s.run ?? ""));
      assert.ok(i > 0, `${job} runs migrate.sh`);
      assert.match(
        steps[i].run!,
        new RegExp(`migrate\\.sh ${stack} "\\$STACK" policy-config\\.${stack}\\.json`),
      );
      assert.match(
        steps[i + 1].name ?? "",
        new RegExp(`^pulumi up ${stack}`),
        `${job}: the whole up comes next`,
      );
      assert.equal(steps[i].if, undefined);
      assert.equal(steps[i]["continue-on-error"], undefined);
    }
  });

  it("phase one holds back every service, then the migration runs; the script passes on exit 0", async () => {
    const { r, calls } = await runScript(0);
    assert.equal(r.status, 0, r.stderr);
    const up = calls.findIndex((c) => c.startsWith("pulumi up "));
    assert.ok(up >= 0, calls.join("\n"));
    for (const urn of [...SERVICES, ALIAS]) assert.ok(calls[up].includes(`--exclude ${urn}`), calls[up]);
    assert.match(calls[up], /--exclude-dependents/);
    assert.match(calls[up], /--policy-pack policy-pack --policy-pack-config policy-config\.staging\.json/);
    assert.ok(calls.indexOf("RunTask") > up, "the migration runs after phase one");
    assert.equal(calls.filter((c) => c === "RunTask").length, 1, "only the app with migrations");
  });

  it("a failed migration ends the script non-zero, so the services' pulumi up never runs", async () => {
    const { r, calls } = await runScript(2);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /MIGRATION FAILED for erp-berhan .*the services were not changed/);
    assert.equal(calls.filter((c) => c.startsWith("pulumi up ")).length, 1, "phase one only");
  });

  it("a failed state export stops the script before any pulumi up: nothing is held back by mistake", async () => {
    const { r, calls } = await runScript(0, { EXPORT_FAILS: "1" });
    assert.notEqual(r.status, 0);
    assert.equal(calls.filter((c) => c.startsWith("pulumi up ")).length, 0, calls.join("\n"));
  });
});
