/**
 * The property readers (policy-pack/lib/props.ts), one named scenario per test (docs/PROOFS.md section 4: these pin
 * the behaviour Stryker's mutants found unasserted).
 */
import { strict as assert } from "node:assert";
import { SECRET_MARKER, UNKNOWN_MARKER, UNKNOWN_SENTINEL } from "../../../policy-pack/evaluate";
import {
  appOf,
  arr,
  environmentOf,
  get,
  globMatch,
  HiddenSecretError,
  isUnknownError,
  num,
  parseJsonProp,
  str,
  tagsOf,
  unknownCheckingProps,
  UnknownInputError,
} from "../../../policy-pack/lib/props";
import { APP_URN, T } from "../rule-harness";

/** A named scenario whose value is compared (deep, strict) with the expected one. */
type ValueCase = { name: string; got: () => unknown; expected: unknown };
function valueCases(cases: ValueCase[]): void {
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.expected));
}

class UnknownValueError extends Error {}
const namedError = (name: string, noConstructor = false) => {
  const e = new Error("x");
  e.name = name;
  if (noConstructor) Object.defineProperty(e, "constructor", { value: undefined });
  return e;
};
const unknownProps = () =>
  unknownCheckingProps({ a: { b: UNKNOWN_MARKER, c: [1] }, d: UNKNOWN_SENTINEL }) as {
    a: { b: unknown; c: number[] };
    d: unknown;
  };

