/**
 * `cicd promote --app APP --staging-outputs FILE [--digest D]`: production's pin written from what staging ran and
 * verified (LANES "Release PR", "Build & Pin"; CONST "Build Once, Promote Many"). The digest comes from staging's
 * release record (`environmentProfile.apps.APP.releases` in `pulumi stack output --json --stack staging`: digest,
 * commit, date, actor, newest first), by default the newest. It is refused when staging never ran it, or, with a
 * GitHub token, when no staging deployment of it by `predeploy.verifiers` ends in success (the same evidence
 * PREDEPLOY-STAGING-VERIFIED reads). `Pulumi.production.yaml` gets `image.digest` and its `image.provenance` (as
 * staging recorded it); the digest it replaces goes first into `image.history`, with its provenance;
 * every comment stays, and the file is validated as the program reads it before it is written. The release pull
 * request's title and body are printed: `Promote staging -> main @ SHA`.
 */
import * as path from "node:path";
import { isMap, isSeq, YAMLSeq } from "yaml";
import type { Octokit } from "@octokit/rest";
import { ConfigError, ConfigProblem } from "../config/model";
import { openAppEntry, StackFileEdit, writeValidated } from "../config/stackFileEdit";
import { DIGEST_PATTERN, RELEASE_TAG_PATTERN } from "../../policy-pack/lib/facts";
import type { Release } from "../../policy-pack/lib/profile";
import { readStackOutputs } from "../audit/readState";
import type { Check } from "./checks";
import { checkStagingVerified } from "./predeploy";
import { deployedStack } from "./targets";

/** Options of {@link planPromotion}. */
export interface PromoteOptions {
  app: string;
  /** `pulumi stack output --json --stack staging`: staging's release record. */
  stagingOutputs: string;
  /** Digest to promote. Default: the newest of staging's releases of the app. */
  digest?: string;
  /** Release tag the digest ships as (`mvp-X.Y.Z`), for the title and body. Default: none. */
  version?: string;
  /** Project directory. Default `.`. */
  dir?: string;
  /** Stack whose file is edited. Default `production`. */
  stack?: string;
  /**
   * GitHub client reading the app repository's deployments; without one the verify evidence is not read and the
   * body says so (the production job's `cicd predeploy` reads it again before `pulumi up`).
   */
  github?: Octokit;
}

/** What a promotion changed, for the pull request. */
export interface PromotionPlan {
  app: string;
  stack: string;
  file: string;
  from?: string;
  release: Release;
  history: string[];
  version?: string;
  /** The staging verify evidence, or why it was not read. */
  verified: string;
  title: string;
  /** What became of the app's migrations block: carried from staging's stack file, or why not. */
  migrations: string;
}

/**
 * Staging's releases of `app` from its stack outputs (`pulumi stack output --json --stack staging`), newest first,
 * each with a whole provenance.
 *
 * @throws ConfigError naming the file and the key when the outputs are not staging's or hold no release of `app`.
 */
export function stagingReleases(file: string, app: string, stack: string): Release[] {
  const outputs = readStackOutputs(file);
  const profile = (outputs.environmentProfile ?? {}) as {
    environment?: string;
    apps?: Record<string, unknown>;
  };
  const releases = (profile.apps?.[app] as { releases?: unknown } | undefined)?.releases;
  const valid = Array.isArray(releases)
    ? releases.filter(
        (r): r is Release =>
          !!r &&
          typeof r === "object" &&
          DIGEST_PATTERN.test(String((r as Release).digest)) &&
          // A whole provenance, as the stack file's image.provenance needs it (the file is validated after).
          /^[0-9a-f]{40}$/.test(String((r as Release).gitSha)) &&
          !Number.isNaN(Date.parse(String((r as Release).date))) &&
          typeof (r as Release).actor === "string" &&
          (r as Release).actor.length > 0,
      )
    : [];
  if (profile.environment !== "staging" || valid.length === 0)
    throw new ConfigError(stack, [
      {
        key: `--staging-outputs (environmentProfile.apps.${app}.releases)`,
        expected: "staging's outputs with the app's releases: pulumi stack output --json --stack staging",
        found: `${path.basename(file)}: environment ${JSON.stringify(profile.environment)}, ${valid.length} release(s)`,
      },
    ]);
  return valid;
}

