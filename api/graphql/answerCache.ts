/**
 * Answers of expensive read-only queries (those with modelLineage), reused while the indexed data
 * they were computed from is unchanged. No I/O here: the caller supplies the data version and the
 * compute.
 *
 * - The key names the question AND the data version (api/graphql/dataVersion.ts): a new block,
 *   a reorg or a restart of the indexer gives a new version, so a stale answer is never found.
 * - An answer is kept only if the version read after computing equals the one read before: the
 *   indexer commits data and version together, so equal versions mean no commit fell in between.
 * - Concurrent requests for the same key share one computation (single flight); a failed one is
 *   not kept.
 * - Bounded by a cost budget (the caller's measure: bytes of the response), least recently used
 *   first out. One answer costing more than the whole budget is served but not kept.
 */
export interface AnswerCacheOptions<V> {
  /** Total cost the cache may hold. */
  maxCost: number;
  cost(value: V): number;
  /** Whether an answer may be kept at all (default: every answer). */
  keep?(value: V): boolean;
}

export interface AnswerCacheStats {
  hits: number;
  misses: number;
  /** Answers not kept because the data changed while they were computed. */
  raced: number;
  entries: number;
  cost: number;
}

export class AnswerCache<V> {
  private readonly entries = new Map<string, { value: V; cost: number }>();
  private readonly inFlight = new Map<string, Promise<V>>();
  private total = 0;
  private hits = 0;
  private misses = 0;
  private raced = 0;

  constructor(private readonly opts: AnswerCacheOptions<V>) {
    if (!(opts.maxCost >= 0)) throw new Error(`AnswerCache: maxCost must be a number >= 0, got ${opts.maxCost}`);
  }

  /**
   * The answer to `question` at data version `version`: cached, or computed by `compute` and kept
   * if `versionAfter()` still equals `version` once it is done.
   */
  async get(question: string, version: string, compute: () => Promise<V>, versionAfter: () => Promise<string>): Promise<V> {
    const key = `${version}\u0000${question}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const pending = this.inFlight.get(key);
    if (pending) {
      this.hits++;
      return pending;
    }
    this.misses++;
    const run = (async () => {
      const value = await compute();
      if ((await versionAfter()) === version) this.keep(key, value);
      else this.raced++;
      return value;
    })();
    this.inFlight.set(key, run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(key);
    }
  }

  stats(): AnswerCacheStats {
    return { hits: this.hits, misses: this.misses, raced: this.raced, entries: this.entries.size, cost: this.total };
  }

  private keep(key: string, value: V): void {
    if (this.opts.keep && !this.opts.keep(value)) return;
    const cost = Math.max(1, this.opts.cost(value));
    if (cost > this.opts.maxCost) return;
    const old = this.entries.get(key);
    if (old) {
      this.total -= old.cost;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, cost });
    this.total += cost;
    for (const [k, e] of this.entries) {
      if (this.total <= this.opts.maxCost) break;
      this.entries.delete(k);
      this.total -= e.cost;
    }
  }
}