describe("policy-pack lib: property readers", () => {
  describe("unknownCheckingProps throws on an unknown value, with its path", () => {
    it("throws UnknownInputError on the plan marker, naming the path", () =>
      assert.throws(() => unknownProps().a.b, {
        name: "UnknownInputError",
        message: "the value at .a.b can't be known during preview",
      }));
    it("throws on Pulumi's wire sentinel", () =>
      assert.throws(() => unknownProps().d, { message: "the value at .d can't be known during preview" }));
    it("hands known arrays through", () => assert.deepEqual(Array.from(unknownProps().a.c), [1]));
  });

  describe("isUnknownError recognises the engine's UnknownValueError by name, and the pack's own errors", () => {
    const cases: Array<[string, unknown, boolean]> = [
      ["a class named UnknownValueError", new UnknownValueError("x"), true],
      ["an Error named UnknownValueError", namedError("UnknownValueError"), true],
      ["UnknownInputError", new UnknownInputError("a"), true],
      ["HiddenSecretError", new HiddenSecretError("a"), true],
      ["not an Error whose message, not name, is UnknownValueError", new Error("UnknownValueError"), false],
      [
        "not a plain object named UnknownValueError (only Errors count)",
        { name: "UnknownValueError" },
        false,
      ],
      ["an Error named UnknownValueError without a constructor", namedError("UnknownValueError", true), true],
    ];
    for (const [name, e, expected] of cases) it(name, () => assert.equal(isUnknownError(e), expected));
  });

  describe("the pack's errors name themselves and the path", () =>
    valueCases([
      {
        name: "HiddenSecretError's name",
        got: () => new HiddenSecretError("content").name,
        expected: "HiddenSecretError",
      },
      {
        name: "UnknownInputError's name",
        got: () => new UnknownInputError("content").name,
        expected: "UnknownInputError",
      },
      {
        name: "HiddenSecretError's message",
        got: () => new HiddenSecretError("content").message,
        expected: "the value at .content is a secret, hidden from this input",
      },
    ]));

  describe("get walks objects only and throws on an unknown step", () => {
    valueCases([
      { name: "reads a nested value", got: () => get({ a: { b: 2 } }, "a.b"), expected: 2 },
      { name: "stops at null", got: () => get({ a: null }, "a.b"), expected: undefined },
      { name: "does not walk into a string", got: () => get({ a: "abc" }, "a.length"), expected: undefined },
      { name: "reads nothing from undefined", got: () => get(undefined, "a"), expected: undefined },
    ]);
    it("throws on an unknown step, naming the whole path", () =>
      assert.throws(() => get({ a: { b: UNKNOWN_MARKER } }, "a.b.c"), {
        message: "the value at .a.b.c can't be known during preview",
      }));
  });

  describe("str, num, arr and tagsOf accept only what they say", () => {
    const list = [1, 2];
    valueCases([
      { name: "str keeps a string", got: () => str("a"), expected: "a" },
      { name: "str refuses a number", got: () => str(5), expected: undefined },
      { name: "str refuses null", got: () => str(null), expected: undefined },
      { name: "num keeps a number", got: () => num(512), expected: 512 },
      { name: "num reads a padded numeric string", got: () => num(" 1024 "), expected: 1024 },
      ...(
        [
          ["NaN", Number.NaN],
          ["Infinity", Infinity],
          ["an empty string", ""],
          ["a blank string", "   "],
          ["a number with a unit", "12px"],
          ["true", true],
          ["null", null],
          ["undefined", undefined],
          ["an object", {}],
        ] as const
      ).map(([what, bad]) => ({ name: `num refuses ${what}`, got: () => num(bad), expected: undefined })),
      { name: "arr of null is empty", got: () => arr(null), expected: [] },
      { name: "arr of undefined is empty", got: () => arr(undefined), expected: [] },
      { name: "arr wraps 0", got: () => arr(0), expected: [0] },
      { name: "arr wraps a single object", got: () => arr({ a: 1 }), expected: [{ a: 1 }] },
      { name: "arr copies a list's items", got: () => arr(list), expected: list },
      { name: "tagsOf reads a tags map", got: () => tagsOf({ tags: { app: "x" } }), expected: { app: "x" } },
      ...(
        [
          ["a string", "app=x"],
          ["a list", ["app"]],
          ["null", null],
          ["undefined", undefined],
        ] as const
      ).map(([what, tags]) => ({
        name: `tagsOf of tags that are ${what} is empty`,
        got: () => tagsOf({ tags }),
        expected: {},
      })),
    ]);
    it("arr returns a copy of a list, not the list", () => assert.notEqual(arr(list), list));
  });

  describe("parseJsonProp parses strings, passes objects, refuses unknowns, secrets and bad JSON", () => {
    valueCases([
      {
        name: "parses a JSON string",
        got: () => parseJsonProp({ doc: '{"a":1}' }, "doc"),
        expected: { a: 1 },
      },
      {
        name: "passes an object as parsed",
        got: () => parseJsonProp({ doc: { a: 1 } }, "doc"),
        expected: { a: 1 },
      },
      {
        name: "parses a string that only starts with the unknown marker",
        got: () => parseJsonProp({ doc: '{"a":"[unknown] soon"}' }, "doc"),
        expected: { a: "[unknown] soon" },
      },
    ]);
    const refusals: Array<[string, string, new (path: string) => Error]> = [
      ["refuses the unknown marker", UNKNOWN_MARKER, UnknownInputError],
      ["refuses a document holding the wire sentinel", `{"a":"${UNKNOWN_SENTINEL}"}`, UnknownInputError],
      ["refuses a document holding the unknown marker as a value", '{"a":"[unknown]"}', UnknownInputError],
      ["refuses a hidden secret", SECRET_MARKER, HiddenSecretError],
    ];
    for (const [name, doc, error] of refusals)
      it(name, () => assert.throws(() => parseJsonProp({ doc }, "doc"), error));
    it("names the path of bad JSON, with an error that is not an unknown", () =>
      assert.throws(
        () => parseJsonProp({ doc: "{nope" }, "doc"),
        (e: Error) => {
          assert.equal(isUnknownError(e), false);
          assert.match(e.message, /^\.doc is not valid JSON: /);
          return true;
        },
      ));
  });

  describe("environmentOf reads the GitHub field or the AWS tag, never the other", () =>
    valueCases([
      {
        name: "a GitHub environment's field",
        got: () =>
          environmentOf({
            type: T.environment,
            props: { environment: "production", tags: { environment: "staging" } },
          }),
        expected: "production",
      },
      {
        name: "not a GitHub resource's tag",
        got: () => environmentOf({ type: "github:x", props: { tags: { environment: "staging" } } }),
        expected: undefined,
      },
      {
        name: "an AWS resource's tag",
        got: () =>
          environmentOf({
            type: T.service,
            props: { environment: "production", tags: { environment: "staging" } },
          }),
        expected: "staging",
      },
      {
        name: "not an AWS resource's field",
        got: () => environmentOf({ type: T.service, props: { environment: "production" } }),
        expected: undefined,
      },
    ]));

  describe("appOf: an Application's name, the app tag, else the Application ancestor (by map or URN), within 20 levels", () => {
    type Node = { type: string; name: string; parent?: string | null };
    const app = { type: T.appComponent, name: "erp-berhan", parent: null };
    const byUrn = new Map<string, Node>([
      [APP_URN, app],
      ["urn:mid", { type: T.cluster, name: "c", parent: APP_URN }],
    ]);
    // A chain of 20 plain ancestors hides an Application at depth 21.
    const chain = new Map<string, Node>([[APP_URN, app]]);
    for (let i = 0; i < 20; i++)
      chain.set(`urn:p${i}`, { type: "aws:x", name: `p${i}`, parent: i === 19 ? APP_URN : `urn:p${i + 1}` });
    const none = new Map<string, Node>();
    const cases: Array<
      [
        string,
        { props: Record<string, unknown>; parent?: string; type?: string; name?: string },
        Map<string, Node>,
        string | undefined,
      ]
    > = [
      [
        "an Application component's own name",
        { type: app.type, name: app.name, props: {} },
        none,
        "erp-berhan",
      ],
      [
        "nothing for another type of that name",
        { type: "aws:x", name: app.name, props: {} },
        none,
        undefined,
      ],
      [
        "the app tag wins over the ancestor",
        { props: { tags: { app: "menu-optimizer" } }, parent: "urn:mid" },
        byUrn,
        "menu-optimizer",
      ],
      ["an Application grandparent found in the map", { props: {}, parent: "urn:mid" }, byUrn, "erp-berhan"],
      ["an Application parent named by its URN alone", { props: {}, parent: APP_URN }, none, "erp-berhan"],
      [
        "not a URN that only contains an Application's",
        { props: {}, parent: `${APP_URN}:extra` },
        none,
        undefined,
      ],
      [
        "not another type's URN",
        { props: {}, parent: "urn:pulumi:production::p::aws:x::y" },
        none,
        undefined,
      ],
      ["nothing without tag or parent", { props: {} }, byUrn, undefined],
      [
        "nothing up a chain without Application",
        { props: {}, parent: "urn:top" },
        new Map([["urn:top", { type: "aws:x", name: "top", parent: null }]]),
        undefined,
      ],
      ["an Application 20 levels up", { props: {}, parent: "urn:p1" }, chain, "erp-berhan"],
      ["not an Application 21 levels up", { props: {}, parent: "urn:p0" }, chain, undefined],
      [
        "nothing, and an end, in a cycle",
        { props: {}, parent: "urn:a" },
        new Map([
          ["urn:a", { type: "aws:x", name: "a", parent: "urn:b" }],
          ["urn:b", { type: "aws:x", name: "b", parent: "urn:a" }],
        ]),
        undefined,
      ],
    ];
    for (const [name, res, map, expected] of cases) it(name, () => assert.equal(appOf(res, map), expected));
  });

  describe("globMatch: * and ? only, other characters literal, whole string", () => {
    const cases: Array<[string, string, boolean]> = [
      ["erp-*", "erp-berhan", true],
      ["a?c", "abc", true],
      ["a?c", "ac", false],
      ["a.b", "axb", false],
      ["a.b", "ab", false],
      ["a.b", "a.b", true],
      ["abc", "xyz", false],
      ["abc", "abcd", false],
      ["(x)+", "(x)+", true],
      ["a", "b", false],
      ["a", "a", true],
      ["*", "", true],
      ["ABC", "abc", false],
    ];
    for (const [pattern, value, expected] of cases)
      it(`${pattern} ${expected ? "matches" : "does not match"} ${value}`, () =>
        assert.equal(globMatch(pattern, value), expected));
    it("ignores case only when asked", () => {
      assert.equal(globMatch("ECS:Describe*", "ecs:DescribeServices", true), true);
      assert.equal(globMatch("ECS:Describe?ervices", "ecs:describeservices", true), true);
      assert.equal(globMatch("ECS:Describe*", "ecs:DescribeServices"), false);
    });
  });
});
