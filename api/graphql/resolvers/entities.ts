/**
 * Models, datanets, contributions, training runs (with Merkle proofs), network totals, top lists:
 * registry facts as they were at the bound, totals by SQL over facts (api/totals/).
 */
import { and, asc, count, desc, eq, gt, inArray, isNull, lte, or, sql } from "ponder";
import type { SQLWrapper } from "drizzle-orm";
import { contributionLeaf, merkleProof, merkleRoot, verifyMerkleProof } from "../../../core/merkle.js";
import { STATUS_NAMES } from "../../../core/roles.js";
import { decodeId, decodeVersion } from "../../input.js";
import {
  countOf,
  listLimit,
  need,
  type ApiContext,
  type ContributionRow,
  type DatanetRow,
  type ModelRow,
  type PageArgs,
  type TrainingRunRow,
} from "../context.js";
import { LIMITS } from "../limits.js";
import { daysInRange } from "../dayRange.js";
import { sortedUnique } from "../../../core/merkle.js";
import { ACCOUNT, ACCOUNT_DATANET, CONTRIBUTION, CONTRIBUTION_DAY, DATANET, LINEAGE, MODEL, NETWORK } from "../../totals/rollups.js";
import { accountCount, accountsAt, groupTotals, pointTotals, type Totals } from "../../totals/read.js";
import { bounded, boundOf, upTo, type Bound } from "../asOf.js";
import { accountView, loadBounded } from "./account.js";
import { blockAt, resolveBlock, type BlockArg } from "./block.js";
import { idPage, keysetPage, textKeyPage } from "./paging.js";

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

/** A contribution's membership proof in a run's recomputed set (ContributionProof). */
async function proofIn(ctx: ApiContext, run: TrainingRunRow, contributionId: bigint) {
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
}

/** Runs listed per contribution (every run of every model naming its datanet, newest first). */
export const MAX_CONTRIBUTION_RUNS = 100;

