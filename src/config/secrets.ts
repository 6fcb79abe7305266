/**
 * The secrets a stack needs, where each comes from, and what the offline preview puts in their place.
 * Secret values stay inside this module's return values and Pulumi secrets; nothing here prints them.
 */
import { CONFIG_NAMESPACE, ConfigError, ConfigProblem, StackModel } from "./model";
import { ConfigSource, OFFLINE_SECRET_PLACEHOLDER } from "./sources";

/** One secret the stack needs. */
export interface RequiredSecret {
  /** Config path, e.g. `secrets.erp-berhan.JWT_SECRET` or `ghcrToken`. */
  path: string;
  /** App it belongs to, or null for stack-wide secrets. */
  app: string | null;
  /** Secret name (`JWT_SECRET`), `ghcrToken` or `ghcrPullToken`. */
  name: string;
  /** What consumes it: the container, the GitHub Environment, GHCR pushes (`registry`), task pulls (`registry-pull`). */
  usedBy: "runtime" | "environment" | "registry" | "registry-pull" | "source";
  /** `encrypted`: a `secure:` value is in the stack file; `set`: given by the engine; `missing`: not set. */
  state: "encrypted" | "set" | "missing";
}

/** Secret values by app and name (the stack-wide `ghcrToken`, `ghcrPullToken` under app `""`). Placeholders in offline mode. */
export type SecretValues = Map<string, Map<string, string>>;

/**
 * Lists every secret the model requires: runtime secrets, environment secrets, the GHCR push token, and the
 * GHCR pull token unless every app's image is public.
 */
export function requiredSecrets(model: StackModel, source: ConfigSource): RequiredSecret[] {
  const out: RequiredSecret[] = [];
  const stateOf = (path: string, value: unknown): RequiredSecret["state"] =>
    source.encryptedPaths.includes(path) ? "encrypted" : value === undefined ? "missing" : "set";
  for (const app of model.apps) {
    const values = model.secrets[app.name] ?? {};
    const entries: Array<[string, RequiredSecret["usedBy"]]> = [
      ...app.runtime.secrets.map((n) => [n, "runtime"] as [string, RequiredSecret["usedBy"]]),
      ...app.environmentSecrets.map((n) => [n, "environment"] as [string, RequiredSecret["usedBy"]]),
    ];
    for (const [name, usedBy] of entries) {
      const path = `secrets.${app.name}.${name}`;
      if (out.some((s) => s.path === path)) continue;
      out.push({ path, app: app.name, name, usedBy, state: stateOf(path, values[name]) });
    }
  }
  const infra = model.infrastructure;
  if (infra) {
    const values = model.secrets[infra.repository.name] ?? {};
    for (const name of [...infra.environmentSecrets, ...infra.repositorySecrets]) {
      const path = `secrets.${infra.repository.name}.${name}`;
      out.push({
        path,
        app: infra.repository.name,
        name,
        usedBy: "environment",
        state: stateOf(path, values[name]),
      });
    }
  }
  out.push({
    path: "ghcrToken",
    app: null,
    name: "ghcrToken",
    usedBy: "registry",
    state: stateOf("ghcrToken", model.ghcrToken),
  });
  if (model.apps.some((a) => !a.image.public)) {
    out.push({
      path: "ghcrPullToken",
      app: null,
      name: "ghcrPullToken",
      usedBy: "registry-pull",
      state: stateOf("ghcrPullToken", model.ghcrPullToken),
    });
  }
  if (model.environment === "staging" && model.apps.some((a) => a.repository.visibility !== "public")) {
    out.push({
      path: "gitSourceToken",
      app: null,
      name: "gitSourceToken",
      usedBy: "source",
      state: stateOf("gitSourceToken", model.gitSourceToken),
    });
  }
  return out;
}

/**
 * Resolves every required secret's value.
 *
 * @param mode `offline`: missing and `secure:` values become placeholders (the preview says so);
 *   `engine`: every required secret must be set as a Pulumi secret.
 * @throws ConfigError naming each secret written in plain text, and (engine mode) each missing one.
 */
export function resolveSecrets(
  model: StackModel,
  source: ConfigSource,
  mode: "offline" | "engine",
): { values: SecretValues; required: RequiredSecret[] } {
  const problems: ConfigProblem[] = source.plaintextSecretPaths.map((p) => ({
    key: `${CONFIG_NAMESPACE}:${p}`,
    expected: `a secret value (pulumi config set --secret --path '${p}' ...)`,
    found: "plain text [secret]",
  }));
  const required = requiredSecrets(model, source);
  const values: SecretValues = new Map();
  for (const s of required) {
    const app = s.app ?? "";
    if (!values.has(app)) values.set(app, new Map());
    const given =
      s.app === null ? model[s.name as "ghcrToken" | "ghcrPullToken"] : model.secrets[s.app]?.[s.name];
    if (given === undefined && mode === "engine") {
      problems.push({
        key: `${CONFIG_NAMESPACE}:${s.path}`,
        expected: `a secret (pulumi config set --secret --path '${s.path}' ...)`,
        found: "(missing)",
      });
      continue;
    }
    values.get(app)!.set(s.name, given ?? OFFLINE_SECRET_PLACEHOLDER);
  }
  const infra = model.infrastructure;
  for (const [app, names] of Object.entries(model.secrets)) {
    const appModel = model.apps.find((a) => a.name === app);
    const declared = (name: string) =>
      appModel
        ? appModel.runtime.secrets.includes(name) || appModel.environmentSecrets.includes(name)
        : infra?.repository.name === app &&
          (infra.environmentSecrets.includes(name) || infra.repositorySecrets.includes(name));
    for (const name of Object.keys(names)) {
      if (!declared(name)) {
        problems.push({
          key: `${CONFIG_NAMESPACE}:secrets.${app}.${name}`,
          expected: appModel
            ? `a secret declared in the app's runtime.secrets or environmentSecrets`
            : `a secret of a declared app (${model.apps.map((a) => a.name).join(", ")})`,
          found: "an undeclared secret [secret]",
        });
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(source.stack, problems, source.origin);
  return { values, required };
}
