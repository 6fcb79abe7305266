/**
 * Editing a stack file the way a person would: the yaml library's Document API keeps every comment and the
 * layout, and the text is validated with the config model before it is written (the file changes only if the
 * program would accept it). Used by `cicd bump` (staging) and `cicd rollback` (production).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Document, isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } from "yaml";
import { CONFIG_NAMESPACE, ConfigError, parseStackConfig, StackModel } from "./model";
import { readStackText } from "./sources";
import { writeOutputFile } from "../files";

/** A stack file opened for editing. */
export interface StackFileEdit {
  stack: string;
  file: string;
  doc: Document;
  /** Path of the app's entry in the document: `["config", "cicd-constitution:apps", INDEX]`. */
  appPath: Array<string | number>;
}

/**
 * Opens `DIR/Pulumi.STACK.yaml` and finds the app's entry.
 *
 * @throws ConfigError naming the stack and `cicd-constitution:apps` when no app has that name.
 */
export function openAppEntry(dir: string, stack: string, app: string): StackFileEdit {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  const apps = doc.getIn(["config", `${CONFIG_NAMESPACE}:apps`]);
  const index = isSeq(apps)
    ? apps.items.findIndex((a) => isMap(a) && (a as YAMLMap).get("name") === app)
    : -1;
  if (index < 0) {
    throw new ConfigError(stack, [
      { key: `${CONFIG_NAMESPACE}:apps`, expected: `an app named ${app}`, found: "none" },
    ]);
  }
  return { stack, file, doc, appPath: ["config", `${CONFIG_NAMESPACE}:apps`, index] };
}

/**
 * Validates the edited document as the program will read it, then writes it.
 *
 * @returns The validated model of the new text.
 * @throws ConfigError (the file is left unchanged) when the program would refuse the new text.
 */
export function writeValidated(edit: StackFileEdit): StackModel {
  const text = edit.doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  const source = readStackText(text, edit.stack, path.basename(edit.file));
  const model = parseStackConfig(edit.stack, source.raw, {
    secretKeys: source.secretKeys,
    source: source.origin,
  });
  writeOutputFile(edit.file, text);
  return model;
}

/**
 * Sets every flag of the app entry to `{ enabled: false }` (PLAY 6 step 4, "disable the related flags").
 *
 * @returns the flags' names, in file order.
 */
export function disableAppFlags(edit: StackFileEdit): string[] {
  const flags = edit.doc.getIn([...edit.appPath, "flags"]);
  if (!isSeq(flags)) return [];
  return (flags as YAMLSeq).items.flatMap((node) => {
    if (!isMap(node)) return [];
    node.set("value", edit.doc.createNode({ enabled: false }));
    return [String(node.get("name"))];
  });
}

/**
 * A rollback to `digest` runs no migration while the app runs it (`migrations.skipForDigest`): the older image's
 * migration tool does not know the newer revisions the schema already carries (Alembic: "Can't locate revision").
 * Nothing for an app without migrations.
 */
export function skipMigrationFor(edit: StackFileEdit, digest: string): void {
  if (edit.doc.hasIn([...edit.appPath, "migrations"]))
    edit.doc.setIn([...edit.appPath, "migrations", "skipForDigest"], digest);
}
