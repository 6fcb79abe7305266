/**
 * Destroy and failure safety (issue 5, part 3), asserted on the real program's plans (both repository stacks):
 *
 * - repositories are archived on destroy, never deleted, and protected;
 * - production's stateful and identity resources are protected (`protect`), and the ones whose loss loses data
 *   are kept in the cloud when removed from the program (`retainOnDelete`): Secrets Manager secrets, log groups;
 * - production load balancers have AWS deletion protection;
 * - production with a missing staging digest, or an unreadable StackReference, fails with a clear message before
 *   anything changes: no resource is registered but the read of the reference, and no plan file is written.
 *
 * Sources: Pulumi resource options `protect`, `retainOnDelete`; GitHub provider `archiveOnDestroy`; ELBv2
 * `enableDeletionProtection`; CONST "Build Once, Promote Many"; F6 "Rollback Strategy".
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runPreview } from "../../src/cli/preview";
import type { StackPreview } from "../../src/offline/preview";
import { PlanResource } from "../../src/plan/types";
import { PromotionError } from "../../src/program";
import { ROOT, repositoryStacks, runStackFile } from "../helpers";

/** What production must guarantee per type: the options, and an input check where AWS/GitHub has one. */
const PRODUCTION_GUARANTEES: Array<{
  type: string;
  why: string;
  options: NonNullable<PlanResource["options"]>;
  inputs?: Record<string, unknown>;
}> = [
  {
    type: "github:index/repository:Repository",
    why: "the code and its history",
    options: { protect: true },
    inputs: { archiveOnDestroy: true },
  },
  {
    type: "github:index/repositoryEnvironment:RepositoryEnvironment",
    why: "the approval gate and its secrets",
    options: { protect: true },
  },
  {
    type: "aws:iam/role:Role",
    why: "identity: deploy (OIDC), execution and task roles",
    options: { protect: true },
  },
  {
    type: "aws:secretsmanager/secret:Secret",
    why: "secret values",
    options: { protect: true, retainOnDelete: true },
  },
  {
    type: "aws:lb/loadBalancer:LoadBalancer",
    why: "the public endpoint (DNS name)",
    options: { protect: true },
    inputs: { enableDeletionProtection: true },
  },
  { type: "aws:cloudwatch/logGroup:LogGroup", why: "logs", options: { retainOnDelete: true } },
];

