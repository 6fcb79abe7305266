/**
 * The release gates `cicd predeploy` adds before production's `pulumi up` (PLAY "3) Staging deploy" gate to
 * proceed, "9) Staging gate: metrics stable"; LANES "treat failures as stop-the-line events"; OPS "Rollback plan
 * verified"):
 * - PREDEPLOY-STAGING-SOAK: the pinned digest stands verified in staging (its latest verify succeeded) since at
 *   least `predeploy.soakMinutes`, and the app's staging 5xx, latency and burn alarms exist, are not in ALARM now
 *   (`DescribeAlarms`) and never went to ALARM since (`DescribeAlarmHistory`, state updates);
 * - PREDEPLOY-DRIFT: this repository has no open issue titled {@link DRIFT_ISSUE_TITLE} (drift.yml opens it);
 * - PREDEPLOY-ROLLBACK-TARGET: the app's `image.history` names a previous digest, verified in staging.
 * Each may be lifted for one app by an audited override (`predeploy.overrides`: reason, owner, expiry).
 */
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
} from "@aws-sdk/client-cloudwatch";
import type { Octokit } from "@octokit/rest";
import { physicalNames } from "../../components/naming";
import type { Check } from "./checks";
import { DEPLOYMENTS_READ, payloadOf, statusesOf } from "./deployments";
import type { AppTarget, DeployedStack } from "./targets";
import { historyDigests } from "../config/model";

/** The title of the one drift issue drift.yml opens (a workflow test pins that drift.yml uses it). */
export const DRIFT_ISSUE_TITLE = "Drift: what runs differs from the stacks";

/** The label drift.yml gives its issue; PREDEPLOY-DRIFT reads only issues that carry it. */
export const DRIFT_LABEL = "drift";

type Push = (c: Check) => void;
type Target = Pick<AppTarget, "app" | "githubOwner" | "repository" | "digest">;

/**
 * Since when each digest stands verified in staging: the first success of its latest unbroken run of successful
 * verifies. A digest whose latest verify failed is not verified, whatever succeeded before: a failed re-verify
 * (a smoke that failed without tripping an alarm) takes the earlier success back.
 */
type VerifiedAt = Map<string, Date>;

/** One verify's verdict on a deployment of a digest: its status's time, and whether it succeeded. */
export interface Verdict {
  at: Date;
  ok: boolean;
}

/**
 * The start of a digest's standing verification from its verdicts (any order): the first success after its last
 * failure; undefined when it has no success after its last failure (or none at all). Verdicts of the same time
 * count a failure last, so a tie does not verify.
 */
export function verifiedSince(verdicts: readonly Verdict[]): Date | undefined {
  const ordered = [...verdicts].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || Number(b.ok) - Number(a.ok),
  );
  let since: Date | undefined;
  for (const v of ordered) since = v.ok ? (since ?? v.at) : undefined;
  return since;
}

/** Deployment status states that are a verify's verdict (GitHub's; `inactive`, `pending` and the like are not). */
const VERDICT_STATES: Readonly<Record<string, boolean>> = { success: true, failure: false, error: false };

/**
 * The digests of an app verified in staging, read once per app for every gate (newest deployments first, at
 * most {@link DEPLOYMENTS_READ}): only deployments a verifier created, and only statuses a verifier posted.
 */
export async function verifiedInStaging(
  github: Octokit,
  t: Pick<AppTarget, "githubOwner" | "repository">,
  verifiers: readonly string[],
): Promise<VerifiedAt> {
  const repository = { owner: t.githubOwner, repo: t.repository };
  const verdicts = new Map<string, Verdict[]>();
  let read = 0;
  for await (const page of github.paginate.iterator(github.rest.repos.listDeployments, {
    ...repository,
    environment: "staging",
    per_page: 100,
  })) {
    for (const d of page.data) {
      const digest = payloadOf(d.payload).digest;
      if (typeof digest !== "string" || !verifiers.includes(d.creator?.login ?? "")) continue;
      for (const s of await statusesOf(github, repository, d.id)) {
        if (!(s.state in VERDICT_STATES) || !verifiers.includes(s.creator?.login ?? "")) continue;
        const list = verdicts.get(digest) ?? [];
        list.push({ at: new Date(s.created_at), ok: VERDICT_STATES[s.state] });
        verdicts.set(digest, list);
      }
    }
    read += page.data.length;
    if (read >= DEPLOYMENTS_READ) break;
  }
  const verified: VerifiedAt = new Map();
  for (const [digest, list] of verdicts) {
    const since = verifiedSince(list);
    if (since) verified.set(digest, since);
  }
  return verified;
}

