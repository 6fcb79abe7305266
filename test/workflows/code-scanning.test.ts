/**
 * Code scanning that works: pr.yml uploads each stack's SARIF from a pull request and main.yml uploads main's (the
 * analysis a pull request's alerts are compared with), under the same categories, each equal to the
 * `automationDetails.id` the SARIF itself sets (upload-sarif keeps a run's own id over its `category` input); every
 * upload waits for .github/scripts/code-scanning.sh, which skips it with a notice where code scanning is unavailable,
 * and may fail without failing the job. The script runs here against a stand-in `gh`.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { cicd, cleanTempDirs, tempDir, tempProject } from "../cli-harness";
import { ROOT } from "../helpers";
import { reportSarif } from "../../src/report/render";
import { realReports } from "../report/real-results";
import { sarifValidator } from "../report/sarif-schema";

type Step = {
  id?: string;
  name?: string;
  if?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  "continue-on-error"?: boolean;
};
type Job = { permissions?: Record<string, string>; steps: Step[]; needs?: unknown; environment?: unknown };

const SCRIPT = path.join(ROOT, ".github/scripts/code-scanning.sh");
const workflow = (file: string) =>
  parse(fs.readFileSync(path.join(ROOT, ".github/workflows", file), "utf8")) as {
    on: Record<string, { branches?: string[] } | null>;
    jobs: Record<string, Job>;
  };
const JOBS: Array<[string, string]> = [
  ["pr.yml", "smoke"],
  ["main.yml", "code-scanning"],
];

/** The upload-sarif steps of a job, each with the stack its file is of. */
function uploads(job: Job): Array<{ step: Step; index: number; stack: string }> {
  return job.steps.flatMap((step, index) => {
    if (!step.uses?.startsWith("github/codeql-action/upload-sarif@")) return [];
    const stack = /^reports\/audit\.([\w-]+)\.sarif$/.exec(step.with?.sarif_file ?? "")?.[1];
    assert.ok(stack, `${step.name}: sarif_file ${step.with?.sarif_file}`);
    return [{ step, index, stack }];
  });
}

describe("code scanning: main's analysis and each pull request's, under the categories the SARIF sets", function () {
  this.timeout(300_000);
  after(cleanTempDirs);

  it("uploads both stacks from pr.yml and main.yml, each category the SARIF run's automationDetails.id", async () => {
    const { staging, production } = await realReports();
    const ids = new Map(
      [staging, production].map((r) => [r.stack, reportSarif(r).runs[0].automationDetails!.id]),
    );
    for (const [file, name] of JOBS) {
      const found = uploads(workflow(file).jobs[name]);
      assert.deepEqual(found.map((u) => u.stack).sort(), ["production", "staging"], file);
      for (const { step, stack } of found) {
        assert.equal(step.with!.category, ids.get(stack), `${file} ${step.name}`);
        assert.equal(step.with!.category, `cicd-constitution/${stack}/`);
      }
    }
    assert.deepEqual(workflow("main.yml").on.push, { branches: ["main"] });
  });

  it("every upload waits for the availability check, and none can fail its job", () => {
    for (const [file, name] of JOBS) {
      const job = workflow(file).jobs[name];
      const check = job.steps.findIndex((s) => s.id === "codescanning");
      assert.ok(check >= 0, `${file}: a step with id codescanning`);
      assert.equal(job.steps[check].run, ".github/scripts/code-scanning.sh");
      assert.equal(job.steps[check].env?.REPOSITORY_PRIVATE, "${{ github.event.repository.private }}");
      for (const { step, index } of uploads(job)) {
        assert.ok(index > check, `${file} ${step.name}: after the check`);
        assert.match(
          step.if ?? "",
          /steps\.codescanning\.outputs\.available == 'true'/,
          `${file} ${step.name}`,
        );
        assert.equal(step["continue-on-error"], true, `${file} ${step.name}`);
      }
      assert.equal(job.permissions?.["security-events"], "write", file);
      assert.equal(job.permissions?.actions, "read", file);
    }
    // main's analysis holds no secret, no environment, and holds up no deploy.
    const main = workflow("main.yml");
    const job = main.jobs["code-scanning"];
    assert.equal(job.environment, undefined);
    assert.doesNotMatch(JSON.stringify(job), /secrets\./);
    for (const [id, other] of Object.entries(main.jobs))
      assert.ok(![other.needs].flat().includes("code-scanning"), `${id} waits for code scanning`);
  });

  it("main.yml's audit step writes the SARIF files its uploads read, valid SARIF 2.1.0", async () => {
    const job = workflow("main.yml").jobs["code-scanning"];
    const line = job.steps.map((s) => s.run ?? "").find((r) => /cicd -- report/.test(r))!;
    const args = line
      .replace(/^npm run --silent cicd -- /, "")
      .replace(/\s*\|\|.*$/, "")
      .split(/\s+/);
    const dir = tempProject();
    const mapped = args.map((a) => (a === "reports" ? path.join(dir, "reports") : a));
    const r = await cicd([...mapped, "--dir", dir]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const validate = sarifValidator();
    for (const { step } of uploads(job)) {
      const file = path.join(dir, step.with!.sarif_file);
      assert.ok(validate(JSON.parse(fs.readFileSync(file, "utf8"))), file);
    }
  });
});

describe("code-scanning.sh: whether the repository takes the upload", function () {
  after(cleanTempDirs);

  /** Runs the script with a stand-in `gh` that prints `answer` on stderr and exits `code`. */
  function probe(priv: string, gh: { answer: string; code: number }) {
    const dir = tempDir("code-scanning");
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    const calls = path.join(dir, "calls");
    fs.writeFileSync(
      path.join(bin, "gh"),
      `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(calls)}\necho ${JSON.stringify(gh.answer)} >&2\nexit ${gh.code}\n`,
      { mode: 0o755 },
    );
    const output = path.join(dir, "output");
    const summary = path.join(dir, "summary");
    const run = spawnSync("bash", [SCRIPT], {
      encoding: "utf8",
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_REPOSITORY: "acme/infra",
        REPOSITORY_PRIVATE: priv,
      },
    });
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
    return {
      code: run.status,
      stdout: run.stdout,
      output: read(output),
      summary: read(summary),
      calls: read(calls),
    };
  }

  it("a public repository: available, without asking", () => {
    const r = probe("false", { answer: "", code: 1 });
    assert.deepEqual([r.code, r.output, r.calls], [0, "available=true\n", ""]);
  });

  it("a private repository with code scanning (an analysis, or none yet): available", () => {
    const ok = probe("true", { answer: "", code: 0 });
    assert.deepEqual([ok.code, ok.output], [0, "available=true\n"]);
    assert.match(ok.calls, /^api repos\/acme\/infra\/code-scanning\/analyses\?per_page=1 --silent$/m);
    const none = probe("true", { answer: "gh: no analysis found (HTTP 404)", code: 1 });
    assert.deepEqual([none.code, none.output], [0, "available=true\n"]);
  });

  it("a private repository without Code Security (403): skipped with a notice and a summary line, exit 0", () => {
    const r = probe("true", {
      answer: "gh: Advanced Security must be enabled for this repository to use code scanning. (HTTP 403)",
      code: 1,
    });
    assert.equal(r.code, 0);
    assert.equal(r.output, "available=false\n");
    assert.match(
      r.stdout,
      /^::notice title=SARIF upload skipped::code scanning is not available to acme\/infra/m,
    );
    assert.match(r.summary, /SARIF upload skipped: .*GitHub Code Security/);
  });
});
