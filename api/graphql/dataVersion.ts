/**
 * The version of the indexed data an answer is computed from, in one small read: Ponder's latest
 * checkpoint per chain (moves with every indexed block) and the network row's last event block
 * and its hash (different for a block that replaced another in a reorg: Ponder's reorg revert
 * leaves the checkpoint as it was until the next block, and a replacement block can have the same
 * checkpoint as the block it replaced). On PostgreSQL both are written in the block's transaction.
 * On PGlite Ponder 0.16 writes a block without one, the network table last: an answer computed
 * while a block is being written can be kept under the version before it, and is served until the
 * block's network row lands (milliseconds), never after. null when the version cannot be read
 * (then nothing is cached).
 */
import { sql } from "ponder";
import type { Db, Tables } from "./context.js";

export async function readDataVersion(db: Db, t: Tables): Promise<string | null> {
  try {
    const n = t.network;
    const result = await db.execute(
      sql`SELECT (SELECT string_agg(chain_id::text || ':' || latest_checkpoint, ',' ORDER BY chain_id) FROM _ponder_checkpoint) AS c,
                 (SELECT ${n.lastEventBlock}::text || ':' || ${n.lastEventBlockHash} FROM ${n} LIMIT 1) AS v`,
    );
    const rows = (result as unknown as { rows?: { c: string | null; v: string | null }[] }).rows ?? (result as unknown as { c: string | null; v: string | null }[]);
    const row = rows[0];
    if (!row || row.c === null) return null;
    return `${row.c}|${row.v ?? "-"}`;
  } catch {
    return null;
  }
}
