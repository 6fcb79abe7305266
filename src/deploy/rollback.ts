/**
 * `cicd rollback --app APP [--to DIGEST]`: PLAY 6 "Rollback playbook" and F6 "Rollback Strategy" as one command.
 * Production is re-pointed to the previous digest (the first of `image.history`, or `--to`) in
 * `Pulumi.production.yaml`, keeping every comment and the layout; the history drops the digest rolled back to
 * and the one rolled back from (it failed), and the command prints the pull request body to open, whose title is
 * PLAY 6's deploy marker `ROLLBACK mvp-X.Y.Z -> mvp-X.Y.W`. Its merge runs `main.yml`'s production job: the
 * `:prod` alias and the service follow the digest; `cicd verify` then proves what runs. No rebuild: the digest
 * is one staging ran (CC-PAR-01 reads staging's releases), so its provenance is staging's record of it.
 */
import * as path from "node:path";
import { isMap, isSeq, YAMLSeq } from "yaml";
import { CONFIG_NAMESPACE, ConfigError } from "../config/model";
import {
  disableAppFlags,
  openAppEntry,
  skipMigrationFor,
  StackFileEdit,
  writeValidated,
} from "../config/stackFileEdit";
import { DIGEST_PATTERN, RELEASE_TAG_PATTERN } from "../../policy-pack/lib/facts";

/** A release tag of the constitution (PLAY "1) Version bump": `mvp-X.Y.Z`). */

/** Options of {@link runRollback}. */
export interface RollbackOptions {
  app: string;
  /** Digest to roll back to. Default: the first of the app's `image.history` (the release before this one). */
  to?: string;
  /** Release tag running now, for the marker (`mvp-X.Y.Z`). Default: the digest's first 12 hex digits. */
  fromVersion?: string;
  /** Release tag rolled back to (`mvp-X.Y.W`). Default: the digest's first 12 hex digits. */
  toVersion?: string;
  /**
   * Provenance of the target digest (`image.provenance`), for a digest older than staging's release record.
   * Default: none (staging's releases give it).
   */
  provenance?: { gitSha: string; date: string; actor: string };
  /** Who owns the rollback's error-budget override. Default: `GITHUB_ACTOR`, else the app's owner. */
  owner?: string;
  /** "Now", for the override's expiry (the next day, UTC). Default: now. */
  now?: Date;
  /**
   * Turn every flag of the app off in the same change (PLAY 6 step 4: "disable the related flags"), each flag's
   * `value` set to `{ enabled: false }`. Default: false (the pull request lists it as a step left).
   */
  disableFlags?: boolean;
  /**
   * The corrective migration the rollback carries (PLAY 7: "create a corrective migration script; run in staging;
   * then redo promotion"), as the container's command: it replaces the app's `migrations.command`, so the rolled-back
   * release migrates the schema back to what it expects. Required when the running release's migration is
   * `destructive` (a contract: the schema no longer satisfies the earlier release). Default: none.
   */
  correctiveMigration?: string[];
  /** Stack whose file is edited. Default `production`. */
  stack?: string;
  /** Project directory. Default `.`. */
  dir?: string;
}

/** What a rollback changed, for the pull request body. */
export interface RollbackPlan {
  app: string;
  stack: string;
  file: string;
  from: string;
  to: string;
  history: string[];
  marker: string;
  /** Whether a pinned `image.provenance` was dropped (it described the digest rolled back from). */
  droppedProvenance: boolean;
  /** The error-budget override the rollback adds: a rollback runs while the budget burns. */
  override: {
    ruleId: string;
    resource: string;
    digest: string;
    reason: string;
    owner: string;
    expires: string;
  };
  /** The flags turned off in the same change (`disableFlags`); undefined when not asked. */
  disabledFlags?: string[];
  /** The corrective migration the rollback carries, when the running release's migration was destructive. */
  correctiveMigration?: string[];
}

/** A digest's provenance as a history entry records it. */
type Provenance = { gitSha: string; date: string; actor: string };

/** An `image.history` entry: its digest, the provenance it records (if any) and its YAML node. */
export interface HistoryEntry {
  digest: string;
  provenance?: Provenance;
  node: unknown;
}

/** Reads an app's `image.digest` and `image.history` (digests, or maps with their provenance) from the document. */
export function imageOf(edit: StackFileEdit): {
  digest?: string;
  history: HistoryEntry[];
  provenance: boolean;
} {
  const get = (k: string) => edit.doc.getIn([...edit.appPath, "image", k]);
  const seq = get("history");
  const history = isSeq(seq)
    ? (seq as YAMLSeq).items.map((node): HistoryEntry => {
        if (isMap(node)) {
          const { digest, ...provenance } = node.toJSON() as Provenance & { digest: string };
          return { digest: String(digest), provenance, node };
        }
        return { digest: String((node as { value?: unknown }).value ?? node), node };
      })
    : [];
  return {
    digest: typeof get("digest") === "string" ? String(get("digest")) : undefined,
    history,
    provenance: get("provenance") !== undefined,
  };
}

