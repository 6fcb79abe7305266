/**
 * Which key reaches which run: a model of this repository's GitHub Actions workflows (who can start each job, in
 * which environment, with which secrets, permissions and concurrency group) and of the environments the program
 * declares (reviewers, deployment branch policy, secrets), and the isolation properties checked over both. Each
 * check returns its violations as sentences; none means the property holds. Used by isolation.test.ts on the real
 * files and on mutated copies.
 *
 * GitHub facts relied on (docs.github.com): a job gets an environment's secrets only when it names the environment
 * and the environment's protection rules pass (required reviewers, deployment branch policy); for `pull_request`
 * the branch policy is checked against the pull request's head branch; a schedule runs the default branch;
 * `workflow_dispatch` runs any branch or tag; same-repository pull requests get secrets, forks none; a job queued
 * in a concurrency group cancels the group's pending job; actions/checkout writes its token into .git/config
 * unless `persist-credentials: false`.
 */
import { PlanResource } from "../../src/plan/types";

/** What a secret lets its holder do, from most to least dangerous. */
export type SecretClass = "admin" | "decrypt" | "write" | "read";

/**
 * Every secret a workflow of this repository may read, classified once. `admin`: administers repositories or
 * updates a stack; `decrypt`: reads a stack's secrets (which include the admin tokens the program stores);
 * `write`: writes to this repository but administers nothing; `read`: reads settings only.
 */
export const SECRET_TABLE: Record<string, { class: SecretClass; may: string }> = {
  PULUMI_ACCESS_TOKEN: {
    class: "admin",
    may: "update, refresh and decrypt both stacks (Pulumi Cloud Stack Write)",
  },
  GOVERNANCE_GITHUB_TOKEN: {
    class: "admin",
    may: "administer the governed repositories: rulesets, environments and their reviewers, secrets",
  },
  PULUMI_READ_TOKEN: {
    class: "decrypt",
    may: "preview and refresh both stacks, never update them; Stack Read includes stack:decrypt",
  },
  GOVERNANCE_READ_TOKEN: { class: "read", may: "read the governed repositories' settings" },
  BUMP_TOKEN: {
    class: "write",
    may: "push branches and open pull requests in this repository (main only through a reviewed PR)",
  },
};

/** How a run can start: from `main`'s code, or from code nobody reviewed / with nobody watching. */
export type Start = "main" | "pull request" | "schedule" | "other branch";

/** Which starts each class of secret may be exposed to, when no reviewer approves the run first. */
const ALLOWED_STARTS: Record<SecretClass, Start[]> = {
  admin: ["main"],
  decrypt: ["main"],
  write: ["main", "schedule"],
  read: ["main", "pull request", "schedule", "other branch"],
};

/**
 * A risk the team accepted, by environment, secret and start. Why each is accepted: docs/PIPELINE.md,
 * "Who can change production".
 */
export interface AcceptedRisk {
  environment: string;
  secret: string;
  start: Start;
  why: string;
}

/** A GitHub Environment as the program declares it. */
export interface EnvironmentFacts {
  name: string;
  reviewed: boolean;
  preventSelfReview: boolean;
  canAdminsBypass: boolean;
  /** Branch and tag patterns it admits; `null` when it has no deployment branch policy (every ref). */
  refs: { branches: string[]; tags: string[] } | null;
  secrets: string[];
}

/** The program's side: this repository's environments and its repository-level secrets. */
export interface ProgramFacts {
  environments: Map<string, EnvironmentFacts>;
  repositorySecrets: string[];
}

/** A workflow step and job as far as these checks read them. */
export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
export interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  strategy?: { matrix?: Record<string, unknown> };
  env?: Record<string, unknown>;
  uses?: string;
  secrets?: unknown;
  steps?: Step[];
}
export interface Workflow {
  on: Record<string, unknown> | string | string[];
  permissions?: Record<string, string> | string;
  concurrency?: Job["concurrency"];
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}
/** A workflow file: its name and parsed content. */
export interface WorkflowFile {
  file: string;
  wf: Workflow;
}

