/**
 * The facts the pack shares with the program and the CLI (policy-pack/lib/facts.ts), judged by what they accept:
 * the digest an image reference pins, an image's repository, whether an environment's reviewers can approve a run
 * despite GitHub's prevention of self-review, the release tag (CONST "Trunk-based": `mvp-X.Y.Z`), the migration
 * check's job name, and the account's shared resources a deploy role may write (CC-ENV-07), read through the grant
 * check that uses them (policy-pack/lib/iamScope.ts `grantProblems`), each exactly as AWS writes the ARN.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  ACCOUNT_SHARED_WRITES,
  approvableDespiteSelfReview,
  CREATES_WITH_NEW_ID,
  DIGEST_PATTERN,
  digestOfRef,
  imageRepository,
  IMAGE_REPOSITORY_PATTERN,
  MIGRATIONS_CHECK,
  RELEASE_TAG_PATTERN,
} from "../../../policy-pack/lib/facts";
import { grantProblems, type Scope } from "../../../policy-pack/lib/iamScope";
import { ROOT } from "../../helpers";

const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("pack facts", () => {
  it("digestOfRef: the digest an image reference pins, none for a tag, a short digest or a non-string", () => {
    assert.equal(digestOfRef(`ghcr.io/acme/erp@${DIGEST}`), DIGEST);
    assert.equal(digestOfRef(`localhost:5000/acme/erp:1.2@${DIGEST}`), DIGEST);
    for (const ref of [
      `ghcr.io/acme/erp:${DIGEST}`,
      "ghcr.io/acme/erp@sha256:abc",
      `@${DIGEST}`,
      42,
      undefined,
      // Not a string: an array whose text would read as a pinned reference pins nothing.
      [`ghcr.io/acme/erp@${DIGEST}`],
    ])
      assert.equal(digestOfRef(ref), undefined, String(ref));
    assert.ok(DIGEST_PATTERN.test(DIGEST) && !DIGEST_PATTERN.test(DIGEST.toUpperCase()));
  });

  it("imageRepository: the reference without its tag and digest, a registry port kept", () => {
    for (const [ref, repository] of [
      ["ghcr.io/acme/erp", "ghcr.io/acme/erp"],
      ["ghcr.io/acme/erp:1.2.3", "ghcr.io/acme/erp"],
      [`ghcr.io/acme/erp@${DIGEST}`, "ghcr.io/acme/erp"],
      [`ghcr.io/acme/erp:1.2.3@${DIGEST}`, "ghcr.io/acme/erp"],
      ["localhost:5000/acme/erp", "localhost:5000/acme/erp"],
      ["localhost:5000/acme/erp:edge", "localhost:5000/acme/erp"],
      ["nginx", "nginx"],
      ["nginx:1.27", "nginx"],
    ])
      assert.equal(imageRepository(ref), repository, ref);
    const pattern = new RegExp(IMAGE_REPOSITORY_PATTERN);
    assert.ok(
      pattern.test("localhost:5000/acme/erp") &&
        !pattern.test("ghcr.io/acme") &&
        !pattern.test("ghcr.io/acme/erp:1"),
    );
  });

  it("approvableDespiteSelfReview: two users or a team leave someone else to approve", () => {
    assert.deepEqual(
      [
        [0, 0],
        [1, 0],
        [2, 0],
        [0, 1],
        [1, 1],
      ].map(([u, t]) => approvableDespiteSelfReview(u, t)),
      [false, false, true, true, true],
    );
  });

  it("a release tag is mvp-X.Y.Z: each part any number of digits, nothing before or after", () => {
    for (const tag of ["mvp-0.4.2", "mvp-10.20.300", "mvp-0.0.0"])
      assert.ok(RELEASE_TAG_PATTERN.test(tag), tag);
    for (const tag of [
      "mvp-1.2",
      "mvp-1.2.3.4",
      "xmvp-1.2.3",
      "mvp-1.2.3x",
      "mvp-1.2.3-rc.1",
      "v1.2.3",
      "mvp-a.2.3",
      "mvp-1.b.3",
      "mvp-1.2.c",
      "mvp-.2.3",
      "mvp-1..3",
      "mvp-1.2.",
    ])
      assert.ok(!RELEASE_TAG_PATTERN.test(tag), tag);
  });

  it("the migration check is the job name docs/COMMANDS.md tells an app's workflow to give its migration smoke", () => {
    const commands = fs.readFileSync(path.join(ROOT, "docs", "COMMANDS.md"), "utf8").replace(/\s+/g, " ");
    assert.match(MIGRATIONS_CHECK, /^[a-z][a-z0-9_-]*$/, "a job id GitHub accepts");
    assert.ok(commands.includes(`as a job named \`${MIGRATIONS_CHECK}\``), MIGRATIONS_CHECK);
  });

  describe("the account's shared resources a staging deploy role may write (CC-ENV-07)", () => {
    const scope: Scope = {
      env: "staging",
      ownMarkers: ["-staging"],
      foreignMarkers: ["-production"],
      exempt: [],
      identities: [],
    };
    const ARN = "arn:aws";
    const ACCOUNT = "eu-west-1:123456789012";
    /** Each shared write with the ARN AWS gives the shared resource (Service Authorization Reference). */
    const SHARED: Array<[string, string]> = [
      ["ec2:CreateSecurityGroup", `${ARN}:ec2:${ACCOUNT}:vpc/*`],
      ["events:PutEvents", `${ARN}:events:${ACCOUNT}:event-bus/default`],
      ["iam:CreateServiceLinkedRole", `${ARN}:iam::123456789012:role/aws-service-role/*`],
      ["appconfig:StartDeployment", `${ARN}:appconfig:${ACCOUNT}:deploymentstrategy/*`],
      ["cloudwatch:PutMetricData", "*"],
    ];
    const problems = (action: string, resource: string) =>
      grantProblems(
        { effect: "Allow", actions: [action], resources: [resource], condition: undefined },
        [],
        scope,
      );

    it("lists each shared write once, and each is allowed on exactly its resource", () => {
      assert.deepEqual(
        ACCOUNT_SHARED_WRITES.map((w) => w.action),
        SHARED.map(([action]) => action),
      );
      for (const [action, resource] of SHARED) assert.deepEqual(problems(action, resource), [], action);
    });

    it("refuses the same action on a resource that only begins or ends like it", () => {
      for (const [action, resource] of SHARED.slice(0, 4)) {
        const longer = `${resource.replace(/\*$/, "")}x-production${resource.endsWith("*") ? "*" : ""}`;
        assert.notDeepEqual(
          problems(action, `${resource}-production`),
          [],
          `${action} on ${resource}-production`,
        );
        assert.notDeepEqual(problems(action, longer), [], `${action} on ${longer}`);
      }
      assert.notDeepEqual(problems("events:PutEvents", `${ARN}:events:${ACCOUNT}:event-bus/defaultx`), []);
      // A metric has no ARN: only the whole `*` is its resource, not an ARN that ends with one.
      assert.notDeepEqual(problems("cloudwatch:PutMetricData", `${ARN}:cloudwatch:${ACCOUNT}:alarm:*`), []);
      assert.notDeepEqual(problems("cloudwatch:PutMetricData", "*-production"), []);
    });

    it("a security group is created with a new id, so a label on the request keeps it to staging", () => {
      assert.equal(CREATES_WITH_NEW_ID["ec2:CreateSecurityGroup"], "security-group");
      const labelled = { StringEquals: { "aws:RequestTag/environment": "staging" } };
      const create = (condition?: unknown) =>
        grantProblems(
          {
            effect: "Allow",
            actions: ["ec2:CreateSecurityGroup"],
            resources: [`${ARN}:ec2:${ACCOUNT}:security-group/*`],
            condition,
          },
          [],
          scope,
        );
      assert.deepEqual(create(labelled), []);
      assert.notDeepEqual(create(), [], "without the label it may create one for production");
    });
  });
});
