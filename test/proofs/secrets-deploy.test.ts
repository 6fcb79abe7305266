/**
 * Secret safety of the commands that hold credentials (issue 27): `verify`, `predeploy`, `migrate`, `incident`,
 * `dora`, `flags wait`, `flags off`, `promote` and `release --github-release` run with distinctive values of
 * GITHUB_TOKEN, GHCR_TOKEN,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, against servers that answer every request with an error quoting
 * what they received (the Authorization header, the session token, the body): the worst a server, a proxy or a
 * misconfigured endpoint can do. No value may reach stdout, stderr or a report file, in any encoding a
 * log or a report could carry it (plain, base64 at any offset as in Basic auth, base64url, percent-encoded,
 * JSON-escaped, hex).
 *
 * The proof is itself proven: each encoding of a planted value is found, a command's output that holds one fails
 * the check, and each command's run is shown to have sent a credential that a server quoted back, so the
 * server's answer the command reads holds it. (Checked by hand on 2026-12-07: with `redactCredentials` returning
 * its input unchanged, every one of these commands fails this proof.)
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import { redactCredentials } from "../../src/redact";
import { cicd, CliRun, cleanTempDirs, tempDir, tempProject } from "../cli-harness";
import { flagOutputsFile, flagsOffArgs } from "../deploy/flagsWorld";
import { stampSuiteDate } from "../deploy/servers";
import { releasedRepository } from "../git";

const RUN = Math.random().toString(36).slice(2, 10);
/** Distinctive credentials: found verbatim if printed, in no other text by chance. */
const CREDENTIALS = {
  GITHUB_TOKEN: `ghs_L3AKPR00F${RUN}gh`,
  GHCR_TOKEN: `ghp_L3AKPR00F${RUN}cr`,
  AWS_SECRET_ACCESS_KEY: `L3AKPR00F${RUN}/aws+Secret=Key`,
  AWS_SESSION_TOKEN: `IQoJL3AKPR00F${RUN}/session+token==`,
};

/** The forms a value takes in logs and reports: as is, base64 (Basic auth), URL- and JSON-escaped, hex. */
function encodings(value: string): string[] {
  const b64 = Buffer.from(value).toString("base64");
  return [
    value,
    b64.replace(/=+$/, ""),
    Buffer.from(value).toString("base64url"),
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
    Buffer.from(value).toString("hex"),
  ];
}

/** The credentials (by name) whose value appears in `text` in any of its {@link encodings}. */
function leaked(text: string): string[] {
  return Object.entries(CREDENTIALS)
    .filter(([, v]) => [...encodings(v), basicAuth(v)].some((e) => text.includes(e)))
    .map(([k]) => k);
}

/**
 * The registry user: `acme` puts the token at an offset where its own base64 is not a substring of the Basic
 * credentials' base64 (`acme:` is 5 bytes), the case a naive base64 mask misses.
 */
const REGISTRY_USER = "acme";
/** The Basic credentials a registry client sends for `token`, as a server would quote them. */
const basicAuth = (token: string) => Buffer.from(`${REGISTRY_USER}:${token}`).toString("base64");

/** A hostile server: its address, what it quoted back so far, and how to stop it. */
interface HostileServer {
  url: string;
  /** Each answer's quotation of the request's credentials and body, in order. */
  echoes: string[];
  close(): Promise<void>;
}

