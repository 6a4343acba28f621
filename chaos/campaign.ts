/**
 * A seeded chaos campaign: the protocol devnet behind the fault proxy, an indexer on a private
 * PostgreSQL cluster, live activity, and per round one disruption at random: a reorg of depth
 * 1–10 replaced by different transactions, a SIGKILL of the indexer at a random moment, the
 * database stopped (crash-like) for a while, or the proxy's fault rate raised to 30 %. The
 * campaign restarts the indexer whenever it exits (as a supervisor would). At the end every table
 * of ponder.schema.ts is compared with a clean index of the same final chain (no proxy, no
 * disruption) with SQL EXCEPT ALL both ways, and so are the digests, the totals the API serves
 * (api/totals/read.ts) and every account's claimable against the chain's own claimable().
 */
import { pipeline } from "node:stream/promises";
import { getTableColumns, getTableName } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { startFaultProxy } from "../chain/faultProxy.js";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";
import { evenRates, FAULT_KINDS, scaleRates, type FaultKind, type FaultRates } from "../core/faults.js";
import { accrualSumMismatches, claimableMismatches } from "../testkit/checks.js";
import { declaredTables } from "../indexer/digest.js";
import { driveEdgeScenario, driveMoreActivity } from "../testkit/edgeScenario.js";
import { computeDigest, freshDatabase, postgresAvailable, startIndexer, writeDeploymentFile, type IndexerRun, type TestDatabase } from "../testkit/indexer.js";
import { watchPostgresRestarts } from "../runtime/pgRestartWatch.js";
import { observeProgress, stallLine, type StallState } from "../runtime/stallWatch.js";
import { freePort } from "../chain/anvil.js";
import { indexedBlock, spawnPonder, type PonderHandle } from "../runtime/ponder.js";
import { Rng } from "../core/rng.js";
import { privateClusterAvailable, startPgCluster, type PgCluster } from "./pgCluster.js";

export const DISRUPTIONS = ["reorg", "kill", "dbOutage", "storm"] as const;
export type Disruption = (typeof DISRUPTIONS)[number];

/** What one round does: any of a reorg, a SIGKILL, a storm, and a database outage of some ms. */
interface RoundPlan {
  reorg: boolean;
  kill: boolean;
  storm: boolean;
  dbOutageMs: number | null;
}

export interface CampaignOptions {
  seed: number;
  rounds: number;
  /** Share of RPC requests answered with a fault in normal times (an even mix of every kind). */
  faultRate?: number;
  /** Share during a storm. */
  stormRate?: number;
  /** Delay of a slow answer, ms. */
  slowMs?: [number, number];
  /** Database outages, ms: each outage draws one of these. */
  dbOutageMs?: number[];
  /**
   * Restart the indexer when PostgreSQL restarted (runtime/pgRestartWatch.ts); default true. Without
   * it, a database crash loses the blocks Ponder committed in its last fraction of a second.
   */
  restartAfterDbRestart?: boolean;
  /**
   * The disruptions of each round in turn (then as drawn); one entry per round, several joined
   * with "+" (e.g. "reorg+kill"); default: drawn from the seed.
   */
  plan?: string[];
  /**
   * Several disruptions per round, each drawn on its own with these chances (a reorg, a SIGKILL,
   * a storm, a database outage; no kill in a round with an outage). Each of `dbOutageMs` also
   * happens once, in rounds 2, 4, … Default: one disruption per round.
   */
  mix?: Partial<Record<Disruption, number>>;
  /** The campaign indexer's POLLING_INTERVAL_MS (its RPC traffic); default 100. */
  pollingMs?: number;
  /** The watchdog: restart an indexer behind the head without progress for this long; default 60 s. */
  stallMs?: number;
  /**
   * After each round compare the digest with an undisrupted index of the same chain (straight
   * from anvil, never killed, on the shared PostgreSQL server); default true when that is reachable.
   */
  roundDigests?: boolean;
  /**
   * How many indexers ride the campaign, each through the fault proxy into its own database (more
   * RPC traffic, so more faults, per minute); a kill kills each of them. Default 1.
   */
  indexers?: number;
  /**
   * After each SIGKILL (once the process has exited), release its lock as Ponder's own shutdown
   * would, so that the restart does not wait 25 s for the dead process's heartbeat to expire.
   * Faster kills; the same crash recovery. Default false.
   */
  releaseLock?: boolean;
  /** No round starts after this time (ms since the epoch): the campaign goes on to its final comparison. */
  stopAt?: number;
  /** Told the figures so far after each round (to write partial figures). */
  onRound?: (figures: PartialFigures) => void;
  /** Query a `ponder serve` replica on the campaign's schema all along and count answers and errors; default true. */
  replica?: boolean;
  /** Kill the indexer once during its first backfill. */
  killDuringBackfill?: boolean;
  /** Each round's longest wait for the indexer to catch up. */
  catchUpTimeoutMs?: number;
  log?: (line: string) => void;
  /** Where to write everything the indexer printed, run after run. */
  indexerLog?: string;
}

export interface TableComparison {
  table: string;
  rows: number;
  referenceRows: number;
  /** Rows of the reference index the campaign's index lacks (EXCEPT ALL). */
  missing: number;
  /** Rows of the campaign's index the reference lacks: doubled or stale (EXCEPT ALL). */
  extra: number;
  /** A few of the missing and extra rows, as text, to see what went wrong. */
  samples: string[];
}

