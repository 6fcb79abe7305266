/**
 * The offline preview's recording monitor (src/offline/recorder.ts) refuses what the engine refuses (a second
 * resource with a URN the program registered already), builds URNs as the engine does, keeps the resource options
 * the engine acts on, masks the plan and unwraps the policies' view of the wire form, and redacts secret values.
 */
import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { SECRET_MARKER } from "../../policy-pack/lib/facts";
import {
  engineUrn,
  maskWireValue,
  redactDeep,
  redactSecrets,
  UNKNOWN,
  unwrapWireValue,
} from "../../src/offline/recorder";
import { register } from "../helpers";

describe("offline preview: the recording monitor", () => {
  it("fails a duplicate URN with the engine's message, and accepts the same name under another parent or type", async () => {
    await assert.rejects(
      register(() => {
        new aws.sns.Topic("alerts", {});
        new aws.sns.Topic("alerts", {});
      }),
      /Duplicate resource URN 'urn:pulumi:staging::test::aws:sns\/topic:Topic::alerts'; try giving it a unique name/,
    );
    const rs = await register(() => {
      const parent = new pulumi.ComponentResource("test:index:Group", "group");
      new aws.sns.Topic("alerts", {});
      new aws.sns.Topic("alerts", {}, { parent });
      new aws.cloudwatch.LogGroup("alerts", {});
    });
    assert.deepEqual(
      rs
        .filter((r) => r.name === "alerts")
        .map((r) => r.urn.split("::")[2])
        .sort(),
      ["aws:cloudwatch/logGroup:LogGroup", "aws:sns/topic:Topic", "test:index:Group$aws:sns/topic:Topic"],
    );
  });
});

describe("offline preview: what the recorder keeps of the wire form", () => {
  const sig = rpc.specialSigKey;
  const secret = (value: unknown) => ({ [sig]: rpc.specialSecretSig, value });
  const resource = (urn: string) => ({ [sig]: rpc.specialResourceSig, urn, id: "x" });
  const output = (fields: Record<string, unknown>) => ({ [sig]: rpc.specialOutputValueSig, ...fields });

  it("the plan: secrets as [secret], unknowns as [unknown], resource references as their URN, at any depth", () => {
    assert.deepEqual(
      maskWireValue({
        a: rpc.unknownValue,
        b: secret("hunter22"),
        c: [resource("urn:pulumi:s::p::t::n"), 5, null, "text"],
        d: { e: output({ secret: true, value: "x" }), f: output({ value: secret("y") }), g: output({}) },
        h: output({ value: { i: rpc.unknownValue } }),
      }),
      {
        a: UNKNOWN,
        b: SECRET_MARKER,
        c: ["urn:pulumi:s::p::t::n", 5, null, "text"],
        d: { e: SECRET_MARKER, f: SECRET_MARKER, g: UNKNOWN },
        h: { i: UNKNOWN },
      },
    );
  });

  it("the policies' view: secrets unwrapped and every non-empty secret string collected, nothing else", () => {
    const secrets = new Set<string>();
    assert.deepEqual(
      unwrapWireValue(
        {
          a: secret({ user: "admin-user", pass: ["p4ssw0rd", "", 7] }),
          b: "plain-text",
          c: output({ secret: true, value: "from-output" }),
          d: output({ value: "public-output" }),
          e: output({}),
          f: resource("urn:r"),
          g: rpc.unknownValue,
          h: [secret("in-list")],
        },
        secrets,
      ),
      {
        a: { user: "admin-user", pass: ["p4ssw0rd", "", 7] },
        b: "plain-text",
        c: "from-output",
        d: "public-output",
        e: UNKNOWN,
        f: "urn:r",
        g: UNKNOWN,
        h: ["in-list"],
      },
    );
    assert.deepEqual([...secrets].sort(), ["admin-user", "from-output", "in-list", "p4ssw0rd"]);
  });

  it("URNs as the engine builds them: the chain of parent types, the root Stack left out", () => {
    assert.equal(engineUrn("", "t:a:A", "n", "st", "pr"), "urn:pulumi:st::pr::t:a:A::n");
    assert.equal(
      engineUrn("urn:pulumi:st::pr::pulumi:pulumi:Stack::pr-st", "t:a:A", "n", "st", "pr"),
      "urn:pulumi:st::pr::t:a:A::n",
    );
    assert.equal(
      engineUrn("urn:pulumi:st::pr::t:a:A$t:b:B::p", "t:c:C", "n", "st", "pr"),
      "urn:pulumi:st::pr::t:a:A$t:b:B$t:c:C::n",
    );
  });

  it("redaction: every occurrence, the longest secret first, values under 4 characters left alone, keys too", () => {
    assert.equal(
      redactSecrets("abc token-long token", ["token", "token-long", "abc"]),
      `abc ${SECRET_MARKER} ${SECRET_MARKER}`,
    );
    assert.equal(redactSecrets("nothing here", ["secret"]), "nothing here");
    assert.deepEqual(
      redactDeep({ "key-hunter2x": ["hunter2x", 3, { v: "a hunter2x b" }], n: null }, ["hunter2x"]),
      {
        [`key-${SECRET_MARKER}`]: [SECRET_MARKER, 3, { v: `a ${SECRET_MARKER} b` }],
        n: null,
      },
    );
  });

  it("the root Stack first, top-level resources its children, and the resource options the engine acts on", async () => {
    const rs = await register(() => {
      const provider = new aws.Provider("other", { region: "us-east-1" });
      new aws.sns.Topic(
        "kept",
        {},
        { protect: true, retainOnDelete: true, ignoreChanges: ["tags"], provider },
      );
      new aws.sns.Topic("adopted", {}, { import: "arn:aws:sns:eu-west-1:123456789012:adopted" });
      new aws.sns.Topic("plain", {});
    });
    assert.deepEqual(
      [rs[0].type, rs[0].name, rs[0].parent, rs[0].inputs],
      ["pulumi:pulumi:Stack", "test-staging", null, {}],
    );
    const byName = new Map(rs.map((r) => [r.name, r]));
    assert.equal(byName.get("kept")!.parent, rs[0].urn);
    assert.deepEqual(byName.get("kept")!.options, {
      protect: true,
      retainOnDelete: true,
      ignoreChanges: ["tags"],
      provider: byName.get("other")!.urn,
    });
    assert.deepEqual(byName.get("adopted")!.options, {
      import: "arn:aws:sns:eu-west-1:123456789012:adopted",
    });
    assert.equal("options" in byName.get("plain")!, false);
  });
});