export const entityQuery = {
  model: async (_: unknown, args: { id: unknown; block?: BlockArg }, ctx: ApiContext) => loadBounded(ctx, "model", need(decodeId(args.id, "id"), "id"), await resolveBlock(ctx, args.block)),
  datanet: async (_: unknown, args: { id: unknown; block?: BlockArg }, ctx: ApiContext) => loadBounded(ctx, "datanet", need(decodeId(args.id, "id"), "id"), await resolveBlock(ctx, args.block)),
  contribution: async (_: unknown, args: { id: unknown; block?: BlockArg }, ctx: ApiContext) =>
    loadBounded(ctx, "contribution", need(decodeId(args.id, "id"), "id"), await resolveBlock(ctx, args.block)),
  trainingRun: (_: unknown, args: { modelId: unknown; version: unknown }, ctx: ApiContext) => loadRun(ctx, args),

  async contributionProof(_: unknown, args: { modelId: unknown; version: unknown; contributionId: unknown }, ctx: ApiContext) {
    const contributionId = need(decodeId(args.contributionId, "contributionId"), "contributionId");
    const run = await loadRun(ctx, args);
    return run ? proofIn(ctx, run, contributionId) : null;
  },

  async blockAt(_: unknown, args: { number?: bigint | null; timestamp?: bigint | null }, ctx: ApiContext) {
    return blockAt(ctx, args);
  },

  async network(_: unknown, args: { block?: BlockArg }, ctx: ApiContext) {
    return networkAt(ctx, await resolveBlock(ctx, args.block));
  },

  async topDatanets(_: unknown, args: { limit?: number | null; block?: BlockArg }, ctx: ApiContext) {
    const limit = listLimit(args.limit, 10);
    const bound = await resolveBlock(ctx, args.block);
    const d = ctx.t.datanet;
    const [rows, totals] = await Promise.all([ctx.db.select().from(d).where(upTo(d.blockNumber, bound)).orderBy(asc(d.id)).limit(100_000), groupTotals(ctx.db, DATANET, {}, bound)]);
    return topByTotal(rows, totals, "total_paid", limit).map((r) => bounded(r, bound));
  },
  async topModels(_: unknown, args: { limit?: number | null; block?: BlockArg }, ctx: ApiContext) {
    const limit = listLimit(args.limit, 10);
    const bound = await resolveBlock(ctx, args.block);
    const m = ctx.t.model;
    const [rows, totals] = await Promise.all([ctx.db.select().from(m).where(upTo(m.blockNumber, bound)).orderBy(asc(m.id)).limit(100_000), groupTotals(ctx.db, MODEL, {}, bound)]);
    return topByTotal(rows, totals, "total_fees", limit).map((r) => bounded(r, bound));
  },
  async topEarners(_: unknown, args: { limit?: number | null; block?: BlockArg }, ctx: ApiContext) {
    const limit = listLimit(args.limit, 10);
    const bound = await resolveBlock(ctx, args.block);
    const [addresses, totals] = await Promise.all([accountsAt(ctx.db, bound), groupTotals(ctx.db, ACCOUNT, {}, bound)]);
    const byAddress = new Map(totals.map((r) => [r.key[0]!, r.totals]));
    const accrued = (a: string) => byAddress.get(a)?.accrued ?? 0n;
    return addresses
      .sort((a, b) => (accrued(a) > accrued(b) ? -1 : accrued(a) < accrued(b) ? 1 : a < b ? -1 : a > b ? 1 : 0))
      .slice(0, limit)
      .map((address) => {
        const view = accountView(ctx, address as `0x${string}`, bound);
        const known = byAddress.get(address);
        return known ? { ...view, totals: async () => known } : view;
      });
  },

  async auditTrainingRuns(_: unknown, args: PageArgs & { modelId?: unknown }, ctx: ApiContext) {
    const p = textKeyPage(args);
    const tr = ctx.t.trainingRun;
    const filter = args.modelId !== undefined && args.modelId !== null ? and(eq(tr.verified, false), eq(tr.modelId, need(decodeId(args.modelId, "modelId"), "modelId"))) : eq(tr.verified, false);
    const rows = await ctx.db.select().from(tr).where(and(filter, p.below(tr.at))).orderBy(desc(tr.at)).limit(p.fetch);
    return p.page(rows, (r) => r.at, async () => countOf(await ctx.db.select({ n: count() }).from(tr).where(filter)));
  },
};

/** Network totals and the fee parameters in force, at the bound. */
async function networkAt(ctx: ApiContext, bound: Bound) {
  const { datanet: d, contribution: c, model: m, trainingRun: tr, feeParamsChange: fp, network: n, inference: i, rewardAccrual: ra, rewardClaim: rc } = ctx.t;
  const b = bound ?? null;
  const upToB = (col: SQLWrapper) => (b === null ? sql`true` : sql`${col} <= ${b.toString()}`);
  const lastOf = (table: SQLWrapper, col: SQLWrapper) => sql`(SELECT max(${col}) FROM ${table} WHERE ${upToB(col)})`;
  const [counts, totals, accounts, fees] = await Promise.all([
    ctx.db.execute(sql`SELECT
        (SELECT count(*) FROM ${d} WHERE ${upToB(d.blockNumber)}) AS datanets,
        (SELECT count(*) FROM ${c} WHERE ${upToB(c.blockNumber)}) AS contributions,
        (SELECT count(*) FROM ${m} WHERE ${upToB(m.blockNumber)}) AS models,
        (SELECT count(*) FROM ${tr} WHERE ${upToB(tr.blockNumber)}) AS runs,
        (SELECT count(*) FROM ${tr} WHERE ${upToB(tr.blockNumber)} AND NOT ${tr.verified}) AS unverified,
        ${
          b === null
            ? sql`(SELECT ${n.lastEventBlock} FROM ${n} LIMIT 1)`
            : sql`greatest(${lastOf(i, i.blockNumber)}, ${lastOf(ra, ra.blockNumber)}, ${lastOf(rc, rc.blockNumber)}, ${lastOf(d, d.blockNumber)}, ${lastOf(c, c.blockNumber)}, ${lastOf(m, m.blockNumber)}, ${lastOf(tr, tr.blockNumber)}, ${lastOf(fp, fp.blockNumber)})`
        } AS last`),
    pointTotals(ctx.db, NETWORK, ["network"], bound),
    accountCount(ctx.db, bound),
    ctx.db.select().from(fp).where(upTo(fp.blockNumber, bound)).orderBy(desc(fp.id)).limit(1),
  ]);
  const row = (((counts as unknown as { rows?: Record<string, unknown>[] }).rows ?? (counts as unknown as Record<string, unknown>[]))[0] ?? {}) as Record<string, unknown>;
  const f = fees[0];
  return {
    datanets: Number(row.datanets ?? 0),
    contributions: Number(row.contributions ?? 0),
    models: Number(row.models ?? 0),
    trainingRuns: Number(row.runs ?? 0),
    unverifiedTrainingRuns: Number(row.unverified ?? 0),
    inferences: Number(totals.inference_count),
    flaggedInferences: Number(totals.flagged_count),
    attributions: Number(totals.attribution_count),
    accounts,
    totalFees: totals.total_fees!,
    totalAccrued: totals.total_accrued!,
    totalClaimed: totals.total_claimed!,
    protocolFeeBps: f?.protocolFeeBps ?? 0,
    modelOwnerShareBps: f?.modelOwnerShareBps ?? 0,
    treasury: f?.treasury ?? "0x0000000000000000000000000000000000000000",
    lastEventBlock: row.last === null || row.last === undefined ? 0n : BigInt(String(row.last)),
  };
}

