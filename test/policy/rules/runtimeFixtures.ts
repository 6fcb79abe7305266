/**
 * The runtime rule tests' fixtures (runtime.test.ts, runtimePlatform.test.ts): a production container with its
 * variables, secrets by reference, a probing health check, a read-only root and awslogs, and its task definition.
 */
import { taskDefinition } from "../rule-harness";

type Props = Record<string, unknown>;

/** A compliant container, `over` replacing fields. */
export const container = (over: Props = {}) => ({
  name: "web",
  image: "ghcr.io/acme/erp@sha256:" + "a".repeat(64),
  environment: [
    { name: "APP_ENV", value: "production" },
    { name: "BUILD_SHA", value: "a".repeat(40) },
    { name: "BUILD_DATE", value: "2026-11-20T10:00:00Z" },
    { name: "BUILD_ACTOR", value: "mathieu" },
  ],
  secrets: [
    { name: "DATABASE_URL", valueFrom: "arn:db" },
    { name: "REDIS_URL", valueFrom: "arn:redis" },
    { name: "JWT_SECRET", valueFrom: "arn:jwt" },
  ],
  healthCheck: { command: ["CMD-SHELL", "curl -fsS http://localhost:8000/healthz || exit 1"] },
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/erp" } },
  ...over,
});
/** The app's production task definition with separate execution and task roles. */
export const td = (containers: unknown[], props: Props = {}) =>
  taskDefinition(containers, { executionRoleArn: "arn:exec", taskRoleArn: "arn:task", ...props });
/** The task definition of one compliant container. */
export const TD = td([container()]);
