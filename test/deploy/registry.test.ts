/**
 * The registry client's token authentication (Docker "Token Authentication Specification", as GHCR uses it): a
 * 401 challenge, a token from the realm with the basic credentials, the manifest asked again with the token.
 */
import { strict as assert } from "node:assert";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { parseBearerChallenge, resolveTag } from "../../src/deploy/registry";

const DIGEST = `sha256:${"d".repeat(64)}`;

describe("registry client: bearer token authentication", () => {
  let server: http.Server;
  let base: string;
  const seen: string[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      seen.push(`${req.method} ${url.pathname}${url.search} ${req.headers.authorization ?? "-"}`);
      if (url.pathname === "/token") {
        const basic = `Basic ${Buffer.from("surlefeu:ghp_readpackages").toString("base64")}`;
        if (req.headers.authorization !== basic) return void res.writeHead(401).end();
        return void res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ token: "t0k" }));
      }
      if (req.headers.authorization !== "Bearer t0k") {
        res.writeHead(401, {
          "www-authenticate": `Bearer realm="${base}/token",service="ghcr.io",scope="repository:surlefeu/app:pull"`,
        });
        return void res.end();
      }
      if (url.pathname === "/v2/surlefeu/app/manifests/prod")
        return void res.writeHead(200, { "docker-content-digest": DIGEST }).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it("answers the challenge with a token fetched with the credentials", async () => {
    const digest = await resolveTag({ registryUrl: base, name: "surlefeu/app" }, "prod", {
      username: "surlefeu",
      password: "ghp_readpackages",
    });
    assert.equal(digest, DIGEST);
    assert.ok(
      seen.some((s) =>
        s.startsWith("GET /token?service=ghcr.io&scope=repository%3Asurlefeu%2Fapp%3Apull Basic "),
      ),
    );
  });

  it("fails naming the image and tag when the token endpoint refuses the credentials", async () => {
    await assert.rejects(
      resolveTag({ registryUrl: base, name: "surlefeu/app" }, "prod", { username: "x", password: "wrong" }),
      /registry token endpoint .*\/token answered 401/,
    );
  });

  it("fails naming the image when the tag does not exist", async () => {
    await assert.rejects(
      resolveTag({ registryUrl: base, name: "surlefeu/app" }, "nope", {
        username: "surlefeu",
        password: "ghp_readpackages",
      }),
      /surlefeu\/app:nope does not exist/,
    );
  });

  it("parses a challenge and refuses one that is not Bearer", () => {
    assert.deepEqual(parseBearerChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io"'), {
      realm: "https://ghcr.io/token",
      service: "ghcr.io",
    });
    assert.equal(parseBearerChallenge('Basic realm="x"'), undefined);
  });
});
