/**
 * What the infra diff masks, on small hand-built plans: every value under a secret-looking key of a
 * secret-bearing resource, a password or private key anywhere, the value of a variable whose name says secret
 * (changed, or the whole item added or removed); what it leaves clear (a variable's value, a secret's name, an
 * empty or null value); when two masked values are a change; and reviewer ids named from the plans' lookups.
 */
import * as assert from "node:assert/strict";
import { SECRET_MARKER as S } from "../../policy-pack/lib/facts";
import { diffPlans } from "../../src/diff/diff";
import { change, changes, plan, resource } from "./diff-fixtures";

const ENV_SECRET = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret";
const REPO_SECRET = "github:index/actionsSecret:ActionsSecret";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const VARIABLE = "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable";

/** The paths of the changes of `type` from `before` to `after`, each with its shown before and after. */
function shown(type: string, before: Record<string, unknown>, after: Record<string, unknown>): unknown[][] {
  return changes(type, before, after).map((c) => [c.path, c.before, c.after]);
}

/** Every key of `keys` set to `v`. */
const all = (keys: string[], v: unknown) => Object.fromEntries(keys.map((k) => [k, v]));

describe("diff masking: secret-bearing resources", function () {
  const SECRET_KEYS = ["value", "plaintextValue", "encryptedValue", "secret", "secretString", "secretBinary"];
  const MORE = ["apiToken", "privateKey", "dbPassword", "mysecret", "PLAINTEXTVALUE"];
  const CLEAR = ["secretName", "valueFrom", "xvalue", "values", "secretStrings", "environment"];

  for (const type of [ENV_SECRET, REPO_SECRET, SECRET_VERSION, "x:IndexActionsSecretLike"])
    it(`masks the secret keys of ${type}, not the others`, function () {
      const keys = [...SECRET_KEYS, ...MORE, ...CLEAR].sort();
      assert.deepEqual(
        shown(type, all(keys, "old"), all(keys, "new")),
        keys.map((k) => (CLEAR.includes(k) ? [k, "old", "new"] : [k, S, S])),
      );
    });

  it("masks an empty value there, but not null", function () {
    assert.deepEqual(shown(ENV_SECRET, { value: "", token: null }, { value: "x", token: "y" }), [
      ["token", null, S],
      ["value", S, S],
    ]);
  });

  it("a variable's value, on a resource that bears no secret, is shown", function () {
    assert.deepEqual(shown(VARIABLE, { value: "a", secret: "b" }, { value: "c", secret: "d" }), [
      ["secret", "b", "d"],
      ["value", "a", "c"],
    ]);
  });

  it("a registry password of an image is masked even when empty", function () {
    const reg = (password: unknown) => ({ registries: [{ address: "ghcr.io", password }] });
    assert.deepEqual(shown("docker-build:index:Image", reg(""), reg("p")), [
      ["registries[0].password", S, S],
    ]);
    assert.deepEqual(shown("docker-build:index:Image", reg(null), reg("p")), [
      ["registries[0].password", null, S],
    ]);
    assert.deepEqual(shown("t", { l: { password: "" } }, { l: { password: "p" } }), [["l.password", "", S]]);
    const named = (password: unknown) => ({ registries: [{ name: "ghcr", password }] });
    assert.deepEqual(shown("t", named(""), named("p")), [["registries[ghcr].password", S, S]]);
    const hint = (passwordHint: unknown) => ({ registries: [{ passwordHint }] });
    assert.deepEqual(shown("t", hint(""), hint("p")), [["registries[0].passwordHint", "", S]]);
    assert.deepEqual(shown("t", { registries: { a: "" } }, { registries: { a: "p" } }), [
      ["registries.a", "", "p"],
    ]);
  });
});