export interface CampaignFigures {
  seed: number;
  /** Rounds run (fewer than planned when `stopAt` came first). */
  rounds: number;
  roundsPlanned: number;
  durationSeconds: number;
  database: "private cluster" | "shared server";
  rpc: { requests: number; faults: Record<FaultKind, number>; faultsTotal: number; baseRate: number; stormRate: number };
  reorgs: { count: number; byDepth: Record<string, number> };
  kills: { count: number; backfill: number; live: number };
  dbOutages: { count: number; seconds: number[] };
  storms: number;
  /** Exits of the indexer we did not cause (each followed by a restart), with their last lines. */
  indexerExits: { count: number; causes: string[] };
  /** Restarts of the indexer because PostgreSQL restarted. */
  restartsAfterDbRestart: number;
  /** Restarts by the watchdog: the indexer behind and without progress for `stallSeconds`. */
  stallRestarts: number;
  stallSeconds: number;
  /** After each round: the campaign's digest against an undisrupted index of the same chain. */
  /** `late`: rounds whose comparison had to wait (a database's checkpoint behind the tip, or unequal) and for how long. */
  roundDigests: { compared: number; equal: number; mismatches: string[]; late: string[] };
  /**
   * A `ponder serve` replica on the campaign's schema, queried every 0.5 s: answers (HTTP 200, no
   * GraphQL error) and errors, while the indexer was killed and restarting, while the database was
   * down or restarting, and the rest of the time.
   */
  replica: null | Record<"killed" | "dbOutage" | "other", { answers: number; errors: number }> & { errorSamples: string[] };
  recoveryMs: { samples: number; p50: number; max: number; byDisruption: Record<string, number[]> };
  /** Largest distance between the chain head and the indexed block, once the first backfill is over. */
  maxLagBlocks: number;
  finalBlock: number;
  /** How many indexers rode the campaign (each through the proxy, into its own database). */
  indexers: number;
  /** Each indexer against the clean index of the final chain. */
  fleet: {
    indexer: number;
    tables: TableComparison[];
    rowsLost: number;
    rowsExtra: number;
    digestEqual: boolean;
    totalsDiff: string[];
    claimableMismatches: string[];
    accrualSumMismatches: string[];
  }[];
  /** The first indexer's tables; rowsLost, rowsExtra and the equalities below are over all indexers. */
  tables: TableComparison[];
  rowsLost: number;
  rowsExtra: number;
  digestEqual: boolean;
  totalsEqual: boolean;
  totalsDiff: string[];
  claimableMismatches: string[];
  accrualSumMismatches: string[];
}

/** The figures so far, after a round: everything but the final comparison. */
export type PartialFigures = Pick<
  CampaignFigures,
  "seed" | "durationSeconds" | "database" | "indexers" | "rpc" | "reorgs" | "kills" | "dbOutages" | "storms" | "indexerExits" | "restartsAfterDbRestart" | "stallRestarts" | "stallSeconds" | "roundDigests" | "replica" | "recoveryMs" | "maxLagBlocks"
> & { roundsDone: number; roundsPlanned: number; head: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const TOTALS_QUERY = `{
  network { accounts attributions contributions datanets flaggedInferences inferences models totalAccrued totalClaimed totalFees trainingRuns unverifiedTrainingRuns }
  topEarners(limit: 1000) { address accrued claimed claimable accrualCount claimCount }
  topModels(limit: 1000) { id totalFees inferenceCount flaggedInferenceCount }
  topDatanets(limit: 1000) { id attributionCount contributorCutTotal ownerCutTotal }
}`;

async function readTotals(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: TOTALS_QUERY }) });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`totals query failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Leaf paths where two JSON values differ (at most 20). */
function jsonDiff(a: unknown, b: unknown, path = "", out: string[] = []): string[] {
  if (out.length >= 20) return out;
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) jsonDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${path || "."}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`);
  }
  return out;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Copies every table of the reference database into schema "reference" of the campaign's database,
 * then counts, per table, the rows each side has that the other lacks (EXCEPT ALL over the columns
 * cast to text, so json columns compare too).
 */
async function exceptBothWays(campaignUrl: string, referenceUrl: string, schema: string): Promise<TableComparison[]> {
  const target = new pg.Client({ connectionString: campaignUrl });
  const source = new pg.Client({ connectionString: referenceUrl });
  await target.connect();
  await source.connect();
  try {
    await target.query(`DROP SCHEMA IF EXISTS reference CASCADE; CREATE SCHEMA reference`);
    const out: TableComparison[] = [];
    for (const table of declaredTables()) {
      const name = getTableName(table);
      const cols = (Object.values(getTableColumns(table)) as PgColumn[]).map((c) => quote(c.name));
      await target.query(`CREATE TABLE reference.${quote(name)} (LIKE ${quote(schema)}.${quote(name)})`);
      await pipeline(
        source.query(copyTo(`COPY (SELECT ${cols.join(", ")} FROM ${quote(schema)}.${quote(name)}) TO STDOUT`)),
        target.query(copyFrom(`COPY reference.${quote(name)} (${cols.join(", ")}) FROM STDIN`)),
      );
      const text = cols.map((c) => `${c}::text`).join(", ");
      const a = `SELECT ${text} FROM ${quote(schema)}.${quote(name)}`;
      const b = `SELECT ${text} FROM reference.${quote(name)}`;
      const { rows } = await target.query<{ rows: string; reference_rows: string; missing: string; extra: string }>(`SELECT
        (SELECT count(*) FROM ${quote(schema)}.${quote(name)}) AS rows,
        (SELECT count(*) FROM reference.${quote(name)}) AS reference_rows,
        (SELECT count(*) FROM (${b} EXCEPT ALL ${a}) x) AS missing,
        (SELECT count(*) FROM (${a} EXCEPT ALL ${b}) x) AS extra`);
      const r = rows[0]!;
      const samples: string[] = [];
      if (Number(r.missing) + Number(r.extra) > 0) {
        const pick = async (sql: string, sign: string) =>
          (await target.query({ text: `${sql} LIMIT 3`, rowMode: "array" })).rows.forEach((row: unknown[]) => samples.push(`${sign} ${row.join(" | ").slice(0, 200)}`));
        await pick(`${b} EXCEPT ALL ${a}`, "-");
        await pick(`${a} EXCEPT ALL ${b}`, "+");
      }
      out.push({ table: name, rows: Number(r.rows), referenceRows: Number(r.reference_rows), missing: Number(r.missing), extra: Number(r.extra), samples });
    }
    return out;
  } finally {
    await target.end().catch(() => {});
    await source.end().catch(() => {});
  }
}

