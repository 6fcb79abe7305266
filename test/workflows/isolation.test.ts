/**
 * Workflows that hand no key to the wrong run: the real workflows of .github/workflows and the environments the
 * program declares for this repository (the owning stack's offline plan) hold every isolation property of
 * ./isolation.ts (placement, isolation, the environments' own gates, persistence, concurrency, permissions), with
 * one accepted risk; and each property fails on a mutated copy, so each check sees what it claims to.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT, repositoryStacks } from "../helpers";
import {
  AcceptedRisk,
  checkConcurrency,
  checkEnvironments,
  checkExposure,
  checkPermissions,
  checkPersistence,
  checkPlacement,
  EnvironmentFacts,
  environmentOf,
  jobSecrets,
  ProgramFacts,
  programFacts,
  startsOf,
  Workflow,
  WorkflowFile,
} from "./isolation";

const DIR = path.join(ROOT, ".github", "workflows");

/**
 * The one accepted risk. The drift audit's `pulumi preview --refresh` needs a Pulumi token that decrypts both
 * stacks (Pulumi Cloud's Stack Read includes stack:decrypt), and a schedule starts it with nobody to approve. It
 * runs only `main`'s reviewed code (a schedule runs the default branch, and the `drift` environment admits `main`
 * only), the token cannot update a stack, and the run's GitHub token is read-only.
 */
const ACCEPTED: AcceptedRisk[] = [
  {
    environment: "drift",
    secret: "PULUMI_READ_TOKEN",
    start: "schedule",
    why: "a daily unattended refresh-preview needs stack:decrypt; main's code only",
  },
];

/** The repository's workflows, parsed. */
function realWorkflows(): WorkflowFile[] {
  return fs
    .readdirSync(DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => ({ file, wf: parse(fs.readFileSync(path.join(DIR, file), "utf8")) as Workflow }));
}

/** A deep copy of `workflows` in which `change` has edited `file`. */
function mutated(workflows: WorkflowFile[], file: string, change: (wf: Workflow) => void): WorkflowFile[] {
  const copy = structuredClone(workflows);
  const target = copy.find((w) => w.file === file);
  if (!target) throw new Error(`no workflow ${file}`);
  change(target.wf);
  return copy;
}

/** A deep copy of the program's facts in which `change` has edited environment `name`. */
function withEnvironment(
  program: ProgramFacts,
  name: string,
  change: (e: EnvironmentFacts) => void,
): ProgramFacts {
  const copy = structuredClone(program);
  change(copy.environments.get(name)!);
  return copy;
}

/** The first step of `job` in `wf` whose `run`, `uses` or `name` matches. */
function step(wf: Workflow, job: string, match: RegExp) {
  const found = wf.jobs[job].steps!.find((s) => match.test(s.run ?? s.uses ?? s.name ?? ""));
  if (!found) throw new Error(`no step ${match} in ${job}`);
  return found;
}

/** Asserts that `found` has a violation matching each of `expected`. */
function fails(found: string[], ...expected: RegExp[]): void {
  for (const e of expected)
    assert.ok(
      found.some((v) => e.test(v)),
      `${e} not among:\n${found.join("\n")}`,
    );
}

const real = realWorkflows();
const wf = (file: string) => real.find((w) => w.file === file)!.wf;
let program: ProgramFacts;

/** Reads the program's facts from the owning stack's offline plan, in a `before` of each block. */
async function loadProgram(this: Mocha.Context): Promise<void> {
  this.timeout(300_000);
  const [, production] = await repositoryStacks();
  program = programFacts(production.plan.resources, production.model.infrastructure!.repository.name);
}