/** A server that answers every request with `status` and a body quoting the request's credentials. */
async function hostileServer(status: number, shape: "github" | "aws-json" | "rest"): Promise<HostileServer> {
  const echoes: string[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    stampSuiteDate(res);
    const echoed = `auth=${req.headers.authorization ?? ""} session=${req.headers["x-amz-security-token"] ?? ""} body=${Buffer.concat(chunks).toString("utf8").slice(0, 200)}`;
    echoes.push(echoed);
    res.statusCode = status;
    if (shape === "aws-json") {
      res.setHeader("content-type", "application/x-amz-json-1.1");
      res.setHeader("x-amzn-errortype", "AccessDeniedException");
      res.end(JSON.stringify({ __type: "AccessDeniedException", message: `denied: ${echoed}` }));
    } else {
      res.setHeader("content-type", "application/json");
      res.setHeader("www-authenticate", `Bearer realm="${echoed}"`);
      res.end(JSON.stringify({ message: `Bad credentials: ${echoed}`, documentation_url: echoed }));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    echoes,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe("proofs: no credential in any output of the deploy commands", function () {
  this.timeout(120_000);
  const servers: HostileServer[] = [];
  let env: Record<string, string>;
  let dir: string;
  let out: string;
  /** A project whose staging outputs record a release of erp-berhan, for `promote`. */
  let promoting: { dir: string; outputs: string };
  /** The stack outputs naming each app's AppConfig ids, for `flags`. */
  let flagOutputs: string;
  /** A git repository with a release tag and a feature after it, for `release`. */
  let repository: string;

  before(async () => {
    const github = await hostileServer(401, "github");
    const aws = await hostileServer(400, "aws-json");
    const rest = await hostileServer(403, "rest");
    servers.push(github, aws, rest);
    dir = tempProject();
    out = tempDir("secrets-deploy");
    fs.writeFileSync(
      path.join(out, "outputs.json"),
      JSON.stringify({
        apps: {
          "erp-berhan": {
            migration: {
              cluster: "c",
              family: "f",
              subnets: ["s"],
              securityGroups: ["g"],
              container: "erp-berhan",
              logGroup: "/l",
              streamPrefix: "migrate",
              timeoutSeconds: 60,
            },
            imageRef: `ghcr.io/surlefeu/erp-berhan@sha256:${"1".repeat(64)}`,
          },
          "menu-optimizer": { imageRef: `ghcr.io/surlefeu/menu-optimizer@sha256:${"2".repeat(64)}` },
        },
        environmentProfile: {
          environment: "staging",
          apps: {
            "erp-berhan": { build: { gitSha: "a".repeat(40) } },
            "menu-optimizer": { build: { gitSha: "b".repeat(40) } },
          },
        },
      }),
    );
    promoting = { dir: tempProject(), outputs: path.join(tempDir("secrets-deploy"), "staging-outputs.json") };
    const release = {
      digest: `sha256:${"3".repeat(64)}`,
      gitSha: "d".repeat(40),
      date: "2026-11-20T10:00:00Z",
    };
    fs.writeFileSync(
      promoting.outputs,
      JSON.stringify({
        environmentProfile: {
          environment: "staging",
          apps: { "erp-berhan": { releases: [{ ...release, actor: "dev1" }] } },
        },
      }),
    );
    flagOutputs = flagOutputsFile(tempDir("secrets-deploy"));
    repository = releasedRepository(tempDir("secrets-deploy"), {}, [
      { message: "feat(menu): weekly plan", file: "menu.txt", content: "weekly" },
    ]);
    env = {
      ...CREDENTIALS,
      AWS_ACCESS_KEY_ID: "AKIDLEAKPROOF",
      AWS_REGION: "eu-west-1",
      AWS_MAX_ATTEMPTS: "1",
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: "surlefeu/cicd-constitution",
      GHCR_USERNAME: REGISTRY_USER,
      ...Object.fromEntries(
        ["ECS", "CLOUDWATCH", "CLOUDWATCH_LOGS", "EVENTBRIDGE"].map((s) => [
          `AWS_ENDPOINT_URL_${s}`,
          aws.url,
        ]),
      ),
      AWS_ENDPOINT_URL_APPCONFIG: rest.url,
    };
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    cleanTempDirs();
  });

  it("the detector finds a planted value in each encoding (a leak fails this proof)", () => {
    for (const form of encodings(CREDENTIALS.GITHUB_TOKEN))
      assert.deepEqual(leaked(`error: ${form} refused`), ["GITHUB_TOKEN"], form);
    assert.deepEqual(leaked("nothing here"), []);
    assert.deepEqual(leaked(`Basic ${basicAuth(CREDENTIALS.GHCR_TOKEN)}`), ["GHCR_TOKEN"]);
  });

  it("the mask finds a token inside Basic credentials whatever the user name's length, and in escaped JSON", () => {
    const env = { GHCR_TOKEN: CREDENTIALS.GHCR_TOKEN };
    for (const user of ["x", "ab", "acme", "my-org", "surlefeu"]) {
      const header = `Basic ${Buffer.from(`${user}:${CREDENTIALS.GHCR_TOKEN}`).toString("base64")}`;
      const masked = redactCredentials(header, env);
      assert.notEqual(masked, header, user);
      assert.ok(!masked.includes(header.slice(6)), user);
    }
    const escaped = JSON.stringify({ t: CREDENTIALS.AWS_SECRET_ACCESS_KEY }).replace(/\//g, "\\/");
    assert.equal(
      redactCredentials(escaped, { AWS_SECRET_ACCESS_KEY: CREDENTIALS.AWS_SECRET_ACCESS_KEY }),
      '{"t":"***"}',
    );
  });

  it("a command's output that holds a credential fails the check (planted as an app name it echoes)", async () => {
    // Without the credentials in its environment, the command has no value to mask: it prints the name it refuses.
    const r = await cicd(["rollback", "--app", CREDENTIALS.GITHUB_TOKEN, "--dir", dir]);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(leaked(outputOf(r)), ["GITHUB_TOKEN"], r.stderr);
    assert.throws(() => assertNoLeak(r), /GITHUB_TOKEN/);
  });

  /**
   * What a run left for a reader: its stdout, its stderr and every file under the directories the commands write
   * (their reports, the projects' stack files, the release's VERSION and CHANGELOG; git's own store aside).
   */
  function outputOf(r: CliRun): string {
    const files = [out, dir, promoting.dir, repository].flatMap((d) =>
      fs
        .readdirSync(d, { recursive: true, encoding: "utf8" })
        .filter((f) => !f.split(path.sep).includes(".git") && fs.statSync(path.join(d, f)).isFile())
        .map((f) => fs.readFileSync(path.join(d, f), "utf8")),
    );
    return [r.stdout, r.stderr, ...files].join("\n");
  }

  /** Fails naming each credential found in `r`'s output, in any encoding. */
  function assertNoLeak(r: CliRun): void {
    assert.deepEqual(leaked(outputOf(r)), [], `${r.stderr}\n${r.stdout}`.slice(0, 3000));
  }

  const commands: Array<[string, () => string[]]> = [
    [
      "verify",
      () => [
        "verify",
        "--stack",
        "staging",
        "--dir",
        dir,
        "--outputs",
        path.join(out, "outputs.json"),
        "--registry-url",
        env.GITHUB_API_URL,
        "--app-url",
        `erp-berhan=${env.GITHUB_API_URL}`,
        `menu-optimizer=${env.GITHUB_API_URL}`,
        "--format",
        "json",
        "--out",
        path.join(out, "verify.json"),
      ],
    ],
    [
      "predeploy",
      () => [
        "predeploy",
        "--stack",
        "production",
        "--dir",
        dir,
        "--sha",
        "c".repeat(40),
        "--app-url",
        `erp-berhan=${env.GITHUB_API_URL}`,
        "--format",
        "markdown",
        "--out",
        path.join(out, "predeploy.md"),
      ],
    ],
    [
      "migrate",
      () => [
        "migrate",
        "--stack",
        "staging",
        "--app",
        "erp-berhan",
        "--dir",
        dir,
        "--outputs",
        path.join(out, "outputs.json"),
        "--poll",
        "0.01",
      ],
    ],
    ["incident", () => ["incident", "--stack", "production", "--app", "erp-berhan", "--dir", dir]],
    [
      "flags wait",
      () => ["flags", "wait", "--stack", "staging", "--dir", dir, "--outputs", flagOutputs, "--poll", "0.01"],
    ],
    ["flags off", () => flagsOffArgs(dir, flagOutputs, "erp-berhan", "telegram_bot_v2")],
    [
      "promote",
      () => [
        "promote",
        "--app",
        "erp-berhan",
        "--staging-outputs",
        promoting.outputs,
        "--dir",
        promoting.dir,
      ],
    ],
    [
      "release --github-release",
      () => ["release", "--github-release", "--dir", repository, "--date", "2026-12-05"],
    ],
    [
      "dora",
      () => [
        "dora",
        "--stack",
        "production",
        "--dir",
        dir,
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-15",
        "--format",
        "json",
      ],
    ],
  ];

  for (const [name, args] of commands)
    it(`${name}: refused by every server, which quote its credentials back, it fails and prints none`, async () => {
      const seen = servers.map((s) => s.echoes.length);
      const r: CliRun = await cicd(args(), { env });
      assert.notEqual(r.code, 0, `${name} cannot succeed against servers that refuse everything`);
      const quoted = servers.flatMap((s, i) => s.echoes.slice(seen[i])).join("\n");
      assert.notDeepEqual(leaked(quoted), [], `${name} sent a credential that a server quoted back`);
      assert.ok(outputOf(r).trim().length > 0, "the command said something");
      assertNoLeak(r);
    });
});
