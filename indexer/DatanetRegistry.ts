/** DatanetRegistry events: datanets, allow-lists, contributions and their status history (facts only). */
import { ponder } from "ponder:registry";
import { acceptedContribution, contribution, contributionStatusChange, datanet, datanetAcceptedSet, datanetAllowlist } from "ponder:schema";
import { Status } from "../core/roles.js";
import { lower, origin, updateNetwork, type Db } from "./state.js";

ponder.on("DatanetRegistry:DatanetCreated", async ({ event, context }) => {
  const { datanetId, owner, name, metadataURI, ownerShareBps, permissioned } = event.args;
  const inserted = await context.db
    .insert(datanet)
    .values({
      id: datanetId,
      owner: lower(owner),
      name,
      metadataURI,
      ownerShareBps,
      permissioned,
      ...origin(event),
      blockHash: event.block.hash,
    })
    .onConflictDoNothing(); // a second DatanetCreated for one id: the first one stands
  await updateNetwork(context.db, event.block);
});

ponder.on("DatanetRegistry:ContributorAllowlistUpdated", async ({ event, context }) => {
  const { datanetId, account, allowed } = event.args;
  const values = { allowed, blockNumber: event.block.number, transactionHash: event.transaction.hash };
  await context.db
    .insert(datanetAllowlist)
    .values({ datanetId, account: lower(account), ...values })
    .onConflictDoUpdate(values);
  await updateNetwork(context.db, event.block);
});

ponder.on("DatanetRegistry:ContributionSubmitted", async ({ event, context }) => {
  const { contributionId, datanetId, contributor, contentHash, uri, size } = event.args;
  const datanetKnown = (await context.db.find(datanet, { id: datanetId })) !== null;
  const inserted = await context.db
    .insert(contribution)
    .values({
      id: contributionId,
      datanetId,
      contributor: lower(contributor),
      contentHash,
      uri,
      size,
      status: Status.Pending,
      acceptedAt: null,
      revokedAt: null,
      datanetKnown,
      blockNumber: event.block.number,
      timestamp: event.block.timestamp,
      transactionHash: event.transaction.hash,
      at: event.id,
    })
    .onConflictDoNothing();
  await recordStatusChange(context.db, event, {
    contributionId,
    datanetId,
    status: Status.Pending,
    previousStatus: null,
    reason: null,
    by: contributor,
    contributionKnown: inserted !== null,
  });
  await updateNetwork(context.db, event.block);
});

ponder.on("DatanetRegistry:ContributionReviewed", async ({ event, context }) => {
  const { contributionId, datanetId, reviewer, status, reason } = event.args;
  await changeStatus(context.db, event, { contributionId, datanetId, status, reason, by: reviewer });
  await updateNetwork(context.db, event.block);
});

ponder.on("DatanetRegistry:ContributionRevoked", async ({ event, context }) => {
  const { contributionId, datanetId, contributor } = event.args;
  await changeStatus(context.db, event, { contributionId, datanetId, status: Status.Revoked, reason: null, by: contributor });
  await updateNetwork(context.db, event.block);
});

interface EventAt {
  id: string;
  log: { logIndex: number };
  block: { number: bigint; timestamp: bigint; hash: `0x${string}` };
  transaction: { hash: `0x${string}` };
}

/**
 * Applies a review or revocation: the contribution's status and accept/revoke checkpoints, the
 * accepted set used by training checks, and the history row.
 * An event about a contribution the indexer never saw is recorded (contributionKnown false) only.
 */
async function changeStatus(
  db: Db,
  event: EventAt,
  c: { contributionId: bigint; datanetId: bigint; status: number; reason: string | null; by: string },
): Promise<void> {
  const row = await db.find(contribution, { id: c.contributionId });
  await recordStatusChange(db, event, { ...c, previousStatus: row?.status ?? null, contributionKnown: row !== null });
  if (row === null) return;
  const previous = row.status;
  const datanetId = row.datanetId;
  await db.update(contribution, { id: c.contributionId }).set({
    status: c.status,
    ...(c.status === Status.Accepted ? { acceptedAt: event.id } : {}),
    ...(c.status === Status.Revoked ? { revokedAt: event.id } : {}),
  });
  if (c.status === Status.Accepted && previous !== Status.Accepted) {
    await db
      .insert(acceptedContribution)
      .values({ datanetId, contributionId: c.contributionId, active: true, acceptedAt: event.id, revokedAt: null })
      .onConflictDoUpdate({ active: true, acceptedAt: event.id, revokedAt: null });
    await moveAccepted(db, datanetId, c.contributionId, true);
  } else if (previous === Status.Accepted && c.status !== Status.Accepted) {
    const key = { datanetId, contributionId: c.contributionId };
    if ((await db.find(acceptedContribution, key)) !== null) {
      await db.update(acceptedContribution, key).set({ active: false, revokedAt: event.id });
    }
    await moveAccepted(db, datanetId, c.contributionId, false);
  }
}

/** Adds a contribution to (or removes it from) its datanet's accepted set, kept ascending. */
async function moveAccepted(db: Db, datanetId: bigint, contributionId: bigint, accepted: boolean): Promise<void> {
  const row = await db.find(datanetAcceptedSet, { datanetId });
  const ids = row === null ? [] : row.contributionIds.filter((id) => id !== contributionId);
  if (accepted) {
    let i = ids.length;
    while (i > 0 && ids[i - 1]! > contributionId) i--;
    ids.splice(i, 0, contributionId);
  }
  if (row === null) await db.insert(datanetAcceptedSet).values({ datanetId, contributionIds: ids });
  else await db.update(datanetAcceptedSet, { datanetId }).set({ contributionIds: ids });
}

async function recordStatusChange(
  db: Db,
  event: EventAt,
  c: {
    contributionId: bigint;
    datanetId: bigint;
    status: number;
    previousStatus: number | null;
    reason: string | null;
    by: string;
    contributionKnown: boolean;
  },
): Promise<void> {
  await db
    .insert(contributionStatusChange)
    .values({
      id: event.id,
      contributionId: c.contributionId,
      datanetId: c.datanetId,
      status: c.status,
      previousStatus: c.previousStatus,
      reason: c.reason,
      by: lower(c.by),
      contributionKnown: c.contributionKnown,
      ...origin(event),
      blockHash: event.block.hash,
    })
    .onConflictDoNothing();
}