/** Entity rows ranked by one rollup total keyed by their id (highest first, then lowest id), the first `limit`. */
function topByTotal<R extends { id: bigint }>(rows: R[], totals: { key: string[]; totals: Totals }[], column: string, limit: number): R[] {
  const by = new Map(totals.map((t) => [t.key[0], t.totals[column] ?? 0n]));
  return rows
    .map((r) => ({ r, v: by.get(r.id.toString()) ?? 0n }))
    .sort((a, b) => (a.v > b.v ? -1 : a.v < b.v ? 1 : a.r.id < b.r.id ? -1 : 1))
    .slice(0, limit)
    .map((x) => x.r);
}

/** Totals of models, datanets and contributions, batched per request and bound (one read per tick). */
function entityTotals(ctx: ApiContext, rollup: typeof MODEL | typeof DATANET | typeof CONTRIBUTION, id: bigint, bound: Bound) {
  return ctx.loaders.totals(rollup, bound).load(id.toString());
}

type Row<T> = T & { bound?: Bound };

export const Model = {
  parent: (m: Row<ModelRow>, _: unknown, ctx: ApiContext) => (m.parentModelId === null ? null : loadBounded(ctx, "model", m.parentModelId, boundOf(m))),
  adapters: async (m: Row<ModelRow>, _: unknown, ctx: ApiContext) =>
    (await ctx.db.select().from(ctx.t.model).where(and(eq(ctx.t.model.parentModelId, m.id), upTo(ctx.t.model.blockNumber, boundOf(m)))).orderBy(asc(ctx.t.model.id)).limit(LIMITS.maxPageSize)).map((r) => bounded(r, boundOf(m))),
  trainingRuns: async (m: Row<ModelRow>, _: unknown, ctx: ApiContext) =>
    (await ctx.db.select().from(ctx.t.trainingRun).where(and(eq(ctx.t.trainingRun.modelId, m.id), upTo(ctx.t.trainingRun.blockNumber, boundOf(m)))).orderBy(asc(ctx.t.trainingRun.version)).limit(LIMITS.maxPageSize)).map((r) => bounded(r, boundOf(m))),
  async trainedDatanetIds(m: Row<ModelRow>, _: unknown, ctx: ApiContext) {
    const bound = boundOf(m);
    if (bound === null) return m.trainedDatanetIds;
    const runs = await ctx.db.select({ ids: ctx.t.trainingRun.datanetIds }).from(ctx.t.trainingRun).where(and(eq(ctx.t.trainingRun.modelId, m.id), lte(ctx.t.trainingRun.blockNumber, bound)));
    return sortedUnique(runs.flatMap((r) => r.ids));
  },
  inferenceCount: async (m: Row<ModelRow>, _: unknown, ctx: ApiContext) => Number((await entityTotals(ctx, MODEL, m.id, boundOf(m))).inference_count),
  flaggedInferenceCount: async (m: Row<ModelRow>, _: unknown, ctx: ApiContext) => Number((await entityTotals(ctx, MODEL, m.id, boundOf(m))).flagged_count),
  totalFees: async (m: Row<ModelRow>, _: unknown, ctx: ApiContext) => (await entityTotals(ctx, MODEL, m.id, boundOf(m))).total_fees,
};

