/**
 * A recorded production history of erp-berhan over two weeks, checked by hand (test/dora/*.test.ts):
 * 1. digest A, committed 11-01 00:00, verified 11-01 10:00 (lead 10 h);
 * 2. digest B, committed 11-02 00:00, verified 11-03 00:00 (lead 24 h), then rolled back: a failed change;
 * 3. digest A again (the rollback), verified 11-03 02:00 (lead 50 h from A's commit; restores 2 in 2 h);
 * 4. digest C, committed 11-05 00:00, its verify failed 11-05 06:00: a failed change;
 * 5. digest D, committed 11-05 08:00, verified 11-05 12:00 (lead 4 h; restores 4 in 6 h).
 * Over 14 days: 4 successful deployments = 2 a week (high); lead times 4, 10, 24, 50 h, median 17 h (elite);
 * 2 failed changes of 5 = 40% (low); restores 2 and 6 h, median 4 h (high).
 */
import type { DeploymentRecord } from "../../src/dora/metrics";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const sha = (c: string) => c.repeat(40);

export const WINDOW = { since: "2026-11-01", until: "2026-11-15" };

export const HISTORY: DeploymentRecord[] = [
  { id: 1, d: "a", committed: "11-01T00:00", status: ["success", "11-01T10:00"] },
  { id: 2, d: "b", committed: "11-02T00:00", status: ["success", "11-03T00:00"] },
  { id: 3, d: "a", committed: "11-01T00:00", status: ["success", "11-03T02:00"] },
  { id: 4, d: "c", committed: "11-05T00:00", status: ["failure", "11-05T06:00"] },
  { id: 5, d: "d", committed: "11-05T08:00", status: ["success", "11-05T12:00"] },
].map((x) => ({
  app: "erp-berhan",
  id: x.id,
  sha: sha(x.d),
  digest: digest(x.d),
  createdAt: `2026-${x.status[1]}:00Z`,
  state: x.status[0],
  statusAt: `2026-${x.status[1]}:00Z`,
  committedAt: `2026-${x.committed}:00Z`,
}));
