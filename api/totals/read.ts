/**
 * Reading totals (api/totals/rollups.ts): the rollups' finalized part up to the watermark plus the
 * facts above it, in one statement, current or as of a block. Values come back as bigint (counts
 * too: callers convert). Keys are bound as parameters.
 */
import { createHash } from "node:crypto";
import { sql } from "ponder";
import type { SQL } from "drizzle-orm";
import { MAX_ATTRIBUTIONS } from "../../core/roles.js";
import type { Db } from "../db.js";
import { ACCOUNT, addressRows, DATANET, factRows, headTable, META_TABLE, SEEN_TABLE, VERSIONED, versionsTable, type Rollup } from "./rollups.js";

export const WATERMARK_ID = "totals";

/** A SQL text with `$n` placeholders for `params`, as a Drizzle SQL object. */
function bind(text: string, params: readonly unknown[]): SQL {
  const parts = text.split(/\$(\d+)\b/);
  const chunks: SQL[] = [];
  for (let j = 0; j < parts.length; j++) {
    if (j % 2 === 0) chunks.push(sql.raw(parts[j]!));
    else chunks.push(sql`${params[Number(parts[j])]}`);
  }
  return sql.join(chunks);
}

/** What node-postgres's pool offers (Ponder's read-only pool on PostgreSQL; PGlite has no such pool). */
interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
  idleCount: number;
}

/**
 * The node-postgres pool under a Drizzle handle, or undefined (PGlite, or API_PREPARED_STATEMENTS=off:
 * for a connection pooler in transaction mode that cannot keep a session's prepared statements).
 */
const preparedStatements = process.env.API_PREPARED_STATEMENTS !== "off";
function pgPool(db: Db): PgPool | undefined {
  if (!preparedStatements) return undefined;
  const client = (db as unknown as { $client?: Partial<PgPool> }).$client;
  return client && typeof client.query === "function" && typeof client.idleCount === "number" ? (client as PgPool) : undefined;
}

/**
 * A statement with `$n` (0-based) placeholders as node-postgres sends it named: PostgreSQL's `$n+1`
 * placeholders and a name that is a hash of the text, so the same text gets the same name and each
 * connection parses and plans it once (after five runs PostgreSQL keeps a generic plan), where
 * planning these statements costs several times running them. Name and text are computed once per
 * text (the texts come from a bounded set of read shapes; values are parameters).
 */
const prepared = new Map<string, { name: string; text: string }>();
export function preparedQuery(text: string, params: readonly unknown[]): { name: string; text: string; values: unknown[] } {
  let p = prepared.get(text);
  if (p === undefined) {
    p = { name: `totals_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`, text: text.replace(/\$(\d+)\b/g, (_m, d: string) => `$${Number(d) + 1}`) };
    if (prepared.size < 10_000) prepared.set(text, p);
  }
  return { ...p, values: [...params] };
}

/** Runs a statement with `$n` placeholders: a named prepared statement on PostgreSQL, through Drizzle on PGlite. */
async function rows<T>(db: Db, text: string, params: readonly unknown[] = []): Promise<T[]> {
  const pool = pgPool(db);
  if (pool) return (await pool.query(preparedQuery(text, params))).rows as T[];
  const result = await db.execute(bind(text, params));
  return ((result as unknown as { rows?: T[] }).rows ?? (result as unknown as T[])) as T[];
}

/** The watermark as a SQL expression (-1: no rollup yet, everything is read from the facts). */
const WATERMARK = `coalesce((SELECT watermark FROM ${META_TABLE} WHERE id = '${WATERMARK_ID}'), -1)`;

/**
 * Whether the rollup tables exist yet (created by the indexing process's advancer at start-up);
 * until they do, totals are read from the facts alone. Checked until true, then remembered.
 */
const ready = new WeakMap<object, boolean>();
async function rollupsExist(db: Db): Promise<boolean> {
  if (ready.get(db)) return true;
  const r = await rows<{ t: string | null }>(db, `SELECT to_regclass('r_meta')::text AS t`);
  const exists = r[0]?.t !== null && r[0]?.t !== undefined;
  if (exists) ready.set(db, true);
  return exists;
}

