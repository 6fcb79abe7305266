/**
 * Task definitions and alarms as the pack's rules read them (policy-pack/lib/containers.ts, alarms.ts): each
 * container's fields with their defaults, what makes a task a one-off job rather than a service's, the paths a
 * health check calls, and the metrics an alarm watches.
 */
import * as assert from "node:assert/strict";
import { alarmMetrics } from "../../../policy-pack/lib/alarms";
import { containersOf, healthPaths, isOneOffTask } from "../../../policy-pack/lib/containers";
import { r, T } from "../rule-harness";

const taskOf = (containers: unknown[]) =>
  r(T.taskDefinition, "td", { containerDefinitions: JSON.stringify(containers) });
const job = { name: "migrate", image: "x", command: ["alembic", "upgrade", "head"] };
const web = { name: "web", image: "x", portMappings: [{ containerPort: 8000 }] };

describe("pack lib: containers and alarms", () => {
  it("containersOf: a container without name, image or mount paths reads them as empty", () => {
    const [c] = containersOf(taskOf([{ mountPoints: [{ readOnly: "yes" }] }]));
    assert.equal(c.name, "");
    assert.equal(c.image, "");
    assert.deepEqual(c.mounts, [{ path: "", volume: "", readOnly: false }]);
    assert.deepEqual(c.ports, []);
    assert.equal(c.credentialsParameter, undefined);
  });

  it("isOneOffTask: containers, none mapping a port, each with its own command", () => {
    assert.equal(isOneOffTask(taskOf([job])), true);
    assert.equal(isOneOffTask(taskOf([job, { ...job, name: "seed" }])), true);
    assert.equal(isOneOffTask(taskOf([])), false, "no container");
    assert.equal(isOneOffTask(taskOf([job, web])), false, "one serves");
    assert.equal(isOneOffTask(taskOf([{ ...job, command: [] }])), false, "the image's own command");
    assert.equal(isOneOffTask(taskOf([{ ...web, command: ["serve"] }])), false, "maps a port");
  });

  it("healthPaths: each URL path a health command calls, without its query", () => {
    assert.deepEqual(healthPaths("curl -fsS http://localhost:8000/healthz || exit 1"), ["/healthz"]);
    assert.deepEqual(
      healthPaths("wget -q -O- 'https://127.0.0.1/readyz?full=1' && curl http://localhost:8000/version"),
      ["/readyz", "/version"],
    );
    assert.deepEqual(healthPaths("pg_isready"), []);
  });

  it("alarmMetrics: the alarm's metric, then each query's, skipping expressions without one", () => {
    const alarm = r(T.metricAlarm, "a", {
      metricName: "HTTPCode_Target_5XX_Count",
      metricQueries: [
        { id: "e1", expression: "m1/m2" },
        { id: "m1", metric: { metricName: "RequestCount" } },
      ],
    });
    assert.deepEqual(alarmMetrics(alarm), ["HTTPCode_Target_5XX_Count", "RequestCount"]);
    assert.deepEqual(
      alarmMetrics(r(T.metricAlarm, "b", { metricQueries: [{ metric: { metricName: "X" } }] })),
      ["X"],
    );
  });
});
