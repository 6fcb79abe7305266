/**
 * What `cicd verify` and `cicd predeploy` read from their command line and environment, and how they print
 * (src/deploy/command.ts): `--app-url APP=URL` entries (anchored, no credentials), the registry credentials (both
 * variables or none), the link to the Actions run, and the report on stdout or in `--out` with the exit code.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { emitChecks, parseAppUrls, registryCredentials, runLogUrl } from "../../src/deploy/command";
import type { CheckReport } from "../../src/deploy/checks";
import { captured, cleanTempDirs, tempDir } from "../cli-harness";

const REPORT: CheckReport = {
  command: "verify",
  stack: "staging",
  checks: [{ id: "VERIFY-SERVICE", app: "erp", status: "pass", message: "steady" }],
};
const FAILED: CheckReport = {
  ...REPORT,
  checks: [{ id: "VERIFY-DIGEST", app: "erp", status: "fail", message: "runs sha256:aa" }],
};

/** The message of the Error `run` throws. */
function thrown(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail("expected an error");
}

describe("deploy commands: inputs and output", () => {
  after(cleanTempDirs);

  it("parseAppUrls: APP=http(s)://... entries by app, none given is none", () => {
    assert.deepEqual(parseAppUrls(["erp=https://erp.example:8443", "menu-2=http://10.0.0.2/base"]), {
      erp: "https://erp.example:8443",
      "menu-2": "http://10.0.0.2/base",
    });
    assert.deepEqual(parseAppUrls(), {});
  });

  for (const entry of ["x erp=https://a", "erp=https://a b", "ERP=https://a", "erp=ftp://a", "erp:https://a"])
    it(`parseAppUrls refuses ${JSON.stringify(entry)}, naming the option and the entry`, () =>
      assert.equal(
        thrown(() => parseAppUrls([entry])),
        `--app-url: expected APP=http(s)://HOST[:PORT], found ${JSON.stringify(entry)}`,
      ));

  for (const url of ["https://user@erp.example", "https://:pw@erp.example", "https://user:pw@erp.example"])
    it(`parseAppUrls refuses credentials in ${url}, without printing them`, () => {
      const message = thrown(() => parseAppUrls([`erp=${url}`]));
      assert.equal(message, "--app-url erp: expected a URL without credentials (user:password@ is refused)");
    });

  it("registryCredentials: both GHCR_USERNAME and GHCR_TOKEN, or anonymous", () => {
    assert.deepEqual(registryCredentials({ GHCR_USERNAME: "bot", GHCR_TOKEN: "t" }), {
      username: "bot",
      password: "t",
    });
    assert.equal(registryCredentials({ GHCR_USERNAME: "bot" }), undefined);
    assert.equal(registryCredentials({ GHCR_TOKEN: "t" }), undefined);
    assert.equal(registryCredentials({}), undefined);
  });

  it("runLogUrl: the Actions run's page, on GitHub unless GITHUB_SERVER_URL says otherwise; none outside Actions", () => {
    const run = { GITHUB_REPOSITORY: "acme/infra", GITHUB_RUN_ID: "42" };
    assert.equal(runLogUrl(run), "https://github.com/acme/infra/actions/runs/42");
    assert.equal(
      runLogUrl({ ...run, GITHUB_SERVER_URL: "https://ghe.example" }),
      "https://ghe.example/acme/infra/actions/runs/42",
    );
    assert.equal(runLogUrl({ GITHUB_REPOSITORY: "acme/infra" }), undefined);
    assert.equal(runLogUrl({ GITHUB_RUN_ID: "42" }), undefined);
  });

  it("emitChecks: the report on stdout and its exit code; 2 with the message when the checks cannot run", async () => {
    const ok = await captured(() =>
      emitChecks(async () => REPORT, { stack: "staging", dir: ".", format: "json" }),
    );
    assert.equal(ok.code, 0);
    assert.equal(JSON.parse(ok.stdout).checks[0].id, "VERIFY-SERVICE");
    const failed = await captured(() =>
      emitChecks(async () => FAILED, { stack: "staging", dir: ".", format: "json" }),
    );
    assert.equal(failed.code, 1);
    const broken = await captured(() =>
      emitChecks(
        async () => {
          throw new Error("staging: no outputs");
        },
        { stack: "staging", dir: ".", format: "table" },
      ),
    );
    assert.deepEqual([broken.code, broken.stdout, broken.stderr], [2, "", "staging: no outputs\n"]);
  });

  it("emitChecks --out: the report in the file, a line end added, no colour unless --color always, nothing on stdout", async () => {
    const dir = tempDir("cicd-checks-out");
    const out = path.join(dir, "verify.txt");
    const run = await captured(() =>
      emitChecks(async () => FAILED, { stack: "staging", dir: ".", format: "table", out, color: "auto" }),
    );
    assert.deepEqual([run.code, run.stdout], [1, ""]);
    const text = fs.readFileSync(out, "utf8");
    assert.match(text, /VERIFY-DIGEST/);
    assert.ok(text.endsWith("\n") && !text.endsWith("\n\n"));
    assert.ok(!text.includes("\u001b["), "no colour in a file by default");
    await captured(() =>
      emitChecks(async () => FAILED, { stack: "staging", dir: ".", format: "table", out, color: "always" }),
    );
    assert.ok(fs.readFileSync(out, "utf8").includes("\u001b["), "--color always colours the file");
  });
});
