/**
 * Every GraphQL query the explorer sends, with the result types it relies on. Built against the
 * API's schema (api/graphql/typeDefs.ts, published as schema.graphql); queries.test.ts validates
 * every query here against it, so a renamed field fails a test instead of a page.
 * BigInt values arrive as decimal strings; addresses and hashes as lowercase 0x strings.
 */
import type { LineageEdge, LineageNode } from "../lineage/types";
import type { Rule as AuditRule } from "../../../core/audit";

export type BigIntString = string;
export type Role = "TREASURY" | "MODEL_OWNER" | "DATANET_OWNER" | "CONTRIBUTOR";
export type ContributionStatus = "PENDING" | "ACCEPTED" | "REJECTED" | "REVOKED";
export type { AuditRule };
export interface PageInfo { hasNextPage: boolean; endCursor: string | null }
export interface Page<T> { items: T[]; pageInfo: PageInfo; totalCount: number }

export interface ModelRef { id: BigIntString; name: string }
export interface DatanetRef { id: BigIntString; name: string }

// ---------- fragments ----------
const INFERENCE_ROW = `
  id modelId model { id name } payer fee outputHash method methodName
  blockNumber timestamp transactionHash clean violations { rule }`;
export interface InferenceRow {
  id: BigIntString; modelId: BigIntString; model: ModelRef | null; payer: string; fee: BigIntString; outputHash: string;
  method: number; methodName: string; blockNumber: BigIntString; timestamp: BigIntString; transactionHash: string;
  clean: boolean; violations: Array<{ rule: AuditRule }>;
}

const TRAINING_RUN_ROW = `
  modelId version model { id name } datanetIds datanets { id name } verified claimedRoot recomputedRoot
  claimedCount recomputedCount artifactHash unknownDatanetIds blockNumber timestamp transactionHash
  flow { attributionCount amount }`;
export interface TrainingRunRow {
  modelId: BigIntString; version: number; model: ModelRef | null; datanetIds: BigIntString[]; datanets: DatanetRef[];
  verified: boolean; claimedRoot: string; recomputedRoot: string; claimedCount: number; recomputedCount: number;
  artifactHash: string; unknownDatanetIds: BigIntString[]; blockNumber: BigIntString; timestamp: BigIntString; transactionHash: string;
  /** What inferences drew on the run since it was recorded (PROTOCOL.md's rule). */
  flow: { attributionCount: number; amount: BigIntString };
}

const CONTRIBUTION_ROW = `
  id datanetId datanet { id name } contributor contentHash uri size status earned inferenceCount blockNumber timestamp`;
export interface ContributionRow {
  id: BigIntString; datanetId: BigIntString; datanet: DatanetRef | null; contributor: string; contentHash: string; uri: string;
  size: BigIntString; status: ContributionStatus; earned: BigIntString; inferenceCount: number; blockNumber: BigIntString; timestamp: BigIntString;
}

// ---------- home ----------
export const HOME = `query Home($limit: Int!) {
  network { datanets contributions models trainingRuns inferences attributions accounts totalFees totalAccrued totalClaimed flaggedInferences unverifiedTrainingRuns protocolFeeBps modelOwnerShareBps treasury lastEventBlock }
  topDatanets(limit: $limit) { id name owner totalPaid ownerShareBps contributionCounts { accepted } }
  topModels(limit: $limit) { id name owner inferenceCount totalFees parentModelId }
  topEarners(limit: $limit) { address accrued claimable }
}`;
export interface NetworkStats {
  datanets: number; contributions: number; models: number; trainingRuns: number; inferences: number; attributions: number;
  accounts: number; totalFees: BigIntString; totalAccrued: BigIntString; totalClaimed: BigIntString; flaggedInferences: number; unverifiedTrainingRuns: number;
  protocolFeeBps: number; modelOwnerShareBps: number; treasury: string; lastEventBlock: BigIntString;
}
export interface HomeData {
  network: NetworkStats;
  topDatanets: Array<{ id: BigIntString; name: string; owner: string; totalPaid: BigIntString; ownerShareBps: number; contributionCounts: { accepted: number } }>;
  topModels: Array<{ id: BigIntString; name: string; owner: string; inferenceCount: number; totalFees: BigIntString; parentModelId: BigIntString | null }>;
  topEarners: Array<{ address: string; accrued: BigIntString; claimable: BigIntString }>;
}

