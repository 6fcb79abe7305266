/**
 * `cicd bump --app APP --commit SHA --date ISO --actor LOGIN`: how an app's merge to its `main` reaches
 * staging. The app repository's workflow dispatches `bump-app.yml` here; it runs this command, which sets
 * `apps[APP].image.build` in `Pulumi.staging.yaml` (comments and layout kept), and opens a pull request; its
 * merge runs `main.yml`, whose staging job builds that commit once (CC-ART-08) and deploys it.
 */
import * as path from "node:path";
import { openAppEntry, writeValidated } from "../config/stackFileEdit";

/** Options of {@link runBump}. */
export interface BumpOptions {
  app: string;
  commit: string;
  date: string;
  actor: string;
  /** The app's release of the commit (`mvp-X.Y.Z`): the image's version label. Default: none. */
  version?: string;
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
  try {
    const edit = openAppEntry(opts.dir ?? ".", stack, opts.app);
    const at = [...edit.appPath, "image", "build"];
    edit.doc.setIn([...at, "gitSha"], opts.commit);
    edit.doc.setIn([...at, "date"], opts.date);
    edit.doc.setIn([...at, "actor"], opts.actor);
    // The app's release of that commit, or none: a version left from the previous build would mislabel this one.
    if (opts.version) edit.doc.setIn([...at, "version"], opts.version);
    else if (edit.doc.hasIn([...at, "version"])) edit.doc.deleteIn([...at, "version"]);
    // Rolled forward: a digest pinned by a staging rollback gives way to the build, and its migration runs again.
    for (const at of [
      ["image", "digest"],
      ["image", "provenance"],
      ["migrations", "skipForDigest"],
    ])
      if (edit.doc.hasIn([...edit.appPath, ...at])) edit.doc.deleteIn([...edit.appPath, ...at]);
    writeValidated(edit);
    console.log(
      `${path.basename(edit.file)}: ${opts.app} builds ${opts.commit} (${opts.actor}, ${opts.date})`,
    );
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
}
