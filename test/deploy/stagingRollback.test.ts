/**
 * `cicd rollback --stack staging` (src/deploy/stagingRollback.ts): staging runs a digest it ran before, pinned with
 * the provenance its outputs record, instead of building; the program then builds nothing for that app and runs
 * that digest, the pack passes, and `cicd bump` of the fix rolls forward. Refusals leave the file unchanged.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { cicd, cleanTempDirs, projectWithStagingOutputs, tempProject } from "../cli-harness";
import { auditPreview } from "../../src/audit/policy";
import { previewStacks } from "../../src/offline/stacks";
import { mockDigest } from "../../src/offline/mocks";
import { ROOT, stagingRan, TEST_TODAY } from "../helpers";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
/** erp-berhan's build in the repository's staging stack: the release staging runs now (production runs it too). */
const BUILD = (
  parseDocument(fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8")).toJS().config[
    "cicd-constitution:apps"
  ] as Array<{ name: string; image: { build: { gitSha: string; date: string; actor: string } } }>
).find((a) => a.name === "erp-berhan")!.image.build;
const RUNNING = mockDigest(`ghcr.io/surlefeu/erp-berhan:${BUILD.gitSha}`);
/** Staging's releases of erp-berhan, newest (running) first. */
const RELEASES = [
  { digest: RUNNING, ...BUILD },
  { digest: digest("b"), gitSha: "b".repeat(40), date: "2026-11-19T10:00:00Z", actor: "dev2" },
  { digest: digest("a"), gitSha: "a".repeat(40), date: "2026-11-18T10:00:00Z", actor: "dev3" },
];

/** A project copy with staging's outputs holding RELEASES for erp-berhan, and its staging stack file as it was. */
function project(): { dir: string; outputs: string; before: string } {
  const { dir, outputs } = projectWithStagingOutputs(RELEASES);
  return { dir, outputs, before: fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8") };
}

const stagingText = (dir: string) => fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8");
const imageOf = (dir: string) =>
  (
    parseDocument(stagingText(dir)).toJS().config["cicd-constitution:apps"] as Array<{
      name: string;
      image: Record<string, unknown>;
    }>
  ).find((a) => a.name === "erp-berhan")!.image;
const comments = (text: string) => text.split("\n").filter((l) => l.trim().startsWith("#"));

describe("cicd rollback --stack staging", function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  it("pins the release before the running one with its provenance over the unchanged build; nothing is rebuilt", async () => {
    const { dir, outputs, before } = project();
    const r = await cicd([
      "rollback",
      "--stack",
      "staging",
      "--app",
      "erp-berhan",
      "--staging-outputs",
      outputs,
      "--dir",
      dir,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const image = imageOf(dir);
    assert.deepEqual(image.build, BUILD, "the build stays as it was");
    assert.equal(image.digest, digest("b"));
    assert.deepEqual(image.provenance, {
      gitSha: "b".repeat(40),
      date: "2026-11-19T10:00:00Z",
      actor: "dev2",
    });
    assert.deepEqual(comments(stagingText(dir)), comments(before), "every comment kept");
    assert.equal(
      (
        parseDocument(stagingText(dir)).toJS().config["cicd-constitution:apps"][0].migrations as {
          skipForDigest: string;
        }
      ).skipForDigest,
      digest("b"),
      "the older release's migration is not run",
    );
    assert.match(
      r.stdout,
      new RegExp(
        `^# ROLLBACK staging ${RUNNING.slice(7, 19)} \\(${BUILD.gitSha.slice(0, 7)}\\) -> bbbbbbbbbbbb \\(bbbbbbb\\) \\(erp-berhan\\)`,
      ),
    );
    assert.match(r.stdout, /cicd bump --app erp-berhan/);

    // Staging's last deployment recorded these releases; production runs the newest, staging now the one before.
    const previews = await previewStacks(
      dir,
      ["staging", "production"],
      TEST_TODAY,
      stagingRan({ "erp-berhan": RELEASES }),
    );
    const [staging] = previews;
    // The build is registered with the very inputs it had: pulumi up rebuilds nothing, now or rolling forward.
    const [untouched] = await previewStacks(
      ROOT,
      ["staging"],
      TEST_TODAY,
      stagingRan({ "erp-berhan": RELEASES }),
    );
    const buildOf = (p: typeof staging) =>
      p.plan.resources.find((x) => x.type === "docker-build:index:Image" && x.name.startsWith("erp-berhan"))
        ?.inputs;
    assert.ok(buildOf(staging));
    assert.deepEqual(buildOf(staging), buildOf(untouched));
    const containers = staging.resources
      .filter((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition" && x.name.includes("erp-berhan"))
      .map((x) => String(x.props.containerDefinitions));
    assert.ok(containers.length > 0);
    for (const c of containers) {
      assert.match(c, new RegExp(`@${digest("b")}`));
      assert.match(
        c,
        new RegExp(`"name":"BUILD_SHA","value":"${"b".repeat(40)}"`),
        "what runs says what it is",
      );
    }
    const audit = auditPreview(staging, TEST_TODAY, dir);
    assert.equal(
      audit.summary.mandatoryFailures,
      0,
      JSON.stringify(audit.results.filter((x) => x.status === "fail")),
    );

    // Rolled forward: the fix's build replaces the pin.
    const bump = await cicd([
      "bump",
      "--app",
      "erp-berhan",
      "--commit",
      "d".repeat(40),
      "--date",
      "2026-12-05T10:00:00Z",
      "--actor",
      "dev1",
      "--dir",
      dir,
    ]);
    assert.equal(bump.code, 0, bump.stderr);
    const forward = imageOf(dir);
    assert.deepEqual([forward.digest, forward.provenance], [undefined, undefined]);
    assert.doesNotMatch(stagingText(dir), /skipForDigest/, "the fix's migration runs again");
    assert.equal((forward.build as { gitSha: string }).gitSha, "d".repeat(40));
  });

  it("--to names any release staging ran; one it never ran, the running one, or no outputs: exit 2, file unchanged", async () => {
    const { dir, outputs, before } = project();
    const base = ["rollback", "--stack", "staging", "--app", "erp-berhan", "--dir", dir];
    for (const [args, message] of [
      [
        ["--staging-outputs", outputs, "--to", digest("e")],
        /--to: expected a digest among staging's releases/,
      ],
      [["--staging-outputs", outputs, "--to", RUNNING], /--to: expected a digest other than the one running/],
      [
        ["--staging-outputs", outputs, "--to", "latest"],
        /--to: expected a digest sha256:<64 hex>, found latest/,
      ],
      [[], /--staging-outputs FILE is required/],
    ] as Array<[string[], RegExp]>) {
      const r = await cicd([...base, ...args]);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.stderr, message);
      assert.equal(stagingText(dir), before, "file unchanged");
    }
    const r = await cicd([...base, "--staging-outputs", outputs, "--to", digest("a")]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(imageOf(dir).digest, digest("a"));
  });

  it("the config model refuses a pinned digest without the provenance staging recorded for it", async () => {
    const dir = tempProject();
    const file = path.join(dir, "Pulumi.staging.yaml");
    const text = fs.readFileSync(file, "utf8");
    const both = text.replace(/(\n( +)build:\n)/, `\n$2digest: ${digest("b")}$1`);
    assert.notEqual(both, text);
    fs.writeFileSync(file, both);
    const r = await cicd(["preview", "--stack", "staging", "--dir", dir, "--out-dir", path.join(dir, "out")]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(
      r.stderr,
      /apps\[0\]\.image\.provenance: expected the pinned digest's \{ gitSha, date, actor \}/,
    );
  });
});