const T = {
  environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
  policy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
  envSecret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
  repoSecret: "github:index/actionsSecret:ActionsSecret",
};

/** What the program declares for `repository`'s environments, read from a plan's resources. */
export function programFacts(resources: PlanResource[], repository: string): ProgramFacts {
  const mine = resources.filter((r) => r.inputs.repository === repository);
  const of = (type: string) => mine.filter((r) => r.type === type);
  const environments = new Map<string, EnvironmentFacts>();
  for (const e of of(T.environment)) {
    const name = String(e.inputs.environment);
    const policy = e.inputs.deploymentBranchPolicy as { customBranchPolicies?: boolean } | undefined;
    const rules = of(T.policy).filter((p) => p.inputs.environment === name);
    const reviewers = (e.inputs.reviewers ?? []) as Array<{ users?: unknown[]; teams?: unknown[] }>;
    environments.set(name, {
      name,
      reviewed: reviewers.some((r) => (r.users ?? []).length + (r.teams ?? []).length > 0),
      preventSelfReview: e.inputs.preventSelfReview === true,
      canAdminsBypass: e.inputs.canAdminsBypass !== false,
      refs: policy?.customBranchPolicies
        ? {
            branches: rules.flatMap((p) => (p.inputs.branchPattern ? [String(p.inputs.branchPattern)] : [])),
            tags: rules.flatMap((p) => (p.inputs.tagPattern ? [String(p.inputs.tagPattern)] : [])),
          }
        : null,
      secrets: of(T.envSecret)
        .filter((s) => s.inputs.environment === name)
        .map((s) => String(s.inputs.secretName)),
    });
  }
  return { environments, repositorySecrets: of(T.repoSecret).map((s) => String(s.inputs.secretName)) };
}

/** True when the environment admits only `main`: a job of any other ref, or of a pull request, gets no secret. */
export function mainOnly(env: EnvironmentFacts): boolean {
  const refs = env.refs;
  return (
    refs !== null &&
    refs.tags.length === 0 &&
    refs.branches.length > 0 &&
    refs.branches.every((b) => b === "main")
  );
}

/** How a workflow's runs can start, from its `on:` triggers (an unknown event counts as any branch's). */
export function startsOf(wf: Workflow): Set<Start> {
  const events =
    typeof wf.on === "string"
      ? { [wf.on]: null }
      : Array.isArray(wf.on)
        ? Object.fromEntries(wf.on.map((e) => [e, null]))
        : wf.on;
  const starts = new Set<Start>();
  for (const [event, spec] of Object.entries(events ?? {})) {
    if (event.startsWith("pull_request")) starts.add("pull request");
    else if (event === "schedule") starts.add("schedule");
    else if (event === "push") {
      const s = (spec ?? {}) as { branches?: string[]; tags?: string[]; "branches-ignore"?: string[] };
      const onlyMain =
        s.branches?.length && s.branches.every((b) => b === "main") && !s.tags && !s["branches-ignore"];
      starts.add(onlyMain ? "main" : "other branch");
    } else if (event === "repository_dispatch")
      starts.add("main"); // runs the default branch's workflow
    else starts.add("other branch"); // workflow_dispatch (any branch or tag), workflow_call, ...
  }
  return starts;
}

/** The environment a job names, or undefined. */
export function environmentOf(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

/** Expression texts in a value: every `${{ ... }}`, and whole `if:` conditions (expressions without braces). */
function expressions(value: unknown, key = ""): string[] {
  if (typeof value === "string")
    return key === "if" ? [value] : [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]);
  if (Array.isArray(value)) return value.flatMap((v) => expressions(v));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) =>
      k === "secrets" && v === "inherit" ? ["secrets"] : expressions(v, k),
    );
  return [];
}

/**
 * The secret names a value's expressions read (`secrets.X`, `secrets['X']`); `*` when they read them all
 * (`toJSON(secrets)`, `secrets: inherit`). The workflow's own token (`secrets.GITHUB_TOKEN`) is not counted: its
 * power is the job's `permissions:`.
 */
