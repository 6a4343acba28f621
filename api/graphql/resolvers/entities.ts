/** Models, datanets, contributions, training runs (with Merkle proofs), network totals, top lists. */
import { and, asc, count, desc, eq, gt, inArray, isNull, lt, lte, or } from "ponder";
import { contributionLeaf, merkleProof, merkleRoot, verifyMerkleProof } from "../../../core/merkle.js";
import { STATUS_NAMES } from "../../../core/roles.js";
import { cursorBigint, decodeId, decodeVersion } from "../../input.js";
import {
  badInput,
  countOf,
  listLimit,
  need,
  pageArgs,
  toPage,
  type ApiContext,
  type ContributionRow,
  type DatanetRow,
  type ModelRow,
  type PageArgs,
  type TrainingRunRow,
} from "../context.js";
import { LIMITS } from "../limits.js";

const STATUS_CODES: Record<string, number> = { PENDING: 0, ACCEPTED: 1, REJECTED: 2, REVOKED: 3 };

async function loadRun(ctx: ApiContext, args: { modelId: unknown; version: unknown }): Promise<TrainingRunRow | null> {
  const modelId = need(decodeId(args.modelId, "modelId"), "modelId");
  const version = need(decodeVersion(args.version, "version"), "version");
  const tr = ctx.t.trainingRun;
  const rows = await ctx.db.select().from(tr).where(and(eq(tr.modelId, modelId), eq(tr.version, version))).limit(1);
  return rows[0] ?? null;
}

/**
 * The run's contribution set as the indexer defines it: Accepted in a named datanet at or before
 * the run's event and not revoked by then, ascending. Runs are immutable, so the sets (and trees)
 * of recently asked runs are cached, keyed by the run's event id (a reorg gives a new one).
 */
const setCache = new Map<string, { ids: bigint[]; root: `0x${string}` }>();
async function runSet(ctx: ApiContext, run: TrainingRunRow): Promise<{ ids: bigint[]; root: `0x${string}` }> {
  const key = `${run.modelId}:${run.version}:${run.at}:${run.transactionHash}`;
  const hit = setCache.get(key);
  if (hit) return hit;
  if (run.datanetIds.length === 0) return { ids: [], root: merkleRoot([]) };
  const ac = ctx.t.acceptedContribution;
  const rows = await ctx.db
    .select({ id: ac.contributionId })
    .from(ac)
    .where(and(inArray(ac.datanetId, run.datanetIds), lte(ac.acceptedAt, run.at), or(isNull(ac.revokedAt), gt(ac.revokedAt, run.at))))
    .orderBy(asc(ac.contributionId));
  const ids = rows.map((r) => r.id);
  const entry = { ids, root: merkleRoot(ids) };
  setCache.set(key, entry);
  if (setCache.size > 16) setCache.delete(setCache.keys().next().value as string);
  return entry;
}

