/**
 * The indexed state of the attribution protocol (PROTOCOL.md). Every table is written only by the
 * handlers in indexer/ and read by api/ (one /graphql). Conventions:
 * - ids are the chain's uint256 ids (bigint); addresses and hashes are lowercase 0x hex;
 * - status and role columns hold the on-chain codes (core/roles.ts: Status, Role);
 * - `at` columns hold Ponder's event checkpoint (event.id): a fixed-width string that sorts in
 *   block and log order, so "at or before that point" is a string comparison;
 * - aggregates are kept up to date by the handlers (indexer/aggregates.ts), so every API field is
 *   a read by primary key or by an index, never a scan over attribution rows.
 * Indexes are created by Ponder after the backfill; the handlers only read by primary key.
 */
import { index, onchainTable, primaryKey, relations } from "ponder";

/** Who is who: one row per address that ever appears (owner, contributor, payer, payee, claimant). */
export const account = onchainTable(
  "account",
  (t) => ({
    address: t.hex().primaryKey(),
    /** Sum of RewardAccrued amounts. */
    accrued: t.bigint().notNull(),
    /** Sum of RewardClaimed amounts. */
    claimed: t.bigint().notNull(),
    /** accrued - claimed (negative only if the chain paid a claim the indexer cannot back: flagged on the claim). */
    claimable: t.bigint().notNull(),
    accrualCount: t.integer().notNull(),
    /** Earnings by role (Role codes 0..3) and the number of accruals in each. */
    accruedTreasury: t.bigint().notNull(),
    accruedModelOwner: t.bigint().notNull(),
    accruedDatanetOwner: t.bigint().notNull(),
    accruedContributor: t.bigint().notNull(),
    accrualCountTreasury: t.integer().notNull(),
    accrualCountModelOwner: t.integer().notNull(),
    accrualCountDatanetOwner: t.integer().notNull(),
    accrualCountContributor: t.integer().notNull(),
    claimCount: t.integer().notNull(),
    contributionCount: t.integer().notNull(),
    datanetCount: t.integer().notNull(),
    modelCount: t.integer().notNull(),
    /** Inferences this account paid for and the fees it paid. */
    inferencesPaid: t.integer().notNull(),
    feesPaid: t.bigint().notNull(),
    firstBlock: t.bigint().notNull(),
    lastBlock: t.bigint().notNull(),
  }),
  (t) => ({
    accruedIdx: index().on(t.accrued),
    claimableIdx: index().on(t.claimable),
  }),
);

export const datanet = onchainTable(
  "datanet",
  (t) => ({
    id: t.bigint().primaryKey(),
    owner: t.hex().notNull(),
    name: t.text().notNull(),
    metadataURI: t.text().notNull(),
    ownerShareBps: t.integer().notNull(),
    permissioned: t.boolean().notNull(),
    contributionCount: t.integer().notNull(),
    pendingCount: t.integer().notNull(),
    acceptedCount: t.integer().notNull(),
    rejectedCount: t.integer().notNull(),
    revokedCount: t.integer().notNull(),
    trainingRunCount: t.integer().notNull(),
    /** Attributions to this datanet's contributions, summed: weight (ppm), shares, owner and contributor cuts. */
    attributionCount: t.integer().notNull(),
    weightPpmTotal: t.bigint().notNull(),
    totalPaid: t.bigint().notNull(),
    ownerCutTotal: t.bigint().notNull(),
    contributorCutTotal: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (t) => ({
    ownerIdx: index().on(t.owner),
    nameIdx: index().on(t.name),
    totalPaidIdx: index().on(t.totalPaid),
  }),
);

/** Current allow-list of permissioned datanets. */
export const datanetAllowlist = onchainTable(
  "datanetAllowlist",
  (t) => ({
    datanetId: t.bigint().notNull(),
    account: t.hex().notNull(),
    allowed: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.datanetId, t.account] }),
    accountIdx: index().on(t.account),
  }),
);

/**
 * One row per contribution, with what it earned (the "per contribution" aggregate): the sum of its
 * shares, owner cuts and contributor cuts over all inferences that attributed it.
 */