export function secretsIn(value: unknown): Set<string> {
  const out = new Set<string>();
  for (const e of expressions(value)) {
    for (const m of e.matchAll(
      /(?<![\w.-])secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*['"]([^'"]+)['"]\s*\])?/g,
    )) {
      const name = m[1] ?? m[2] ?? "*";
      if (name !== "GITHUB_TOKEN") out.add(name);
    }
  }
  return out;
}

/** The secrets a job reads: its own expressions and the workflow-level `env:`. */
export function jobSecrets(wf: Workflow, job: Job): Set<string> {
  return new Set([...secretsIn(job), ...secretsIn(wf.env)]);
}

/** Every job of every workflow, with the facts the checks share. */
function jobsOf(workflows: WorkflowFile[]) {
  return workflows.flatMap(({ file, wf }) =>
    Object.entries(wf.jobs).map(([id, job]) => ({
      at: `${file} ${id}`,
      file,
      id,
      wf,
      job,
      env: environmentOf(job),
    })),
  );
}

/** The class of a secret; an unclassified one counts as the most dangerous. */
function classOf(secret: string): SecretClass {
  return SECRET_TABLE[secret]?.class ?? "admin";
}

/**
 * Placement: a job reads only secrets of the environment it names (environment secrets, which GitHub gives a job
 * only once the environment's rules pass), every secret is classified, and the program keeps no repository
 * secret (a workflow of any branch could read it).
 */
export function checkPlacement(workflows: WorkflowFile[], program: ProgramFacts): string[] {
  const out = program.repositorySecrets.map(
    (s) => `repository secret ${s}: a workflow of any branch can read it`,
  );
  for (const env of program.environments.values())
    for (const s of env.secrets)
      if (!SECRET_TABLE[s]) out.push(`${s} of environment ${env.name} is not classified`);
  for (const { at, wf, job, env } of jobsOf(workflows)) {
    const read = [...jobSecrets(wf, job)];
    if (read.includes("*")) out.push(`${at}: reads every secret`);
    const facts = env === undefined ? undefined : program.environments.get(env);
    if (env !== undefined && !facts) out.push(`${at}: environment ${env} is not one the program declares`);
    for (const s of read.filter((x) => x !== "*")) {
      if (!SECRET_TABLE[s]) out.push(`${at}: ${s} is not classified`);
      if (env === undefined) out.push(`${at}: reads ${s} without an environment`);
      else if (facts && !facts.secrets.includes(s))
        out.push(`${at}: ${s} is not a secret of environment ${env}`);
    }
  }
  return out;
}

/** The starts that reach a job's secrets: nobody approves them, and the environment's branch policy lets them in. */
export function exposure(starts: Set<Start>, env: EnvironmentFacts | undefined): Start[] {
  if (env?.reviewed) return [];
  const blocked = (s: Start) => s === "main" || (s !== "schedule" && env !== undefined && mainOnly(env));
  return [...starts].filter((s) => !blocked(s));
}

/**
 * Isolation: no secret that administers repositories, updates or decrypts a stack reaches a job that a pull
 * request, a schedule or a branch other than `main` can start, unless a reviewer approves the job first; a write
 * token never reaches a pull request's or another branch's job. Judged on the job's environment's every secret
 * (present whether the job reads it or not) and on what the job reads. `accepted` risks are left out.
 */
export function checkExposure(
  workflows: WorkflowFile[],
  program: ProgramFacts,
  accepted: AcceptedRisk[],
): string[] {
  const out: string[] = [];
  for (const { at, wf, job, env } of jobsOf(workflows)) {
    const facts = env === undefined ? undefined : program.environments.get(env);
    const secrets = new Set([...jobSecrets(wf, job), ...(facts?.secrets ?? [])]);
    for (const start of exposure(startsOf(wf), facts)) {
      for (const s of secrets) {
        if (ALLOWED_STARTS[classOf(s)].includes(start)) continue;
        if (accepted.some((a) => a.environment === env && a.secret === s && a.start === start)) continue;
        out.push(`${at}: ${s} (${classOf(s)}) reaches a job no reviewer approves, started by: ${start}`);
      }
    }
  }
  return out;
}