export const entityQuery = {
  model: async (_: unknown, args: { id: unknown }, ctx: ApiContext) => ctx.loaders.model.load(need(decodeId(args.id, "id"), "id")),
  datanet: async (_: unknown, args: { id: unknown }, ctx: ApiContext) => ctx.loaders.datanet.load(need(decodeId(args.id, "id"), "id")),
  contribution: async (_: unknown, args: { id: unknown }, ctx: ApiContext) => ctx.loaders.contribution.load(need(decodeId(args.id, "id"), "id")),
  trainingRun: (_: unknown, args: { modelId: unknown; version: unknown }, ctx: ApiContext) => loadRun(ctx, args),

  async contributionProof(_: unknown, args: { modelId: unknown; version: unknown; contributionId: unknown }, ctx: ApiContext) {
    const contributionId = need(decodeId(args.contributionId, "contributionId"), "contributionId");
    const run = await loadRun(ctx, args);
    if (!run) return null;
    const { ids, root } = await runSet(ctx, run);
    const leaf = contributionLeaf(contributionId);
    if (root.toLowerCase() !== run.recomputedRoot.toLowerCase()) {
      // The indexer's verdict and this set disagree: never hand out a proof we cannot stand behind.
      throw new Error(`training run ${run.modelId}/${run.version}: set root ${root} differs from the indexed recomputed root ${run.recomputedRoot}`);
    }
    const proof = merkleProof(ids, contributionId);
    return {
      modelId: run.modelId,
      version: run.version,
      contributionId,
      included: proof !== null,
      leaf,
      root,
      claimedRoot: run.claimedRoot,
      proof: proof ?? [],
      validAgainstClaimedRoot: proof !== null && verifyMerkleProof(proof, run.claimedRoot as `0x${string}`, leaf),
    };
  },

  async network(_: unknown, __: unknown, ctx: ApiContext) {
    const rows = await ctx.db.select().from(ctx.t.network).where(eq(ctx.t.network.id, "network")).limit(1);
    const n = rows[0];
    return {
      datanets: n?.datanetCount ?? 0,
      contributions: n?.contributionCount ?? 0,
      models: n?.modelCount ?? 0,
      trainingRuns: n?.trainingRunCount ?? 0,
      unverifiedTrainingRuns: n?.unverifiedTrainingRunCount ?? 0,
      inferences: n?.inferenceCount ?? 0,
      flaggedInferences: n?.flaggedInferenceCount ?? 0,
      attributions: n?.attributionCount ?? 0,
      accounts: n?.accountCount ?? 0,
      totalFees: n?.totalFees ?? 0n,
      totalAccrued: n?.totalAccrued ?? 0n,
      totalClaimed: n?.totalClaimed ?? 0n,
      protocolFeeBps: n?.protocolFeeBps ?? 0,
      modelOwnerShareBps: n?.modelOwnerShareBps ?? 0,
      treasury: n?.treasury ?? "0x0000000000000000000000000000000000000000",
      lastEventBlock: n?.lastEventBlock ?? 0n,
    };
  },

  topDatanets: (_: unknown, args: { limit?: number | null }, ctx: ApiContext) =>
    ctx.db.select().from(ctx.t.datanet).orderBy(desc(ctx.t.datanet.totalPaid), asc(ctx.t.datanet.id)).limit(listLimit(args.limit, 10)),
  topModels: (_: unknown, args: { limit?: number | null }, ctx: ApiContext) =>
    ctx.db.select().from(ctx.t.model).orderBy(desc(ctx.t.model.totalFees), asc(ctx.t.model.id)).limit(listLimit(args.limit, 10)),
  topEarners: async (_: unknown, args: { limit?: number | null }, ctx: ApiContext) => {
    const rows = await ctx.db.select().from(ctx.t.account).orderBy(desc(ctx.t.account.accrued), asc(ctx.t.account.address)).limit(listLimit(args.limit, 10));
    return rows.map((row) => ({ address: row.address, row }));
  },

  async auditTrainingRuns(_: unknown, args: PageArgs & { modelId?: unknown }, ctx: ApiContext) {
    const { limit, after } = pageArgs(args, 1);
    const tr = ctx.t.trainingRun;
    const filter = args.modelId !== undefined && args.modelId !== null ? and(eq(tr.verified, false), eq(tr.modelId, need(decodeId(args.modelId, "modelId"), "modelId"))) : eq(tr.verified, false);
    const rows = await ctx.db.select().from(tr).where(after ? and(filter, lt(tr.at, after[0]!)) : filter).orderBy(desc(tr.at)).limit(limit + 1);
    return toPage(rows, limit, after, (r) => [r.at], async () => countOf(await ctx.db.select({ n: count() }).from(tr).where(filter)));
  },
};

export const Model = {
  parent: (m: ModelRow, _: unknown, ctx: ApiContext) => (m.parentModelId === null ? null : ctx.loaders.model.load(m.parentModelId)),
  adapters: (m: ModelRow, _: unknown, ctx: ApiContext) =>
    ctx.db.select().from(ctx.t.model).where(eq(ctx.t.model.parentModelId, m.id)).orderBy(asc(ctx.t.model.id)).limit(LIMITS.maxPageSize),
  trainingRuns: (m: ModelRow, _: unknown, ctx: ApiContext) =>
    ctx.db.select().from(ctx.t.trainingRun).where(eq(ctx.t.trainingRun.modelId, m.id)).orderBy(asc(ctx.t.trainingRun.version)).limit(LIMITS.maxPageSize),
};

