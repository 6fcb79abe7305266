/**
 * Names and tags shared by every component: one place, so a resource's name and tags are derivable
 * from (app, environment) alone.
 */

/** The `managed-by` tag value on every taggable resource (CC-OBS-04). */
export const MANAGED_BY = "pulumi:cicd-constitution";

/** Standard tags: `app`, `environment`, `owner`, `managed-by` (CC-OBS-04; CONST "Observability"). */
export interface StandardTags {
  app: string;
  environment: string;
  owner: string;
  "managed-by": string;
  [key: string]: string;
}

/** Builds the standard tags of an app in an environment. */
export function standardTags(app: string, environment: string, owner: string): StandardTags {
  return { app, environment, owner, "managed-by": MANAGED_BY };
}

/** Short environment names used where AWS limits name length: `stg`, `prod`. */
export function shortEnv(environment: string): string {
  return environment === "production" ? "prod" : environment === "staging" ? "stg" : environment.slice(0, 4);
}

/**
 * An AWS resource name of at most `max` characters (ALB and target group names: 32, per the ELBv2 API),
 * `<app>-<env>-<suffix>`; the app part is shortened when needed, never the suffix.
 */
export function awsName(app: string, environment: string, suffix: string, max = 32): string {
  const tail = `-${shortEnv(environment)}-${suffix}`;
  return `${app.slice(0, Math.max(1, max - tail.length))}${tail}`.replace(/-+$/, "");
}

/** The moving alias tag of an environment's image: `staging` or `prod` (F6 "Pipeline Guarantees"). */
export function aliasTag(environment: string): string {
  return environment === "production" ? "prod" : environment;
}