export const contribution = onchainTable(
  "contribution",
  (t) => ({
    id: t.bigint().primaryKey(),
    datanetId: t.bigint().notNull(),
    contributor: t.hex().notNull(),
    contentHash: t.hex().notNull(),
    uri: t.text().notNull(),
    size: t.bigint().notNull(),
    /** Status code: 0 Pending, 1 Accepted, 2 Rejected, 3 Revoked. */
    status: t.integer().notNull(),
    /** Checkpoints of the accept and revoke events (null if never): membership in any training set follows from them. */
    acceptedAt: t.text(),
    revokedAt: t.text(),
    /** false when the datanet was never seen by the indexer (flagged, never a crash). */
    datanetKnown: t.boolean().notNull(),
    inferenceCount: t.integer().notNull(),
    weightPpmTotal: t.bigint().notNull(),
    earned: t.bigint().notNull(),
    ownerCut: t.bigint().notNull(),
    contributorCut: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    at: t.text().notNull(),
  }),
  (t) => ({
    datanetStatusIdx: index().on(t.datanetId, t.status, t.id),
    datanetAcceptedIdx: index().on(t.datanetId, t.acceptedAt),
    contributorIdx: index().on(t.contributor, t.earned),
    /** account.earningsByContribution: a contributor's contributions by what they earned it. */
    contributorCutIdx: index().on(t.contributor, t.contributorCut),
    contentHashIdx: index().on(t.contentHash),
    earnedIdx: index().on(t.earned),
  }),
);

/** Every status a contribution went through, submission (Pending) included. */
export const contributionStatusChange = onchainTable(
  "contributionStatusChange",
  (t) => ({
    id: t.text().primaryKey(),
    contributionId: t.bigint().notNull(),
    datanetId: t.bigint().notNull(),
    status: t.integer().notNull(),
    /** Status before the change; null for the submission and for events about unknown contributions. */
    previousStatus: t.integer(),
    reason: t.text(),
    by: t.hex().notNull(),
    /** false when the event referred to a contribution the indexer never saw. */
    contributionKnown: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (t) => ({
    contributionIdx: index().on(t.contributionId, t.id),
  }),
);

/**
 * The per-datanet set of contributions ever accepted, keyed (datanetId, contributionId) so the
 * training-run check can read a datanet's current set by primary-key range, ordered by id, even
 * during the backfill (before secondary indexes exist). `active` is false once revoked.
 */
export const acceptedContribution = onchainTable(
  "acceptedContribution",
  (t) => ({
    datanetId: t.bigint().notNull(),
    contributionId: t.bigint().notNull(),
    active: t.boolean().notNull(),
    acceptedAt: t.text().notNull(),
    revokedAt: t.text(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.datanetId, t.contributionId] }),
  }),
);

/**
 * The same set as `acceptedContribution` (active rows), one narrow row per datanet with its ids
 * ascending: a training run reads its datanets' sets from Ponder's cache by primary key and
 * recomputes the root in memory, with no SQL round trip. Ids move in and out on accept and
 * revoke/reject, which are rare next to inferences.
 */
export const datanetAcceptedSet = onchainTable("datanetAcceptedSet", (t) => ({
  datanetId: t.bigint().primaryKey(),
  contributionIds: t.bigint().array().notNull(),
}));

export const model = onchainTable(
  "model",
  (t) => ({
    id: t.bigint().primaryKey(),
    owner: t.hex().notNull(),
    /** null for a base model; the adapted model for a LoRA adapter. */
    parentModelId: t.bigint(),
    /** Ancestors above this model (0 for a base model). */
    depth: t.integer().notNull(),
    name: t.text().notNull(),
    baseModel: t.text().notNull(),
    metadataURI: t.text().notNull(),
    trainingRunCount: t.integer().notNull(),
    /** Union of the datanets of this model's own training runs, ascending. */
    trainedDatanetIds: t.bigint().array().notNull(),
    inferenceCount: t.integer().notNull(),
    attributionCount: t.integer().notNull(),
    totalFees: t.bigint().notNull(),
    flaggedInferenceCount: t.integer().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (t) => ({
    ownerIdx: index().on(t.owner),
    parentIdx: index().on(t.parentModelId),
    nameIdx: index().on(t.name),
    totalFeesIdx: index().on(t.totalFees),
  }),
);

/**
 * A recorded training run with the indexer's own check of its claim: the set of contributions
 * Accepted and not revoked in the named datanets at the run (in block and log order), its Merkle
 * root (core/merkle.ts) and count; verified = both equal the claim.
 * The set itself: contribution rows of those datanets with acceptedAt <= at and (revokedAt null or > at).
 */
export const trainingRun = onchainTable(
  "trainingRun",
  (t) => ({
    modelId: t.bigint().notNull(),
    version: t.integer().notNull(),
    datanetIds: t.bigint().array().notNull(),
    claimedRoot: t.hex().notNull(),
    claimedCount: t.integer().notNull(),
    recomputedRoot: t.hex().notNull(),
    recomputedCount: t.integer().notNull(),
    verified: t.boolean().notNull(),
    artifactHash: t.hex().notNull(),
    /** false when the run names a model the indexer never saw registered. */
    modelKnown: t.boolean().notNull(),
    /** Datanet ids named by the run that the indexer never saw created. */
    unknownDatanetIds: t.bigint().array().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
    at: t.text().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.modelId, t.version] }),
    verifiedIdx: index().on(t.verified, t.at),
    atIdx: index().on(t.at),
  }),
);

