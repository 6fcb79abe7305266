/**
 * ENV: GitHub Environments and secrets. Source: CONST "Environments", "Build Once"; PLAY 3-4;
 * OPS "Configuration Management". Catalogue: shared/policy-catalogue.md "ENV".
 */
import { refersTo, repositories } from "../lib/github";
import {
  arr,
  environmentOf,
  get,
  parseJsonProp,
  PLAINTEXT_MARKER,
  SECRET_MARKER,
  str,
  tagsOf,
} from "../lib/props";
import { defineRule, Res, Rule, RuleContext, stringList, Verdicts } from "../lib/rule";
import {
  inlinePoliciesOf,
  oidcEnvironment,
  oidcStatementProblems,
  standaloneRolePolicies,
  statementsOf,
  trustsGitHubOidc,
} from "../lib/iam";
import { judgedAlone } from "../lib/standalone";
import { grantProblems, roleProblems, scopeOf, writingActions } from "../lib/iamScope";
import { T } from "../lib/tokens";
import { approvableDespiteSelfReview, RELEASE_TAG_GLOB } from "../lib/facts";
import { PRODUCTION_ENV, STAGING_ENV } from "../lib/settings";
import { nameMatches, SECRET_NAME_PATTERNS } from "../lib/secretNames";

/** Deployment policies by repository and environment, built once per resource list (linear, not per environment). */
const deploymentPolicyIndexes = new WeakMap<Res[], Map<string, Res[]>>();
function deploymentPoliciesOf(resources: Res[]): Map<string, Res[]> {
  let index = deploymentPolicyIndexes.get(resources);
  if (!index) {
    index = new Map();
    for (const p of resources) {
      if (p.type !== T.deploymentPolicy) continue;
      const key = `${str(p.props.repository)}\u0000${str(p.props.environment)}`;
      index.set(key, [...(index.get(key) ?? []), p]);
    }
    deploymentPolicyIndexes.set(resources, index);
  }
  return index;
}

/** Environment names a StackReference's `environmentProfile` vouches for, per app key / repository. */
function referencedEnvironments(resources: Res[]): Array<{ env: string; repos: Set<string>; via: string }> {
  const found: Array<{ env: string; repos: Set<string>; via: string }> = [];
  for (const r of resources) {
    if (r.type !== T.stackReference) continue;
    const profile = get(r.props, "outputs.environmentProfile");
    const env = str(get(profile, "environment"));
    const apps = get(profile, "apps");
    if (!env || !apps || typeof apps !== "object") continue;
    const repos = new Set<string>();
    for (const [key, app] of Object.entries(apps as Record<string, unknown>)) {
      repos.add(key);
      const repo = str(get(app, "repository"));
      if (repo) repos.add(repo.split("/").pop() ?? repo);
    }
    found.push({ env, repos, via: r.name });
  }
  return found;
}

export const ENV_01 = defineRule({
  id: "CC-ENV-01",
  slug: "environments-exist",
  section: "ENV",
  title: "every managed repository has the environments `staging` and `production`",
  description:
    "Each managed repository has every required GitHub Environment, declared in this stack or in the stack whose environment profile it references.",
  source: 'CONST "Environments"; PLAY 3-4',
  remediation:
    "Create a RepositoryEnvironment per required environment (the staging stack creates 'staging'; the stack that owns the repository references staging's environmentProfile through a StackReference).",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.repository, T.environment, T.stackReference],
  configKeys: [],
  configurable: {
    environments: stringList("Environments every managed repository must have.", ["staging", "production"]),
  },
  checkStack(resources, ctx, out) {
    const required = arr(ctx.cfg.environments).map(String);
    const refs = referencedEnvironments(resources);
    for (const repo of repositories(resources)) {
      out.guard(repo.res, () => {
        const here = new Set(
          resources
            .filter((r) => r.type === T.environment && refersTo(r.props.repository, repo))
            .map((r) => str(r.props.environment) ?? ""),
        );
        const evidence: string[] = [];
        const missing = required.filter((env) => {
          if (here.has(env)) return evidence.push(`${env} (this stack)`) < 0;
          const ref = refs.find((x) => x.env === env && x.repos.has(repo.name));
          if (ref) return evidence.push(`${env} (via ${ref.via})`) < 0;
          return true;
        });
        if (missing.length)
          out.fail(repo.res, `repository ${repo.name} lacks the environment(s) ${missing.join(", ")}`);
        else out.pass(repo.res, `repository ${repo.name} has ${evidence.join(", ")}`);
      });
    }
  },
});

