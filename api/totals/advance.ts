/**
 * Keeps the rollups (api/totals/rollups.ts) up to Ponder's finalized blocks: a loop in the
 * indexing process (`ponder start`) that, once Ponder has finished its backfill and created its
 * indexes, and whenever Ponder has finalized blocks past the watermark,
 * advances every rollup over them in one transaction, in steps of a bounded number of facts so no
 * statement holds the database (and, on PGlite, this thread) for long. Finalized facts never
 * revert, so the rollups need no reorg handling; reads add the facts above the watermark
 * (api/totals/read.ts), so answers are exact whether the loop is ahead, behind or stopped.
 *
 * The rollup tables live in the indexer's schema beside Ponder's tables: a new build indexes into a
 * new (or dropped) schema, and the rollups start over with it. `r_meta` also records Ponder's build
 * id with a digest of the rollups' definitions, and a mismatch empties them (so a rollup added or
 * changed since is rebuilt from the first block instead of starting at the watermark).
 */
import { createHash } from "node:crypto";
import { advanceSeenStatement, advanceStatement, createStatements, HEAD_ONLY, META_TABLE, VERSIONED } from "./rollups.js";
import { WATERMARK_ID } from "./read.js";

/** A connection that may write: PGlite's instance, or a client of our own PostgreSQL pool. */
export interface Writer {
  query<T = Record<string, unknown>>(text: string): Promise<T[]>;
  /** Runs `work` in one transaction (PGlite: its own transaction). */
  transaction<T>(work: (q: Writer["query"]) => Promise<T>): Promise<T>;
}

export interface AdvancerOptions {
  /** Ponder's build id: rollups of another build are dropped. */
  build: string;
  /** Attribution facts per step, at most (a step may exceed it when one block holds more). */
  factsPerStep?: number;
  /** Pause between steps while caught up. */
  idleMs?: number;
  log?: (line: string) => void;
}

/** Ponder's checkpoint: 10 digits of timestamp, 16 of chain id, then 16 of block number. */
/** A digest of every rollup's definition (keys, values, sources), recorded beside Ponder's build id. */
export const ROLLUPS_DIGEST = createHash("sha256").update(JSON.stringify([...VERSIONED, ...HEAD_ONLY])).digest("hex").slice(0, 12);

export function checkpointBlock(checkpoint: string): bigint {
  return BigInt(checkpoint.slice(26, 42));
}

export class Advancer {
  private stopped = false;
  private loop: Promise<void> | null = null;
  /** Last step's figures, for logs and tests. */
  stats = { steps: 0, watermark: -1n, lastStepMs: 0, factsRolled: 0 };

  constructor(private readonly db: Writer, private readonly opts: AdvancerOptions) {}

  /** Creates the tables (idempotent) and forgets rollups of another build. */
  async init(): Promise<void> {
    const build = `${this.opts.build}+${ROLLUPS_DIGEST}`;
    await this.db.transaction(async (q) => {
      for (const s of createStatements()) await q(s);
      const meta = await q<{ build: string; watermark: string }>(`SELECT build, watermark::text AS watermark FROM ${META_TABLE} WHERE id = '${WATERMARK_ID}'`);
      if (meta[0] && meta[0].build !== build) {
        this.opts.log?.(`[totals] rollups of build ${meta[0].build} dropped (this build is ${build})`);
        await q(`TRUNCATE ${[...VERSIONED, ...HEAD_ONLY].flatMap((r) => (VERSIONED.includes(r) ? [`"r_${r.name}"`, `"r_${r.name}_head"`] : [`"r_${r.name}_head"`])).join(", ")}, "r_account_seen"`);
        await q(`DELETE FROM ${META_TABLE} WHERE id = '${WATERMARK_ID}'`);
      }
      await q(`INSERT INTO ${META_TABLE} (id, watermark, build) VALUES ('${WATERMARK_ID}', -1, '${build.replace(/'/g, "''")}') ON CONFLICT (id) DO NOTHING`);
    });
  }

