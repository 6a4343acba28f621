/**
 * Subscription fan-out: `subscribers` clients follow `subscription { inferences }` over
 * GraphQL-over-SSE on a live indexer (its own devnet chain and PostgreSQL database), while
 * `inferences` inferences are recorded one transaction at a time. A watcher polls the indexed
 * network row every 5 ms to note when each block became readable ("indexed"); for every event
 * every client receives, the latency is its arrival time minus that moment. Reports events/s
 * delivered in all and the p50/p99 latency.
 */
import pg from "pg";
import { startProtocolChain } from "../../testkit/protocol.js";
import { driveEdgeScenario, driveMoreActivity } from "../../testkit/edgeScenario.js";
import { freshDatabase, postgresAvailable, startIndexer, writeDeploymentFile } from "../../testkit/indexer.js";
import { openEventStream } from "../../testkit/api.js";

export interface FanoutResult {
  subscribers: number;
  inferences: number;
  eventsDelivered: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  pollMs: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

export async function measureFanout(opts: { subscribers: number; inferences: number; pollMs?: number }): Promise<FanoutResult> {
  if (!(await postgresAvailable())) throw new Error("the fan-out measure needs PostgreSQL at 127.0.0.1:5432");
  const pollMs = opts.pollMs ?? 250;
  const chain = await startProtocolChain();
  const db = freshDatabase("postgres");
  const deployment = writeDeploymentFile(chain.deployment);
  let run: Awaited<ReturnType<typeof startIndexer>> | undefined;
  const watcher = new pg.Client({ connectionString: (db.source as { connectionString: string }).connectionString });
  const streams: Awaited<ReturnType<typeof openEventStream>>[] = [];
  try {
    await driveEdgeScenario(chain);
    const cap = String(opts.subscribers + 10);
    run = await startIndexer({ rpcUrl: chain.anvil.rpcUrl, deploymentFile: deployment.path, db, extraEnv: { API_STREAM_MAX_PER_CLIENT: cap, API_STREAM_MAX_SUBSCRIPTIONS: cap, API_STREAM_POLL_MS: String(pollMs) } });
    await run.waitForBlock(await chain.client.getBlockNumber());
    await watcher.connect();
    const indexedAt = new Map<string, number>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const { rows } = await watcher.query<{ b: string }>(`SELECT last_event_block::text AS b FROM "${db.source.schema}".network LIMIT 1`);
        const b = rows[0]?.b;
        if (b !== undefined && !indexedAt.has(b)) indexedAt.set(b, performance.now());
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    for (let i = 0; i < opts.subscribers; i++) {
      const s = await openEventStream(run.url, "subscription { inferences { blockNumber logIndex } }");
      if (s.refused) throw new Error(`subscriber ${i + 1} was refused: ${JSON.stringify(s.refused.body)}`);
      streams.push(s);
    }
    const arrivals: { block: string; at: number }[] = [];
    const readers = streams.map(async (s) => {
      for (let n = 0; n < opts.inferences; n++) {
        const m = await s.next(120_000);
        if (m.event !== "next" || m.data.errors) throw new Error(`a subscriber's stream failed: ${JSON.stringify(m)}`);
        arrivals.push({ block: String((m.data.data!.inferences as { blockNumber: string }).blockNumber), at: performance.now() });
      }
    });
    const started = performance.now();
    await driveMoreActivity(chain, 11, opts.inferences);
    await Promise.all(readers);
    const finished = Math.max(...arrivals.map((a) => a.at));
    watching = false;
    await watch;
    const latencies = arrivals.map((a) => a.at - (indexedAt.get(a.block) ?? a.at)).sort((x, y) => x - y);
    return {
      subscribers: opts.subscribers,
      inferences: opts.inferences,
      eventsDelivered: arrivals.length,
      eventsPerSecond: arrivals.length / ((finished - started) / 1000),
      latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies[latencies.length - 1] ?? NaN },
      pollMs,
    };
  } finally {
    for (const s of streams) s.close();
    await watcher.end().catch(() => {});
    await run?.stop();
    deployment.cleanup();
    await db.cleanup();
    await chain.stop();
  }
}