describe("diff masking: passwords, private keys and secret names anywhere", function () {
  it("a password or private key, by the last key of its path, unless empty or null", function () {
    const before = {
      dbPassword: "a",
      PrivateKey: "b",
      passwords: ["c"],
      x: { password: "" },
      y: { privateKey: null },
    };
    const after = {
      dbPassword: "d",
      PrivateKey: "e",
      passwords: ["f"],
      x: { password: "g" },
      y: { privateKey: "h" },
    };
    assert.deepEqual(shown("t", before, after), [
      ["PrivateKey", S, S],
      ["dbPassword", S, S],
      ["passwords[0]", S, S],
      ["x.password", "", S],
      ["y.privateKey", null, S],
    ]);
  });

  it("a key that is not a word, quoted in brackets, is read whole", function () {
    assert.deepEqual(shown("t", { "1password": "a", "2x": "b" }, { "1password": "c", "2x": "d" }), [
      ['["1password"]', S, S],
      ['["2x"]', "b", "d"],
    ]);
  });

  it("the value of a named item whose name says secret, changed: masked; its other fields shown", function () {
    const env = (v: unknown, from = "a") => ({
      environment: [
        { name: "DB_PASSWORD", value: v, from },
        { name: "MY TOKEN", value: v },
        { name: "MODE", value: v },
      ],
    });
    assert.deepEqual(shown("t", env("1"), env("2", "b")), [
      ["environment[DB_PASSWORD].from", "a", "b"],
      ["environment[DB_PASSWORD].value", S, S],
      ['environment["MY TOKEN"].value', S, S],
      ["environment[MODE].value", "1", "2"],
    ]);
    assert.deepEqual(shown("t", env(null), env("2")).slice(0, 2), [
      ["environment[DB_PASSWORD].value", null, S],
      ['environment["MY TOKEN"].value', null, S],
    ]);
  });
});

describe("diff masking: named items added or removed", function () {
  it("a named item added or removed whole: its value masked when its name says secret", function () {
    const items = [
      { name: "GITHUB_TOKEN", value: "t" },
      { name: "MODE", value: "m" },
      { name: "PRIVATE_KEY", valueFrom: "arn:x" },
      { name: "DB_PASSWORD", value: "p" },
      { name: "APIKEY", value: "k" },
      { name: "PRIVATEKEY", value: "k" },
    ];
    assert.deepEqual(shown("t", { env: [] }, { env: items }), [
      ["env[GITHUB_TOKEN]", undefined, { name: "GITHUB_TOKEN", value: S }],
      ["env[MODE]", undefined, { name: "MODE", value: "m" }],
      ["env[PRIVATE_KEY]", undefined, { name: "PRIVATE_KEY", valueFrom: "arn:x" }],
      ["env[DB_PASSWORD]", undefined, { name: "DB_PASSWORD", value: S }],
      ["env[APIKEY]", undefined, { name: "APIKEY", value: S }],
      ["env[PRIVATEKEY]", undefined, { name: "PRIVATEKEY", value: S }],
    ]);
    assert.deepEqual(shown("t", { env: items.slice(0, 1) }, { env: [] }), [
      ["env[GITHUB_TOKEN]", { name: "GITHUB_TOKEN", value: S }, undefined],
    ]);
  });

  it("a reference to a secret is shown; so is an object named like one outside an array", function () {
    const ref = (valueFrom: string) => ({ secrets: [{ name: "DB_PASSWORD", valueFrom }] });
    assert.deepEqual(shown("t", ref("arn:a"), ref("arn:b")), [
      ["secrets[DB_PASSWORD].valueFrom", "arn:a", "arn:b"],
    ]);
    const config = { name: "TOKEN", value: "v" };
    assert.deepEqual(shown("t", { config }, { config: 1 }), [["config", config, 1]]);
  });

  it("by index: an item whose name says secret, or a null item, is shown as it is unless it holds a value", function () {
    assert.deepEqual(shown("t", { l: [null, 1] }, { l: [1, { name: ["TOKEN"], value: "v" }] }), [
      ["l[0]", null, 1],
      ["l[1]", 1, { name: ["TOKEN"], value: "v" }],
    ]);
    assert.deepEqual(shown("t", { l: [] }, { l: [{ name: "TOKEN", value: "v" }, "x"] }), [
      ["l[0]", undefined, { name: "TOKEN", value: S }],
      ["l[1]", undefined, "x"],
    ]);
  });
});

