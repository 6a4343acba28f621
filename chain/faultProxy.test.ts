/**
 * The fault proxy in front of a small fake endpoint: each fault is produced at its seeded rate and
 * looks, from the client's side, as it should; the same seed gives the same faults in the same order.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAULT_KINDS, type FaultKind, type FaultRates } from "../core/faults.js";
import { startFaultProxy } from "./faultProxy.js";

const HEAD = 100;
let upstream: Server;
let target: string;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const call = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      const tip = `0x${HEAD.toString(16)}`;
      const result =
        call.method === "eth_blockNumber" ? tip
        : call.method === "eth_getBlockByNumber" ? { number: call.params[0] === "latest" ? tip : call.params[0], hash: "0xabc" }
        : "0x7a69";
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: call.id, result }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
  target = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

type Seen = FaultKind | "passed";

/** What a client sees for one eth_blockNumber request. */
async function observe(url: string, id: number): Promise<Seen> {
  const started = Date.now();
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", connection: "close" }, body: JSON.stringify({ jsonrpc: "2.0", id, method: "eth_blockNumber", params: [] }) });
    text = await res.text();
  } catch {
    return "reset";
  }
  if (res.status === 429) {
    expect(res.headers.get("retry-after")).toBe("1");
    return "rateLimit";
  }
  if (res.status >= 500) {
    expect([500, 502, 503]).toContain(res.status);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(text).toMatch(/^<!DOCTYPE html>/);
    return "serverError";
  }
  let body: { id?: number; result?: string; error?: { code: number } };
  try {
    body = JSON.parse(text);
  } catch {
    expect(`{"jsonrpc":"2.0","id":${id},"result":"0x64"}`.startsWith(text)).toBe(true);
    return "truncated";
  }
  expect(body.id).toBe(id);
  if (body.error) {
    expect(body.error.code).toBe(-32603);
    return "rpcError";
  }
  const block = Number(BigInt(body.result!));
  if (block < HEAD) {
    expect(HEAD - block).toBeGreaterThanOrEqual(1);
    expect(HEAD - block).toBeLessThanOrEqual(5);
    return "laggingHead";
  }
  expect(block).toBe(HEAD);
  return Date.now() - started >= 40 ? "slow" : "passed";
}

describe("fault proxy", () => {
  const rates: FaultRates = { rateLimit: 0.08, serverError: 0.06, rpcError: 0.06, slow: 0.03, truncated: 0.05, reset: 0.05, laggingHead: 0.07 };

  test("each fault is produced at its seeded rate, as a client sees it, and counted", async () => {
    const proxy = await startFaultProxy({ target, seed: 42, rates, slowMs: [40, 50] });
    const n = 1500;
    const seen: Record<Seen, number> = { passed: 0, ...(Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>) };
    try {
      for (let i = 0; i < n; i++) seen[await observe(proxy.url, i)]++;
      const counts = proxy.counts();
      expect(counts.requests).toBe(n);
      for (const kind of FAULT_KINDS) {
        const p = rates[kind]!;
        expect(counts[kind], kind).toBeGreaterThan(n * p - 5 * Math.sqrt(n * p * (1 - p)));
        expect(counts[kind], kind).toBeLessThan(n * p + 5 * Math.sqrt(n * p * (1 - p)));
        // a passed request may be slow on a busy machine, a slow one never looks fast
        if (kind === "slow") expect(seen.slow).toBeGreaterThanOrEqual(counts.slow);
        else expect(seen[kind], kind).toBe(counts[kind]);
      }
      expect(seen.passed + seen.slow).toBe(counts.passed + counts.slow);
    } finally {
      await proxy.close();
    }
  });

  test("the same seed injects the same faults in the same order; another seed does not", async () => {
    const run = async (seed: number) => {
      const proxy = await startFaultProxy({ target, seed, rates: { rateLimit: 0.2, rpcError: 0.2, laggingHead: 0.2 } });
      try {
        const out: Seen[] = [];
        for (let i = 0; i < 60; i++) out.push(await observe(proxy.url, i));
        return out;
      } finally {
        await proxy.close();
      }
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect(await run(6)).not.toEqual(a);
  });

  test("a lagging head also answers eth_getBlockByNumber(\"latest\") with an older block; other blocks pass", async () => {
    const proxy = await startFaultProxy({ target, seed: 9, rates: { laggingHead: 1 } });
    const ask = async (tag: string) => {
      const res = await fetch(proxy.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "eth_getBlockByNumber", params: [tag, false] }) });
      return (await res.json()) as { id: number; result: { number: string } };
    };
    try {
      for (let i = 0; i < 10; i++) {
        const r = await ask("latest");
        expect(r.id).toBe(7);
        expect(HEAD - Number(r.result.number)).toBeGreaterThanOrEqual(1);
        expect(HEAD - Number(r.result.number)).toBeLessThanOrEqual(5);
      }
      expect((await ask("0x10")).result.number).toBe("0x10");
      expect(proxy.counts()).toMatchObject({ requests: 11, laggingHead: 10, passed: 1 });
    } finally {
      await proxy.close();
    }
  });

  test("rates can be raised for a while and set back; bad rates are refused", async () => {
    const proxy = await startFaultProxy({ target, seed: 1, rates: {} });
    try {
      for (let i = 0; i < 20; i++) expect(await observe(proxy.url, i)).toBe("passed");
      proxy.setRates({ rateLimit: 1 });
      for (let i = 0; i < 5; i++) expect(await observe(proxy.url, i)).toBe("rateLimit");
      proxy.setRates({});
      expect(await observe(proxy.url, 0)).toBe("passed");
      expect(proxy.counts()).toMatchObject({ requests: 26, passed: 21, rateLimit: 5 });
      expect(() => proxy.setRates({ reset: 2 })).toThrow("rate of reset must be a number in [0, 1], not 2");
    } finally {
      await proxy.close();
    }
    await expect(startFaultProxy({ target, seed: 1, rates: { slow: 0.7, reset: 0.7 } })).rejects.toThrow("fault rates add up to 1.400");
  });

  test("hold: a hung upstream never answers the held methods, others pass; released, new requests are answered", async () => {
    const proxy = await startFaultProxy({ target, seed: 1, rates: {} });
    const call = (method: string, signal?: AbortSignal) =>
      fetch(proxy.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: ["latest", false] }), signal }).then((r) => r.json() as Promise<{ result?: unknown }>);
    try {
      proxy.hold(["eth_getLogs"]);
      const held = call("eth_getLogs", AbortSignal.timeout(500));
      expect((await call("eth_blockNumber")).result).toBe("0x64");
      await expect(held).rejects.toThrow(/abort|timeout/i);
      proxy.hold(null);
      expect((await call("eth_getLogs")).result).toBe("0x7a69");
      expect(proxy.counts()).toMatchObject({ requests: 3, held: 1, passed: 2 });
    } finally {
      await proxy.close();
    }
  });
});
