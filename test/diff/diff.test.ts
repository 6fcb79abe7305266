/**
 * The infra diff on real plans: the repository's stack files previewed twice, the second time with one more
 * production reviewer and another image digest, must show exactly those changes.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Document, parseDocument } from "yaml";
import { previewStacks } from "../../src/offline/stacks";
import { SECRET_MARKER } from "../../policy-pack/lib/facts";
import { diffCounts, diffPlans, PlanDiff } from "../../src/diff/diff";
import { REPLACE_ON_CHANGE, replacesOnChange } from "../../src/diff/replacements";
import { renderDiffs } from "../../src/diff/render";
import type { Plan } from "../../src/plan/types";
import { ROOT, stagingRan } from "../helpers";
import { cleanTempDirs, tempDir } from "../temp";

/** A digest staging ran in an earlier deployment (its last outputs say so), so production may promote it. */
const NEW_DIGEST = "sha256:" + "ab".repeat(32);
const APPS = ["config", "cicd-constitution:apps"];
/** That digest's provenance, as staging's releases record it. */
const NEW_BUILD = { gitSha: "e".repeat(40), date: "2026-11-01T10:00:00Z" };

/** A project directory with the repository's stack files, production edited by `edit`. */
function projectWith(edit: (production: Document) => void): string {
  const dir = tempDir("diff-test");
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.copyFileSync(path.join(ROOT, "Pulumi.staging.yaml"), path.join(dir, "Pulumi.staging.yaml"));
  const production = parseDocument(fs.readFileSync(path.join(ROOT, "Pulumi.production.yaml"), "utf8"));
  edit(production);
  fs.writeFileSync(path.join(dir, "Pulumi.production.yaml"), production.toString());
  return dir;
}