  private ready = false;
  /**
   * Whether Ponder has finished its backfill and created the schema's indexes (`is_ready` in
   * `_ponder_meta`). Until then the advancer waits: during a backfill Ponder's finalized checkpoint
   * follows the indexing itself, and stepping right behind it, on fact tables without their
   * indexes yet, took CPU from the backfill and ran the split check's per-inference lookups as
   * sequential scans (a medium backfill on PGlite did not finish in 20 minutes). Reads add the
   * facts above the watermark meanwhile, so they stay exact. Once ready, Ponder does not turn back.
   */
  async ponderReady(): Promise<boolean> {
    if (this.ready) return true;
    const rows = await this.db.query<{ r: string | null }>(`SELECT value->>'is_ready' AS r FROM _ponder_meta WHERE key = 'app'`);
    this.ready = rows[0]?.r === "1";
    return this.ready;
  }

  /** The last block whose facts are final: one before Ponder's finalized checkpoint's block (it may end mid-block). */
  async finalizedBlock(): Promise<bigint | null> {
    const rows = await this.db.query<{ c: string | null }>(`SELECT min(finalized_checkpoint) AS c FROM _ponder_checkpoint`);
    const c = rows[0]?.c;
    return c ? checkpointBlock(c) - 1n : null;
  }

  async watermark(): Promise<bigint> {
    const rows = await this.db.query<{ w: string }>(`SELECT watermark::text AS w FROM ${META_TABLE} WHERE id = '${WATERMARK_ID}'`);
    return BigInt(rows[0]?.w ?? "-1");
  }

  /**
   * One step: from the watermark to the finalized block, or less when that range holds more than
   * `factsPerStep` attributions. Returns true when it moved the watermark.
   */
  async step(): Promise<boolean> {
    if (!(await this.ponderReady())) return false;
    const finalized = await this.finalizedBlock();
    const from = await this.watermark();
    if (finalized === null || finalized <= from) return false;
    const limit = this.opts.factsPerStep ?? 100_000;
    const perBlock = await this.db.query<{ b: string; n: string }>(
      `SELECT block_number::text AS b, count(*)::text AS n FROM "attribution" WHERE block_number > ${from} AND block_number <= ${finalized} GROUP BY block_number ORDER BY block_number`,
    );
    let to = finalized;
    let facts = 0;
    for (const row of perBlock) {
      if (facts > 0 && facts + Number(row.n) > limit) {
        to = BigInt(row.b) - 1n;
        break;
      }
      facts += Number(row.n);
    }
    const started = Date.now();
    await this.db.transaction(async (q) => {
      // Another process may have advanced meanwhile: re-read under the transaction, and move only from where it stands.
      const w = await q<{ w: string }>(`SELECT watermark::text AS w FROM ${META_TABLE} WHERE id = '${WATERMARK_ID}' FOR UPDATE`);
      if (BigInt(w[0]?.w ?? "-1") !== from) return;
      for (const r of [...VERSIONED, ...HEAD_ONLY]) await q(advanceStatement(r, from, to));
      await q(advanceSeenStatement(from, to));
      await q(`UPDATE ${META_TABLE} SET watermark = ${to} WHERE id = '${WATERMARK_ID}'`);
    });
    this.stats = { steps: this.stats.steps + 1, watermark: to, lastStepMs: Date.now() - started, factsRolled: this.stats.factsRolled + facts };
    return true;
  }

