/**
 * The pieces of `cicd rollback` (src/deploy/rollback.ts) on hand-built stack documents: how the running digest and
 * its history are read; which targets are refused (no running digest, a malformed `--to` or release tag, nothing
 * to roll back to, the digest running now, a digest production never ran without provenance), each naming the key;
 * the overrides a rollback adds (error budget, soak and rollback target, for the app and the digest rolled back to,
 * until the next day, with an owner); the refusal to cross a destructive migration without a corrective one; and
 * the pull request body.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, parseDocument } from "yaml";
import type { StackFileEdit } from "../../src/config/stackFileEdit";
import {
  acrossContract,
  errorBudgetOverride,
  imageOf,
  planRollback,
  rollbackPullRequestBody,
  targetOf,
  type RollbackPlan,
} from "../../src/deploy/rollback";
import { cleanTempDirs, tempProject } from "../cli-harness";
import { configProblems } from "../configProblems";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const PROV = { gitSha: "e".repeat(40), date: "2026-12-01T10:00:00Z", actor: "dev3" };
const NOW = new Date("2026-12-01T23:30:00Z");

/** An edit of the second app (`shop`) of a stack file, with the app's fields and the stack's config. */
function edit(app: Record<string, unknown>, config: Record<string, unknown> = {}): StackFileEdit {
  const apps = [{ name: "other" }, { name: "shop", ...app }];
  return {
    stack: "production",
    file: "Pulumi.production.yaml",
    doc: parseDocument(JSON.stringify({ config: { "cicd-constitution:apps": apps, ...config } })),
    appPath: ["config", "cicd-constitution:apps", 1],
  };
}

/** The problems of the ConfigError `fn` throws for stack production. */
const problems = (fn: () => unknown) => configProblems(fn, "production");

