/**
 * CloudWatch metric math, as far as the program's alarms use it, for judging an alarm's meaning rather than its text:
 * each `metricQueries` entry read against the Application Load Balancer's published metrics, and the returned
 * expression evaluated on one period's datapoints. The expression is parsed and evaluated by mathjs; `IF` and `FILL`
 * get CloudWatch's meaning (CloudWatch user guide, "Using metric math": `IF(condition, a, b)`, `FILL(m, value)` gives
 * `value` where `m` has no datapoint). A missing datapoint is `undefined`.
 */
import { create, all } from "mathjs";

const math = create(all);

/**
 * The Application Load Balancer's metrics the alarms read, with the dimension sets CloudWatch publishes them under
 * (ELB user guide, "CloudWatch metrics for your Application Load Balancer"). Counts are meaningful as `Sum`.
 */
export const ALB_METRICS: Record<string, string[][]> = {
  HTTPCode_Target_5XX_Count: [["LoadBalancer"], ["LoadBalancer", "TargetGroup"]],
  HTTPCode_ELB_5XX_Count: [["LoadBalancer"]],
  RequestCount: [["LoadBalancer"], ["LoadBalancer", "TargetGroup"]],
  TargetConnectionErrorCount: [["LoadBalancer"], ["LoadBalancer", "TargetGroup"]],
  TargetResponseTime: [["LoadBalancer"], ["LoadBalancer", "TargetGroup"]],
};

interface Query {
  id: string;
  expression?: string;
  label?: string;
  returnData?: boolean;
  metric?: { namespace: string; metricName: string; dimensions: Record<string, string>; stat: string };
}

/**
 * CloudWatch's rule for a metric query's `Id` (CloudWatch API reference, `MetricDataQuery`: "The first character must
 * be a lower-case letter"; letters, digits and underscores; unique within the request).
 */
const QUERY_ID = /^[a-z][a-zA-Z0-9_]{0,254}$/;

/** Whether a returned series' label names its unit, percent (every series the alarms and widgets return is one). */
const namesUnit = (label: string | undefined) => /%/.test(label ?? "");

/**
 * Problems of an alarm's metric queries: ids CloudWatch refuses, metrics against {@link ALB_METRICS}, and a returned
 * expression without a label naming its unit (what the alarm's graph and the dashboard legend show); empty when
 * CloudWatch would accept the queries and find data.
 */
export function albQueryProblems(queries: Query[]): string[] {
  const ids = queries.map((q) => q.id);
  const idProblems = [
    ...ids
      .filter((id) => !QUERY_ID.test(id ?? ""))
      .map((id) => `id ${JSON.stringify(id)} is not a CloudWatch id`),
    ...ids.filter((id, i) => ids.indexOf(id) !== i).map((id) => `id ${id} is used twice`),
    ...queries
      .filter((q) => q.returnData && q.expression !== undefined && !namesUnit(q.label))
      .map((q) => `${q.id}: returned expression without a label naming its unit (%)`),
  ];
  return idProblems.concat(
    queries.flatMap((q) => {
      if (!q.metric) return [];
      const { namespace, metricName, dimensions, stat } = q.metric;
      const sets = ALB_METRICS[metricName];
      const keys = Object.keys(dimensions).sort().join(",");
      return [
        ...(namespace === "AWS/ApplicationELB" ? [] : [`${q.id}: namespace ${namespace}`]),
        ...(sets ? [] : [`${q.id}: ${metricName} is not an ALB metric`]),
        ...(sets && !sets.some((s) => s.join(",") === keys) ? [`${q.id}: dimensions ${keys}`] : []),
        ...(stat === "Sum" ? [] : [`${q.id}: statistic ${stat}`]),
      ];
    }),
  );
}