describe("workflows: what the isolation checks read", function () {
  before(loadProgram);

  it("reads the program's environments: each with its own secrets, none a repository secret", function () {
    const secrets = (env: string) => [...program.environments.get(env)!.secrets].sort();
    assert.deepEqual([...program.environments.keys()].sort(), [
      "bump",
      "drift",
      "preview",
      "production",
      "staging",
    ]);
    assert.deepEqual(program.repositorySecrets, []);
    for (const env of ["staging", "production"])
      assert.deepEqual(secrets(env), ["GOVERNANCE_GITHUB_TOKEN", "PULUMI_ACCESS_TOKEN"]);
    for (const env of ["drift", "preview"])
      assert.deepEqual(secrets(env), ["GOVERNANCE_READ_TOKEN", "PULUMI_READ_TOKEN"]);
    assert.deepEqual(secrets("bump"), ["BUMP_TOKEN"]);
    const preview = program.environments.get("preview")!;
    assert.ok(preview.reviewed && preview.preventSelfReview && preview.refs === null);
    assert.deepEqual(program.environments.get("bump")!.refs, { branches: ["main"], tags: [] });
  });

  it("reads the workflows: triggers, environments and the secrets each job reads", function () {
    assert.deepEqual([...startsOf(wf("drift.yml"))], ["schedule", "other branch"]);
    assert.deepEqual([...startsOf(wf("main.yml"))], ["main", "other branch"]);
    assert.deepEqual([...startsOf(wf("preview-cloud.yml"))], ["pull request"]);
    const preview = wf("preview-cloud.yml").jobs["cloud-preview"];
    assert.equal(environmentOf(preview), "preview");
    assert.deepEqual([...jobSecrets(wf("preview-cloud.yml"), preview)].sort(), [
      "GOVERNANCE_READ_TOKEN",
      "PULUMI_READ_TOKEN",
    ]);
    assert.deepEqual([...jobSecrets(wf("bump-app.yml"), wf("bump-app.yml").jobs.change)], []);
    assert.deepEqual([...jobSecrets(wf("pr.yml"), wf("pr.yml").jobs.smoke)], []);
    // promote.yml: the read-only Pulumi token reads staging's record, the code that edits holds nothing, and
    // only the job that pushes holds BUMP_TOKEN.
    const promote = wf("promote.yml");
    assert.deepEqual(
      Object.entries(promote.jobs).map(([name, job]) => [
        name,
        environmentOf(job),
        [...jobSecrets(promote, job)],
      ]),
      [
        ["record", "drift", ["PULUMI_READ_TOKEN"]],
        ["change", undefined, []],
        ["pull-request", "bump", ["BUMP_TOKEN"]],
      ],
    );
    // release.yml: the code that computes the release holds nothing; BUMP_TOKEN only where the pull request is
    // pushed; the tag job has the workflow's own token (contents: write) and no secret.
    const release = wf("release.yml");
    assert.deepEqual([...startsOf(release)].sort(), ["main", "other branch"]);
    assert.deepEqual(
      Object.entries(release.jobs).map(([name, job]) => [
        name,
        environmentOf(job),
        [...jobSecrets(release, job)],
      ]),
      [
        ["change", undefined, []],
        ["pull-request", "bump", ["BUMP_TOKEN"]],
        ["notes", undefined, []],
        ["tag", undefined, []],
      ],
    );
  });
});

