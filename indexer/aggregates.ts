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

const emptyNetwork = (blockNumber: bigint): NetworkRow => ({
  id: NETWORK_ID,
  datanetCount: 0, contributionCount: 0, modelCount: 0, trainingRunCount: 0, unverifiedTrainingRunCount: 0,
  inferenceCount: 0, flaggedInferenceCount: 0, attributionCount: 0, accountCount: 0,
  totalFees: 0n, totalAccrued: 0n, totalClaimed: 0n,
  feeParamsKnown: false, protocolFeeBps: 0, modelOwnerShareBps: 0, treasury: ZERO_ADDRESS,
  lastEventBlock: blockNumber,
});

function addNetwork(row: NetworkRow, d: NetworkDelta, blockNumber: bigint): NetworkRow {
  return {
    ...row,
    datanetCount: row.datanetCount + (d.datanetCount ?? 0),
    contributionCount: row.contributionCount + (d.contributionCount ?? 0),
    modelCount: row.modelCount + (d.modelCount ?? 0),
    trainingRunCount: row.trainingRunCount + (d.trainingRunCount ?? 0),
    unverifiedTrainingRunCount: row.unverifiedTrainingRunCount + (d.unverifiedTrainingRunCount ?? 0),
    inferenceCount: row.inferenceCount + (d.inferenceCount ?? 0),
    flaggedInferenceCount: row.flaggedInferenceCount + (d.flaggedInferenceCount ?? 0),
    attributionCount: row.attributionCount + (d.attributionCount ?? 0),
    accountCount: row.accountCount + (d.accountCount ?? 0),
    totalFees: row.totalFees + (d.totalFees ?? 0n),
    totalAccrued: row.totalAccrued + (d.totalAccrued ?? 0n),
    totalClaimed: row.totalClaimed + (d.totalClaimed ?? 0n),
    lastEventBlock: blockNumber > row.lastEventBlock ? blockNumber : row.lastEventBlock,
  };
}

export async function getNetwork(db: Db, blockNumber: bigint): Promise<NetworkRow> {
  return (await db.find(network, { id: NETWORK_ID })) ?? emptyNetwork(blockNumber);
}

/** Adds counters to the network totals. */
export async function bumpNetwork(db: Db, d: NetworkDelta, blockNumber: bigint): Promise<void> {
  const { id: _id, ...initial } = addNetwork(emptyNetwork(blockNumber), d, blockNumber);
  await db
    .insert(network)
    .values({ id: NETWORK_ID, ...initial })
    .onConflictDoUpdate((row) => {
      const { id: _i, ...next } = addNetwork(row, d, blockNumber);
      return next;
    });
}

