/**
 * The gates of `cicd predeploy` (src/deploy/predeploy.ts) on hand-built answers, with in-memory clients: staging
 * verified (only the verifier's deployments and statuses count, the latest status decides) and the required
 * checks (the latest run of the pinned app, the merged pull request's head filling only what the commit lacks).
 * The error-budget freeze and the overrides: predeploy-overrides-units.test.ts.
 */
import { strict as assert } from "node:assert";
import type { Check } from "../../src/deploy/checks";
import { checkRequiredChecks, checkStagingVerified } from "../../src/deploy/predeploy";
import { fakeGithub } from "./fakeClients";

const VERIFIER = "staging-deployer";
const DIGEST = `sha256:${"a".repeat(64)}`;
const OTHER = `sha256:${"b".repeat(64)}`;
const T = { app: "shop", githubOwner: "acme", repository: "shop-app", digest: DIGEST };
const SHA = "c".repeat(40);
const HEAD = "d".repeat(40);

function collect(): { checks: Check[]; push: (c: Check) => void } {
  const checks: Check[] = [];
  return { checks, push: (c) => checks.push(c) };
}

describe("predeploy gates, unit", () => {
  describe("checkStagingVerified", () => {
    const deployment = (id: number, digest: string, login: string | null = VERIFIER) => ({
      id,
      payload: { digest },
      creator: login === null ? null : { login },
    });
    const status = (id: number, state: string, login: string | null = VERIFIER) => ({
      id,
      state,
      created_at: "2026-12-01T09:00:00Z",
      creator: login === null ? null : { login },
    });
    async function verified(
      answers: Parameters<typeof fakeGithub>[0],
      verifiers: string[] = [VERIFIER, "other-verifier"],
    ) {
      const { github, calls } = fakeGithub(answers);
      const { checks, push } = collect();
      await checkStagingVerified(github, T, "staging", verifiers, push);
      assert.equal(checks.length, 1);
      return { check: checks[0], calls };
    }

    it("fails without verifiers, reading nothing", async () => {
      const { check, calls } = await verified({ deployments: [deployment(1, DIGEST)] }, []);
      assert.deepEqual(check, {
        id: "PREDEPLOY-STAGING-VERIFIED",
        app: "shop",
        status: "fail",
        message:
          "predeploy.verifiers is not set: name the GitHub login cicd verify runs as in staging, whose deployments alone count",
      });
      assert.deepEqual(calls, []);
    });

    it("passes on a verifier's deployment of the digest whose latest verifier status is success", async () => {
      const { check, calls } = await verified({
        deployments: [
          deployment(1, OTHER),
          deployment(4, DIGEST),
          deployment(3, DIGEST, "other-verifier"),
          deployment(2, DIGEST),
        ],
        statuses: {
          4: [status(1, "pending")],
          3: [status(1, "failure"), status(2, "success", "other-verifier")],
          2: [status(2, "failure"), status(1, "success"), status(3, "success", "someone")],
        },
      });
      assert.deepEqual(check, {
        id: "PREDEPLOY-STAGING-VERIFIED",
        app: "shop",
        status: "pass",
        message: `${DIGEST} verified in staging (deployment 3, created by other-verifier)`,
      });
      assert.deepEqual(calls[0].params, {
        owner: "acme",
        repo: "shop-app",
        environment: "staging",
        per_page: 100,
      });
      assert.deepEqual(
        calls.slice(1).map((c) => c.params),
        [4, 3].map((id) => ({ owner: "acme", repo: "shop-app", deployment_id: id, per_page: 100 })),
      );
    });

    it("fails a digest deployed by the verifier but never verified successfully, naming what it did not count", async () => {
      const { check } = await verified({
        deployments: [
          deployment(1, DIGEST),
          deployment(2, DIGEST, "someone"),
          deployment(3, DIGEST, null),
          deployment(4, DIGEST, "someone"),
          deployment(5, OTHER, "stranger"),
          deployment(6, DIGEST),
        ],
        statuses: { 1: [status(1, "pending"), status(2, "success", "someone")], 2: [status(1, "success")] },
      });
      assert.deepEqual(check, {
        id: "PREDEPLOY-STAGING-VERIFIED",
        app: "shop",
        status: "fail",
        message: `${DIGEST} was deployed to staging 2 time(s), never verified successfully; not counted: deployments by someone, (unknown)`,
      });
    });

    it("fails a digest whose newest verdict is a failure, whatever older deployments of it said", async () => {
      const { check } = await verified({
        deployments: [deployment(9, DIGEST), deployment(8, DIGEST), deployment(7, DIGEST, "someone")],
        statuses: { 9: [status(1, "in_progress"), status(2, "error")], 8: [status(1, "success")] },
      });
      assert.deepEqual(check, {
        id: "PREDEPLOY-STAGING-VERIFIED",
        app: "shop",
        status: "fail",
        message: `${DIGEST}'s latest verify in staging failed (deployment 9, status error): verify it again; not counted: deployments by someone`,
      });
    });

    it("fails a digest with no verifier's deployment among the last 1000, saying how many it read", async () => {
      const deployments = Array.from({ length: 1050 }, (_, i) => deployment(i + 1, OTHER));
      deployments[1020] = deployment(1021, DIGEST);
      const { check } = await verified({ deployments, statuses: { 1021: [status(1, "success")] } });
      assert.deepEqual(check, {
        id: "PREDEPLOY-STAGING-VERIFIED",
        app: "shop",
        status: "fail",
        message: `${DIGEST} has no staging deployment of acme/shop-app by ${VERIFIER}, other-verifier among the last 1000: run cicd verify there first`,
      });
      const none = await verified({ deployments: [] });
      assert.match(none.check.message, /among the last 0: run cicd verify there first$/);
    });
  });

  describe("checkRequiredChecks", () => {
    const APP = 15368;
    const run = (name: string, conclusion: string | null, extra: Record<string, unknown> = {}) => ({
      id: 1,
      name,
      status: conclusion === null ? "in_progress" : "completed",
      conclusion,
      app: { id: APP },
      ...extra,
    });
    const green = ["style", "unit", "smoke"].map((n) => run(n, "success"));
    async function required(answers: Parameters<typeof fakeGithub>[0]) {
      const { github, calls } = fakeGithub(answers);
      const { checks, push } = collect();
      const settings = { checks: ["style", "unit", "smoke"], integrationId: APP };
      await checkRequiredChecks(github, "acme/infra", SHA, settings, push);
      assert.equal(checks.length, 1);
      return { check: checks[0], calls };
    }
    const by = `(latest check runs of app ${APP})`;

    it("passes when the commit's runs of the pinned app are green, asking for no pull request", async () => {
      const { check, calls } = await required({ checkRuns: { [SHA]: green } });
      assert.deepEqual(check, {
        id: "PREDEPLOY-CHECKS-GREEN",
        app: "*",
        status: "pass",
        message: `acme/infra@cccccccccccc: style, unit, smoke successful ${by}`,
      });
      assert.deepEqual(calls, [
        { route: "listForRef", params: { owner: "acme", repo: "infra", ref: SHA, per_page: 100 } },
      ]);
    });

    it("fails unfinished, unsuccessful, missing and other apps' runs, naming each", async () => {
      const { check, calls } = await required({
        checkRuns: {
          [SHA]: [run("style", null), run("unit", "neutral"), { ...run("smoke", "success"), app: { id: 1 } }],
        },
      });
      assert.deepEqual(check, {
        id: "PREDEPLOY-CHECKS-GREEN",
        app: "*",
        status: "fail",
        message: `acme/infra@cccccccccccc: style, unit, smoke not successful ${by}`,
      });
      assert.deepEqual(calls[1], {
        route: "listPullRequestsAssociatedWithCommit",
        params: { owner: "acme", repo: "infra", commit_sha: SHA },
      });
      const noApp = await required({ checkRuns: { [SHA]: green.map((r) => ({ ...r, app: null })) } });
      assert.equal(noApp.check.status, "fail");
    });

    it("judges a check by its latest run: by start time, then by id; no start time is oldest", async () => {
      const at = (started_at: string | undefined, id: number) => ({ started_at, id });
      const { check } = await required({
        checkRuns: {
          [SHA]: [
            run("style", "failure", at("2026-12-01T09:00:00Z", 9)),
            run("style", "success", at("2026-12-01T10:00:00Z", 1)),
            run("unit", "success", at("2026-12-01T10:00:00Z", 2)),
            run("unit", "failure", at("2026-12-01T10:00:00Z", 3)),
            run("smoke", "success", at("2026-12-01T08:00:00Z", 1)),
            run("smoke", "failure", at(undefined, 5)),
          ],
        },
      });
      assert.equal(check.message, `acme/infra@cccccccccccc: unit not successful ${by}`);
      const reversed = await required({
        checkRuns: {
          [SHA]: [
            run("style", "success", at("2026-12-01T10:00:00Z", 1)),
            run("style", "failure", at("2026-12-01T09:00:00Z", 9)),
            run("unit", "failure", at("2026-12-01T10:00:00Z", 3)),
            run("unit", "success", at("2026-12-01T10:00:00Z", 2)),
            run("smoke", "failure", at(undefined, 5)),
            run("smoke", "success", at("2026-12-01T08:00:00Z", 1)),
          ],
        },
      });
      assert.equal(reversed.check.message, `acme/infra@cccccccccccc: unit not successful ${by}`);
    });

    it("fills a check the commit lacks from the head of the pull request merged into main, never one it has", async () => {
      const pull = (number: number, merged_at: string | null, base: string) => ({
        number,
        merged_at,
        base: { ref: base },
        head: { sha: HEAD },
      });
      const { check, calls } = await required({
        checkRuns: { [SHA]: [run("style", "failure")], [HEAD]: green },
        pulls: {
          [SHA]: [
            pull(40, null, "main"),
            pull(41, "2026-12-01T09:00:00Z", "develop"),
            pull(42, "2026-12-01T09:00:00Z", "main"),
          ],
        },
      });
      assert.deepEqual(check, {
        id: "PREDEPLOY-CHECKS-GREEN",
        app: "*",
        status: "fail",
        message: `acme/infra@cccccccccccc (pull request #42, head dddddddddddd): style not successful ${by}`,
      });
      assert.deepEqual(calls[2].params, { owner: "acme", repo: "infra", ref: HEAD, per_page: 100 });
      const viaHead = await required({
        checkRuns: { [HEAD]: green },
        pulls: { [SHA]: [pull(42, "x", "main")] },
      });
      assert.equal(viaHead.check.status, "pass");
      const unmerged = await required({
        checkRuns: { [HEAD]: green },
        pulls: { [SHA]: [pull(40, null, "main"), pull(41, "x", "develop")] },
      });
      assert.equal(
        unmerged.check.message,
        `acme/infra@cccccccccccc: style, unit, smoke not successful ${by}`,
      );
    });
  });
});
