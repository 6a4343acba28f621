/**
 * AttributionEngine events: attestors, fee parameters, inferences with their attributions and
 * audit facts, reward accruals and claims. Facts only: what an inference is (its row, its
 * attributions with the split recomputed and the run each drew on, the accruals the split
 * predicts) and what the chain emitted (one row per RewardAccrued and RewardClaimed). Totals and
 * the SPLIT_MISMATCH verdict (predicted against emitted accruals) are SQL over these facts
 * (api/totals/, api/graphql/resolvers/inference.ts).
 *
 * The InferenceAttributed handler reads as three steps: gather what the registries say at this
 * point (gatherFacts), recompute the split and the audit facts (assess), write the inference, its
 * attributions and its predicted accruals (writeInference). Every read is by primary key from
 * Ponder's cache; RewardAccrued and RewardClaimed read nothing.
 */
import { ponder } from "ponder:registry";
import { accrualExpectation, attestor, attribution, contribution, datanet, feeParamsChange, inference, model, rewardAccrual, rewardClaim } from "ponder:schema";
import { contributionRules, storeViolations, type AttributedFacts } from "../core/audit.js";
import { creditedRun, type LineageModel } from "../core/lineage.js";
import { PPM, Status } from "../core/roles.js";
import { splitFee, type AttributionInput, type Split } from "../core/split.js";
import { feeParamsOf, lower, origin, readNetwork, updateNetwork, ZERO_ADDRESS, type Address, type Db, type NetworkRow } from "./state.js";

/** Guard against a corrupt parent chain: the chain cannot make cycles, but the indexer never loops. */
const MAX_LINEAGE_DEPTH = 256;

ponder.on("AttributionEngine:AttestorUpdated", async ({ event, context }) => {
  const { attestor: address, allowed } = event.args;
  await context.db
    .insert(attestor)
    .values({ address: lower(address), allowed, changeCount: 1, blockNumber: event.block.number, transactionHash: event.transaction.hash })
    .onConflictDoUpdate((row) => ({ allowed, changeCount: row.changeCount + 1, blockNumber: event.block.number, transactionHash: event.transaction.hash }));
  await updateNetwork(context.db, event.block);
});

ponder.on("AttributionEngine:FeeParamsUpdated", async ({ event, context }) => {
  const { protocolFeeBps, modelOwnerShareBps, treasury } = event.args;
  await context.db
    .insert(feeParamsChange)
    .values({
      id: event.id,
      protocolFeeBps,
      modelOwnerShareBps,
      treasury: lower(treasury),
      ...origin(event),
      blockHash: event.block.hash,
    })
    .onConflictDoNothing();
  await updateNetwork(context.db, event.block, { feeParamsKnown: true, protocolFeeBps, modelOwnerShareBps, treasury: lower(treasury) });
});

type ModelRow = typeof model.$inferSelect;
type InferenceEvent = Parameters<Parameters<typeof ponder.on<"AttributionEngine:InferenceAttributed">>[1]>[0]["event"];

/** The model and its ancestors (parentModelId chain), nearest first; stops at an unknown parent. */
async function ancestry(db: Db, self: ModelRow): Promise<LineageModel[]> {
  const out: LineageModel[] = [self];
  const seen = new Set([self.id]);
  let parentId = self.parentModelId;
  while (parentId !== null && !seen.has(parentId) && out.length < MAX_LINEAGE_DEPTH) {
    const parent = await db.find(model, { id: parentId });
    if (parent === null) break;
    out.push(parent);
    seen.add(parent.id);
    parentId = parent.parentModelId;
  }
  return out;
}

/** One attributed contribution as the registries describe it at the inference (known: contribution and datanet seen). */
interface Attributed extends AttributedFacts {
  weightPpm: number;
  contributor: Address | null;
  datanetOwner: Address | null;
  ownerShareBps: number;
}

/** What the registries say at this point, in block and log order. */
interface Facts {
  net: NetworkRow | null;
  served: ModelRow | null;
  lineage: LineageModel[];
  attributed: Attributed[];
}

/** Step 1: the state row, the served model and its ancestors, each attributed contribution and its datanet. */
async function gatherFacts(db: Db, modelId: bigint, contributionIds: readonly bigint[], weightsPpm: readonly number[]): Promise<Facts> {
  const net = await readNetwork(db);
  const served = await db.find(model, { id: modelId });
  const lineage = served === null ? [] : await ancestry(db, served);
  const datanets = new Map<bigint, { owner: Address; ownerShareBps: number } | null>(); // each datanet read once
  const attributed: Attributed[] = [];
  for (let i = 0; i < contributionIds.length; i++) {
    const contributionId = contributionIds[i]!;
    const c = await db.find(contribution, { id: contributionId });
    let d = c === null ? null : datanets.get(c.datanetId);
    if (c !== null && d === undefined) {
      const row = await db.find(datanet, { id: c.datanetId });
      d = row === null ? null : { owner: row.owner, ownerShareBps: row.ownerShareBps };
      datanets.set(c.datanetId, d);
    }
    attributed.push({
      contributionId,
      weightPpm: weightsPpm[i]!,
      status: c?.status ?? null,
      datanetId: c?.datanetId ?? null,
      contributor: c && d ? c.contributor : null,
      datanetOwner: d?.owner ?? null,
      ownerShareBps: d?.ownerShareBps ?? 0,
    });
  }
  return { net, served, lineage, attributed };
}