/** The indexer under a supervisor: restarted with backoff whenever it exits without being asked to. */
class Supervised {
  run: IndexerRun | null = null;
  /** Everything each run printed, in order. */
  readonly outputs: (() => string)[] = [];
  private stopping = false;
  private generation = 0;
  readonly exits: string[] = [];
  constructor(
    private readonly startOne: () => Promise<IndexerRun>,
    private readonly log: (line: string) => void,
    private readonly stallMs = 60_000,
    /** Run once a SIGKILLed indexer has exited (see CampaignOptions.releaseLock). */
    private readonly afterKill?: () => Promise<void>,
  ) {}

  async start(): Promise<void> {
    const gen = ++this.generation;
    for (let attempt = 0; ; attempt++) {
      try {
        const run = await this.startOne();
        if (gen !== this.generation) {
          await run.stop("SIGKILL");
          return;
        }
        this.run = run;
        this.outputs.push(() => run.output());
        run.process.once("exit", (code, signal) => {
          if (this.stopping || this.run !== run) return;
          const tail = run.output().trim().split("\n").filter((l) => /error|fatal|Error/i.test(l)).slice(-2).join(" | ").slice(0, 300);
          this.exits.push(`exit ${code ?? signal}: ${tail || "(no error line)"}`);
          this.log(`  the indexer exited by itself (${code ?? signal}: ${tail || "no error line"}); restarting`);
          this.run = null;
          void sleep(1000).then(() => (this.stopping ? undefined : this.start()));
        });
        return;
      } catch (e) {
        this.log(`  the indexer did not start (${(e as Error).message.split("\n")[0]}); retrying`);
        await sleep(Math.min(10_000, 500 * 2 ** attempt));
        if (gen !== this.generation || this.stopping) return;
      }
    }
  }

  /** SIGKILL now (what phase it was in: backfill before /ready, live after), then a start. */
  async kill(): Promise<"backfill" | "live"> {
    const run = this.run;
    let phase: "backfill" | "live" = "live";
    if (run) {
      const ready = await fetch(`${run.url}/ready`).then((r) => r.status === 200).catch(() => false);
      phase = ready ? "live" : "backfill";
      this.run = null;
      await run.stop("SIGKILL");
      await this.afterKill?.().catch((e: unknown) => this.log(`  could not release the killed indexer's lock: ${(e as Error).message}`));
    }
    return phase;
  }

  /** A clean restart (SIGTERM, then a start). */
  async restart(): Promise<void> {
    const run = this.run;
    this.run = null;
    this.generation++;
    await run?.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.generation++;
    const run = this.run;
    this.run = null;
    await run?.stop();
  }

  /** Restarts because the indexer made no progress for `stallMs` while behind (the watchdog). */
  stallRestarts = 0;

  /**
   * Waits until the indexer has indexed `block` and says it is ready; the time it took. A watchdog
   * restarts an indexer that stays behind without progress for `stallMs`.
   */
  async catchUp(block: number, timeoutMs: number, stallMs = this.stallMs): Promise<number> {
    const started = Date.now();
    // The same rules as npm start's watchdog (runtime/stallWatch.ts), on a run once it is ready.
    let state: StallState | null = null;
    for (;;) {
      const run = this.run;
      if (run) {
        const at = await indexedBlock(run);
        const ready = await fetch(`${run.url}/ready`).then((r) => r.status === 200).catch(() => false);
        if (at !== null && at >= block && ready) return Date.now() - started;
        const next: ReturnType<typeof observeProgress> = ready ? observeProgress(state, { now: Date.now(), indexed: at, head: block }, stallMs) : { state: null, verdict: { stalled: false } };
        state = next.state;
        if (next.verdict.stalled) {
          this.stallRestarts++;
          this.log(`  the indexer ${stallLine(next.verdict)}: the watchdog restarts it`);
          await this.restart();
          state = null;
        }
      } else {
        state = null;
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(`the indexer did not reach block ${block} within ${timeoutMs / 1000} s:\n${run?.output().split("\n").slice(-25).join("\n") ?? "(not running)"}`);
      }
      await sleep(200);
    }
  }
}

/**
 * Several supervised indexers on the same faulty endpoint, each into its own database, disrupted
 * together: a kill kills each of them (at its own moment), a catch-up waits for all of them.
 */
