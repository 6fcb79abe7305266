/**
 * Builds an {@link AuditReport} from runner results: counts, and the location of each result in the stack file.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, Pair, YAMLMap } from "yaml";
import { summarize } from "../../policy-pack/evaluate";
import type {
  AuditReport,
  OverrideInForce,
  ReportSummary,
  ResultLocation,
  RuleMeta,
  RuleResult,
  ScorecardBranchProtection,
} from "./types";
import { PROJECT_NAME } from "../../policy-pack/lib/facts";

/** Counts results by status and failing level: the pack's own counts, plus the total. */
export function summarizeResults(results: RuleResult[]): ReportSummary {
  return { total: results.length, ...summarize(results) };
}

const PROJECT = PROJECT_NAME;

/**
 * The app config key a rule is about, most specific first; the resolver uses the first key present in the
 * app's entry, else the entry itself. Source: the catalogue's rules and the config model (src/config/model.ts).
 */
const RULE_KEYS: Readonly<Record<string, string[]>> = {
  "CC-BR-02": ["requiredChecks"],
  "CC-BR-03": ["requiredApprovals"],
  "CC-BR-01": ["repository"],
  "CC-BR-04": ["repository"],
  "CC-BR-05": ["repository"],
  "CC-BR-06": ["repository"],
  "CC-BR-07": ["repository"],
  "CC-BR-08": ["repository"],
  "CC-ENV-02": ["reviewers"],
  "CC-ENV-04": ["environmentSecrets"],
  "CC-ENV-05": ["environmentSecrets"],
  "CC-ART-01": ["image"],
  "CC-ART-02": ["image"],
  "CC-ART-03": ["image.repository", "image"],
  "CC-ART-04": ["image.platforms", "image"],
  "CC-ART-05": ["image"],
  "CC-ART-06": ["image.digest", "image"],
  "CC-ART-07": ["image.digest", "image"],
  "CC-PAR-01": ["image.digest", "image"],
  "CC-RUN-01": ["runtime.health", "runtime"],
  "CC-RUN-02": ["runtime.health", "runtime"],
  "CC-RUN-03": ["runtime"],
  "CC-RUN-04": ["runtime.desiredCount", "runtime"],
  "CC-RUN-05": ["runtime.environment", "runtime"],
  "CC-RUN-06": ["runtime.environment", "runtime"],
  "CC-RUN-07": ["runtime.secrets", "runtime"],
  "CC-RUN-08": ["runtime.logRetentionDays", "runtime"],
  "CC-RUN-09": ["runtime.domain", "runtime"],
  "CC-RUN-10": ["runtime"],
  "CC-PAR-02": ["runtime.environment", "runtime"],
  "CC-PAR-03": ["runtime"],
  "CC-OBS-01": ["observability"],
  "CC-OBS-02": ["observability"],
  "CC-OBS-03": ["observability"],
  "CC-FLAG-01": ["flags"],
  "CC-FLAG-02": ["flags"],
  "CC-FLAG-03": ["flags"],
};

/** Resolves results to lines of a stack file (`Pulumi.<stack>.yaml`). */
export class StackFileLocator {
  private readonly lc = new LineCounter();
  private readonly config: YAMLMap | undefined;
  private readonly apps = new Map<string, YAMLMap>();

  /**
   * @param uri the stack file's path relative to the repository root (what SARIF and links print).
   * @param text the stack file's content.
   */
  constructor(
    readonly uri: string,
    text: string,
  ) {
    const doc = parseDocument(text, { lineCounter: this.lc });
    const config = doc.get("config", true);
    this.config = isMap(config) ? config : undefined;
    const apps = this.config?.get(`${PROJECT}:apps`, true);
    if (isSeq(apps)) {
      for (const item of apps.items) {
        if (isMap(item)) {
          const name = item.get("name");
          if (typeof name === "string") this.apps.set(name, item);
        }
      }
    }
  }

  /** App names of the stack file. */
  appNames(): string[] {
    return [...this.apps.keys()];
  }

  private pos(offset: number | undefined, key: string): ResultLocation | null {
    if (offset === undefined) return null;
    const { line, col } = this.lc.linePos(offset);
    return { uri: this.uri, line, column: col, key };
  }

