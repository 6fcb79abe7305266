/**
 * Local servers that speak the services' wire protocols, for `cicd verify` and `cicd predeploy` run with their
 * real clients: AWS JSON 1.0/1.1 (ECS, CloudWatch, EventBridge: `POST /` with `X-Amz-Target`), GitHub's REST
 * API (the routes Octokit calls), an app (`/version`, health, golden path), and a real OCI registry (Debian's
 * `docker-registry`, the distribution registry whose HTTP API GHCR follows) filled by `skopeo`.
 * Every server listens on 127.0.0.1 and is closed by the test that started it.
 */
import { execFile, spawn, ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

/** A started server: its base URL, what it received, and how to stop it. */
export interface Served {
  url: string;
  close(): Promise<void>;
}

/**
 * Stamps a local service's response with the suite's clock (test/suiteClock.ts), which its clients read too, so
 * service and client agree on the time as with a synchronised client: Node's own `Date` header reads the machine's
 * clock, and the AWS SDK corrects for a skew it sees by retrying a failed call.
 */
export function stampSuiteDate(res: http.ServerResponse): void {
  res.setHeader("date", new Date().toUTCString());
}

/** Listens with `handler` on a free port of 127.0.0.1, each response stamped with the suite's clock. */
async function listen(handler: http.RequestListener): Promise<Served & { server: http.Server }> {
  const server = http.createServer((req, res) => {
    stampSuiteDate(res);
    return handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function bodyOf(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** One AWS JSON call as the server saw it. */
export interface AwsCall {
  target: string;
  body: Record<string, unknown>;
  /** Whether the request was signed (SigV4 `Authorization` header). */
  signed: boolean;
}

/**
 * An error an AWS JSON endpoint answers: HTTP `status` with `{"__type": type, "message": message}`, which the SDK
 * v3 clients throw as an exception named `type` (AWS JSON 1.0/1.1 error responses).
 */
export class AwsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * An AWS JSON-protocol endpoint: `handlers[OPERATION](body)` answers `SERVICE_TARGET.OPERATION` (a handler that
 * throws an {@link AwsFault} answers that error); an operation without a handler answers 400
 * `UnknownOperationException`, as AWS does.
 *
 * @param version `1.0` (CloudWatch) or `1.1` (ECS, EventBridge): the `Content-Type` of answers.
 */
export async function awsJsonServer(
  version: "1.0" | "1.1",
  handlers: Record<string, (body: Record<string, unknown>) => unknown>,
): Promise<Served & { calls: AwsCall[] }> {
  const calls: AwsCall[] = [];
  const served = await listen(async (req, res) => {
    const target = String(req.headers["x-amz-target"] ?? "");
    const body = JSON.parse((await bodyOf(req)) || "{}") as Record<string, unknown>;
    calls.push({ target, body, signed: /^AWS4-HMAC-SHA256 /.test(String(req.headers.authorization ?? "")) });
    const handler = handlers[target.split(".").pop() ?? ""];
    res.setHeader("content-type", `application/x-amz-json-${version}`);
    res.setHeader(
      "x-amzn-requestid",
      createHash("sha256")
        .update(target + calls.length)
        .digest("hex")
        .slice(0, 32),
    );
    if (!handler) {
      res.statusCode = 400;
      res.end(JSON.stringify({ __type: "UnknownOperationException", message: `no ${target}` }));
      return;
    }
    try {
      res.end(JSON.stringify(handler(body)));
    } catch (err) {
      if (!(err instanceof AwsFault)) throw err;
      res.statusCode = err.status;
      res.end(JSON.stringify({ __type: err.type, message: err.message }));
    }
  });
  return { ...served, calls };
}

/** A deployment as the GitHub server stores it. */
export interface StoredDeployment {
  id: number;
  repo: string;
  ref: string;
  environment: string;
  payload: Record<string, unknown>;
  statuses: Array<{
    state: string;
    description?: string;
    environment_url?: string;
    creator?: string;
    /** When GitHub recorded it (ISO 8601). Default: when the server stored it. */
    created_at?: string;
  }>;
  /** The login that created it. Default: {@link VERIFIER}, the identity cicd verify runs as in staging. */
  creator?: string;
  /** When GitHub created it (ISO 8601). Default: when the server stored it. */
  created_at?: string;
}

/** The login the repository's production stack file names as staging's verifier (`predeploy.verifiers`). */
export const VERIFIER = "surlefeu-staging-deployer";

/** The GitHub Actions app: check runs of workflow jobs carry it (GitHub REST, check runs `app.id`). */
const ACTIONS_APP = { id: 15368, slug: "github-actions" };

/**
 * GitHub's REST API for deployments, check runs and commit statuses, in memory. Requests without a token get
 * 401 as from GitHub.
 */
export async function githubServer(
  seed: {
    deployments?: Omit<StoredDeployment, "id">[];
    /** Check runs by commit; `app` defaults to GitHub Actions. */
    checkRuns?: Record<
      string,
      Array<{
        name: string;
        status: string;
        conclusion: string | null;
        started_at?: string;
        app?: { id: number; slug: string };
      }>
    >;
    statuses?: Record<string, Array<{ context: string; state: string }>>;
    /** Issues by repository `OWNER/NAME` (`GET /repos/O/R/issues?state=open` lists the open ones). */
    issues?: Record<
      string,
      Array<{ number: number; title: string; state: "open" | "closed"; labels?: string[] }>
    >;
    /** Commit times by commit (`GET /repos/O/R/commits/SHA`: `commit.committer.date`). */
    commits?: Record<string, string>;
    /** Pull requests associated with a commit (`GET /repos/O/R/commits/SHA/pulls`), by commit. */
    pulls?: Record<
      string,
      Array<{ number: number; merged_at: string | null; base: { ref: string }; head: { sha: string } }>
    >;
  } = {},
): Promise<
  Served & {
    deployments: StoredDeployment[];
    releases: Array<{ repo: string; tag_name: string; name: string; body: string }>;
    /** Issues opened (`POST /repos/O/R/issues`) and comments made (`POST .../issues/N/comments`). */
    opened: Array<{ repo: string; number: number; title: string; body: string; labels: string[] }>;
    comments: Array<{ repo: string; number: number; body: string }>;
  }
> {
  const opened: Array<{ repo: string; number: number; title: string; body: string; labels: string[] }> = [];
  const comments: Array<{ repo: string; number: number; body: string }> = [];
  const releases: Array<{ repo: string; tag_name: string; name: string; body: string }> = [];
  const now = () => new Date().toISOString();
  const deployments: StoredDeployment[] = (seed.deployments ?? []).map((d, i) => ({
    ...d,
    id: 1000 + i,
    created_at: d.created_at ?? now(),
    statuses: d.statuses.map((st) => ({ ...st, created_at: st.created_at ?? now() })),
  }));
  const json = (res: http.ServerResponse, status: number, value: unknown) => {
    res.statusCode = status;
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.end(JSON.stringify(value));
  };
  const served = await listen(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (!/^(token|bearer) \S+/i.test(String(req.headers.authorization ?? "")))
      return json(res, 401, { message: "Requires authentication" });
    const body =
      req.method === "POST" ? (JSON.parse((await bodyOf(req)) || "{}") as Record<string, unknown>) : {};
    let m: RegExpExecArray | null;
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/deployments$/.exec(url.pathname))) {
      const repo = m[1];
      if (req.method === "POST") {
        const d: StoredDeployment = {
          id: 1000 + deployments.length,
          repo,
          ref: String(body.ref),
          environment: String(body.environment),
          payload: (body.payload as Record<string, unknown>) ?? {},
          statuses: [],
          creator: VERIFIER,
          created_at: now(),
        };
        deployments.push(d);
        return json(res, 201, {
          id: d.id,
          sha: d.ref,
          ref: d.ref,
          environment: d.environment,
          payload: d.payload,
        });
      }
      const env = url.searchParams.get("environment");
      const list = deployments
        .filter((d) => d.repo === repo && (!env || d.environment === env))
        .reverse()
        .map((d) => ({
          id: d.id,
          sha: d.ref,
          ref: d.ref,
          environment: d.environment,
          payload: d.payload,
          creator: { login: d.creator ?? VERIFIER },
          created_at: d.created_at,
        }));
      return json(res, 200, list);
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/deployments\/(\d+)\/statuses$/.exec(url.pathname))) {
      const d = deployments.find((x) => x.repo === m![1] && x.id === Number(m![2]));
      if (!d) return json(res, 404, { message: "Not Found" });
      if (req.method === "POST") {
        d.statuses.push({
          ...(body as StoredDeployment["statuses"][number]),
          creator: VERIFIER,
          created_at: now(),
        });
        return json(res, 201, { id: d.statuses.length, state: body.state });
      }
      return json(
        res,
        200,
        [...d.statuses]
          .map((s, i) => ({ id: i + 1, ...s, creator: { login: s.creator ?? VERIFIER } }))
          .reverse(),
      );
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/releases$/.exec(url.pathname)) && req.method === "POST") {
      const r = {
        repo: m[1],
        tag_name: String(body.tag_name),
        name: String(body.name),
        body: String(body.body),
      };
      releases.push(r);
      return json(res, 201, {
        id: releases.length,
        ...r,
        html_url: `https://github.com/${m[1]}/releases/tag/${r.tag_name}`,
      });
    }
    if (
      (m = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname)) &&
      req.method === "POST"
    ) {
      comments.push({ repo: m[1], number: Number(m[2]), body: String(body.body) });
      return json(res, 201, { id: comments.length, body: body.body });
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/issues$/.exec(url.pathname))) {
      const repo = m[1];
      const htmlUrl = (n: number) => `https://github.com/${repo}/issues/${n}`;
      const all = [
        ...(seed.issues?.[repo] ?? []),
        ...opened.filter((i) => i.repo === repo).map((i) => ({ ...i, state: "open" as const })),
      ];
      if (req.method === "POST") {
        const issue = {
          repo,
          number: all.reduce((n, i) => Math.max(n, i.number), 0) + 1,
          title: String(body.title),
          body: String(body.body ?? ""),
          labels: (body.labels as string[] | undefined) ?? [],
        };
        opened.push(issue);
        return json(res, 201, { ...issue, state: "open", html_url: htmlUrl(issue.number) });
      }
      const state = url.searchParams.get("state") ?? "open";
      const label = url.searchParams.get("labels");
      return json(
        res,
        200,
        all
          .filter((i) => state === "all" || i.state === state)
          .filter((i) => !label || (i.labels ?? []).includes(label))
          .map((i) => ({
            ...i,
            labels: (i.labels ?? []).map((name) => ({ name })),
            html_url: htmlUrl(i.number),
          })),
      );
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]{40})$/.exec(url.pathname))) {
      const date = seed.commits?.[m[1]];
      if (!date) return json(res, 404, { message: "No commit found for SHA" });
      return json(res, 200, { sha: m[1], commit: { committer: { date }, author: { date } } });
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]{40})\/check-runs$/.exec(url.pathname))) {
      const runs = seed.checkRuns?.[m[1]] ?? [];
      return json(res, 200, {
        total_count: runs.length,
        check_runs: runs.map((r, i) => ({ id: i + 1, app: ACTIONS_APP, ...r })),
      });
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]{40})\/pulls$/.exec(url.pathname)))
      return json(res, 200, seed.pulls?.[m[1]] ?? []);
    if ((m = /^\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]{40})\/status$/.exec(url.pathname))) {
      const statuses = seed.statuses?.[m[1]] ?? [];
      return json(res, 200, { state: "success", sha: m[1], total_count: statuses.length, statuses });
    }
    json(res, 404, { message: "Not Found" });
  });
  return { ...served, deployments, releases, opened, comments };
}

