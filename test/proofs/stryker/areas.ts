/**
 * The product's areas for mutation testing (`npm run mutation`, ./run.ts). Each area is one Stryker run: the
 * files it mutates and the spec files whose tests can kill those mutants. Together the areas mutate every
 * TypeScript source of the product (components, the program, the CLI and its libraries, the policy pack); a
 * test in ./areas.test.ts fails when a source file belongs to no area or to two.
 *
 * An area's tests run in process (./mocha-runner.mjs): the few tests that run the code under test in a child
 * process (the compiled executable, which Stryker's sandbox does not hold, or the pack as the engine launches
 * it) are left out by file (`ignore`) or by title (`skipTitles`); what those tests check of the code is also
 * checked in process by others.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { minimatch } from "minimatch";
import { ROOT } from "../../root";

/** One Stryker run. */
export interface MutationArea {
  /** Short name: the folder of its reports (`reports/mutation/areas/<name>/`) and `npm run mutation -- <name>`. */
  name: string;
  /** Globs of the files to mutate (Stryker's `mutate`, `!` excludes). */
  mutate: string[];
  /** Globs of the spec files to run. */
  spec: string[];
  /** Globs of spec files to leave out (their code under test runs in a child process). */
  ignore?: string[];
  /** Regular expressions of test titles to leave out (their code under test runs in a child process). */
  skipTitles?: string[];
}

/**
 * Tests whose code under test runs in a child process, by title: the compiled executable (`bin/`, which the
 * sandbox does not hold) or `tsx src/cli/main.ts`. Stryker switches mutants on in its own process only, so these
 * tests cannot see one.
 */
const CHILD_PROCESS_TESTS = [
  "works from the command line",
  "exits 2 for an unknown --base-ref, leaving no worktree behind",
  "the compiled executable",
  "exits 0 with the title on stderr and the body on stdout",
  "the executable in a pipe",
  "no line over 80 columns",
];

/** Tests that read the compiled output (bin/, policy-pack/bin/), which the sandbox does not hold, by title. */
const COMPILED_OUTPUT_TESTS = ["this repository's builds are fresh"];

/**
 * Product sources no area mutates, each with the test that proves it whole:
 * - generated data, equal byte for byte to its generator's output (mutating a data table's entries one by one would
 *   only repeat that comparison thousands of times, each a reload of the pack);
 * - the pack's entry point, which only constructs the pack from the catalogue (`new PolicyPack`, which starts the
 *   engine's gRPC server and so runs only in a process of its own): the engine-protocol test launches it as the
 *   engine does and compares every verdict with the in-process runner's, and the entry-freshness proof runs it over
 *   an older build;
 * - the program's entry point, which only hands the engine's config to `src/entry.ts` (mutated, with its tests)
 *   and guards the compiled build: the language-host proof launches the compiled `bin/index.js` as the engine
 *   does and compares what it registers with the offline plan, and the entry-freshness proof runs it over an
 *   older build.
 */
export const NOT_MUTATED: Readonly<Record<string, string>> = {
  "policy-pack/lib/iamActions.generated.ts": "test/proofs/iam-action-table.test.ts",
  "policy-pack/index.ts": "test/policy/grpc.test.ts",
  "index.ts": "test/proofs/language-host.test.ts",
};

