/**
 * The indexed state of the attribution protocol (PROTOCOL.md). Every table is written only by the
 * handlers in indexer/ and read by api/ (one /graphql). Conventions:
 * - ids are the chain's uint256 ids (bigint); addresses and hashes are lowercase 0x hex;
 * - status and role columns hold the on-chain codes (core/roles.ts: Status, Role);
 * - `at` columns hold Ponder's event checkpoint (event.id): a fixed-width string that sorts in
 *   block and log order, so "at or before that point" is a string comparison;
 * - these tables hold facts: what each event said and what the indexer checked at that point (an
 *   inference's split and audit verdict, a training run's recomputed root). Totals (what an
 *   account earned, a model's fees, a lineage's flows, ...) are not kept here row by row: the API
 *   computes them by SQL over these facts, with rollups of the finalized blocks (api/totals/), so
 *   every total is also answerable as of any past block;
 * - every fact carries its block number, so "as of block N" is a bound on the same queries;
 * - the events a payout receipt cites (api/receipt.ts) also keep their block hash and log index, so
 *   a receipt names each log exactly and a verifier can check it is still on the canonical chain.
 * Indexes are created by Ponder after the backfill; the handlers only read by primary key.
 */
import { index, onchainTable, primaryKey, relations } from "ponder";

export const datanet = onchainTable(
  "datanet",
  (t) => ({
    id: t.bigint().primaryKey(),
    owner: t.hex().notNull(),
    name: t.text().notNull(),
    metadataURI: t.text().notNull(),
    ownerShareBps: t.integer().notNull(),
    permissioned: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    blockHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (t) => ({
    ownerIdx: index().on(t.owner, t.blockNumber),
    nameIdx: index().on(t.name),
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

/** One row per contribution with its status now; its history is in contributionStatusChange. */
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
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    at: t.text().notNull(),
  }),
  (t) => ({
    datanetStatusIdx: index().on(t.datanetId, t.status, t.id),
    datanetAcceptedIdx: index().on(t.datanetId, t.acceptedAt),
    contributorIdx: index().on(t.contributor, t.id),
    contentHashIdx: index().on(t.contentHash),
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
    blockHash: t.hex().notNull(),
  }),
  (t) => ({
    contributionIdx: index().on(t.contributionId, t.id),
    datanetIdx: index().on(t.datanetId, t.blockNumber),
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
    /**
     * The datanets this model's own training runs named, ascending, and for each the latest run
     * (version) naming it so far: the run an inference drew on for that datanet (PROTOCOL.md,
     * "Which training run an inference drew on").
     */
    trainedDatanetIds: t.bigint().array().notNull(),
    latestRunVersions: t.integer().array().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    blockHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (t) => ({
    ownerIdx: index().on(t.owner, t.blockNumber),
    parentIdx: index().on(t.parentModelId),
    nameIdx: index().on(t.name),
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
    blockHash: t.hex().notNull(),
    at: t.text().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.modelId, t.version] }),
    verifiedIdx: index().on(t.verified, t.at),
    atIdx: index().on(t.at),
    blockIdx: index().on(t.blockNumber),
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
    blockHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
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
 * One paid inference with the audit facts the indexer checks when it sees it: `violations` is
 * [{ rule, contributionIds: string[] }] for CONTRIBUTION_NOT_ACCEPTED and OUTSIDE_TRAINING_LINEAGE
 * (sorted by rule; the flags are the same facts as columns, for filtering). SPLIT_MISMATCH compares
 * the chain's RewardAccrued events (rewardAccrual) with the split the indexer recomputed
 * (accrualExpectation): the API derives it from those two tables, so the verdict is exact whatever
 * the order or number of the events.
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
    violations: t.json().$type<{ rule: string; contributionIds: string[] }[]>().notNull(),
    notAccepted: t.boolean().notNull(),
    outsideLineage: t.boolean().notNull(),
    /** How many accruals the recomputed split predicts (rows of accrualExpectation). */
    expectedAccrualCount: t.integer().notNull(),
    blockNumber: t.bigint().notNull(),
    /** The block's hash: live subscriptions (api/stream/) tell a replaced block's events from its replacement's. */
    blockHash: t.hex().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
    at: t.text().notNull(),
  }),
  (t) => ({
    outputHashIdx: index().on(t.outputHash),
    modelIdx: index().on(t.modelId, t.id),
    payerIdx: index().on(t.payer, t.blockNumber),
    blockIdx: index().on(t.blockNumber),
    txIdx: index().on(t.transactionHash),
  }),
);

/** The accruals the recomputed split predicts for an inference: one row per (account, role). */
export const accrualExpectation = onchainTable(
  "accrualExpectation",
  (t) => ({
    inferenceId: t.bigint().notNull(),
    account: t.hex().notNull(),
    role: t.integer().notNull(),
    amount: t.bigint().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.inferenceId, t.account, t.role] }),
  }),
);

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
    /**
     * The training run this attribution drew on (PROTOCOL.md): the nearest model in the served
     * model's lineage whose runs named the datanet at the inference, and its latest such run;
     * null when none did (the flow goes to the datanet without a run).
     */
    trainerModelId: t.bigint(),
    runVersion: t.integer(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.inferenceId, t.contributionId] }),
    contributionIdx: index().on(t.contributionId, t.inferenceId),
    datanetIdx: index().on(t.datanetId, t.inferenceId),
    contributorIdx: index().on(t.contributor, t.blockNumber),
    ownerIdx: index().on(t.datanetOwner, t.blockNumber),
    modelBlockIdx: index().on(t.modelId, t.blockNumber),
    blockIdx: index().on(t.blockNumber),
  }),
);