/** Step 2: the split as it should be and the contribution rules. */
function assess(facts: Facts, fee: bigint) {
  // Contributions whose payees are unknown get their share computed but no predicted accrual, so
  // the chain's accruals for them show up as SPLIT_MISMATCH.
  const inputs: AttributionInput[] = facts.attributed
    .filter((a) => a.contributor !== null && a.datanetOwner !== null && a.datanetId !== null)
    .map((a) => ({ contributionId: a.contributionId, weightPpm: a.weightPpm, datanetId: a.datanetId!, datanetOwner: a.datanetOwner!, ownerShareBps: a.ownerShareBps, contributor: a.contributor! }));
  const split = splitFee({ fee, params: feeParamsOf(facts.net), modelOwner: facts.served?.owner ?? ZERO_ADDRESS, attributions: inputs });
  const trained = new Set(facts.lineage.flatMap((m) => m.trainedDatanetIds));
  const violations = contributionRules(facts.attributed, trained);
  return { split, violations };
}

/** Step 3: the inference row, one attribution row per distinct contribution, the predicted accruals. */
async function writeInference(db: Db, event: InferenceEvent, facts: Facts, split: Split, violations: ReturnType<typeof contributionRules>): Promise<void> {
  const { inferenceId, modelId, payer, outputHash, fee, method } = event.args;
  const { blockNumber, at } = { blockNumber: event.block.number, at: event.id };
  await db.insert(inference).values({
    id: inferenceId,
    modelId,
    payer: lower(payer),
    outputHash,
    fee,
    method,
    attributionCount: facts.attributed.length,
    contributionIds: facts.attributed.map((a) => a.contributionId),
    weightsPpm: facts.attributed.map((a) => a.weightPpm),
    sender: lower(event.transaction.from),
    modelKnown: facts.served !== null,
    unknownContributionIds: facts.attributed.filter((a) => a.status === null).map((a) => a.contributionId),
    violations: storeViolations(violations),
    notAccepted: violations.some((v) => v.rule === "CONTRIBUTION_NOT_ACCEPTED"),
    outsideLineage: violations.some((v) => v.rule === "OUTSIDE_TRAINING_LINEAGE"),
    expectedAccrualCount: split.accruals.length,
    blockNumber,
    blockHash: event.block.hash,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
    at,
  });

  // A contribution attributed twice keeps its first row (by position).
  const lines = new Map(split.lines.map((l) => [l.contributionId, l]));
  const seen = new Set<bigint>();
  const rows: (typeof attribution.$inferInsert)[] = [];
  facts.attributed.forEach((a, position) => {
    if (seen.has(a.contributionId)) return;
    seen.add(a.contributionId);
    const line = lines.get(a.contributionId);
    const run = a.datanetId === null ? null : creditedRun(facts.lineage, a.datanetId);
    rows.push({
      inferenceId,
      contributionId: a.contributionId,
      position,
      modelId,
      weightPpm: a.weightPpm,
      share: line?.share ?? (split.pool * BigInt(a.weightPpm)) / BigInt(PPM),
      ownerCut: line?.ownerCut ?? 0n,
      contributorCut: line?.contributorCut ?? 0n,
      datanetId: a.datanetId,
      contributor: line ? lower(line.contributor) : null,
      datanetOwner: line ? lower(line.datanetOwner) : null,
      contributionKnown: a.status !== null,
      statusAtInference: a.status,
      accepted: a.status === Status.Accepted,
      inLineage: run !== null,
      trainerModelId: run?.trainerModelId ?? null,
      runVersion: run?.runVersion ?? null,
      blockNumber,
      timestamp: event.block.timestamp,
    });
  });
  if (rows.length > 0) await db.insert(attribution).values(rows);
  if (split.accruals.length > 0) {
    await db.insert(accrualExpectation).values(split.accruals.map((a) => ({ inferenceId, account: lower(a.account), role: a.role, amount: a.amount })));
  }
}

ponder.on("AttributionEngine:InferenceAttributed", async ({ event, context }) => {
  const db = context.db;
  const { inferenceId, modelId, fee } = event.args;
  const net = await readNetwork(db);
  // Ids count up: only an id at or below the highest seen can be a repeat (the first one stands).
  if (net !== null && inferenceId <= net.lastInferenceId && (await db.find(inference, { id: inferenceId })) !== null) return;
  const n = Math.min(event.args.contributionIds.length, event.args.weightsPpm.length);
  const facts = await gatherFacts(db, modelId, event.args.contributionIds.slice(0, n), event.args.weightsPpm.slice(0, n));
  const { split, violations } = assess(facts, fee);
  await writeInference(db, event, facts, split, violations);
  await updateNetwork(db, event.block, inferenceId > (net?.lastInferenceId ?? 0n) ? { lastInferenceId: inferenceId } : {}, facts.net);
});

ponder.on("AttributionEngine:RewardAccrued", async ({ event, context }) => {
  const { account, inferenceId, role, amount } = event.args;
  await context.db.insert(rewardAccrual).values({
    id: event.id,
    inferenceId,
    account: lower(account),
    role,
    amount,
    ...origin(event),
    blockHash: event.block.hash,
  });
});

ponder.on("AttributionEngine:RewardClaimed", async ({ event, context }) => {
  const { account, to, amount } = event.args;
  await context.db
    .insert(rewardClaim)
    .values({
      id: event.id,
      account: lower(account),
      to: lower(to),
      amount,
      ...origin(event),
    })
    .onConflictDoNothing();
  await updateNetwork(context.db, event.block);
});

