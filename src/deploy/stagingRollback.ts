/**
 * `cicd rollback --stack staging --app APP --staging-outputs FILE [--to DIGEST]`: PLAY 3 "If staging fails:
 * Rollback". Staging builds each app from `image.build`; rolled back, it runs instead a digest it ran before, pinned
 * with the provenance staging recorded for it (`image.digest` and `image.provenance` in `Pulumi.staging.yaml`,
 * beside the build, which stays registered unchanged; comments and layout kept). Nothing is rebuilt (CONST "Build
 * Once, Promote Many"): the `:staging` alias and the service follow the digest. Rolling forward is `cicd bump` of
 * the fix, which removes the pin; the migration is not run while the pinned digest runs (`migrations.skipForDigest`).
 */
import * as path from "node:path";
import { ConfigError, ConfigProblem } from "../config/model";
import { disableAppFlags, openAppEntry, skipMigrationFor, writeValidated } from "../config/stackFileEdit";
import { DIGEST_PATTERN } from "../../policy-pack/lib/facts";
import type { Release } from "../../policy-pack/lib/profile";
import { stagingReleases } from "./promote";

/** Options of {@link planStagingRollback}. */
export interface StagingRollbackOptions {
  app: string;
  /** `pulumi stack output --json --stack staging`: staging's releases of the app, newest (running) first. */
  stagingOutputs: string;
  /** Digest to roll back to: one of staging's releases. Default: the newest release before the running one. */
  to?: string;
  /** Turn every flag of the app off in staging in the same change. Default: false. */
  disableFlags?: boolean;
  /** Project directory. Default `.`. */
  dir?: string;
}

/** What a staging rollback changed, for the pull request body. */
export interface StagingRollbackPlan {
  app: string;
  file: string;
  /** The release staging runs now (the newest of its releases). */
  from: Release;
  /** The release rolled back to. */
  to: Release;
  marker: string;
  /** The flags turned off in the same change; undefined when not asked. */
  disabledFlags?: string[];
}

/**
 * The release to roll back to: `--to` among staging's releases, else the newest one with another digest.
 *
 * @throws ConfigError naming the option at fault (`--to`, `--staging-outputs`): the stack file is not what is wrong.
 */
function targetOf(opts: StagingRollbackOptions, releases: Release[]): Release {
  const problems: ConfigProblem[] = [];
  const running = releases[0];
  if (opts.to !== undefined && !DIGEST_PATTERN.test(opts.to))
    problems.push({ key: "--to", expected: "a digest sha256:<64 hex>", found: opts.to });
  const to = opts.to
    ? releases.find((r) => r.digest === opts.to)
    : releases.find((r) => r.digest !== running.digest);
  if (!problems.length && !to)
    problems.push({
      key: opts.to ? "--to" : `--staging-outputs (environmentProfile.apps.${opts.app}.releases)`,
      expected: opts.to
        ? "a digest among staging's releases of the app"
        : "a release before the running one to roll back to",
      found: opts.to ?? `${releases.length} release(s), all ${running.digest}`,
    });
  if (!problems.length && to!.digest === running.digest)
    problems.push({
      key: "--to",
      expected: `a digest other than the one running (${running.digest})`,
      found: opts.to!,
    });
  if (problems.length) throw new ConfigError("staging", problems);
  return to!;
}

/**
 * Rewrites `Pulumi.staging.yaml` for the rollback: the app's `image.build` removed, `image.digest` and
 * `image.provenance` set to the target release's.
 *
 * @throws ConfigError naming the stack, the key, what was expected and what was found (the file unchanged).
 */
export function planStagingRollback(opts: StagingRollbackOptions): StagingRollbackPlan {
  const edit = openAppEntry(opts.dir ?? ".", "staging", opts.app);
  const releases = stagingReleases(opts.stagingOutputs, opts.app, "staging");
  const to = targetOf(opts, releases);
  const image = [...edit.appPath, "image"];
  // The build stays: rolling forward to the same commit rebuilds nothing; the pin says what runs meanwhile.
  edit.doc.setIn([...image, "digest"], to.digest);
  edit.doc.setIn([...image, "provenance"], { gitSha: to.gitSha, date: to.date, actor: to.actor });
  skipMigrationFor(edit, to.digest);
  const disabledFlags = opts.disableFlags ? disableAppFlags(edit) : undefined;
  writeValidated(edit);
  const short = (r: Release) => `${r.digest.slice(7, 19)} (${r.gitSha.slice(0, 7)})`;
  return {
    app: opts.app,
    file: path.basename(edit.file),
    from: releases[0],
    to,
    marker: `ROLLBACK staging ${short(releases[0])} -> ${short(to)}`,
    disabledFlags,
  };
}

/** The pull request body of a staging rollback, with what is left to do. */
export function stagingRollbackPullRequestBody(p: StagingRollbackPlan): string {
  return [
    `# ${p.marker} (${p.app})`,
    "",
    "## Because",
    `Staging's smoke or metrics failed after the build of ${p.app} at ${p.from.gitSha} (PLAY "3) Deploy to staging": ` +
      "if staging fails, roll back).",
    "",
    "## Changed",
    `- \`${p.file}\`: \`${p.app}\` runs \`${p.to.digest}\`, built from ${p.to.gitSha} by ${p.to.actor} on ` +
      `${p.to.date}, a digest staging ran before: no rebuild; image.build stays, pinned over until the fix.`,
    ...(p.disabledFlags
      ? [`- feature flags off in staging: ${p.disabledFlags.join(", ") || "(the app has none)"}`]
      : []),
    "",
    "## Result",
    "After merge, `main.yml` runs `pulumi up --stack staging`: `:staging` and the service follow the digest; " +
      "`cicd verify --stack staging` proves it runs.",
    "",
    "## Done when",
    "- [ ] `cicd verify --stack staging` passes for " + p.app,
    `- [ ] the fix merged in the app repository; \`cicd bump --app ${p.app}\` of its commit builds staging again`,
    "",
  ].join("\n");
}
