/**
 * Writes a project of N apps for the scale benchmark: `Pulumi.yaml`, `Pulumi.staging.yaml` and
 * `Pulumi.production.yaml` in a directory, shaped like the repository's stack files (production owns the
 * repositories and reads staging through `promotion.stagingStack`; secrets are not in the files, as in the
 * repository, so the offline preview uses placeholders). Apps are built by the property tests' generator
 * (test/proofs/arbitraries.ts) from a fixed template, varied per app, so every stack passes the policy pack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { AppSpec, FARGATE_PAIRS, ProjectSpec, stackPair } from "../test/proofs/arbitraries";

/** The project-wide values of every generated bench project. */
export const BENCH_PROJECT: ProjectSpec = {
  githubOwner: "bench-org",
  region: "eu-west-1",
  org: "bench-org",
  gitSha: "0123456789abcdef0123456789abcdef01234567",
  buildDate: "2026-11-20T09:30:00Z",
  actor: "bench-bot",
  email: "oncall@example.com",
  vpc: ["0a1b2c3d4e5f60718", "0b2c3d4e5f6071829"],
  subnets: Array.from({ length: 8 }, (_, i) => `0a11b22c33d44e55${i}`),
  certUuid: "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
};

/** App number `i` (0-based): a name, a port, a size and two flags that differ from app to app. */
export function benchApp(i: number): AppSpec {
  const name = `svc-${String(i).padStart(4, "0")}`;
  return {
    name,
    owner: `team-${i % 7}`,
    repo: name,
    visibility: "private",
    extraChecks: i % 3 === 0 ? ["lint"] : [],
    approvals: 1 + (i % 2),
    reviewers: { users: [`reviewer-${i % 5}`], teams: i % 4 === 0 ? ["release-managers"] : [] },
    environmentSecrets: ["PULUMI_ACCESS_TOKEN"],
    port: 8000 + (i % 1000),
    staging: { size: FARGATE_PAIRS[i % 3], count: 1 },
    production: { size: FARGATE_PAIRS[3 + (i % 4)], count: 2 + (i % 3) },
    version: "/version",
    environment: { LOG_LEVEL: "info", SERVICE_INDEX: String(i) },
    extraSecrets: i % 2 === 0 ? ["TELEGRAM_BOTS_JSON"] : [],
    retention: 90,
    flags: [
      {
        name: `flag_${i}_rollout`,
        owner: `team-${i % 7}`,
        description: `Rollout of feature ${i}`,
        stagingDefault: false,
        stagingOn: true,
        removalInDays: 30 + (i % 300),
        productionCohort: i % 2 === 0 ? "pilot-tenants" : null,
      },
    ],
    observability: { errorBudgetPercent: 0.5, latencyP95Seconds: 1, goldenPathSuccessPercent: 99 },
  };
}

/**
 * Writes the N-app project into `dir` (created if needed).
 *
 * @returns The stack file paths.
 */
export function writeBenchProject(dir: string, apps: number): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const pair = stackPair(
    BENCH_PROJECT,
    Array.from({ length: apps }, (_, i) => benchApp(i)),
    false,
  );
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    stringify({ name: "cicd-constitution", runtime: { name: "nodejs", options: { typescript: true } } }),
  );
  const files: string[] = [];
  for (const stack of ["staging", "production"] as const) {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, stringify({ config: pair[stack] }));
    files.push(file);
  }
  return files;
}