/** The release to promote: `--digest` among staging's releases, else the newest. */
export function releaseOf(opts: PromoteOptions, releases: Release[], stack: string): Release {
  const problems: ConfigProblem[] = [];
  if (opts.digest !== undefined && !DIGEST_PATTERN.test(opts.digest))
    problems.push({ key: "--digest", expected: "a digest sha256:<64 hex>", found: opts.digest });
  if (opts.version !== undefined && !RELEASE_TAG_PATTERN.test(opts.version))
    problems.push({ key: "--version", expected: "a release tag mvp-X.Y.Z", found: opts.version });
  const release = opts.digest ? releases.find((r) => r.digest === opts.digest) : releases[0];
  if (!problems.length && !release)
    problems.push({
      key: "--digest",
      expected: `a digest staging ran (its releases of ${opts.app}: ${releases.map((r) => r.digest.slice(0, 19)).join(", ")})`,
      found: String(opts.digest),
    });
  if (problems.length) throw new ConfigError(stack, problems);
  return release!;
}

/** PREDEPLOY-STAGING-VERIFIED's evidence for the digest; a failure refuses the promotion. */
async function stagingVerified(opts: PromoteOptions, release: Release, stack: string): Promise<string> {
  if (!opts.github)
    return "not read (no GitHub token): cicd predeploy reads it before production's pulumi up";
  const deployed = await deployedStack(opts.dir ?? ".", stack);
  const target = deployed.apps.find((t) => t.app === opts.app);
  if (!target)
    throw new ConfigError(stack, [{ key: "--app", expected: "an app of the stack", found: opts.app }]);
  const found: Check[] = [];
  await checkStagingVerified(
    opts.github,
    { ...target, digest: release.digest },
    "staging",
    deployed.model.predeploy.verifiers,
    (c) => found.push(c),
  );
  const check = found[0];
  if (check.status !== "pass")
    throw new ConfigError(stack, [
      { key: "--digest", expected: "a digest whose staging verify passed", found: check.message },
    ]);
  return check.message;
}

/**
 * Pins `release` in the app's entry: the digest running now becomes the first of `image.history` (the rollback
 * target), recorded with its provenance (staging's record of it, else the one production pinned) so that
 * `cicd rollback` can pin it again; the promoted digest leaves the history; each digest appears once; the
 * promoted digest's provenance, as staging recorded it, becomes `image.provenance`.
 */
export function repin(
  edit: StackFileEdit,
  release: Release,
  releases: Release[],
): { from?: string; history: string[] } {
  const image = [...edit.appPath, "image"];
  const current = edit.doc.getIn([...image, "digest"]);
  const from = typeof current === "string" ? current : undefined;
  const seq = edit.doc.getIn([...image, "history"]);
  const digestOf = (node: unknown) =>
    isMap(node) ? String(node.get("digest")) : String((node as { value?: unknown }).value ?? node);
  const pinned = edit.doc.getIn([...image, "provenance"]);
  const recorded =
    releases.find((r) => r.digest === from) ??
    (isMap(pinned) && from ? ({ digest: from, ...(pinned.toJSON() as object) } as Release) : undefined);
  const running =
    from && from !== release.digest
      ? [
          edit.doc.createNode(
            recorded
              ? { digest: from, gitSha: recorded.gitSha, date: recorded.date, actor: recorded.actor }
              : from,
          ),
        ]
      : [];
  const kept = [...running, ...(isSeq(seq) ? (seq as YAMLSeq).items : [])].filter(
    (n, i, all) => digestOf(n) !== release.digest && all.findIndex((m) => digestOf(m) === digestOf(n)) === i,
  );
  edit.doc.setIn([...image, "digest"], release.digest);
  if (isSeq(seq)) (seq as YAMLSeq).items.splice(0, (seq as YAMLSeq).items.length, ...kept);
  else edit.doc.setIn([...image, "history"], kept);
  // The promoted digest's provenance as staging recorded it, pinned: the program and the offline preview read it
  // without staging's own record (CC-PAR-01 still checks, against staging's record, that staging ran it).
  edit.doc.setIn([...image, "provenance"], {
    gitSha: release.gitSha,
    date: release.date,
    actor: release.actor,
  });
  return { from, history: kept.map(digestOf) };
}

