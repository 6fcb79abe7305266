/**
 * RUN (continued): migration tasks, the one-off ECS tasks that move an app's schema before its service changes.
 * Source: CONST "Migrations" (expand -> migrate -> contract); F6 "Migration Safety Net" ("a known image built from a
 * known commit, against a known database schema"), "Rollback Strategy". Extensions beyond the shared catalogue
 * (policy-pack/README.md).
 */
import { str, tagsOf } from "../lib/props";
import { defineRule, Res, Rule } from "../lib/rule";
import { T } from "../lib/tokens";
import { containersOf, isOneOffTask } from "../lib/containers";

/** The migration contracts a release may declare (F6 "Migration Safety Net"). */
export const MIGRATION_CONTRACTS = ["safe_online", "requires_maintenance_window", "destructive"];

/** The tag that carries a migration task's contract. */
export const CONTRACT_TAG = "migration-contract";

const appKey = (r: Res) => `${str(tagsOf(r.props).app) ?? ""}\u0000${str(tagsOf(r.props).environment) ?? ""}`;

export const RUN_14 = defineRule({
  id: "CC-RUN-14",
  slug: "migration-same-image",
  section: "RUN",
  title: "a migration task runs the image its app's service runs, by the same digest",
  description:
    "Every one-off task definition (no port, a command of its own) runs exactly the images of the service task definition of the same app and environment (app and environment tags).",
  source: 'F6 "Migration Safety Net (Alembic)"; CONST "Migrations (Expand → Migrate → Contract)"',
  remediation:
    "Build the migration task's container from the service's (same image reference, variables and secrets), changing only the command; tag both with the same app and environment.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.taskDefinition],
  configKeys: ["migrations"],
  checkStack(resources, _ctx, out) {
    const tds = resources.filter((r) => r.type === T.taskDefinition);
    const serving = new Map<string, Res[]>();
    for (const td of tds.filter((t) => !isOneOffTask(t)))
      serving.set(appKey(td), [...(serving.get(appKey(td)) ?? []), td]);
    const oneOff = tds.filter(isOneOffTask);
    if (!oneOff.length) return out.na(null, "no migration task (a one-off task definition) in this stack");
    for (const td of oneOff) {
      out.guard(td, () => {
        const images = [...new Set(containersOf(td).map((c) => c.image))].sort();
        const services = serving.get(appKey(td)) ?? [];
        if (!services.length)
          return out.fail(
            td,
            `no service task definition of app ${str(tagsOf(td.props).app) ?? "(untagged)"} in environment ${str(tagsOf(td.props).environment) ?? "(untagged)"} to compare with: judged on its own, its image ${images.join(", ")} is tied to no running release`,
          );
        const theirs = [...new Set(services.flatMap((s) => containersOf(s).map((c) => c.image)))].sort();
        const same = images.length > 0 && images.every((i) => theirs.includes(i));
        if (same)
          out.pass(
            td,
            `runs ${images.join(", ")}, as the service (${services.map((s) => s.name).join(", ")})`,
          );
        else out.fail(td, `runs ${images.join(", ")}; the service runs ${theirs.join(", ")}`);
      });
    }
  },
});

export const RUN_15 = defineRule({
  id: "CC-RUN-15",
  slug: "migration-contract-declared",
  section: "RUN",
  title: "a migration task declares its release's migration contract",
  description: `Every one-off task definition carries the tag ${CONTRACT_TAG}: ${MIGRATION_CONTRACTS.join(", ")}.`,
  source:
    'F6 "Migration Safety Net" (safe_online, requires_maintenance_window, destructive); CONST "Migrations"',
  remediation: `Declare apps[].migrations.contract in the stack file (the program tags the task ${CONTRACT_TAG}), or tag the task definition yourself.`,
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.taskDefinition],
  configKeys: ["migrations.contract", "migrations"],
  checkResource(r, _ctx, out) {
    if (!isOneOffTask(r)) return out.na(r, "a service's task definition, not a migration task");
    const contract = str(tagsOf(r.props)[CONTRACT_TAG]);
    if (contract && MIGRATION_CONTRACTS.includes(contract)) out.pass(r, `migration contract ${contract}`);
    else
      out.fail(
        r,
        `migration contract ${contract ?? "missing"}: expected one of ${MIGRATION_CONTRACTS.join(", ")}`,
      );
  },
});

/** The migration rules, in catalogue order. */
export const runtimeMigrationRules: Rule[] = [RUN_14, RUN_15];
