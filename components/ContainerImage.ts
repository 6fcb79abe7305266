import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { aliasTag } from "./naming";
import { withDefaults } from "./util";

/** The GHCR registry address. */
export const GHCR = "ghcr.io";

/** Build inputs of a staging image: the app's commit, when it was merged and by whom (F6 "Build metadata"). */
export interface BuildProvenance {
  /** Full 40-character git SHA of the app's own repository: the image tag (CC-ART-01) and the build's source. */
  gitSha: string;
  /** Merge time of that commit, ISO 8601 UTC. Fixed per commit, so a rebuild gives the same labels. */
  date: string;
  /** GitHub login (or bot login) that merged it. */
  actor: string;
  /** The app's release of that commit (`mvp-X.Y.Z`): the `org.opencontainers.image.version` label. Default: none. */
  version?: string;
}

/**
 * The build context of an app: its repository at the commit, `https://github.com/OWNER/REPO.git#SHA` (plus
 * `:DIR` for a subdirectory). A BuildKit git context (Docker docs, "Build context: Git repositories").
 */
export function gitContext(sourceUrl: string, gitSha: string, directory = "."): string {
  return `${sourceUrl}.git#${gitSha}${directory === "." ? "" : `:${directory}`}`;
}

/** The BuildKit secret id that authenticates git contexts on github.com (Docker docs, "Git authentication"). */
export const GIT_AUTH_SECRET = "GIT_AUTH_TOKEN.github.com";

/**
 * Arguments of {@link ContainerImage}. Exactly one of `build` (staging: build once) and `promoteDigest`
 * (production: promote what staging built) is given.
 * Source: CONST "Build Once, Promote Many"; F6 "Pipeline Guarantees", "Rollback Strategy"; LANES 4-6.
 */
export interface ContainerImageArgs {
  /** GHCR repository without tag, `ghcr.io/OWNER/NAME`. */
  repository: string;
  /** Source repository URL for the `org.opencontainers.image.source` label. */
  sourceUrl: string;
  /** Environment whose moving alias this component points (`staging` -> `:staging`, `production` -> `:prod`). */
  environment: "staging" | "production";
  /**
   * Staging: build the app's commit from its own repository (`sourceUrl` at `gitSha`: CC-ART-08). Mutually
   * exclusive with `promoteDigest`.
   */
  build?: BuildProvenance & {
    /** Directory of the app repository that is the context, its `Dockerfile` at its root. Default: `.`. */
    context?: string;
    /** Target platforms. Default: `linux/amd64`, `linux/arm64` (CC-ART-04). */
    platforms?: string[];
    /** Token that reads a private app repository (BuildKit secret `GIT_AUTH_TOKEN.github.com`). Default: none. */
    sourceToken?: pulumi.Input<string>;
  };
  /** Production: the digest to run, `sha256:<64 hex>`, as staging built it. Rollback = a previous digest. */
  promoteDigest?: pulumi.Input<string>;
  /**
   * Staging rolled back (`cicd rollback --stack staging`): the digest to run instead of the build's, one staging ran
   * before. With `build` only: the build stays registered, unchanged, so rolling forward to the same commit
   * rebuilds nothing (build once). Default: none, the build's digest runs.
   */
  pinnedDigest?: pulumi.Input<string>;
  /** GHCR credentials: user and a token with `packages: write` (a Pulumi secret). */
  registryUser: string;
  registryToken: pulumi.Input<string>;
}

/** Defaults of a build, written once. */
export const containerImageDefaults = {
  context: ".",
  platforms: ["linux/amd64", "linux/arm64"],
};

/** The registry cache of an app's builds, beside its images: `ghcr.io/OWNER/NAME:buildcache`. */
export function buildCacheRef(repository: string): string {
  return `${repository}:buildcache`;
}

/**
 * An immutable image by digest: in staging it is built once per commit (multi-arch, tagged with the full git
 * SHA, OCI provenance labels, `BUILD_*` build args) and pushed to GHCR; in production nothing is built and
 * the digest staging produced is promoted; a rolled-back staging keeps its build registered, unchanged, and runs
 * the pinned digest of an earlier release. Either way the environment's moving alias (`:staging`/`:prod`) is an
 * index pointed at the digest that runs, so rollback is re-pointing the alias to a previous digest.
 *
 * @throws Error when both or neither of `build` and `promoteDigest` are given, `pinnedDigest` comes without `build`,
 *   or the repository is not GHCR.
 */