/**
 * The release's migrations travel with it (F6: "every migration declares contract"): staging's stack file declares
 * the migrations of the release it runs, so promoting that release (staging's newest) copies its `migrations` block
 * into production's entry, without a rollback's `skipForDigest`; an app whose staging entry has none loses
 * production's. An older release's block is not known: production's stays, and the body says so.
 *
 * @returns what was done, for the pull request body
 */
export function carryMigrations(edit: StackFileEdit, dir: string, app: string, newest: boolean): string {
  const at = [...edit.appPath, "migrations"];
  if (!newest)
    return "production's migrations block kept: an older staging release's is not recorded; check it by hand";
  const staging = openAppEntry(dir, "staging", app);
  const node = staging.doc.getIn([...staging.appPath, "migrations"]) as
    { toJSON?: () => unknown } | undefined;
  const block = node?.toJSON?.() as Record<string, unknown> | undefined;
  if (!block) {
    if (edit.doc.hasIn(at)) edit.doc.deleteIn(at);
    return "no migrations in staging's release: none in production's";
  }
  const { skipForDigest: _skip, ...carried } = block;
  edit.doc.setIn(at, edit.doc.createNode(carried));
  return `carried from Pulumi.staging.yaml: contract ${String(carried.contract ?? "safe_online")}, command \`${(carried.command as string[]).join(" ")}\``;
}

/**
 * Writes production's pin for one app from staging's release record; returns what changed.
 *
 * @throws ConfigError naming the stack, the key (or option), what was expected and what was found; the file is
 *   then unchanged.
 */
export async function planPromotion(opts: PromoteOptions): Promise<PromotionPlan> {
  const stack = opts.stack ?? "production";
  if (stack !== "production")
    throw new ConfigError(stack, [
      { key: "--stack", expected: "production (staging builds; it promotes nothing)", found: stack },
    ]);
  const releases = stagingReleases(opts.stagingOutputs, opts.app, stack);
  const release = releaseOf(opts, releases, stack);
  const verified = await stagingVerified(opts, release, stack);
  const edit = openAppEntry(opts.dir ?? ".", stack, opts.app);
  const { from, history } = repin(edit, release, releases);
  const migrations = carryMigrations(edit, opts.dir ?? ".", opts.app, release === releases[0]);
  writeValidated(edit);
  return {
    app: opts.app,
    stack,
    file: path.basename(edit.file),
    from,
    release,
    history,
    version: opts.version,
    verified,
    migrations,
    title: `Promote staging -> main @ ${release.gitSha.slice(0, 12)}${opts.version ? ` (${opts.version})` : ""}`,
  };
}

/** The release pull request's body: the app, digests, commit, date, actor and version, and what happens next. */
export function promotionPullRequestBody(p: PromotionPlan): string {
  return [
    `# ${p.title}`,
    "",
    "| app | digest | commit | built | by | version |",
    "| --- | --- | --- | --- | --- | --- |",
    `| ${p.app} | \`${p.release.digest}\` | \`${p.release.gitSha}\` | ${p.release.date} | ${p.release.actor} | ${p.version ?? "-"} |`,
    "",
    "## Changed",
    `- \`${p.file}\`: \`${p.app}\` image.digest ${p.from ? `\`${p.from}\`` : "(unset)"} -> \`${p.release.digest}\` (the digest staging ran: no rebuild).`,
    `- image.history: ${p.history.length ? p.history.map((d) => `\`${d}\``).join(", ") : "(empty)"} (the first is the rollback target).`,
    `- migrations: ${p.migrations}.`,
    "",
    "## Evidence",
    `- staging ran it: staging's release record (${p.release.date}, ${p.release.actor}).`,
    `- staging verify: ${p.verified}.`,
    "",
    "## Result",
    `After approval in the \`${p.stack}\` environment, \`cicd predeploy\` gates and \`pulumi up --stack ${p.stack}\` points \`:prod\` and the service at this digest; \`cicd verify\` proves it runs.`,
    "",
  ].join("\n");
}
