/**
 * Physical names (components/naming.ts): each environment's short code is its own, so the names derived from it
 * never collide between environments, and a shortened name keeps its environment and suffix.
 */
import { strict as assert } from "node:assert";
import {
  AUTONAME_SUFFIX_LENGTH,
  awsName,
  nameLimitProblems,
  physicalNames,
  shortEnv,
} from "../../components/naming";

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

  it("a name over its limit is reported with what it names, its length, the limit and the AWS API that sets it", () => {
    const app = "a".repeat(600);
    const names = Object.values(physicalNames(app, "production"));
    const problems = nameLimitProblems(app, "production");
    const expected = names.flatMap((p) => {
      assert.match(p.what, /^[A-Za-z][\w -]+$/);
      assert.match(
        p.source,
        /^(ECS|ELBv2|IAM|CloudWatch Logs|CloudWatch|EC2|AppConfig|SNS|Secrets Manager) [A-Z]\w+$/,
      );
      const length = p.name.length + (p.autonamed ? AUTONAME_SUFFIX_LENGTH : 0);
      // Names built by awsName are shortened to their limit instead.
      return length > p.max
        ? [`${p.what} name ${p.name} has ${length} characters, at most ${p.max} (${p.source})`]
        : [];
    });
    assert.ok(expected.length >= 10, `${expected.length} names over their limit`);
    assert.deepEqual(problems, expected);
    assert.deepEqual(nameLimitProblems("shop", "production"), []);
  });
});
