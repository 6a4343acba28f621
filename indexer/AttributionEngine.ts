/**
 * AttributionEngine events: attestors, fee parameters, inferences with their attributions and
 * audit verdict, reward accruals and claims.
 *
 * SPLIT_MISMATCH is decided incrementally, without transaction receipts. InferenceAttributed
 * recomputes the split (core/split.ts) from the fee parameters in force and the registries, and
 * writes one expected rewardAccrual row per predicted (account, role). Each RewardAccrued that
 * follows in the same transaction fills its row and is classified "match" (predicted, first time,
 * same amount) or "unexpected"; the inference keeps counters and is marked SPLIT_MISMATCH until
 * matched == expected and unexpected == 0. Because the contract emits InferenceAttributed first
 * and all its RewardAccrued events right after it in the same transaction, the verdict is final
 * once that transaction's logs are processed. On PostgreSQL Ponder commits whole blocks, so no
 * reader sees the intermediate state; on PGlite Ponder 0.16 writes a block without a transaction,
 * so a reader can, for as long as the block takes to write (README, DATABASE_URL). Missing
 * accruals leave the flag set, extra or wrong ones set it. This costs a cache read and a buffered
 * write per accrual, where receipts would cost an RPC call per transaction during the sync and a
 * second decode of every log.
 */
import { ponder } from "ponder:registry";
import { attestor, attribution, contribution, datanet, feeParamsChange, inference, inferenceSplitCheck, model, rewardAccrual, rewardClaim } from "ponder:schema";
import {
  classifyAccrual,
  contributionRules,
  loadViolations,
  splitMismatch,
  storeViolations,
  verdict,
  type AttributedFacts,
} from "../core/audit.js";
import { PPM, Status } from "../core/roles.js";
import { splitFee, type AttributionInput } from "../core/split.js";
import {
  addAccountDatanets,
  addAccountDay,
  addAccountModel,
  addContributionsEarned,
  addDatanetsPaid,
  addLineageEdges,
  addModelInference,
  addPaid,
  bumpAccount,
  bumpNetwork,
  EdgeBatch,
  emptyPaid,
  getNetwork,
  lower,
  setNetworkFeeParams,
  utcDay,
  ZERO_ADDRESS,
  type AccountDatanetFlow,
  type Address,
  type BlockRef,
  type Db,
  type PaidTotals,
} from "./aggregates.js";

/** Guard against a corrupt parent chain: the chain cannot make cycles, but the indexer never loops. */
const MAX_LINEAGE_DEPTH = 256;

ponder.on("AttributionEngine:AttestorUpdated", async ({ event, context }) => {
  const { attestor: address, allowed } = event.args;
  await context.db
    .insert(attestor)
    .values({ address: lower(address), allowed, changeCount: 1, blockNumber: event.block.number, transactionHash: event.transaction.hash })
    .onConflictDoUpdate((row) => ({ allowed, changeCount: row.changeCount + 1, blockNumber: event.block.number, transactionHash: event.transaction.hash }));
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
      blockNumber: event.block.number,
      timestamp: event.block.timestamp,
      transactionHash: event.transaction.hash,
    })
    .onConflictDoNothing();
  await setNetworkFeeParams(context.db, { protocolFeeBps, modelOwnerShareBps, treasury }, event.block);
});

type ModelRow = typeof model.$inferSelect;

/** The model and its ancestors (parentModelId chain), nearest first; stops at an unknown parent. */
async function ancestry(db: Db, self: ModelRow): Promise<{ id: bigint; trainedDatanetIds: readonly bigint[] }[]> {
  const out = [{ id: self.id, trainedDatanetIds: self.trainedDatanetIds }];
  const seen = new Set([self.id]);
  let parentId = self.parentModelId;
  while (parentId !== null && !seen.has(parentId) && out.length < MAX_LINEAGE_DEPTH) {
    const parent = await db.find(model, { id: parentId });
    if (parent === null) break;
    out.push({ id: parent.id, trainedDatanetIds: parent.trainedDatanetIds });
    seen.add(parent.id);
    parentId = parent.parentModelId;
  }
  return out;
}