export const ENV_02 = defineRule({
  id: "CC-ENV-02",
  slug: "production-reviewers",
  section: "ENV",
  title:
    "`production` requires at least 1 reviewer (configurable), prevents self-review and leaves someone to approve",
  description:
    "The production GitHub Environment names enough required reviewers and prevents self-review, with two or more users or a team, so that a run one reviewer starts can still be approved.",
  source: 'CONST "Environments"; PLAY "4) Production promotion"',
  remediation:
    "Set reviewers [{ users: [...], teams: [...] }] with at least the minimum count, two or more users or a team, and preventSelfReview: true on the production RepositoryEnvironment.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.environment],
  configKeys: ["reviewers"],
  configurable: {
    minReviewers: {
      tightens: "higher",
      type: "integer",
      minimum: 1,
      description: "Minimum reviewers (users plus teams).",
      default: 1,
    },
    ...PRODUCTION_ENV,
  },
  checkResource(r, ctx, out) {
    const env = str(r.props.environment);
    if (env !== ctx.cfg.productionEnvironment) return out.na(r, `environment ${env} is not production`);
    const users = arr(r.props.reviewers).reduce<number>((n, rv) => n + arr(get(rv, "users")).length, 0);
    const teams = arr(r.props.reviewers).reduce<number>((n, rv) => n + arr(get(rv, "teams")).length, 0);
    const count = users + teams;
    const problems: string[] = [];
    if (count < Number(ctx.cfg.minReviewers))
      problems.push(`${count} reviewer(s), at least ${ctx.cfg.minReviewers} required`);
    if (r.props.preventSelfReview !== true)
      problems.push("self-review is not prevented (preventSelfReview is not true)");
    else if (count > 0 && !approvableDespiteSelfReview(users, teams))
      problems.push(
        "a lone user reviewer with self-review prevented: the runs that user starts cannot be approved",
      );
    if (problems.length) out.fail(r, problems.join("; "));
    else out.pass(r, `${count} reviewer(s), self-review prevented`);
  },
});