describe("diffPlans on real plans", function () {
  after(cleanTempDirs);
  let base: Plan;
  let head: Plan;
  let diff: PlanDiff;
  let app: string;
  let oldDigest: string;

  before(async function () {
    const baseDir = projectWith(() => {});
    const prod = parseDocument(fs.readFileSync(path.join(baseDir, "Pulumi.production.yaml"), "utf8"));
    app = String(prod.getIn([...APPS, 0, "name"]));
    oldDigest = String(prod.getIn([...APPS, 0, "image", "digest"]));
    const headDir = projectWith((p) => {
      p.setIn([...APPS, 0, "image", "digest"], NEW_DIGEST);
      const users = (p.getIn([...APPS, 0, "reviewers", "users"]) as { toJSON(): string[] }).toJSON();
      p.setIn([...APPS, 0, "reviewers", "users"], [...users, "second-reviewer"]);
    });
    const ran = stagingRan({
      [app]: [{ digest: NEW_DIGEST, ...NEW_BUILD, actor: "mathieu" }],
    });
    base = (await previewStacks(baseDir, ["staging", "production"], undefined, ran))[1].plan;
    head = (await previewStacks(headDir, ["staging", "production"], undefined, ran))[1].plan;
    diff = diffPlans(base, head);
  });

  it("finds no change between a plan and itself", function () {
    const same = diffPlans(base, base);
    assert.deepEqual(diffCounts(same), {
      added: 0,
      removed: 0,
      updated: 0,
      replaced: 0,
      unchanged: base.resources.length,
    });
    assert.deepEqual(same.outputs, []);
  });

  it("shows exactly the reviewer, the digest and its provenance (BUILD_SHA, BUILD_DATE) changes", function () {
    assert.equal(diff.added.length, 0);
    assert.equal(diff.removed.length, 0);
    const changes = diff.changed.flatMap((c) => c.properties.map((p) => `${c.type} ${c.name} ${p.path}`));
    // The service's task and its migration task (same image, same BUILD_*: CC-RUN-14) take the new revision.
    assert.deepEqual(changes.sort(), [
      `aws:ecs/taskDefinition:TaskDefinition ${app}-production-migration-task containerDefinitions[${app}].environment[BUILD_DATE].value`,
      `aws:ecs/taskDefinition:TaskDefinition ${app}-production-migration-task containerDefinitions[${app}].environment[BUILD_SHA].value`,
      `aws:ecs/taskDefinition:TaskDefinition ${app}-production-migration-task containerDefinitions[${app}].image`,
      `aws:ecs/taskDefinition:TaskDefinition ${app}-production-task containerDefinitions[${app}].environment[BUILD_DATE].value`,
      `aws:ecs/taskDefinition:TaskDefinition ${app}-production-task containerDefinitions[${app}].environment[BUILD_SHA].value`,
      `aws:ecs/taskDefinition:TaskDefinition ${app}-production-task containerDefinitions[${app}].image`,
      `docker-build:index:Index ${app}-production-image-alias sources[0]`,
      `github:index/repositoryEnvironment:RepositoryEnvironment ${app}-production-environment-env reviewers[0].users[1]`,
    ]);
    for (const c of diff.changed) {
      for (const p of c.properties) {
        if (p.path === "reviewers[0].users[1]") {
          assert.equal(p.kind, "added");
          assert.match(String(p.after), /^\d+ \(@second-reviewer\)$/, "the id, named by its recorded lookup");
        } else if (/environment\[BUILD_(SHA|DATE)\]\.value$/.test(p.path)) {
          assert.ok([NEW_BUILD.gitSha, NEW_BUILD.date].includes(String(p.after)), String(p.after));
        } else {
          assert.equal(p.kind, "changed");
          assert.ok(String(p.before).endsWith(`@${oldDigest}`), String(p.before));
          assert.ok(String(p.after).endsWith(`@${NEW_DIGEST}`), String(p.after));
        }
      }
    }
    assert.equal(diff.unchanged, base.resources.length - 4);
  });

  it("flags the task definition (a new revision) as a replacement and the rest as updates", function () {
    const actions = Object.fromEntries(diff.changed.map((c) => [c.name, c.action]));
    assert.deepEqual(actions, {
      [`${app}-production-task`]: "replace",
      [`${app}-production-migration-task`]: "replace",
      [`${app}-production-image-alias`]: "update",
      [`${app}-production-environment-env`]: "update",
    });
  });

  it("reports the digest and its provenance in the stack outputs, and nothing else there", function () {
    assert.ok(diff.outputs.length > 0);
    for (const o of diff.outputs) {
      const expected = o.path.endsWith("gitSha")
        ? NEW_BUILD.gitSha
        : o.path.endsWith(".date")
          ? NEW_BUILD.date
          : NEW_DIGEST.slice(7);
      assert.ok(String(o.after).includes(expected), o.path);
    }
  });

  it("renders the changes in every format, with replacements marked", function () {
    const md = renderDiffs([diff], "markdown");
    assert.match(md, /reviewers\[0\]\.users\[1\]/);
    assert.match(md, /containerDefinitions\[[\w-]+\]\.image`\s\*\*\(forces replacement\)\*\*/);
    assert.match(md, /2 to replace/);
    const table = renderDiffs([diff], "table");
    assert.match(table, /\+- /);
    assert.match(table, /2 to update in place, 2 to replace/);
    const json = JSON.parse(renderDiffs([diff], "json")) as { diffs: PlanDiff[] };
    assert.deepEqual(json.diffs[0].changed.length, 4);
  });

  it("keeps secrets masked and never reports two masked values as a change", function () {
    const secret = base.resources.find((r) => r.type.endsWith("ActionsEnvironmentSecret"));
    assert.ok(secret, "the production plan has an environment secret");
    assert.equal(secret.inputs.value, SECRET_MARKER);
    const leaked: Plan = JSON.parse(JSON.stringify(head));
    const target = leaked.resources.find((r) => r.urn === secret.urn)!;
    target.inputs.value = "hunter2-plain-text";
    const d = diffPlans(base, leaked);
    const text = renderDiffs([d], "markdown") + renderDiffs([d], "table") + renderDiffs([d], "json");
    assert.ok(!text.includes("hunter2"), "a plain value under a secret key is masked");
    assert.ok(!d.changed.some((c) => c.urn === secret.urn), "[secret] vs masked value is no visible change");
  });
});

describe("replacement table", function () {
  it("treats any input change of an immutable type as a replacement, but not a tag change", function () {
    assert.equal(REPLACE_ON_CHANGE["aws:ecs/taskDefinition:TaskDefinition"], "*");
    assert.equal(replacesOnChange("aws:ecs/taskDefinition:TaskDefinition", "cpu"), true);
    assert.equal(replacesOnChange("aws:ecs/taskDefinition:TaskDefinition", "tags.owner"), false);
  });
  it("matches the top-level property of a path", function () {
    assert.equal(replacesOnChange("aws:lb/targetGroup:TargetGroup", "port"), true);
    assert.equal(replacesOnChange("aws:lb/targetGroup:TargetGroup", "healthCheck.path"), false);
    assert.equal(
      replacesOnChange("github:index/repositoryEnvironment:RepositoryEnvironment", "environment"),
      true,
    );
    assert.equal(
      replacesOnChange("github:index/repositoryEnvironment:RepositoryEnvironment", "reviewers[0]"),
      false,
    );
    assert.equal(replacesOnChange("aws:unknown/thing:Thing", "name"), false);
  });
});
