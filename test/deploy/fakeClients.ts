/**
 * In-memory stand-ins for the clients the deploy gates take (Octokit's `paginate`, `paginate.iterator` and the
 * REST routes they read; CloudWatch's `send`), so a gate's decision on a hand-built answer is tested in
 * milliseconds. Each records the calls it received, with their parameters, for the tests to assert.
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { Octokit } from "@octokit/rest";

/** A deployment as GitHub lists it (the fields the gates read). */
export interface FakeDeployment {
  id: number;
  payload: unknown;
  creator?: { login?: string } | null;
}

/** A deployment status as GitHub lists it. */
export interface FakeStatus {
  id?: number;
  state: string;
  created_at: string;
  creator?: { login?: string } | null;
}

/** What the fake GitHub answers: deployments (newest first), statuses by deployment ID, issues by route. */
export interface FakeGithubAnswers {
  deployments?: FakeDeployment[];
  statuses?: Record<number, FakeStatus[]>;
  issues?: Array<Record<string, unknown>>;
  /** Check runs by commit SHA. */
  checkRuns?: Record<string, Array<Record<string, unknown>>>;
  /** Pull requests associated with a commit, by SHA. */
  pulls?: Record<string, Array<Record<string, unknown>>>;
  /** Deployments per page of `paginate.iterator`. Default 100. */
  pageSize?: number;
  /** What `issues.create` answers (the new issue). Default `{}`. */
  createdIssue?: Record<string, unknown>;
  /** When set, every call is recorded and then throws it (GitHub refusing, or the network failing). */
  fail?: Error;
}

/** One call the fake GitHub received: the route name and its parameters. */
export interface FakeCall {
  route: string;
  params: Record<string, unknown>;
}

/** An Octokit answering {@link FakeGithubAnswers}, and the calls it received. */
export function fakeGithub(answers: FakeGithubAnswers): { github: Octokit; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const route =
    (name: string, answer: (params: Record<string, unknown>) => unknown) =>
    async (params: Record<string, unknown>) => {
      calls.push({ route: name, params });
      if (answers.fail) throw answers.fail;
      return { data: answer(params) ?? [] };
    };
  const rest = {
    repos: {
      listDeployments: route("listDeployments", () => answers.deployments),
      listDeploymentStatuses: route(
        "listDeploymentStatuses",
        (p) => answers.statuses?.[p.deployment_id as number],
      ),
      listPullRequestsAssociatedWithCommit: route(
        "listPullRequestsAssociatedWithCommit",
        (p) => answers.pulls?.[p.commit_sha as string],
      ),
    },
    issues: {
      listForRepo: route("listForRepo", () => answers.issues),
      create: route("create", () => answers.createdIssue ?? {}),
      createComment: route("createComment", () => ({ id: 1 })),
    },
    checks: { listForRef: route("listForRef", (p) => answers.checkRuns?.[p.ref as string]) },
  };
  type Route = (params: Record<string, unknown>) => Promise<{ data: unknown[] }>;
  // Every list route answers a list; `create` and `createComment` are called directly, never paginated.
  const paginate = async (fn: Route, params: Record<string, unknown>) => (await fn(params)).data;
  paginate.iterator = async function* (fn: Route, params: Record<string, unknown>) {
    const all = (await fn(params)).data;
    const size = answers.pageSize ?? 100;
    for (let i = 0; i < all.length; i += size) yield { data: all.slice(i, i + size) };
  };
  return { github: { rest, paginate } as unknown as Octokit, calls };
}

/** A CloudWatch command the fake received: its class name and input. */
export interface FakeCommand {
  name: string;
  input: Record<string, unknown>;
}

/** A CloudWatch client whose `send` answers with `answer(name, input)`, and the commands it received. */
export function fakeCloudWatch(answer: (name: string, input: Record<string, unknown>) => unknown): {
  cw: CloudWatchClient;
  sent: FakeCommand[];
} {
  const sent: FakeCommand[] = [];
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const c = { name: command.constructor.name, input: command.input };
    sent.push(c);
    return answer(c.name, c.input);
  };
  return { cw: { send } as unknown as CloudWatchClient, sent };
}