/**
 * Reward accruals as the chain emitted them: one row per RewardAccrued event (id: the event's
 * checkpoint, so a repeated (inference, account, role) is two rows, and a SPLIT_MISMATCH).
 */
export const rewardAccrual = onchainTable(
  "rewardAccrual",
  (t) => ({
    id: t.text().primaryKey(),
    inferenceId: t.bigint().notNull(),
    account: t.hex().notNull(),
    role: t.integer().notNull(),
    amount: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    blockHash: t.hex().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (t) => ({
    inferenceIdx: index().on(t.inferenceId),
    accountIdx: index().on(t.account, t.blockNumber),
    blockIdx: index().on(t.blockNumber),
  }),
);

export const rewardClaim = onchainTable(
  "rewardClaim",
  (t) => ({
    id: t.text().primaryKey(),
    account: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (t) => ({
    accountIdx: index().on(t.account, t.id),
    blockIdx: index().on(t.blockNumber),
  }),
);

/**
 * The protocol's state the handlers need, a single row (id "network"): the fee parameters in force,
 * the highest inference id seen (ids count up, so a lower one may be a repeat), and the last block
 * an event came from with its hash: with Ponder's checkpoint, a version of the indexed data that a
 * reorg cannot repeat (answer caches key on it, api/graphql/dataVersion.ts). Keep it the last table:
 * Ponder flushes a block's tables in this file's order, and on PGlite without a transaction, so this
 * row's block hash is the sign that a block is fully written (indexer/resilience.test.ts).
 */
export const network = onchainTable("network", (t) => ({
  id: t.text().primaryKey(),
  /** Fee parameters in force; feeParamsKnown false until the first FeeParamsUpdated is seen. */
  feeParamsKnown: t.boolean().notNull(),
  protocolFeeBps: t.integer().notNull(),
  modelOwnerShareBps: t.integer().notNull(),
  treasury: t.hex().notNull(),
  lastInferenceId: t.bigint().notNull(),
  lastEventBlock: t.bigint().notNull(),
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
  expectedAccruals: many(accrualExpectation),
}));
export const accrualExpectationRelations = relations(accrualExpectation, ({ one }) => ({
  inference: one(inference, { fields: [accrualExpectation.inferenceId], references: [inference.id] }),
}));
export const attributionRelations = relations(attribution, ({ one }) => ({
  inference: one(inference, { fields: [attribution.inferenceId], references: [inference.id] }),
  contribution: one(contribution, { fields: [attribution.contributionId], references: [contribution.id] }),
}));
export const rewardAccrualRelations = relations(rewardAccrual, ({ one }) => ({
  inference: one(inference, { fields: [rewardAccrual.inferenceId], references: [inference.id] }),
}));
