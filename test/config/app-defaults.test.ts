/**
 * What an app entry gets for what it leaves out (`src/config/appSchema.ts`): every documented default, Fargate's
 * largest sizes, the deployment strategy by environment, and the digests of an image's history.
 */
import { strict as assert } from "node:assert";
import { defaultStrategy, deploymentOf, historyDigests } from "../../src/config/appSchema";
import { appWith, DIGEST, problemsAt, problemsUnder } from "./appFields";

describe("app entry defaults (appSchema)", () => {
  it("Fargate sizes: the largest CPU sizes take memory in 4 GiB and 8 GiB steps up to 60 and 120 GiB", () => {
    const sized = (cpu: number, memoryMiB: number) =>
      problemsUnder("runtime", {
        ...appWith("runtime.cpu", 512).runtime,
        cpu,
        memoryMiB,
        environmentVariables: {},
      });
    for (const [cpu, memory] of [
      [8192, 16384],
      [8192, 20480],
      [8192, 61440],
      [16384, 32768],
      [16384, 40960],
      [16384, 122880],
    ])
      assert.deepEqual(sized(cpu, memory), [], `${cpu} CPU units, ${memory} MiB`);
    assert.deepEqual(
      sized(8192, 17408).map((p) => p.expected),
      [
        "a Fargate memory size for 8192 CPU units: 16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440 MiB",
      ],
    );
    assert.deepEqual(sized(16384, 65536 + 4096).length, 1);
  });

  it("the default strategy is canary in production, rolling elsewhere; a named one is kept", () => {
    assert.equal(defaultStrategy("production"), "canary");
    assert.equal(defaultStrategy("staging"), "rolling");
    const deployment = appWith("runtime.deployment", {}).runtime.deployment;
    assert.deepEqual(deploymentOf("production", { deployment }), { ...deployment, strategy: "canary" });
    assert.deepEqual(deploymentOf("staging", { deployment }), { ...deployment, strategy: "rolling" });
    assert.deepEqual(deploymentOf("production", { deployment: { ...deployment, strategy: "linear" } }), {
      ...deployment,
      strategy: "linear",
    });
  });

  it("an image's history digests, newest first, whichever form each entry has", () => {
    const d2 = `sha256:${"b".repeat(64)}`;
    assert.deepEqual(historyDigests({ history: [DIGEST, { digest: d2 }] }), [DIGEST, d2]);
  });

  it("an app that says only what it must gets every documented default", () => {
    const app = appWith("runtime", { port: 8000, domain: "erp.staging.surlefeu.app" });
    assert.deepEqual(
      { ...app.runtime, environmentVariables: undefined },
      {
        port: 8000,
        domain: "erp.staging.surlefeu.app",
        cpu: 512,
        memoryMiB: 1024,
        desiredCount: 1,
        health: {
          readinessPath: "/readyz",
          healthPath: "/healthz",
          versionPath: "/version",
          container: { intervalSeconds: 15, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 60 },
        },
        healthCheckGracePeriodSeconds: 60,
        scratchPaths: ["/tmp"],
        stickiness: { enabled: false, durationSeconds: 86400 },
        environmentVariables: undefined,
        secrets: [],
        deployment: {
          canaryPercent: 10,
          canaryBakeMinutes: 5,
          stepPercent: 20,
          stepBakeMinutes: 5,
          bakeMinutes: 5,
          alarms: true,
        },
        logRetentionDays: 30,
      },
    );
    assert.deepEqual(app.runtime.environmentVariables, {});
  });

  it("repository, checks, reviewers, image, smoke, flags and observability defaults", () => {
    const bare = (field: string) => appWith(field, undefined);
    assert.deepEqual(bare("repository.visibility").repository.visibility, "private");
    assert.equal(bare("repository.import").repository.import, false);
    assert.equal(bare("repository.description").repository.description, "");
    assert.deepEqual(bare("requiredChecks").requiredChecks, ["style", "unit", "smoke"]);
    assert.equal(bare("requiredApprovals").requiredApprovals, 1);
    assert.deepEqual(bare("reviewers").reviewers, { users: [], teams: [] });
    assert.deepEqual(bare("environmentSecrets").environmentSecrets, []);
    const image = bare("image.platforms").image;
    assert.deepEqual(
      [image.platforms, image.public, image.context, image.history],
      [["linux/amd64", "linux/arm64"], false, ".", []],
    );
    assert.deepEqual(bare("smoke").smoke, [{ path: "/", method: "GET", expectStatus: 200 }]);
    assert.deepEqual(appWith("smoke", [{ path: "/x" }]).smoke, [
      { path: "/x", method: "GET", expectStatus: 200 },
    ]);
    assert.deepEqual(bare("flags").flags, []);
    assert.equal(bare("flags.0.description").flags[0].description, "");
    assert.deepEqual(bare("observability").observability, {
      errorBudgetPercent: 0.5,
      errorBudgetPeriodDays: 7,
      latencyP95Seconds: 1,
      goldenPathSuccessPercent: 99,
    });
    const m = appWith("migrations", { command: ["alembic", "upgrade", "head"] }).migrations;
    assert.deepEqual(m, {
      command: ["alembic", "upgrade", "head"],
      contract: "safe_online",
      timeoutSeconds: 900,
    });
  });

  it("a variable name the schema refuses is named as the key it is, with what a name must be", () => {
    assert.deepEqual(
      problemsAt(
        "runtime.environmentVariables",
        { "log-level": "debug" },
        "runtime.environmentVariables.log-level",
      ),
      [
        {
          key: "cicd-constitution:apps[0].runtime.environmentVariables.log-level",
          expected: "an UPPER_SNAKE_CASE variable name",
          found: 'a key "log-level"',
        },
      ],
    );
  });

  it("a field of the wrong kind in place of a section is refused at the section", () => {
    assert.deepEqual(
      problemsAt("runtime.health", "fast").map((p) => p.expected),
      ["a value of type object"],
    );
  });
});
