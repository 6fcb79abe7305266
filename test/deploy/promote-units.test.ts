/**
 * The pieces of `cicd promote` (src/deploy/promote.ts) on hand-built inputs: which of staging's release records
 * count (a whole provenance only, staging's outputs only), which release is promoted (`--digest` among them, else
 * the newest; a malformed digest or version refused), how the pin is rewritten (the running digest first in the
 * history with its provenance, the promoted digest out of it, each digest once, the promoted provenance pinned),
 * how the migrations block travels, whose staging verify is read (the promoted app's), and the pull request body.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { ConfigError } from "../../src/config/model";
import type { StackFileEdit } from "../../src/config/stackFileEdit";
import {
  carryMigrations,
  planPromotion,
  promotionPullRequestBody,
  releaseOf,
  repin,
  stagingReleases,
} from "../../src/deploy/promote";
import { cleanTempDirs, tempDir, tempProject } from "../cli-harness";
import { fakeGithub } from "./fakeClients";
import { configProblems } from "../configProblems";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const release = (c: string, actor = "dev1") => ({
  digest: digest(c),
  gitSha: c.repeat(40),
  date: "2026-12-04T10:00:00Z",
  actor,
});
const [C, B] = [release("c"), release("b", "dev2")];

/** The problems of the ConfigError `fn` throws for stack production. */
const problems = (fn: () => unknown) => configProblems(fn, "production");

