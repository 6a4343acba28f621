/**
 * A read-only JSON-RPC server over a recording (chain/recording.ts): what an indexer asks of a
 * node while it syncs a finished chain. Blocks by number, tag or hash (with or without full
 * transactions), logs by range or block hash with address and topic filters, receipts by
 * transaction or block, transactions by hash. State reads (eth_call, balances, code, storage,
 * nonces) are forwarded to `stateRpc`, an anvil holding the chain's head state, when one is given.
 * Anything else answers JSON-RPC error -32601.
 *
 * Answers are written as they are read, block by block: a wide eth_getLogs costs the server one
 * block's logs of memory, not the whole answer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RecordingReader, type RpcObject } from "./recording.js";

export const STATE_METHODS = new Set(["eth_call", "eth_getBalance", "eth_getCode", "eth_getStorageAt", "eth_getTransactionCount", "eth_estimateGas"]);

export class RpcMethodError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
const invalid = (message: string) => new RpcMethodError(-32602, message);

type Write = (chunk: string) => Promise<void>;

/** A log filter as eth_getLogs takes it, resolved to a block range. */
export interface LogFilter {
  from: number;
  to: number;
  addresses: Set<string> | null;
  /** Per position: null (any) or the accepted topics. */
  topics: (Set<string> | null)[];
}

const QUANTITY = /^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/;
const isHash = (v: unknown): v is string => typeof v === "string" && /^0x[0-9a-fA-F]{64}$/.test(v);

/** A block tag or number → block number (latest, safe, finalized and pending are the head: the recording is final). */
export function resolveTag(tag: unknown, head: number): number {
  if (tag === undefined || tag === "latest" || tag === "safe" || tag === "finalized" || tag === "pending") return head;
  if (tag === "earliest") return 0;
  if (typeof tag === "string" && QUANTITY.test(tag)) {
    const n = Number(BigInt(tag));
    if (!Number.isSafeInteger(n)) throw invalid(`block number ${tag} out of range`);
    return n;
  }
  throw invalid(`invalid block tag ${JSON.stringify(tag)}`);
}

export function parseLogFilter(raw: unknown, head: number, numberOfHash: (h: string) => number | undefined): LogFilter | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw invalid("eth_getLogs takes one filter object");
  const f = raw as { fromBlock?: unknown; toBlock?: unknown; blockHash?: unknown; address?: unknown; topics?: unknown };
  let from: number, to: number;
  if (f.blockHash !== undefined) {
    if (f.fromBlock !== undefined || f.toBlock !== undefined) throw invalid("blockHash excludes fromBlock and toBlock");
    if (!isHash(f.blockHash)) throw invalid(`invalid blockHash ${JSON.stringify(f.blockHash)}`);
    const n = numberOfHash(f.blockHash);
    if (n === undefined) throw new RpcMethodError(-32000, `unknown block ${f.blockHash}`);
    from = to = n;
  } else {
    from = resolveTag(f.fromBlock, head);
    to = resolveTag(f.toBlock, head);
    if (from > to) throw invalid(`fromBlock ${from} is after toBlock ${to}`);
  }
  let addresses: Set<string> | null = null;
  if (f.address !== undefined && f.address !== null) {
    const list = Array.isArray(f.address) ? f.address : [f.address];
    for (const a of list) if (typeof a !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(a)) throw invalid(`invalid address ${JSON.stringify(a)}`);
    addresses = new Set((list as string[]).map((a) => a.toLowerCase()));
  }
  const topics: (Set<string> | null)[] = [];
  if (f.topics !== undefined && f.topics !== null) {
    if (!Array.isArray(f.topics) || f.topics.length > 4) throw invalid("topics must be an array of at most 4 entries");
    for (const t of f.topics as unknown[]) {
      if (t === null) topics.push(null);
      else {
        const list = Array.isArray(t) ? t : [t];
        for (const x of list) if (!isHash(x)) throw invalid(`invalid topic ${JSON.stringify(x)}`);
        topics.push(list.length ? new Set((list as string[]).map((x) => x.toLowerCase())) : null);
      }
    }
  }
  return { from, to: Math.min(to, head), addresses, topics };
}

export function logMatches(log: { address: string; topics: string[] }, f: LogFilter): boolean {
  if (f.addresses && !f.addresses.has(log.address.toLowerCase())) return false;
  for (let i = 0; i < f.topics.length; i++) {
    const want = f.topics[i];
    if (!want) continue;
    const got = log.topics[i];
    if (got === undefined || !want.has(got.toLowerCase())) return false;
  }
  return true;
}

