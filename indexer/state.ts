/**
 * The one state row the handlers keep (ponder.schema.ts `network`): the fee parameters in force,
 * the highest inference id seen and the last block an event came from. Everything else the
 * handlers write is a fact; totals are SQL over facts (api/totals/).
 */
import type { Context } from "ponder:registry";
import { network } from "ponder:schema";

export type Db = Context["db"];
export type Address = `0x${string}`;

export const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";
export const NETWORK_ID = "network";

export const lower = (a: string): Address => a.toLowerCase() as Address;

/** The block an event is in (Ponder's event.block has both). */
export interface BlockRef {
  number: bigint;
  hash: `0x${string}`;
}

/**
 * Where a fact comes from, as every fact row records it: its block, the block's time, its
 * transaction and its log (rows that also keep the block hash add it beside).
 */
export function origin(event: { block: { number: bigint; timestamp: bigint }; transaction: { hash: `0x${string}` }; log: { logIndex: number } }) {
  return { blockNumber: event.block.number, timestamp: event.block.timestamp, transactionHash: event.transaction.hash, logIndex: event.log.logIndex };
}

export type NetworkRow = typeof network.$inferSelect;

const emptyNetwork = (block: BlockRef): NetworkRow => ({
  id: NETWORK_ID,
  feeParamsKnown: false,
  protocolFeeBps: 0,
  modelOwnerShareBps: 0,
  treasury: ZERO_ADDRESS,
  lastInferenceId: 0n,
  lastEventBlock: block.number,
  lastEventBlockHash: block.hash,
});

/** The state row, or null before the first event wrote it. */
export function readNetwork(db: Db): Promise<NetworkRow | null> {
  return db.find(network, { id: NETWORK_ID });
}

/** The fee parameters in force (zeros and the zero treasury until the first FeeParamsUpdated). */
export function feeParamsOf(row: NetworkRow | null): { protocolFeeBps: number; modelOwnerShareBps: number; treasury: Address } {
  return { protocolFeeBps: row?.protocolFeeBps ?? 0, modelOwnerShareBps: row?.modelOwnerShareBps ?? 0, treasury: row?.treasury ?? ZERO_ADDRESS };
}

/** The block columns to set when `block` is not the one the row last saw (a new block, or a replacement at the same height). */
function blockSet(row: NetworkRow, block: BlockRef): Partial<NetworkRow> {
  return block.number !== row.lastEventBlock || block.hash !== row.lastEventBlockHash ? { lastEventBlock: block.number, lastEventBlockHash: block.hash } : {};
}

/**
 * Sets `set` on the state row and moves its last event block to `block`: one buffered write, and
 * none when nothing changes (most events of a block). `row`: the row as just read (null: absent),
 * or undefined to read it here.
 */
export async function updateNetwork(db: Db, block: BlockRef, set: Partial<Omit<NetworkRow, "id">> = {}, current?: NetworkRow | null): Promise<void> {
  const row = current === undefined ? await readNetwork(db) : current;
  if (row === null) {
    await db.insert(network).values({ ...emptyNetwork(block), ...set, ...blockSet(emptyNetwork(block), block) });
    return;
  }
  const changes = { ...set, ...blockSet(row, block) };
  if (Object.keys(changes).length > 0) await db.update(network, { id: NETWORK_ID }).set(changes);
}
