/**
 * What the predeploy tests and the end-to-end release test share: a production stack file with its secrets set,
 * the commits, digests and staging deployments the gates read, and the required checks green.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { requiredSecrets } from "../../src/config/secrets";
import { readStackFile } from "../../src/config/sources";
import { parseStackConfig } from "../../src/config/model";
import { ROOT } from "../helpers";

/** Sets every secret the production stack file at `file` requires (as `secure:` values, as `pulumi config set --secret` leaves them). */
export function setProductionSecrets(file: string): void {
  const source = readStackFile(file);
  const model = parseStackConfig("production", source.raw, { secretKeys: source.secretKeys });
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  for (const s of requiredSecrets(model, source)) {
    const [head, ...rest] = s.path.split(".");
    doc.setIn(["config", `cicd-constitution:${head}`, ...rest], { secure: "v1:bG9jYWwtdGVzdA==" });
  }
  fs.writeFileSync(file, doc.toString());
}

export const SHA = "c".repeat(40);
/** The head commit of the pull request whose squash merge is SHA. */
export const HEAD = "d".repeat(40);
export const DIGEST: Record<string, string> = {
  "erp-berhan": "sha256:e1db7ed9b791d429b65c423dd68ad538024b18e7929fad9301651f3753f5b56e",
  "menu-optimizer": "sha256:dcf134742ed584dd525403ddb3ab6505c051aabe486218db9768f72761dd21dd",
};
export const NOW = new Date("2026-12-01T12:00:00Z");

/** A production stack file with every required secret set (as `secure:` values) and the given overrides. */
export function productionDir(overrides: unknown[] = [], withSecrets = true): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "predeploy-"));
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const file = path.join(dir, "Pulumi.production.yaml");
  fs.copyFileSync(path.join(ROOT, "Pulumi.production.yaml"), file);
  if (withSecrets) setProductionSecrets(file);
  if (overrides.length) {
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    doc.setIn(["config", "cicd-constitution:predeploy", "overrides"], overrides);
    fs.writeFileSync(file, doc.toString());
  }
  return dir;
}

/** The digests production would roll back to: the first of each app's image.history. */
export const PREVIOUS: Record<string, string> = {
  "erp-berhan": "sha256:1ad51ab6b70f33fffa542f0fe2066148b33ed06d56d93fe675132f1b36ab4e83",
  "menu-optimizer": "sha256:32fd66d33a4b137eaca29ecb9cc732227f41b4c5a26440e0874d0a0c52b317a5",
};
/** A staging deployment of the app's pinned digest (or `digest`), verified at `at` (three hours before NOW). */
export const verified = (
  app: string,
  state = "success",
  at = "2026-12-01T09:00:00Z",
  digest = DIGEST[app],
) => ({
  repo: `surlefeu/${app}`,
  ref: "a".repeat(40),
  environment: "staging",
  payload: { digest },
  created_at: at,
  statuses: [{ state, created_at: at }],
});
/** Every app's pinned digest and rollback target verified in staging. */
export const ALL_VERIFIED = ["erp-berhan", "menu-optimizer"].flatMap((a) => [
  verified(a),
  verified(a, "success", "2026-11-28T09:00:00Z", PREVIOUS[a]),
]);
export const green = ["style", "unit", "smoke"].map((name) => ({
  name,
  status: "completed",
  conclusion: "success",
}));
