/** The checks across keys run on the parsed model: each returns the problems it finds, none when the config holds. */
import { STAGING_VALUES } from "../../components/defaults";
import { nameLimitProblems } from "../../components/naming";
import {
  DEPLOY_VARIABLES,
  MAX_ENVIRONMENT_REVIEWERS,
  approvableDespiteSelfReview,
  RESERVED_VARIABLES,
} from "../../policy-pack/lib/facts";
import { probedPath } from "../../policy-pack/lib/probe";
import { dayOf, parseDay } from "../../policy-pack/lib/waivers";
import { CONFIG_NAMESPACE, ConfigProblem, renderFound } from "./errors";
import type { AppModel, StackModel } from "./model";
import { historyDigests } from "./appSchema";

/**
 * Constitution controls the configured GitHub plan cannot provide for a repository's visibility (GitHub docs,
 * "Managing rulesets for a repository" and "Managing environments for deployment": rulesets and environments of
 * private repositories need GitHub Pro, Team or Enterprise; required reviewers on environments of private or
 * internal repositories need Enterprise; internal repositories exist only on Enterprise).
 */
function planProblems(model: StackModel): ConfigProblem[] {
  const plan = model.githubPlan;
  const repos = [
    ...model.apps.map((a, i) => ({
      at: `apps[${i}].repository`,
      repo: a.repository,
      reviewers: model.environment === "production",
    })),
    ...(model.infrastructure
      ? [{ at: "infrastructure.repository", repo: model.infrastructure.repository, reviewers: true }]
      : []),
  ];
  const problems: ConfigProblem[] = [];
  for (const { at, repo, reviewers } of repos) {
    const v = repo.visibility;
    const found = `${JSON.stringify(v)} with githubPlan ${JSON.stringify(plan)}`;
    const key = `${CONFIG_NAMESPACE}:${at}.visibility`;
    if (v === "public") continue;
    if (v === "internal" && plan !== "enterprise") {
      problems.push({
        key,
        expected: "private or public: internal repositories exist only on GitHub Enterprise",
        found,
      });
    } else if (plan === "free") {
      problems.push({
        key,
        expected:
          "public, or githubPlan team or enterprise: rulesets (CC-BR-01) and environments (CC-ENV-01) of private repositories need a paid plan, and their secret scanning (CC-BR-09) Team or Enterprise",
        found,
      });
    } else if (plan === "pro") {
      problems.push({
        key,
        expected:
          "public, or githubPlan team or enterprise: secret scanning and push protection (CC-BR-09) of private repositories need GitHub Secret Protection, sold for Team and Enterprise",
        found,
      });
    } else if (reviewers && plan !== "enterprise") {
      problems.push({
        key,
        expected:
          "public, or githubPlan enterprise: required reviewers on the production environment of a private repository (CC-ENV-02, the approval before production) need GitHub Enterprise",
        found,
      });
    }
  }
  return problems;
}

/** A problem for each repeated entry of a list that is a set, at its index. */
function duplicates(at: string, list: readonly string[], expected: string): ConfigProblem[] {
  return list.flatMap((v, j) =>
    list.indexOf(v) !== j ? [{ key: `${at}[${j}]`, expected, found: JSON.stringify(v) }] : [],
  );
}

/** Duplicates in the set-like lists of a governed repository (an app's or this one's). */
function governedListDuplicates(
  at: string,
  g: {
    requiredChecks: string[];
    reviewers: { users: string[]; teams: string[] };
    environmentSecrets: string[];
  },
): ConfigProblem[] {
  return [
    ...duplicates(`${at}.requiredChecks`, g.requiredChecks, "each check once"),
    ...duplicates(
      `${at}.reviewers.users`,
      g.reviewers.users.map((u) => u.toLowerCase()),
      "each reviewer once (logins are case-insensitive)",
    ),
    ...duplicates(`${at}.reviewers.teams`, g.reviewers.teams, "each team once"),
    ...duplicates(`${at}.environmentSecrets`, g.environmentSecrets, "each secret once"),
  ];
}

/**
 * A governed repository's production reviewers: at most GitHub's limit, and (in the stack that creates the
 * production environment, which prevents self-review: CC-ENV-02) two or more users or a team, since a lone user
 * reviewer could not approve the runs they start.
 */
function reviewerProblems(
  at: string,
  reviewers: { users: string[]; teams: string[] },
  environment: string,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { users, teams } = reviewers;
  // No reviewer at all is CC-ENV-02's finding (its minimum is the pack's setting); a lone one is never approvable.
  const count = users.length + teams.length;
  if (environment === "production" && count > 0 && !approvableDespiteSelfReview(users.length, teams.length))
    problems.push({
      key: `${at}.reviewers`,
      expected:
        "two or more users, or a team: production prevents self-review, so a lone reviewer cannot approve the runs they start",
      found: JSON.stringify(reviewers),
    });
  if (count > MAX_ENVIRONMENT_REVIEWERS)
    problems.push({
      key: `${at}.reviewers`,
      expected: `at most ${MAX_ENVIRONMENT_REVIEWERS} users and teams together (GitHub's limit)`,
      found: `${count}`,
    });
  return problems;
}

