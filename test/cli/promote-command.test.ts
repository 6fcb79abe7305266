/**
 * `cicd promote` as a command (src/cli/promote.ts), in process: the GitHub token from the option or `GITHUB_TOKEN`,
 * exit 2 for a bad argument or unreadable stack outputs (the file unchanged), and any other failure (GitHub
 * unreachable) passed on rather than taken for a bad argument.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { runPromote } from "../../src/cli/promote";
import { captured, cicd, cleanTempDirs, projectWithStagingOutputs } from "../cli-harness";
import { githubServer, VERIFIER } from "../deploy/servers";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const RELEASES = [
  { digest: digest("c"), gitSha: "c".repeat(40), date: "2026-12-04T10:00:00Z", actor: "dev1" },
];

/** A project with staging's outputs, and its production stack file as it was. */
function project(): { dir: string; outputs: string; before: string } {
  const { dir, outputs } = projectWithStagingOutputs(RELEASES);
  return { dir, outputs, before: fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8") };
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("cicd promote (the command)", function () {
  after(cleanTempDirs);

  it("reads staging's verify with GITHUB_TOKEN when no token is given, and prints the title and the body", async function () {
    const github = await githubServer({
      deployments: [
        {
          repo: "surlefeu/erp-berhan",
          ref: "c".repeat(40),
          environment: "staging",
          payload: { digest: digest("c") },
          statuses: [{ state: "success", creator: VERIFIER }],
        },
      ],
    });
    try {
      const { dir, outputs } = project();
      const run = await cicd(["promote", "--app", "erp-berhan", "--staging-outputs", outputs, "--dir", dir], {
        env: { GITHUB_TOKEN: "ghs_localtesttoken", GITHUB_API_URL: github.url },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr.trim(), `Promote staging -> main @ ${"c".repeat(12)}`);
      assert.match(run.stdout, /staging verify: sha256:c{64} verified in staging \(deployment \d+/);
    } finally {
      await github.close();
    }
  });

  it("exits 2 on a digest staging never ran, naming the key, the file unchanged", async function () {
    const { dir, outputs, before } = project();
    const code = await cicd(
      ["promote", "--app", "erp-berhan", "--staging-outputs", outputs, "--dir", dir, "--digest", digest("d")],
      { env: { GITHUB_TOKEN: "" } },
    );
    assert.equal(code.code, 2);
    assert.match(code.stderr, /--digest: expected a digest staging ran/);
    assert.equal(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8"), before);
  });

  it("returns 2 on stack outputs it cannot read, naming the file, the file unchanged", async function () {
    const { dir, before } = project();
    const missing = path.join(dir, "no-such-outputs.json");
    const run = await captured(() => runPromote({ app: "erp-berhan", stagingOutputs: missing, dir }), {
      env: { GITHUB_TOKEN: "" },
    });
    assert.equal(run.code, 2, "a bad input, not an exception");
    assert.match(run.stderr, /no-such-outputs\.json: cannot read the stack outputs \(ENOENT\)/);
    assert.equal(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8"), before);
  });

  it("returns 2 on a ConfigError (a stack other than production), naming the key", async function () {
    const { dir, outputs } = project();
    const run = await captured(() =>
      runPromote({ app: "erp-berhan", stagingOutputs: outputs, dir, stack: "staging", githubToken: "" }),
    );
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /--stack: expected production \(staging builds; it promotes nothing\), found staging/,
    );
  });

  it("passes on a failure that is not a bad input: GitHub unreachable with a token given", async function () {
    const { dir, outputs, before } = project();
    const url = `http://127.0.0.1:${await closedPort()}`;
    await assert.rejects(
      runPromote({
        app: "erp-berhan",
        stagingOutputs: outputs,
        dir,
        githubToken: "ghs_x",
        githubApiUrl: url,
      }),
      (err: Error) => !/cannot read the stack outputs/.test(err.message),
    );
    assert.equal(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8"), before);
  });
});
