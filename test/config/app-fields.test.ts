/**
 * Every field of an app entry (`src/config/appSchema.ts`) at its edges: the values just inside a limit are
 * accepted, the values just outside are refused with a problem that names the key and says what was expected, a
 * pattern refuses junk before and after a valid value, and what is left out gets its documented default.
 *
 * Each case changes one field of staging's first app (`Pulumi.staging.yaml`, `apps[0]`) and reads the problems at
 * that key only, so that a case does not depend on what other checks say about the changed stack.
 */
import { anchored, DIGEST, type FieldCase, fieldCases, SHA } from "./appFields";

const CASES: FieldCase[] = [
  anchored("name", "erp-berhan", "a lowercase app name of 3-20 characters (letters, digits, -)", [
    ["ab", "a lowercase app name of 3-20 characters (letters, digits, -)"],
    ["a".repeat(21), "a lowercase app name of 3-20 characters (letters, digits, -)"],
    ["erp-migrate", "a name not ending in -migrate (APP-migrate-ENV names APP's migration task family)"],
  ]),
  {
    field: "owner",
    accepts: ["erp-team", "@org/team"],
    refuses: [
      ["x", "an owner (login or team)"],
      [" erp-team", "an owner (login or team)"],
      ["erp-team ", "an owner (login or team)"],
    ],
  },
  {
    ...anchored("repository.name", "erp-berhan", "a GitHub repository name", [
      ["a".repeat(101), "a GitHub repository name"],
      ["", "a GitHub repository name"],
    ]),
    accepts: ["a".repeat(100), "A_b.c-1"],
  },
  { field: "repository.description", accepts: ["x"], refuses: [[5, "a string"]] },
  { field: "repository.import", accepts: [true], refuses: [["yes", "a value of type boolean"]] },
  {
    field: "repository.codeOwners",
    accepts: [["@login"], ["@org/team.x"]],
    refuses: [
      [[], "at least 1 item"],
      [["login"], "a code owner @login or @ORG/TEAM", "repository.codeOwners[0]"],
      [["@login!"], "a code owner @login or @ORG/TEAM", "repository.codeOwners[0]"],
      [["x@login"], "a code owner @login or @ORG/TEAM", "repository.codeOwners[0]"],
      [["@org/"], "a code owner @login or @ORG/TEAM", "repository.codeOwners[0]"],
    ],
  },
  {
    field: "requiredChecks",
    accepts: [["a".repeat(100)], ["ci / unit (3.12): py"]],
    refuses: [
      [[], "at least 1 item"],
      [["a".repeat(101)], "a status check context", "requiredChecks[0]"],
      [["unit!"], "a status check context", "requiredChecks[0]"],
      [["!unit"], "a status check context", "requiredChecks[0]"],
    ],
  },
  {
    field: "requiredApprovals",
    accepts: [0, 10],
    refuses: [
      [-1, "a value >= 0"],
      [11, "a value <= 10"],
    ],
  },
  {
    field: "reviewers.users",
    accepts: [["a".repeat(39)]],
    refuses: [
      [["-lead"], "a GitHub login", "reviewers.users[0]"],
      [["lead!"], "a GitHub login", "reviewers.users[0]"],
      [["a".repeat(40)], "a GitHub login", "reviewers.users[0]"],
    ],
  },
  {
    field: "reviewers.teams",
    accepts: [["ops_team-1"]],
    refuses: [
      [["-ops"], "a GitHub team slug", "reviewers.teams[0]"],
      [["ops!"], "a GitHub team slug", "reviewers.teams[0]"],
    ],
  },
  {
    field: "environmentSecrets",
    accepts: [["A", "PULUMI_ACCESS_TOKEN"]],
    refuses: [
      [["_TOKEN"], "an UPPER_SNAKE_CASE secret name", "environmentSecrets[0]"],
      [["TOKEN-1"], "an UPPER_SNAKE_CASE secret name", "environmentSecrets[0]"],
    ],
  },
  anchored(
    "image.repository",
    "ghcr.io/surlefeu/erp-berhan",
    "a GHCR repository ghcr.io/OWNER/NAME (lowercase)",
  ),
  { field: "image.public", accepts: [true], refuses: [["no", "true or false"]] },
  anchored("image.build.gitSha", SHA, "a full 40-character lowercase git SHA"),
  {
    field: "image.build.date",
    accepts: ["2026-11-20T09:30:00Z"],
    refuses: [["2026-11-20", "an ISO 8601 UTC time such as 2026-11-20T10:00:00Z"]],
  },
  {
    ...anchored(
      "image.build.actor",
      "dependabot[bot]",
      "a GitHub login or a bot login such as dependabot[bot]",
    ),
    accepts: ["mathieu", "dependabot[bot]"],
  },
  {
    ...anchored("image.build.version", "mvp-1.4.0", "a release version such as mvp-1.4.0", [
      ["v" + "1".repeat(64), "a release version such as mvp-1.4.0"],
    ]),
    accepts: ["mvp-1.4.0", "1+build.7", "v" + "1".repeat(63)],
  },
  {
    field: "image.context",
    accepts: [".", "services/web", "_a/b.c"],
    refuses: [
      ["/abs", "a directory of the app repository, such as . or services/web"],
      ["services/", "a directory of the app repository, such as . or services/web"],
      ["a/.b/../c!", "a directory of the app repository, such as . or services/web"],
      ["../up", "a directory of the app repository, such as . or services/web"],
      ["a/!b", "a directory of the app repository, such as . or services/web"],
      ["a!", "a directory of the app repository, such as . or services/web"],
    ],
  },
  {
    field: "image.platforms",
    accepts: [["linux/amd64"], ["linux/arm64", "linux/amd64"]],
    refuses: [
      [[], "at least 1 item"],
      [
        ["linux/arm64"],
        "platforms including linux/amd64, the platform the tasks run on (ECS runtimePlatform LINUX/X86_64); without it the tasks do not start",
      ],
      [["windows/amd64"], 'one of "linux/amd64", "linux/arm64"', "image.platforms[0]"],
    ],
  },
  anchored("image.digest", DIGEST, "an image digest sha256:<64 hex>"),
  {
    field: "image.history",
    accepts: [
      [
        DIGEST,
        { digest: `sha256:${"b".repeat(64)}`, gitSha: SHA, date: "2026-11-20T09:30:00Z", actor: "mathieu" },
      ],
    ],
    refuses: [
      [["sha256:x"], "a digest sha256:<64 hex>, or { digest, gitSha, date, actor }", "image.history[0]"],
      [[5], "a digest sha256:<64 hex>, or { digest, gitSha, date, actor }", "image.history[0]"],
    ],
  },
];

describe("app fields at their edges (appSchema): name, owner, repository, checks, reviewers, image", () => {
  fieldCases(CASES);
});
