/**
 * Account: earnings (total, by role/model/datanet/contribution/day), accruals, contributions,
 * claims. Every total is SQL over facts (api/totals/), now or as of a block.
 */
import { and, asc, count, desc, eq, sql } from "ponder";
import { ROLE_NAMES } from "../../../core/roles.js";
import { decodeAddress } from "../../input.js";
import { ACCOUNT, ACCOUNT_DATANET, ACCOUNT_DAY, ACCOUNT_MODEL, CONTRIBUTION } from "../../totals/rollups.js";
import { groupTotals, pointTotals, type Totals } from "../../totals/read.js";
import { bounded, boundOf, upTo, type Bound, type Bounded } from "../asOf.js";
import { countOf, need, type ApiContext, type ContributionRow, type PageArgs } from "../context.js";
import { LIMITS } from "../limits.js";
import { daysInRange } from "../dayRange.js";
import { resolveBlock, type BlockArg } from "./block.js";
import { idPage, keysetPage, textKeyPage } from "./paging.js";

export interface AccountView extends Bounded {
  address: `0x${string}`;
  /** The account's totals (ACCOUNT rollup), read once per account view. */
  totals: () => Promise<Totals>;
}

export function accountView(ctx: ApiContext, address: `0x${string}`, bound: Bound): AccountView {
  let totals: Promise<Totals> | undefined;
  return { address, bound, totals: () => (totals ??= pointTotals(ctx.db, ACCOUNT, [address], bound)) };
}

export const accountQuery = {
  account: async (_: unknown, args: { address: unknown; block?: BlockArg }, ctx: ApiContext) =>
    accountView(ctx, need(decodeAddress(args.address), "address"), await resolveBlock(ctx, args.block)),
};

const int = (v: bigint | undefined) => Number(v ?? 0n);