/** The staging alarms a soak watches for an app: its 5xx, latency and both burn alarms. */
export function soakAlarms(app: string): string[] {
  const n = physicalNames(app, "staging");
  return [n.errorRateAlarm.name, n.latencyAlarm.name, n.burnFastAlarm.name, n.burnSlowAlarm.name];
}

/** The alarms of `names` that went to ALARM since `since` (state updates of CloudWatch's alarm history). */
async function alarmedSince(
  cw: CloudWatchClient,
  names: string[],
  since: Date,
  until: Date,
): Promise<string[]> {
  const alarmed = new Set<string>();
  for (const name of names) {
    let token: string | undefined;
    do {
      const page = await cw.send(
        new DescribeAlarmHistoryCommand({
          AlarmName: name,
          HistoryItemType: "StateUpdate",
          StartDate: since,
          EndDate: until,
          NextToken: token,
        }),
      );
      for (const item of page.AlarmHistoryItems ?? []) {
        const data = JSON.parse(item.HistoryData ?? "{}") as { newState?: { stateValue?: string } };
        if (data.newState?.stateValue === "ALARM") alarmed.add(name);
      }
      token = page.NextToken;
    } while (token);
  }
  return [...alarmed];
}

/** PREDEPLOY-STAGING-SOAK for one app. */
export async function checkSoak(
  cw: CloudWatchClient,
  t: Target,
  settings: { verified: VerifiedAt; soakMinutes: number; now: Date },
  push: Push,
): Promise<void> {
  const id = "PREDEPLOY-STAGING-SOAK";
  const since = settings.verified.get(t.digest);
  if (!since)
    return push({
      id,
      app: t.app,
      status: "fail",
      message: `${t.digest} is not verified in staging (no verify succeeded since its last failure): nothing soaked`,
    });
  const minutes = (settings.now.getTime() - since.getTime()) / 60_000;
  if (minutes < settings.soakMinutes)
    return push({
      id,
      app: t.app,
      status: "fail",
      message: `${t.digest} verified in staging ${Math.floor(minutes)} min ago; the soak is ${settings.soakMinutes} min: retry after ${new Date(since.getTime() + settings.soakMinutes * 60_000).toISOString()}`,
    });
  // The alarms must exist (an empty history of an alarm nobody made proves nothing) and be OK now.
  const names = soakAlarms(t.app);
  const { MetricAlarms = [] } = await cw.send(new DescribeAlarmsCommand({ AlarmNames: names }));
  const missing = names.filter((n) => !MetricAlarms.some((a) => a.AlarmName === n));
  const firing = MetricAlarms.filter((a) => a.StateValue === "ALARM").map((a) => a.AlarmName);
  if (missing.length || firing.length)
    return push({
      id,
      app: t.app,
      status: "fail",
      message: missing.length
        ? `no staging alarm ${missing.join(", ")}: stability cannot be read`
        : `${firing.join(", ")} in ALARM in staging now: not stable`,
    });
  const alarmed = await alarmedSince(cw, names, since, settings.now);
  push(
    alarmed.length
      ? {
          id,
          app: t.app,
          status: "fail",
          message: `${alarmed.join(", ")} went to ALARM in staging since ${since.toISOString()}: not stable`,
        }
      : {
          id,
          app: t.app,
          status: "pass",
          message: `verified in staging ${Math.floor(minutes)} min ago (soak ${settings.soakMinutes} min), its alarms OK since`,
        },
  );
}

