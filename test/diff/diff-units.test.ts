/**
 * The infra diff on small hand-built plans: how values are compared (objects by sorted key, JSON documents held in
 * strings as documents, arrays by item name or index), how a path is written for each kind of key, which resources
 * are added, removed, changed or unchanged, resource options and stack outputs, replacements, and the counts.
 */
import * as assert from "node:assert/strict";
import { diffCounts, diffPlans } from "../../src/diff/diff";
import { change, changes, plan, resource } from "./diff-fixtures";

describe("diff: comparing values", function () {
  it("objects by key in sorted order; nested keys joined with dots", function () {
    assert.deepEqual(changes("t", { b: 1, a: { y: 1, x: 1 } }, { b: 2, a: { y: 2, x: 2 } }), [
      change("a.x", 1, 2),
      change("a.y", 1, 2),
      change("b", 1, 2),
    ]);
  });

  it("a key absent on one side is an addition or a removal of its whole value", function () {
    assert.deepEqual(changes("t", { gone: { a: 1 } }, { added: [1, 2] }), [
      change("added", undefined, [1, 2]),
      change("gone", { a: 1 }, undefined),
    ]);
  });

  it("values of different shapes change as a whole: null, an array, an object, a string", function () {
    assert.deepEqual(
      changes("t", { a: null, b: [1], c: "x", d: { k: 1 } }, { a: { k: 1 }, b: { 0: 1 }, c: ["x"], d: null }),
      [
        change("a", null, { k: 1 }),
        change("b", [1], { 0: 1 }),
        change("c", "x", ["x"]),
        change("d", { k: 1 }, null),
      ],
    );
  });

  it("equal values are no change, nor a key undefined on both sides, nor values that serialize alike", function () {
    assert.deepEqual(changes("t", { a: [1, { b: "c" }], n: 1 }, { a: [1, { b: "c" }], n: 1 }), []);
    assert.deepEqual(changes("t", { u: undefined, n: NaN }, { n: NaN }), []);
  });

  it("strings holding JSON documents are compared as documents, the path going inside them", function () {
    const before = { doc: ' \n{"a": 1, "b": [1]}', list: "[1, 2]", text: '{"a": 1}', n: "5" };
    const after = { doc: '{"a": 2, "b": [1]}', list: "[1, 3]", text: "plain", n: "6" };
    assert.deepEqual(changes("t", before, after), [
      change("doc.a", 1, 2),
      change("list[1]", 2, 3),
      change("n", "5", "6"),
      change("text", '{"a": 1}', "plain"),
    ]);
    // Not documents: a JSON string, `null`, text that only starts like one.
    assert.deepEqual(changes("t", { a: '"x"', b: "null", c: "{nope" }, { a: '"y"', b: "[]", c: "{no" }), [
      change("a", '"x"', '"y"'),
      change("b", "null", "[]"),
      change("c", "{nope", "{no"),
    ]);
  });

  it("a document with a byte order mark or other Unicode space around it is still a document", function () {
    assert.deepEqual(changes("t", { d: '\uFEFF{"a": 1}\u00A0' }, { d: '{"a": 2}' }), [change("d.a", 1, 2)]);
  });
});

describe("diff: paths", function () {
  it("plain keys after a dot; other keys quoted in brackets; indexes in brackets", function () {
    const keys = ["a", "_u", "$d", "a1-b$", "a.b", "1a", "a b", "-a", "é"];
    const before = Object.fromEntries(keys.map((k) => [k, 1]));
    const after = Object.fromEntries(keys.map((k) => [k, 2]));
    const top = changes("t", before, after).map((c) => c.path);
    assert.deepEqual(top, ["$d", '["-a"]', '["1a"]', "_u", "a", '["a b"]', '["a.b"]', "a1-b$", '["é"]']);
    const nested = changes("t", { o: before, l: [0, 1] }, { o: after, l: [0, 2] }).map((c) => c.path);
    assert.deepEqual(nested, [
      "l[1]",
      "o.$d",
      'o["-a"]',
      'o["1a"]',
      "o._u",
      "o.a",
      'o["a b"]',
      'o["a.b"]',
      "o.a1-b$",
      'o["é"]',
    ]);
  });

  it("named items by name, a name that is not a plain word quoted", function () {
    const names = ["web", "a.b:c/d-e_1", "A B", "x]", ""];
    const before = names.map((name) => ({ name, v: 1 }));
    const after = names.map((name) => ({ name, v: 2 }));
    assert.deepEqual(
      changes("t", { c: before }, { c: after }).map((c) => c.path),
      ["c[web].v", "c[a.b:c/d-e_1].v", 'c["A B"].v', 'c["x]"].v', 'c[""].v'],
    );
  });
});

