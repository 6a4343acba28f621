/**
 * The stall watchdog of `npm start`: is the indexer alive but stuck? Pure rules over samples of
 * (time, indexed block, chain head). The indexer is stalled when its indexed block has not moved
 * for `thresholdMs` while the chain head was ahead of it at every sample. A sample with an unknown
 * indexed block or head (the RPC or the indexer did not answer: a restart would not help) and a
 * head at or below the indexed block (caught up, or a lagging head) restart the clock.
 *
 * Why: Ponder 0.16 can stay for many minutes on a block it cannot fetch (a block hash the node
 * forgot after a reorg, a hung request), alive and answering, while the chain goes on without it.
 * A restart indexes the chain as it is now (docs/RELIABILITY.md).
 */

export interface StallSample {
  /** ms (Date.now()). */
  now: number;
  indexed: number | null;
  head: number | null;
}

export interface StallState {
  /** The indexed block last seen. */
  block: number;
  /** Since when it has been that block with the head ahead, every sample read. */
  since: number;
}

export type StallVerdict = { stalled: false } | { stalled: true; block: number; forMs: number; head: number };

/** The next state and the verdict for one more sample; `thresholdMs` 0 never calls a stall. */
export function observeProgress(state: StallState | null, s: StallSample, thresholdMs: number): { state: StallState | null; verdict: StallVerdict } {
  const fine = { stalled: false } as const;
  if (s.indexed === null || s.head === null) return { state: null, verdict: fine };
  if (state === null || s.indexed !== state.block || s.head <= s.indexed) {
    return { state: { block: s.indexed, since: s.now }, verdict: fine };
  }
  const forMs = s.now - state.since;
  if (thresholdMs > 0 && forMs >= thresholdMs) {
    return { state, verdict: { stalled: true, block: state.block, forMs, head: s.head } };
  }
  return { state, verdict: fine };
}

/** STALL_RESTART_S: seconds without progress before a restart (default 60; 0 turns the watchdog off). */
export function stallThresholdMs(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return 60_000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`STALL_RESTART_S must be a number of seconds (0 turns the stall watchdog off), not "${raw}"`);
  return Math.round(n * 1000);
}

/** The one line `npm start` prints when the watchdog restarts the indexer. */
export function stallLine(v: { block: number; forMs: number; head: number }): string {
  return `has not advanced past block ${v.block} for ${Math.round(v.forMs / 1000)} s while the chain head went on to ${v.head} (stalled)`;
}
