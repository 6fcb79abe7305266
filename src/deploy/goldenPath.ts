/**
 * VERIFY-GOLDEN-PATH: `cicd verify` publishes its post-deploy smoke as the golden-path metrics each app's dashboard
 * reads (CONST "Observability": golden-path success; PLAY "3) Staging deploy"): CloudWatch `PutMetricData` in
 * {@link GOLDEN_PATH}'s namespace, `Attempts` (smoke requests sent) and `Success` (requests answering as
 * configured), per `App` and `Environment`. Without it the dashboard's widget stays empty.
 */
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GOLDEN_PATH } from "../../policy-pack/lib/facts";
import type { Check } from "./checks";

/**
 * Publishes one deploy's golden-path result.
 *
 * @param smoke the app's VERIFY-SMOKE checks (one per golden-path request).
 * @param at the time of the smoke, the metrics' timestamp.
 * @returns a VERIFY-GOLDEN-PATH check: `pass` once CloudWatch accepted both values, `skip` without smoke
 *   requests, `fail` with CloudWatch's error.
 */
export async function publishGoldenPath(
  client: CloudWatchClient,
  where: { app: string; environment: string },
  smoke: readonly Check[],
  at: Date = new Date(),
): Promise<Omit<Check, "app">> {
  const id = "VERIFY-GOLDEN-PATH";
  if (smoke.length === 0) return { id, status: "skip", message: "no golden-path request to publish" };
  const success = smoke.filter((c) => c.status === "pass").length;
  const [appDimension, environmentDimension] = GOLDEN_PATH.dimensions;
  const dimensions = [
    { Name: appDimension, Value: where.app },
    { Name: environmentDimension, Value: where.environment },
  ];
  const datum = (name: string, value: number) => ({
    MetricName: name,
    Dimensions: dimensions,
    Timestamp: at,
    Value: value,
    Unit: "Count" as const,
  });
  try {
    await client.send(
      new PutMetricDataCommand({
        Namespace: GOLDEN_PATH.namespace,
        MetricData: [
          datum(GOLDEN_PATH.metrics.attempts, smoke.length),
          datum(GOLDEN_PATH.metrics.success, success),
        ],
      }),
    );
    return {
      id,
      status: "pass",
      message: `${GOLDEN_PATH.namespace}: ${success} of ${smoke.length} golden-path request(s) succeeded`,
    };
  } catch (err) {
    return { id, status: "fail", message: `CloudWatch PutMetricData: ${(err as Error).message}` };
  }
}
