/**
 * `cicd bump --app APP --commit SHA --date ISO --actor LOGIN`: how an app's merge to its `main` reaches
 * staging. The app repository's workflow dispatches `bump-app.yml` here; it runs this command, which sets
 * `apps[APP].image.build` in `Pulumi.staging.yaml` (comments and layout kept), and opens a pull request; its
 * merge runs `main.yml`, whose staging job builds that commit once (CC-ART-08) and deploys it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isMap, isSeq, parseDocument, YAMLMap } from "yaml";
import { CONFIG_NAMESPACE, ConfigError, parseStackConfig } from "../config/model";
import { readStackText } from "../config/sources";

/** Options of {@link runBump}. */
export interface BumpOptions {
  app: string;
  commit: string;
  date: string;
  actor: string;
  /** Stack whose file is edited. Default `staging` (production promotes; it never builds). */
  stack?: string;
  /** Project directory. Default `.`. */
  dir?: string;
}

/**
 * Sets the app's `image.build` in the stack file and checks the result with the config model.
 *
 * @returns 0 when the file was updated (or already held that build), 2 on a bad argument or config (the file is
 *   then left unchanged, and the message names the stack, the key, what was expected and what was found).
 */
export function runBump(opts: BumpOptions): number {
  const stack = opts.stack ?? "staging";
  const file = path.join(opts.dir ?? ".", `Pulumi.${stack}.yaml`);
  try {
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    const apps = doc.getIn(["config", `${CONFIG_NAMESPACE}:apps`]);
    const index = isSeq(apps)
      ? apps.items.findIndex((a) => isMap(a) && (a as YAMLMap).get("name") === opts.app)
      : -1;
    if (index < 0) {
      throw new ConfigError(stack, [
        { key: `${CONFIG_NAMESPACE}:apps`, expected: `an app named ${opts.app}`, found: "none" },
      ]);
    }
    const at = ["config", `${CONFIG_NAMESPACE}:apps`, index, "image", "build"];
    doc.setIn([...at, "gitSha"], opts.commit);
    doc.setIn([...at, "date"], opts.date);
    doc.setIn([...at, "actor"], opts.actor);
    const text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
    // Validate what would be written, as the program will read it; the file changes only if it is valid.
    const source = readStackText(text, stack, path.basename(file));
    parseStackConfig(stack, source.raw, { secretKeys: source.secretKeys, source: source.origin });
    fs.writeFileSync(file, text);
    console.log(`${path.basename(file)}: ${opts.app} builds ${opts.commit} (${opts.actor}, ${opts.date})`);
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
}
