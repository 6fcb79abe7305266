/**
 * ART: artifacts, build once, promote many. Source: CONST "Build Once, Promote Many"; F6 "Pipeline Guarantees";
 * LANES 4-6. Catalogue: shared/policy-catalogue.md "ART".
 */
import { arr, get, parseJsonProp, str } from "../lib/props";
import { defineRule, Res, Rule, stringList } from "../lib/rule";
import { T } from "../lib/tokens";
import { DIGEST_REF_PATTERN, imageRepository } from "../lib/facts";
import { PRODUCTION_ENV } from "../lib/settings";
import { stackEnvironmentsOrName } from "../lib/stack";
import { judgedAlone } from "../lib/standalone";

/** `repo@sha256:<64 hex>`. */

/** Images of the containers of a task definition (parsed `containerDefinitions`). */
export function containerImages(td: Res): string[] {
  return arr(parseJsonProp(td.props, "containerDefinitions")).map((c) => String(get(c, "image") ?? ""));
}

export const ART_01 = defineRule({
  id: "CC-ART-01",
  slug: "image-tagged-with-git-sha",
  section: "ART",
  title: "every built image is tagged with the full 40-character git SHA, and never only with `latest`",
  description: "Every image the stack builds has a tag that is a full 40-character git commit SHA.",
  source: 'CONST "Build Once, Promote Many"; F6 "Image tagging"',
  remediation:
    "Tag the image ghcr.io/OWNER/APP:<GITHUB_SHA> (full 40 hex characters); moving aliases such as :staging are separate Index resources.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.image],
  configKeys: ["image"],
  checkResource(r, _ctx, out) {
    const tags = arr(r.props.tags).map(String);
    const sha = tags.filter((t) => /:[0-9a-f]{40}$/.test(t));
    if (sha.length) return out.pass(r, `tagged ${sha.join(", ")}`);
    const latest = tags.some((t) => /:latest$/.test(t) || !/:[^/]+$/.test(t));
    out.fail(r, `no full git SHA tag among [${tags.join(", ")}]${latest ? " (only latest)" : ""}`);
  },
});

/** OCI labels and build args of provenance (F6 "Build metadata"). */
export const PROVENANCE_LABELS = [
  "org.opencontainers.image.revision",
  "org.opencontainers.image.created",
  "org.opencontainers.image.source",
];
export const PROVENANCE_ARGS = ["BUILD_SHA", "BUILD_DATE", "BUILD_ACTOR"];

export const ART_02 = defineRule({
  id: "CC-ART-02",
  slug: "image-provenance",
  section: "ART",
  title:
    "every built image carries provenance: OCI labels `org.opencontainers.image.revision`, `.created`, `.source`, and build args `BUILD_SHA`, `BUILD_DATE`, `BUILD_ACTOR`",
  description:
    "Every built image sets the OCI revision, created and source labels and the BUILD_SHA, BUILD_DATE, BUILD_ACTOR build args.",
  source: 'F6 "Build metadata"; CONST "Build Once, Promote Many"',
  remediation:
    "Set labels { org.opencontainers.image.revision, .created, .source } and buildArgs { BUILD_SHA, BUILD_DATE, BUILD_ACTOR } on the Image, from the commit, the build time and the actor.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.image],
  configKeys: ["image"],
  checkResource(r, _ctx, out) {
    const labels = (r.props.labels ?? {}) as Record<string, unknown>;
    const args = (r.props.buildArgs ?? {}) as Record<string, unknown>;
    const missing = [
      ...PROVENANCE_LABELS.filter((k) => !str(labels[k])).map((k) => `label ${k}`),
      ...PROVENANCE_ARGS.filter((k) => !str(args[k])).map((k) => `build arg ${k}`),
    ];
    if (missing.length) out.fail(r, `missing ${missing.join(", ")}`);
    else
      out.pass(
        r,
        `revision ${str(labels["org.opencontainers.image.revision"])}, labels and build args present`,
      );
  },
});

export const ART_03 = defineRule({
  id: "CC-ART-03",
  slug: "images-on-ghcr",
  section: "ART",
  title: "images are published to GHCR (`ghcr.io/OWNER/...`)",
  description: "Every image tag and alias the stack publishes is in the GitHub Container Registry.",
  source: 'CONST "Build Once, Promote Many"; LANES 4',
  remediation: "Tag images ghcr.io/OWNER/APP:... and push with a GHCR registry login.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.image, T.index],
  configKeys: ["image.repository", "image"],
  configurable: {
    registry: {
      tightens: "fixed",
      type: "string",
      description: "Registry host images must be published to.",
      default: "ghcr.io",
    },
  },
  checkResource(r, ctx, out) {
    // What the resource publishes (an Image's tags, an Index's one tag), and what an Index copies from.
    const tag = str(r.props.tag);
    const published = r.type === T.image ? arr(r.props.tags).map(String) : tag ? [tag] : [];
    const refs = [...published, ...(r.type === T.index ? arr(r.props.sources).map(String) : [])];
    const prefix = `${ctx.cfg.registry}/`;
    const bad = refs.filter((t) => !t.startsWith(prefix) || t.slice(prefix.length).split("/").length < 2);
    const problems = [
      ...(published.length === 0 ? ["publishes no tag"] : []),
      ...(bad.length ? [`not in ${prefix}OWNER/...: ${bad.join(", ")}`] : []),
    ];
    if (problems.length) out.fail(r, problems.join("; "));
    else
      out.pass(
        r,
        `published to ${refs
          .map(imageRepository)
          .filter((v, i, a) => a.indexOf(v) === i)
          .join(", ")}`,
      );
  },
});

