/**
 * The `block: { number | hash }` argument (The Graph's shape): the block a query is answered at.
 * A number must be at or below the indexed head; a hash must be a block of the indexed canonical
 * chain (asked of the chain's RPC, which Ponder's API context provides), at or below the head.
 * Anything else is a BAD_USER_INPUT naming the indexed range.
 */
import { sql } from "ponder";
import { decodeHash, UINT256_MAX } from "../../input.js";
import { checkpointBlock } from "../../totals/advance.js";
import type { Bound } from "../asOf.js";
import { badInput, type ApiContext } from "../context.js";

export interface BlockArg {
  number?: bigint | null;
  hash?: string | null;
}

/** Where blocks are looked up by hash or number (viem's PublicClient.getBlock fits). */
export interface BlockSource {
  getBlock(args: { blockHash: `0x${string}` } | { blockNumber: bigint } | { blockTag: "latest" }): Promise<{ number: bigint | null; hash: `0x${string}` | null; timestamp: bigint }>;
}

let chainSource: BlockSource | null = null;
/** Set by the app when Ponder provides the chain's client (api/index.ts). */
export function setBlockSource(source: BlockSource | null): void {
  chainSource = source;
}

/** The chain's client, if the app set one. */
export function blockSource(): BlockSource | null {
  return chainSource;
}

/** The indexed range: the first protocol event's block and Ponder's latest indexed block. */
export async function indexedRange(ctx: ApiContext): Promise<{ first: bigint; head: bigint } | null> {
  const result = await ctx.db.execute(
    sql`SELECT (SELECT min(latest_checkpoint) FROM _ponder_checkpoint) AS c, (SELECT min(${ctx.t.feeParamsChange.blockNumber}) FROM ${ctx.t.feeParamsChange})::text AS f`,
  );
  const row = ((result as unknown as { rows?: { c: string | null; f: string | null }[] }).rows ?? (result as unknown as { c: string | null; f: string | null }[]))[0];
  if (!row?.c) return null;
  const head = checkpointBlock(row.c);
  return { first: row.f ? BigInt(row.f) : 0n, head };
}

/** Canonical block hash -> number, for blocks 64 or more below the head (no reorg reaches them). */
const hashes = new Map<string, bigint>();

/** The bound a `block` argument stands for: null without one (now), else its block number. */
export async function resolveBlock(ctx: ApiContext, arg: BlockArg | null | undefined): Promise<Bound> {
  if (arg === undefined || arg === null) return null;
  const hasNumber = arg.number !== undefined && arg.number !== null;
  const hasHash = arg.hash !== undefined && arg.hash !== null;
  if (hasNumber === hasHash) throw badInput("block takes one of number and hash", "block");
  const range = await indexedRange(ctx);
  const rangeText = range ? `the indexed range is blocks ${range.first} to ${range.head}` : "nothing is indexed yet";
  if (!range) throw badInput(`no block can be asked for yet: ${rangeText}`, "block");
  if (hasNumber) {
    const n = arg.number!;
    if (n < 0n || n > UINT256_MAX) throw badInput(`block.number must be a block number; ${rangeText}`, "block");
    if (n > range.head) throw badInput(`block ${n} is above the indexed head: ${rangeText}`, "block");
    return n;
  }
  const decoded = decodeHash(arg.hash, "block.hash");
  if (!decoded.ok) throw badInput(decoded.error, "block");
  const hash = decoded.value;
  let number = hashes.get(hash);
  if (number === undefined) {
    if (!chainSource) throw badInput(`block hashes cannot be checked on this server (no chain RPC); ask by block.number: ${rangeText}`, "block");
    const found = await chainSource.getBlock({ blockHash: hash }).catch(() => null);
    if (!found || found.number === null) throw badInput(`block ${hash} is not on the indexed chain: ${rangeText}`, "block");
    const canonical = await chainSource.getBlock({ blockNumber: found.number }).catch(() => null);
    if (!canonical || canonical.hash?.toLowerCase() !== hash) throw badInput(`block ${hash} is not on the canonical chain (a reorg replaced it): ${rangeText}`, "block");
    number = found.number;
    if (number + 64n <= range.head) {
      if (hashes.size > 10_000) hashes.clear();
      hashes.set(hash, number);
    }
  }
  if (number > range.head) throw badInput(`block ${hash} (number ${number}) is above the indexed head: ${rangeText}`, "block");
  return number;
}

/** A block of the indexed chain, as `blockAt` answers it. */
export interface ChainBlock {
  number: bigint;
  hash: string;
  timestamp: bigint;
}

/**
 * The last block in [lo, hi] whose timestamp is at or before `time`, by binary search (block
 * timestamps never decrease), or null when even `lo` is later. Pure: `timestampOf` does the reading.
 */
export async function lastBlockAtOrBefore(lo: bigint, hi: bigint, time: bigint, timestampOf: (n: bigint) => Promise<bigint>): Promise<bigint | null> {
  if (hi < lo || (await timestampOf(lo)) > time) return null;
  while (lo < hi) {
    const mid = lo + (hi - lo + 1n) / 2n;
    if ((await timestampOf(mid)) <= time) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
}

/** Blocks 64 or more below the head, by number (no reorg reaches them). */
const settled = new Map<bigint, ChainBlock>();

/**
 * `blockAt(number | timestamp)`: the indexed block of a number, or the last indexed block at or before
 * a time (unix seconds): what the explorer's "as of" control resolves a date to. Errors name the
 * indexed range.
 */
export async function blockAt(ctx: ApiContext, args: { number?: bigint | null; timestamp?: bigint | null }): Promise<ChainBlock> {
  const hasNumber = args.number !== undefined && args.number !== null;
  const hasTime = args.timestamp !== undefined && args.timestamp !== null;
  if (hasNumber === hasTime) throw badInput("blockAt takes one of number and timestamp", hasNumber ? "number" : "timestamp");
  const range = await indexedRange(ctx);
  if (!range) throw badInput("no block can be asked for yet: nothing is indexed yet", hasNumber ? "number" : "timestamp");
  const rangeText = `the indexed range is blocks ${range.first} to ${range.head}`;
  const source = chainSource;
  if (!source) throw badInput(`blocks cannot be read on this server (no chain RPC): ${rangeText}`);
  const read = async (n: bigint): Promise<ChainBlock> => {
    const hit = settled.get(n);
    if (hit) return hit;
    const b = await source.getBlock({ blockNumber: n }).catch(() => null);
    if (!b || b.number === null || b.hash === null) throw badInput(`block ${n} could not be read from the chain: ${rangeText}`);
    const block = { number: b.number, hash: b.hash.toLowerCase(), timestamp: b.timestamp };
    if (n + 64n <= range.head) {
      if (settled.size > 100_000) settled.clear();
      settled.set(n, block);
    }
    return block;
  };
  if (hasNumber) {
    const n = args.number!;
    if (n < 0n || n > range.head) throw badInput(`block ${n} is not indexed: ${rangeText}`, "number");
    return read(n);
  }
  const time = args.timestamp!;
  if (time < 0n || time > UINT256_MAX) throw badInput(`timestamp must be unix seconds: ${rangeText}`, "timestamp");
  const n = await lastBlockAtOrBefore(0n, range.head, time, async (k) => (await read(k)).timestamp);
  if (n === null) throw badInput(`no block is at or before ${time}: the chain starts later; ${rangeText}`, "timestamp");
  return read(n);
}
