/**
 * A rollback across a contract (src/deploy/rollback.ts; CONST "Migrations", PLAY 7): when the running release's
 * migration is destructive, the earlier release expects a schema that is gone, so `cicd rollback` refuses, naming the
 * migration and the way forward, unless it carries a corrective migration, which becomes the app's migration command.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../../src/config/model";
import { planRollback, rollbackPullRequestBody } from "../../src/deploy/rollback";
import { cleanTempDirs, tempProject } from "../cli-harness";

/** A project whose production ERP release ran a destructive migration. */
const destructive = () =>
  tempProject((text) =>
    text.replace(
      "        command: [alembic, upgrade, head]\n        contract: safe_online\n",
      "        command: [alembic, upgrade, head]\n        contract: destructive\n        noDowngradeReason: drops the legacy tenants table\n",
    ),
  );
const production = (dir: string) => fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");

describe("cicd rollback across a destructive migration", () => {
  after(cleanTempDirs);

  it("is refused, naming the migration and the way forward; the file is unchanged", () => {
    const dir = destructive();
    const before = production(dir);
    assert.match(before, /contract: destructive/);
    assert.throws(
      () => planRollback({ app: "erp-berhan", dir }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /apps\[0\]\.migrations: expected .*the running release's migration \(alembic upgrade head\) is destructive, so roll forward with a fix, or roll back with --corrective-migration/.test(
          e.message,
        ),
    );
    assert.equal(production(dir), before);
  });

  it("carrying a corrective migration, it goes through and the migration command becomes the corrective one", () => {
    const dir = destructive();
    const plan = planRollback({
      app: "erp-berhan",
      dir,
      correctiveMigration: ["alembic", "downgrade", "0041"],
    });
    const erp = (
      parse(production(dir)).config["cicd-constitution:apps"] as Array<{
        name: string;
        migrations: { command: string[] };
      }>
    ).find((a) => a.name === "erp-berhan")!;
    assert.deepEqual(erp.migrations.command, ["alembic", "downgrade", "0041"]);
    assert.match(
      rollbackPullRequestBody(plan),
      /migrations\.command: `alembic downgrade 0041`, the corrective migration \(PLAY 7\)/,
    );
  });

  it("a safe_online release rolls back with its migration command untouched, and no migration runs on the target", () => {
    const dir = tempProject();
    const plan = planRollback({ app: "erp-berhan", dir });
    assert.match(production(dir), /command: \[alembic, upgrade, head\]/);
    const erp = (
      parse(production(dir)).config["cicd-constitution:apps"] as Array<{
        name: string;
        migrations: { skipForDigest?: string };
      }>
    ).find((a) => a.name === "erp-berhan")!;
    // The older image's Alembic does not know the revisions the schema already carries.
    assert.equal(erp.migrations.skipForDigest, plan.to);
  });

  it("a corrective migration runs instead: no skip is written", () => {
    const dir = destructive();
    planRollback({ app: "erp-berhan", dir, correctiveMigration: ["alembic", "downgrade", "0041"] });
    assert.doesNotMatch(production(dir), /skipForDigest/);
  });
});
