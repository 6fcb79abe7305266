import { strict as assert } from "node:assert";
import { ContainerImage, GIT_AUTH_SECRET } from "../../components/ContainerImage";
import { mockDigest } from "../../src/offline/mocks";
import { one, register } from "../helpers";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const BUILD = { gitSha: SHA, date: "2026-11-20T10:00:00Z", actor: "dev1" };
const common = {
  repository: "ghcr.io/acme/shop",
  sourceUrl: "https://github.com/acme/shop",
  registryUser: "acme",
  registryToken: "ghp-registry-token",
};

/**
 * A BuildKit git context read as BuildKit reads it (Docker docs, "Build context: Git repositories"): the URL, then
 * after `#` the ref and, after the first `:`, the subdirectory.
 */
function gitContextParts(location: string): { repository: string; ref: string; subdir?: string } {
  const [repository, fragment = ""] = location.split("#");
  const [ref, ...subdir] = fragment.split(":");
  return { repository, ref, subdir: subdir.length ? subdir.join(":") : undefined };
}

describe("ContainerImage", () => {
  it("staging builds once: multi-arch, full-SHA tag, OCI provenance labels, BUILD_* args, pushed to GHCR", async () => {
    const rs = await register(
      () =>
        new ContainerImage("shop-staging-image", {
          ...common,
          environment: "staging",
          build: BUILD,
        }),
    );
    const image = one(rs, "docker-build:index:Image");
    assert.deepEqual(image.inputs.tags, [`ghcr.io/acme/shop:${SHA}`]);
    assert.deepEqual(image.inputs.platforms, ["linux/amd64", "linux/arm64"]);
    assert.equal(image.inputs.push, true);
    assert.equal(image.inputs.buildOnPreview, false, "previews never build or push");
    assert.deepEqual(image.inputs.buildArgs, {
      BUILD_SHA: SHA,
      BUILD_DATE: "2026-11-20T10:00:00Z",
      BUILD_ACTOR: "dev1",
    });
    const labels = image.inputs.labels as Record<string, string>;
    assert.equal(labels["org.opencontainers.image.revision"], SHA);
    assert.equal(labels["org.opencontainers.image.created"], "2026-11-20T10:00:00Z");
    assert.equal(labels["org.opencontainers.image.source"], "https://github.com/acme/shop");
    const registries = image.inputs.registries as Array<Record<string, unknown>>;
    assert.equal(registries[0].address, "ghcr.io");
    assert.equal(registries[0].password, "[secret]");
    // Built from the app's repository at that commit, the repository's root as context (BuildKit git context).
    assert.deepEqual(gitContextParts((image.inputs.context as any).location), {
      repository: "https://github.com/acme/shop.git",
      ref: SHA,
      subdir: undefined,
    });
    // One registry cache per app, read and written, under a tag of its own: never a release's SHA tag or an alias.
    const [from] = image.inputs.cacheFrom as any[];
    const [to] = image.inputs.cacheTo as any[];
    assert.equal(from.registry.ref, to.registry.ref);
    const [repository, tag] = String(to.registry.ref).split(/:(?=[^:/]+$)/);
    assert.equal(repository, "ghcr.io/acme/shop");
    assert.ok(!/^[0-9a-f]{40}$/.test(tag) && !["staging", "prod"].includes(tag), tag);
  });

  it("builds an app whose Dockerfile is in a subdirectory from that directory of its repository", async () => {
    const rs = await register(
      () =>
        new ContainerImage("shop-staging-image", {
          ...common,
          environment: "staging",
          build: { ...BUILD, context: "services/api" },
        }),
    );
    assert.deepEqual(gitContextParts((one(rs, "docker-build:index:Image").inputs.context as any).location), {
      repository: "https://github.com/acme/shop.git",
      ref: SHA,
      subdir: "services/api",
    });
  });

  it("a private source's token is a build secret left out of the diff, so rotating it rebuilds nothing", async () => {
    const rs = await register(
      () =>
        new ContainerImage("shop-staging-image", {
          ...common,
          environment: "staging",
          build: { ...BUILD, sourceToken: "ghp-source-token" },
        }),
    );
    const image = one(rs, "docker-build:index:Image");
    assert.equal(image.inputs.secrets, "[secret]", "the build secrets are recorded as a Pulumi secret");
    assert.deepEqual(image.inputs.ignoreSecretsInDiffCalculation, [GIT_AUTH_SECRET]);
  });

  it("labels the image with the app's release version when the build names one", async () => {
    const rs = await register(
      () =>
        new ContainerImage("shop-staging-image", {
          ...common,
          environment: "staging",
          build: { ...BUILD, version: "mvp-1.4.0" },
        }),
    );
    const labels = one(rs, "docker-build:index:Image").inputs.labels as Record<string, string>;
    assert.equal(labels["org.opencontainers.image.version"], "mvp-1.4.0");
  });

  it("staging points :staging at the digest the build produced", async () => {
    const rs = await register(
      () =>
        new ContainerImage("shop-staging-image", {
          ...common,
          environment: "staging",
          build: BUILD,
        }),
    );
    const alias = one(rs, "docker-build:index:Index");
    assert.equal(alias.inputs.tag, "ghcr.io/acme/shop:staging");
    assert.equal(alias.inputs.push, true, "the alias is pushed to GHCR, where deploys and rollbacks read it");
    assert.deepEqual(alias.inputs.sources, [`ghcr.io/acme/shop@${mockDigest(`ghcr.io/acme/shop:${SHA}`)}`]);
  });

  it("production builds nothing and points :prod at the promoted digest", async () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    const rs = await register(
      () =>
        new ContainerImage("shop-production-image", {
          ...common,
          environment: "production",
          promoteDigest: digest,
        }),
      {
        stack: "production",
      },
    );
    assert.equal(rs.filter((r) => r.type === "docker-build:index:Image").length, 0);
    const alias = one(rs, "docker-build:index:Index");
    assert.equal(alias.inputs.tag, "ghcr.io/acme/shop:prod");
    assert.deepEqual(alias.inputs.sources, [`ghcr.io/acme/shop@${digest}`]);
  });

  it("a pinned digest runs instead of the build's, the build registered as it is; without a build it is refused", async () => {
    const pinned = `sha256:${"b".repeat(64)}`;
    const image = new ContainerImage("pin", {
      ...common,
      environment: "staging",
      build: { gitSha: SHA, date: "2026-11-20T09:30:00Z", actor: "a" },
      pinnedDigest: pinned,
    });
    assert.ok(image.image, "the build stays registered");
    assert.equal(await new Promise((r) => image.imageRef.apply(r)), `ghcr.io/acme/shop@${pinned}`);
    assert.throws(
      () =>
        new ContainerImage("pin-alone", {
          ...common,
          environment: "staging",
          pinnedDigest: pinned,
          promoteDigest: pinned,
        }),
      /pinnedDigest pins a staging build's digest; give build too/,
    );
  });

  it("rejects both or neither of build and promoteDigest, and non-GHCR repositories", () => {
    assert.throws(
      () => new ContainerImage("a", { ...common, environment: "production" }),
      /exactly one of build/,
    );
    assert.throws(
      () =>
        new ContainerImage("b", {
          ...common,
          environment: "staging",
          promoteDigest: "sha256:x",
          build: { gitSha: SHA, date: "d", actor: "a" },
        }),
      /exactly one of build/,
    );
    assert.throws(
      () =>
        new ContainerImage("c", {
          ...common,
          repository: "docker.io/acme/shop",
          environment: "production",
          promoteDigest: "sha256:x",
        }),
      /must be on GHCR/,
    );
  });
});