export const RECENT_INFERENCES = `query Recent($limit: Int!) {
  recentInferences(limit: $limit) { items { ${INFERENCE_ROW} } totalCount }
}`;
export interface RecentData { recentInferences: { items: InferenceRow[]; totalCount: number } }
/** Tells the live feed when to refresh: each new (or reorged-away) inference. */
export const LIVE_INFERENCES = `subscription LiveInferences { inferences { change blockNumber } }`;

// ---------- search ----------
export const SEARCH = `query Search($text: String!, $limit: Int) { search(text: $text, limit: $limit) { kind id label matched score } }`;
export interface SearchResult { kind: string; id: string; label: string; matched: string; score: number }
export interface SearchData { search: SearchResult[] }

// ---------- as of a block ----------
export const BLOCK_AT = `query BlockAt($number: BigInt, $timestamp: BigInt) { blockAt(number: $number, timestamp: $timestamp) { number hash timestamp } }`;
export interface BlockAtData { blockAt: { number: BigIntString; hash: string; timestamp: BigIntString } }

// ---------- account ----------
export const ACCOUNT = `query Account($address: String!, $limit: Int!, $block: BlockHeight) {
  account(address: $address, block: $block) {
    address accrued claimed claimable accrualCount claimCount feesPaid inferencesPaid
    earningsByRole { role accrued accrualCount }
    earningsByModel(limit: $limit) { items { modelId model { id name } accrued } totalCount pageInfo { hasNextPage endCursor } }
    earningsByDatanet(limit: $limit) { items { datanetId datanet { id name } accrued ownerCut contributorCut } totalCount pageInfo { hasNextPage endCursor } }
    earningsByDay { day accrued claimed }
    datanetsOwned { id name }
    modelsOwned { id name }
  }
}`;
export interface AccountData {
  account: {
    address: string; accrued: BigIntString; claimed: BigIntString; claimable: BigIntString;
    accrualCount: number; claimCount: number; feesPaid: BigIntString; inferencesPaid: number;
    earningsByRole: Array<{ role: Role; accrued: BigIntString; accrualCount: number }>;
    earningsByModel: Page<{ modelId: BigIntString; model: ModelRef | null; accrued: BigIntString }>;
    earningsByDatanet: Page<{ datanetId: BigIntString; datanet: DatanetRef | null; accrued: BigIntString; ownerCut: BigIntString; contributorCut: BigIntString }>;
    earningsByDay: Array<{ day: string; accrued: BigIntString; claimed: BigIntString }>;
    datanetsOwned: DatanetRef[];
    modelsOwned: ModelRef[];
  };
}

export const ACCOUNT_CONTRIBUTION_EARNINGS = `query AccountContributionEarnings($address: String!, $limit: Int!, $after: String, $block: BlockHeight) {
  account(address: $address, block: $block) {
    earningsByContribution(limit: $limit, after: $after) {
      items { contributionId contribution { id datanetId datanet { id name } status uri } accrued share ownerCut contributorCut inferenceCount }
      totalCount pageInfo { hasNextPage endCursor }
    }
  }
}`;
export interface ContributionEarningsRow {
  contributionId: BigIntString;
  contribution: { id: BigIntString; datanetId: BigIntString; datanet: DatanetRef | null; status: ContributionStatus; uri: string } | null;
  /** What it earned for this account (its contributor cuts). */
  accrued: BigIntString; share: BigIntString; ownerCut: BigIntString; contributorCut: BigIntString; inferenceCount: number;
}
export interface AccountContributionEarningsData { account: { earningsByContribution: Page<ContributionEarningsRow> } }

export const ACCOUNT_CONTRIBUTIONS = `query AccountContributions($address: String!, $limit: Int!, $after: String, $block: BlockHeight) {
  account(address: $address, block: $block) { contributions(limit: $limit, after: $after) { items { ${CONTRIBUTION_ROW} } totalCount pageInfo { hasNextPage endCursor } } }
}`;
export interface AccountContributionsData { account: { contributions: Page<ContributionRow> } }

export const ACCOUNT_CLAIMS = `query AccountClaims($address: String!, $limit: Int!, $after: String, $block: BlockHeight) {
  account(address: $address, block: $block) { claims(limit: $limit, after: $after) { items { account to amount blockNumber timestamp transactionHash } totalCount pageInfo { hasNextPage endCursor } } }
}`;
export interface ClaimRow { account: string; to: string; amount: BigIntString; blockNumber: BigIntString; timestamp: BigIntString; transactionHash: string }
export interface AccountClaimsData { account: { claims: Page<ClaimRow> } }

