/**
 * The infra diff names the items of name-keyed arrays (a task definition's containers, their environment
 * variables and secrets): a changed variable reads `environment[LOG_LEVEL].value`, not `environment[9].value`,
 * in every format, and values of secrets stay masked.
 */
import * as assert from "node:assert/strict";
import { SECRET_MARKER } from "../../policy-pack/lib/facts";
import { diffPlans } from "../../src/diff/diff";
import { renderDiffs } from "../../src/diff/render";
import type { Plan } from "../../src/plan/types";

type Env = Array<{ name: string; value: string }>;

/** A plan of one task definition whose container `web` has the variables `env` and secrets `secrets`. */
function taskPlan(env: Env, secrets: Array<{ name: string; valueFrom: string }> = []): Plan {
  const container = {
    name: "web",
    image: "ghcr.io/acme/web@sha256:" + "a".repeat(64),
    environment: env,
    secrets,
  };
  return {
    schemaVersion: 1,
    project: "p",
    stack: "staging",
    mode: "offline",
    resources: [
      {
        urn: "urn:pulumi:staging::p::aws:ecs/taskDefinition:TaskDefinition::web-task",
        type: "aws:ecs/taskDefinition:TaskDefinition",
        name: "web-task",
        parent: null,
        inputs: { family: "web", containerDefinitions: JSON.stringify([container]) },
      },
    ],
    outputs: {},
    requiredSecrets: [],
    assumptions: [],
  } as Plan;
}

const ENV: Env = [
  { name: "APP_ENV", value: "staging" },
  { name: "LOG_LEVEL", value: "info" },
  { name: "DB_PASSWORD", value: "hunter2-before" },
];

describe("diffPlans: name-keyed arrays", function () {
  it("names the changed environment variable in the path, in the table, the Markdown and the JSON", function () {
    const head = ENV.map((e) => (e.name === "LOG_LEVEL" ? { ...e, value: "debug" } : e));
    const d = diffPlans(taskPlan(ENV), taskPlan(head));
    const paths = d.changed.flatMap((c) => c.properties.map((p) => p.path));
    assert.deepEqual(paths, ["containerDefinitions[web].environment[LOG_LEVEL].value"]);
    for (const format of ["table", "markdown", "json"] as const) {
      const text = renderDiffs([d], format);
      assert.match(text, /environment\[LOG_LEVEL\]\.value/, format);
      assert.doesNotMatch(text, /environment\[\d+\]/, format);
    }
  });

  it("matches by name: a variable inserted in the middle is one addition, not a shift of the others", function () {
    const head = [ENV[0], { name: "FEATURE_X", value: "on" }, ...ENV.slice(1)];
    const d = diffPlans(taskPlan(ENV), taskPlan(head));
    const props = d.changed.flatMap((c) => c.properties);
    assert.deepEqual(
      props.map((p) => [p.kind, p.path]),
      [["added", "containerDefinitions[web].environment[FEATURE_X]"]],
    );
    assert.deepEqual(props[0].after, { name: "FEATURE_X", value: "on" });
  });

  it("names secrets and removed variables; quotes a name that is not a plain word", function () {
    const secret = (v: string) => [{ name: "API_URL", valueFrom: `arn:aws:ssm:eu-west-1:1:parameter/${v}` }];
    const base = [...ENV, { name: "A B", value: "1" }];
    const d = diffPlans(taskPlan(base, secret("old")), taskPlan(ENV.slice(1), secret("new")));
    const paths = d.changed.flatMap((c) => c.properties.map((p) => p.path));
    assert.deepEqual(paths, [
      "containerDefinitions[web].environment[APP_ENV]",
      'containerDefinitions[web].environment["A B"]',
      "containerDefinitions[web].secrets[API_URL].valueFrom",
    ]);
  });

  it("masks the value of a variable whose name says secret, changed, added or removed, in every format", function () {
    const changed = ENV.map((e) => (e.name === "DB_PASSWORD" ? { ...e, value: "hunter2-after" } : e));
    const renamed = [...ENV.slice(0, 2), { name: "DB_PASSWORD_2", value: "hunter2-after" }];
    for (const head of [changed, renamed]) {
      const d = diffPlans(taskPlan(ENV), taskPlan(head));
      assert.ok(d.changed.length > 0, "the change is reported");
      for (const format of ["table", "markdown", "json"] as const) {
        const text = renderDiffs([d], format);
        assert.ok(!text.includes("hunter2"), `${format}: ${text}`);
        assert.match(text, /DB_PASSWORD/, format);
      }
    }
    const d = diffPlans(taskPlan(ENV), taskPlan(changed));
    const p = d.changed[0].properties[0];
    assert.deepEqual(
      [p.path, p.before, p.after],
      ["containerDefinitions[web].environment[DB_PASSWORD].value", SECRET_MARKER, SECRET_MARKER],
    );
  });

  it("compares by index when an item has no name or two share one", function () {
    const dup = [...ENV, { name: "LOG_LEVEL", value: "warn" }];
    const head = dup.map((e, i) => (i === 3 ? { ...e, value: "error" } : e));
    const d = diffPlans(taskPlan(dup), taskPlan(head));
    assert.deepEqual(
      d.changed.flatMap((c) => c.properties.map((p) => p.path)),
      ["containerDefinitions[web].environment[3].value"],
    );
  });
});
