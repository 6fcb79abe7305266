/**
 * PAR: staging/production parity. Source: F6 "Environment Profiles", "Operational Ownership Questions";
 * OPS "Environment Parity"; LANES 6. Catalogue: shared/policy-catalogue.md "PAR".
 *
 * The engine gives a policy one stack only. Production carries staging's context as a resource: the program
 * reads staging's exported `environmentProfile` through a `pulumi:pulumi:StackReference`, whose state holds
 * `outputs.environmentProfile` (docs/RESOURCES.md "Parity"). These stack policies compare production's own
 * resources with that profile; in the offline preview, staging's plan outputs feed the reference.
 */
import { appOf, arr, get, num, resourcesOfApp, str, tagsOf } from "../lib/props";
import { defineRule, Res, Rule, RuleContext, Verdicts } from "../lib/rule";
import { T } from "../lib/tokens";
import { DIGEST_REF_PATTERN, imageRepository } from "../lib/facts";
import { ExportedAppProfile, readinessPathOf } from "../lib/profile";
import { stackEnvironmentsOrName } from "../lib/stack";
import { judgedAlone } from "../lib/standalone";
import { PRODUCTION_ENV, STAGING_ENV } from "../lib/settings";
import { flagsOf } from "../lib/flagDocuments";
import { containersOf, isOneOffTask } from "../lib/containers";

/** An app's profile, as exported by the program (`environmentProfile.apps[APP]`). */
/** An app's profile as parity compares it: this stack's rebuilt from its resources, staging's as exported. */
export type AppProfile = ExportedAppProfile & { flags?: string[] };

/** The staging profile of the stack: the StackReference whose profile's environment is staging. */
export function stagingProfile(
  resources: Res[],
  stagingEnv: string,
): { ref: Res; apps: Record<string, AppProfile> } | undefined {
  for (const r of resources.filter((x) => x.type === T.stackReference)) {
    const profile = get(r.props, "outputs.environmentProfile");
    if (str(get(profile, "environment")) !== stagingEnv) continue;
    const apps = get(profile, "apps");
    if (apps && typeof apps === "object") return { ref: r, apps: apps as Record<string, AppProfile> };
  }
  return undefined;
}

/** One app of this stack, rebuilt from its resources like the program's profile. */
export function ownProfile(
  td: Res,
  resources: Res[],
  byUrn: Map<string, Res>,
): { app: string; profile: AppProfile } {
  const app = appOf(td, byUrn) ?? str(td.props.family) ?? td.name;
  const [c] = containersOf(td);
  const m = DIGEST_REF_PATTERN.exec(c?.image ?? "");
  const tg = resourcesOfApp(resources, byUrn, T.targetGroup, app)[0];
  return {
    app,
    profile: {
      imageRepository: c ? imageRepository(c.image) : undefined,
      digest: m?.[2],
      envNames: c?.environment.map((e) => e.name).sort(),
      secretNames: c?.secrets.map((s) => s.name).sort(),
      containerHealthPath: c?.healthProbe,
      port: c?.ports[0],
      readinessPath: tg ? str(get(tg.props, "healthCheck.path")) : undefined,
    },
  };
}

/** Flag keys of an app in this stack (from its hosted feature-flags documents). */
function ownFlags(app: string, resources: Res[], byUrn: Map<string, Res>): string[] {
  return resourcesOfApp(resources, byUrn, T.hostedConfig, app)
    .flatMap((r) => (flagsOf(r) ?? []).map((f) => f.key))
    .sort();
}

/**
 * Runs `check` for every production app against its staging profile; handles the not-production and no-reference
 * cases. A stack none of whose resources carries an environment (another program's) is judged on its own by the
 * stack name in its URNs: its task definitions are production's when that name is, and each fails, saying so,
 * without a staging profile to compare with.
 */
function compare(
  resources: Res[],
  ctx: RuleContext,
  out: Verdicts,
  check: (td: Res, app: string, mine: AppProfile, theirs: AppProfile) => void,
): void {
  const prodEnv = String(ctx.cfg.productionEnvironment);
  const stagingEnv = String(ctx.cfg.stagingEnvironment);
  const { envs, fromStack } = stackEnvironmentsOrName(resources);
  if (!envs.has(prodEnv)) return out.na(null, `parity is checked in the ${prodEnv} stack`);
  const staging = stagingProfile(resources, stagingEnv);
  const tds = resources.filter(
    (r) => r.type === T.taskDefinition && (fromStack || str(tagsOf(r.props).environment) === prodEnv),
  );
  const noProfile = `the ${prodEnv} stack has no StackReference whose outputs.environmentProfile is ${stagingEnv}'s, so parity cannot be shown`;
  const note = judgedAlone(`no environment tag, the stack's name is ${prodEnv}`);
  if (!staging && fromStack)
    return tds.length
      ? tds.forEach((td) => out.fail(td, `${note}; ${noProfile}`))
      : out.na(null, `${note}; no task definition to compare with ${stagingEnv}`);
  if (!staging) return out.fail(null, noProfile);
  for (const td of tds) {
    out.guard(td, () => {
      const { app, profile } = ownProfile(td, resources, ctx.byUrn);
      const theirs = staging.apps[app];
      if (!theirs)
        return out.fail(
          td,
          `${app} runs in ${prodEnv} but ${stagingEnv} (${staging.ref.name}) has never run it`,
        );
      check(td, app, profile, theirs);
    });
  }
}