/** An app answering `/version` with a BUILD_SHA, its health paths and a golden path, each status configurable. */
export async function appServer(app: {
  buildSha: string;
  status?: Record<string, number>;
}): Promise<Served & { hits: string[] }> {
  const hits: string[] = [];
  const served = await listen((req, res) => {
    const p = new URL(req.url ?? "/", "http://x").pathname;
    hits.push(`${req.method} ${p}`);
    res.statusCode = app.status?.[p] ?? 200;
    if (p === "/version") {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          BUILD_SHA: app.buildSha,
          BUILD_DATE: "2026-11-20T09:30:00Z",
          BUILD_ACTOR: "mathieu",
        }),
      );
    } else res.end("ok");
  });
  return { ...served, hits };
}

const run = promisify(execFile);

/** Whether the registry and skopeo binaries are installed (`.ci/run` installs them). */
export function registryToolsPresent(): boolean {
  return fs.existsSync("/usr/bin/docker-registry") && fs.existsSync("/usr/bin/skopeo");
}

/** A running `docker-registry` on a free loopback port, storing in a temporary directory. */
export async function startRegistry(): Promise<
  Served & { host: string; push(name: string, tag: string, seed: string): Promise<string> }
> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-"));
  const probe = await listen(() => undefined);
  const port = Number(new URL(probe.url).port);
  await probe.close();
  const host = `127.0.0.1:${port}`;
  fs.writeFileSync(
    path.join(dir, "config.yml"),
    [
      "version: 0.1",
      "log: { level: error }",
      "storage:",
      `  filesystem: { rootdirectory: ${path.join(dir, "data")} }`,
      "  delete: { enabled: true }",
      "http:",
      `  addr: ${host}`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn("/usr/bin/docker-registry", ["serve", path.join(dir, "config.yml")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`http://${host}/v2/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`docker-registry did not start: ${stderr.slice(0, 400)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://${host}`,
    host,
    /** Pushes a two-platform OCI image index made from `seed` as NAME:TAG; returns the index digest. */
    push: async (name, tag, seed) => {
      const layout = ociIndexLayout(
        path.join(dir, `layout-${createHash("sha256").update(seed).digest("hex").slice(0, 8)}`),
        seed,
      );
      await run("/usr/bin/skopeo", [
        "copy",
        "--all",
        "--preserve-digests",
        "--dest-tls-verify=false",
        "--quiet",
        `oci:${layout.dir}:latest`,
        `docker://${host}/${name}:${tag}`,
      ]);
      return layout.digest;
    },
    close: async () => {
      child.kill();
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes an OCI image layout holding one index of two manifests (amd64, arm64); returns the index digest. */
function ociIndexLayout(dir: string, seed: string): { dir: string; digest: string } {
  fs.mkdirSync(path.join(dir, "blobs", "sha256"), { recursive: true });
  const blob = (content: Buffer | string) => {
    const b = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const hex = createHash("sha256").update(b).digest("hex");
    fs.writeFileSync(path.join(dir, "blobs", "sha256", hex), b);
    return { digest: `sha256:${hex}`, size: b.length };
  };
  const layer = blob(Buffer.from(`layer of ${seed}`));
  const manifests = ["amd64", "arm64"].map((arch) => {
    const config = blob(
      JSON.stringify({
        architecture: arch,
        os: "linux",
        rootfs: { type: "layers", diff_ids: [layer.digest] },
        config: { Labels: { seed } },
      }),
    );
    const manifest = blob(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
      }),
    );
    return {
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      ...manifest,
      platform: { architecture: arch, os: "linux" },
    };
  });
  const index = blob(
    JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }),
  );
  fs.writeFileSync(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  fs.writeFileSync(
    path.join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.index.v1+json",
          ...index,
          annotations: { "org.opencontainers.image.ref.name": "latest" },
        },
      ],
    }),
  );
  return { dir, digest: index.digest };
}