export const TrainingRun = {
  model: (r: TrainingRunRow, _: unknown, ctx: ApiContext) => ctx.loaders.model.load(r.modelId),
  async flow(r: Row<TrainingRunRow>, _: unknown, ctx: ApiContext) {
    const rows = await groupTotals(ctx.db, LINEAGE, { eq: { 1: r.modelId, 2: r.version } }, boundOf(r));
    return {
      attributionCount: rows.reduce((t, x) => t + Number(x.totals.attribution_count), 0),
      weightSum: rows.reduce((t, x) => t + x.totals.weight_ppm!, 0n),
      amount: rows.reduce((t, x) => t + x.totals.share!, 0n),
    };
  },
  datanets: async (r: TrainingRunRow, _: unknown, ctx: ApiContext) => (await ctx.loaders.datanet.loadMany(r.datanetIds.slice(0, LIMITS.maxPageSize))).filter((d): d is DatanetRow => d !== null && !(d instanceof Error)),
};

/** Each contribution of a datanet with its status at the bound (now: the row's). */
async function statusesAt(ctx: ApiContext, datanetId: bigint, bound: Bound): Promise<{ row: ContributionRow; status: number }[]> {
  const c = ctx.t.contribution;
  const rows = await ctx.db.select().from(c).where(and(eq(c.datanetId, datanetId), upTo(c.blockNumber, bound))).orderBy(desc(c.id)).limit(1_000_000);
  if (bound === null) return rows.map((row) => ({ row, status: row.status }));
  const h = ctx.t.contributionStatusChange;
  const changes = await ctx.db
    .select({ id: h.contributionId, status: h.status, at: h.id })
    .from(h)
    .where(and(eq(h.datanetId, datanetId), eq(h.contributionKnown, true), lte(h.blockNumber, bound)))
    .orderBy(asc(h.id));
  const latest = new Map<string, number>();
  for (const ch of changes) latest.set(ch.id.toString(), ch.status);
  return rows.map((row) => ({ row, status: latest.get(row.id.toString()) ?? row.status }));
}

