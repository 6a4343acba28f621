/**
 * Load generation. At saturation the API goes through autocannon (keep-alive connections, as fast
 * as it answers); at a fixed rate through a paced HTTP driver (see drive()). The floor, the same
 * data read by SQL straight through `pg`, gets the same load from the same driver: as many pooled
 * connections, the same uniform schedule or saturation.
 */
import autocannon from "autocannon";
import http from "node:http";
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
}): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    method: "POST",
    headers: { "content-type": "application/json" },
    connections: opts.connections,
    duration: opts.seconds,
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

/**
 * The shared driver: `connections` slots; at saturation every slot loops; at a fixed rate requests
 * start on a uniform schedule (one every 1/rate s), each on a free slot (waiting for one if all are
 * busy), latency measured from the moment it is sent. (autocannon's own overallRate releases each
 * connection's quota in a burst at the start of every second and pads its histogram with
 * coordinated-omission samples 1 ms apart, so it would measure its bursts, not the server.)
 */
async function drive<C>(slots: C[], request: (slot: C, i: number) => Promise<void>, seconds: number, rate?: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const one = async (slot: C) => {
    const t = performance.now();
    try {
      await request(slot, n++);
      latencies.push(performance.now() - t);
    } catch (e) {
      errors++;
      firstError ??= (e as Error).message;
    }
  };
  if (!rate) {
    await Promise.all(slots.map(async (c) => {
      while (performance.now() < end) await one(c);
    }));
  } else {
    const free = [...slots];
    const waiters: ((c: C) => void)[] = [];
    const acquire = () => (free.length ? Promise.resolve(free.pop()!) : new Promise<C>((r) => waiters.push(r)));
    const release = (c: C) => (waiters.length ? waiters.shift()!(c) : free.push(c));
    const interval = 1000 / rate;
    const inflight = new Set<Promise<void>>();
    for (let k = 0; ; k++) {
      const due = start + k * interval;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const c = await acquire();
      const p: Promise<void> = one(c).finally(() => {
        release(c);
        inflight.delete(p);
      });
      inflight.add(p);
    }
    await Promise.all(inflight);
  }
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    requestsPerSecond: latencies.length / Math.max(elapsed, seconds),
    requests: latencies.length,
    errors,
    firstError,
  };
}

export async function runSqlLoad(opts: { pool: pg.Pool; request: SqlRequest; connections: number; seconds: number; rate?: number }): Promise<LoadResult> {
  const clients = await Promise.all(Array.from({ length: opts.connections }, () => opts.pool.connect()));
  try {
    return await drive(clients, opts.request, opts.seconds, opts.rate);
  } finally {
    for (const c of clients) c.release();
  }
}

/** POSTs the bodies in turn over `connections` keep-alive sockets, paced or at saturation. */
export async function runHttpLoad(opts: { url: string; bodies: string[]; connections: number; seconds: number; rate?: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const url = new URL(opts.url);
  const post = (_slot: number, i: number) =>
    new Promise<void>((resolve, reject) => {
      const body = opts.bodies[i % opts.bodies.length]!;
      const req = http.request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (res) => {
          res.on("data", () => {});
          res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  try {
    return await drive(Array.from({ length: opts.connections }, (_, i) => i), post, opts.seconds, opts.rate);
  } finally {
    agent.destroy();
  }
}
