/**
 * How a project's stacks are found and previewed offline (`src/offline/stacks.ts`): the stack files in dependency
 * order (staging, others by name, production), `--previous-outputs STACK=FILE` read or refused naming the option,
 * the staging releases production's stack file records (pinned provenance first, then the history entries that
 * carry theirs) standing in for staging's own record with the assumption said, and a production preview that
 * previews staging first, once, for the outputs its StackReference reads.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  previewStacks,
  previousOutputsOf,
  readPreviousOutputs,
  recordedStagingReleases,
  stackNames,
} from "../../src/offline/stacks";
import { ROOT, TEST_TODAY } from "../helpers";
import { cleanTempDirs, tempDir, tempFiles } from "../temp";

const DIGEST = (c: string) => `sha256:${c.repeat(64)}`;
const PROVENANCE = { gitSha: "a".repeat(40), date: "2026-11-14T09:12:00Z", actor: "mathieu" };

/** A project directory whose production stack file is `apps` (YAML written as JSON, which YAML reads). */
function productionWith(apps: unknown[], file = "Pulumi.production.yaml"): string {
  return tempFiles("stacks", { [file]: JSON.stringify({ config: { "cicd-constitution:apps": apps } }) });
}

describe("offline stacks: finding and ordering the stack files", function () {
  after(cleanTempDirs);

  it("lists Pulumi.<stack>.yaml and .yml, staging first, production last, the others by name between", function () {
    const dir = tempFiles("stacks", {
      "Pulumi.production.yaml": "",
      "Pulumi.qa.yml": "",
      "Pulumi.dev.yaml": "",
      "Pulumi.staging.yaml": "",
      "Pulumi.yaml": "",
      "Pulumi.staging.yaml.bak": "",
      "notes.yaml": "",
    });
    assert.deepEqual(stackNames(dir), ["staging", "dev", "qa", "production"]);
    assert.deepEqual(stackNames(tempDir("stacks-empty")), []);
  });

  it("refuses a --dir that is not a directory, naming it and what was expected", function () {
    const file = path.join(tempDir("stacks"), "file");
    fs.writeFileSync(file, "");
    for (const dir of [file, path.join(file, "missing")])
      assert.throws(
        () => stackNames(dir),
        (e: Error) =>
          e.message ===
          `--dir ${dir}: no such directory; expected the project directory holding Pulumi.<stack>.yaml`,
      );
  });

  it("reads --previous-outputs STACK=FILE, and refuses an entry without a stack or a file", function () {
    const dir = tempDir("stacks");
    const file = path.join(dir, "staging.json");
    fs.writeFileSync(file, JSON.stringify({ environmentProfile: { environment: "staging" } }));
    assert.deepEqual(readPreviousOutputs([`staging=${file}`, `qa.eu-1=${file}`]), {
      staging: { environmentProfile: { environment: "staging" } },
      "qa.eu-1": { environmentProfile: { environment: "staging" } },
    });
    assert.deepEqual(readPreviousOutputs(), {});
    for (const entry of [file, `=${file}`, "staging=", `st/aging=${file}`])
      assert.throws(
        () => readPreviousOutputs([entry]),
        (e: Error) => e.message === `--previous-outputs: expected STACK=FILE, found ${JSON.stringify(entry)}`,
      );
  });
});

describe("offline stacks: the staging releases production's stack file records", function () {
  after(cleanTempDirs);

  it("per app, the pinned digest with its pinned provenance first, then the history entries with theirs", function () {
    const pinned = { digest: DIGEST("1"), ...PROVENANCE, actor: "rollback" };
    const dir = productionWith([
      {
        name: "a",
        image: {
          digest: pinned.digest,
          provenance: { gitSha: pinned.gitSha, date: pinned.date, actor: pinned.actor },
          history: [
            DIGEST("2"),
            { digest: DIGEST("3"), ...PROVENANCE },
            { digest: DIGEST("4"), gitSha: "b" },
          ],
        },
      },
      { name: "b", image: { digest: DIGEST("5"), history: [DIGEST("6")] } },
      { name: "c", image: { history: [{ digest: DIGEST("7"), ...PROVENANCE }] } },
      { name: 5, image: { history: [{ digest: DIGEST("8"), ...PROVENANCE }] } },
      { name: "d", image: { digest: DIGEST("9"), history: "not a list" } },
    ]);
    assert.deepEqual(recordedStagingReleases(dir), {
      environmentProfile: {
        environment: "staging",
        apps: {
          a: { digest: pinned.digest, releases: [pinned, { digest: DIGEST("3"), ...PROVENANCE }] },
          c: { digest: DIGEST("7"), releases: [{ digest: DIGEST("7"), ...PROVENANCE }] },
        },
      },
    });
  });

  it("reads production's .yml file; none recorded, no apps or no production file: none", function () {
    const history = [{ digest: DIGEST("3"), ...PROVENANCE }];
    const yml = productionWith([{ name: "a", image: { history } }], "Pulumi.production.yml");
    assert.deepEqual(
      (recordedStagingReleases(yml) as { environmentProfile: { apps: unknown } }).environmentProfile.apps,
      { a: { digest: DIGEST("3"), releases: history } },
    );
    assert.equal(
      recordedStagingReleases(productionWith([{ name: "a", image: { digest: DIGEST("1") } }])),
      undefined,
    );
    assert.equal(
      recordedStagingReleases(tempFiles("stacks", { "Pulumi.production.yaml": "config: {}\n" })),
      undefined,
    );
    assert.equal(recordedStagingReleases(tempDir("stacks-none")), undefined);
  });

  it("stands in for staging's outputs only when none are given, saying so; never for another stack", function () {
    const dir = productionWith([{ name: "a", image: { history: [{ digest: DIGEST("3"), ...PROVENANCE }] } }]);
    const recorded = previousOutputsOf(dir, "staging", undefined);
    assert.deepEqual(recorded.previousOutputs, recordedStagingReleases(dir));
    assert.deepEqual(recorded.extraAssumptions, [
      {
        what: "staging ran the releases production's image.history records with their provenance (its own record is not read offline)",
        check:
          "pulumi stack output --json --show-secrets --stack staging > staging.json; cicd preview --previous-outputs staging=staging.json",
      },
    ]);
    const given = { apps: {} };
    assert.deepEqual(previousOutputsOf(dir, "staging", given), {
      previousOutputs: given,
      extraAssumptions: [],
    });
    assert.deepEqual(previousOutputsOf(dir, "production", undefined), {
      previousOutputs: undefined,
      extraAssumptions: [],
    });
    assert.deepEqual(previousOutputsOf(tempDir("stacks-none"), "staging", undefined), {
      previousOutputs: undefined,
      extraAssumptions: [],
    });
  });
});

describe("offline stacks: previewing in dependency order", function () {
  this.timeout(120_000);

  it("production alone previews staging first, once, and reads its outputs; results in the order asked", async function () {
    const [production] = await previewStacks(ROOT, ["production"], TEST_TODAY);
    assert.equal(production.plan.stack, "production");
    const reference = production.plan.resources.find((r) => r.type === "pulumi:pulumi:StackReference");
    assert.ok(reference, "production reads staging through a StackReference");
    const profile = (reference.inputs.outputs as { environmentProfile?: { environment?: string } })
      .environmentProfile;
    assert.equal(profile?.environment, "staging", "the reference reads staging's previewed outputs");
    const both = await previewStacks(ROOT, ["production", "staging", "production"], TEST_TODAY);
    assert.deepEqual(
      both.map((p) => p.plan.stack),
      ["production", "staging", "production"],
    );
    assert.equal(both[0], both[2], "each stack previewed once");
  });
});