describe("rollback, unit", () => {
  after(cleanTempDirs);
  describe("imageOf", () => {
    it("reads the running digest, the history's digests with their provenance, and whether a provenance is pinned", () => {
      const image = imageOf(
        edit({
          image: {
            digest: digest("a"),
            provenance: PROV,
            history: [digest("9"), { digest: digest("8"), ...PROV }],
          },
        }),
      );
      assert.equal(image.digest, digest("a"));
      assert.equal(image.provenance, true);
      assert.deepEqual(
        image.history.map((h) => [h.digest, h.provenance]),
        [
          [digest("9"), undefined],
          [digest("8"), PROV],
        ],
      );
      assert.deepEqual(imageOf(edit({ image: { digest: 7 } })), {
        digest: undefined,
        history: [],
        provenance: false,
      });
    });
  });

  describe("targetOf", () => {
    const current = (d: string | undefined, ...history: string[]) => ({
      digest: d,
      history: history.map((h) => ({ digest: h, node: h })),
    });
    const target = (opts: Record<string, unknown>, c = current(digest("a"), digest("9"), digest("8"))) =>
      targetOf({ app: "shop", ...opts }, "production", c, 1);
    const key = "cicd-constitution:apps[1].image";

    it("rolls back to the first of the history, or to --to among it, or to any digest with its provenance given", () => {
      assert.equal(target({}), digest("9"));
      assert.equal(
        target({ to: digest("8"), fromVersion: "mvp-1.2.3", toVersion: "mvp-1.2.2" }),
        digest("8"),
      );
      assert.equal(target({ to: digest("7"), provenance: PROV }), digest("7"));
    });

    it("refuses without a running digest, a malformed --to or release tag, or nothing to roll back to, naming each", () => {
      assert.deepEqual(
        problems(() => target({ fromVersion: "1.2.3", toVersion: "mvp-1" }, current(undefined))),
        [
          { key: `${key}.digest`, expected: "the digest production runs now", found: "(unset)" },
          {
            key: `${key}.history`,
            expected: "a previous digest to roll back to (or --to DIGEST)",
            found: "[]",
          },
          { key: "--from-version/--to-version", expected: "a release tag mvp-X.Y.Z", found: "1.2.3" },
          { key: "--from-version/--to-version", expected: "a release tag mvp-X.Y.Z", found: "mvp-1" },
        ],
      );
      assert.deepEqual(
        problems(() => target({ to: "latest" })),
        [{ key: "--to", expected: "a digest sha256:<64 hex>", found: "latest" }],
      );
    });

    it("refuses the digest running now", () => {
      assert.deepEqual(
        problems(() => target({ to: digest("a"), provenance: PROV })),
        [
          {
            key: "--to",
            expected: `a digest other than the one running (${digest("a")})`,
            found: digest("a"),
          },
        ],
      );
      assert.deepEqual(
        problems(() => target({}, current(digest("a"), digest("a")))).map((p) => p.key),
        ["--to"],
      );
    });

    it("refuses a digest production never ran without its provenance, listing the history", () => {
      const expected = (list: string) =>
        `a digest of ${key}.history (${list}), or --commit, --date and --actor as staging recorded its build`;
      assert.deepEqual(
        problems(() => target({ to: digest("7") })),
        [{ key: "--to", expected: expected(`${"9".repeat(12)}, ${"8".repeat(12)}`), found: digest("7") }],
      );
      const noHistory = problems(() => target({ to: digest("7") }, current(digest("a"))));
      assert.deepEqual(noHistory, [{ key: "--to", expected: expected("none"), found: digest("7") }]);
    });
  });

  describe("errorBudgetOverride", () => {
    const saved = process.env.GITHUB_ACTOR;
    afterEach(() => {
      if (saved === undefined) delete process.env.GITHUB_ACTOR;
      else process.env.GITHUB_ACTOR = saved;
    });
    const overridesOf = (e: StackFileEdit) => e.doc.toJS().config["cicd-constitution:predeploy"].overrides;
    const marker = "ROLLBACK mvp-1.2.3 -> mvp-1.2.2";

    it("lifts the error budget, the soak and the rollback target for the app and the digest, until the next day (UTC)", () => {
      delete process.env.GITHUB_ACTOR;
      const existing = { ruleId: "PREDEPLOY-DRIFT", resource: "other" };
      const e = edit({ owner: "team-shop" }, { "cicd-constitution:predeploy": { overrides: [existing] } });
      const o = errorBudgetOverride(e, { app: "shop", now: NOW }, marker, digest("9"));
      const expected = {
        ruleId: "PREDEPLOY-ERROR-BUDGET",
        resource: "shop",
        digest: digest("9"),
        reason: "ROLLBACK mvp-1.2.3 -> mvp-1.2.2: restoring the last good release during the incident",
        owner: "team-shop",
        expires: "2026-12-02",
      };
      assert.deepEqual(o, expected);
      assert.deepEqual(overridesOf(e), [
        existing,
        expected,
        { ...expected, ruleId: "PREDEPLOY-STAGING-SOAK" },
        { ...expected, ruleId: "PREDEPLOY-ROLLBACK-TARGET" },
      ]);
    });

    it("is owned by --owner, else GITHUB_ACTOR, else the app's owner, else unknown; creates the list when absent", () => {
      process.env.GITHUB_ACTOR = "actor";
      const owner = (opts: { owner?: string }, app: Record<string, unknown> = { owner: "team-shop" }) =>
        errorBudgetOverride(edit(app), { app: "shop", now: NOW, ...opts }, marker, digest("9")).owner;
      assert.equal(owner({ owner: "mathieu" }), "mathieu");
      assert.equal(owner({}), "actor");
      delete process.env.GITHUB_ACTOR;
      assert.equal(owner({}), "team-shop");
      assert.equal(owner({}, {}), "unknown");
      const e = edit({});
      errorBudgetOverride(e, { app: "shop", now: NOW }, marker, digest("9"));
      assert.deepEqual(
        overridesOf(e).map((o: { ruleId: string }) => o.ruleId),
        ["PREDEPLOY-ERROR-BUDGET", "PREDEPLOY-STAGING-SOAK", "PREDEPLOY-ROLLBACK-TARGET"],
      );
    });
  });

  describe("acrossContract", () => {
    const migrationsOf = (e: StackFileEdit) => e.doc.toJS().config["cicd-constitution:apps"][1].migrations;
    const destructive = {
      command: ["alembic", "upgrade", "head"],
      contract: "destructive",
      skipForDigest: digest("9"),
    };

    it("lets a rollback over a non-destructive migration, or none, through unchanged", () => {
      for (const app of [{}, { migrations: { command: ["m"], contract: "requires_maintenance_window" } }]) {
        const e = edit(app);
        const before = e.doc.toString();
        acrossContract(e, { app: "shop", correctiveMigration: ["fix"] }, "production");
        assert.equal(e.doc.toString(), before);
      }
    });

    it("refuses to cross a destructive migration without a corrective one, naming the command and the way forward", () => {
      const expected = (command: string) =>
        `a release whose schema the earlier one still runs on: the running release's migration (${command}) is destructive, so roll forward with a fix, or roll back with --corrective-migration "<command>" that restores the schema (PLAY 7)`;
      for (const correctiveMigration of [undefined, []])
        assert.deepEqual(
          problems(() =>
            acrossContract(
              edit({ migrations: destructive }),
              { app: "shop", correctiveMigration },
              "production",
            ),
          ),
          [
            {
              key: "cicd-constitution:apps[1].migrations",
              expected: expected("alembic upgrade head"),
              found: "contract: destructive",
            },
          ],
        );
      const noCommand = problems(() =>
        acrossContract(edit({ migrations: { contract: "destructive" } }), { app: "shop" }, "production"),
      );
      assert.equal(noCommand[0].expected, expected("its command"));
      const scalar = problems(() =>
        acrossContract(
          edit({ migrations: { command: "migrate", contract: "destructive" } }),
          { app: "shop" },
          "production",
        ),
      );
      assert.equal(scalar[0].expected, expected("its command"));
    });

    it("carries the corrective migration as the command, dropping skipForDigest so that it runs", () => {
      const e = edit({ migrations: destructive });
      acrossContract(e, { app: "shop", correctiveMigration: ["alembic", "downgrade", "-1"] }, "production");
      assert.deepEqual(migrationsOf(e), { command: ["alembic", "downgrade", "-1"], contract: "destructive" });
    });
  });

  describe("planRollback", () => {
    const RUNNING = "sha256:e1db7ed9b791d429b65c423dd68ad538024b18e7929fad9301651f3753f5b56e";
    const PREVIOUS = "sha256:1ad51ab6b70f33fffa542f0fe2066148b33ed06d56d93fe675132f1b36ab4e83";
    const PINNED = `provenance: { gitSha: "${"a".repeat(40)}", date: "2026-11-20T09:30:00Z", actor: mathieu }`;
    /** A project whose production ERP image pins a provenance and has `history` (YAML text) instead of its own. */
    const project = (history: string) =>
      tempProject((text) =>
        text.replace(
          /( {8}digest: sha256:e1db[0-9a-f]+\n)[\s\S]*?( {6}runtime:)/,
          `$1        ${PINNED}\n${history}$2`,
        ),
      );
    const erp = (dir: string) =>
      parse(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8")).config[
        "cicd-constitution:apps"
      ][0].image;

    it("names the digests in the marker without release tags, and drops the pinned provenance the target lacks", () => {
      const dir = project(`        history: [${PREVIOUS}]\n`);
      const plan = planRollback({ app: "erp-berhan", dir, owner: "mathieu", now: NOW });
      assert.equal(plan.marker, `ROLLBACK ${RUNNING.slice(7, 19)} -> ${PREVIOUS.slice(7, 19)}`);
      assert.deepEqual(
        [plan.from, plan.to, plan.history, plan.droppedProvenance],
        [RUNNING, PREVIOUS, [], true],
      );
      const image = erp(dir);
      assert.deepEqual([image.digest, image.history, image.provenance], [PREVIOUS, [], undefined]);
    });

    it("rolls back to a digest outside the history with its provenance, keeping the history but the running digest", () => {
      const dir = project(`        history: [${PREVIOUS}, ${RUNNING}]\n`);
      const plan = planRollback({
        app: "erp-berhan",
        dir,
        to: digest("7"),
        provenance: PROV,
        owner: "o",
        now: NOW,
      });
      assert.deepEqual([plan.history, plan.droppedProvenance], [[PREVIOUS], false]);
      assert.deepEqual(erp(dir), {
        repository: "ghcr.io/surlefeu/erp-berhan",
        digest: digest("7"),
        provenance: PROV,
        history: [PREVIOUS],
      });
      const bare = project("");
      assert.deepEqual(
        planRollback({
          app: "erp-berhan",
          dir: bare,
          to: digest("7"),
          provenance: PROV,
          owner: "o",
          now: NOW,
        }).history,
        [],
      );
      assert.deepEqual(erp(bare).history, []);
    });
  });

  describe("rollbackPullRequestBody", () => {
    const plan: RollbackPlan = {
      app: "shop",
      stack: "production",
      file: "Pulumi.production.yaml",
      from: digest("a"),
      to: digest("9"),
      history: [digest("8"), digest("7")],
      marker: "ROLLBACK mvp-1.2.3 -> mvp-1.2.2",
      droppedProvenance: true,
      override: {
        ruleId: "PREDEPLOY-ERROR-BUDGET",
        resource: "shop",
        digest: digest("9"),
        reason: "r",
        owner: "mathieu",
        expires: "2026-12-02",
      },
      correctiveMigration: ["alembic", "downgrade", "-1"],
      disabledFlags: ["new-menu", "beta"],
    };

    it("names the change, the lifted gates, and PLAY 6's remaining steps", () => {
      assert.equal(
        rollbackPullRequestBody(plan),
        [
          "# ROLLBACK mvp-1.2.3 -> mvp-1.2.2 (shop)",
          "",
          "## Because",
          'Production smoke failed or an SLO degraded after the release of shop (PLAY "6) Rollback playbook").',
          "",
          "## Changed",
          `- \`Pulumi.production.yaml\`: \`shop\` image.digest \`${digest("a")}\` -> \`${digest("9")}\` (a digest staging ran: no rebuild).`,
          `- image.history: \`${digest("8")}\`, \`${digest("7")}\`.`,
          "- image.provenance dropped: staging's release record gives the target's.",
          "- migrations.command: `alembic downgrade -1`, the corrective migration (PLAY 7): run it in staging first.",
          "- predeploy.overrides: the error-budget freeze, the soak and the rollback-target gate lifted for shop until 2026-12-02 (owner mathieu): a rollback runs during the incident.",
          "",
          "## Result",
          `After approval, \`pulumi up --stack production\` re-points \`:prod\` and the service to \`${digest("9")}\`;`,
          "`cicd verify --stack production` records the deploy marker and proves the digest runs.",
          "",
          "## Done when",
          "- [ ] `cicd verify --stack production` passes for shop",
          "- [x] feature flags disabled in this change: new-menu, beta (PLAY 6, step 4)",
          '- [ ] incident issue opened: `cicd incident --stack production --app shop --marker "ROLLBACK mvp-1.2.3 -> mvp-1.2.2"` (Impact, Timeline, Suspected Cause, Fix plan; PLAY 6, step 5)',
          "- [ ] fix forward or hold decided; CHANGELOG and release notes updated (PLAY 6, steps 6-7)",
          "",
        ].join("\n"),
      );
    });

    it("leaves out what the rollback did not do", () => {
      const body = rollbackPullRequestBody({
        ...plan,
        history: [],
        droppedProvenance: false,
        correctiveMigration: undefined,
        disabledFlags: undefined,
      });
      assert.ok(body.includes("- image.history: (empty).\n"));
      assert.ok(!body.includes("image.provenance dropped"));
      assert.ok(!body.includes("migrations.command"));
      assert.ok(body.includes("- [ ] related feature flags disabled (PLAY 6, step 4)"));
      const none = rollbackPullRequestBody({ ...plan, disabledFlags: [] });
      assert.ok(
        none.includes("- [x] feature flags disabled in this change: (the app has none) (PLAY 6, step 4)"),
      );
    });
  });
});
