/**
 * An oracle for where a report locates results in a stack file, written apart from src/report/build.ts so that
 * the two can disagree: it reads the stack file's concrete syntax tree (the yaml library's source tokens, kept
 * with `keepSourceTokens`) instead of the composed nodes' ranges, finds an app's entry by its index in
 * `cicd-constitution:apps` instead of the pack's `appOf`, finds a resource's app by its name (docs/RESOURCES.md:
 * resources are named `${APP}` or `${APP}-...`; this repository's own governance `${REPOSITORY}-...`, after
 * `infrastructure.repository.name`) instead of its URN, and resolves every segment of a key's path from the
 * document root.
 */
import { CST, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { RuleMeta, RuleResult } from "../../src/report/types";

const PROJECT = "cicd-constitution";
const APPS = `${PROJECT}:apps`;

/** Where the oracle puts one result: the config key (as the report prints it) and its 1-based line. */
export interface OracleLocation {
  key: string;
  line: number;
}

/** A stack file's parsed document, its line counter and its apps' names in file order. */
export class StackFileOracle {
  private readonly lc = new LineCounter();
  private readonly doc: Document;
  /** App names in the order of `cicd-constitution:apps`: the index of a name is its entry's path segment. */
  readonly apps: string[];
  /** The name of the repository `cicd-constitution:infrastructure` governs, if the stack file has one. */
  readonly infrastructure: string | undefined;

  /** @param text the stack file's content. */
  constructor(text: string) {
    this.doc = parseDocument(text, { keepSourceTokens: true, lineCounter: this.lc });
    const seq = this.doc.getIn(["config", APPS], true);
    this.apps = isSeq(seq)
      ? seq.items.map((item) => {
          const name = isMap(item) ? item.get("name", true) : undefined;
          return isScalar(name) ? String(name.value) : "";
        })
      : [];
    const repository = this.doc.getIn(["config", `${PROJECT}:infrastructure`, "repository", "name"]);
    this.infrastructure = typeof repository === "string" ? repository : undefined;
  }

  /**
   * The line of the last segment of `path` (from the document root): a map key's own token, or a sequence item's
   * `-` indicator; undefined when any segment is missing. Only block collections are read (the stack files' style).
   */
  lineOf(path: ReadonlyArray<string | number>): number | undefined {
    const last = path[path.length - 1];
    const parent = this.doc.getIn(path.slice(0, -1), true) as { srcToken?: CST.Token } | undefined;
    const token = parent?.srcToken;
    let offset: number | undefined;
    if (typeof last === "number" && token?.type === "block-seq") {
      offset = token.items[last]?.start.find((t) => t.type === "seq-item-ind")?.offset;
    } else if (typeof last === "string" && token?.type === "block-map") {
      const item = token.items.find((i) => i.key && CST.resolveAsScalar(i.key)?.value === last);
      offset = item?.key ? (item.key as { offset: number }).offset : undefined;
    }
    return offset === undefined ? undefined : this.lc.linePos(offset).line;
  }

  /** The app whose name a resource's name is, or starts with followed by `-` (the longest such name). */
  appOfName(resourceName: string): number | undefined {
    let best: number | undefined;
    this.apps.forEach((a, i) => {
      const named = resourceName === a || resourceName.startsWith(`${a}-`);
      if (named && (best === undefined || a.length > this.apps[best].length)) best = i;
    });
    return best;
  }

  private top(key: string): OracleLocation | undefined {
    const line = this.lineOf(["config", `${PROJECT}:${key}`]);
    return line === undefined ? undefined : { key: `${PROJECT}:${key}`, line };
  }

  /** The first of `keys` (dotted) that the `infrastructure` entry has, else its own key. */
  private inInfrastructure(keys: readonly string[]): OracleLocation | undefined {
    const at = `${PROJECT}:infrastructure`;
    for (const key of keys) {
      const line = this.lineOf(["config", at, ...key.split(".")]);
      if (line !== undefined) return { key: `${at}.${key}`, line };
    }
    return this.top("infrastructure");
  }

  /** The first of `keys` (dotted) whose every segment app `index`'s entry has, else the entry itself. */
  private inApp(index: number, keys: readonly string[]): OracleLocation | undefined {
    const prefix = `${APPS}[${this.apps[index]}]`;
    for (const key of keys) {
      const line = this.lineOf(["config", APPS, index, ...key.split(".")]);
      if (line !== undefined) return { key: `${prefix}.${key}`, line };
    }
    const line = this.lineOf(["config", APPS, index]);
    return line === undefined ? undefined : { key: prefix, line };
  }

  /**
   * Where a result should be located: waivers at `policy`; the staging reference, and parity results not on an
   * app's resource, at `promotion`; a result on an app's resource at the first of its rule's config keys the app's entry has,
   * else the entry; on this repository's governance likewise in `infrastructure`; anything else at `apps`, else line 1.
   */
  locate(r: RuleResult, rule: RuleMeta): OracleLocation {
    const fallback = this.top("apps") ?? { key: "config", line: 1 };
    if (r.ruleId.startsWith("CC-WAIVE")) return this.top("policy") ?? fallback;
    if (r.resource?.type === "pulumi:pulumi:StackReference") return this.top("promotion") ?? fallback;
    const app = r.resource ? this.appOfName(r.resource.name) : undefined;
    if (app !== undefined) return this.inApp(app, rule.configKeys) ?? fallback;
    const name = r.resource?.name;
    if (this.infrastructure && name?.startsWith(`${this.infrastructure}-`))
      return this.inInfrastructure(rule.configKeys) ?? fallback;
    if (r.ruleId.startsWith("CC-PAR")) return this.top("promotion") ?? fallback;
    return fallback;
  }
}
