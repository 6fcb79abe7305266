/**
 * The secrets a stack needs and how they are resolved (`src/config/secrets.ts`), on the repository's stacks with
 * one thing changed: which secrets are required and by what, when the GHCR pull token and the git source token
 * are needed, each secret's state, and the problems of a secret missing (engine), written in plain text, or not
 * declared by any app. No value appears in a problem.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { parseStackConfig, type RawStackConfig } from "../../src/config/model";
import { requiredSecrets, resolveSecrets } from "../../src/config/secrets";
import { type ConfigSource, OFFLINE_SECRET_PLACEHOLDER, readStackFile } from "../../src/config/sources";
import { ROOT } from "../helpers";
import { configProblems } from "../configProblems";

const TODAY = new Date("2026-11-21T00:00:00Z");

/** A stack's source with `change` applied to its raw config; `secrets` set as the engine would give them. */
function sourceOf(
  stack: "staging" | "production",
  change: (raw: any) => void = () => undefined,
  extra: Partial<ConfigSource> = {},
): ConfigSource {
  const source = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
  const raw = structuredClone(source.raw) as RawStackConfig;
  change(raw);
  const secretKeys = new Set([...source.secretKeys, ...(raw.secrets ? ["secrets"] : [])]);
  return { ...source, raw, secretKeys, ...extra };
}

const modelOf = (source: ConfigSource) =>
  parseStackConfig(source.stack, source.raw, { secretKeys: source.secretKeys, today: TODAY });

const problemsOf = (source: ConfigSource, mode: "offline" | "engine") =>
  configProblems(() => resolveSecrets(modelOf(source), source, mode), source.stack);