export const ENV_03 = defineRule({
  id: "CC-ENV-03",
  slug: "deployment-sources",
  section: "ENV",
  title:
    "`production` deploys only from protected branches or release tags `mvp-*`; `staging` only from `main`",
  description:
    "Each environment's deployment branch policy admits only the refs the constitution allows it to deploy from. A deployment policy whose environment this stack does not declare is judged on its own: the ref it admits must be one its environment may deploy from.",
  source: 'CONST "Environments", "Branching & Flow"; PLAY "4) Production promotion"',
  remediation:
    "Set deploymentBranchPolicy { protectedBranches: false, customBranchPolicies: true } and RepositoryEnvironmentDeploymentPolicy resources: production branchPattern 'main' and tagPattern 'mvp-*', staging branchPattern 'main' only.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.environment, T.deploymentPolicy],
  configKeys: [],
  configurable: {
    productionBranches: stringList("Branch patterns production may deploy from.", ["main"], "subset"),
    productionTags: stringList("Tag patterns production may deploy from.", [RELEASE_TAG_GLOB], "subset"),
    stagingBranches: stringList("Branch patterns staging may deploy from.", ["main"], "subset"),
    ...PRODUCTION_ENV,
    ...STAGING_ENV,
  },
  checkStack(resources, ctx, out) {
    for (const e of resources.filter((r) => r.type === T.environment)) {
      out.guard(e, () => {
        const env = str(e.props.environment);
        const isProd = env === ctx.cfg.productionEnvironment;
        if (!isProd && env !== ctx.cfg.stagingEnvironment)
          return out.na(e, `environment ${env} has no deployment-source rule`);
        const branches = arr(isProd ? ctx.cfg.productionBranches : ctx.cfg.stagingBranches).map(String);
        const tags = isProd ? arr(ctx.cfg.productionTags).map(String) : [];
        const policy = e.props.deploymentBranchPolicy as Record<string, unknown> | undefined;
        if (!policy || typeof policy !== "object")
          return out.fail(e, `${env}: no deploymentBranchPolicy, so any branch can deploy`);
        if (policy.protectedBranches === true) {
          if (isProd && policy.customBranchPolicies !== true)
            return out.pass(e, `${env} deploys from protected branches only`);
          return out.fail(
            e,
            `${env}: protectedBranches admits every protected branch; ${env} may deploy only from ${branches.join(", ")}`,
          );
        }
        if (policy.customBranchPolicies !== true)
          return out.fail(e, `${env}: no branch restriction (customBranchPolicies is not true)`);
        const rules = deploymentPoliciesOf(resources).get(`${str(e.props.repository)}\u0000${env}`) ?? [];
        if (rules.length === 0)
          return out.fail(e, `${env}: custom branch policies with no deployment policy, nothing may deploy`);
        const bad = rules.flatMap((p) => {
          const b = str(p.props.branchPattern);
          const t = str(p.props.tagPattern);
          if (b !== undefined && !branches.includes(b)) return [`branch ${b}`];
          if (t !== undefined && !tags.includes(t)) return [`tag ${t}`];
          return [];
        });
        if (bad.length)
          out.fail(e, `${env} may deploy from ${bad.join(", ")}; allowed: ${allowedRefs(branches, tags)}`);
        else
          out.pass(
            e,
            `${env} deploys from ${rules.map((p) => (str(p.props.branchPattern) ? `branch ${p.props.branchPattern}` : `tag ${p.props.tagPattern}`)).join(", ")}`,
          );
      });
    }
    standaloneDeploymentPolicies(resources, ctx, out);
  },
});

/** The refs an environment may deploy from, as evidence lists them. */
const allowedRefs = (branches: string[], tags: string[]) =>
  [...branches.map((b) => `branch ${b}`), ...tags.map((t) => `tag ${t}`)].join(", ");

/**
 * CC-ENV-03 on the deployment policies whose environment the stack does not declare (another program's): each is
 * judged on its own, the ref it admits against those its environment may deploy from.
 */
function standaloneDeploymentPolicies(resources: Res[], ctx: RuleContext, out: Verdicts): void {
  const declared = new Set(
    resources
      .filter((r) => r.type === T.environment)
      .map((e) => `${str(e.props.repository)}\u0000${str(e.props.environment)}`),
  );
  for (const p of resources.filter((r) => r.type === T.deploymentPolicy)) {
    out.guard(p, () => {
      const repo = str(p.props.repository);
      const env = str(p.props.environment);
      if (declared.has(`${repo}\u0000${env}`)) return;
      const note = judgedAlone(`no environment ${env} of repository ${repo} in this stack`);
      const isProd = env === ctx.cfg.productionEnvironment;
      if (!isProd && env !== ctx.cfg.stagingEnvironment)
        return out.na(p, `${note}; environment ${env} has no deployment-source rule`);
      const branches = arr(isProd ? ctx.cfg.productionBranches : ctx.cfg.stagingBranches).map(String);
      const tags = isProd ? arr(ctx.cfg.productionTags).map(String) : [];
      const b = str(p.props.branchPattern);
      const t = str(p.props.tagPattern);
      const admits = b !== undefined ? `branch ${b}` : t !== undefined ? `tag ${t}` : undefined;
      if (admits === undefined) return out.fail(p, `${note}; it admits no branch or tag pattern`);
      if ((b !== undefined && !branches.includes(b)) || (b === undefined && !tags.includes(t!)))
        return out.fail(
          p,
          `${note}; ${env} may deploy from ${admits}; allowed: ${allowedRefs(branches, tags)}`,
        );
      out.pass(p, `${note}; ${env} deploys from ${admits}`);
    });
  }
}

