/** Inference: attributions, accruals, audit verdict; lookups by id and output hash; lists. */
import { and, asc, count, desc, eq, exists, lt, sql } from "ponder";
import { METHOD_NAMES, ROLE_NAMES, STATUS_NAMES } from "../../../core/roles.js";
import { cursorBigint, decodeHash, decodeId } from "../../input.js";
import { badInput, countOf, need, pageArgs, toPage, type AccrualRow, type ApiContext, type AttributionRow, type InferenceRow, type PageArgs } from "../context.js";
import { LIMITS } from "../limits.js";

const RULES = ["CONTRIBUTION_NOT_ACCEPTED", "OUTSIDE_TRAINING_LINEAGE", "SPLIT_MISMATCH"] as const;
type Rule = (typeof RULES)[number];

const RULE_MESSAGES: Record<Rule, (ids: string[]) => string> = {
  CONTRIBUTION_NOT_ACCEPTED: (ids) => `contribution${ids.length === 1 ? "" : "s"} ${ids.map((i) => `#${i}`).join(", ")} ${ids.length === 1 ? "was" : "were"} not Accepted at the inference's block`,
  OUTSIDE_TRAINING_LINEAGE: (ids) =>
    `contribution${ids.length === 1 ? "" : "s"} ${ids.map((i) => `#${i}`).join(", ")} ${ids.length === 1 ? "comes" : "come"} from a datanet no training run of the model or its ancestors used`,
  SPLIT_MISMATCH: () => "the RewardAccrued events differ from the split recomputed from the fee, the fee parameters then in force and the registries",
};

/** The indexer's violations column, decoded defensively (it is JSON). */
export function violationsOf(row: InferenceRow): { rule: Rule; contributionIds: bigint[]; message: string }[] {
  const raw = Array.isArray(row.violations) ? row.violations : [];
  const out: { rule: Rule; contributionIds: bigint[]; message: string }[] = [];
  for (const v of raw) {
    if (!v || typeof v !== "object" || !RULES.includes(v.rule as Rule)) continue;
    const ids = (Array.isArray(v.contributionIds) ? v.contributionIds : []).filter((x): x is string => typeof x === "string" && /^[0-9]+$/.test(x));
    out.push({ rule: v.rule as Rule, contributionIds: ids.map((x) => BigInt(x)), message: RULE_MESSAGES[v.rule as Rule](ids) });
  }
  return out;
}

export const inferenceQuery = {
  async inference(_: unknown, args: { id: unknown }, ctx: ApiContext) {
    const id = need(decodeId(args.id, "id"), "id");
    const rows = await ctx.db.select().from(ctx.t.inference).where(eq(ctx.t.inference.id, id)).limit(1);
    return rows[0] ?? null;
  },
  async inferencesByOutput(_: unknown, args: { outputHash: unknown }, ctx: ApiContext) {
    const hash = need(decodeHash(args.outputHash, "outputHash"), "outputHash");
    return ctx.db.select().from(ctx.t.inference).where(eq(ctx.t.inference.outputHash, hash)).orderBy(asc(ctx.t.inference.id)).limit(LIMITS.maxPageSize);
  },
  async recentInferences(_: unknown, args: PageArgs, ctx: ApiContext) {
    const { limit, after } = pageArgs(args, 1);
    const i = ctx.t.inference;
    const before = after ? cursorBigint(after[0]) : undefined;
    if (before === null) throw badInput("after is not a cursor returned by this API", "after");
    const rows = await ctx.db.select().from(i).where(before === undefined ? undefined : lt(i.id, before)).orderBy(desc(i.id)).limit(limit + 1);
    return toPage(rows, limit, after, (r) => [r.id], async () => {
      const n = await ctx.db.select({ n: ctx.t.network.inferenceCount }).from(ctx.t.network).limit(1);
      return countOf(n);
    });
  },
  async auditInferences(_: unknown, args: PageArgs & { rule?: Rule | null; modelId?: unknown; datanetId?: unknown }, ctx: ApiContext) {
    const { limit, after } = pageArgs(args, 1);
    const i = ctx.t.inference;
    const a = ctx.t.attribution;
    const conds = [eq(i.clean, false)];
    if (args.rule === "CONTRIBUTION_NOT_ACCEPTED") conds.push(eq(i.notAccepted, true));
    if (args.rule === "OUTSIDE_TRAINING_LINEAGE") conds.push(eq(i.outsideLineage, true));
    if (args.rule === "SPLIT_MISMATCH") conds.push(eq(i.splitMismatch, true));
    if (args.modelId !== undefined && args.modelId !== null) conds.push(eq(i.modelId, need(decodeId(args.modelId, "modelId"), "modelId")));
    if (args.datanetId !== undefined && args.datanetId !== null) {
      const datanetId = need(decodeId(args.datanetId, "datanetId"), "datanetId");
      conds.push(exists(ctx.db.select({ one: sql`1` }).from(a).where(and(eq(a.inferenceId, i.id), eq(a.datanetId, datanetId)))));
    }
    const filter = and(...conds);
    let pageCond = filter;
    if (after) {
      const before = cursorBigint(after[0]);
      if (before === null) throw badInput("after is not a cursor returned by this API", "after");
      pageCond = and(filter, lt(i.id, before));
    }
    const rows = await ctx.db.select().from(i).where(pageCond).orderBy(desc(i.id)).limit(limit + 1);
    return toPage(rows, limit, after, (r) => [r.id], async () => countOf(await ctx.db.select({ n: count() }).from(i).where(filter)));
  },
};

export const Inference = {
  model: (r: InferenceRow, _: unknown, ctx: ApiContext) => ctx.loaders.model.load(r.modelId),
  methodName: (r: InferenceRow) => METHOD_NAMES[r.method] ?? `UNKNOWN_${r.method}`,
  attributions: (r: InferenceRow, _: unknown, ctx: ApiContext) => ctx.loaders.attributionsByInference.load(r.id),
  accruals: async (r: InferenceRow, _: unknown, ctx: ApiContext) => (await ctx.loaders.accrualsByInference.load(r.id)).filter((x) => x.observed),
  violations: (r: InferenceRow) => violationsOf(r),
};

export const Attribution = {
  contribution: (r: AttributionRow, _: unknown, ctx: ApiContext) => ctx.loaders.contribution.load(r.contributionId),
  datanet: (r: AttributionRow, _: unknown, ctx: ApiContext) => (r.datanetId === null ? null : ctx.loaders.datanet.load(r.datanetId)),
  weight: (r: AttributionRow) => r.weightPpm,
  statusAtInference: (r: AttributionRow) => (r.statusAtInference === null ? null : STATUS_NAMES[r.statusAtInference] ?? null),
};

export const Accrual = {
  role: (r: AccrualRow) => ROLE_NAMES[r.role] ?? null,
  expectedAmount: (r: AccrualRow) => (r.expected ? r.expectedAmount : 0n),
  matchesSplit: (r: AccrualRow) => r.matched,
};

export const Violation = {};