export class ContainerImage extends pulumi.ComponentResource {
  /** Image reference by digest: `ghcr.io/OWNER/NAME@sha256:...`. */
  readonly imageRef: pulumi.Output<string>;
  /** The digest, `sha256:...`. */
  readonly digest: pulumi.Output<string>;
  /** The moving alias tag reference, `ghcr.io/OWNER/NAME:staging|prod`. */
  readonly aliasRef: pulumi.Output<string>;
  /** The built image (staging only). */
  readonly image?: dockerBuild.Image;

  constructor(name: string, args: ContainerImageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Arguments are checked before anything is registered.
    checkContainerImageArgs(name, args);
    const registry = {
      address: GHCR,
      username: args.registryUser,
      password: pulumi.secret(args.registryToken),
    };
    super("cicd-constitution:image:ContainerImage", name, {}, opts);

    if (args.build) {
      this.image = buildImage(name, args, args.build, registry, this);
      this.digest = args.pinnedDigest ? pulumi.output(args.pinnedDigest) : this.image.digest;
    } else {
      this.digest = pulumi.output(args.promoteDigest!);
    }
    this.imageRef = pulumi.interpolate`${args.repository}@${this.digest}`;

    const alias = new dockerBuild.Index(
      `${name}-alias`,
      {
        tag: `${args.repository}:${aliasTag(args.environment)}`,
        sources: [this.imageRef],
        push: true,
        registry,
      },
      { parent: this },
    );
    this.aliasRef = alias.ref;

    this.registerOutputs({ imageRef: this.imageRef, digest: this.digest, aliasRef: this.aliasRef });
  }
}

/**
 * Checks the arguments of a {@link ContainerImage}.
 *
 * @throws Error when both or neither of `build` and `promoteDigest` are given, `pinnedDigest` comes without
 *   `build`, or the repository is not GHCR.
 */
function checkContainerImageArgs(name: string, args: ContainerImageArgs): void {
  if (!!args.build === (args.promoteDigest !== undefined)) {
    throw new Error(
      `ContainerImage ${name}: give exactly one of build (staging) and promoteDigest (production)`,
    );
  }
  if (args.pinnedDigest !== undefined && !args.build)
    throw new Error(`ContainerImage ${name}: pinnedDigest pins a staging build's digest; give build too`);
  if (!args.repository.startsWith(`${GHCR}/`)) {
    throw new Error(
      `ContainerImage ${name}: repository must be on GHCR (${GHCR}/OWNER/NAME), got ${args.repository}`,
    );
  }
}

/**
 * The staging build of a {@link ContainerImage}: the app's commit built from its own repository for every
 * platform, tagged with the full git SHA, labelled and given `BUILD_*` args from its provenance, pushed to GHCR
 * with `registry` and cached there beside the images.
 */
function buildImage(
  name: string,
  args: ContainerImageArgs,
  build: NonNullable<ContainerImageArgs["build"]>,
  registry: dockerBuild.types.input.RegistryArgs,
  parent: ContainerImage,
): dockerBuild.Image {
  const b = withDefaults(containerImageDefaults, build);
  return new dockerBuild.Image(
    `${name}-build`,
    {
      // The app's own repository at its commit; the Dockerfile is the one at the context's root.
      context: { location: gitContext(args.sourceUrl, b.gitSha, b.context) },
      // A rotated source token is not a new build: docker-build leaves the named secret out of its diff.
      ...(b.sourceToken
        ? {
            secrets: { [GIT_AUTH_SECRET]: pulumi.secret(b.sourceToken) },
            ignoreSecretsInDiffCalculation: [GIT_AUTH_SECRET],
          }
        : {}),
      platforms: b.platforms as dockerBuild.Platform[],
      // Registry cache (needs a docker-container builder: main.yml sets up buildx and QEMU).
      cacheFrom: [{ registry: { ref: buildCacheRef(args.repository) } }],
      cacheTo: [
        {
          registry: {
            ref: buildCacheRef(args.repository),
            mode: dockerBuild.CacheMode.Max,
            imageManifest: true,
            ociMediaTypes: true,
          },
        },
      ],
      push: true,
      // A preview (every pull request's) never builds or pushes; only `pulumi up` does.
      buildOnPreview: false,
      tags: [`${args.repository}:${b.gitSha}`],
      labels: {
        "org.opencontainers.image.revision": b.gitSha,
        "org.opencontainers.image.created": b.date,
        "org.opencontainers.image.source": args.sourceUrl,
        "org.opencontainers.image.authors": b.actor,
        ...(b.version ? { "org.opencontainers.image.version": b.version } : {}),
      },
      buildArgs: { BUILD_SHA: b.gitSha, BUILD_DATE: b.date, BUILD_ACTOR: b.actor },
      registries: [registry],
    },
    { parent },
  );
}