describe("proofs: destroy and failure safety", function () {
  this.timeout(300_000);
  let staging: StackPreview;
  let production: StackPreview;

  before(async () => {
    [staging, production] = await repositoryStacks();
  });

  for (const g of PRODUCTION_GUARANTEES) {
    it(`production: every ${g.type.split(":").pop()} (${g.why}) has ${JSON.stringify(g.options)}${g.inputs ? ` and ${JSON.stringify(g.inputs)}` : ""}`, () => {
      const found = production.plan.resources.filter((r) => r.type === g.type);
      assert.ok(found.length >= 2, `${g.type}: ${found.length} in production`);
      for (const r of found) {
        for (const [k, v] of Object.entries(g.options))
          assert.equal(r.options?.[k as keyof typeof g.options], v, `${r.urn}: ${k}`);
        for (const [k, v] of Object.entries(g.inputs ?? {}))
          assert.deepEqual(r.inputs[k], v, `${r.urn}: ${k}`);
      }
    });
  }

  it("repositories: archived on destroy in whichever stack owns them, never force-deleted", () => {
    const repos = [...staging.plan.resources, ...production.plan.resources].filter(
      (r) => r.type === "github:index/repository:Repository",
    );
    // The apps' repositories and this one (governed by the owning stack).
    assert.equal(repos.length, production.model.apps.length + 1);
    for (const r of repos) assert.equal(r.inputs.archiveOnDestroy, true, r.urn);
  });

  it("staging stays disposable: no protect, and its load balancers can be deleted", () => {
    assert.ok(staging.plan.resources.every((r) => !r.options?.protect));
    const albs = staging.plan.resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
    assert.ok(albs.length > 0);
    for (const r of albs) assert.equal(r.inputs.enableDeletionProtection, false, r.urn);
  });

  it("nothing is imported by accident: only this repository (it holds this code) and its managed files", () => {
    const adopted: Record<string, string> = {
      "cicd-constitution-governance-repo": "cicd-constitution",
      "cicd-constitution-governance-pr-template": "cicd-constitution:.github/pull_request_template.md:main",
      "cicd-constitution-governance-codeowners": "cicd-constitution:.github/CODEOWNERS:main",
    };
    for (const r of [...staging.plan.resources, ...production.plan.resources])
      assert.equal(r.options?.import, adopted[r.name], r.urn);
  });

  describe("production fails before anything changes", () => {
    /** Runs production's program with the given staging outputs; returns the error and what was registered. */
    const runProduction = (stackOutputs: Record<string, Record<string, unknown>>) =>
      runStackFile("production", { stackOutputs });
    const REF = "surlefeu/cicd-constitution/staging";

    it("an unreadable StackReference: PromotionError naming the reference and the config key; only the read", async () => {
      const { error, records } = await runProduction({});
      assert.ok(error instanceof PromotionError, String(error));
      assert.match(error.message, /cannot read the staging stack surlefeu\/cicd-constitution\/staging/);
      assert.match(error.message, /cicd-constitution:promotion\.stagingStack/);
      assert.deepEqual(
        records.map((r) => r.type),
        ["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"],
      );
    });

    it("a staging stack without an environment profile: PromotionError, nothing registered", async () => {
      const { error, records } = await runProduction({ [REF]: { somethingElse: 1 } });
      assert.ok(error instanceof PromotionError, String(error));
      assert.match(error.message, /exports no environmentProfile; deploy staging first/);
      assert.deepEqual(
        records.map((r) => r.type),
        ["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"],
      );
    });

    for (const position of ["first", "last"] as const) {
      it(`a missing staging digest for the ${position} app: PromotionError naming it; nothing of any app registered`, async () => {
        const apps = production.model.apps;
        const missing = (position === "first" ? apps[0] : apps[apps.length - 1]).name;
        const profile = structuredClone(staging.stackOutputs.environmentProfile) as {
          apps: Record<string, { digest: string }>;
        };
        delete profile.apps[missing];
        const { error, records } = await runProduction({ [REF]: { environmentProfile: profile } });
        assert.ok(error instanceof PromotionError, String(error));
        assert.match(
          error.message,
          new RegExp(`has no digest for app ${missing}; staging must build and run it first`),
        );
        assert.deepEqual(
          records.map((r) => r.type),
          ["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"],
        );
      });
    }

    it("a malformed staging digest is refused like a missing one", async () => {
      const first = production.model.apps[0].name;
      const profile = structuredClone(staging.stackOutputs.environmentProfile) as {
        apps: Record<string, { digest: string }>;
      };
      profile.apps[first].digest = "sha256:not-a-digest";
      const { error } = await runProduction({ [REF]: { environmentProfile: profile } });
      assert.ok(error instanceof PromotionError, String(error));
      assert.match(error.message, new RegExp(`has no digest for app ${first}`));
    });

    it("`cicd preview` without the staging stack: exit 2, the message on stderr, no plan file written", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proofs-destroy-"));
      fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
      fs.copyFileSync(path.join(ROOT, "Pulumi.production.yaml"), path.join(dir, "Pulumi.production.yaml"));
      const errors: string[] = [];
      const error = console.error;
      console.error = (...a: unknown[]) => void errors.push(a.map(String).join(" "));
      let code: number;
      try {
        code = await runPreview({
          stack: "production",
          dir,
          outDir: path.join(dir, "out"),
          format: "table",
          today: "2026-11-21",
        });
      } finally {
        console.error = error;
      }
      assert.equal(code, 2);
      assert.match(
        errors.join("\n"),
        /production: cannot read the staging stack surlefeu\/cicd-constitution\/staging/,
      );
      assert.ok(!fs.existsSync(path.join(dir, "out")), "no plan file may be written");
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });
});
