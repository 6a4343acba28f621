/**
 * A minimal JSON-RPC client with batching: the simulator sends thousands of transactions per block,
 * and one HTTP request carrying hundreds of calls is far cheaper than hundreds of requests.
 */

export class RpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number | undefined,
    message: string,
    readonly data?: unknown,
  ) {
    super(`${method} failed: ${message}`);
    this.name = "RpcError";
  }
}

export interface RpcCall {
  method: string;
  params: unknown[];
}

export class Rpc {
  private id = 0;
  constructor(
    readonly url: string,
    private readonly maxBatch = 500,
  ) {}

  private async post(body: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    } catch (e) {
      throw new Error(`cannot reach ${this.url} (${(e as Error).message}); is the node running?`);
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${this.url} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${this.url} answered non-JSON: ${text.slice(0, 200)}`);
    }
  }

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const reply = (await this.post({ jsonrpc: "2.0", id: ++this.id, method, params })) as { result?: T; error?: { code: number; message: string; data?: unknown } };
    if (reply.error) throw new RpcError(method, reply.error.code, reply.error.message, reply.error.data);
    return reply.result as T;
  }

  /** Like call, but resolves to undefined instead of throwing when the method fails. */
  async tryCall<T = unknown>(method: string, params: unknown[] = []): Promise<T | undefined> {
    try {
      return await this.call<T>(method, params);
    } catch {
      return undefined;
    }
  }

  /** Many calls in as few HTTP requests as possible; results in call order; throws on the first error. */
  async batch<T = unknown>(calls: readonly RpcCall[]): Promise<T[]> {
    const out: T[] = [];
    for (let start = 0; start < calls.length; start += this.maxBatch) {
      const chunk = calls.slice(start, start + this.maxBatch);
      const base = this.id;
      this.id += chunk.length;
      const body = chunk.map((c, i) => ({ jsonrpc: "2.0", id: base + i + 1, method: c.method, params: c.params }));
      const reply = await this.post(body);
      if (!Array.isArray(reply)) {
        const err = (reply as { error?: { code: number; message: string } }).error;
        throw new RpcError(chunk[0]!.method, err?.code, err?.message ?? "batch not answered with an array");
      }
      const byId = new Map<number, { result?: T; error?: { code: number; message: string; data?: unknown } }>();
      for (const r of reply as { id: number }[]) byId.set(r.id, r as never);
      for (let i = 0; i < chunk.length; i++) {
        const r = byId.get(base + i + 1);
        if (!r) throw new RpcError(chunk[i]!.method, undefined, "no answer in batch");
        if (r.error) throw new RpcError(chunk[i]!.method, r.error.code, r.error.message, r.error.data);
        out.push(r.result as T);
      }
    }
    return out;
  }
}