/** Values that look like credentials: GitHub tokens, AWS key ids, PEM keys, Slack tokens, URLs with a password. */
export const SECRET_VALUE_RE =
  /^(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_|(AKIA|ASIA)[A-Z0-9]{16}$|-----BEGIN [A-Z ]*PRIVATE KEY|xox[abprs]-)|:\/\/[^/\s:@]+:[^/\s@]+@/;

export const ENV_04 = defineRule({
  id: "CC-ENV-04",
  slug: "environment-secrets-are-secret",
  section: "ENV",
  title: "every environment secret's value is a secret (never plain text in the program or its state)",
  description:
    "Environment secrets carry their value as a secret (stored encrypted by GitHub), and no Actions variable holds a secret-looking name or value.",
  source: 'OPS "Configuration Management"; CONST "Environments"',
  remediation:
    "Pass the value of ActionsEnvironmentSecret as a Pulumi secret (pulumi config set --secret, pulumi.secret(...)) in `value` (or the deprecated plaintextValue/encryptedValue); move secret-looking ActionsEnvironmentVariable entries to ActionsEnvironmentSecret.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.envSecret, T.envVariable],
  configKeys: ["environmentSecrets"],
  configurable: {
    secretNamePatterns: stringList(
      "Glob patterns of variable names that must be secrets instead.",
      SECRET_NAME_PATTERNS,
    ),
  },
  checkResource(r, ctx, out) {
    if (r.type === T.envSecret) {
      const secret = str(r.props.secretName) || "(no name)";
      const fields = ["value", "plaintextValue", "valueEncrypted", "encryptedValue"].filter(
        (k) => r.props[k] !== undefined && r.props[k] !== null && r.props[k] !== "",
      );
      if (fields.length === 0) return out.fail(r, `secret ${secret} carries no value`);
      const plain = fields.filter((k) => r.props[k] === PLAINTEXT_MARKER);
      if (plain.length)
        return out.fail(r, `secret ${secret}: ${plain.join(", ")} is stored in plain text in the state`);
      const unmarked = fields.filter(
        (k) => (k === "value" || k === "plaintextValue") && ctx.secretsMarked && r.props[k] !== SECRET_MARKER,
      );
      if (unmarked.length)
        return out.fail(
          r,
          `secret ${secret}: ${unmarked.join(", ")} is not a Pulumi secret (plain text in the program)`,
        );
      return out.pass(
        r,
        `secret ${secret} is carried by ${fields.join(", ")}${ctx.secretsMarked ? " as a secret" : " (the provider stores it encrypted)"}`,
      );
    }
    const name = str(r.props.variableName) || "(no name)";
    const value = r.props.value;
    const problems: string[] = [];
    if (nameMatches(str(r.props.variableName) ?? "", arr(ctx.cfg.secretNamePatterns).map(String)))
      problems.push(`variable ${name} has a secret-looking name`);
    if (value === SECRET_MARKER || value === PLAINTEXT_MARKER)
      problems.push(`variable ${name} holds a secret value`);
    else if (typeof value === "string" && SECRET_VALUE_RE.test(value))
      problems.push(`variable ${name} holds a credential-looking value`);
    if (problems.length) out.fail(r, `${problems.join("; ")}: use an ActionsEnvironmentSecret`);
    else out.pass(r, `variable ${name} is not secret-looking`);
  },
});

/** What CC-ENV-05's evidence calls a secret or variable that has no name, by type. */
const ACTIONS_KINDS: Record<string, string> = {
  [T.envSecret]: "environment secret",
  [T.envVariable]: "variable",
  [T.actionsSecret]: "repository secret",
};