describe("diff masking: two masked values", function () {
  it("a value the plan masked against one masked here is no change, whichever side", function () {
    assert.deepEqual(changes(ENV_SECRET, { value: S }, { value: "plain" }), []);
    assert.deepEqual(changes(ENV_SECRET, { value: "plain" }, { value: S }), []);
  });

  it("two plain values masked here did change; a masked value against a clear one is a change", function () {
    assert.deepEqual(changes(ENV_SECRET, { value: "a" }, { value: "b" }), [change("value", S, S)]);
    assert.deepEqual(changes("t", { mode: S }, { mode: "plain" }), [change("mode", S, "plain")]);
    assert.deepEqual(changes("t", { mode: "plain" }, { mode: S }), [change("mode", "plain", S)]);
  });

  it("an added or removed secret is masked", function () {
    assert.deepEqual(changes(ENV_SECRET, {}, { value: "a" }), [change("value", undefined, S)]);
    assert.deepEqual(
      changes(ENV_SECRET, { value: "a" }, {}),
      [change("value", "a", undefined)].map((c) => ({ ...c, before: S })),
    );
  });
});

describe("diff: reviewers named from the plans' lookups", function () {
  const ENV = "github:index/repositoryEnvironment:RepositoryEnvironment";
  /** The changes of an environment whose inputs go from `before` to `after`, with the plans' lookups. */
  function named(
    before: object,
    after: object,
    baseNames?: Record<string, string>,
    headNames?: Record<string, string>,
  ) {
    const d = diffPlans(
      plan([resource("e", ENV, { inputs: { ...before } })], { githubNames: baseNames }),
      plan([resource("e", ENV, { inputs: { ...after } })], { githubNames: headNames }),
    );
    return d.changed[0].properties;
  }

  it("users and teams of reviewers, with or without an index, at the top or nested", function () {
    const before = { reviewers: [{ users: [1], teams: [2] }], r: { reviewers: { teams: [1] } } };
    const after = { reviewers: [{ users: [3], teams: [4] }], r: { reviewers: { teams: [3] } } };
    const names = { "1": "@one", "2": "team two", "3": "@three", "4": "team four" };
    assert.deepEqual(named(before, after, names, names), [
      change("r.reviewers.teams[0]", "1 (@one)", "3 (@three)"),
      change("reviewers[0].teams[0]", "2 (team two)", "4 (team four)"),
      change("reviewers[0].users[0]", "1 (@one)", "3 (@three)"),
    ]);
  });

  it("head's lookup wins; an id only one plan looked up is named from it; added and removed keep one side", function () {
    assert.deepEqual(
      named(
        { reviewers: { users: [1, 2] } },
        { reviewers: { users: [1, 3, 4] } },
        { "1": "@a", "2": "@b" },
        { "3": "@c", "2": "@x" },
      ),
      [change("reviewers.users[1]", "2 (@x)", "3 (@c)"), change("reviewers.users[2]", undefined, 4)],
    );
    assert.deepEqual(named({ reviewers: { users: [1] } }, { reviewers: { users: [] } }, { "1": "@a" }), [
      change("reviewers.users[0]", "1 (@a)", undefined),
    ]);
  });

  it("reviewers and ids past the ninth", function () {
    const ids = Array.from({ length: 11 }, (_, i) => i);
    const names = { "10": "@ten", "11": "@eleven" };
    const reviewers = (users: number[]) => ids.map((i) => ({ users: i === 10 ? users : [] }));
    assert.deepEqual(
      named(
        { reviewers: reviewers([...ids]) },
        { reviewers: reviewers([...ids.slice(0, 10), 11]) },
        names,
        names,
      ),
      [change("reviewers[10].users[10]", "10 (@ten)", "11 (@eleven)")],
    );
  });

  it("other paths, null ids and ids no lookup answered stay as they are", function () {
    const names = { "1": "@a", "2": "@b", null: "@null" };
    const before = {
      myreviewers: { users: [1] },
      reviewers: { users: [null], admins: [1], teams: [{ id: 1 }] },
    };
    const after = { myreviewers: { users: [2] }, reviewers: { users: [2], admins: [2], teams: [{ id: 2 }] } };
    assert.deepEqual(named(before, after, names, names), [
      change("myreviewers.users[0]", 1, 2),
      change("reviewers.admins[0]", 1, 2),
      change("reviewers.teams[0].id", 1, 2),
      change("reviewers.users[0]", null, "2 (@b)"),
    ]);
  });
});
