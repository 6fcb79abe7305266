/**
 * The environment profile: what every stack exports as `environmentProfile`, what production's program reads from
 * staging's outputs (promotion, rollback) and what the pack's parity rules compare (CC-PAR-*). The contract
 * between the stacks and the pack, written once on the pack's side; the program imports it.
 */

/** One image an environment has run: its digest and provenance (F6 "Build metadata"). */
export interface Release {
  digest: string;
  gitSha: string;
  date: string;
  actor: string;
}

/** What one app looks like from outside, for parity between staging and production (F6 "Environment Profiles"). */
export interface AppProfile {
  /** GitHub repository name (CC-ENV-01 finds the other environment of a repository by it). */
  repository: string;
  imageRepository: string;
  /** Digest running now. */
  digest: string;
  /** Digests this environment has run (newest first), for promotion and rollback: `releases`' digests. */
  knownDigests: string[];
  /**
   * Images this environment has run, newest first: staging adds each new digest
   * to what its last deployment exported, so production can promote, and roll back to, any of them (CC-PAR-01)
   * with its provenance (at most `RELEASES_KEPT`, src/program.ts).
   */
  releases: Release[];
  /** Provenance of `digest`. */
  build: Omit<Release, "digest">;
  /** Names of the container's environment variables, sorted. */
  envNames: string[];
  /** Names of the container's secrets, sorted. */
  secretNames: string[];
  /** The load balancer's health check path (readiness, `runtime.health.readinessPath`). */
  readinessPath: string;
  /** The container health check's path (liveness, `runtime.health.healthPath`). */
  containerHealthPath: string;
  port: number;
  /** Flag keys, sorted. */
  flags: string[];
}

/** A stack's environment profile: exported by every stack as `environmentProfile`. */
export interface EnvironmentProfile {
  environment: string;
  apps: Record<string, AppProfile>;
}

/**
 * A profile as another stack's outputs hand it over: any field may be missing (an older or partial export), and a
 * staging stack last deployed before the readiness path got its name still says `healthCheckPath`.
 */
export type ExportedAppProfile = Partial<AppProfile> & {
  /** The readiness path's former name in profiles exported before 2026-12. */
  healthCheckPath?: string;
};

/** The readiness path of an exported profile, under its name or its former one. */
export function readinessPathOf(p: ExportedAppProfile): string | undefined {
  return p.readinessPath ?? p.healthCheckPath;
}