export const ENV_05 = defineRule({
  id: "CC-ENV-05",
  slug: "no-long-lived-cloud-keys",
  section: "ENV",
  title:
    "no long-lived cloud keys as secrets (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the like): CI reaches AWS through OIDC",
  description:
    "No Actions secret or variable carries a long-lived AWS access key; CI assumes the deploy role through OIDC.",
  source:
    'CONST "Environments"; OPS "Configuration Management"; GitHub docs "Configuring OpenID Connect in Amazon Web Services"',
  remediation:
    "Delete the key secret, deactivate the IAM user's access key, and let the workflow assume the environment's deploy role (AWS_DEPLOY_ROLE_ARN) with aws-actions/configure-aws-credentials and id-token: write.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.envSecret, T.envVariable, T.actionsSecret],
  configKeys: ["environmentSecrets"],
  configurable: {
    forbiddenNames: stringList("Glob patterns of secret/variable names that denote long-lived cloud keys.", [
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
      "*AWS*ACCESS_KEY*",
      "*AWS*SECRET_KEY*",
    ]),
  },
  checkResource(r, ctx, out) {
    const name = str(r.props.secretName) ?? str(r.props.variableName);
    const label = name || `the ${ACTIONS_KINDS[r.type]} without a name`;
    if (nameMatches(name ?? "", arr(ctx.cfg.forbiddenNames).map(String)))
      return out.fail(r, `${label} is a long-lived cloud key; use OIDC`);
    const value = r.props.value;
    if (r.type === T.envVariable && typeof value === "string" && /^(AKIA|ASIA)[A-Z0-9]{16}$/.test(value))
      return out.fail(r, `${label} holds an AWS access key id; use OIDC`);
    out.pass(r, `${label} is not a cloud key`);
  },
});

/**
 * CC-ENV-06. A role whose trust policy names GitHub's OIDC provider only in statements that do not allow (Deny, or
 * no `Effect: Allow`) fails: it trusts no repository environment, so "trusts only its own" cannot be shown, and a
 * role meant for OIDC that nothing may assume is a broken deploy role. A role without an `environment` tag fails
 * too (rather than not applicable): the rule checks the subject against the role's own environment, which is that
 * tag (docs/RESOURCES.md; CC-OBS-04 requires it); without it, any environment's workflow could be trusted and the
 * rule would vouch for it.
 */
export const ENV_06 = defineRule({
  id: "CC-ENV-06",
  slug: "oidc-trust-scoped",
  section: "ENV",
  title:
    "the OIDC deploy role trusts only its own repository and environment (`repo:OWNER/REPO:environment:ENV`, audience `sts.amazonaws.com`), never a wildcard",
  description:
    "A role trusted by GitHub's OIDC provider allows it in a statement requiring audience sts.amazonaws.com and an exact subject repo:OWNER/REPO:environment:ENV whose ENV is the role's own environment tag.",
  source: 'CONST "Environments"; GitHub docs "Configuring OpenID Connect in Amazon Web Services"',
  remediation:
    "In assumeRolePolicy use an Allow statement with Condition.StringEquals { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:OWNER/REPO:environment:ENV' } with no StringLike wildcard, and tag the role environment=ENV.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.role],
  configKeys: [],
  checkResource(r, _ctx, out) {
    const doc = parseJsonProp(r.props, "assumeRolePolicy");
    const trusting = arr(get(doc, "Statement")).filter(trustsGitHubOidc);
    if (trusting.length === 0) return out.na(r, "not trusted by GitHub's OIDC provider");
    const allows = trusting.filter((s) => get(s, "Effect") === "Allow");
    if (allows.length === 0) {
      const effects = trusting.map((s) => JSON.stringify(get(s, "Effect") ?? null)).join(", ");
      return out.fail(
        r,
        `no statement naming GitHub's OIDC provider allows it (Effect ${effects}): the role trusts no repository environment`,
      );
    }
    const env = str(tagsOf(r.props).environment);
    const subjects: string[] = [];
    const problems = allows.flatMap((s) => oidcStatementProblems(s, env, subjects));
    if (!env)
      problems.push(
        "the role has no environment tag, so its subject's environment cannot be compared with the role's own",
      );
    if (problems.length) out.fail(r, problems.join("; "));
    else out.pass(r, `trusts only ${subjects.join(", ")} (audience sts.amazonaws.com)`);
  },
});

