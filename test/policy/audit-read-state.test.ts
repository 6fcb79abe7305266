/**
 * The audit's reader (src/audit/readState.ts) on each input format's edges: what it keeps and skips, how it masks
 * secrets (and which plain values it remembers for scrubbing), and the message of each input it refuses. The
 * formats are Pulumi's: `pulumi stack export` (deployment version 3), `pulumi preview --json`, and the plan file.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  AuditInputError,
  parseState,
  readStackOutputs,
  readState,
  SECRET_SIG,
  SIG_KEY,
} from "../../src/audit/readState";

const URN = (name: string, types = "github:index/actionsSecret:ActionsSecret") =>
  `urn:pulumi:production::cicd-constitution::${types}::${name}`;
const secret = (plaintext: string) => ({ [SIG_KEY]: SECRET_SIG, plaintext });

describe("audit input: pulumi stack export, preview --json and plan files", () => {
  it("a stack export: outputs over inputs, secrets masked and remembered, the stack, providers and deletions skipped", () => {
    const state = parseState(
      JSON.stringify({
        version: 3,
        deployment: {
          resources: [
            { urn: URN("stack", "pulumi:pulumi:Stack"), type: "pulumi:pulumi:Stack" },
            { urn: URN("aws", "pulumi:providers:aws"), type: "pulumi:providers:aws" },
            { urn: URN("gone"), type: "github:index/actionsSecret:ActionsSecret", delete: true },
            {
              urn: URN("token"),
              type: "github:index/actionsSecret:ActionsSecret",
              parent: URN("stack", "pulumi:pulumi:Stack"),
              inputs: { secretName: "TOKEN", value: secret('{"nested":["inner-value"],"n":"abc"}') },
              outputs: { secretName: "TOKEN-OUT", plaintextValue: "plain-text-value" },
            },
          ],
        },
      }),
      "export.json",
    );
    assert.equal(state.kind, "stack-export");
    assert.equal(state.stack, "production");
    assert.equal(state.secretsMarked, true);
    assert.deepEqual(state.resources, [
      {
        urn: URN("token"),
        type: "github:index/actionsSecret:ActionsSecret",
        name: "token",
        parent: URN("stack", "pulumi:pulumi:Stack"),
        props: { secretName: "TOKEN-OUT", value: "[secret]", plaintextValue: "[plaintext]" },
      },
    ]);
    // The secret's text, the strings of the JSON it holds (but not those under 4 characters), the plain value.
    assert.deepEqual(
      [...state.secretValues].sort(),
      ['{"nested":["inner-value"],"n":"abc"}', "inner-value", "plain-text-value"].sort(),
    );
  });

  it("a preview: each step's new state, inputs over outputs; deletes, discards and steps without a new state skipped", () => {
    const state = parseState(
      JSON.stringify({
        steps: [
          { op: "delete", newState: { urn: URN("a"), type: "t:a:A" } },
          { op: "discard", newState: { urn: URN("b"), type: "t:b:B" } },
          { op: "same", urn: URN("c") },
          {
            op: "create",
            urn: URN("d", "cicd-constitution:app:Application$aws:sns/topic:Topic"),
            newState: { outputs: { name: "out", arn: "arn" }, inputs: { name: "in" } },
          },
          { op: "create", newState: { urn: URN("p", "pulumi:providers:aws"), type: "pulumi:providers:aws" } },
        ],
      }),
      "preview.json",
    );
    assert.equal(state.kind, "preview");
    assert.deepEqual(state.resources, [
      {
        urn: URN("d", "cicd-constitution:app:Application$aws:sns/topic:Topic"),
        type: "aws:sns/topic:Topic",
        name: "d",
        parent: null,
        props: { name: "in", arn: "arn" },
      },
    ]);
  });

  it("a plan file: its stack, names and masked inputs as recorded", () => {
    const state = parseState(
      JSON.stringify({
        schemaVersion: 1,
        stack: "staging",
        resources: [
          { urn: URN("x"), type: "github:index/actionsSecret:ActionsSecret", inputs: { value: "[secret]" } },
          { urn: URN("y"), type: "t:y:Y", name: "named", parent: URN("x") },
        ],
      }),
      "plan.json",
    );
    assert.equal(state.kind, "plan");
    assert.equal(state.stack, "staging");
    assert.deepEqual(
      state.resources.map((r) => [r.name, r.parent, r.props]),
      [
        ["x", null, { value: "[secret]" }],
        ["named", URN("x"), {}],
      ],
    );
  });

  it("refuses what it cannot read, saying what it expected and never quoting the input", () => {
    const refused: Array<[unknown, RegExp]> = [
      ["hunter2 is not json", /^in\.json: not JSON \(invalid JSON( at position \d+)?\)$/],
      [[1, 2], /expected a JSON object \(pulumi stack export, pulumi preview --json, or a plan file\)/],
      [{ version: 2, deployment: {} }, /deployment version 2 is not supported \(expected 3/],
      [{ version: 3, deployment: { resources: {} } }, /deployment\.resources is missing or not a list/],
      [
        { version: 3, deployment: { resources: [{ type: "t" }] } },
        /deployment\.resources\[0\] has no urn or type/,
      ],
      [{ steps: ["x"] }, /steps\[0\] is not an object/],
      [{ steps: [{ op: "create", newState: {} }] }, /steps\[0\]\.newState has no urn/],
      [{ schemaVersion: 1, resources: [{ urn: "u" }] }, /resources\[0\] has no urn or type/],
      [{ other: true }, /not a stack export \(\{ version: 3, deployment \}\), a preview/],
      [{ version: 3 }, /deployment\.resources is missing or not a list/],
      [{ version: 3, deployment: { resources: ["x"] } }, /deployment\.resources\[0\] has no urn or type/],
      [
        { version: 3, deployment: { resources: [{ urn: "u" }] } },
        /deployment\.resources\[0\] has no urn or type/,
      ],
      [{ schemaVersion: 1, resources: ["x"] }, /resources\[0\] has no urn or type/],
      [{ schemaVersion: 1, resources: [{ type: "t" }] }, /resources\[0\] has no urn or type/],
      [{ schemaVersion: 2, resources: [] }, /not a stack export/],
      [{ schemaVersion: 1, resources: {} }, /not a stack export/],
    ];
    for (const [input, message] of refused) {
      const text = typeof input === "string" ? input : JSON.stringify(input);
      assert.throws(
        () => parseState(text, "in.json"),
        (e: Error) =>
          e instanceof AuditInputError &&
          e.name === "AuditInputError" &&
          message.test(e.message) &&
          !e.message.includes("hunter2"),
        text,
      );
    }
  });

  it("a JSON error keeps its position only", () => {
    assert.throws(
      () => parseState('{"abcdefgh":1}x', "in.json"),
      /^AuditInputError: in\.json: not JSON \(invalid JSON at position 14\)$/,
    );
  });

  it("plain text where a secret belongs: marked, remembered from 4 characters; empty and masked values left alone", () => {
    const env = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret";
    const state = parseState(
      JSON.stringify({
        steps: [
          {
            op: "create",
            newState: { urn: URN("a", env), type: env, parent: URN("p"), inputs: { plaintextValue: "abc" } },
          },
          {
            op: "create",
            newState: { urn: URN("b", env), type: env, inputs: { plaintextValue: "abcd", value: "" } },
          },
          {
            op: "create",
            newState: { urn: URN("c", env), type: env, inputs: { value: "[secret]", other: "kept" } },
          },
        ],
      }),
      "preview.json",
    );
    assert.deepEqual(
      state.resources.map((r) => [r.name, r.parent, r.props]),
      [
        ["a", URN("p"), { plaintextValue: "[plaintext]" }],
        ["b", null, { plaintextValue: "[plaintext]", value: "" }],
        ["c", null, { value: "[secret]", other: "kept" }],
      ],
    );
    assert.deepEqual([...state.secretValues], ["abcd"]);
    // Arrays are walked: a secret inside a list is masked too.
    const listed = parseState(
      JSON.stringify({
        schemaVersion: 1,
        resources: [{ urn: URN("l"), type: "t:l:L", inputs: { list: [secret("in-a-list")] } }],
      }),
      "plan.json",
    );
    assert.deepEqual(listed.resources[0].props, { list: ["[secret]"] });
    assert.deepEqual([...listed.secretValues], ["in-a-list"]);
  });

  it("the stack comes from the first URN; a URN not of Pulumi's form names none", () => {
    const exported = (urn: string) =>
      parseState(
        JSON.stringify({ version: 3, deployment: { resources: [{ urn, type: "t:a:A" }] } }),
        "e.json",
      ).stack;
    assert.equal(exported("urn:pulumi:dev::p::t:a:A::a"), "dev");
    assert.equal(exported("x:pulumi:dev::p::t:a:A::a"), undefined);
    assert.equal(parseState(JSON.stringify({ steps: [] }), "p.json").stack, undefined);
  });

  it("reads files: a missing one and bad stack outputs are named, never quoted", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-read-"));
    try {
      assert.throws(() => readState(path.join(dir, "none.json")), /none\.json: cannot read \(ENOENT\)/);
      const file = path.join(dir, "outputs.json");
      fs.writeFileSync(file, '{"apps":{"shop":{"digest":"sha256:ab"}}}');
      assert.deepEqual(readStackOutputs(file), { apps: { shop: { digest: "sha256:ab" } } });
      fs.writeFileSync(file, "secret-value");
      assert.throws(
        () => readStackOutputs(file),
        (e: Error) => /not JSON stack outputs/.test(e.message) && !e.message.includes("secret-value"),
      );
      for (const text of ["[1]", "null", "5"]) {
        fs.writeFileSync(file, text);
        assert.throws(() => readStackOutputs(file), /not a JSON object of stack outputs/, text);
      }
      assert.throws(
        () => readStackOutputs(path.join(dir, "none.json")),
        /cannot read the stack outputs \(ENOENT\)/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
