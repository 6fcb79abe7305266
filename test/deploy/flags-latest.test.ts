/**
 * The flag document an environment serves (src/deploy/flags.ts `latestComplete`): the newest COMPLETE deployment
 * of the app's flags profile, read page by page from `ListDeployments`, at most 20 pages.
 */
import * as assert from "node:assert/strict";
import type { AppConfigClient, DeploymentSummary } from "@aws-sdk/client-appconfig";
import { latestComplete, type FlagIds } from "../../src/deploy/flags";

const IDS: FlagIds = {
  applicationId: "app1",
  environmentId: "env1",
  configurationProfileId: "flags",
  emergencyStrategyId: "AppConfig.AllAtOnce",
  monitorAlarmNames: [],
};

/** A client answering `ListDeployments` with `pages` in turn (each page's NextToken its index + 1, but the last). */
function client(pages: Array<DeploymentSummary[]>, endless = false) {
  const calls: Array<Record<string, unknown>> = [];
  const send = async (command: { input: Record<string, unknown> }) => {
    calls.push(command.input);
    const i = Number(command.input.NextToken ?? 0);
    const more = endless || i + 1 < pages.length;
    return { Items: pages[i] ?? [], NextToken: more ? String(i + 1) : undefined };
  };
  return { client: { send } as unknown as AppConfigClient, calls };
}

const d = (n: number, State: DeploymentSummary["State"], profile?: string): DeploymentSummary => ({
  DeploymentNumber: n,
  State,
  ...(profile ? { ConfigurationProfileId: profile } : {}),
});

describe("cicd flags: the deployment an environment serves", () => {
  it("the newest COMPLETE deployment of the flags profile (or of an unnamed one), not another profile's", async () => {
    const { client: c, calls } = client([
      [
        d(7, "COMPLETE", "other"),
        d(8, "ROLLED_BACK", "flags"),
        d(2, "COMPLETE", "flags"),
        d(4, "COMPLETE"),
        d(3, "COMPLETE", "flags"),
      ],
    ]);
    assert.equal((await latestComplete(c, IDS))?.DeploymentNumber, 4);
    assert.deepEqual(calls, [{ ApplicationId: "app1", EnvironmentId: "env1", NextToken: undefined }]);
  });

  it("reads further pages until one holds it", async () => {
    const { client: c, calls } = client([[d(9, "DEPLOYING", "flags")], [], [d(5, "COMPLETE", "flags")]]);
    assert.equal((await latestComplete(c, IDS))?.DeploymentNumber, 5);
    assert.deepEqual(
      calls.map((x) => x.NextToken),
      [undefined, "1", "2"],
    );
  });

  it("none when no page holds one, and never more than 20 pages", async () => {
    assert.equal(await latestComplete(client([[d(1, "ROLLED_BACK", "flags")]]).client, IDS), undefined);
    const endless = client([], true);
    assert.equal(await latestComplete(endless.client, IDS), undefined);
    assert.equal(endless.calls.length, 20);
  });
});
