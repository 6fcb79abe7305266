/**
 * From an app's merge to a production deploy, end to end (PLAY 1-10, LANES "Build & Pin", "Release PR"): every step
 * is the `cicd` command the workflows run (bump-app.yml, main.yml, promote.yml, release.yml), its inputs taken from
 * the step before, against the world of test/e2e/world.ts (a real OCI registry, GitHub's REST API, AWS's
 * protocols). What no command here does is `pulumi up` and the approval: `pulumi up` is played from the plan the
 * offline preview wrote under the pack (the task definitions' images, the moving alias, the migration task), with
 * each mock digest replaced by the digest the registry gave the image; the approval is the production
 * environment's, which main.yml's production job waits on (checked below against the workflow itself).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { git, releasedRepository } from "../git";
import { parse } from "yaml";
import { mockDigest } from "../../src/offline/mocks";
import { PREDEFINED } from "../deploy/appconfigServer";
import { registryToolsPresent } from "../deploy/servers";
import { cicd, CliRun, cleanTempDirs, tempProject } from "../cli-harness";
import { ROOT, TEST_TODAY } from "../helpers";
import { startWorld, World } from "./world";
import { setProductionSecrets } from "../deploy/predeployFixtures";

const APPS = ["erp-berhan", "menu-optimizer"];
const APP = "erp-berhan";
/** The app repository's merged commit and its release: what the app's workflow hands bump-app.yml. */
const MERGED = {
  commit: "5e1f0c2d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
  version: "mvp-1.5.0",
  actor: "selam",
  /** Three hours ago, to the second: the lead time DORA measures runs from here. */
  date: new Date(Math.floor(Date.now() / 1000) * 1000 - 3 * 3_600_000).toISOString().replace(".000Z", "Z"),
};
const TODAY = TEST_TODAY.toISOString().slice(0, 10);

/** The current builds of the apps in the repository's staging stack file. */
function stagingBuilds(dir: string): Record<string, string> {
  const apps = parse(fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8")).config[
    "cicd-constitution:apps"
  ] as Array<{ name: string; image: { build: { gitSha: string } } }>;
  return Object.fromEntries(apps.map((a) => [a.name, a.image.build.gitSha]));
}

/** A command that must succeed: its output, or an assertion error carrying what it printed. */
async function ok(step: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  const r = await cicd(args, { env });
  assert.equal(
    r.code,
    0,
    `${step}: cicd ${args[0]} exited ${r.code}\n${r.stderr}\n${r.stdout.slice(0, 4000)}`,
  );
  return r;
}

/**
 * What stands between predeploy and production's `pulumi up`: main.yml's job that runs them is bound to the
 * `production` environment, in the order predeploy, up, verify; the plan gives that environment reviewers,
 * self-review prevented, no admin bypass.
 */
function approvalGuards(planFile: string): void {
  const main = parse(fs.readFileSync(path.join(ROOT, ".github/workflows/main.yml"), "utf8")) as {
    jobs: Record<
      string,
      { environment?: string; steps: Array<{ run?: string; with?: Record<string, string> }> }
    >;
  };
  const job = Object.values(main.jobs).find((j) =>
    j.steps.some((st) => /predeploy --stack production/.test(st.run ?? "")),
  )!;
  assert.equal(job.environment, "production");
  const at = (re: RegExp) =>
    job.steps.findIndex((st) => re.test(st.run ?? "") || re.test(JSON.stringify(st.with ?? {})));
  const order = [/predeploy --stack production/, /"command":"up"/, /verify --stack production/].map(at);
  assert.ok(
    order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1])),
    `main.yml's production steps: ${order}`,
  );
  const plan = JSON.parse(fs.readFileSync(planFile, "utf8")) as {
    resources: Array<{ type: string; inputs: Record<string, unknown> }>;
  };
  const env = plan.resources.find(
    (r) =>
      r.type === "github:index/repositoryEnvironment:RepositoryEnvironment" &&
      r.inputs.environment === "production" &&
      r.inputs.repository === "cicd-constitution",
  )!;
  assert.ok(
    (env.inputs.reviewers as Array<{ users?: unknown[]; teams?: unknown[] }>).some(
      (r) => (r.users?.length ?? 0) + (r.teams?.length ?? 0) > 0,
    ),
  );
  assert.equal(env.inputs.preventSelfReview, true);
  assert.equal(env.inputs.canAdminsBypass, false);
}

/** The checks of a JSON check report that did not pass. */
const failures = (r: CliRun) =>
  (
    JSON.parse(r.stdout).checks as Array<{ id: string; status: string; app?: string; message: string }>
  ).filter((c) => c.status === "fail");