describe("workflows, placement: a job reads only its environment's secrets, and there is no repository secret", function () {
  before(loadProgram);
  it("holds", () => assert.deepEqual(checkPlacement(real, program), []));
  it("fails on a deploy token in a pull request's job, a token of another environment, a repository secret", () => {
    const pr = mutated(real, "pr.yml", (w) => {
      step(w, "smoke", /npm start/).env = { TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" };
    });
    fails(checkPlacement(pr, program), /pr\.yml smoke: reads PULUMI_ACCESS_TOKEN without an environment/);
    const drift = mutated(real, "drift.yml", (w) => {
      step(w, "drift", /pulumi preview/).env!.GITHUB_TOKEN = "${{ secrets['GOVERNANCE_GITHUB_TOKEN'] }}";
    });
    fails(
      checkPlacement(drift, program),
      /drift: GOVERNANCE_GITHUB_TOKEN is not a secret of environment drift/,
    );
    const all = mutated(real, "main.yml", (w) => {
      w.jobs.checks.env = { ALL: "${{ toJSON(secrets) }}" };
    });
    fails(checkPlacement(all, program), /main\.yml checks: reads every secret/);
    fails(
      checkPlacement(real, { ...program, repositorySecrets: ["BUMP_TOKEN"] }),
      /repository secret BUMP_TOKEN/,
    );
  });
});

describe("workflows, isolation: no admin or decrypting key reaches a pull request, schedule or other branch unreviewed", function () {
  before(loadProgram);
  it("holds, but for the accepted risk: drift's read token on a schedule", () => {
    assert.deepEqual(checkExposure(real, program, ACCEPTED), []);
    assert.deepEqual(checkExposure(real, program, []), [
      "drift.yml drift: PULUMI_READ_TOKEN (decrypt) reaches a job no reviewer approves, started by: schedule",
    ]);
  });
  it("fails on a preview without its environment or its reviewers, a deploy token in drift, bump from any branch", () => {
    const bare = mutated(real, "preview-cloud.yml", (w) => delete w.jobs["cloud-preview"].environment);
    fails(
      checkExposure(bare, program, ACCEPTED),
      /cloud-preview: PULUMI_READ_TOKEN \(decrypt\).*pull request/,
    );
    const open = withEnvironment(program, "preview", (e) => (e.reviewed = false));
    fails(checkExposure(real, open, ACCEPTED), /cloud-preview: PULUMI_READ_TOKEN \(decrypt\).*pull request/);
    // In the environment is enough: a job gets every secret of its environment, read or not.
    const drift = withEnvironment(program, "drift", (e) => e.secrets.push("PULUMI_ACCESS_TOKEN"));
    fails(checkExposure(real, drift, ACCEPTED), /drift\.yml drift: PULUMI_ACCESS_TOKEN \(admin\).*schedule/);
    const bump = withEnvironment(program, "bump", (e) => (e.refs = null));
    fails(checkExposure(real, bump, ACCEPTED), /pull-request: BUMP_TOKEN \(write\).*other branch/);
  });
});

describe("workflows, environments: a key's environment admits main only, or waits for a reviewer who did not start the run", function () {
  before(loadProgram);
  it("holds", () => assert.deepEqual(checkEnvironments(program), []));
  it("fails on bump admitting any branch, a self-approved preview, admins bypassing", () => {
    const bump = withEnvironment(program, "bump", (e) => (e.refs = { branches: ["main", "*"], tags: [] }));
    fails(checkEnvironments(bump), /bump holds BUMP_TOKEN and admits other refs with no reviewer/);
    const self = withEnvironment(program, "preview", (e) => (e.preventSelfReview = false));
    fails(checkEnvironments(self), /preview: whoever starts a run may approve it/);
    const bypass = withEnvironment(program, "production", (e) => (e.canAdminsBypass = true));
    fails(checkEnvironments(bypass), /production: admins may bypass/);
  });
});

describe("workflows, persistence: no token in .git/config or in install scripts' reach", function () {
  it("holds", () => assert.deepEqual(checkPersistence(real), []));
  it("fails on a checkout that persists, a token in npm ci's environment, npm where the push token is", () => {
    const persist = mutated(real, "bump-app.yml", (w) => {
      delete step(w, "pull-request", /actions\/checkout/).with;
    });
    fails(checkPersistence(persist), /pull-request step .*checkout.*persists its token/);
    const install = mutated(real, "main.yml", (w) => {
      step(w, "staging", /npm ci/).env = { GITHUB_TOKEN: "${{ secrets.GOVERNANCE_GITHUB_TOKEN }}" };
    });
    fails(checkPersistence(install), /staging step .*install scripts run with GOVERNANCE_GITHUB_TOKEN/);
    const npm = mutated(real, "bump-app.yml", (w) => {
      w.jobs["pull-request"].steps!.splice(1, 0, { run: "npm ci --ignore-scripts" });
    });
    fails(checkPersistence(npm), /pull-request: dependency code runs in the job that holds BUMP_TOKEN/);
  });
});

describe("workflows, concurrency: a deploy's group is its own; drift waits for or skips a running deploy", function () {
  it("holds", () => assert.deepEqual(checkConcurrency(real), []));
  it("fails on drift in a deploy's group, drift that does not check main.yml, a deploy with no group", () => {
    const shared = mutated(real, "drift.yml", (w) => {
      w.jobs.drift.concurrency = { group: "deploy-${{ matrix.stack }}", "cancel-in-progress": false };
    });
    fails(
      checkConcurrency(shared),
      /drift\.yml drift: queues in deploy-staging, the group of main\.yml staging/,
      /drift\.yml drift: queues in deploy-production, the group of main\.yml production/,
    );
    const workflowLevel = mutated(real, "drift.yml", (w) => (w.concurrency = "Deploy-Staging"));
    fails(checkConcurrency(workflowLevel), /drift\.yml deploys: queues in deploy-staging/);
    const eager = mutated(real, "drift.yml", (w) => {
      delete w.jobs.drift.needs;
      w.jobs.drift.if = "vars.PULUMI_ORG != ''";
    });
    fails(checkConcurrency(eager), /drift\.yml drift: a schedule starts it during a deploy/);
    const loose = mutated(real, "main.yml", (w) => delete w.jobs.production.concurrency);
    fails(checkConcurrency(loose), /main\.yml production: deploys with no concurrency group/);
  });
});

describe("workflows, permissions: OIDC only through an environment; a pull request's run writes only its reports", function () {
  before(loadProgram);
  it("holds", () => assert.deepEqual(checkPermissions(real, program), []));
  it("fails on id-token without an environment, a pull request's job writing contents, no permissions", () => {
    const oidc = mutated(real, "pr.yml", (w) => (w.jobs.unit.permissions = { "id-token": "write" }));
    fails(checkPermissions(oidc, program), /pr\.yml unit: id-token: write with no environment/);
    const writes = mutated(real, "pr.yml", (w) => (w.jobs.style.permissions = { contents: "write" }));
    fails(checkPermissions(writes, program), /pr\.yml style: a pull request's run writes contents/);
    const none = mutated(real, "bump-app.yml", (w) => {
      delete w.permissions;
      delete w.jobs.change.permissions;
    });
    fails(checkPermissions(none, program), /bump-app\.yml change: no permissions/);
  });
});