class Fleet {
  constructor(readonly members: Supervised[], private readonly rng: Rng) {}
  get run(): IndexerRun | null {
    return this.members[0]!.run;
  }
  get exits(): string[] {
    return this.members.flatMap((m) => m.exits);
  }
  get stallRestarts(): number {
    return this.members.reduce((n, m) => n + m.stallRestarts, 0);
  }
  async start(): Promise<void> {
    await Promise.all(this.members.map((m) => m.start()));
  }
  /** SIGKILLs each indexer, a moment apart; the phase each was in. */
  async kill(): Promise<("backfill" | "live")[]> {
    const phases: ("backfill" | "live")[] = [];
    for (const [i, m] of this.members.entries()) {
      if (i > 0) await sleep(this.rng.int(0, 800));
      phases.push(await m.kill());
    }
    return phases;
  }
  async restart(): Promise<void> {
    await Promise.all(this.members.map((m) => m.restart()));
  }
  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop()));
  }
  /** Until every indexer has caught up; the longest time. */
  async catchUp(block: number, timeoutMs: number): Promise<number> {
    return Math.max(...(await Promise.all(this.members.map((m) => m.catchUp(block, timeoutMs)))));
  }
}

/**
 * What Ponder's own shutdown does (is_locked = 0), for an indexer we SIGKILLed and saw exit: the
 * next start skips waiting for the dead process's heartbeat to expire (25 s) and takes the same
 * crash-recovery path (resume from the last finalized checkpoint).
 */
async function releaseLock(db: TestDatabase): Promise<void> {
  if (db.source.kind !== "postgres") return;
  const client = new pg.Client({ connectionString: db.source.connectionString, connectionTimeoutMillis: 5000 });
  client.on("error", () => {}); // the rejected query says so
  await client.connect();
  try {
    await client.query(`UPDATE ${quote(db.source.schema)}."_ponder_meta" SET value = jsonb_set(value, '{is_locked}', to_jsonb(0)) WHERE key = 'app'`);
  } catch (e) {
    if ((e as { code?: string }).code !== "42P01") throw e; // killed before it made its tables: no lock yet
  } finally {
    await client.end().catch(() => {});
  }
}