/** Datanets named by each training run, one row each (Datanet.models, datanet → model edges). */
export const trainingRunDatanet = onchainTable(
  "trainingRunDatanet",
  (t) => ({
    modelId: t.bigint().notNull(),
    version: t.integer().notNull(),
    datanetId: t.bigint().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.modelId, t.version, t.datanetId] }),
    datanetIdx: index().on(t.datanetId, t.modelId),
  }),
);

/** Fee-parameter history; the parameters in force are also on the network row. */
export const feeParamsChange = onchainTable(
  "feeParamsChange",
  (t) => ({
    id: t.text().primaryKey(),
    protocolFeeBps: t.integer().notNull(),
    modelOwnerShareBps: t.integer().notNull(),
    treasury: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
);

export const attestor = onchainTable(
  "attestor",
  (t) => ({
    address: t.hex().primaryKey(),
    allowed: t.boolean().notNull(),
    changeCount: t.integer().notNull(),
    blockNumber: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
);

/**
 * One paid inference with its audit verdict. `violations` is [{ rule, contributionIds: string[] }]
 * with the rule codes of PROTOCOL.md, sorted by rule; `clean` = no violations. The rule flags are
 * the same facts as columns, for filtering.
 */
export const inference = onchainTable(
  "inference",
  (t) => ({
    id: t.bigint().primaryKey(),
    modelId: t.bigint().notNull(),
    payer: t.hex().notNull(),
    outputHash: t.hex().notNull(),
    fee: t.bigint().notNull(),
    method: t.integer().notNull(),
    attributionCount: t.integer().notNull(),
    /** The attribution as emitted: contribution ids and their weights (ppm), in event order. */
    contributionIds: t.bigint().array().notNull(),
    weightsPpm: t.integer().array().notNull(),
    /** Transaction sender (the attestor that recorded it). */
    sender: t.hex().notNull(),
    modelKnown: t.boolean().notNull(),
    unknownContributionIds: t.bigint().array().notNull(),
    clean: t.boolean().notNull(),
    violations: t.json().$type<{ rule: string; contributionIds: string[] }[]>().notNull(),
    notAccepted: t.boolean().notNull(),
    outsideLineage: t.boolean().notNull(),
    splitMismatch: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
    at: t.text().notNull(),
  }),
  (t) => ({
    outputHashIdx: index().on(t.outputHash),
    modelIdx: index().on(t.modelId, t.id),
    payerIdx: index().on(t.payer, t.id),
    cleanIdx: index().on(t.clean, t.id),
    txIdx: index().on(t.transactionHash),
  }),
);

/**
 * Incremental SPLIT_MISMATCH bookkeeping per inference (see indexer/AttributionEngine.ts): how many
 * accruals the recomputed split predicts, how many RewardAccrued matched one exactly, how many did
 * not. A narrow row of its own, so each RewardAccrued does not rewrite the wide inference row.
 */
export const inferenceSplitCheck = onchainTable("inferenceSplitCheck", (t) => ({
  inferenceId: t.bigint().primaryKey(),
  modelId: t.bigint().notNull(),
  expected: t.integer().notNull(),
  matched: t.integer().notNull(),
  unexpected: t.integer().notNull(),
  mismatch: t.boolean().notNull(),
}));

/** One row per attributed contribution per inference, with the split recomputed by core/split.ts. */
export const attribution = onchainTable(
  "attribution",
  (t) => ({
    inferenceId: t.bigint().notNull(),
    contributionId: t.bigint().notNull(),
    position: t.integer().notNull(),
    modelId: t.bigint().notNull(),
    weightPpm: t.integer().notNull(),
    share: t.bigint().notNull(),
    ownerCut: t.bigint().notNull(),
    contributorCut: t.bigint().notNull(),
    /** null when the contribution was never seen by the indexer (contributionKnown false). */
    datanetId: t.bigint(),
    contributor: t.hex(),
    datanetOwner: t.hex(),
    contributionKnown: t.boolean().notNull(),
    /** Status of the contribution at the inference (null if unknown). */
    statusAtInference: t.integer(),
    accepted: t.boolean().notNull(),
    inLineage: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.inferenceId, t.contributionId] }),
    contributionIdx: index().on(t.contributionId, t.inferenceId),
    datanetIdx: index().on(t.datanetId, t.inferenceId),
    contributorIdx: index().on(t.contributor),
  }),
);

/**
 * Reward accruals, one row per (inference, account, role). The InferenceAttributed handler writes
 * the expected rows (recomputed split, observed false); each RewardAccrued fills `amount` and
 * `observed`. A row with expected false is an accrual the split did not predict; observed false
 * is a predicted accrual the chain never emitted: only observed rows are money.
 */
export const rewardAccrual = onchainTable(
  "rewardAccrual",
  (t) => ({
    inferenceId: t.bigint().notNull(),
    account: t.hex().notNull(),
    role: t.integer().notNull(),
    amount: t.bigint().notNull(),
    expectedAmount: t.bigint().notNull(),
    expected: t.boolean().notNull(),
    observed: t.boolean().notNull(),
    matched: t.boolean().notNull(),
    /** null for an accrual naming an inference the indexer never saw. */
    modelId: t.bigint(),
    day: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
    at: t.text().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.inferenceId, t.account, t.role] }),
    accountIdx: index().on(t.account, t.at),
  }),
);