export const ART_04 = defineRule({
  id: "CC-ART-04",
  slug: "multi-arch-images",
  section: "ART",
  title: "images are built for `linux/amd64` and `linux/arm64`",
  description: "Every built image targets each configured platform.",
  source: 'LANES "4. `staging` Pipeline (Supply-Chain Owner)"',
  remediation: "Set platforms: ['linux/amd64', 'linux/arm64'] on the Image.",
  enforcementLevel: "advisory",
  kind: "resource",
  appliesTo: [T.image],
  configKeys: ["image.platforms", "image"],
  configurable: {
    platforms: stringList("Platforms every image is built for.", ["linux/amd64", "linux/arm64"]),
  },
  checkResource(r, ctx, out) {
    const have = arr(r.props.platforms).map(String);
    const missing = arr(ctx.cfg.platforms)
      .map(String)
      .filter((p) => !have.includes(p));
    if (missing.length) out.fail(r, `not built for ${missing.join(", ")} (platforms: [${have.join(", ")}])`);
    else out.pass(r, `built for ${have.join(", ")}`);
  },
});

export const ART_05 = defineRule({
  id: "CC-ART-05",
  slug: "production-builds-nothing",
  section: "ART",
  title: "the production stack builds no image: it promotes one that staging built",
  description:
    "A stack whose resources are tagged with the production environment contains no image build; a stack none of whose resources carries an environment (another program's) is judged on its own by the stack name in its URNs.",
  source: 'CONST "Build Once, Promote Many"; F6 "Pipeline Guarantees"',
  remediation:
    "Remove the Image from production; pin the digest staging built (image.digest) and point the :prod alias (docker-build Index) at it.",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.image],
  configKeys: ["image"],
  configurable: { ...PRODUCTION_ENV },
  checkStack(resources, ctx, out) {
    const prodEnv = String(ctx.cfg.productionEnvironment);
    const { envs, fromStack } = stackEnvironmentsOrName(resources);
    if (!envs.has(prodEnv))
      return out.na(null, `not a ${prodEnv} stack (no resource tagged environment=${prodEnv})`);
    const note = fromStack ? `${judgedAlone(`no environment tag, the stack's name is ${prodEnv}`)}; ` : "";
    const images = resources.filter((r) => r.type === T.image);
    for (const i of images)
      out.fail(
        i,
        `${note}the ${prodEnv} stack builds image ${arr(i.props.tags).join(", ") || i.name}; promote staging's digest instead`,
      );
    if (images.length === 0) out.pass(null, `the ${prodEnv} stack builds no image`);
  },
});

export const ART_06 = defineRule({
  id: "CC-ART-06",
  slug: "run-by-digest",
  section: "ART",
  title: "every runtime runs its image by digest (`@sha256:` + 64 hex), never by tag",
  description: "Every container of every task definition references its image by sha256 digest.",
  source: 'CONST "Build Once, Promote Many"; LANES 6',
  remediation:
    "Set the container image to ghcr.io/OWNER/APP@sha256:<digest> (the Image's digest in staging, the pinned digest in production).",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.taskDefinition],
  configKeys: ["image.digest", "image"],
  checkResource(r, _ctx, out) {
    const images = containerImages(r);
    const bad = images.filter((i) => !DIGEST_REF_PATTERN.test(i));
    if (images.length === 0) out.fail(r, "no container image");
    else if (bad.length) out.fail(r, `image(s) not pinned by digest: ${bad.join(", ")}`);
    else out.pass(r, `runs ${images.join(", ")}`);
  },
});