const sameSet = (a: unknown, b: unknown) => {
  const x = [...new Set(arr(a).map(String))].sort();
  const y = [...new Set(arr(b).map(String))].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
const diff = (a: unknown, b: unknown) => {
  const x = new Set(arr(a).map(String));
  const y = new Set(arr(b).map(String));
  const only = (p: Set<string>, q: Set<string>) => [...p].filter((v) => !q.has(v));
  return `only in production: [${only(x, y).join(", ")}], only in staging: [${only(y, x).join(", ")}]`;
};

/** A profile value as evidence prints it: the value, or `(none)` where an environment has none (no target group, no container, an older profile). */
const shown = (v: unknown): string => (v === undefined || v === null ? "(none)" : String(v));

const PARITY_CONFIG = { ...PRODUCTION_ENV, ...STAGING_ENV };

export const PAR_01 = defineRule({
  id: "CC-PAR-01",
  slug: "promoted-image-from-staging",
  section: "PAR",
  title:
    "production runs an image from the same repository as staging, and its digest is one staging has run",
  description: "Each production app runs an image from staging's repository, by a digest staging has run.",
  source: 'CONST "Build Once, Promote Many"; F6 "Environment Profiles"; LANES 6',
  remediation:
    "Pin production's image.digest to a digest in staging's environmentProfile (digest or knownDigests) of the same repository; deploy staging first.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.taskDefinition, T.stackReference],
  configKeys: ["image.digest", "image"],
  configurable: PARITY_CONFIG,
  checkStack(resources, ctx, out) {
    compare(resources, ctx, out, (td, app, mine, theirs) => {
      const known = [theirs.digest, ...arr(theirs.knownDigests)].filter(Boolean).map(String);
      const problems = [
        ...(mine.imageRepository === theirs.imageRepository
          ? []
          : [
              `repository ${shown(mine.imageRepository)} differs from staging's ${shown(theirs.imageRepository)}`,
            ]),
        ...(mine.digest && known.includes(mine.digest)
          ? []
          : [`digest ${mine.digest ?? "(none)"} was never run by staging`]),
      ];
      if (problems.length) out.fail(td, `${app}: ${problems.join("; ")}`);
      else out.pass(td, `${app}: runs ${mine.imageRepository}@${mine.digest}, which staging has run`);
    });
  },
});

export const PAR_02 = defineRule({
  id: "CC-PAR-02",
  slug: "same-env-and-secret-names",
  section: "PAR",
  title:
    "staging and production give the container the same set of environment variable names and secret names",
  description:
    "Each production app's container has the same environment variable names and secret names as staging's.",
  source: 'OPS "Environment Parity"; F6 "Environment Profiles"',
  remediation:
    "Add the missing variables/secrets to the other environment's app config (values may differ, names may not).",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.taskDefinition, T.stackReference],
  configKeys: ["runtime.environmentVariables", "runtime"],
  configurable: PARITY_CONFIG,
  checkStack(resources, ctx, out) {
    compare(resources, ctx, out, (td, app, mine, theirs) => {
      const problems = [
        ...(sameSet(mine.envNames, theirs.envNames)
          ? []
          : [`environment variable names differ (${diff(mine.envNames, theirs.envNames)})`]),
        ...(sameSet(mine.secretNames, theirs.secretNames)
          ? []
          : [`secret names differ (${diff(mine.secretNames, theirs.secretNames)})`]),
      ];
      if (problems.length) out.fail(td, `${app}: ${problems.join("; ")}`);
      else
        out.pass(
          td,
          `${app}: ${arr(mine.envNames).length} variable names and ${arr(mine.secretNames).length} secret names as in staging`,
        );
    });
  },
});

export const PAR_03 = defineRule({
  id: "CC-PAR-03",
  slug: "same-health-port-flags",
  section: "PAR",
  title:
    "staging and production use the same health check paths, container port and feature flag set; they may differ only in sizing, task count, domain names and reviewers",
  description: "Each production app uses staging's health check paths, container port and feature flag keys.",
  source: 'OPS "Environment Parity"; F6 "Environment Profiles", "Health / Readiness / Liveness"',
  remediation:
    "Align the health paths, port and flag keys of the app's production config with staging's (only sizing, task count, domains and reviewers may differ).",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.taskDefinition, T.targetGroup, T.hostedConfig, T.stackReference],
  configKeys: ["runtime"],
  configurable: PARITY_CONFIG,
  checkStack(resources, ctx, out) {
    compare(resources, ctx, out, (td, app, mine, theirs) => {
      if (isOneOffTask(td))
        return out.na(td, `${app}: a one-off task (its migration): no port or health path to compare`);
      const flags = ownFlags(app, resources, ctx.byUrn);
      const problems = [
        ...(readinessPathOf(mine) === readinessPathOf(theirs)
          ? []
          : [
              `load balancer health path ${shown(readinessPathOf(mine))} vs staging ${shown(readinessPathOf(theirs))}`,
            ]),
        ...(mine.containerHealthPath === theirs.containerHealthPath
          ? []
          : [
              `container health path ${shown(mine.containerHealthPath)} vs staging ${shown(theirs.containerHealthPath)}`,
            ]),
        ...(num(mine.port) === num(theirs.port)
          ? []
          : [`port ${shown(mine.port)} vs staging ${shown(theirs.port)}`]),
        ...(sameSet(flags, theirs.flags) ? [] : [`flags differ (${diff(flags, theirs.flags)})`]),
      ];
      if (problems.length) out.fail(td, `${app}: ${problems.join("; ")}`);
      else
        out.pass(
          td,
          `${app}: health ${shown(readinessPathOf(mine))} / ${shown(mine.containerHealthPath)}, port ${shown(mine.port)}, flags [${flags.join(", ")}] as in staging`,
        );
    });
  },
});

/** The PAR rules, in catalogue order. */
export const parityRules: Rule[] = [PAR_01, PAR_02, PAR_03];
