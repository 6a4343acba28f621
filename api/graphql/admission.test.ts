import { Hono } from "hono";
import { describe, expect, test } from "vitest";
import { Admission, Deadline, RetryableError } from "./admission.js";
import type { Gateway, GraphqlResponse, ReadyPlan } from "./gateway.js";
import { graphqlHandler } from "./index.js";
import { DEFAULT_STATS } from "./cost.js";
import { CostStatsCache } from "./costStats.js";
import { LIMITS } from "./limits.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Admission", () => {
  test("runs at most `slots` operations at once and the rest in arrival order", async () => {
    const a = new Admission({ slots: 2, maxQueue: 10 });
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const job = (i: number) => a.run(async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(20);
      order.push(i);
      running--;
      return i;
    }, 5_000);
    expect(await Promise.all([0, 1, 2, 3, 4, 5].map(job))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(order.slice(2)).toEqual([2, 3, 4, 5]);
    expect(a.stats).toEqual({ running: 0, waiting: 0 });
  });

  test("refuses at once when the queue is full, with a retryable SERVER_BUSY", async () => {
    const a = new Admission({ slots: 1, maxQueue: 1 });
    const hold = a.run(() => sleep(100), 5_000);
    const queued = a.run(() => sleep(1), 5_000);
    const err = await a.run(() => sleep(1), 5_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as RetryableError).code).toBe("SERVER_BUSY");
    expect((err as RetryableError).retryAfterSeconds).toBeGreaterThan(0);
    await Promise.all([hold, queued]);
  });

  test("gives up waiting after waitMs and leaves the queue", async () => {
    const a = new Admission({ slots: 1, maxQueue: 5 });
    const hold = a.run(() => sleep(200), 5_000);
    const started = Date.now();
    const err = await a.run(() => sleep(1), 50).catch((e: unknown) => e);
    expect((err as RetryableError).code).toBe("SERVER_BUSY");
    expect(Date.now() - started).toBeLessThan(150);
    expect(a.stats.waiting).toBe(0);
    await hold;
    expect(a.stats).toEqual({ running: 0, waiting: 0 });
  });

  test("frees the slot when the work fails", async () => {
    const a = new Admission({ slots: 1, maxQueue: 5 });
    await expect(a.run(() => Promise.reject(new Error("boom")), 100)).rejects.toThrow("boom");
    expect(await a.run(async () => 7, 100)).toBe(7);
  });
});

describe("Deadline", () => {
  test("check() passes before the deadline and throws QUERY_TIMEOUT after it", async () => {
    const d = new Deadline(30);
    expect(() => d.check()).not.toThrow();
    await expect(d.expired).rejects.toMatchObject({ code: "QUERY_TIMEOUT" });
    expect(() => d.check()).toThrow(/deadline/);
    expect(d.remaining()).toBe(0);
  });

  test("a cleared deadline never fires", async () => {
    const d = new Deadline(20);
    d.clear();
    await sleep(40);
    expect(d.hasPassed).toBe(false);
  });
});

/** A gateway whose every query "costs" what its text says and executes for as long as it says. */
function fakeGateway(): Gateway {
  const plan = (req: { query?: unknown }) => {
    const [cost, ms] = String(req.query).split(":").map(Number);
    return { ok: true as const, document: null as never, schema: null as never, operationName: undefined, variables: undefined, cost: cost!, cacheable: false, ms };
  };
  return {
    budgetMs: 3000,
    plan,
    execute: async (p: ReadyPlan, ctx: object): Promise<GraphqlResponse> => {
      const ms = (p as ReadyPlan & { ms: number }).ms;
      for (let waited = 0; waited < ms; waited += 10) {
        (ctx as { deadline?: Deadline }).deadline?.check();
        await sleep(10);
      }
      return { status: 200, body: { data: { slept: ms } } };
    },
  } as unknown as Gateway;
}

function app(limits: { requestTimeoutMs: number; expensiveSlots: number; expensiveQueue: number }) {
  const h = new Hono();
  const handler = graphqlHandler({
    db: null as never,
    t: null as never,
    gateway: async () => fakeGateway(),
    stats: new CostStatsCache(async () => DEFAULT_STATS),
    limits: { queryBudgetMs: 3000, ...limits },
  });
  h.post("/graphql", handler);
  return (query: string) => h.request("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
}

describe("the /graphql handler bounds execution", () => {
  test("a request past its deadline ends with 503 QUERY_TIMEOUT and Retry-After, while its work stops", async () => {
    const send = app({ requestTimeoutMs: 100, expensiveSlots: 2, expensiveQueue: 4 });
    const started = Date.now();
    const res = await send("10:2000");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe("QUERY_TIMEOUT");
    expect(body.errors[0]!.message).toContain("did not finish within 0.1 s");
  });

  test("cheap requests skip the slots; expensive ones past the queue are refused with SERVER_BUSY", async () => {
    const send = app({ requestTimeoutMs: 5_000, expensiveSlots: 1, expensiveQueue: 1 });
    const expensive = `${LIMITS.expensiveCostMs}:300`;
    const first = send(expensive);
    await sleep(20);
    const second = send(expensive); // queued
    await sleep(20);
    const third = await send(expensive); // queue full
    expect(third.status).toBe(503);
    expect(((await third.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("SERVER_BUSY");
    const cheapStarted = Date.now();
    const cheap = await send("5:0");
    expect(cheap.status).toBe(200);
    expect(Date.now() - cheapStarted).toBeLessThan(100);
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
  });

  test("every planned response says what it was estimated to cost", async () => {
    const res = await app({ requestTimeoutMs: 1000, expensiveSlots: 1, expensiveQueue: 1 })("12.5:0");
    expect(res.headers.get("x-query-cost")).toBe("12.5");
    expect(res.headers.get("x-query-budget")).toBe("3000");
  });
});
