/**
 * The policy pack applied to stacks: a stack's `cicd-constitution:policy` section becomes the pack config
 * (enforcement levels, settings, waivers) exactly as `policy-config` writes it for a real
 * `pulumi preview --policy-pack-config`, and the verdicts become an audit report.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { ValidateFunction } from "ajv";
import { COMMON_CONFIG, configSchemaOf } from "../../policy-pack/lib/rule";
import { branchProtectionScores } from "../../policy-pack/lib/scorecard";
import { validWaivers } from "../../policy-pack/lib/waivers";
import type { RuleMeta } from "../../policy-pack/lib/types";
import {
  evaluate,
  overridesInForce,
  PackConfig,
  POLICY_PACK_NAME,
  POLICY_PACK_VERSION,
  PolicyConfigError,
  PolicyResourceInput,
  resolvePackConfig,
  RULES,
} from "../../policy-pack/evaluate";
import { ConfigError, ConfigProblem, GATE_OVERRIDABLE } from "../config/model";
import { readStackFile } from "../config/sources";
import { StackPreview } from "../offline/preview";
import { buildReport } from "../report/build";
import { AuditReport, OverrideInForce } from "../report/types";

/** A stack file's location and text, for locating results (SARIF, Markdown). */
export interface StackFileText {
  /** Path relative to the project, e.g. `Pulumi.production.yaml`. */
  uri: string;
  text: string;
}

/** Finds `Pulumi.<stack>.yaml` (or `.yml`) in `dir`. */
export function findStackFile(dir: string, stack: string): StackFileText | undefined {
  for (const uri of [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`]) {
    const file = path.join(dir, uri);
    if (fs.existsSync(file)) return { uri, text: fs.readFileSync(file, "utf8") };
  }
  return undefined;
}

type Compile = (key: string, properties: Record<string, unknown>) => ValidateFunction;

/**
 * Ajv validators of the rules' config schemas for one check, each compiled when first needed: one for the settings
 * every rule has (`waivers`, `enforcementLevel`), and one per rule for its own settings, compiled only once a config
 * sets one of them (a compile costs about 0.6 ms; most entries set only the common ones). The schemas restrict no
 * additional properties, so checking the two parts apart is checking the whole. A new Ajv per check (about 2 ms):
 * one kept for the process would keep every schema it compiled, and a check would judge with what an earlier one
 * compiled.
 */
function validatorCache(): Compile {
  // `validateSchema: false`: checking each schema against the JSON Schema meta-schema first compiled the
  // meta-schema (about 28 ms a run); the schemas are constants of the pack, checked against it once by
  // test/policy/catalogue.test.ts.
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  const validators = new Map<string, ValidateFunction>();
  return (key, properties) => {
    let v = validators.get(key);
    if (!v) {
      v = ajv.compile({ type: "object", properties });
      validators.set(key, v);
    }
    return v;
  };
}

/** The validators an entry of `meta`'s rule must pass: the common one, and the rule's own when it sets any. */
function validatorsOf(compiled: Compile, meta: RuleMeta, entry: object): ValidateFunction[] {
  const out = [
    compiled("(common)", {
      ...COMMON_CONFIG,
      enforcementLevel: { enum: ["advisory", "mandatory", "disabled", "remediate"] },
    }),
  ];
  const own = Object.keys(meta.configurable ?? {});
  if (own.some((k) => k in entry)) {
    // The engine's schema: a mandatory rule's settings refuse what loosens them (policy-pack/lib/rule.ts).
    const schema = configSchemaOf(meta).properties as Record<string, unknown>;
    out.push(compiled(meta.id, Object.fromEntries(own.map((k) => [k, schema[k]]))));
  }
  return out;
}

/**
 * Every setting of the pack config that its rule's config schema rejects (ajv, the JSON Schema the engine validates
 * `--policy-pack-config` with), as config problems naming `policy.settings.<ID>.<setting>`: checked before anything
 * runs, offline as under the engine.
 */
export function settingsProblems(config: PackConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const compiled = validatorCache();
  for (const meta of RULES) {
    const entry = config[meta.policyName];
    if (!entry) continue;
    const errors = validatorsOf(compiled, meta, entry).flatMap((validate) =>
      validate(entry) ? [] : (validate.errors ?? []),
    );
    for (const e of errors) {
      const setting = e.instancePath.split("/").filter(Boolean).join(".");
      const value = setting.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], entry);
      problems.push({
        key: `cicd-constitution:policy.settings.${meta.id}${setting ? `.${setting}` : ""}`,
        expected: `a value ${meta.policyName}'s config schema accepts: ${e.message ?? "see the schema"}`,
        found: JSON.stringify(value) ?? "(missing)",
      });
    }
  }
  return problems;
}

