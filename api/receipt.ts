/**
 * GET /api/receipts/inferences/{id}.json: the payout receipt of one inference (core/receipt.ts),
 * built from the indexed facts only: the InferenceAttributed and RewardAccrued logs, the fee
 * parameters in force and the FeeParamsUpdated that set them, the served model and its ancestors,
 * each attributed contribution's submission, status at the inference and the log that set it, its
 * datanet's creation (owner and owner share), the training run it drew on with the Merkle proof of
 * its membership, the split step by step as the indexer recomputed it and the verdict.
 *
 * Bounded: at most 256 attributions and ancestors (the chain's own limits), a training set of at
 * most RECEIPT_MAX_TRAINING_SET contributions per run for the proof, run in the expensive lane
 * (api/graphql/dbGate.ts) under the request deadline.
 */
import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, or } from "ponder";
import { loadViolations, splitMismatchOf, verdict } from "../core/audit.js";
import { merkleProof, merkleRoot } from "../core/merkle.js";
import { RECEIPT_FORMAT, RECEIPT_VERSION, type LogRef, type Receipt, type ReceiptContribution } from "../core/receipt.js";
import { BPS, Status } from "../core/roles.js";
import type { Address } from "../core/split.js";
import type { Db, Tables } from "./graphql/context.js";
import { Deadline } from "./graphql/admission.js";
import { inLane } from "./graphql/dbGate.js";
import { decodeId } from "./input.js";
import { ApiError } from "./http/errors.js";

/** Where the contracts live (the deployment file the indexer reads). */
export interface ChainInfo {
  chainId: number;
  contracts: { DatanetRegistry: Address; ModelRegistry: Address; AttributionEngine: Address };
}

/** Contributions per training set a receipt proves membership in (the proof needs the whole set). */
export const RECEIPT_MAX_TRAINING_SET = 200_000;
const MAX_ANCESTORS = 256;

const ref = (row: { transactionHash: `0x${string}`; blockNumber: bigint; blockHash: `0x${string}`; logIndex: number }): LogRef => ({
  transactionHash: row.transactionHash,
  blockNumber: row.blockNumber.toString(),
  blockHash: row.blockHash,
  logIndex: row.logIndex,
});

/** Unbuildable: the indexer lacks a fact the receipt must cite. */
const missing = (id: bigint, what: string) => new ApiError(422, `no receipt for inference ${id}: ${what}`);

