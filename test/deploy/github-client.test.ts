/**
 * The GitHub client of the deploy commands (src/deploy/github.ts): the API URL given, else `GITHUB_API_URL`, else
 * github.com; and no logging of its own (a failed call becomes a check's finding, never a console line).
 */
import * as assert from "node:assert/strict";
import { githubClient } from "../../src/deploy/github";
import { captured } from "../cli-harness";

describe("deploy: the GitHub client", () => {
  it("uses the API URL given, else GITHUB_API_URL, else api.github.com", () => {
    const saved = process.env.GITHUB_API_URL;
    try {
      process.env.GITHUB_API_URL = "https://ghe.example/api/v3";
      assert.equal(
        githubClient("t", "http://127.0.0.1:9").request.endpoint.DEFAULTS.baseUrl,
        "http://127.0.0.1:9",
      );
      assert.equal(githubClient("t").request.endpoint.DEFAULTS.baseUrl, "https://ghe.example/api/v3");
      process.env.GITHUB_API_URL = "";
      assert.equal(githubClient("t").request.endpoint.DEFAULTS.baseUrl, "https://api.github.com");
      delete process.env.GITHUB_API_URL;
      assert.equal(githubClient("t").request.endpoint.DEFAULTS.baseUrl, "https://api.github.com");
    } finally {
      if (saved === undefined) delete process.env.GITHUB_API_URL;
      else process.env.GITHUB_API_URL = saved;
    }
  });

  it("logs nothing: warnings and errors of Octokit stay off stdout and stderr", async () => {
    // Octokit's default logger writes through console methods it bound when it loaded, so the streams are what to
    // watch, not the console object.
    const r = await captured(async () => {
      const log = githubClient("t").log;
      log.warn("w");
      log.error("e");
      log.info("i");
      log.debug("d");
      return 0;
    });
    assert.deepEqual([r.stdout, r.stderr], ["", ""]);
  });

  it("a failed call is an error to the caller, never a console line", async () => {
    // Nothing listens on port 9 of the loopback address: the request fails at once.
    const r = await captured(async () => {
      await assert.rejects(githubClient("t", "http://127.0.0.1:9").rest.repos.get({ owner: "o", repo: "r" }));
      return 0;
    });
    assert.deepEqual([r.stdout, r.stderr], ["", ""]);
  });
});
