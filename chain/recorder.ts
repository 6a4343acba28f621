/**
 * Records a chain while it is generated: a JSON-RPC proxy in front of an anvil that, after every
 * request that can mine a block (evm_mine, anvil_mine, a sent transaction under automine), fetches
 * the new blocks with their transactions and receipts from anvil and appends them to a recording
 * (chain/recording.ts) before it answers. The generator thus never runs ahead of the recording,
 * and anvil can run with `--prune-history` and `--transaction-block-keeper K`: it forgets old
 * blocks, receipts and states, and its memory stays flat however long the chain grows.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { RecordingWriter, type RecordedBlock, type RecordingMeta } from "./recording.js";

/** Methods after which anvil may have mined a block. */
export const MINING_METHODS = new Set([
  "evm_mine",
  "anvil_mine",
  "anvil_mine_detailed",
  "evm_mine_detailed",
  "eth_sendTransaction",
  "eth_sendRawTransaction",
  "eth_sendRawTransactionSync",
  "eth_sendTransactionSync",
  "evm_setAutomine",
  "evm_setIntervalMining",
  "anvil_setIntervalMining",
]);

/** anvil_* and evm_* methods that would rewrite recorded history: refused. */
export const REWRITING_METHODS = new Set(["anvil_reorg", "anvil_rollback", "evm_revert", "anvil_loadState", "anvil_reset"]);

/** Does this JSON-RPC body (one call or a batch) hold a call that may mine? */
export function mayMine(body: unknown): boolean {
  const calls = Array.isArray(body) ? body : [body];
  return calls.some((c) => typeof c === "object" && c !== null && MINING_METHODS.has(String((c as { method?: unknown }).method)));
}

/** The first call of a body that would rewrite history, if any. */
export function rewritingCall(body: unknown): string | undefined {
  const calls = Array.isArray(body) ? body : [body];
  for (const c of calls) {
    const m = typeof c === "object" && c !== null ? String((c as { method?: unknown }).method) : "";
    if (REWRITING_METHODS.has(m)) return m;
  }
  return undefined;
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

type Reply = { id: number; result?: unknown; error?: { code: number; message: string } };

export interface Recorder {
  /** Point the generator here instead of at anvil. */
  url: string;
  /** Blocks recorded so far. */
  recorded(): number;
  /** Records up to anvil's head, stops the proxy and marks the recording complete. */
  finish(): Promise<RecordingMeta>;
  /** Stops the proxy, leaving the recording incomplete. */
  close(): Promise<void>;
}

export async function startRecorder(opts: { target: string; dir: string; chainId: number; gzipLevel?: number }): Promise<Recorder> {
  const writer = new RecordingWriter(opts.dir, opts.gzipLevel);
  let failure: Error | null = null;
  // One catch-up at a time, in order.
  let chain: Promise<void> = Promise.resolve();

  const fetchBlocks = async (from: number, to: number): Promise<RecordedBlock[]> => {
    const calls = [];
    for (let n = from; n <= to; n++) {
      const tag = "0x" + n.toString(16);
      calls.push({ jsonrpc: "2.0", id: 2 * (n - from), method: "eth_getBlockByNumber", params: [tag, true] });
      calls.push({ jsonrpc: "2.0", id: 2 * (n - from) + 1, method: "eth_getBlockReceipts", params: [tag] });
    }
    const replies = await post<Reply[]>(opts.target, calls);
    const byId = new Map(replies.map((r) => [r.id, r]));
    const out: RecordedBlock[] = [];
    for (let n = from; n <= to; n++) {
      const b = byId.get(2 * (n - from));
      const r = byId.get(2 * (n - from) + 1);
      if (b?.error || r?.error) throw new Error(`recording block ${n}: ${(b?.error ?? r?.error)!.message}`);
      if (!b?.result || !r?.result) {
        throw new Error(`recording block ${n}: anvil no longer has it (pruned by --transaction-block-keeper before it was recorded?)`);
      }
      out.push({ block: b.result as RecordedBlock["block"], receipts: r.result as RecordedBlock["receipts"] });
    }
    return out;
  };

  const catchUp = () => {
    chain = chain.then(async () => {
      if (failure) return;
      try {
        const head = Number(BigInt((await post<Reply>(opts.target, { jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] })).result as string));
        for (let from = writer.nextBlock; from <= head; from += 16) {
          for (const b of await fetchBlocks(from, Math.min(head, from + 15))) writer.append(b);
        }
      } catch (e) {
        failure = e as Error;
      }
    });
    return chain;
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
    });

  const server = createServer(async (req, res) => {
    try {
      const raw = await readBody(req);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        body = null;
      }
      const refused = rewritingCall(body);
      if (refused) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ jsonrpc: "2.0", id: (body as { id?: unknown }).id ?? null, error: { code: -32601, message: `${refused} would rewrite the recorded chain; the recorder refuses it` } }));
        return;
      }
      const upstream = await fetch(opts.target, { method: "POST", headers: { "content-type": "application/json" }, body: new Uint8Array(raw) });
      const text = await upstream.text();
      if (mayMine(body)) await catchUp();
      if (failure) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`recorder failed: ${failure.message}`);
        return;
      }
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      res.end(text);
    } catch (e) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`recorder: ${(e as Error).message}`);
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Genesis and whatever anvil mined before we were started.
  await catchUp();
  if (failure) throw failure;

  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  let closed = false;
  return {
    url,
    recorded: () => writer.nextBlock,
    finish: async () => {
      await catchUp();
      if (!closed) await close();
      closed = true;
      if (failure) {
        writer.abandon();
        throw failure;
      }
      return writer.finish(opts.chainId);
    },
    close: async () => {
      if (!closed) await close();
      closed = true;
      await chain;
      writer.abandon();
    },
  };
}