function postgresDatabase(url: string): TestDatabase {
  return { source: { kind: "postgres", connectionString: url, schema: "indexer" }, env: { DATABASE_URL: url }, ready: Promise.resolve(), cleanup: async () => {} };
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignFigures> {
  const log = opts.log ?? (() => {});
  const rng = new Rng(opts.seed, 7);
  const started = Date.now();
  const baseRate = opts.faultRate ?? 0.05;
  const stormRate = opts.stormRate ?? 0.3;
  const baseRates: FaultRates = evenRates(baseRate);
  const catchUpMs = opts.catchUpTimeoutMs ?? 240_000;
  const dbOutageMs = opts.dbOutageMs ?? [3000, 10_000];
  const cleanups: (() => Promise<void> | void)[] = [];
  const recovery: Record<string, number[]> = {};
  const record = (kind: string, ms: number) => (recovery[kind] ??= []).push(ms);
  const figures = {
    reorgs: { count: 0, byDepth: {} as Record<string, number> },
    kills: { count: 0, backfill: 0, live: 0 },
    dbOutages: { count: 0, seconds: [] as number[] },
    storms: 0,
    maxLagBlocks: 0,
  };

  try {
    log(`seed ${opts.seed}, ${opts.rounds} rounds, faults at ${(baseRate * 100).toFixed(0)} % (${(stormRate * 100).toFixed(0)} % in a storm)`);
    const chain: ProtocolChain = await startProtocolChain();
    cleanups.push(() => chain.stop());
    await driveEdgeScenario(chain);
    const deployment = writeDeploymentFile(chain.deployment);
    cleanups.push(() => deployment.cleanup());
    const proxy = await startFaultProxy({ target: chain.anvil.rpcUrl, seed: opts.seed, rates: baseRates, slowMs: opts.slowMs ?? [500, 3000], lagBlocks: [1, 5] });
    cleanups.push(() => proxy.close());

    let cluster: PgCluster | null = null;
    const fleetSize = Math.max(1, opts.indexers ?? 1);
    const campaignDbs: TestDatabase[] = [];
    let referenceDb: TestDatabase;
    if (privateClusterAvailable()) {
      cluster = await startPgCluster();
      const c = cluster;
      cleanups.push(() => c.destroy());
      for (let i = 0; i < fleetSize; i++) {
        const name = i === 0 ? "campaign" : `campaign${i + 1}`;
        await cluster.createDatabase(name);
        campaignDbs.push(postgresDatabase(cluster.url(name)));
      }
      await cluster.createDatabase("reference");
      referenceDb = postgresDatabase(cluster.url("reference"));
      log(`private PostgreSQL cluster on port ${cluster.port}`);
    } else {
      for (let i = 0; i < fleetSize; i++) {
        const db = freshDatabase("postgres");
        campaignDbs.push(db);
        cleanups.push(() => db.cleanup());
      }
      referenceDb = freshDatabase("postgres");
      cleanups.push(() => referenceDb.cleanup());
      log("no private PostgreSQL cluster here (initdb): database outages are left out");
    }
    const head = async () => Number(await chain.client.getBlockNumber());

    const stallMs = opts.stallMs ?? 60_000;
    const pollingMs = String(opts.pollingMs ?? 100);
    const campaignDb = campaignDbs[0]!;
    const indexer = new Fleet(
      campaignDbs.map(
        (db, i) =>
          new Supervised(
            () => startIndexer({ rpcUrl: proxy.url, deploymentFile: deployment.path, db, logLevel: opts.indexerLog ? "info" : "warn", extraEnv: { POLLING_INTERVAL_MS: pollingMs } }),
            fleetSize > 1 ? (line) => log(`  (indexer ${i + 1})${line}`) : log,
            stallMs,
            opts.releaseLock ? () => releaseLock(db) : undefined,
          ),
      ),
      rng,
    );
    cleanups.push(() => indexer.stop());

    // An undisrupted index of the same chain for the digest after each round: straight from anvil,
    // never killed, on the shared server (so the campaign's database outages do not reach it).
    let shadow: Supervised | null = null;
    let shadowDb: TestDatabase | null = null;
    const roundDigests = { compared: 0, equal: 0, mismatches: [] as string[], late: [] as string[] };
    if ((opts.roundDigests ?? true) && cluster && (await postgresAvailable())) {
      const db = freshDatabase("postgres");
      shadowDb = db;
      cleanups.push(() => db.cleanup());
      const s = new Supervised(() => startIndexer({ rpcUrl: chain.anvil.rpcUrl, deploymentFile: deployment.path, db, extraEnv: { POLLING_INTERVAL_MS: "250" } }), (line) => log(`  (undisrupted index)${line}`), stallMs);
      shadow = s;
      cleanups.push(() => s.stop());
      await s.start();
    }

    // A `ponder serve` replica on the campaign's schema, asked all along (the scale-out setup).
    let replicaPhase: "killed" | "dbOutage" | "other" = "other";
    const replicaCounts = { killed: { answers: 0, errors: 0 }, dbOutage: { answers: 0, errors: 0 }, other: { answers: 0, errors: 0 }, errorSamples: [] as string[] };
    let replica: PonderHandle | null = null;
    let replicaPoller: NodeJS.Timeout | null = null;
    if (opts.indexerLog) {
      const path = opts.indexerLog;
      cleanups.push(async () => {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(path, indexer.members.flatMap((m, k) => m.outputs.map((o, i) => `===== indexer ${k + 1}, run ${i + 1}\n${o()}`)).join("\n"));
      });
    }
    await indexer.start();
    let restartsAfterDbRestart = 0;
    if (cluster && (opts.restartAfterDbRestart ?? true)) {
      const watch = watchPostgresRestarts(cluster.url("postgres"), async () => {
        restartsAfterDbRestart++;
        log(`  PostgreSQL restarted: restarting the indexer${fleetSize > 1 ? "s" : ""} so that ${fleetSize > 1 ? "they resume" : "it resumes"} from what the database kept`);
        await indexer.restart();
      }, 500);
      cleanups.push(() => watch.stop());
    }



    if (opts.killDuringBackfill ?? true) {
      await sleep(rng.int(1000, 4000));
      const phases = await indexer.kill();
      for (const phase of phases) {
        figures.kills.count++;
        figures.kills[phase]++;
      }
      const phase = phases.join(", ");
      const t0 = Date.now();
      await indexer.start();
      await indexer.catchUp(await head(), catchUpMs);
      record("kill", Date.now() - t0);
      log(`start: killed during ${phase}, recovered in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } else {
      await indexer.catchUp(await head(), catchUpMs);
    }

    if (opts.replica ?? true) {
      const source = campaignDb.source;
      const r = spawnPonder({ command: "serve", port: await freePort(), schema: source.schema, env: { RPC_URL: proxy.url, CHAIN_ID: "31337", DEPLOYMENT_FILE: deployment.path, ...campaignDb.env } });
      replica = r;
      cleanups.push(() => r.stop());
      await r.waitReady(120_000);
      let inFlight = false;
      replicaPoller = setInterval(async () => {
        if (inFlight) return;
        inFlight = true;
        const phase = replicaPhase;
        try {
          const res = await fetch(`${r.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "query ReplicaProbe { network { inferences totalFees } }" }), signal: AbortSignal.timeout(5000) });
          const body = (await res.json().catch(() => null)) as { data?: unknown; errors?: { message: string }[] } | null;
          if (res.status === 200 && body?.data && !body.errors?.length) replicaCounts[phase].answers++;
          else {
            replicaCounts[phase].errors++;
            if (replicaCounts.errorSamples.length < 5) replicaCounts.errorSamples.push(`${phase}: HTTP ${res.status} ${JSON.stringify(body?.errors ?? body).slice(0, 160)}`);
          }
        } catch (e) {
          replicaCounts[phase].errors++;
          if (replicaCounts.errorSamples.length < 5) replicaCounts.errorSamples.push(`${phase}: ${(e as Error).message.slice(0, 160)}`);
        } finally {
          inFlight = false;
        }
      }, 500);
      cleanups.push(() => clearInterval(replicaPoller!));
    }

    /**
     * Before a digest: faults off, and long enough for an answer still in flight (a slow one, up to
     * slowMs) to arrive, then caught up again. A lagging head answered just before makes Ponder
     * roll back to the older block and index the last blocks again a moment later (a "reorg");
     * a digest taken in that moment would catch it halfway.
     */
    const settle = async (tip: number) => {
      proxy.setRates({});
      await sleep((opts.slowMs ?? [500, 3000])[1] + 1000);
      await indexer.catchUp(tip, catchUpMs);
      if (shadow) await shadow.catchUp(tip, catchUpMs);
    };

    const sofar = (roundsDone: number, tip: number): PartialFigures => {
      const counts = proxy.counts();
      const all = Object.values(recovery).flat();
      return {
        seed: opts.seed,
        roundsDone,
        roundsPlanned: opts.rounds,
        head: tip,
        durationSeconds: Math.round((Date.now() - started) / 1000),
        database: cluster ? "private cluster" : "shared server",
        indexers: fleetSize,
        rpc: { requests: counts.requests, faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, counts[k]])) as Record<FaultKind, number>, faultsTotal: FAULT_KINDS.reduce((n, k) => n + counts[k], 0), baseRate, stormRate },
        reorgs: figures.reorgs,
        kills: figures.kills,
        dbOutages: figures.dbOutages,
        storms: figures.storms,
        indexerExits: { count: indexer.exits.length, causes: indexer.exits },
        restartsAfterDbRestart,
        stallRestarts: indexer.stallRestarts,
        stallSeconds: stallMs / 1000,
        roundDigests,
        replica: replica ? replicaCounts : null,
        recoveryMs: { samples: all.length, p50: percentile(all, 50), max: Math.max(0, ...all), byDisruption: recovery },
        maxLagBlocks: figures.maxLagBlocks,
      };
    };

    // The largest lag behind the head once live (the first backfill starts the whole chain behind).
    const lagSampler = setInterval(async () => {
      for (const m of indexer.members) {
        const run = m.run;
        if (!run) continue;
        const [at, tip] = await Promise.all([indexedBlock(run), head().catch(() => null)]);
        if (at !== null && tip !== null) figures.maxLagBlocks = Math.max(figures.maxLagBlocks, tip - at);
      }
    }, 500);
    cleanups.push(() => clearInterval(lagSampler));

    let salt = 100;
    const kinds: Disruption[] = cluster ? ["reorg", "reorg", "kill", "kill", "dbOutage", "storm"] : ["reorg", "reorg", "kill", "kill", "storm"];
    // With a mix, each database outage length happens once, early (rounds 2, 4, …), so that a
    // campaign cut short still has them.
    const forcedOutages = new Map<number, number>();
    if (opts.mix && cluster) dbOutageMs.forEach((ms, i) => forcedOutages.set(2 * (i + 1), ms));
    const drawRound = (round: number): RoundPlan => {
      const planned = opts.plan?.[round - 1];
      if (planned) {
        const parts = new Set(planned.split("+"));
        for (const part of parts) if (!(DISRUPTIONS as readonly string[]).includes(part)) throw new Error(`unknown disruption "${part}" in the plan; known: ${DISRUPTIONS.join(", ")}`);
        const outage = parts.has("dbOutage") && cluster ? rng.pick(dbOutageMs) : null;
        return { reorg: parts.has("reorg"), kill: parts.has("kill") || (parts.has("dbOutage") && !cluster), storm: parts.has("storm"), dbOutageMs: outage };
      }
      if (opts.mix) {
        const m = opts.mix;
        const p: RoundPlan = { reorg: rng.chance(m.reorg ?? 0), kill: rng.chance(m.kill ?? 0), storm: rng.chance(m.storm ?? 0), dbOutageMs: null };
        const outage = rng.chance(m.dbOutage ?? 0);
        if (cluster && (forcedOutages.has(round) || outage)) p.dbOutageMs = forcedOutages.get(round) ?? rng.pick(dbOutageMs);
        if (p.dbOutageMs !== null) p.kill = false;
        return p;
      }
      const what = rng.pick(kinds);
      return { reorg: what === "reorg", kill: what === "kill", storm: what === "storm", dbOutageMs: what === "dbOutage" ? rng.pick(dbOutageMs) : null };
    };

    let roundsDone = 0;
    for (let round = 1; round <= opts.rounds; round++) {
      if (opts.stopAt !== undefined && Date.now() >= opts.stopAt) {
        log(`time is up after ${roundsDone} of ${opts.rounds} rounds: on to the final comparison`);
        break;
      }
      const p = drawRound(round);
      const roundStart = await head();
      let recoveredFrom = Date.now();
      const notes: string[] = [];
      if (p.storm) {
        proxy.setRates(scaleRates(baseRates, stormRate));
        figures.storms++;
        notes.push(`faults at ${(stormRate * 100).toFixed(0)} %`);
      }
      let killed = false;
      const kill = async () => {
        replicaPhase = "killed";
        const phases = await indexer.kill();
        for (const phase of phases) {
          figures.kills.count++;
          figures.kills[phase]++;
        }
        killed = true;
        return phases.join(", ");
      };
      const restartKilled = async () => {
        await sleep(rng.int(0, 1000));
        recoveredFrom = Date.now();
        await indexer.start();
      };
      if (p.reorg) {
        const depth = rng.int(1, 10);
        const snapshot = await chain.snapshot();
        const base = await head();
        while ((await head()) - base < depth) await driveMoreActivity(chain, salt++, 1);
        const abandoned = await head();
        // Let the indexer see some or all of the blocks about to be replaced.
        if (rng.chance(0.7)) await indexer.catchUp(abandoned, catchUpMs).catch(() => {});
        else await sleep(rng.int(0, 1500));
        // With a kill: half the time the indexer dies before the reorg and comes back after it.
        let killedBefore: string | null = null;
        if (p.kill && rng.chance(0.5)) killedBefore = await kill();
        await chain.revert(snapshot);
        while ((await head()) <= abandoned) await driveMoreActivity(chain, salt++ + 5000, 1);
        recoveredFrom = Date.now();
        figures.reorgs.count++;
        const replaced = abandoned - base; // a claim can add a block to the last step
        figures.reorgs.byDepth[replaced] = (figures.reorgs.byDepth[replaced] ?? 0) + 1;
        notes.push(`reorg of depth ${replaced}`);
        if (killedBefore) {
          await restartKilled();
          notes.push(`SIGKILL (${killedBefore}) before the reorg, restarted after it`);
        }
      }
      if (p.kill && !killed) {
        const activity = driveMoreActivity(chain, salt, rng.int(3, 6));
        salt += 10;
        await sleep(rng.int(0, 1500));
        const phase = await kill();
        await restartKilled();
        await activity;
        notes.push(`SIGKILL (${phase})`);
      }
      if (p.dbOutageMs !== null && cluster) {
        const ms = p.dbOutageMs;
        const activity = driveMoreActivity(chain, salt, rng.int(2, 5));
        salt += 10;
        replicaPhase = "dbOutage";
        cluster.stop("immediate");
        await sleep(ms);
        cluster.start();
        recoveredFrom = Date.now();
        await activity;
        figures.dbOutages.count++;
        figures.dbOutages.seconds.push(ms / 1000);
        notes.push(`PostgreSQL down for ${ms / 1000} s`);
      }
      if (p.storm) {
        await driveMoreActivity(chain, salt, rng.int(4, 8));
        salt += 10;
        await indexer.catchUp(await head(), catchUpMs);
        proxy.setRates(baseRates);
        if (!p.reorg && !p.kill && p.dbOutageMs === null) recoveredFrom = Date.now();
      }
      await driveMoreActivity(chain, salt, rng.int(1, 3));
      salt += 10;
      const tip = await head();
      await indexer.catchUp(tip, catchUpMs);
      replicaPhase = "other";
      const took = Date.now() - recoveredFrom;
      const label = [p.reorg && "reorg", p.kill && "kill", p.dbOutageMs !== null && "dbOutage", p.storm && "storm"].filter(Boolean).join("+") || "none";
      record(label, took);
      let digestNote = "";
      if (shadow && shadowDb) {
        await settle(tip);
        // The digests once every database's own checkpoint (committed with its rows) is at the
        // tip: /status can name a block a moment before a rollback (a lagging head seen late on
        // a loaded machine) takes the tables back; retried for up to 30 s.
        const shadowSource = shadowDb.source;
        const read = async () => {
          const clean = await computeDigest(shadowSource);
          const mine = await Promise.all(campaignDbs.map((db) => computeDigest(db.source)));
          return { clean, mine, settled: [clean, ...mine].every((d) => d.checkpointBlock !== null && d.checkpointBlock >= tip) };
        };
        let digests = await read();
        let waited = 0;
        for (; waited < 30 && (!digests.settled || digests.mine.some((m) => m.sha256 !== digests.clean.sha256)); waited++) {
          await sleep(1000);
          digests = await read();
        }
        if (waited > 0) roundDigests.late.push(`round ${round}: ${waited} s`);
        const { clean } = digests;
        const notes: string[] = [];
        for (const [i, mine] of digests.mine.entries()) {
          roundDigests.compared++;
          if (mine.sha256 === clean.sha256) {
            roundDigests.equal++;
          } else {
            const tables = mine.tables.filter((t, k) => t.sha256 !== clean.tables[k]?.sha256).map((t) => `${t.name} (${t.rows} rows, ${clean.tables.find((c) => c.name === t.name)?.rows ?? "?"} undisrupted)`);
            roundDigests.mismatches.push(`round ${round} (block ${tip}, checkpoints ${mine.checkpointBlock}/${clean.checkpointBlock}), indexer ${i + 1}: ${tables.join(", ")}`);
            notes.push(`indexer ${i + 1}: ${tables.join(", ")}`);
          }
        }
        digestNote = notes.length ? `; DIGEST DIFFERENT (${notes.join("; ")})` : `; digest${fleetSize > 1 ? "s" : ""} equal`;
        proxy.setRates(baseRates);
      }
      log(`round ${round}/${opts.rounds} (from block ${roundStart}): ${notes.join(", ") || "activity only"}; caught up with block ${tip} ${(took / 1000).toFixed(1)} s later${digestNote}`);
      roundsDone = round;
      opts.onRound?.(sofar(round, tip));
    }

    // The end: the indexers settled on the final chain, faults off.
    const finalBlock = await head();
    await indexer.catchUp(finalBlock, catchUpMs);
    await settle(finalBlock);
    clearInterval(lagSampler);
    if (replicaPoller) clearInterval(replicaPoller);
    await replica?.stop();
    await shadow?.stop();
    const campaignTotals = await Promise.all(indexer.members.map((m) => readTotals(m.run!.url)));
    await indexer.stop();

    log(`indexing the final chain (block ${finalBlock}) again from scratch, without faults…`);
    const reference = await startIndexer({ rpcUrl: chain.anvil.rpcUrl, deploymentFile: deployment.path, db: referenceDb });
    let referenceTotals: Record<string, unknown>;
    try {
      await reference.waitForBlock(finalBlock, catchUpMs);
      referenceTotals = await readTotals(reference.url);
    } finally {
      await reference.stop();
    }

    const referenceSource = referenceDb.source;
    if (referenceSource.kind !== "postgres") throw new Error("the campaign runs on PostgreSQL");
    const referenceDigest = await computeDigest(referenceSource);
    const fleet: CampaignFigures["fleet"] = [];
    for (const [i, db] of campaignDbs.entries()) {
      const source = db.source;
      if (source.kind !== "postgres") throw new Error("the campaign runs on PostgreSQL");
      const tables = await exceptBothWays(source.connectionString, referenceSource.connectionString, source.schema);
      const digest = await computeDigest(source);
      fleet.push({
        indexer: i + 1,
        tables,
        rowsLost: tables.reduce((n, t) => n + t.missing, 0),
        rowsExtra: tables.reduce((n, t) => n + t.extra, 0),
        digestEqual: digest.sha256 === referenceDigest.sha256,
        totalsDiff: jsonDiff(campaignTotals[i], referenceTotals),
        claimableMismatches: await claimableMismatches(source, chain.client, chain.engine, chain.accounts),
        accrualSumMismatches: await accrualSumMismatches(source),
      });
    }
    const tagged = (pick: (f: CampaignFigures["fleet"][number]) => string[]) => fleet.flatMap((f) => pick(f).map((x) => (fleetSize > 1 ? `indexer ${f.indexer}: ${x}` : x)));
    const tables = fleet[0]!.tables;
    const totalsDiff = tagged((f) => f.totalsDiff);

    const so: Partial<PartialFigures> = sofar(roundsDone, finalBlock);
    delete so.roundsDone;
    delete so.roundsPlanned;
    delete so.head;
    return {
      ...(so as Omit<PartialFigures, "roundsDone" | "roundsPlanned" | "head">),
      rounds: roundsDone,
      roundsPlanned: opts.rounds,
      finalBlock,
      indexers: fleetSize,
      fleet,
      tables,
      rowsLost: fleet.reduce((n, f) => n + f.rowsLost, 0),
      rowsExtra: fleet.reduce((n, f) => n + f.rowsExtra, 0),
      digestEqual: fleet.every((f) => f.digestEqual),
      totalsEqual: totalsDiff.length === 0,
      totalsDiff,
      claimableMismatches: tagged((f) => f.claimableMismatches),
      accrualSumMismatches: tagged((f) => f.accrualSumMismatches),
    };
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
  }
}

