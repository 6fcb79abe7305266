/**
 * What `cicd verify` and `cicd predeploy` check each app against (src/deploy/targets.ts), read from the
 * repository's stack files and hand-built outputs: the digest is the pinned one, else the outputs' image reference
 * (none refused, naming the key); the commit is the outputs' build record, else the pinned provenance, else the
 * stack file's build; the ECS names, alias, URL, health paths (each once) and burn alarms are the environment's;
 * `stackApp` names the stack's apps for an unknown one.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { ConfigError } from "../../src/config/model";
import { deployedStack, stackApp } from "../../src/deploy/targets";
import { cleanTempDirs, tempProject } from "../cli-harness";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const ERP_BUILD = "3f9c2a7e5b8d41c6a0e2f7b9d3c5a1e8f4b6d2c0";
const PRODUCTION_ERP = "sha256:e1db7ed9b791d429b65c423dd68ad538024b18e7929fad9301651f3753f5b56e";

/** Writes `outputs` beside the stack files of `dir`; returns its path. */
function outputsFile(dir: string, outputs: unknown): string {
  const file = path.join(dir, "outputs.json");
  fs.writeFileSync(file, JSON.stringify(outputs));
  return file;
}

describe("deploy targets, unit", () => {
  after(cleanTempDirs);

  it("staging: the digest from the outputs' image reference, the commit from the outputs' build record", async () => {
    const dir = tempProject();
    const outputs = outputsFile(dir, {
      apps: {
        "erp-berhan": { imageRef: `ghcr.io/surlefeu/erp-berhan@${digest("1")}` },
        "menu-optimizer": { imageRef: `ghcr.io/surlefeu/menu-optimizer@${digest("2")}` },
      },
      environmentProfile: { apps: { "erp-berhan": { build: { gitSha: "1".repeat(40) } } } },
    });
    const { apps } = await deployedStack(dir, "staging", outputs);
    assert.deepEqual(
      apps.map((t) => [t.app, t.digest, t.gitSha]),
      [
        ["erp-berhan", digest("1"), "1".repeat(40)],
        ["menu-optimizer", digest("2"), "8d2e4f6a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e"],
      ],
    );
    const [erp, menu] = apps;
    assert.deepEqual(
      {
        environment: erp.environment,
        githubOwner: erp.githubOwner,
        repository: erp.repository,
        cluster: erp.cluster,
        service: erp.service,
        imageRepository: erp.imageRepository,
        alias: erp.alias,
        url: erp.url,
        burnAlarms: erp.burnAlarms,
      },
      {
        environment: "staging",
        githubOwner: "surlefeu",
        repository: "erp-berhan",
        cluster: "erp-berhan-staging",
        service: "erp-berhan-staging",
        imageRepository: "ghcr.io/surlefeu/erp-berhan",
        alias: "staging",
        url: "https://erp.staging.surlefeu.app",
        burnAlarms: [
          "erp-berhan-staging-error-budget-burn-fast",
          "erp-berhan-staging-error-budget-burn-slow",
        ],
      },
    );
    assert.deepEqual(menu.healthPaths, ["/_stcore/health"], "one path, read once");
    assert.equal(menu.url, "https://menu.staging.surlefeu.app");
  });

  it("staging without outputs: the build the stack file records, and no digest, which is refused naming the key", async () => {
    const dir = tempProject();
    await assert.rejects(deployedStack(dir, "staging"), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.stackName, "staging");
      assert.deepEqual(e.problems, [
        {
          key: "cicd-constitution:apps[0].image.digest",
          expected: "a pinned digest, or --outputs with apps.erp-berhan.imageRef",
          found: "none",
        },
      ]);
      return true;
    });
    const outputs = outputsFile(dir, { apps: { "erp-berhan": { imageRef: `x@${digest("1")}` } } });
    await assert.rejects(deployedStack(dir, "staging", outputs), /apps\[1\]\.image\.digest/);
    const both = outputsFile(dir, {
      apps: {
        "erp-berhan": { imageRef: `x@${digest("1")}` },
        "menu-optimizer": { imageRef: `x@${digest("2")}` },
      },
      environmentProfile: { environment: "staging" },
    });
    assert.equal((await deployedStack(dir, "staging", both)).apps[0].gitSha, ERP_BUILD);
  });

  it("production: the pinned digest over the outputs', the pinned provenance's commit, the prod alias", async () => {
    const dir = tempProject();
    const file = path.join(dir, "Pulumi.production.yaml");
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    const provenance = { gitSha: "7".repeat(40), date: "2026-11-20T09:30:00Z", actor: "mathieu" };
    doc.setIn(["config", "cicd-constitution:apps", 0, "image", "provenance"], provenance);
    fs.writeFileSync(file, doc.toString());
    const outputs = outputsFile(dir, { apps: { "erp-berhan": { imageRef: `x@${digest("1")}` } } });
    const { model, apps } = await deployedStack(dir, "production", outputs);
    assert.equal(model.environment, "production");
    const [erp, menu] = apps;
    assert.deepEqual(
      [erp.digest, erp.gitSha, erp.alias, erp.environment, erp.cluster, erp.url],
      [
        PRODUCTION_ERP,
        "7".repeat(40),
        "prod",
        "production",
        "erp-berhan-production",
        "https://erp.surlefeu.app",
      ],
    );
    assert.equal(menu.gitSha, undefined, "no provenance pinned, no outputs' record: unknown");
    const profiled = outputsFile(dir, {
      environmentProfile: { apps: { "erp-berhan": { build: { gitSha: "6".repeat(40) } } } },
    });
    assert.equal((await deployedStack(dir, "production", profiled)).apps[0].gitSha, "6".repeat(40));
  });

  it("stackApp: the app and its index, or the stack's apps named for an unknown one", () => {
    const dir = tempProject();
    const { app, index, model } = stackApp(dir, "production", "menu-optimizer");
    assert.deepEqual([app.name, index, model.environment], ["menu-optimizer", 1, "production"]);
    assert.equal(stackApp(dir, "production", "erp-berhan").index, 0);
    assert.throws(
      () => stackApp(dir, "production", "ghost"),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.stackName === "production" &&
        JSON.stringify(e.problems) ===
          JSON.stringify([{ key: "--app", expected: "one of erp-berhan, menu-optimizer", found: "ghost" }]),
    );
  });
});
