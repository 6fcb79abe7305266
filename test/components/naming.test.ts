/**
 * Physical names (components/naming.ts): each environment's short code is its own, so the names derived from it
 * never collide between environments, and a shortened name keeps its environment and suffix.
 */
import { strict as assert } from "node:assert";
import { awsName, shortEnv } from "../../components/naming";

describe("naming", () => {
  it("each environment has a distinct, non-empty short code of at most 4 characters", () => {
    const codes = ["staging", "production", "drift", "preview"].map(shortEnv);
    assert.deepEqual(codes, ["stg", "prod", "drif", "prev"]);
    assert.equal(new Set(codes).size, codes.length);
  });

  it("an AWS name fits its limit by shortening the app, never the environment or the suffix", () => {
    const name = awsName("a-very-long-application-name", "staging", "alb");
    // ELBv2 names: at most 32 characters, alphanumerics and hyphens, not ending with a hyphen.
    assert.equal(name, "a-very-long-application--stg-alb");
    assert.equal(name.length, 32);
    assert.equal(awsName("shop", "production", "tg"), "shop-prod-tg");
  });
});
