/**
 * main.yml's production job asks for an approval only when the push changes something production reads, and
 * deploys only main's head (.github/scripts/production-gate.sh): an app's bump run does not hold a production
 * approval that would deploy the old pin, and a late approval or a re-run of an old run cannot deploy an older
 * commit's stack file. The script runs here against a stand-in `gh` answering as GitHub's REST API does (`gh api
 * --jq` prints the selected values, one a line); the workflow's wiring is read from main.yml itself.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { cleanTempDirs, tempDir } from "../cli-harness";
import { ROOT } from "../helpers";

const SCRIPT = path.join(ROOT, ".github/scripts/production-gate.sh");
const SHA = "c".repeat(40);
const BEFORE = "b".repeat(40);

/** Runs the script's `mode` with a stand-in `gh` that prints `answer` and exits `code`. */
function gate(mode: string, gh: { answer: string; code?: number }, before = BEFORE) {
  const dir = tempDir("production-gate");
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  const calls = path.join(dir, "calls");
  fs.writeFileSync(
    path.join(bin, "gh"),
    `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(calls)}\nprintf '%b\\n' ${JSON.stringify(gh.answer)}\nexit ${gh.code ?? 0}\n`,
    { mode: 0o755 },
  );
  const output = path.join(dir, "output");
  const run = spawnSync("bash", [SCRIPT, mode], {
    encoding: "utf8",
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      GITHUB_OUTPUT: output,
      GITHUB_REPOSITORY: "surlefeu/cicd-constitution",
      GITHUB_SHA: SHA,
      BEFORE: before,
      GH_TOKEN: "t",
    },
  });
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
  return { code: run.status, stdout: run.stdout, output: read(output), calls: read(calls) };
}

describe("production-gate.sh: which pushes ask for a production approval, and which commit it deploys", function () {
  after(cleanTempDirs);

  it("an app's bump (Pulumi.staging.yaml only) or a release's VERSION and CHANGELOG: no production deploy, said so", () => {
    for (const files of ["Pulumi.staging.yaml", "VERSION\nCHANGELOG.md", "docs/COMMANDS.md\nREADME.md"]) {
      const r = gate("changes", { answer: files });
      assert.equal(r.code, 0);
      assert.equal(r.output, "production=false\n", files);
      assert.match(r.stdout, /::notice title=No production deploy::/);
      assert.match(
        r.calls,
        new RegExp(`api repos/surlefeu/cicd-constitution/compare/${BEFORE}\\.\\.\\.${SHA}`),
      );
    }
  });

  it("a promotion, a program change, or a push it cannot read: production deploys", () => {
    for (const files of ["Pulumi.production.yaml", "Pulumi.staging.yaml\nsrc/program.ts", "components/x.ts"])
      assert.equal(gate("changes", { answer: files }).output, "production=true\n", files);
    assert.equal(gate("changes", { answer: "HTTP 404", code: 1 }).output, "production=true\n", "API error");
    assert.equal(gate("changes", { answer: "" }, "").output, "production=true\n", "a dispatch: no before");
    assert.equal(gate("changes", { answer: "" }, "0".repeat(40)).output, "production=true\n", "a first push");
  });

  it("head: passes on main's head, fails naming both commits on an older one", () => {
    assert.equal(gate("head", { answer: SHA }).code, 0);
    const late = gate("head", { answer: "d".repeat(40) });
    assert.equal(late.code, 1);
    assert.match(
      late.stdout,
      new RegExp(`::error title=Not main's head::this run deploys ${SHA}, but main is at d{40}`),
    );
  });

  it("main.yml: production waits on the checks' verdict and starts with the head check, before predeploy", () => {
    const wf = parse(fs.readFileSync(path.join(ROOT, ".github/workflows/main.yml"), "utf8")) as {
      jobs: Record<
        string,
        {
          needs?: string[];
          if?: string;
          outputs?: Record<string, string>;
          steps: Array<{ id?: string; run?: string }>;
        }
      >;
    };
    const { checks, production } = wf.jobs;
    assert.equal(checks.outputs?.production, "${{ steps.changes.outputs.production }}");
    assert.ok(
      checks.steps.some((s) => s.id === "changes" && /production-gate\.sh changes$/.test(s.run ?? "")),
    );
    assert.deepEqual(production.needs, ["checks", "staging"]);
    assert.equal(production.if, "needs.checks.outputs.production == 'true'");
    const at = (re: RegExp) => production.steps.findIndex((s) => re.test(s.run ?? ""));
    const head = at(/production-gate\.sh head$/);
    assert.ok(head > 0 && head < at(/predeploy --stack production/), "the head check runs before predeploy");
    assert.ok(head < at(/npm ci/), "and before any dependency code");
  });
});