ponder.on("AttributionEngine:InferenceAttributed", async ({ event, context }) => {
  const db = context.db;
  const { inferenceId, modelId, payer, outputHash, fee, method } = event.args;
  if ((await db.find(inference, { id: inferenceId })) !== null) return; // a repeated id: the first one stands
  const n = Math.min(event.args.contributionIds.length, event.args.weightsPpm.length);
  const contributionIds = event.args.contributionIds.slice(0, n);
  const weightsPpm = event.args.weightsPpm.slice(0, n);
  const blockNumber = event.block.number;

  // What the registries say, as of this point in block and log order.
  const net = await getNetwork(db, event.block);
  const served = await db.find(model, { id: modelId });
  const lineage = served === null ? [] : await ancestry(db, served);
  const trainedBy = new Map<bigint, number>(); // datanet -> index in lineage of the nearest model trained on it
  lineage.forEach((m, i) => m.trainedDatanetIds.forEach((d) => trainedBy.has(d) || trainedBy.set(d, i)));

  const facts: AttributedFacts[] = [];
  const inputs: AttributionInput[] = [];
  const known: boolean[] = [];
  const unknownContributionIds: bigint[] = [];
  const datanets = new Map<bigint, { owner: Address; ownerShareBps: number } | null>(); // read each datanet once
  for (let i = 0; i < n; i++) {
    const contributionId = contributionIds[i]!;
    const c = await db.find(contribution, { id: contributionId });
    let d = c === null ? null : datanets.get(c.datanetId);
    if (c !== null && d === undefined) {
      const row = await db.find(datanet, { id: c.datanetId });
      d = row === null ? null : { owner: row.owner, ownerShareBps: row.ownerShareBps };
      datanets.set(c.datanetId, d);
    }
    d ??= null;
    facts.push({ contributionId, status: c?.status ?? null, datanetId: c?.datanetId ?? null });
    if (c === null) unknownContributionIds.push(contributionId);
    known.push(c !== null && d !== null);
    if (c !== null && d !== null) {
      inputs.push({ contributionId, weightPpm: weightsPpm[i]!, datanetId: c.datanetId, datanetOwner: d.owner, ownerShareBps: d.ownerShareBps, contributor: c.contributor });
    }
  }

  // The split as it should be. Contributions whose payees are unknown get their share computed but
  // no expected accrual, so the chain's accruals for them show up as SPLIT_MISMATCH.
  const split = splitFee({
    fee,
    params: { protocolFeeBps: net.protocolFeeBps, modelOwnerShareBps: net.modelOwnerShareBps, treasury: net.treasury },
    modelOwner: served?.owner ?? ZERO_ADDRESS,
    attributions: inputs,
  });
  const lines = new Map(split.lines.map((l) => [l.contributionId, l]));

  const base = contributionRules(facts, new Set(trainedBy.keys()));
  const mismatch = split.accruals.length > 0; // until the RewardAccrued events match
  const v = verdict(base, mismatch, contributionIds);

  await db.insert(inference).values({
    id: inferenceId,
    modelId,
    payer: lower(payer),
    outputHash,
    fee,
    method,
    attributionCount: n,
    contributionIds,
    weightsPpm,
    sender: lower(event.transaction.from),
    modelKnown: served !== null,
    unknownContributionIds,
    clean: v.clean,
    violations: storeViolations(v.violations),
    notAccepted: base.some((x) => x.rule === "CONTRIBUTION_NOT_ACCEPTED"),
    outsideLineage: base.some((x) => x.rule === "OUTSIDE_TRAINING_LINEAGE"),
    splitMismatch: mismatch,
    blockNumber,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
    at: event.id,
  });

  await db.insert(inferenceSplitCheck).values({ inferenceId, modelId, expected: split.accruals.length, matched: 0, unexpected: 0, mismatch });
  const day = utcDay(event.block.timestamp);
  if (split.accruals.length > 0) {
    await db
      .insert(rewardAccrual)
      .values(
        split.accruals.map((a) => ({
          inferenceId,
          account: lower(a.account),
          role: a.role,
          amount: 0n,
          expectedAmount: a.amount,
          expected: true,
          observed: false,
          matched: false,
          modelId,
          day,
          blockNumber,
          timestamp: event.block.timestamp,
          transactionHash: event.transaction.hash,
          logIndex: event.log.logIndex,
          at: event.id,
        })),
      )
      .onConflictDoNothing();
  }

  // Attribution rows and what flowed where, summed in memory so each aggregate table takes one
  // store call per inference. A contribution attributed twice keeps its first row (by position).
  const rows = [];
  const rowIds = new Set<bigint>();
  const perContribution = new Map<bigint, PaidTotals>();
  const perDatanet = new Map<bigint, PaidTotals>();
  const perAccountDatanet = new Map<string, AccountDatanetFlow>();
  const edges = new EdgeBatch();
  for (let i = 0; i < n; i++) {
    const contributionId = contributionIds[i]!;
    const weight = weightsPpm[i]!;
    const fact = facts[i]!;
    const line = known[i] ? lines.get(contributionId) : undefined;
    const share = line?.share ?? (split.pool * BigInt(weight)) / BigInt(PPM);
    const ownerCut = line?.ownerCut ?? 0n;
    const contributorCut = line?.contributorCut ?? 0n;
    const trainer = fact.datanetId === null ? undefined : trainedBy.get(fact.datanetId);
    const row = {
      inferenceId,
      contributionId,
      position: i,
      modelId,
      weightPpm: weight,
      share,
      ownerCut,
      contributorCut,
      datanetId: fact.datanetId,
      contributor: line ? lower(line.contributor) : null,
      datanetOwner: line ? lower(line.datanetOwner) : null,
      contributionKnown: fact.status !== null,
      statusAtInference: fact.status,
      accepted: fact.status === Status.Accepted,
      inLineage: trainer !== undefined,
      blockNumber,
      timestamp: event.block.timestamp,
    };
    if (!rowIds.has(contributionId)) {
      rowIds.add(contributionId);
      rows.push(row);
    }
    if (fact.status === null || fact.datanetId === null) continue;
    const paid: PaidTotals = { attributions: 1, weightPpm: BigInt(weight), share, ownerCut, contributorCut };
    const earned = perContribution.get(contributionId) ?? emptyPaid();
    addPaid(earned, paid);
    perContribution.set(contributionId, earned);
    if (line) {
      // the datanet is known too
      const dn = perDatanet.get(fact.datanetId) ?? emptyPaid();
      addPaid(dn, paid);
      perDatanet.set(fact.datanetId, dn);
      for (const [account, o, c] of [[lower(line.datanetOwner), ownerCut, 0n], [lower(line.contributor), 0n, contributorCut]] as const) {
        const key = `${account}|${fact.datanetId}`;
        const ad = perAccountDatanet.get(key) ?? { account, datanetId: fact.datanetId, ownerCut: 0n, contributorCut: 0n, attributions: 0 };
        ad.ownerCut += o;
        ad.contributorCut += c;
        ad.attributions += 1;
        perAccountDatanet.set(key, ad);
      }
    }
    // Lineage: served model -(ADAPTS)-> ... -> trainer -(TRAINED_ON)-> datanet -> contribution -> contributor.
    const w = BigInt(weight);
    const d = String(fact.datanetId);
    if (trainer === undefined) {
      edges.add(modelId, "UNTRAINED", String(modelId), d, w, share);
    } else {
      for (let k = 0; k < trainer; k++) edges.add(modelId, "ADAPTS", String(lineage[k]!.id), String(lineage[k + 1]!.id), w, share);
      edges.add(modelId, "TRAINED_ON", String(lineage[trainer]!.id), d, w, share);
    }
    edges.add(modelId, "HAS_CONTRIBUTION", d, String(contributionId), w, share);
    if (line) edges.add(modelId, "CONTRIBUTED_BY", String(contributionId), lower(line.contributor), w, contributorCut);
  }
  // A new inference id has no attribution rows yet and the rows are distinct: a plain insert.
  if (rows.length > 0) await db.insert(attribution).values(rows);
  await addContributionsEarned(db, perContribution);
  await addDatanetsPaid(db, perDatanet);
  await addAccountDatanets(db, perAccountDatanet);
  await addLineageEdges(db, edges);

  const flagged = v.clean ? 0 : 1;
  if (served !== null) await addModelInference(db, modelId, { inferences: 1, attributions: n, fees: fee, flagged });
  await bumpAccount(db, payer, { inferencesPaid: 1, feesPaid: fee }, event.block, { inferenceCount: 1, attributionCount: n, totalFees: fee, flaggedInferenceCount: flagged });
});

