/**
 * A deterministic digest of the indexed tables: sha256 over every table of ponder.schema.ts
 * (sorted by name; Ponder's own _ponder_* and _reorg_* tables left out), each table's rows ordered
 * by primary key, every value cast to text by the database (so numeric, arrays and json have one
 * spelling on PGlite and PostgreSQL), NULL as \N, tab/newline/backslash escaped. Two databases
 * with the same rows give the same digest whatever order the rows were written in.
 */
import { createHash } from "node:crypto";
import { getTableColumns, getTableName, is } from "drizzle-orm";
import { PgTable, getTableConfig, type PgColumn } from "drizzle-orm/pg-core";
import pg from "pg";
import * as schema from "../ponder.schema.js";

export type DigestSource =
  | { kind: "postgres"; connectionString: string; schema: string }
  | { kind: "pglite"; directory: string; schema: string };

export interface TableDigest {
  name: string;
  rows: number;
  sha256: string;
}

export interface Digest {
  sha256: string;
  tables: TableDigest[];
  /** Block number of Ponder's latest indexed checkpoint, or null if it has none. */
  checkpointBlock: number | null;
}

export class DigestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DigestError";
  }
}

/** A minimal SQL reader over either database; every row comes back as an array of text or null. */
interface Reader {
  rows(sql: string): Promise<(string | null)[][]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

async function openReader(source: DigestSource): Promise<Reader> {
  if (source.kind === "postgres") {
    const client = new pg.Client({ connectionString: source.connectionString });
    try {
      await client.connect();
    } catch (e) {
      throw new DigestError(`cannot connect to PostgreSQL (${(e as Error).message}); check DATABASE_URL`);
    }
    return {
      rows: async (sql) => (await client.query({ text: sql, rowMode: "array" })).rows as (string | null)[][],
      exec: async (sql) => void (await client.query(sql)),
      close: () => client.end(),
    };
  }
  const { existsSync } = await import("node:fs");
  if (!existsSync(source.directory)) throw new DigestError(`PGlite directory ${source.directory} not found; index first (npm start) or set PGLITE_DIR`);
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite(source.directory);
  await db.waitReady;
  return {
    rows: async (sql) => (await db.query<(string | null)[]>(sql, [], { rowMode: "array" })).rows,
    exec: async (sql) => void (await db.exec(sql)),
    close: () => db.close(),
  };
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;
const escapeValue = (v: string) => v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");

/** The onchain tables of ponder.schema.ts in the order it declares them (Ponder's order). */
export function declaredTables(): PgTable[] {
  return (Object.values(schema) as unknown[]).filter((v): v is PgTable => is(v, PgTable));
}

/** The onchain tables of ponder.schema.ts, sorted by table name. */
export function schemaTables(): PgTable[] {
  return declaredTables().sort((a, b) => (getTableName(a) < getTableName(b) ? -1 : 1));
}

function tableQuery(table: PgTable, dbSchema: string): { sql: string; columns: string[] } {
  const columns = Object.values(getTableColumns(table)) as PgColumn[];
  const config = getTableConfig(table);
  const pkNames = config.primaryKeys[0]?.columns.map((c) => c.name) ?? columns.filter((c) => c.primary).map((c) => c.name);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const order = pkNames.map((name) => {
    const type = byName.get(name)?.getSQLType() ?? "text";
    const numeric = /^(numeric|integer|bigint|smallint)/.test(type);
    return numeric ? quoteIdent(name) : `${quoteIdent(name)}::text COLLATE "C"`;
  });
  const select = columns.map((c) => `${quoteIdent(c.name)}::text`).join(", ");
  return {
    sql: `SELECT ${select} FROM ${quoteIdent(dbSchema)}.${quoteIdent(getTableName(table))} ORDER BY ${order.join(", ")}`,
    columns: columns.map((c) => c.name),
  };
}

const BLOCK_NUMBER_OFFSET = 10 + 16; // checkpoint = timestamp(10) chainId(16) blockNumber(16) ...

export function checkpointBlockNumber(checkpoint: string): number {
  return Number(checkpoint.slice(BLOCK_NUMBER_OFFSET, BLOCK_NUMBER_OFFSET + 16));
}

async function readCheckpointBlock(reader: Reader, dbSchema: string): Promise<number | null> {
  const exists = await reader.rows(
    `SELECT 1 FROM information_schema.tables WHERE table_schema = ${quoteLiteral(dbSchema)} AND table_name = '_ponder_checkpoint'`,
  );
  if (exists.length === 0) return null;
  const rows = await reader.rows(`SELECT latest_checkpoint::text FROM ${quoteIdent(dbSchema)}."_ponder_checkpoint"`);
  const blocks = rows.map((r) => r[0]).filter((c): c is string => typeof c === "string").map(checkpointBlockNumber);
  return blocks.length === 0 ? null : Math.min(...blocks);
}

export async function computeDigest(source: DigestSource): Promise<Digest> {
  const reader = await openReader(source);
  try {
    const present = new Set(
      (await reader.rows(`SELECT table_name::text FROM information_schema.tables WHERE table_schema = ${quoteLiteral(source.schema)}`)).map((r) => r[0]),
    );
    const tables = schemaTables();
    const missing = tables.map(getTableName).filter((n) => !present.has(n));
    if (missing.length > 0) {
      throw new DigestError(`schema "${source.schema}" has no table ${missing.join(", ")}; is DATABASE_SCHEMA the one the indexer wrote?`);
    }
    const checkpointBlock = await readCheckpointBlock(reader, source.schema);
    const total = createHash("sha256");
    const out: TableDigest[] = [];
    await reader.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    try {
      for (const table of tables) {
        const { sql, columns } = tableQuery(table, source.schema);
        const hash = createHash("sha256");
        const header = `T\t${getTableName(table)}\nC\t${columns.join("\t")}\n`;
        hash.update(header);
        total.update(header);
        let rows = 0;
        await reader.exec(`DECLARE digest_cursor NO SCROLL CURSOR FOR ${sql}`);
        for (;;) {
          const batch = await reader.rows("FETCH 5000 FROM digest_cursor");
          if (batch.length === 0) break;
          for (const row of batch) {
            const line = row.map((v) => (v === null ? "\\N" : escapeValue(v))).join("\t") + "\n";
            hash.update(line);
            total.update(line);
          }
          rows += batch.length;
        }
        await reader.exec("CLOSE digest_cursor");
        out.push({ name: getTableName(table), rows, sha256: hash.digest("hex") });
      }
    } finally {
      await reader.exec("COMMIT");
    }
    return { sha256: total.digest("hex"), tables: out, checkpointBlock };
  } finally {
    await reader.close();
  }
}

/** Where the digest reads from: DATABASE_URL + DATABASE_SCHEMA, else the PGlite directory. */
export function sourceFromEnv(env: NodeJS.ProcessEnv, schemaOverride?: string): DigestSource {
  const dbSchema = schemaOverride ?? env.DATABASE_SCHEMA ?? "public";
  if (env.DATABASE_URL) return { kind: "postgres", connectionString: env.DATABASE_URL, schema: dbSchema };
  return { kind: "pglite", directory: env.PGLITE_DIR || ".ponder/pglite", schema: dbSchema };
}
