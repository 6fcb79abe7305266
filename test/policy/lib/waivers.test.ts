/**
 * Waiver validation edges and matching (policy-pack/lib/waivers.ts), one named scenario per test (docs/PROOFS.md
 * section 4: these pin the behaviour Stryker's mutants found unasserted).
 */
import { strict as assert } from "node:assert";
import { dayOf, findWaiver, parseDay, validWaivers, waiverProblems } from "../../../policy-pack/lib/waivers";
import { RULE_IDS } from "../../../policy-pack/rules";
import { WAIVER as GOOD, T } from "../rule-harness";

/** The catalogue's IDs, as the runners hand them to the waiver checks. */
const KNOWN_IDS = RULE_IDS;

/** The last minute of the harness's NOW day (2026-11-21): a waiver expiring that day is still valid. */
const LAST_MINUTE = new Date("2026-11-21T23:59:00Z");

/** A named scenario whose value is compared (deep, strict) with the expected one. */
type ValueCase = { name: string; got: () => unknown; expected: unknown };
function valueCases(cases: ValueCase[]): void {
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.expected));
}

const ALL_PROBLEMS = [
  "names no rule (ruleId)",
  "names no resource (resource)",
  "has no reason of at least 10 characters (reason)",
  "names no owner (owner)",
  "has no expiry date (expires)",
];
const NO_REASON = "has no reason of at least 10 characters (reason)";

