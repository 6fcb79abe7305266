/**
 * The incident path's commands as a user types them (src/cli/commands/incident.ts), in process: `rollback`'s
 * provenance options and its corrective migration (words split on any run of spaces), and `incident`'s own check
 * of its required options, exit 2 naming the missing one.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { cicd, cleanTempDirs, tempProject } from "../cli-harness";

/** erp-berhan's entry of the production stack file in `dir`. */
function erpBerhan(dir: string): {
  image: { digest: string; provenance?: Record<string, string> };
  migrations: { command: string[] };
} {
  const config = parse(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8")).config;
  return config["cicd-constitution:apps"].find((a: { name: string }) => a.name === "erp-berhan");
}

describe("incident path commands (command line)", function () {
  after(cleanTempDirs);

  it("rollback --commit --date --actor pins that provenance for the digest rolled back to", async function () {
    const dir = tempProject();
    const run = await cicd([
      "rollback",
      "--app",
      "erp-berhan",
      "--dir",
      dir,
      "--commit",
      "7".repeat(40),
      "--date",
      "2026-10-01T08:00:00Z",
      "--actor",
      "mathieu",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(erpBerhan(dir).image.provenance, {
      gitSha: "7".repeat(40),
      date: "2026-10-01T08:00:00Z",
      actor: "mathieu",
    });
  });

  it("rollback --corrective-migration becomes the migration command, split on any run of spaces", async function () {
    const dir = tempProject((text) =>
      text.replace(
        "        command: [alembic, upgrade, head]\n        contract: safe_online\n",
        "        command: [alembic, upgrade, head]\n        contract: destructive\n        noDowngradeReason: drops the legacy tenants table\n        schemaRevision: V004\n",
      ),
    );
    const run = await cicd([
      "rollback",
      "--app",
      "erp-berhan",
      "--dir",
      dir,
      "--corrective-migration",
      " alembic   downgrade\tV003 ",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(erpBerhan(dir).migrations.command, ["alembic", "downgrade", "V003"]);
  });

  for (const [given, missing] of [
    [["--app", "erp-berhan"], "stack"],
    [["--stack", "production"], "app"],
  ] as const) {
    it(`incident without --${missing}: exit 2, naming the option`, async function () {
      const run = await cicd(["incident", ...given, "--dir", tempProject()]);
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        new RegExp(`^error: required option '--${missing} <name>' not specified`, "m"),
      );
    });
  }
});
