/**
 * One timed `ponder start` from spawn to /ready and to the chain head (/status), with the peak
 * memory of its process tree and a digest of its /metrics (where the time went).
 */
import pg from "pg";
import { freePort } from "../../chain/anvil.js";
import { indexedBlock, spawnPonder } from "../../runtime/ponder.js";
import { onCleanup } from "./cleanup.js";
import { sampleGroupMemory } from "./memory.js";
import { BENCH_CHAIN_ID } from "./chain.js";

export type DbTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dir: string };

export interface IndexRun {
  readySeconds: number;
  headSeconds: number;
  peakRssMiB: number;
  peakHwmMiB: number;
  /** Events ponder says it indexed (ponder_indexing_completed_events). */
  ponderEvents: number;
  /** Blocks served from Ponder's RPC cache / blocks in the historical range. */
  cachedBlocks: number;
  totalBlocks: number;
  metrics: MetricsDigest;
  /**
   * Seconds from the head until the totals' rollups (api/totals/advance.ts, in the same process)
   * covered every finalized block, when asked for (`waitForRollups`, PostgreSQL only).
   */
  rollupCatchUpSeconds?: number;
}

export interface MetricsDigest {
  /** Seconds in each indexing function (histogram sums), largest first. */
  functions: Record<string, number>;
  /** Seconds per database method (ponder_database_method_duration), largest first. */
  database: Record<string, number>;
  /** Other histogram sums in seconds (cache queries, raw SQL, historical extract/transform). */
  other: Record<string, number>;
}

type Sample = { name: string; labels: Record<string, string>; value: number };

export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

const sortDesc = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));

export function digestMetrics(samples: Sample[]): { digest: MetricsDigest; events: number; cached: number; total: number } {
  const functions: Record<string, number> = {};
  const database: Record<string, number> = {};
  const other: Record<string, number> = {};
  let events = 0, cached = 0, total = 0;
  for (const s of samples) {
    if (s.name === "ponder_indexing_completed_events") events += s.value;
    else if (s.name === "ponder_historical_cached_blocks") cached += s.value;
    else if (s.name === "ponder_historical_total_blocks") total += s.value;
    else if (s.name === "ponder_indexing_function_duration_sum") functions[s.labels.event ?? "?"] = (functions[s.labels.event ?? "?"] ?? 0) + s.value / 1000;
    else if (s.name === "ponder_database_method_duration_sum") database[s.labels.method ?? "?"] = (database[s.labels.method ?? "?"] ?? 0) + s.value / 1000;
    else if (s.name.endsWith("_duration_sum") && s.name.startsWith("ponder_") && !s.name.startsWith("ponder_http")) {
      const key = `${s.name.replace(/_sum$/, "")}${Object.keys(s.labels).length ? `{${Object.values(s.labels).join(",")}}` : ""}`;
      other[key] = (other[key] ?? 0) + s.value / 1000;
    }
  }
  return { digest: { functions: sortDesc(functions), database: sortDesc(database), other: sortDesc(other) }, events, cached, total };
}