ponder.on("AttributionEngine:RewardAccrued", async ({ event, context }) => {
  const db = context.db;
  const { account, inferenceId, role, amount } = event.args;
  const blockNumber = event.block.number;
  const key = { inferenceId, account: lower(account), role };
  const check = await db.find(inferenceSplitCheck, { inferenceId });
  const observedAt = {
    day: utcDay(event.block.timestamp),
    blockNumber,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
    at: event.id,
  };
  // One upsert: an accrual nobody predicted is inserted as unexpected; a predicted row is filled
  // and classified against the prediction (the update function runs only when the row exists).
  let kind = "unexpected" as "match" | "unexpected";
  await db
    .insert(rewardAccrual)
    .values({ ...key, amount, expectedAmount: 0n, expected: false, observed: true, matched: false, modelId: check?.modelId ?? null, ...observedAt })
    .onConflictDoUpdate((row) => {
      kind = classifyAccrual(row, amount);
      return { amount: row.amount + amount, observed: true, matched: kind === "match", ...observedAt };
    });

  if (check !== null) {
    const matched = check.matched + (kind === "match" ? 1 : 0);
    const unexpected = check.unexpected + (kind === "match" ? 0 : 1);
    const mismatch = splitMismatch({ expected: check.expected, matched, unexpected });
    const { mismatch: before, modelId } = check; // read before the update: found rows are live views of the cache
    await db.update(inferenceSplitCheck, { inferenceId }).set({ matched, unexpected, mismatch });
    if (mismatch !== before) await setSplitVerdict(db, inferenceId, mismatch, event.block);
    await addAccountModel(db, account, modelId, amount);
  }
  await bumpAccount(db, account, { accrued: amount, accrualCount: 1, role: role as 0 | 1 | 2 | 3, roleAmount: amount }, event.block, { totalAccrued: amount });
  await addAccountDay(db, account, event.block.timestamp, { accrued: amount });
});