/**
 * Resolves a stack's policy section into the pack config.
 *
 * @throws ConfigError naming `cicd-constitution:policy` when the pack rejects the section (unknown rule ID,
 *   setting or level).
 */
export function packConfigOfSection(section: unknown, stack: string, origin: string, now?: Date): PackConfig {
  try {
    const config = resolvePackConfig(section, now);
    const problems = settingsProblems(config);
    if (problems.length) throw new ConfigError(stack, problems, origin);
    return config;
  } catch (err) {
    if (err instanceof PolicyConfigError) {
      throw new ConfigError(
        stack,
        [
          {
            key: "cicd-constitution:policy",
            expected: "a policy section the pack accepts",
            found: err.message,
          },
        ],
        origin,
      );
    }
    throw err;
  }
}

/**
 * The stack's policy section with what the stack config says once for both the program and the pack: the app
 * the required checks are pinned to (`governance.checksIntegrationId`) is CC-BR-12's `integrationId`, unless the
 * section sets it.
 */
export function withGovernanceSettings(policy: unknown, governance: unknown): unknown {
  const id = (governance as { checksIntegrationId?: unknown } | undefined)?.checksIntegrationId;
  if (typeof id !== "number") return policy;
  const section = structuredClone((policy ?? {}) as { settings?: Record<string, Record<string, unknown>> });
  section.settings ??= {};
  section.settings["CC-BR-12"] = { integrationId: id, ...section.settings["CC-BR-12"] };
  return section;
}

/** The pack config of a previewed stack. */
export function packConfigOf(preview: Pick<StackPreview, "model" | "source">, now?: Date): PackConfig {
  const section = withGovernanceSettings(preview.model.policy, preview.model.governance);
  return packConfigOfSection(section, preview.source.stack, preview.source.origin, now);
}

/**
 * The pack config of a stack read from its stack file in `dir` (defaults when there is none): used by the
 * audit of existing state, which has no preview.
 *
 * @throws ConfigError when the stack file or its policy section is invalid.
 */
export function packConfigOfStackFile(dir: string, stack: string): PackConfig {
  const file = findStackFile(dir, stack);
  if (!file) return resolvePackConfig(undefined);
  const source = readStackFile(path.join(dir, file.uri));
  return packConfigOfSection(
    withGovernanceSettings(source.raw.policy, source.raw.governance),
    stack,
    source.origin,
  );
}

/** Everything {@link auditReport} needs besides the resources. */
export interface AuditInput {
  stack: string;
  mode: "offline" | "online";
  config: PackConfig;
  /** "Today" for expiry dates. Default: now. */
  now?: Date;
  /** True when secrets in the input are marked (stack exports, plan files); false for the engine's view. */
  secretsMarked?: boolean;
  /** The stack file, to locate results. */
  stackFile?: StackFileText;
  /** Pre-deploy gates lifted by an override in force (`predeploy.overrides`): listed with the overrides. */
  gateOverrides?: OverrideInForce[];
}

/** Runs the pack over resources and builds the report every format renders. */
export function auditReport(resources: PolicyResourceInput[], input: AuditInput): AuditReport {
  const results = evaluate(resources, {
    stack: input.stack,
    config: input.config,
    now: input.now,
    secretsMarked: input.secretsMarked,
  });
  return buildReport({
    mode: input.mode,
    stack: input.stack,
    policyPack: { name: POLICY_PACK_NAME, version: POLICY_PACK_VERSION },
    results,
    rules: RULES,
    overrides: [...overridesInForce(input.config), ...(input.gateOverrides ?? [])],
    scorecard: branchProtectionScores(resources),
    stackFile: input.stackFile,
    resources,
  });
}

/**
 * The offline audit of a previewed stack (its resources as the engine would hand them to the pack).
 *
 * @param dir Project directory holding the stack file, to locate results in it (SARIF, Markdown). When
 *   omitted, results carry no location.
 */
export function auditPreview(preview: StackPreview, now?: Date, dir?: string): AuditReport {
  return auditReport(preview.resources, {
    stack: preview.plan.stack,
    mode: "offline",
    config: packConfigOf(preview, now),
    now,
    stackFile: dir ? findStackFile(dir, preview.plan.stack) : undefined,
    gateOverrides: gateOverridesInForce(preview.model.predeploy.overrides, now ?? new Date()),
  });
}

/** The pre-deploy overrides in force (complete, not expired) as report entries: a gate lifted for one app. */
function gateOverridesInForce(overrides: Array<Record<string, unknown>>, now: Date): OverrideInForce[] {
  return validWaivers(overrides, now, GATE_OVERRIDABLE).map((o) => ({
    ruleId: o.ruleId,
    from: "mandatory",
    to: "disabled",
    reason: o.reason,
    owner: o.owner,
    expires: o.expires,
    resource: o.resource,
  }));
}
