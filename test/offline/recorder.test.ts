/**
 * The offline preview's recording monitor (src/offline/recorder.ts) refuses what the engine refuses: a second
 * resource with a URN the program registered already.
 */
import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
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
