/**
 * Bounded execution (api/LIMITS.md): expensive operations take one of a few slots, waiting in a
 * short queue; a request that cannot get a slot in time, or finds the queue full, is refused with a
 * retryable error instead of piling work onto a process it shares with the indexer. Each request
 * also carries a deadline that resolvers check between database reads, so abandoned work stops.
 * No I/O.
 */
import { GraphQLError } from "graphql/index.js";

/** A refusal the client may retry later: HTTP 503 with Retry-After. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly code: "SERVER_BUSY" | "QUERY_TIMEOUT",
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = "RetryableError";
  }
}

export interface AdmissionOptions {
  /** Expensive operations running at once. */
  slots: number;
  /** Expensive operations waiting for a slot; more are refused at once. */
  maxQueue: number;
}

/** Slots for expensive operations, first come first served. */
export class Admission {
  private running = 0;
  private readonly waiting: { start: () => void; timer: ReturnType<typeof setTimeout> }[] = [];

  constructor(private readonly opts: AdmissionOptions) {}

  get stats() {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * Runs `work` in a slot, once one is free within `waitMs`; the slot is held until `work` settles
   * (even after the request gave up on it, so abandoned work still counts against the slots).
   */
  async run<T>(work: () => Promise<T>, waitMs: number): Promise<T> {
    if (this.running >= this.opts.slots) {
      if (this.waiting.length >= this.opts.maxQueue) {
        throw new RetryableError(`the server is busy with ${this.running} expensive queries and ${this.waiting.length} waiting; retry in a few seconds`, "SERVER_BUSY", 2);
      }
      await new Promise<void>((resolve, reject) => {
        const entry = {
          start: () => {
            clearTimeout(entry.timer);
            resolve();
          },
          timer: setTimeout(() => {
            const i = this.waiting.indexOf(entry);
            if (i >= 0) this.waiting.splice(i, 1);
            reject(new RetryableError(`no slot for an expensive query came free within ${Math.round(waitMs / 100) / 10} s; retry in a few seconds`, "SERVER_BUSY", 2));
          }, Math.max(0, waitMs)),
        };
        this.waiting.push(entry);
      });
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next.start(); // the slot passes on: running stays the same
      else this.running--;
    }
  }
}

/** A request's deadline: `check()` throws once it has passed; `expired` settles at that moment. */
export class Deadline {
  readonly at: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private passed = false;
  /** Rejects with QUERY_TIMEOUT when the deadline passes (never, once `clear()`ed). */
  readonly expired: Promise<never>;

  constructor(readonly ms: number, now: () => number = Date.now) {
    this.at = now() + ms;
    this.expired = new Promise<never>((_, reject) => {
      this.timer = setTimeout(() => {
        this.passed = true;
        reject(this.error());
      }, ms);
    });
    this.expired.catch(() => {}); // observed by whoever races it
  }

  remaining(now: () => number = Date.now): number {
    return Math.max(0, this.at - now());
  }

  get hasPassed(): boolean {
    return this.passed;
  }

  /** Throws a GraphQL error once the deadline has passed (resolvers call it before database reads). */
  check(): void {
    if (this.passed) throw new GraphQLError("the query ran past its deadline", { extensions: { code: "QUERY_TIMEOUT" } });
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  error(): RetryableError {
    return new RetryableError(`the query did not finish within ${Math.round(this.ms / 100) / 10} s and was stopped; ask for less (smaller limits, fewer fields) or retry later`, "QUERY_TIMEOUT", 5);
  }
}
