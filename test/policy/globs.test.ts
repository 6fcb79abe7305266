/**
 * Globs (waivers' and overrides' resources, secret-name patterns, IAM action and resource patterns) match in time
 * linear in the value (policy-pack/lib/props.ts `globMatch`, on RE2JS): a pattern that makes a backtracking
 * engine run for hours answers at once.
 */
import * as assert from "node:assert/strict";
import { globMatch } from "../../policy-pack/lib/props";
import { nameMatches } from "../../policy-pack/lib/secretNames";

describe("globs match in linear time", function () {
  it("match as globs: * any run, ? one character, the rest literal, whole string", function () {
    assert.equal(globMatch("erp-*", "erp-berhan"), true);
    assert.equal(globMatch("erp-?", "erp-ab"), false);
    assert.equal(globMatch("a.b", "axb"), false);
    assert.equal(globMatch("ECS:*TagResource", "ecs:UntagResource", true), true);
    assert.equal(nameMatches("my_db_password", ["*PASSWORD*"]), true);
  });

  it("a literal or a prefix and a final * compare without a regex, with the same answers", function () {
    assert.equal(globMatch("ecs:DescribeServices", "ecs:describeservices", true), true);
    assert.equal(globMatch("ecs:DescribeServices", "ecs:describeservices"), false);
    assert.equal(globMatch("ecs:DescribeServices", "ecs:DescribeServicesX"), false);
    assert.equal(globMatch("ecs:Describe*", "ECS:DESCRIBETASKS", true), true);
    assert.equal(globMatch("ecs:Describe*", "ecs:Describe"), true);
    assert.equal(globMatch("ecs:Describe*", "ecs:describeTasks"), false);
    assert.equal(globMatch("ecs:Describe*", "ecsx:DescribeTasks"), false);
    assert.equal(globMatch("*", ""), true);
  });

  it("a waiver's *?*?*?*?*?*?*Z against a long name answers without backtracking", function () {
    const started = process.hrtime.bigint();
    assert.equal(globMatch("*?*?*?*?*?*?*Z", "a".repeat(5000)), false);
    assert.equal(globMatch("*a*a*a*a*a*a*b", "a".repeat(5000), true), false);
    // A backtracking engine takes seconds at 60 characters and grows as n^6; the linear one stays far under this.
    assert.ok(process.hrtime.bigint() - started < 5_000_000_000n);
  });
});
