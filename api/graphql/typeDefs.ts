/**
 * Our part of the /graphql schema (Ponder's generated list fields are stitched beside it, see
 * index.ts). Descriptions are part of the published schema.graphql: they are the API docs.
 * The names third-party apps rely on (api/schema.test.ts lists them) never change: fields and
 * optional arguments may be added, none renamed or removed.
 */
import { RULES } from "../../core/audit.js";

export const typeDefs = /* GraphQL */ `
"""An integer of any size (uint256 ids, OPEN amounts in base units), as a decimal string."""
scalar BigInt

"""Keyset pagination: pass endCursor as 'after' to get the next page. Cursors are opaque."""
type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

"""Who received an accrual (PROTOCOL.md role codes 0..3)."""
enum Role { TREASURY MODEL_OWNER DATANET_OWNER CONTRIBUTOR }

enum ContributionStatus { PENDING ACCEPTED REJECTED REVOKED }

"""Audit rule codes of PROTOCOL.md."""
enum AuditRule { ${RULES.join(" ")} }

"""
A block to answer at (The Graph's shape): one of its number or its hash (0x + 64 hex, a block of the
indexed canonical chain). Every figure of the field and of what it nests is the state after the last
transaction of that block. A block above the indexed head, or a hash off the indexed chain, is a
BAD_USER_INPUT naming the indexed range.
"""
input BlockHeight {
  number: BigInt
  hash: String
}

type Query {
  """Earnings and activity of one address (any case). Zeros for an address the chain never paid."""
  account(address: String!, block: BlockHeight): Account!
  """One inference with its attributions, accruals and audit verdict; null if unknown."""
  inference(id: BigInt!): Inference
  """Every inference that produced this output hash (0x + 64 hex), oldest first (at most 1000)."""
  inferencesByOutput(outputHash: String!): [Inference!]!
  """A training run with the indexer's check of its claimed contribution set; null if unknown."""
  trainingRun(modelId: BigInt!, version: Int!): TrainingRun
  """Merkle proof that a contribution is in a training run's recomputed set (OpenZeppelin MerkleProof.verify)."""
  contributionProof(modelId: BigInt!, version: Int!, contributionId: BigInt!): ContributionProof
  """
  Where a model's attributions came from and went: contributors -> contributions -> datanets -> training runs
  -> (parent models ->) the model -> its recent inferences. Edges point away from the model (see LineageEdgeKind),
  children ranked by weight, the tail of each parent's children of one kind folded into one FOLDED node.
  depth: hops from the model (default 4: a base model's contributors; each parent model adds a hop; max 8);
  limit: children kept per parent and kind (default 10, max 5000); minWeightPpm: children below this share of
  the model's attribution mass are folded too (default 0); recentInferences: newest inferences shown
  (default 20, 0 to 200; minWeightPpm does not apply). At most 10000 nodes (then truncated: true); null if the
  model is unknown. Flows through training runs: see LineageEdgeKind.
  """
  modelLineage(modelId: BigInt!, depth: Int, minWeightPpm: Int, limit: Int, recentInferences: Int, block: BlockHeight): ModelLineage
  """
  Where a contribution's data went: contribution -> its datanet -> the training runs its attributions drew on
  (PROTOCOL.md "Which training run an inference drew on") -> the models they trained -> (adapters ->) the models
  that served the inferences -> the newest inferences that attributed it (recentInferences per serving model).
  Edges point away from the contribution, with the same kinds read the other way round (see DataLineage); the same
  folding, limits and node cap as modelLineage; depth default 8; recentInferences: the newest inferences that
  attributed it (default 20, 0 to 200), each under the model that served it, that model's others folded.
  Weights: share of the contribution's attribution mass; amounts: shares (what it earned: owner and contributor
  cuts). null if the contribution is unknown.
  """
  contributionLineage(contributionId: BigInt!, depth: Int, minWeightPpm: Int, limit: Int, recentInferences: Int, block: BlockHeight): DataLineage
  """Where a datanet's data went: datanet -> training runs -> models -> adapters -> inferences, as contributionLineage. null if the datanet is unknown."""
  datanetLineage(datanetId: BigInt!, depth: Int, minWeightPpm: Int, limit: Int, recentInferences: Int, block: BlockHeight): DataLineage
  """
  Where an account's contributed data went: contributor -> its contributions -> datanets -> training runs -> models
  -> adapters -> inferences, as contributionLineage; amounts are the account's contributor cuts (what it earned as a
  contributor). An address the chain never paid: the root alone.
  """
  accountLineage(address: String!, depth: Int, minWeightPpm: Int, limit: Int, recentInferences: Int, block: BlockHeight): DataLineage
  """Find addresses, ids, names, output hashes and transaction hashes; best matches first (limit default 10, max 50)."""
  search(text: String!, limit: Int): [SearchResult!]!
  model(id: BigInt!, block: BlockHeight): Model
  datanet(id: BigInt!, block: BlockHeight): Datanet
  contribution(id: BigInt!, block: BlockHeight): Contribution
  """Network totals and the fee parameters in force."""
  network(block: BlockHeight): NetworkStats!
  """
  An indexed block: by number, or the last block at or before a time (unix seconds; what an "as of a date"
  resolves to, to pass on as block: { number }). One of the two; an error names the indexed range otherwise.
  """
  blockAt(number: BigInt, timestamp: BigInt): ChainBlock!
  """How fresh the answers are: the indexed block, the finalized block, the chain head as last seen and the lag."""
  freshness: Freshness!
  """Inferences, newest first."""
  recentInferences(limit: Int, after: String): InferencePage!
  """Datanets by total paid to their contributions, highest first."""
  topDatanets(limit: Int, block: BlockHeight): [Datanet!]!
  """Models by total fees, highest first."""
  topModels(limit: Int, block: BlockHeight): [Model!]!
  """Accounts by total accrued, highest first."""
  topEarners(limit: Int, block: BlockHeight): [Account!]!
  """Inferences that break an audit rule (any rule when rule is null), newest first; optionally of one model or touching one datanet."""
  auditInferences(rule: AuditRule, modelId: BigInt, datanetId: BigInt, limit: Int, after: String): InferencePage!
  """Training runs whose claimed root or count differ from the recomputed ones, newest first."""
  auditTrainingRuns(modelId: BigInt, limit: Int, after: String): TrainingRunPage!
}

"""A block of the indexed chain."""
type ChainBlock {
  number: BigInt!
  """Lowercase 0x block hash."""
  hash: String!
  """Unix seconds."""
  timestamp: BigInt!
}

"""A block as the freshness status names it."""
type FreshnessBlock {
  number: BigInt!
  """Null when the chain's RPC did not say (or, for the finalized block, is not asked)."""
  hash: String
  """Unix seconds."""
  timestamp: BigInt!
}

type Freshness {
  """The latest indexed block; null before the first one."""
  block: FreshnessBlock
  """The latest block the indexer treats as final (no reorg reaches it)."""
  finalized: FreshnessBlock
  """The chain head as last read from the chain's RPC (at most every 2 s); null if never read."""
  head: FreshnessBlock
  """When the head was read (ISO 8601)."""
  headSeenAt: String
  """head.number - block.number (0 when caught up); null if either is unknown."""
  lagBlocks: BigInt
  """head.timestamp - block.timestamp, seconds: how far behind the chain the answers are; null if unknown."""
  lagSeconds: Int
  """The last failure reading the chain head; null when the last read succeeded."""
  lastError: String
}

type Account {
  """Lowercase 0x address."""
  address: String!
  """Sum of RewardAccrued amounts (base units)."""
  accrued: BigInt!
  """Sum of RewardClaimed amounts (base units)."""
  claimed: BigInt!
  """accrued - claimed: equals the chain's claimable(address)."""
  claimable: BigInt!
  accrualCount: Int!
  claimCount: Int!
  """Fees this account paid for inferences, and how many."""
  feesPaid: BigInt!
  inferencesPaid: Int!
  """All four roles, zeros included, in role order."""
  earningsByRole: [RoleEarnings!]!
  """Accrued per model whose inferences paid this account (any role), highest first."""
  earningsByModel(limit: Int, after: String): ModelEarningsPage!
  """Owner and contributor cuts per datanet, highest first."""
  earningsByDatanet(limit: Int, after: String): DatanetEarningsPage!
  """This account's contributions and what each earned for it (its contributor cut), highest first."""
  earningsByContribution(limit: Int, after: String): ContributionEarningsPage!
  """Accrued and claimed per UTC day (YYYY-MM-DD), oldest first, days without activity left out; from/to inclusive."""
  earningsByDay(from: String, to: String): [DayEarnings!]!
  """Each accrual (one per inference and role), newest first."""
  accruals(limit: Int, after: String): AccrualPage!
  """Contributions submitted by this account, newest first."""
  contributions(limit: Int, after: String): ContributionPage!
  """Claims made by this account, newest first."""
  claims(limit: Int, after: String): ClaimPage!
  datanetsOwned: [Datanet!]!
  modelsOwned: [Model!]!
}

type RoleEarnings { role: Role!, accrued: BigInt!, accrualCount: Int! }
type ModelEarnings { modelId: BigInt!, model: Model, accrued: BigInt!, accrualCount: Int! }
type DatanetEarnings { datanetId: BigInt!, datanet: Datanet, accrued: BigInt!, ownerCut: BigInt!, contributorCut: BigInt!, attributionCount: Int! }
type ContributionEarnings {
  contributionId: BigInt!
  contribution: Contribution
  """What this contribution earned for the account: its contributor cuts."""
  accrued: BigInt!
  """Total of its shares (owner cuts + contributor cuts) over all inferences."""
  share: BigInt!
  ownerCut: BigInt!
  contributorCut: BigInt!
  inferenceCount: Int!
}
type DayEarnings { day: String!, accrued: BigInt!, claimed: BigInt!, accrualCount: Int! }
"""A contribution's earnings on one UTC day: its shares (earned = ownerCut + contributorCut)."""
type ContributionDayEarnings { day: String!, earned: BigInt!, ownerCut: BigInt!, contributorCut: BigInt!, attributionCount: Int! }
type Claim { account: String!, to: String!, amount: BigInt!, blockNumber: BigInt!, timestamp: BigInt!, transactionHash: String! }

type ModelEarningsPage { items: [ModelEarnings!]!, pageInfo: PageInfo!, totalCount: Int! }
type DatanetEarningsPage { items: [DatanetEarnings!]!, pageInfo: PageInfo!, totalCount: Int! }
type ContributionEarningsPage { items: [ContributionEarnings!]!, pageInfo: PageInfo!, totalCount: Int! }
type ContributionPage { items: [Contribution!]!, pageInfo: PageInfo!, totalCount: Int! }
type ClaimPage { items: [Claim!]!, pageInfo: PageInfo!, totalCount: Int! }
type AccrualPage { items: [Accrual!]!, pageInfo: PageInfo!, totalCount: Int! }
type InferencePage { items: [Inference!]!, pageInfo: PageInfo!, totalCount: Int! }
type TrainingRunPage { items: [TrainingRun!]!, pageInfo: PageInfo!, totalCount: Int! }

type Inference {
  id: BigInt!
  modelId: BigInt!
  model: Model
  payer: String!
  """The attestor that recorded it (transaction sender)."""
  sender: String!
  fee: BigInt!
  outputHash: String!
  """1 = influence function, 2 = suffix-array token match."""
  method: Int!
  methodName: String!
  blockNumber: BigInt!
  timestamp: BigInt!
  transactionHash: String!
  logIndex: Int!
  """In event order, with the split recomputed from the fee parameters then in force."""
  attributions: [Attribution!]!
  """RewardAccrued events of this inference, as the chain emitted them."""
  accruals: [Accrual!]!
  """True when it breaks no audit rule."""
  clean: Boolean!
  """Each broken rule with the contributions concerned (for SPLIT_MISMATCH: all the attributed contributions)."""
  violations: [Violation!]!
}

type Attribution {
  contributionId: BigInt!
  contribution: Contribution
  """Null when the contribution was never seen by the indexer."""
  datanetId: BigInt
  datanet: Datanet
  contributor: String
  datanetOwner: String
  """Weight in parts per million (weight and weightPpm are the same value)."""
  weight: Int!
  weightPpm: Int!
  share: BigInt!
  ownerCut: BigInt!
  contributorCut: BigInt!
  """Status of the contribution at the inference's block; null if unknown."""
  statusAtInference: ContributionStatus
  """Accepted at the inference (CONTRIBUTION_NOT_ACCEPTED otherwise)."""
  accepted: Boolean!
  """Its datanet is in the model's training lineage (OUTSIDE_TRAINING_LINEAGE otherwise)."""
  inLineage: Boolean!
}

type Accrual {
  inferenceId: BigInt!
  account: String!
  role: Role!
  """What the chain credited (base units)."""
  amount: BigInt!
  """What the recomputed split says it should be (0 if the split predicts no such accrual)."""
  expectedAmount: BigInt!
  matchesSplit: Boolean!
  modelId: BigInt
  blockNumber: BigInt!
  timestamp: BigInt!
  transactionHash: String!
}

type Violation {
  rule: AuditRule!
  contributionIds: [BigInt!]!
  """One sentence for people."""
  message: String!
}

type TrainingRun {
  modelId: BigInt!
  version: Int!
  model: Model
  datanetIds: [BigInt!]!
  datanets: [Datanet!]!
  """Claimed root and count equal the recomputed ones."""
  verified: Boolean!
  claimedRoot: String!
  recomputedRoot: String!
  claimedCount: Int!
  recomputedCount: Int!
  artifactHash: String!
  """Datanets the run names that the indexer never saw created."""
  unknownDatanetIds: [BigInt!]!
  """
  What inferences drew on this run since it was recorded (of this model and of its adapters): the attributions for
  which it was the run by the rule of PROTOCOL.md ("Which training run an inference drew on"), their summed weights and
  shares. Now, or as of the block the query asks for.
  """
  flow: RunFlow!
  blockNumber: BigInt!
  timestamp: BigInt!
  transactionHash: String!
}

type RunFlow {
  attributionCount: Int!
  """Summed attribution weights (ppm; each inference carries 1_000_000)."""
  weightSum: BigInt!
  """Summed shares (OPEN base units) of those attributions."""
  amount: BigInt!
}

type ContributionProof {
  modelId: BigInt!
  version: Int!
  contributionId: BigInt!
  """The contribution is in the recomputed set (Accepted, not revoked, in a named datanet, at the run)."""
  included: Boolean!
  """keccak256(abi.encode(uint256 contributionId))."""
  leaf: String!
  """Recomputed root the proof leads to."""
  root: String!
  """Root claimed on chain."""
  claimedRoot: String!
  """Sibling hashes from the leaf up; empty when not included (or when the set has one element)."""
  proof: [String!]!
  """MerkleProof.verify(proof, claimedRoot, leaf) holds: true exactly when included and the run is verified."""
  validAgainstClaimedRoot: Boolean!
}

type Model {
  id: BigInt!
  owner: String!
  name: String!
  baseModel: String!
  metadataURI: String!
  parentModelId: BigInt
  parent: Model
  adapters: [Model!]!
  trainingRuns: [TrainingRun!]!
  """Datanets of this model's own training runs."""
  trainedDatanetIds: [BigInt!]!
  inferenceCount: Int!
  flaggedInferenceCount: Int!
  totalFees: BigInt!
  blockNumber: BigInt!
  timestamp: BigInt!
  transactionHash: String!
}

type Datanet {
  id: BigInt!
  owner: String!
  name: String!
  metadataURI: String!
  ownerShareBps: Int!
  permissioned: Boolean!
  contributionCounts: StatusCounts!
  contributions(status: ContributionStatus, limit: Int, after: String): ContributionPage!
  """Models with a training run naming this datanet."""
  models: [Model!]!
  """Shares paid to its contributions (owner cuts + contributor cuts)."""
  totalPaid: BigInt!
  ownerCutTotal: BigInt!
  contributorCutTotal: BigInt!
  attributionCount: Int!
  """Accounts paid through this datanet (owner and contributors), highest first."""
  payees(limit: Int, after: String): DatanetPayeePage!
  blockNumber: BigInt!
  timestamp: BigInt!
  transactionHash: String!
}

type StatusCounts { total: Int!, pending: Int!, accepted: Int!, rejected: Int!, revoked: Int! }
type DatanetPayee { account: String!, accrued: BigInt!, ownerCut: BigInt!, contributorCut: BigInt!, attributionCount: Int! }
type DatanetPayeePage { items: [DatanetPayee!]!, pageInfo: PageInfo!, totalCount: Int! }

type Contribution {
  id: BigInt!
  datanetId: BigInt!
  datanet: Datanet
  contributor: String!
  contentHash: String!
  uri: String!
  size: BigInt!
  status: ContributionStatus!
  """Every status change, submission first."""
  history: [StatusChange!]!
  """Total of its shares over all inferences (owner cuts + contributor cuts)."""
  earned: BigInt!
  ownerCut: BigInt!
  contributorCut: BigInt!
  inferenceCount: Int!
  """What it earned per UTC day, oldest first (from/to: YYYY-MM-DD or unix seconds; the newest 1000 days of the range)."""
  earningsByDay(from: String, to: String): [ContributionDayEarnings!]!
  """Every inference that attributed it, newest first, with its weight and cuts (limit default 50, max 1000; after: endCursor)."""
  inferences(limit: Int, after: String): ContributionInferencePage!
  """
  Every training run of every model that named its datanet, newest first (at most 100): whether it was in the run's
  recomputed set (Accepted at the run, not revoked by then), with the Merkle proof when it was.
  """
  trainingRuns: [ContributionTrainingRun!]!
  blockNumber: BigInt!
  timestamp: BigInt!
  transactionHash: String!
}

"""One inference's attribution to a contribution: its weight and what it paid."""
type ContributionInference {
  inferenceId: BigInt!
  inference: Inference
  modelId: BigInt!
  model: Model
  weightPpm: Int!
  """pool * weight / 1e6 (PROTOCOL.md)."""
  share: BigInt!
  """To the datanet's owner."""
  ownerCut: BigInt!
  """To the contributor."""
  contributorCut: BigInt!
  blockNumber: BigInt!
  timestamp: BigInt!
  transactionHash: String!
}
type ContributionInferencePage { items: [ContributionInference!]!, pageInfo: PageInfo!, totalCount: Int! }

"""A training run that named a contribution's datanet, and whether the contribution was in its set."""
type ContributionTrainingRun {
  modelId: BigInt!
  version: Int!
  model: Model
  run: TrainingRun!
  """In the run's recomputed set: Accepted at the run and not revoked by then."""
  included: Boolean!
  """Its Merkle proof against the run's recomputed root; null when not included."""
  proof: ContributionProof
}

type StatusChange { status: ContributionStatus!, reason: String, by: String!, blockNumber: BigInt!, timestamp: BigInt!, transactionHash: String! }

type NetworkStats {
  datanets: Int!
  contributions: Int!
  models: Int!
  trainingRuns: Int!
  unverifiedTrainingRuns: Int!
  inferences: Int!
  flaggedInferences: Int!
  attributions: Int!
  accounts: Int!
  totalFees: BigInt!
  totalAccrued: BigInt!
  totalClaimed: BigInt!
  protocolFeeBps: Int!
  modelOwnerShareBps: Int!
  treasury: String!
  """Block of the last indexed protocol event (Ponder's _meta has the indexed head)."""
  lastEventBlock: BigInt!
}

enum LineageNodeKind { MODEL TRAINING_RUN DATANET CONTRIBUTION CONTRIBUTOR INFERENCE FOLDED }
"""
Edges point away from the served model; data flows the other way (contributor -> ... -> model -> inference).
ADAPTS: adapter -> parent model (what reached data through the parent's training);
HAS_TRAINING_RUN: model -> one of its training runs (weight: what the inferences drew on that run);
TRAINED_ON: training run -> datanet the model's runs name for the first time: what the served model's inferences drew on
that run for that datanet. The run an attribution drew on is recorded when the inference is indexed (PROTOCOL.md, "Which
training run an inference drew on"): the latest run, at or before the inference, of the nearest model in the lineage whose
runs named the contribution's datanet; so a retrained model's flow moves to its new run from then on, and what entered a
model from its runs, its parent and its untrained datanets adds up to what its inferences paid to data. (model -> datanet
only if the indexer knew no run, which it never produces.);
RETRAINED_ON: a later run -> a datanet an earlier run of the same model already named: what was drawn on it since;
UNTRAINED: served model -> datanet no model in its lineage was trained on at the inference (an audit finding);
HAS_CONTRIBUTION: datanet -> contribution; CONTRIBUTED_BY: contribution -> contributor;
SERVED: model -> one of its recent inferences (weight: 1_000_000 / inferenceCount; amount: the fee);
FOLDED: parent -> the folded tail of its children of one kind.
"""
enum LineageEdgeKind { ADAPTS HAS_TRAINING_RUN TRAINED_ON RETRAINED_ON UNTRAINED HAS_CONTRIBUTION CONTRIBUTED_BY SERVED FOLDED }

type ModelLineage {
  modelId: BigInt!
  depth: Int!
  limit: Int!
  minWeightPpm: Int!
  recentInferences: Int!
  nodes: [LineageNode!]!
  edges: [LineageEdge!]!
  """Inferences of the model: their weights make up the attribution mass (each carries 1_000_000)."""
  inferenceCount: Int!
  """Entities folded away across all FOLDED nodes."""
  foldedNodes: Int!
  """The node cap (10000) cut the graph short: the last parent expanded folded what did not fit, later ones show no children."""
  truncated: Boolean!
}

"""
A downstream lineage ("where this data went"), rooted at a contributor, a contribution or a datanet. Edges point away
from the root: CONTRIBUTED_BY contributor -> contribution; HAS_CONTRIBUTION contribution -> datanet; TRAINED_ON
datanet -> the training run the attributions drew on (datanet -> model when the indexer knew no run); HAS_TRAINING_RUN
run -> the model it trained; ADAPTS parent model -> adapter, down to the model that served; UNTRAINED datanet -> the
served model when no model of its lineage named the datanet (an audit finding); SERVED model -> an inference that
attributed the root's data (weight and amount: the root's attributions in it); FOLDED as in modelLineage. Every
attribution's flow follows one path, so what enters a node leaves it, and the flows out of the root add up to amount.
"""
type DataLineage {
  """Node id of the root ("contribution:42", "datanet:1", "contributor:0xab..")."""
  rootId: String!
  rootKind: LineageNodeKind!
  """The root's on-chain id or address."""
  entityId: String!
  depth: Int!
  limit: Int!
  minWeightPpm: Int!
  recentInferences: Int!
  nodes: [LineageNode!]!
  edges: [LineageEdge!]!
  """What the root earned over the attributions of its data (shares; contributor cuts for an account), in base units."""
  amount: BigInt!
  attributionCount: Int!
  """Inferences that attributed the root's data."""
  inferenceCount: Int!
  foldedNodes: Int!
  truncated: Boolean!
}

"""
weight/weightPpm: share of the model's attribution mass that flowed through the node or edge (ppm);
amount: OPEN base units that flowed (shares; contributor cuts on CONTRIBUTED_BY; fees on SERVED and INFERENCE).
The MODEL node of the served model: weight and amount of everything that flowed into it from data (what its
inferences paid to data). A FOLDED node stands for foldedCount children, labelled "+312 others (4.1 %)".
"""
type LineageNode {
  """Unique in the graph: "model:3", "run:3:2" (model 3, version 2), "datanet:1", "contribution:42", "contributor:0xab..", "inference:7", "folded:<parent id>:<kind>"."""
  id: String!
  kind: LineageNodeKind!
  """Name for models/datanets, "v<version>" for training runs, "#id" for contributions and inferences, the address for contributors."""
  label: String!
  """The on-chain id or address; "modelId:version" for a training run; empty for FOLDED."""
  entityId: String!
  """Hops from the model."""
  depth: Int!
  weight: Int!
  weightPpm: Int!
  amount: BigInt!
  attributionCount: Int!
  foldedCount: Int!
  """TRAINING_RUN: the indexer's check of the claimed contribution set (root and count); null for other kinds."""
  verified: Boolean
  """INFERENCE: the audit verdict (no rule broken); null for other kinds."""
  clean: Boolean
}

type LineageEdge {
  from: String!
  to: String!
  kind: LineageEdgeKind!
  weight: Int!
  weightPpm: Int!
  amount: BigInt!
  attributionCount: Int!
}

enum SearchResultKind { ACCOUNT DATANET MODEL CONTRIBUTION INFERENCE TRAINING_RUN CLAIM }

type SearchResult {
  kind: SearchResultKind!
  """Id to open: address, decimal id, or "modelId:version" for a training run."""
  id: String!
  label: String!
  """Which field matched: address, id, name, outputHash, transactionHash, contentHash."""
  matched: String!
  """Higher is better: exact matches before prefixes before substrings."""
  score: Float!
}

"""
Live subscriptions, over GraphQL-over-SSE (the graphql-sse protocol, distinct connections mode):
POST (or GET) /graphql with Accept: text/event-stream. Events come in block order; each carries
its block number, hash and log index, and a cursor. Without fromBlock or after, a subscription
starts at the next indexed block. A reorg retracts the events of the blocks it removed (change
RETRACTED) before the events of their replacements; with finalizedOnly only events of final blocks
are sent (never retracted, some blocks later).
"""
type Subscription {
  """Accruals paid to an address (any case)."""
  accruals(account: String!, fromBlock: BigInt, after: String, finalizedOnly: Boolean): AccrualEvent!
  """Inferences: all, or of a model, of a datanet (one of its contributions attributed), or attributing a contribution."""
  inferences(modelId: BigInt, datanetId: BigInt, contributionId: BigInt, fromBlock: BigInt, after: String, finalizedOnly: Boolean): InferenceEvent!
  """Inferences that break an audit rule (any rule when rule is null)."""
  flaggedInferences(rule: AuditRule, fromBlock: BigInt, after: String, finalizedOnly: Boolean): InferenceEvent!
}

"""ADDED: an event of the indexed chain. RETRACTED: a reorg removed the block of an event sent before."""
enum StreamChange { ADDED RETRACTED }

type AccrualEvent {
  change: StreamChange!
  """Opaque. Pass it as after (with the same other arguments) to resume after this event: what changed while away comes first, nothing twice."""
  cursor: String!
  blockNumber: BigInt!
  blockHash: String!
  logIndex: Int!
  accrual: Accrual!
}

type InferenceEvent {
  change: StreamChange!
  """Opaque. Pass it as after (with the same other arguments) to resume after this event: what changed while away comes first, nothing twice."""
  cursor: String!
  blockNumber: BigInt!
  blockHash: String!
  logIndex: Int!
  inference: Inference!
}
`;