export const Datanet = {
  async contributionCounts(d: Row<DatanetRow>, _: unknown, ctx: ApiContext) {
    const counts = [0, 0, 0, 0];
    const all = await statusesAt(ctx, d.id, boundOf(d));
    for (const { status } of all) if (status >= 0 && status < 4) counts[status]!++;
    return { total: all.length, pending: counts[0], accepted: counts[1], rejected: counts[2], revoked: counts[3] };
  },
  async contributions(d: Row<DatanetRow>, args: PageArgs & { status?: string | null }, ctx: ApiContext) {
    const p = idPage(args);
    const bound = boundOf(d);
    const wanted = args.status ? STATUS_CODES[args.status] : undefined;
    const all = (await statusesAt(ctx, d.id, bound)).filter((x) => wanted === undefined || x.status === wanted);
    const rows = all.filter((x) => p.before === undefined || x.row.id < p.before).slice(0, p.fetch);
    return p.page(rows.map((x) => bounded({ ...x.row, status: x.status }, bound)), (r) => r.id, async () => all.length);
  },
  async models(d: Row<DatanetRow>, _: unknown, ctx: ApiContext) {
    const trd = ctx.t.trainingRunDatanet;
    const tr = ctx.t.trainingRun;
    const bound = boundOf(d);
    const rows =
      bound === null
        ? await ctx.db.selectDistinct({ modelId: trd.modelId }).from(trd).where(eq(trd.datanetId, d.id)).orderBy(asc(trd.modelId)).limit(LIMITS.maxPageSize)
        : await ctx.db
            .selectDistinct({ modelId: trd.modelId })
            .from(trd)
            .innerJoin(tr, and(eq(tr.modelId, trd.modelId), eq(tr.version, trd.version)))
            .where(and(eq(trd.datanetId, d.id), lte(tr.blockNumber, bound)))
            .orderBy(asc(trd.modelId))
            .limit(LIMITS.maxPageSize);
    const models = await Promise.all(rows.map((r) => loadBounded(ctx, "model", r.modelId, bound)));
    return models.filter((m) => m !== null);
  },
  totalPaid: async (d: Row<DatanetRow>, _: unknown, ctx: ApiContext) => (await entityTotals(ctx, DATANET, d.id, boundOf(d))).total_paid,
  ownerCutTotal: async (d: Row<DatanetRow>, _: unknown, ctx: ApiContext) => (await entityTotals(ctx, DATANET, d.id, boundOf(d))).owner_cut_total,
  contributorCutTotal: async (d: Row<DatanetRow>, _: unknown, ctx: ApiContext) => (await entityTotals(ctx, DATANET, d.id, boundOf(d))).contributor_cut_total,
  attributionCount: async (d: Row<DatanetRow>, _: unknown, ctx: ApiContext) => Number((await entityTotals(ctx, DATANET, d.id, boundOf(d))).attribution_count),
  async payees(d: Row<DatanetRow>, args: PageArgs, ctx: ApiContext) {
    const rows = (await groupTotals(ctx.db, ACCOUNT_DATANET, { eq: { 1: d.id } }, boundOf(d))).map((r) => ({
      account: r.key[0]!,
      accrued: r.totals.accrued!,
      ownerCut: r.totals.owner_cut!,
      contributorCut: r.totals.contributor_cut!,
      attributionCount: Number(r.totals.attribution_count),
    }));
    return keysetPage(rows, args, (r) => [r.accrued, r.account]);
  },
};

