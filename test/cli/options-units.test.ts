/**
 * The argument parsers the commands share (src/cli/options.ts): each value read or refused with commander's
 * InvalidArgumentError, whose message commander prints after the option's name.
 */
import * as assert from "node:assert/strict";
import { InvalidArgumentError } from "commander";
import { calendarDay, reportFormatList, seconds, stackName } from "../../src/cli/options";

/** The message of the InvalidArgumentError `run` throws; fails when it throws nothing or another error. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof InvalidArgumentError, `expected an InvalidArgumentError, got ${String(err)}`);
    return err.message;
  }
  assert.fail("expected a refusal");
}

describe("cli options: the shared argument parsers", function () {
  describe("seconds(min)", function () {
    it("reads a number of seconds at least min, fractions included", function () {
      assert.equal(seconds(0)("0"), 0);
      assert.equal(seconds(0)("15"), 15);
      assert.equal(seconds(0.01)("0.01"), 0.01);
      assert.equal(seconds(0.01)(" 2.5 "), 2.5);
    });

    for (const [min, value] of [
      [0, ""],
      [0, "   "],
      [0, "soon"],
      [0, "Infinity"],
      [0, "-1"],
      [0.01, "0"],
      [0.01, "0.009"],
    ] as const) {
      it(`refuses ${JSON.stringify(value)} with min ${min}, naming the floor and the value`, function () {
        assert.equal(
          refusal(() => seconds(min)(value)),
          `expected seconds, a number >= ${min}, found ${JSON.stringify(value)}`,
        );
      });
    }
  });

  it("stackName reads a stack name or `all`, and refuses anything else naming the value", function () {
    assert.equal(stackName("staging"), "staging");
    assert.equal(stackName("all"), "all");
    assert.equal(stackName("eu.prod_2"), "eu.prod_2");
    assert.equal(
      refusal(() => stackName("prod/eu")),
      'expected a stack name (letters, digits, -, _ and .), found "prod/eu"',
    );
  });

  it("calendarDay reads a real date and refuses one that does not exist", function () {
    assert.equal(calendarDay("2026-12-06"), "2026-12-06");
    assert.equal(
      refusal(() => calendarDay("2026-02-30")),
      'expected a real calendar date YYYY-MM-DD, found "2026-02-30"',
    );
  });

  it("reportFormatList reads a comma-separated list, spaces trimmed, and names every unknown format", function () {
    assert.deepEqual(reportFormatList("sarif, markdown"), ["sarif", "markdown"]);
    assert.equal(
      refusal(() => reportFormatList("sarif,pdf,xml")),
      "pdf, xml: expected formats among table, json, markdown, sarif, junit",
    );
  });
});
