/** The containers of an ECS task definition as the rules read them, and the paths a health command probes. */
import { arr, get, num, parseJsonProp, str } from "./props";
import type { Res } from "./rule";
import { probedPath } from "./probe";

/** One container of a task definition, as the rules read it. */
export interface Container {
  name: string;
  image: string;
  environment: Array<{ name: string; value: unknown }>;
  secrets: Array<{ name: string; valueFrom: unknown }>;
  healthCommand: string;
  /** The path the health check probes, when its command is a recognised probe (policy-pack/lib/probe.ts). */
  healthProbe?: string;
  readonlyRootFilesystem: boolean;
  logDriver?: string;
  logGroup?: string;
  ports: number[];
  /** `repositoryCredentials.credentialsParameter`: the secret a private image is pulled with. */
  credentialsParameter?: string;
  /** Mount points: container path, source volume, read-only. */
  mounts: Array<{ path: string; volume: string; readOnly: boolean }>;
}

/** The containers of an ECS task definition (`containerDefinitions`, a JSON string). */
export function containersOf(td: Res): Container[] {
  return arr(parseJsonProp(td.props, "containerDefinitions")).map((c) => ({
    name: String(get(c, "name") ?? ""),
    image: String(get(c, "image") ?? ""),
    environment: arr(get(c, "environment")).map((e) => ({
      name: String(get(e, "name")),
      value: get(e, "value"),
    })),
    secrets: arr(get(c, "secrets")).map((e) => ({
      name: String(get(e, "name")),
      valueFrom: get(e, "valueFrom"),
    })),
    healthCommand: arr(get(c, "healthCheck.command")).map(String).join(" "),
    healthProbe: probedPath(arr(get(c, "healthCheck.command")).map(String)),
    readonlyRootFilesystem: get(c, "readonlyRootFilesystem") === true,
    logDriver: str(get(c, "logConfiguration.logDriver")),
    logGroup: str(get(c, "logConfiguration.options.awslogs-group")),
    ports: arr(get(c, "portMappings")).map((p) => num(get(p, "containerPort")) ?? 0),
    credentialsParameter: str(get(c, "repositoryCredentials.credentialsParameter")),
    mounts: arr(get(c, "mountPoints")).map((m) => ({
      path: String(get(m, "containerPath") ?? ""),
      volume: String(get(m, "sourceVolume") ?? ""),
      readOnly: get(m, "readOnly") === true,
    })),
  }));
}

/** URL paths a health-check command calls (`curl -fsS http://localhost:8000/healthz` -> `/healthz`). */
export function healthPaths(command: string): string[] {
  return [...command.matchAll(/https?:\/\/[^\s/"']+(\/[^\s"'?|;&]*)/g)].map((m) => m[1]);
}

/**
 * Whether a task definition is a one-off task (a migration, or another job started with ECS RunTask) rather than a
 * service's: it has containers, none maps a port, and each runs a command of its own. The serving rules (health
 * checks, parity of ports and health paths) do not apply to it; the migration rules do.
 */
export function isOneOffTask(td: Res): boolean {
  const raw = arr(parseJsonProp(td.props, "containerDefinitions"));
  return (
    raw.length > 0 &&
    raw.every((c) => arr(get(c, "portMappings")).length === 0 && arr(get(c, "command")).length > 0)
  );
}
