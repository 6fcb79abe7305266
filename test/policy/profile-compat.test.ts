/**
 * The environment profile's readiness path (policy-pack/lib/profile.ts): exported as `readinessPath`; a staging
 * stack last deployed before the rename still exports `healthCheckPath`, and production's parity rule (CC-PAR-03)
 * reads either, so the first production deploy after the rename is not blocked by a name.
 */
import { strict as assert } from "node:assert";
import { readinessPathOf } from "../../policy-pack/lib/profile";
import { T } from "../../policy-pack/lib/tokens";
import { failures, realStacks, run } from "./helpers";

/** Production's resources with staging's exported profile edited by `edit` (each app's profile). */
async function withStagingProfile(edit: (app: Record<string, unknown>) => void) {
  const production = (await realStacks()).production;
  const resources = structuredClone(production.resources);
  const ref = resources.find(
    (r) =>
      r.type === T.stackReference && (r.props as any).outputs?.environmentProfile?.environment === "staging",
  )!;
  for (const app of Object.values((ref.props as any).outputs.environmentProfile.apps)) edit(app as any);
  return { production, resources };
}

describe("environment profile: the readiness path under its name and its former one", () => {
  it("readinessPathOf reads readinessPath, else healthCheckPath, else nothing", () => {
    assert.equal(readinessPathOf({ readinessPath: "/readyz", healthCheckPath: "/old" }), "/readyz");
    assert.equal(readinessPathOf({ healthCheckPath: "/readyz" }), "/readyz");
    assert.equal(readinessPathOf({}), undefined);
  });

  it("the program exports readinessPath (and no healthCheckPath)", async () => {
    const { resources } = await withStagingProfile((app) => {
      assert.equal(typeof app.readinessPath, "string");
      assert.ok(!("healthCheckPath" in app));
    });
    assert.ok(resources.length > 0);
  });

  it("CC-PAR-03 passes against a staging profile exported under the former name", async () => {
    const { production, resources } = await withStagingProfile((app) => {
      app.healthCheckPath = app.readinessPath;
      delete app.readinessPath;
    });
    assert.deepEqual(
      failures(run(production, resources)).filter((f) => f.startsWith("CC-PAR-03")),
      [],
    );
  });

  it("and fails when the former name holds another path", async () => {
    const { production, resources } = await withStagingProfile((app) => {
      app.healthCheckPath = "/ready-elsewhere";
      delete app.readinessPath;
    });
    const fails = failures(run(production, resources)).filter((f) => f.startsWith("CC-PAR-03"));
    assert.ok(fails.length >= 1, "a different readiness path fails parity");
  });
});