describe("diff: arrays", function () {
  const item = (name: string, v = 1) => ({ name, v });

  it("by name: head's order, then the items only in base; a moved item is no change", function () {
    const before = [item("a"), item("b"), item("c")];
    const after = [item("d"), item("c", 2), item("a")];
    assert.deepEqual(changes("t", { l: before }, { l: after }), [
      change("l[d]", undefined, item("d")),
      change("l[c].v", 1, 2),
      change("l[b]", item("b"), undefined),
    ]);
  });

  it("by name from or to an empty array, or when no name is kept", function () {
    assert.deepEqual(changes("t", { l: [item("a")] }, { l: [item("b")] }), [
      change("l[b]", undefined, item("b")),
      change("l[a]", item("a"), undefined),
    ]);
    assert.deepEqual(changes("t", { l: [] }, { l: [item("a")] }), [change("l[a]", undefined, item("a"))]);
    assert.deepEqual(changes("t", { l: [item("a")] }, { l: [] }), [change("l[a]", item("a"), undefined)]);
  });

  it("by index when an item has no string name, or one side is not named, or names repeat", function () {
    const unnamed = { l: [{ name: 1, v: 1 }] };
    assert.deepEqual(changes("t", unnamed, { l: [{ name: 1, v: 2 }] }), [change("l[0].v", 1, 2)]);
    assert.deepEqual(changes("t", { l: [item("a")] }, { l: [7] }), [change("l[0]", item("a"), 7)]);
    assert.deepEqual(changes("t", { l: [7] }, { l: [item("a")] }), [change("l[0]", 7, item("a"))]);
    assert.deepEqual(changes("t", { l: [item("a"), item("a")] }, { l: [item("a"), item("a", 2)] }), [
      change("l[1].v", 1, 2),
    ]);
    assert.deepEqual(changes("t", { l: [item("a")] }, { l: [item("a"), item("a", 2)] }), [
      change("l[1]", undefined, item("a", 2)),
    ]);
  });

  it("by index: items added or removed at the end, null items", function () {
    assert.deepEqual(changes("t", { l: [1] }, { l: [1, 2, 3] }), [
      change("l[1]", undefined, 2),
      change("l[2]", undefined, 3),
    ]);
    assert.deepEqual(changes("t", { l: [1, 2] }, { l: [] }), [
      change("l[0]", 1, undefined),
      change("l[1]", 2, undefined),
    ]);
    assert.deepEqual(changes("t", { l: [null] }, { l: [1] }), [change("l[0]", null, 1)]);
  });
});

