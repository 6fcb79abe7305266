/**
 * The AppConfig world of `cicd flags` tests: the stacks' two apps with their flag ids (as the stack outputs give
 * them), their flags documents, deployments in any state, and the local AppConfig (./appconfigServer.ts) and
 * CloudWatch (./servers.ts) endpoints the SDK v3 clients reach through `AWS_ENDPOINT_URL_APPCONFIG` and
 * `AWS_ENDPOINT_URL_CLOUDWATCH`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { featureFlagsDocument } from "../../components/FeatureFlags";
import { AppConfigWorld, appConfigServer, PREDEFINED, Step, StoredDeployment } from "./appconfigServer";
import { awsJsonServer, AwsCall, Served } from "./servers";

/** The apps of the repository's stacks. */
export const APPS = ["erp-berhan", "menu-optimizer"] as const;
/** The emergency strategy's id (`cicd flags off` deploys with it). */
export const EMERGENCY = "emrg001";
/** An app's flag ids, as `apps.<app>.flags` of the stack outputs gives them. */
export const ids = (app: string) => ({
  applicationId: `app-${app}`,
  environmentId: `env-${app}`,
  configurationProfileId: `prof-${app}`,
  emergencyStrategyId: EMERGENCY,
  monitorAlarmNames: [`${app}-staging-flags-rollback`],
});
/** A flag's declaration, on. */
export const FLAG = {
  description: "d",
  owner: "erp-team",
  default: false,
  removalDate: "2027-03-31",
  value: { enabled: true },
};
/** Version 1 of erp-berhan: two flags on. */
export const ERP_V1 = featureFlagsDocument([
  { ...FLAG, name: "telegram_bot_v2" },
  { ...FLAG, name: "receipts_v3", value: { enabled: true, cohort: "pilot" } },
]);
/** Version 1 of menu-optimizer: one flag on. */
export const MENU_V1 = featureFlagsDocument([{ ...FLAG, name: "mps_solver_v2", owner: "mathieu" }]);

/** A deployment `n` of `version` in `state`, started `minutesAgo` (whole seconds), with `strategy`'s timing. */
export function deployment(
  n: number,
  version: string,
  state: string,
  opts: { minutesAgo?: number; percent?: number; next?: Step[]; strategy?: string; app?: string } = {},
): StoredDeployment {
  const strategy = opts.strategy ?? "AppConfig.AllAtOnce";
  return {
    ...PREDEFINED[strategy],
    DeploymentNumber: n,
    ConfigurationProfileId: `prof-${opts.app ?? "erp-berhan"}`,
    ConfigurationVersion: version,
    DeploymentStrategyId: strategy,
    State: state,
    PercentageComplete: opts.percent ?? (state === "COMPLETE" ? 100 : 0),
    StartedAt: Math.floor(Date.now() / 1000) - (opts.minutesAgo ?? 60) * 60,
    next: opts.next ?? [],
  };
}

/** Both apps with version 1 deployed (COMPLETE); `erp` replaces erp-berhan's deployments. */
export function world(erp?: StoredDeployment[]): AppConfigWorld {
  return {
    deployments: {
      "app-erp-berhan/env-erp-berhan": erp ?? [deployment(1, "1", "COMPLETE")],
      "app-menu-optimizer/env-menu-optimizer": [deployment(1, "1", "COMPLETE", { app: "menu-optimizer" })],
    },
    versions: {
      "app-erp-berhan/prof-erp-berhan": [{ content: ERP_V1, contentType: "application/json" }],
      "app-menu-optimizer/prof-menu-optimizer": [{ content: MENU_V1, contentType: "application/json" }],
    },
    strategies: {
      [EMERGENCY]: { DeploymentDurationInMinutes: 0, FinalBakeTimeInMinutes: 0, GrowthFactor: 100 },
    },
  };
}

/** Version 2 of erp-berhan (a new flag), deploying with production's linear strategy: the incident's cause. */
export function erpDeploying(next: Step[] = []): AppConfigWorld {
  const w = world([
    deployment(1, "1", "COMPLETE", { minutesAgo: 600 }),
    deployment(2, "2", "DEPLOYING", {
      minutesAgo: 5,
      percent: 40,
      next,
      strategy: "AppConfig.Linear20PercentEvery6Minutes",
    }),
  ]);
  w.versions["app-erp-berhan/prof-erp-berhan"].push({
    content: featureFlagsDocument([
      { ...FLAG, name: "telegram_bot_v2" },
      { ...FLAG, name: "ledger_v4" },
    ]),
    contentType: "application/json",
  });
  return w;
}

/**
 * Starts AppConfig over `w` and CloudWatch and points the SDK's endpoints at them; both log their calls, in order,
 * into `log`. The caller closes what it adds to `servers`.
 */
export async function startFlagServers(w: AppConfigWorld, servers: Served[]) {
  const log: string[] = [];
  const appconfig = await appConfigServer(w, log);
  const alarmCall = (op: string) => (b: Record<string, unknown>) => {
    log.push(`CloudWatch ${op} ${(b.AlarmNames as string[]).join(",")}`);
    return {};
  };
  const cloudwatch = await awsJsonServer("1.0", {
    DisableAlarmActions: alarmCall("DisableAlarmActions"),
    EnableAlarmActions: alarmCall("EnableAlarmActions"),
  });
  servers.push(appconfig, cloudwatch);
  process.env.AWS_ENDPOINT_URL_APPCONFIG = appconfig.url;
  process.env.AWS_ENDPOINT_URL_CLOUDWATCH = cloudwatch.url;
  return { appconfig, cloudwatch: cloudwatch as Served & { calls: AwsCall[] }, log };
}

/** Writes `DIR/outputs.json`, the stack outputs with every app's flag ids (`apps.<app>.flags`); its path. */
export function flagOutputsFile(dir: string): string {
  const file = path.join(dir, "outputs.json");
  fs.writeFileSync(
    file,
    JSON.stringify({ apps: Object.fromEntries(APPS.map((a) => [a, { flags: ids(a) }])) }),
  );
  return file;
}

/** The `cicd flags off` command line: staging's `app`'s `flag`, the project at `dir`, the stack outputs `outputs`. */
export function flagsOffArgs(dir: string, outputs: string, app: string, flag: string): string[] {
  return [
    "flags",
    "off",
    "--stack",
    "staging",
    "--dir",
    dir,
    "--outputs",
    outputs,
    "--app",
    app,
    "--flag",
    flag,
  ];
}
