/**
 * Load generation. The API goes through autocannon (HTTP, keep-alive connections, a fixed overall
 * rate or as fast as it answers). The floor, the same data read by SQL straight through `pg`, gets
 * the same shape of load from an in-process driver: as many pooled connections as autocannon has,
 * the same fixed rate (requests started on a schedule, each on a free connection) or saturation.
 */
import autocannon from "autocannon";
import pg from "pg";

export interface LoadResult {
  p50: number;
  p99: number;
  max: number;
  requestsPerSecond: number;
  requests: number;
  errors: number;
  /** The first error, for the report. */
  firstError?: string;
}

export async function runAutocannon(opts: {
  url: string;
  bodies: string[];
  connections: number;
  seconds: number;
  rate?: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    method: "POST",
    headers: { "content-type": "application/json" },
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    // Each connection cycles through the bodies (different accounts / inferences / models).
    requests: opts.bodies.map((body) => ({ method: "POST" as const, body })),
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requestsPerSecond: result.requests.total / opts.seconds,
    requests: result.requests.total,
    errors,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** One logical request: any number of statements on one pooled client. */
export type SqlRequest = (client: pg.PoolClient, i: number) => Promise<void>;

export async function runSqlLoad(opts: {
  pool: pg.Pool;
  request: SqlRequest;
  connections: number;
  seconds: number;
  rate?: number;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let n = 0;
  const start = performance.now();
  const end = start + opts.seconds * 1000;
  const one = async (client: pg.PoolClient) => {
    const t = performance.now();
    try {
      await opts.request(client, n++);
      latencies.push(performance.now() - t);
    } catch (e) {
      errors++;
      firstError ??= (e as Error).message;
    }
  };
  const clients = await Promise.all(Array.from({ length: opts.connections }, () => opts.pool.connect()));
  try {
    if (!opts.rate) {
      await Promise.all(clients.map(async (c) => {
        while (performance.now() < end) await one(c);
      }));
    } else {
      // Requests start on a fixed schedule; one waits for a free connection if all are busy
      // (as autocannon's overallRate does), its latency counted from when it was sent.
      const free = [...clients];
      const waiters: ((c: pg.PoolClient) => void)[] = [];
      const acquire = () => (free.length ? Promise.resolve(free.pop()!) : new Promise<pg.PoolClient>((r) => waiters.push(r)));
      const release = (c: pg.PoolClient) => (waiters.length ? waiters.shift()!(c) : free.push(c));
      const interval = 1000 / opts.rate;
      const inflight: Promise<void>[] = [];
      for (let k = 0; ; k++) {
        const due = start + k * interval;
        if (due >= end) break;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const c = await acquire();
        inflight.push(one(c).finally(() => release(c)));
        if (inflight.length > 10_000) await Promise.all(inflight.splice(0));
      }
      await Promise.all(inflight);
    }
  } finally {
    for (const c of clients) c.release();
  }
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    requestsPerSecond: latencies.length / Math.max(seconds, opts.seconds),
    requests: latencies.length,
    errors,
    firstError,
  };
}