export async function buildReceipt(db: Db, t: Tables, chain: ChainInfo, id: bigint, deadline?: Deadline): Promise<Receipt> {
  const [inf] = await db.select().from(t.inference).where(eq(t.inference.id, id)).limit(1);
  if (!inf) throw new ApiError(404, `inference ${id} is not indexed (yet): check the id, or wait for the indexer`);
  const at = inf.at;

  const [accruals, expected, [fee], attributions] = await Promise.all([
    db.select().from(t.rewardAccrual).where(eq(t.rewardAccrual.inferenceId, id)).orderBy(asc(t.rewardAccrual.id)),
    db.select().from(t.accrualExpectation).where(eq(t.accrualExpectation.inferenceId, id)),
    db.select().from(t.feeParamsChange).where(lt(t.feeParamsChange.id, at)).orderBy(desc(t.feeParamsChange.id)).limit(1),
    db.select().from(t.attribution).where(eq(t.attribution.inferenceId, id)).orderBy(asc(t.attribution.position)),
  ]);
  if (!fee) throw missing(id, "no FeeParamsUpdated before it is indexed");
  deadline?.check();

  // The served model and its ancestors.
  const models: Receipt["models"] = [];
  for (let modelId: bigint | null = inf.modelId; modelId !== null && models.length < MAX_ANCESTORS; ) {
    const [m] = await db.select().from(t.model).where(eq(t.model.id, modelId)).limit(1);
    if (!m) throw missing(id, `model ${modelId} was never registered on the indexed contracts`);
    models.push({ id: m.id.toString(), owner: m.owner, parentModelId: (m.parentModelId ?? 0n).toString(), log: ref(m) });
    modelId = m.parentModelId;
    if (modelId !== null && models.some((x) => x.id === modelId!.toString())) break;
  }

  // Each attributed contribution: its row, its status changes up to the inference, its datanet.
  const ids = inf.contributionIds;
  if (attributions.length !== ids.length) throw missing(id, "it attributes a contribution twice or one the indexer never saw");
  const [contributions, changes] = await Promise.all([
    ids.length ? db.select().from(t.contribution).where(inArray(t.contribution.id, ids)) : [],
    ids.length
      ? db.select().from(t.contributionStatusChange).where(and(inArray(t.contributionStatusChange.contributionId, ids), lt(t.contributionStatusChange.id, at), eq(t.contributionStatusChange.contributionKnown, true))).orderBy(asc(t.contributionStatusChange.id))
      : [],
  ]);
  const datanetIds = [...new Set(contributions.map((c) => c.datanetId))];
  const datanets = datanetIds.length ? await db.select().from(t.datanet).where(inArray(t.datanet.id, datanetIds)).orderBy(asc(t.datanet.id)) : [];
  deadline?.check();

  // The training runs drawn on, each with its recomputed set (for the proofs), read once per run.
  const runs = new Map<string, { row: typeof t.trainingRun.$inferSelect; set: bigint[] } | null>();
  const runOf = async (modelId: bigint, version: number) => {
    const key = `${modelId}:${version}`;
    if (runs.has(key)) return runs.get(key)!;
    const [row] = await db.select().from(t.trainingRun).where(and(eq(t.trainingRun.modelId, modelId), eq(t.trainingRun.version, version))).limit(1);
    let value: { row: typeof t.trainingRun.$inferSelect; set: bigint[] } | null = null;
    if (row) {
      const ac = t.acceptedContribution;
      const set = row.datanetIds.length
        ? await db
            .select({ id: ac.contributionId })
            .from(ac)
            .where(and(inArray(ac.datanetId, row.datanetIds), lte(ac.acceptedAt, row.at), or(isNull(ac.revokedAt), gt(ac.revokedAt, row.at))))
            .orderBy(asc(ac.contributionId))
            .limit(RECEIPT_MAX_TRAINING_SET + 1)
        : [];
      if (set.length > RECEIPT_MAX_TRAINING_SET) throw missing(id, `training run ${modelId} v${version} holds more than ${RECEIPT_MAX_TRAINING_SET} contributions, too many to prove membership here`);
      value = { row, set: set.map((x) => x.id) };
    }
    runs.set(key, value);
    deadline?.check();
    return value;
  };

  const byId = new Map(contributions.map((c) => [c.id, c]));
  const out: ReceiptContribution[] = [];
  for (const a of attributions) {
    const c = byId.get(a.contributionId);
    if (!c) throw missing(id, `contribution ${a.contributionId} was never submitted on the indexed contracts`);
    const mine = changes.filter((x) => x.contributionId === c.id);
    const submitted = mine.find((x) => x.status === Status.Pending && x.previousStatus === null);
    const last = mine[mine.length - 1];
    if (!submitted || !last) throw missing(id, `the submission of contribution ${c.id} is not indexed`);
    let run: ReceiptContribution["run"] = null;
    if (a.trainerModelId !== null && a.runVersion !== null) {
      const r = await runOf(a.trainerModelId, a.runVersion);
      if (!r) throw missing(id, `training run ${a.trainerModelId} v${a.runVersion} is not indexed`);
      // A proof only against a root that commits to the recomputed set (a verified run).
      const proof = r.row.verified && merkleRoot(r.set).toLowerCase() === r.row.claimedRoot.toLowerCase() ? merkleProof(r.set, c.id) : null;
      run = { modelId: r.row.modelId.toString(), version: r.row.version, contributionsRoot: r.row.claimedRoot, proof, log: ref(r.row) };
    }
    out.push({ id: c.id.toString(), datanetId: c.datanetId.toString(), contributor: c.contributor, submittedLog: ref(submitted), status: last.status, statusLog: ref(last), run });
  }
  for (const d of datanetIds) if (!datanets.some((x) => x.id === d)) throw missing(id, `datanet ${d} was never created on the indexed contracts`);

  // The split as the indexer recomputed it (attribution rows), its first steps from the fee.
  const protocol = (inf.fee * BigInt(fee.protocolFeeBps)) / BigInt(BPS);
  const modelOwner = (inf.fee * BigInt(fee.modelOwnerShareBps)) / BigInt(BPS);
  const pool = inf.fee - protocol - modelOwner;
  const ownerShare = new Map(datanets.map((d) => [d.id, d.ownerShareBps]));
  const lines = attributions.map((a) => ({
    contributionId: a.contributionId.toString(),
    weightPpm: a.weightPpm,
    share: a.share.toString(),
    ownerShareBps: a.datanetId === null ? 0 : ownerShare.get(a.datanetId) ?? 0,
    ownerCut: a.ownerCut.toString(),
    contributorCut: a.contributorCut.toString(),
  }));
  const dust = pool - attributions.reduce((s, a) => s + a.share, 0n);

  const stored = loadViolations(inf.violations).filter((v) => v.rule !== "SPLIT_MISMATCH");
  const v = verdict(stored, splitMismatchOf(expected, accruals), inf.contributionIds);

  return {
    format: RECEIPT_FORMAT,
    version: RECEIPT_VERSION,
    chainId: chain.chainId,
    contracts: {
      DatanetRegistry: chain.contracts.DatanetRegistry.toLowerCase() as Address,
      ModelRegistry: chain.contracts.ModelRegistry.toLowerCase() as Address,
      AttributionEngine: chain.contracts.AttributionEngine.toLowerCase() as Address,
    },
    inference: {
      id: inf.id.toString(),
      modelId: inf.modelId.toString(),
      payer: inf.payer,
      outputHash: inf.outputHash,
      fee: inf.fee.toString(),
      method: inf.method,
      contributionIds: inf.contributionIds.map(String),
      weightsPpm: inf.weightsPpm,
      log: ref(inf),
    },
    models,
    feeParams: { protocolFeeBps: fee.protocolFeeBps, modelOwnerShareBps: fee.modelOwnerShareBps, treasury: fee.treasury, log: ref(fee) },
    datanets: datanets.map((d) => ({ id: d.id.toString(), owner: d.owner, ownerShareBps: d.ownerShareBps, log: ref(d) })),
    contributions: out,
    accruals: accruals.map((a) => ({ account: a.account, role: a.role, amount: a.amount.toString(), log: ref(a) })),
    split: {
      protocol: protocol.toString(),
      modelOwner: modelOwner.toString(),
      pool: pool.toString(),
      lines,
      dust: dust.toString(),
      expected: expected.map((e) => ({ account: e.account, role: e.role, amount: e.amount.toString() })),
    },
    verdict: { clean: v.clean, violations: v.violations.map((x) => ({ rule: x.rule, contributionIds: x.contributionIds.map(String) })) },
  };
}