export interface RecordedRpcServer {
  url: string;
  reader: RecordingReader;
  /** Calls answered and milliseconds spent answering them (written out included), per method. */
  calls(): Record<string, { calls: number; ms: number }>;
  close(): Promise<void>;
}

export async function startRecordedRpc(opts: { dir: string; stateRpc?: string; port?: number }): Promise<RecordedRpcServer> {
  const reader = new RecordingReader(opts.dir);
  const head = reader.head;
  const counts = new Map<string, { calls: number; ms: number }>();

  const blockAt = (n: number, full: boolean): RpcObject | null => {
    if (!reader.has(n)) return null;
    const header = reader.section<RpcObject>(n, "header");
    return full ? { ...header, transactions: reader.section<RpcObject[]>(n, "transactions") } : header;
  };
  const receiptsOf = (n: number): RpcObject[] => {
    const bare = reader.section<RpcObject[]>(n, "receipts");
    const logs = reader.section<{ transactionIndex: string }[]>(n, "logs");
    const byTx = new Map<number, unknown[]>();
    for (const l of logs) {
      const i = Number(BigInt(l.transactionIndex));
      const list = byTx.get(i);
      if (list) list.push(l);
      else byTx.set(i, [l]);
    }
    return bare.map((r, i) => ({ ...r, logs: byTx.get(i) ?? [] }));
  };
  const blockOf = (tag: unknown): number | null => {
    if (isHash(tag)) return reader.numberOfHash(tag) ?? null;
    if (typeof tag === "object" && tag !== null && "blockHash" in tag) return isHash((tag as { blockHash: unknown }).blockHash) ? (reader.numberOfHash((tag as { blockHash: string }).blockHash) ?? null) : null;
    if (typeof tag === "object" && tag !== null && "blockNumber" in tag) return resolveTag((tag as { blockNumber: unknown }).blockNumber, head);
    const n = resolveTag(tag, head);
    return reader.has(n) ? n : null;
  };

  const forward = async (call: { method: string; params: unknown[] }): Promise<unknown> => {
    if (!opts.stateRpc) throw new RpcMethodError(-32601, `${call.method} needs the chain's state; this recording server was started without a state node`);
    const res = await fetch(opts.stateRpc, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: call.method, params: call.params }) });
    const reply = (await res.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
    if (reply.error) throw Object.assign(new RpcMethodError(reply.error.code, reply.error.message), { data: reply.error.data });
    return reply.result;
  };

  /** The `result` of one call to serialize, or null when it was streamed through `write` (eth_getLogs). */
  const answer = async (method: string, params: unknown[], write: Write): Promise<{ value: unknown } | null> => {
    switch (method) {
      case "eth_chainId":
        return { value: "0x" + reader.meta.chainId.toString(16) };
      case "net_version":
        return { value: String(reader.meta.chainId) };
      case "web3_clientVersion":
        return { value: "openledger-recorded-rpc/1" };
      case "eth_syncing":
        return { value: false };
      case "eth_blockNumber":
        return { value: "0x" + head.toString(16) };
      case "eth_getBlockByNumber": {
        const n = resolveTag(params[0], head);
        return { value: blockAt(n, params[1] === true) };
      }
      case "eth_getBlockByHash": {
        if (!isHash(params[0])) throw invalid(`invalid block hash ${JSON.stringify(params[0])}`);
        const n = reader.numberOfHash(params[0]);
        return { value: n === undefined ? null : blockAt(n, params[1] === true) };
      }
      case "eth_getBlockTransactionCountByNumber":
      case "eth_getBlockTransactionCountByHash": {
        const n = method.endsWith("Hash") ? (isHash(params[0]) ? reader.numberOfHash(params[0]) : undefined) : resolveTag(params[0], head);
        if (n === undefined || !reader.has(n)) return { value: null };
        return { value: "0x" + reader.section<{ transactions: unknown[] }>(n, "header").transactions.length.toString(16) };
      }
      case "eth_getBlockReceipts": {
        const n = blockOf(params[0]);
        return { value: n === null ? null : receiptsOf(n) };
      }
      case "eth_getTransactionByHash":
      case "eth_getTransactionReceipt": {
        if (!isHash(params[0])) throw invalid(`invalid transaction hash ${JSON.stringify(params[0])}`);
        const at = reader.locateTransaction(params[0]);
        if (!at) return { value: null };
        return { value: method === "eth_getTransactionByHash" ? reader.section<RpcObject[]>(at.block, "transactions")[at.index] : receiptsOf(at.block)[at.index] };
      }
      case "eth_getTransactionByBlockNumberAndIndex":
      case "eth_getTransactionByBlockHashAndIndex": {
        const n = method.includes("Hash") ? (isHash(params[0]) ? (reader.numberOfHash(params[0]) ?? null) : null) : blockOf(params[0]);
        if (n === null || typeof params[1] !== "string" || !QUANTITY.test(params[1])) return { value: null };
        return { value: reader.section<RpcObject[]>(n, "transactions")[Number(BigInt(params[1]))] ?? null };
      }
      case "eth_getLogs": {
        const filter = parseLogFilter(params[0], head, (h) => reader.numberOfHash(h))!;
        await write("[");
        let first = true;
        for (let n = filter.from; n <= filter.to; n++) {
          const logs = reader.section<{ address: string; topics: string[] }[]>(n, "logs");
          let chunk = "";
          for (const l of logs) {
            if (!logMatches(l, filter)) continue;
            chunk += (first ? "" : ",") + JSON.stringify(l);
            first = false;
          }
          if (chunk) await write(chunk);
        }
        await write("]");
        return null;
      }
      default:
        if (STATE_METHODS.has(method)) return { value: await forward({ method, params }) };
        throw new RpcMethodError(-32601, `the method ${method} does not exist/is not available on this read-only recording server`);
    }
  };

  const handleOne = async (call: unknown, write: Write): Promise<void> => {
    const c = (typeof call === "object" && call !== null ? call : {}) as { id?: unknown; method?: unknown; params?: unknown };
    const id = JSON.stringify(c.id ?? null);
    if (typeof c.method !== "string") {
      await write(`{"jsonrpc":"2.0","id":${id},"error":{"code":-32600,"message":"invalid request: no method"}}`);
      return;
    }
    let stat = counts.get(c.method);
    if (!stat) counts.set(c.method, (stat = { calls: 0, ms: 0 }));
    stat.calls++;
    const started = performance.now();
    try {
      await dispatch(c.method, c.params, id, write);
    } finally {
      stat.ms += performance.now() - started;
    }
  };

  const dispatch = async (method: string, rawParams: unknown, id: string, write: Write): Promise<void> => {
    const c = { method, params: rawParams };
    const params = Array.isArray(c.params) ? c.params : c.params === undefined ? [] : null;
    if (params === null) {
      await write(`{"jsonrpc":"2.0","id":${id},"error":{"code":-32602,"message":"params must be an array"}}`);
      return;
    }
    // The result is streamed only for eth_getLogs; errors are found before its first byte (the filter is parsed first).
    if (c.method === "eth_getLogs") {
      let filterError: RpcMethodError | null = null;
      try {
        parseLogFilter(params[0], head, (h) => reader.numberOfHash(h));
      } catch (e) {
        filterError = e instanceof RpcMethodError ? e : invalid((e as Error).message);
      }
      if (filterError) {
        await write(`{"jsonrpc":"2.0","id":${id},"error":${JSON.stringify({ code: filterError.code, message: filterError.message })}}`);
        return;
      }
      await write(`{"jsonrpc":"2.0","id":${id},"result":`);
      await answer(c.method, params, write);
      await write("}");
      return;
    }
    try {
      const r = await answer(c.method, params, write);
      await write(`{"jsonrpc":"2.0","id":${id},"result":${JSON.stringify(r!.value ?? null)}}`);
    } catch (e) {
      const err = e instanceof RpcMethodError ? e : new RpcMethodError(-32603, (e as Error).message);
      const data = (err as { data?: unknown }).data;
      await write(`{"jsonrpc":"2.0","id":${id},"error":${JSON.stringify({ code: err.code, message: err.message, ...(data !== undefined ? { data } : {}) })}}`);
    }
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });

  const writerFor = (res: ServerResponse): Write => (chunk) =>
    res.write(chunk) ? Promise.resolve() : new Promise<void>((resolve, reject) => {
      const done = () => { res.off("close", gone); resolve(); };
      const gone = () => { res.off("drain", done); reject(new Error("client went away")); };
      res.once("drain", done);
      res.once("close", gone);
    });

  const server = createServer(async (req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST", "content-type": "text/plain" });
      res.end("JSON-RPC over POST only\n");
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}`);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    const write = writerFor(res);
    try {
      if (Array.isArray(body)) {
        if (body.length === 0) await write(`{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"empty batch"}}`);
        else {
          await write("[");
          for (let i = 0; i < body.length; i++) {
            if (i) await write(",");
            await handleOne(body[i], write);
          }
          await write("]");
        }
      } else await handleOne(body, write);
      res.end();
    } catch {
      res.destroy();
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reader,
    calls: () => Object.fromEntries([...counts].map(([m, s]) => [m, { calls: s.calls, ms: Math.round(s.ms) }])),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          reader.close();
          resolve();
        });
      }),
  };
}
