/** JUnit XML of an audit report, for CI test reports. */
import { XMLBuilder } from "fast-xml-parser";
import { scoreLine } from "../../policy-pack/lib/scorecard";
import { AuditReport, SECTION_TITLES } from "./types";
import { xmlSafe } from "../inert";
import { countsLine, metaOf, overrideLine, resourceText, sectionOf, sections } from "./common";

/**
 * The `<testsuite>` elements of one report (fast-xml-parser's object form): one per catalogue section, named
 * `<stack>: <section title>`, one `<testcase>` per rule and resource (`classname` = `<stack>.<rule ID>`,
 * `name` = `<rule ID> <resource name>`); a failure is `<failure>` whose `type` is the enforcement level (advisory
 * failures included), waived and not-applicable verdicts are `<skipped>` with the reason. Mode, stack, pack and
 * counts are `<properties>` of every suite.
 */
function junitSuites(r: AuditReport): Array<Record<string, unknown>> {
  const meta = metaOf(r);
  const props = {
    property: [
      { "@_name": "mode", "@_value": r.mode },
      { "@_name": "stack", "@_value": r.stack },
      { "@_name": "policyPack", "@_value": `${r.policyPack.name}@${r.policyPack.version}` },
      { "@_name": "summary", "@_value": countsLine(r) },
      ...r.overrides.map((o) => ({ "@_name": `override:${o.ruleId}`, "@_value": overrideLine(o) })),
      ...r.scorecard.map((sc) => ({ "@_name": `scorecard:${sc.repository}`, "@_value": scoreLine(sc) })),
    ],
  };
  return sections(r, meta).map((sec) => {
    const rows = r.results.filter((x) => sectionOf(meta, x.ruleId) === sec);
    return {
      "@_name": `${r.stack}: ${SECTION_TITLES[sec] ?? sec}`,
      "@_tests": rows.length,
      "@_failures": rows.filter((x) => x.status === "fail").length,
      "@_errors": 0,
      "@_skipped": rows.filter((x) => x.status === "waived" || x.status === "not-applicable").length,
      properties: props,
      testcase: rows.map((x) => {
        const tc: Record<string, unknown> = {
          "@_classname": `${r.stack}.${x.ruleId}`,
          "@_name": `${x.ruleId} ${resourceText(x)}`,
        };
        if (x.status === "fail")
          tc.failure = {
            "@_type": x.enforcementLevel,
            "@_message": x.message,
            "#text": `${x.message}\nRemediation: ${meta.get(x.ruleId)?.remediation ?? "see the catalogue"}${x.resource ? `\nResource: ${x.resource.urn}` : ""}`,
          };
        else if (x.status === "waived") tc.skipped = { "@_message": `waived: ${x.message}` };
        else if (x.status === "not-applicable") tc.skipped = { "@_message": `not applicable: ${x.message}` };
        return tc;
      }),
    };
  });
}

/** The XML document: one `<testsuites>` holding `suites`, with the totals of `reports`. */
function junitDocument(name: string, reports: AuditReport[], suites: unknown[]): string {
  const sum = (f: (s: AuditReport["summary"]) => number) => reports.reduce((n, r) => n + f(r.summary), 0);
  const doc = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    testsuites: {
      "@_name": name,
      "@_tests": sum((s) => s.total),
      "@_failures": sum((s) => s.fail),
      "@_errors": 0,
      "@_skipped": sum((s) => s.waived + s.notApplicable),
      testsuite: suites,
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true });
  return builder.build(xmlSafe(doc)) as string;
}

/**
 * JUnit XML of one report: one `<testsuites>` whose `<testsuite>` elements are the catalogue sections (see
 * {@link junitSuites}), its counts the report's.
 */
export function reportJunit(r: AuditReport): string {
  return junitDocument(
    `${r.policyPack.name} ${r.policyPack.version} policy audit of ${r.stack} (${r.mode})`,
    [r],
    junitSuites(r),
  );
}

/**
 * JUnit XML of several stacks' reports as one document: one `<testsuites>` holding each stack's suites in the
 * order given (each suite named `<stack>: <section title>`, each case's `classname` `<stack>.<rule ID>`), its
 * counts the sums over the stacks. One report gives what {@link reportJunit} gives.
 *
 * @throws Error when `reports` is empty.
 */
export function reportsJunit(reports: AuditReport[]): string {
  if (reports.length === 0) throw new Error("no report to render");
  const [first] = reports;
  const modes = [...new Set(reports.map((r) => r.mode))].join(", ");
  return junitDocument(
    `${first.policyPack.name} ${first.policyPack.version} policy audit of ${reports.map((r) => r.stack).join(", ")} (${modes})`,
    reports,
    reports.flatMap(junitSuites),
  );
}
