/**
 * What a deployed stack should be running, per app: read from the stack file (the validated model) and the
 * stack's outputs after `pulumi up` (`pulumi stack output --json --stack STACK`): ECS names, the image digest and
 * its commit, the moving alias, the public URL, the health paths, the golden-path requests and the alarms.
 */
import * as path from "node:path";
import { aliasTag, physicalNames } from "../../components/naming";
import { AppModel, CONFIG_NAMESPACE, ConfigError, parseStackConfig, StackModel } from "../config/model";
import { readStackOutputs } from "../audit/readState";
import { ConfigSource, readStackFile } from "../config/sources";
import { digestOfRef } from "../../policy-pack/lib/facts";
import { checkNoPlainCredentials } from "../config/credentials";

/** One app of a deployed stack, as `cicd verify` and `cicd predeploy` check it. */
export interface AppTarget {
  app: string;
  environment: "staging" | "production";
  /** GitHub owner and repository of the app (deploy markers go there). */
  githubOwner: string;
  repository: string;
  cluster: string;
  service: string;
  /** `ghcr.io/OWNER/NAME`. */
  imageRepository: string;
  /** The digest the stack pins, `sha256:<64 hex>`. */
  digest: string;
  /** The app repository's commit of that digest (`BUILD_SHA`); unknown without outputs or provenance. */
  gitSha?: string;
  /** Moving alias tag, `staging` or `prod`. */
  alias: string;
  /** `https://DOMAIN`. */
  url: string;
  healthPaths: string[];
  versionPath: string;
  smoke: AppModel["smoke"];
  /** The schema revision the app's release lands (`migrations.schemaRevision`), when declared. */
  schemaRevision?: string;
  /** The error budget's burn alarms, fast and slow. */
  burnAlarms: string[];
}

/** A stack file, its model and its outputs. */
export interface DeployedStack {
  source: ConfigSource;
  model: StackModel;
  apps: AppTarget[];
}

/** What one app should run: the pinned digest, else the output's; the provenance of that digest. */
function targetOf(
  stack: string,
  model: StackModel,
  app: AppModel,
  index: number,
  outputs: Record<string, unknown>,
): AppTarget {
  const env = model.environment;
  const out = (outputs.apps as Record<string, { imageRef?: unknown }> | undefined)?.[app.name];
  const profile = (
    outputs.environmentProfile as { apps?: Record<string, Record<string, unknown>> } | undefined
  )?.apps?.[app.name];
  const digest = app.image.digest ?? digestOfRef(out?.imageRef);
  const build = profile?.build as { gitSha?: string } | undefined;
  const gitSha = build?.gitSha ?? app.image.provenance?.gitSha ?? app.image.build?.gitSha;
  const key = `${CONFIG_NAMESPACE}:apps[${index}]`;
  const problems = [
    ...(!digest
      ? [
          {
            key: `${key}.image.digest`,
            expected: "a pinned digest, or --outputs with apps." + app.name + ".imageRef",
            found: "none",
          },
        ]
      : []),
  ];
  if (problems.length) throw new ConfigError(stack, problems);
  const names = physicalNames(app.name, env);
  const h = app.runtime.health;
  return {
    app: app.name,
    environment: env,
    githubOwner: model.githubOwner,
    repository: app.repository.name,
    cluster: names.cluster.name,
    service: names.service.name,
    imageRepository: app.image.repository,
    digest: digest!,
    gitSha,
    alias: aliasTag(env),
    url: `https://${app.runtime.domain}`,
    healthPaths: [...new Set([h.healthPath, h.readinessPath])],
    versionPath: h.versionPath,
    smoke: app.smoke,
    schemaRevision: app.migrations?.schemaRevision,
    burnAlarms: [names.burnFastAlarm.name, names.burnSlowAlarm.name],
  };
}

/**
 * Reads a deployed stack: `DIR/Pulumi.STACK.yaml` and, when given, its outputs file; `today` (default: now)
 * dates the config's checks (flag removal dates, overrides' bounds).
 *
 * @throws ConfigError (stack, key, expected, found) for invalid config or an app whose digest or commit is
 *   known neither from the stack file nor from the outputs.
 */
export async function deployedStack(
  dir: string,
  stack: string,
  outputsFile?: string,
  today?: Date,
): Promise<DeployedStack> {
  const source = readStackFile(path.join(dir, `Pulumi.${stack}.yaml`));
  // Credentials first: a token pasted into an ordinary field is reported as one, never echoed by a schema error.
  await checkNoPlainCredentials(stack, source.raw, source.origin);
  const model = parseStackConfig(stack, source.raw, {
    secretKeys: source.secretKeys,
    source: source.origin,
    today,
  });
  const outputs = outputsFile ? readStackOutputs(outputsFile) : {};
  return { source, model, apps: model.apps.map((a, i) => targetOf(stack, model, a, i, outputs)) };
}

/**
 * One app of a stack file, with the stack's model (`DIR/Pulumi.STACK.yaml`, validated as the program reads it).
 *
 * @throws ConfigError for an invalid stack file, or naming `--app` and the stack's apps for an unknown app
 */
export function stackApp(
  dir: string,
  stack: string,
  name: string,
): { model: StackModel; app: AppModel; index: number } {
  const source = readStackFile(path.join(dir, `Pulumi.${stack}.yaml`));
  const model = parseStackConfig(stack, source.raw, { secretKeys: source.secretKeys, source: source.origin });
  const index = model.apps.findIndex((a) => a.name === name);
  if (index < 0)
    throw new ConfigError(stack, [
      { key: "--app", expected: `one of ${model.apps.map((a) => a.name).join(", ")}`, found: name },
    ]);
  return { model, app: model.apps[index], index };
}
