/**
 * What a container health check probes (policy-pack/lib/probe.ts `probedPath`, CC-RUN-02): the path of a command
 * whose whole form is a known loopback HTTP probe, nothing for a command that does more, less or something else.
 */
import * as assert from "node:assert/strict";
import { probedPath } from "../../../policy-pack/lib/probe";

const PY = "import urllib.request; urllib.request.urlopen('http://localhost:8000/healthz', timeout=5)";

describe("pack lib: the path a health check probes", () => {
  for (const [command, path] of [
    [["CMD-SHELL", "curl -fsS http://localhost:8000/healthz || exit 1"], "/healthz"],
    [["CMD-SHELL", "  curl -f http://127.0.0.1/readyz?deep=1  "], "/readyz"],
    [["CMD-SHELL", "wget -q --spider http://localhost:8080/healthz"], "/healthz"],
    [["CMD", "curl", "-fsS", "--max-time", "3", "http://localhost:8000/healthz"], "/healthz"],
    [["CMD", "python3", "-c", PY], "/healthz"],
    [["CMD-SHELL", "curl -fsS http://localhost:8000/healthz", "extra"], undefined],
    [["CMD-SHELL", "curl -fsS http://localhost:8000/healthz || exit 0"], undefined],
    [["CMD-SHELL", "curl -fsS http://localhost:8000/healthz & exit 0"], undefined],
    [["CMD-SHELL", "curl -fsS http://localhost:8000/healthz; true"], undefined],
    [["CMD-SHELL", "exit 0 # http://localhost/healthz"], undefined],
    [["CMD", "curl", "-fsS", "http://localhost:8000/healthz", "||", "exit", "1"], undefined],
    [["CMD", "curl", "-s", "http://localhost:8000/healthz"], undefined],
    [["CMD", "curl", "-fsS", "http://example.com/healthz"], undefined],
    [["NONE", "curl -fsS http://localhost:8000/healthz"], undefined],
    [["CMD", "python3", PY], undefined],
    [["CMD", "python3", "-m", PY], undefined],
    [["CMD", "python", "-c", PY], undefined],
    [["CMD", "python3", "-c", PY, "x"], undefined],
    [["CMD", "python3", "-c", `${PY}; exit(0)`], undefined],
    [[], undefined],
  ] as const)
    it(`${JSON.stringify(command)} probes ${path ?? "nothing"}`, () =>
      assert.equal(probedPath(command), path));
});
