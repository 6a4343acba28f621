/**
 * A flaky JSON-RPC endpoint in front of a real one, for tests and the chaos campaign: on a seeded
 * share of requests it answers as public endpoints do on a bad day (core/faults.ts): 429 with
 * Retry-After, a 500/502/503 HTML page, a JSON-RPC -32603 error, an answer delayed, an answer cut
 * off mid-JSON, a reset connection, a head some blocks behind (eth_blockNumber, and
 * eth_getBlockByNumber("latest") answered with an older block). Everything
 * else is passed through. It counts what it injected.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { chooseFault, FAULT_KINDS, invalidRates, laggedBlockNumber, rpcCalls, type FaultKind, type FaultRates } from "../core/faults.js";
import { Rng } from "../core/rng.js";

export interface FaultProxyOptions {
  /** The real endpoint. */
  target: string;
  seed: number;
  rates: FaultRates;
  /** Delay of a slow answer, drawn uniformly in [min, max] ms (default 1–10 s). */
  slowMs?: [number, number];
  /** How far behind a lagging head is, drawn uniformly in [min, max] blocks (default 1–5). */
  lagBlocks?: [number, number];
  /** Seconds in a Retry-After (default 1). */
  retryAfterSeconds?: number;
  port?: number;
}

export type FaultCounts = Record<FaultKind, number> & { requests: number; passed: number; held: number };

export interface FaultProxy {
  url: string;
  /** What was injected so far (a copy). */
  counts(): FaultCounts;
  rates(): FaultRates;
  setRates(rates: FaultRates): void;
  /**
   * A hung upstream: from now on, requests calling any of `methods` are never answered (the
   * connection stays open until the client gives up or the proxy closes); `null` answers new
   * requests again (those already held stay unanswered). Counted as `held`, not as a fault.
   */
  hold(methods: string[] | null): void;
  close(): Promise<void>;
}

const HTML_STATUS = [500, 502, 503] as const;

const htmlPage = (status: number) =>
  `<!DOCTYPE html><html><head><title>${status}</title></head><body><h1>${status} ${status === 502 ? "Bad Gateway" : status === 503 ? "Service Unavailable" : "Internal Server Error"}</h1><hr><center>nginx</center></body></html>`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** One eth_getBlockByNumber call for "latest". */
function isLatestBlockCall(body: string): boolean {
  try {
    const call = JSON.parse(body) as { method?: unknown; params?: unknown };
    return call.method === "eth_getBlockByNumber" && Array.isArray(call.params) && call.params[0] === "latest";
  } catch {
    return false;
  }
}

function reset(socket: Socket | null) {
  if (!socket) return;
  const s = socket as Socket & { resetAndDestroy?: () => void };
  if (typeof s.resetAndDestroy === "function") s.resetAndDestroy();
  else s.destroy();
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const problem = invalidRates(opts.rates);
  if (problem) throw new Error(`fault proxy: ${problem}`);
  let rates = { ...opts.rates };
  const draws = new Rng(opts.seed, 1);
  const details = new Rng(opts.seed, 2);
  const [slowMin, slowMax] = opts.slowMs ?? [1000, 10_000];
  const [lagMin, lagMax] = opts.lagBlocks ?? [1, 5];
  let holding: Set<string> | null = null;
  const counts: FaultCounts = { requests: 0, passed: 0, held: 0, ...(Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>) };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const forward = async (body: string): Promise<{ status: number; text: string; type: string }> => {
    const res = await fetch(opts.target, { method: "POST", headers: { "content-type": "application/json" }, body });
    return { status: res.status, text: await res.text(), type: res.headers.get("content-type") ?? "application/json" };
  };

  const send = (res: ServerResponse, up: { status: number; text: string; type: string }) => {
    if (!res.writableEnded && !res.destroyed) res.writeHead(up.status, { "content-type": up.type }).end(up.text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    counts.requests++;
    const calls = rpcCalls(body);
    if (holding && calls?.some((c) => holding!.has(c.method))) {
      counts.held++;
      return; // never answered
    }
    let fault = chooseFault(draws.float(), rates);
    const latestBlock = calls?.length === 1 && isLatestBlockCall(body);
    if (fault === "laggingHead" && !latestBlock && !calls?.some((c) => c.method === "eth_blockNumber")) fault = null;
    if (fault === null) {
      counts.passed++;
      return send(res, await forward(body));
    }
    counts[fault]++;
    switch (fault) {
      case "rateLimit":
        res.writeHead(429, { "content-type": "text/plain", "retry-after": String(opts.retryAfterSeconds ?? 1) }).end("Too Many Requests");
        return;
      case "serverError": {
        const status = details.pick(HTML_STATUS);
        res.writeHead(status, { "content-type": "text/html" }).end(htmlPage(status));
        return;
      }
      case "rpcError": {
        const error = (id: unknown) => ({ jsonrpc: "2.0", id, error: { code: -32603, message: "internal error" } });
        const isBatch = body.trimStart().startsWith("[");
        const answer = calls ? (isBatch ? calls.map((c) => error(c.id)) : error(calls[0]?.id ?? null)) : error(null);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
        return;
      }
      case "slow": {
        const ms = details.int(slowMin, slowMax);
        await new Promise<void>((r) => {
          const t = setTimeout(() => (timers.delete(t), r()), ms);
          timers.add(t);
        });
        return send(res, await forward(body));
      }
      case "truncated": {
        const up = await forward(body);
        const cut = up.text.slice(0, Math.max(1, Math.floor(up.text.length / 2)));
        res.writeHead(200, { "content-type": "application/json" }).end(cut);
        return;
      }
      case "reset":
        reset(req.socket);
        return;
      case "laggingHead": {
        const lag = details.int(lagMin, lagMax);
        if (latestBlock) {
          // A node behind the others: "latest" is some blocks back.
          const tip = JSON.parse((await forward(JSON.stringify({ jsonrpc: "2.0", id: 0, method: "eth_blockNumber", params: [] }))).text) as { result?: unknown };
          const lagged = laggedBlockNumber(tip.result, lag);
          const call = JSON.parse(body) as { params: unknown[] };
          if (lagged !== null) call.params = [lagged, ...call.params.slice(1)];
          return send(res, await forward(JSON.stringify(call)));
        }
        const up = await forward(body);
        let parsed: unknown;
        try {
          parsed = JSON.parse(up.text);
        } catch {
          return send(res, up);
        }
        const ids = new Set(calls?.filter((c) => c.method === "eth_blockNumber").map((c) => JSON.stringify(c.id)));
        const lagOne = (a: { id?: unknown; result?: unknown }) => {
          if (!ids.has(JSON.stringify(a.id ?? null))) return a;
          const lagged = laggedBlockNumber(a.result, lag);
          return lagged === null ? a : { ...a, result: lagged };
        };
        const answer = Array.isArray(parsed) ? parsed.map(lagOne) : lagOne(parsed as { id?: unknown; result?: unknown });
        return send(res, { ...up, text: JSON.stringify(answer) });
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // The upstream is down (a restart, a reorg in progress): answer as a gateway would.
      if (!res.headersSent && !res.destroyed) res.writeHead(502, { "content-type": "text/html" }).end(htmlPage(502));
    });
  });
  server.keepAliveTimeout = 5000;
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    rates: () => ({ ...rates }),
    setRates: (next) => {
      const bad = invalidRates(next);
      if (bad) throw new Error(`fault proxy: ${bad}`);
      rates = { ...next };
    },
    hold: (methods) => {
      holding = methods ? new Set(methods) : null;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
