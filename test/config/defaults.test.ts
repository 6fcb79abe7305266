/**
 * One default, several readers: an app entry that sets no health path and no log retention gets from the config
 * model exactly what the component builds without them (ServiceRuntime's defaults) and what the policy pack checks
 * by default (CC-RUN-01 readiness path, CC-RUN-02 container health path, CC-RUN-08 minimum retention), written once
 * in policy-pack/lib/facts.ts; the runtime defaults only the model and the component share are written once in
 * components/defaults.ts. This test fails if any reader stops reading them.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { serviceRuntimeDefaults } from "../../components/ServiceRuntime";
import { DEFAULT_LOG_RETENTION_DAYS, DEFAULT_PATHS } from "../../policy-pack/lib/facts";
import { RULES } from "../../policy-pack/evaluate";
import { parseStackConfig } from "../../src/config/model";
import { readStackFile } from "../../src/config/sources";
import { ROOT } from "../helpers";

/** The model's defaults: the repository's staging config with every health and retention setting removed. */
function modelDefaults() {
  const raw = structuredClone(readStackFile(path.join(ROOT, "Pulumi.staging.yaml")).raw) as {
    apps: Array<{ runtime: Record<string, unknown> }>;
  };
  for (const app of raw.apps) {
    delete app.runtime.health;
    delete app.runtime.logRetentionDays;
  }
  const model = parseStackConfig("staging", raw as never, { today: new Date("2026-11-21T12:00:00Z") });
  return model.apps[0].runtime;
}

function ruleDefault(id: string, setting: string): unknown {
  const meta = RULES.find((r) => r.id === id)!;
  return meta.configurable![setting].default;
}

describe("defaults the model, the components and the pack share", () => {
  const model = modelDefaults();

  it("readiness path: the model's default is the component's and CC-RUN-01's", () => {
    assert.equal(model.health.readinessPath, DEFAULT_PATHS.readiness);
    assert.equal(serviceRuntimeDefaults.readinessPath, model.health.readinessPath);
    assert.equal(ruleDefault("CC-RUN-01", "path"), model.health.readinessPath);
  });

  it("container health (liveness) path: the model's default is the component's and CC-RUN-02's", () => {
    assert.equal(model.health.healthPath, DEFAULT_PATHS.liveness);
    assert.equal(serviceRuntimeDefaults.healthPath, model.health.healthPath);
    assert.equal(ruleDefault("CC-RUN-02", "path"), model.health.healthPath);
  });

  it("version path: the model's default is the one cicd verify reads when nothing is set", () => {
    assert.equal(model.health.versionPath, DEFAULT_PATHS.version);
  });

  it("container health timing, scratch paths, stickiness and grace period: the model's defaults are the component's", () => {
    const raw = structuredClone(readStackFile(path.join(ROOT, "Pulumi.staging.yaml")).raw) as {
      apps: Array<{ runtime: Record<string, unknown> }>;
    };
    for (const app of raw.apps)
      for (const k of ["health", "scratchPaths", "stickiness", "healthCheckGracePeriodSeconds"])
        delete app.runtime[k];
    const bare = parseStackConfig("staging", raw as never, { today: new Date("2026-11-21T12:00:00Z") })
      .apps[0].runtime;
    assert.deepEqual(bare.health.container, serviceRuntimeDefaults.containerHealth);
    assert.deepEqual(bare.scratchPaths, serviceRuntimeDefaults.scratchPaths);
    assert.deepEqual(bare.stickiness, serviceRuntimeDefaults.stickiness);
    assert.equal(bare.healthCheckGracePeriodSeconds, serviceRuntimeDefaults.healthCheckGracePeriodSeconds);
  });

  it("log retention: the model's default is the component's and CC-RUN-08's minimum", () => {
    assert.equal(model.logRetentionDays, DEFAULT_LOG_RETENTION_DAYS);
    assert.equal(serviceRuntimeDefaults.logRetentionDays, model.logRetentionDays);
    assert.equal(ruleDefault("CC-RUN-08", "minRetentionDays"), model.logRetentionDays);
  });
});
