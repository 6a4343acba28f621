/** Inference: attributions, accruals, audit verdict; lookups by id and output hash; lists. */
import { and, asc, desc, eq, sql } from "ponder";
import type { SQL } from "drizzle-orm";
import { accrualKey, explain, loadViolations, matchAccruals, splitMismatchOf, verdict, type Rule } from "../../../core/audit.js";
import { pointTotals } from "../../totals/read.js";
import { headTable, NETWORK, SPLIT, SPLIT_MISMATCH } from "../../totals/rollups.js";
import { idPage } from "./paging.js";
import { METHOD_NAMES, ROLE_NAMES, STATUS_NAMES } from "../../../core/roles.js";
import { decodeHash, decodeId } from "../../input.js";
import { need, type AccrualRow, type ApiContext, type AttributionRow, type InferenceRow, type PageArgs } from "../context.js";
import { LIMITS } from "../limits.js";

/** The inference's verdict: its stored contribution rules plus SPLIT_MISMATCH from its accruals (core/audit.ts). */
export async function verdictOf(row: InferenceRow, ctx: ApiContext) {
  const [expected, observed] = await Promise.all([ctx.loaders.expectationsByInference.load(row.id), ctx.loaders.accrualsByInference.load(row.id)]);
  const base = loadViolations(row.violations).filter((v) => v.rule !== "SPLIT_MISMATCH");
  const mismatch = splitMismatchOf(expected, observed);
  const v = verdict(base, mismatch, row.contributionIds);
  return { clean: v.clean, violations: v.violations.map(explain) };
}

/**
 * Flagged inferences (all rules, or one), newest first: the inference table's own flags for the
 * contribution rules, and SPLIT_MISMATCH from the rollup of finalized blocks (api/totals/) plus the
 * inferences above its watermark, checked from their facts.
 */
function flaggedIds(ctx: ApiContext, rule: Rule | null | undefined, modelId: bigint | undefined, datanetId: bigint | undefined): SQL {
  const i = ctx.t.inference;
  const filters: SQL[] = [];
  if (modelId !== undefined) filters.push(sql`f.model_id = ${modelId.toString()}`);
  if (datanetId !== undefined) filters.push(sql`EXISTS (SELECT 1 FROM ${ctx.t.attribution} a WHERE a.inference_id = f.id AND a.datanet_id = ${datanetId.toString()})`);
  const where = (cond: SQL) => sql.join([cond, ...filters], sql` AND `);
  const parts: SQL[] = [];
  if (!rule || rule === "CONTRIBUTION_NOT_ACCEPTED") parts.push(sql`SELECT f.id FROM ${i} f WHERE ${where(sql`f.not_accepted`)}`);
  if (!rule || rule === "OUTSIDE_TRAINING_LINEAGE") parts.push(sql`SELECT f.id FROM ${i} f WHERE ${where(sql`f.outside_lineage`)}`);
  if (!rule || rule === "SPLIT_MISMATCH") {
    parts.push(sql`SELECT f.id FROM ${i} f JOIN ${sql.raw(headTable(SPLIT))} s ON s.inference_id = f.id WHERE ${where(sql`true`)}`);
    parts.push(sql`SELECT f.id FROM ${i} f WHERE ${where(sql`f.block_number > ${sql.raw(SPLIT_WATERMARK)} AND ${sql.raw(SPLIT_MISMATCH("f"))}`)}`);
  }
  return sql.join(parts, sql` UNION `);
}
/** The watermark of the rollups (-1 before they exist: then the SPLIT head is empty too). */
const SPLIT_WATERMARK = `coalesce((SELECT watermark FROM "r_meta" WHERE id = 'totals'), -1)`;

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
    const p = idPage(args);
    const i = ctx.t.inference;
    const rows = await ctx.db.select().from(i).where(p.below(i.id)).orderBy(desc(i.id)).limit(p.fetch);
    return p.page(rows, (r) => r.id, async () => Number((await pointTotals(ctx.db, NETWORK, ["network"], null)).inference_count));
  },
  async auditInferences(_: unknown, args: PageArgs & { rule?: Rule | null; modelId?: unknown; datanetId?: unknown }, ctx: ApiContext) {
    const p = idPage(args);
    const modelId = args.modelId !== undefined && args.modelId !== null ? need(decodeId(args.modelId, "modelId"), "modelId") : undefined;
    const datanetId = args.datanetId !== undefined && args.datanetId !== null ? need(decodeId(args.datanetId, "datanetId"), "datanetId") : undefined;
    const ids = flaggedIds(ctx, args.rule, modelId, datanetId);
    const i = ctx.t.inference;
    const rows = await ctx.db.select().from(i).where(and(sql`${i.id} IN (${ids})`, p.below(i.id))).orderBy(desc(i.id)).limit(p.fetch);
    return p.page(rows, (r) => r.id, async () => {
      const result = await ctx.db.execute(sql`SELECT count(*) AS n FROM (${ids}) x`);
      const r = ((result as unknown as { rows?: { n: unknown }[] }).rows ?? (result as unknown as { n: unknown }[]))[0];
      return Number(r?.n ?? 0);
    });
  },
};

export const Inference = {
  model: (r: InferenceRow, _: unknown, ctx: ApiContext) => ctx.loaders.model.load(r.modelId),
  methodName: (r: InferenceRow) => METHOD_NAMES[r.method] ?? `UNKNOWN_${r.method}`,
  attributions: (r: InferenceRow, _: unknown, ctx: ApiContext) => ctx.loaders.attributionsByInference.load(r.id),
  /** The chain's accruals, each beside what the split predicted for its (account, role). */
  accruals: async (r: InferenceRow, _: unknown, ctx: ApiContext) => {
    const [expected, observed] = await Promise.all([ctx.loaders.expectationsByInference.load(r.id), ctx.loaders.accrualsByInference.load(r.id)]);
    const predicted = new Map(expected.map((e) => [accrualKey(e), e.amount]));
    const matches = matchAccruals(expected, observed);
    return observed.map((a, j) => ({ ...a, modelId: r.modelId, expectedAmount: predicted.get(accrualKey(a)) ?? 0n, matchesSplit: matches[j] }));
  },
  clean: async (r: InferenceRow, _: unknown, ctx: ApiContext) => (await verdictOf(r, ctx)).clean,
  violations: async (r: InferenceRow, _: unknown, ctx: ApiContext) => (await verdictOf(r, ctx)).violations,
};

export const Attribution = {
  contribution: (r: AttributionRow, _: unknown, ctx: ApiContext) => ctx.loaders.contribution.load(r.contributionId),
  datanet: (r: AttributionRow, _: unknown, ctx: ApiContext) => (r.datanetId === null ? null : ctx.loaders.datanet.load(r.datanetId)),
  weight: (r: AttributionRow) => r.weightPpm,
  statusAtInference: (r: AttributionRow) => (r.statusAtInference === null ? null : STATUS_NAMES[r.statusAtInference] ?? null),
};

export const Accrual = {
  role: (r: AccrualRow) => ROLE_NAMES[r.role] ?? null,
};

export const Violation = {};