describe("required secrets and their resolution (secrets.ts)", () => {
  it("production: each app's runtime and environment secrets, this repository's, then the GHCR tokens", () => {
    const source = sourceOf("production");
    const required = requiredSecrets(modelOf(source), source);
    assert.deepEqual(
      required.map((s) => [s.path, s.app, s.name, s.usedBy, s.state]),
      [
        ["secrets.erp-berhan.DATABASE_URL", "erp-berhan", "DATABASE_URL", "runtime", "missing"],
        ["secrets.erp-berhan.REDIS_URL", "erp-berhan", "REDIS_URL", "runtime", "missing"],
        ["secrets.erp-berhan.JWT_SECRET", "erp-berhan", "JWT_SECRET", "runtime", "missing"],
        ["secrets.erp-berhan.TELEGRAM_BOTS_JSON", "erp-berhan", "TELEGRAM_BOTS_JSON", "runtime", "missing"],
        [
          "secrets.erp-berhan.PULUMI_ACCESS_TOKEN",
          "erp-berhan",
          "PULUMI_ACCESS_TOKEN",
          "environment",
          "missing",
        ],
        ["secrets.menu-optimizer.DATABASE_URL", "menu-optimizer", "DATABASE_URL", "runtime", "missing"],
        [
          "secrets.menu-optimizer.PULUMI_ACCESS_TOKEN",
          "menu-optimizer",
          "PULUMI_ACCESS_TOKEN",
          "environment",
          "missing",
        ],
        ...[
          "PULUMI_ACCESS_TOKEN",
          "PULUMI_STAGING_TOKEN",
          "GOVERNANCE_GITHUB_TOKEN",
          "GOVERNANCE_STAGING_TOKEN",
          "PULUMI_READ_TOKEN",
          "GOVERNANCE_READ_TOKEN",
          "BUMP_TOKEN",
        ].map((n) => [`secrets.cicd-constitution.${n}`, "cicd-constitution", n, "environment", "missing"]),
        ["ghcrToken", null, "ghcrToken", "registry", "missing"],
        ["ghcrPullToken", null, "ghcrPullToken", "registry-pull", "missing"],
      ],
    );
  });

  it("a secret both the container and the environment use is required once, for the container", () => {
    const source = sourceOf("staging", (r) => r.apps[1].environmentSecrets.push("DATABASE_URL"));
    const menu = requiredSecrets(modelOf(source), source).filter((s) => s.app === "menu-optimizer");
    assert.deepEqual(
      menu.map((s) => [s.name, s.usedBy]),
      [
        ["DATABASE_URL", "runtime"],
        ["PULUMI_ACCESS_TOKEN", "environment"],
      ],
    );
  });

  it("the pull token only while an image is private; the git source token only in staging with a private repository", () => {
    const names = (source: ConfigSource) =>
      requiredSecrets(modelOf(source), source).filter((s) => s.app === null);
    const publicImages = sourceOf("staging", (r) => r.apps.forEach((a: any) => (a.image.public = true)));
    assert.deepEqual(
      names(publicImages).map((s) => s.name),
      ["ghcrToken", "gitSourceToken"],
    );
    const oneImagePrivate = sourceOf("staging", (r) => (r.apps[0].image.public = true));
    assert.deepEqual(
      names(oneImagePrivate).map((s) => s.name),
      ["ghcrToken", "ghcrPullToken", "gitSourceToken"],
    );
    const publicRepos = sourceOf("staging", (r) =>
      r.apps.forEach((a: any) => (a.repository.visibility = "public")),
    );
    assert.deepEqual(
      names(publicRepos).map((s) => s.name),
      ["ghcrToken", "ghcrPullToken"],
    );
    const oneRepoPrivate = sourceOf("staging", (r) => (r.apps[0].repository.visibility = "public"));
    assert.deepEqual(
      names(oneRepoPrivate).map((s) => [s.name, s.usedBy]),
      [
        ["ghcrToken", "registry"],
        ["ghcrPullToken", "registry-pull"],
        ["gitSourceToken", "source"],
      ],
    );
  });

  it("state: encrypted in the file, set by the engine, or missing", () => {
    const source = sourceOf(
      "staging",
      (r) => {
        r.secrets = { "erp-berhan": { JWT_SECRET: "given" } };
        r.ghcrToken = "given-token";
        r.gitSourceToken = "given-source";
      },
      { encryptedPaths: ["secrets.erp-berhan.REDIS_URL", "ghcrPullToken"] },
    );
    const state = new Map(requiredSecrets(modelOf(source), source).map((s) => [s.path, s.state]));
    assert.equal(state.get("secrets.erp-berhan.JWT_SECRET"), "set");
    assert.equal(state.get("secrets.erp-berhan.REDIS_URL"), "encrypted");
    assert.equal(state.get("secrets.erp-berhan.DATABASE_URL"), "missing");
    assert.equal(state.get("ghcrToken"), "set");
    assert.equal(state.get("ghcrPullToken"), "encrypted");
    assert.equal(state.get("gitSourceToken"), "set");
  });

  it("offline: given values are kept, missing ones are the placeholder, stack-wide ones under app ''", () => {
    const source = sourceOf("staging", (r) => {
      r.secrets = { "erp-berhan": { JWT_SECRET: "jwt-value" } };
      r.ghcrToken = "push-value";
    });
    const { values, required } = resolveSecrets(modelOf(source), source, "offline");
    assert.equal(values.get("erp-berhan")!.get("JWT_SECRET"), "jwt-value");
    assert.equal(values.get("erp-berhan")!.get("DATABASE_URL"), OFFLINE_SECRET_PLACEHOLDER);
    assert.equal(values.get("")!.get("ghcrToken"), "push-value");
    assert.equal(values.get("")!.get("ghcrPullToken"), OFFLINE_SECRET_PLACEHOLDER);
    assert.deepEqual([...values.keys()], ["erp-berhan", "menu-optimizer", ""]);
    assert.equal(
      required.length,
      [...values.values()].reduce((n, m) => n + m.size, 0),
    );
  });

  it("engine: every missing secret is a problem naming its key and the command that sets it", () => {
    const source = sourceOf("production", (r) => {
      r.secrets = {
        "erp-berhan": { DATABASE_URL: "db", REDIS_URL: "r", JWT_SECRET: "j", TELEGRAM_BOTS_JSON: "t" },
      };
    });
    const problems = problemsOf(source, "engine");
    assert.deepEqual(problems[0], {
      key: "cicd-constitution:secrets.erp-berhan.PULUMI_ACCESS_TOKEN",
      expected: "a secret (pulumi config set --secret --path 'secrets.erp-berhan.PULUMI_ACCESS_TOKEN' ...)",
      found: "(missing)",
    });
    assert.deepEqual(problems.map((p) => p.key.replace("cicd-constitution:", "")).slice(-3), [
      "secrets.cicd-constitution.BUMP_TOKEN",
      "ghcrToken",
      "ghcrPullToken",
    ]);
    assert.equal(problems.length, 12);
    assert.ok(!JSON.stringify(problems).includes('"db"'));
  });

  it("secrets no app declares are problems: an unknown app, a name the app does not declare, this repository's", () => {
    const source = sourceOf("production", (r) => {
      r.secrets = {
        "erp-berhan": { DATABASE_URL: "v", NOT_DECLARED: "v" },
        "no-such-app": { X: "v" },
        "cicd-constitution": { BUMP_TOKEN: "v", PULUMI_ACCESS_TOKEN: "v", STRAY: "v" },
      };
    });
    assert.deepEqual(problemsOf(source, "offline"), [
      {
        key: "cicd-constitution:secrets.erp-berhan.NOT_DECLARED",
        expected: "a secret declared in the app's runtime.secrets or environmentSecrets",
        found: "an undeclared secret [secret]",
      },
      {
        key: "cicd-constitution:secrets.no-such-app.X",
        expected: "a secret of a declared app (erp-berhan, menu-optimizer)",
        found: "an undeclared secret [secret]",
      },
      {
        key: "cicd-constitution:secrets.cicd-constitution.STRAY",
        expected: "a secret of a declared app (erp-berhan, menu-optimizer)",
        found: "an undeclared secret [secret]",
      },
    ]);
    const staging = sourceOf("staging", (r) => (r.secrets = { "cicd-constitution": { BUMP_TOKEN: "v" } }));
    assert.deepEqual(
      problemsOf(staging, "offline").map((p) => p.key),
      ["cicd-constitution:secrets.cicd-constitution.BUMP_TOKEN"],
      "staging has no infrastructure section: this repository's secrets are nobody's there",
    );
  });

  it("a secret written in plain text is named with the command that encrypts it", () => {
    const source = sourceOf("staging", () => undefined, {
      plaintextSecretPaths: ["secrets.erp-berhan.JWT_SECRET"],
    });
    assert.deepEqual(problemsOf(source, "offline"), [
      {
        key: "cicd-constitution:secrets.erp-berhan.JWT_SECRET",
        expected: "a secret value (pulumi config set --secret --path 'secrets.erp-berhan.JWT_SECRET' ...)",
        found: "plain text [secret]",
      },
    ]);
  });
});
