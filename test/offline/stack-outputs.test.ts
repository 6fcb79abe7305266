/**
 * The stack outputs the commands read (`cicd verify`, `cicd flags`, `cicd migrate`, the deploy jobs), judged
 * against what each stack registers: each app's image is the one its service runs, its URL its domain, its deploy
 * role the one its environment's jobs assume, its flag ids and alarms those of its AppConfig resources, and a
 * migration only for an app with migrations, naming its task definition.
 */
import { strict as assert } from "node:assert";
import { migrationFamily } from "../../components/MigrationTask";
import { GITHUB_OIDC_HOST } from "../../policy-pack/lib/facts";
import type { StackPreview } from "../../src/offline/preview";
import { parsed, repositoryStacks } from "../helpers";

interface AppOutputs {
  imageRef: string;
  url: string;
  deployRoleArn: string;
  flags: {
    applicationId: string;
    environmentId: string;
    configurationProfileId: string;
    monitorAlarmNames: string[];
  };
  migration?: { family: string; container: string; logGroup: string; cluster: string };
}

/** The registered resources of `type` whose logical name is `app`'s, with their unmasked inputs. */
function ofApp(preview: StackPreview, type: string, app: string) {
  return preview.resources.filter((r) => r.type === type && r.name.startsWith(`${app}-`));
}

describe("the stack outputs the commands read", function () {
  this.timeout(120_000);
  let previews: StackPreview[];
  before(async () => {
    previews = await repositoryStacks();
  });

  for (const stack of ["staging", "production"]) {
    it(`${stack}: each app's outputs name what the stack registers for it`, () => {
      const preview = previews.find((p) => p.plan.stack === stack)!;
      const apps = (preview.stackOutputs as { apps: Record<string, AppOutputs> }).apps;
      assert.deepEqual(Object.keys(apps).sort(), preview.model.apps.map((a) => a.name).sort());
      for (const app of preview.model.apps) {
        const out = apps[app.name];
        const at = `${stack}/${app.name}`;
        // The image its service runs.
        const [service] = ofApp(preview, "aws:ecs/taskDefinition:TaskDefinition", app.name).filter(
          (t) => !String(t.props.family).includes("-migrate-"),
        );
        assert.ok(service, `${at}: a service task definition`);
        assert.equal(
          parsed<Array<{ image: string }>>(service.props.containerDefinitions)[0].image,
          out.imageRef,
          at,
        );
        assert.equal(out.url, `https://${app.runtime.domain}`, at);
        // The role its environment's jobs assume (trust: this repository's environment of this stack).
        const role = preview.resources.find(
          (r) => r.type === "aws:iam/role:Role" && out.deployRoleArn.endsWith(`:role/${r.props.name}`),
        );
        assert.ok(role, `${at}: ${out.deployRoleArn} is a role of the stack`);
        const trust = JSON.stringify(role.props.assumeRolePolicy);
        assert.ok(
          trust.includes(`repo:${preview.model.githubOwner}/${app.repository.name}:environment:${stack}`),
          `${at}: the deploy role trusts ${stack}'s jobs`,
        );
        assert.ok(trust.includes(GITHUB_OIDC_HOST), at);
        // The AppConfig ids `cicd flags` acts on are set, and the alarms it silences are alarms of the stack.
        assert.ok(out.flags.applicationId && out.flags.environmentId && out.flags.configurationProfileId, at);
        const alarms = new Set(
          preview.resources
            .filter((r) => r.type.startsWith("aws:cloudwatch/") && r.type.endsWith("Alarm"))
            .map((r) => r.props.alarmName ?? r.props.name),
        );
        assert.ok(out.flags.monitorAlarmNames.length > 0, at);
        for (const name of out.flags.monitorAlarmNames) assert.ok(alarms.has(name), `${at}: alarm ${name}`);
        // A migration only for an app with migrations: its task definition's family, container and log group.
        assert.equal(out.migration !== undefined, app.migrations !== undefined, at);
        if (out.migration) {
          assert.equal(out.migration.family, migrationFamily(app.name, stack), at);
          const task = preview.resources.find(
            (r) =>
              r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.props.family === out.migration!.family,
          );
          assert.ok(task, `${at}: the migration's task definition`);
          const [container] = parsed<
            Array<{ name: string; logConfiguration: { options: Record<string, string> } }>
          >(task.props.containerDefinitions);
          assert.equal(container.name, out.migration.container, at);
          assert.equal(container.logConfiguration.options["awslogs-group"], out.migration.logGroup, at);
        }
      }
    });
  }
});
