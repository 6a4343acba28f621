/**
 * Ponder's generated list fields (`attributions(where, orderBy, orderDirection, limit, offset,
 * after, before)` and their nested relation twins), checked before execution. Ponder 0.16 checks
 * little itself: a negative offset, an orderBy naming no column, a garbage cursor or a `where`
 * nested a thousand levels fail inside its resolver or the database and reach the client as
 * internal errors, and `limit: 0` or `-1` silently returns nothing. Here each is a BAD_USER_INPUT
 * naming the field and the argument. No I/O.
 *
 * The table descriptions (columns, primary key, what an index leads with) also tell the cost
 * estimate (cost.ts) whether a filter or a sort can use an index or must read the whole range.
 */
import { getTableColumns, is } from "drizzle-orm";
import { PgTable, getTableConfig, type PgColumn } from "drizzle-orm/pg-core";
import { GraphQLError } from "graphql/index.js";
import { LIMITS } from "./limits.js";

type ColumnKind = "bigint" | "integer" | "text" | "boolean" | "other";

export interface PonderTableInfo {
  /** The table's name in ponder.schema.ts (also Ponder's GraphQL type name). */
  table: string;
  columns: Map<string, { kind: ColumnKind; nullable: boolean }>;
  /** Primary-key columns, in order (Ponder appends them to every sort). */
  primaryKey: string[];
  /** Columns an index (or the primary key) leads with. */
  leading: Set<string>;
  /** True when `where`/`orderBy` make the database read the whole range instead of an index slice. */
  needsScan(args: Record<string, unknown>): boolean;
}

/** Deepest AND/OR nesting accepted in `where`, and conditions in one `where` altogether. */
export const MAX_WHERE_DEPTH = 8;
export const MAX_WHERE_CONDITIONS = 100;
/** Rows `offset` may skip (each skipped row is read): page deeper with `after`. */
export const MAX_OFFSET = 10_000;

/** Filter suffixes Ponder 0.16 generates, longest first (so `_not_in` is not read as `_in`). */
const SUFFIXES = ["_not_starts_with", "_not_ends_with", "_not_contains", "_starts_with", "_ends_with", "_not_has", "_contains", "_not_in", "_has", "_not", "_gte", "_lte", "_in", "_gt", "_lt", ""];
/** Suffixes a btree index on the column can serve. */
const INDEXABLE = new Set(["", "_in", "_gt", "_lt", "_gte", "_lte"]);

function kindOf(column: PgColumn): ColumnKind {
  switch (column.columnType) {
    case "PgEvmBigint":
    case "PgBigInt64":
    case "PgNumeric":
      return "bigint";
    case "PgInteger":
    case "PgSmallInt":
      return "integer";
    case "PgText":
    case "PgHex":
    case "PgVarchar":
      return "text";
    case "PgBoolean":
      return "boolean";
    default:
      return "other";
  }
}

/** Descriptions of every table of a ponder.schema.ts module, by table (= GraphQL type) name. */
export function ponderTableInfos(schemaModule: Record<string, unknown>): Map<string, PonderTableInfo> {
  const out = new Map<string, PonderTableInfo>();
  for (const [name, value] of Object.entries(schemaModule)) {
    if (!is(value, PgTable)) continue;
    const table = value as PgTable;
    const cols = getTableColumns(table) as Record<string, PgColumn>;
    const tsName = new Map<PgColumn, string>(Object.entries(cols).map(([k, c]) => [c, k]));
    const config = getTableConfig(table);
    const columns = new Map(Object.entries(cols).map(([k, c]) => [k, { kind: kindOf(c), nullable: !c.notNull }]));
    const composite = config.primaryKeys[0]?.columns.map((c) => tsName.get(c as PgColumn) ?? c.name) ?? [];
    const primaryKey = composite.length > 0 ? composite : Object.entries(cols).filter(([, c]) => c.primary).map(([k]) => k);
    const leading = new Set<string>(primaryKey.slice(0, 1));
    for (const idx of config.indexes) {
      const first = idx.config.columns[0] as PgColumn | undefined;
      const key = first ? tsName.get(first) : undefined;
      if (key) leading.add(key);
    }
    const info: PonderTableInfo = {
      table: name,
      columns,
      primaryKey,
      leading,
      needsScan: (args) => {
        const orderBy = typeof args.orderBy === "string" ? args.orderBy : undefined;
        if (orderBy !== undefined && !leading.has(orderBy)) return true;
        const where = args.where;
        if (!where || typeof where !== "object") return false;
        return !indexedFilter(where as Record<string, unknown>, leading);
      },
    };
    out.set(name, info);
  }
  return out;
}

/** True when the AND-ed conditions of `where` include one an index serves (OR anywhere: no). */
function indexedFilter(where: Record<string, unknown>, leading: Set<string>): boolean {
  let indexed = false;
  for (const [key, value] of Object.entries(where)) {
    if (key === "OR") return false;
    if (key === "AND") {
      if (Array.isArray(value) && value.some((w) => w && typeof w === "object" && indexedFilter(w as Record<string, unknown>, leading))) indexed = true;
      continue;
    }
    const suffix = SUFFIXES.find((s) => key.endsWith(s)) ?? "";
    if (INDEXABLE.has(suffix) && leading.has(key.slice(0, key.length - suffix.length))) indexed = true;
  }
  return indexed;
}