describe("policy-pack lib: waivers", () => {
  describe("parseDay accepts only real calendar dates, as UTC midnight", () => {
    valueCases([
      { name: "a leap day", got: () => parseDay("2024-02-29"), expected: Date.UTC(2024, 1, 29) },
      { name: "the last day of a year", got: () => parseDay("2026-12-31"), expected: Date.UTC(2026, 11, 31) },
      ...[
        ["a leap day of a common year", "2025-02-29"],
        ["February 30", "2026-02-30"],
        ["month 13", "2026-13-01"],
        ["month 0", "2026-00-10"],
        ["day 0", "2026-01-00"],
        ["a year below 100 (Date.UTC would read it as 19xx)", "0099-01-01"],
        ["a one-digit month", "2026-1-01"],
        ["a leading space", " 2026-01-01"],
        ["a timestamp", "2026-01-01T00:00:00Z"],
      ].map(([what, s]) => ({
        name: `refuses ${what}: ${JSON.stringify(s)}`,
        got: () => parseDay(s),
        expected: undefined,
      })),
      {
        name: "dayOf is the UTC midnight of a date's day",
        got: () => dayOf(new Date("2026-11-21T23:59:59Z")),
        expected: Date.UTC(2026, 10, 21),
      },
    ]);
  });

  describe("waiverProblems lists what a waiver lacks, in order", () => {
    const cases: Array<{ name: string; waiver: unknown; knownIds?: string[]; problems: string[] }> = [
      { name: "a complete waiver has no problem", waiver: GOOD, problems: [] },
      { name: "an empty waiver has every problem", waiver: {}, problems: ALL_PROBLEMS },
      ...(
        [
          ["null", null],
          ["undefined", undefined],
          ["a string", "CC-BR-07"],
          ["a number", 3],
          ["a list of waivers", [GOOD]],
        ] as const
      ).map(([what, notObject]) => ({
        name: `${what} is not an object`,
        waiver: notObject,
        problems: ["is not an object"],
      })),
      {
        name: "blank or non-string fields count as missing",
        waiver: { ruleId: "  ", resource: " ", reason: 1234567890, owner: "   ", expires: " " },
        problems: ALL_PROBLEMS,
      },
      {
        name: "an unknown rule ID is refused",
        waiver: { ...GOOD, ruleId: "CC-BR-99" },
        problems: ['names an unknown rule "CC-BR-99"'],
      },
      {
        name: "CC-WAIVE-01 itself cannot be waived",
        waiver: { ...GOOD, ruleId: "CC-WAIVE-01" },
        problems: ["waives CC-WAIVE-01, which cannot be waived"],
      },
      {
        name: "spaces around the rule ID are not a problem",
        waiver: { ...GOOD, ruleId: " CC-BR-07 " },
        problems: [],
      },
      {
        name: "the rule ID must be among the known IDs given",
        waiver: GOOD,
        knownIds: ["CC-BR-01"],
        problems: ['names an unknown rule "CC-BR-07"'],
      },
      {
        name: "a reason of 9 characters once trimmed is too short",
        waiver: { ...GOOD, reason: "  123456789  " },
        problems: [NO_REASON],
      },
      {
        name: "a reason of 10 characters is enough",
        waiver: { ...GOOD, reason: "1234567890" },
        problems: [],
      },
      {
        name: "a waiver expiring today is valid through the day (UTC)",
        waiver: { ...GOOD, expires: "2026-11-21" },
        problems: [],
      },
      {
        name: "a waiver that expired yesterday is expired",
        waiver: { ...GOOD, expires: "2026-11-20" },
        problems: ["expired on 2026-11-20"],
      },
      {
        name: "an impossible expiry date is named",
        waiver: { ...GOOD, expires: "2026-02-30" },
        problems: ['has an expiry that is not a YYYY-MM-DD date ("2026-02-30")'],
      },
      {
        name: "an expiry in another format is named",
        waiver: { ...GOOD, expires: "31/12/2026" },
        problems: ['has an expiry that is not a YYYY-MM-DD date ("31/12/2026")'],
      },
    ];
    for (const c of cases)
      it(c.name, () =>
        assert.deepEqual(waiverProblems(c.waiver, LAST_MINUTE, c.knownIds ?? KNOWN_IDS), c.problems),
      );
  });

  describe("validWaivers keeps the valid ones, trimmed", () => {
    const padded = {
      ruleId: " CC-BR-07 ",
      resource: " erp-* ",
      reason: "  release bot needs a bypass ",
      owner: " mathieu ",
      expires: " 2026-12-31 ",
    };
    valueCases([
      {
        name: "a waiver that is not in a list gives none",
        got: () => validWaivers(GOOD, LAST_MINUTE, KNOWN_IDS),
        expected: [],
      },
      {
        name: "no waivers give none",
        got: () => validWaivers(undefined, LAST_MINUTE, KNOWN_IDS),
        expected: [],
      },
      {
        name: "a padded valid waiver is kept trimmed, one without owner is dropped",
        got: () => validWaivers([padded, { ...GOOD, owner: "" }], LAST_MINUTE, KNOWN_IDS),
        expected: [{ ...GOOD, resource: "erp-*" }],
      },
    ]);
  });

  describe("findWaiver matches the rule, then the resource by name or URN glob, or the stack by * or its name", () => {
    const all = validWaivers(
      [
        { ...GOOD, resource: "erp-*-repo" },
        { ...GOOD, ruleId: "CC-BR-06", resource: "urn:pulumi:production::*::menu-repo" },
        { ...GOOD, ruleId: "CC-BR-08", resource: "*" },
        { ...GOOD, ruleId: "CC-BR-01", resource: "production" },
      ],
      LAST_MINUTE,
      KNOWN_IDS,
    );
    const [byName, byUrn, star, stack] = all;
    const erp = {
      name: "erp-berhan-repo",
      urn: `urn:pulumi:production::p::${T.repository}::erp-berhan-repo`,
    };
    const menu = { name: "menu-repo", urn: `urn:pulumi:production::p::${T.repository}::menu-repo` };
    const cases: Array<[string, string, typeof erp | null, string, (typeof all)[number] | undefined]> = [
      ["a name glob matches its resource", "CC-BR-07", erp, "production", byName],
      ["a name glob does not match another resource", "CC-BR-07", menu, "production", undefined],
      ["no waiver of the rule matches nothing", "CC-BR-05", erp, "production", undefined],
      ["a URN glob matches its resource", "CC-BR-06", menu, "production", byUrn],
      ["a URN glob does not match another resource", "CC-BR-06", erp, "production", undefined],
      ["* matches the whole stack of any name", "CC-BR-08", null, "staging", star],
      ["the stack's name matches the whole stack", "CC-BR-01", null, "production", stack],
      ["another stack's name does not match", "CC-BR-01", null, "staging", undefined],
      ["a resource glob does not match the whole stack", "CC-BR-07", null, "production", undefined],
    ];
    for (const [name, rule, resource, stackName, expected] of cases)
      it(name, () => assert.equal(findWaiver(all, rule, resource, stackName), expected));
  });
});