export const Account = {
  address: (a: AccountView) => a.address,
  accrued: async (a: AccountView) => (await a.totals()).accrued,
  claimed: async (a: AccountView) => (await a.totals()).claimed,
  claimable: async (a: AccountView) => {
    const t = await a.totals();
    return t.accrued! - t.claimed!;
  },
  accrualCount: async (a: AccountView) => int((await a.totals()).accrual_count),
  claimCount: async (a: AccountView) => int((await a.totals()).claim_count),
  feesPaid: async (a: AccountView) => (await a.totals()).fees_paid,
  inferencesPaid: async (a: AccountView) => int((await a.totals()).inferences_paid),
  earningsByRole: async (a: AccountView) => {
    const t = await a.totals();
    const amounts = [t.accrued_treasury, t.accrued_model_owner, t.accrued_datanet_owner, t.accrued_contributor];
    const counts = [t.count_treasury, t.count_model_owner, t.count_datanet_owner, t.count_contributor];
    return ROLE_NAMES.map((role, i) => ({ role, accrued: amounts[i] ?? 0n, accrualCount: int(counts[i]) }));
  },

  async earningsByModel(a: AccountView, args: PageArgs, ctx: ApiContext) {
    const rows = (await groupTotals(ctx.db, ACCOUNT_MODEL, { eq: { 0: a.address } }, a.bound)).map((r) => ({
      modelId: BigInt(r.key[1]!),
      accrued: r.totals.accrued!,
      accrualCount: int(r.totals.accrual_count),
      bound: a.bound,
    }));
    return keysetPage(rows, args, (r) => [r.accrued, r.modelId]);
  },

  async earningsByDatanet(a: AccountView, args: PageArgs, ctx: ApiContext) {
    const rows = (await groupTotals(ctx.db, ACCOUNT_DATANET, { eq: { 0: a.address } }, a.bound)).map((r) => ({
      datanetId: BigInt(r.key[1]!),
      accrued: r.totals.accrued!,
      ownerCut: r.totals.owner_cut!,
      contributorCut: r.totals.contributor_cut!,
      attributionCount: int(r.totals.attribution_count),
      bound: a.bound,
    }));
    return keysetPage(rows, args, (r) => [r.accrued, r.datanetId]);
  },

  async earningsByContribution(a: AccountView, args: PageArgs, ctx: ApiContext) {
    const c = ctx.t.contribution;
    const mine = await ctx.db.select().from(c).where(and(eq(c.contributor, a.address), upTo(c.blockNumber, a.bound))).orderBy(asc(c.id)).limit(100_000);
    const totals = new Map((await groupTotals(ctx.db, CONTRIBUTION, { in: mine.map((r) => r.id.toString()) }, a.bound)).map((r) => [r.key[0]!, r.totals]));
    const rows = mine.map((r: ContributionRow) => {
      const t = totals.get(r.id.toString());
      return {
        contributionId: r.id,
        row: bounded(r, a.bound),
        accrued: t?.contributor_cut ?? 0n,
        share: t?.earned ?? 0n,
        ownerCut: t?.owner_cut ?? 0n,
        contributorCut: t?.contributor_cut ?? 0n,
        inferenceCount: int(t?.inference_count),
      };
    });
    return keysetPage(rows, args, (r) => [r.accrued, r.contributionId]);
  },

  async earningsByDay(a: AccountView, args: { from?: unknown; to?: unknown }, ctx: ApiContext) {
    const rows = await groupTotals(ctx.db, ACCOUNT_DAY, { eq: { 0: a.address } }, a.bound);
    return daysInRange(rows.map((r) => ({ day: r.key[1]!, accrued: r.totals.accrued!, claimed: r.totals.claimed!, accrualCount: int(r.totals.accrual_count) })), args);
  },

  async accruals(a: AccountView, args: PageArgs, ctx: ApiContext) {
    const p = textKeyPage(args);
    const { rewardAccrual: ra, accrualExpectation: e, inference: i } = ctx.t;
    const conds = [eq(ra.account, a.address), upTo(ra.blockNumber, a.bound), p.below(ra.id)];
    const rows = await ctx.db
      .select({
        id: ra.id,
        inferenceId: ra.inferenceId,
        account: ra.account,
        role: ra.role,
        amount: ra.amount,
        blockNumber: ra.blockNumber,
        timestamp: ra.timestamp,
        transactionHash: ra.transactionHash,
        modelId: i.modelId,
        expectedAmount: e.amount,
        // Matches the split: predicted with exactly this amount, and the only one for its (account, role).
        repeats: sql<string>`(SELECT count(*) FROM ${ra} o WHERE o.inference_id = ${ra.inferenceId} AND o.account = ${ra.account} AND o.role = ${ra.role})`,
      })
      .from(ra)
      .leftJoin(i, eq(i.id, ra.inferenceId))
      .leftJoin(e, and(eq(e.inferenceId, ra.inferenceId), eq(e.account, ra.account), eq(e.role, ra.role)))
      .where(and(...conds))
      .orderBy(desc(ra.id))
      .limit(p.fetch);
    const items = rows.map((r) => ({ ...r, expectedAmount: r.expectedAmount ?? 0n, matchesSplit: r.expectedAmount === r.amount && Number(r.repeats) === 1 }));
    return p.page(items, (r) => r.id, async () => int((await a.totals()).accrual_count));
  },

  async contributions(a: AccountView, args: PageArgs, ctx: ApiContext) {
    const p = idPage(args);
    const c = ctx.t.contribution;
    const filter = and(eq(c.contributor, a.address), upTo(c.blockNumber, a.bound));
    const rows = await ctx.db.select().from(c).where(and(filter, p.below(c.id))).orderBy(desc(c.id)).limit(p.fetch);
    return p.page(rows.map((r) => bounded(r, a.bound)), (r) => r.id, async () => countOf(await ctx.db.select({ n: count() }).from(c).where(filter)));
  },

  async claims(a: AccountView, args: PageArgs, ctx: ApiContext) {
    const p = textKeyPage(args);
    const rc = ctx.t.rewardClaim;
    const conds = [eq(rc.account, a.address), upTo(rc.blockNumber, a.bound), p.below(rc.id)];
    const rows = await ctx.db.select().from(rc).where(and(...conds)).orderBy(desc(rc.id)).limit(p.fetch);
    return p.page(rows, (r) => r.id, async () => int((await a.totals()).claim_count));
  },

  datanetsOwned: async (a: AccountView, _: unknown, ctx: ApiContext) =>
    (await ctx.db.select().from(ctx.t.datanet).where(and(eq(ctx.t.datanet.owner, a.address), upTo(ctx.t.datanet.blockNumber, a.bound))).orderBy(asc(ctx.t.datanet.id)).limit(LIMITS.maxPageSize)).map((r) => bounded(r, a.bound)),
  modelsOwned: async (a: AccountView, _: unknown, ctx: ApiContext) =>
    (await ctx.db.select().from(ctx.t.model).where(and(eq(ctx.t.model.owner, a.address), upTo(ctx.t.model.blockNumber, a.bound))).orderBy(asc(ctx.t.model.id)).limit(LIMITS.maxPageSize)).map((r) => bounded(r, a.bound)),
};

export const ModelEarnings = {
  model: (r: { modelId: bigint; bound: Bound }, _: unknown, ctx: ApiContext) => loadBounded(ctx, "model", r.modelId, r.bound),
};
export const DatanetEarnings = {
  datanet: (r: { datanetId: bigint; bound: Bound }, _: unknown, ctx: ApiContext) => loadBounded(ctx, "datanet", r.datanetId, r.bound),
};
export const ContributionEarnings = {
  contribution: (r: { row: unknown }) => r.row,
};

/** A model, datanet or contribution by id, as it was at the bound (null when it did not exist yet). */
export async function loadBounded(ctx: ApiContext, kind: "model" | "datanet" | "contribution", id: bigint, bound: Bound) {
  const row = await ctx.loaders[kind].load(id);
  if (row === null || (bound !== null && row.blockNumber > bound)) return null;
  return bounded(row, bound);
}

export { boundOf };
