/**
 * The offline preview: runs the real program (`defineStack`) under Pulumi's mock runtime with a stack file's
 * config and records the desired state as a plan. No Pulumi CLI, no provider plugin, no cloud call: computed
 * values (ARNs, ids, digests) are simulated by src/offline/mocks.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { parseStackConfig, StackModel } from "../config/model";
import { RequiredSecret, resolveSecrets, SecretValues } from "../config/secrets";
import { ConfigSource, readStackFile } from "../config/sources";
import { Plan, PLAN_SCHEMA_VERSION, PlanResource } from "../plan/types";
import { DEFAULT_ORGANIZATION, defineStack } from "../program";
import { checkNoPlainCredentials } from "../config/credentials";
import { createMocks, MockOptions } from "./mocks";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";
import * as runtimeState from "@pulumi/pulumi/runtime/state";
import { maskWireValue, RecordingMonitor, unwrapWireValue } from "./recorder";
import { PROJECT_NAME } from "../../policy-pack/lib/facts";

/** Apps per program run of the offline preview: bounds the SDK's memory on large stacks. */
export const DEFAULT_BATCH_SIZE = 10;

/** Result of previewing one stack. */
export interface StackPreview {
  plan: Plan;
  model: StackModel;
  source: ConfigSource;
  /** Secrets `pulumi up` will need, and whether the stack file holds them. */
  requiredSecrets: RequiredSecret[];
  /**
   * The resources with unmasked properties, as the engine hands them to policies (secrets unwrapped).
   * In memory only: never written or printed.
   */
  resources: Array<{
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    props: Record<string, unknown>;
  }>;
  /** Stack outputs, unmasked: what a StackReference to this stack reads. */
  stackOutputs: Record<string, unknown>;
  /** Every secret value the program used, for redaction of any text that leaves the process. */
  secretValues: Set<string>;
  /** Wall time of the program run, milliseconds. */
  millis: number;
}

/** Options of {@link previewStack}. */
export interface PreviewOptions {
  /** Outputs of other stacks, by fully qualified name, for StackReferences (production reads staging). */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** "Today" for date checks. Default: now. */
  today?: Date;
  /** Project name. Default: `name` of the Pulumi.yaml next to the stack file, else `cicd-constitution`. */
  project?: string;
  /** Apps per program run (memory bound for large stacks). Default {@link DEFAULT_BATCH_SIZE}. */
  batchSize?: number;
  /** Pulumi organization of the stack (its StackReference to itself). Default `organization`, as on a DIY backend. */
  organization?: string;
  /**
   * The stack's outputs from its last deployment (`pulumi stack output --json --show-secrets`), which staging reads
   * to remember the releases it has run. Default: none, as for a stack never deployed.
   */
  previousOutputs?: Record<string, unknown>;
  /** What the preview took for granted beyond {@link assumptionsOf} (how the previous outputs were made up). */
  extraAssumptions?: Plan["assumptions"];
}

/**
 * The Pulumi organization of a project's stacks, as a stack file names the staging stack
 * (`promotion.stagingStack`, `ORG/PROJECT/STACK`); otherwise {@link DEFAULT_ORGANIZATION}.
 */
export function organizationOf(dir: string): string {
  const files = fs.readdirSync(dir).filter((f) => /^Pulumi\..+\.ya?ml$/.test(f));
  for (const f of files.sort()) {
    const raw = readStackFile(path.join(dir, f)).raw.promotion as { stagingStack?: unknown } | undefined;
    const org = typeof raw?.stagingStack === "string" ? raw.stagingStack.split("/")[0] : undefined;
    if (org) return org;
  }
  return DEFAULT_ORGANIZATION;
}