export async function indexOnce(opts: {
  db: DbTarget;
  schema: string;
  rpcUrl: string;
  deploymentPath: string;
  head: bigint;
  timeoutMs?: number;
  /** Extra environment for ponder (e.g. NODE_OPTIONS for a CPU profile). */
  env?: Record<string, string>;
  /** Another Ponder app's root (bench/framework: the same events, handlers that do nothing). */
  root?: string;
  /** Options for Ponder's node (e.g. profileArgs). */
  nodeArgs?: string[];
  /** After the head, wait until the rollups reach this block (PostgreSQL only; read from r_meta). */
  waitForRollups?: bigint;
}): Promise<IndexRun> {
  const port = await freePort();
  const dbEnv = opts.db.kind === "postgres" ? { DATABASE_URL: opts.db.url, PGLITE_DIR: "" } : { DATABASE_URL: "", PGLITE_DIR: opts.db.dir };
  const started = performance.now();
  const handle = spawnPonder({
    command: "start",
    root: opts.root,
    nodeArgs: opts.nodeArgs,
    port,
    schema: opts.schema,
    logLevel: "warn",
    env: {
      RPC_URL: opts.rpcUrl,
      CHAIN_ID: String(BENCH_CHAIN_ID),
      DEPLOYMENT_FILE: opts.deploymentPath,
      END_BLOCK: "",
      POLLING_INTERVAL_MS: "100",
      ...dbEnv,
      ...opts.env,
    },
  });
  const unregister = onCleanup(() => handle.stop());
  const memory = sampleGroupMemory(handle.process.pid!);
  try {
    let readyAt: number | undefined;
    let headAt: number | undefined;
    const deadline = Date.now() + (opts.timeoutMs ?? 60 * 60_000);
    const target = Number(opts.head);
    while (readyAt === undefined || headAt === undefined) {
      if (handle.process.exitCode !== null || handle.process.signalCode !== null) {
        throw new Error(`ponder exited (${handle.process.exitCode ?? handle.process.signalCode}) while indexing:\n${handle.output().split("\n").slice(-30).join("\n")}`);
      }
      if (Date.now() > deadline) throw new Error(`ponder did not reach block ${target} in ${(opts.timeoutMs ?? 3_600_000) / 1000} s`);
      if (readyAt === undefined) {
        const ok = await fetch(`${handle.url}/ready`).then((r) => r.status === 200).catch(() => false);
        if (ok) readyAt = performance.now();
      }
      if (headAt === undefined) {
        const at = await indexedBlock(handle);
        if (at !== null && at >= target) headAt = performance.now();
      }
      if (readyAt === undefined || headAt === undefined) await new Promise((r) => setTimeout(r, 200));
    }
    let rollupCatchUpSeconds: number | undefined;
    if (opts.waitForRollups !== undefined && opts.db.kind === "postgres") {
      const client = new pg.Client({ connectionString: opts.db.url });
      await client.connect();
      try {
        for (;;) {
          const r = await client.query<{ w: string | null }>(`SELECT (SELECT watermark::text FROM "${opts.schema}"."r_meta" LIMIT 1) AS w`).catch(() => ({ rows: [{ w: null }] }));
          const w = r.rows[0]?.w;
          if (w !== null && w !== undefined && BigInt(w) >= opts.waitForRollups) break;
          if (Date.now() > deadline) throw new Error(`the rollups did not reach block ${opts.waitForRollups} in time (at ${w ?? "none"})`);
          await new Promise((res) => setTimeout(res, 200));
        }
      } finally {
        await client.end();
      }
      rollupCatchUpSeconds = (performance.now() - Math.max(headAt, readyAt)) / 1000;
    }
    const metricsText = await fetch(`${handle.url}/metrics`, { headers: handle.operatorHeaders }).then((r) => r.text()).catch(() => "");
    const mem = memory.stop();
    const { digest, events, cached, total } = digestMetrics(parseMetrics(metricsText));
    return {
      readySeconds: (readyAt - started) / 1000,
      headSeconds: (Math.max(headAt, readyAt) - started) / 1000,
      peakRssMiB: mem.peakRssMiB,
      peakHwmMiB: mem.peakHwmMiB,
      ponderEvents: events,
      cachedBlocks: cached,
      totalBlocks: total,
      metrics: digest,
      rollupCatchUpSeconds,
    };
  } finally {
    memory.stop();
    await handle.stop();
    unregister();
  }
}

/** Drops an indexed schema (PostgreSQL, or PGlite when no ponder holds its directory). */
export async function dropSchema(db: DbTarget, schema: string): Promise<void> {
  const sql = `DROP SCHEMA IF EXISTS "${schema}" CASCADE`;
  if (db.kind === "postgres") {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
    return;
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const lite = new PGlite(db.dir);
  try {
    await lite.exec(sql);
  } finally {
    await lite.close();
  }
}

/** Creates the benchmark's PostgreSQL database when missing; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