/**
 * The program's environments on their own (any branch can add a workflow naming one): one that holds a token
 * that writes, administers or decrypts admits only `main` or waits for a reviewer; a reviewer is never the one who
 * started the run, and admins never bypass.
 */
export function checkEnvironments(program: ProgramFacts): string[] {
  const out: string[] = [];
  for (const env of program.environments.values()) {
    const keys = env.secrets.filter((s) => classOf(s) !== "read");
    if (keys.length === 0) continue;
    if (!env.reviewed && !mainOnly(env))
      out.push(`environment ${env.name} holds ${keys.join(", ")} and admits other refs with no reviewer`);
    if (env.reviewed && !mainOnly(env) && !env.preventSelfReview)
      out.push(`environment ${env.name}: whoever starts a run may approve it`);
    if (env.canAdminsBypass) out.push(`environment ${env.name}: admins may bypass its rules`);
  }
  return out;
}

/** A step that installs dependencies with their install scripts. */
function runsInstallScripts(step: Step): boolean {
  return (
    /\b(npm\s+(ci|install|i)|yarn(\s+install)?|pnpm\s+(install|i))\b/.test(step.run ?? "") &&
    !/--ignore-scripts/.test(step.run ?? "")
  );
}

/** A step that runs dependency code: Node, a package manager, or setting Node up. */
function runsDependencyCode(step: Step): boolean {
  return (
    /\b(npm|npx|node|yarn|pnpm|tsx)\b/.test(step.run ?? "") || /^actions\/setup-node@/.test(step.uses ?? "")
  );
}

/**
 * Persistence: no checkout leaves its token in .git/config; no secret is in the environment of a step that
 * runs dependencies' install scripts; a job that holds a token that writes to the repository (class `write`)
 * runs no dependency code at all, so nothing it installed can wait for the token.
 */
export function checkPersistence(workflows: WorkflowFile[]): string[] {
  const out: string[] = [];
  for (const { at, wf, job } of jobsOf(workflows)) {
    const steps = job.steps ?? [];
    for (const [i, step] of steps.entries()) {
      const where = `${at} step ${step.name ?? step.uses ?? i + 1}`;
      const persist = step.with?.["persist-credentials"];
      if (/^actions\/checkout@/.test(step.uses ?? "") && persist !== false && persist !== "false")
        out.push(`${where}: the checkout persists its token (persist-credentials is not false)`);
      const present = [...secretsIn(step), ...secretsIn(job.env), ...secretsIn(wf.env)];
      if (runsInstallScripts(step) && present.length)
        out.push(`${where}: install scripts run with ${present.join(", ")} in their environment`);
    }
    const writes = [...jobSecrets(wf, job)].filter((s) => classOf(s) === "write");
    if (writes.length && steps.some(runsDependencyCode))
      out.push(`${at}: dependency code runs in the job that holds ${writes.join(", ")}`);
  }
  return out;
}

/** The environments whose jobs deploy a stack (main.yml). */
export const DEPLOY_ENVIRONMENTS = ["staging", "production"];

/** A concurrency setting's group, or undefined. */
function groupOf(c: Job["concurrency"]): string | undefined {
  return typeof c === "string" ? c : c?.group;
}

/** A group for each value of the job's matrix (`${{ matrix.K }}`), lower-cased: GitHub compares them so. */
export function expandGroup(group: string, matrix: Record<string, unknown> | undefined): string[] {
  let out = [group];
  for (const key of new Set([...group.matchAll(/\$\{\{\s*matrix\.([\w-]+)\s*\}\}/g)].map((m) => m[1]))) {
    const values = matrix?.[key];
    if (!Array.isArray(values)) continue;
    const re = new RegExp(`\\$\\{\\{\\s*matrix\\.${key}\\s*\\}\\}`, "g");
    out = out.flatMap((g) => values.map((v) => g.replace(re, String(v))));
  }
  return out.map((g) => g.toLowerCase());
}

/** The concurrency groups a job queues in: the workflow's and its own. */
function groupsOf(wf: Workflow, job: Job): string[] {
  return [groupOf(wf.concurrency), groupOf(job.concurrency)].flatMap((g) =>
    g === undefined ? [] : expandGroup(g, job.strategy?.matrix),
  );
}

