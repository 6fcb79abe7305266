/** What a stack's resources say about the stack as a whole: its environments, and image repositories. */
import { environmentOf } from "./props";
import type { Res } from "./rule";
import { T } from "./tokens";

/** Repository part of an image reference (`ghcr.io/o/app:tag` or `...@sha256:...` -> `ghcr.io/o/app`). */
export function repositoryOf(ref: string): string {
  const noDigest = ref.split("@")[0];
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** Environments the stack's resources declare (AWS `environment` tags, GitHub `environment` fields). */
export function stackEnvironments(resources: Res[]): Set<string> {
  const envs = new Set<string>();
  for (const r of resources) {
    if (r.type === T.stackReference) continue;
    try {
      const e = environmentOf(r);
      if (e) envs.add(e);
    } catch {
      // an unknown environment tag says nothing about the stack
    }
  }
  return envs;
}
