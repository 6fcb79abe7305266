/**
 * What `previewStack` / `previewSource` (`src/offline/preview.ts`) put in the plan besides the resources: the
 * stated assumptions (the model's, then the caller's), the required secrets by path and state, the GitHub names
 * looked up (sorted by id), the project (from Pulumi.yaml, else `cicd-constitution`), the day config dates are
 * judged on, the origin config errors name, and the run's wall time.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../src/config/errors";
import { readStackFile, readStackText } from "../../src/config/sources";
import { assumptionsOf, previewSource, previewStack } from "../../src/offline/preview";
import { repositoryStacks, ROOT, TEST_TODAY } from "../helpers";
import { cleanTempDirs, tempFiles } from "../temp";

const STAGING = path.join(ROOT, "Pulumi.staging.yaml");

/** The repository's shared preview of `stack`. */
async function shared(stack: "staging" | "production") {
  return (await repositoryStacks()).find((p) => p.plan.stack === stack)!;
}

describe("offline preview: the plan's fields beside its resources", function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  it("states the model's assumptions, then the caller's, in that order", async function () {
    for (const stack of ["staging", "production"] as const) {
      const p = await shared(stack);
      const own = assumptionsOf(p.model);
      assert.ok(own.length >= 5, `${stack}: ${own.length} assumptions`);
      assert.deepEqual(p.plan.assumptions.slice(0, own.length), own, stack);
    }
    const plain = await previewStack(STAGING, { today: TEST_TODAY });
    assert.deepEqual(
      plain.plan.assumptions,
      assumptionsOf(plain.model),
      "none but the model's when none is given",
    );
    const extra = [{ what: "staging's last outputs were made up from a file", check: "pulumi stack output" }];
    const p = await previewStack(STAGING, { today: TEST_TODAY, extraAssumptions: extra });
    assert.deepEqual(p.plan.assumptions, [...assumptionsOf(p.model), ...extra]);
  });

  it("lists each required secret by its path and state only, as the preview resolved them", async function () {
    for (const stack of ["staging", "production"] as const) {
      const p = await shared(stack);
      assert.ok(p.requiredSecrets.length >= 4, stack);
      assert.deepEqual(
        p.plan.requiredSecrets,
        p.requiredSecrets.map((s) => ({ path: s.path, state: s.state })),
      );
      for (const s of p.plan.requiredSecrets) {
        assert.deepEqual(Object.keys(s).sort(), ["path", "state"]);
        assert.match(s.path, /^(secrets\.[a-z0-9-]+\.[A-Z0-9_]+|[a-zA-Z]+)$/);
      }
    }
  });

  it("records the GitHub reviewers it looked up, id -> name, by id; staging looks none up", async function () {
    const production = await shared("production");
    const names = Object.entries(production.plan.githubNames ?? {});
    assert.ok(names.length > 0, "production looks its reviewers up");
    // The ids are GitHub's numbers: an object (and its JSON) keeps integer keys in ascending numeric order.
    const ids = names.map(([id]) => Number(id));
    assert.ok(ids.every(Number.isSafeInteger), JSON.stringify(ids));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    const m = production.model;
    const reviewers = [...m.apps.map((a) => a.reviewers), m.infrastructure!.reviewers];
    const wanted = new Set(reviewers.flatMap((r) => [...r.users, ...r.teams]));
    const looked = names.map(([, name]) => name);
    for (const name of wanted)
      assert.ok(
        looked.some((l) => l.endsWith(name)),
        `${name} in ${looked}`,
      );
    assert.deepEqual((await shared("staging")).plan.githubNames, {});
  });

  it("runs under the project Pulumi.yaml names, else cicd-constitution", async function () {
    const text = fs.readFileSync(STAGING, "utf8");
    const dir = tempFiles("preview-plan", {
      "Pulumi.yaml": "name: other-project\nruntime: nodejs\n",
      "Pulumi.staging.yaml": text,
    });
    const named = await previewStack(path.join(dir, "Pulumi.staging.yaml"), { today: TEST_TODAY });
    assert.equal(named.plan.project, "other-project");
    assert.ok(named.plan.resources.every((r) => r.urn.startsWith("urn:pulumi:staging::other-project::")));
    const fromSource = await previewSource(readStackFile(STAGING), { today: TEST_TODAY });
    assert.equal(fromSource.plan.project, "cicd-constitution");
    assert.ok(fromSource.plan.resources[0].urn.startsWith("urn:pulumi:staging::cicd-constitution::"));
  });

  it("judges dates on the day it is given, and names the source's origin in a config error", async function () {
    // A flag of the staging stack file is removed on 2027-02-28: previewed later, the config is refused.
    const later = new Date("2027-03-15T12:00:00Z");
    await assert.rejects(previewStack(STAGING, { today: later }), (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.match(err.message, /removalDate/);
      assert.match(err.message, /Pulumi\.staging\.yaml/);
      return true;
    });
    const text = fs.readFileSync(STAGING, "utf8").replace(/aws:region: \S+/, "aws:region: nowhere");
    assert.notEqual(text, fs.readFileSync(STAGING, "utf8"), "the stack file names its region");
    const source = readStackText(text, "staging", "handed-over.yaml");
    await assert.rejects(previewSource(source, { today: TEST_TODAY }), (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.match(err.message, /handed-over\.yaml/);
      // Named as the stack file writes it, not as the schema's field.
      assert.ok(
        err.message.includes('\n  - aws:region: expected an AWS region such as eu-west-1, found "nowhere"'),
        err.message,
      );
      return true;
    });
  });

  it("reports its wall time in milliseconds", async function () {
    const before = Date.now();
    const p = await previewStack(STAGING, { today: TEST_TODAY });
    const elapsed = Date.now() - before;
    assert.ok(p.millis >= 0 && p.millis <= elapsed, `${p.millis} ms of ${elapsed} ms`);
  });
});
