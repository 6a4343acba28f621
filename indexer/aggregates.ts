/**
 * One helper per aggregate table. Each is a read from Ponder's in-memory cache plus one buffered
 * insert or update (no raw SQL, no RPC), so Ponder batches them into COPY / bulk updates.
 */
import type { Context } from "ponder:registry";
import {
  account,
  accountDatanet,
  accountDay,
  accountModel,
  contribution,
  datanet,
  lineageEdge,
  model,
  network,
} from "ponder:schema";
import { Role, Status } from "../core/roles.js";

export type Db = Context["db"];
export type Address = `0x${string}`;

/** Block coordinates every helper stamps on what it creates. */
export interface At {
  blockNumber: bigint;
  timestamp: bigint;
}

export const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";

/** The block an event is in (Ponder's event.block has both). */
export interface BlockRef {
  number: bigint;
  hash: `0x${string}`;
}

export const lower = (a: string): Address => a.toLowerCase() as Address;

/** "YYYY-MM-DD" (UTC) of a block timestamp in seconds. */
export function utcDay(timestamp: bigint): string {
  return new Date(Number(timestamp) * 1000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// network (single row)

export const NETWORK_ID = "network";

type NetworkRow = typeof network.$inferSelect;
export type NetworkDelta = Partial<
  Pick<
    NetworkRow,
    | "datanetCount" | "contributionCount" | "modelCount" | "trainingRunCount" | "unverifiedTrainingRunCount"
    | "inferenceCount" | "flaggedInferenceCount" | "attributionCount" | "accountCount"
    | "totalFees" | "totalAccrued" | "totalClaimed"
  >
>;

const emptyNetwork = (block: BlockRef): NetworkRow => ({
  id: NETWORK_ID,
  datanetCount: 0, contributionCount: 0, modelCount: 0, trainingRunCount: 0, unverifiedTrainingRunCount: 0,
  inferenceCount: 0, flaggedInferenceCount: 0, attributionCount: 0, accountCount: 0,
  totalFees: 0n, totalAccrued: 0n, totalClaimed: 0n,
  feeParamsKnown: false, protocolFeeBps: 0, modelOwnerShareBps: 0, treasury: ZERO_ADDRESS,
  lastEventBlock: block.number,
  lastEventBlockHash: block.hash,
});

const NETWORK_COUNTERS = [
  "datanetCount", "contributionCount", "modelCount", "trainingRunCount", "unverifiedTrainingRunCount",
  "inferenceCount", "flaggedInferenceCount", "attributionCount", "accountCount",
] as const;
const NETWORK_AMOUNTS = ["totalFees", "totalAccrued", "totalClaimed"] as const;

/** Only the columns the delta touches (Ponder copies and normalizes what it is given). */
function networkSet(row: NetworkRow, d: NetworkDelta, block: BlockRef): Partial<NetworkRow> {
  const set: Partial<NetworkRow> = {};
  for (const k of NETWORK_COUNTERS) { const v = d[k]; if (v) set[k] = row[k] + v; }
  for (const k of NETWORK_AMOUNTS) { const v = d[k]; if (v) set[k] = row[k] + v; }
  if (block.number > row.lastEventBlock || (block.number === row.lastEventBlock && block.hash !== row.lastEventBlockHash)) {
    set.lastEventBlock = block.number;
    set.lastEventBlockHash = block.hash;
  }
  return set;
}

export async function getNetwork(db: Db, block: BlockRef): Promise<NetworkRow> {
  return (await db.find(network, { id: NETWORK_ID })) ?? emptyNetwork(block);
}

/** Adds counters to the network totals (one upsert: Ponder reads the row from its cache). */
export async function bumpNetwork(db: Db, d: NetworkDelta, block: BlockRef): Promise<void> {
  const empty = emptyNetwork(block);
  await db
    .insert(network)
    .values({ ...empty, ...networkSet(empty, d, block) })
    .onConflictDoUpdate((row) => networkSet(row, d, block));
}

/** Sets the fee parameters in force. */
export async function setNetworkFeeParams(
  db: Db,
  p: { protocolFeeBps: number; modelOwnerShareBps: number; treasury: Address },
  block: BlockRef,
): Promise<void> {
  const { id: _id, ...initial } = emptyNetwork(block);
  const set = { feeParamsKnown: true, protocolFeeBps: p.protocolFeeBps, modelOwnerShareBps: p.modelOwnerShareBps, treasury: lower(p.treasury), lastEventBlock: block.number, lastEventBlockHash: block.hash };
  await db.insert(network).values({ id: NETWORK_ID, ...initial, ...set }).onConflictDoUpdate(set);
}

// ---------------------------------------------------------------------------------------------
// account

type AccountRow = typeof account.$inferSelect;
export type AccountDelta = Partial<
  Pick<
    AccountRow,
    | "accrued" | "claimed" | "accrualCount" | "claimCount" | "contributionCount" | "datanetCount" | "modelCount"
    | "inferencesPaid" | "feesPaid"
  >
> & { role?: Role; roleAmount?: bigint };

const ROLE_COLUMNS = {
  [Role.Treasury]: ["accruedTreasury", "accrualCountTreasury"],
  [Role.ModelOwner]: ["accruedModelOwner", "accrualCountModelOwner"],
  [Role.DatanetOwner]: ["accruedDatanetOwner", "accrualCountDatanetOwner"],
  [Role.Contributor]: ["accruedContributor", "accrualCountContributor"],
} as const;

const ACCOUNT_COUNTERS = ["accrualCount", "claimCount", "contributionCount", "datanetCount", "modelCount", "inferencesPaid"] as const;

/** Only the columns the delta touches. */
function accountSet(row: AccountRow, d: AccountDelta, blockNumber: bigint): Partial<AccountRow> {
  const set: Partial<AccountRow> = {};
  if (d.accrued || d.claimed) {
    set.accrued = row.accrued + (d.accrued ?? 0n);
    set.claimed = row.claimed + (d.claimed ?? 0n);
    set.claimable = set.accrued - set.claimed;
  }
  if (d.feesPaid) set.feesPaid = row.feesPaid + d.feesPaid;
  for (const k of ACCOUNT_COUNTERS) { const v = d[k]; if (v) set[k] = row[k] + v; }
  if (d.role !== undefined && d.roleAmount !== undefined) {
    const cols = ROLE_COLUMNS[d.role];
    if (cols) {
      const [amountCol, countCol] = cols;
      set[amountCol] = row[amountCol] + d.roleAmount;
      set[countCol] = row[countCol] + 1;
    }
  }
  if (blockNumber > row.lastBlock) set.lastBlock = blockNumber;
  return set;
}

const emptyAccount = (address: Address, blockNumber: bigint): AccountRow => ({
  address,
  accrued: 0n, claimed: 0n, claimable: 0n, accrualCount: 0,
  accruedTreasury: 0n, accruedModelOwner: 0n, accruedDatanetOwner: 0n, accruedContributor: 0n,
  accrualCountTreasury: 0, accrualCountModelOwner: 0, accrualCountDatanetOwner: 0, accrualCountContributor: 0,
  claimCount: 0, contributionCount: 0, datanetCount: 0, modelCount: 0, inferencesPaid: 0, feesPaid: 0n,
  firstBlock: blockNumber, lastBlock: blockNumber,
});

/**
 * Adds to an account's counters, creating the account on first sight, and adds `net` to the
 * network totals (with the new account counted) in the same step. One upsert per table. Returns
 * what the account could claim before (null if new).
 */
export async function bumpAccount(
  db: Db,
  address: string,
  d: AccountDelta,
  block: BlockRef,
  net: NetworkDelta = {},
): Promise<{ claimable: bigint } | null> {
  const addr = lower(address);
  const blockNumber = block.number;
  const empty = emptyAccount(addr, blockNumber);
  let before = null as { claimable: bigint } | null;
  await db
    .insert(account)
    .values({ ...empty, ...accountSet(empty, d, blockNumber) })
    .onConflictDoUpdate((row) => {
      before = { claimable: row.claimable }; // called only when the account exists
      return accountSet(row, d, blockNumber);
    });
  const created = before === null;
  if (created || Object.keys(net).length > 0) await bumpNetwork(db, created ? { ...net, accountCount: (net.accountCount ?? 0) + 1 } : net, block);
  return before;
}

// ---------------------------------------------------------------------------------------------
// per account per model / datanet / day

export async function addAccountModel(db: Db, address: string, modelId: bigint, amount: bigint): Promise<void> {
  await db
    .insert(accountModel)
    .values({ account: lower(address), modelId, accrued: amount, accrualCount: 1 })
    .onConflictDoUpdate((row) => ({ accrued: row.accrued + amount, accrualCount: row.accrualCount + 1 }));
}

export interface AccountDatanetFlow {
  account: Address;
  datanetId: bigint;
  ownerCut: bigint;
  contributorCut: bigint;
  attributions: number;
}

/** Owner and contributor cuts per (account, datanet) of one inference, keyed `${account}|${datanetId}` (account lowercase), in one store call. */
export async function addAccountDatanets(db: Db, flows: ReadonlyMap<string, AccountDatanetFlow>): Promise<void> {
  if (flows.size === 0) return;
  await db
    .insert(accountDatanet)
    .values(
      [...flows.values()].map((d) => ({ account: d.account, datanetId: d.datanetId, accrued: d.ownerCut + d.contributorCut, ownerCut: d.ownerCut, contributorCut: d.contributorCut, attributionCount: d.attributions })),
    )
    .onConflictDoUpdate((row) => {
      const d = flows.get(`${row.account}|${row.datanetId}`)!;
      return {
        accrued: row.accrued + d.ownerCut + d.contributorCut,
        ownerCut: row.ownerCut + d.ownerCut,
        contributorCut: row.contributorCut + d.contributorCut,
        attributionCount: row.attributionCount + d.attributions,
      };
    });
}

export async function addAccountDay(db: Db, address: string, timestamp: bigint, d: { accrued?: bigint; claimed?: bigint }): Promise<void> {
  const accrued = d.accrued ?? 0n;
  const claimed = d.claimed ?? 0n;
  const count = d.accrued !== undefined ? 1 : 0;
  await db
    .insert(accountDay)
    .values({ account: lower(address), day: utcDay(timestamp), accrued, claimed, accrualCount: count })
    .onConflictDoUpdate((row) => ({ accrued: row.accrued + accrued, claimed: row.claimed + claimed, accrualCount: row.accrualCount + count }));
}

// ---------------------------------------------------------------------------------------------
// datanet / contribution / model counters

const STATUS_COLUMN = {
  [Status.Pending]: "pendingCount",
  [Status.Accepted]: "acceptedCount",
  [Status.Rejected]: "rejectedCount",
  [Status.Revoked]: "revokedCount",
} as const;

/** Moves one contribution between status counters of its datanet (from null: a new submission). */
export async function moveDatanetStatus(db: Db, datanetId: bigint, from: number | null, to: number): Promise<void> {
  const row = await db.find(datanet, { id: datanetId });
  if (row === null) return;
  const fromCol = from === null ? undefined : STATUS_COLUMN[from as Status];
  const toCol = STATUS_COLUMN[to as Status];
  const set: Partial<typeof datanet.$inferSelect> = {};
  if (from === null) set.contributionCount = row.contributionCount + 1;
  if (fromCol) set[fromCol] = row[fromCol] - 1;
  if (toCol) set[toCol] = (set[toCol] ?? row[toCol]) + 1;
  await db.update(datanet, { id: datanetId }).set(set);
}

export interface PaidTotals {
  attributions: number;
  weightPpm: bigint;
  share: bigint;
  ownerCut: bigint;
  contributorCut: bigint;
}

export const emptyPaid = (): PaidTotals => ({ attributions: 0, weightPpm: 0n, share: 0n, ownerCut: 0n, contributorCut: 0n });

export function addPaid(into: PaidTotals, d: PaidTotals): void {
  into.attributions += d.attributions;
  into.weightPpm += d.weightPpm;
  into.share += d.share;
  into.ownerCut += d.ownerCut;
  into.contributorCut += d.contributorCut;
}

/**
 * What (known) datanets' contributions were paid in one inference, per datanet: one store call
 * for all of them (Ponder applies the update function row by row, from its cache).
 */
export async function addDatanetsPaid(db: Db, paid: ReadonlyMap<bigint, PaidTotals>): Promise<void> {
  if (paid.size === 0) return;
  await db
    .insert(datanet)
    .values([...paid.keys()].map((id) => ({ id }) as typeof datanet.$inferInsert)) // rows exist: only the update runs
    .onConflictDoUpdate((row) => {
      const d = paid.get(row.id)!;
      return {
        attributionCount: row.attributionCount + d.attributions,
        weightPpmTotal: row.weightPpmTotal + d.weightPpm,
        totalPaid: row.totalPaid + d.share,
        ownerCutTotal: row.ownerCutTotal + d.ownerCut,
        contributorCutTotal: row.contributorCutTotal + d.contributorCut,
      };
    });
}

/** What (known) contributions earned in one inference (the per-contribution aggregate), in one store call. */
export async function addContributionsEarned(db: Db, earned: ReadonlyMap<bigint, PaidTotals>): Promise<void> {
  if (earned.size === 0) return;
  await db
    .insert(contribution)
    .values([...earned.keys()].map((id) => ({ id }) as typeof contribution.$inferInsert)) // rows exist: only the update runs
    .onConflictDoUpdate((row) => {
      const d = earned.get(row.id)!;
      return {
        inferenceCount: row.inferenceCount + d.attributions,
        weightPpmTotal: row.weightPpmTotal + d.weightPpm,
        earned: row.earned + d.share,
        ownerCut: row.ownerCut + d.ownerCut,
        contributorCut: row.contributorCut + d.contributorCut,
      };
    });
}

/** Counters of a model the indexer knows (the caller checked it exists). */
export async function addModelInference(
  db: Db,
  modelId: bigint,
  d: { inferences: number; attributions: number; fees: bigint; flagged: number },
): Promise<void> {
  await db.update(model, { id: modelId }).set((row) => ({
    inferenceCount: row.inferenceCount + d.inferences,
    attributionCount: row.attributionCount + d.attributions,
    totalFees: row.totalFees + d.fees,
    flaggedInferenceCount: row.flaggedInferenceCount + d.flagged,
  }));
}

// ---------------------------------------------------------------------------------------------
// lineage edges

export type EdgeKind = "ADAPTS" | "TRAINED_ON" | "UNTRAINED" | "HAS_CONTRIBUTION" | "CONTRIBUTED_BY";

export interface EdgeFlow {
  modelId: bigint;
  kind: EdgeKind;
  fromId: string;
  toId: string;
  weightPpm: bigint;
  amount: bigint;
  attributions: number;
}

/** Sums flows with the same edge key in memory, so one inference writes each edge once. */
export class EdgeBatch {
  private readonly edges = new Map<string, EdgeFlow>();

  add(modelId: bigint, kind: EdgeKind, fromId: string, toId: string, weightPpm: bigint, amount: bigint): void {
    const key = `${modelId}|${kind}|${fromId}|${toId}`;
    const e = this.edges.get(key);
    if (e) {
      e.weightPpm += weightPpm;
      e.amount += amount;
      e.attributions += 1;
    } else {
      this.edges.set(key, { modelId, kind, fromId, toId, weightPpm, amount, attributions: 1 });
    }
  }

  get(modelId: bigint, kind: EdgeKind, fromId: string, toId: string): EdgeFlow | undefined {
    return this.edges.get(`${modelId}|${kind}|${fromId}|${toId}`);
  }

  get size(): number {
    return this.edges.size;
  }

  values(): IterableIterator<EdgeFlow> {
    return this.edges.values();
  }
}

/** Adds one inference's edge flows (summed per edge by EdgeBatch) in one store call. */
export async function addLineageEdges(db: Db, edges: EdgeBatch): Promise<void> {
  if (edges.size === 0) return;
  await db
    .insert(lineageEdge)
    .values([...edges.values()].map((e) => ({ modelId: e.modelId, kind: e.kind, fromId: e.fromId, toId: e.toId, weightPpm: e.weightPpm, amount: e.amount, attributionCount: e.attributions })))
    .onConflictDoUpdate((row) => {
      const e = edges.get(row.modelId, row.kind as EdgeKind, row.fromId, row.toId)!;
      return { weightPpm: row.weightPpm + e.weightPpm, amount: row.amount + e.amount, attributionCount: row.attributionCount + e.attributions };
    });
}