/** The figures as a few lines of text. */
export function formatFigures(f: CampaignFigures): string {
  const kinds = FAULT_KINDS.map((k) => `${k} ${f.rpc.faults[k]}`).join(", ");
  const depths = Object.entries(f.reorgs.byDepth).sort((x, y) => Number(x[0]) - Number(y[0])).map(([d, n]) => `${d}:${n}`).join(" ");
  return [
    `chaos campaign, seed ${f.seed}: ${f.rounds}${f.rounds < f.roundsPlanned ? ` of ${f.roundsPlanned} planned` : ""} rounds in ${f.durationSeconds} s on a ${f.database}, ${f.indexers} indexer${f.indexers > 1 ? "s" : ""}`,
    `  RPC requests        ${f.rpc.requests}, faults injected ${f.rpc.faultsTotal} (${kinds})`,
    `  reorgs              ${f.reorgs.count} (depth:count ${depths || "-"})`,
    `  SIGKILLs            ${f.kills.count} (backfill ${f.kills.backfill}, live ${f.kills.live})`,
    `  database outages    ${f.dbOutages.count}${f.dbOutages.count ? ` (${f.dbOutages.seconds.join(", ")} s)` : ""}`,
    `  fault storms        ${f.storms} (at ${(f.rpc.stormRate * 100).toFixed(0)} %)`,
    `  indexer exits       ${f.indexerExits.count} by itself, each restarted${f.indexerExits.causes.length ? `: ${f.indexerExits.causes.slice(0, 3).join("; ")}` : ""}`,
    `  restarts            ${f.restartsAfterDbRestart} after a database restart, ${f.stallRestarts} by the watchdog (no progress for ${f.stallSeconds} s)`,
    `  recovery            p50 ${(f.recoveryMs.p50 / 1000).toFixed(1)} s, max ${(f.recoveryMs.max / 1000).toFixed(1)} s over ${f.recoveryMs.samples} disruptions`,
    `  largest lag         ${f.maxLagBlocks} blocks`,
    `  final chain         block ${f.finalBlock}; ${f.tables.reduce((s, t) => s + t.rows, 0)} rows in ${f.tables.length} tables`,
    `  rows lost           ${f.rowsLost}`,
    `  rows doubled/extra  ${f.rowsExtra}`,
    `  digests per round   ${f.roundDigests.compared ? `${f.roundDigests.equal}/${f.roundDigests.compared} equal to an undisrupted index${f.roundDigests.mismatches.length ? `; different: ${f.roundDigests.mismatches.slice(0, 3).join("; ")}` : ""}` : "not compared"}`,
    `  API replica         ${f.replica ? (["killed", "dbOutage", "other"] as const).map((k) => `${k === "killed" ? "indexer killed" : k === "dbOutage" ? "database down" : "otherwise"} ${f.replica![k].answers} answers / ${f.replica![k].errors} errors`).join(", ") : "not run"}`,
    `  digest              ${f.digestEqual ? "equal" : "DIFFERENT"} to a clean index of the final chain`,
    `  totals (API)        ${f.totalsEqual ? "equal" : `DIFFERENT: ${f.totalsDiff.slice(0, 5).join("; ")}`}`,
    `  claimable vs chain  ${f.claimableMismatches.length === 0 ? "equal for every account" : f.claimableMismatches.slice(0, 5).join("; ")}`,
  ].join("\n");
}