/** The value of the one query that returns data, given each metric query's datapoint by id. */
export function evaluateAlarm(queries: Query[], datapoints: Record<string, number | undefined>): number {
  const returned = queries.filter((q) => q.returnData);
  if (returned.length !== 1 || !returned[0].expression) throw new Error("expected one returned expression");
  const scope = new Map<string, unknown>(Object.entries(datapoints));
  for (const q of queries) if (q.metric && !scope.has(q.id)) scope.set(q.id, undefined);
  scope.set("IF", (condition: boolean, a: number, b: number) => (condition ? a : b));
  scope.set("FILL", (m: number | undefined, value: number) => (m === undefined ? value : m));
  return math.evaluate(returned[0].expression, scope) as number;
}

/** A metric widget's rows (CloudWatch dashboard body structure, `metrics`) as alarm metric queries. */
export function widgetQueries(rows: unknown[][]): Query[] {
  return rows.map((row) => {
    const options = row[row.length - 1] as {
      id: string;
      stat?: string;
      expression?: string;
      label?: string;
      visible?: boolean;
    };
    if (options.expression !== undefined)
      return {
        id: options.id,
        expression: options.expression,
        label: options.label,
        returnData: options.visible !== false,
      };
    const [namespace, metricName, ...pairs] = row.slice(0, -1) as string[];
    const dimensions: Record<string, string> = {};
    for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i]] = pairs[i + 1];
    return {
      id: options.id,
      // A metric row is drawn unless hidden (`visible: false`).
      returnData: options.visible !== false,
      metric: { namespace, metricName, dimensions, stat: options.stat ?? "" },
    };
  });
}

/** CloudWatch's widget types and metric-widget views (CloudWatch API reference, "Dashboard body structure and syntax"). */
const WIDGET_TYPES = ["metric", "text", "log", "alarm", "explorer"];
const METRIC_VIEWS = ["timeSeries", "singleValue", "gauge", "bar", "pie", "table"];

/**
 * Problems of a dashboard body that `PutDashboard` would refuse or draw other than meant: widget types and views
 * CloudWatch does not have, widgets outside the 24-column grid or overlapping, and metric widgets whose series ids
 * CloudWatch refuses or that draw more or less than one series (the returned expression, or one metric alone).
 */
export function dashboardProblems(body: { widgets: any[] }): string[] {
  const problems: string[] = [];
  const cells = new Set<string>();
  for (const [i, w] of body.widgets.entries()) {
    const at = `widget ${i} (${w.properties?.title})`;
    if (!WIDGET_TYPES.includes(w.type)) problems.push(`${at}: type ${JSON.stringify(w.type)}`);
    if (!(w.width >= 1 && w.x >= 0 && w.x + w.width <= 24)) problems.push(`${at}: outside the 24 columns`);
    if (!(w.height >= 1 && w.y >= 0)) problems.push(`${at}: height ${w.height} at row ${w.y}`);
    for (let x = w.x; x < w.x + w.width; x++)
      for (let y = w.y; y < w.y + w.height; y++) {
        if (cells.has(`${x},${y}`)) problems.push(`${at}: overlaps at ${x},${y}`);
        cells.add(`${x},${y}`);
      }
    if (w.type !== "metric") continue;
    const { view, metrics, region } = w.properties;
    if (!METRIC_VIEWS.includes(view)) problems.push(`${at}: view ${JSON.stringify(view)}`);
    if (typeof region !== "string" || !region) problems.push(`${at}: no region`);
    const queries = widgetQueries(metrics);
    for (const { id } of queries)
      if (id !== undefined && !QUERY_ID.test(id)) problems.push(`${at}: id ${JSON.stringify(id)}`);
    const drawn = queries.filter((q) => q.returnData);
    if (drawn.length !== 1) problems.push(`${at}: draws ${drawn.length} series`);
    for (const q of drawn.filter((q) => q.expression !== undefined && !namesUnit(q.label)))
      problems.push(`${at}: series ${q.id} without a label naming its unit`);
  }
  return problems;
}