export const rewardClaim = onchainTable(
  "rewardClaim",
  (t) => ({
    id: t.text().primaryKey(),
    account: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
    /** true when the amount exceeds what the indexer knew the account could claim. */
    unbacked: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (t) => ({
    accountIdx: index().on(t.account, t.id),
  }),
);

/** Earnings per account per model (from RewardAccrued). */
export const accountModel = onchainTable(
  "accountModel",
  (t) => ({
    account: t.hex().notNull(),
    modelId: t.bigint().notNull(),
    accrued: t.bigint().notNull(),
    accrualCount: t.integer().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.account, t.modelId] }),
    accountIdx: index().on(t.account, t.accrued),
    modelIdx: index().on(t.modelId, t.accrued),
  }),
);

/** Earnings per account per datanet: owner and contributor cuts of attributions to its contributions. */
export const accountDatanet = onchainTable(
  "accountDatanet",
  (t) => ({
    account: t.hex().notNull(),
    datanetId: t.bigint().notNull(),
    accrued: t.bigint().notNull(),
    ownerCut: t.bigint().notNull(),
    contributorCut: t.bigint().notNull(),
    attributionCount: t.integer().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.account, t.datanetId] }),
    accountIdx: index().on(t.account, t.accrued),
    datanetIdx: index().on(t.datanetId, t.accrued),
  }),
);

/** Earnings per account per UTC day ("YYYY-MM-DD" of the block timestamp). */
export const accountDay = onchainTable(
  "accountDay",
  (t) => ({
    account: t.hex().notNull(),
    day: t.text().notNull(),
    accrued: t.bigint().notNull(),
    claimed: t.bigint().notNull(),
    accrualCount: t.integer().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.account, t.day] }),
  }),
);

