/** Account: earnings (total, by role/model/datanet/contribution/day), accruals, contributions, claims. */
import { and, asc, count, desc, eq, gt, gte, lt, lte, or, sql } from "ponder";
import { ROLE_NAMES } from "../../../core/roles.js";
import { cursorBigint, decodeAddress, decodeDay, dayOf } from "../../input.js";
import { badInput, countOf, need, pageArgs, toPage, type AccountRow, type ApiContext, type PageArgs } from "../context.js";
import { LIMITS } from "../limits.js";

export interface AccountView {
  address: `0x${string}`;
  row: AccountRow | null;
}

const bad = () => badInput("after is not a cursor returned by this API (pass pageInfo.endCursor unchanged)", "after");

/**
 * The hottest read of the API (every earnings lookup): a named prepared statement, built once per
 * database handle, so neither Drizzle nor PostgreSQL re-plan it per request.
 */
const accountStatements = new WeakMap<object, { execute(p: { address: string }): Promise<AccountRow[]> }>();
function accountStatement(ctx: ApiContext) {
  let stmt = accountStatements.get(ctx.db);
  if (!stmt) {
    stmt = ctx.db.select().from(ctx.t.account).where(eq(ctx.t.account.address, sql.placeholder("address"))).limit(1).prepare("api_account_by_address") as never;
    accountStatements.set(ctx.db, stmt!);
  }
  return stmt!;
}

export async function loadAccount(ctx: ApiContext, address: `0x${string}`): Promise<AccountView> {
  const rows = await accountStatement(ctx).execute({ address });
  return { address, row: rows[0] ?? null };
}

export const accountQuery = {
  account: (_: unknown, args: { address: unknown }, ctx: ApiContext) => loadAccount(ctx, need(decodeAddress(args.address), "address")),
};

