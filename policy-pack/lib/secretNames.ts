/** Names that look like secrets, shared by the runtime (CC-RUN-06) and environment (CC-ENV-04) rules. */
import { globMatch } from "./props";

/** Names that look like secrets (CC-RUN-06, CC-ENV-04): *SECRET*, *TOKEN*, *PASSWORD*, *_KEY, DATABASE_URL. */
export const SECRET_NAME_PATTERNS = [
  "*SECRET*",
  "*TOKEN*",
  "*PASSWORD*",
  "*PASSWD*",
  "*_KEY",
  "*PRIVATE_KEY*",
  "DATABASE_URL",
  "*_DSN",
];

/** True when `name` matches one of the glob `patterns` (case-insensitive; {@link globMatch}). */
export function nameMatches(name: string, patterns: string[]): boolean {
  return patterns.some((p) => globMatch(p, name, true));
}
