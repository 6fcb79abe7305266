/**
 * `cicd promote` (src/deploy/promote.ts): production's pin is written from staging's release record, with the
 * staging verify evidence read from a local server speaking GitHub's REST API; the file keeps its comments and is
 * validated as the program reads it; a digest staging never ran or never verified is refused, the file unchanged.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { auditPreview } from "../../src/audit/policy";
import { ConfigError } from "../../src/config/model";
import { githubClient } from "../../src/deploy/github";
import { planPromotion, promotionPullRequestBody } from "../../src/deploy/promote";
import { previewStacks } from "../../src/offline/stacks";
import { cicdProcess, cleanTempDirs, projectWithStagingOutputs } from "../cli-harness";
import { githubServer, VERIFIER } from "./servers";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const RELEASES = [
  { digest: digest("c"), gitSha: "c".repeat(40), date: "2026-12-04T10:00:00Z", actor: "dev1" },
  { digest: digest("b"), gitSha: "b".repeat(40), date: "2026-12-03T10:00:00Z", actor: "dev2" },
];

/** A project copy with staging's outputs holding RELEASES for erp-berhan, and its production stack file as it was. */
function project(): { dir: string; outputs: string; before: string } {
  const { dir, outputs } = projectWithStagingOutputs(RELEASES);
  return { dir, outputs, before: fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8") };
}

const imageOf = (dir: string) =>
  (
    parseDocument(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8")).toJS().config[
      "cicd-constitution:apps"
    ] as Array<{ name: string; image: { digest: string; history: string[] } }>
  ).find((a) => a.name === "erp-berhan")!.image;

describe("cicd promote", function () {
  after(cleanTempDirs);

  it("pins the newest staging release, the running digest first in the history, comments kept", async function () {
    const { dir, outputs, before } = project();
    const running = imageOf(dir);
    const plan = await planPromotion({
      app: "erp-berhan",
      stagingOutputs: outputs,
      dir,
      version: "mvp-0.5.0",
    });
    const after = imageOf(dir);
    assert.equal(after.digest, digest("c"));
    assert.deepEqual(after.history, [running.digest, ...running.history]);
    const text = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
    const comments = (t: string) => t.split("\n").filter((l) => l.trim().startsWith("#"));
    assert.deepEqual(comments(text), comments(before), "every comment kept");
    assert.equal(plan.title, `Promote staging -> main @ ${"c".repeat(12)} (mvp-0.5.0)`);
    const body = promotionPullRequestBody(plan);
    assert.match(
      body,
      new RegExp(
        `\\| erp-berhan \\| \`${digest("c")}\` \\| \`${"c".repeat(40)}\` \\| 2026-12-04T10:00:00Z \\| dev1 \\| mvp-0.5.0 \\|`,
      ),
    );
    assert.match(body, /staging verify: not read \(no GitHub token\)/);
  });

  it("carries the release's migrations from staging's stack file when it promotes staging's newest release", async function () {
    const { dir, outputs } = project();
    const stagingFile = path.join(dir, "Pulumi.staging.yaml");
    const staging = fs.readFileSync(stagingFile, "utf8");
    const contracted = staging.replace(
      "        contract: safe_online\n",
      "        contract: destructive\n        noDowngradeReason: drops the legacy tenants table\n        schemaRevision: V004\n",
    );
    assert.notEqual(contracted, staging);
    fs.writeFileSync(stagingFile, contracted);
    const migrationsOf = () =>
      (
        parseDocument(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8")).toJS().config[
          "cicd-constitution:apps"
        ] as Array<{ name: string; migrations: Record<string, unknown> }>
      ).find((a) => a.name === "erp-berhan")!.migrations;
    const older = await planPromotion({
      app: "erp-berhan",
      stagingOutputs: outputs,
      dir,
      digest: digest("b"),
    });
    assert.match(older.migrations, /kept: an older staging release's is not recorded/);
    assert.equal(migrationsOf().contract, "safe_online");
    const plan = await planPromotion({ app: "erp-berhan", stagingOutputs: outputs, dir });
    assert.deepEqual(migrationsOf(), {
      command: ["alembic", "upgrade", "head"],
      contract: "destructive",
      noDowngradeReason: "drops the legacy tenants table",
      schemaRevision: "V004",
    });
    assert.match(
      promotionPullRequestBody(plan),
      /- migrations: carried from Pulumi\.staging\.yaml: contract destructive/,
    );
  });

  it("refuses a digest staging never ran, naming it and staging's releases; the file unchanged", async function () {
    const { dir, outputs, before } = project();
    await assert.rejects(
      planPromotion({ app: "erp-berhan", stagingOutputs: outputs, dir, digest: digest("d") }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /--digest: expected a digest staging ran \(its releases of erp-berhan: sha256:c{12}, sha256:b{12}\), found sha256:d{64}/.test(
          err.message,
        ),
    );
    assert.equal(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8"), before);
  });

  it("reads staging's verify from GitHub: a verified digest is promoted, an unverified one refused", async function () {
    const github = await githubServer({
      deployments: [
        {
          repo: "surlefeu/erp-berhan",
          ref: "b".repeat(40),
          environment: "staging",
          payload: { digest: digest("b") },
          statuses: [{ state: "success", creator: VERIFIER }],
        },
        {
          repo: "surlefeu/erp-berhan",
          ref: "c".repeat(40),
          environment: "staging",
          payload: { digest: digest("c") },
          statuses: [{ state: "failure", creator: VERIFIER }],
        },
      ],
    });
    try {
      const client = githubClient("ghs_localtesttoken", github.url);
      const { dir, outputs, before } = project();
      await assert.rejects(
        planPromotion({ app: "erp-berhan", stagingOutputs: outputs, dir, github: client }),
        /--digest: expected a digest whose staging verify passed, found sha256:c{64}'s latest verify in staging failed \(deployment \d+, status failure\)/,
      );
      assert.equal(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8"), before);
      const plan = await planPromotion({
        app: "erp-berhan",
        stagingOutputs: outputs,
        dir,
        digest: digest("b"),
        github: client,
      });
      assert.equal(imageOf(dir).digest, digest("b"));
      assert.match(
        promotionPullRequestBody(plan),
        /staging verify: sha256:b{64} verified in staging \(deployment \d+, created by surlefeu-staging-deployer\)/,
      );
    } finally {
      await github.close();
    }
  });

  it("skips a release record without a whole provenance (a short commit, no actor) instead of pinning it", async function () {
    const { dir, outputs } = project();
    const partial = { digest: digest("f"), gitSha: "abc1234", date: "2026-12-05T10:00:00Z" };
    fs.writeFileSync(
      outputs,
      JSON.stringify({
        environmentProfile: {
          environment: "staging",
          apps: { "erp-berhan": { releases: [partial, ...RELEASES] } },
        },
      }),
    );
    await planPromotion({ app: "erp-berhan", stagingOutputs: outputs, dir });
    assert.equal(imageOf(dir).digest, digest("c"), "the newest whole release, not the partial one");
  });

  it("refuses outputs that are not staging's, before touching the file", async function () {
    const { dir, before } = project();
    const other = path.join(dir, "production-outputs.json");
    fs.writeFileSync(other, JSON.stringify({ environmentProfile: { environment: "production", apps: {} } }));
    await assert.rejects(
      planPromotion({ app: "erp-berhan", stagingOutputs: other, dir }),
      /--staging-outputs \(environmentProfile\.apps\.erp-berhan\.releases\): expected staging's outputs with the app's releases/,
    );
    assert.equal(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8"), before);
  });

  it("the command exits 0 with the title on stderr and the body on stdout, and 2 on a digest staging never ran", function () {
    const { dir, outputs, before } = project();
    const env = { GITHUB_TOKEN: "" };
    const refused = cicdProcess(
      ["promote", "--app", "erp-berhan", "--staging-outputs", outputs, "--dir", dir, "--digest", digest("d")],
      { env },
    );
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /--digest: expected a digest staging ran/);
    assert.equal(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8"), before);
    const done = cicdProcess(["promote", "--app", "erp-berhan", "--staging-outputs", outputs, "--dir", dir], {
      env,
    });
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stderr.trim(), `Promote staging -> main @ ${"c".repeat(12)}`);
    assert.match(done.stdout, /^# Promote staging -> main @ c{12}\n/);
    assert.equal(imageOf(dir).digest, digest("c"));
  });

  it("records the replaced digest with staging's provenance of it, so that cicd rollback can pin it again", async function () {
    const { dir, outputs } = project();
    const running = imageOf(dir).digest;
    const ran = { digest: running, gitSha: "e".repeat(40), date: "2026-12-01T10:00:00Z", actor: "dev3" };
    fs.writeFileSync(
      outputs,
      JSON.stringify({
        environmentProfile: {
          environment: "staging",
          apps: { "erp-berhan": { releases: [...RELEASES, ran] } },
        },
      }),
    );
    await planPromotion({ app: "erp-berhan", stagingOutputs: outputs, dir });
    assert.deepEqual(imageOf(dir).history[0], ran);
  });

  it("pins the promoted digest's provenance, and the documented promotion previews green offline", async function () {
    const { dir, outputs } = project();
    await planPromotion({ app: "erp-berhan", stagingOutputs: outputs, dir });
    const text = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
    const erp = (
      parseDocument(text).toJS().config["cicd-constitution:apps"] as Array<Record<string, any>>
    ).find((a) => a.name === "erp-berhan")!;
    const { digest: _d, ...provenance } = RELEASES[0];
    assert.deepEqual(erp.image.provenance, provenance);
    const previews = await previewStacks(dir, ["staging", "production"]);
    for (const p of previews)
      assert.equal(auditPreview(p, undefined, dir).summary.mandatoryFailures, 0, p.plan.stack);
    await assert.rejects(
      planPromotion({ app: "erp-berhan", stagingOutputs: outputs, dir, stack: "staging" }),
      /--stack: expected production \(staging builds; it promotes nothing\), found staging/,
    );
  });
});
