/** SARIF 2.1.0 of an audit report, for GitHub code scanning. */
import { createHash } from "node:crypto";
import type * as Sarif from "sarif";
import { AuditReport, EnforcementLevel, ResultLocation, RuleMeta, RuleResult } from "./types";
import type { RenderOptions } from "./render";
import { defaultCatalogueUrl } from "./common";
import { securitySeverity } from "./severity";

/** SARIF 2.1.0 schema URI written in `$schema`. */
export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

function sarifLevel(x: RuleResult): Sarif.Result.level {
  if (x.enforcementLevel === "mandatory") return "error";
  if (x.enforcementLevel === "advisory") return "warning";
  return "note";
}

/**
 * The SARIF rule of one catalogue rule: ID, policy name, texts, remediation as help, `helpUri` at `base`, and its
 * `security-severity` for code scanning (src/report/severity.ts) from `level`, the level the stack runs it at.
 */
function sarifRule(m: RuleMeta, base: string, level: EnforcementLevel): Sarif.ReportingDescriptor {
  return {
    id: m.id,
    name: m.policyName,
    shortDescription: { text: m.title },
    fullDescription: { text: m.description },
    help: {
      text: `${m.remediation}\nSource: ${m.source}.`,
      markdown: `**Remediation:** ${m.remediation}\n\n**Source:** ${m.source}. Catalogue: [${m.id}](${base}#${m.id.toLowerCase()}).`,
    },
    helpUri: `${base}#${m.id.toLowerCase()}`,
    defaultConfiguration: {
      level: level === "mandatory" ? "error" : level === "advisory" ? "warning" : "note",
    },
    properties: {
      section: m.section,
      source: m.source,
      enforcementLevel: level,
      // Code scanning ranks an alert by its rule's security-severity when the rule is tagged `security`.
      "security-severity": securitySeverity(level, m.section),
      tags: ["security", "cicd-constitution", m.section],
    },
  };
}

/**
 * The SARIF result of one failing or waived verdict, located at `loc` (the stack file and config key; the
 * first line of the stack file when unknown), with the resource URN as logical location, a fingerprint of stack,
 * rule and resource, and for a waived verdict an accepted external suppression with the waiver's reason.
 *
 * @param ruleIndex the rule's index in the run's rules, when the report lists it.
 */
function sarifResult(
  r: AuditReport,
  x: RuleResult,
  loc: ResultLocation | null | undefined,
  ruleIndex: number | undefined,
): Sarif.Result {
  const at = loc ?? { uri: r.stackFile ?? `Pulumi.${r.stack}.yaml`, line: 1, column: 1, key: "config" };
  const fingerprint = createHash("sha256")
    .update(`${r.stack}\n${x.ruleId}\n${x.resource?.urn ?? "(stack)"}`)
    .digest("hex");
  const result: Sarif.Result = {
    ruleId: x.ruleId,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: sarifLevel(x),
    kind: "fail",
    message: { text: `${x.resource ? x.resource.name : `stack ${r.stack}`}: ${x.message}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: at.uri, uriBaseId: "%SRCROOT%" },
          region: { startLine: at.line, startColumn: at.column },
        },
        logicalLocations: [
          x.resource
            ? { name: x.resource.name, fullyQualifiedName: x.resource.urn, kind: "resource" }
            : { name: r.stack, fullyQualifiedName: `stack:${r.stack}`, kind: "module" },
        ],
        message: { text: `config key ${at.key}` },
      },
    ],
    partialFingerprints: { "cicdConstitutionResult/v1": fingerprint },
    properties: {
      stack: r.stack,
      policyName: x.policyName,
      enforcementLevel: x.enforcementLevel,
      ...(x.resource ? { resourceType: x.resource.type } : {}),
    },
  };
  if (x.status === "waived") {
    result.suppressions = [
      {
        kind: "external",
        status: "accepted",
        justification: x.waiver
          ? `${x.waiver.reason} (owner ${x.waiver.owner}, expires ${x.waiver.expires})`
          : x.message,
      },
    ];
  }
  return result;
}

/**
 * The SARIF log: one run per report, tool `cicd-constitution` (the pack's name and version) with every rule
 * (ID, policy name, title, description, remediation as help, catalogue `helpUri`, section/source/level and
 * `security-severity` as properties); one result per failing or waived verdict (waived ones carry an external suppression with the
 * waiver's reason), located at the stack file and config key, with the resource URN as logical location.
 * Passing and not-applicable verdicts are counted in `runs[0].properties.summary`, not listed (code scanning
 * would show them as alerts). `automationDetails.id` is `cicd-constitution/<stack>/`, so both stacks upload
 * as separate categories.
 */
export function reportSarif(r: AuditReport, opts: RenderOptions = {}): Sarif.Log {
  const base = opts.catalogueUrl ?? defaultCatalogueUrl();
  // The level each rule runs at in this stack (its results say it; the catalogue's default for a rule with none).
  const levels = new Map(r.results.map((x) => [x.ruleId, x.enforcementLevel]));
  const rules = r.rules.map((m) => sarifRule(m, base, levels.get(m.id) ?? m.enforcementLevel));
  const index = new Map(rules.map((x, i) => [x.id, i]));
  const results = r.results.flatMap((x, i) =>
    x.status === "fail" || x.status === "waived"
      ? [sarifResult(r, x, r.locations?.[i], index.get(x.ruleId))]
      : [],
  );
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: r.policyPack.name,
            version: r.policyPack.version,
            semanticVersion: r.policyPack.version,
            informationUri: base,
            rules,
          },
        },
        automationDetails: { id: `${r.policyPack.name}/${r.stack}/` },
        originalUriBaseIds: {
          "%SRCROOT%": { description: { text: "The repository root (where Pulumi.<stack>.yaml lives)." } },
        },
        invocations: [{ executionSuccessful: true }],
        results,
        properties: {
          mode: r.mode,
          stack: r.stack,
          policyPack: r.policyPack,
          summary: r.summary,
          // Enforcement overrides in force (CC-WAIVE-02): rule, from, to, reason, owner, expiry.
          overrides: r.overrides,
          // OpenSSF Scorecard Branch-Protection score of each governed repository, with the next tier's needs.
          scorecard: r.scorecard,
        },
      },
    ],
  };
}

/**
 * One SARIF log for several stacks' reports: one run per report, in the order given, each as
 * {@link reportSarif} makes it (so each keeps its own `automationDetails.id`, `cicd-constitution/<stack>/`: code
 * scanning tells the stacks' alerts apart). One report gives what {@link reportSarif} gives.
 *
 * @throws Error when `reports` is empty.
 */
export function reportsSarif(reports: AuditReport[], opts: RenderOptions = {}): Sarif.Log {
  if (reports.length === 0) throw new Error("no report to render");
  const logs = reports.map((r) => reportSarif(r, opts));
  return { ...logs[0], runs: logs.flatMap((l) => l.runs) };
}
