/**
 * The release gates of `cicd predeploy` (src/deploy/releaseGates.ts) on hand-built answers, with in-memory
 * clients: which staging verifications count (a verifier's deployment and a verifier's success status only, the
 * earliest one, among the last 1000 deployments), the soak (long enough, its four staging alarms present, not in
 * ALARM now and never since), the open drift issue, the rollback target and the contract burn-in; each refuses
 * with the stated reason and passes with the stated evidence.
 */
import { strict as assert } from "node:assert";
import type { Check } from "../../src/deploy/checks";
import {
  checkContractBurnIn,
  checkDrift,
  checkReleaseGates,
  checkRollbackTarget,
  checkSoak,
  soakAlarms,
  verifiedInStaging,
} from "../../src/deploy/releaseGates";
import type { DeployedStack } from "../../src/deploy/targets";
import { fakeCloudWatch, FakeDeployment, fakeGithub, FakeStatus } from "./fakeClients";

const VERIFIER = "staging-deployer";
const DIGEST = `sha256:${"a".repeat(64)}`;
const PREVIOUS = `sha256:${"b".repeat(64)}`;
const T = { app: "shop", githubOwner: "acme", repository: "shop-app", digest: DIGEST };
const NOW = new Date("2026-12-01T12:00:00Z");
/** The drift issue's title, as drift.yml opens it (predeploy.test.ts pins that drift.yml uses it). */
const TITLE = "Drift: what runs differs from the stacks";

const by = (login: string | null) => (login === null ? null : { login });
const dep = (id: number, digest: unknown, creator: string | null = VERIFIER): FakeDeployment => ({
  id,
  payload: { digest },
  creator: by(creator),
});
const ok = (at: string, creator: string | null = VERIFIER, state = "success"): FakeStatus => ({
  state,
  created_at: at,
  creator: by(creator),
});

/** The checks a gate pushed. */
function collect(): { checks: Check[]; push: (c: Check) => void } {
  const checks: Check[] = [];
  return { checks, push: (c) => checks.push(c) };
}