/** Sets the fee parameters in force. */
export async function setNetworkFeeParams(
  db: Db,
  p: { protocolFeeBps: number; modelOwnerShareBps: number; treasury: Address },
  blockNumber: bigint,
): Promise<void> {
  const { id: _id, ...initial } = emptyNetwork(blockNumber);
  const set = { feeParamsKnown: true, protocolFeeBps: p.protocolFeeBps, modelOwnerShareBps: p.modelOwnerShareBps, treasury: lower(p.treasury), lastEventBlock: blockNumber };
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

function addAccount(row: AccountRow, d: AccountDelta, blockNumber: bigint): AccountRow {
  const accrued = row.accrued + (d.accrued ?? 0n);
  const claimed = row.claimed + (d.claimed ?? 0n);
  const next: AccountRow = {
    ...row,
    accrued,
    claimed,
    claimable: accrued - claimed,
    accrualCount: row.accrualCount + (d.accrualCount ?? 0),
    claimCount: row.claimCount + (d.claimCount ?? 0),
    contributionCount: row.contributionCount + (d.contributionCount ?? 0),
    datanetCount: row.datanetCount + (d.datanetCount ?? 0),
    modelCount: row.modelCount + (d.modelCount ?? 0),
    inferencesPaid: row.inferencesPaid + (d.inferencesPaid ?? 0),
    feesPaid: row.feesPaid + (d.feesPaid ?? 0n),
    lastBlock: blockNumber > row.lastBlock ? blockNumber : row.lastBlock,
  };
  if (d.role !== undefined && d.roleAmount !== undefined) {
    const cols = ROLE_COLUMNS[d.role];
    if (cols) {
      const [amountCol, countCol] = cols;
      next[amountCol] = row[amountCol] + d.roleAmount;
      next[countCol] = row[countCol] + 1;
    }
  }
  return next;
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
 * Adds to an account's counters, creating the account (and counting it in the network totals) on
 * first sight. Returns the account row as it was before (null if new).
 */
export async function bumpAccount(db: Db, address: string, d: AccountDelta, blockNumber: bigint): Promise<AccountRow | null> {
  const addr = lower(address);
  const before = await db.find(account, { address: addr });
  if (before === null) {
    await db.insert(account).values(addAccount(emptyAccount(addr, blockNumber), d, blockNumber));
    await bumpNetwork(db, { accountCount: 1 }, blockNumber);
    return null;
  }
  const { address: _a, ...next } = addAccount(before, d, blockNumber);
  await db.update(account, { address: addr }).set(next);
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

export async function addAccountDatanet(
  db: Db,
  address: string,
  datanetId: bigint,
  d: { ownerCut: bigint; contributorCut: bigint; attributions: number },
): Promise<void> {
  const total = d.ownerCut + d.contributorCut;
  await db
    .insert(accountDatanet)
    .values({ account: lower(address), datanetId, accrued: total, ownerCut: d.ownerCut, contributorCut: d.contributorCut, attributionCount: d.attributions })
    .onConflictDoUpdate((row) => ({
      accrued: row.accrued + total,
      ownerCut: row.ownerCut + d.ownerCut,
      contributorCut: row.contributorCut + d.contributorCut,
      attributionCount: row.attributionCount + d.attributions,
    }));
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

/** What one datanet's contributions were paid in one inference. */
export async function addDatanetPaid(db: Db, datanetId: bigint, d: PaidTotals): Promise<void> {
  if ((await db.find(datanet, { id: datanetId })) === null) return;
  await db.update(datanet, { id: datanetId }).set((row) => ({
    attributionCount: row.attributionCount + d.attributions,
    weightPpmTotal: row.weightPpmTotal + d.weightPpm,
    totalPaid: row.totalPaid + d.share,
    ownerCutTotal: row.ownerCutTotal + d.ownerCut,
    contributorCutTotal: row.contributorCutTotal + d.contributorCut,
  }));
}

/** What one contribution earned in one inference (the per-contribution aggregate). */
export async function addContributionEarned(db: Db, contributionId: bigint, d: PaidTotals): Promise<void> {
  if ((await db.find(contribution, { id: contributionId })) === null) return;
  await db.update(contribution, { id: contributionId }).set((row) => ({
    inferenceCount: row.inferenceCount + d.attributions,
    weightPpmTotal: row.weightPpmTotal + d.weightPpm,
    earned: row.earned + d.share,
    ownerCut: row.ownerCut + d.ownerCut,
    contributorCut: row.contributorCut + d.contributorCut,
  }));
}

export async function addModelInference(
  db: Db,
  modelId: bigint,
  d: { inferences: number; attributions: number; fees: bigint; flagged: number },
): Promise<void> {
  if ((await db.find(model, { id: modelId })) === null) return;
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

  values(): IterableIterator<EdgeFlow> {
    return this.edges.values();
  }
}

export async function addLineageEdge(db: Db, e: EdgeFlow): Promise<void> {
  await db
    .insert(lineageEdge)
    .values({ modelId: e.modelId, kind: e.kind, fromId: e.fromId, toId: e.toId, weightPpm: e.weightPpm, amount: e.amount, attributionCount: e.attributions })
    .onConflictDoUpdate((row) => ({
      weightPpm: row.weightPpm + e.weightPpm,
      amount: row.amount + e.amount,
      attributionCount: row.attributionCount + e.attributions,
    }));
}
