/**
 * How fresh the indexed data is: the indexed block and the finalized block from Ponder's
 * checkpoints, the chain head as last seen, the lag between them. Pure: no I/O.
 */

export interface BlockRef {
  number: bigint;
  hash: string | null;
  timestamp: bigint;
}

/** A Ponder checkpoint: timestamp(10) chainId(16) blockNumber(16) …, all decimal digits. */
export function checkpointRef(checkpoint: string | null | undefined): BlockRef | null {
  if (typeof checkpoint !== "string" || !/^\d{42,}$/.test(checkpoint)) return null;
  const number = BigInt(checkpoint.slice(26, 42));
  const timestamp = BigInt(checkpoint.slice(0, 10));
  if (number === 0n && timestamp === 0n) return null; // Ponder's zero checkpoint: nothing indexed yet
  return { number, hash: null, timestamp };
}

export interface Freshness {
  block: BlockRef | null;
  finalized: BlockRef | null;
  head: BlockRef | null;
  /** When the head was read (ISO 8601), null if never. */
  headSeenAt: string | null;
  lagBlocks: bigint | null;
  /** head.timestamp − block.timestamp: how far behind the chain's clock the answers are. */
  lagSeconds: number | null;
  lastError: string | null;
}

export function freshnessOf(args: { block: BlockRef | null; finalized: BlockRef | null; head: BlockRef | null; headSeenAtMs: number | null; lastError: string | null }): Freshness {
  const { block, head } = args;
  // A head read a moment before the indexer moved on can be below the indexed block: no lag then.
  const lagBlocks = block && head ? (head.number > block.number ? head.number - block.number : 0n) : null;
  const lagSeconds = block && head ? Math.max(0, Number(head.timestamp - block.timestamp)) : null;
  return {
    block,
    finalized: args.finalized,
    head,
    headSeenAt: args.headSeenAtMs === null ? null : new Date(args.headSeenAtMs).toISOString(),
    lagBlocks,
    lagSeconds,
    lastError: args.lastError,
  };
}