/**
 * The receipt route's handler: decodes the id ("12" or "12.json"), builds the receipt in the
 * expensive lane under a deadline, and answers it as a JSON download.
 */
export function receiptHandler(deps: { db: Db; tables: Tables; chain?: ChainInfo; timeoutMs: number }) {
  return async function receipt(c: { req: { param(name: string): string | undefined }; json(body: unknown, status?: number, headers?: Record<string, string>): Response }): Promise<Response> {
    const raw = (c.req.param("file") ?? "").replace(/\.json$/, "");
    const decoded = decodeId(raw, "inference id");
    if (!decoded.ok) throw new ApiError(400, decoded.error);
    if (!deps.chain) throw new ApiError(503, "receipts need the deployment file the indexer reads (DEPLOYMENT_FILE); start the API with it");
    const chain = deps.chain;
    const deadline = new Deadline(deps.timeoutMs);
    try {
      const body = await Promise.race([inLane({ expensive: true, deadline }, () => buildReceipt(deps.db, deps.tables, chain, decoded.value, deadline)), deadline.expired]);
      return c.json(body, 200, {
        "Content-Disposition": `attachment; filename="receipt-inference-${decoded.value}.json"`,
        "Cache-Control": "no-store",
      });
    } catch (err) {
      if (deadline.hasPassed) throw deadline.error();
      throw err;
    } finally {
      deadline.clear();
    }
  };
}
