/** CC-OBS-07 (policy-pack/rules/observability.ts): an alarm that pages links its runbook; the program writes it. */
import { strict as assert } from "node:assert";
import { PRODUCTION_TAGS, r, ruleCases, T } from "./rule-harness";
import { repositoryStacks } from "../helpers";

const alarm = (name: string, props: Record<string, unknown>) =>
  r(T.metricAlarm, name, { tags: PRODUCTION_TAGS, alarmActions: ["arn:sns"], ...props });

describe("CC-OBS-07: every alarm that notifies links its on-call runbook", () =>
  ruleCases("CC-OBS-07", [
    {
      name: "passes an alarm whose description links an https runbook",
      resources: [
        alarm("erp-5xx", { alarmDescription: "5xx above 5%. Runbook: https://wiki.example.org/erp" }),
      ],
      expected: [["pass", "erp-5xx", "runbook https://wiki.example.org/erp"]],
    },
    {
      name: "fails an alarm with actions and no runbook link (http, or none)",
      resources: [
        alarm("erp-latency", { alarmDescription: "p95 above 1s. Runbook: http://wiki.example.org/erp" }),
        alarm("erp-burn", {}),
      ],
      expected: [
        ["fail", "erp-latency", "its description links no runbook (an https:// URL)"],
        ["fail", "erp-burn", "its description links no runbook (an https:// URL)"],
      ],
    },
    {
      name: "is not applicable to an alarm that pages nobody",
      resources: [
        r(T.metricAlarm, "silent", { alarmActions: [] }),
        r("aws:cloudwatch/compositeAlarm:CompositeAlarm", "flags", {}),
      ],
      expected: [
        ["not-applicable", "silent", "no alarm action: it pages nobody"],
        ["not-applicable", "flags", "no alarm action: it pages nobody"],
      ],
    },
  ]));

describe("the program's alarms carry the stack file's runbook", () => {
  it("every alarm with actions ends its description with the app's runbookUrl", async () => {
    for (const s of await repositoryStacks()) {
      const alarms = s.resources.filter(
        (x) => x.type === T.metricAlarm && Array.isArray(x.props.alarmActions) && x.props.alarmActions.length,
      );
      assert.ok(alarms.length >= 8, `${s.plan.stack}: ${alarms.length} alarms`);
      for (const a of alarms) {
        const app = s.model.apps.find((m) => a.name.startsWith(`${m.name}-`))!;
        assert.ok(
          String(a.props.alarmDescription).endsWith(`. Runbook: ${app.observability.runbookUrl}`),
          `${a.name}: ${a.props.alarmDescription}`,
        );
      }
    }
  });
});
