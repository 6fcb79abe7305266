/** JUnit XML of an audit report, for CI test reports. */
import { XMLBuilder } from "fast-xml-parser";
import { scoreLine } from "../../policy-pack/lib/scorecard";
import { AuditReport, SECTION_TITLES } from "./types";
import { xmlSafe } from "../inert";
import { countsLine, metaOf, overrideLine, resourceText, sectionOf, sections } from "./common";

/**
 * JUnit XML: one `<testsuite>` per catalogue section, one `<testcase>` per rule and resource
 * (`classname` = `<stack>.<rule ID>`, `name` = `<rule ID> <resource name>`); a failure is `<failure>` whose
 * `type` is the enforcement level (advisory failures included), waived and not-applicable verdicts are
 * `<skipped>` with the reason. Mode, stack, pack and counts are `<properties>` of every suite.
 */
export function reportJunit(r: AuditReport): string {
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
  const suites = sections(r, meta).map((sec) => {
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
  const s = r.summary;
  const doc = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    testsuites: {
      "@_name": `${r.policyPack.name} ${r.policyPack.version} policy audit of ${r.stack} (${r.mode})`,
      "@_tests": s.total,
      "@_failures": s.fail,
      "@_errors": 0,
      "@_skipped": s.waived + s.notApplicable,
      testsuite: suites,
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true });
  return builder.build(xmlSafe(doc)) as string;
}