describe("release gates, unit", () => {
  it("soakAlarms: the app's staging 5xx, latency and both burn alarms, by their physical names", () => {
    assert.deepEqual(soakAlarms("shop"), [
      "shop-staging-5xx-rate",
      "shop-staging-latency-p95",
      "shop-staging-error-budget-burn-fast",
      "shop-staging-error-budget-burn-slow",
    ]);
  });

  describe("verifiedInStaging", () => {
    it("reads the app's staging deployments, 100 a page, and each deployment's statuses", async () => {
      const { github, calls } = fakeGithub({
        deployments: [dep(1, DIGEST)],
        statuses: { 1: [ok("2026-12-01T09:00:00Z")] },
      });
      const first = await verifiedInStaging(github, T, [VERIFIER]);
      assert.deepEqual([...first], [[DIGEST, new Date("2026-12-01T09:00:00Z")]]);
      assert.deepEqual(calls[0], {
        route: "listDeployments",
        params: { owner: "acme", repo: "shop-app", environment: "staging", per_page: 100 },
      });
      assert.deepEqual(calls[1].params, { owner: "acme", repo: "shop-app", deployment_id: 1, per_page: 100 });
    });

    it("counts only a verifier's deployment of a digest, and only a verifier's success status on it", async () => {
      const { github } = fakeGithub({
        deployments: [
          dep(1, "sha256:forged", "someone-with-write"),
          dep(2, "sha256:nocreator", null),
          dep(3, 42),
          dep(4, "sha256:repainted"),
          dep(5, "sha256:failed"),
          { id: 6, payload: JSON.stringify({ digest: "sha256:json" }), creator: by(VERIFIER) },
        ],
        statuses: {
          1: [ok("2026-12-01T09:00:00Z")],
          2: [ok("2026-12-01T09:00:00Z")],
          3: [ok("2026-12-01T09:00:00Z")],
          4: [ok("2026-12-01T09:00:00Z", "someone-with-write"), ok("2026-12-01T09:01:00Z", null)],
          5: [ok("2026-12-01T09:00:00Z", VERIFIER, "failure"), ok("2026-12-01T09:01:00Z", VERIFIER, "error")],
          6: [ok("2026-12-01T10:00:00Z")],
        },
      });
      const first = await verifiedInStaging(github, T, [VERIFIER]);
      assert.deepEqual([...first.keys()], ["sha256:json"]);
    });

    it("keeps the earliest success of a digest across its deployments and statuses", async () => {
      const { github } = fakeGithub({
        deployments: [dep(1, DIGEST), dep(2, DIGEST), dep(3, DIGEST)],
        statuses: {
          1: [ok("2026-12-01T10:00:00Z"), ok("2026-12-01T08:00:00Z"), ok("2026-12-01T09:00:00Z")],
          2: [ok("2026-12-01T07:00:00Z", VERIFIER, "failure")],
          3: [ok("2026-12-01T08:00:00Z"), ok("2026-12-01T11:00:00Z")],
        },
      });
      const first = await verifiedInStaging(github, T, [VERIFIER]);
      assert.equal(first.get(DIGEST)?.toISOString(), "2026-12-01T08:00:00.000Z");
    });

    it("reads the newest 1000 deployments and no more (10 pages of 100)", async () => {
      const deployments = Array.from({ length: 1100 }, (_, i) => dep(i + 1, `sha256:d${i + 1}`));
      const statuses = Object.fromEntries(deployments.map((d) => [d.id, [ok("2026-12-01T09:00:00Z")]]));
      const { github } = fakeGithub({ deployments, statuses });
      const first = await verifiedInStaging(github, T, [VERIFIER]);
      assert.equal(first.size, 1000);
      assert.ok(first.has("sha256:d1000"));
      assert.ok(!first.has("sha256:d1001"));
    });
  });

  describe("checkSoak", () => {
    const since = new Date("2026-12-01T11:30:00Z");
    const verified = new Map([[DIGEST, since]]);
    const states = (over: Record<string, string> = {}, missing: string[] = []) =>
      soakAlarms("shop")
        .filter((n) => !missing.includes(n))
        .map((n) => ({ AlarmName: n, StateValue: over[n] ?? "OK" }));

    async function soak(opts: {
      verified?: Map<string, Date>;
      soakMinutes?: number;
      /** The alarms DescribeAlarms lists; null: an answer without `MetricAlarms` (none). */
      alarms?: ReturnType<typeof states> | null;
      /** Pages of each alarm's history; an undefined page has no `AlarmHistoryItems`. */
      history?: Record<string, Array<{ HistoryData?: string }[] | undefined>>;
    }) {
      const pages: Record<string, number> = {};
      const { cw, sent } = fakeCloudWatch((name, input) => {
        if (name === "DescribeAlarmsCommand")
          return opts.alarms === null ? {} : { MetricAlarms: opts.alarms ?? states() };
        const alarm = String(input.AlarmName);
        const all = opts.history?.[alarm] ?? [[]];
        const i = (pages[alarm] = (pages[alarm] ?? -1) + 1);
        return { AlarmHistoryItems: all[i], NextToken: i + 1 < all.length ? `${alarm}#${i + 1}` : undefined };
      });
      const { checks, push } = collect();
      const settings = { verified: opts.verified ?? verified, soakMinutes: opts.soakMinutes ?? 15, now: NOW };
      await checkSoak(cw, T, settings, push);
      assert.equal(checks.length, 1);
      return { check: checks[0], sent };
    }

    it("fails a digest never verified in staging, reading no alarm", async () => {
      const { check, sent } = await soak({ verified: new Map([[PREVIOUS, since]]) });
      assert.deepEqual(check, {
        id: "PREDEPLOY-STAGING-SOAK",
        app: "shop",
        status: "fail",
        message: `${DIGEST} is not verified in staging (no verify succeeded since its last failure): nothing soaked`,
      });
      assert.deepEqual(sent, []);
    });

    it("holds a digest verified less than the soak ago, naming when to retry; the soak's last minute passes", async () => {
      const { check, sent } = await soak({ soakMinutes: 31 });
      assert.equal(check.status, "fail");
      assert.equal(
        check.message,
        `${DIGEST} verified in staging 30 min ago; the soak is 31 min: retry after 2026-12-01T12:01:00.000Z`,
      );
      assert.deepEqual(sent, []);
      const fraction = await soak({
        verified: new Map([[DIGEST, new Date("2026-12-01T11:29:30Z")]]),
        soakMinutes: 31,
      });
      assert.match(
        fraction.check.message,
        /verified in staging 30 min ago; the soak is 31 min: retry after 2026-12-01T12:00:30\.000Z/,
      );
      const exact = await soak({ soakMinutes: 30 });
      assert.deepEqual(exact.check, {
        id: "PREDEPLOY-STAGING-SOAK",
        app: "shop",
        status: "pass",
        message: "verified in staging 30 min ago (soak 30 min), its alarms OK since",
      });
    });

    it("reads the four staging alarms, then each one's state updates from the verify to now, page by page", async () => {
      const { check, sent } = await soak({ history: { "shop-staging-latency-p95": [[], []] } });
      assert.equal(check.status, "pass");
      assert.deepEqual(sent[0], { name: "DescribeAlarmsCommand", input: { AlarmNames: soakAlarms("shop") } });
      const history = sent.slice(1);
      assert.ok(history.every((c) => c.name === "DescribeAlarmHistoryCommand"));
      const page = (AlarmName: string, NextToken?: string) => ({
        AlarmName,
        HistoryItemType: "StateUpdate",
        StartDate: since,
        EndDate: NOW,
        NextToken,
      });
      const [fiveXx, latency, fast, slow] = soakAlarms("shop");
      assert.deepEqual(
        history.map((c) => c.input),
        [page(fiveXx), page(latency), page(latency, `${latency}#1`), page(fast), page(slow)],
      );
    });

    it("fails when a soak alarm does not exist: stability cannot be read (before reading any history)", async () => {
      const [fiveXx, latency] = soakAlarms("shop");
      const { check, sent } = await soak({ alarms: states({ [latency]: "ALARM" }, [fiveXx]) });
      assert.deepEqual(check, {
        id: "PREDEPLOY-STAGING-SOAK",
        app: "shop",
        status: "fail",
        message: `no staging alarm ${fiveXx}: stability cannot be read`,
      });
      assert.equal(sent.length, 1);
      const none = await soak({ alarms: null });
      assert.equal(
        none.check.message,
        `no staging alarm ${soakAlarms("shop").join(", ")}: stability cannot be read`,
      );
    });

    it("fails when soak alarms are in ALARM now, naming them", async () => {
      const [, latency, fast] = soakAlarms("shop");
      const { check, sent } = await soak({ alarms: states({ [latency]: "ALARM", [fast]: "ALARM" }) });
      assert.deepEqual(check, {
        id: "PREDEPLOY-STAGING-SOAK",
        app: "shop",
        status: "fail",
        message: `${latency}, ${fast} in ALARM in staging now: not stable`,
      });
      assert.equal(sent.length, 1);
      const insufficient = await soak({ alarms: states({ [latency]: "INSUFFICIENT_DATA" }) });
      assert.equal(insufficient.check.status, "pass");
    });

    it("fails when a soak alarm went to ALARM since the verify, on any page; other state updates do not count", async () => {
      const [fiveXx, latency, fast, slow] = soakAlarms("shop");
      const to = (stateValue?: string) => ({ HistoryData: JSON.stringify({ newState: { stateValue } }) });
      const { check } = await soak({
        history: {
          [fiveXx]: [[to("OK"), to("INSUFFICIENT_DATA"), {}, { HistoryData: "{}" }, to()]],
          [latency]: [[to("OK")], [to("ALARM")]],
          [fast]: [[to("ALARM"), to("ALARM")]],
          [slow]: [undefined],
        },
      });
      assert.deepEqual(check, {
        id: "PREDEPLOY-STAGING-SOAK",
        app: "shop",
        status: "fail",
        message: `${latency}, ${fast} went to ALARM in staging since 2026-12-01T11:30:00.000Z: not stable`,
      });
    });
  });

  describe("checkDrift", () => {
    const drift = (issues: Array<Record<string, unknown>>) => {
      const { github, calls } = fakeGithub({ issues });
      const { checks, push } = collect();
      return checkDrift(github, "acme/infra", push).then(() => ({ checks, calls }));
    };

    it("reads the repository's open issues labelled drift, 100 a page", async () => {
      const { checks, calls } = await drift([]);
      assert.deepEqual(calls, [
        {
          route: "listForRepo",
          params: { owner: "acme", repo: "infra", state: "open", labels: "drift", per_page: 100 },
        },
      ]);
      assert.deepEqual(checks, [
        { id: "PREDEPLOY-DRIFT", app: "*", status: "pass", message: "no open drift issue on acme/infra" },
      ]);
    });

    it("stops the line on the drift issue, naming it; another title or a pull request under the title does not", async () => {
      const { checks } = await drift([
        { number: 3, title: "Drift: something else" },
        { number: 4, title: TITLE, pull_request: { url: "x" } },
        { number: 7, title: TITLE },
        { number: 9, title: TITLE },
      ]);
      assert.deepEqual(checks, [
        {
          id: "PREDEPLOY-DRIFT",
          app: "*",
          status: "fail",
          message:
            "drift issue #7 is open: what runs differs from the stacks; resolve it (or close it as explained) first",
        },
      ]);
      const others = await drift([
        { number: 3, title: "Drift: something else" },
        { number: 4, title: TITLE, pull_request: { url: "x" } },
      ]);
      assert.equal(others.checks[0].status, "pass");
    });
  });

  describe("checkRollbackTarget", () => {
    const rollback = (history: string[], verified: Map<string, Date>) => {
      const { checks, push } = collect();
      checkRollbackTarget(T, history, verified, push);
      return checks;
    };
    const at = new Date("2026-11-28T09:00:00Z");

    it("fails without a previous digest", () => {
      assert.deepEqual(rollback([], new Map()), [
        {
          id: "PREDEPLOY-ROLLBACK-TARGET",
          app: "shop",
          status: "fail",
          message: "image.history is empty: no previous digest to roll back to",
        },
      ]);
    });

    it("passes when the first of image.history was verified in staging, failing otherwise (a later one does not count)", () => {
      assert.deepEqual(rollback([PREVIOUS, DIGEST], new Map([[PREVIOUS, at]])), [
        {
          id: "PREDEPLOY-ROLLBACK-TARGET",
          app: "shop",
          status: "pass",
          message: `rollback target ${PREVIOUS} verified in staging 2026-11-28T09:00:00.000Z`,
        },
      ]);
      assert.deepEqual(rollback([PREVIOUS, DIGEST], new Map([[DIGEST, at]])), [
        {
          id: "PREDEPLOY-ROLLBACK-TARGET",
          app: "shop",
          status: "fail",
          message: `rollback target ${PREVIOUS} is not verified in staging (no verify succeeded since its last failure)`,
        },
      ]);
    });
  });

  describe("checkContractBurnIn", () => {
    const destructive = { command: ["alembic", "upgrade", "head"], contract: "destructive" };
    const burnIn = (
      m: { command: string[]; contract: string } | undefined,
      history: string[],
      verified: Map<string, Date>,
    ) => {
      const { checks, push } = collect();
      checkContractBurnIn(T, m, { history, verified, burnInDays: 3, now: NOW }, push);
      return checks;
    };
    const what = "shop's destructive migration (alembic upgrade head)";

    it("applies to a destructive migration only", () => {
      assert.deepEqual(burnIn(undefined, [], new Map()), []);
      assert.deepEqual(burnIn({ ...destructive, contract: "additive" }, [], new Map()), []);
    });

    it("fails when the release before was never verified in staging, or there is none", () => {
      assert.deepEqual(burnIn(destructive, [], new Map()), [
        {
          id: "PREDEPLOY-CONTRACT-BURN-IN",
          app: "shop",
          status: "fail",
          message: `${what} contracts the schema the release before expanded, but there is no release before it: run the expand release in staging first`,
        },
      ]);
      const [c] = burnIn(
        destructive,
        [PREVIOUS, DIGEST],
        new Map([[DIGEST, new Date("2026-11-01T00:00:00Z")]]),
      );
      assert.equal(c.status, "fail");
      assert.equal(
        c.message,
        `${what} contracts the schema the release before expanded, but ${PREVIOUS} is not verified in staging: run the expand release in staging first`,
      );
    });

    it("holds the contract until the expand release has run burnInDays in staging; the last day passes", () => {
      const verified = (at: string) => new Map([[PREVIOUS, new Date(at)]]);
      assert.deepEqual(burnIn(destructive, [PREVIOUS], verified("2026-11-29T00:00:00Z")), [
        {
          id: "PREDEPLOY-CONTRACT-BURN-IN",
          app: "shop",
          status: "fail",
          message: `${what}: the expand release ${PREVIOUS} has run in staging 2 of 3 burn-in days: contract after 2026-12-02T00:00:00.000Z`,
        },
      ]);
      assert.deepEqual(burnIn(destructive, [PREVIOUS], verified("2026-11-28T12:00:00Z")), [
        {
          id: "PREDEPLOY-CONTRACT-BURN-IN",
          app: "shop",
          status: "pass",
          message: `${what}: the expand release ${PREVIOUS} has run in staging 3 days (burn-in 3)`,
        },
      ]);
      const [late] = burnIn(destructive, [PREVIOUS], verified("2026-11-27T00:00:00Z"));
      assert.equal(
        late.message,
        `${what}: the expand release ${PREVIOUS} has run in staging 4 days (burn-in 3)`,
      );
    });
  });

  describe("checkReleaseGates", () => {
    it("runs soak, rollback target and burn-in per app with the stack's settings, then the drift gate", async () => {
      const verifiedAt = "2026-12-01T11:00:00Z";
      const { github } = fakeGithub({
        deployments: [dep(1, DIGEST), dep(2, PREVIOUS), dep(3, `sha256:${"c".repeat(64)}`, "other")],
        statuses: { 1: [ok(verifiedAt)], 2: [ok("2026-11-30T12:00:00Z")], 3: [ok(verifiedAt)] },
      });
      const { cw } = fakeCloudWatch((name, input) =>
        name === "DescribeAlarmsCommand"
          ? {
              MetricAlarms: (input.AlarmNames as string[]).map((AlarmName) => ({
                AlarmName,
                StateValue: "OK",
              })),
            }
          : { AlarmHistoryItems: [] },
      );
      const orphan = { ...T, app: "orphan", digest: `sha256:${"c".repeat(64)}` };
      const deployed = {
        model: {
          predeploy: { verifiers: [VERIFIER], soakMinutes: 61, burnInDays: 2 },
          apps: [
            {
              name: "shop",
              image: { history: [{ digest: PREVIOUS }] },
              migrations: { command: ["migrate"], contract: "destructive" },
            },
          ],
        },
        apps: [T, orphan],
      } as unknown as DeployedStack;
      const { checks, push } = collect();
      await checkReleaseGates({ github, cw }, deployed, "acme/infra", NOW, push);
      assert.deepEqual(
        checks.map((c) => [c.id, c.app, c.status, c.message]),
        [
          [
            "PREDEPLOY-STAGING-SOAK",
            "shop",
            "fail",
            `${DIGEST} verified in staging 60 min ago; the soak is 61 min: retry after 2026-12-01T12:01:00.000Z`,
          ],
          [
            "PREDEPLOY-ROLLBACK-TARGET",
            "shop",
            "pass",
            `rollback target ${PREVIOUS} verified in staging 2026-11-30T12:00:00.000Z`,
          ],
          [
            "PREDEPLOY-CONTRACT-BURN-IN",
            "shop",
            "fail",
            `shop's destructive migration (migrate): the expand release ${PREVIOUS} has run in staging 1 of 2 burn-in days: contract after 2026-12-02T12:00:00.000Z`,
          ],
          [
            "PREDEPLOY-STAGING-SOAK",
            "orphan",
            "fail",
            `${orphan.digest} is not verified in staging (no verify succeeded since its last failure): nothing soaked`,
          ],
          [
            "PREDEPLOY-ROLLBACK-TARGET",
            "orphan",
            "fail",
            "image.history is empty: no previous digest to roll back to",
          ],
          ["PREDEPLOY-DRIFT", "*", "pass", "no open drift issue on acme/infra"],
        ],
      );
    });
  });
});
