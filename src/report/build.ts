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
import { INFRASTRUCTURE_TYPE, PROJECT_NAME } from "../../policy-pack/lib/facts";
import { appOf } from "../../policy-pack/lib/props";
import { T } from "../../policy-pack/lib/tokens";
import type { PolicyResourceInput } from "../../policy-pack/evaluate";

/** Counts results by status and failing level: the pack's own counts, plus the total. */
export function summarizeResults(results: RuleResult[]): ReportSummary {
  return { total: results.length, ...summarize(results) };
}

const PROJECT = PROJECT_NAME;

/**
 * Resolves results to lines of a stack file (`Pulumi.<stack>.yaml`): a result on an app's resource at the first of
 * its rule's `configKeys` (policy-pack/lib/types.ts) that the app's entry has, else at the entry; a result on this
 * repository's own governance (under the {@link INFRASTRUCTURE_TYPE} component) likewise in the `infrastructure`
 * entry, which has the same repository keys.
 */
export class StackFileLocator {
  private readonly lc = new LineCounter();
  private readonly config: YAMLMap | undefined;
  private readonly apps = new Map<string, YAMLMap>();
  private readonly infrastructure: YAMLMap | undefined;
  private readonly configKeys: Map<string, readonly string[]>;
  private readonly byUrn: Map<string, PolicyResourceInput>;

  /**
   * @param uri the stack file's path relative to the repository root (what SARIF and links print).
   * @param text the stack file's content.
   * @param rules the pack's rule metadata: each rule's `configKeys`.
   * @param resources the resources the results judge, with their parents, to find each one's app
   *   (policy-pack/lib/props.ts `appOf`). Default: none; then no result is located inside an app's entry.
   */
  constructor(
    readonly uri: string,
    text: string,
    rules: readonly RuleMeta[],
    resources: readonly PolicyResourceInput[] = [],
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
    const infrastructure = this.config?.get(`${PROJECT}:infrastructure`, true);
    this.infrastructure = isMap(infrastructure) ? infrastructure : undefined;
    this.configKeys = new Map(rules.map((m) => [m.id, m.configKeys]));
    this.byUrn = new Map(resources.map((r) => [r.urn, r]));
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

  /** Location of the first of `paths` (dotted) inside app `app`'s entry; the entry when none is there. */
  appKey(app: string, paths: readonly string[]): ResultLocation | null {
    const entry = this.apps.get(app);
    if (!entry) return null;
    const prefix = `${PROJECT}:apps[${app}]`;
    return this.entryKey(entry, prefix, paths) ?? this.pos(entry.range?.[0], prefix);
  }

  /** Location of the first of `paths` (dotted) inside `entry`, keyed under `prefix`; null when none is there. */
  private entryKey(entry: YAMLMap, prefix: string, paths: readonly string[]): ResultLocation | null {
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
    return null;
  }

  /**
   * The app of the stack file a result's resource belongs to (the pack's `appOf` over the resources given), or
   * undefined: no resource, a resource not given, or an app the stack file does not list (this repository's own
   * governance).
   */
  appOf(resource: RuleResult["resource"]): string | undefined {
    const r = resource ? this.byUrn.get(resource.urn) : undefined;
    const app = r ? appOf(r, this.byUrn) : undefined;
    return app !== undefined && this.apps.has(app) ? app : undefined;
  }

  /**
   * Whether `resource` is this repository's own governance: its URN's type chain (`parent$...$type`, the third
   * `::` part) holds the {@link INFRASTRUCTURE_TYPE} component, in a plan's URNs and in a state export's alike.
   */
  private governsInfrastructure(resource: NonNullable<RuleResult["resource"]>): boolean {
    return (resource.urn.split("::")[2] ?? "").split("$").includes(INFRASTRUCTURE_TYPE);
  }

  /**
   * Location of one result: the rule's config key in the resource's app entry, or in the `infrastructure` entry for
   * this repository's own governance; for the staging reference the `promotion` key; for waivers the `policy` key;
   * otherwise the `apps` key, else the first line.
   *
   * @throws Error for a result of a rule the locator was not given (its config keys are not known).
   */
  locate(r: RuleResult): ResultLocation {
    const keys = this.configKeys.get(r.ruleId);
    if (!keys) throw new Error(`no rule metadata for ${r.ruleId}: its config keys are unknown`);
    const fallback = this.topKey(`${PROJECT}:apps`) ?? { uri: this.uri, line: 1, column: 1, key: "config" };
    if (r.ruleId.startsWith("CC-WAIVE")) return this.topKey(`${PROJECT}:policy`) ?? fallback;
    if (r.resource) {
      if (r.resource.type === T.stackReference) return this.topKey(`${PROJECT}:promotion`) ?? fallback;
      const app = this.appOf(r.resource);
      if (app) return this.appKey(app, keys) ?? fallback;
      if (this.infrastructure && this.governsInfrastructure(r.resource)) {
        const key = `${PROJECT}:infrastructure`;
        return this.entryKey(this.infrastructure, key, keys) ?? this.topKey(key) ?? fallback;
      }
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
  /**
   * The resources the results judge (with their parents): where each result's app is found, to locate it in the
   * app's entry of the stack file. Default: none; results are then located at the stack file's `apps` key.
   */
  resources?: readonly PolicyResourceInput[];
}

/**
 * Builds the report: counts the results and, when the stack file is given, locates each result in it (see
 * {@link StackFileLocator.locate}).
 *
 * @throws Error when a result's rule is not among `input.rules` and a stack file is given.
 */
export function buildReport(input: BuildReportInput): AuditReport {
  const locator = input.stackFile
    ? new StackFileLocator(input.stackFile.uri, input.stackFile.text, input.rules, input.resources)
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
      ...(o.resource ? { resource: o.resource } : {}),
    })),
    scorecard: input.scorecard ?? [],
    rules: input.rules,
    ...(locator ? { locations: input.results.map((r) => locator.locate(r)) } : {}),
  };
}