// ---------- model ----------
export const MODEL = `query Model($id: BigInt!, $block: BlockHeight) {
  model(id: $id, block: $block) {
    id owner name baseModel metadataURI parentModelId parent { id name } adapters { id name }
    trainingRuns { ${TRAINING_RUN_ROW} }
    inferenceCount flaggedInferenceCount totalFees blockNumber timestamp transactionHash
  }
}`;
export interface ModelData {
  model: {
    id: BigIntString; owner: string; name: string; baseModel: string; metadataURI: string; parentModelId: BigIntString | null;
    parent: ModelRef | null; adapters: ModelRef[]; trainingRuns: TrainingRunRow[];
    inferenceCount: number; flaggedInferenceCount: number; totalFees: BigIntString; blockNumber: BigIntString; timestamp: BigIntString; transactionHash: string;
  } | null;
}

export const MODEL_LINEAGE = `query Lineage($modelId: BigInt!, $depth: Int, $minWeightPpm: Int, $limit: Int, $recentInferences: Int, $block: BlockHeight) {
  modelLineage(modelId: $modelId, depth: $depth, minWeightPpm: $minWeightPpm, limit: $limit, recentInferences: $recentInferences, block: $block) {
    modelId depth limit minWeightPpm recentInferences inferenceCount foldedNodes truncated
    nodes { id kind label entityId weightPpm amount foldedCount verified clean }
    edges { from to kind weightPpm amount }
  }
}`;
/** What the Model page asks first (depth 8: every parent model down to contributors; 20 = the API's default inferences). */
export const LINEAGE_DEFAULTS = { depth: 8, limit: 25, minWeightPpm: 0, recentInferences: 20 } as const;
/** A lineage graph as any of the four lineage fields sends it (rootId and amount: the downstream ones). */
export interface LineageAnswer {
  depth: number; limit: number; minWeightPpm: number; recentInferences: number; inferenceCount: number; foldedNodes: number; truncated: boolean;
  nodes: LineageNode[]; edges: LineageEdge[];
  modelId?: BigIntString;
  /** Downstream: the root's node id ("contribution:42", "datanet:1", "contributor:0x..") and what it earned. */
  rootId?: string;
  amount?: BigIntString;
}
export interface LineageData {
  modelLineage?: LineageAnswer | null;
  lineage?: LineageAnswer | null;
}

const DATA_LINEAGE_FIELDS = `rootId rootKind entityId amount depth limit minWeightPpm recentInferences inferenceCount foldedNodes truncated
    nodes { id kind label entityId weightPpm amount foldedCount verified clean }
    edges { from to kind weightPpm amount }`;
const DATA_LINEAGE_ARGS = "depth: $depth, minWeightPpm: $minWeightPpm, limit: $limit, recentInferences: $recentInferences, block: $block";
const DATA_LINEAGE_VARS = "$depth: Int, $minWeightPpm: Int, $limit: Int, $recentInferences: Int, $block: BlockHeight";
/** Where a contribution's data went (contribution → datanet → runs → models → adapters → inferences). */
export const CONTRIBUTION_LINEAGE = `query ContributionLineage($id: BigInt!, ${DATA_LINEAGE_VARS}) {
  lineage: contributionLineage(contributionId: $id, ${DATA_LINEAGE_ARGS}) { ${DATA_LINEAGE_FIELDS} }
}`;
export const DATANET_LINEAGE = `query DatanetLineage($id: BigInt!, ${DATA_LINEAGE_VARS}) {
  lineage: datanetLineage(datanetId: $id, ${DATA_LINEAGE_ARGS}) { ${DATA_LINEAGE_FIELDS} }
}`;
export const ACCOUNT_LINEAGE = `query AccountLineage($id: String!, ${DATA_LINEAGE_VARS}) {
  lineage: accountLineage(address: $id, ${DATA_LINEAGE_ARGS}) { ${DATA_LINEAGE_FIELDS} }
}`;

/** What a lineage graph is about: a model (upstream), or data (downstream: "where this data went"). */
export type LineageTarget = { kind: "model" | "contribution" | "datanet" | "account"; id: string };

