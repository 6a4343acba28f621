/**
 * Test-only helpers for the indexer suites: run `ponder start` against a chain with its own
 * database (a temp PGlite directory or a fresh PostgreSQL schema), wait until a block is indexed,
 * read the indexed tables with SQL, and compute the state digest.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Deployment } from "../chain/deployment.js";
import { freePort } from "../chain/anvil.js";
import { indexedBlock, spawnPonder, type PonderHandle } from "../runtime/ponder.js";
import { computeDigest, type DigestSource } from "../indexer/digest.js";

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export type DbKind = "pglite" | "postgres";

/** Is PostgreSQL reachable for the PostgreSQL variants of the suites? */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch (e) {
    // On CI a PostgreSQL test must run: a missing server fails the suite instead of skipping it.
    if (process.env.CI === "true") throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL} (CI=true: PostgreSQL tests must run, not skip). Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; ${(e as Error).message}`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

let counter = 0;
const adminQuery = async (sql: string) => {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

export interface TestDatabase {
  source: DigestSource;
  env: Record<string, string>;
  /** Resolves once the database exists (startIndexer awaits it). */
  ready: Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * A database of its own for one indexer run: a temp PGlite directory, or a new PostgreSQL
 * database (not just a schema: Ponder's ponder_sync schema is per database and keyed by chain id,
 * so two anvils with chain id 31337 must never share one).
 */
export function freshDatabase(kind: DbKind): TestDatabase {
  const name = `idx_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const schema = "indexer";
  if (kind === "pglite") {
    const directory = mkdtempSync(join(tmpdir(), "ponder-pglite-"));
    return {
      source: { kind: "pglite", directory, schema },
      env: { PGLITE_DIR: directory, DATABASE_URL: "" },
      ready: Promise.resolve(),
      cleanup: async () => rmSync(directory, { recursive: true, force: true }),
    };
  }
  const ready = adminQuery(`CREATE DATABASE "${name}"`);
  ready.catch(() => {}); // reported where it is awaited
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const connectionString = url.toString();
  return {
    source: { kind: "postgres", connectionString, schema },
    env: { DATABASE_URL: connectionString },
    ready,
    cleanup: async () => {
      await ready.catch(() => {});
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    },
  };
}

export function writeDeploymentFile(deployment: Deployment): { path: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "deployment-"));
  const path = join(dir, "deployment.json");
  writeFileSync(path, JSON.stringify(deployment, null, 2));
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface IndexerRun extends PonderHandle {
  /** Waits until ponder has indexed at least `block` (its /status), or fails with ponder's output. */
  waitForBlock(block: bigint | number, timeoutMs?: number): Promise<void>;
}

export async function startIndexer(opts: {
  rpcUrl: string;
  deploymentFile: string;
  chainId?: number;
  db: TestDatabase;
  endBlock?: number;
  extraEnv?: Record<string, string>;
  logLevel?: "error" | "warn" | "info" | "debug";
}): Promise<IndexerRun> {
  await opts.db.ready;
  const port = await freePort();
  const handle = spawnPonder({
    command: "start",
    port,
    schema: opts.db.source.schema,
    logLevel: opts.logLevel,
    env: {
      RPC_URL: opts.rpcUrl,
      CHAIN_ID: String(opts.chainId ?? 31337),
      DEPLOYMENT_FILE: opts.deploymentFile,
      END_BLOCK: opts.endBlock === undefined ? "" : String(opts.endBlock),
      POLLING_INTERVAL_MS: "100",
      ...opts.db.env,
      ...opts.extraEnv,
    },
  });
  const waitForBlock = async (block: bigint | number, timeoutMs = 240_000) => {
    const target = Number(block);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (handle.process.exitCode !== null || handle.process.signalCode !== null) {
        throw new Error(`ponder exited (${handle.process.exitCode ?? handle.process.signalCode}) before block ${target}:\n${handle.output().split("\n").slice(-30).join("\n")}`);
      }
      const at = await indexedBlock(handle);
      if (at !== null && at >= target) {
        // /status reports the block once its events are committed; /ready confirms the backfill is over.
        const ready = await fetch(`${handle.url}/ready`).then((r) => r.status === 200).catch(() => false);
        if (ready) return;
      }
      if (Date.now() > deadline) throw new Error(`ponder did not reach block ${target} in ${timeoutMs / 1000} s (at ${at}):\n${handle.output().split("\n").slice(-30).join("\n")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  return { ...handle, waitForBlock };
}

/** Runs SQL against an indexer database (PGlite only while no indexer is running on it). */
export async function sqlRows<T = Record<string, unknown>>(source: DigestSource, sql: string): Promise<T[]> {
  const text = sql.replaceAll("$schema", `"${source.schema}"`);
  if (source.kind === "postgres") {
    const client = new pg.Client({ connectionString: source.connectionString });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite(source.directory);
  try {
    return (await db.query<T>(text)).rows;
  } finally {
    await db.close();
  }
}

export { computeDigest };

/** A chain indexed by its own indexer: its deployment file, database and run, and one stop for all three. */
export interface IndexedChain {
  run: IndexerRun;
  db: TestDatabase;
  deployment: { path: string; cleanup(): void };
  /** Stops the indexer, then removes its database and deployment file (the chain is the caller's). */
  stop(): Promise<void>;
}

/** Writes the chain's deployment file, starts an indexer on a fresh database and waits until it has the chain's head. */
export async function indexChain(
  chain: { anvil: { rpcUrl: string }; deployment: Deployment; client: { getBlockNumber(): Promise<bigint> } },
  kind: DbKind,
  extraEnv?: Record<string, string>,
): Promise<IndexedChain> {
  const deployment = writeDeploymentFile(chain.deployment);
  const db = freshDatabase(kind);
  const stopRest = async () => {
    deployment.cleanup();
    await db.cleanup();
  };
  let run: IndexerRun;
  try {
    run = await startIndexer({ rpcUrl: chain.anvil.rpcUrl, deploymentFile: deployment.path, db, extraEnv });
  } catch (err) {
    await stopRest();
    throw err;
  }
  const indexed: IndexedChain = {
    run, db, deployment,
    stop: async () => {
      await run.stop();
      await stopRest();
    },
  };
  try {
    await run.waitForBlock(await chain.client.getBlockNumber());
  } catch (err) {
    await indexed.stop();
    throw err;
  }
  return indexed;
}