export const Account = {
  address: (a: AccountView) => a.address,
  accrued: (a: AccountView) => a.row?.accrued ?? 0n,
  claimed: (a: AccountView) => a.row?.claimed ?? 0n,
  claimable: (a: AccountView) => a.row?.claimable ?? 0n,
  accrualCount: (a: AccountView) => a.row?.accrualCount ?? 0,
  claimCount: (a: AccountView) => a.row?.claimCount ?? 0,
  feesPaid: (a: AccountView) => a.row?.feesPaid ?? 0n,
  inferencesPaid: (a: AccountView) => a.row?.inferencesPaid ?? 0,
  earningsByRole: (a: AccountView) => {
    const r = a.row;
    const amounts = [r?.accruedTreasury, r?.accruedModelOwner, r?.accruedDatanetOwner, r?.accruedContributor];
    const counts = [r?.accrualCountTreasury, r?.accrualCountModelOwner, r?.accrualCountDatanetOwner, r?.accrualCountContributor];
    return ROLE_NAMES.map((role, i) => ({ role, accrued: amounts[i] ?? 0n, accrualCount: counts[i] ?? 0 }));
  },

  async earningsByModel(a: AccountView, args: PageArgs, ctx: ApiContext) {
    const { limit, after } = pageArgs(args, 2);
    const am = ctx.t.accountModel;
    let cond = eq(am.account, a.address);
    if (after) {
      const [amount, id] = [cursorBigint(after[0]), cursorBigint(after[1])];
      if (amount === null || id === null) throw bad();
      cond = and(cond, or(lt(am.accrued, amount), and(eq(am.accrued, amount), gt(am.modelId, id))))!;
    }
    const rows = await ctx.db.select().from(am).where(cond).orderBy(desc(am.accrued), asc(am.modelId)).limit(limit + 1);
    return toPage(
      rows.map((r) => ({ modelId: r.modelId, accrued: r.accrued, accrualCount: r.accrualCount })),
      limit,
      after,
      (r) => [r.accrued, r.modelId],
      async () => countOf(await ctx.db.select({ n: count() }).from(am).where(eq(am.account, a.address))),
    );
  },

  async earningsByDatanet(a: AccountView, args: PageArgs, ctx: ApiContext) {
    const { limit, after } = pageArgs(args, 2);
    const ad = ctx.t.accountDatanet;
    let cond = eq(ad.account, a.address);
    if (after) {
      const [amount, id] = [cursorBigint(after[0]), cursorBigint(after[1])];
      if (amount === null || id === null) throw bad();
      cond = and(cond, or(lt(ad.accrued, amount), and(eq(ad.accrued, amount), gt(ad.datanetId, id))))!;
    }
    const rows = await ctx.db.select().from(ad).where(cond).orderBy(desc(ad.accrued), asc(ad.datanetId)).limit(limit + 1);
    return toPage(
      rows,
      limit,
      after,
      (r) => [r.accrued, r.datanetId],
      async () => countOf(await ctx.db.select({ n: count() }).from(ad).where(eq(ad.account, a.address))),
    );
  },

  async earningsByContribution(a: AccountView, args: PageArgs, ctx: ApiContext) {
    const { limit, after } = pageArgs(args, 2);
    const c = ctx.t.contribution;
    let cond = eq(c.contributor, a.address);
    if (after) {
      const [amount, id] = [cursorBigint(after[0]), cursorBigint(after[1])];
      if (amount === null || id === null) throw bad();
      cond = and(cond, or(lt(c.contributorCut, amount), and(eq(c.contributorCut, amount), gt(c.id, id))))!;
    }
    const rows = await ctx.db.select().from(c).where(cond).orderBy(desc(c.contributorCut), asc(c.id)).limit(limit + 1);
    return toPage(
      rows.map((r) => ({
        contributionId: r.id,
        row: r,
        accrued: r.contributorCut,
        share: r.earned,
        ownerCut: r.ownerCut,
        contributorCut: r.contributorCut,
        inferenceCount: r.inferenceCount,
      })),
      limit,
      after,
      (r) => [r.accrued, r.contributionId],
      async () => countOf(await ctx.db.select({ n: count() }).from(c).where(eq(c.contributor, a.address))),
    );
  },

  async earningsByDay(a: AccountView, args: { from?: unknown; to?: unknown }, ctx: ApiContext) {
    const from = need(decodeDay(args.from, "from"), "from");
    const to = need(decodeDay(args.to, "to"), "to");
    if (from !== undefined && to !== undefined && from > to) throw badInput("from must not be after to", "from");
    const d = ctx.t.accountDay;
    const conds = [eq(d.account, a.address)];
    if (from !== undefined) conds.push(gte(d.day, dayOf(from)));
    if (to !== undefined) conds.push(lte(d.day, dayOf(to)));
    // Newest maxPageSize days of the range, returned oldest first.
    const rows = await ctx.db.select().from(d).where(and(...conds)).orderBy(desc(d.day)).limit(LIMITS.maxPageSize);
    return rows.reverse().map((r) => ({ day: r.day, accrued: r.accrued, claimed: r.claimed, accrualCount: r.accrualCount }));
  },

  async accruals(a: AccountView, args: PageArgs, ctx: ApiContext) {
    const { limit, after } = pageArgs(args, 1);
    const ra = ctx.t.rewardAccrual;
    let cond = and(eq(ra.account, a.address), eq(ra.observed, true))!;
    if (after) cond = and(cond, lt(ra.at, after[0]!))!;
    const rows = await ctx.db.select().from(ra).where(cond).orderBy(desc(ra.at)).limit(limit + 1);
    return toPage(rows, limit, after, (r) => [r.at], async () => a.row?.accrualCount ?? 0);
  },

  async contributions(a: AccountView, args: PageArgs, ctx: ApiContext) {
    const { limit, after } = pageArgs(args, 1);
    const c = ctx.t.contribution;
    let cond = eq(c.contributor, a.address);
    if (after) {
      const id = cursorBigint(after[0]);
      if (id === null) throw bad();
      cond = and(cond, lt(c.id, id))!;
    }
    const rows = await ctx.db.select().from(c).where(cond).orderBy(desc(c.id)).limit(limit + 1);
    return toPage(rows, limit, after, (r) => [r.id], async () => a.row?.contributionCount ?? 0);
  },

  async claims(a: AccountView, args: PageArgs, ctx: ApiContext) {
    const { limit, after } = pageArgs(args, 1);
    const rc = ctx.t.rewardClaim;
    let cond = eq(rc.account, a.address);
    if (after) cond = and(cond, lt(rc.id, after[0]!))!;
    const rows = await ctx.db.select().from(rc).where(cond).orderBy(desc(rc.id)).limit(limit + 1);
    return toPage(rows, limit, after, (r) => [r.id], async () => a.row?.claimCount ?? 0);
  },

  datanetsOwned: (a: AccountView, _: unknown, ctx: ApiContext) =>
    ctx.db.select().from(ctx.t.datanet).where(eq(ctx.t.datanet.owner, a.address)).orderBy(asc(ctx.t.datanet.id)).limit(LIMITS.maxPageSize),
  modelsOwned: (a: AccountView, _: unknown, ctx: ApiContext) =>
    ctx.db.select().from(ctx.t.model).where(eq(ctx.t.model.owner, a.address)).orderBy(asc(ctx.t.model.id)).limit(LIMITS.maxPageSize),
};

export const ModelEarnings = {
  model: (r: { modelId: bigint }, _: unknown, ctx: ApiContext) => ctx.loaders.model.load(r.modelId),
};
export const DatanetEarnings = {
  datanet: (r: { datanetId: bigint }, _: unknown, ctx: ApiContext) => ctx.loaders.datanet.load(r.datanetId),
};
export const ContributionEarnings = {
  contribution: (r: { row: unknown }) => r.row,
};