/** The query, its root variables and where its answer is, for a lineage target. */
export function lineageQueryOf(target: LineageTarget): { query: string; variables: Record<string, unknown>; pick: (d: LineageData) => LineageAnswer | null | undefined } {
  switch (target.kind) {
    case "model":
      return { query: MODEL_LINEAGE, variables: { modelId: target.id }, pick: (d) => d.modelLineage };
    case "contribution":
      return { query: CONTRIBUTION_LINEAGE, variables: { id: target.id }, pick: (d) => d.lineage };
    case "datanet":
      return { query: DATANET_LINEAGE, variables: { id: target.id }, pick: (d) => d.lineage };
    case "account":
      return { query: ACCOUNT_LINEAGE, variables: { id: target.id }, pick: (d) => d.lineage };
  }
}

export const TRAINING_RUN = `query TrainingRun($modelId: BigInt!, $version: Int!) {
  trainingRun(modelId: $modelId, version: $version) { ${TRAINING_RUN_ROW} }
}`;
export interface TrainingRunData { trainingRun: TrainingRunRow | null }

export const CONTRIBUTION_PROOF = `query Proof($modelId: BigInt!, $version: Int!, $contributionId: BigInt!) {
  contributionProof(modelId: $modelId, version: $version, contributionId: $contributionId) { modelId version contributionId included leaf root claimedRoot proof validAgainstClaimedRoot }
}`;
export interface ContributionProofData {
  contributionProof: { modelId: BigIntString; version: number; contributionId: BigIntString; included: boolean; leaf: string; root: string; claimedRoot: string; proof: string[]; validAgainstClaimedRoot: boolean } | null;
}

// ---------- datanet ----------
export const DATANET = `query Datanet($id: BigInt!, $status: ContributionStatus, $limit: Int!, $after: String, $block: BlockHeight) {
  datanet(id: $id, block: $block) {
    id owner name metadataURI ownerShareBps permissioned totalPaid ownerCutTotal contributorCutTotal attributionCount blockNumber timestamp transactionHash
    contributionCounts { total pending accepted rejected revoked }
    contributions(status: $status, limit: $limit, after: $after) { items { ${CONTRIBUTION_ROW} } totalCount pageInfo { hasNextPage endCursor } }
    models { id name owner inferenceCount totalFees }
    payees(limit: 50) { items { account accrued ownerCut contributorCut attributionCount } totalCount pageInfo { hasNextPage endCursor } }
  }
}`;
export interface DatanetData {
  datanet: {
    id: BigIntString; owner: string; name: string; metadataURI: string; ownerShareBps: number; permissioned: boolean;
    totalPaid: BigIntString; ownerCutTotal: BigIntString; contributorCutTotal: BigIntString; attributionCount: number;
    blockNumber: BigIntString; timestamp: BigIntString; transactionHash: string;
    contributionCounts: { total: number; pending: number; accepted: number; rejected: number; revoked: number };
    contributions: Page<ContributionRow>;
    models: Array<{ id: BigIntString; name: string; owner: string; inferenceCount: number; totalFees: BigIntString }>;
    payees: Page<{ account: string; accrued: BigIntString; ownerCut: BigIntString; contributorCut: BigIntString; attributionCount: number }>;
  } | null;
}

// ---------- contribution ----------
export const CONTRIBUTION = `query Contribution($id: BigInt!, $block: BlockHeight) {
  contribution(id: $id, block: $block) {
    ${CONTRIBUTION_ROW} ownerCut contributorCut transactionHash
    datanet { id name owner ownerShareBps }
    history { status reason by blockNumber timestamp transactionHash }
  }
}`;
/** What a contribution earned per UTC day (its earnings chart). */
export const CONTRIBUTION_EARNINGS = `query ContributionEarnings($id: BigInt!, $block: BlockHeight) {
  contribution(id: $id, block: $block) { id earningsByDay { day earned ownerCut contributorCut attributionCount } }
}`;
export interface ContributionEarningsByDayData {
  contribution: { id: BigIntString; earningsByDay: Array<{ day: string; earned: BigIntString; ownerCut: BigIntString; contributorCut: BigIntString; attributionCount: number }> } | null;
}
/** A contribution's inferences, newest first (paged with usePaged). */
export const CONTRIBUTION_INFERENCES = `query ContributionInferences($id: BigInt!, $limit: Int, $after: String, $block: BlockHeight) {
  contribution(id: $id, block: $block) {
    id
    inferences(limit: $limit, after: $after) {
      items { inferenceId modelId model { id name } weightPpm share ownerCut contributorCut blockNumber timestamp transactionHash }
      pageInfo { hasNextPage endCursor } totalCount
    }
  }
}`;
export interface ContributionInferenceRow {
  inferenceId: BigIntString; modelId: BigIntString; model: ModelRef | null; weightPpm: number;
  share: BigIntString; ownerCut: BigIntString; contributorCut: BigIntString;
  blockNumber: BigIntString; timestamp: BigIntString; transactionHash: string;
}
export interface ContributionInferencesData { contribution: { id: BigIntString; inferences: Page<ContributionInferenceRow> } | null }