export const ENV_07 = defineRule({
  id: "CC-ENV-07",
  slug: "deploy-role-least-privilege",
  section: "ENV",
  title:
    "a deploy role writes only its own environment: every write, tag and permissions grant limited to the environment's names, labels or new resources, the `environment` label never rewritten, roles written under the boundary and passed to a named service",
  description:
    "Every OIDC deploy role's inline policies limit each action AWS classes as Write, Tagging or Permissions management (Service Authorization Reference, via iam-data) to resources named for its environment, labelled for it (aws:ResourceTag/environment), or created labelled for it; tag writes cannot relabel or unlabel a resource; no resource of another environment is named; roles are written only under the environment's permissions boundary and passed only to a named service. An inline policy whose role this stack does not declare is judged on its own: which environment its role deploys is unknown, so a grant of every write of a service (`*`, `SERVICE:*`) on every resource, with no condition, fails (no deploy role may hold one); any other is not applicable, saying the role is missing.",
  source:
    'CONST "Environments"; PLAY "4) Production promotion"; AWS Service Authorization Reference; AWS IAM docs "Controlling access to AWS resources using tags"',
  remediation:
    "Scope each write to the environment's ARNs (cluster/*-ENV, service/CLUSTER/SERVICE) or add Condition StringEquals aws:ResourceTag/environment = ENV; allow tags only inside creation (Condition SERVICE:CreateAction) or on resources so labelled; add Deny statements for aws:RequestTag/environment other than ENV (Null false + StringNotEquals) and for aws:TagKeys containing environment on untagging; give iam:PassRole the role ARNs and Condition StringEquals iam:PassedToService.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.role, T.rolePolicy],
  configKeys: [],
  configurable: {
    environmentMarkers: {
      // A role writes what its own markers name: more of them would let it write more (fixed, not a superset).
      tightens: "fixed",
      type: "object",
      additionalProperties: { type: "array", items: { type: "string" } },
      description: "Substrings of resource ARNs that name each environment (a role may not name another's).",
      default: { staging: ["staging", "-stg-"], production: ["production", "-prod-"] },
    },
    infrastructureRepository: {
      tightens: "fixed",
      type: "string",
      description:
        "This repository's name: its own deploy roles are maintained by the owning stack without a boundary.",
      default: "cicd-constitution",
    },
  },
  checkStack(resources, ctx, out) {
    const markers = (ctx.cfg.environmentMarkers ?? {}) as Record<string, string[]>;
    const infrastructureRepository = String(ctx.cfg.infrastructureRepository);
    for (const role of resources.filter((r) => r.type === T.role)) {
      out.guard(role, () => {
        const env = oidcEnvironment(role);
        if (!env) return out.na(role, "not an OIDC deploy role");
        const name = str(role.props.name) ?? role.name;
        const scope = scopeOf(env, markers, infrastructureRepository, role);
        const policies = inlinePoliciesOf(resources, name);
        const statements = policies.flatMap((p) => statementsOf(p).map((st) => ({ p, st })));
        const all = statements.map(({ st }) => st);
        const problems: string[] = [];
        for (const { p, st } of statements) {
          if (st.effect !== "Allow") continue;
          const label = `${p.name}${st.sid ? ` ${st.sid}` : ""}`;
          // A role of an environment with names of its own (staging, production) names no other environment's
          // resources at all (its secrets included); another (drift, which audits both) only in no write.
          const judged = env in markers || st.actions.some((a) => writingActions(a).length > 0);
          const named = judged
            ? st.resources.filter((x) => scope.foreignMarkers.some((m) => x.includes(m)))
            : [];
          if (named.length)
            problems.push(`${label}: names another environment's resources ${named.join(", ")}`);
          for (const problem of [
            ...grantProblems(st, all, scope),
            ...roleProblems(st, infrastructureRepository),
          ])
            problems.push(`${label}: ${problem}`);
        }
        if (problems.length) out.fail(role, `${name} (${env}): ${[...new Set(problems)].join("; ")}`);
        else
          out.pass(
            role,
            `${name} writes only ${env} (${policies.length} inline polic${policies.length === 1 ? "y" : "ies"}, ${all.length} statements)`,
          );
      });
    }
    standaloneRolePolicies(resources, out);
  },
});

/** The ENV rules, in catalogue order. */
export const environmentRules: Rule[] = [ENV_01, ENV_02, ENV_03, ENV_04, ENV_05, ENV_06, ENV_07];

/** Environment of a resource, re-exported for rules of other sections. */
export { environmentOf };
