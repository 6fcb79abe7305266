/**
 * An environment holds its reviewers by GitHub id; the plan records what each lookup answered
 * (`githubNames`, id -> `@LOGIN` or `team SLUG`), and the infra diff names an added or removed reviewer by it:
 * `145874259 (@selam)` rather than a bare number a reviewer of the pull request cannot check.
 */
import * as assert from "node:assert/strict";
import { diffPlans } from "../../src/diff/diff";
import { renderDiffs } from "../../src/diff/render";
import type { Plan } from "../../src/plan/types";
import { repositoryStacks } from "../helpers";

/** A plan of one production environment with the reviewer ids `users` and `teams`. */
function environmentPlan(users: number[], teams: number[], githubNames?: Record<string, string>): Plan {
  return {
    schemaVersion: 1,
    project: "p",
    stack: "production",
    mode: "offline",
    resources: [
      {
        urn: "urn:pulumi:production::p::github:index/repositoryEnvironment:RepositoryEnvironment::app-env",
        type: "github:index/repositoryEnvironment:RepositoryEnvironment",
        name: "app-env",
        parent: null,
        inputs: { environment: "production", reviewers: [{ users, teams }] },
      },
    ],
    outputs: {},
    requiredSecrets: [],
    assumptions: [],
    githubNames,
  } as Plan;
}

describe("infra diff: reviewers by name", () => {
  it("names an added user and a removed team from the plans' recorded lookups, in every format", () => {
    const base = environmentPlan([11], [31], { "11": "@mathieu", "31": "team release-managers" });
    const head = environmentPlan([11, 12], [], { "11": "@mathieu", "12": "@selam" });
    const d = diffPlans(base, head);
    const changes = d.changed[0].properties.map((p) => [p.path, p.before, p.after]);
    assert.deepEqual(changes, [
      ["reviewers[0].teams[0]", "31 (team release-managers)", undefined],
      ["reviewers[0].users[1]", undefined, "12 (@selam)"],
    ]);
    for (const format of ["table", "markdown", "json"] as const)
      assert.match(renderDiffs([d], format), /12 \(@selam\)/, format);
  });

  it("an id no lookup answered stays a bare id (nothing is guessed)", () => {
    const d = diffPlans(environmentPlan([11], []), environmentPlan([11, 99], []));
    assert.equal(d.changed[0].properties[0].after, 99);
  });

  it("the repository's production plan records the reviewers' lookups", async () => {
    const production = (await repositoryStacks()).find((p) => p.plan.stack === "production")!;
    const names = Object.values(production.plan.githubNames ?? {});
    assert.ok(names.includes("@mathieu"), names.join(", "));
    assert.ok(names.includes("team release-managers"), names.join(", "));
  });
});