  private pair(map: YAMLMap, key: string): Pair | undefined {
    return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;
  }

  /** Location of a top-level config key (`cicd-constitution:promotion`), or null. */
  topKey(key: string): ResultLocation | null {
    if (!this.config) return null;
    const p = this.pair(this.config, key);
    return p && isScalar(p.key) ? this.pos(p.key.range?.[0], key) : null;
  }

  /** Location of `path` (dotted) inside app `app`'s entry, the deepest key found; the entry when none. */
  appKey(app: string, paths: string[]): ResultLocation | null {
    const entry = this.apps.get(app);
    if (!entry) return null;
    const prefix = `${PROJECT}:apps[${app}]`;
    for (const path of paths) {
      let node: YAMLMap | undefined = entry;
      let found: Pair | undefined;
      for (const part of path.split(".")) {
        found = node ? this.pair(node, part) : undefined;
        if (!found) break;
        node = isMap(found.value) ? found.value : undefined;
      }
      if (found && isScalar(found.key)) return this.pos(found.key.range?.[0], `${prefix}.${path}`);
    }
    return this.pos(entry.range?.[0], prefix);
  }

  /** The app a resource belongs to: resources are named `<app>` or `<app>-...` (docs/RESOURCES.md). */
  appOf(resourceName: string): string | undefined {
    let best: string | undefined;
    for (const a of this.apps.keys()) {
      if ((resourceName === a || resourceName.startsWith(`${a}-`)) && (!best || a.length > best.length))
        best = a;
    }
    return best;
  }

  /**
   * Location of one result: the rule's config key in the resource's app entry; for the staging reference the
   * `promotion` key; for waivers the `policy` key; otherwise the `apps` key, else the first line.
   */
  locate(r: RuleResult): ResultLocation {
    const fallback = this.topKey(`${PROJECT}:apps`) ?? { uri: this.uri, line: 1, column: 1, key: "config" };
    if (r.ruleId.startsWith("CC-WAIVE")) return this.topKey(`${PROJECT}:policy`) ?? fallback;
    if (r.resource) {
      if (r.resource.type === "pulumi:pulumi:StackReference")
        return this.topKey(`${PROJECT}:promotion`) ?? fallback;
      const app = this.appOf(r.resource.name);
      if (app) return this.appKey(app, RULE_KEYS[r.ruleId] ?? []) ?? fallback;
    }
    if (r.ruleId.startsWith("CC-PAR")) return this.topKey(`${PROJECT}:promotion`) ?? fallback;
    return fallback;
  }
}

/** Inputs of {@link buildReport}. */
export interface BuildReportInput {
  mode: "offline" | "online";
  stack: string;
  policyPack: { name: string; version: string };
  results: RuleResult[];
  rules: RuleMeta[];
  /** Enforcement overrides in force. Default: none. */
  overrides?: OverrideInForce[];
  /** Scorecard Branch-Protection scores of the governed repositories. Default: none. */
  scorecard?: ScorecardBranchProtection[];
  /** The stack file, relative to the repository root, and its text: results are located in it. */
  stackFile?: { uri: string; text: string };
}

/** Builds the report: counts the results and, when the stack file is given, locates each result in it. */
export function buildReport(input: BuildReportInput): AuditReport {
  const locator = input.stackFile
    ? new StackFileLocator(input.stackFile.uri, input.stackFile.text)
    : undefined;
  return {
    schemaVersion: 1,
    mode: input.mode,
    stack: input.stack,
    ...(input.stackFile ? { stackFile: input.stackFile.uri } : {}),
    policyPack: input.policyPack,
    summary: summarizeResults(input.results),
    results: input.results,
    overrides: (input.overrides ?? []).map((o) => ({
      ruleId: o.ruleId,
      from: o.from,
      to: o.to,
      reason: o.reason,
      owner: o.owner,
      expires: o.expires,
    })),
    scorecard: input.scorecard ?? [],
    rules: input.rules,
    ...(locator ? { locations: input.results.map((r) => locator.locate(r)) } : {}),
  };
}