/** Whether a scheduled job that holds a Pulumi token waits for, or skips during, a deploy. */
function waitsForDeploys(wf: Workflow, job: Job): boolean {
  const lists = (n: string) =>
    (wf.jobs[n]?.steps ?? []).some((s) => /gh run list\b[^\n]*--workflow[ =]main\.yml/.test(s.run ?? ""));
  const guard = [job.needs ?? []].flat().find(lists);
  return guard !== undefined && new RegExp(`needs\\.${guard}\\.outputs`).test(job.if ?? "");
}

/**
 * Concurrency: each deploy job (in a deploy environment) queues in a group of its own with cancel-in-progress
 * false, and no other job queues in it (a job queued there would cancel the deploy's pending job). A job that a
 * schedule starts with a Pulumi token needs a job that lists main.yml's runs, and its `if:` reads that job's
 * outputs: it waits for, or skips during, a deploy.
 */
export function checkConcurrency(workflows: WorkflowFile[]): string[] {
  const out: string[] = [];
  const jobs = jobsOf(workflows);
  const owner = new Map<string, string>();
  for (const d of jobs.filter((j) => DEPLOY_ENVIRONMENTS.includes(j.env ?? ""))) {
    const c = d.job.concurrency;
    if (groupOf(c) === undefined) out.push(`${d.at}: deploys with no concurrency group of its own`);
    if (typeof c === "object" && String(c["cancel-in-progress"] ?? false) !== "false")
      out.push(`${d.at}: a new deploy cancels the running one`);
    for (const g of groupsOf(d.wf, d.job)) owner.set(g, owner.get(g) ?? d.at);
  }
  for (const j of jobs) {
    for (const g of groupsOf(j.wf, j.job)) {
      const deploy = owner.get(g);
      if (deploy !== undefined && deploy !== j.at)
        out.push(`${j.at}: queues in ${g}, the group of ${deploy}, and would cancel its pending deploy`);
    }
    const pulumi = [...jobSecrets(j.wf, j.job)].some((s) => s.startsWith("PULUMI_"));
    if (startsOf(j.wf).has("schedule") && pulumi && !waitsForDeploys(j.wf, j.job))
      out.push(`${j.at}: a schedule starts it during a deploy; it neither waits for nor skips main.yml`);
  }
  return out;
}

/** A job's token permissions: its own, else the workflow's (`{"*": level}` for `read-all` / `write-all`). */
function permissionsOf(wf: Workflow, job: Job): Record<string, string> | undefined {
  const p = job.permissions ?? wf.permissions;
  return typeof p === "string" ? { "*": p } : p;
}

/**
 * The workflow token and OIDC: every job states its permissions (else the repository's default applies);
 * `id-token: write` only in a job that names an environment (its OIDC subject is then
 * `repo:OWNER/REPO:environment:ENV`, what the program's roles trust, never a pull request's or a branch's); a job
 * a pull request can start with no reviewer writes only its comment and code-scanning results.
 */
export function checkPermissions(workflows: WorkflowFile[], program: ProgramFacts): string[] {
  const out: string[] = [];
  for (const { at, wf, job, env } of jobsOf(workflows)) {
    const p = permissionsOf(wf, job);
    if (!p) {
      out.push(`${at}: no permissions: the repository's default token applies`);
      continue;
    }
    const writes = Object.entries(p)
      .filter(([, v]) => v === "write" || v === "write-all")
      .map(([k]) => k);
    if ((writes.includes("id-token") || writes.includes("*")) && env === undefined)
      out.push(`${at}: id-token: write with no environment, an OIDC subject any of its runs gets`);
    const facts = env === undefined ? undefined : program.environments.get(env);
    const extra = writes.filter((k) => !["pull-requests", "security-events", "id-token"].includes(k));
    if (exposure(startsOf(wf), facts).includes("pull request") && extra.length)
      out.push(`${at}: a pull request's run writes ${extra.join(", ")}`);
  }
  return out;
}