describe("promote, unit", () => {
  after(cleanTempDirs);

  describe("stagingReleases", () => {
    const outputs = (profile: unknown) => {
      const file = path.join(tempDir("promote-units"), "staging-outputs.json");
      fs.writeFileSync(file, JSON.stringify({ environmentProfile: profile }));
      return file;
    };

    it("keeps staging's release records with a whole provenance, in order", () => {
      const file = outputs({
        environment: "staging",
        apps: {
          shop: {
            releases: [
              null,
              "sha256:x",
              C,
              { ...C, digest: "sha256:short" },
              { ...C, gitSha: "c".repeat(41) },
              { ...C, gitSha: `x${"c".repeat(40)}` },
              { ...C, gitSha: "C".repeat(40) },
              { ...C, date: "yesterday" },
              { ...C, actor: "" },
              { ...C, actor: 7 },
              { digest: C.digest, gitSha: C.gitSha, date: C.date },
              B,
            ],
          },
        },
      });
      assert.deepEqual(stagingReleases(file, "shop", "production"), [C, B]);
    });

    it("refuses outputs that are not staging's or hold no whole release of the app, naming the file", () => {
      const refused = (profile: unknown) =>
        problems(() => stagingReleases(outputs(profile), "shop", "production"));
      const key = "--staging-outputs (environmentProfile.apps.shop.releases)";
      const expected =
        "staging's outputs with the app's releases: pulumi stack output --json --stack staging";
      assert.deepEqual(refused({ environment: "production", apps: { shop: { releases: [C] } } }), [
        { key, expected, found: 'staging-outputs.json: environment "production", 1 release(s)' },
      ]);
      assert.deepEqual(
        refused({ environment: "staging", apps: { shop: { releases: [{ ...C, actor: "" }] } } }),
        [{ key, expected, found: 'staging-outputs.json: environment "staging", 0 release(s)' }],
      );
      assert.equal(
        refused({ environment: "staging", apps: { shop: { releases: "x" } } })[0].found.slice(-12),
        "0 release(s)",
      );
      assert.equal(refused(undefined)[0].found, "staging-outputs.json: environment undefined, 0 release(s)");
    });
  });

  describe("releaseOf", () => {
    const opts = (o: { digest?: string; version?: string } = {}) => ({
      app: "shop",
      stagingOutputs: "x",
      ...o,
    });

    it("takes the newest release, or the one --digest names", () => {
      assert.equal(releaseOf(opts(), [C, B], "production"), C);
      assert.equal(releaseOf(opts({ digest: B.digest, version: "mvp-1.2.3" }), [C, B], "production"), B);
    });

    it("refuses a digest staging never ran, naming staging's releases", () => {
      assert.deepEqual(
        problems(() => releaseOf(opts({ digest: digest("d") }), [C, B], "production")),
        [
          {
            key: "--digest",
            expected: `a digest staging ran (its releases of shop: sha256:${"c".repeat(12)}, sha256:${"b".repeat(12)})`,
            found: digest("d"),
          },
        ],
      );
    });

    it("refuses a malformed digest and version, and only that", () => {
      assert.deepEqual(
        problems(() => releaseOf(opts({ digest: "latest", version: "1.2.3" }), [C], "production")),
        [
          { key: "--digest", expected: "a digest sha256:<64 hex>", found: "latest" },
          { key: "--version", expected: "a release tag mvp-X.Y.Z", found: "1.2.3" },
        ],
      );
      assert.deepEqual(
        problems(() => releaseOf(opts({ version: "mvp-1.2" }), [C], "production")).map((p) => p.key),
        ["--version"],
      );
    });
  });

  describe("repin", () => {
    const PROV = { gitSha: "e".repeat(40), date: "2026-12-01T10:00:00Z", actor: "dev3" };
    /** An edit of the second app of a stack file whose image is `image`. */
    const edit = (image: Record<string, unknown>): StackFileEdit => ({
      stack: "production",
      file: "Pulumi.production.yaml",
      doc: parseDocument(
        JSON.stringify({
          config: { "cicd-constitution:apps": [{ name: "other" }, { name: "shop", image }] },
        }),
      ),
      appPath: ["config", "cicd-constitution:apps", 1],
    });
    const imageOf = (e: StackFileEdit) =>
      (e.doc.toJS().config["cicd-constitution:apps"][1] as { image: unknown }).image;
    const pinned = { gitSha: C.gitSha, date: C.date, actor: C.actor };

    it("pins the release with its provenance; the running digest goes first in the history with staging's record of it", () => {
      const e = edit({
        digest: digest("a"),
        provenance: PROV,
        history: [digest("9"), { digest: digest("8"), ...PROV }],
      });
      const ran = release("a", "dev4");
      assert.deepEqual(repin(e, C, [C, ran]), {
        from: digest("a"),
        history: [digest("a"), digest("9"), digest("8")],
      });
      assert.deepEqual(imageOf(e), {
        digest: C.digest,
        provenance: pinned,
        history: [ran, digest("9"), { digest: digest("8"), ...PROV }],
      });
    });

    it("records the running digest with production's pinned provenance when staging has none, else bare", () => {
      const e = edit({ digest: digest("a"), provenance: PROV, history: [] });
      repin(e, C, [C]);
      assert.deepEqual((imageOf(e) as { history: unknown[] }).history, [{ digest: digest("a"), ...PROV }]);
      const bare = edit({ digest: digest("a") });
      assert.deepEqual(repin(bare, C, [C]), { from: digest("a"), history: [digest("a")] });
      assert.deepEqual(imageOf(bare), { digest: C.digest, history: [digest("a")], provenance: pinned });
    });

    it("takes the promoted digest out of the history and keeps each digest once", () => {
      const e = edit({
        digest: digest("a"),
        history: [digest("9"), C.digest, digest("a"), { digest: digest("9") }],
      });
      assert.deepEqual(repin(e, C, [C]), { from: digest("a"), history: [digest("a"), digest("9")] });
    });

    it("adds nothing to the history when the digest is already pinned, or none was", () => {
      const again = edit({ digest: C.digest, history: [digest("9")] });
      assert.deepEqual(repin(again, C, [C]), { from: C.digest, history: [digest("9")] });
      const none = edit({ history: [digest("9")] });
      assert.deepEqual(repin(none, C, [C]), { from: undefined, history: [digest("9")] });
      const number = edit({ digest: 7, history: [] });
      assert.deepEqual(repin(number, C, [C]), { from: undefined, history: [] });
    });
  });

  describe("carryMigrations", () => {
    const production = (migrations?: Record<string, unknown>) =>
      ({
        stack: "production",
        file: "Pulumi.production.yaml",
        doc: parseDocument(
          JSON.stringify({ config: { "cicd-constitution:apps": [{ name: "shop", migrations }] } }),
        ),
        appPath: ["config", "cicd-constitution:apps", 0],
      }) as StackFileEdit;
    const staging = (migrations?: Record<string, unknown>) => {
      const dir = tempDir("promote-units");
      const apps = [{ name: "other" }, { name: "shop", ...(migrations ? { migrations } : {}) }];
      fs.writeFileSync(
        path.join(dir, "Pulumi.staging.yaml"),
        JSON.stringify({ config: { "cicd-constitution:apps": apps } }),
      );
      return dir;
    };
    const migrationsOf = (e: StackFileEdit) => e.doc.getIn([...e.appPath, "migrations"], false);
    const old = { command: ["old"], contract: "safe_online" };

    it("copies staging's block, without its skipForDigest, when promoting staging's newest release", () => {
      const e = production(old);
      const block = {
        command: ["alembic", "upgrade", "head"],
        contract: "destructive",
        skipForDigest: digest("9"),
      };
      assert.equal(
        carryMigrations(e, staging(block), "shop", true),
        "carried from Pulumi.staging.yaml: contract destructive, command `alembic upgrade head`",
      );
      assert.deepEqual((migrationsOf(e) as { toJSON(): unknown }).toJSON(), {
        command: ["alembic", "upgrade", "head"],
        contract: "destructive",
      });
      const plain = production();
      assert.equal(
        carryMigrations(plain, staging({ command: ["migrate"] }), "shop", true),
        "carried from Pulumi.staging.yaml: contract safe_online, command `migrate`",
      );
    });

    it("drops production's block when staging's release has none; keeps it for an older release", () => {
      const e = production(old);
      assert.equal(
        carryMigrations(e, staging(), "shop", true),
        "no migrations in staging's release: none in production's",
      );
      assert.equal(migrationsOf(e), undefined);
      const kept = production(old);
      assert.equal(
        carryMigrations(kept, "/nonexistent", "shop", false),
        "production's migrations block kept: an older staging release's is not recorded; check it by hand",
      );
      assert.deepEqual((migrationsOf(kept) as { toJSON(): unknown }).toJSON(), old);
    });
  });

  describe("planPromotion and the pull request body", () => {
    it("refuses any stack but production before reading anything", async () => {
      await assert.rejects(
        planPromotion({ app: "shop", stagingOutputs: "/nonexistent.json", stack: "staging" }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.stackName === "staging" &&
          e.problems[0].key === "--stack" &&
          e.problems[0].expected === "production (staging builds; it promotes nothing)",
      );
    });

    it("reads staging's verify of the promoted app's repository, and refuses an app the stack does not run", async () => {
      const dir = tempProject();
      const outputs = path.join(dir, "staging-outputs.json");
      const apps = { "menu-optimizer": { releases: [C] }, ghost: { releases: [C] } };
      fs.writeFileSync(outputs, JSON.stringify({ environmentProfile: { environment: "staging", apps } }));
      const { github, calls } = fakeGithub({ deployments: [] });
      const before = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
      await assert.rejects(
        planPromotion({ app: "menu-optimizer", stagingOutputs: outputs, dir, github }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.problems[0].key === "--digest" &&
          e.problems[0].expected === "a digest whose staging verify passed" &&
          e.problems[0].found.startsWith(
            `${C.digest} has no staging deployment of surlefeu/menu-optimizer by `,
          ),
      );
      assert.deepEqual(calls[0].params, {
        owner: "surlefeu",
        repo: "menu-optimizer",
        environment: "staging",
        per_page: 100,
      });
      await assert.rejects(
        planPromotion({ app: "ghost", stagingOutputs: outputs, dir, github }),
        (e: unknown) =>
          e instanceof ConfigError &&
          JSON.stringify(e.problems) ===
            JSON.stringify([{ key: "--app", expected: "an app of the stack", found: "ghost" }]),
      );
      assert.equal(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8"), before);
    });

    it("says what changed, from what evidence, and what happens next", () => {
      const plan = {
        app: "shop",
        stack: "production",
        file: "Pulumi.production.yaml",
        from: digest("a"),
        release: C,
        history: [digest("a"), digest("9")],
        version: "mvp-1.2.3",
        verified: "verified in staging (deployment 7)",
        title: "Promote staging -> main @ cccccccccccc (mvp-1.2.3)",
        migrations: "no migrations in staging's release: none in production's",
      };
      assert.equal(
        promotionPullRequestBody(plan),
        [
          "# Promote staging -> main @ cccccccccccc (mvp-1.2.3)",
          "",
          "| app | digest | commit | built | by | version |",
          "| --- | --- | --- | --- | --- | --- |",
          `| shop | \`${C.digest}\` | \`${C.gitSha}\` | 2026-12-04T10:00:00Z | dev1 | mvp-1.2.3 |`,
          "",
          "## Changed",
          `- \`Pulumi.production.yaml\`: \`shop\` image.digest \`${digest("a")}\` -> \`${C.digest}\` (the digest staging ran: no rebuild).`,
          `- image.history: \`${digest("a")}\`, \`${digest("9")}\` (the first is the rollback target).`,
          "- migrations: no migrations in staging's release: none in production's.",
          "",
          "## Evidence",
          "- staging ran it: staging's release record (2026-12-04T10:00:00Z, dev1).",
          "- staging verify: verified in staging (deployment 7).",
          "",
          "## Result",
          "After approval in the `production` environment, `cicd predeploy` gates and `pulumi up --stack production` points `:prod` and the service at this digest; `cicd verify` proves it runs.",
          "",
        ].join("\n"),
      );
      const first = promotionPullRequestBody({ ...plan, from: undefined, history: [], version: undefined });
      assert.ok(first.includes(`| dev1 | - |`));
      assert.ok(first.includes(`image.digest (unset) -> \`${C.digest}\``));
      assert.ok(first.includes("- image.history: (empty) (the first is the rollback target)."));
    });
  });
});
