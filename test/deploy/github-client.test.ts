/**
 * The GitHub client of the deploy commands (src/deploy/github.ts): the API URL given, else `GITHUB_API_URL`, else
 * github.com; and no logging of its own (a failed call becomes a check's finding, never a console line).
 */
import * as assert from "node:assert/strict";
import { githubClient } from "../../src/deploy/github";

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
      delete process.env.GITHUB_API_URL;
      assert.equal(githubClient("t").request.endpoint.DEFAULTS.baseUrl, "https://api.github.com");
    } finally {
      if (saved === undefined) delete process.env.GITHUB_API_URL;
      else process.env.GITHUB_API_URL = saved;
    }
  });

  it("logs nothing: warnings and errors of Octokit stay off the console", () => {
    const printed: unknown[] = [];
    const saved = { warn: console.warn, error: console.error, info: console.info, debug: console.debug };
    Object.assign(console, {
      warn: (...a: unknown[]) => printed.push(a),
      error: (...a: unknown[]) => printed.push(a),
      info: (...a: unknown[]) => printed.push(a),
      debug: (...a: unknown[]) => printed.push(a),
    });
    try {
      const log = githubClient("t").log;
      log.warn("w");
      log.error("e");
      log.info("i");
      log.debug("d");
    } finally {
      Object.assign(console, saved);
    }
    assert.deepEqual(printed, []);
  });
});
