/**
 * What every resolver gets: the read-only database, the tables, per-request batch loaders, and the
 * helpers that turn bad input into BAD_USER_INPUT errors and rows into keyset pages.
 */
import DataLoader from "dataloader";
import { GraphQLError } from "graphql/index.js";
import { inArray } from "ponder";
import type * as Schema from "../../ponder.schema.js";
import type { Db, Tables } from "../db.js";
import { decodeCursor, decodeIntInRange, encodeCursor, type Decoded } from "../input.js";
import { LIMITS } from "./limits.js";
import { groupTotals, zeroTotals, type Bound, type Totals } from "../totals/read.js";
import type { Rollup } from "../totals/rollups.js";
import type { Deadline } from "./admission.js";

export type { Db, Tables };

export type DatanetRow = typeof Schema.datanet.$inferSelect;
export type ContributionRow = typeof Schema.contribution.$inferSelect;
export type ModelRow = typeof Schema.model.$inferSelect;
export type TrainingRunRow = typeof Schema.trainingRun.$inferSelect;
export type InferenceRow = typeof Schema.inference.$inferSelect;
export type AttributionRow = typeof Schema.attribution.$inferSelect;
export type AccrualRow = typeof Schema.rewardAccrual.$inferSelect;
export type ExpectationRow = typeof Schema.accrualExpectation.$inferSelect;

export interface ApiContext {
  db: Db;
  t: Tables;
  loaders: Loaders;
  /** The request's deadline (admission.ts); resolvers of long computations check it between reads. */
  deadline?: Deadline;
}

/** Resolver signature with our context; parent typed by the caller. */
export type Resolver<P, A = Record<string, unknown>, R = unknown> = (parent: P, args: A, ctx: ApiContext) => R | Promise<R>;

export function badInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, { extensions: argument ? { code: "BAD_USER_INPUT", argument } : { code: "BAD_USER_INPUT" } });
}

/** The decoded value, or a BAD_USER_INPUT error naming the argument. */
export function need<T>(decoded: Decoded<T>, argument?: string): T {
  if (!decoded.ok) throw badInput(decoded.error, argument);
  return decoded.value;
}

export interface PageArgs {
  limit?: number | null;
  after?: string | null;
}

/** limit in [1, maxPageSize] (default 50) and the decoded `after` cursor of the given arity. */
export function pageArgs(args: PageArgs, arity: number): { limit: number; after: string[] | undefined } {
  const limit = need(decodeIntInRange(args.limit, "limit", 1, LIMITS.maxPageSize, LIMITS.defaultPageSize), "limit");
  const after = need(decodeCursor(args.after, arity), "after");
  return { limit, after };
}

/** A bounded list argument (no cursor): limit in [1, max] with a default. */
export function listLimit(value: number | null | undefined, fallback: number, max: number = LIMITS.maxPageSize): number {
  return need(decodeIntInRange(value, "limit", 1, max, fallback), "limit");
}

export interface Page<T> {
  items: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** Resolved only when selected (graphql-js calls a function-valued property). */
  totalCount: () => Promise<number>;
}

/**
 * Builds a page from rows fetched with `limit + 1` (the extra row only says there is a next page).
 * `key` gives the keyset of a row, in sort order.
 */
export function toPage<T>(rows: T[], limit: number, after: unknown, key: (row: T) => (string | number | bigint)[], count: () => Promise<number>): Page<T> {
  const items = rows.slice(0, limit);
  const first = items[0];
  const last = items[items.length - 1];
  return {
    items,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: after !== undefined,
      startCursor: first === undefined ? null : encodeCursor(key(first)),
      endCursor: last === undefined ? null : encodeCursor(key(last)),
    },
    totalCount: count,
  };
}

export function countOf(rows: { n: number | string | bigint }[]): number {
  return Number(rows[0]?.n ?? 0);
}

/** Per-request batch loaders (one query per entity type per tick instead of one per row). */
export function createLoaders(db: Db, t: Tables) {
  const byId = <R extends { id: bigint }>(load: (ids: bigint[]) => Promise<R[]>) =>
    new DataLoader<bigint, R | null, string>(
      async (ids) => {
        const rows = await load([...ids]);
        const map = new Map(rows.map((r) => [r.id.toString(), r]));
        return ids.map((id) => map.get(id.toString()) ?? null);
      },
      { cacheKeyFn: (id) => id.toString(), maxBatchSize: 1000 },
    );
  const groupBy = <R>(load: (ids: bigint[]) => Promise<R[]>, keyOf: (r: R) => bigint) =>
    new DataLoader<bigint, R[], string>(
      async (ids) => {
        const rows = await load([...ids]);
        const map = new Map<string, R[]>();
        for (const r of rows) {
          const k = keyOf(r).toString();
          const list = map.get(k);
          if (list) list.push(r);
          else map.set(k, [r]);
        }
        return ids.map((id) => map.get(id.toString()) ?? []);
      },
      { cacheKeyFn: (id) => id.toString(), maxBatchSize: 200 },
    );
  /** Totals of single-key rollups (models, datanets, contributions) per bound, batched: one read per tick. */
  const totalsLoaders = new Map<string, DataLoader<string, Totals, string>>();
  const totals = (rollup: Rollup, bound: Bound) => {
    const key = `${rollup.name}|${bound ?? "now"}`;
    let loader = totalsLoaders.get(key);
    if (!loader) {
      loader = new DataLoader<string, Totals, string>(
        async (ids) => {
          const found = new Map((await groupTotals(db, rollup, { in: [...ids] }, bound)).map((r) => [r.key[0]!, r.totals]));
          return ids.map((id) => found.get(id) ?? zeroTotals(rollup));
        },
        { maxBatchSize: 1000 },
      );
      totalsLoaders.set(key, loader);
    }
    return loader;
  };
  return {
    totals,
    model: byId((ids) => db.select().from(t.model).where(inArray(t.model.id, ids))),
    datanet: byId((ids) => db.select().from(t.datanet).where(inArray(t.datanet.id, ids))),
    contribution: byId((ids) => db.select().from(t.contribution).where(inArray(t.contribution.id, ids))),
    attributionsByInference: groupBy(
      (ids) => db.select().from(t.attribution).where(inArray(t.attribution.inferenceId, ids)).orderBy(t.attribution.inferenceId, t.attribution.position),
      (r) => r.inferenceId,
    ),
    /** The chain's RewardAccrued events of each inference, in log order. */
    accrualsByInference: groupBy(
      (ids) => db.select().from(t.rewardAccrual).where(inArray(t.rewardAccrual.inferenceId, ids)).orderBy(t.rewardAccrual.inferenceId, t.rewardAccrual.id),
      (r) => r.inferenceId,
    ),
    /** The accruals the recomputed split predicts for each inference. */
    expectationsByInference: groupBy(
      (ids) => db.select().from(t.accrualExpectation).where(inArray(t.accrualExpectation.inferenceId, ids)),
      (r) => r.inferenceId,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
