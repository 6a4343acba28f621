/**
 * Fair use of the database between API requests (and the indexer, under `ponder start`).
 *
 * An expensive operation can put hundreds of queries in flight at once (a page of 100 rows whose
 * nested list is one query per row, a lineage's reads per hop). PGlite runs one query at a time
 * and PostgreSQL's read pool has a few connections, both first come first served: a cheap query
 * arriving behind them waited for all of them. Here every request runs in an async context that
 * says whether it is expensive and when its deadline is; the read client's `query` is wrapped so
 * that
 * - queries of expensive requests pass through a small gate (a few in flight, in arrival order),
 *   so a cheap query waits behind at most that many; and each starts only after the event loop
 *   has had a turn: PGlite runs a query synchronously on this thread, and a chain of queries each
 *   started from the last one's promise would otherwise hold the thread (incoming requests, the
 *   indexer) for the whole chain;
 * - no query of a request starts after its deadline (Ponder's own resolvers included, which the
 *   request's resolvers cannot reach otherwise);
 * - queries outside any request (the indexer's) pass untouched.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Deadline } from "./admission.js";

interface Lane {
  expensive: boolean;
  deadline?: Deadline;
}

const lanes = new AsyncLocalStorage<Lane>();

/** Runs a request's work in its lane: its database queries are gated and bounded by its deadline. */
export function inLane<T>(lane: Lane, work: () => Promise<T>): Promise<T> {
  return lanes.run(lane, work);
}

/** A first-come-first-served semaphore with no timeout (the request's deadline bounds the wait). */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly slots: number) {}

  get stats() {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

type Queryable = { query: (...args: never[]) => Promise<unknown> };
const GATED = Symbol.for("openledger.dbGate");

/** Wraps `client.query` once (see the module comment); returns false when it was already wrapped. */
export function gateClient(client: Queryable, gate: Gate): boolean {
  const c = client as Queryable & { [GATED]?: true };
  if (c[GATED]) return false;
  const original = c.query;
  c.query = function gatedQuery(this: unknown, ...args: never[]) {
    const lane = lanes.getStore();
    if (!lane) return original.apply(this, args);
    lane.deadline?.check();
    if (!lane.expensive) return original.apply(this, args);
    return gate.run(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      lane.deadline?.check();
      return original.apply(this, args);
    });
  } as Queryable["query"];
  c[GATED] = true;
  return true;
}

/**
 * Gates the database Ponder's API reads go through (globalThis.PONDER_DATABASE, set before the API
 * module loads): PGlite's one instance (one expensive query at a time), or PostgreSQL's read pool
 * (a third of its connections for expensive queries). Does nothing outside a Ponder process.
 */
export function gatePonderDatabase(): void {
  const database = (globalThis as { PONDER_DATABASE?: { driver?: { dialect?: string; instance?: Queryable; readonly?: Queryable & { options?: { max?: number; options?: string } } } } }).PONDER_DATABASE;
  const driver = database?.driver;
  if (!driver) return;
  if (driver.dialect === "pglite" && driver.instance) gateClient(driver.instance, new Gate(1));
  else if (driver.readonly) {
    gateClient(driver.readonly, new Gate(Math.max(1, Math.floor((driver.readonly.options?.max ?? 9) / 3))));
    // PostgreSQL's JIT compiles a query the planner thinks is big (a total over a few thousand
    // facts, before autovacuum has analyzed the tables) for far longer than it runs: off for the
    // read pool's connections (the pool reads its options at each new connection).
    const options = driver.readonly.options;
    if (options) options.options = `${options.options ?? ""} -c jit=off`.trim();
  }
}