/** The product's sources, by area. */
export const AREAS: MutationArea[] = [
  {
    name: "pack",
    mutate: [
      "policy-pack/**/*.ts",
      "!policy-pack/node_modules/**",
      "!policy-pack/bin/**",
      "!policy-pack/lib/iam.ts",
      "!policy-pack/lib/iamScope.ts",
      "!policy-pack/lib/iamActions.generated.ts",
      "!policy-pack/index.ts",
      "src/config/model.ts",
    ],
    // The build stamp (lib/build.ts) is proven by the freshness proof, in process.
    spec: ["test/policy/**/*.test.ts", "test/config/*.test.ts", "test/proofs/build-freshness.test.ts"],
    ignore: ["test/policy/grpc.test.ts"],
    skipTitles: [...CHILD_PROCESS_TESTS, ...COMPILED_OUTPUT_TESTS],
  },
  {
    // The IAM evaluation of the pack (CC-ENV-07 and the rules that read role policies): its own area, so that a
    // surviving static mutant of the rules does not pay for the IAM simulator's proofs, nor one of these for the
    // whole pack's tests.
    name: "pack-iam",
    mutate: ["policy-pack/lib/iam.ts", "policy-pack/lib/iamScope.ts"],
    spec: [
      "test/policy/**/*.test.ts",
      "test/proofs/cc-env-07-differential.test.ts",
      "test/proofs/iam-isolation.test.ts",
    ],
    ignore: ["test/policy/grpc.test.ts"],
    skipTitles: CHILD_PROCESS_TESTS,
  },
  {
    name: "config",
    mutate: ["src/config/**/*.ts", "!src/config/model.ts"],
    spec: ["test/config/*.test.ts", "test/cli/inputs.test.ts"],
  },
  {
    name: "program",
    mutate: [
      "components/**/*.ts",
      "src/entry.ts",
      "src/program.ts",
      "src/offline/**/*.ts",
      "src/plan/**/*.ts",
      "src/audit/**/*.ts",
      "src/githubOwner.ts",
      "src/egress.ts",
    ],
    spec: [
      "test/components/*.test.ts",
      "test/offline/*.test.ts",
      "test/stacks.test.ts",
      "test/policy/audit*.test.ts",
      "test/policy/deploy-role-scope.test.ts",
      "test/policy/config-keys.test.ts",
      "test/proofs/iam-*.test.ts",
      "test/proofs/destroy-safety.test.ts",
      "test/proofs/first-deploy.test.ts",
      "test/proofs/cc-env-07-differential.test.ts",
      "test/workflows/isolation.test.ts",
      "test/workflows/required-checks.test.ts",
      // The pack's verdict over the repository's stacks: every rule passes or does not apply.
      "test/policy/rules.test.ts",
      // The pack's settings as a stack file gives them (src/audit/policy.ts): overrides, tightening only, scorecard.
      "test/policy/overrides.test.ts",
      "test/policy/settings-tighten.test.ts",
      "test/policy/scorecard.test.ts",
      "test/policy/repository-hardening.test.ts",
      // What the offline preview records and masks (src/offline/recorder.ts, summary.ts) and the egress limits of
      // src/egress.ts are checked by these suites of other folders.
      "test/report/redaction.test.ts",
      "test/report/app-agreement.test.ts",
      "test/config/runtime-limits.test.ts",
    ],
    // The IAM action table's proof compares the generated file byte for byte with its generator's output; Stryker's
    // sandbox copy carries a `// @ts-nocheck` line on every source, so it cannot pass there, and it reads no
    // program code.
    ignore: ["test/proofs/iam-action-table.test.ts"],
    skipTitles: CHILD_PROCESS_TESTS,
  },
  {
    name: "reports",
    mutate: [
      "src/report/**/*.ts",
      "src/diff/**/*.ts",
      "src/comment/**/*.ts",
      "src/terminal.ts",
      "src/markdown.ts",
      "src/redact.ts",
      "src/inert.ts",
    ],
    spec: [
      "test/report/*.test.ts",
      "test/diff/*.test.ts",
      "test/comment/*.test.ts",
      "test/terminal/*.test.ts",
      "test/proofs/secrets-deploy.test.ts",
    ],
    ignore: ["test/diff/hygiene.test.ts"],
    skipTitles: CHILD_PROCESS_TESTS,
  },
  {
    name: "deploy",
    mutate: ["src/deploy/**/*.ts", "src/release/**/*.ts", "src/dora/**/*.ts"],
    spec: [
      "test/deploy/*.test.ts",
      "test/release/*.test.ts",
      "test/dora/*.test.ts",
      "test/migrations/*.test.ts",
      "test/e2e/*.test.ts",
      "test/proofs/secrets-deploy.test.ts",
    ],
    skipTitles: CHILD_PROCESS_TESTS,
  },
  {
    name: "cli",
    mutate: ["src/cli/**/*.ts", "src/files.ts"],
    // The commands' wiring: test/cli (options, exit codes), and every suite that runs a command in process through
    // test/cli-harness.ts (a static mutant runs the nearest suites first, so the deploy suites' local servers cost a
    // survivor only).
    spec: [
      "test/cli/*.test.ts",
      "test/deploy/*.test.ts",
      "test/dora/command.test.ts",
      "test/diff/command*.test.ts",
      "test/diff/json-out.test.ts",
      "test/comment/comment.test.ts",
      "test/report/all-stacks.test.ts",
      "test/report/gate-overrides.test.ts",
      "test/report/report-command-units.test.ts",
      "test/terminal/layout.test.ts",
      "test/proofs/secrets-deploy.test.ts",
    ],
    ignore: ["test/cli/command-tree.test.ts"],
    skipTitles: CHILD_PROCESS_TESTS,
  },
];

/**
 * The product's sources: what `tsc -b` compiles into bin/ besides the tests and benchmarks, and the pack's
 * ({@link NOT_MUTATED} ones included).
 */
export function productSources(root = ROOT): string[] {
  const out: string[] = [];
  const skip = ["node_modules", "bin", "test", "bench", "out", "reports", "docs"];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!skip.includes(e.name) && !e.name.startsWith(".")) walk(rel);
      } else if (rel.endsWith(".ts") && !rel.endsWith(".d.ts")) out.push(rel);
    }
  };
  walk("");
  return out.sort();
}

/** Whether `file` is mutated by `globs` (Stryker's semantics: included by one glob, not excluded by a `!` one). */
export function mutatedBy(globs: string[], file: string): boolean {
  const included = globs.filter((g) => !g.startsWith("!")).some((g) => minimatch(file, g));
  return included && !globs.filter((g) => g.startsWith("!")).some((g) => minimatch(file, g.slice(1)));
}

/** The area that mutates `file` (the first, should two: ../stryker-areas.test.ts proves there is one). */
export function areaOfFile(file: string): MutationArea | undefined {
  return AREAS.find((a) => mutatedBy(a.mutate, file));
}