export const ART_07 = defineRule({
  id: "CC-ART-07",
  slug: "alias-points-at-running-digest",
  section: "ART",
  title:
    "the moving alias of an environment (`:staging`, `:prod`) points at the digest that environment runs",
  description:
    "Each environment alias (docker-build Index) has a single source, the digest the stack's task definitions run for that repository. An alias whose repository no task definition of the stack runs is judged on its own: it fails unless it has a single source pinned by digest, and is otherwise not applicable (whether that digest runs cannot be shown).",
  source: 'F6 "Image tagging"; LANES 6',
  remediation:
    "Point the Index's sources at exactly the digest the ECS task definition runs (ghcr.io/OWNER/APP@sha256:...).",
  enforcementLevel: "mandatory",
  kind: "stack",
  appliesTo: [T.index, T.taskDefinition],
  configKeys: ["image.digest", "image"],
  configurable: {
    aliases: stringList("Alias tags that name an environment's running image.", [
      "staging",
      "prod",
      "production",
    ]),
  },
  checkStack(resources, ctx, out) {
    const aliases = arr(ctx.cfg.aliases).map(String);
    const running = new Map<string, Set<string>>();
    for (const td of resources.filter((r) => r.type === T.taskDefinition)) {
      try {
        for (const img of containerImages(td)) {
          const m = DIGEST_REF_PATTERN.exec(img);
          if (m) running.set(m[1], (running.get(m[1]) ?? new Set()).add(m[2]));
        }
      } catch {
        // unknown or unreadable: this task definition is no evidence (CC-ART-06 reports it)
      }
    }
    for (const ix of resources.filter((r) => r.type === T.index)) {
      out.guard(ix, () => {
        const tag = str(ix.props.tag);
        if (!tag)
          return out.na(ix, "the Index has no tag, so it is no environment alias (CC-ART-03 fails it)");
        const alias = tag.slice(tag.lastIndexOf(":") + 1);
        if (!aliases.includes(alias)) return out.na(ix, `${tag} is not an environment alias`);
        const repo = imageRepository(tag);
        const digests = running.get(repo);
        const note = digests ? "" : `${judgedAlone(`no task definition of this stack runs ${repo}`)}; `;
        const sources = arr(ix.props.sources).map(String);
        const pointed = sources.map((s) => DIGEST_REF_PATTERN.exec(s)?.[2]);
        if (sources.length !== 1 || !pointed[0])
          return out.fail(
            ix,
            `${note}${tag} must have exactly one source pinned by digest, has [${sources.join(", ")}]`,
          );
        if (!digests)
          return out.na(ix, `${note}whether ${tag} -> ${pointed[0]} is the running digest cannot be shown`);
        if (!digests.has(pointed[0]))
          return out.fail(ix, `${tag} points at ${pointed[0]} but the stack runs ${[...digests].join(", ")}`);
        out.pass(ix, `${tag} -> ${pointed[0]}, the digest this environment runs`);
      });
    }
  },
});

/** The ART rules, in catalogue order. */
/** A git build context on GitHub: `https://github.com/OWNER/REPO(.git)#<40 hex>(:DIR)`. */
export const GIT_CONTEXT_RE =
  /^https:\/\/github\.com\/([^/\s]+)\/([^/#\s]+?)(?:\.git)?#([0-9a-f]{40})(?::(\S+))?$/;

export const ART_08 = defineRule({
  id: "CC-ART-08",
  slug: "built-from-app-source",
  section: "ART",
  title:
    "an image the program builds is built from its application's own source at the application's commit (the build context is that repository at the 40-hex SHA that tags the image), never from the infrastructure repository's checkout",
  description:
    "Every built image's context is a GitHub repository at a full commit SHA, the same SHA that tags and labels the image, and not the infrastructure repository.",
  source: 'CONST "Build Once, Promote Many"; LANES "4. `staging` Pipeline (Supply-Chain Owner)"',
  remediation:
    "Set context.location to https://github.com/OWNER/APP.git#<the app's 40-hex commit> (with :DIR for a subdirectory), tag the image with that commit and label org.opencontainers.image.revision/.source with it and the app's repository.",
  enforcementLevel: "mandatory",
  kind: "resource",
  appliesTo: [T.image],
  configKeys: [],
  configurable: {
    infrastructureRepository: {
      tightens: "fixed",
      type: "string",
      description: "This repository's name: never a build context.",
      default: "cicd-constitution",
    },
  },
  checkResource(r, ctx, out) {
    const location = str(get(r.props, "context.location"));
    const m = location ? GIT_CONTEXT_RE.exec(location) : null;
    if (!m)
      return out.fail(
        r,
        `build context ${JSON.stringify(location ?? null)} is not an app repository at a commit (a local path is this repository's checkout)`,
      );
    const [, owner, repo, sha] = m;
    const problems: string[] = [];
    if (repo === ctx.cfg.infrastructureRepository)
      problems.push(`the context is the infrastructure repository ${owner}/${repo}`);
    // A tag naming another commit means the image is not that commit's code (a missing SHA tag is CC-ART-01's).
    const other = arr(r.props.tags)
      .map(String)
      .filter((t) => /:[0-9a-f]{40}$/.test(t) && !t.endsWith(`:${sha}`));
    if (other.length)
      problems.push(`tags ${JSON.stringify(other)} name another commit than the context's ${sha}`);
    const labels = (get(r.props, "labels") ?? {}) as Record<string, unknown>;
    if (labels["org.opencontainers.image.revision"] !== sha)
      problems.push(
        `label revision ${JSON.stringify(labels["org.opencontainers.image.revision"] ?? null)} is not ${sha}`,
      );
    const source = `https://github.com/${owner}/${repo}`;
    if (labels["org.opencontainers.image.source"] !== source)
      problems.push(
        `label source ${JSON.stringify(labels["org.opencontainers.image.source"] ?? null)} is not ${source}`,
      );
    if (problems.length) out.fail(r, problems.join("; "));
    else out.pass(r, `built from ${owner}/${repo} at ${sha}`);
  },
});

export const artifactRules: Rule[] = [ART_01, ART_02, ART_03, ART_04, ART_05, ART_06, ART_07, ART_08];