  /** Steps until caught up, then checks every `idleMs`; errors are logged and retried. */
  start(): void {
    if (this.loop) return;
    const idle = this.opts.idleMs ?? 1000;
    this.loop = (async () => {
      while (!this.stopped) {
        let moved = false;
        try {
          moved = await this.step();
        } catch (err) {
          this.opts.log?.(`[totals] advancing the rollups failed (retried): ${(err as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, moved ? 0 : idle));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

type PgliteLike = {
  query<T>(text: string): Promise<{ rows: T[] }>;
  transaction<T>(work: (tx: { query<R>(text: string): Promise<{ rows: R[] }> }) => Promise<T>): Promise<T>;
  closed?: boolean;
};

/** A Writer over PGlite's one instance (the indexer's: statements run between its own). */
export function pgliteWriter(instance: PgliteLike): Writer {
  return {
    query: async <T>(text: string) => (await instance.query<T>(text)).rows,
    transaction: (work) => instance.transaction((tx) => work(async <T>(text: string) => (await tx.query<T>(text)).rows as T[])),
  };
}

/** A Writer over a PostgreSQL pool of our own (one connection, the indexer's schema on its search path). */
export async function postgresWriter(options: Record<string, unknown>, schema: string): Promise<{ writer: Writer; close(): Promise<void> }> {
  const { default: pg } = await import("pg");
  const { Client: _readonlyClient, ...rest } = options as { Client?: unknown };
  const pool = new pg.Pool({ ...(rest as object), max: 1, application_name: `${schema}_totals`, options: "-c jit=off" });
  const path = `SET search_path TO "${schema.replace(/"/g, '""')}"`;
  pool.on("error", () => {}); // a dropped connection is replaced on the next query
  const writer: Writer = {
    query: async <T>(text: string) => {
      const c = await pool.connect();
      try {
        await c.query(path);
        return (await c.query(text)).rows as T[];
      } finally {
        c.release();
      }
    },
    transaction: async (work) => {
      const c = await pool.connect();
      try {
        await c.query(path);
        await c.query("BEGIN");
        const out = await work(async <T>(text: string) => (await c.query(text)).rows as T[]);
        await c.query("COMMIT");
        return out;
      } catch (err) {
        await c.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
  };
  return { writer, close: () => pool.end() };
}

/**
 * Starts the advancer in the process that indexes (`ponder start`; not in `ponder serve` replicas,
 * which only read), on Ponder's database (globalThis.PONDER_DATABASE, set before the API module
 * loads). It waits until Ponder has created its schema. API_TOTALS_ADVANCE=off turns it off (then
 * totals are read from the facts alone: exact, slower).
 */
export function startAdvancerInPonder(env: Record<string, string | undefined> = process.env): void {
  if (env.API_TOTALS_ADVANCE === "off" || !process.argv.includes("start")) return;
  const driver = (globalThis as { PONDER_DATABASE?: { driver?: { dialect?: string; instance?: PgliteLike; readonly?: { options?: Record<string, unknown> } } } }).PONDER_DATABASE?.driver;
  if (!driver) return;
  // Quiet once the database is closing (Ponder's shutdown): nothing to advance then.
  const log = (line: string) => void (driver.instance?.closed ? null : console.warn(line));
  void (async () => {
    let advancer: Advancer;
    let writer: Writer;
    let close = async () => {};
    // On PGlite a step runs on this thread, between Ponder's own statements: smaller steps keep it responsive.
    let factsPerStep: number | undefined;
    if (driver.dialect === "pglite" && driver.instance) {
      writer = pgliteWriter(driver.instance);
      factsPerStep = 25_000;
    } else if (driver.readonly?.options) {
      const schema = env.DATABASE_SCHEMA ?? "public";
      ({ writer, close } = await postgresWriter(driver.readonly.options, schema));
    } else return;
    // Ponder creates its schema and tables after loading the API: wait for its metadata.
    for (;;) {
      try {
        const rows = await writer.query<{ build: string | null }>(`SELECT value->>'build_id' AS build FROM _ponder_meta WHERE key = 'app'`);
        const build = rows[0]?.build;
        if (build) {
          advancer = new Advancer(writer, { build, log, factsPerStep });
          await advancer.init();
          break;
        }
        if (driver.instance?.closed) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 500));
    }
    advancer.start();
    process.once("beforeExit", () => void advancer.stop().then(close));
  })();
}
