/**
 * Where each app's image comes from (src/program.ts): production promotes the digest its stack file pins, with
 * the provenance staging recorded for it (or the one pinned beside it), refuses one staging has not run, and
 * reads profiles exported before releases existed; staging builds the commit, with the git source token only for a
 * private repository, and runs a digest it pins when rolled back. Judged on what the program registers and exports.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { GIT_AUTH_SECRET } from "../../components/ContainerImage";
import { readStackFile } from "../../src/config/sources";
import type { StackPreview } from "../../src/offline/preview";
import { EnvironmentProfile, PromotionError } from "../../src/program";
import { parsed, repositoryStacks, ROOT, runStackFile } from "../helpers";

const REF = "surlefeu/cicd-constitution/staging";
const OLDER = {
  digest: `sha256:${"0d".repeat(32)}`,
  gitSha: "0123456789abcdef0123456789abcdef01234567",
  date: "2026-11-10T08:00:00Z",
  actor: "mathieu",
};

/** Runs a stack's program from its stack file, changed by `change`; staging's and its own last profiles given. */
async function runStack(
  stack: "staging" | "production",
  change: (raw: any) => void,
  stagingProfile?: unknown,
  previousProfile?: unknown,
) {
  const run = await runStackFile(stack, {
    change,
    stackOutputs: stagingProfile ? { [REF]: { environmentProfile: stagingProfile } } : {},
    previousOutputs: previousProfile ? { environmentProfile: previousProfile } : undefined,
  });
  return { ...run, profile: run.outputs.environmentProfile };
}