/** Checks the arguments against the file; every problem names the stack, the key, what was expected and found. */
export function targetOf(
  opts: RollbackOptions,
  stack: string,
  current: { digest?: string; history: HistoryEntry[] },
  index: number,
): string {
  const key = `${CONFIG_NAMESPACE}:apps[${index}].image`;
  const problems = [
    ...(!current.digest
      ? [{ key: `${key}.digest`, expected: "the digest production runs now", found: "(unset)" }]
      : []),
    ...(opts.to && !DIGEST_PATTERN.test(opts.to)
      ? [{ key: "--to", expected: "a digest sha256:<64 hex>", found: opts.to }]
      : []),
    ...(!opts.to && current.history.length === 0
      ? [
          {
            key: `${key}.history`,
            expected: "a previous digest to roll back to (or --to DIGEST)",
            found: "[]",
          },
        ]
      : []),
    ...[opts.fromVersion, opts.toVersion]
      .filter((v): v is string => v !== undefined && !RELEASE_TAG_PATTERN.test(v))
      .map((v) => ({ key: "--from-version/--to-version", expected: "a release tag mvp-X.Y.Z", found: v })),
  ];
  const to = opts.to ?? current.history[0]?.digest;
  if (!problems.length && to === current.digest)
    problems.push({ key: "--to", expected: `a digest other than the one running (${to})`, found: to });
  // A digest production never ran, with no provenance given, is one nothing says staging built and verified: the
  // pull request would claim "a digest staging ran" and only the production preview's parity rule would stop it.
  if (!problems.length && !opts.provenance && !current.history.some((h) => h.digest === to))
    problems.push({
      key: "--to",
      expected: `a digest of ${key}.history (${current.history.map((h) => h.digest.slice(7, 19)).join(", ") || "none"}), or --commit, --date and --actor as staging recorded its build`,
      found: to,
    });
  if (problems.length) throw new ConfigError(stack, problems);
  return to;
}

const label = (v: string | undefined, d: string) => v ?? d.slice(7, 19);

/**
 * The gates a rollback's deploy meets in an incident and must pass: the error budget burns (that is why it
 * happens; F6 "Error Budget & Deploy Freeze"), the target's soak may include the incident's alarms, and the
 * target leaves no older digest to roll back to.
 */
const ROLLBACK_LIFTS = ["PREDEPLOY-ERROR-BUDGET", "PREDEPLOY-STAGING-SOAK", "PREDEPLOY-ROLLBACK-TARGET"];

/**
 * A rollback therefore adds an override of each of {@link ROLLBACK_LIFTS} for the app, bound to the digest rolled
 * back to (`digest`), that expires the next day (UTC), with the marker as its reason and an owner, reviewed in the
 * same pull request. Returns the error budget's.
 */
export function errorBudgetOverride(
  edit: StackFileEdit,
  opts: RollbackOptions,
  marker: string,
  to: string,
): RollbackPlan["override"] {
  const now = opts.now ?? new Date();
  const owner =
    opts.owner ?? process.env.GITHUB_ACTOR ?? String(edit.doc.getIn([...edit.appPath, "owner"]) ?? "unknown");
  const override = {
    ruleId: "PREDEPLOY-ERROR-BUDGET",
    resource: opts.app,
    // Bound to the digest rolled back to: a promotion of another digest in the same day meets every gate.
    digest: to,
    reason: `${marker}: restoring the last good release during the incident`,
    owner,
    expires: new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10),
  };
  const at = ["config", `${CONFIG_NAMESPACE}:predeploy`, "overrides"];
  const all = ROLLBACK_LIFTS.map((ruleId) => ({ ...override, ruleId }));
  const list = edit.doc.getIn(at);
  if (isSeq(list)) for (const o of all) (list as YAMLSeq).add(edit.doc.createNode(o));
  else edit.doc.setIn(at, all);
  return override;
}

/**
 * A rollback across a contract (CONST "Migrations": contract only after the expand has burnt in): when the running
 * release's migration is `destructive`, the earlier release's code expects a schema that is gone, so the rollback is
 * refused unless it carries a corrective migration, which then becomes the app's `migrations.command`.
 *
 * @throws ConfigError naming the migration and the way forward
 */
export function acrossContract(edit: StackFileEdit, opts: RollbackOptions, stack: string): void {
  const at = [...edit.appPath, "migrations"];
  const contract = edit.doc.getIn([...at, "contract"]);
  if (contract !== "destructive") return;
  if (opts.correctiveMigration?.length) {
    edit.doc.setIn([...at, "command"], opts.correctiveMigration);
    if (edit.doc.hasIn([...at, "skipForDigest"])) edit.doc.deleteIn([...at, "skipForDigest"]);
    return;
  }
  const command = (edit.doc.getIn([...at, "command"]) as { toJSON?: () => unknown } | undefined)?.toJSON?.();
  throw new ConfigError(stack, [
    {
      key: `${CONFIG_NAMESPACE}:apps[${Number(edit.appPath[2])}].migrations`,
      expected: `a release whose schema the earlier one still runs on: the running release's migration (${Array.isArray(command) ? command.join(" ") : "its command"}) is destructive, so roll forward with a fix, or roll back with --corrective-migration "<command>" that restores the schema (PLAY 7)`,
      found: "contract: destructive",
    },
  ]);
}