/** Rewrites an inference's verdict when its SPLIT_MISMATCH flag flips (at most a few times per inference). */
async function setSplitVerdict(db: Db, inferenceId: bigint, mismatch: boolean, block: BlockRef): Promise<void> {
  const inf = await db.find(inference, { id: inferenceId });
  if (inf === null) return;
  const base = loadViolations(inf.violations).filter((x) => x.rule !== "SPLIT_MISMATCH");
  const v = verdict(base, mismatch, inf.contributionIds);
  const wasClean = inf.clean;
  await db.update(inference, { id: inferenceId }).set({ splitMismatch: mismatch, clean: v.clean, violations: storeViolations(v.violations) });
  if (v.clean !== wasClean) {
    const flagged = v.clean ? -1 : 1;
    if (inf.modelKnown) await addModelInference(db, inf.modelId, { inferences: 0, attributions: 0, fees: 0n, flagged });
    await bumpNetwork(db, { flaggedInferenceCount: flagged }, block);
  }
}

ponder.on("AttributionEngine:RewardClaimed", async ({ event, context }) => {
  const db = context.db;
  const { account, to, amount } = event.args;
  const before = await bumpAccount(db, account, { claimed: amount, claimCount: 1 }, event.block, { totalClaimed: amount });
  await db
    .insert(rewardClaim)
    .values({
      id: event.id,
      account: lower(account),
      to: lower(to),
      amount,
      unbacked: before === null || before.claimable < amount,
      blockNumber: event.block.number,
      timestamp: event.block.timestamp,
      transactionHash: event.transaction.hash,
      logIndex: event.log.logIndex,
    })
    .onConflictDoNothing();
  await addAccountDay(db, account, event.block.timestamp, { claimed: amount });
});