(registryToolsPresent() || process.env.CI ? describe : describe.skip)(
  "end to end: an app's merge reaches production with nothing typed but the approval",
  function () {
    this.timeout(300_000);
    let world: World;
    let dir: string;
    /** Mock digest (what the offline preview plans) -> the registry's digest of the image that build pushed. */
    const built = new Map<string, string>();
    const real = (text: string) => [...built].reduce((t, [mock, digest]) => t.split(mock).join(digest), text);

    /**
     * Plays `pulumi up` of a stack from the plan the preview wrote: pushes each image the plan builds (the build,
     * tagged with the commit, and the moving alias), sets each service to its task definition's image, and writes
     * the stack's outputs as `pulumi stack output --json` would. Returns the outputs file.
     */
    async function up(stack: "staging" | "production", planDir: string): Promise<string> {
      const alias = stack === "staging" ? "staging" : "prod";
      const builds = stagingBuilds(dir);
      for (const a of APPS) {
        const name = `surlefeu/${a}`;
        const ref = `ghcr.io/${name}:${builds[a]}`;
        if (stack === "staging" && !built.has(mockDigest(ref))) {
          const digest = await world.registry.push(name, builds[a], `${a} ${builds[a]}`);
          built.set(mockDigest(ref), digest);
          commits.set(`${a}@${digest}`, builds[a]);
        }
      }
      const plan = JSON.parse(real(fs.readFileSync(path.join(planDir, `plan.${stack}.json`), "utf8")));
      for (const r of plan.resources as Array<{ type: string; inputs: Record<string, unknown> }>) {
        if (r.type !== "aws:ecs/taskDefinition:TaskDefinition") continue;
        const family = String(r.inputs.family);
        const [container] = JSON.parse(String(r.inputs.containerDefinitions)) as Array<{ image: string }>;
        if (family.includes("-migrate-")) continue;
        world.running[family] = { family, image: container.image };
        const app = APPS.find((a) => family === `${a}-${stack}`)!;
        const digest = /@(sha256:[0-9a-f]{64})$/.exec(container.image)![1];
        const seed = [...built].find(([, d]) => d === digest);
        assert.ok(seed, `${stack} runs ${container.image}, an image no staging build pushed`);
        await world.registry.push(`surlefeu/${app}`, alias, `${app} ${commitOf(app, digest)}`);
      }
      const outputs = path.join(dir, `outputs.${stack}.json`);
      fs.writeFileSync(outputs, JSON.stringify(plan.outputs));
      for (const a of APPS) {
        const f = plan.outputs.apps[a].flags as { applicationId: string; environmentId: string };
        world.flags.deployments[`${f.applicationId}/${f.environmentId}`] ??= [
          {
            ...PREDEFINED["AppConfig.AllAtOnce"],
            DeploymentNumber: 1,
            ConfigurationProfileId: "p",
            ConfigurationVersion: "1",
            DeploymentStrategyId: "AppConfig.AllAtOnce",
            State: "COMPLETE",
            PercentageComplete: 100,
            StartedAt: Math.floor(Date.now() / 1000) - 3600,
            next: [],
          },
        ];
      }
      return outputs;
    }

    /** The app commit whose staging build produced `digest`. */
    const commits = new Map<string, string>();
    const commitOf = (app: string, digest: string) => commits.get(`${app}@${digest}`) ?? "";

    /** The offline preview of one stack under the pack (exit 0: no mandatory failure), plans into DIR/out-N. */
    let previews = 0;
    async function preview(stack: string, previousStaging?: string): Promise<string> {
      const out = path.join(dir, `out-${++previews}`);
      const args = ["preview", "--stack", stack, "--dir", dir, "--out-dir", out, "--today", TODAY];
      await ok(
        `preview ${stack}`,
        [...args, ...(previousStaging ? ["--previous-outputs", `staging=${previousStaging}`] : [])],
        {},
      );
      return out;
    }

    /** Records that `cicd verify` passed `digest` of `app` in staging `daysAgo` days ago, as its marker does. */
    function stagingVerified(app: string, digest: string, daysAgo: number): void {
      const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
      world.github.deployments.push({
        id: 900 + world.github.deployments.length,
        repo: `surlefeu/${app}`,
        ref: commitOf(app, digest) || "0".repeat(40),
        environment: "staging",
        payload: { digest },
        creator: "surlefeu-staging-deployer",
        created_at: at,
        statuses: [{ state: "success", creator: "surlefeu-staging-deployer", created_at: at }],
      });
    }

    before(async () => {
      dir = tempProject();
      setProductionSecrets(path.join(dir, "Pulumi.production.yaml"));
      const builds = stagingBuilds(dir);
      world = await startWorld(APPS, builds);
      // The world before the merge: each app's current build pushed, and production pinned to it (the digests the
      // repository's file holds are the offline preview's, so they are replaced by the registry's).
      for (const a of APPS) {
        const ref = `ghcr.io/surlefeu/${a}:${builds[a]}`;
        const digest = await world.registry.push(`surlefeu/${a}`, builds[a], `${a} ${builds[a]}`);
        built.set(mockDigest(ref), digest);
        commits.set(`${a}@${digest}`, builds[a]);
        stagingVerified(a, digest, 2);
      }
      const prod = path.join(dir, "Pulumi.production.yaml");
      fs.writeFileSync(prod, real(fs.readFileSync(prod, "utf8")));
      // Each app's rollback target (the first of image.history) was verified in staging before that.
      for (const app of parse(fs.readFileSync(prod, "utf8")).config["cicd-constitution:apps"] as Array<{
        name: string;
        image: { history: Array<{ digest: string } | string> };
      }>) {
        const h = app.image.history[0];
        stagingVerified(app.name, typeof h === "string" ? h : h.digest, 9);
      }
      // A change to this repository merged since the last release: what this release ships besides the app's.
      releasedRepository(
        dir,
        {
          "CHANGELOG.md": "# Changelog\n\n## mvp-0.4.2 - 2026-11-14\n",
          ".gitignore": "out-*/\noutputs.*.json\n",
        },
        [
          {
            message: "feat(observability): a runbook link on every alarm",
            file: "runbook.md",
            content: "# Runbook\n",
          },
        ],
      );
    });
    after(async () => {
      await world?.close();
      cleanTempDirs();
    });

    it("runs bump, staging up and verify, promote, soak, predeploy, production up and verify, and the release", async () => {
      const env = world.env;
      // Before the merge: staging and production run the current builds, and the pack passes on both.
      const before = await up("staging", await preview("staging"));
      await up("production", await preview("production", before));

      // 1. The app's merge: bump-app.yml sets the build; the bump PR's squash merge reaches main.
      await ok(
        "bump",
        [
          "bump",
          "--app",
          APP,
          "--commit",
          MERGED.commit,
          "--date",
          MERGED.date,
          "--actor",
          MERGED.actor,
          "--version",
          MERGED.version,
          "--dir",
          dir,
        ],
        env,
      );
      git(dir, "commit", "-qam", `Staging builds ${APP} at ${MERGED.commit.slice(0, 12)}`);

      // 2. main.yml's staging job: pulumi up (the build, tagged with the commit and labelled with the version), the
      // migration, then cicd verify, which records the deploy marker.
      const stagingPlan = await preview("staging", before);
      const planned = JSON.parse(fs.readFileSync(path.join(stagingPlan, "plan.staging.json"), "utf8"));
      const image = (planned.resources as Array<{ type: string; inputs: Record<string, unknown> }>).find(
        (r) => r.type === "docker-build:index:Image" && JSON.stringify(r.inputs.tags).includes(MERGED.commit),
      );
      assert.ok(image, "the staging plan builds the merged commit");
      assert.match(
        JSON.stringify(image.inputs.labels),
        /"org\.opencontainers\.image\.version":"mvp-1\.5\.0"/,
      );
      const stagingOutputs = await up("staging", stagingPlan);
      const newDigest = built.get(mockDigest(`ghcr.io/surlefeu/${APP}:${MERGED.commit}`))!;
      await ok(
        "staging migrate",
        [
          "migrate",
          "--stack",
          "staging",
          "--app",
          APP,
          "--outputs",
          stagingOutputs,
          "--poll",
          "0.01",
          "--dir",
          dir,
        ],
        env,
      );
      assert.deepEqual(world.ranTasks, [`${APP}-migrate-staging`]);
      world.live.staging[APP].buildSha = MERGED.commit;
      const version = fs.readFileSync(path.join(dir, "VERSION"), "utf8").trim();
      const stagingVerify = await ok(
        "staging verify",
        [
          "verify",
          "--stack",
          "staging",
          "--dir",
          dir,
          "--outputs",
          stagingOutputs,
          "--registry-url",
          world.registry.url,
          "--app-url",
          ...world.appUrls("staging"),
          "--version",
          version,
          "--format",
          "json",
        ],
        env,
      );
      assert.deepEqual(failures(stagingVerify), []);
      const marker = world.github.deployments.find(
        (d) => d.environment === "staging" && d.payload.digest === newDigest,
      );
      assert.equal(
        marker?.statuses.at(-1)?.state,
        "success",
        "staging's deploy marker records the new digest as verified",
      );

      // 3. promote.yml: the release PR pins what staging ran and verified; its squash merge reaches main.
      const promote = await ok(
        "promote",
        [
          "promote",
          "--app",
          APP,
          "--staging-outputs",
          stagingOutputs,
          "--version",
          MERGED.version,
          "--dir",
          dir,
        ],
        env,
      );
      const pinned = parse(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8")).config[
        "cicd-constitution:apps"
      ].find((a: { name: string }) => a.name === APP).image;
      assert.equal(pinned.digest, newDigest);
      assert.equal(
        pinned.history[0].digest,
        built.get(mockDigest(`ghcr.io/surlefeu/${APP}:${stagingBuilds(ROOT)[APP]}`)),
      );
      assert.match(promote.stdout, new RegExp(newDigest));
      git(dir, "commit", "-qam", promote.stderr.split("\n")[0]);
      const sha = git(dir, "rev-parse", "HEAD");
      // main's required checks ran green on the merge commit.
      world.seed.checkRuns[sha] = ["style", "unit", "smoke", "migrations"].map((name) => ({
        name,
        status: "completed",
        conclusion: "success",
      }));

      // 4. main.yml's production job, after the approval: predeploy refuses until the soak is over...
      const predeploy = [
        "predeploy",
        "--stack",
        "production",
        "--dir",
        dir,
        "--sha",
        sha,
        "--repository",
        env.GITHUB_REPOSITORY,
        "--app-url",
        ...world.appUrls("production"),
        "--format",
        "json",
      ];
      const early = await cicd(predeploy, { env });
      assert.equal(early.code, 1, early.stderr);
      assert.deepEqual(
        failures(early).map((c) => [c.id, c.app]),
        [["PREDEPLOY-STAGING-SOAK", APP]],
      );
      // ...and passes once the digest has soaked in staging with its alarms OK.
      for (const d of world.github.deployments.filter((x) => x.payload.digest === newDigest))
        for (const s of [d, ...d.statuses]) s.created_at = new Date(Date.now() - 20 * 60_000).toISOString();
      assert.deepEqual(failures(await ok("predeploy", predeploy, env)), []);

      // The approval between them: main.yml's production job runs predeploy, pulumi up and verify in that order, in
      // the production environment, whose reviewers (self-review prevented) the plan declares.
      approvalGuards(path.join(await preview("production", stagingOutputs), "plan.production.json"));

      // 5. pulumi up production builds nothing and runs the digest staging verified; then the migration and verify.
      const productionPlan = await preview("production", stagingOutputs);
      const productionOutputs = await up("production", productionPlan);
      assert.equal(world.running[`${APP}-production`].image, `ghcr.io/surlefeu/${APP}@${newDigest}`);
      await ok(
        "production migrate",
        [
          "migrate",
          "--stack",
          "production",
          "--app",
          APP,
          "--outputs",
          productionOutputs,
          "--poll",
          "0.01",
          "--dir",
          dir,
        ],
        env,
      );
      world.live.production[APP].buildSha = MERGED.commit;
      const productionVerify = await ok(
        "production verify",
        [
          "verify",
          "--stack",
          "production",
          "--dir",
          dir,
          "--outputs",
          productionOutputs,
          "--registry-url",
          world.registry.url,
          "--app-url",
          ...world.appUrls("production"),
          "--version",
          version,
          "--format",
          "json",
        ],
        env,
      );
      assert.deepEqual(failures(productionVerify), []);
      const shipped = world.github.deployments.find(
        (d) => d.environment === "production" && d.payload.digest === newDigest,
      );
      assert.equal(shipped?.statuses.at(-1)?.state, "success");

      // 6. release.yml: the next tag from the commits since mvp-0.4.2, VERSION, the CHANGELOG, the GitHub Release.
      await ok("release", ["release", "--github-release", "--date", "2026-11-21", "--dir", dir], env);
      assert.equal(git(dir, "describe", "--exact-match", "HEAD"), "mvp-0.5.0");
      assert.equal(git(dir, "cat-file", "-t", "mvp-0.5.0"), "tag");
      const release = world.github.releases.find((r) => r.tag_name === "mvp-0.5.0");
      assert.ok(release, "the GitHub Release exists");
      assert.match(release.body, /a runbook link on every alarm/);
      assert.equal(fs.readFileSync(path.join(dir, "VERSION"), "utf8"), "mvp-0.5.0\n");

      // 7. DORA reads it back: one production deployment of the app, its lead time from the merge (3 h) to the
      // production verify that passed.
      world.seed.commits[MERGED.commit] = MERGED.date;
      const since = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const dora = await ok(
        "dora",
        ["dora", "--stack", "production", "--since", since, "--dir", dir, "--format", "json"],
        env,
      );
      const measured = JSON.parse(dora.stdout).apps[APP];
      assert.equal(measured.deployments, 1);
      assert.ok(
        measured.leadTimeHours >= 3 && measured.leadTimeHours < 3.1,
        `lead time ${measured.leadTimeHours} h, expected 3 h and the minutes this test took`,
      );
    });
  },
);