describe("diff: resources, options and outputs", function () {
  const ENV = "github:index/repositoryEnvironment:RepositoryEnvironment";

  it("matches resources by URN: added in head order, removed in base order, changed in head order", function () {
    const [a, b, c, d, e] = ["a", "b", "c", "d", "e"].map((n) => resource(n, "t:x", { inputs: { v: 1 } }));
    const c2 = { ...c, inputs: { v: 2 } };
    const b2 = { ...b, inputs: { v: 2 } };
    const base = plan([e, a, b, c], { stack: "s1" });
    const head = plan([c2, d, b2, e], { stack: "s2", project: "q" });
    const ref = (r: typeof a) => ({ urn: r.urn, type: r.type, name: r.name });
    assert.deepEqual(diffPlans(base, head), {
      schemaVersion: 1,
      project: "q",
      baseStack: "s1",
      headStack: "s2",
      added: [ref(d)],
      removed: [ref(a)],
      changed: [
        { ...ref(c), action: "update", properties: [change("v", 1, 2)] },
        { ...ref(b), action: "update", properties: [change("v", 1, 2)] },
      ],
      unchanged: 1,
      outputs: [],
    });
  });

  it("a resource is replaced when any of its changes replaces it, and each change says whether it does", function () {
    const before = { environment: "staging", reviewers: [1], repository: "r" };
    const after = { environment: "production", reviewers: [1, 2] };
    const d = diffPlans(
      plan([resource("env", ENV, { inputs: before }), resource("u", ENV, { inputs: { reviewers: [1] } })]),
      plan([resource("env", ENV, { inputs: after }), resource("u", ENV, { inputs: { reviewers: [2] } })]),
    );
    assert.deepEqual(
      d.changed.map((c) => [c.name, c.action, c.properties]),
      [
        [
          "env",
          "replace",
          [
            change("environment", "staging", "production", true),
            change("repository", "r", undefined, true),
            change("reviewers[1]", undefined, 2),
          ],
        ],
        ["u", "update", [change("reviewers[0]", 1, 2)]],
      ],
    );
    assert.deepEqual(diffCounts(d), { added: 0, removed: 0, updated: 1, replaced: 1, unchanged: 0 });
    const added = changes(ENV, {}, { environment: "x" });
    assert.deepEqual(added, [change("environment", undefined, "x", true)]);
  });
});

describe("diff: options, outputs and counts", function () {
  it("resource options under [options]; a resource with no inputs or options recorded compares as empty", function () {
    const base = plan([
      resource("a", "t:x", { options: { protect: true, ignoreChanges: ["x"] } }),
      { ...resource("b"), inputs: undefined } as never,
    ]);
    const head = plan([
      resource("a", "t:x", { options: { ignoreChanges: ["x", "y"] } }),
      resource("b", "t:x", { inputs: { k: 1 }, options: { retainOnDelete: true } }),
    ]);
    assert.deepEqual(
      diffPlans(base, head).changed.map((c) => c.properties),
      [
        [change("[options].ignoreChanges[1]", undefined, "y"), change("[options].protect", true, undefined)],
        [change("k", undefined, 1), change("[options].retainOnDelete", undefined, true)],
      ],
    );
  });

  it("stack outputs under outputs, never a replacement, absent outputs as none", function () {
    const base = plan([], { outputs: { name: "a", gone: 1 } });
    const head = plan([], { outputs: { name: "b", password: "p", tags: ["x"] } });
    assert.deepEqual(diffPlans(base, head).outputs, [
      change("outputs.gone", 1, undefined),
      change("outputs.name", "a", "b"),
      change("outputs.password", undefined, "[secret]"),
      change("outputs.tags", undefined, ["x"]),
    ]);
    const none = plan([]);
    delete (none as { outputs?: unknown }).outputs;
    assert.deepEqual(diffPlans(none, plan([], { outputs: { x: 1 } })).outputs, [
      change("outputs.x", undefined, 1),
    ]);
    assert.deepEqual(diffPlans(plan([], { outputs: { x: 1 } }), none).outputs, [
      change("outputs.x", 1, undefined),
    ]);
  });

  it("diffCounts counts each kind", function () {
    const r = (n: string) => resource(n, "t:x", { inputs: { v: 1 } });
    const upd = (n: string) => resource(n, "t:x", { inputs: { v: 2 } });
    const task = "aws:ecs/taskDefinition:TaskDefinition";
    const base = plan([r("gone"), r("u1"), r("u2"), r("same"), resource("t", task, { inputs: { cpu: 1 } })]);
    const head = plan([
      r("new1"),
      r("new2"),
      upd("u1"),
      upd("u2"),
      r("same"),
      resource("t", task, { inputs: { cpu: 2 } }),
    ]);
    assert.deepEqual(diffCounts(diffPlans(base, head)), {
      added: 2,
      removed: 1,
      updated: 2,
      replaced: 1,
      unchanged: 1,
    });
  });
});