/**
 * The highest block the rollups hold (every block at or below it is finalized: no reorg reaches
 * it), or null before the first advance.
 */
export async function finalizedWatermark(db: Db): Promise<bigint | null> {
  if (!(await rollupsExist(db))) return null;
  const r = await rows<{ w: string | null }>(db, `SELECT ${WATERMARK}::text AS w`);
  const w = r[0]?.w;
  return w === null || w === undefined || BigInt(w) < 0n ? null : BigInt(w);
}

const big = (v: unknown): bigint => (v === null || v === undefined ? 0n : BigInt(String(v).split(".")[0]!));

export type Totals = Record<string, bigint>;

/** All totals of a rollup at zero (a key without facts). */
export function zeroTotals(r: Rollup): Totals {
  return valuesOf(r, undefined);
}

function valuesOf(r: Rollup, row: Record<string, unknown> | undefined): Totals {
  const out: Totals = {};
  r.values.forEach((c, j) => (out[c.name] = big(row?.[`v${j}`])));
  return out;
}

/** `bound`: a block number (as of it) or null (now). */
export type Bound = bigint | null;

/** Which keys to read: equal to values at some key positions, and/or the first key among a list. */
export interface KeyMatch {
  /** Key position -> value it must equal. */
  eq?: Record<number, unknown>;
  /** Values the first key column must be among. */
  in?: readonly string[];
  /**
   * Also required of the facts (alias f): column -> value, so a read matching a key computed from a
   * column (LINEAGE's coalesce(f.contributor, '')) still uses that column's index.
   */
  factEq?: Record<string, unknown>;
}

/**
 * Totals of the keys matching `match` (all keys when empty), each with its key values: one row per
 * key, summed from the rollup's latest version at or before the bound (the watermark at most) and
 * the facts above the watermark.
 */
/**
 * The one statement groupTotals runs ($n placeholders, 0-based, in `params`): also what a benchmark
 * sends straight through `pg` as the floor of the same read. `hasRollups`: whether the rollup tables exist.
 */
