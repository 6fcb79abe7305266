/**
 * The migration rules CC-RUN-14 and CC-RUN-15 (policy-pack/rules/runtimeMigrations.ts) on minimal hand-built
 * resources, one named scenario per test: the exact verdict, the resource judged and the evidence an auditor reads.
 */
import { PRODUCTION_TAGS, ruleCases, taskDefinition } from "../rule-harness";

const IMAGE = `ghcr.io/surlefeu/erp-berhan@sha256:${"a".repeat(64)}`;
const OTHER = `ghcr.io/surlefeu/erp-berhan@sha256:${"b".repeat(64)}`;
const MENU = `ghcr.io/surlefeu/menu-optimizer@sha256:${"c".repeat(64)}`;
const MENU_TAGS = { app: "menu-optimizer", environment: "production" };
const service = (image = IMAGE) =>
  taskDefinition([{ name: "web", image, portMappings: [{ containerPort: 8000 }] }], {}, "erp-task");
const menuService = () =>
  taskDefinition(
    [{ name: "web", image: MENU, portMappings: [{ containerPort: 8501 }] }],
    { tags: MENU_TAGS },
    "menu-task",
  );
/** A migration task of `images`, one container each, tagged `tags`. */
const migrationOf = (images: string[], tags: Record<string, string> = PRODUCTION_TAGS) =>
  taskDefinition(
    images.map((image, i) => ({ name: `step${i}`, image, command: ["alembic", "upgrade", "head"] })),
    { tags: { ...tags, "migration-contract": "safe_online" } },
    "erp-migration-task",
  );
const migration = (image = IMAGE, tags: Record<string, string> = { "migration-contract": "safe_online" }) =>
  taskDefinition(
    [{ name: "web", image, command: ["alembic", "upgrade", "head"] }],
    { tags: { ...PRODUCTION_TAGS, ...tags } },
    "erp-migration-task",
  );

describe("CC-RUN-14: a migration task runs the image its app's service runs", () =>
  ruleCases("CC-RUN-14", [
    {
      name: "passes a migration task on the service's digest",
      resources: [service(), migration()],
      expected: [["pass", "erp-migration-task", `runs ${IMAGE}, as the service (erp-task)`]],
    },
    {
      name: "fails a migration task on another digest",
      resources: [service(), migration(OTHER)],
      expected: [["fail", "erp-migration-task", `runs ${OTHER}; the service runs ${IMAGE}`]],
    },
    {
      name: "judges a migration task standing alone, and fails it: no running release to tie it to",
      resources: [migration()],
      expected: [
        [
          "fail",
          "erp-migration-task",
          /^no service task definition of app erp-berhan in environment production to compare with: judged on its own/,
        ],
      ],
    },
    {
      name: "compares with the service of its own app only, naming it",
      resources: [service(), menuService(), migration()],
      expected: [["pass", "erp-migration-task", `runs ${IMAGE}, as the service (erp-task)`]],
    },
    {
      name: "fails a migration task on another app's image",
      resources: [service(), menuService(), migrationOf([MENU])],
      expected: [["fail", "erp-migration-task", `runs ${MENU}; the service runs ${IMAGE}`]],
    },
    {
      name: "fails a migration task whose images are not all the service's, listing both sides sorted",
      resources: [service(), migrationOf([OTHER, IMAGE])],
      expected: [["fail", "erp-migration-task", `runs ${IMAGE}, ${OTHER}; the service runs ${IMAGE}`]],
    },
    {
      name: "passes a migration task whose images are all among the app's services', listing each once, sorted",
      resources: [
        service(OTHER),
        { ...service(IMAGE), name: "erp-task-2" },
        migrationOf([OTHER, IMAGE, OTHER]),
      ],
      expected: [
        ["pass", "erp-migration-task", `runs ${IMAGE}, ${OTHER}, as the service (erp-task, erp-task-2)`],
      ],
    },
    {
      name: "fails an untagged migration task standing alone, saying it is untagged",
      resources: [migrationOf([IMAGE], {})],
      expected: [
        [
          "fail",
          "erp-migration-task",
          `no service task definition of app (untagged) in environment (untagged) to compare with: judged on its own, its image ${IMAGE} is tied to no running release`,
        ],
      ],
    },
    {
      name: "is not applicable to a stack without one-off tasks",
      resources: [service()],
      expected: [["not-applicable", null, "no migration task (a one-off task definition) in this stack"]],
    },
  ]));

describe("CC-RUN-15: a migration task declares its release's migration contract", () =>
  ruleCases("CC-RUN-15", [
    {
      name: "passes a declared contract",
      resources: [migration(IMAGE, { "migration-contract": "destructive" })],
      expected: [["pass", "erp-migration-task", "migration contract destructive"]],
    },
    {
      name: "fails a missing contract",
      resources: [migration(IMAGE, {})],
      expected: [
        [
          "fail",
          "erp-migration-task",
          "migration contract missing: expected one of safe_online, requires_maintenance_window, destructive",
        ],
      ],
    },
    {
      name: "fails an unknown contract",
      resources: [migration(IMAGE, { "migration-contract": "yolo" })],
      expected: [["fail", "erp-migration-task", /^migration contract yolo: expected one of/]],
    },
    {
      name: "is not applicable to a service's task definition",
      resources: [service()],
      expected: [["not-applicable", "erp-task", "a service's task definition, not a migration task"]],
    },
  ]));

describe("CC-RUN-02 leaves one-off tasks alone: they serve nothing to probe", () =>
  ruleCases("CC-RUN-02", [
    {
      name: "is not applicable to a migration task",
      resources: [migration()],
      status: "not-applicable",
    },
    {
      name: "still fails a service's task without a health check",
      resources: [service()],
      expected: [["fail", "erp-task", "container web: health check missing"]],
    },
  ]));