/**
 * This repository's staging environment deploys on every merge, unapproved: it never holds production's value of
 * a token, so each token {@link STAGING_VALUES} names needs its staging value beside it. (An app's environments
 * take their values from each stack's own config.)
 */
function stagingValueProblems(at: string, environmentSecrets: string[]): ConfigProblem[] {
  return Object.entries(STAGING_VALUES)
    .filter(([name, own]) => environmentSecrets.includes(name) && !environmentSecrets.includes(own))
    .map(([name, own]) => ({
      key: `${at}.environmentSecrets`,
      expected: `${own} beside ${name}: the staging environment's own ${name}, with access to the staging stack only (the staging job must not hold production's)`,
      found: JSON.stringify(environmentSecrets),
    }));
}

/**
 * The pre-deploy gates an override (`predeploy.overrides`) may lift during an incident: the error-budget freeze
 * (F6), the soak, an open drift issue and a missing rollback target. Staging's verify, the pin and the required
 * checks hold whatever an override says.
 */
export const GATE_OVERRIDABLE = [
  "PREDEPLOY-ERROR-BUDGET",
  "PREDEPLOY-STAGING-SOAK",
  "PREDEPLOY-DRIFT",
  "PREDEPLOY-ROLLBACK-TARGET",
];

/** The longest an override of a pre-deploy gate may last, days after today: long enough for an incident review. */
export const MAX_GATE_OVERRIDE_DAYS = 7;

/**
 * What bounds a pre-deploy override beyond a waiver's fields (reason, owner, expiry, checked where it is used):
 * it lifts a gate that may be lifted ({@link GATE_OVERRIDABLE}), names one app of the stack (no wildcard: one
 * incident, one app), expires at most {@link MAX_GATE_OVERRIDE_DAYS} days after `today` (an expired one is
 * history and stays), and, when it has a `digest`, names one (it then lifts the gates only while the app pins that
 * digest). Empty when bounded.
 */
export function gateOverrideProblems(
  o: Record<string, unknown>,
  today: Date,
  apps: readonly string[],
): Array<{ field: "ruleId" | "resource" | "expires" | "digest"; expected: string }> {
  const problems: Array<{ field: "ruleId" | "resource" | "expires" | "digest"; expected: string }> = [];
  if (
    o.digest !== undefined &&
    !(typeof o.digest === "string" && /^sha256:[0-9a-f]{64}$/.test(o.digest.trim()))
  )
    problems.push({
      field: "digest",
      expected: "the digest the override is bound to, sha256:<64 hex> (or no digest: any digest of the app)",
    });
  if (!GATE_OVERRIDABLE.includes(String(o.ruleId ?? "").trim()))
    problems.push({
      field: "ruleId",
      expected: `a gate an incident may lift (${GATE_OVERRIDABLE.join(", ")}); the others (staging verified, the pin, the checks) hold whatever the override says`,
    });
  if (typeof o.resource === "string" && !apps.includes(o.resource.trim()))
    problems.push({
      field: "resource",
      expected: `one app of this stack (${apps.join(", ")}), no wildcard: an override lifts the freeze for one app`,
    });
  const day = typeof o.expires === "string" ? parseDay(o.expires.trim()) : undefined;
  const latest = dayOf(today) + MAX_GATE_OVERRIDE_DAYS * 86_400_000;
  if (day !== undefined && day > latest)
    problems.push({
      field: "expires",
      expected: `a date at most ${MAX_GATE_OVERRIDE_DAYS} days after today (${new Date(latest).toISOString().slice(0, 10)}): an override of a gate is for an incident, not for ever`,
    });
  return problems;
}

/** The pre-deploy overrides that are not bounded ({@link gateOverrideProblems}), by key. */
function overridesProblems(model: StackModel, today: Date): ConfigProblem[] {
  const apps = model.apps.map((a) => a.name);
  return model.predeploy.overrides.flatMap((o, i) =>
    gateOverrideProblems(o, today, apps).map((p) => ({
      key: `${CONFIG_NAMESPACE}:predeploy.overrides[${i}].${p.field}`,
      expected: p.expected,
      found: renderFound(o[p.field], false),
    })),
  );
}