export const Contribution = {
  datanet: (c: Row<ContributionRow>, _: unknown, ctx: ApiContext) => loadBounded(ctx, "datanet", c.datanetId, boundOf(c)),
  async status(c: Row<ContributionRow>, _: unknown, ctx: ApiContext) {
    const bound = boundOf(c);
    if (bound === null) return STATUS_NAMES[c.status] ?? null;
    const h = ctx.t.contributionStatusChange;
    const rows = await ctx.db.select({ status: h.status }).from(h).where(and(eq(h.contributionId, c.id), eq(h.contributionKnown, true), lte(h.blockNumber, bound))).orderBy(desc(h.id)).limit(1);
    return STATUS_NAMES[rows[0]?.status ?? c.status] ?? null;
  },
  history: (c: Row<ContributionRow>, _: unknown, ctx: ApiContext) =>
    ctx.db
      .select()
      .from(ctx.t.contributionStatusChange)
      .where(and(eq(ctx.t.contributionStatusChange.contributionId, c.id), upTo(ctx.t.contributionStatusChange.blockNumber, boundOf(c))))
      .orderBy(asc(ctx.t.contributionStatusChange.id))
      .limit(LIMITS.maxPageSize),
  earned: async (c: Row<ContributionRow>, _: unknown, ctx: ApiContext) => (await entityTotals(ctx, CONTRIBUTION, c.id, boundOf(c))).earned,
  ownerCut: async (c: Row<ContributionRow>, _: unknown, ctx: ApiContext) => (await entityTotals(ctx, CONTRIBUTION, c.id, boundOf(c))).owner_cut,
  contributorCut: async (c: Row<ContributionRow>, _: unknown, ctx: ApiContext) => (await entityTotals(ctx, CONTRIBUTION, c.id, boundOf(c))).contributor_cut,
  inferenceCount: async (c: Row<ContributionRow>, _: unknown, ctx: ApiContext) => Number((await entityTotals(ctx, CONTRIBUTION, c.id, boundOf(c))).inference_count),
  /** What it earned per UTC day (its shares and their cuts), oldest first: the newest maxPageSize days of the range. */
  async earningsByDay(c: Row<ContributionRow>, args: { from?: unknown; to?: unknown }, ctx: ApiContext) {
    const rows = await groupTotals(ctx.db, CONTRIBUTION_DAY, { eq: { 0: c.id } }, boundOf(c));
    return daysInRange(rows.map((r) => ({ day: r.key[1]!, earned: r.totals.earned!, ownerCut: r.totals.owner_cut!, contributorCut: r.totals.contributor_cut!, attributionCount: Number(r.totals.attribution_count) })), args);
  },
  /** Every attribution of it, newest inference first, keyset-paged on the inference id. */
  async inferences(c: Row<ContributionRow>, args: PageArgs, ctx: ApiContext) {
    const p = idPage(args);
    const bound = boundOf(c);
    const a = ctx.t.attribution;
    const i = ctx.t.inference;
    const mine = and(eq(a.contributionId, c.id), upTo(a.blockNumber, bound));
    const rows = await ctx.db
      .select({
        inferenceId: a.inferenceId,
        modelId: a.modelId,
        weightPpm: a.weightPpm,
        share: a.share,
        ownerCut: a.ownerCut,
        contributorCut: a.contributorCut,
        blockNumber: a.blockNumber,
        timestamp: a.timestamp,
        transactionHash: i.transactionHash,
      })
      .from(a)
      .innerJoin(i, eq(i.id, a.inferenceId))
      .where(and(mine, p.below(a.inferenceId)))
      .orderBy(desc(a.inferenceId))
      .limit(p.fetch);
    return p.page(rows.map((r) => bounded(r, bound)), (r) => r.inferenceId, async () => countOf(await ctx.db.select({ n: count() }).from(a).where(mine)));
  },
  /**
   * Every training run of every model that named its datanet (at the bound), newest first: whether
   * the contribution was in the run's set (Accepted at the run and not revoked by then).
   */
  async trainingRuns(c: Row<ContributionRow>, _: unknown, ctx: ApiContext) {
    const bound = boundOf(c);
    const trd = ctx.t.trainingRunDatanet;
    const tr = ctx.t.trainingRun;
    const rows = await ctx.db
      .select({ run: tr })
      .from(trd)
      .innerJoin(tr, and(eq(tr.modelId, trd.modelId), eq(tr.version, trd.version)))
      .where(and(eq(trd.datanetId, c.datanetId), upTo(tr.blockNumber, bound)))
      .orderBy(desc(tr.at))
      .limit(MAX_CONTRIBUTION_RUNS);
    return rows.map(({ run }) => {
      const included = c.acceptedAt !== null && c.acceptedAt <= run.at && (c.revokedAt === null || c.revokedAt > run.at);
      return { run: bounded(run, bound), modelId: run.modelId, version: run.version, included, contributionId: c.id, bound };
    });
  },
};

type ContributionRunView = { run: TrainingRunRow; modelId: bigint; included: boolean; contributionId: bigint; bound: Bound };

export const ContributionTrainingRun = {
  model: (r: ContributionRunView, _: unknown, ctx: ApiContext) => loadBounded(ctx, "model", r.modelId, r.bound),
  proof: (r: ContributionRunView, _: unknown, ctx: ApiContext) => (r.included ? proofIn(ctx, r.run, r.contributionId) : null),
};

export const ContributionInference = {
  inference: async (r: { inferenceId: bigint }, _: unknown, ctx: ApiContext) => (await ctx.db.select().from(ctx.t.inference).where(eq(ctx.t.inference.id, r.inferenceId)).limit(1))[0] ?? null,
  model: (r: { modelId: bigint; bound: Bound }, _: unknown, ctx: ApiContext) => loadBounded(ctx, "model", r.modelId, r.bound),
};

export const StatusChange = {
  status: (s: { status: number }) => STATUS_NAMES[s.status] ?? null,
};