/** Every training run that named the contribution's datanet, with membership (proofs on demand: CONTRIBUTION_PROOF). */
export const CONTRIBUTION_RUNS = `query ContributionRuns($id: BigInt!, $block: BlockHeight) {
  contribution(id: $id, block: $block) {
    id
    trainingRuns {
      modelId version included model { id name }
      run { verified claimedRoot recomputedRoot recomputedCount blockNumber timestamp transactionHash }
    }
  }
}`;
export interface ContributionRunRow {
  modelId: BigIntString; version: number; included: boolean; model: ModelRef | null;
  run: { verified: boolean; claimedRoot: string; recomputedRoot: string; recomputedCount: number; blockNumber: BigIntString; timestamp: BigIntString; transactionHash: string };
}
export interface ContributionRunsData { contribution: { id: BigIntString; trainingRuns: ContributionRunRow[] } | null }

export interface ContributionData {
  contribution: (Omit<ContributionRow, "datanet"> & {
    ownerCut: BigIntString; contributorCut: BigIntString; transactionHash: string;
    datanet: { id: BigIntString; name: string; owner: string; ownerShareBps: number } | null;
    history: Array<{ status: ContributionStatus; reason: string | null; by: string; blockNumber: BigIntString; timestamp: BigIntString; transactionHash: string }>;
  }) | null;
}

// ---------- inference ----------
const INFERENCE_FULL = `
  ${INFERENCE_ROW} logIndex sender
  violations { rule contributionIds message }
  attributions {
    contributionId contribution { id status } datanetId datanet { id name ownerShareBps } contributor datanetOwner
    weightPpm share ownerCut contributorCut statusAtInference accepted inLineage
  }
  accruals { account role amount expectedAmount matchesSplit }`;
export interface InferenceFull extends Omit<InferenceRow, "violations"> {
  logIndex: number;
  sender: string;
  violations: Array<{ rule: AuditRule; contributionIds: BigIntString[]; message: string }>;
  attributions: Array<{
    contributionId: BigIntString; contribution: { id: BigIntString; status: ContributionStatus } | null;
    datanetId: BigIntString | null; datanet: { id: BigIntString; name: string; ownerShareBps: number } | null;
    contributor: string | null; datanetOwner: string | null; weightPpm: number; share: BigIntString; ownerCut: BigIntString; contributorCut: BigIntString;
    statusAtInference: ContributionStatus | null; accepted: boolean; inLineage: boolean;
  }>;
  accruals: Array<{ account: string; role: Role; amount: BigIntString; expectedAmount: BigIntString; matchesSplit: boolean }>;
}
export const INFERENCE = `query Inference($id: BigInt!) { inference(id: $id) { ${INFERENCE_FULL} } }`;
export interface InferenceData { inference: InferenceFull | null }

export const INFERENCES_BY_OUTPUT = `query ByOutput($outputHash: String!) { inferencesByOutput(outputHash: $outputHash) { ${INFERENCE_ROW} } }`;
export interface InferencesByOutputData { inferencesByOutput: InferenceRow[] }

// ---------- audit ----------
export const AUDIT_INFERENCES = `query AuditInferences($rule: AuditRule, $modelId: BigInt, $datanetId: BigInt, $limit: Int!, $after: String) {
  auditInferences(rule: $rule, modelId: $modelId, datanetId: $datanetId, limit: $limit, after: $after) {
    items { ${INFERENCE_ROW} violations { rule contributionIds message } } totalCount pageInfo { hasNextPage endCursor }
  }
}`;
export type AuditInferenceRow = Omit<InferenceRow, "violations"> & { violations: Array<{ rule: AuditRule; contributionIds: BigIntString[]; message: string }> };
export interface AuditInferencesData { auditInferences: Page<AuditInferenceRow> }

export const AUDIT_TRAINING_RUNS = `query AuditRuns($modelId: BigInt, $limit: Int!, $after: String) {
  auditTrainingRuns(modelId: $modelId, limit: $limit, after: $after) { items { ${TRAINING_RUN_ROW} } totalCount pageInfo { hasNextPage endCursor } }
}`;
export interface AuditTrainingRunsData { auditTrainingRuns: Page<TrainingRunRow> }