/** Rewrites the stack file for the rollback; returns what changed. @throws ConfigError, file unchanged. */
export function planRollback(opts: RollbackOptions): RollbackPlan {
  const stack = opts.stack ?? "production";
  const edit = openAppEntry(opts.dir ?? ".", stack, opts.app);
  const current = imageOf(edit);
  const to = targetOf(opts, stack, current, Number(edit.appPath[2]));
  acrossContract(edit, opts, stack);
  const from = current.digest!;
  const at = current.history.findIndex((h) => h.digest === to);
  // Newest first: what was released before the target stays (each entry as written); the target and the failed
  // release leave it.
  const kept = at >= 0 ? current.history.slice(at + 1) : current.history.filter((h) => h.digest !== from);
  const history = kept.map((h) => h.digest);
  edit.doc.setIn([...edit.appPath, "image", "digest"], to);
  const seq = edit.doc.getIn([...edit.appPath, "image", "history"]);
  if (isSeq(seq)) (seq as YAMLSeq).items.splice(0, (seq as YAMLSeq).items.length, ...kept.map((h) => h.node));
  else edit.doc.setIn([...edit.appPath, "image", "history"], history);
  // A pinned provenance described the failed digest. The target's: given, else its history entry's, else
  // staging's releases hold it.
  const provenance = opts.provenance ?? (at >= 0 ? current.history[at].provenance : undefined);
  if (provenance) edit.doc.setIn([...edit.appPath, "image", "provenance"], provenance);
  else if (current.provenance) edit.doc.deleteIn([...edit.appPath, "image", "provenance"]);
  const marker = `ROLLBACK ${label(opts.fromVersion, from)} -> ${label(opts.toVersion, to)}`;
  if (!opts.correctiveMigration?.length) skipMigrationFor(edit, to);
  const override = errorBudgetOverride(edit, opts, marker, to);
  const disabledFlags = opts.disableFlags ? disableAppFlags(edit) : undefined;
  writeValidated(edit);
  return {
    app: opts.app,
    stack,
    file: path.basename(edit.file),
    from,
    to,
    history,
    marker,
    droppedProvenance: current.provenance && !provenance,
    override,
    correctiveMigration: opts.correctiveMigration,
    disabledFlags,
  };
}

/** The pull request body of a rollback, with PLAY 6's remaining steps as a checklist. */
export function rollbackPullRequestBody(p: RollbackPlan): string {
  return [
    `# ${p.marker} (${p.app})`,
    "",
    "## Because",
    `Production smoke failed or an SLO degraded after the release of ${p.app} (PLAY "6) Rollback playbook").`,
    "",
    "## Changed",
    `- \`${p.file}\`: \`${p.app}\` image.digest \`${p.from}\` -> \`${p.to}\` (a digest staging ran: no rebuild).`,
    `- image.history: ${p.history.length ? p.history.map((d) => `\`${d}\``).join(", ") : "(empty)"}.`,
    ...(p.droppedProvenance
      ? ["- image.provenance dropped: staging's release record gives the target's."]
      : []),
    ...(p.correctiveMigration
      ? [
          `- migrations.command: \`${p.correctiveMigration.join(" ")}\`, the corrective migration (PLAY 7): run it in staging first.`,
        ]
      : []),
    `- predeploy.overrides: the error-budget freeze, the soak and the rollback-target gate lifted for ${p.app} ` +
      `until ${p.override.expires} (owner ${p.override.owner}): a rollback runs during the incident.`,
    "",
    "## Result",
    `After approval, \`pulumi up --stack ${p.stack}\` re-points \`:prod\` and the service to \`${p.to}\`;`,
    `\`cicd verify --stack ${p.stack}\` records the deploy marker and proves the digest runs.`,
    "",
    "## Done when",
    `- [ ] \`cicd verify --stack ${p.stack}\` passes for ${p.app}`,
    p.disabledFlags
      ? `- [x] feature flags disabled in this change: ${p.disabledFlags.join(", ") || "(the app has none)"} (PLAY 6, step 4)`
      : "- [ ] related feature flags disabled (PLAY 6, step 4)",
    `- [ ] incident issue opened: \`cicd incident --stack ${p.stack} --app ${p.app} --marker "${p.marker}"\` (Impact, Timeline, Suspected Cause, Fix plan; PLAY 6, step 5)`,
    "- [ ] fix forward or hold decided; CHANGELOG and release notes updated (PLAY 6, steps 6-7)",
    "",
  ].join("\n");
}
