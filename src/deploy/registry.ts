/**
 * What a tag names in an OCI registry, through the distribution HTTP API v2 that GHCR speaks (OCI Distribution
 * Specification, "Pulling manifests"; Docker registry "Token Authentication Specification"): a `HEAD` of
 * `/v2/NAME/manifests/TAG` accepting image indexes and manifests, whose `Docker-Content-Digest` is the digest.
 * A `401` with `WWW-Authenticate: Bearer realm=...,service=...,scope=...` is answered by fetching a pull token
 * from the realm (with basic credentials when given, anonymously otherwise) and asking again.
 */
import { DIGEST_PATTERN } from "../../policy-pack/lib/facts";

/** Media types a multi-arch alias may be: OCI index and manifest, Docker manifest list and manifest v2. */
export const MANIFEST_MEDIA_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];

/** Where an image lives: `ghcr.io/OWNER/NAME` split for the API. */
export interface ImageLocation {
  /** Registry base URL, such as `https://ghcr.io`. */
  registryUrl: string;
  /** Repository name in the registry, such as `surlefeu/erp-berhan`. */
  name: string;
}

/** Basic credentials for the token endpoint (GHCR: a login and a token with `read:packages`). */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Parses `Bearer realm="...",service="...",scope="..."`. */
export function parseBearerChallenge(header: string): Record<string, string> | undefined {
  const m = /^Bearer\s+(.*)$/i.exec(header.trim());
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const part of m[1].matchAll(/([a-zA-Z]+)="([^"]*)"/g)) out[part[1]] = part[2];
  return out.realm ? out : undefined;
}

async function bearerToken(challenge: Record<string, string>, name: string, creds?: RegistryCredentials) {
  const url = new URL(challenge.realm);
  if (challenge.service) url.searchParams.set("service", challenge.service);
  url.searchParams.set("scope", challenge.scope ?? `repository:${name}:pull`);
  const headers: Record<string, string> = {};
  if (creds)
    headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`;
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`registry token endpoint ${url.origin}${url.pathname} answered ${res.status}`);
  const body = (await res.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new Error(`registry token endpoint ${url.origin}${url.pathname} returned no token`);
  return token;
}

/**
 * The digest a tag names now.
 *
 * @returns `sha256:<64 hex>`.
 * @throws Error naming the image and the tag when the registry does not know the tag, refuses the credentials,
 *   or answers without a `Docker-Content-Digest`.
 */
export async function resolveTag(
  image: ImageLocation,
  tag: string,
  creds?: RegistryCredentials,
): Promise<string> {
  const url = `${image.registryUrl.replace(/\/+$/, "")}/v2/${image.name}/manifests/${encodeURIComponent(tag)}`;
  const accept = MANIFEST_MEDIA_TYPES.join(", ");
  let res = await fetch(url, { method: "HEAD", headers: { accept } });
  if (res.status === 401) {
    const challenge = parseBearerChallenge(res.headers.get("www-authenticate") ?? "");
    if (!challenge)
      throw new Error(`${image.name}:${tag}: the registry wants credentials it does not describe`);
    const token = await bearerToken(challenge, image.name, creds);
    res = await fetch(url, { method: "HEAD", headers: { accept, authorization: `Bearer ${token}` } });
  }
  if (res.status === 404) throw new Error(`${image.name}:${tag} does not exist in ${image.registryUrl}`);
  if (!res.ok) throw new Error(`${image.name}:${tag}: the registry answered ${res.status}`);
  const digest = res.headers.get("docker-content-digest");
  if (!digest || !DIGEST_PATTERN.test(digest))
    throw new Error(`${image.name}:${tag}: the registry answered no Docker-Content-Digest`);
  return digest;
}

/** `ghcr.io/OWNER/NAME` as a registry URL and name (`https://` unless `registryUrl` overrides the host). */
export function locate(repository: string, registryUrl?: string): ImageLocation {
  const [host, ...rest] = repository.split("/");
  return { registryUrl: registryUrl ?? `https://${host}`, name: rest.join("/") };
}