export function groupTotalsStatement(r: Rollup, match: KeyMatch, bound: Bound, hasRollups: boolean): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(typeof v === "bigint" ? v.toString() : v) - 1}`;
  const conds: ((exprs: readonly string[]) => string)[] = [];
  for (const [j, value] of Object.entries(match.eq ?? {})) {
    const p = param(value);
    conds.push((exprs) => `${exprs[Number(j)]} = ${p}`);
  }
  if (match.in) {
    // As a PostgreSQL array literal: Drizzle would expand a JS array into a row of parameters.
    const literal = `{${match.in.map((v) => `"${String(v).replace(/["\\]/g, (c) => `\\${c}`)}"`).join(",")}}`;
    const p = `${param(literal)}::${r.keys[0]!.type === "text" ? "text" : "numeric"}[]`;
    conds.push((exprs) => `${exprs[0]} = ANY(${p})`);
  }
  const keyCond = conds.length ? (exprs: readonly string[]) => conds.map((c) => c(exprs)).join(" AND ") : undefined;
  const factConds = Object.entries(match.factEq ?? {}).map(([col, value]) => {
    if (!/^[a-z_]+$/.test(col)) throw new Error(`factEq: bad column name ${col}`);
    return `f.${col} = ${param(value)}`;
  });
  const tailCond = keyCond || factConds.length ? (exprs: readonly string[]) => [...(keyCond ? [keyCond(exprs)] : []), ...factConds].join(" AND ") : undefined;
  const boundSql = bound === null ? null : `${param(bound)}::numeric`;
  const k = r.keys.map((_, j) => `k${j}`);
  const v = r.values.map((_, j) => `v${j}`);
  // A rollup with a head only answers a past block from the facts alone when the block is below its watermark.
  const headOnlyPast = boundSql !== null && !VERSIONED.includes(r);
  const lo = !hasRollups ? "-1" : headOnlyPast ? `(CASE WHEN ${boundSql} >= (SELECT w FROM wm) THEN (SELECT w FROM wm) ELSE -1 END)` : "(SELECT w FROM wm)";
  const tail = `SELECT ${k.join(", ")}, ${v.map((x) => `sum(${x}) AS ${x}`).join(", ")} FROM (${factRows(r, lo, boundSql, tailCond)}) f GROUP BY ${k.join(", ")}`;
  let text: string;
  if (hasRollups) {
    const names = r.keys.map((c) => `"${c.name}"`);
    const cols = r.keys.map((c, j) => `"${c.name}" AS k${j}`).concat(r.values.map((c, j) => `"${c.name}" AS v${j}`));
    const where = keyCond ? keyCond(names) : "true";
    const base =
      boundSql === null
        ? `SELECT ${cols.join(", ")} FROM ${headTable(r)} WHERE ${where}`
        : headOnlyPast
          ? `SELECT ${cols.join(", ")} FROM ${headTable(r)} WHERE ${where} AND ${boundSql} >= (SELECT w FROM wm)`
          : `SELECT DISTINCT ON (${names.join(", ")}) ${cols.join(", ")} FROM ${versionsTable(r)} WHERE ${where} AND "block" <= LEAST(${boundSql}, (SELECT w FROM wm)) ORDER BY ${names.join(", ")}, "block" DESC`;
    text = `WITH wm AS (SELECT ${WATERMARK} AS w), base AS (${base}), tail AS (${tail})
      SELECT ${k.map((x) => `coalesce(base.${x}, tail.${x}) AS ${x}`).join(", ")}, ${v.map((x) => `coalesce(base.${x}, 0) + coalesce(tail.${x}, 0) AS ${x}`).join(", ")}
      FROM base FULL JOIN tail ON ${k.map((x) => `base.${x} = tail.${x}`).join(" AND ")}`;
  } else {
    text = tail;
  }
  return { text, params };
}

export async function groupTotals(db: Db, r: Rollup, match: KeyMatch, bound: Bound): Promise<{ key: string[]; totals: Totals }[]> {
  if (match.in && match.in.length === 0) return [];
  const { text, params } = groupTotalsStatement(r, match, bound, await rollupsExist(db));
  const k = r.keys.map((_, j) => `k${j}`);
  const out = await rows<Record<string, unknown>>(db, text, params);
  return out.map((row) => ({ key: k.map((x) => String(row[x])), totals: valuesOf(r, row) }));
}

/** Totals of one key (zeros when it has none). */
export async function pointTotals(db: Db, r: Rollup, key: readonly unknown[], bound: Bound): Promise<Totals> {
  const found = await groupTotals(db, r, { eq: Object.fromEntries(key.map((v, j) => [j, v])) }, bound);
  return found[0]?.totals ?? valuesOf(r, undefined);
}

/** How many distinct addresses appear in the facts (network.accounts), at the bound. */
export async function accountCount(db: Db, bound: Bound): Promise<number> {
  const params: unknown[] = [];
  const boundSql = bound === null ? null : `$${params.push(bound.toString()) - 1}::numeric`;
  const text = (await rollupsExist(db))
    ? `WITH wm AS (SELECT ${WATERMARK} AS w)
       SELECT (SELECT count(*) FROM ${SEEN_TABLE} WHERE "block" <= ${boundSql === null ? "(SELECT w FROM wm)" : `LEAST(${boundSql}, (SELECT w FROM wm))`})
            + (SELECT count(*) FROM (${addressRows("(SELECT w FROM wm)", boundSql)}) t WHERE NOT EXISTS (SELECT 1 FROM ${SEEN_TABLE} s WHERE s."account" = t.address)) AS n`
    : `SELECT count(*) AS n FROM (${addressRows("-1", boundSql)}) t`;
  const r = await rows<{ n: unknown }>(db, text, params);
  return Number(big(r[0]?.n));
}

/** Every address that appears in the facts at the bound (the keys of network.accounts), ascending. */
export async function accountsAt(db: Db, bound: Bound): Promise<string[]> {
  const params: unknown[] = [];
  const boundSql = bound === null ? null : `$${params.push(bound.toString()) - 1}::numeric`;
  const text = (await rollupsExist(db))
    ? `WITH wm AS (SELECT ${WATERMARK} AS w)
       SELECT "account" AS address FROM ${SEEN_TABLE} WHERE "block" <= ${boundSql === null ? "(SELECT w FROM wm)" : `LEAST(${boundSql}, (SELECT w FROM wm))`}
       UNION SELECT address FROM (${addressRows("(SELECT w FROM wm)", boundSql)}) t ORDER BY address`
    : `SELECT address FROM (${addressRows("-1", boundSql)}) t ORDER BY address`;
  return (await rows<{ address: string }>(db, text, params)).map((r) => r.address);
}

/** One inference that attributed a lineage root's data: what the root's attributions in it weighed and earned. */
export interface AttributingInference {
  modelId: string;
  inferenceId: string;
  weightSum: bigint;
  amount: bigint;
  attributionCount: number;
}

/** Per root column, the column its index orders by after it (ponder.schema.ts attribution indexes); ids grow with blocks. */
const NEWEST_ORDER = { contribution_id: "inference_id", datanet_id: "inference_id", contributor: "block_number" } as const;

/**
 * The newest `n` inferences that attributed a lineage root's data (facts with `column` = value, the
 * same ones as the LINEAGE grain: known contribution and datanet), newest first, each with the
 * root's weight and amount (`amount`: share or contributor_cut) in it. Bounded: it reads the root's
 * newest n × 256 attributions along the index (an inference attributes at most 256 contributions),
 * then those inferences' attributions of the root.
 */
export async function attributingInferences(
  db: Db,
  match: { column: keyof typeof NEWEST_ORDER; value: string },
  bound: Bound,
  n: number,
  amount: "share" | "contributor_cut",
): Promise<AttributingInference[]> {
  if (n <= 0) return [];
  const params: unknown[] = [match.value];
  const boundSql = bound === null ? "" : ` AND g.block_number <= $${params.push(bound.toString()) - 1}::numeric`;
  const limit = `$${params.push(Math.floor(n)) - 1}::bigint`;
  const cap = `$${params.push(Math.floor(n) * MAX_ATTRIBUTIONS) - 1}::bigint`;
  const known = (a: string) => `${a}.contribution_known AND ${a}.datanet_id IS NOT NULL`;
  const text = `SELECT f.model_id::text AS model_id, f.inference_id::text AS inference_id, sum(f.weight_ppm)::text AS w, sum(f.${amount})::text AS amt, count(*) AS n
    FROM "attribution" f
    WHERE f.${match.column} = $0 AND ${known("f")} AND f.inference_id IN (
      SELECT inference_id FROM (
        SELECT g.inference_id FROM "attribution" g WHERE g.${match.column} = $0 AND ${known("g")}${boundSql}
        ORDER BY g.${NEWEST_ORDER[match.column]} DESC LIMIT ${cap}) x
      GROUP BY inference_id ORDER BY inference_id DESC LIMIT ${limit})
    GROUP BY f.model_id, f.inference_id ORDER BY f.inference_id DESC`;
  const out = await rows<Record<string, unknown>>(db, text, params);
  return out.map((r) => ({ modelId: String(r.model_id), inferenceId: String(r.inference_id), weightSum: big(r.w), amount: big(r.amt), attributionCount: Number(r.n) }));
}

/**
 * The most attributions one lineage root can have (a datanet's, or a contributor's; a
 * contribution has no more than its datanet): the largest in the rollups plus every fact above the
 * watermark (all of which might be one root's); null before the rollups exist. For the cost
 * estimate of the downstream lineages (api/graphql/cost.ts), read from the heads, not the facts.
 */
export async function maxRootAttributions(db: Db): Promise<number | null> {
  if (!(await rollupsExist(db))) return null;
  const text = `WITH wm AS (SELECT ${WATERMARK} AS w)
    SELECT (greatest(coalesce((SELECT max("attribution_count") FROM ${headTable(DATANET)}), 0), coalesce((SELECT max("count_contributor") FROM ${headTable(ACCOUNT)}), 0))
      + (SELECT count(*) FROM "attribution" f WHERE f.block_number > (SELECT w FROM wm)))::text AS n`;
  const r = await rows<{ n: string | null }>(db, text);
  return Number(r[0]?.n ?? 0);
}
