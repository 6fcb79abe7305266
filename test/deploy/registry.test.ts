/**
 * The registry client's token authentication (Docker "Token Authentication Specification", as GHCR uses it): a
 * 401 challenge, a token from the realm with the basic credentials, the manifest asked again with the token.
 */
import { strict as assert } from "node:assert";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { locate, parseBearerChallenge, resolveTag } from "../../src/deploy/registry";

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

/**
 * A registry whose answers a test scripts: `/v2/...` answers `manifest(req)`, the token realm `/token` answers
 * `token(req)`; every request is kept as `METHOD path?query authorization`.
 */
/** An answer of the manifest endpoint. */
type Answer = { status: number; headers?: Record<string, string> };

async function scriptedRegistry(script: {
  manifest: (authorization: string | undefined) => Answer;
  token?: () => { status: number; body?: unknown };
}) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    seen.push(`${req.method} ${url.pathname}${url.search} ${req.headers.authorization ?? "-"}`);
    if (url.pathname === "/token" && script.token) {
      const { status, body } = script.token();
      return void res
        .writeHead(status, { "content-type": "application/json" })
        .end(JSON.stringify(body ?? {}));
    }
    const { status, headers } = script.manifest(req.headers.authorization);
    res.writeHead(status, headers).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("registry client: what the registry may answer", () => {
  const image = (base: string) => ({ registryUrl: `${base}//`, name: "surlefeu/app" });
  /** A registry that challenges `challenge` (realm: its own /token) until asked with `Bearer t0k`. */
  const challenging = (challenge: string, token: () => { status: number; body?: unknown }) => {
    let base = "";
    const started = scriptedRegistry({
      manifest: (auth): Answer =>
        auth === "Bearer t0k"
          ? { status: 200, headers: { "docker-content-digest": DIGEST } }
          : { status: 401, headers: { "www-authenticate": challenge.replace("REALM", `${base}/token`) } },
      token,
    });
    return started.then((r) => ((base = r.base), r));
  };

  it("asks for a pull token of the repository, anonymously, when the challenge names no scope or service", async () => {
    const reg = await challenging('Bearer realm="REALM"', () => ({
      status: 200,
      body: { access_token: "t0k" },
    }));
    try {
      assert.equal(await resolveTag(image(reg.base), "prod"), DIGEST);
      assert.deepEqual(reg.seen, [
        "HEAD /v2/surlefeu/app/manifests/prod -",
        "GET /token?scope=repository%3Asurlefeu%2Fapp%3Apull -",
        "HEAD /v2/surlefeu/app/manifests/prod Bearer t0k",
      ]);
    } finally {
      await reg.close();
    }
  });

  it("fails when the token endpoint answers without a token", async () => {
    const reg = await challenging('Bearer realm="REALM"', () => ({ status: 200, body: {} }));
    try {
      await assert.rejects(resolveTag(image(reg.base), "prod"), {
        message: `registry token endpoint ${reg.base}/token returned no token`,
      });
    } finally {
      await reg.close();
    }
  });

  const refusals: Array<[string, Answer, string]> = [
    [
      "a 401 without a Bearer challenge",
      { status: 401, headers: { "www-authenticate": 'Basic realm="x"' } },
      "surlefeu/app:prod: the registry wants credentials it does not describe",
    ],
    [
      "a 401 without WWW-Authenticate",
      { status: 401 },
      "surlefeu/app:prod: the registry wants credentials it does not describe",
    ],
    ["a 500", { status: 500 }, "surlefeu/app:prod: the registry answered 500"],
    [
      "a 200 without Docker-Content-Digest",
      { status: 200 },
      "surlefeu/app:prod: the registry answered no Docker-Content-Digest",
    ],
    [
      "a 200 whose digest is not sha256",
      { status: 200, headers: { "docker-content-digest": "md5:abc" } },
      "surlefeu/app:prod: the registry answered no Docker-Content-Digest",
    ],
  ];
  for (const [name, answer, message] of refusals)
    it(`fails naming the image and tag on ${name}`, async () => {
      const reg = await scriptedRegistry({ manifest: () => answer });
      try {
        await assert.rejects(resolveTag(image(reg.base), "prod"), { message });
      } finally {
        await reg.close();
      }
    });

  it("a tag that does not exist names the registry as given", async () => {
    const reg = await scriptedRegistry({ manifest: () => ({ status: 404 }) });
    try {
      await assert.rejects(resolveTag(image(reg.base), "prod"), {
        message: `surlefeu/app:prod does not exist in ${reg.base}//`,
      });
    } finally {
      await reg.close();
    }
  });

  it("parses a challenge with surrounding spaces, and refuses text before Bearer or a challenge without realm", () => {
    assert.deepEqual(
      parseBearerChallenge('  Bearer realm="https://ghcr.io/token",scope="repository:a/b:pull"  '),
      {
        realm: "https://ghcr.io/token",
        scope: "repository:a/b:pull",
      },
    );
    assert.equal(parseBearerChallenge('xBearer realm="https://ghcr.io/token"'), undefined);
    assert.equal(parseBearerChallenge('Bearer service="ghcr.io"'), undefined);
  });

  it("locates ghcr.io/OWNER/NAME over https, or at the registry URL given", () => {
    assert.deepEqual(locate("ghcr.io/surlefeu/erp-berhan"), {
      registryUrl: "https://ghcr.io",
      name: "surlefeu/erp-berhan",
    });
    assert.deepEqual(locate("ghcr.io/surlefeu/erp-berhan", "http://127.0.0.1:5000"), {
      registryUrl: "http://127.0.0.1:5000",
      name: "surlefeu/erp-berhan",
    });
  });
});