/** An app's flags: removal dates not before today, each name once. */
function flagProblems(app: AppModel, at: string, todayIso: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  app.flags.forEach((flag, j) => {
    if (flag.removalDate < todayIso) {
      problems.push({
        key: `${at}.flags[${j}].removalDate`,
        expected: `a planned removal date not before today (${todayIso}); remove the flag or re-plan it`,
        found: JSON.stringify(flag.removalDate),
      });
    }
  });
  const names = new Set<string>();
  for (const [j, name] of app.flags.map((f) => f.name).entries()) {
    if (names.has(name)) {
      problems.push({
        key: `${at}.flags[${j}].name`,
        expected: "a flag name unique within the app",
        found: JSON.stringify(name),
      });
    }
    names.add(name);
  }
  return problems;
}

/** An app's variables and secrets: none named like one the runtime sets, no name both plain and secret. */
function variableProblems(app: AppModel, at: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const envName of Object.keys(app.runtime.environmentVariables)) {
    if (RESERVED_VARIABLES.includes(envName)) {
      problems.push({
        key: `${at}.runtime.environmentVariables.${envName}`,
        expected: `no variable the runtime sets itself (${RESERVED_VARIABLES.join(", ")})`,
        found: JSON.stringify(envName),
      });
    }
    if (app.runtime.secrets.includes(envName)) {
      problems.push({
        key: `${at}.runtime.environmentVariables.${envName}`,
        expected: `${envName} only once: it is declared as a secret in runtime.secrets`,
        found: "a plain value too",
      });
    }
  }
  app.runtime.secrets.forEach((name, j) => {
    if (RESERVED_VARIABLES.includes(name)) {
      problems.push({
        key: `${at}.runtime.secrets[${j}]`,
        expected: `no secret named like a variable the runtime sets itself (${RESERVED_VARIABLES.join(", ")})`,
        found: JSON.stringify(name),
      });
    }
  });
  return problems;
}

/** The problems of the app at `apps[i]`, in the order its keys are checked. */
function appProblems(app: AppModel, i: number, environment: string, todayIso: string): ConfigProblem[] {
  const at = `${CONFIG_NAMESPACE}:apps[${i}]`;
  const problems: ConfigProblem[] = [...flagProblems(app, at, todayIso)];
  for (const problem of nameLimitProblems(app.name, environment)) {
    problems.push({ key: `${at}.name`, expected: "a shorter app name", found: problem });
  }
  const health = app.runtime.health;
  const healthUrl = `http://127.0.0.1:${app.runtime.port}${health.healthPath}`;
  const probes =
    health.command &&
    probedPath(health.command) === health.healthPath &&
    health.command.slice(1).join(" ").includes(healthUrl);
  if (health.command && !probes) {
    problems.push({
      key: `${at}.runtime.health.command`,
      expected: `a probe of ${healthUrl} and nothing else (curl -f URL, wget -q --spider URL, python3 urllib.request.urlopen(URL); runtime.port and runtime.health.healthPath)`,
      found: renderFound(health.command, false),
    });
  }
  problems.push(...variableProblems(app, at));
  // Lists that are sets: a duplicate would count twice (two reviewers that are one person).
  problems.push(
    ...governedListDuplicates(at, app),
    ...duplicates(`${at}.runtime.secrets`, app.runtime.secrets, "each secret once"),
    ...duplicates(`${at}.runtime.scratchPaths`, app.runtime.scratchPaths, "each path once"),
    ...duplicates(`${at}.image.history`, historyDigests(app.image), "each digest once"),
  );
  problems.push(...reviewerProblems(at, app.reviewers, environment));
  app.environmentSecrets.forEach((name, j) => {
    if (DEPLOY_VARIABLES.includes(name)) {
      problems.push({
        key: `${at}.environmentSecrets[${j}]`,
        expected: `a name other than the deploy variables the program sets (${DEPLOY_VARIABLES.join(", ")})`,
        found: JSON.stringify(name),
      });
    }
  });
  return problems;
}

/** Checks that need the whole parsed model: dates against today, secrets present for every declared name. */
export function semanticProblems(model: StackModel, today: Date): ConfigProblem[] {
  const problems: ConfigProblem[] = [...planProblems(model)];
  if (model.infrastructure) {
    problems.push(...governedListDuplicates(`${CONFIG_NAMESPACE}:infrastructure`, model.infrastructure));
    problems.push(
      ...reviewerProblems(
        `${CONFIG_NAMESPACE}:infrastructure`,
        model.infrastructure.reviewers,
        model.environment,
      ),
    );
    problems.push(
      ...stagingValueProblems(`${CONFIG_NAMESPACE}:infrastructure`, model.infrastructure.environmentSecrets),
    );
  }
  problems.push(...overridesProblems(model, today));
  const todayIso = today.toISOString().slice(0, 10);
  model.apps.forEach((app, i) => problems.push(...appProblems(app, i, model.environment, todayIso)));
  return problems;
}
