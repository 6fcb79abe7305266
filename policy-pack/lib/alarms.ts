/** ECS services and the CloudWatch alarms that watch them, indexed once per stack. */
import { appOf, arr, get, str, tagsOf } from "./props";
import type { Res } from "./rule";
import { T } from "./tokens";

/** Metric names an alarm watches (`metricName`, or each `metricQueries[].metric.metricName`). */
export function alarmMetrics(alarm: Res): string[] {
  const direct = str(alarm.props.metricName);
  const queries = arr(alarm.props.metricQueries).map((q) => str(get(q, "metric.metricName")));
  return [direct, ...queries].filter((m): m is string => !!m);
}

/** Services of the stack with their app and environment. */
export function services(
  resources: Res[],
  byUrn: Map<string, Res>,
): Array<{ res: Res; app: string; env?: string }> {
  return resources
    .filter((r) => r.type === T.service)
    .map((r) => ({
      res: r,
      app: appOf(r, byUrn) ?? str(r.props.name) ?? r.name,
      env: str(tagsOf(r.props).environment),
    }));
}

/** Alarms by app and environment, built once per resource list (a stack has one alarm list per rule run). */
const alarmIndexes = new WeakMap<Res[], Map<string, Res[]>>();

/**
 * Alarms of an app in an environment (by `app` / `environment` tags or the app component). Indexed once per
 * resource list, so a stack of S services and A alarms costs O(S + A), not O(S x A).
 */
export function alarmsOf(resources: Res[], byUrn: Map<string, Res>, app: string, env?: string): Res[] {
  let index = alarmIndexes.get(resources);
  if (!index) {
    index = new Map();
    for (const r of resources) {
      if (r.type !== T.metricAlarm) continue;
      const key = `${appOf(r, byUrn)}\u0000${str(tagsOf(r.props).environment)}`;
      const anyEnv = `${appOf(r, byUrn)}\u0000*`;
      index.set(key, [...(index.get(key) ?? []), r]);
      index.set(anyEnv, [...(index.get(anyEnv) ?? []), r]);
    }
    alarmIndexes.set(resources, index);
  }
  return index.get(`${app}\u0000${env === undefined ? "*" : env}`) ?? [];
}

/**
 * The metric alarms no service of the stack reaches through {@link alarmsOf} (no `app` tag or component tying them
 * to a service's app and environment: another program's alarms, or alarms of a service the stack does not hold).
 * The rules judge them on their own.
 */
export function unlinkedAlarms(resources: Res[], byUrn: Map<string, Res>): Res[] {
  const linked = new Set<Res>();
  for (const s of services(resources, byUrn))
    for (const a of alarmsOf(resources, byUrn, s.app, s.env)) linked.add(a);
  return resources.filter((r) => r.type === T.metricAlarm && !linked.has(r));
}