/** PREDEPLOY-DRIFT: an open drift issue (drift.yml's title and label) on this repository stops the line. */
export async function checkDrift(github: Octokit, repository: string, push: Push): Promise<void> {
  const [owner, repo] = repository.split("/");
  // Labelled `drift`, as drift.yml opens it: adding a label takes triage access, so an issue anyone may open
  // under the same title does not stop production's deploys.
  const open = await github.paginate(github.rest.issues.listForRepo, {
    owner,
    repo,
    state: "open",
    labels: DRIFT_LABEL,
    per_page: 100,
  });
  const drift = open.filter((i) => i.title === DRIFT_ISSUE_TITLE && !i.pull_request);
  push(
    drift.length
      ? {
          id: "PREDEPLOY-DRIFT",
          app: "*",
          status: "fail",
          message: `drift issue #${drift[0].number} is open: what runs differs from the stacks; resolve it (or close it as explained) first`,
        }
      : { id: "PREDEPLOY-DRIFT", app: "*", status: "pass", message: `no open drift issue on ${repository}` },
  );
}

/** The app's rollback target: the first of `image.history`, which must be verified in staging. */
export function checkRollbackTarget(
  t: Target,
  history: readonly string[],
  verified: VerifiedAt,
  push: Push,
): void {
  const id = "PREDEPLOY-ROLLBACK-TARGET";
  const target = history[0];
  if (!target)
    return push({
      id,
      app: t.app,
      status: "fail",
      message: "image.history is empty: no previous digest to roll back to",
    });
  const at = verified.get(target);
  push(
    at
      ? {
          id,
          app: t.app,
          status: "pass",
          message: `rollback target ${target} verified in staging ${at.toISOString()}`,
        }
      : {
          id,
          app: t.app,
          status: "fail",
          message: `rollback target ${target} is not verified in staging (no verify succeeded since its last failure)`,
        },
  );
}

/**
 * PREDEPLOY-CONTRACT-BURN-IN for one app whose migration is `destructive`: the release before it (the first of
 * `image.history`, which expanded the schema the contract now narrows) has run verified in staging for `burnInDays`.
 */
export function checkContractBurnIn(
  t: Target,
  m: { command: string[]; contract: string } | undefined,
  settings: { history: readonly string[]; verified: VerifiedAt; burnInDays: number; now: Date },
  push: Push,
): void {
  if (m?.contract !== "destructive") return;
  const id = "PREDEPLOY-CONTRACT-BURN-IN";
  const what = `${t.app}'s destructive migration (${m.command.join(" ")})`;
  const expand = settings.history[0];
  const since = expand ? settings.verified.get(expand) : undefined;
  if (!since)
    return push({
      id,
      app: t.app,
      status: "fail",
      message: `${what} contracts the schema the release before expanded, but ${expand ? `${expand} is not verified in staging` : "there is no release before it"}: run the expand release in staging first`,
    });
  const days = (settings.now.getTime() - since.getTime()) / 86_400_000;
  const after = new Date(since.getTime() + settings.burnInDays * 86_400_000).toISOString();
  push(
    days >= settings.burnInDays
      ? {
          id,
          app: t.app,
          status: "pass",
          message: `${what}: the expand release ${expand} has run in staging ${Math.floor(days)} days (burn-in ${settings.burnInDays})`,
        }
      : {
          id,
          app: t.app,
          status: "fail",
          message: `${what}: the expand release ${expand} has run in staging ${Math.floor(days)} of ${settings.burnInDays} burn-in days: contract after ${after}`,
        },
  );
}

/** The gates of a deployed stack, in order, per app then for the stack. */
export async function checkReleaseGates(
  clients: { github: Octokit; cw: CloudWatchClient },
  deployed: DeployedStack,
  repository: string,
  now: Date,
  push: Push,
): Promise<void> {
  const { verifiers, soakMinutes, burnInDays } = deployed.model.predeploy;
  for (const t of deployed.apps) {
    const verified = await verifiedInStaging(clients.github, t, verifiers);
    await checkSoak(clients.cw, t, { verified, soakMinutes, now }, push);
    const app = deployed.model.apps.find((a) => a.name === t.app);
    const history = app ? historyDigests(app.image) : [];
    checkRollbackTarget(t, history, verified, push);
    checkContractBurnIn(t, app?.migrations, { history, verified, burnInDays, now }, push);
  }
  await checkDrift(clients.github, repository, push);
}