/** Reads the project name from `Pulumi.yaml` next to the stack file. Default `cicd-constitution`. */
export function projectName(dir: string): string {
  try {
    const doc = parseYaml(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as { name?: string };
    return doc?.name ?? PROJECT_NAME;
  } catch {
    return PROJECT_NAME;
  }
}

/**
 * Makes `monitor` the runtime's resource monitor, with the features `pulumi.runtime.setMocks` turns on
 * (secrets and resource references on the wire, as the engine negotiates them). `setMockOptions` resets the
 * runtime's store, so the features are set after it.
 */
function installMonitor(
  monitor: RecordingMonitor,
  project: string,
  stack: string,
  organization: string,
): void {
  pulumi.runtime.setMockOptions(monitor, project, stack, false, organization);
  // `getStore` is exported by the SDK but kept out of its typings.
  const store = (runtimeState as unknown as { getStore(): Record<string, boolean> }).getStore();
  Object.assign(store, {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
  });
}

/** Waits until every registration the program started has been answered. */
async function drain(): Promise<void> {
  // `waitForRPCs` is what `pulumi.runtime.disconnect` awaits; it is exported but marked internal.
  const internal = runtimeSettings as unknown as { waitForRPCs?: () => Promise<void> };
  if (internal.waitForRPCs) await internal.waitForRPCs();
}

/** What a program run under the recording monitor produced. */
export interface Recording {
  monitor: RecordingMonitor;
  /** Stack outputs in wire form (secrets still marked). */
  outputs: Record<string, unknown>;
}

/** The reviewers' users and teams must exist in GitHub (their ids are looked up; a missing one fails). */
function reviewerAssumption(model: StackModel): Plan["assumptions"] {
  const reviewers = [
    ...model.apps.map((a) => a.reviewers),
    ...(model.infrastructure ? [model.infrastructure.reviewers] : []),
  ];
  const users = [...new Set(reviewers.flatMap((r) => r.users))];
  const teams = [...new Set(reviewers.flatMap((r) => r.teams))];
  if (!users.length && !teams.length) return [];
  return [
    {
      what: `the production reviewers exist in ${model.githubOwner}: users ${users.join(", ") || "none"}; teams ${teams.join(", ") || "none"} (looked up by id; a missing one fails the preview)${teams.length ? `; ${model.githubOwner} is an organisation (read first: a user account stops the program); each reviewer team has two or more members, so someone other than whoever starts a run can approve it (self-review is prevented)` : ""}`,
      check:
        "gh api orgs/OWNER, gh api users/LOGIN, gh api orgs/OWNER/teams/SLUG and gh api orgs/OWNER/teams/SLUG/members --jq length",
    },
  ];
}

/**
 * What the offline preview takes for granted about the world outside the program, and how to check each
 * before the first `pulumi up` (docs/ARCHITECTURE.md, "What the offline preview is, and is not").
 */
export function assumptionsOf(model: StackModel): Plan["assumptions"] {
  const pulls = model.apps.filter((a) => !a.image.public).map((a) => a.image.repository);
  return [
    ...runtimeAssumptions(model),
    ...(pulls.length
      ? [
          {
            what: `ghcrPullToken is a classic personal access token with read:packages that can read ${pulls.join(", ")}`,
            check: "docker login ghcr.io -u <owner> --password-stdin, then docker pull <image>@<digest>",
          },
        ]
      : []),
    ...reviewerAssumption(model),
    ...releaseAssumptions(model),
    {
      what:
        `the GitHub plan of ${model.githubOwner} allows rulesets and environment reviewers on its repositories ` +
        `(private repositories: rulesets need Team, environment reviewers need Enterprise)`,
      check: "gh api orgs/<owner> --jq .plan.name",
    },
    ...adoptedCodeOwnerTeams(model),
    ...(model.governance.ownsRepositories
      ? [
          {
            what:
              `${model.githubOwner} has GitHub Secret Protection for its private repositories (secret scanning and ` +
              `push protection, CC-BR-09); its Actions policy lets repositories choose their actions; and the apps' ` +
              `workflows use only GitHub's, verified creators' or governance.allowedActions, pinned by full SHA (CC-BR-10); ` +
              `its new repositories' default branch is main (the managed files are committed there before the rulesets)`,
            check:
              "gh api repos/<owner>/<repo> --jq .security_and_analysis; gh api orgs/<owner>/actions/permissions; grep -n 'uses:' .github/workflows/*.yml in each app repository; the organisation's Settings > Repository > default branch",
          },
        ]
      : []),
  ];
}

/**
 * What the apps' runtime takes for granted outside the program: their private subnets reach ghcr.io through NAT,
 * their images can write their scratch paths, and their DNS names and certificate are in place.
 */
function runtimeAssumptions(model: StackModel): Plan["assumptions"] {
  const net = model.network;
  return [
    {
      what:
        `private subnets ${net.privateSubnetIds.join(", ")} route 0.0.0.0/0 through NAT gateway(s) ` +
        `${net.egress.natGatewayIds.join(", ")} (tasks pull from ghcr.io; answered from network.egress offline)`,
      check:
        "pulumi preview reads each subnet's route table and stops otherwise; by hand: aws ec2 describe-route-tables " +
        "--filters Name=association.subnet-id,Values=<subnet>",
    },
    {
      what:
        `each app's image can write its scratch paths as its own user (${model.apps.map((a) => `${a.name}: ${a.runtime.scratchPaths.join(", ")}`).join("; ")}): ` +
        "Fargate mounts them as bind volumes owned by root and does not support tmpfs, so an image whose USER is not " +
        "root creates them in its Dockerfile with the permissions its user needs",
      check:
        "docker image inspect --format '{{.Config.User}}' IMAGE; for a non-root user, a sandbox task whose command " +
        "touches a file in each scratch path",
    },
    {
      what:
        `DNS names ${model.apps.map((a) => a.runtime.domain).join(", ")} point at their load balancers and ` +
        `certificateArn covers them (DNS is not managed by this program)`,
      check:
        "aws acm describe-certificate --certificate-arn <certificateArn> (SubjectAlternativeNames, Status ISSUED)",
    },
  ];
}

/**
 * What the release path takes for granted: in production, whose check runs and staging deployments its gate
 * trusts; in staging, that each app's build commit is one of its own repository's.
 */
function releaseAssumptions(model: StackModel): Plan["assumptions"] {
  return [
    ...(model.environment === "production"
      ? [
          {
            what:
              `production's gate trusts only check runs of app ${model.governance.checksIntegrationId} ` +
              `(governance.checksIntegrationId) and staging deployments by ${model.predeploy.verifiers.join(", ") || "nobody: predeploy.verifiers is empty"} ` +
              `(predeploy.verifiers), read from ${model.promotion?.stagingStack ?? "the pinned digests"}`,
            check:
              "gh api /apps/<slug> --jq .id (15368 is GitHub Actions); the login of staging's GOVERNANCE_GITHUB_TOKEN: gh api user --jq .login",
          },
        ]
      : []),
    ...(model.environment === "staging"
      ? [
          {
            what: `each app's image.build.gitSha is a commit of its own repository (${model.apps
              .map((a) => `${a.repository.name}@${a.image.build?.gitSha.slice(0, 12) ?? "?"}`)
              .join(", ")}), readable with gitSourceToken`,
            check:
              "git ls-remote https://github.com/OWNER/APP.git, or the app's commit page; bump-app.yml sets it",
          },
        ]
      : []),
  ];
}

/** Team code owners of adopted repositories, whose access the program leaves as it is (CC-BR-11). */
function adoptedCodeOwnerTeams(model: StackModel): Plan["assumptions"] {
  if (!model.governance.ownsRepositories) return [];
  const repos = [
    ...model.apps.map((a) => a.repository),
    ...(model.infrastructure ? [model.infrastructure.repository] : []),
  ].filter((r) => r.import);
  return repos.flatMap((r) => {
    const teams = (r.codeOwners ?? []).filter((o) => o.includes("/"));
    return teams.length
      ? [
          {
            what: `the code-owner teams ${teams.join(", ")} can write to the adopted repository ${r.name} (GitHub ignores code owners who cannot)`,
            check: `gh api repos/${model.githubOwner}/${r.name}/teams --jq '.[] | [.slug, .permission]'`,
          },
        ]
      : [];
  });
}

/**
 * Runs `program` under Pulumi's mock runtime with the offline mocks and records every registration.
 * Used by the offline preview and by the component tests.
 *
 * @param program Registers resources; returns the stack outputs (Outputs allowed).
 */
export async function recordProgram(
  opts: {
    project: string;
    stack: string;
    region: string;
    stackOutputs?: Record<string, Record<string, unknown>>;
    /** Pulumi organization. Default `organization`. */
    organization?: string;
    /** The stack's last outputs, for its reference to itself. Default: none. */
    previousOutputs?: Record<string, unknown>;
    /** The stack file's network, from which route-table lookups are answered. */
    network?: MockOptions["network"];
    /** Filled with the GitHub ids the program looked up, id -> name (MockOptions.githubNames). */
    githubNames?: Map<string, string>;
    /** Wraps the offline mocks (tests: a world that remembers what earlier stacks created). */
    wrapMocks?: (mocks: pulumi.runtime.Mocks) => pulumi.runtime.Mocks;
  },
  program: () => Promise<Record<string, unknown>> | Record<string, unknown>,
): Promise<Recording> {
  const organization = opts.organization ?? DEFAULT_ORGANIZATION;
  const mocks = createMocks({
    region: opts.region,
    stackOutputs: opts.stackOutputs,
    network: opts.network,
    self: `${organization}/${opts.project}/${opts.stack}`,
    previousOutputs: opts.previousOutputs,
    githubNames: opts.githubNames,
  });
  const monitor = new RecordingMonitor(opts.wrapMocks ? opts.wrapMocks(mocks) : mocks);
  installMonitor(monitor, opts.project, opts.stack, organization);
  pulumi.runtime.setAllConfig({ "aws:region": opts.region }, []);
  const outputs = await program();
  const wire = (await rpc.serializeProperties("stack outputs", outputs)) as Record<string, unknown>;
  await drain();
  if (monitor.refusals.length > 0) throw monitor.refusals[0];
  return { monitor, outputs: wire };
}

/**
 * Runs the program over `model`'s apps, `options.batchSize` apps at a time, and merges what the runs recorded: the
 * registrations (each once), their unmasked properties, the secret values used, and the stack outputs in wire form.
 * The program registers nothing shared between apps (each app's resources derive from that app alone; the staging
 * StackReference has one URN), so a large stack runs in batches of apps: the SDK's per-resource objects of one
 * batch are freed before the next, which bounds memory (docs/PROOFS.md, scale benchmark).
 */
async function recordApps(
  model: StackModel,
  values: SecretValues,
  project: string,
  stack: string,
  options: PreviewOptions,
): Promise<{
  records: PlanResource[];
  properties: Map<string, Record<string, unknown>>;
  secretValues: Set<string>;
  outputs: Record<string, unknown>;
  githubNames: Map<string, string>;
}> {
  const githubNames = new Map<string, string>();
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const records: PlanResource[] = [];
  const properties = new Map<string, Record<string, unknown>>();
  const secretValues = new Set<string>();
  const profiles: Record<string, unknown> = {};
  const appOutputs: Record<string, unknown> = {};
  let environment: unknown = model.environment;
  for (let i = 0; i < model.apps.length; i += batchSize) {
    const batch: StackModel = { ...model, apps: model.apps.slice(i, i + batchSize) };
    const { monitor, outputs } = await recordProgram(
      {
        project,
        stack,
        region: model.awsRegion,
        stackOutputs: options.stackOutputs,
        organization: options.organization,
        previousOutputs: options.previousOutputs,
        network: model.network,
        githubNames,
      },
      async () => {
        const out = await defineStack(batch, values);
        return { environmentProfile: out.environmentProfile, apps: out.apps };
      },
    );
    for (const r of monitor.records) {
      if (properties.has(r.urn)) continue; // the StackReference, read again by each batch
      records.push(r);
      properties.set(r.urn, monitor.properties.get(r.urn) ?? {});
    }
    for (const v of monitor.secretValues) secretValues.add(v);
    const profile = outputs.environmentProfile as { environment?: unknown; apps?: Record<string, unknown> };
    environment = profile.environment;
    Object.assign(profiles, profile.apps);
    Object.assign(appOutputs, outputs.apps as Record<string, unknown>);
  }
  const outputs = { environmentProfile: { environment, apps: profiles }, apps: appOutputs };
  return { records, properties, secretValues, outputs, githubNames };
}

/**
 * Previews one stack file offline.
 *
 * @param stackFile Path to `Pulumi.<stack>.yaml`.
 * @throws ConfigError for invalid config (nothing is registered), PromotionError when production cannot
 *   resolve what to promote, or the component's own Error for conflicting arguments.
 */
export async function previewStack(stackFile: string, options: PreviewOptions = {}): Promise<StackPreview> {
  return previewSource(readStackFile(stackFile), {
    ...options,
    project: options.project ?? projectName(path.dirname(stackFile)),
    organization: options.organization ?? organizationOf(path.dirname(stackFile)),
  });
}

/**
 * Previews a stack from an already read config source (a stack file, or config built by a test).
 *
 * @param mode `offline` (default): missing and `secure:` secrets become placeholders; `engine`: every secret
 *   must be given, as under `pulumi up`.
 */
export async function previewSource(
  source: ConfigSource,
  options: PreviewOptions & { mode?: "offline" | "engine" } = {},
): Promise<StackPreview> {
  const started = Date.now();
  // Credentials first: a token pasted into an ordinary field is reported as one, never echoed by a schema error.
  await checkNoPlainCredentials(source.stack, source.raw, source.origin);
  const model = parseStackConfig(source.stack, source.raw, {
    secretKeys: source.secretKeys,
    source: source.origin,
    today: options.today,
  });
  const { values, required } = resolveSecrets(model, source, options.mode ?? "offline");
  const project = options.project ?? PROJECT_NAME;
  const { records, properties, secretValues, outputs, githubNames } = await recordApps(
    model,
    values,
    project,
    source.stack,
    options,
  );

  const plan: Plan = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    project,
    stack: source.stack,
    mode: "offline",
    resources: records,
    outputs: maskWireValue(outputs) as Record<string, unknown>,
    requiredSecrets: required.map((s) => ({ path: s.path, state: s.state })),
    assumptions: [...(assumptionsOf(model) ?? []), ...(options.extraAssumptions ?? [])],
    githubNames: Object.fromEntries([...githubNames].sort(([a], [b]) => a.localeCompare(b))),
  };
  const resources = plan.resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent,
    props: properties.get(r.urn) ?? {},
  }));
  return {
    plan,
    model,
    source,
    requiredSecrets: required,
    resources,
    stackOutputs: unwrapWireValue(outputs, secretValues) as Record<string, unknown>,
    secretValues,
    millis: Date.now() - started,
  };
}