function bad(at: string, argument: string, message: string): GraphQLError {
  return new GraphQLError(`${at}: ${message}`, { extensions: { code: "BAD_USER_INPUT", argument } });
}

/** The BAD_USER_INPUT errors of one Ponder list field's arguments (empty when they are fine). */
export function checkPonderListArgs(info: PonderTableInfo, args: Record<string, unknown>, at: string): GraphQLError[] {
  const errors: GraphQLError[] = [];
  const { limit, offset, after, before, orderBy, orderDirection, where } = args;
  if (limit !== undefined && limit !== null && (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > LIMITS.maxPageSize)) {
    errors.push(bad(at, "limit", `limit must be from 1 to ${LIMITS.maxPageSize}, got ${String(limit)}`));
  }
  if (offset !== undefined && offset !== null && (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET)) {
    errors.push(bad(at, "offset", `offset must be from 0 to ${MAX_OFFSET}, got ${String(offset)}; page further with after: pageInfo.endCursor`));
  }
  if (orderBy !== undefined && orderBy !== null && (typeof orderBy !== "string" || !info.columns.has(orderBy))) {
    errors.push(bad(at, "orderBy", `orderBy ${JSON.stringify(String(orderBy)).slice(0, 60)} is not a column of ${info.table}; one of: ${[...info.columns.keys()].join(", ")}`));
  }
  if (orderDirection !== undefined && orderDirection !== null && orderDirection !== "asc" && orderDirection !== "desc") {
    errors.push(bad(at, "orderDirection", `orderDirection must be "asc" or "desc"`));
  }
  const hasAfter = after !== undefined && after !== null;
  const hasBefore = before !== undefined && before !== null;
  if (hasAfter && hasBefore) errors.push(bad(at, "before", "pass after or before, not both"));
  if ((hasAfter || hasBefore) && typeof offset === "number" && offset > 0) errors.push(bad(at, "offset", "pass a cursor or an offset, not both"));
  const sortKeys = [...(typeof orderBy === "string" && info.columns.has(orderBy) ? [orderBy] : []), ...info.primaryKey.filter((k) => k !== orderBy)];
  for (const [name, cursor] of [["after", after], ["before", before]] as const) {
    if (cursor !== undefined && cursor !== null && !isPonderCursor(cursor, sortKeys, info)) {
      errors.push(bad(at, name, `${name} is not a cursor returned by this API for this field and orderBy (pass pageInfo.${name === "after" ? "endCursor" : "startCursor"} unchanged)`));
    }
  }
  if (where !== undefined && where !== null) {
    const problem = whereProblem(where, info);
    if (problem) errors.push(bad(at, "where", problem));
  }
  return errors;
}

/** Ponder's cursor: base64 of superjson {json: {column: value}} over exactly the sort columns. */
export function isPonderCursor(cursor: unknown, sortKeys: string[], info: PonderTableInfo): boolean {
  if (typeof cursor !== "string" || cursor.length > 4096 || !/^[A-Za-z0-9+/]+={0,2}$/.test(cursor)) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8"));
  } catch {
    return false;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return false;
  const { json, meta } = parsed as { json?: unknown; meta?: { values?: Record<string, unknown> } };
  if (!json || typeof json !== "object" || Array.isArray(json)) return false;
  const keys = Object.keys(json);
  if (keys.length !== sortKeys.length || !sortKeys.every((k) => keys.includes(k))) return false;
  const types = meta?.values && typeof meta.values === "object" ? meta.values : {};
  return sortKeys.every((k) => {
    const value = (json as Record<string, unknown>)[k];
    const column = info.columns.get(k);
    if (!column) return false;
    if (value === null) return column.nullable;
    switch (column.kind) {
      case "bigint":
        return typeof value === "string" && /^-?[0-9]{1,80}$/.test(value) && JSON.stringify(types[k]) === '["bigint"]';
      case "integer":
        return typeof value === "number" && Number.isInteger(value);
      case "text":
        return typeof value === "string" && !value.includes("\u0000");
      case "boolean":
        return typeof value === "boolean";
      default:
        return false;
    }
  });
}

/** What is wrong with a `where` (too deep, too many conditions, a long list), or null. */
function whereProblem(where: unknown, info: PonderTableInfo): string | null {
  let conditions = 0;
  const visit = (w: unknown, depth: number): string | null => {
    if (depth > MAX_WHERE_DEPTH) return `where nests AND/OR deeper than ${MAX_WHERE_DEPTH} levels`;
    if (!w || typeof w !== "object" || Array.isArray(w)) return "where must be an object of conditions";
    for (const [key, value] of Object.entries(w)) {
      if (key === "AND" || key === "OR") {
        if (!Array.isArray(value)) return `where.${key} must be a list`;
        for (const inner of value) {
          const p = visit(inner, depth + 1);
          if (p) return p;
        }
        continue;
      }
      if (++conditions > MAX_WHERE_CONDITIONS) return `where has more than ${MAX_WHERE_CONDITIONS} conditions`;
      if (Array.isArray(value) && value.length > LIMITS.maxPageSize) return `where.${key} lists more than ${LIMITS.maxPageSize} values`;
      const suffix = SUFFIXES.find((s) => key.endsWith(s)) ?? "";
      if (!info.columns.has(key.slice(0, key.length - suffix.length))) return `where.${key} names no column of ${info.table}`;
    }
    return null;
  };
  return visit(where, 1);
}
