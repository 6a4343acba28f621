/**
 * Query.freshness: the indexed block (number, hash, timestamp), the finalized block, the chain head
 * as last seen (read from the chain's RPC at most every 2 s, shared by all requests), the lag, and
 * the last failure reading the chain. The explorer turns it into its freshness badge and banner.
 */
import { sql } from "ponder";
import { checkpointRef, freshnessOf, type BlockRef, type Freshness } from "../../../core/freshness.js";
import type { ApiContext } from "../context.js";
import { blockSource } from "./block.js";

const HEAD_TTL_MS = 2000;
/** The chain's client retries a failing RPC for a long while: a status must answer sooner. */
const RPC_WAIT_MS = 3000;

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface HeadState {
  ref: BlockRef | null;
  seenAtMs: number | null;
  error: string | null;
  readAtMs: number;
  inflight: Promise<void> | null;
}
const head: HeadState = { ref: null, seenAtMs: null, error: null, readAtMs: 0, inflight: null };
let indexedHash: { number: bigint; hash: string } | null = null;

const short = (e: unknown) => (e instanceof Error ? (e as Error & { shortMessage?: string }).shortMessage ?? e.message : String(e)).split("\n")[0]!.slice(0, 200);

async function refreshHead(): Promise<void> {
  const source = blockSource();
  if (!source) {
    head.error = "this server has no chain RPC to read the head from";
    return;
  }
  if (Date.now() - head.readAtMs < HEAD_TTL_MS) return;
  head.inflight ??= (async () => {
    try {
      const b = await within(RPC_WAIT_MS, source.getBlock({ blockTag: "latest" }));
      if (b.number === null || b.timestamp === undefined) throw new Error("the RPC answered the latest block without a number");
      head.ref = { number: b.number, hash: b.hash, timestamp: b.timestamp };
      head.seenAtMs = Date.now();
      head.error = null;
    } catch (e) {
      head.error = `reading the chain head failed: ${short(e)}`;
    } finally {
      head.readAtMs = Date.now();
      head.inflight = null;
    }
  })();
  await head.inflight;
}

async function withHash(block: BlockRef | null): Promise<BlockRef | null> {
  if (!block) return null;
  if (indexedHash?.number === block.number) return { ...block, hash: indexedHash.hash };
  const source = blockSource();
  if (!source || head.error) return block; // the RPC is failing: do not wait for it twice
  const found = await within(RPC_WAIT_MS, source.getBlock({ blockNumber: block.number })).catch(() => null);
  if (!found?.hash) return block;
  indexedHash = { number: block.number, hash: found.hash };
  return { ...block, hash: found.hash };
}

export const freshnessQuery = {
  async freshness(_: unknown, _args: unknown, ctx: ApiContext): Promise<Freshness> {
    const result = await ctx.db.execute(sql`SELECT min(latest_checkpoint) AS l, min(finalized_checkpoint) AS f FROM _ponder_checkpoint`);
    const row = ((result as unknown as { rows?: { l: string | null; f: string | null }[] }).rows ?? (result as unknown as { l: string | null; f: string | null }[]))[0];
    await refreshHead();
    const block = await withHash(checkpointRef(row?.l));
    return freshnessOf({ block, finalized: checkpointRef(row?.f), head: head.ref, headSeenAtMs: head.seenAtMs, lastError: head.error });
  },
};
