/**
 * One app per resource: the plan summary (src/offline/summary.ts), the report's stack file locations
 * (src/report/build.ts) and the policy pack (policy-pack/lib/props.ts `appOf`) give every resource of the
 * repository's two stacks the same app.
 */
import { strict as assert } from "node:assert";
import { appOf as packAppOf } from "../../policy-pack/lib/props";
import { auditPreview, findStackFile } from "../../src/audit/policy";
import { appOf as summaryAppOf, summarizePlan } from "../../src/offline/summary";
import type { StackPreview } from "../../src/offline/preview";
import { StackFileLocator } from "../../src/report/build";
import { RULES } from "../../policy-pack/catalogue";
import { repositoryStacks, ROOT } from "../helpers";
import { NOW } from "./real-results";

let previews: StackPreview[];

before(async function () {
  previews = await repositoryStacks();
});

/** The pack's app of every resource of a preview, by URN. */
function packApps(p: StackPreview): Map<string, string | undefined> {
  const byUrn = new Map(p.resources.map((r) => [r.urn, r]));
  return new Map(p.resources.map((r) => [r.urn, packAppOf(r, byUrn)]));
}

describe("the app of a resource (policy-pack/lib/props.ts appOf)", function () {
  it("the plan summary gives every plan resource the pack's app", function () {
    for (const p of previews) {
      const apps = packApps(p);
      const byUrn = new Map(p.plan.resources.map((r) => [r.urn, r]));
      for (const r of p.plan.resources)
        assert.equal(summaryAppOf(r, byUrn), apps.get(r.urn) ?? null, `${p.plan.stack} ${r.urn}`);
    }
  });

  it("the plan summary counts under each app the resources the pack gives it", function () {
    for (const p of previews) {
      const apps = packApps(p);
      const lines = summarizePlan(p.plan);
      const appNames = p.plan.resources.filter((r) => r.type === "cicd-constitution:app:Application");
      assert.ok(appNames.length >= 2, `${p.plan.stack} has apps`);
      for (const { name } of appNames) {
        const custom = p.plan.resources.filter(
          (r) => !r.type.startsWith("cicd-constitution:") && apps.get(r.urn) === name,
        );
        assert.ok(custom.length > 10, `${p.plan.stack}/${name} has resources`);
        assert.ok(lines.includes(`  ${name} (${custom.length} resources)`), `${p.plan.stack}/${name}`);
      }
    }
  });

  it("the report locates each result on a resource in the entry of the pack's app, when the stack file lists it", function () {
    for (const p of previews) {
      const apps = packApps(p);
      const file = findStackFile(ROOT, p.plan.stack)!;
      const listed = new Set(new StackFileLocator(file.uri, file.text, RULES).appNames());
      const report = auditPreview(p, NOW, ROOT);
      let inEntries = 0;
      report.results.forEach((x, i) => {
        if (!x.resource || x.ruleId.startsWith("CC-WAIVE")) return;
        const app = apps.get(x.resource.urn);
        const key = report.locations![i]!.key;
        const where = `${p.plan.stack} ${x.ruleId} ${x.resource.name}`;
        if (app !== undefined && listed.has(app)) {
          assert.ok(key.startsWith(`cicd-constitution:apps[${app}]`), `${where}: ${key}`);
          inEntries++;
        } else assert.ok(!key.includes("apps["), `${where} (app ${app}): ${key}`);
      });
      assert.ok(inEntries > 100, `${p.plan.stack}: results located in app entries`);
    }
  });

  it("without the resources, the locator places no result inside an app entry", function () {
    const p = previews[1];
    const file = findStackFile(ROOT, p.plan.stack)!;
    const locator = new StackFileLocator(file.uri, file.text, RULES);
    const report = auditPreview(p, NOW, ROOT);
    for (const x of report.results) assert.ok(!locator.locate(x).key.includes("apps["), x.ruleId);
  });
});