/** The image the first task definition of `app` runs. */
function taskImage(
  records: Array<{ type: string; inputs: Record<string, unknown>; urn: string }>,
  app: string,
) {
  const task = records.find(
    (r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.urn.includes(`::${app}`),
  )!;
  return parsed<Array<{ image: string }>>(task.inputs.containerDefinitions)[0].image;
}

describe("where each app's image comes from", function () {
  this.timeout(120_000);
  let staging: StackPreview;
  let app: string;
  /** Staging's profile with `OLDER` among the first app's releases, after the one it runs. */
  let withOlder: EnvironmentProfile;
  before(async () => {
    [staging] = await repositoryStacks();
    app = staging.model.apps[0].name;
    withOlder = structuredClone(staging.stackOutputs.environmentProfile) as EnvironmentProfile;
    const current = withOlder.apps[app];
    withOlder.apps[app].releases = [{ digest: current.digest, ...current.build }, OLDER];
  });

  it("production promotes the digest its stack file pins, with the provenance staging recorded for it", async () => {
    const { error, records, profile } = await runStack(
      "production",
      (raw) => (raw.apps[0].image.digest = OLDER.digest),
      withOlder,
    );
    assert.equal(error, undefined, String(error));
    assert.equal(profile!.apps[app].digest, OLDER.digest);
    assert.deepEqual(profile!.apps[app].build, {
      gitSha: OLDER.gitSha,
      date: OLDER.date,
      actor: OLDER.actor,
    });
    assert.match(taskImage(records, app), new RegExp(`@${OLDER.digest}$`));
  });

  it("production knows the digest it runs and its stack file's history, each once, newest first", async () => {
    const { error, profile } = await runStack(
      "production",
      (raw) => {
        raw.apps[0].image.digest = OLDER.digest;
        raw.apps[0].image.history = [OLDER, ...raw.apps[0].image.history];
      },
      withOlder,
    );
    assert.equal(error, undefined, String(error));
    const source = readStackFile(path.join(ROOT, "Pulumi.production.yaml"));
    const history = (source.raw as any).apps[0].image.history.map((h: any) =>
      typeof h === "string" ? h : h.digest,
    );
    assert.deepEqual(profile!.apps[app].knownDigests, [OLDER.digest, ...history]);
  });

  it("production refuses a pinned digest staging has not run, naming the key and staging's releases", async () => {
    const unknown = `sha256:${"ee".repeat(32)}`;
    const { error, records } = await runStack(
      "production",
      (raw) => (raw.apps[0].image.digest = unknown),
      withOlder,
    );
    assert.ok(error instanceof PromotionError, String(error));
    assert.equal(error.name, "PromotionError");
    assert.equal(
      error.message,
      `production: cicd-constitution:apps[0].image.digest of ${app} is ${unknown}, which the staging stack ${REF} ` +
        `has not run (its releases: ${withOlder.apps[app].digest.slice(0, 19)}, ${OLDER.digest.slice(0, 19)}); ` +
        "promote a digest staging ran, or pin image.provenance",
    );
    assert.deepEqual(
      records.filter((r) => !r.type.startsWith("pulumi:")),
      [],
    );
  });

  it("with its provenance pinned beside it, a digest staging has not run is promoted with that provenance", async () => {
    const unknown = `sha256:${"ee".repeat(32)}`;
    const provenance = {
      gitSha: "fedcba9876543210fedcba9876543210fedcba98",
      date: "2026-11-01T00:00:00Z",
      actor: "bot",
    };
    const { error, profile } = await runStack(
      "production",
      (raw) => Object.assign(raw.apps[0].image, { digest: unknown, provenance }),
      withOlder,
    );
    assert.equal(error, undefined, String(error));
    assert.equal(profile!.apps[app].digest, unknown);
    assert.deepEqual(profile!.apps[app].build, provenance);
  });

  it("a digest pinned with its provenance needs nothing of staging: promoted even where staging's profile lacks it", async () => {
    const provenance = { gitSha: OLDER.gitSha, date: OLDER.date, actor: OLDER.actor };
    const { error, profile } = await runStack(
      "production",
      (raw) => raw.apps.forEach((a: any) => Object.assign(a.image, { digest: OLDER.digest, provenance })),
      { environment: "staging", apps: {} },
    );
    assert.equal(error, undefined, String(error));
    assert.equal(profile!.apps[app].digest, OLDER.digest);
    assert.deepEqual(profile!.apps[app].build, provenance);
  });

  it("the profile does not depend on the order of the stack file's variables, secrets and flags", async () => {
    // A second flag, so that there is an order to change.
    const twoFlags = (raw: any) => raw.apps[0].flags.push({ ...raw.apps[0].flags[0], name: "audit_log" });
    const reversed = await runStack("staging", (raw) => {
      twoFlags(raw);
      const runtime = raw.apps[0].runtime;
      runtime.environmentVariables = Object.fromEntries(
        Object.entries(runtime.environmentVariables).reverse(),
      );
      runtime.secrets.reverse();
      raw.apps[0].flags.reverse();
    });
    const asWritten = await runStack("staging", twoFlags);
    const [a, b] = [reversed.profile!.apps[app], asWritten.profile!.apps[app]];
    assert.deepEqual([a.envNames, a.secretNames, a.flags], [b.envNames, b.secretNames, b.flags]);
    assert.ok(b.envNames.includes("ERP_ENV"));
    assert.ok(b.secretNames.length > 1 && b.flags.length > 1, "more than one secret and flag to order");
  });

  it("a staging profile exported before releases existed: its current digest, with its build", async () => {
    const old = structuredClone(staging.stackOutputs.environmentProfile) as EnvironmentProfile;
    for (const p of Object.values(old.apps)) delete (p as Partial<typeof p>).releases;
    const { error, profile } = await runStack(
      "production",
      (raw) => raw.apps.forEach((a: any) => delete a.image.digest),
      old,
    );
    assert.equal(error, undefined, String(error));
    assert.equal(profile!.apps[app].digest, old.apps[app].digest);
    assert.deepEqual(profile!.apps[app].build, old.apps[app].build);
  });

  it("a staging profile whose apps are not an object is refused as no profile", async () => {
    const { error } = await runStack(
      "production",
      (raw) => raw.apps.forEach((a: any) => delete a.image.digest),
      { environment: "staging", apps: "erp-berhan" },
    );
    assert.ok(error instanceof PromotionError, String(error));
    assert.equal(
      error.message,
      `production: the staging stack ${REF} exports no environmentProfile; deploy staging first or pin ` +
        "cicd-constitution:apps[].image.digest and .provenance",
    );
  });

  it("staging passes the git source token to a private repository's build only", async () => {
    const secretsOf = async (visibility: string) => {
      const { error, records, props } = await runStackFile("staging", {
        change: (raw) => (raw.apps[0].repository.visibility = visibility),
        // Each stack-wide secret its own value, so that another one passed in its place shows.
        stackSecrets: { gitSourceToken: "planted-git-source-token", ghcrToken: "planted-ghcr-token" },
      });
      assert.equal(error, undefined, String(error));
      const build = records.find((r) => r.type === "docker-build:index:Image" && r.urn.includes(`::${app}`))!;
      const secrets = (props.get(build.urn)?.secrets ?? {}) as Record<string, unknown>;
      // The value is the stack's gitSourceToken, not an empty or another secret.
      for (const v of Object.values(secrets)) assert.equal(v, "planted-git-source-token");
      return Object.keys(secrets);
    };
    assert.deepEqual(await secretsOf("private"), [GIT_AUTH_SECRET]);
    assert.deepEqual(await secretsOf("public"), []);
  });

  it("staging rolled back runs the digest it pins, with the pinned provenance, and still registers the build", async () => {
    const { error, records, profile } = await runStack("staging", (raw) =>
      Object.assign(raw.apps[0].image, {
        digest: OLDER.digest,
        provenance: { gitSha: OLDER.gitSha, date: OLDER.date, actor: OLDER.actor },
      }),
    );
    assert.equal(error, undefined, String(error));
    assert.equal(profile!.apps[app].digest, OLDER.digest);
    assert.equal(profile!.apps[app].build.gitSha, OLDER.gitSha);
    assert.match(taskImage(records, app), new RegExp(`@${OLDER.digest}$`));
    assert.ok(records.some((r) => r.type === "docker-build:index:Image" && r.urn.includes(`::${app}`)));
  });

  it("staging adds what it runs to the releases its last deployment exported: newest first, once, at most 20", async () => {
    const current = (staging.stackOutputs.environmentProfile as EnvironmentProfile).apps[app];
    const running = { digest: current.digest, ...current.build };
    const earlier = Array.from({ length: 25 }, (_, i) => ({
      ...OLDER,
      digest: `sha256:${i.toString(16).padStart(2, "0").repeat(32)}`,
    }));
    const previous = (releases: unknown[]) => ({
      environment: "staging",
      apps: { [app]: { ...current, releases } },
    });
    const releasesAfter = async (releases: unknown[]) =>
      (await runStack("staging", () => {}, undefined, previous(releases))).profile!.apps[app];
    const once = await releasesAfter([earlier[0], running, earlier[1]]);
    assert.deepEqual(once.releases, [running, earlier[0], earlier[1]]);
    assert.deepEqual(once.knownDigests, [running.digest, earlier[0].digest, earlier[1].digest]);
    const many = await releasesAfter(earlier);
    assert.deepEqual(many.releases, [running, ...earlier.slice(0, 19)]);
    // An app its last deployment exported without a digest has no release to carry.
    const none = await runStack("staging", () => {}, undefined, {
      environment: "staging",
      apps: { [app]: { ...current, digest: "", releases: [earlier[0]] } },
    });
    assert.deepEqual(none.profile!.apps[app].releases, [running]);
  });
});
