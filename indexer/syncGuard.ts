/**
 * Ponder keeps raw chain data in the shared `ponder_sync` schema keyed by chain id and block
 * number, and inserts with "on conflict do nothing". A local devnet restarted with the same chain
 * id (31337) therefore finds the previous chain's blocks and logs there, and Ponder would index
 * them instead of the new ones, even with `disableCache`. Before `ponder start` on a devnet with
 * PostgreSQL, this guard compares a few stored blocks with the node; if they belong to another
 * chain, it removes that chain id's sync data (which a devnet never reuses anyway).
 */
import pg from "pg";

const SYNC_TABLES = ["logs", "blocks", "transactions", "transaction_receipts", "traces", "rpc_request_results", "intervals", "factory_addresses"] as const;

async function blockHashAt(rpcUrl: string, number: bigint): Promise<string | null | undefined> {
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: [`0x${number.toString(16)}`, false] }),
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as { result?: { hash?: string } | null };
    return body.result === null ? null : body.result?.hash?.toLowerCase();
  } catch {
    return undefined; // node unreachable: leave everything as is, Ponder will report it
  }
}

/** Returns true when foreign sync data was found and removed. */
export async function purgeForeignSyncData(opts: { connectionString: string; chainId: number; rpcUrl: string }): Promise<boolean> {
  const client = new pg.Client({ connectionString: opts.connectionString, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch {
    return false; // Ponder reports an unreachable database itself
  }
  try {
    const exists = await client.query(`SELECT to_regclass('ponder_sync.blocks') IS NOT NULL AS b, to_regclass('ponder_sync.logs') IS NOT NULL AS l`);
    if (!exists.rows[0]?.b || !exists.rows[0]?.l) return false;
    const samples = await client.query<{ number: string; hash: string }>(
      `(SELECT number::text, hash FROM ponder_sync.blocks WHERE chain_id = $1 ORDER BY number DESC LIMIT 1)
       UNION ALL (SELECT number::text, hash FROM ponder_sync.blocks WHERE chain_id = $1 ORDER BY number ASC LIMIT 1)
       UNION ALL (SELECT block_number::text, block_hash FROM ponder_sync.logs WHERE chain_id = $1 ORDER BY block_number DESC LIMIT 1)
       UNION ALL (SELECT block_number::text, block_hash FROM ponder_sync.logs WHERE chain_id = $1 ORDER BY block_number ASC LIMIT 1)`,
      [opts.chainId],
    );
    let foreign = false;
    for (const s of samples.rows) {
      const onChain = await blockHashAt(opts.rpcUrl, BigInt(s.number));
      if (onChain === undefined) return false;
      if (onChain !== s.hash.toLowerCase()) foreign = true;
    }
    if (!foreign) return false;
    await client.query("BEGIN");
    for (const table of SYNC_TABLES) {
      const has = await client.query(`SELECT 1 FROM information_schema.columns WHERE table_schema = 'ponder_sync' AND table_name = $1 AND column_name = 'chain_id'`, [table]);
      if (has.rowCount) await client.query(`DELETE FROM ponder_sync."${table}" WHERE chain_id = $1`, [opts.chainId]);
    }
    await client.query("COMMIT");
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}