export const TrainingRun = {
  model: (r: TrainingRunRow, _: unknown, ctx: ApiContext) => ctx.loaders.model.load(r.modelId),
  datanets: async (r: TrainingRunRow, _: unknown, ctx: ApiContext) => (await ctx.loaders.datanet.loadMany(r.datanetIds)).filter((d): d is DatanetRow => d !== null && !(d instanceof Error)),
};

export const Datanet = {
  contributionCounts: (d: DatanetRow) => ({ total: d.contributionCount, pending: d.pendingCount, accepted: d.acceptedCount, rejected: d.rejectedCount, revoked: d.revokedCount }),
  async contributions(d: DatanetRow, args: PageArgs & { status?: string | null }, ctx: ApiContext) {
    const { limit, after } = pageArgs(args, 1);
    const c = ctx.t.contribution;
    const status = args.status ? STATUS_CODES[args.status] : undefined;
    const filter = status === undefined ? eq(c.datanetId, d.id) : and(eq(c.datanetId, d.id), eq(c.status, status));
    let cond = filter;
    if (after) {
      const before = cursorBigint(after[0]);
      if (before === null) throw badInput("after is not a cursor returned by this API", "after");
      cond = and(filter, lt(c.id, before));
    }
    const rows = await ctx.db.select().from(c).where(cond).orderBy(desc(c.id)).limit(limit + 1);
    const total = status === undefined ? d.contributionCount : [d.pendingCount, d.acceptedCount, d.rejectedCount, d.revokedCount][status] ?? 0;
    return toPage(rows, limit, after, (r) => [r.id], async () => total);
  },
  async models(d: DatanetRow, _: unknown, ctx: ApiContext) {
    const trd = ctx.t.trainingRunDatanet;
    const rows = await ctx.db.selectDistinct({ modelId: trd.modelId }).from(trd).where(eq(trd.datanetId, d.id)).orderBy(asc(trd.modelId)).limit(LIMITS.maxPageSize);
    return (await ctx.loaders.model.loadMany(rows.map((r) => r.modelId))).filter((m): m is ModelRow => m !== null && !(m instanceof Error));
  },
  async payees(d: DatanetRow, args: PageArgs, ctx: ApiContext) {
    const { limit, after } = pageArgs(args, 2);
    const ad = ctx.t.accountDatanet;
    let cond = eq(ad.datanetId, d.id);
    if (after) {
      const amount = cursorBigint(after[0]);
      if (amount === null || !/^0x[0-9a-f]{40}$/.test(after[1] ?? "")) throw badInput("after is not a cursor returned by this API", "after");
      cond = and(cond, or(lt(ad.accrued, amount), and(eq(ad.accrued, amount), gt(ad.account, after[1]! as `0x${string}`))))!;
    }
    const rows = await ctx.db.select().from(ad).where(cond).orderBy(desc(ad.accrued), asc(ad.account)).limit(limit + 1);
    return toPage(rows, limit, after, (r) => [r.accrued, r.account], async () => countOf(await ctx.db.select({ n: count() }).from(ad).where(eq(ad.datanetId, d.id))));
  },
};

export const Contribution = {
  datanet: (c: ContributionRow, _: unknown, ctx: ApiContext) => ctx.loaders.datanet.load(c.datanetId),
  status: (c: ContributionRow) => STATUS_NAMES[c.status] ?? null,
  history: (c: ContributionRow, _: unknown, ctx: ApiContext) =>
    ctx.db
      .select()
      .from(ctx.t.contributionStatusChange)
      .where(eq(ctx.t.contributionStatusChange.contributionId, c.id))
      .orderBy(asc(ctx.t.contributionStatusChange.id))
      .limit(LIMITS.maxPageSize),
};

export const StatusChange = {
  status: (s: { status: number }) => STATUS_NAMES[s.status] ?? null,
};
