/**
 * The indexing floor: what it costs just to fetch the indexed contracts' logs with viem, decode
 * them, and COPY one raw row per event into PostgreSQL, with no derived tables. Ponder cannot beat
 * this by much, since it does the same reading and decoding before any handler runs.
 *
 * Fetching runs ahead of decoding + COPY (two block ranges in flight); everything goes into one
 * COPY inside one transaction, into a table with a (block, log index) primary key.
 */
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { createPublicClient, http, parseEventLogs, type Abi, type Address } from "viem";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi } from "../../abis/index.js";
import type { Deployment } from "../../chain/deployment.js";

/** The contracts ponder.config.ts indexes (not OpenToken). */
export const INDEXED = ["DatanetRegistry", "ModelRegistry", "AttributionEngine"] as const;
const ABI = [...DatanetRegistryAbi, ...ModelRegistryAbi, ...AttributionEngineAbi].filter((x) => (x as { type: string }).type === "event") as Abi;

export interface FloorRun {
  seconds: number;
  events: number;
  eventsPerSecond: number;
  /** Summed time in each phase (they overlap: fetching runs ahead). */
  fetchSeconds: number;
  decodeSeconds: number;
  copySeconds: number;
  requests: number;
}

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
const csvQuote = (s: string) => `"${s.replaceAll('"', '""')}"`;

export async function runFloor(opts: {
  rpcUrl: string;
  deployment: Deployment;
  head: bigint;
  connectionString: string;
  schema: string;
  chunkBlocks?: number;
}): Promise<FloorRun> {
  const chunk = BigInt(opts.chunkBlocks ?? 20);
  const address = INDEXED.map((n) => opts.deployment.contracts[n].address) as Address[];
  const from = BigInt(Math.min(...INDEXED.map((n) => opts.deployment.contracts[n].startBlock)));
  const client = createPublicClient({ transport: http(opts.rpcUrl, { timeout: 120_000, retryCount: 0, maxResponseBodySize: 512 * 2 ** 20 }) });
  const db = new pg.Client({ connectionString: opts.connectionString });
  await db.connect();
  try {
    await db.query(`DROP SCHEMA IF EXISTS "${opts.schema}" CASCADE`);
    await db.query(`CREATE SCHEMA "${opts.schema}"`);
    await db.query(`CREATE TABLE "${opts.schema}".event (
      block_number bigint NOT NULL, log_index integer NOT NULL, transaction_hash text NOT NULL,
      address text NOT NULL, event_name text NOT NULL, args jsonb NOT NULL, PRIMARY KEY (block_number, log_index))`);

    const started = performance.now();
    let fetchMs = 0, decodeMs = 0, copyMs = 0, events = 0, requests = 0;
    const ranges: [bigint, bigint][] = [];
    for (let s = from; s <= opts.head; s += chunk) ranges.push([s, s + chunk - 1n < opts.head ? s + chunk - 1n : opts.head]);
    const fetchRange = async ([a, b]: [bigint, bigint]) => {
      const t = performance.now();
      const logs = await client.getLogs({ address, fromBlock: a, toBlock: b });
      fetchMs += performance.now() - t;
      requests++;
      return logs;
    };

    await db.query("BEGIN");
    const stream = db.query(copyFrom(`COPY "${opts.schema}".event (block_number, log_index, transaction_hash, address, event_name, args) FROM STDIN (FORMAT csv)`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on("finish", () => resolve());
      stream.on("error", reject);
    });
    const inFlight: Promise<Awaited<ReturnType<typeof fetchRange>>>[] = [];
    let nextRange = 0;
    const refill = () => {
      while (inFlight.length < 2 && nextRange < ranges.length) {
        const p = fetchRange(ranges[nextRange++]!);
        p.catch(() => {}); // reported where it is awaited, in order
        inFlight.push(p);
      }
    };
    refill();
    while (inFlight.length) {
      const logs = await inFlight.shift()!;
      refill();
      let t = performance.now();
      const decoded = parseEventLogs({ abi: ABI, logs, strict: true });
      if (decoded.length !== logs.length) throw new Error(`floor: decoded ${decoded.length} of ${logs.length} logs; the ABI does not match the chain`);
      let text = "";
      for (const l of decoded) {
        text += `${l.blockNumber},${l.logIndex},${l.transactionHash},${l.address},${l.eventName},${csvQuote(json(l.args))}\n`;
      }
      decodeMs += performance.now() - t;
      t = performance.now();
      events += decoded.length;
      if (!stream.write(text)) await new Promise((r) => stream.once("drain", r));
      copyMs += performance.now() - t;
    }
    const t = performance.now();
    stream.end();
    await done;
    await db.query("COMMIT");
    copyMs += performance.now() - t;
    const seconds = (performance.now() - started) / 1000;
    const stored = Number((await db.query(`SELECT count(*)::bigint AS n FROM "${opts.schema}".event`)).rows[0]?.n ?? 0);
    if (stored !== events) throw new Error(`floor: wrote ${events} rows but the table holds ${stored}`);
    return { seconds, events, eventsPerSecond: events / seconds, fetchSeconds: fetchMs / 1000, decodeSeconds: decodeMs / 1000, copySeconds: copyMs / 1000, requests };
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS "${opts.schema}" CASCADE`).catch(() => {});
    await db.end();
  }
}