/**
 * Lineage edges per served model: what flowed along each edge, summed over the model's
 * inferences. Kinds and endpoints (entity ids as decimal strings or addresses):
 * - ADAPTS: adapter model → parent model (attributions served by the adapter that reached data
 *   through the parent's training);
 * - TRAINED_ON: model → datanet (the nearest model in the lineage trained on it);
 * - UNTRAINED: served model → datanet no model in the lineage was trained on (an audit finding);
 * - HAS_CONTRIBUTION: datanet → contribution;
 * - CONTRIBUTED_BY: contribution → contributor.
 * weightPpm sums attribution weights (a model's inferences each carry 1_000_000); amount sums the
 * shares (contributor cuts for CONTRIBUTED_BY).
 */
export const lineageEdge = onchainTable(
  "lineageEdge",
  (t) => ({
    modelId: t.bigint().notNull(),
    kind: t.text().notNull(),
    fromId: t.text().notNull(),
    toId: t.text().notNull(),
    weightPpm: t.bigint().notNull(),
    amount: t.bigint().notNull(),
    attributionCount: t.integer().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.modelId, t.kind, t.fromId, t.toId] }),
    rankIdx: index().on(t.modelId, t.kind, t.weightPpm),
  }),
);

/**
 * Network totals and the fee parameters in force: a single row, id "network". Keep it the last
 * table: Ponder flushes a block's tables in this file's order, and on PGlite without a
 * transaction, so this row's last event block hash is the sign that a block is fully written
 * (indexer/resilience.test.ts).
 */
export const network = onchainTable("network", (t) => ({
  id: t.text().primaryKey(),
  datanetCount: t.integer().notNull(),
  contributionCount: t.integer().notNull(),
  modelCount: t.integer().notNull(),
  trainingRunCount: t.integer().notNull(),
  unverifiedTrainingRunCount: t.integer().notNull(),
  inferenceCount: t.integer().notNull(),
  flaggedInferenceCount: t.integer().notNull(),
  attributionCount: t.integer().notNull(),
  accountCount: t.integer().notNull(),
  totalFees: t.bigint().notNull(),
  totalAccrued: t.bigint().notNull(),
  totalClaimed: t.bigint().notNull(),
  /** Fee parameters in force; feeParamsKnown false until the first FeeParamsUpdated is seen. */
  feeParamsKnown: t.boolean().notNull(),
  protocolFeeBps: t.integer().notNull(),
  modelOwnerShareBps: t.integer().notNull(),
  treasury: t.hex().notNull(),
  lastEventBlock: t.bigint().notNull(),
  /**
   * Hash of that block: with lastEventBlock, a version of the indexed data that a reorg cannot
   * repeat (a replacement block has another hash), for answer caches keyed on it (api/).
   */
  lastEventBlockHash: t.hex().notNull(),
}));

// Relations: nested fields in Ponder's generated GraphQL.
export const datanetRelations = relations(datanet, ({ many }) => ({
  contributions: many(contribution),
}));
export const contributionRelations = relations(contribution, ({ one, many }) => ({
  datanet: one(datanet, { fields: [contribution.datanetId], references: [datanet.id] }),
  statusHistory: many(contributionStatusChange),
  attributions: many(attribution),
}));
export const contributionStatusChangeRelations = relations(contributionStatusChange, ({ one }) => ({
  contribution: one(contribution, { fields: [contributionStatusChange.contributionId], references: [contribution.id] }),
}));
export const modelRelations = relations(model, ({ one, many }) => ({
  parent: one(model, { fields: [model.parentModelId], references: [model.id], relationName: "adapters" }),
  adapters: many(model, { relationName: "adapters" }),
  trainingRuns: many(trainingRun),
  inferences: many(inference),
}));
export const trainingRunRelations = relations(trainingRun, ({ one }) => ({
  model: one(model, { fields: [trainingRun.modelId], references: [model.id] }),
}));
export const inferenceRelations = relations(inference, ({ one, many }) => ({
  model: one(model, { fields: [inference.modelId], references: [model.id] }),
  attributions: many(attribution),
  accruals: many(rewardAccrual),
}));
export const attributionRelations = relations(attribution, ({ one }) => ({
  inference: one(inference, { fields: [attribution.inferenceId], references: [inference.id] }),
  contribution: one(contribution, { fields: [attribution.contributionId], references: [contribution.id] }),
}));
export const rewardAccrualRelations = relations(rewardAccrual, ({ one }) => ({
  inference: one(inference, { fields: [rewardAccrual.inferenceId], references: [inference.id] }),
}));
